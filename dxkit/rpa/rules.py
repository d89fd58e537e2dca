"""Validation rules for one record (申請 1 件): small, composable, with a Japanese reason per failure.

A rule looks at one item (or, for record rules, the whole record). It returns the
cleaned value (全角→半角, 和暦→date …) or raises ``Invalid(reason)``. ``validate_record``
runs a list of rules and collects every problem instead of stopping at the first.

    rules = [required("氏名"), date("申請日"), postal_code("郵便番号"), choice("区分", ["A", "B"])]
    result = validate_record(record, rules)
    result.ok, result.problems, result.record
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

from dxkit.errors import DxkitError

from . import _html


class Invalid(Exception):
    """検査に通らなかったことを、日本語の理由とともに伝える例外です（ルールの中で使います）。"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Problem:
    """検査で見つかった問題 1 つ: 項目・理由・元の値。"""

    field: str
    reason: str
    value: Any = None


@dataclass(frozen=True)
class Rule:
    """1 つの項目についての検査ルールです。``func(value)`` は整えた値を返すか Invalid を出します。"""

    field: str
    name: str
    func: Callable[[Any], Any]
    check_empty: bool = False  # False: 空欄ならこのルールは見ない（空欄は required が見ます）

    def __call__(self, value: Any) -> Any:
        return self.func(value)


@dataclass(frozen=True)
class RecordRule:
    """複数の項目にまたがる検査ルールです。``func(record)`` は問題がなければ None、あれば (項目, 理由) を返します。"""

    name: str
    fields: tuple[str, ...]
    func: Callable[[Mapping[str, Any]], Any]


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    return isinstance(value, str) and not value.strip().replace("\u3000", "")


def _normalize(value: Any) -> str:
    from dxkit.japanese import normalize_text  # the same function dxkit.data re-exports

    return normalize_text(str(value)).strip()


def _check_field(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise DxkitError("ルールには項目名（例「氏名」）を文字で渡してください。")
    return name.strip()


# ---------------------------------------------------------------- basic rules

def required(field_name: str) -> Rule:
    """空欄を許さないルールです。"""
    f = _check_field(field_name)

    def func(value):
        if is_blank(value):
            raise Invalid(f"「{f}」が空欄です。")
        return value.strip() if isinstance(value, str) else value

    return Rule(f, "必須", func, check_empty=True)


def text(field_name: str, *, max_length: int | None = None) -> Rule:
    """文字の項目: 全角英数字や空白を整え、長さを確かめます。"""
    f = _check_field(field_name)

    def func(value):
        s = re.sub(r"\s+", " ", _normalize(value))
        if max_length is not None and len(s) > max_length:
            raise Invalid(f"「{f}」が長すぎます（{len(s)} 文字。{max_length} 文字以内です）。")
        return s

    return Rule(f, "文字", func)


def katakana(field_name: str) -> Rule:
    """フリガナ: カタカナ（半角カナは全角に直します）と空白・長音だけを認めます。"""
    f = _check_field(field_name)

    def func(value):
        s = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value)).strip())
        if not re.fullmatch(r"[ァ-ヴー・ ]+", s):
            raise Invalid(f"「{f}」はカタカナで書きます（「{value}」）。")
        return s

    return Rule(f, "カタカナ", func)


def parse_date(value: Any) -> _dt.date:
    """和暦・西暦の日付（Excel の日付セルも）を date にします。読めなければ Invalid を出します。

    文字の日付は dxkit.data.parse_wareki（令和/平成/昭和、元年、R6.4.1、2024/4/1）で読みます。
    """
    from dxkit.japanese import parse_wareki  # the same function dxkit.data re-exports

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise Invalid(f"「{value}」は日付ではなく数です（Excel の書式が崩れていませんか）。")
    try:
        return parse_wareki(value if isinstance(value, (_dt.date, str)) else str(value))
    except (ValueError, TypeError) as exc:
        raise Invalid(str(exc)) from None


