"""Unit tests for dxkit.process (course 01 BPR)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dxkit.errors import DxkitError
from dxkit.process import (Comparison, ProcedureInfo, Process, annual_hours, bottleneck, compare, drop_steps,
                           expected_visits, longest_path, step_table, to_html, to_mermaid, validate_table,
                           workload_ranking)


def table(rows):
    cols = ["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"]
    return pd.DataFrame(rows, columns=cols)


LINEAR = table([
    (1, "住民", "記入", "作業", 5, 0, "手作業", "紙", "2"),
    (2, "窓口", "受付", "確認", 3, 10, "手作業", "紙", "3"),
    (3, "後方", "入力", "転記", 6, 4, "手作業", "データ", "4"),
    (4, "システム", "更新", "作業", 1, 0, "システム", "データ", ""),
])

BRANCH = table([
    (1, "窓口", "受付", "作業", 2, 0, "手作業", "紙", "2:0.75,3:0.25"),
    (2, "窓口", "通常審査", "確認", 4, 0, "手作業", "紙", "4"),
    (3, "係長", "特別審査", "確認", 20, 60, "手作業", "紙", "4"),
    (4, "窓口", "交付", "作業", 1, 0, "手作業", "紙", ""),
])

LOOP = table([
    (1, "住民", "記入", "作業", 5, 0, "手作業", "紙", "2"),
    (2, "窓口", "点検", "確認", 2, 0, "手作業", "紙", "4:0.8,3:0.2"),
    (3, "住民", "書き直し", "作業", 4, 0, "手作業", "紙", "2"),
    (4, "窓口", "交付", "作業", 1, 0, "手作業", "紙", ""),
])


# --------------------------------------------------------------------- model & validation

def test_linear_metrics():
    p = Process.from_table(LINEAR, name="t")
    m = p.metrics(volume=600)
    assert m.lead_time == 29
    assert m.wait_time == 14
    assert m.touch_time == 15
    assert m.efficiency == pytest.approx(15 / 29)
    assert m.staff_time == 9  # 住民 and システム are not staff time
    assert m.handoffs == 3
    assert m.transcriptions == 1
    assert m.paper_steps == 2
    assert m.annual_hours == pytest.approx(600 * 9 / 60)
    assert p.actors == ["住民", "窓口", "後方", "システム"]
    assert m["リードタイム"] == 29
    assert m.to_series()["年間業務時間（時間）"] == 90


def test_branch_expected_vs_longest():
    p = Process.from_table(BRANCH)
    expected = p.metrics(method="expected")
    assert expected.lead_time == pytest.approx(2 + 0.75 * 4 + 0.25 * 80 + 1)
    assert expected.handoffs == pytest.approx(0.5)  # 窓口→係長→窓口 happens a quarter of the time
    longest = p.metrics(method="longest")
    assert longest.lead_time == 83
    assert longest_path(p) == ["1", "3", "4"]
    assert longest.handoffs == 2
    assert longest.steps == 3


def test_equal_split_without_probabilities():
    df = BRANCH.assign(次工程=["2,3", "4", "4", ""])
    p = Process.from_table(df)
    assert dict(p.step(1).next) == {"2": 0.5, "3": 0.5}
    assert p.metrics().lead_time == pytest.approx(2 + 0.5 * 4 + 0.5 * 80 + 1)


def test_rework_loop_expected_visits():
    p = Process.from_table(LOOP)
    visits = expected_visits(p)
    assert visits["2"] == pytest.approx(1.25)
    assert visits["3"] == pytest.approx(0.25)
    assert p.metrics().lead_time == pytest.approx(5 + 1.25 * 2 + 0.25 * 4 + 1)
    with pytest.raises(DxkitError, match="ループ"):
        longest_path(p)


def test_probability_formats_and_fullwidth():
    df = BRANCH.assign(次工程=["２：７５％，３：２５％", "4", "4", None], ID=["１", "2", "3", "4"])
    p = Process.from_table(df)
    assert dict(p.step("1").next) == {"2": 0.75, "3": 0.25}


def test_column_aliases_and_defaults():
    df = pd.DataFrame({"番号": [1, 2], "担当者": ["窓口", "窓口"], "作業名": ["受付", "交付"],
                       "所要時間（分）": ["3", "2"], "次の工程": ["2", ""]})
    p = Process.from_table(df)
    assert p.step(1).kind == "作業" and p.step(1).medium == "紙" and p.step(1).wait == 0
    assert p.metrics().lead_time == 5


def test_excel_style_float_ids(tmp_path):
    df = LINEAR.assign(ID=[1.0, 2.0, 3.0, 4.0], 次工程=[2.0, 3.0, 4.0, float("nan")])
    p = Process.from_table(df)
    assert p.ids == ["1", "2", "3", "4"]
    path = tmp_path / "steps.xlsx"
    LINEAR.to_excel(path, index=False)
    assert Process.from_table(path).metrics().lead_time == 29
    csv = tmp_path / "steps.csv"
    LINEAR.to_csv(csv, index=False, encoding="cp932")
    assert Process.from_table(csv).metrics().lead_time == 29


@pytest.mark.parametrize("mutate, fragment", [
    (lambda d: d.assign(次工程=["2", "9", "4", ""]), "次工程「9」という工程はありません"),
    (lambda d: d.assign(ID=[1, 2, 2, 4]), "重複"),
    (lambda d: d.assign(所要時間=[5, -3, 6, 1]), "マイナス"),
    (lambda d: d.assign(待ち時間=[0, "十分", 4, 0]), "数ではありません"),
    (lambda d: d.assign(担当=["住民", None, "後方", "システム"]), "「担当」が空"),
    (lambda d: d.drop(columns=["担当"]), "列「担当」がありません"),
    (lambda d: d.assign(種別=["作業", "承認", "転記", "作業"]), "種別"),
    (lambda d: d.assign(処理=["手作業", "手作業", "ロボット", "システム"]), "処理"),
    (lambda d: d.assign(次工程=["2", "3", "2", ""]), "たどり着けない"),
    (lambda d: d.assign(次工程=["2", "3", "4", "1"]), "終わりの工程（"),
    (lambda d: d.assign(次工程=["2", "3", "4", "4"]), "自分自身"),
    (lambda d: d.assign(次工程=["2", "3", "4", "3"]), "終わりの工程"),
    (lambda d: d.assign(次工程=["2:0.5,3:0.3", "3", "4", ""]), "合計"),
    (lambda d: d.assign(次工程=["2:0.5,3", "3", "4", ""]), "全部の行き先"),
    (lambda d: d.assign(次工程=["2:abc", "3", "4", ""]), "確率"),
    (lambda d: d.iloc[0:0], "空"),
])
def test_bad_tables_raise_japanese_errors(mutate, fragment):
    bad = mutate(LINEAR.copy())
    with pytest.raises(DxkitError) as info:
        Process.from_table(bad)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)
    assert any(fragment in p for p in validate_table(bad))


def test_never_ending_cycle():
    df = LINEAR.assign(次工程=["2", "3", "2", ""])
    problems = validate_table(df)
    assert any("たどり着けない" in p for p in problems)
    cyc = table([(1, "a", "x", "作業", 1, 0, "手作業", "紙", "2"), (2, "a", "y", "作業", 1, 0, "手作業", "紙", "1"),
                 (3, "a", "z", "作業", 1, 0, "手作業", "紙", "")])
    assert any("終わらないループ" in p for p in validate_table(cyc))


def test_validation_lists_every_problem_with_row_numbers():
    bad = LINEAR.assign(ID=[1, 2, 2, 4], 所要時間=[5, -1, 6, 1])
    problems = validate_table(bad)
    assert len(problems) >= 2
    assert any(p.startswith("2 行目") for p in problems)
    assert validate_table(LINEAR) == []


def test_wrong_input_types():
    with pytest.raises(DxkitError, match="DataFrame"):
        Process.from_table(42)
    with pytest.raises(DxkitError, match="見つかりません"):
        Process.from_table("no_such_file.csv")
    with pytest.raises(DxkitError, match="Process"):
        step_table(LINEAR)
    p = Process.from_table(LINEAR)
    with pytest.raises(DxkitError, match="method"):
        p.metrics(method="average")
    with pytest.raises(DxkitError, match="年間件数"):
        p.metrics(volume=-5)
    with pytest.raises(DxkitError, match="ID「99」"):
        p.step(99)


def test_step_table_and_bottleneck():
    p = Process.from_table(BRANCH)
    st = step_table(p)
    assert list(st["ID"]) == [1, 2, 3, 4]
    assert st["合計時間"].sum() == pytest.approx(p.metrics().lead_time)
    assert bottleneck(p) == "3"
    assert st["割合"].sum() == pytest.approx(1, abs=1e-3)


def test_procedure_info():
    info = ProcedureInfo("転居届", purpose="住所の記録", legal_basis="住民基本台帳法", department="住民課",
                         annual_volume=1200, peak="3月・4月", peak_monthly=200, offpeak_monthly=80, staff=1.5)
    assert info.peak_ratio == 2.5
    p = Process.from_table(LINEAR, info=info)
    assert p.name == "転居届"
    assert p.metrics().annual_hours == pytest.approx(1200 * 9 / 60)
    assert "業務説明表" in info._repr_html_()
    row = pd.Series({"業務名": "転居届", "担当課": "住民課", "年間件数": 1200, "繁忙期": "3月",
                     "投入人員（人）": 1.5})
    assert ProcedureInfo.from_row(row).department == "住民課"
    with pytest.raises(DxkitError, match="マイナス"):
        ProcedureInfo("x", annual_volume=-1)
    with pytest.raises(DxkitError, match="数で"):
        ProcedureInfo("x", annual_volume="たくさん")
    with pytest.raises(DxkitError, match="業務名"):
        ProcedureInfo.from_row({"担当課": "住民課"})


def test_compare():
    asis = Process.from_table(LINEAR, name="As-Is")
    tobe = Process.from_table(drop_steps(LINEAR, [3]), name="To-Be")
    c = compare(asis, tobe, volume=600)
    assert isinstance(c, Comparison)
    assert c.minutes_saved_per_case == 6
    assert c.hours_saved == pytest.approx(60)
    t = c.table
    assert t.loc["転記の工程数", "To-Be"] == 0
    assert t.loc["リードタイム（分）", "差（To-Be − As-Is）"] == -10
    assert "年間業務時間（時間）" in c.improved()
    assert "年間" in c._repr_html_()
    no_volume = compare(asis, tobe)
    assert no_volume.hours_saved is None
    with pytest.raises(DxkitError):
        compare(LINEAR, tobe)


def test_drop_steps_relinks_and_renormalises():
    out = drop_steps(LOOP, ["3"])
    p = Process.from_table(out)
    assert p.ids == ["1", "2", "4"]
    assert dict(p.step(2).next) == {"4": 1.0}
    out2 = drop_steps(BRANCH, "2")
    assert dict(Process.from_table(out2).step(1).next) == {"4": 0.75, "3": 0.25}
    assert list(LOOP["ID"]) == [1, 2, 3, 4]  # input untouched
    with pytest.raises(DxkitError, match="ありません"):
        drop_steps(LOOP, ["8"])


def test_mermaid_text():
    p = Process.from_table(BRANCH)
    text = to_mermaid(p)
    assert text.startswith("flowchart TD")
    assert 'subgraph lane1["係長"]' in text
    assert 's_1 -->|"75%"| s_2' in text
    assert 's_1 -->|"25% 待ち60分"| s_3' in text
    assert "class s_3 wait" in text
    assert "http" not in text
    with pytest.raises(DxkitError):
        to_mermaid(p, direction="diagonal")


def test_survey_ranking():
    survey = pd.DataFrame({"業務名": ["a", "b", "c", "d"], "年間件数": [100, 1000, 50, 10],
                           "平均処理時間（分）": [60, 6, 12, 30]})
    hours = annual_hours(survey)
    assert list(hours) == [100, 100, 10, 5]
    r = workload_ranking(survey)
    assert list(r.index) == ["a", "b", "c", "d"]
    assert r["累積構成比"].iloc[-1] == pytest.approx(1)
    assert list(r["ランク"]) == ["A", "A", "B", "C"]
    with pytest.raises(DxkitError, match="列"):
        annual_hours(survey.drop(columns=["年間件数"]))
    with pytest.raises(DxkitError, match="数でない"):
        annual_hours(survey.assign(年間件数=["x", 1, 2, 3]))


def test_drawing_and_html(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dxkit.process import plot_compare, plot_pareto, plot_swimlane

    p = Process.from_table(LOOP, name="ループ")
    ax = plot_swimlane(p)
    assert ax.get_title(loc="left").endswith("ループ")
    c = compare(Process.from_table(LINEAR), Process.from_table(drop_steps(LINEAR, [3])), volume=100)
    axes = plot_compare(c)
    assert len(axes) == 2
    survey = pd.DataFrame({"業務名": ["a", "b"], "年間件数": [10, 20], "平均処理時間（分）": [6, 3]})
    plot_pareto(workload_ranking(survey))
    plt.close("all")
    doc = to_html(p, tmp_path / "p.html")
    assert "data:image/png;base64," in doc
    assert "<script" not in doc
    assert (tmp_path / "p.html").exists()
    assert "リードタイム" in p._repr_html_()


def test_bundled_datasets_are_valid_maps():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "datasets"
    asis = Process.from_table(root / "bpr_tenkyo_asis.csv")
    tobe = Process.from_table(root / "bpr_tenkyo_tobe.csv")
    assert compare(asis, tobe, volume=1570).hours_saved > 0
    for name in ("bpr_jidouteate", "bpr_sodaigomi", "bpr_juminhyo", "bpr_inkan"):
        m = Process.from_table(root / f"{name}.csv").metrics()
        assert m.lead_time > 0 and not math.isnan(m.lead_time)
    survey = pd.read_excel(root / "bpr_gyomuryo.xlsx", sheet_name="業務量調査")
    assert len(workload_ranking(survey)) == len(survey)
    # the surveyed minutes of a mapped procedure match its map's staff time
    minutes = survey.set_index("業務名")["平均処理時間（分）"]
    assert minutes["転居届"] == pytest.approx(asis.metrics().staff_time, abs=0.05)


def test_drop_end_step_makes_predecessor_the_end():
    out = drop_steps(LINEAR, [4])
    p = Process.from_table(out)
    assert p.step(3).is_end
    assert p.metrics().lead_time == 28


def test_load_process_is_named_after_the_dataset_title():
    from dxkit.process import load_process

    assert load_process("bpr_tenkyo_asis").name == "転居届（As-Is）"
    assert load_process("bpr_tenkyo_asis", title="転居届（現状）").name == "転居届（現状）"
