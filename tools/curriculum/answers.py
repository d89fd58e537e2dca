"""No code answers in practice cells: a practice item's prompt, starter and check cells must not show its solution.

For each ``check("<id>", …)`` cell in a lesson, the item's *cells* are the check cell, the code cell before it
(the starter) and the Markdown cells right above the starter (the prompt). Any sub-expression of the item's
solution with 3 or more AST nodes — after normalising white space and quotes, and dropping wrappers such as
``int(...)``, ``list(...)`` and ``.tolist()`` — that appears in a comment, a string or the Markdown of those
cells is a leak: the item would test copying.

    python -m tools.curriculum.answers        # list every leak
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import nbformat

MIN_NODES = 3
_WRAPPERS = {"int", "float", "str", "list", "tuple", "set", "sorted", "round", "abs", "bool"}
_WRAPPER_METHODS = {"tolist", "to_list", "item", "copy", "reset_index", "to_frame", "round"}
_CTX = (ast.Load, ast.Store, ast.Del)
_CHECK = re.compile(r"""\bcheck\(\s*["']([0-9]{2}/[0-9]{2}/[\w\-]+)["']""")
_STARTER = re.compile(r"=\s*\.\.\.")      # `answer = ...`: a starter and its check share one cell


def _size(node: ast.AST) -> int:
    return sum(1 for n in ast.walk(node) if not isinstance(n, (*_CTX, ast.operator, ast.cmpop, ast.boolop,
                                                                  ast.unaryop, ast.keyword)))


def _unwrap(node: ast.AST) -> ast.AST:
    """``int(x)`` → ``x``; ``x.tolist()`` → ``x`` (repeatedly)."""
    while isinstance(node, ast.Call):
        f = node.func
        if isinstance(f, ast.Name) and f.id in _WRAPPERS and len(node.args) >= 1:
            node = node.args[0]
        elif isinstance(f, ast.Attribute) and f.attr in _WRAPPER_METHODS:
            node = f.value
        else:
            break
    return node


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace('"', "'")


def answer_fragments(solution: str) -> set[str]:
    """Normalised text of each solution sub-expression big enough to give the answer away."""
    try:
        tree = ast.parse(solution)
    except SyntaxError:
        return set()
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.expr):
            core = _unwrap(node)
            if _size(core) >= MIN_NODES:
                out.add(_norm(ast.unparse(core)))
    return out


def comments_and_strings(source: str) -> list[str]:
    """Every comment and string literal of a code cell (the places a nudge could hide code)."""
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                found.append(tok.string.lstrip("#"))
            elif tok.type == tokenize.STRING:
                found.append(tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        found.append(source)
    return found


@dataclass(frozen=True)
class Leak:
    lesson: Path
    item_id: str
    fragment: str
    where: str

    def __str__(self) -> str:
        return f"{self.lesson}: 練習 {self.item_id} の{self.where}に答えのコード「{self.fragment}」があります。"


def item_cells(nb) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """(item id, [(where, text)]) for each check cell: check cell, starter (its own cell above, or the check cell
    itself when it holds ``answer = ...``), and the prompt Markdown above the starter."""
    cells = nb.cells
    for i, c in enumerate(cells):
        if c.cell_type != "code":
            continue
        for item_id in _CHECK.findall(c.source):
            texts = [("チェックのセル", t) for t in comments_and_strings(c.source)]
            j = i - 1
            if not _STARTER.search(c.source):          # the starter is its own cell above the check
                while j >= 0 and cells[j].cell_type != "code":
                    j -= 1
                if j >= 0 and not _CHECK.search(cells[j].source):
                    texts += [("書きかけのセル", t) for t in comments_and_strings(cells[j].source)]
                    j -= 1
                else:
                    j = i - 1
            while j >= 0 and cells[j].cell_type == "markdown":
                texts.append(("問題文", cells[j].source))
                j -= 1
            yield item_id, texts


def leaks(lesson, items: dict) -> list[Leak]:
    nb = nbformat.read(str(lesson), as_version=4)
    found = []
    for item_id, texts in item_cells(nb):
        item = items.get(item_id)
        if item is None:
            continue
        frags = answer_fragments(item.solution)
        for where, text in texts:
            flat = _norm(text)
            for frag in sorted(frags, key=len, reverse=True):
                if frag in flat:
                    found.append(Leak(Path(lesson), item_id, frag, where))
                    break
    return found


def main(argv=None) -> int:
    from dxkit.check import registry

    items = registry()
    root = Path(argv[0]) if argv else Path(".")
    found = [lk for p in sorted(root.glob("courses/[0-9][0-9]_*/[0-9][0-9]_*.ipynb")) for lk in leaks(p, items)]
    print("\n".join(map(str, found)) or "答えの漏れはありません。")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
