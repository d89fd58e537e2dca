"""The curriculum's skill map: where each Python/pandas skill is first taught, and where it is used.

A lesson declares what it introduces in its notebook metadata::

    "dxkit": {"introduces": ["groupby", "value_counts"]}

A skill counts as introduced only when the lesson also has a Markdown cell that explains it (one of the
skill's ``words`` appears) and a practice item checked in that lesson whose solution uses it. Learner-facing
code — lesson code cells, exercise cells other than hidden tests, and the items' solutions and hints — is
walked in course order (00 → 05, lessons in order, each exercise after its course's lessons); a skill used
before the lesson that introduces it is a problem.

    python -m tools.curriculum.skills        # list every problem
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import nbformat


def _method(*names: str) -> Callable[[ast.AST], bool]:
    return lambda n: isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in names


def _attr(*names: str) -> Callable[[ast.AST], bool]:
    return lambda n: isinstance(n, ast.Attribute) and n.attr in names


def _bool_mask(n: ast.AST) -> bool:
    """``df[df["列"] > 3]`` / ``df[(a) & (b)]`` / ``df[~m]``: rows chosen by a condition."""
    if not isinstance(n, ast.Subscript):
        return False
    s = n.slice
    return isinstance(s, ast.Compare) or (
        isinstance(s, ast.BinOp) and isinstance(s.op, (ast.BitAnd, ast.BitOr))) or (
        isinstance(s, ast.UnaryOp) and isinstance(s.op, ast.Invert)) or _method("isin", "contains", "notna", "isna")(s)


def _uses_re(n: ast.AST) -> bool:
    if isinstance(n, (ast.Import, ast.ImportFrom)):
        names = [a.name for a in n.names] + [getattr(n, "module", None) or ""]
        return "re" in names
    return isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "re"


@dataclass(frozen=True)
class Skill:
    id: str
    label: str                      # Japanese name shown to maintainers
    words: tuple[str, ...]          # an explaining Markdown cell mentions one of these
    found: Callable[[ast.AST], bool]


SKILLS: tuple[Skill, ...] = (
    Skill("fstring", "f 文字列", ("f 文字列", "f文字列", 'f"'), lambda n: isinstance(n, ast.JoinedStr)),
    Skill("for", "for 文（くり返し）", ("for",), lambda n: isinstance(n, (ast.For, ast.comprehension))),
    Skill("if", "if 文（条件分岐）", ("if",), lambda n: isinstance(n, (ast.If, ast.IfExp))),
    Skill("def", "関数の定義（def）", ("def",), lambda n: isinstance(n, ast.FunctionDef)),
    Skill("comprehension", "内包表記", ("内包表記",),
          lambda n: isinstance(n, (ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp))),
    Skill("lambda", "lambda（無名関数）", ("lambda",), lambda n: isinstance(n, ast.Lambda)),
    Skill("try", "try / except（エラーを受け止める）", ("try", "except"), lambda n: isinstance(n, ast.Try)),
    Skill("raise", "raise（エラーを出す）", ("raise",), lambda n: isinstance(n, ast.Raise)),
    Skill("bool_filter", "条件で行を選ぶ（ブールインデックス）", ("条件で行", "ブール", "絞り込"), _bool_mask),
    Skill("loc", ".loc / .iloc", (".loc", "loc["), _attr("loc", "iloc")),
    Skill("value_counts", "value_counts", ("value_counts",), _method("value_counts")),
    Skill("groupby", "groupby（グループごとの集計）", ("groupby",), _method("groupby")),
    Skill("pivot", "pivot / pivot_table / crosstab", ("pivot", "crosstab"), _method("pivot", "pivot_table", "crosstab")),
    Skill("merge", "merge（表の結合）", ("merge",), _method("merge")),
    Skill("apply", "apply / map", ("apply", ".map"), _method("apply", "map", "applymap")),
    Skill("re", "正規表現（re）", ("正規表現",), _uses_re),
    Skill("polyfit", "np.polyfit（直線のあてはめ）", ("polyfit",), _method("polyfit")),
)
BY_ID = {s.id: s for s in SKILLS}


def parse(source: str) -> ast.AST | None:
    """Parse a cell, dropping IPython magics; None when it is not Python (a prompt, a half-written cell)."""
    lines = [ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def skills_in(source: str) -> set[str]:
    tree = parse(source)
    if tree is None:
        return set()
    return {s.id for n in ast.walk(tree) for s in SKILLS if s.found(n)}


_CHECK_ID = re.compile(r"""\b(?:check|hint|solution)\(\s*["']([0-9]{2}/[0-9]{2}/[\w\-]+)["']""")
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS", re.S)


@dataclass(frozen=True)
class Unit:
    """One step of the path: a lesson or an exercise, with the code a learner reads or writes there."""
    path: Path
    kind: str                               # "lesson" | "exercise"
    code: tuple[tuple[str, str], ...]       # (where, source)
    markdown: tuple[str, ...]
    introduces: tuple[str, ...]
    item_ids: tuple[str, ...]


def _unit(path: Path, kind: str, items: dict) -> Unit:
    nb = nbformat.read(str(path), as_version=4)
    code, md, ids = [], [], []
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown":
            md.append(c.source)
            continue
        if c.cell_type != "code":
            continue
        src = _HIDDEN.sub("", c.source)
        code.append((f"{path.name} セル{i}", src))
        ids += [x for x in _CHECK_ID.findall(c.source) if x not in ids]
    for item_id in ids:
        item = items.get(item_id)
        if item is not None:
            code.append((f"{item_id} の模範解答", item.solution))
            code += [(f"{item_id} のヒント", h) for h in item.hints if _is_code_hint(h)]
    intro = tuple(nb.metadata.get("dxkit", {}).get("introduces", ()))
    return Unit(path, kind, tuple(code), tuple(md), intro, tuple(ids))


def _is_code_hint(hint: str) -> bool:
    """A hint that shows code: several lines that parse, or one line that parses and is not Japanese prose."""
    return (parse(hint) is not None and "\n" in hint) or _looks_code(hint)


def _looks_code(text: str) -> bool:
    """A hint is code when it parses and is not plain Japanese prose."""
    return parse(text) is not None and not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", _strip_strings(text))


def _strip_strings(text: str) -> str:
    return re.sub(r"(\"[^\"]*\"|'[^']*')", "", text)


def path_units(root=".", items: dict | None = None) -> list[Unit]:
    """Lessons and exercises in the order a learner meets them."""
    if items is None:
        from dxkit.check import registry
        items = registry()
    root = Path(root)
    units = []
    for course in sorted(p for p in (root / "courses").iterdir() if p.is_dir() and p.name[:2].isdigit()):
        units += [_unit(p, "lesson", items) for p in sorted(course.glob("[0-9][0-9]_*.ipynb"))]
        # the course's exercise, then any further assignment of that course (05_capstone after 05_data_analysis)
        folders = sorted(d for d in (root / "exercises").glob(course.name[:3] + "*") if d.is_dir())
        units += [_unit(p, "exercise", items) for d in folders for p in sorted(d.glob("*.ipynb"))]
    return units


def problems(units: Iterable[Unit], items: dict | None = None, assume: Iterable[str] = ()) -> Iterator[str]:
    """Japanese descriptions of every skill used before it is taught, or declared but not taught.
    ``assume``: skills to treat as taught before the first unit (for checking one course on its own)."""
    if items is None:
        from dxkit.check import registry
        items = registry()
    taught: set[str] = set(assume)
    for u in units:
        for sid in u.introduces:
            skill = BY_ID.get(sid)
            if skill is None:
                yield f"{u.path}: 未知のスキル「{sid}」が introduces に書かれています（{', '.join(BY_ID)}）。"
                continue
            if not any(w in m for m in u.markdown for w in skill.words):
                yield f"{u.path}: 「{skill.label}」を導入すると書いていますが、説明する Markdown セルがありません。"
            if not any(sid in skills_in(items[i].solution) for i in u.item_ids if i in items):
                yield f"{u.path}: 「{skill.label}」を導入すると書いていますが、それを使う練習問題がありません。"
        now = taught | set(u.introduces)
        for where, src in u.code:
            for sid in sorted(skills_in(src) - now):
                yield f"{u.path}: {where} が「{BY_ID[sid].label}」を使っていますが、まだ教えていません。"
        taught = now


def main(argv=None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="skill-order check of the curriculum")
    ap.add_argument("--only", default="", help="report only paths containing this text, e.g. courses/01_bpr")
    ap.add_argument("--assume", default="", help="comma-separated skill ids taught before the first lesson")
    args = ap.parse_args(argv)
    assume = [a for a in args.assume.split(",") if a]
    found = [f for f in problems(path_units("."), assume=assume) if args.only in f.split(":")[0]]
    print("\n".join(found) or "問題はありません。")
    print(f"{len(found)} 件", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
