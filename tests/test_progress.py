"""dxkit.progress: the local JSON record, its tolerance of broken files, the table and the Excel export."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from dxkit import check as chk
from dxkit import progress
from dxkit.errors import DxkitError

T1 = datetime(2025, 4, 1, 9, 30)
T2 = datetime(2025, 4, 2, 14, 0)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DXKIT_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def course(monkeypatch):
    """A private registry holding one test course with three items and two exercise parts."""
    monkeypatch.setattr(chk, "_ITEMS", {})
    monkeypatch.setattr(chk, "_COURSES", {})
    monkeypatch.setattr(chk, "_loaded", True)
    chk.register_course(chk.Course(id="98", slug="98_test", title="テスト講座", exercise_parts=("q1", "q2")))
    for name in ("a", "b", "c"):
        chk.register(chk.Item(id=f"98/01/{name}", title=f"問題 {name}", var="x", solution="x = 1", hints=["h"]))
    return chk


def test_location_follows_dxkit_home(home, monkeypatch, tmp_path):
    assert progress.progress_path() == home / "progress.json"
    monkeypatch.delenv("DXKIT_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert progress.progress_path() == tmp_path / "user" / ".dxkit" / "progress.json"


def test_missing_file_is_an_empty_record(home):
    assert progress.load() == progress.empty()
    assert not home.exists()


def test_record_attempt_keeps_first_last_attempts_and_best(home):
    progress.record_attempt("98/01/a", "incorrect", now=T1)
    progress.record_attempt("98/01/a", "correct", now=T2)
    entry = progress.record_attempt("98/01/a", "incorrect", now=T2)
    assert entry == {"first": "2025-04-01T09:30:00", "last": "2025-04-02T14:00:00", "attempts": 3, "best": "correct"}
    assert json.loads((home / "progress.json").read_text(encoding="utf-8"))["items"]["98/01/a"] == entry
    with pytest.raises(DxkitError):
        progress.record_attempt("98/01/a", "unanswered")


def test_record_part():
    progress.record_part("98_test", "q1", now=T1)
    entry = progress.record_part("98_test", "q1", now=T2)
    assert entry == {"first": "2025-04-01T09:30:00", "last": "2025-04-02T14:00:00", "passes": 2}


def test_writes_are_atomic(home, monkeypatch):
    progress.record_attempt("98/01/a", "correct", now=T1)
    before = (home / "progress.json").read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(progress.json, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        progress.record_attempt("98/01/b", "correct", now=T2)
    assert (home / "progress.json").read_bytes() == before
    assert sorted(p.name for p in home.iterdir()) == ["progress.json", "progress.json.lock"]   # no temp file left


@pytest.mark.parametrize("content", [
    b"{not json", b"", b"[]", b'{"version": 0, "items": {}}', b'{"version": 99, "items": {}, "exercises": {}}',
    b'{"version": 1, "items": {"a": {"best": "perfect", "attempts": 1}}, "exercises": {}}',
    b'{"version": 1, "items": [], "exercises": {}}', "進捗".encode("cp932"),
])
def test_corrupt_or_old_file_is_backed_up_with_a_japanese_warning(home, content):
    home.mkdir()
    (home / "progress.json").write_bytes(content)
    with pytest.warns(UserWarning, match="壊れているか古い形式"):
        assert progress.load() == progress.empty()
    backups = list(home.glob("progress.broken-*.json"))
    assert len(backups) == 1 and backups[0].read_bytes() == content
    progress.record_attempt("98/01/a", "correct", now=T1)
    assert progress.load()["items"]["98/01/a"]["best"] == "correct"


def test_two_corrupt_files_keep_two_backups(home):
    home.mkdir()
    for content in ("{", "["):
        (home / "progress.json").write_text(content)
        with pytest.warns(UserWarning):
            progress.load()
    assert len(list(home.glob("progress.broken-*.json"))) == 2


def test_progress_table(course):
    progress.record_attempt("98/01/a", "correct", now=T1)
    progress.record_attempt("98/01/b", "incorrect", now=T2)
    progress.record_part("98_test", "q2", now=T1)
    table = progress.progress_table()
    assert list(table.columns) == progress.TABLE_COLUMNS
    row = table.iloc[0].to_dict()
    assert row == {"講座": "98", "講座名": "テスト講座", "練習問題 正解": 1, "練習問題 全体": 3,
                   "演習 合格": 1, "演習 全体": 2, "自己評価": "前 — → 後 —", "最終学習日": "2025-04-02"}


def test_progress_details_include_untouched_and_unknown(course):
    progress.record_attempt("98/01/a", "correct", now=T1)
    progress.record_attempt("97/09/gone", "incorrect", now=T1)
    details = progress.progress_details()
    results = dict(zip(details["ID"], details["結果"]))
    assert results["98/01/a"] == "正解" and results["98/01/b"] == "未着手"
    assert results["97/09/gone"] == "未正解"
    assert results["98_test/q1"] == "未合格"


def test_quiz_answers_are_labelled_as_quiz_questions(course):
    progress.record_attempt("98/01/quiz/M001", "correct", now=T1)
    progress.record_attempt("97/09/gone", "incorrect", now=T1)
    details = progress.progress_details().set_index("ID")
    assert details.loc["98/01/quiz/M001", "内容"] == "クイズの問題"
    assert details.loc["98/01/quiz/M001", "結果"] == "正解"
    assert details.loc["97/09/gone", "内容"] == "（現在の教材にない問題）"


def test_show_progress(course):
    progress.record_attempt("98/01/a", "correct", now=T1)
    view = progress.show_progress()
    assert "練習問題 1 / 3 問正解" in repr(view) and "演習 0 / 2 問合格" in repr(view)
    assert "<table" in view._repr_html_() and "テスト講座" in view._repr_html_()


def test_export_progress(course, tmp_path):
    progress.record_attempt("98/01/a", "correct", now=T1)
    progress.record_part("98_test", "q1", now=T2)
    path = progress.export_progress(tmp_path / "受講記録.xlsx", name="架空 花子", affiliation="みどり野市 総務課",
                                    exported_on=date(2025, 4, 3))
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["概要", "明細"]
    summary = wb["概要"]
    assert summary["B3"].value == "架空 花子" and summary["B4"].value == "みどり野市 総務課"
    assert summary["B5"].value.date() == date(2025, 4, 3)
    assert [c.value for c in summary[8]][:4] == ["講座", "講座名", "練習問題（正解）", "練習問題（全体）"]
    assert [c.value for c in summary[9]][:7] == ["98", "テスト講座", 1, 3, pytest.approx(2 / 5), 1, 2]
    assert summary["H9"].value.date() == date(2025, 4, 2)
    assert summary["A10"].value == "合計" and summary["C10"].value == 1 and summary["D10"].value == 3
    assert summary.column_dimensions["B"].width >= 10
    detail = wb["明細"]
    assert [c.value for c in detail[1]] == progress.DETAIL_COLUMNS
    rows = {r[2]: r for r in detail.iter_rows(min_row=2, values_only=True)}
    assert rows["98/01/a"][4] == "正解" and rows["98/01/a"][6] == T1
    assert rows["98_test/q1"][4] == "合格"


def test_export_errors_are_japanese(course, tmp_path):
    with pytest.raises(DxkitError, match=r"\.xlsx"):
        progress.export_progress(tmp_path / "record.csv")
    with pytest.raises(DxkitError, match="フォルダ"):
        progress.export_progress(tmp_path / "none" / "record.xlsx")


def _record_many(args) -> None:
    home_dir, worker, n = args
    import os

    os.environ["DXKIT_HOME"] = home_dir
    from dxkit import progress as p

    for i in range(n):
        p.record_attempt(f"00_orientation/concurrent/w{worker}_{i}", "correct")


def test_two_notebooks_recording_at_once_lose_nothing(home):
    """Two kernels (two notebooks open at once) write the same file: every attempt must survive."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        pool.map(_record_many, [(str(home), w, 40) for w in range(4)])
    items = progress.load()["items"]
    assert len([k for k in items if "/concurrent/" in k]) == 160


