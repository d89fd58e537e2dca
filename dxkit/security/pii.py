"""個人情報（個人番号・電話番号・メールアドレスなど）を日本語の文章から見つけて伏せ字にします。

    >>> from dxkit.security import find_pii, mask_pii
    >>> mask_pii("山田 太郎様の電話は 03-0123-4567 です。").text
    '[氏名]様の電話は [電話番号] です。'

見つけた箇所は ``PiiFinding``（種類 kind・位置 span・理由 reason）で返します。
個人番号は 12 桁であることに加え、番号法施行令第 8 条に基づく総務省令の
「検査用数字を算出する算式」で末尾の検査用数字を確かめます
〔総務省「番号法施行令第8条の総務省令で定める算式（省令第5条）」2014年7月〕。
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

from dxkit.errors import DxkitError

__all__ = [
    "KINDS",
    "MaskResult",
    "PiiFinding",
    "find_pii",
    "is_valid_my_number",
    "mask_pii",
    "my_number_check_digit",
]

# Kinds in priority order (earlier wins when two findings overlap).
KINDS = ("個人番号", "メールアドレス", "電話番号", "郵便番号", "生年月日", "氏名")

_D = "[0-9０-９]"
_NOT_D_BEFORE = rf"(?<![0-9０-９])(?<![0-9０-９][-‐‑–—−－ー ｰ 　])"
_NOT_D_AFTER = rf"(?![0-9０-９])(?![-‐‑–—−－ー ｰ 　][0-9０-９])"
_SEP = "[-‐‑–—−－ーｰ 　]"  # hyphens (half/full width, long vowel mark typed by mistake) and spaces

_MY_NUMBER = re.compile(rf"{_NOT_D_BEFORE}{_D}{{4}}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}}{_NOT_D_AFTER}")
_PHONE = re.compile(
    rf"{_NOT_D_BEFORE}(?:[(（]{_D}{{2,5}}[)）]\s?|{_D}{{2,5}}{_SEP}?)(?:{_D}{{1,4}}{_SEP}?)?{_D}{{4}}{_NOT_D_AFTER}"
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+[@＠][A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_POSTAL = re.compile(rf"(?:〒\s?{_D}{{3}}{_SEP}?{_D}{{4}}|{_NOT_D_BEFORE}{_D}{{3}}[-‐−－]{_D}{{4}}){_NOT_D_AFTER}")
_ERA = "明治|大正|昭和|平成|令和|[MTSHRＭＴＳＨＲ][.．]?"
_DATE = re.compile(
    rf"(?:(?:{_ERA})\s?(?:元|{_D}{{1,2}})\s?年\s?{_D}{{1,2}}\s?月\s?{_D}{{1,2}}\s?日"
    rf"|[MTSHRＭＴＳＨＲ]{_D}{{1,2}}[./．／]{_D}{{1,2}}[./．／]{_D}{{1,2}}"
    rf"|{_NOT_D_BEFORE}(?:19|20|１９|２０){_D}{{2}}\s?年\s?{_D}{{1,2}}\s?月\s?{_D}{{1,2}}\s?日"
    rf"|{_NOT_D_BEFORE}(?:19|20|１９|２０){_D}{{2}}[/／.-]{_D}{{1,2}}[/／.-]{_D}{{1,2}}{_NOT_D_AFTER})"
)
_DOB_BEFORE = re.compile(r"(生年月日|誕生日|生まれ|出生日)[^。\n]{0,8}$")
_DOB_AFTER = re.compile(r"^\s?(生まれ|生)")
_MY_NUMBER_WORD = re.compile(r"(個人番号|マイナンバー)[^。\n]{0,10}$")

_KANJI = "一-龥々〆ヵヶ"
_NK = rf"(?:(?![様殿氏])[{_KANJI}])"  # a kanji that is not an honorific
_NAME = re.compile(
    rf"(?P<name>{_NK}{{1,6}}(?:[ 　](?:{_NK}|[ぁ-んァ-ヶー]){{1,4}})?|[ァ-ヶー]{{2,8}}(?:[ 　・][ァ-ヶー]{{2,8}})?)"
    r"[ 　]?(?P<hon>様|さま|さん|殿|氏)(?![式子々相態方堂名])"
)
# Words before an honorific that are not names (皆様, お客様, 担当者様 …).
_NOT_NAMES = {"皆", "各位", "客", "担当", "担当者", "関係者", "皆皆", "奥", "お客", "利用者", "申請者", "保護者",
              "住民", "市民", "町民", "村民", "区民", "県民", "世帯主", "代表者", "職員", "先方", "相手", "神",
              "王", "殿", "係", "御中", "外部", "外部の方", "ご本人", "本人", "皆々", "被保険者", "受給者",
              "父", "母", "兄", "姉", "弟", "妹", "娘", "息子", "子", "祖父", "祖母", "奥方", "孫", "夫", "妻"}
# Organisation-like characters: cut a kanji run after the last one (市民課山田様 → 山田).
_ORG_CHARS = "課係室局部所署庁館校園会社店院者"
_TITLES = ("担当者", "関係者", "利用者", "申請者", "部長", "課長", "町長", "市長", "村長", "区長", "知事", "会長", "社長",
           "所長", "局長", "室長", "係長", "校長", "園長", "館長", "議長", "委員", "各位")
_PARTICLE_CUT = re.compile(rf"^(?:.+[課係局者]|.{{2,}}[{_ORG_CHARS}])")
_LABELLED_NAME = re.compile(
    rf"(?:氏名|名前|お名前|申請者名|届出人|世帯主|代表者名)[ 　]*[:：]?[ 　]*"
    rf"(?P<name>[{_KANJI}]{{1,4}}(?:[ 　]?[{_KANJI}ぁ-んァ-ヶー]{{1,4}})?|[ァ-ヶー]{{2,8}}[ 　・][ァ-ヶー]{{2,8}})"
)
_FIELD_WORDS = ("住所", "電話", "生年月日", "性別", "年齢", "連絡先", "電話番号", "個人番号", "続柄", "職業", "備考", "メール")


def _digits(s: str) -> str:
    """Full-width digits to ASCII, then keep digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", s) if ch.isdigit())


