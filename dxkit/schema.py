"""スキーマ（``datasets/<name>.schema.json``）で表を検証します。

手順は 3 つです。

1. 見出しの照合: 全角・半角や空白の違い、別名（2024 年版の列名 ``都道府県コード又は市区町村コード`` など）、
   書き換えの規則（``85歳の男性以上`` → ``85歳以上の男性``）を使って、ファイルの列をスキーマの列に対応させます。
2. 型の変換（dxkit）: 「1,234」「△5」「令和6年4月1日」のような書き方を数や日付にします。欠測の記号
   （「-」「X」など）は欠測として数えます。読めない値は、その値ごとに 1 件のメッセージにします。
3. 値の検査（pandera、lazy=True）: 必須・最小・最大・値の候補・書式・重複・合計の整合を一度に調べ、
   pandera の結果を、ファイルの行番号つきの日本語のメッセージにします。

pandera で書けないものは 2 つだけで、ここに小さく残しています: 文字列から値への変換（pandera の型変換は
「1,234」「R6.4.1」を読めず、メッセージも英語です）と、注記にとどめる合計の整合（``"level": "note"``）です。
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from dxkit.errors import DxkitError
from dxkit.japanese import normalize_text, parse_number, parse_wareki
from dxkit.missing import is_blank, missing_token, summarize_missing

__all__ = ["Where", "match_columns", "validate_frame"]

MAX_REPORTED = 10  # problems listed in one error message
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


class Where:
    """行の位置を、人が探せる言い方（ファイルの行番号、なければ index）にします。"""

    def __init__(self, index, lines=None, first_line: int | None = None):
        self.index = list(index)
        if lines is None and first_line is not None:
            lines = [first_line + (lb if isinstance(lb, (int, np.integer)) else pos)
                     for pos, lb in enumerate(self.index)]
        self.lines = None if lines is None else [int(x) for x in lines]

    def __call__(self, pos: int) -> str:
        if self.lines is None:
            return f"index {self.index[pos]} の行"
        return f"{self.lines[pos]} 行目"

    def many(self, positions: list[int], limit: int = 5) -> str:
        shown = "、".join(self(p) for p in positions[:limit])
        return shown + (f" ほか {len(positions) - limit} 行" if len(positions) > limit else "")


# ---------------------------------------------------------------- 1. headers

def header_names(spec: dict) -> dict[str, str]:
    """Every spelling a file may use (normalised) -> the schema's column name."""
    names = {}
    for col in _all_columns(spec):
        for name in [col["name"], *col.get("aliases", [])]:
            names[normalize_text(name)] = col["name"]
    return names


def rewrite_header(name: str, spec: dict) -> str:
    text = normalize_text(str(name))
    for pattern, repl in spec.get("header_rewrites", []):
        text = re.sub(pattern, repl, text)
    return text


