"""Run course lessons against a town's data folder (DXKIT_DATA_DIR), sharing one kernel.

The lessons' code cells run in order, one lesson after another, in a single Jupyter kernel (``%reset -f``
between lessons, so no lesson sees another's variables); cells tagged ``raises-exception`` may raise, as under
nbval. Starting one kernel instead of one per lesson keeps the run inside the test-time budget.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
MARK = "@@lesson "
_LOADS = re.compile(r"""(load_dataset|dataset_path)\(\s*["'](population|preschool|applications)["']""")


def data_lessons() -> list[Path]:
    """Every course lesson whose code loads population, preschool or applications."""
    found = []
    for path in sorted((ROOT / "courses").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        if any(c.cell_type == "code" and _LOADS.search(c.source) for c in nb.cells):
            found.append(path)
    return found


def run_lessons(lessons: list[Path], data_dir: Path) -> dict[str, list[str]]:
    """Execute the lessons with DXKIT_DATA_DIR=data_dir; return each lesson's code-cell outputs as text."""
    merged = nbformat.v4.new_notebook()
    for path in lessons:
        merged.cells.append(nbformat.v4.new_code_cell(
            f"%reset -f\nimport os, dxkit.town\ndxkit.town._ANNOUNCED.clear()\nos.chdir({str(path.parent)!r})\n"
            f"print({MARK + path.relative_to(ROOT).as_posix()!r})"))
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                merged.cells.append(nbformat.v4.new_code_cell(cell.source, metadata=cell.metadata))
    old = os.environ.get("DXKIT_DATA_DIR")
    os.environ["DXKIT_DATA_DIR"] = str(data_dir)
    try:
        NotebookClient(merged, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(lessons[0].parent)}}).execute()
    except CellExecutionError as exc:
        raise AssertionError(f"{_lesson_of(merged, exc)} が {data_dir} のデータで止まりました:\n{exc}") from None
    finally:
        if old is None:
            os.environ.pop("DXKIT_DATA_DIR", None)
        else:
            os.environ["DXKIT_DATA_DIR"] = old
    return _outputs_by_lesson(merged)


def _text(output) -> str:
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    if "text" in output:
        return output["text"]
    data = output.get("data", {})
    return data.get("text/plain", "") + data.get("text/html", "")


def _outputs_by_lesson(nb) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    current = None
    for cell in nb.cells:
        texts = [_text(o) for o in cell.get("outputs", [])]
        if texts and texts[0].startswith(MARK):
            current = texts[0][len(MARK):].strip()
            result[current] = []
        elif current:
            result[current].append("\n".join(texts))
    return result


def _lesson_of(nb, exc: CellExecutionError) -> str:
    last = "（不明なレッスン）"
    for cell in nb.cells:
        texts = [_text(o) for o in cell.get("outputs", [])]
        if texts and texts[0].startswith(MARK):
            last = texts[0][len(MARK):].strip()
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return last
    return last
