"""Unit tests for dxkit.rpa (forms, rules, ledger, robot, effect)."""

from __future__ import annotations

import datetime as dt
import math
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from dxkit.data import dataset_path
from dxkit.errors import DxkitError
from dxkit import rpa
from dxkit.rpa import (CellMap, FormReadError, FormRobot, HandToHuman, LayoutError, Robot, SkipItem, StopRun,
                       append_rows, choice, custom, date, estimate_effect, integer, katakana, max_by_choice, phone,
                       postal_code, read_form, read_forms, read_ledger, record_rule, required, text,
                       validate_record)

FIELDS = {"申請番号": "C3", "申請日": "C4", "氏名": "C5", "フリガナ": "C6", "郵便番号": "C7", "住所": "C8",
          "電話番号": "C9", "区分": "C10", "金額": "C11"}
KINDS = {"省エネ改修": 200_000, "バリアフリー改修": 200_000, "耐震改修": 500_000}


@pytest.fixture
def cell_map():
    return CellMap.beside_labels(FIELDS, sheet="申請書")


@pytest.fixture
def rules():
    return [*(required(f) for f in FIELDS), text("申請番号"),
            date("申請日", not_before=dt.date(2024, 4, 1), not_after=dt.date(2025, 3, 31)), text("氏名"),
            katakana("フリガナ"), postal_code("郵便番号"), text("住所"), phone("電話番号"), choice("区分", list(KINDS)),
            integer("金額", minimum=1), max_by_choice("金額", "区分", KINDS)]


@pytest.fixture
def forms(tmp_path):
    folder = tmp_path / "forms"
    shutil.copytree(dataset_path("rpa_forms_lesson"), folder)
    return folder


@pytest.fixture
def ledger(tmp_path):
    path = tmp_path / "ledger.xlsx"
    shutil.copy(dataset_path("rpa_ledger_template.xlsx"), path)
    return path


# ---------------------------------------------------------------- forms

def test_cell_map_checks_its_input():
    with pytest.raises(DxkitError, match="セル番地"):
        CellMap({"氏名": "5C"})
    with pytest.raises(DxkitError, match="1 つ以上"):
        CellMap({})
    with pytest.raises(DxkitError, match="項目名が空"):
        CellMap({" ": "C5"})
    cm = CellMap({"氏名": " c5 "})
    assert cm.fields == {"氏名": "C5"}
    assert "セルマップ" in cm._repr_html_()


def test_beside_labels_puts_labels_left(cell_map):
    assert cell_map.labels["B5"] == "氏名"
    assert cell_map.sheet == "申請書"
    with pytest.raises(DxkitError, match="見出しの列"):
        CellMap.beside_labels({"氏名": "A5"})


def test_read_form_reads_values(forms, cell_map):
    record = read_form(forms / "申請書_R6-001.xlsx", cell_map)
    assert list(record) == list(FIELDS)
    assert record["申請番号"] == "R6-001"
    assert record["区分"] in KINDS


def test_read_form_accepts_a_plain_dict(forms):
    record = read_form(forms / "申請書_R6-001.xlsx", {"申請番号": "C3"})
    assert record == {"申請番号": "R6-001"}


def test_layout_change_is_detected(forms, cell_map, tmp_path):
    wb = load_workbook(forms / "申請書_R6-002.xlsx")
    wb["申請書"].insert_rows(5)  # someone added a row to the form
    changed = tmp_path / "changed.xlsx"
    wb.save(changed)
    with pytest.raises(LayoutError, match="様式が変わっています"):
        read_form(changed, cell_map)


def test_missing_sheet_is_a_layout_error(forms):
    with pytest.raises(LayoutError, match="シート「別紙」"):
        read_form(forms / "申請書_R6-001.xlsx", CellMap({"氏名": "C5"}, sheet="別紙"))


@pytest.mark.parametrize("name, content, reason", [
    ("broken.xlsx", b"PK\x03\x04 this is not a whole workbook", "壊れている"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "パスワード"),
    ("scan.pdf", b"%PDF-1.4", "Excel（.xlsx）形式"),
])
def test_unreadable_files_raise_japanese_errors(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormReadError, match=reason) as info:
        read_form(path, CellMap({"氏名": "C5"}))
    assert info.value.path == path


def test_missing_file(tmp_path):
    with pytest.raises(FormReadError, match="見つかりません"):
        read_form(tmp_path / "nothing.xlsx", CellMap({"氏名": "C5"}))


