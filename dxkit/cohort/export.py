"""成績を Excel と CSV に書き出します（課題ごと・受講者全体・所属自治体ごと）。

- CSV は既定で BOM つき UTF-8（Excel でそのまま開けます）。``encoding="cp932"`` も選べます。CP932 で
  表せない文字（一部の異体字など）は「〓」に置き換え、その行を報告します。
- 採点できなかった提出（壊れたファイル、カーネルの停止など）は、得点を空欄にして「要確認」列に理由を書きます。
  本当に 0 点だった人と区別できます。配布されたままの提出は「未着手」と備考に書きます。
- 数式の埋め込み（CSV injection）対策: 書き出す文字列はすべて ``neutralise`` を通します。``=``・``+``・``-``・``@``・
  タブ・改行（CR）で始まる文字列は、先頭に ``'`` を付けて、表計算ソフトが数式として実行しないようにします
  （OWASP の CSV injection の対策）。
- ID（団体コード・職員番号）: Excel ファイルでは文字列として保存するので、先頭の 0 も残ります。CSV では
  文字列を引用符で囲み、先頭の 0 もそのまま書きますが、Excel で CSV を直接開くと 0 が消えることがあります
  （Excel の仕様）。Excel で見るときは .xlsx を開いてください。CSV はほかのシステムへの取り込み用です。
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dxkit.cohort.roster import load_roster
from dxkit.cohort.sandbox import UNSAFE_BANNER
from dxkit.errors import DxkitError

INFO = ["学習者ID", "団体コード", "所属自治体", "所属課", "職員番号", "氏名"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """表計算ソフトが数式として読む文字列（OWASP の CSV injection の規則）の先頭に ``'`` を付けます。"""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass
class ExportReport:
    files: list[Path] = field(default_factory=list)
    encoding_problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{len(self.files)} 個のファイルに書き出しました（{self.files[0].parent if self.files else ''} ほか）。"]
        out += [f"  注意: {p}" for p in self.encoding_problems]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _cells(course, assignment: str) -> list[tuple[str, str, float]]:
    """(notebook, grade cell, max points) of the assignment, in notebook order."""
    with course.gradebook() as gb:
        a = gb.find_assignment(assignment)
        return [(nb.name, c.name, float(c.max_score)) for nb in a.notebooks for c in nb.grade_cells]


def assignment_table(course, assignment: str) -> pd.DataFrame:
    """1 つの課題の成績表（1 人 1 行、所属の列と、問ごとの得点の列つき）です。"""
    from nbgrader.api import MissingEntry

    roster = load_roster(course)
    status = course.load_status(assignment)
    cells = _cells(course, assignment)
    multi = len({nb for nb, _, _ in cells}) > 1
    qcols = [f"{nb}:{c}" if multi else c for nb, c, _ in cells]
    max_total = sum(m for *_, m in cells)
    rows = []
    with course.gradebook() as gb:
        ids = sorted(set(roster) | {s.id for s in gb.students})
        for sid in ids:
            learner = roster.get(sid)
            row = {"学習者ID": sid, "団体コード": learner.code if learner else "",
                   "所属自治体": learner.town if learner else "（名簿にない）",
                   "所属課": learner.section if learner else "", "職員番号": learner.staff_no if learner else "",
                   "氏名": learner.name if learner else "", "課題": assignment}
            entry = status.get(sid, {})
            try:
                sub = gb.find_submission(assignment, sid)
            except MissingEntry:
                sub = None
            submitted = sub is not None or bool(entry)
            row["提出"] = "あり" if submitted else "なし"
            review = bool(entry.get("needs_review") or entry.get("collect_problem"))
            row["要確認"] = "要確認" if review else ""
            row["要確認の理由"] = " / ".join(entry.get("reasons") or ([entry["collect_problem"]]
                                                                   if entry.get("collect_problem") else []))
            row["備考"] = " / ".join(dict.fromkeys(entry.get("notes", []) + (
                [UNSAFE_BANNER] if entry.get("unsandboxed") else [])))
            row["テストの改変"] = "あり" if entry.get("tampered") else ""
            row["満点"] = max_total
            scores = {}
            waiting = 0
            if sub is not None and not review:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        key = f"{nb.name}:{g.name}" if multi else g.name
                        scores[key] = None if g.needs_manual_grade else g.score   # 要手動採点: not 0
                        if g.needs_manual_grade:
                            waiting += 1
                row["得点"] = float(sub.score)
                row["得点率(%)"] = round(100 * float(sub.score) / max_total, 1) if max_total else None
                row["手動採点待ち"] = waiting
            else:
                row["得点"] = None
                row["得点率(%)"] = None
                row["手動採点待ち"] = None
            for q in qcols:
                row[q] = scores.get(q)
            rows.append(row)
    columns = INFO + ["課題", "提出", "得点", "満点", "得点率(%)", "手動採点待ち", "要確認", "要確認の理由",
                      "テストの改変", "備考", *qcols]
    return pd.DataFrame(rows, columns=columns)


