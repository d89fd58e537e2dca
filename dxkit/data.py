"""データの読み込みと検証です（同梱データセット、自治体のデータ、CSV の文字コード判定、表記ゆれ、和暦）。

よく使う関数:

- ``load_dataset(name)``: 同梱のデータセット（または ``DXKIT_DATA_DIR`` の自治体のデータ）を読み込み、
  スキーマ（``<name>.schema.json``）で検証して、型のそろった DataFrame を返します。
- ``dataset_path(name)``: データセットのファイル（またはフォルダ）の場所を返します。
- ``read_csv_auto(path)``: CP932（Shift_JIS）/ UTF-8 / BOM つき UTF-8 を見分けて CSV を読みます。
- ``validate(df, schema)``: 自分で作った DataFrame をスキーマで検証し、型をそろえた写しを返します。
- ``age_bands(df)``・``match_district(住所, 地区名)``: 年齢階級の一覧、住所から地区を決める関数です。
- ``normalize_text`` / ``normalize_series``: 全角・半角や空白の表記ゆれをそろえます。
- ``parse_number`` / ``to_number_series``: 「１，２３４」のような数字の文字列を数値にします。
- ``parse_wareki`` / ``parse_wareki_series``: 「令和6年4月1日」「R6.4.1」などを日付にします。

自治体のフォルダの扱い（どのファイルを使うか、最初の読み込みで出す表示）は ``dxkit.town`` にあります。
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd

from dxkit.errors import DxkitError
from dxkit.japanese import normalize_text, parse_number, parse_wareki, to_wareki
from dxkit.missing import is_blank, missing_token
from dxkit.schema import MAX_REPORTED, age_bands_of, header_names, rewrite_header, validate_frame

__all__ = [
    "age_bands", "available_datasets", "dataset_path", "detect_encoding", "is_blank", "load_dataset",
    "load_file", "load_schema", "match_district", "normalize_series", "normalize_text", "parse_number", "parse_wareki",
    "parse_wareki_series", "read_csv_auto", "read_table", "schema_table", "to_number_series", "to_wareki",
    "validate",
]

ENV_DATA_DIR = "DXKIT_DATA_DIR"


# ---------------------------------------------------------------- locating files

def bundled_dir() -> Path:
    """dxkit に同梱されたデータセットのフォルダ（パッケージ ``dxkit.datasets``）を返します。"""
    return Path(str(files("dxkit.datasets")))


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

    環境変数 ``DXKIT_DATA_DIR`` が設定されていれば、そのフォルダにある自治体のファイル（同じ名前、または
    ``131105_population.csv`` のような標準の名前）を指し、なければ同梱の見本を指します。どちらを使っているかは、
    最初の読み込みのときに表示します（``dxkit.town``）。フォルダがないときはエラーです。
    """
    from dxkit import town

    folder = town.town_dir()
    if (bundled_dir() / f"{name}.schema.json").is_file():
        schema = load_schema(name)
        found = town.find_file(folder, schema) if folder else None
        if folder:
            town.announce(folder)
        return found or bundled_dir() / schema["file"]
    for root in ([folder] if folder else []) + [bundled_dir()]:
        if (root / name).exists():
            return root / name
    raise DxkitError(f"データセット「{name}」はありません。使える名前: {'、'.join(available_datasets())}")


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


def _decode(path: Path, encoding: str | None = None) -> tuple[str, str]:
    if not path.is_file():
        raise DxkitError(f"ファイル {path} が見つかりません。ファイル名と場所（フォルダ）を確かめてください。")
    data = path.read_bytes()
    try:
        encoding = encoding or detect_encoding(data)
        return data.decode(encoding), encoding
    except DxkitError as exc:
        raise DxkitError(f"{path.name} を読めません。{exc}") from None
    except UnicodeDecodeError:
        raise DxkitError(f"{path.name} は文字コード {encoding} では読めません。encoding= を指定せずに試してください。") from None


