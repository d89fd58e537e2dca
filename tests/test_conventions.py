"""The layout rules of docs/CONTRIBUTING.md, checked on every course, lesson and exercise."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSES = sorted(p for p in (ROOT / "courses").iterdir() if p.is_dir()) if (ROOT / "courses").is_dir() else []
EXERCISES = sorted(p for p in (ROOT / "exercises").iterdir() if p.is_dir()) if (ROOT / "exercises").is_dir() else []
LESSONS = [nb for course in COURSES for nb in sorted(course.glob("*.ipynb"))]
EXERCISE_NBS = [nb for ex in EXERCISES for nb in sorted(ex.glob("*.ipynb"))]
ALL_NBS = LESSONS + EXERCISE_NBS
MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)")
CHECK_CALL = re.compile(r"""check\(\s*["']([0-9]{2}/[0-9]{2}/[A-Za-z0-9_]+)["']""")
MIN_AUTOGRADED = {"00_orientation": 5, "02_pdca_kpi": 5, "05_capstone": 0}   # 02: no points for copying a table or one plot call; the capstone is graded by hand
REQUIRED_COURSES = ["00_orientation", "05_data_analysis"]


def rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def test_required_courses_exist():
    names = [c.name for c in COURSES]
    for required in REQUIRED_COURSES:
        assert required in names
        assert (ROOT / "exercises" / required / f"{required}.ipynb").exists()


@pytest.mark.parametrize("course", COURSES, ids=[c.name for c in COURSES])
def test_course_folder(course):
    assert re.fullmatch(r"[0-9]{2}_[a-z0-9_]+", course.name), "course folders are <NN>_<slug>"
    readme = (course / "README.md").read_text(encoding="utf-8")
    for heading in ("学習目標", "前提", "所要時間"):
        assert heading in readme, f"{rel(course)}/README.md lacks {heading}"
    lessons = sorted(course.glob("*.ipynb"))
    assert len(lessons) >= 4, f"{rel(course)}: a course has at least four lessons"
    numbers = [int(nb.name[:2]) for nb in lessons]
    assert numbers == list(range(1, len(lessons) + 1)), "lessons are numbered 01, 02, … in learning order"
    for nb in lessons:
        assert nb.name in readme, f"{rel(course)}/README.md does not list {nb.name}"
    assert (ROOT / "exercises" / course.name).is_dir(), f"{course.name} has no graded exercise"


@pytest.mark.parametrize("path", ALL_NBS, ids=[rel(p) for p in ALL_NBS])
def test_notebook_is_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT"):
            assert cell.outputs, f"{rel(path)} cell {i}: NBVAL_CHECK_OUTPUT without a stored expectation"
            assert all(o.output_type != "error" for o in cell.outputs)
        else:
            assert not cell.outputs, f"{rel(path)} cell {i}: commit notebooks with outputs cleared"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", LESSONS, ids=[rel(p) for p in LESSONS])
def test_lesson_shape(path):
    nb = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and "学習目標" in first.source and "所要時間" in first.source, \
        f"{rel(path)}: the title cell names 学習目標 and 所要時間"
    assert "まとめ" in "\n".join(c.source for c in nb.cells[-3:] if c.cell_type == "markdown"), \
        f"{rel(path)}: ends with a まとめ cell"
    assert not MARKERS.search(text), f"{rel(path)}: lessons never carry solution/hidden-test markers"
    assert CHECK_CALL.search(text), f"{rel(path)}: a lesson has やってみよう cells checked with check()"
    assert "やってみよう" in text


def test_every_check_call_names_a_registered_item_and_every_item_is_used():
    from dxkit.check import registry

    used = {m for nb in LESSONS for m in CHECK_CALL.findall(
        "\n".join(c.source for c in nbformat.read(nb, as_version=4).cells))}
    registered = set(registry())
    assert used - registered == set(), f"check() calls with unknown ids: {sorted(used - registered)}"
    assert registered - used == set(), f"registered items no lesson uses: {sorted(registered - used)}"
    for item_id in used:
        course = item_id[:2]
        lesson = item_id[3:5]
        folder = next(c for c in COURSES if c.name.startswith(course))
        assert any(nb.name.startswith(lesson) for nb in folder.glob("*.ipynb")), item_id


@pytest.mark.parametrize("path", EXERCISE_NBS, ids=[rel(p) for p in EXERCISE_NBS])
def test_exercise_shape(path):
    assert path.stem == path.parent.name, "the exercise notebook is exercises/<id>/<id>.ipynb"
    nb = nbformat.read(path, as_version=4)
    graded = [c for c in nb.cells if nbgrader_meta(c).get("grade")]
    tests = [c for c in graded if c.cell_type == "code" and not nbgrader_meta(c).get("solution")]
    written = [c for c in graded if c.cell_type == "markdown" and nbgrader_meta(c).get("solution")]
    answers = [c for c in nb.cells if nbgrader_meta(c).get("solution") and c.cell_type == "code"]
    assert len(tests) >= MIN_AUTOGRADED.get(path.parent.name, 6), "too few autograded test cells"
    assert len(answers) >= len(tests) - 1
    assert written, "at least one manually graded written answer"
    for cell in graded:
        assert nbgrader_meta(cell).get("points", 0) > 0, f"{nbgrader_meta(cell)['grade_id']}: no points"
    for cell in answers:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
    for cell in tests:
        assert "BEGIN HIDDEN TESTS" in cell.source or "expect" in cell.source
    hidden = [c for c in tests if "### BEGIN HIDDEN TESTS" in c.source]
    assert len(hidden) >= len(tests) // 2, "most test cells carry hidden tests"
    ids = [nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c)]
    assert len(ids) == len(set(ids)), "grade ids are unique"
    # A written answer's prompt stands in its own read-only cell right above it.
    for i, cell in enumerate(nb.cells):
        if cell in written:
            above = nb.cells[i - 1]
            assert nbgrader_meta(above).get("locked") and not nbgrader_meta(above).get("solution"), \
                f"{nbgrader_meta(cell)['grade_id']}: put the question in a read-only cell above the answer"


def test_registered_exercise_parts_match_notebooks():
    from dxkit.check import courses

    for course in courses():
        path = ROOT / "exercises" / course.slug / f"{course.slug}.ipynb"
        assert path.exists(), f"{course.slug}: registered but has no exercise"
        text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells)
        recorded = set(re.findall(r"""passed\(\s*["']%s["']\s*,\s*["'](\w+)["']""" % course.slug, text))
        assert recorded == set(course.exercise_parts), f"{course.slug}: passed() parts differ from Course"
