"""Small shared helpers for dxkit.kpi: date/number coercion and HTML escaping."""

from __future__ import annotations

import datetime as _dt
import html
import math
import unicodedata

from dxkit.data import is_blank as is_missing  # None, NaN, NaT, pd.NA and blank strings
from dxkit.errors import DxkitError


def to_date(value, field: str = "日付") -> _dt.date | None:
    """Coerce dates given as date/datetime/Timestamp, ISO-like text or 和暦 text. Missing -> None."""
    if is_missing(value):
        return None
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return value.to_pydatetime().date()
    if isinstance(value, str):
        from dxkit.japanese import parse_wareki  # one date parser: 2024-04-01, 2024年4月, 令和6年4月1日, R6.4.1

        try:
            return parse_wareki(value.strip(), default_day=1)
        except DxkitError as exc:
            raise DxkitError(f"{field}: {exc}") from None
    raise DxkitError(
        f"{field}「{value}」を日付として読めません。2024-04-01 や 2024/4/1、令和6年4月1日 のように書いてください。"
    )


def to_number(value, field: str = "値", allow_missing: bool = True) -> float | None:
    """Coerce numbers, including text such as '３０', '1,200', '△5' or '45%'. Missing -> None."""
    if is_missing(value):
        if allow_missing:
            return None
        raise DxkitError(f"{field}がありません。数値を入れてください。")
    if isinstance(value, bool):
        raise DxkitError(f"{field}に True/False が入っています。数値を入れてください。")
    if isinstance(value, (int, float)) or type(value).__module__.startswith("numpy"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if math.isfinite(number):
            return number
    if isinstance(value, str):
        from dxkit.japanese import parse_number  # one number parser: 全角, カンマ, △ for minus

        text = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        try:
            number = parse_number(text)
        except DxkitError:
            number = None
        if number is not None:
            return float(number)
    raise DxkitError(f"{field}「{value}」は数値ではありません。数値だけを入れてください（単位は別の欄に書きます）。")


def fmt(value, digits: int = 1) -> str:
    """Format a number compactly: 12.0 -> '12', 12.345 -> '12.3'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    number = round(float(value), digits)
    return f"{number:,.0f}" if number == int(number) else f"{number:,.{digits}f}"


def pct(value, digits: int = 0) -> str:
    """Format a ratio as a percentage: 0.853 -> '85%'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value * 100:.{digits}f}%"


def esc(text) -> str:
    return html.escape(str(text))