def my_number_check_digit(first11: str) -> int:
    """個人番号の先頭 11 桁から検査用数字（12 桁目）を計算します。

    総務省令の算式: 11 −（Σ Pn×Qn を 11 で割った余り）。余りが 1 以下なら 0。
    Pn は検査用数字を除く 11 桁の「最下位の桁を 1 桁目とした n 桁目の数字」、
    Qn は n が 1〜6 なら n+1、7〜11 なら n−5 です。
    """
    digits = _digits(first11)
    if len(digits) != 11:
        raise DxkitError(f"検査用数字の計算には 11 桁の数字が必要です（{len(digits)} 桁でした）。")
    total = 0
    for n in range(1, 12):
        p = int(digits[11 - n])  # n-th digit counted from the lowest (rightmost) one
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(number: str) -> bool:
    """12 桁で、検査用数字が正しければ True を返します（全角数字・ハイフン・空白は無視します）。"""
    digits = _digits(str(number))
    if len(digits) != 12:
        return False
    return my_number_check_digit(digits[:11]) == int(digits[11])


@dataclass(frozen=True)
class PiiFinding:
    """見つけた個人情報 1 件です。``span`` は元の文章での (開始, 終了) の位置です。"""

    kind: str
    span: tuple[int, int]
    text: str
    reason: str

    @property
    def start(self) -> int:
        return self.span[0]

    @property
    def end(self) -> int:
        return self.span[1]


