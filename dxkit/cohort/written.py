"""記述式（手動採点）の問題を、JupyterHub なしで採点するための Excel の書き出しと読み込みです。

1 つの問について、全員の解答を 1 枚のシートに書き出します。講師は「得点」「コメント」の列を埋めて保存し、
読み込むと成績簿（nbgrader の manual_score / manual_comment）に反映されます。
シート「採点の手引き」には、配布元のセル（模範解答と採点基準）をそのまま載せます。
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.cohort.export import neutralise
from dxkit.cohort.roster import load_roster
from dxkit.errors import DxkitError

SHEET = "解答"
GUIDE = "採点の手引き"
HEADER = ["学習者ID", "所属自治体", "所属課", "氏名", "解答", "得点", "コメント", "問題文・採点基準（配布元）"]


@dataclass
class WrittenImport:
    saved: int = 0
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{self.saved} 人の得点を成績簿に反映しました。"] + [f"  {p}" for p in self.problems]

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _written_cells(course, assignment: str) -> dict[str, tuple[str, object, str]]:
    """{grade_id: (notebook, 配布元の解答セル, 問題文・採点基準（すぐ上の読み取り専用のセル）)}"""
    out = {}
    for name in course.notebooks(assignment):
        source = nbformat.read(course.source_dir / assignment / f"{name}.ipynb", as_version=4)
        for i, cell in enumerate(source.cells):
            m = nbs.meta(cell)
            if m.get("solution") and m.get("grade") and cell.cell_type == "markdown":
                prompt = next((c.source for c in reversed(source.cells[:i])
                               if c.cell_type == "markdown" and not nbs.is_answer(c)), "")
                out[m["grade_id"]] = (name, cell, prompt)
    return out


def export_written(course, assignment: str, question: str, out: Path | str | None = None) -> Path:
    """記述式の問 ``question``（grade_id）の全員の解答を Excel に書き出します。"""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    cells = _written_cells(course, assignment)
    if question not in cells:
        raise DxkitError(f"課題 {assignment} に記述式の問「{question}」はありません。選べるのは {', '.join(cells)} です。")
    notebook, source_cell, prompt = cells[question]
    with course.gradebook() as gb:
        max_score = gb.find_graded_cell(question, notebook, assignment).max_score
    roster = load_roster(course)
    status = course.load_status(assignment)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADER)
    for c in ws[1]:
        c.font = Font(bold=True)
    for learner in sorted(status):
        path = course.autograded_dir(learner, assignment) / f"{notebook}.ipynb"
        if not path.is_file():
            continue
        nb = nbformat.read(path, as_version=4)
        answer = next((c.source for c in nb.cells if nbs.grade_id(c) == question), "（解答セルがありません）")
        who = roster.get(learner)
        values = [learner, who.town if who else "", who.section if who else "", who.name if who else "", answer,
                  None, None, prompt if ws.max_row == 1 else None]
        ws.append([neutralise(v) for v in values])
    for row in ws.iter_rows(min_row=2):
        row[4].alignment = row[7].alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGH", (16, 14, 14, 12, 80, 8, 40, 60)):
        ws.column_dimensions[col].width = width
    guide = wb.create_sheet(GUIDE)
    guide.append(["課題", assignment])
    guide.append(["問（grade_id）", question])
    guide.append(["ノートブック", notebook])
    guide.append(["配点", float(max_score)])
    guide.append(["模範解答と採点基準（配布元のセル）", neutralise(source_cell.source)])
    guide.append(["問題文・採点基準（配布元の問題のセル）", neutralise(prompt)])
    guide.column_dimensions["A"].width = 30
    guide.column_dimensions["B"].width = 100
    guide["B5"].alignment = guide["B6"].alignment = Alignment(wrap_text=True, vertical="top")
    out = Path(out) if out else course.cohort_dir / "written" / f"記述_{assignment}_{question}.xlsx"
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def import_written(course, path: Path | str) -> WrittenImport:
    """採点した Excel を読み込み、得点とコメントを成績簿に反映します。"""
    from openpyxl import load_workbook

    wb = load_workbook(path, data_only=True)
    if SHEET not in wb.sheetnames or GUIDE not in wb.sheetnames:
        raise DxkitError(f"{Path(path).name} は dxkit cohort written-export で作ったファイルではありません。")
    guide = {r[0]: r[1] for r in wb[GUIDE].iter_rows(values_only=True) if r and r[0]}
    assignment, question, notebook = guide["課題"], guide["問（grade_id）"], guide["ノートブック"]
    max_score = float(guide["配点"])
    result = WrittenImport()
    with course.gradebook() as gb:
        for n, row in enumerate(wb[SHEET].iter_rows(min_row=2, values_only=True), start=2):
            if not row or not row[0]:
                continue
            learner, score, comment = str(row[0]), row[5], row[6]
            if score is None or score == "":
                continue
            try:
                score = float(score)
            except (TypeError, ValueError):
                result.problems.append(f"{n} 行目（{learner}）: 得点「{score}」は数ではありません。")
                continue
            if not 0 <= score <= max_score:
                result.problems.append(f"{n} 行目（{learner}）: 得点 {score:g} は 0〜{max_score:g} の範囲にしてください。")
                continue
            try:
                grade = gb.find_grade(question, notebook, assignment, learner)
            except Exception:  # noqa: BLE001 - MissingEntry
                result.problems.append(f"{n} 行目（{learner}）: 成績簿にこの学習者の提出がありません。")
                continue
            grade.manual_score = score
            grade.needs_manual_grade = False
            if comment:
                c = gb.find_comment(question, notebook, assignment, learner)
                c.manual_comment = str(comment)
            result.saved += 1
        gb.db.commit()
    return result
