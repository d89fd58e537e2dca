"""標的型メール・フィッシングメールの「怪しい点（シグナル）」を見つけて、日本語で説明します。

    >>> from dxkit.security import analyze_email
    >>> r = analyze_email({"差出人名": "みどり野市役場 総務課", "差出人アドレス": "soumu@city-midorino.lg.jp.example.net",
    ...                    "件名": "【至急】パスワードの再設定", "本文": "本日中にIDとパスワードを入力してください。"})
    >>> r.verdict
    'フィッシングの疑いが高い'

判定はあくまで目安です。怪しいと思ったら、メールのリンクや添付ファイルを開かず、
差出人に別の手段（電話・庁内の連絡先）で確認し、情報セキュリティの担当へ報告します。
"""

from __future__ import annotations

import html
import ipaddress
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from dxkit.errors import DxkitError

__all__ = [
    "TRUSTED_DOMAINS",
    "Email",
    "PhishingReport",
    "Signal",
    "analyze_email",
    "domain_of",
    "lookalike_of",
]

# The fictional town used throughout dxkit (架空) and public bodies its staff mail with.
TRUSTED_DOMAINS: tuple[str, ...] = (
    "city.midorino.lg.jp",      # 架空の「みどり野市」
    "lg.jp",                    # other municipalities (lg.jp is only given to local governments)
    "go.jp",                    # national government
)

# Display-name words -> domains that may legitimately send under that name.
_BRANDS: dict[str, tuple[str, ...]] = {
    "みどり野市": ("city.midorino.lg.jp",),
    "市長": ("city.midorino.lg.jp",),
    "役場": ("lg.jp",),
    "市役所": ("lg.jp",),
    "県庁": ("lg.jp",),
    "総務省": ("soumu.go.jp",),
    "デジタル庁": ("digital.go.jp",),
    "地方公共団体情報システム機構": ("j-lis.go.jp",),
    "J-LIS": ("j-lis.go.jp",),
    "Microsoft": ("microsoft.com",),
    "マイクロソフト": ("microsoft.com",),
    "Amazon": ("amazon.co.jp", "amazon.com"),
    "アマゾン": ("amazon.co.jp", "amazon.com"),
    "日本郵便": ("japanpost.jp",),
    "ヤマト運輸": ("kuronekoyamato.co.jp",),
}

_URGENCY = ("至急", "緊急", "本日中", "直ちに", "ただちに", "今すぐ", "24時間以内", "24 時間以内", "48時間以内",
            "期限切れ", "停止", "凍結", "無効", "最終警告", "最終通知", "ロック", "削除されます", "重要なお知らせ")
_CREDENTIAL_WORDS = ("パスワード", "暗証番号", "ログインID", "ユーザーID", "ID", "認証コード", "ワンタイム",
                     "口座番号", "カード番号", "セキュリティコード", "個人番号", "マイナンバー")
_CREDENTIAL_ACTIONS = ("入力", "送信", "返信", "再設定", "ご確認", "確認して", "登録", "ログイン", "お知らせください",
                       "教えて", "更新")
_SHORTENERS = ("bit.ly", "tinyurl.com", "t.co", "goo.gl", "is.gd", "ow.ly", "x.gd")
_EXECUTABLE = (".exe", ".scr", ".com", ".pif", ".bat", ".cmd", ".js", ".jse", ".vbs", ".vbe", ".wsf", ".hta",
               ".ps1", ".msi", ".lnk", ".jar")
_DISK_IMAGE = (".iso", ".img", ".vhd", ".vhdx")
_MACRO = (".xlsm", ".docm", ".pptm", ".xlam", ".dotm", ".xltm")
_ARCHIVE = (".zip", ".7z", ".rar", ".lzh")
_DOCUMENT = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".txt", ".jpg", ".png", ".csv", ".jtd")

# Characters that look alike in many fonts (the left side is what attackers type).
_HOMOGLYPHS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"), ("_", "-"))

_WEIGHTS = {
    "表示名となりすまし": 35,
    "似せたドメイン": 45,
    "リンクの表示と行き先の違い": 35,
    "IPアドレスや短縮URLのリンク": 25,
    "暗号化されていないリンク": 10,
    "急がせる言葉": 15,
    "認証情報の要求": 30,
    "実行ファイルの添付": 50,
    "二重拡張子": 50,
    "ディスクイメージの添付": 40,
    "マクロ付き文書の添付": 25,
    "パスワード付き圧縮ファイル": 25,
}


