"""学習者に返すフィードバック（HTML）を作ります。

nbgrader の GenerateFeedback をそのまま使い、プリプロセッサ ``HideHiddenTests`` を 1 つ加えます。

- テストセルのソースから隠しテストの部分を取り除きます（nbgrader だけでは全文が表示されます）。
- 失敗したテストのエラー表示は、コードを含む traceback の代わりに、短い日本語の理由だけにします。
  隠しテストで失敗したときは「隠しテスト: 理由」と表示します。
- 先頭に、得点と、問ごとの結果の一覧を日本語で加えます。
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.cohort.roster import load_roster

ANSI = re.compile(r"\x1b\[[0-9;]*m")
CELL_LINE = re.compile(r"(?:Cell In\s*\[\d*\]|Input In\s*\[\d*\]|<ipython-input-[^>]*>),? (?:line )?(\d+)")
HIDDEN_NOTE = "# （ここにあった隠しテストは表示しません）"


def hidden_ranges(source: str) -> tuple[list[str], set[int]]:
    """Lines of the cell and the 1-based line numbers inside BEGIN/END HIDDEN TESTS (markers included)."""
    lines = source.splitlines()
    hidden, inside = set(), False
    for i, line in enumerate(lines, start=1):
        if "BEGIN HIDDEN TESTS" in line:
            inside = True
        if inside:
            hidden.add(i)
        if "END HIDDEN TESTS" in line:
            inside = False
    return lines, hidden


def strip_hidden(source: str) -> str:
    lines, hidden = hidden_ranges(source)
    out, shown_note = [], False
    for i, line in enumerate(lines, start=1):
        if i in hidden:
            if not shown_note:
                indent = line[: len(line) - len(line.lstrip())]
                out.append(indent + HIDDEN_NOTE)
                shown_note = True
            continue
        shown_note = False
        out.append(line)
    return "\n".join(out)


def failing_line(traceback: list[str]) -> int | None:
    text = ANSI.sub("", "\n".join(traceback or []))
    m = CELL_LINE.search(text)
    return int(m.group(1)) if m else None


def short_error(output, hidden: set[int]) -> dict:
    """Replace an error output by its Japanese reason only (never the test code)."""
    ename, evalue = output.get("ename", ""), ANSI.sub("", str(output.get("evalue", "")))
    line = failing_line(output.get("traceback", []))
    in_hidden = line is not None and line in hidden
    if ename == "AssertionError":
        text = evalue or "テストに合格しませんでした。"
    elif ename == "CellTimeoutError":
        text = "時間内に実行が終わりませんでした（無限ループになっていないか確かめてください）。"
    elif ename == "NotGraded":
        text = evalue
    else:
        text = f"{ename} が発生しました" + (f"（{evalue[:150]}）" if evalue else "") + "。"
    prefix = "隠しテスト: " if in_hidden else ""
    out = nbformat.v4.new_output("error", ename=ename, evalue=prefix + text, traceback=[f"{ename}: {prefix}{text}"])
    return out


def _preprocessor_class():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class HideHiddenTests(NbGraderPreprocessor):
        """フィードバックから隠しテストのコードを取り除き、エラー表示を日本語の理由だけにします。"""

        def preprocess(self, nb, resources):
            summary = []
            for cell in nb.cells:
                if not nbs.is_test(cell):
                    continue
                _lines, hidden = hidden_ranges(cell.source)
                cell.source = strip_hidden(cell.source)
                new_outputs = []
                for o in cell.get("outputs", []):
                    if o.get("output_type") == "error":
                        o = short_error(o, hidden)
                        summary.append((nbs.grade_id(cell), o["evalue"]))
                    new_outputs.append(o)
                cell.outputs = new_outputs
            score = resources.get("nbgrader", {}).get("score")
            max_score = resources.get("nbgrader", {}).get("max_score")
            lines = ["## 採点結果", ""]
            if score is not None:
                lines.append(f"**得点: {score:g} / {max_score:g} 点**（記述式の問題は講師が採点したあとに反映されます）")
                lines.append("")
            if summary:
                lines.append("合格しなかったテスト:")
                lines += [f"- {gid}: {reason}" for gid, reason in summary]
            else:
                lines.append("自動採点のテストにはすべて合格しました。")
            lines += ["", "隠しテストのコードは表示しません。理由を手がかりに見直してください。"]
            nb.cells.insert(0, nbformat.v4.new_markdown_cell("\n".join(lines)))
            return nb, resources

    return HideHiddenTests


def generate_feedback(course, assignment: str, learners: list[str] | None = None) -> list[Path]:
    """採点済みの学習者ごとに HTML のフィードバックを作り、``cohort/feedback/<所属自治体>/`` にも写します。"""
    from nbgrader.preprocessors import GetGrades
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from traitlets.config import Config

    status = course.load_status(assignment)
    roster = load_roster(course)
    if learners is None:
        learners = sorted(k for k, v in status.items() if v.get("graded") and not v.get("needs_review"))
    c = Config()
    c.GenerateFeedback.preprocessors = [GetGrades, _preprocessor_class(), CSSHTMLHeaderPreprocessor]
    api = course.api(extra_config=c)
    made = []
    for learner in learners:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = api.generate_feedback(assignment, learner)
        if not result["success"]:
            continue
        town = roster[learner].town if learner in roster else "名簿にない学習者"
        for html in sorted(course.feedback_dir(learner, assignment).glob("*.html")):
            made.append(html)
            copy = course.cohort_dir / "feedback" / assignment / town / f"{learner}_{html.name}"
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(html, copy)
    return made
