"""データの読み込みと検証です（同梱データセット、CSV の文字コード判定、表記ゆれ、和暦）。

よく使う関数:

- ``load_dataset(name)``: 同梱のデータセット（または ``DXKIT_DATA_DIR`` の自治体のデータ）を読み込み、
  スキーマ（``<name>.schema.json``）で検証して、型のそろった DataFrame を返します。
- ``dataset_path(name)``: データセットのファイル（またはフォルダ）の場所を返します。
- ``read_csv_auto(path)``: CP932（Shift_JIS）/ UTF-8 / BOM つき UTF-8 を見分けて CSV を読みます。
- ``validate(df, schema)``: 自分で作った DataFrame をスキーマで検証し、型をそろえた写しを返します。
- ``normalize_text`` / ``normalize_series``: 全角・半角や空白の表記ゆれをそろえます。
- ``parse_number`` / ``to_number_series``: 「１，２３４」のような数字の文字列を数値にします。
- ``parse_wareki`` / ``parse_wareki_series``: 「令和6年4月1日」「R6.4.1」などを日付にします。
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import re
import warnings
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd

from dxkit.errors import DxkitError
from dxkit.japanese import normalize_text, parse_number, parse_wareki, to_wareki

__all__ = [
    "available_datasets", "dataset_path", "detect_encoding", "is_blank", "load_dataset", "load_schema",
    "normalize_series", "normalize_text", "parse_number", "parse_wareki", "parse_wareki_series",
    "read_csv_auto", "schema_table", "to_number_series", "to_wareki", "validate",
]

ENV_DATA_DIR = "DXKIT_DATA_DIR"
MAX_REPORTED = 10  # problems listed in one error message
_FALLBACK_WARNED: set[str] = set()


# ---------------------------------------------------------------- locating files

def bundled_dir() -> Path:
    """dxkit に同梱されたデータセットのフォルダ（パッケージ ``dxkit.datasets``）を返します。"""
    return Path(str(files("dxkit.datasets")))


def _town_dir() -> Path | None:
    value = os.environ.get(ENV_DATA_DIR, "").strip()
    return Path(value).expanduser() if value else None


def available_datasets() -> list[str]:
    """使えるデータセット名（スキーマのあるもの）と、同梱のフォルダ名の一覧を返します。"""
    root = bundled_dir()
    names = {p.name.removesuffix(".schema.json") for p in root.glob("*.schema.json")}
    names |= {p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    return sorted(names)


def load_schema(name: str) -> dict:
    """データセット ``name`` のスキーマ（``datasets/<name>.schema.json`` の中身）を dict で返します。"""
    path = bundled_dir() / f"{name}.schema.json"
    if not path.is_file() and (bundled_dir() / name).is_dir():
        raise DxkitError(f"「{name}」は表のデータセットではなく、ファイルを集めたフォルダです。"
                         f"dataset_path(\"{name}\") で場所を取り出して使ってください。")
    if not path.is_file():
        raise DxkitError(f"データセット「{name}」はありません。使える名前: {'、'.join(available_datasets())}")
    return json.loads(path.read_text(encoding="utf-8"))


def dataset_path(name: str) -> Path:
    """データセットのファイル（またはフォルダ）の場所を返します。

    スキーマのあるデータセットは、環境変数 ``DXKIT_DATA_DIR`` が設定されていればそのフォルダの中の
    同じ名前のファイルを指します（そこになければ、注意を表示して同梱の架空データを使います）。
    スキーマのないもの（講座で使う Excel 様式のフォルダなど）は、``DXKIT_DATA_DIR`` に同じ名前の
    ものがあればそれを、なければ同梱のものを返します。
    """
    if (bundled_dir() / f"{name}.schema.json").is_file():
        return _schema_file(name, load_schema(name))
    town = _town_dir()
    for root in ([town] if town else []) + [bundled_dir()]:
        if (root / name).exists():
            return root / name
    raise DxkitError(f"データセット「{name}」はありません。使える名前: {'、'.join(available_datasets())}")


def _schema_file(name: str, schema: dict) -> Path:
    town = _town_dir()
    if town is None:
        return bundled_dir() / schema["file"]
    path = town / schema["file"]
    if not path.is_file():
        # A town replaces only the files it has; the rest stay the bundled samples.
        if name not in _FALLBACK_WARNED:
            _FALLBACK_WARNED.add(name)
            warnings.warn(
                f"環境変数 {ENV_DATA_DIR} のフォルダ（{town}）に「{schema['file']}」がないため、"
                f"同梱の架空データを使います。自分の自治体のデータを使うときは、このフォルダに同じ名前で置いてください。",
                stacklevel=3,
            )
        return bundled_dir() / schema["file"]
    return path


# ---------------------------------------------------------------- reading CSV

def detect_encoding(data: bytes) -> str:
    """CSV のバイト列の文字コードを判定し、``"utf-8-sig"`` / ``"utf-8"`` / ``"cp932"`` / ``"utf-16"`` を返します。

    どれでも読めないときは、読めない文字のある行を示す ``DxkitError`` を出します。
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    errors = []
    for encoding in ("utf-8", "cp932"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError as exc:
            errors.append(exc.start)
    line = data[: max(errors)].count(b"\n") + 1
    raise DxkitError(
        f"{line} 行目に、CP932（Shift_JIS）でも UTF-8 でも読めない文字があります。"
        "ファイルが壊れているか、別の文字コードです。Excel で開いて「CSV UTF-8（コンマ区切り）」"
        "形式で保存し直してから、もう一度読み込んでください。"
    )


def read_csv_auto(path, **kw) -> pd.DataFrame:
    """CSV を、文字コード（CP932 / UTF-8 / BOM つき UTF-8）を自動で判定して読み込みます。

    使った文字コードは ``df.attrs["encoding"]`` に入ります。``encoding=`` を指定すればそれを使います。
    そのほかの引数は ``pandas.read_csv`` にそのまま渡します。

    >>> df = read_csv_auto("人口.csv")          # doctest: +SKIP
    >>> df.attrs["encoding"]                     # doctest: +SKIP
    'cp932'
    """
    path = Path(path)
    if not path.is_file():
        raise DxkitError(f"ファイル {path} が見つかりません。ファイル名と場所（フォルダ）を確かめてください。")
    data = path.read_bytes()
    try:
        encoding = kw.pop("encoding", None) or detect_encoding(data)
    except DxkitError as exc:
        raise DxkitError(f"{path.name} を読めません。{exc}") from None
    try:
        df = pd.read_csv(io.BytesIO(data), encoding=encoding, **kw)
    except UnicodeDecodeError:
        raise DxkitError(f"{path.name} は文字コード {encoding} では読めません。encoding= を指定せずに試してください。") from None
    except pd.errors.ParserError as exc:
        raise DxkitError(f"{path.name} を CSV として読めません。{_parser_hint(str(exc))}") from None
    df.attrs["encoding"] = encoding
    df.attrs["source"] = str(path)
    return df


def _parser_hint(message: str) -> str:
    if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        return (f"{m[2]} 行目の項目の数（{m[3]}）が、見出しの項目の数（{m[1]}）と合いません。"
                "値の中にカンマ（,）があるなら、その値を \"\" で囲んでください。")
    return "区切り文字（カンマ）や引用符（\"）の使い方を確かめてください。"


# ---------------------------------------------------------------- loading datasets

def load_dataset(name: str) -> pd.DataFrame:
    """データセット ``name`` を読み込み、スキーマで検証して DataFrame を返します。

    - 日付の列は日付型（datetime64）、整数の列は整数型、区分の列は category 型になります。
    - 環境変数 ``DXKIT_DATA_DIR`` を設定すると、そのフォルダにある自治体のデータを読み、同じスキーマで検証します。
    - 検証に通らないときは、列名と行番号（ファイルで数えた行）を示す ``DxkitError`` を出します。

    >>> pop = load_dataset("population")       # doctest: +SKIP
    """
    schema = load_schema(name)
    path = _schema_file(name, schema)
    raw, first_line = _read_raw(path, schema)
    df = validate(raw, schema, source=path.name, first_line=first_line).reset_index(drop=True)
    df.attrs.update(dataset=name, source=str(path), encoding=raw.attrs.get("encoding"))
    return df


def _read_raw(path: Path, schema: dict) -> tuple[pd.DataFrame, int]:
    header = int(schema.get("header_row", 1))
    if schema.get("format", "csv") == "xlsx":
        return _drop_blank_rows(_read_xlsx(path, schema.get("sheet"), header)), header + 1
    df = read_csv_auto(path, dtype=str, keep_default_na=False, skiprows=header - 1,
                       skip_blank_lines=False)
    return _drop_blank_rows(df), header + 1


def _drop_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with nothing in them (trailing ",,,," lines); labels stay = row offsets."""
    blank = df.map(is_blank).all(axis=1)
    return df[~blank] if blank.any() else df


def _read_xlsx(path: Path, sheet: str | None, header: int) -> pd.DataFrame:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception:  # openpyxl raises several types for non-xlsx files
        raise DxkitError(f"{path.name} を Excel ファイル（.xlsx）として開けません。Excel で「.xlsx」形式で保存し直してください。") from None
    with book:
        if sheet is not None and sheet not in book.sheet_names:
            raise DxkitError(f"{path.name} にシート「{sheet}」がありません。あるシート: {'、'.join(book.sheet_names)}")
        rows = pd.read_excel(book, sheet_name=sheet or 0, header=None, dtype=object)
    df = rows.iloc[header:].reset_index(drop=True)
    df.columns = [str(c).strip() if not is_blank(c) else "" for c in rows.iloc[header - 1]]
    df = df.loc[:, [name != "" for name in df.columns]]  # unnamed columns: notes or formatting only
    df.attrs["encoding"] = "xlsx"
    return df


# ---------------------------------------------------------------- validation

def schema_table(schema) -> pd.DataFrame:
    """スキーマの列の定義を、データ辞書として読みやすい表にします。"""
    schema = load_schema(schema) if isinstance(schema, str) else schema
    rows = [{"列名": c["name"], "型": c["dtype"], "必須": c.get("required", True),
             "最小": c.get("min"), "最大": c.get("max"), "値の候補": "、".join(map(str, c.get("allowed", []))),
             "説明": c.get("description", "")} for c in schema["columns"]]
    return pd.DataFrame(rows)


def validate(df: pd.DataFrame, schema, *, source: str | None = None, first_line: int | None = None) -> pd.DataFrame:
    """DataFrame をスキーマで検証し、型をそろえた新しい DataFrame を返します（元の df は変えません）。

    ``schema`` はスキーマの dict か、データセット名（``"population"`` など）です。
    列の有無、型、必須（空欄がないこと）、最小・最大、値の候補、書式、重複してはいけないキー、合計の整合を確かめ、
    問題があれば全部（最大 10 件）を日本語で示す ``DxkitError`` を出します。
    ``first_line`` を渡すと、行をファイルの行番号（index が 0 の行を ``first_line`` 行目として、index を足した行）で
    示します。渡さなければ DataFrame の index で示します。
    """
    schema = load_schema(schema) if isinstance(schema, str) else schema
    where = _Where(first_line)
    df = _match_columns(df, schema, source)
    problems: list[tuple[int, str]] = []  # (row position, message), sorted by row for the report
    out = {}
    for spec in schema["columns"]:
        out[spec["name"]], found = _convert_column(df[spec["name"]], spec, where)
        problems += found
    extra = [c for c in df.columns if c not in out]
    result = pd.DataFrame(out, index=df.index)
    for col in extra:
        result[col] = df[col]
    keys = [schema.get("unique", [])] + [[c["name"]] for c in schema["columns"] if c.get("unique")]
    for key in keys:
        problems += _check_unique(result, key, where)
    problems += _check_totals(result, schema.get("totals", []), where)
    problems += _check_not_greater(result, schema.get("not_greater", []), where)
    if problems:
        raise DxkitError(_report(schema, source, [text for _pos, text in sorted(problems, key=lambda p: p[0])]))
    return result


class _Where:
    """Describes a row the way a person finds it: a file line number, or else the index label."""

    def __init__(self, first_line: int | None):
        self.first_line = first_line

    def __call__(self, pos: int, label) -> str:
        if self.first_line is None:
            return f"index {label} の行"
        offset = label if isinstance(label, (int, np.integer)) else pos  # file reads keep labels = row offsets
        return f"{self.first_line + offset} 行目"


def _report(schema: dict, source: str | None, problems: list[str]) -> str:
    title = f"データ「{schema.get('name', '')}」" + (f"（{source}）" if source else "")
    lines = [f"{title}に問題が {len(problems)} 件あります。"]
    lines += [f"・{p}" for p in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        lines.append(f"・ほか {len(problems) - MAX_REPORTED} 件")
    return "\n".join(lines)


def _match_columns(df: pd.DataFrame, schema: dict, source: str | None) -> pd.DataFrame:
    """Find every schema column, tolerating 全角/半角 and stray spaces in the header."""
    by_norm = {normalize_text(str(c)): c for c in df.columns}
    renames, missing = {}, []
    for spec in schema["columns"]:
        name = spec["name"]
        if name in df.columns:
            continue
        if normalize_text(name) in by_norm:
            renames[by_norm[normalize_text(name)]] = name
        elif spec.get("required", True):
            missing.append(name)
    if missing:
        where = f"（{source}）" if source else ""
        have = "、".join(map(str, df.columns[:60]))
        raise DxkitError(
            f"データ「{schema.get('name', '')}」{where}に必要な列がありません: {'、'.join(missing)}。"
            f"見出しの行の列名を確かめてください。今ある列: {have}"
        )
    df = df.rename(columns=renames)
    for spec in schema["columns"]:
        if spec["name"] not in df.columns:
            df = df.assign(**{spec["name"]: None})
    return df


def is_blank(value) -> bool:
    """None・NaN・NaT・pd.NA と、空白だけの文字列なら True を返します。"""
    if value is None or value is pd.NaT:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _convert_column(series: pd.Series, spec: dict, where: _Where) -> tuple[pd.Series, list[tuple[int, str]]]:
    convert = _CONVERTERS[spec["dtype"]]
    values, problems = [], []
    for pos, (label, value) in enumerate(series.items()):
        if is_blank(value):
            values.append(None)
            if spec.get("required", True):
                problems.append((pos, f"{where(pos, label)}、列「{spec['name']}」が空欄です（必ず入れる列です）。"))
            continue
        try:
            converted = convert(value, spec)
            _check_value(converted, spec)
        except DxkitError as exc:
            values.append(None)
            problems.append((pos, f"{where(pos, label)}、列「{spec['name']}」: {exc}"))
            continue
        values.append(converted)
    return _to_series(values, spec, series.index), problems


def _to_int(value, spec):
    number = value if isinstance(value, (int, float)) and not isinstance(value, bool) else parse_number(str(value))
    if isinstance(number, float) and not number.is_integer():
        raise DxkitError(f"値「{value}」は整数ではありません。")
    return int(number)


def _to_float(value, spec):
    if isinstance(value, bool):
        raise DxkitError(f"値「{value}」は数値ではありません。")
    return float(value if isinstance(value, (int, float)) else parse_number(str(value)))


def _to_str(value, spec):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _to_category(value, spec):
    return normalize_text(_to_str(value, spec))


def _to_date(value, spec):
    if isinstance(value, (_dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date()
    text = str(value).strip()
    fmt = spec.get("format", "iso")
    if fmt == "iso":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise DxkitError(f"値「{text}」は「2024-04-01」の形の日付ではありません。")
        return parse_wareki(text)
    if fmt in ("wareki", "wareki_month"):
        return parse_wareki(text, default_day=1 if fmt == "wareki_month" else None)
    try:
        return _dt.datetime.strptime(text, fmt).date()
    except ValueError:
        raise DxkitError(f"値「{text}」は日付の形（{fmt}）になっていません。") from None


_CONVERTERS = {"int": _to_int, "float": _to_float, "str": _to_str, "category": _to_category, "date": _to_date}
_TYPE_NAMES = {"int": "整数", "float": "数値", "str": "文字列", "category": "区分", "date": "日付"}


def _check_value(value, spec: dict) -> None:
    low, high = spec.get("min"), spec.get("max")
    if spec["dtype"] == "date":
        low = low and _dt.date.fromisoformat(low)
        high = high and _dt.date.fromisoformat(high)
    if low is not None and value < low:
        raise DxkitError(f"値「{value}」は {low} 以上である必要があります。")
    if high is not None and value > high:
        raise DxkitError(f"値「{value}」は {high} 以下である必要があります。")
    if "allowed" in spec and value not in spec["allowed"]:
        raise DxkitError(f"値「{value}」は使えません。使える値: {'、'.join(map(str, spec['allowed']))}")
    if "pattern" in spec and not re.fullmatch(spec["pattern"], str(value)):
        hint = spec.get("pattern_hint", f"正規表現 {spec['pattern']}")
        raise DxkitError(f"値「{value}」の書き方が違います（{hint}）。")


def _to_series(values: list, spec: dict, index) -> pd.Series:
    dtype, name = spec["dtype"], spec["name"]
    if dtype == "int":
        has_na = any(v is None for v in values)
        return pd.Series(values, index=index, name=name, dtype="Int64" if has_na else "int64")
    if dtype == "float":
        return pd.Series([float("nan") if v is None else v for v in values], index=index, name=name, dtype="float64")
    if dtype == "date":
        return pd.Series(pd.to_datetime(values), index=index, name=name).astype("datetime64[ns]")
    if dtype == "category":
        cats = spec.get("allowed")
        return pd.Series(pd.Categorical(values, categories=cats), index=index, name=name)
    return pd.Series(values, index=index, name=name, dtype="str")


def _check_unique(df: pd.DataFrame, key: list[str], where: _Where) -> list[tuple[int, str]]:
    if not key:
        return []
    dup = df.duplicated(subset=key, keep=False)
    problems = []
    for values, group in df[dup].groupby(key, sort=False, dropna=False):
        values = values if isinstance(values, tuple) else (values,)
        positions = [df.index.get_loc(lb) for lb in group.index]
        lines = "、".join(where(pos, lb) for pos, lb in zip(positions, group.index))
        shown = "、".join(f"{k}={_show(v)}" for k, v in zip(key, values))
        what = f"{'・'.join(key)} の組み合わせ（{shown}）" if len(key) > 1 else f"列「{key[0]}」の値「{_show(values[0])}」"
        problems.append((positions[0], f"{lines}: {what}が重複しています。1 行に 1 つにしてください。"))
    return problems


def _show(value) -> str:
    return f"{value:%Y-%m-%d}" if isinstance(value, pd.Timestamp) else str(value)


def _check_totals(df: pd.DataFrame, totals: list[dict], where: _Where) -> list[tuple[int, str]]:
    problems = []
    for rule in totals:
        parts = df[rule["parts"]].sum(axis=1, min_count=len(rule["parts"]))
        bad = df[rule["total"]].notna() & parts.notna() & (df[rule["total"]] != parts)
        for label in df.index[bad.fillna(False)]:
            pos = df.index.get_loc(label)
            problems.append((pos, f"{where(pos, label)}、列「{rule['total']}」: 値 {df.at[label, rule['total']]} が、"
                                  f"{rule.get('label', '内訳の列')}の合計 {parts[label]} と合いません。"))
    return problems


def _check_not_greater(df: pd.DataFrame, rules: list[list[str]], where: _Where) -> list[tuple[int, str]]:
    problems = []
    for small, large in rules:
        bad = (df[small] > df[large]).fillna(False)
        for label in df.index[bad]:
            pos = df.index.get_loc(label)
            problems.append((pos, f"{where(pos, label)}、列「{small}」: 値 {df.at[label, small]} が「{large}」"
                                  f"（{df.at[label, large]}）より大きくなっています。"))
    return problems


# ---------------------------------------------------------------- Series helpers

def normalize_series(series: pd.Series) -> pd.Series:
    """列（Series）の文字列すべてに ``normalize_text`` をかけた新しい Series を返します（欠損値はそのまま）。"""
    return series.map(normalize_text, na_action="ignore")


def to_number_series(series: pd.Series, errors: str = "raise") -> pd.Series:
    """「１，２３４」「△5」のような数字の文字列の列を数値（float）の列にします。

    読めない値があるとき、``errors="raise"``（既定）なら読めなかった行をまとめて示す ``DxkitError`` を出し、
    ``errors="coerce"`` なら NaN にして、理由を ``result.attrs["errors"]``（index → メッセージ）に入れます。
    """
    return _map_reporting(series, parse_number, errors, "数値", float("nan"), "float64")


def parse_wareki_series(series: pd.Series, *, default_day: int | None = None, errors: str = "raise") -> pd.Series:
    """和暦・西暦の日付の文字列の列を、日付型（datetime64）の列にします。

    最初の 1 件で止まらず、全部の行を調べます。読めない値があるとき、``errors="raise"``（既定）なら
    読めなかった行をまとめて示す ``DxkitError`` を出し、``errors="coerce"`` なら NaT にして、
    理由を ``result.attrs["errors"]``（index → メッセージ）に入れます。
    """
    def parse(value):
        return pd.Timestamp(parse_wareki(value, default_day=default_day))

    return _map_reporting(series, parse, errors, "日付", pd.NaT, "datetime64[ns]")


def _map_reporting(series: pd.Series, func, errors: str, what: str, missing, dtype) -> pd.Series:
    if errors not in ("raise", "coerce"):
        raise DxkitError('errors には "raise" か "coerce" を指定してください。')
    values, failed = [], {}
    for label, value in series.items():
        if is_blank(value):
            values.append(missing)
            continue
        try:
            values.append(func(value))
        except DxkitError as exc:
            values.append(missing)
            failed[label] = str(exc)
    if failed and errors == "raise":
        lines = [f"{len(failed)} 行の値を{what}として読めませんでした。"]
        lines += [f"・index {k}: {v}" for k, v in list(failed.items())[:MAX_REPORTED]]
        if len(failed) > MAX_REPORTED:
            lines.append(f"・ほか {len(failed) - MAX_REPORTED} 件")
        raise DxkitError("\n".join(lines))
    result = pd.Series(values, index=series.index, name=series.name).astype(dtype)
    result.attrs["errors"] = failed
    return result