@dataclass(frozen=True)
class Email:
    """分析するメール 1 通です。``links`` は (表示文字, リンク先URL) の組のリストです。"""

    from_name: str = ""
    from_address: str = ""
    subject: str = ""
    body: str = ""
    links: tuple[tuple[str, str], ...] = ()
    attachments: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: Mapping) -> Email:
        """辞書やデータフレームの 1 行（日本語または英語の列名）からメールを作ります。"""
        def get(*keys: str, default=""):
            for k in keys:
                if k in record and record[k] is not None and record[k] == record[k]:  # skip NaN
                    return record[k]
            return default

        links = get("リンク", "links", default=())
        if isinstance(links, str):
            links = json.loads(links) if links.strip() else []
        pairs = []
        for link in links:
            if isinstance(link, Mapping):
                pairs.append((str(link.get("表示", link.get("text", ""))), str(link.get("リンク先", link.get("target", "")))))
            else:
                text, target = link
                pairs.append((str(text), str(target)))
        attachments = get("添付ファイル", "attachments", default=())
        if isinstance(attachments, str):
            attachments = [a.strip() for a in attachments.split(";") if a.strip()]
        return cls(str(get("差出人名", "from_name")), str(get("差出人アドレス", "from_address")),
                   str(get("件名", "subject")), str(get("本文", "body")), tuple(pairs), tuple(attachments))


@dataclass(frozen=True)
class Signal:
    """怪しい点 1 つです。``detail`` はこのメールのどこが当てはまったか、``points`` は点数です。"""

    name: str
    detail: str
    points: int


@dataclass
class PhishingReport:
    """メール 1 通の分析結果です。``score``（0〜100）と ``verdict``（判定）を持ちます。"""

    signals: list[Signal] = field(default_factory=list)
    score: int = 0
    verdict: str = ""
    threshold: int = 50

    @property
    def is_phishing(self) -> bool:
        """点数がしきい値（既定 50）以上なら True です。"""
        return self.score >= self.threshold

    @property
    def names(self) -> list[str]:
        """見つかったシグナルの名前のリストです。"""
        return [s.name for s in self.signals]

    def __repr__(self) -> str:
        lines = [f"判定: {self.verdict}（{self.score} 点）"]
        lines += [f"  ・{s.name}（+{s.points}）: {s.detail}" for s in self.signals] or ["  ・目立つ怪しい点は見つかりませんでした。"]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{html.escape(s.name)}</td><td>+{s.points}</td><td>{html.escape(s.detail)}</td></tr>"
            for s in self.signals
        ) or "<tr><td colspan='3'>目立つ怪しい点は見つかりませんでした。</td></tr>"
        return (f"<div><p><b>判定: {html.escape(self.verdict)}</b>（{self.score} 点）</p>"
                f"<table><tr><th>シグナル</th><th>点</th><th>説明</th></tr>{rows}</table></div>")


def domain_of(address_or_url: str) -> str:
    """メールアドレスや URL からドメイン（小文字）を取り出します。"""
    s = unicodedata.normalize("NFKC", str(address_or_url)).strip()
    m = re.search(r"<([^>]+)>", s)
    if m:
        s = m.group(1)
    if "@" in s and "://" not in s:
        return s.rsplit("@", 1)[1].strip().strip(".").lower()
    if "://" not in s:
        s = "http://" + s
    host = urlsplit(s).hostname or ""
    return host.strip(".").lower()


def _is_trusted(domain: str, trusted: tuple[str, ...]) -> bool:
    return any(domain == t or domain.endswith("." + t) for t in trusted)


def _skeleton(s: str) -> str:
    s = s.lower()
    for a, b in _HOMOGLYPHS:
        s = s.replace(a, b)
    return s