def _records(text: str) -> list[tuple[int, list[str]]]:
    """CSV records with the file line each starts on (quoted cells may hold line breaks)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    out, line = [], 1
    for record in reader:
        out.append((line, record))
        line = reader.line_num + 1
    return out


def read_csv_auto(path, **kw) -> pd.DataFrame:
    """CSV を、文字コード（CP932 / UTF-8 / BOM つき UTF-8）を自動で判定して読み込みます。

    使った文字コードは ``df.attrs["encoding"]`` に入ります。``encoding=`` を指定すればそれを使います。
    そのほかの引数は ``pandas.read_csv`` にそのまま渡します。各行のファイルでの行番号は ``df.attrs["lines"]``
    （index → 行番号）に入り、``to_number_series`` などのエラーはこの行番号で示します。

    >>> df = read_csv_auto("人口.csv")          # doctest: +SKIP
    >>> df.attrs["encoding"]                     # doctest: +SKIP
    'cp932'
    """
    path = Path(path)
    text, encoding = _decode(path, kw.pop("encoding", None))
    try:
        df = pd.read_csv(io.StringIO(text), **kw)
    except pd.errors.ParserError as exc:
        raise DxkitError(f"{path.name} を CSV として読めません。{_parser_hint(str(exc))}") from None
    df.attrs["encoding"] = encoding
    df.attrs["source"] = str(path)
    if not {"skiprows", "header", "nrows", "skipfooter", "index_col", "comment"} & set(kw):
        lines = [n for n, rec in _records(text)[1:] if rec]  # pandas skips only empty lines
        if len(lines) == len(df):
            df.attrs["lines"] = lines
    return df


def _parser_hint(message: str) -> str:
    if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message):
        return (f"{m[2]} 行目の項目の数（{m[3]}）が、見出しの項目の数（{m[1]}）と合いません。"
                "値の中にカンマ（,）があるなら、その値を \"\" で囲んでください。")
    return "区切り文字（カンマ）や引用符（\"）の使い方を確かめてください。"


# ---------------------------------------------------------------- reading a dataset file

def read_table(path, schema) -> pd.DataFrame:
    """データセットのファイル（CSV か Excel）を、すべて文字列のまま読み込みます（検証の前の段階）。

    見出しの行は、スキーマの列名（と別名）がいちばん多く並ぶ行を探して決めます（上にタイトル行があってもかまいません）。
    ``#`` で始まる行（LinkData のメタデータ）と、空の行は読み飛ばします。
    ``attrs["lines"]`` に各行のファイルでの行番号（Excel なら Excel の行番号）、``attrs["notes"]`` に注記が入ります。
    """
    schema = load_schema(schema) if isinstance(schema, str) else schema
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") or schema.get("format") == "xlsx" and path.suffix.lower() != ".csv":
        records, encoding = _xlsx_records(path, schema.get("sheet")), "xlsx"
    else:
        text, encoding = _decode(path)
        records = _records(text)
    comments = [n for n, rec in records if rec and str(rec[0]).lstrip().startswith("#")]
    records = [(n, rec) for n, rec in records if not (rec and str(rec[0]).lstrip().startswith("#"))]
    head = _header_index(records, schema, path)
    header_line, header = records[head][0], [str(c).strip() for c in records[head][1]]
    rows, lines = [], []
    for n, rec in records[head + 1:]:
        cells = ["" if c is None else c for c in rec]
        if not any(str(c).strip() for c in cells):
            continue
        if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header):]):
            raise DxkitError(f"{path.name} を読めません。{n} 行目の項目の数（{len(cells)}）が、見出しの項目の数"
                             f"（{len(header)}）と合いません。値の中にカンマ（,）があるなら、その値を \"\" で囲んでください。")
        rows.append((cells + [""] * len(header))[: len(header)])
        lines.append(n)
    df = pd.DataFrame(rows, columns=header, dtype=object)
    df = df.loc[:, [name != "" or df.iloc[:, i].map(lambda v: str(v).strip() != "").any()
                    for i, name in enumerate(df.columns)]]  # unnamed, empty columns: layout only
    notes = []
    if comments:
        notes.append(f"「#」で始まる {len(comments)} 行（メタデータ）を読み飛ばしました。")
    if header_line > 1 + len(comments):
        notes.append(f"見出しは {header_line} 行目にありました（その上の行はタイトルなどとして読み飛ばしました）。")
    df.attrs.update(encoding=encoding, source=str(path), lines=lines, notes=notes)
    return df


def _xlsx_records(path: Path, sheet: str | None) -> list[tuple[int, list]]:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception:  # openpyxl raises several types for non-xlsx files
        raise DxkitError(f"{path.name} を Excel ファイル（.xlsx）として開けません。Excel で「.xlsx」形式で保存し直してください。") from None
    with book:
        if sheet is not None and sheet not in book.sheet_names:
            raise DxkitError(f"{path.name} にシート「{sheet}」がありません。あるシート: {'、'.join(book.sheet_names)}")
        rows = pd.read_excel(book, sheet_name=sheet or 0, header=None, dtype=object)
    return [(i + 1, [None if is_blank(v) else v for v in row]) for i, row in enumerate(rows.itertuples(index=False))]


def _header_index(records, schema: dict, path: Path) -> int:
    known = header_names(schema)
    best, best_score = None, 0
    for i, (_n, rec) in enumerate(records[:30]):
        score = sum(rewrite_header(c, schema) in known for c in rec if not is_blank(c))
        if score > best_score:
            best, best_score = i, score
    if best is None:
        names = "、".join(c["name"] for c in schema["columns"][:6])
        raise DxkitError(f"{path.name} に、データ「{schema['name']}」の見出しの行（{names} … の列名が並ぶ行）が見つかりません。"
                         "ファイルの種類と見出しを確かめてください。")
    return best


# ---------------------------------------------------------------- loading datasets

def load_dataset(name: str, *, totals: bool = False) -> pd.DataFrame:
    """データセット ``name`` を読み込み、スキーマで検証して DataFrame を返します。

    - 日付の列は日付型（datetime64）、整数の列は整数型、区分の列は category 型になります。
    - 環境変数 ``DXKIT_DATA_DIR`` を設定すると、そのフォルダにある自治体のデータを読み、同じスキーマで検証します。
    - 検証に通らないときは、列名と行番号（ファイルで数えた行）を示す ``DxkitError`` を出します。
    - 「-」「X」などの欠測の書き方や、読み替えた列名は、``df.attrs["notes"]`` に注記として残ります。
    - 市全体の合計の行（地域名が空欄・「市全体」など）は地区の行と分けます。地区の行だけを返すので、
      合計するときに二重に数えることはありません。合計の行は ``load_dataset(name, totals=True)`` で取り出せます。

    >>> pop = load_dataset("population")       # doctest: +SKIP
    """
    return load_file(dataset_path(name), name, totals=totals)


def load_file(path, name: str, *, totals: bool = False) -> pd.DataFrame:
    """ファイル ``path`` を、データセット ``name`` のスキーマで読み込んで検証します（``load_dataset`` の中身）。"""
    schema = load_schema(name)
    path = Path(path)
    raw = read_table(path, schema)
    df = validate_frame(raw, schema, source=path.name, lines=raw.attrs["lines"])
    notes = raw.attrs["notes"] + df.attrs["notes"]
    df, total_rows, more = split_total_rows(df, schema.get("total_row"), df.attrs.get("lines"))
    out = (total_rows if totals else df).reset_index(drop=True)
    out.attrs.update(dataset=name, source=str(path), encoding=raw.attrs["encoding"], notes=notes + more,
                     total_rows=len(total_rows))
    return out


def split_total_rows(df: pd.DataFrame, rule: dict | None, lines=None):
    """市区町村全体の合計の行を地区の行から分け、(地区の行, 合計の行, 注記) を返します。

    合計の行とみなすのは、地域名が「市全体」「合計」などの行と、地域コードが空欄か 0 だけで地域名が空欄か市区町村名と
    同じ行のうち、同じ調査日に地区の行もあるものです。地区の行がない（市全体の 1 行だけの）ファイルでは、その行をデータとして残します。
    """
    empty = df.iloc[0:0]
    if not rule or df.empty:
        return df, empty, []
    code = df[rule["code"]] if rule["code"] in df else pd.Series(pd.NA, index=df.index)
    name = df[rule["name"]] if rule["name"] in df else pd.Series(pd.NA, index=df.index)
    town = df[rule["town"]] if rule["town"] in df else pd.Series(pd.NA, index=df.index)
    code_total = code.isna() | code.astype("str").str.fullmatch(r"0+").fillna(False).astype(bool)
    named_total = name.isin(rule["names"]).fillna(False).astype(bool)  # 「市全体」「合計」… whatever the code
    unnamed = (name.isna() | (name == town).fillna(False)).astype(bool)
    is_total = ((code_total & unnamed) | named_total).astype(bool)
    has_districts = (~is_total).groupby(df[rule["date"]]).transform("any") if rule["date"] in df else ~is_total.all()
    is_total &= has_districts.astype(bool)
    notes = []
    lone = code_total & name.isna() & ~is_total
    if lone.any():
        df = df.copy()
        df.loc[lone, rule["name"]] = town[lone].fillna("全体")
        notes.append(f"地区の分かれていない行（{int(lone.sum())} 行）は、市区町村全体の値として地域名に市区町村名を入れました。")
    if is_total.any():
        notes += _total_mismatch(df, is_total, rule, lines)
        rows = [int(i) for i in is_total.to_numpy().nonzero()[0]]
        shown = "、".join(f"{lines[i]} 行目" if lines else f"index {df.index[i]}" for i in rows[:5])
        notes.append(f"{len(rows)} 行（{shown}{' など' if len(rows) > 5 else ''}）は市区町村全体の合計の行なので、"
                     "地区の行と分けました（合計するときに二重に数えません。totals=True で取り出せます）。")
    return df[~is_total], df[is_total], notes


def _total_mismatch(df: pd.DataFrame, is_total: pd.Series, rule: dict, lines) -> list[str]:
    """A note for each total row whose 総人口 differs from the sum of that day's district rows."""
    if rule.get("value") not in df or rule["date"] not in df:
        return []
    sums = df[~is_total].groupby(rule["date"])[rule["value"]].sum()
    notes = []
    for i in is_total.to_numpy().nonzero()[0]:
        day, value = df[rule["date"]].iloc[i], df[rule["value"]].iloc[i]
        if day in sums.index and value != sums[day]:
            where = f"{lines[i]} 行目" if lines else f"index {df.index[i]}"
            notes.append(f"{where}（合計の行）の{rule['value']} {value} が、同じ日の地区の行の合計 {sums[day]} と合いません。")
    return notes


