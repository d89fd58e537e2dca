"""パスワードの強さを調べ、助言を日本語で返します。パスワードそのものは保存も表示もしません。

    >>> from dxkit.security import check_password
    >>> r = check_password("tsuki-to-kame-no-sanpo-michi")
    >>> r.strength
    'とても強い'

考え方は NIST SP 800-63B の第4版〔NIST「SP 800-63B-4（Digital Identity Guidelines: Authentication and Authenticator Management）」2025年7月〕
に沿っています: 複雑さより長さ（パスワードだけなら 15 文字、多要素認証と組み合わせるなら 8 文字以上）、
よく使われるパスワードの禁止、定期的な変更の強制はしない（漏えいの疑いがあるときに変える）、多要素認証（MFA）を使う。
人が覚えないロボットやシステムのアカウントのパスワードを、組織が決めたときに作り直すのは別の話です。
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from dxkit.errors import DxkitError

__all__ = ["PasswordReport", "PolicyReview", "check_password", "review_password_policy"]

# A small bundled list of passwords that attackers try first (lower case).
COMMON_PASSWORDS = frozenset("""
123456 1234567 12345678 123456789 1234567890 12345 1234 111111 000000 123123 654321 987654321 121212 112233
password password1 passw0rd pass pass1234 qwerty qwerty123 qwertyuiop asdfgh asdfghjkl asdf1234 zxcvbnm
1qaz2wsx zaq12wsx 1q2w3e4r q1w2e3r4 1q2w3e4r5t qwer1234 abc123 abcd1234 aaaaaa iloveyou admin administrator
root guest test test123 user welcome welcome1 letmein login changeme default secret master shadow monkey
dragon sunshine princess football baseball superman trustno1 hello hello123 starwars whatever michael
pokemon pikachu doraemon sakura tokyo japan nippon yamato samurai ninja hiroshi daisuki arigatou
system lgwan kanri yakuba soumu jinji zeimu midorino midorinoshi city shiyakusho
""".split())

_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_COLUMNS = "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/"
_ZIGZAGS = ("1q2w3e4r5t6y7u8i9o0p", "q1w2e3r4t5y6u7i8o9p0", "1a2s3d4f5g6h7j8k9l", "a1s2d3f4g5h6j7k8l9")
_LEET = str.maketrans({"@": "a", "4": "a", "0": "o", "1": "l", "3": "e", "$": "s", "5": "s", "7": "t", "!": "i",
                       "|": "l", "+": "t"})
_STRENGTHS = ((28, "とても弱い"), (40, "弱い"), (60, "普通"), (80, "強い"))


@dataclass(frozen=True)
class PasswordReport:
    """パスワードを調べた結果です。パスワード自体はどこにも持ちません。"""

    length: int
    char_classes: tuple[str, ...]
    is_common: bool
    patterns: tuple[str, ...]
    entropy_bits: float
    strength: str
    min_length: int
    problems: tuple[str, ...]
    advice: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """問題点がなければ True です。"""
        return not self.problems

    def __repr__(self) -> str:
        lines = [f"強さ: {self.strength}（推定 {self.entropy_bits:.0f} ビット、{self.length} 文字、"
                 f"文字の種類: {'・'.join(self.char_classes) or 'なし'}）"]
        lines += [f"  ✗ {p}" for p in self.problems] or ["  ✓ 目立つ問題は見つかりませんでした。"]
        lines += [f"  → {a}" for a in self.advice]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        probs = "".join(f"<li>✗ {html.escape(p)}</li>" for p in self.problems) or "<li>✓ 目立つ問題は見つかりませんでした。</li>"
        adv = "".join(f"<li>{html.escape(a)}</li>" for a in self.advice)
        return (f"<div><p><b>強さ: {html.escape(self.strength)}</b>（推定 {self.entropy_bits:.0f} ビット、"
                f"{self.length} 文字）</p><ul>{probs}</ul><p>助言</p><ul>{adv}</ul></div>")


def _classes(pw: str) -> tuple[tuple[str, ...], int]:
    found, pool = [], 0
    for name, test, size in (("英小文字", str.islower, 26), ("英大文字", str.isupper, 26), ("数字", str.isdigit, 10)):
        if any(ch.isascii() and test(ch) for ch in pw):
            found.append(name)
            pool += size
    if any(ch.isascii() and not ch.isalnum() and ch != " " for ch in pw):
        found.append("記号")
        pool += 33
    if " " in pw:
        found.append("空白")
        pool += 1
    if any(not ch.isascii() for ch in pw):
        found.append("日本語など")
        pool += 100
    return tuple(found), max(pool, 1)


def _runs_in(pw: str, source: str, min_len: int = 4) -> list[tuple[int, int]]:
    """Spans of ``pw`` (lower case) that are substrings of ``source`` or its reverse."""
    low = pw.lower()
    spans = []
    i = 0
    while i <= len(low) - min_len:
        best = 0
        for j in range(len(low), i + min_len - 1, -1):
            chunk = low[i:j]
            if chunk in source or chunk in source[::-1]:
                best = j
                break
        if best:
            spans.append((i, best))
            i = best
        else:
            i += 1
    return spans


def _sequences(pw: str, min_len: int = 4) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i in range(1, len(pw) + 1):
        step_ok = i < len(pw) and abs(ord(pw[i]) - ord(pw[i - 1])) == 1 and (
            i - start < 2 or ord(pw[i]) - ord(pw[i - 1]) == ord(pw[i - 1]) - ord(pw[i - 2]))
        if not step_ok:
            if i - start >= min_len:
                spans.append((start, i))
            start = i
    return spans


def _repeats(pw: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in re.finditer(r"(.)\1{2,}", pw)]
    spans += [m.span() for m in re.finditer(r"(.{2,12})\1+", pw) if m.end() - m.start() >= 4]
    return spans


def _is_common(pw: str) -> tuple[bool, bool]:
    """(exactly common, common word with digits/symbols added or letters swapped)."""
    low = pw.lower()
    if low in COMMON_PASSWORDS:
        return True, False
    core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", low)
    cands = {core, low.translate(_LEET), core.translate(_LEET), re.sub(r"[\d\W_]+$", "", low).translate(_LEET)}
    for cand in cands:
        if len(cand) >= 4 and cand in COMMON_PASSWORDS:
            return False, True
    # a common word plus a few extra characters ("mypassword99")
    flat = low.translate(_LEET)
    for word in COMMON_PASSWORDS:
        if len(word) >= 5 and word.isalpha() and word in flat and len(flat) - len(word) < 6:
            return False, True
    return False, False


def check_password(password: str, mfa: bool = False, user_words: tuple[str, ...] | list[str] = ()) -> PasswordReport:
    """パスワードの長さ・文字の種類・よく使われるものか・キーボードの並び・繰り返し・連続を調べます。

    ``mfa=True`` は多要素認証と組み合わせて使う場合で、目安の最低文字数が 8 文字になります
    （パスワードだけで守る場合は 15 文字）。``user_words`` には職員番号や名前など、
    そのパスワードに入っていてはいけない語を渡せます。結果にパスワードそのものは入りません。
    """
    if not isinstance(password, str):
        raise DxkitError("check_password には文字列を渡してください。")
    length = len(password)
    classes, pool = _classes(password)
    exact_common, near_common = _is_common(password)

    patterns: list[str] = []
    weak: set[int] = set()

    def mark(spans: list[tuple[int, int]], label: str) -> None:
        if spans:
            if label not in patterns:
                patterns.append(label)
            for a, b in spans:
                weak.update(range(a, b))

    seq = _sequences(password)
    mark(seq, "順番どおりに続く文字（数字やアルファベットの連番）")
    rows = [s for src in _ROWS for s in _runs_in(password, src) if s not in seq]
    mark(rows, "キーボードで横に並んだキー")
    mark(_runs_in(password, _COLUMNS) + [s for z in _ZIGZAGS for s in _runs_in(password, z)],
         "キーボードで縦や交互に並んだキー")
    mark(_repeats(password), "同じ文字や同じまとまりの繰り返し")
    dates = [m.span() for m in re.finditer(
        r"(?<!\d)(19[5-9]\d|20[0-4]\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)", password)]
    mark(dates, "日付（誕生日・記念日などは推測されやすい）")
    years = [m.span() for m in re.finditer(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)", password)]
    mark(years, "西暦の年（誕生年・入庁年などは推測されやすい）")
    personal = [w for w in user_words if w and w.lower() in password.lower()]
    if personal:
        patterns.append("名前・職員番号など本人に関する語")
        for w in personal:
            i = password.lower().find(w.lower())
            weak.update(range(i, i + len(w)))

    strong_chars = length - len(weak)
    bits = strong_chars * math.log2(pool) + 4 * len(patterns) + (2 if weak else 0)
    if exact_common:
        bits = min(bits, 10.0)
    elif near_common:
        bits = min(bits, 20.0)
    bits = round(bits, 1)
    strength = next((label for limit, label in _STRENGTHS if bits < limit), "とても強い")

    min_length = 8 if mfa else 15
    problems: list[str] = []
    if length < min_length:
        problems.append(f"短すぎます（{length} 文字）。{'多要素認証と組み合わせる場合でも' if mfa else 'パスワードだけで守るなら'}"
                        f" {min_length} 文字以上を目安にしてください。")
    if exact_common:
        problems.append("よく使われるパスワードの一覧に載っています。攻撃者が最初に試します。")
    elif near_common:
        problems.append("よく使われるパスワードに数字や記号を足したり、文字を似た記号に置き換えたりしただけです。")
    for p in patterns:
        problems.append(f"推測されやすい並びを含みます: {p}。")
    if bits < 40 and not problems:
        problems.append("推定の強さが足りません。もっと長くしてください。")

    advice = []
    if length < 15:
        advice.append("無関係な単語を 3〜4 個つなげた長い「パスフレーズ」にすると、覚えやすく強くなります。")
    if patterns or exact_common or near_common:
        advice.append("キーボードの並び・連番・名前・誕生日・よく使われる語は避けてください。")
    advice.append("記号を無理に混ぜるより、長さを優先します。ほかのサービスと同じパスワードは使い回しません。")
    advice.append("多要素認証（MFA）を必ず有効にします。定期的に変える必要はありませんが、漏えいの疑いがあればすぐ変えます。")
    return PasswordReport(length, classes, exact_common or near_common, tuple(patterns), bits, strength,
                          min_length, tuple(problems), tuple(advice))


# ---------------------------------------------------------------------------------------------------
# Reviewing an organisation's password policy

POLICY_KEYS = ("最小文字数", "最大文字数", "文字種の組み合わせを必須", "定期変更の日数", "多要素認証",
               "よく使われるパスワードを禁止", "秘密の質問", "漏えい時は速やかに変更", "ログイン試行回数の制限")


@dataclass(frozen=True)
class PolicyReview:
    """パスワードポリシーの点検結果です。``rows`` は (項目, 設定, 評価, 理由) のリストです。"""

    rows: tuple[tuple[str, str, str, str], ...]

    @property
    def needs_review(self) -> list[str]:
        """「要見直し」になった項目の名前のリストです。"""
        return [r[0] for r in self.rows if r[2] == "要見直し"]

    @property
    def ok(self) -> bool:
        return not self.needs_review

    def to_frame(self):
        """pandas の DataFrame にします。"""
        import pandas as pd

        return pd.DataFrame(list(self.rows), columns=["項目", "設定", "評価", "理由"])

    def __repr__(self) -> str:
        return "\n".join(f"{'✓' if r[2] == '適切' else '✗'} {r[0]}（{r[1]}）: {r[3]}" for r in self.rows)

    def _repr_html_(self) -> str:
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in self.rows)
        return f"<table><tr><th>項目</th><th>設定</th><th>評価</th><th>理由</th></tr>{body}</table>"


def review_password_policy(policy: Mapping) -> PolicyReview:
    """組織のパスワードポリシー（辞書）を、長さ重視・定期変更の強制なし・MFA などの考え方で点検します。

    使える項目: ``POLICY_KEYS``（最小文字数、最大文字数、文字種の組み合わせを必須、定期変更の日数、
    多要素認証、よく使われるパスワードを禁止、秘密の質問、漏えい時は速やかに変更、ログイン試行回数の制限）。
    書かれていない項目は点検しません。
    """
    if not isinstance(policy, Mapping):
        raise DxkitError("review_password_policy には {'最小文字数': 12, ...} のような辞書を渡してください。")
    unknown = [k for k in policy if k not in POLICY_KEYS]
    if unknown:
        raise DxkitError(f"知らない項目です: {unknown}。使える項目は {list(POLICY_KEYS)} です。")
    mfa = bool(policy.get("多要素認証", False))
    rows = []

    def row(key: str, good: bool, why_good: str, why_bad: str) -> None:
        rows.append((key, "なし" if policy[key] is None else str(policy[key]), "適切" if good else "要見直し", why_good if good else why_bad))

    if "最小文字数" in policy:
        need = 8 if mfa else 15
        row("最小文字数", int(policy["最小文字数"]) >= need, f"{need} 文字以上を求めています。",
            f"{'多要素認証と組み合わせても' if mfa else 'パスワードだけで守るなら'} {need} 文字以上が目安です。")
    if "最大文字数" in policy:
        v = policy["最大文字数"]
        row("最大文字数", v is None or int(v) >= 64, "長いパスフレーズを使えます。",
            "上限が短いと長いパスフレーズが使えません。64 文字以上を受け付けます。")
    if "文字種の組み合わせを必須" in policy:
        row("文字種の組み合わせを必須", not policy["文字種の組み合わせを必須"], "文字種の強制より長さを重視しています。",
            "文字種の強制は「Password1!」のような予測しやすい形を生みます。長さを重視します。")
    if "定期変更の日数" in policy:
        v = policy["定期変更の日数"]
        row("定期変更の日数", not v, "定期的な変更を強制していません。",
            "定期的な変更の強制は、少しだけ変えた弱いパスワードを生みます。漏えいの疑いがあるときに変えます。")
    if "多要素認証" in policy:
        row("多要素認証", mfa, "多要素認証を使っています。", "パスワードだけでは盗まれたときに防げません。多要素認証を使います。")
    if "よく使われるパスワードを禁止" in policy:
        row("よく使われるパスワードを禁止", bool(policy["よく使われるパスワードを禁止"]),
            "よく使われる・漏えいしたパスワードを拒否します。", "よく使われる・漏えいしたパスワードの一覧と照合して拒否します。")
    if "秘密の質問" in policy:
        row("秘密の質問", not policy["秘密の質問"], "秘密の質問を使っていません。",
            "秘密の質問（母親の旧姓など）は調べれば分かるので、本人確認に使いません。")
    if "漏えい時は速やかに変更" in policy:
        row("漏えい時は速やかに変更", bool(policy["漏えい時は速やかに変更"]), "漏えいの疑いがあれば変更させます。",
            "漏えいの疑いがあるときは、すぐに変更させる決まりが必要です。")
    if "ログイン試行回数の制限" in policy:
        row("ログイン試行回数の制限", bool(policy["ログイン試行回数の制限"]), "総当たり攻撃を防ぎます。",
            "失敗の回数を制限しないと、総当たりで破られます。")
    return PolicyReview(tuple(rows))