def _distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def lookalike_of(domain: str, trusted: tuple[str, ...] = TRUSTED_DOMAINS) -> tuple[str, str] | None:
    """信頼するドメインや有名な組織のドメインに似せた（けれど違う）ドメインなら (似せた相手, 説明) を、
    そうでなければ None を返します。"""
    domain = domain.lower().strip(".")
    # compare against named bodies (not the bare lg.jp / go.jp suffixes) and well-known senders
    specific = [t for t in trusted if t.count(".") >= 2 or t.count(".") == 1 and t not in ("lg.jp", "go.jp")]
    specific += [d for doms in _BRANDS.values() for d in doms if d not in specific and d not in ("lg.jp", "go.jp")]
    if not domain or _is_trusted(domain, tuple(specific)):
        return None
    for t in specific:
        if t in domain:
            return t, f"「{domain}」は「{t}」の文字列を含みますが、末尾が違う別のドメインです（サブドメインのふり）。"
        flat_d, flat_t = re.sub(r"[.\-]", "", domain), re.sub(r"[.\-]", "", t)
        if flat_d == flat_t or flat_d.startswith(flat_t):
            return t, f"「{domain}」は「{t}」の点（.）やハイフン（-）を入れ替えた別のドメインです。"
        if _skeleton(domain) == _skeleton(t):
            return t, f"「{domain}」は「{t}」と見た目の似た文字（rn と m、0 と o など）を入れ替えたドメインです。"
        if _distance(domain, t) <= 2:
            return t, f"「{domain}」は「{t}」と 1〜2 文字だけ違うドメインです。"
    for t in specific:
        core = _core_label(t)
        if len(core) >= 5 and _skeleton(core) in _skeleton(domain):
            return t, f"「{domain}」は「{t}」の名前（{core}）に似せた文字列を含みますが、別の組織のドメインです。"
    if _is_trusted(domain, trusted):
        return None
    for suffix, what in (("lg", "自治体"), ("go", "国の機関")):
        if (suffix in re.split(r"[.\-]", domain) or f"{suffix}jp" in domain.replace(".", "").replace("-", "")) \
                and not domain.endswith(f".{suffix}.jp"):
            return f"{suffix}.jp", (f"「{domain}」は{what}のドメイン（～.{suffix}.jp）に見せかけていますが、"
                                    f"末尾が .{suffix}.jp ではありません。")
    return None


def _core_label(domain: str) -> str:
    """The distinctive label of a domain: midorino in city.midorino.lg.jp, microsoft in microsoft.com."""
    labels = domain.split(".")
    if labels[-2:] in (["lg", "jp"], ["go", "jp"]) and len(labels) >= 3:
        labels = labels[:-2]
        return labels[-1]
    if len(labels) >= 3 and labels[-2] in ("co", "or", "ne", "ac"):
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _brand_claims(from_name: str) -> list[tuple[str, tuple[str, ...]]]:
    name = unicodedata.normalize("NFKC", from_name)
    return [(w, doms) for w, doms in _BRANDS.items() if w.lower() in name.lower()]


def _contains_any(text: str, words: tuple[str, ...]) -> list[str]:
    return [w for w in words if w in text]


def _verdict(score: int) -> str:
    if score >= 60:
        return "フィッシングの疑いが高い"
    if score >= 30:
        return "注意（差出人に別の手段で確認）"
    return "目立つ怪しい点なし（油断は禁物）"


