"""欠測を表す書き方（「-」「―」「…」「*」「X」「秘匿」、空欄）を見分けて数えます。

自治体の統計表では、該当がない・秘匿している・調べていない値を、空欄のほか記号で書きます。
数値や日付の列でこれらの記号は「欠測」として扱い、列ごとに何行あったかを 1 つの注記にまとめます。
"""

from __future__ import annotations

import math

from dxkit.japanese import normalize_text

__all__ = ["MISSING_TOKENS", "is_blank", "missing_token", "summarize_missing"]

# As written in municipal tables; compared after normalize_text (so "－" and "‐" are "-", "…" is "...").
MISSING_TOKENS = ("-", "―", "—", "–", "...", "…", "・・・", "*", "X", "x", "秘匿", "")


def is_blank(value) -> bool:
    """None・NaN・NaT・pd.NA と、空白だけの文字列なら True を返します。"""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(value != value) or type(value).__name__ in ("NAType", "NaTType")
    except (TypeError, ValueError):
        return type(value).__name__ == "NAType"


def missing_token(value) -> str | None:
    """値が欠測の書き方なら、その書き方（空欄は ``""``）を返します。ふつうの値なら ``None`` です。"""
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    if not isinstance(value, str):
        return None
    text = normalize_text(value)
    if text in MISSING_TOKENS:
        return "" if text == "" else (value.strip() or text)
    return None


def summarize_missing(counts: dict[tuple[str, str], list[int]], where) -> list[str]:
    """(列名, 書き方) ごとの行の位置のリストから、列ごとの日本語の注記を作ります。

    同じ書き方で同じ行が欠測になっている列は、1 つの注記にまとめます（36 列の年齢階級が 2 行で空欄、など）。
    ``where`` は行の位置のリストを「5 行目、9 行目」のような文字列にする関数です。
    """
    groups: dict[tuple[str, tuple[int, ...]], list[str]] = {}
    for (column, token), rows in counts.items():
        groups.setdefault((token, tuple(rows)), []).append(column)
    notes = []
    for (token, rows), columns in groups.items():
        what = "空欄" if token == "" else f"「{token}」"
        cols = f"列「{columns[0]}」" + (f"ほか {len(columns) - 1} 列" if len(columns) > 1 else "")
        notes.append(f"{cols}の {len(rows)} 行（{where(list(rows))}）は{what}のため欠測として扱いました。")
    return notes