def match_columns(df: pd.DataFrame, spec: dict, source: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Rename the file's columns to the schema's names; raise when a required column is missing."""
    known = header_names(spec)
    renames, notes = {}, []
    for col in df.columns:
        target = known.get(rewrite_header(col, spec))
        if target and target != col and target not in df.columns and target not in renames.values():
            renames[col] = target
            if normalize_text(str(col)) != normalize_text(target):
                notes.append(f"列「{col}」を「{target}」として読みました。")
    df = df.rename(columns=renames)
    missing = [c["name"] for c in spec["columns"] if c.get("required", True) and c["name"] not in df]
    if not missing:
        missing = [c["name"] for c in _active_columns(spec, df.columns) if c.get("required", True) and c["name"] not in df]
    if missing:
        where = f"（{source}）" if source else ""
        have = "、".join(map(str, list(df.columns)[:60]))
        raise DxkitError(
            f"データ「{spec.get('name', '')}」{where}に必要な列がありません: {'、'.join(missing)}。"
            f"見出しの行の列名を確かめてください。{spec.get('missing_hint', '')}今ある列: {have}")
    return df, notes


def _all_columns(spec: dict) -> list[dict]:
    return spec["columns"] + age_band_columns(spec)


def _active_columns(spec: dict, present) -> list[dict]:
    """Schema columns for this file: every listed column, plus the age bands up to the file's top band."""
    bands = age_band_columns(spec, top=top_band(spec, present))
    names = [c["name"] for c in spec["columns"]]
    at = names.index(spec["age_bands"]["after"]) + 1 if bands and spec["age_bands"].get("after") in names else len(names)
    return spec["columns"][:at] + bands + spec["columns"][at:]


# ---------------------------------------------------------------- age bands (地域・年齢別人口)

def age_band_columns(spec: dict, top: int | None = None) -> list[dict]:
    """5 歳階級の列の定義。``top`` を渡すと、その「N歳以上」までの列だけです（省くとありうる列すべて）。"""
    rule = spec.get("age_bands")
    if not rule:
        return []
    tops = rule["tops"] if top is None else [top]
    bands = [f"{a}-{a + 4}歳" for a in range(0, max(tops), 5)] + [f"{t}歳以上" for t in tops]
    if top is not None:
        bands = [b for b in bands if not b[0].isdigit() or _band_start(b) < top or b == f"{top}歳以上"]
    cols = [{"name": f"{b}の{s}", "dtype": "int", "min": 0, "required": top is not None, "nullable": True,
             "description": f"{b}の{s}の人数"} for b in bands for s in rule["sexes"]]
    unknown = [{"name": f"{rule['unknown']}の{s}", "dtype": "int", "min": 0, "required": False,
                "aliases": [f"{alias}の{s}" for alias in rule.get("unknown_aliases", [])],
                "description": f"年齢が分からない{s}の人数"} for s in rule["sexes"]] if rule.get("unknown") else []
    return cols + unknown


def _band_start(band: str) -> int:
    return int(re.match(r"\d+", band).group())


def top_band(spec: dict, present) -> int | None:
    """ファイルの最後の（上が開いた）年齢階級の下限（85 や 100）。見つからない・2 つあるときはエラーです。"""
    rule = spec.get("age_bands")
    if not rule:
        return None
    present = set(present)
    tops = [t for t in rule["tops"] if any(f"{t}歳以上の{s}" in present for s in rule["sexes"])]
    if len(tops) != 1:
        have = "、".join(f"{t}歳以上" for t in tops) or "なし"
        raise DxkitError(
            f"データ「{spec['name']}」の年齢階級の最後の列（{'・'.join(f'{t}歳以上' for t in rule['tops'])} の"
            f"どれか 1 つ、例:「{rule['tops'][-1]}歳以上の{rule['sexes'][0]}」）が 1 つに決まりません（見つかった列: {have}）。")
    return tops[0]


def age_bands_of(df: pd.DataFrame) -> list[str]:
    """DataFrame にある年齢階級（"0-4歳" … "85歳以上" など）を、若い順に返します。"""
    bands = []
    for col in df.columns:
        m = re.fullmatch(r"(\d+-\d+歳|\d+歳以上)の男性", str(col))
        if m:
            bands.append(m.group(1))
    return sorted(bands, key=_band_start)


# ---------------------------------------------------------------- 2. conversion

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
    text = normalize_text(str(value))
    fmt = spec.get("format", "iso")
    if fmt == "any" and re.fullmatch(r"\d{5}(\.0+)?", text) and 20000 <= float(text) <= 80000:
        return _EXCEL_EPOCH + _dt.timedelta(days=int(float(text)))  # an Excel date serial (45016 = 2023-03-31)
    if fmt == "iso":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise DxkitError(f"値「{text}」は「2024-04-01」の形の日付ではありません。")
        return parse_wareki(text)
    if fmt in ("wareki", "wareki_month", "any"):
        return parse_wareki(text, default_day=1 if fmt == "wareki_month" else None)
    try:
        return _dt.datetime.strptime(text, fmt).date()
    except ValueError:
        raise DxkitError(f"値「{text}」は日付の形（{fmt}）になっていません。") from None


_CONVERTERS = {"int": _to_int, "float": _to_float, "str": _to_str, "category": _to_category, "date": _to_date}
_COUNTED = {"int", "float", "date"}  # columns where missing-value tokens mean "missing"


def _convert_column(series: pd.Series, col: dict, where: Where, missing: dict):
    convert = _CONVERTERS[col["dtype"]]
    values, problems, failed = [], [], []
    for pos, value in enumerate(series.tolist()):
        token = missing_token(value) if col["dtype"] in _COUNTED else ("" if is_blank(value) else None)
        if token is not None:
            values.append(None)
            if _may_be_blank(col):
                if col["dtype"] in _COUNTED:
                    missing.setdefault((col["name"], token), []).append(pos)
            elif token != "":
                problems.append((pos, f"{where(pos)}、列「{col['name']}」: 「{token}」（欠測）になっていますが、"
                                      "必ず入れる列です。"))
                failed.append(pos)
            continue
        try:
            values.append(convert(value, col))
        except DxkitError as exc:
            values.append(None)
            problems.append((pos, f"{where(pos)}、列「{col['name']}」: {exc}"))
            failed.append(pos)
    return _to_series(values, col), problems, failed


def _may_be_blank(col: dict) -> bool:
    """``required`` is about the column and its values; ``nullable`` lets a required column have blank cells."""
    return not col.get("required", True) or col.get("nullable", False)


def _to_series(values: list, col: dict) -> pd.Series:
    dtype, name = col["dtype"], col["name"]
    if dtype == "int":
        return pd.Series(values, name=name, dtype="Int64" if any(v is None for v in values) else "int64")
    if dtype == "float":
        return pd.Series([np.nan if v is None else v for v in values], name=name, dtype="float64")
    if dtype == "date":
        return pd.Series(pd.to_datetime(values), name=name).astype("datetime64[ns]")
    return pd.Series(values, name=name, dtype="str")  # category: cast after the checks, so unknown values show


# ---------------------------------------------------------------- 3. checks with pandera

def _bound(value, col):
    return pd.Timestamp(value) if col["dtype"] == "date" else value


def _pandera_schema(spec: dict, columns: list[dict]):
    import pandera.pandas as pa

    fields = {}
    for col in columns:
        checks = []
        if "min" in col:
            checks.append(pa.Check.ge(_bound(col["min"], col)))
        if "max" in col:
            checks.append(pa.Check.le(_bound(col["max"], col)))
        if "allowed" in col:
            checks.append(pa.Check.isin(col["allowed"]))
        if "pattern" in col:
            checks.append(pa.Check.str_matches(f"^(?:{col['pattern']})$"))
        fields[col["name"]] = pa.Column(checks=checks, nullable=_may_be_blank(col), required=False)
    frame_checks = []
    for i, key in enumerate(_unique_keys(spec, columns)):
        frame_checks.append(pa.Check(lambda d, key=key: ~(d.duplicated(key, keep=False) & d[key].notna().all(axis=1)),
                                     name=f"unique:{i}"))
    for i, rule in enumerate(_totals(spec, columns, level="error")):
        frame_checks.append(pa.Check(lambda d, r=rule: _totals_ok(d, r), name=f"totals:{i}"))
    for i, (small, large) in enumerate(spec.get("not_greater", [])):
        frame_checks.append(pa.Check(lambda d, s=small, g=large: ~(d[s] > d[g]).fillna(False).astype(bool),
                                     name=f"not_greater:{i}"))
    return pa.DataFrameSchema(fields, checks=frame_checks)


def _unique_keys(spec: dict, columns: list[dict]) -> list[list[str]]:
    keys = spec.get("unique", [])
    keys = [keys] if keys and isinstance(keys[0], str) else list(keys)
    keys += [[c["name"]] for c in columns if c.get("unique")]
    names = {c["name"] for c in columns}
    return [k for k in keys if k and set(k) <= names]


def _totals(spec: dict, columns: list[dict], level: str) -> list[dict]:
    names = {c["name"] for c in columns}
    rules = list(spec.get("totals", []))
    rule = spec.get("age_bands")
    if rule:
        bands = [c["name"] for c in columns if re.fullmatch(r"(\d+-\d+歳|\d+歳以上)の.+", c["name"])]
        for sex in rule["sexes"]:
            parts = [b for b in bands if b.endswith(f"の{sex}")] + [f"{rule.get('unknown')}の{sex}"]
            rules.append({"total": sex, "parts": parts, "label": f"年齢階級別の{sex}", "level": "note",
                          "optional_parts": [f"{rule.get('unknown')}の{sex}"]})
    return [dict(r, parts=[p for p in r["parts"] if p in names]) for r in rules
            if r.get("level", "error") == level and r["total"] in names]


def _parts_sum(df: pd.DataFrame, rule: dict) -> pd.Series:
    optional = set(rule.get("optional_parts", []))
    needed = [p for p in rule["parts"] if p not in optional]
    total = df[needed].sum(axis=1, min_count=len(needed)).astype("Float64")
    for p in rule["parts"]:
        if p in optional:
            total = total + df[p].fillna(0)
    return total


def _totals_ok(df: pd.DataFrame, rule: dict) -> pd.Series:
    parts = _parts_sum(df, rule)
    bad = df[rule["total"]].notna() & parts.notna() & (df[rule["total"]].astype("Float64") != parts)
    return ~bad.fillna(False).astype(bool)


def _show(value) -> str:
    if isinstance(value, (pd.Timestamp, _dt.date)):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_messages(df: pd.DataFrame, spec: dict, columns: list[dict], where: Where,
                    failed: set[tuple[str, int]]) -> list[tuple[int, str]]:
    import pandera.pandas as pa

    schema = _pandera_schema(spec, columns)
    try:
        schema.validate(df, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    by_name = {c["name"]: c for c in columns}
    problems, done = [], set()
    for row in cases.itertuples(index=False):
        check, column, pos = _CHECK_NAMES.get(str(row.check).split("(")[0], str(row.check)), row.column, row.index
        if pos is None or (isinstance(pos, float) and pos != pos):
            continue
        pos = int(pos)
        if check.startswith(("unique:", "totals:", "not_greater:")):
            if (check, pos) not in done:
                done.add((check, pos))
                problems += _frame_message(df, spec, columns, check, pos, where, done)
            continue
        if (column, pos) in failed:
            continue  # already reported once, when the value could not be read
        col, value = by_name[column], _show(df.at[pos, column])
        if check == "not_nullable":
            text = "が空欄です（必ず入れる列です）。"
        elif check == "min":
            text = f": 値「{value}」は {_show(col['min'])} 以上である必要があります。"
        elif check == "max":
            text = f": 値「{value}」は {_show(col['max'])} 以下である必要があります。"
        elif check == "allowed":
            text = f": 値「{value}」は使えません。使える値: {'、'.join(map(str, col['allowed']))}"
        elif check == "pattern":
            text = f": 値「{value}」の書き方が違います（{col.get('pattern_hint', '正規表現 ' + col['pattern'])}）。"
        else:
            text = f": 値「{value}」が検査（{check}）に通りません。"
        problems.append((pos, f"{where(pos)}、列「{column}」{text}"))
    return problems


_CHECK_NAMES = {"greater_than_or_equal_to": "min", "less_than_or_equal_to": "max", "isin": "allowed",
                "str_matches": "pattern"}


def _frame_message(df, spec, columns, check, pos, where, done) -> list[tuple[int, str]]:
    kind, i = check.split(":")
    i = int(i)
    if kind == "unique":
        key = _unique_keys(spec, columns)[i]
        values = tuple(df.loc[pos, key])
        same = df.index[(df[key] == pd.Series(values, index=key)).all(axis=1)].tolist()
        done.update((check, p) for p in same)
        shown = "、".join(f"{k}={_show(v)}" for k, v in zip(key, values))
        what = f"{'・'.join(key)} の組み合わせ（{shown}）" if len(key) > 1 else f"列「{key[0]}」の値「{_show(values[0])}」"
        return [(same[0], f"{where.many(same, 20)}: {what}が重複しています。1 行に 1 つにしてください。")]
    if kind == "totals":
        rule = _totals(spec, columns, level="error")[i]
        parts = _parts_sum(df, rule)
        return [(pos, f"{where(pos)}、列「{rule['total']}」: 値 {_show(df.at[pos, rule['total']])} が、"
                      f"{rule.get('label', '内訳の列')}の合計 {_show(parts[pos])} と合いません。")]
    small, large = spec["not_greater"][i]
    return [(pos, f"{where(pos)}、列「{small}」: 値 {_show(df.at[pos, small])} が「{large}」"
                  f"（{_show(df.at[pos, large])}）より大きくなっています。")]


def _total_notes(df: pd.DataFrame, spec: dict, columns: list[dict], where: Where) -> list[str]:
    notes = []
    for rule in _totals(spec, columns, level="note"):
        bad = [int(p) for p in np.flatnonzero(~_totals_ok(df, rule).to_numpy())]
        if bad:
            notes.append(f"{len(bad)} 行（{where.many(bad)}）で、{rule['label']}の合計が列「{rule['total']}」と"
                         "合いません（そのまま読み込みました。ファイルの作り方を確かめてください）。")
    return notes


# ---------------------------------------------------------------- the whole validation

def validate_frame(df: pd.DataFrame, spec: dict, *, source: str | None = None, lines=None,
                   first_line: int | None = None) -> pd.DataFrame:
    """``df`` をスキーマ ``spec`` で検証し、型をそろえた新しい DataFrame を返します（注記は ``attrs["notes"]``）。"""
    where = Where(df.index, lines, first_line)
    df, notes = match_columns(df, spec, source)
    columns = _active_columns(spec, df.columns)
    top = top_band(spec, df.columns)
    if top is not None and top != spec["age_bands"]["tops"][-1]:
        notes.append(f"年齢階級は「{top}歳以上」までです。{top}歳以上の人は、この 1 つの階級（最後の階級）にまとめて扱います。")
    out, problems, failed, missing = {}, [], set(), {}
    for col in columns:
        if col["name"] not in df.columns:
            if _is_band(col, spec):
                continue  # age bands the file does not have stay absent
            out[col["name"]] = _to_series([None] * len(df), col)
            continue
        out[col["name"]], found, bad = _convert_column(df[col["name"]], col, where, missing)
        if col["dtype"] == "date" and col.get("format") == "any":
            notes += _serial_note(df[col["name"]], col)
        problems += found
        failed.update((col["name"], p) for p in bad)
    result = pd.DataFrame(out)
    for extra in [c for c in df.columns if c not in out]:
        result[extra] = df[extra].to_numpy()
    present = [c for c in columns if c["name"] in result.columns]
    problems += _check_messages(result, spec, present, where, failed)
    if problems:
        raise DxkitError(_report(spec, source, [text for _p, text in sorted(problems, key=lambda p: p[0])]))
    notes += summarize_missing(missing, where.many) + _total_notes(result, spec, present, where)
    for col in present:
        if col["dtype"] == "category":
            result[col["name"]] = pd.Categorical(result[col["name"]], categories=col.get("allowed"))
    result.index = df.index
    result.attrs.update(notes=notes)
    if where.lines is not None:
        result.attrs["lines"] = where.lines
    return result


def _serial_note(raw: pd.Series, col: dict) -> list[str]:
    serial = raw.astype(str).str.strip().str.fullmatch(r"\d{5}(\.0+)?")
    if not serial.any():
        return []
    first = raw[serial].iloc[0]
    return [f"列「{col['name']}」の {int(serial.sum())} 行は Excel の日付の通し番号（{first} など）だったので、"
            f"日付（{_to_date(first, col):%Y-%m-%d} など）に直しました。"]


def _is_band(col: dict, spec: dict) -> bool:
    return bool(spec.get("age_bands")) and bool(re.fullmatch(r"(\d+-\d+歳|\d+歳以上|.*不詳)の.+", col["name"]))


def _report(spec: dict, source: str | None, problems: list[str]) -> str:
    title = f"データ「{spec.get('name', '')}」" + (f"（{source}）" if source else "")
    lines = [f"{title}に問題が {len(problems)} 件あります。"]
    lines += [f"・{p}" for p in problems[:MAX_REPORTED]]
    if len(problems) > MAX_REPORTED:
        lines.append(f"・ほか {len(problems) - MAX_REPORTED} 件")
    return "\n".join(lines)
