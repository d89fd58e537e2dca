"""練習問題の自己チェック（✅ / ❌ / 未回答）と、採点課題のテスト用の関数です。

ノートブックでは次のように使います。

    from dxkit.check import check, hint, solution

    kids = ...          # ← ここに式を書きます
    check("05/02/kids_by_district", kids)

学習者の答えがどんな値でも、``check`` は例外を出さずに日本語で結果を返します。
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import html
import io
import re
import sys
import textwrap
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from dxkit import compare as _compare
from dxkit.errors import DxkitError

STATUSES = ("correct", "incorrect", "unanswered", "error")
MAX_DETAILS = 5
PRAISE = ("よくできました。", "その調子です。", "正しく計算できています。", "ばっちりです。次に進みましょう。")


# ---------------------------------------------------------------- registry

@dataclass(frozen=True)
class Item:
    """練習問題 1 問です。期待値は ``setup`` と ``solution`` のコードを実行して求めます。

    ``setup`` は省略できます（それまでのセルで何も用意しない問題）。
    """

    id: str
    title: str
    var: str
    setup: str = ""
    solution: str = ""
    hints: tuple[str, ...] = ()
    tol: float = 1e-6
    ignore_index: bool = False
    ignore_order: bool = False
    checker: Callable[[Any, Any], list[str]] | None = None

    def __post_init__(self):
        object.__setattr__(self, "setup", textwrap.dedent(self.setup or "").strip("\n"))
        object.__setattr__(self, "solution", textwrap.dedent(self.solution or "").strip("\n"))
        hints = (self.hints,) if isinstance(self.hints, str) else tuple(self.hints or ())
        object.__setattr__(self, "hints", hints)


@dataclass(frozen=True)
class Course:
    """講座です。``exercise_parts`` は採点課題の問の ID（``passed()`` に渡すもの）です。"""

    id: str
    slug: str
    title: str
    exercise_parts: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "exercise_parts", tuple(self.exercise_parts))


_ITEMS: dict[str, Item] = {}
_COURSES: dict[str, Course] = {}
_ORIGIN: dict[str, str] = {}          # "item:<id>" / "course:<id>" -> module that registered it
_EXPECTED: dict[str, Any] = {}        # expected values, computed once per process
_HINT_POS: dict[str, int] = {}
_loaded = False


def _caller_module() -> str:
    return sys._getframe(3).f_globals.get("__name__", "?")   # the module that called register*()


def _add(table: dict, kind: str, key: str, obj, what: str):
    """Put ``obj`` in ``table`` under ``key``; a different object already there is an error naming its module."""
    old = table.get(key)
    if old is not None and old != obj:
        raise DxkitError(f"{what}の ID「{key}」は、すでに {_ORIGIN.get(kind + ':' + key)} で登録されています。")
    table[key] = obj
    _ORIGIN.setdefault(kind + ":" + key, _caller_module())
    return obj


def register(item: Item) -> Item:
    """練習問題を登録します。同じ ID の別の問題がすでにあればエラーになります。"""
    if not isinstance(item, Item):
        raise DxkitError("register() には Item(...) を渡してください。")
    return _add(_ITEMS, "item", item.id, item, "練習問題")


def register_course(course: Course) -> Course:
    """講座を登録します。同じ ID の別の講座がすでにあればエラーになります。"""
    if not isinstance(course, Course):
        raise DxkitError("register_course() には Course(...) を渡してください。")
    return _add(_COURSES, "course", course.id, course, "講座")


def _ensure_loaded() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from dxkit import items

        items.load_all()


def registry() -> dict[str, Item]:
    """登録済みの練習問題を ``{ID: Item}`` で返します（講座ファイルをすべて読み込みます）。"""
    _ensure_loaded()
    return dict(sorted(_ITEMS.items()))


def courses() -> list[Course]:
    """登録済みの講座を番号順に返します。"""
    _ensure_loaded()
    return [_COURSES[k] for k in sorted(_COURSES)]


def origin(kind: str, key: str) -> str | None:
    """練習問題（kind="item"）や講座（kind="course"）を登録したモジュール名を返します。"""
    return _ORIGIN.get(f"{kind}:{key}")


def get_item(item_id: str) -> Item:
    """ID から練習問題を返します。見つからなければ ``KeyError`` です。"""
    _ensure_loaded()
    if not isinstance(item_id, str) or item_id not in _ITEMS:
        raise KeyError(item_id)
    return _ITEMS[item_id]


def similar_ids(item_id, n: int = 5) -> list[str]:
    """よく似た ID を返します（打ち間違いの手がかり）。"""
    ids = list(registry())
    text = str(item_id)
    close = difflib.get_close_matches(text, ids, n=n, cutoff=0.5)
    prefix = [i for i in ids if text[:5] and i.startswith(text[:5]) and i not in close]
    return (close + prefix)[:n]


def expected_value(item_id: str):
    """模範解答を実行した結果（期待値）を返します。1 回だけ計算して覚えておきます。"""
    item = get_item(item_id)
    if item.id not in _EXPECTED:
        namespace: dict[str, Any] = {"__name__": "__dxkit_item__"}
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(item.setup, f"<{item.id} setup>", "exec"), namespace)
            exec(compile(item.solution, f"<{item.id} solution>", "exec"), namespace)
        if item.var not in namespace:
            raise DxkitError(f"模範解答が変数 {item.var} を作っていません。")
        _EXPECTED[item.id] = namespace[item.var]
    return _EXPECTED[item.id]


# ---------------------------------------------------------------- display objects

_STYLE = {
    "correct": ("#2e7d32", "#e8f5e9"),
    "incorrect": ("#c62828", "#ffebee"),
    "unanswered": ("#f9a825", "#fff8e1"),
    "error": ("#616161", "#f5f5f5"),
    "hint": ("#1565c0", "#e3f2fd"),
}


def _inline(text: str) -> str:
    """Escape text for HTML and show `code` spans (as written in hints) as code."""
    return re.sub(r"`([^`]+)`", r'<code style="background:#fff;padding:0 3px;border-radius:3px">\1</code>',
                  html.escape(str(text)))


def _box(kind: str, head: str, sub: str = "", bullets=(), foot=(), pre: str = "") -> str:
    border, bg = _STYLE[kind]
    e = _inline
    parts = [f'<div style="border-left:6px solid {border};background:{bg};color:#1b1b1b;padding:8px 12px;'
             f'margin:4px 0;border-radius:4px;font-family:sans-serif;line-height:1.6">',
             f"<div><strong>{e(head)}</strong></div>"]
    if sub:
        parts.append(f'<div style="font-size:85%;color:#555">{e(sub)}</div>')
    if bullets:
        parts.append('<ul style="margin:4px 0 4px 1.2em;padding:0">'
                     + "".join(f"<li>{e(b)}</li>" for b in bullets) + "</ul>")
    if pre:
        parts.append(f'<pre style="background:#fff;padding:6px;border-radius:3px;overflow-x:auto">{html.escape(pre)}</pre>')
    parts += [f"<div>{e(line)}</div>" for line in foot]
    return "".join(parts) + "</div>"


@dataclass(frozen=True)
class CheckResult:
    """``check()`` の結果です。ノートブックのセルの最後に置くと色つきの枠で表示されます。"""

    status: str
    message: str
    item_id: str
    title: str = ""
    details: tuple[str, ...] = ()
    hint: str = ""
    footer: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """正解なら True です。"""
        return self.status == "correct"

    def _sub(self) -> str:
        return f"{self.item_id}　{self.title}".strip()

    def _foot(self) -> list[str]:
        return ([f"ヒント: {self.hint}"] if self.hint else []) + list(self.footer)

    def __repr__(self) -> str:
        lines = [self.message, f"  [{self._sub()}]"]
        lines += [f"  ・{d}" for d in self.details]
        lines += self._foot()
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return _box(self.status, self.message, self._sub(), self.details, self._foot())


@dataclass(frozen=True)
class TextView:
    """ヒントや模範解答などを表示するための小さなオブジェクトです。"""

    kind: str
    head: str
    sub: str = ""
    lines: tuple[str, ...] = ()
    code: str = ""

    def __repr__(self) -> str:
        out = [self.head] + ([f"  [{self.sub}]"] if self.sub else []) + list(self.lines)
        return "\n".join(out + ([self.code] if self.code else []))

    def _repr_html_(self) -> str:
        return _box(self.kind, self.head, self.sub, foot=self.lines, pre=self.code)


def _display(obj) -> None:
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None:
        from IPython.display import display

        display(obj)
    else:
        print(repr(obj))


# ---------------------------------------------------------------- self-check

def _unknown(item_id) -> CheckResult:
    try:
        near = similar_ids(item_id)
    except Exception:  # noqa: BLE001
        near = []
    details = tuple(f"似た ID: {i}" for i in near) or ("ID は「05/02/kids_by_district」のような形です。",)
    return CheckResult("error", f"問題 ID「{item_id}」が見つかりません。", str(item_id), details=details,
                       footer=("check() の最初の引数（引用符の中）を確かめてください。",))


def _problems(item: Item, answer, expected) -> list[str]:
    if item.checker is None:
        return [d.text for d in _compare.compare(answer, expected, tol=item.tol, ignore_index=item.ignore_index,
                                                 ignore_order=item.ignore_order)]
    try:
        try:
            expected = copy.deepcopy(expected)
        except Exception:  # noqa: BLE001 - uncopyable objects are passed as they are
            pass
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _as_problems(item.checker(answer, expected))
    except Exception as exc:  # noqa: BLE001 - the learner's function may raise anything
        return [f"答えを確かめる途中でエラーが起きました（{type(exc).__name__}: {_compare.short(str(exc), 80)}）。"
                "関数の答えなら、自分でも呼び出して試してみてください。"]


def _as_problems(result) -> list[str]:
    """Accept what a checker may return: a list of messages, one message, None/True (fine) or False."""
    if result is None or result is True:
        return []
    if result is False:
        return ["答えが問題の条件を満たしていません。"]
    if isinstance(result, str):
        return [result] if result else []
    return [str(r) for r in result]


def check(item_id: str, answer) -> CheckResult:
    """練習問題の答えを確かめ、✅ / ❌ / 未回答 を日本語で返します（進捗にも記録します）。"""
    try:
        item = get_item(item_id)
    except KeyError:
        return _unknown(item_id)
    except Exception as exc:  # noqa: BLE001 - a broken items file
        return CheckResult("error", f"練習問題を読み込めませんでした（{type(exc).__name__}）。", str(item_id))
    if answer is Ellipsis or answer is None:
        return CheckResult("unanswered", "未回答です。", item.id, item.title,
                           footer=("「...」のところに答えを書いて、このセルをもう一度実行してください。",))
    try:
        expected = expected_value(item.id)
    except Exception as exc:  # noqa: BLE001
        return CheckResult("error", "この問題の正解を計算できませんでした。", item.id, item.title,
                           details=(f"{type(exc).__name__}: {_compare.short(str(exc), 80)}",),
                           footer=("教材の不具合かもしれません。講師や教材の作成者に知らせてください。",))
    problems = _problems(item, answer, expected)
    record(item.id, not problems)
    if not problems:
        praise = PRAISE[sum(map(ord, item.id)) % len(PRAISE)]
        return CheckResult("correct", f"✅ 正解です！ {praise}", item.id, item.title)
    details = tuple(problems[:MAX_DETAILS])
    if len(problems) > MAX_DETAILS:
        details += (f"ほかにも {len(problems) - MAX_DETAILS} 件の違いがあります。",)
    more = f'もっとヒントを見る: hint("{item.id}")　どうしても分からないとき: solution("{item.id}")'
    return CheckResult("incorrect", "❌ まだ正解ではありません。", item.id, item.title, details,
                       item.hints[0] if item.hints else "", (more,))


def hint(item_id: str, n=None) -> TextView:
    """ヒントを表示します。``n`` を省くと呼ぶたびに次のヒントを、``n=2`` なら 2 番目を、``n="all"`` ならすべてを出します。"""
    try:
        item = get_item(item_id)
    except KeyError:
        r = _unknown(item_id)
        return TextView("error", r.message, "", r.details)
    hints = item.hints or ("この問題にはヒントがありません。",)
    total = len(hints)
    if n == "all":
        lines = tuple(f"ヒント {i + 1}: {h}" for i, h in enumerate(hints))
        return TextView("hint", f"ヒント（全 {total} 個）", f"{item.id}　{item.title}", lines)
    if n is None:
        k = _HINT_POS.get(item.id, 0) % total
        _HINT_POS[item.id] = k + 1
    elif isinstance(n, int) and 1 <= n <= total:
        k = n - 1
    else:
        return TextView("error", f"ヒントは 1〜{total} 番までです（n={n!r}）。", f"{item.id}　{item.title}")
    last = "（これが最後のヒントです）" if k == total - 1 else f'（次のヒント: もう一度 hint("{item.id}")）'
    return TextView("hint", f"💡 ヒント {k + 1} / {total}", f"{item.id}　{item.title}", (hints[k], last))


def solution(item_id: str) -> TextView:
    """模範解答のコードを表示します。まず自分で考えてから見ましょう。"""
    try:
        item = get_item(item_id)
    except KeyError:
        r = _unknown(item_id)
        return TextView("error", r.message, "", r.details)
    return TextView("hint", "模範解答の例", f"{item.id}　{item.title}",
                    ("別の書き方でも、結果が同じなら正解です。",), item.solution)


def function_checker(*cases, tol: float = 1e-6) -> Callable[[Any, Any], list[str]]:
    """関数を書かせる問題の ``checker`` を作ります。

    ``cases`` の引数（タプルなら複数の引数）で学習者の関数と模範解答の関数を呼び、結果を比べます。

        checker=function_checker(("R6.4.1",), ("令和元年5月1日",))
    """
    def checker(answer, expected) -> list[str]:
        if not callable(answer):
            return [f"関数を答えてください（今は{_compare.describe(answer)}です）。"
                    "def で作った関数の名前を、かっこを付けずに渡します。"]
        name = getattr(answer, "__name__", "関数")
        for case in cases:
            args = case if isinstance(case, tuple) else (case,)
            call = f"{name}({', '.join(_compare.short(a, 20) for a in args)})"
            want = expected(*copy.deepcopy(args))
            try:
                got = answer(*copy.deepcopy(args))
            except Exception as exc:  # noqa: BLE001 - the learner's function
                return [f"{call} を呼び出すとエラーになりました（{type(exc).__name__}: {_compare.short(str(exc), 60)}）。"]
            problems = _compare.messages(got, want, tol=tol)
            if problems:
                return [f"{call} の結果: {problems[0]}"]
        return []
    return checker


# ---------------------------------------------------------------- progress

_warned_progress = False


def record(item_id: str, correct: bool) -> None:
    """練習問題の結果を進捗に記録します（ipywidgets のクイズなど ``check()`` 以外の問題用）。"""
    global _warned_progress
    from dxkit import progress

    try:
        progress.record_attempt(str(item_id), "correct" if correct else "incorrect")
    except Exception as exc:  # noqa: BLE001 - recording must never break a lesson
        if not _warned_progress:
            _warned_progress = True
            warnings.warn(f"進捗を記録できませんでした（{type(exc).__name__}: {exc}）。学習はそのまま続けられます。",
                          stacklevel=2)


# ---------------------------------------------------------------- graded exercises

def expect(actual, expected, reason: str, tol: float = 1e-6, ignore_index: bool = False,
           ignore_order: bool = False) -> None:
    """採点課題のテストで使います。違えば ``reason`` と短い分類だけの AssertionError を出します（値は出しません）。"""
    if actual is Ellipsis:
        raise AssertionError(reason + _compare.CATEGORIES["missing"])
    diffs = _compare.compare(actual, expected, tol=tol, ignore_index=ignore_index, ignore_order=ignore_order)
    if diffs:
        raise AssertionError(reason + _compare.CATEGORIES.get(diffs[0].kind, _compare.CATEGORIES["values"]))


def expect_true(cond, reason: str) -> None:
    """条件が成り立たなければ ``reason`` だけの AssertionError を出します。"""
    try:
        ok = bool(cond)
    except Exception:  # noqa: BLE001 - e.g. the truth value of a Series is ambiguous
        raise AssertionError(reason + "（条件を判定できませんでした）") from None
    if not ok:
        raise AssertionError(reason)


def passed(exercise_id: str, part: str) -> None:
    """採点課題の 1 問が確認テストに合格したことを記録し、✅ を表示します。"""
    from dxkit import progress

    try:
        progress.record_part(str(exercise_id), str(part))
    except Exception:  # noqa: BLE001 - the autograder's home may be read-only
        pass
    _display(TextView("correct", f"✅ 問 {part} の確認テストに合格しました", str(exercise_id)))


__all__ = ["Item", "Course", "CheckResult", "register", "register_course", "registry", "courses", "get_item",
           "check", "hint", "solution", "record", "expect", "expect_true", "passed", "expected_value",
           "function_checker"]
