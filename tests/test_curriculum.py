"""The learning path as a whole (issue 13): skills taught before they are used, no code answers in practice cells,
honest lesson times, every 学習目標 revisited in the まとめ, a DSS-L table per course and a self-assessment at
each course's start and end. The tools behind these checks are tested on broken fixtures in
tests/test_curriculum_tools.py."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tools.curriculum import answers, skills, timing

ROOT = Path(__file__).resolve().parents[1]
COURSES = sorted(p for p in (ROOT / "courses").glob("[0-9][0-9]_*") if p.is_dir())
LESSONS = [p for c in COURSES for p in sorted(c.glob("[0-9][0-9]_*.ipynb"))]


def rel(p: Path) -> str:
    return str(p.relative_to(ROOT))


@pytest.fixture(scope="module")
def items():
    from dxkit.check import registry

    return registry()


def test_every_skill_is_taught_before_it_is_used(items):
    found = list(skills.problems(skills.path_units(ROOT, items), items))
    assert not found, "\n".join(found)


def test_no_practice_cell_shows_its_answer_code(items):
    found = [str(lk) for p in LESSONS for lk in answers.leaks(p, items)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", LESSONS, ids=rel)
def test_lesson_time_is_the_rule_figure_and_at_most_an_hour(path):
    est = timing.estimate(path)
    assert timing.stated(path) == est.minutes, f"title cell says {timing.stated(path)} min, the rule gives {est.minutes}"
    assert est.minutes <= timing.MAX_LESSON_MIN, f"{est.minutes} min: split the lesson"


def _bullets(text: str) -> list[str]:
    return [ln for ln in text.splitlines() if re.match(r"\s*[-*] ", ln)]


@pytest.mark.parametrize("path", LESSONS, ids=rel)
def test_summary_revisits_each_learning_goal(path):
    nb = nbformat.read(str(path), as_version=4)
    title = nb.cells[0].source
    goals = _bullets(title.split("**学習目標**", 1)[1].split("**所要時間**", 1)[0])
    recap_cells = [c.source for c in nb.cells if c.cell_type == "markdown" and "**学習目標の振り返り**" in c.source]
    assert goals, "the title cell lists 学習目標 as bullets"
    assert len(recap_cells) == 1, "one まとめ with a 「学習目標の振り返り」 section"
    after = recap_cells[0].split("**学習目標の振り返り**", 1)[1]
    recap = []
    for line in after.splitlines()[1:] if after.startswith("\n") else after.splitlines():
        if re.match(r"\s*[-*] ", line):
            recap.append(line)
        elif recap and line.strip() == "":
            break
    assert len(recap) == len(goals), f"{len(goals)} goals but {len(recap)} recap lines"
    assert all(" → " in r for r in recap), "each recap line says where the learner did it ( → …)"


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_course_opens_and_closes_with_a_self_assessment(course):
    lessons = sorted(course.glob("[0-9][0-9]_*.ipynb"))
    cid = course.name[:2]

    def code(p):
        return "\n".join(c.source for c in nbformat.read(str(p), as_version=4).cells if c.cell_type == "code")

    assert f'SelfAssessment("{cid}", "before").widget()' in code(lessons[0])
    assert f'SelfAssessment("{cid}", "after").widget()' in code(lessons[-1])


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_course_readme_maps_every_lesson_to_dss_l(course):
    text = (course / "README.md").read_text(encoding="utf-8")
    assert "## DXリテラシー標準（DSS-L）との対応" in text
    table = text.split("## DXリテラシー標準（DSS-L）との対応", 1)[1].split("\n## ", 1)[0]
    rows = [r for r in table.splitlines() if r.startswith("| ") and not r.startswith("| レッスン")]
    for lesson in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        row = next((r for r in rows if lesson.name in r), None)
        assert row, f"{lesson.name} missing from the DSS-L table"
        cats = row.split("|")[2]
        assert re.search(r"Why|What|How|マインド・スタンス", cats), row
    assert "〔経済産業省・IPA「DXリテラシー標準」2022年3月〕" in table


@pytest.mark.parametrize("course", COURSES, ids=lambda p: p.name)
def test_course_readme_states_each_lesson_time_from_the_rule(course):
    text = (course / "README.md").read_text(encoding="utf-8")
    for lesson in sorted(course.glob("[0-9][0-9]_*.ipynb")):
        row = next((ln for ln in text.splitlines() if lesson.name in ln and "分" in ln), "")
        minutes = timing.estimate(lesson).minutes
        assert re.search(rf"約?\s*{minutes}\s*分", row), f"{lesson.name}: README should say 約{minutes}分"
