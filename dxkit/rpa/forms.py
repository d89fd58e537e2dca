"""Reading form-like Excel workbooks (申請書) by a cell map, and CSV exports.

The cell map says where each item of the form lives (氏名 → C5). Optional label
cells (B5 should read 「氏名」) let the robot notice that the form's layout has
changed, so it can stop instead of copying the wrong cells.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from dxkit.errors import DxkitError

from . import _html

_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files start with this
EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class FormReadError(DxkitError):
    """申請書のファイルを開けない・読めないときのエラーです（理由は日本語）。"""

    def __init__(self, reason: str, path: str | Path | None = None, field: str = "（ファイル全体）"):
        self.reason = reason
        self.path = Path(path) if path is not None else None
        self.field = field
        where = f"{self.path.name}: " if self.path is not None else ""
        super().__init__(where + reason)


class LayoutError(FormReadError):
    """申請書の様式（見出しの位置）がセル対応表と違うときのエラーです。"""


def _check_cell(ref: str, what: str) -> str:
    if not isinstance(ref, str) or not _CELL.match(ref.strip().upper()):
        raise DxkitError(f"{what}のセル番地「{ref}」が正しくありません。「C5」のように列の英字と行の数字で書いてください。")
    return ref.strip().upper()


@dataclass(frozen=True)
class CellMap:
    """申請書のどのセルに何が書かれているかの対応表（セルマップ）です。

    fields: 項目名 → 値のセル（例 ``{"氏名": "C5"}``）。
    labels: 見出しのセル → そこにあるはずの文字（例 ``{"B5": "氏名"}``）。様式の変更を見つけるために使います。
    sheet:  読むシート名。省略すると最初のシートです。
    """

    fields: Mapping[str, str]
    labels: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None

    def __post_init__(self):
        if not isinstance(self.fields, Mapping) or not self.fields:
            raise DxkitError("セルマップには「項目名: セル番地」の辞書を 1 つ以上渡してください（例 {\"氏名\": \"C5\"}）。")
        fields = {}
        for name, ref in self.fields.items():
            if not isinstance(name, str) or not name.strip():
                raise DxkitError("セルマップの項目名が空です。「氏名」のような名前をつけてください。")
            fields[name.strip()] = _check_cell(ref, f"項目「{name}」")
        labels = {_check_cell(ref, "見出し"): str(text) for ref, text in (self.labels or {}).items()}
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "labels", labels)

    @classmethod
    def beside_labels(cls, fields: Mapping[str, str], *, sheet: str | None = None, label_offset: int = -1) -> "CellMap":
        """値のセルの左隣（``label_offset`` 列ずれた所）に項目名の見出しがある様式のセルマップを作ります。"""
        from openpyxl.utils import column_index_from_string, get_column_letter

        labels = {}
        for name, ref in fields.items():
            m = _CELL.match(_check_cell(ref, f"項目「{name}」"))
            col = column_index_from_string(m.group(1)) + label_offset
            if col < 1:
                raise DxkitError(f"項目「{name}」（{ref}）の左に見出しの列がありません。")
            labels[f"{get_column_letter(col)}{m.group(2)}"] = name
        return cls(fields=dict(fields), labels=labels, sheet=sheet)

    def _repr_html_(self) -> str:
        rows = [(name, ref) for name, ref in self.fields.items()]
        return "<b>セルマップ</b>" + _html.table(rows)


def list_forms(folder: str | Path, pattern: str = "*") -> list[Path]:
    """フォルダのファイルを名前順に返します。

    既定ではすべてのファイルを返します。申請書でないファイル（PDF など）も黙って飛ばさず、
    読むときに「Excel ではありません」と例外にするためです。Excel が開いている間にできる
    一時ファイル（~$ で始まる）と、隠しファイル（. で始まる）は除きます。
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DxkitError(f"フォルダ「{folder}」が見つかりません。場所を確かめてください。")
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith(("~$", ".")))


