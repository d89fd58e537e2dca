"""The grading chain, for every assignment in exercises/.

For each assignment (a test class of its own, so pytest-xdist's loadscope spreads them
over workers) this builds the release version with the real grading/nbgrader_config.py,
then autogrades three submissions in a temporary course folder:

- the source notebook itself (the reference solution)   -> full marks
- the untouched release version                         -> 0 on every autograded cell
- the release with the first half of the answers solved  -> partial credit

and proves the release version carries no solution and no hidden test.
"""

from __future__ import annotations

import copy
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from leaks import hidden_lines, solution_lines

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
GRADING = ROOT / "grading"


def _autograded(folder: Path) -> bool:
    """An assignment with at least one autograded test cell; hand-graded ones (the capstone) have their own chain
    test in tests/test_capstone.py."""
    import nbformat

    return any(c.get("metadata", {}).get("nbgrader", {}).get("grade") and c.cell_type == "code"
               and not c.get("metadata", {}).get("nbgrader", {}).get("solution")
               for nb in folder.glob("*.ipynb") for c in nbformat.read(nb, as_version=4).cells)


ASSIGNMENTS = sorted(p.name for p in EXERCISES.iterdir() if p.is_dir() and list(p.glob("*.ipynb")) and _autograded(p)) \
    if EXERCISES.is_dir() else []
MARKERS = re.compile(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)")
SUBMISSIONS = ("solution", "untouched", "half")


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_autograded_test(cell) -> bool:
    meta = nbgrader_meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution") and cell.cell_type == "code"


def make_api(root: Path):
    """nbgrader's API on a temporary course, opened the one way dxkit opens a course (grading/ as the base)."""
    from dxkit.cohort.course import Course

    return Course.open(root).api()


def half_solved(release: nbformat.NotebookNode, source: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The release with the first half (rounded up) of the code answers taken from the source."""
    solutions = {nbgrader_meta(c)["grade_id"]: c.source for c in source.cells
                 if is_answer(c) and c.cell_type == "code"}
    nb = copy.deepcopy(release)
    answers = [c for c in nb.cells if is_answer(c) and c.cell_type == "code"]
    for cell in answers[: math.ceil(len(answers) / 2)]:
        cell.source = solutions[nbgrader_meta(cell)["grade_id"]]
    return nb


def cell_scores(api, assignment: str, student: str) -> dict[str, tuple[float | None, float]]:
    """grade_id -> (auto_score, max_score) for every graded cell of the submission."""
    from nbgrader.api import Gradebook

    scores = {}
    with Gradebook(api.coursedir.db_url) as gb:
        submission = gb.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                scores[grade.name] = (grade.auto_score, grade.max_score)
    return scores


class GradingChecks:
    """Checks shared by every assignment; subclasses set ``assignment``."""

    assignment: str

    @pytest.fixture(scope="class")
    def graded(self, tmp_path_factory):
        root = tmp_path_factory.mktemp(f"course-{self.assignment}")
        api = make_api(root)
        result = api.generate_assignment(self.assignment)
        assert result["success"], result.get("error") or result.get("log")

        source_dir = EXERCISES / self.assignment
        release_dir = root / "release" / self.assignment
        notebooks = sorted(p.name for p in source_dir.glob("*.ipynb"))
        for student in SUBMISSIONS:
            target = root / "submitted" / student / self.assignment
            shutil.copytree(release_dir, target)
            for name in notebooks:
                source = nbformat.read(source_dir / name, as_version=4)
                release = nbformat.read(release_dir / name, as_version=4)
                if student == "solution":
                    nbformat.write(source, target / name)
                elif student == "half":
                    nbformat.write(half_solved(release, source), target / name)
            result = api.autograde(self.assignment, student)
            assert result["success"], result.get("error") or result.get("log")
        return {"api": api, "root": root, "source_dir": source_dir, "release_dir": release_dir,
                "notebooks": notebooks,
                "scores": {s: cell_scores(api, self.assignment, s) for s in SUBMISSIONS}}

    def test_release_has_no_solution_or_hidden_test(self, graded):
        for name in graded["notebooks"]:
            source = nbformat.read(graded["source_dir"] / name, as_version=4)
            release = nbformat.read(graded["release_dir"] / name, as_version=4)
            text = "\n".join(c.source for c in release.cells)
            assert not MARKERS.search(text), f"{name}: a solution/hidden-test marker is left in the release"
            released = {nbgrader_meta(c).get("grade_id"): c.source for c in release.cells}
            for cell in source.cells:
                for line in hidden_lines(cell.source):
                    assert line not in text, f"{name}: hidden test leaked into the release: {line!r}"
                if is_answer(cell):
                    for line in solution_lines(cell.source):
                        assert line not in released[nbgrader_meta(cell)["grade_id"]], \
                            f"{name}: solution line leaked into the release: {line!r}"

    def test_written_answers_exist_and_are_cleared(self, graded):
        for name in graded["notebooks"]:
            source = nbformat.read(graded["source_dir"] / name, as_version=4)
            release = {nbgrader_meta(c).get("grade_id"): c for c in
                       nbformat.read(graded["release_dir"] / name, as_version=4).cells}
            written = [c for c in source.cells if c.cell_type == "markdown" and is_answer(c)
                       and nbgrader_meta(c).get("grade")]
            assert written, f"{name}: no manually graded written answer"
            for cell in written:
                assert release[nbgrader_meta(cell)["grade_id"]].source != cell.source

    def test_solution_gets_full_marks(self, graded):
        auto = {k: v for k, v in graded["scores"]["solution"].items() if v[0] is not None}
        assert auto, "no autograded cell"
        missed = {k: v for k, v in auto.items() if not math.isclose(v[0], v[1])}
        assert not missed, f"the reference solution lost points: {missed}"

    def test_untouched_release_scores_zero(self, graded):
        auto = {k: v for k, v in graded["scores"]["untouched"].items() if v[0] is not None}
        scored = {k: v for k, v in auto.items() if v[0] != 0}
        assert not scored, f"cells pass without an answer: {scored}"

    def test_half_right_gets_partial_credit(self, graded):
        auto = [v for v in graded["scores"]["half"].values() if v[0] is not None]
        got, most = sum(v[0] for v in auto), sum(v[1] for v in auto)
        assert 0 < got < most, f"half-right submission scored {got} of {most}"


for _assignment in ASSIGNMENTS:
    _name = "TestGrading_" + re.sub(r"\W", "_", _assignment)
    globals()[_name] = type(_name, (GradingChecks,), {"assignment": _assignment})


def test_assignments_exist():
    assert ASSIGNMENTS, "exercises/ holds no assignment"
