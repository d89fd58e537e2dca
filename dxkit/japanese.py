"""日本語の文字と日付を扱う関数です（全角・半角、数字の文字列、和暦）。

ここにある関数は pandas を使わない純粋な関数です。表（DataFrame の列）に使うときは
``dxkit.data.normalize_series`` や ``dxkit.data.parse_wareki_series`` を使います。
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass

from dxkit.errors import DxkitError

__all__ = ["ERAS", "normalize_text", "parse_number", "parse_wareki", "to_wareki"]

_SPACES = re.compile(r"\s+")
# Minus-like characters staff type into numbers (hyphen, en dash, full-width minus, ...).
_MINUS = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d"
# Hyphens NFKC leaves alone (U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN, U+2212 MINUS SIGN) -> "-".
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-"})


def normalize_text(text):
    """文字列の表記ゆれをそろえます。

    - 全角の英数字・記号を半角に、半角カタカナを全角にします（Unicode の NFKC 正規化）。
    - 「‐」（U+2010）「‑」（U+2011）「−」（U+2212）を半角の「-」にします（「－」と同じ扱い）。
    - 全角スペースやタブ、連続する空白を半角スペース 1 つにします。
    - 前後の空白を取り除きます。

    文字列でないもの（数値や欠損値 None / NaN）はそのまま返します。

    >>> normalize_text("　ＡＢＣ　１２３ ")
    'ABC 123'
    >>> normalize_text("ﾐﾄﾞﾘ野市　役所")
    'ミドリ野市 役所'
    """
    if not isinstance(text, str):
        return text
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text.translate(_HYPHENS))).strip()


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# Digit grouping must be real thousands: 1,234 and 12,345,678 but not 1,23,4.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def parse_number(text):
    """数字の文字列を数値（int か float）にします。

    「１，２３４」のような全角数字やカンマ区切り、「1,234円」ではなく純粋な数だけを受け付けます。
    カンマは 3 桁ごとの区切りだけを認めます（「1,23,4」や、間に空白のある「1 234」は読めません）。
    「△12」「▲12」（役所の表で使う負の数の書き方）は -12 になります。
    空の文字列・None は None を返します。読めないときは ``DxkitError`` を出します。

    >>> parse_number("１，２３４")
    1234
    >>> parse_number("△1.5")
    -1.5
    """
    if text is None or isinstance(text, (int, float)) and not isinstance(text, bool):
        return None if text is None or text != text else text
    s = normalize_text(str(text))
    if s == "":
        return None
    s = re.sub(f"^[△▲{_MINUS}]\\s*", "-", s)
    if "," in s and not _GROUPED.fullmatch(s):
        raise DxkitError(f"「{text}」を数値として読めません。カンマ（,）は 3 桁ごとの区切り（1,234）にだけ使います。")
    s = s.replace(",", "")
    if not _NUMBER.fullmatch(s):
        raise DxkitError(f"「{text}」を数値として読めません。数字とカンマ（,）と小数点だけで書いてください。")
    return float(s) if "." in s else int(s)


@dataclass(frozen=True)
class Era:
    """元号と、その期間（初日と最終日）です。"""

    name: str
    letter: str
    start: _dt.date
    end: _dt.date | None  # None: the era continues

    def year_to_ad(self, year: int) -> int:
        return self.start.year + year - 1


ERAS = (
    Era("令和", "R", _dt.date(2019, 5, 1), None),
    Era("平成", "H", _dt.date(1989, 1, 8), _dt.date(2019, 4, 30)),
    Era("昭和", "S", _dt.date(1926, 12, 25), _dt.date(1989, 1, 7)),
    Era("大正", "T", _dt.date(1912, 7, 30), _dt.date(1926, 12, 25)),
)
_ERA_BY_KEY = {key: era for era in ERAS for key in (era.name, era.name[0], era.letter)}

_SEP = r"\s*[./\-年]\s*"
_WAREKI = re.compile(
    r"(?P<era>令和|平成|昭和|大正|[令平昭大RHST])\s*(?P<y>\d{1,2}|元)" + _SEP
    + r"(?P<m>\d{1,2})\s*(?:[./\-月]\s*(?P<d>\d{1,2})\s*日?|月)?",
    re.IGNORECASE,
)
_SEIREKI = re.compile(
    r"(?P<y>\d{4})\s*[./\-年]\s*(?P<m>\d{1,2})\s*(?:[./\-月]\s*(?P<d>\d{1,2})\s*日?|月)?"
    r"|(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2})"
    r"|(?P<mm>\d{1,2})/(?P<md>\d{1,2})/(?P<my>\d{4})"  # M/D/YYYY, as some LinkData exports write
)
_EXAMPLES = "例: 令和6年4月1日、R6.4.1、H31.4.30、2024-04-01"


def parse_wareki(text, *, default_day: int | None = None) -> _dt.date:
    """和暦（または西暦）の日付の文字列を ``datetime.date`` にします。

    受け付ける書き方の例:

    - 「令和6年4月1日」「令和元年5月1日」「平成31年4月30日」「昭和64年1月7日」「大正15年12月24日」
    - 略記「R6.4.1」「H31.4.30」「S64/1/7」「R元.5.1」「平31.4.30」、全角の「Ｒ６．４．１」
    - 西暦「2024-04-01」「2024/4/1」「2024年4月1日」「20240401」、月/日/年の「4/1/2024」

    日を書かない「令和5年4月」「R5.4」は ``default_day`` を指定したときだけ受け付けます
    （月ごとの集計なら ``default_day=1``）。

    存在しない日付（R6.2.30）や元号の期間外の日付（平成31年5月1日。令和は 2019年5月1日から）は
    ``DxkitError`` になります。

    >>> parse_wareki("R6.4.1")
    datetime.date(2024, 4, 1)
    >>> parse_wareki("令和元年5月1日")
    datetime.date(2019, 5, 1)
    """
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    if not isinstance(text, str):
        raise DxkitError(f"「{text}」は日付の文字列ではありません。{_EXAMPLES} のように書いてください。")
    s = normalize_text(text)
    if m := _WAREKI.fullmatch(s):
        return _wareki_date(text, m, default_day)
    if m := _SEIREKI.fullmatch(s):
        if m["y8"]:
            return _make_date(text, int(m["y8"]), int(m["m8"]), int(m["d8"]), None)
        if m["my"]:
            return _make_date(text, int(m["my"]), int(m["mm"]), int(m["md"]), None)
        return _make_date(text, int(m["y"]), int(m["m"]), _day(text, m["d"], default_day), None)
    raise DxkitError(f"「{text}」を日付として読めません。{_EXAMPLES} のように書いてください。")


def _day(text, day: str | None, default_day: int | None) -> int:
    if day is not None:
        return int(day)
    if default_day is None:
        raise DxkitError(f"「{text}」には日がありません。日まで書くか、月だけの列なら default_day=1 を指定してください。")
    return default_day


def _wareki_date(text, m: re.Match, default_day: int | None) -> _dt.date:
    era = _ERA_BY_KEY[m["era"].upper() if len(m["era"]) == 1 else m["era"]]
    year = 1 if m["y"] == "元" else int(m["y"])
    if year < 1:
        raise DxkitError(f"「{text}」の年が 0 です。最初の年は「{era.name}元年」（1年）です。")
    return _make_date(text, era.year_to_ad(year), int(m["m"]), _day(text, m["d"], default_day), era)


def _make_date(text, year: int, month: int, day: int, era: Era | None) -> _dt.date:
    try:
        date = _dt.date(year, month, day)
    except ValueError:
        where = f"{era.name}{year - era.start.year + 1}年（{year}年）" if era else f"{year}年"
        raise DxkitError(f"「{text}」は存在しない日付です（{where}{month}月{day}日はありません）。") from None
    if era is not None:
        _check_era(text, date, era)
    return date


def _check_era(text, date: _dt.date, era: Era) -> None:
    if date < era.start:
        raise DxkitError(f"「{text}」は{era.name}の始まり（{to_wareki(era.start)}＝{_ad(era.start)}）より前の日付です。")
    if era.end is not None and date > era.end:
        after = min((e for e in ERAS if e.start > era.end), key=lambda e: e.start)
        raise DxkitError(
            f"「{text}」は{era.name}の範囲外です。{era.name}は{to_wareki(era.end)}までで、"
            f"{_ad(era.end + _dt.timedelta(days=1))}からは{after.name}です。"
        )


def _ad(date: _dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def to_wareki(date: _dt.date) -> str:
    """日付を「令和6年4月1日」のような和暦の文字列にします（1 年目は「元年」）。

    >>> import datetime
    >>> to_wareki(datetime.date(2019, 5, 1))
    '令和元年5月1日'
    """
    era = next((e for e in ERAS if e.start <= date), None)
    if era is None:
        raise DxkitError(f"{date} は大正より前の日付なので、和暦に直せません。")
    year = date.year - era.start.year + 1
    return f"{era.name}{'元' if year == 1 else year}年{date.month}月{date.day}日"
