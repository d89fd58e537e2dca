"""Authoring aid: build lesson and nbgrader exercise notebooks from Python.

Maintainers usually edit notebooks in JupyterLab (nbgrader's "Create Assignment"
toolbar sets the same metadata). This module is for writing a notebook from a
script: it produces cells with exactly the metadata dxkit's tests expect.

    from tools.nbauthor import md, code, answer, tests, written, prompt, save
    save("exercises/05_data_analysis/05_data_analysis.ipynb", [
        md("# 演習 …"),
        answer("q1", "x = 1"),                      # solution cell (source holds BEGIN/END SOLUTION)
        tests("q1", visible="...", hidden="...", points=2),
        prompt("q7", "問7 …を説明してください。"),  # read-only prompt above a written answer
        written("q7", "### BEGIN SOLUTION\n模範解答 …\n### END SOLUTION", points=3),
    ])
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNEL = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _nbgrader(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None,
              task: bool = False) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
            "solution": solution, "task": task}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str, **meta) -> nbformat.NotebookNode:
    """A plain Markdown cell."""
    return new_markdown_cell(_src(text), metadata=meta)


def code(text: str, tags: list[str] | None = None, check_output: bool = False) -> nbformat.NotebookNode:
    """A plain code cell. ``check_output`` prefixes ``# NBVAL_CHECK_OUTPUT``."""
    body = _src(text)
    if check_output:
        body = "# NBVAL_CHECK_OUTPUT\n" + body
    return new_code_cell(body, metadata={"tags": tags} if tags else {})


def readonly(grade_id: str, text: str, markdown: bool = True) -> nbformat.NotebookNode:
    """A locked cell that nbgrader restores if a learner edits it."""
    cell = new_markdown_cell(_src(text)) if markdown else new_code_cell(_src(text))
    cell.metadata.update(_nbgrader(grade_id, grade=False, solution=False, locked=True))
    return cell


def prompt(grade_id: str, text: str) -> nbformat.NotebookNode:
    """The read-only question shown above a written (manually graded) answer."""
    return readonly(f"{grade_id}_prompt", text)


def answer(grade_id: str, text: str) -> nbformat.NotebookNode:
    """An autograded answer cell: ``text`` must contain ``### BEGIN SOLUTION`` / ``### END SOLUTION``."""
    body = _src(text)
    if "### BEGIN SOLUTION" not in body:
        raise ValueError(f"{grade_id}: answer cells need ### BEGIN SOLUTION / ### END SOLUTION")
    cell = new_code_cell(body)
    cell.metadata.update(_nbgrader(grade_id, grade=False, solution=True, locked=False))
    return cell


def tests(grade_id: str, visible: str, hidden: str = "", points: float = 1) -> nbformat.NotebookNode:
    """An autograder test cell: visible checks, then hidden ones between the markers."""
    body = _src(visible)
    if hidden.strip():
        body += "\n### BEGIN HIDDEN TESTS\n" + _src(hidden) + "\n### END HIDDEN TESTS"
    cell = new_code_cell(body)
    cell.metadata.update(_nbgrader(f"{grade_id}_test", grade=True, solution=False, locked=True, points=points))
    return cell


def written(grade_id: str, text: str, points: float = 1) -> nbformat.NotebookNode:
    """A manually graded Markdown answer (replaced by "YOUR ANSWER HERE" in the release)."""
    cell = new_markdown_cell(_src(text))
    cell.metadata.update(_nbgrader(grade_id, grade=True, solution=True, locked=False, points=points))
    return cell


def save(path: str | Path, cells: list) -> Path:
    """Write a validated notebook with the standard kernel metadata."""
    nb = new_notebook(cells=cells, metadata=KERNEL)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:03d}"
    nbformat.validate(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path