# ---------------------------------------------------------------- validation

def schema_table(schema) -> pd.DataFrame:
    """スキーマの列の定義を、データ辞書として読みやすい表にします。"""
    schema = load_schema(schema) if isinstance(schema, str) else schema
    rows = [{"列名": c["name"], "型": c["dtype"], "必須": c.get("required", True),
             "最小": c.get("min"), "最大": c.get("max"), "値の候補": "、".join(map(str, c.get("allowed", []))),
             "別名": "、".join(c.get("aliases", [])), "説明": c.get("description", "")} for c in schema["columns"]]
    return pd.DataFrame(rows)


def validate(df: pd.DataFrame, schema, *, source: str | None = None, first_line: int | None = None) -> pd.DataFrame:
    """DataFrame をスキーマで検証し、型をそろえた新しい DataFrame を返します（元の df は変えません）。

    ``schema`` はスキーマの dict か、データセット名（``"population"`` など）です。
    列の有無、型、必須（空欄がないこと）、最小・最大、値の候補、書式、重複してはいけないキー、合計の整合を
    pandera でまとめて確かめ、問題があれば全部（最大 10 件）を日本語で示す ``DxkitError`` を出します。
    行は、``df.attrs["lines"]``（``read_csv_auto`` が入れるファイルの行番号）か、``first_line`` を渡したときは
    index が 0 の行を ``first_line`` 行目として数えた行番号で、どちらもなければ DataFrame の index で示します。
    """
    schema = load_schema(schema) if isinstance(schema, str) else schema
    lines = None
    if first_line is None and isinstance(df.attrs.get("lines"), list):
        table = df.attrs["lines"]
        if all(isinstance(lb, int) and 0 <= lb < len(table) for lb in df.index):
            lines = [table[lb] for lb in df.index]
    return validate_frame(df, schema, source=source, lines=lines, first_line=first_line)


