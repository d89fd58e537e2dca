"""Unit tests for dxkit.kpi (KPI/SMART, logic model, KPI tree, tracking, dashboard, PDCA log)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from dxkit.errors import DxkitError
from dxkit.kpi import (
    KPI,
    KPITree,
    LogicModel,
    PDCALog,
    achievement_rate,
    decide_status,
    elapsed_ratio,
    forecast,
    kpis_from_frame,
    monthly_series,
    planned_value,
    review_table,
    smart_review,
    status_rule,
    track,
    track_many,
)


def good_kpi(**changes) -> KPI:
    base = dict(name="オンライン申請率", unit="%", baseline=10, baseline_date="2024-03-31", target=40,
                deadline="2027-03-31", direction="増やす", owner="DX推進課", source="電子申請システム",
                kind="アウトカム", intended="アウトカム")
    base.update(changes)
    return KPI(**base)


def wait_kpi() -> KPI:
    return KPI("窓口平均待ち時間", unit="分", baseline=30, baseline_date="2024-03-31", target=10,
               deadline="2026-03-31", direction="減らす", owner="住民課", source="発券機", kind="アウトカム")


def monthly(start: str, values) -> pd.Series:
    idx = pd.date_range(start, periods=len(values), freq="MS")
    return pd.Series(values, index=idx)


# ------------------------------------------------------------------ KPI and SMART

def test_kpi_coerces_text_numbers_and_wareki_dates():
    k = KPI("待ち時間", unit="分", baseline="３０", baseline_date="令和6年3月31日", target="１０",
            deadline="R8.3.31", direction="下げる", kind="成果")
    assert k.baseline == 30 and k.target == 10
    assert k.baseline_date == dt.date(2024, 3, 31) and k.deadline == dt.date(2026, 3, 31)
    assert k.direction == "減らす" and k.kind == "アウトカム"
    assert "待ち時間（分）" == k.label


def test_kpi_refuses_misgrouped_digits():
    # "1,0" is not a number as municipal tables write them (groups of three digits after a comma)
    with pytest.raises(DxkitError):
        KPI("待ち時間", unit="分", baseline="30", baseline_date="2024-03-31", target="1,0",
            deadline="2026-03-31", direction="下げる", kind="成果")


@pytest.mark.parametrize("kwargs, words", [
    (dict(name=""), "指標名"),
    (dict(baseline="約30"), "数値ではありません"),
    (dict(deadline="そのうち"), "日付として読めません"),
    (dict(direction="横ばい"), "向き"),
    (dict(kind="成果物"), "区分"),
])
def test_kpi_bad_values_raise_japanese_errors(kwargs, words):
    with pytest.raises(DxkitError, match=words):
        good_kpi(**kwargs)


def test_good_kpi_passes_all_smart_criteria():
    review = smart_review(good_kpi())
    assert review.ok and review.failed == []
    assert [c.letter for c in review.criteria] == list("SMART")
    assert "✅" in review._repr_html_() and "SMART" in repr(review)
    assert list(review.to_frame().columns) == ["観点", "判定", "理由"]


@pytest.mark.parametrize("changes, letter, words", [
    (dict(name="窓口のDXを推進する"), "S", "推進"),
    (dict(unit=None), "S", "単位"),
    (dict(baseline=None), "M", "基準値"),
    (dict(source=None), "M", "データ源"),
    (dict(target=5), "A", "増やす"),
    (dict(target=10), "A", "同じ"),
    (dict(owner=""), "A", "担当"),
    (dict(target=140), "A", "0〜100"),
    (dict(kind="アウトプット"), "R", "アウトプット"),
    (dict(kind=None), "R", "区分"),
    (dict(deadline=None), "T", "期限"),
    (dict(deadline="2023-03-31"), "T", "より前"),
])
def test_smart_review_explains_each_problem(changes, letter, words):
    review = smart_review(good_kpi(**changes))
    assert letter in review.failed
    assert any(words in r for r in review[letter].reasons)
    assert not review.ok


def test_decreasing_target_above_baseline_fails_a():
    review = smart_review(wait_kpi().with_(target=40))
    assert review.failed == ["A"] and "減らす" in review["A"].reasons[0]


def test_review_table_and_frame_roundtrip():
    df = pd.DataFrame([good_kpi().to_dict(), good_kpi(name="研修の開催回数", kind="アウトプット").to_dict()])
    kpis = kpis_from_frame(df)
    table = review_table(kpis)
    assert list(table["R"]) == ["✅", "❌"]
    with pytest.raises(DxkitError, match="指標名"):
        kpis_from_frame(pd.DataFrame({"名前": ["x"]}))
    with pytest.raises(DxkitError):
        smart_review("オンライン申請率")
    with pytest.raises(DxkitError):
        smart_review(good_kpi())["X"]


def test_with_rejects_unknown_fields():
    with pytest.raises(DxkitError, match="項目"):
        good_kpi().with_(goal=3)


# ------------------------------------------------------------------ logic model and tree

def test_logic_model_text_html_frame_and_issues():
    model = LogicModel.from_dict({"インプット": ["予算"], "活動": ["電子申請の手続を増やす"],
                                  "アウトプット": ["オンライン化した手続数"], "短期アウトカム": ["オンライン申請率"],
                                  "中期アウトカム": ["窓口の混雑が減る"], "インパクト": ["住民の負担が減る"]},
                                 title="オンライン化", indicators={"アウトプット": ["オンライン化した手続数"]})
    assert model.stage_of("オンライン申請率") == "短期アウトカム"
    assert model.stage_of("ない") is None
    assert "↓" in model.to_text() and "→" in model._repr_html_()
    assert len(model.to_frame()) == 6
    assert any("アウトカムを測る指標" in p for p in model.issues())
    fixed = LogicModel.from_dict(dict(model.stages()), title="x",
                                 indicators={"短期アウトカム": [good_kpi()]})
    assert fixed.issues() == [] and fixed.indicators["short_outcomes"] == ["オンライン申請率"]


def test_logic_model_bad_input():
    with pytest.raises(DxkitError, match="事業名"):
        LogicModel("")
    with pytest.raises(DxkitError, match="段階"):
        LogicModel.from_dict({"結果": ["x"]}, title="x")
    assert "「活動」が空です。" in LogicModel("x", inputs=["予算"]).issues()


def test_kpi_tree_structure_and_errors():
    tree = KPITree("手続にかかる住民の時間")
    tree.add("オンライン申請率")
    tree.add("窓口平均待ち時間")
    tree.add("書かない窓口 利用件数", parent="窓口平均待ち時間")
    assert tree.leaves() == ["オンライン申請率", "書かない窓口 利用件数"]
    assert tree.path_to("書かない窓口 利用件数") == ["手続にかかる住民の時間", "窓口平均待ち時間", "書かない窓口 利用件数"]
    assert tree.depth() == 3 and len(tree) == 4 and "窓口平均待ち時間" in tree
    assert "└─ 書かない窓口 利用件数" in tree.to_text()
    with pytest.raises(DxkitError, match="すでに"):
        tree.add("オンライン申請率")
    with pytest.raises(DxkitError, match="親"):
        tree.add("x", parent="ない指標")
    with pytest.raises(DxkitError):
        KPITree("")


# ------------------------------------------------------------------ tracking

def test_achievement_rate_for_both_directions():
    assert achievement_rate(25, 10, 40) == pytest.approx(0.5)
    assert achievement_rate(25, 30, 10) == pytest.approx(0.25)
    assert achievement_rate(35, 30, 10) == pytest.approx(-0.25)
    with pytest.raises(DxkitError, match="同じ"):
        achievement_rate(5, 10, 10)
    with pytest.raises(DxkitError, match="数値"):
        achievement_rate("集計中", 10, 40)
    with pytest.raises(DxkitError, match="ありません"):
        achievement_rate(None, 10, 40)


def test_plan_line():
    k = good_kpi(baseline_date="2024-01-01", deadline="2025-01-01", baseline=0, target=366)
    assert elapsed_ratio(k, "2024-07-01") == pytest.approx(182 / 366)
    assert planned_value(k, "2024-07-01") == pytest.approx(182)
    assert planned_value(k, "2023-01-01") == 0 and planned_value(k, "2030-01-01") == 366


@pytest.mark.parametrize("changes, words", [
    (dict(baseline=None), "基準値"),
    (dict(target=None), "目標値"),
    (dict(target=10), "同じ"),
    (dict(deadline=None), "期限"),
    (dict(deadline="2020-01-01"), "順番"),
    (dict(target=5), "増やす"),
])
def test_tracking_rejects_bad_kpis(changes, words):
    with pytest.raises(DxkitError, match=words):
        track(good_kpi(**changes), monthly("2024-04-01", [11, 12, 13]), as_of="2024-07-01")


def test_monthly_series_accepts_forms_and_rejects_bad_values():
    s = monthly_series({"2024-05": 2, "令和6年4月": "１", "2024-06": None})
    assert list(s) == [1.0, 2.0] and s.index[0] == pd.Timestamp("2024-04-30")
    df = pd.DataFrame({"年月": ["2024-04", "2024-05"], "値": [1, 2]})
    assert list(monthly_series(df)) == [1.0, 2.0]
    with pytest.raises(DxkitError, match="集計中"):
        monthly_series({"2024-04": 1, "2024-05": "集計中"})
    with pytest.raises(DxkitError, match="2 回"):
        monthly_series([("2024-04", 1), ("2024/4/1", 2)])
    with pytest.raises(DxkitError, match="日付"):
        monthly_series({"来月": 1})
    with pytest.raises(DxkitError):
        monthly_series(42)


def test_forecast_linear_fit_and_reach_date():
    k = good_kpi(baseline=0, baseline_date="2024-03-31", target=30, deadline="2025-03-31")
    fc = forecast(k, monthly("2024-04-01", [1, 2, 3, 4, 5, 6]))
    assert fc.slope_per_month == pytest.approx(1.0)
    assert fc.value_at_deadline == pytest.approx(12.0)  # 2025-03 is 11 months after 2024-04
    assert not fc.will_meet and fc.reach_date == dt.date(2026, 9, 30)
    assert "届かない見込み" in repr(fc)
    with pytest.raises(DxkitError, match="3 か月"):
        forecast(k, monthly("2024-04-01", [1, 2]))
    with pytest.raises(DxkitError, match="window"):
        forecast(k, monthly("2024-04-01", [1, 2, 3]), window=2)


def test_track_ignores_months_after_as_of_and_decides_status():
    k = wait_kpi()  # 30 -> 10 by 2026-03-31 (decreasing)
    values = [30 - 0.9 * i for i in range(1, 19)] + [0, 0, 0]  # last 3 months are "future"
    result = track(k, monthly("2024-04-01", values), as_of="2025-09-30")
    assert result.latest_month == dt.date(2025, 9, 30)
    assert result.latest == pytest.approx(30 - 0.9 * 18)
    assert result.achievement == pytest.approx(0.9 * 18 / 20)
    assert result.status == "順調"
    flat = track(k, monthly("2024-04-01", [29.5] * 18), as_of="2025-09-30")
    assert flat.status == "遅延" and "ポイント" in flat.reason
    assert "【遅延】" in repr(flat) and "判定のきまり" in flat._repr_html_()
    with pytest.raises(DxkitError, match="実績がありません"):
        track(k, monthly("2024-04-01", [29, 28]), as_of="2024-01-31")
    with pytest.raises(DxkitError, match="評価日"):
        track(k, monthly("2024-04-01", [29, 28]), as_of=None)


def test_decide_status_rule_boundaries():
    assert decide_status(0.0, 1.05)[0] == "順調"
    assert decide_status(-0.15, 1.05)[0] == "注意"
    assert decide_status(0.0, 0.9)[0] == "注意"
    assert decide_status(-0.25, 1.2)[0] == "遅延"
    assert decide_status(0.0, 0.5)[0] == "遅延"
    assert decide_status(-0.5, 0.1, achievement=1.1)[0] == "順調"
    assert "20 ポイント" in status_rule() and "80%" in status_rule()


def test_track_many_with_long_frame_and_dict():
    k1, k2 = good_kpi(kpi_id="K1"), wait_kpi()
    long = pd.DataFrame({"年月": ["2024-04", "2024-05", "2024-06"] * 2,
                         "指標ID": ["K1"] * 3 + ["K2"] * 3,
                         "指標名": [k1.name] * 3 + [k2.name] * 3,
                         "実績値": [11, 12, 13, 29, 28, 27]})
    table = track_many([k1, k2], long, as_of="2024-06-30")
    assert list(table["指標名"]) == [k1.name, k2.name]
    assert set(table["状態"]) <= {"順調", "注意", "遅延"}
    table2 = track_many([k1, k2], {"K1": {"2024-04": 11, "2024-05": 12, "2024-06": 13},
                                   k2.name: {"2024-04": 29, "2024-05": 28, "2024-06": 27}}, as_of="2024-06-30")
    assert table2["達成率"].tolist() == pytest.approx(table["達成率"].tolist())
    with pytest.raises(DxkitError, match="行がありません"):
        track_many([good_kpi(name="ない指標")], long, as_of="2024-06-30")


# ------------------------------------------------------------------ drawing

def test_plots_return_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dxkit.plotting import setup

    setup()

    from dxkit.kpi import plot_dashboard, plot_kpi_tree, plot_logic_model

    model = LogicModel("x", inputs=["予算"], activities=["a"], outputs=["b"], short_outcomes=["c"],
                       mid_outcomes=["d"], impacts=["e"])
    tree = KPITree("KGI")
    tree.add("KPI1")
    k1, k2 = good_kpi(), wait_kpi()
    data = {k1.name: monthly("2024-04-01", [11, 12, 13, 14]), k2.name: monthly("2024-04-01", [29, 28, 28, 27])}
    fig = plot_dashboard([k1, k2], data, as_of="2024-07-31")
    assert len([ax for ax in fig.axes if ax.get_title()]) == 2
    assert "【" in fig.axes[0].get_title()
    assert plot_logic_model(model) is not None and plot_kpi_tree(tree) is not None
    with pytest.raises(DxkitError):
        plot_dashboard([], data, as_of="2024-07-31")
    with pytest.raises(DxkitError):
        plot_logic_model("x")
    plt.close("all")


# ------------------------------------------------------------------ PDCA log

def test_pdca_log_table_and_excel(tmp_path):
    log = PDCALog("定例会議")
    log.add("第1回", checked="申請率 20%（計画 22%）", decision="継続", reason="差は 2 ポイント", date="2024-07-10",
            subject="オンライン申請率")
    log.add("第2回", checked="申請率 21%（計画 26%）", decision="改善", reason="差が 5 ポイントに拡大",
            date="令和6年10月10日", subject="オンライン申請率", next_action="案内を見直す")
    df = log.to_frame()
    assert list(df["判断"]) == ["継続", "改善"] and df.columns[0] == "サイクル"
    assert log.decisions() == {"継続": 1, "改善": 1, "中止": 0}
    assert log.last("オンライン申請率").next_action == "案内を見直す"
    path = log.to_excel(tmp_path / "log.xlsx")
    assert pd.read_excel(path).shape == (2, 7)
    with pytest.raises(DxkitError, match="継続"):
        log.add("第3回", checked="x", decision="様子見", reason="y")
    with pytest.raises(DxkitError, match="理由"):
        log.add("第3回", checked="x", decision="継続", reason="")
    with pytest.raises(DxkitError, match="順番"):
        log.add("第3回", checked="x", decision="継続", reason="y", date="2024-01-01", subject="オンライン申請率")
    with pytest.raises(DxkitError, match="xlsx"):
        log.to_excel(tmp_path / "log.csv")
    assert "改善" in log._repr_html_() and "定例会議" in repr(log)


# ------------------------------------------------------------------ datasets

def test_datasets_tell_the_course_story():
    from dxkit.data import load_dataset

    defs = load_dataset("kpi_definitions")
    kpis = kpis_from_frame(defs)
    reviews = {k.kpi_id: smart_review(k) for k in kpis}
    assert all(reviews[f"K0{i}"].ok for i in range(1, 6))
    assert all(not reviews[f"B0{i}"].ok for i in range(1, 7))
    monthly_df = load_dataset("kpi_monthly")
    assert monthly_df["年月"].nunique() >= 24
    table = track_many([k for k in kpis if k.kpi_id.startswith("K")], monthly_df, as_of="2025-09-30")
    status = dict(zip(table["指標名"], table["状態"]))
    assert status["オンライン申請率"] == "順調"
    assert status["書かない窓口 利用件数"] == "順調"      # the output rises …
    assert status["窓口平均待ち時間"] == "遅延"            # … but the outcome does not
    assert status["証明書のコンビニ交付率"] == "注意"      # the one at risk
    ex = load_dataset("kpi_exercise_monthly")
    assert ex["年月"].nunique() >= 24


@pytest.mark.parametrize("text, expected", [
    ("2024-04-01", dt.date(2024, 4, 1)), ("2024/4/1", dt.date(2024, 4, 1)), ("2024年4月", dt.date(2024, 4, 1)),
    ("令和6年4月1日", dt.date(2024, 4, 1)), ("R6.4", dt.date(2024, 4, 1)), ("２０２５年３月３１日", dt.date(2025, 3, 31)),
])
def test_kpi_dates_use_the_package_date_parser(text, expected):
    from dxkit.kpi._util import to_date

    assert to_date(text, "期限") == expected


def test_kpi_impossible_date_names_the_field():
    from dxkit.kpi._util import to_date

    with pytest.raises(DxkitError, match="期限"):
        to_date("2025-02-30", "期限")
    with pytest.raises(DxkitError, match="期限"):
        to_date("平成31年5月1日", "期限")


@pytest.mark.parametrize("text, expected", [("３０", 30.0), ("1,200", 1200.0), ("45%", 45.0), ("12.5 ％", 12.5),
                                            ("△5", -5.0)])
def test_kpi_numbers_use_the_package_number_parser(text, expected):
    from dxkit.kpi._util import to_number

    assert to_number(text, "目標値") == expected


@pytest.mark.parametrize("text", ["約30", "inf", "nan", "30人"])
def test_kpi_number_refuses_non_numbers_naming_the_field(text):
    from dxkit.kpi._util import to_number

    with pytest.raises(DxkitError, match="目標値"):
        to_number(text, "目標値")