def open_workbook(path: str | Path, *, data_only: bool = True):
    """Excel ファイルを開きます。開けない理由は FormReadError（日本語）で伝えます。"""
    from openpyxl import load_workbook

    path = Path(path)
    if not path.exists():
        raise FormReadError("ファイルが見つかりません。", path)
    if path.suffix.lower() not in EXCEL_SUFFIXES:
        raise FormReadError(f"Excel（.xlsx）形式のファイルではありません（拡張子 {path.suffix or 'なし'}）。", path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise FormReadError("パスワードで保護（暗号化）されているか、古い .xls 形式のため開けません。"
                            "提出者に確認してください。", path)
    if not zipfile.is_zipfile(path):
        raise FormReadError("ファイルが壊れているため開けません（Excel のファイルとして読めません）。", path)
    try:
        return load_workbook(path, data_only=data_only)
    except PermissionError:
        raise FormReadError("ファイルを読む権限がないか、ほかの人が使用中のため開けません。", path) from None
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise FormReadError(f"ファイルが壊れているため開けません（{type(exc).__name__}）。", path) from None


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def check_layout(ws, cell_map: CellMap) -> list[str]:
    """見出しのセルが対応表どおりかを調べ、違う所を日本語で返します（空なら一致）。"""
    problems = []
    for ref, expected in cell_map.labels.items():
        actual = ws[ref].value
        actual_text = "" if actual is None else str(actual).strip()
        if actual_text != expected.strip():
            problems.append(f"{ref} は「{expected}」のはずが「{actual_text or '空欄'}」です")
    return problems


def read_form(path: str | Path, cell_map: CellMap) -> dict[str, Any]:
    """申請書 1 枚をセルマップに従って読み、``{項目名: 値}`` を返します。

    値は Excel に入っているまま（文字は前後の空白を除き、空欄は None）です。検査や変換は rules で行います。
    開けないときは FormReadError、様式が違うときは LayoutError を出します。
    """
    if not isinstance(cell_map, CellMap):
        cell_map = CellMap(cell_map)
    path = Path(path)
    wb = open_workbook(path)
    try:
        if cell_map.sheet is not None:
            if cell_map.sheet not in wb.sheetnames:
                raise LayoutError(f"シート「{cell_map.sheet}」がありません（あるシート: {'、'.join(wb.sheetnames)}）。", path)
            ws = wb[cell_map.sheet]
        else:
            ws = wb.worksheets[0]
        problems = check_layout(ws, cell_map)
        if problems:
            raise LayoutError("様式が変わっています: " + "、".join(problems) + "。セルマップを見直してください。", path)
        return {name: _clean(ws[ref].value) for name, ref in cell_map.fields.items()}
    finally:
        wb.close()


@dataclass
class FormBatch:
    """複数の申請書を読んだ結果です。records: 読めた内容、errors: 読めなかったファイルと理由。"""

    records: Any  # DataFrame
    errors: Any  # DataFrame

    def _repr_html_(self) -> str:
        return (f"<b>読めた申請書: {len(self.records)} 件、読めなかったファイル: {len(self.errors)} 件</b>"
                + _html.frame(self.records, 10) + "<b>読めなかったファイル</b>" + _html.frame(self.errors))


def read_forms(files: str | Path | Iterable[str | Path], cell_map: CellMap, *, pattern: str = "*",
               file_column: str = "ファイル") -> FormBatch:
    """フォルダ（またはファイルの一覧）の申請書をまとめて読みます。開けないファイルがあっても止まりません。"""
    import pandas as pd

    if not isinstance(cell_map, CellMap):
        cell_map = CellMap(cell_map)
    if isinstance(files, (str, Path)) and Path(files).is_dir():
        paths = list_forms(files, pattern)
    elif isinstance(files, (str, Path)):
        paths = [Path(files)]
    else:
        paths = [Path(p) for p in files]
    rows, errors = [], []
    for path in paths:
        try:
            rows.append({file_column: path.name, **read_form(path, cell_map)})
        except FormReadError as exc:
            errors.append({file_column: path.name, "理由": exc.reason})
    columns = [file_column, *cell_map.fields]
    records = pd.DataFrame(rows, columns=columns, dtype=object)
    return FormBatch(records=records, errors=pd.DataFrame(errors, columns=[file_column, "理由"]))


def read_csv_records(path: str | Path, **kwargs) -> list[dict[str, Any]]:
    """電子申請などの CSV 出力を読み、1 行を 1 件の ``{項目名: 値}`` にして返します。

    文字コード（CP932 / UTF-8）は dxkit.data.read_csv_auto が判定します。値は文字のまま読みます。
    """
    from dxkit.data import read_csv_auto

    kwargs.setdefault("dtype", str)
    kwargs.setdefault("keep_default_na", False)
    df = read_csv_auto(path, **kwargs)
    return [{str(k).strip(): _clean(v) for k, v in row.items()} for row in df.to_dict("records")]
