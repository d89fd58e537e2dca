"""Lesson time estimates from one fixed rule (docs/CONTRIBUTING.md states the constants).

    minutes = Japanese characters in Markdown / READ_CPM
            + code cells that are not self-checks × CODE_CELL_MIN
            + practice items (check calls, quizzes, self-assessments) × ITEM_MIN

rounded up to 5 minutes. The constants were calibrated on lessons 00/02 and 00/03 as they stood on
2026-12-01 (observed 75–90 minutes for a true beginner; the rule gives 75 and 85) and on 05/01–02
(observed 70–80; the rule gives 80 and 70).

    python -m tools.curriculum.timing            # table of every lesson
    python -m tools.curriculum.timing --write    # also write the figure into each lesson's title cell

A lesson's title cell states it as ``**所要時間**: 約N分`` (the rule's figure, nothing else).
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

READ_CPM = 250        # characters per minute: careful reading of instructional Japanese by a beginner
CODE_CELL_MIN = 1.2   # minutes to run, read the output of and understand one code cell
ITEM_MIN = 3.5        # minutes to attempt, check and correct one practice item
ROUND_TO = 5
MAX_LESSON_MIN = 60

_CHECK = re.compile(r"\b(check|widget)\s*\(")
STATED = re.compile(r"\*\*所要時間\*\*[:：]\s*約?\s*([0-9]+)\s*分")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Estimate:
    path: Path
    chars: int
    code_cells: int
    items: int

    @property
    def raw_minutes(self) -> float:
        return self.chars / READ_CPM + self.code_cells * CODE_CELL_MIN + self.items * ITEM_MIN

    @property
    def minutes(self) -> int:
        return int(math.ceil(self.raw_minutes / ROUND_TO) * ROUND_TO)


def estimate(path) -> Estimate:
    """Count what the rule needs in one lesson notebook."""
    nb = nbformat.read(str(path), as_version=4)
    chars = sum(len(_SPACE.sub("", c.source)) for c in nb.cells if c.cell_type == "markdown")
    code = [c for c in nb.cells if c.cell_type == "code"]
    items = sum(len(_CHECK.findall(c.source)) for c in code)
    plain = sum(1 for c in code if not _CHECK.search(c.source))
    return Estimate(Path(path), chars, plain, items)


def stated(path) -> int | None:
    """The minutes a lesson's title cell states, or None."""
    nb = nbformat.read(str(path), as_version=4)
    m = STATED.search(nb.cells[0].source) if nb.cells else None
    return int(m.group(1)) if m else None


def write(path) -> bool:
    """Put the rule's figure into the title cell; True when the cell changed."""
    nb = nbformat.read(str(path), as_version=4)
    minutes = estimate(path).minutes
    new, n = STATED.subn(f"**所要時間**: 約{minutes}分", nb.cells[0].source)
    if n != 1 or new == nb.cells[0].source:
        return False
    nb.cells[0].source = new
    nbformat.write(nb, str(path))
    return True


def lessons(root=".") -> list[Path]:
    return sorted(Path(root).glob("courses/[0-9][0-9]_*/[0-9][0-9]_*.ipynb"))


def main(argv=None) -> int:
    argv = list(argv or [])
    do_write = "--write" in argv
    argv = [a for a in argv if a != "--write"]
    root = Path(argv[0]) if argv else Path(".")
    for est in map(estimate, lessons(root)):
        if do_write:
            write(est.path)
        flag = "  ← 60分超" if est.minutes > MAX_LESSON_MIN else ""
        print(f"{est.path.relative_to(root)}\t約{est.minutes}分（記載 {stated(est.path)}分）\t(文字 {est.chars}, "
              f"セル {est.code_cells}, 練習 {est.items}){flag}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