def test_read_forms_collects_errors_without_stopping(forms, cell_map):
    (forms / "壊れた申請書.xlsx").write_bytes(b"not a zip")
    (forms / "~$申請書_R6-001.xlsx").write_bytes(b"excel lock file")  # ignored
    batch = read_forms(forms, cell_map)
    assert len(batch.records) == 11
    assert list(batch.errors["ファイル"]) == ["壊れた申請書.xlsx"]
    assert "壊れている" in batch.errors["理由"].iloc[0]
    assert "読めなかったファイル" in batch._repr_html_()


def test_list_forms_needs_a_folder(tmp_path):
    with pytest.raises(DxkitError, match="見つかりません"):
        rpa.list_forms(tmp_path / "none")


def test_read_csv_records_cp932():
    records = rpa.read_csv_records(dataset_path("rpa_online_applications"))
    assert len(records) == 8
    assert records[0]["申請番号"] == "W6-001"
    assert all(isinstance(v, str) for v in records[0].values())


# ---------------------------------------------------------------- rules

def _one(rule, value):
    return validate_record({rule.field: value}, [rule])


@pytest.mark.parametrize("value, expected", [
    ("令和6年5月7日", dt.date(2024, 5, 7)), ("R6.5.7", dt.date(2024, 5, 7)), ("2024/05/07", dt.date(2024, 5, 7)),
    ("令和６年５月７日", dt.date(2024, 5, 7)), (dt.datetime(2024, 5, 7), dt.date(2024, 5, 7)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
])
def test_date_rule_reads_wareki_and_seireki(value, expected):
    result = _one(date("申請日"), value)
    assert result.ok and result.record["申請日"] == expected


@pytest.mark.parametrize("value, reason", [
    ("令和6年2月30日", "存在しない日付"), ("きのう", "日付として読めません"), (45000, "数"),
])
def test_date_rule_reasons(value, reason):
    result = _one(date("申請日"), value)
    assert not result.ok and reason in result.reasons[0] and "申請日" in result.reasons[0]


def test_date_range():
    rule = date("申請日", not_before=dt.date(2024, 4, 1), not_after=dt.date(2025, 3, 31))
    assert "より前" in _one(rule, "令和6年3月29日").reasons[0]
    assert "より後" in _one(rule, "2025-04-01").reasons[0]


@pytest.mark.parametrize("value, expected", [("000-0001", "000-0001"), ("０００－０００１", "000-0001"),
                                             ("0000001", "000-0001"), ("〒000-0001", "000-0001")])
def test_postal_code_normalizes(value, expected):
    assert _one(postal_code("郵便番号"), value).record["郵便番号"] == expected


@pytest.mark.parametrize("value, reason", [("000-012", "7 桁"), ("000-O12", "数字以外")])
def test_postal_code_reasons(value, reason):
    assert reason in _one(postal_code("郵便番号"), value).reasons[0]


@pytest.mark.parametrize("value, ok", [("090-0000-1234", True), ("０９０－００００－１２３４", True),
                                       ("0123-00-4567", True), ("090-0000-123", False), ("0123-00-45678", False),
                                       ("123-4567-890", False), ("090-ABCD-1234", False)])
def test_phone(value, ok):
    result = _one(phone("電話番号"), value)
    assert result.ok is ok
    if ok:
        assert result.record["電話番号"].isascii()


def test_choice_and_integer():
    assert _one(choice("区分", list(KINDS)), "耐震改修").ok
    assert "選択肢" in _one(choice("区分", list(KINDS)), "屋根改修").reasons[0]
    assert _one(integer("金額"), "２０，０００円").record["金額"] == 20_000
    assert _one(integer("金額"), 20000.0).record["金額"] == 20_000
    assert "数字として読めません" in _one(integer("金額"), "二十万円").reasons[0]
    assert "以上" in _one(integer("金額", minimum=1), 0).reasons[0]
    with pytest.raises(DxkitError, match="リスト"):
        choice("区分", "耐震改修")


def test_katakana_accepts_hankaku():
    assert _one(katakana("フリガナ"), "ｱｵﾊﾞ ﾊﾅｺ").record["フリガナ"] == "アオバ ハナコ"
    assert "カタカナ" in _one(katakana("フリガナ"), "あおば はなこ").reasons[0]


def test_required_and_blank_values():
    result = validate_record({"氏名": "　", "電話番号": None}, [required("氏名"), phone("電話番号")])
    assert result.reasons == ["「氏名」が空欄です。"]  # an empty optional item is not checked
    assert result.record["電話番号"] is None


def test_one_problem_per_item_and_all_items_checked():
    record = {"郵便番号": "12", "電話番号": ""}
    result = validate_record(record, [required("郵便番号"), postal_code("郵便番号"), required("電話番号")])
    assert [p.field for p in result.problems] == ["郵便番号", "電話番号"]
    assert "問題が 2 件" in result._repr_html_()


def test_custom_and_record_rules():
    def no_po_box(value):
        return "私書箱は使えません。" if "私書箱" in value else None

    over = max_by_choice("金額", "区分", KINDS)
    both = record_rule("同じ番号", ["a", "b"], lambda r: "a と b が同じです。" if r["a"] == r["b"] else None)
    rules = [custom("住所", no_po_box), integer("金額"), choice("区分", list(KINDS)), over]
    bad = validate_record({"住所": "みどり野市私書箱1号", "金額": 250_000, "区分": "省エネ改修"}, rules)
    assert bad.reasons == ["私書箱は使えません。", "「金額」250,000 円は「省エネ改修」の上限 200,000 円を超えています。"]
    assert validate_record({"a": 1, "b": 1}, [both]).problems[0].field == "a"
    # a record rule is skipped when one of its items already failed
    assert len(validate_record({"金額": "x", "区分": "省エネ改修"}, rules[1:]).problems) == 1


def test_rule_input_errors():
    with pytest.raises(DxkitError):
        required("")
    with pytest.raises(DxkitError, match="辞書"):
        validate_record(["R6-001"], [required("申請番号")])
    with pytest.raises(DxkitError, match="ルールでないもの"):
        validate_record({"a": 1}, ["a"])
    with pytest.raises(DxkitError, match="検査関数"):
        custom("a", "not a function")


# ---------------------------------------------------------------- ledger

def test_append_keeps_formatting(ledger):
    before = load_workbook(ledger)
    widths = {k: v.width for k, v in before["受付台帳"].column_dimensions.items()}
    n = append_rows(ledger, [{"申請番号": "X-1", "申請日": dt.date(2024, 5, 1), "金額": 1000},
                             {"申請番号": "X-2", "金額": 2000}])
    assert n == 2
    wb = load_workbook(ledger)
    ws = wb["受付台帳"]
    assert wb.sheetnames == ["受付台帳", "記入要領"]
    assert {k: v.width for k, v in ws.column_dimensions.items()} == widths
    assert ws["A3"].value == "No" and ws["A3"].font.b
    assert ws.freeze_panes == "A4"
    assert [ws.cell(r, 1).value for r in (4, 5)] == [1, 2]
    assert ws["C4"].number_format == "yyyy/mm/dd" and ws["J5"].number_format == "#,##0"
    assert ws["B5"].border.left.style == "thin"
    assert ws.auto_filter.ref == "A3:K5"
    append_rows(ledger, [{"申請番号": "X-3"}])
    df = read_ledger(ledger)
    assert list(df["申請番号"]) == ["X-1", "X-2", "X-3"]
    assert list(df["No"]) == [1, 2, 3]
    assert df["申請日"].iloc[0] == dt.date(2024, 5, 1)
    assert rpa.ledger_keys(ledger, "申請番号") == {"X-1", "X-2", "X-3"}
    assert append_rows(ledger, []) == 0


def test_append_refuses_unknown_columns_and_open_files(ledger):
    with pytest.raises(DxkitError, match="列がない項目"):
        append_rows(ledger, [{"申請番号": "X-1", "備考": "?"}])
    lock = ledger.with_name("~$" + ledger.name)
    lock.write_bytes(b"owner")
    with pytest.raises(DxkitError, match="Excel で開いています"):
        append_rows(ledger, [{"申請番号": "X-1"}])
    lock.unlink()
    with pytest.raises(DxkitError, match="列がありません"):
        rpa.ledger_keys(ledger, "受付番号")
    with pytest.raises(DxkitError, match="シート"):
        read_ledger(ledger, sheet="別シート")


def test_broken_ledger(tmp_path):
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(b"broken")
    with pytest.raises(DxkitError, match="台帳「ledger.xlsx」を開けません"):
        read_ledger(path)


# ---------------------------------------------------------------- robot

def test_form_robot_end_to_end(forms, ledger, cell_map, rules, tmp_path):
    robot = FormRobot(cell_map, rules, ledger)
    dry = robot.run(forms, dry_run=True)
    assert dry.written == 0 and read_ledger(ledger).empty
    assert dry.summary["転記予定（ドライラン）"] == 7

    first = robot.run(forms)
    assert first.summary == {"対象": 11, "転記": 7, "スキップ": 1, "例外": 3}
    assert set(first.exceptions["ファイル"]) == {"申請書_R6-006.xlsx", "申請書_R6-008.xlsx", "申請書_R6-010.xlsx"}
    assert set(first.exceptions["項目"]) == {"申請日", "電話番号", "区分"}
    skipped = first.audit[first.audit["結果"] == "スキップ"]
    assert list(skipped["ファイル"]) == ["申請書_R6-003_再提出.xlsx"] and "二重提出" in skipped["理由"].iloc[0]
    table = read_ledger(ledger)
    assert len(table) == 7 and table["申請番号"].is_unique
    assert set(table["元ファイル"]) == set(first.rows["元ファイル"])
    assert "例外リスト" in first._repr_html_() and "RunResult" in repr(first)

    second = robot.run(forms)  # idempotent
    assert second.written == 0 and len(read_ledger(ledger)) == 7
    assert (second.audit["結果"] == "スキップ").sum() == 8

    csv_path = first.save(tmp_path / "out" / "audit.csv")
    assert pd.read_csv(csv_path, encoding="utf-8-sig").shape[0] == 11
    xlsx = first.save(tmp_path / "out" / "audit.xlsx")
    assert load_workbook(xlsx).sheetnames == ["監査ログ", "例外リスト", "転記内容"]
    with pytest.raises(DxkitError, match=".csv か .xlsx"):
        first.save(tmp_path / "audit.txt")


def test_same_key_different_content_goes_to_a_human(forms, ledger, cell_map, rules):
    wb = load_workbook(forms / "申請書_R6-003_再提出.xlsx")
    wb["申請書"]["C9"] = "090-0000-9999"  # the resubmission changed the phone number
    wb.save(forms / "申請書_R6-003_再提出.xlsx")
    result = FormRobot(cell_map, rules, ledger).run(forms)
    conflict = result.exceptions[result.exceptions["申請番号"] == "R6-003"]
    assert set(conflict["ファイル"]) == {"申請書_R6-003.xlsx", "申請書_R6-003_再提出.xlsx"}
    assert "R6-003" not in set(read_ledger(ledger)["申請番号"])


def test_corrupt_file_never_stops_the_run(forms, ledger, cell_map, rules):
    (forms / "申請書_R6-000.xlsx").write_bytes(b"PK\x03\x04 cut short")
    result = FormRobot(cell_map, rules, ledger).run(forms)
    assert result.stopped is None and result.written == 7
    row = result.exceptions[result.exceptions["ファイル"] == "申請書_R6-000.xlsx"]
    assert row["項目"].iloc[0] == "（ファイル全体）" and "壊れている" in row["理由"].iloc[0]


def test_layout_change_stops_safely(forms, ledger, cell_map, rules):
    wb = load_workbook(forms / "申請書_R6-005.xlsx")
    wb["申請書"].insert_rows(4)
    wb.save(forms / "申請書_R6-005.xlsx")
    stopped = FormRobot(cell_map, rules, ledger).run(forms)
    assert stopped.stopped and "様式が変わっています" in stopped.stopped
    assert stopped.written == 0 and read_ledger(ledger).empty
    assert {"中止", "未処理", "未転記"} <= set(stopped.audit["結果"])
    assert "中止" in stopped._repr_html_()
    lenient = FormRobot(cell_map, rules, ledger, on_layout_change="exception").run(forms)
    assert lenient.written == 6 and "申請書_R6-005.xlsx" in set(lenient.exceptions["ファイル"])


def test_form_robot_checks_its_setup(cell_map, rules, ledger):
    with pytest.raises(DxkitError, match="キーの項目"):
        FormRobot(cell_map, rules, ledger, key="受付番号")
    with pytest.raises(DxkitError, match="列がありません"):
        FormRobot(CellMap({"申請番号": "C3", "備考": "C12"}), rules, ledger)
    with pytest.raises(DxkitError, match="on_layout_change"):
        FormRobot(cell_map, rules, ledger, on_layout_change="ignore")


def test_form_robot_without_key_uses_content(forms, ledger, cell_map, rules):
    robot = FormRobot(cell_map, rules, ledger, key=None)
    assert robot.run(forms).written == 7
    again = robot.run(forms)  # recognised by the fingerprint of the content already in the ledger
    assert again.written == 0 and (again.audit["結果"] == "スキップ").sum() == 8


def test_generic_robot_steps():
    written = []
    robot = Robot("テスト", write=lambda rows: written.extend(rows) or len(rows))

    @robot.step("確かめる")
    def check(case):
        if case.item == "skip":
            raise SkipItem("対象外です。")
        if case.item == "human":
            raise HandToHuman("値", "人が見ます。")
        if case.item == "boom":
            raise RuntimeError("こわれた")
        case.row = {"値": case.item}

    result = robot.run(["a", "skip", "human", "boom", "b"])
    assert written == [{"値": "a"}, {"値": "b"}]
    assert list(result.audit["結果"]) == ["転記", "スキップ", "例外", "例外", "転記"]
    assert "想定外のエラー（RuntimeError）" in result.exceptions["理由"].iloc[1]
    with pytest.raises(DxkitError, match="すでにあります"):
        robot.add_step("確かめる", check)

    stop = Robot("止まる", [("止める", lambda case: (_ for _ in ()).throw(StopRun("危ない")))])
    assert stop.run([1, 2]).stopped == "1: 危ない"
    with pytest.raises(DxkitError, match="手順がありません"):
        Robot("空").run([1])
    with pytest.raises(DxkitError, match="名前"):
        Robot("")

    def fail(rows):
        raise DxkitError("台帳がいっぱいです。")

    broken = Robot("書けない", [("行", lambda case: setattr(case, "row", {"x": 1}))], write=fail).run([1])
    assert broken.stopped and list(broken.audit["結果"]) == ["未転記"]


# ---------------------------------------------------------------- effect

def test_estimate_effect():
    e = estimate_effect("転記", manual_minutes_per_case=6, cases_per_year=600, robot_minutes_per_case=1,
                        build_hours=40, maintenance_hours_per_year=10)
    assert e.manual_hours == 60 and e.robot_hours == 10
    assert e.hours_saved_per_year == 40
    assert e.payback_years == 1 and e.payback_months == 12
    assert e.net_hours(3) == 80
    assert "回収期間" in e._repr_html_() and "正味" in repr(e)
    assert e.to_series()["削減（時間/年）"] == 40
    never = estimate_effect("小さい", manual_minutes_per_case=1, cases_per_year=60, build_hours=10,
                            maintenance_hours_per_year=5)
    assert math.isinf(never.payback_years) and "回収できません" in never._repr_html_()


@pytest.mark.parametrize("kw", [{"manual_minutes_per_case": -1}, {"cases_per_year": "600"},
                                {"build_hours": float("nan")}])
def test_estimate_effect_rejects_bad_numbers(kw):
    args = {"manual_minutes_per_case": 6, "cases_per_year": 600, **kw}
    with pytest.raises(DxkitError):
        estimate_effect("x", **args)


def test_tsukuba_example():
    e = rpa.tsukuba_example()
    assert e.manual_hours == 85 and round(e.robot_hours, 2) == 14.17
    assert round(e.reduction_rate, 3) == 0.833
    assert "つくば市" in e.source and "市民窓口課" in e.task
    assert rpa.tsukuba_example(build_hours=35.5).payback_years == pytest.approx(0.5, abs=0.01)


def test_score_tasks():
    from dxkit.data import load_dataset

    scored = rpa.score_tasks(load_dataset("rpa_task_candidates"))
    assert scored["合計点"].is_monotonic_decreasing
    verdict = dict(zip(scored["業務名"], scored["判定"]))
    assert verdict["生活保護の相談対応"] == "先に業務の見直し（BPR）"
    assert verdict["住宅改修補助金の申請書を受付台帳に転記"] == "RPA の候補"
    with pytest.raises(DxkitError, match="列がありません"):
        rpa.score_tasks(pd.DataFrame({"業務名": ["x"]}))
    with pytest.raises(DxkitError, match="1〜3"):
        rpa.score_tasks(pd.DataFrame({"業務名": ["x"], "年間件数": [1], "1件あたり分": [1], "定型": [5],
                                      "ルール化": [1], "電子データ": [1]}))
    with pytest.raises(DxkitError, match="DataFrame"):
        rpa.score_tasks([1, 2])


@pytest.mark.parametrize("value, expected", [
    ("２０，０００円", 20_000), ("20,000", 20_000), ("20000.0", 20_000), (20000.0, 20_000), (7, 7),
    ("△3", -3), (" 12 円", 12),
])
def test_to_integer_reads_what_forms_contain(value, expected):
    assert rpa.to_integer(value) == expected


@pytest.mark.parametrize("value, reason", [
    ("", "数字として読めません"), ("2万円", "数字として読めません"), (None, "数字として読めません"),
    (float("nan"), "数字として読めません"), ("1.5", "整数ではありません"), (True, "数字ではありません"),
])
def test_to_integer_says_why_not(value, reason):
    with pytest.raises(rpa.Invalid, match=reason):
        rpa.to_integer(value)