# ---------------------------------------------------------------- self-assessment and renamed items

def test_self_assessment_before_and_after_show_in_table_and_export(course, tmp_path):
    from dxkit.selfassess import SelfAssessment

    SelfAssessment("01", "before").answer([1, 2, 1, 2, 1])
    SelfAssessment("01", "after").answer([3, 4, 3, 3, 4])
    data = progress.load()
    assert data["assessments"]["01"]["before"]["levels"] == [1, 2, 1, 2, 1]
    chk.register_course(chk.Course(id="01", slug="01_bpr", title="BPR"))
    table = progress.progress_table().set_index("講座")
    assert table.loc["01", "自己評価"] == "前 1.4 → 後 3.4"
    assert "前 1.4 → 後 3.4" in repr(progress.show_progress())
    wb = openpyxl.load_workbook(progress.export_progress(tmp_path / "r.xlsx", exported_on=date(2025, 4, 3)))
    assert "前 1.4 → 後 3.4" in [c.value for row in wb["概要"].iter_rows() for c in row]
    assert progress.load()["assessments"]["01"]["after"]["levels"] == [3, 4, 3, 3, 4]   # the file stays valid


@pytest.mark.parametrize("levels, message", [([1, 2, 3], "5 項目"), ([1, 2, 3, 4, 5], "1〜4"), ([1, 2, "3", 4, 1], "1〜4")])
def test_self_assessment_rejects_bad_answers_in_japanese(levels, message):
    from dxkit.selfassess import SelfAssessment

    with pytest.raises(DxkitError, match=message):
        SelfAssessment("02", "after").answer(levels)
    with pytest.raises(DxkitError, match="before か after"):
        SelfAssessment("02", "later")