def _ymd(d: _dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def date(field_name: str, *, not_before: _dt.date | None = None, not_after: _dt.date | None = None) -> Rule:
    """日付の項目: 和暦（令和6年5月1日、R6.5.1）・西暦（2024/5/1）・Excel の日付を読み、範囲を確かめます。"""
    f = _check_field(field_name)

    def func(value):
        try:
            d = parse_date(value)
        except Invalid as exc:
            raise Invalid(f"「{f}」: {exc.reason}") from None
        if not_before is not None and d < not_before:
            raise Invalid(f"「{f}」の {_ymd(d)} は受付期間（{_ymd(not_before)}から）より前です。")
        if not_after is not None and d > not_after:
            raise Invalid(f"「{f}」の {_ymd(d)} は受付期間（{_ymd(not_after)}まで）より後です。")
        return d

    return Rule(f, "日付", func)


def to_integer(value: Any) -> int:
    """「２０，０００円」「20,000」「20000.0」などを整数にします。読めなければ Invalid を出します。"""
    from dxkit.japanese import parse_number  # one number parser for the whole package

    if isinstance(value, bool):
        raise Invalid(f"「{value}」は数字ではありません。")
    try:
        n = parse_number(re.sub(r"円\s*$", "", str(value).strip()) if isinstance(value, str) else value)
    except DxkitError:
        n = None
    if n is None:
        raise Invalid(f"「{value}」は数字として読めません。")
    if isinstance(n, float):
        if n != n or not n.is_integer():
            raise Invalid(f"「{value}」は整数ではありません。")
        n = int(n)
    return n


def integer(field_name: str, *, minimum: int | None = None, maximum: int | None = None) -> Rule:
    """整数の項目（金額・人数など）: 全角数字・カンマ・「円」を整え、範囲を確かめます。"""
    f = _check_field(field_name)

    def func(value):
        try:
            n = to_integer(value)
        except Invalid as exc:
            raise Invalid(f"「{f}」: {exc.reason}") from None
        if minimum is not None and n < minimum:
            raise Invalid(f"「{f}」は {minimum:,} 以上です（{n:,}）。")
        if maximum is not None and n > maximum:
            raise Invalid(f"「{f}」は {maximum:,} 以下です（{n:,}）。")
        return n

    return Rule(f, "整数", func)


def _digits_only(value: Any) -> str:
    s = _normalize(value)
    s = s.replace("〒", "")
    return re.sub(r"[\s\-‐－―ー−()（）]", "", s)


def postal_code(field_name: str) -> Rule:
    """郵便番号: 全角・ハイフンの有無を問わず 7 桁の数字なら「123-4567」の形に整えます。"""
    f = _check_field(field_name)

    def func(value):
        digits = _digits_only(value)
        if not digits.isdigit() or not digits.isascii():
            raise Invalid(f"「{f}」に数字以外が入っています（「{value}」）。")
        if len(digits) != 7:
            raise Invalid(f"「{f}」は 7 桁の数字です（「{value}」は {len(digits)} 桁）。")
        return f"{digits[:3]}-{digits[3:]}"

    return Rule(f, "郵便番号", func)


def phone(field_name: str) -> Rule:
    """電話番号: 0 で始まり、固定電話は 10 桁、携帯電話・IP 電話（050/070/080/090 など）は 11 桁の数字を認め、半角に整えます。"""
    f = _check_field(field_name)

    def func(value):
        digits = _digits_only(value)
        if not digits.isdigit() or not digits.isascii():
            raise Invalid(f"「{f}」に数字以外が入っています（「{value}」）。")
        if not digits.startswith("0"):
            raise Invalid(f"「{f}」は 0 から始まります（「{value}」）。")
        need = 11 if digits[:3] in ("050", "060", "070", "080", "090") else 10
        if len(digits) != need:
            kind = "携帯電話・IP 電話" if need == 11 else "固定電話"
            raise Invalid(f"「{f}」の桁数が違います（「{value}」は {len(digits)} 桁。{kind}の番号は {need} 桁です）。")
        s = _normalize(value).replace("(", "-").replace(")", "-").replace(" ", "")
        s = re.sub(r"[‐－―ー−]", "-", s).strip("-")
        return s if re.fullmatch(r"[0-9\-]+", s) else digits

    return Rule(f, "電話番号", func)


def choice(field_name: str, options: Sequence[str]) -> Rule:
    """選択肢の項目: 決められた選択肢のどれかであることを確かめます（全角・半角の違いは整えます）。"""
    f = _check_field(field_name)
    if isinstance(options, str) or not options:
        raise DxkitError(f"「{f}」の選択肢はリストで渡してください（例 [\"A\", \"B\"]）。")
    options = [str(o) for o in options]
    lookup = {_normalize(o): o for o in options}

    def func(value):
        key = _normalize(value)
        if key not in lookup:
            raise Invalid(f"「{f}」の「{value}」は選択肢（{'・'.join(options)}）にありません。")
        return lookup[key]

    return Rule(f, "選択肢", func)


def pattern(field_name: str, regex: str, reason: str) -> Rule:
    """正規表現に合うことを確かめます。合わないときは ``reason`` を理由にします。"""
    f = _check_field(field_name)
    compiled = re.compile(regex)

    def func(value):
        s = _normalize(value)
        if not compiled.fullmatch(s):
            raise Invalid(f"「{f}」: {reason}（「{value}」）")
        return s

    return Rule(f, "形式", func)


def custom(field_name: str, check: Callable[[Any], str | None], name: str | None = None) -> Rule:
    """自分で書いた検査関数をルールにします。``check(value)`` は問題なしなら None、問題ありなら理由の文字を返します。"""
    f = _check_field(field_name)
    if not callable(check):
        raise DxkitError("custom() には検査関数（値を受け取り、理由の文字か None を返す関数）を渡してください。")

    def func(value):
        reason = check(value)
        if reason:
            raise Invalid(str(reason))
        return value

    return Rule(f, name or getattr(check, "__name__", "独自ルール"), func)


def record_rule(name: str, fields: Iterable[str], check: Callable[[Mapping[str, Any]], Any]) -> RecordRule:
    """複数の項目にまたがるルールです。``check(record)`` は問題なしなら None、ありなら (項目, 理由) か理由の文字を返します。

    ``fields`` に書いた項目に問題がすでにあるときは、このルールは見ません（同じ原因で二重に指摘しないため）。
    """
    return RecordRule(name, tuple(_check_field(x) for x in fields), check)


def max_by_choice(amount_field: str, choice_field: str, limits: Mapping[str, int]) -> RecordRule:
    """区分ごとの上限額を確かめるルールです（例: 耐震改修は 500,000 円まで）。"""
    limits = dict(limits)

    def check(record):
        kind = record.get(choice_field)
        amount = record.get(amount_field)
        if kind in limits and amount is not None and amount > limits[kind]:
            return amount_field, f"「{amount_field}」{amount:,} 円は「{kind}」の上限 {limits[kind]:,} 円を超えています。"
        return None

    return RecordRule(f"{choice_field}ごとの上限", (amount_field, choice_field), check)


# ---------------------------------------------------------------- running the rules

@dataclass
class ValidationResult:
    """1 件の検査結果: 整えた record、見つかった problems。"""

    record: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def reasons(self) -> list[str]:
        return [p.reason for p in self.problems]

    def _repr_html_(self) -> str:
        head = "✅ 問題はありません" if self.ok else f"❌ 問題が {len(self.problems)} 件あります"
        rows = [(k, v) for k, v in self.record.items()]
        probs = "".join(f"<li>{_html.esc(p.reason)}</li>" for p in self.problems)
        return f"<b>{head}</b>" + (f"<ul>{probs}</ul>" if probs else "") + _html.table(rows)

    def __repr__(self) -> str:
        return f"ValidationResult(ok={self.ok}, problems={self.reasons})"


def validate_record(record: Mapping[str, Any], rules: Sequence[Rule | RecordRule]) -> ValidationResult:
    """ルールを順に当て、すべての問題を集めます。1 つの項目で問題が見つかったら、その項目の残りのルールは見ません。

    一覧の中の ``...``（まだ書いていない所）は飛ばします。
    """
    if not isinstance(record, Mapping):
        raise DxkitError("検査する申請は {項目名: 値} の辞書で渡してください。")
    if isinstance(rules, (Rule, RecordRule)):
        rules = [rules]
    cleaned = dict(record)
    problems: list[Problem] = []
    failed: set[str] = set()
    for rule in rules:
        if rule is Ellipsis:  # a placeholder the learner has not filled in yet
            continue
        if isinstance(rule, RecordRule):
            if failed.intersection(rule.fields):
                continue
            found = rule.func(cleaned)
            if found:
                where, reason = found if isinstance(found, tuple) else (rule.fields[0], found)
                problems.append(Problem(where, str(reason), cleaned.get(where)))
                failed.add(where)
            continue
        if not isinstance(rule, Rule):
            raise DxkitError(f"ルールの一覧に、ルールでないもの（{type(rule).__name__}）が入っています。")
        if rule.field in failed:
            continue
        value = cleaned.get(rule.field)
        if not rule.check_empty and is_blank(value):
            cleaned[rule.field] = None
            continue
        try:
            cleaned[rule.field] = rule(value)
        except Invalid as exc:
            problems.append(Problem(rule.field, exc.reason, record.get(rule.field)))
            failed.add(rule.field)
    return ValidationResult(cleaned, problems)