def _phone_ok(digits: str) -> str | None:
    """Return a reason if ``digits`` has the shape of a Japanese phone number."""
    if not digits.startswith("0") or digits.startswith("00"):
        return None
    if len(digits) == 11 and digits[:3] in {"070", "080", "090", "050", "060"}:
        return "0X0 で始まる 11 桁で、携帯電話・IP 電話の番号の形です。"
    if len(digits) == 10 and digits[:4] in {"0120", "0800"}:
        return "フリーダイヤルの番号の形です。"
    if len(digits) == 10 and digits[1] != "0":
        return "0 で始まる 10 桁で、固定電話の番号の形です。"
    return None


def _name_candidate(raw: str) -> tuple[int, str] | None:
    """Trim a captured run to the likely name; return (offset, name) or None."""
    offset = 0
    m = _PARTICLE_CUT.match(raw)
    if m and len(raw) - m.end() >= 1 and raw[m.end()] not in " 　":
        offset = m.end()
        raw = raw[offset:]
    parts = re.split("[ 　・]", raw)
    if len(parts) == 2 and (len(parts[0]) > 4 or re.search("[様殿式]", parts[0])
                            or parts[0][-1] in _ORG_CHARS + "長"):
        offset += len(parts[0]) + 1
        raw = raw[len(parts[0]) + 1:]
    name = raw
    bare = name.replace(" ", "").replace("　", "")
    if not bare or bare in _NOT_NAMES or bare.endswith(_TITLES):
        return None
    if len(bare) < 2 and not re.fullmatch(rf"[{_KANJI}]", bare):
        return None
    return offset, name


