"""Writing to an Excel ledger (台帳) with openpyxl: append rows, keep the file's formatting.

The ledger is opened, new rows are added under the existing ones with the style of
the first data row (borders, number formats, fonts), and the file is saved back in
place. Column widths, the header, other sheets, frozen panes and filters stay as
they were: the file is never rebuilt.
"""

from __future__ import annotations

import datetime as _dt
import os
from copy import copy
from pathlib import Path
from typing import Any, Iterable, Mapping

from dxkit.errors import DxkitError


def lock_file(path: str | Path) -> Path | None:
    """Excel がファイルを開いている間、横に作る所有者ファイル（~$…）があれば、その場所を返します。"""
    path = Path(path)
    for name in ("~$" + path.name, "~$" + path.name[2:]):
        candidate = path.with_name(name)
        if len(name) > 2 + len(path.suffix) and candidate.exists():
            return candidate
    return None


def _open(path: Path):
    from .forms import FormReadError, open_workbook

    try:
        return open_workbook(path, data_only=False)
    except FormReadError as exc:
        raise DxkitError(f"台帳「{path.name}」を開けません: {exc.reason}") from None


def _sheet(wb, sheet: str | None, path: Path):
    if sheet is None:
        return wb.worksheets[0]
    if sheet not in wb.sheetnames:
        raise DxkitError(f"台帳「{path.name}」にシート「{sheet}」がありません（あるシート: {'、'.join(wb.sheetnames)}）。")
    return wb[sheet]


def find_header_row(ws, max_rows: int = 20) -> int:
    """見出しの行（文字の入ったセルが 3 つ以上並ぶ最初の行）を探します。"""
    for row in ws.iter_rows(min_row=1, max_row=min(max_rows, ws.max_row)):
        texts = [c for c in row if isinstance(c.value, str) and c.value.strip()]
        if len(texts) >= 3:
            return row[0].row
    raise DxkitError("台帳の見出しの行が見つかりません。header_row= で見出しの行番号を指定してください。")


def _header(ws, header_row: int) -> dict[str, int]:
    cols = {}
    for cell in ws[header_row]:
        if isinstance(cell.value, str) and cell.value.strip():
            cols[cell.value.strip()] = cell.column
    return cols


def _last_data_row(ws, header_row: int, columns: Iterable[int]) -> int:
    columns = list(columns)
    last = header_row
    for r in range(header_row + 1, ws.max_row + 1):
        if any(ws.cell(r, c).value not in (None, "") for c in columns):
            last = r
    return last


def read_ledger(path: str | Path, *, sheet: str | None = None, header_row: int | None = None):
    """台帳のデータ行を DataFrame で読みます（空の行は除きます）。"""
    import pandas as pd

    path = Path(path)
    wb = _open(path)
    try:
        ws = _sheet(wb, sheet, path)
        header_row = header_row or find_header_row(ws)
        cols = _header(ws, header_row)
        rows = []
        for r in range(header_row + 1, ws.max_row + 1):
            values = {name: ws.cell(r, c).value for name, c in cols.items()}
            if any(v not in (None, "") for v in values.values()):
                rows.append(values)
    finally:
        wb.close()
    df = pd.DataFrame(rows, columns=list(cols), dtype=object)
    for name in df.columns:  # dates come back as datetimes; the ledger holds days
        if df[name].map(lambda v: isinstance(v, _dt.datetime)).any():
            df[name] = df[name].map(lambda v: v.date() if isinstance(v, _dt.datetime) else v)
    return df


def ledger_columns(path: str | Path, *, sheet: str | None = None, header_row: int | None = None) -> list[str]:
    """台帳の見出し（列名）の一覧です。"""
    path = Path(path)
    wb = _open(path)
    try:
        ws = _sheet(wb, sheet, path)
        return list(_header(ws, header_row or find_header_row(ws)))
    finally:
        wb.close()


def ledger_keys(path: str | Path, key: str, *, sheet: str | None = None, header_row: int | None = None) -> set[str]:
    """台帳にすでにある key 列の値（申請番号など）の集合です。二重登録を防ぐために使います。"""
    df = read_ledger(path, sheet=sheet, header_row=header_row)
    if key not in df.columns:
        raise DxkitError(f"台帳に「{key}」の列がありません（ある列: {'、'.join(df.columns)}）。")
    return {str(v).strip() for v in df[key] if v not in (None, "")}


def append_rows(path: str | Path, rows: Iterable[Mapping[str, Any]] | Any, *, sheet: str | None = None,
                header_row: int | None = None, number_column: str | None = "No") -> int:
    """台帳の末尾に行を書き足して保存します。書いた行数を返します。

    - 列は見出しの名前で合わせます。台帳にない項目があるとエラーです（黙って捨てません）。
    - 新しい行には、見出しのすぐ下の行（書式見本の行）の書式をコピーします。
    - ``number_column``（既定「No」）の列が台帳にあれば、通し番号を振ります。
    - 保存は一時ファイルに書いてから置き換えるので、途中で失敗しても台帳は壊れません。
    """
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    rows = [dict(r) for r in rows]
    path = Path(path)
    if not rows:
        return 0
    lock = lock_file(path)
    if lock is not None:
        raise DxkitError(f"台帳「{path.name}」はほかの人が Excel で開いています（{lock.name} があります）。"
                         "閉じてからやり直してください。")
    wb = _open(path)
    try:
        ws = _sheet(wb, sheet, path)
        header_row = header_row or find_header_row(ws)
        cols = _header(ws, header_row)
        unknown = sorted({k for r in rows for k in r} - set(cols))
        if unknown:
            raise DxkitError(f"台帳に列がない項目があります: {'、'.join(unknown)}（台帳の列: {'、'.join(cols)}）。")
        last = _last_data_row(ws, header_row, cols.values())
        style_row = header_row + 1
        number = None
        if number_column and number_column in cols:
            existing = [ws.cell(r, cols[number_column]).value for r in range(header_row + 1, last + 1)]
            number = max([v for v in existing if isinstance(v, int)], default=0)
        for i, row in enumerate(rows, start=1):
            r = last + i
            if ws.row_dimensions[style_row].height is not None:
                ws.row_dimensions[r].height = ws.row_dimensions[style_row].height
            for name, c in cols.items():
                cell = ws.cell(r, c)
                src = ws.cell(style_row, c)
                if src.has_style and r != style_row:
                    cell._style = copy(src._style)
                if number is not None and name == number_column and name not in row:
                    cell.value = number + i
                elif name in row:
                    value = row[name]
                    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
                        value = _dt.datetime(value.year, value.month, value.day)
                        if cell.number_format == "General":
                            cell.number_format = "yyyy/mm/dd"
                    cell.value = value
        new_last = last + len(rows)
        if ws.auto_filter.ref:
            start, _, end = ws.auto_filter.ref.partition(":")
            end_col = "".join(ch for ch in (end or start) if ch.isalpha())
            ws.auto_filter.ref = f"{start}:{end_col}{new_last}"
        tmp = path.with_name(path.stem + ".saving" + path.suffix)
        try:
            wb.save(tmp)
            os.replace(tmp, path)
        except PermissionError:
            tmp.unlink(missing_ok=True)
            raise DxkitError(f"台帳「{path.name}」に書き込めません（Excel で開いたままか、書き込み権限がありません）。") from None
    finally:
        wb.close()
    return len(rows)
