"""tools.curriculum: the skill-order walk, the answer-leak scan and the time rule, on small made-up curricula
(the whole-curriculum checks live in tests/test_curriculum.py)."""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from dxkit.check import Item
from tools.curriculum import answers, skills, timing


def _lesson(path, cells, introduces=()):
    nb = new_notebook(cells=cells)
    if introduces:
        nb.metadata["dxkit"] = {"introduces": list(introduces)}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


ITEMS = {
    "00/01/loop": Item(id="00/01/loop", title="合計", var="total",
                       solution="total = 0\nfor n in counts:\n    total += n"),
    "00/02/by_proc": Item(id="00/02/by_proc", title="手続ごと", var="s",
                          solution="s = df.groupby('手続名')['件数'].sum()"),
}


@pytest.fixture
def root(tmp_path):
    _lesson(tmp_path / "courses/00_x/01_loops.ipynb", [
        new_markdown_cell("## くり返し\n`for` 文で、リストの値を 1 つずつ取り出せます。"),
        new_code_cell("for n in [1, 2]:\n    print(n)"),
        new_code_cell("total = ..."),
        new_code_cell('check("00/01/loop", total)'),
    ], introduces=["for"])
    _lesson(tmp_path / "courses/00_x/02_tables.ipynb", [
        new_markdown_cell("## 手続ごとに数える"),
        new_code_cell("s = ..."),
        new_code_cell('check("00/02/by_proc", s)'),
    ])
    return tmp_path


def test_a_skill_used_before_it_is_taught_is_reported(root):
    found = list(skills.problems(skills.path_units(root, ITEMS), ITEMS))
    assert len(found) == 1 and "02_tables" in found[0] and "groupby" in found[0] and "まだ教えていません" in found[0]


def test_a_lesson_that_explains_and_practises_a_skill_introduces_it(root):
    nb_path = root / "courses/00_x/02_tables.ipynb"
    nb = nbformat.read(str(nb_path), 4)
    nb.cells[0].source += "\n`groupby` で、手続ごとにまとめて合計できます。"
    nb.metadata["dxkit"] = {"introduces": ["groupby"]}
    nbformat.write(nb, str(nb_path))
    assert list(skills.problems(skills.path_units(root, ITEMS), ITEMS)) == []


def test_declaring_a_skill_without_explaining_and_practising_it_is_reported(root):
    nb_path = root / "courses/00_x/02_tables.ipynb"
    nb = nbformat.read(str(nb_path), 4)
    nb.metadata["dxkit"] = {"introduces": ["groupby", "lambda"]}
    nbformat.write(nb, str(nb_path))
    found = "\n".join(skills.problems(skills.path_units(root, ITEMS), ITEMS))
    assert "「groupby（グループごとの集計）」を導入すると書いていますが、説明する Markdown セルがありません" in found
    assert "「lambda（無名関数）」を導入すると書いていますが、説明する Markdown セルがありません" in found
    assert "「lambda（無名関数）」を導入すると書いていますが、それを使う練習問題がありません" in found


def test_exercises_come_after_their_course_and_hidden_tests_are_not_learner_code(root):
    ex = root / "exercises/00_x/00_x.ipynb"
    _lesson(ex, [new_code_cell("x = [n * 2 for n in range(3)]\n### BEGIN HIDDEN TESTS\ny = lambda v: v\n"
                               "### END HIDDEN TESTS")])
    found = list(skills.problems(skills.path_units(root, ITEMS), ITEMS))
    assert any("00_x.ipynb" in f and "内包表記" in f for f in found)
    assert not any("lambda" in f for f in found)


@pytest.mark.parametrize("where", ["comment", "markdown", "string"])
def test_answer_code_in_a_practice_cell_is_a_leak(root, where):
    path = root / "courses/00_x/02_tables.ipynb"
    nb = nbformat.read(str(path), 4)
    hint = 'df.groupby("手続名")["件数"].sum()'
    if where == "comment":
        nb.cells[1].source = f"s = ...   # ← {hint}"
    elif where == "markdown":
        nb.cells[0].source += f"\n\n`s = {hint}` と書きます。"
    else:
        nb.cells[2].source = f'check("00/02/by_proc", s)\nprint("{hint.replace(chr(34), chr(39))}")'
    nbformat.write(nb, str(path))
    found = answers.leaks(path, ITEMS)
    assert len(found) == 1 and found[0].item_id == "00/02/by_proc"
    assert "groupby" in found[0].fragment


def test_a_nudge_in_words_or_a_wrapped_answer_in_code_is_judged_correctly(root):
    path = root / "courses/00_x/02_tables.ipynb"
    nb = nbformat.read(str(path), 4)
    nb.cells[0].source += "\n\n`groupby` と `sum` を使います。列「件数」を合計します。"
    nbformat.write(nb, str(path))
    assert answers.leaks(path, ITEMS) == []
    nb.cells[1].source = "s = ...  # list(df.groupby('手続名')['件数'].sum().tolist()) ではありません"
    nbformat.write(nb, str(path))
    assert [lk.item_id for lk in answers.leaks(path, ITEMS)] == ["00/02/by_proc"]


def test_time_rule_reproduces_the_observed_beginner_times_it_was_calibrated_on():
    # 00/02 and 00/03 as they stood on 2026-12-01 took a true beginner 75–90 minutes; 05/01–02 took 70–80.
    observed = {(4628, 24, 8): (75, 90), (5833, 25, 9): (75, 90), (5781, 28, 7): (70, 85), (4651, 21, 7): (65, 80)}
    for (chars, cells, items), (low, high) in observed.items():
        est = timing.Estimate(path=None, chars=chars, code_cells=cells, items=items)
        assert low <= est.minutes <= high, (chars, est.minutes)


def test_time_rule_counts_markdown_characters_code_cells_and_items(tmp_path):
    path = _lesson(tmp_path / "courses/00_x/01_a.ipynb", [
        new_markdown_cell("あ" * 500), new_code_cell("x = 1"), new_code_cell("x = ..."), new_code_cell('check("a", x)'),
    ])
    est = timing.estimate(path)
    assert (est.chars, est.code_cells, est.items) == (500, 2, 1)
    assert est.minutes == 10            # 2 + 2.4 + 3.5 = 7.9 → rounded up to 5 minutes
