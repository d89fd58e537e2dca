"""公開されているファイルを、dxkit のデータセットの形（標準の列名）に書き直します（``dxkit data convert``）。

- 標準の形に近いファイル（2024 年版や推奨データセットの列名、タイトル行、「85歳以上」で終わる年齢階級など）は、
  スキーマで読み替えてから、標準の列名で書き出します。
- LinkData の ``population_statistics`` のような縦長の人口（1 行が 調査年 × 年齢）は、5 歳階級・男女別の
  横長の表に集計します。英語の列名（``year``・``min_age`` など）や ``#`` で始まるメタデータの行も読めます。

元のファイルは変えません。書き出したファイルは BOM つき UTF-8 の CSV です（Excel でもそのまま開けます）。
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dxkit.errors import DxkitError
from dxkit.japanese import normalize_text, parse_number

__all__ = ["convert_file", "long_population_to_wide"]

# LinkData population_statistics: the Japanese labels and the English property names seen in exports.
LONG_COLUMNS = {
    "調査年": ["year", "survey_year", "調査年度"],
    "調査年月日": ["date", "survey_date"],
    "標準地域コード": ["area_code", "standard_area_code", "全国地方公共団体コード", "市区町村コード"],
    "都道府県名": ["prefecture", "prefecture_name"],
    "市区町村名": ["city", "city_name", "municipality", "地方公共団体名"],
    "町丁字コード": ["town_code", "district_code", "地域コード"],
    "大字・町名": ["town", "town_name", "oaza"],
    "字・丁目名": ["chome", "aza", "chome_name"],
    "最少年齢": ["min_age", "age_min", "minimum_age", "最小年齢"],
    "最大年齢": ["max_age", "age_max", "maximum_age"],
    "人口": ["population", "total", "total_population"],
    "男性人口": ["male", "male_population", "men"],
    "女性人口": ["female", "female_population", "women"],
}
LONG_SCHEMA = {"name": "population_statistics", "columns": [
    {"name": k, "dtype": "str", "required": False, "aliases": v} for k, v in LONG_COLUMNS.items()]}


def convert_file(path, kind: str, out=None) -> tuple[Path, list[str]]:
    """ファイルを ``kind``（今は ``"population"``）の形に書き直し、(書き出したファイル, 注記) を返します。"""
    from dxkit.data import load_schema, read_table

    if kind != "population":
        raise DxkitError(f"--as に指定できるのは population だけです（指定された値: {kind}）。")
    path = Path(path)
    out = Path(out) if out else path.with_name(f"{path.stem}_dxkit.csv")
    if out.resolve() == path.resolve():
        raise DxkitError("書き出し先が元のファイルと同じです。元のファイルは上書きしません。別の名前を指定してください。")
    long = read_table(path, LONG_SCHEMA)
    names = _rename_long(long)
    if {"最少年齢", "人口"} <= set(names.columns):
        wide, notes = long_population_to_wide(names)
        notes = long.attrs["notes"] + notes
    else:
        wide, notes = _standard_copy(path, load_schema(kind))
    wide.to_csv(out, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    return out, notes


def _rename_long(df: pd.DataFrame) -> pd.DataFrame:
    lookup = {normalize_text(a).lower(): k for k, v in LONG_COLUMNS.items() for a in [k, *v]}
    return df.rename(columns={c: lookup[normalize_text(str(c)).lower()] for c in df.columns
                              if normalize_text(str(c)).lower() in lookup})


def _standard_copy(path: Path, schema: dict) -> tuple[pd.DataFrame, list[str]]:
    from dxkit.data import read_table
    from dxkit.schema import validate_frame

    raw = read_table(path, schema)
    df = validate_frame(raw, schema, source=path.name, lines=raw.attrs["lines"])
    df["調査年月日"] = df["調査年月日"].dt.strftime("%Y-%m-%d")
    return df, raw.attrs["notes"] + df.attrs["notes"]


def _age(value, what: str, line: int) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = parse_number(str(value))
    except DxkitError:
        number = None
    if number is None or number != int(number) or number < 0:
        raise DxkitError(f"{line} 行目、列「{what}」: 値「{value}」は年齢（0 以上の整数）ではありません。")
    return int(number)


def long_population_to_wide(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """縦長の人口（1 行が 調査年 × 年齢の範囲）を、5 歳階級・男女別の横長の表（標準の列名）にします。"""
    lines = df.attrs.get("lines") or list(range(2, len(df) + 2))
    when = "調査年月日" if "調査年月日" in df else "調査年"
    if when not in df:
        raise DxkitError("調査年（または調査年月日）の列がありません。縦長の人口の表には、いつの人口かを表す列が必要です。")
    area = [c for c in ("町丁字コード", "大字・町名", "字・丁目名") if c in df]
    rows, notes = [], []
    keys = [when, *area]
    df = df.assign(_line=lines).fillna("")
    for key, group in df.groupby(keys, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        rows.append(_wide_row(dict(zip(keys, key)), group, notes))
    wide = pd.DataFrame(rows)
    bands = [c for c in wide.columns if "歳" in c]
    wide[bands] = wide[bands].fillna(0).astype(int)
    if when == "調査年":
        notes.append("ファイルには調査年しかないため、調査年月日はその年の 1 月 1 日としました（備考に書いてあります）。")
    notes.append(f"縦長の人口 {len(df)} 行を、{len(wide)} 行（調査年・地区ごとに 1 行）の 5 歳階級・男女別の表にしました。")
    return wide, list(dict.fromkeys(notes))


def _wide_row(key: dict, group: pd.DataFrame, notes: list[str]) -> dict:
    first = group.iloc[0]
    spans = [(_age(r["最少年齢"], "最少年齢", r["_line"]), _age(r.get("最大年齢", ""), "最大年齢", r["_line"]), r)
             for _i, r in group.iterrows()]
    open_rows = [(lo, r) for lo, hi, r in spans if hi is None]
    total = next((r for lo, r in open_rows if lo == 0), None)
    tops = [lo for lo, _r in open_rows if lo and lo > 0]
    if len(tops) != 1 or tops[0] % 5:
        raise DxkitError(f"{int(first['_line'])} 行目から始まる {key} の行に、上が開いた年齢階級（最大年齢が空欄で、"
                         f"最少年齢が 5 の倍数）が 1 つだけ必要です（見つかった最少年齢: {tops or 'なし'}）。")
    top = tops[0]
    row = {
        "全国地方公共団体コード": first.get("標準地域コード", ""), "地域コード": key.get("町丁字コード", ""),
        "都道府県名": first.get("都道府県名", ""), "地方公共団体名": first.get("市区町村名", ""),
        "調査年月日": key.get("調査年月日") or f"{int(parse_number(key['調査年']))}-01-01",
        "地域名": f"{key.get('大字・町名', '')}{key.get('字・丁目名', '')}",
    }
    counts: dict[str, int] = {}
    for lo, hi, r in spans:
        if hi is None and lo == 0:
            continue  # the whole-population row
        band = f"{top}歳以上" if lo >= top else f"{lo // 5 * 5}-{lo // 5 * 5 + 4}歳"
        if hi is not None and lo < top and hi // 5 != lo // 5:
            raise DxkitError(f"{int(r['_line'])} 行目: 年齢 {lo}〜{hi} 歳は 5 歳階級の境目をまたぐので、5 歳階級に分けられません。")
        for sex, col in (("男性", "男性人口"), ("女性", "女性人口")):
            counts[f"{band}の{sex}"] = counts.get(f"{band}の{sex}", 0) + int(parse_number(r.get(col, "")) or 0)
    band_sum = {s: sum(v for k, v in counts.items() if k.endswith(s)) for s in ("男性", "女性")}
    if total is not None:
        men, women = int(parse_number(total["男性人口"]) or 0), int(parse_number(total["女性人口"]) or 0)
        if (men, women) != (band_sum["男性"], band_sum["女性"]):
            notes.append(f"{int(total['_line'])} 行目（全年齢の行）の男女の人数が、年齢別の行の合計と合いません。全年齢の行の値を使いました。")
    else:
        men, women = band_sum["男性"], band_sum["女性"]
    ordered = [f"{a}-{a + 4}歳" for a in range(0, top, 5)] + [f"{top}歳以上"]
    row.update({"総人口": men + women, "男性": men, "女性": women})
    row.update({f"{b}の{s}": counts.get(f"{b}の{s}", 0) for b in ordered for s in ("男性", "女性")})
    row["備考"] = "" if "調査年月日" in key else "調査年のみ（調査年月日は仮に1月1日）"
    return row