def analyze_email(email: Email | Mapping, trusted_domains: tuple[str, ...] | list[str] = TRUSTED_DOMAINS,
                  threshold: int = 50) -> PhishingReport:
    """メールの怪しい点を調べ、点数（0〜100）と判定をつけた ``PhishingReport`` を返します。

    調べる点: 表示名と差出人ドメインの食い違い、信頼するドメインに似せたドメイン、
    リンクの表示と行き先の違い、IP アドレス・短縮 URL、急がせる言葉、パスワード等の要求、
    危険な添付ファイル（実行ファイル、二重拡張子、ディスクイメージ、マクロ付き文書、パスワード付き ZIP）。
    """
    if isinstance(email, Mapping):
        email = Email.from_record(email)
    elif not isinstance(email, Email):
        raise DxkitError("analyze_email には Email か、列名つきの辞書（差出人名・差出人アドレス・件名・本文など）を渡してください。")
    trusted = tuple(t.lower() for t in trusted_domains)
    signals: list[Signal] = []

    def add(name: str, detail: str, points: int | None = None) -> None:
        if name not in [s.name for s in signals]:
            signals.append(Signal(name, detail, _WEIGHTS[name] if points is None else points))

    sender = domain_of(email.from_address) if email.from_address else ""
    text = unicodedata.normalize("NFKC", f"{email.subject}\n{email.body}")

    # 1. display name vs sender domain
    embedded = re.search(r"[\w.+-]+@[\w.-]+", unicodedata.normalize("NFKC", email.from_name))
    if embedded and domain_of(embedded.group()) != sender:
        add("表示名となりすまし", f"表示名に別のアドレス（{embedded.group()}）が書かれていますが、実際の差出人は {sender} です。")
    for word, doms in _brand_claims(email.from_name):
        if sender and not _is_trusted(sender, doms):
            add("表示名となりすまし",
                f"表示名は「{word}」を名乗っていますが、差出人のドメイン {sender} はその組織のものではありません。")
    # 2. look-alike sender domain
    look = lookalike_of(sender, trusted) if sender else None
    if look:
        add("似せたドメイン", "差出人: " + look[1])
    # 3. links
    for shown, target in email.links:
        tdom = domain_of(target)
        shown_n = unicodedata.normalize("NFKC", shown)
        shown_dom = domain_of(shown_n) if re.search(r"(https?://|www\.|\.[a-z]{2,}(/|$))", shown_n, re.I) else ""
        if shown_dom and shown_dom != tdom:
            add("リンクの表示と行き先の違い", f"リンクの表示は「{shown}」ですが、実際の行き先は {tdom} です。")
        elif not shown_dom and _brand_claims(shown_n) and not any(_is_trusted(tdom, d) for _, d in _brand_claims(shown_n)):
            add("リンクの表示と行き先の違い", f"リンクの文字「{shown}」と行き先 {tdom} の組織が合いません。")
        look = lookalike_of(tdom, trusted)
        if look:
            add("似せたドメイン", "リンク先: " + look[1])
        try:
            ipaddress.ip_address(tdom)
            add("IPアドレスや短縮URLのリンク", f"リンク先がドメイン名ではなく IP アドレス（{tdom}）です。")
        except ValueError:
            if tdom in _SHORTENERS:
                add("IPアドレスや短縮URLのリンク", f"リンク先が短縮 URL（{tdom}）で、本当の行き先が見えません。")
        if target.lower().startswith("http://") and _contains_any(text, _CREDENTIAL_WORDS):
            add("暗号化されていないリンク", f"ログインを求めているのに、リンク先が暗号化されていない http:// です（{tdom}）。")
    # 4. urgency
    urgent = _contains_any(text, _URGENCY)
    if urgent:
        add("急がせる言葉", f"「{'」「'.join(urgent[:3])}」など、考える時間を奪う言葉があります。")
    # 5. credential requests
    mentions_zip_password = bool(re.search(r"(パスワード|解凍|暗号化).{0,20}(別(途|の)?メール|お送り|送付|後ほど)|"
                                           r"(パスワード付き|暗号化(された|ZIP))", text))
    creds = _contains_any(text, _CREDENTIAL_WORDS)
    if mentions_zip_password:  # 「パスワードは別メールで」 is about the archive, not a credential request
        creds = [c for c in creds if c != "パスワード"]
    acts = _contains_any(text, _CREDENTIAL_ACTIONS)
    if creds and acts:
        by_mail = [a for a in acts if a in ("返信", "送信", "お知らせください", "教えて")]
        if by_mail:
            add("認証情報の要求", f"「{'」「'.join(creds[:2])}」をメールで{by_mail[0]}させようとしています。"
                "正規の組織や保守事業者は、メールでパスワード等を聞きません。", 45)
        else:
            add("認証情報の要求", f"「{'」「'.join(creds[:2])}」の{acts[0]}を求めています。リンク先で入力させる手口に注意します。")
    # 6. attachments
    for name in email.attachments:
        low = unicodedata.normalize("NFKC", name).lower().strip()
        note = "（パスワード付き）" in name or "(パスワード付き)" in low or "password" in low
        base = re.sub(r"[（(].*?[)）]", "", low).strip()
        exts = re.findall(r"\.[a-z0-9]{1,5}", base)
        last = exts[-1] if exts else ""
        if len(exts) >= 2 and exts[-2] in _DOCUMENT and last in _EXECUTABLE + _DISK_IMAGE:
            add("二重拡張子", f"「{name}」は文書に見せかけていますが、本当の種類は最後の拡張子 {last} です。")
        elif last in _EXECUTABLE:
            add("実行ファイルの添付", f"「{name}」は開くとプログラムが動く種類（{last}）のファイルです。")
        if last in _DISK_IMAGE:
            add("ディスクイメージの添付", f"「{name}」はディスクイメージ（{last}）で、中に実行ファイルを隠す手口に使われます。")
        if last in _MACRO:
            add("マクロ付き文書の添付", f"「{name}」はマクロ付きの文書（{last}）です。マクロを有効にすると不正なプログラムが動くことがあります。")
        if last in _ARCHIVE and (note or mentions_zip_password):
            add("パスワード付き圧縮ファイル",
                f"「{name}」はパスワード付きの圧縮ファイルで、ウイルス対策ソフトが中身を検査できません。")
    score = min(100, sum(s.points for s in signals))
    return PhishingReport(signals, score, _verdict(score), threshold)
