"""自治体の「三層の対策」で、業務やデータをどの領域で扱うかを判定し、理由を返します。

総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン」
〔総務省「地方公共団体における情報セキュリティポリシーに関するガイドライン（令和7年3月版）」2025年3月〕は、庁内のネットワークを
マイナンバー利用事務系・LGWAN接続系・インターネット接続系に分けて守る「三層の対策」を示しています。
主な業務端末を LGWAN接続系に置く構成を「αモデル」、業務端末やグループウェアなどを
インターネット接続系に移す構成を「βモデル」「β′モデル」と呼び、令和6年10月の改定では
LGWAN接続系の端末から条件つきで外部のクラウドサービスを使う「α′モデル」が加わりました。

ここでの判定はキーワードによる学習用の目安です。実際の配置は各団体の情報セキュリティポリシーと
システム構成に従ってください。
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

from dxkit.errors import DxkitError

__all__ = ["MODELS", "SEGMENTS", "SegmentResult", "TransferRule", "classify_segment", "transfer_rule"]

SEGMENTS = ("マイナンバー利用事務系", "LGWAN接続系", "インターネット接続系")
MODELS = ("α", "α′", "β", "β′")

_MYNUMBER_WORDS = ("個人番号", "マイナンバー", "特定個人情報", "住民基本台帳", "住民記録", "住基", "戸籍", "住民税",
                   "固定資産税", "軽自動車税", "課税", "賦課", "国民健康保険", "国保", "国民年金", "介護保険",
                   "後期高齢者医療", "児童手当", "児童扶養手当", "生活保護", "障害福祉", "印鑑登録", "基幹系",
                   "中間サーバー", "情報連携", "宛名", "マイナンバーカード")
_INTERNET_WORDS = ("インターネット", "ホームページ", "ウェブサイト", "Webサイト", "SNS", "X（旧Twitter）",
                   "LINE公式", "外部メール", "外部のメール", "住民からのメール", "事業者とのメール", "Web会議",
                   "オンライン会議", "クラウドサービス", "外部サイト", "情報収集", "ネット検索", "検索して",
                   "オープンデータの公開", "電子入札", "外部の", "メールで送", "ふるさと納税サイト", "ChatGPT", "動画配信")
_LGWAN_WORDS = ("文書管理", "財務会計", "人事給与", "庶務", "グループウェア", "庁内メール", "庁内掲示板",
                "起案", "決裁", "LGWAN", "LGWAN-ASP", "庁内", "会議資料", "予算", "議会", "統計", "集計", "内部")
# Under the β/β′ models these everyday office tasks move to the internet-connected segment.
_BETA_MOVABLE = ("グループウェア", "庁内メール", "庁内掲示板", "会議資料", "庶務", "集計", "統計", "内部", "予算", "議会")
_BETA_PRIME_MOVABLE = ("文書管理", "財務会計", "人事給与", "起案", "決裁")


@dataclass(frozen=True)
class SegmentResult:
    """判定結果です。``segment`` が領域、``reason`` が理由、``warning`` は注意点（なければ空文字）です。"""

    segment: str
    reason: str
    keywords: tuple[str, ...] = ()
    warning: str = ""

    def __repr__(self) -> str:
        text = f"{self.segment}: {self.reason}"
        return text + (f"\n  ⚠ {self.warning}" if self.warning else "")

    def _repr_html_(self) -> str:
        warn = f"<br>⚠ {html.escape(self.warning)}" if self.warning else ""
        return f"<p><b>{html.escape(self.segment)}</b>: {html.escape(self.reason)}{warn}</p>"


_DESCRIPTIVE_KEYS = ("業務名", "業務内容", "扱う情報", "利用するシステム", "説明", "データ", "task", "name", "data",
                     "system", "description")


def _text_of(task: str | Mapping) -> str:
    if isinstance(task, str):
        return task
    if isinstance(task, Mapping):
        # Describe the task only by what it is; never by a label or an earlier prediction column.
        return " ".join(str(v) for k, v in task.items()
                        if isinstance(v, str) and k in _DESCRIPTIVE_KEYS and v not in SEGMENTS)
    raise DxkitError("classify_segment には業務の説明（文字列）か、業務名・扱う情報などの辞書を渡してください。")


def _external(task: str | Mapping) -> bool:
    if isinstance(task, Mapping):
        v = task.get("外部とのやり取り", task.get("external"))
        return v in (True, "あり", "有", "はい")
    return False


def classify_segment(task: str | Mapping, model: str = "α") -> SegmentResult:
    """業務（またはデータ）を三層のどの領域で扱うかを、理由つきで判定します。

    ``task`` は「児童手当の認定（個人番号を使う）」のような説明文か、
    ``{"業務名": …, "扱う情報": …, "利用するシステム": …, "外部とのやり取り": "あり"/"なし"}`` の辞書です
    （辞書では業務名・業務内容・扱う情報・利用するシステム・説明の列だけを読み、正解ラベルなどの列は無視します）。
    ``model`` はネットワーク構成のモデル（"α"・"α′"・"β"・"β′"、既定は "α"）です。
    """
    if model not in MODELS:
        raise DxkitError(f"model は {list(MODELS)} のどれかにしてください。")
    text = _text_of(task)
    mn = [w for w in _MYNUMBER_WORDS if w in text]
    net = [w for w in _INTERNET_WORDS if w in text]
    lg = [w for w in _LGWAN_WORDS if w in text]
    external = _external(task)
    if mn:
        warning = ""
        if net or external:
            warning = ("個人番号を扱う作業とインターネットを使う作業が混ざっています。作業を分け、"
                       "個人番号を含むデータはインターネット接続系へ持ち出さないでください。")
        return SegmentResult("マイナンバー利用事務系",
                             f"「{'」「'.join(mn[:3])}」は個人番号を利用する事務やその基幹システムに関わるため、"
                             "他の領域との通信を断った最も守りの固い領域で扱います。", tuple(mn), warning)
    if net or external:
        why = f"「{'」「'.join(net[:3])}」" if net else "外部とのやり取り"
        return SegmentResult("インターネット接続系",
                             f"{why}にはインターネットへの接続が必要なため、自治体情報セキュリティクラウドを経由する"
                             "インターネット接続系で扱います。", tuple(net))
    if model in ("β", "β′"):
        movable = [w for w in lg if w in _BETA_MOVABLE or (model == "β′" and w in _BETA_PRIME_MOVABLE)]
        if movable or not lg:
            return SegmentResult("インターネット接続系",
                                 f"{model}モデルでは業務端末をインターネット接続系に置くため、"
                                 f"{'「' + '」「'.join(movable[:3]) + '」などの' if movable else ''}一般の事務は"
                                 "インターネット接続系で行います（重要な情報を扱うシステムは LGWAN接続系に残します）。",
                                 tuple(movable))
    if lg:
        return SegmentResult("LGWAN接続系",
                             f"「{'」「'.join(lg[:3])}」は個人番号を使わない庁内の事務で、インターネットに直接つながない"
                             "LGWAN接続系で扱います。", tuple(lg))
    return SegmentResult("LGWAN接続系",
                         "個人番号もインターネットも必要としない一般の事務なので、主な業務端末のある LGWAN接続系で扱います。"
                         "（手がかりになる語が見つからなかったため、業務の中身を確かめてください。）")


@dataclass(frozen=True)
class TransferRule:
    """領域をまたぐデータの受け渡しのきまりです。``allowed`` は「可」「条件付き」「原則不可」のどれかです。"""

    source: str
    target: str
    allowed: str
    conditions: tuple[str, ...]

    def __repr__(self) -> str:
        lines = [f"{self.source} → {self.target}: {self.allowed}"]
        return "\n".join(lines + [f"  ・{c}" for c in self.conditions])

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(c)}</li>" for c in self.conditions)
        return (f"<p><b>{html.escape(self.source)} → {html.escape(self.target)}: {html.escape(self.allowed)}</b></p>"
                f"<ul>{items}</ul>")


_RULES = {
    ("インターネット接続系", "LGWAN接続系"): ("条件付き", (
        "メールやファイルは「無害化」（本文のテキスト化、添付ファイルの画像化・サニタイズ）してから取り込みます。",
        "無害化前の原本を取り出すのは、必要性を確かめ、承認と記録のうえで、ウイルス検査をしてからにします。",
        "USB メモリでの持ち込みなど、決められた経路以外は使いません。",
    )),
    ("LGWAN接続系", "インターネット接続系"): ("条件付き", (
        "持ち出すのは公開してよい情報や業務に必要な最小限の情報だけにし、管理者の許可を得ます。",
        "個人情報を含むファイルは原則持ち出しません。やむを得ないときは暗号化し、送信前に宛先を複数人で確認します。",
        "誰が・いつ・何を持ち出したかを記録します。",
    )),
    ("LGWAN接続系", "マイナンバー利用事務系"): ("条件付き", (
        "決められた手順と媒体だけで受け渡し、ウイルス検査や無害化をしたうえで取り込みます。",
        "取り込みの承認と記録を残します。",
    )),
    ("マイナンバー利用事務系", "LGWAN接続系"): ("原則不可", (
        "マイナンバー利用事務系は他の領域との通信をできないようにし、端末からの情報の持ち出しを不可にします。",
        "業務上どうしても必要な場合は、個人番号を除くなど必要最小限にし、承認された手順と記録のもとで行います。",
    )),
    ("マイナンバー利用事務系", "インターネット接続系"): ("原則不可", (
        "個人番号を扱う領域からインターネットへ情報を出すことはできません。",
    )),
    ("インターネット接続系", "マイナンバー利用事務系"): ("原則不可", (
        "インターネットからマイナンバー利用事務系へ直接ファイルを持ち込むことはできません。",
    )),
}


def transfer_rule(source: str, target: str) -> TransferRule:
    """ある領域から別の領域へデータを移すときのきまり（可否と条件）を返します。"""
    for s in (source, target):
        if s not in SEGMENTS:
            raise DxkitError(f"領域の名前は {list(SEGMENTS)} のどれかにしてください（「{s}」が渡されました）。")
    if source == target:
        return TransferRule(source, target, "可", ("同じ領域の中での受け渡しです。通常の情報の取り扱いルールに従います。",))
    allowed, conds = _RULES[(source, target)]
    return TransferRule(source, target, allowed, conds)