def test_self_assessment_widget_records_only_when_every_item_is_answered(home):
    from dxkit.selfassess import SelfAssessment

    box = SelfAssessment("04", "before").widget()
    choosers = [row.children[1] for row in box.children[1:6]]
    save, status = box.children[6], box.children[7]
    for c in choosers[:4]:
        c.value = 2
    save.click()
    assert "未回答" in status.value and "assessments" not in progress.load()
    choosers[4].value = 3
    save.click()
    assert "記録しました" in status.value
    assert progress.load()["assessments"]["04"]["before"]["levels"] == [2, 2, 2, 2, 3]


def test_every_course_has_five_can_do_statements_with_a_dss_l_category():
    from dxkit.items.can_do import CAN_DO

    assert sorted(CAN_DO) == sorted(c.id for c in chk.courses())
    for course_id, rows in CAN_DO.items():
        assert len(rows) == 5, course_id
        assert {cat for _, cat in rows} <= {"Why", "What", "How", "マインド・スタンス"}


def test_records_under_a_former_item_id_count_for_the_current_one(course, monkeypatch):
    from dxkit.items import aliases

    monkeypatch.setattr(aliases, "ALIASES", {"98/00/old_a": "98/01/a", "98/00/old_b": "98/01/b"})
    progress.record_attempt("98/00/old_a", "correct", now=T1)          # answered before the lesson moved
    progress.record_attempt("98/00/old_b", "incorrect", now=T1)
    progress.record_attempt("98/01/b", "correct", now=T2)              # and again after
    row = progress.progress_table().iloc[0]
    assert row["練習問題 正解"] == 2
    details = progress.progress_details().set_index("ID")
    assert details.loc["98/01/a", "結果"] == "正解"
    assert details.loc["98/01/b", "回数"] == 2 and details.loc["98/01/b", "最初の日時"] == T1.isoformat()
    assert "98/00/old_a" not in details.index                           # not listed as retired material