def find_pii(text: str, kinds: tuple[str, ...] | list[str] | None = None) -> list[PiiFinding]:
    """文章から個人情報の候補を探し、``PiiFinding`` のリスト（出現順）で返します。

    ``kinds`` に種類（例: ``["個人番号", "電話番号"]``）を渡すと、その種類だけを探します。
    12 桁でも検査用数字が合わない番号は、前に「個人番号」「マイナンバー」と書かれている
    ときだけ（書き誤りの可能性があるので）個人番号として扱います。13 桁の法人番号や、
    もっと長い番号の一部は個人番号として扱いません。
    """
    if not isinstance(text, str):
        raise DxkitError(f"find_pii には文字列を渡してください（{type(text).__name__} が渡されました）。")
    wanted = set(KINDS if kinds is None else kinds)
    unknown = wanted - set(KINDS)
    if unknown:
        raise DxkitError(f"知らない種類です: {sorted(unknown)}。使える種類は {list(KINDS)} です。")
    found: list[PiiFinding] = []

    def add(kind: str, start: int, end: int, reason: str) -> None:
        if kind in wanted:
            found.append(PiiFinding(kind, (start, end), text[start:end], reason))

    for m in _MY_NUMBER.finditer(text):
        digits = _digits(m.group())
        if is_valid_my_number(digits):
            add("個人番号", m.start(), m.end(), "12 桁の番号で、末尾の検査用数字が算式と一致します。")
        elif _MY_NUMBER_WORD.search(text[: m.start()]):
            add("個人番号", m.start(), m.end(),
                "「個人番号」の語の後ろにある 12 桁の番号です。検査用数字は一致しませんが、"
                "書き誤りの可能性があるので個人番号として扱います。")
    for m in _EMAIL.finditer(text):
        add("メールアドレス", m.start(), m.end(), "「＠」の前後に利用者名とドメインがある、メールアドレスの形です。")
    for m in _PHONE.finditer(text):
        reason = _phone_ok(_digits(m.group()))
        if reason:
            add("電話番号", m.start(), m.end(), reason)
    for m in _POSTAL.finditer(text):
        why = "「〒」に続く 7 桁の番号です。" if m.group().startswith("〒") else "3 桁-4 桁の、郵便番号の形です。"
        add("郵便番号", m.start(), m.end(), why)
    for m in _DATE.finditer(text):
        before = text[max(0, m.start() - 12): m.start()]
        after = text[m.end(): m.end() + 4]
        if _DOB_BEFORE.search(before) or _DOB_AFTER.search(after):
            add("生年月日", m.start(), m.end(), "「生年月日」「生まれ」などの語と並んだ日付です（和暦・西暦）。")
    for m in _NAME.finditer(text):
        cand = _name_candidate(m.group("name"))
        if cand:
            offset, name = cand
            start = m.start("name") + offset
            add("氏名", start, start + len(name), f"敬称「{m.group('hon')}」の前にある、人の名前らしい語です。")
    for m in _LABELLED_NAME.finditer(text):
        name = m.group("name")
        for w in _FIELD_WORDS:  # 「氏名 田中花子 住所 …」: stop before the next field label
            cut = re.search(rf"[ 　]?{w}", name)
            if cut and cut.start() > 0:
                name = name[: cut.start()]
        name = name.rstrip(" 　")
        if len(name) >= 2:
            add("氏名", m.start("name"), m.start("name") + len(name), "「氏名」などの欄の後ろに書かれた、人の名前らしい語です。")

    # Keep the highest-priority finding where two overlap.
    order = {k: i for i, k in enumerate(KINDS)}
    kept: list[PiiFinding] = []
    for f in sorted(found, key=lambda f: (order[f.kind], f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def _partial(f: PiiFinding) -> str:
    s = f.text
    if f.kind == "メールアドレス":
        at = max(s.find("@"), s.find("＠"))
        return s[0] + "●" * (at - 1) + s[at:]
    if f.kind == "氏名":
        return "".join(ch if i == 0 or ch in " 　" else "●" for i, ch in enumerate(s))
    if f.kind == "電話番号":
        # keep the last four digits so a caller can still tell numbers apart
        idx = [i for i, ch in enumerate(s) if _digits(ch)]
        keep = set(idx[-4:])
        return "".join("●" if i in idx and i not in keep else ch for i, ch in enumerate(s))
    # 個人番号・郵便番号・生年月日: hide every digit, keep separators and 年/月/日
    return "".join("●" if _digits(ch) or ch == "元" else ch for ch in s)


@dataclass
class MaskResult:
    """伏せ字にした結果です。``text`` が伏せ字後の文章、``findings`` が見つけた箇所です。"""

    text: str
    findings: list[PiiFinding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """種類ごとの件数です（見つからなかった種類は入りません）。"""
        out: dict[str, int] = {}
        for f in self.findings:
            out[f.kind] = out.get(f.kind, 0) + 1
        return out

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        counts = "、".join(f"{k} {v} 件" for k, v in self.counts().items()) or "なし"
        return f"MaskResult(見つけた個人情報: {counts})\n{self.text}"

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(f.kind)}</td><td>{f.start}–{f.end}</td><td>{html.escape(f.reason)}</td></tr>"
            for f in self.findings
        )
        return (
            f"<div><p><b>伏せ字にした文章</b></p><pre style='white-space:pre-wrap'>{html.escape(self.text)}</pre>"
            f"<table><tr><th>種類</th><th>位置</th><th>理由</th></tr>{rows}</table></div>"
        )


def mask_pii(text: str, style: str = "label", kinds: tuple[str, ...] | list[str] | None = None) -> MaskResult:
    """個人情報を伏せ字にします。

    ``style="label"`` は「[個人番号]」のように種類名へ置き換え、``style="partial"`` は
    数字などを「●」にして形だけ残します（電話番号は末尾 4 桁、メールはドメインを残します）。
    """
    if style not in ("label", "partial"):
        raise DxkitError('style は "label"（[種類名] に置き換え）か "partial"（● で一部を隠す）を指定してください。')
    findings = find_pii(text, kinds)
    pieces: list[str] = []
    pos = 0
    for f in findings:
        pieces.append(text[pos: f.start])
        pieces.append(f"[{f.kind}]" if style == "label" else _partial(f))
        pos = f.end
    pieces.append(text[pos:])
    return MaskResult("".join(pieces), findings)