def age_bands(df: pd.DataFrame) -> list[str]:
    """人口の表にある年齢階級（"0-4歳" … "100歳以上"、または "85歳以上" まで）を若い順に返します。

    自治体によって最後の階級が「85歳以上」のことも「100歳以上」のこともあるので、列名を書き並べずに
    この関数で取り出します。

    >>> age_bands(load_dataset("population"))[-1]     # doctest: +SKIP
    '100歳以上'
    """
    return age_bands_of(df)


_CHOME = re.compile(r"(\d+)丁目")
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def _district_key(text: str) -> str:
    text = normalize_text(str(text))
    text = re.sub(r"([一二三四五六七八九十]+)丁目", lambda m: _kanji_number(m.group(1)) + "丁目", text)
    return _CHOME.sub(r"\1-", text)  # 国府台1丁目 and 国府台1-7-5 share the key 国府台1-


def _kanji_number(text: str) -> str:
    if "十" not in text:
        return text.translate(_KANJI_DIGITS)
    tens, _, ones = text.partition("十")
    return str((int(tens.translate(_KANJI_DIGITS)) if tens else 1) * 10 + (int(ones.translate(_KANJI_DIGITS)) if ones else 0))


def match_district(addresses: pd.Series, districts) -> pd.Series:
    """住所の列から、それぞれの住所がどの地区（``districts`` の名前）にあるかを決めた列を返します。

    住所の中に地区名がいちばん長く一致するものを選びます（「桜台」と「桜台東」なら「桜台東」）。
    「国府台1丁目」と「国府台1-7-5」、「駒場一丁目」と「駒場1丁目」のような丁目の書き方の違いはそろえて照合します。
    どの地区にも当たらない住所は欠損値（<NA>）になります。
    """
    keys = sorted({(_district_key(d), d) for d in pd.Series(list(districts)).dropna().astype(str)},
                  key=lambda kd: -len(kd[0]))

    def find(address):
        if is_blank(address):
            return pd.NA
        text = _district_key(address) + "-"
        return next((d for key, d in keys if key and key in text), pd.NA)

    return pd.Series([find(a) for a in addresses], index=addresses.index, name="地域名", dtype="str")


