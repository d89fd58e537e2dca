"""dxkit cohort collect: nothing lost, nothing misattributed (no kernels run here; all names 架空).

A tiny assignment ``hw0`` in a temporary course. Each test uses its own learners of the roster, so the tests
do not depend on their order.
"""

from __future__ import annotations

import csv
import hashlib
import os
import zipfile
from pathlib import Path

import nbformat
import pytest

from dxkit.cohort import collect, notebooks as nbs
from dxkit.cohort.course import Course
from dxkit.cohort.roster import import_roster, with_check_digit
from tools import nbauthor as nba

A = "hw0"
CODE = with_check_digit("99201")
IDS = [f"{CODE}-{200 + i}" for i in range(8)]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("collect")
    src, root = base / "source", base / "course"
    for name, text in ((A, "x = 1"), ("hw9", "y = 2")):
        nba.save(src / name / f"{name}.ipynb", [
            nba.readonly(f"intro_{name}", f"# 課題 {name}（架空）\n\n値を入れてください。"),
            nba.answer(f"q_{name}", f"### BEGIN SOLUTION\n{text}\n### END SOLUTION"),
            nba.tests(f"q_{name}", f"assert {text.split()[0]} == {text.split()[-1]}", points=1),
        ])
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.course_id = 'dxcollect'\nc.CourseDirectory.source_directory = {str(src)!r}\n",
        encoding="utf-8")
    course = Course.open(root)
    with open(base / "名簿.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["団体コード", "職員番号", "氏名", "所属自治体", "所属課", "e-mail"])
        for i in range(8):
            w.writerow([CODE, f"{200 + i:06d}", f"架空 次郎{i}", "みどり野市", "市民課", f"c{i:02d}@example.lg.jp"])
    assert import_roster(course, base / "名簿.csv").ok
    course.ensure_released(A)
    course.ensure_released("hw9")
    return course


def _nb(course, value: str, learner: str | None = None, assignment: str = A):
    nb = nbformat.read(course.release_dir(assignment) / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        if nbs.is_answer(cell):
            cell.source = value
    if learner:
        nb.metadata["dxkit"] = {"learner_id": learner, "assignment": assignment}
    return nb


def _put(folder: Path, name: str, nb, mtime: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    nbformat.write(nb, path)
    os.utime(path, (mtime, mtime))
    return path


def _graded(course, learner) -> str:
    return (course.submitted_dir(learner, A) / f"{A}.ipynb").read_text(encoding="utf-8")


def test_an_older_or_wrong_file_never_replaces_the_graded_one(course, tmp_path):
    who = IDS[0]
    _put(tmp_path / "1", f"{who}_{A}.ipynb", _nb(course, "x = 'newest'"), 2_000_000_000)
    rep = collect.collect(course, A, tmp_path / "1")
    assert rep.changed == [who] and "newest" in _graded(course, who)
    _put(tmp_path / "2", f"{who}_{A}.ipynb", _nb(course, "x = 'older'"), 1_000_000_000)
    rep = collect.collect(course, A, tmp_path / "2")
    assert rep.changed == [] and "newest" in _graded(course, who)
    _put(tmp_path / "3", f"{who}_{A}.ipynb", _nb(course, "y = 2", assignment="hw9"), 2_100_000_000)
    rep = collect.collect(course, A, tmp_path / "3")
    assert rep.changed == [] and who not in rep.problems and "newest" in _graded(course, who)
    assert not course.load_status(A)[who].get("collect_problem")


def test_id_in_the_notebook_and_file_name_disagree(course, tmp_path):
    named, inside = IDS[1], IDS[2]
    path = _put(tmp_path, f"{named}_{A}.ipynb", _nb(course, "x = 1", learner=inside), 1_500_000_000)
    rep = collect.collect(course, A, tmp_path)
    assert set(rep.conflicts) == {named, inside}
    assert "一致しません" in rep.conflicts[named][0]
    assert f"dxkit cohort choose {A}" in str(rep)
    for learner in (named, inside):
        assert not course.submitted_dir(learner, A).exists() and learner not in rep.missing
    import dxkit.cohort.cli  # noqa: F401
    from dxkit.cli import main

    assert main(["cohort", "--course", str(course.root), "choose", A, inside, str(path)]) == 0
    assert course.submitted_dir(inside, A).is_dir() and not course.submitted_dir(named, A).exists()
    assert course.load_status(A)[inside]["matched_by"] == "講師の指定"


def test_zip_members_with_the_same_date_are_a_tie(course, tmp_path):
    who = IDS[3]
    with zipfile.ZipFile(tmp_path / f"{who}.zip", "w") as zf:
        for n, value in enumerate(("x = 'a'", "x = 'b'")):
            info = zipfile.ZipInfo(f"{A}_{'ab'[n]}.ipynb", date_time=(2025, 10, 1, 9, 0, 0))
            zf.writestr(info, nbformat.writes(_nb(course, value)))
    rep = collect.collect(course, A, tmp_path)
    assert who in rep.conflicts and "同じ日時" in rep.conflicts[who][0]
    assert not course.submitted_dir(who, A).exists()
    # the newer ZIP member wins when the dates differ
    with zipfile.ZipFile(tmp_path / f"{who}.zip", "w") as zf:
        for n, value in enumerate(("x = 'a'", "x = 'b'")):
            zf.writestr(zipfile.ZipInfo(f"{A}_{'ab'[n]}.ipynb", date_time=(2025, 10, 1, 9, n, 0)),
                        nbformat.writes(_nb(course, value)))
    rep = collect.collect(course, A, tmp_path)
    assert who not in rep.conflicts and "'b'" in _graded(course, who)


def test_dry_run_shows_changes_and_writes_nothing(course, tmp_path):
    who = IDS[4]
    _put(tmp_path, f"{who}_{A}.ipynb", _nb(course, "x = 1"), 1_600_000_000)

    def tree():
        return {p: hashlib.sha1(p.read_bytes()).hexdigest() for p in course.root.rglob("*") if p.is_file()}
    before = tree()
    rep = collect.collect(course, A, tmp_path, dry_run=True)
    assert rep.changed == [who] and "何も変更していません" in str(rep)
    assert tree() == before


def test_version_3_notebook_is_upgraded(course, tmp_path):
    nb3 = nbformat.convert(_nb(course, "x = 1"), 3)
    path = tmp_path / f"{IDS[5]}_{A}.ipynb"
    path.write_text(nbformat.writes(nb3, version=3), encoding="utf-8")
    nb, problem = nbs.read_notebook(path)
    assert problem is None and nb.nbformat == 4 and any(nbs.is_answer(c) for c in nb.cells)
    rep = collect.collect(course, A, tmp_path)
    assert IDS[5] in rep.matched and IDS[5] not in rep.problems