def cohort_table(course, assignments: list[str]) -> pd.DataFrame:
    """受講者全体の一覧（1 人 1 行、課題ごとの得点と合計）です。"""
    frames = {a: assignment_table(course, a).set_index("学習者ID") for a in assignments}
    if not frames:
        raise DxkitError("書き出す課題がありません。")
    first = next(iter(frames.values()))
    out = first[INFO[1:]].copy()
    for a, df in frames.items():
        out[f"{a} 得点"] = df["得点"]
        out[f"{a} 満点"] = df["満点"]
        out[f"{a} 要確認"] = df["要確認"]
        out[f"{a} 提出"] = df["提出"]
    score_cols = [f"{a} 得点" for a in frames]
    out["合計"] = out[score_cols].sum(axis=1, min_count=1)
    out["満点合計"] = sum(df["満点"].iloc[0] for df in frames.values() if len(df))
    out["要確認の課題数"] = sum((out[f"{a} 要確認"] == "要確認").astype(int) for a in frames)
    return out.reset_index()


def _safe_name(text: str) -> str:
    return re.sub(r"[\\/:*?\"<>|]+", "_", text).strip() or "不明"


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8-sig") -> list[str]:
    """CSV を書きます。CP932 で表せない文字は「〓」にして、行と文字を報告します。"""
    problems = []
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [list(df.columns)] + [["" if pd.isna(v) else neutralise(v) for v in row]
                                 for row in df.itertuples(index=False)]
    if encoding.lower().replace("-", "").replace("_", "") in ("cp932", "shiftjis", "sjis", "windows31j"):
        encoding = "cp932"
        clean = []
        for n, row in enumerate(rows):
            fixed = []
            for col, value in zip(rows[0], row):
                text = str(value)
                bad = [ch for ch in text if not _encodable(ch)]
                if bad:
                    who = row[0] if n else "見出し"
                    problems.append(f"{path.name} の {n + 1} 行目（{who}）の「{col}」の文字 {'・'.join(bad)} は "
                                    "CP932 で表せないので「〓」にしました。")
                    text = "".join(ch if _encodable(ch) else "〓" for ch in text)
                fixed.append(text)
            clean.append(fixed)
        rows = clean
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_NONNUMERIC).writerows(rows)   # ids are quoted text
    return problems


def _encodable(ch: str) -> bool:
    try:
        ch.encode("cp932")
        return True
    except UnicodeEncodeError:
        return False


def write_excel(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl.utils import get_column_letter

    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, df in sheets.items():
            df.map(neutralise).to_excel(writer, sheet_name=name[:31], index=False)
            ws = writer.sheets[name[:31]]
            ws.freeze_panes = "B2"
            for i, col in enumerate(df.columns, start=1):
                width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)]) * 1.6 + 2
                ws.column_dimensions[get_column_letter(i)].width = min(60, width)


def export_grades(course, assignments: list[str] | None = None, out: Path | str | None = None,
                  encoding: str = "utf-8-sig", by_town: bool = True) -> ExportReport:
    """成績を書き出します（課題ごと・全課題の一覧・所属自治体ごとのフォルダー）。"""
    with course.gradebook() as gb:
        graded = [a.name for a in gb.assignments]
    assignments = assignments or [a for a in course.assignments() if a in graded]
    if not assignments:
        raise DxkitError("成績簿に課題がありません。先に採点してください。")
    out = Path(out) if out else course.cohort_dir / "export"
    report = ExportReport()
    tables = {a: assignment_table(course, a) for a in assignments}
    summary = cohort_table(course, assignments)

    def emit(folder: Path, tabs: dict[str, pd.DataFrame], summ: pd.DataFrame) -> None:
        for a, df in tabs.items():
            report.encoding_problems += write_csv(df, folder / f"成績_{a}.csv", encoding)
            write_excel({a: df}, folder / f"成績_{a}.xlsx")
            report.files += [folder / f"成績_{a}.csv", folder / f"成績_{a}.xlsx"]
        report.encoding_problems += write_csv(summ, folder / "成績_全課題.csv", encoding)
        write_excel({"全課題": summ, **tabs}, folder / "成績_全課題.xlsx")
        report.files += [folder / "成績_全課題.csv", folder / "成績_全課題.xlsx"]

    emit(out, tables, summary)
    if by_town:
        for town in sorted(summary["所属自治体"].dropna().unique()):
            folder = out / "自治体別" / _safe_name(str(town))
            emit(folder, {a: df[df["所属自治体"] == town] for a, df in tables.items()},
                 summary[summary["所属自治体"] == town])
    return report