# ---------------------------------------------------------------- Series helpers

def normalize_series(series: pd.Series) -> pd.Series:
    """列（Series）の文字列すべてに ``normalize_text`` をかけた新しい Series を返します（欠損値はそのまま）。"""
    return series.map(normalize_text, na_action="ignore")


def to_number_series(series: pd.Series, errors: str = "raise") -> pd.Series:
    """「１，２３４」「△5」のような数字の文字列の列を数値（float）の列にします。

    読めない値があるとき、``errors="raise"``（既定）なら読めなかった行をまとめて示す ``DxkitError`` を出し、
    ``errors="coerce"`` なら NaN にして、理由を ``result.attrs["errors"]``（index → メッセージ）に入れます。
    「-」「―」「…」「*」「X」「秘匿」（統計表の欠測の書き方）と空欄は、エラーにせず NaN にします。
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
        if is_blank(value) or missing_token(value) is not None:  # "-", "X", "秘匿" ... mean missing
            values.append(missing)
            continue
        try:
            values.append(func(value))
        except DxkitError as exc:
            values.append(missing)
            failed[label] = str(exc)
    if failed and errors == "raise":
        lines = [f"{len(failed)} 行の値を{what}として読めませんでした。"]
        lines += [f"・{_row_label(series, k)}: {v}" for k, v in list(failed.items())[:MAX_REPORTED]]
        if len(failed) > MAX_REPORTED:
            lines.append(f"・ほか {len(failed) - MAX_REPORTED} 件")
        raise DxkitError("\n".join(lines))
    result = pd.Series(values, index=series.index, name=series.name).astype(dtype)
    result.attrs["errors"] = failed
    return result


def _row_label(series: pd.Series, label) -> str:
    """The file line of a row read by read_csv_auto (attrs["lines"]), else its index label."""
    table = series.attrs.get("lines")
    if isinstance(table, list) and isinstance(label, int) and 0 <= label < len(table):
        return f"{table[label]} 行目"
    return f"index {label}"
