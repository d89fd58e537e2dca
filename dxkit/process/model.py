"""業務の流れ（工程表）を読み込み、検査して、工程モデル（Process）にします。

工程表は 1 行が 1 工程の表です（CSV・Excel・DataFrame）。列は次のとおりです。

============  ====  ==========================================================
列名           必須  意味
============  ====  ==========================================================
ID            ○     工程の番号（重複不可）。最初の行が開始工程です。
担当           ○     工程を行う人・場所（住民、窓口職員、システム…）。図のレーンになります。
作業           ○     作業の名前（例: 届出書を記入する）。
種別                 作業 / 確認 / 転記 / 判断 / 移動 / 待ち（省略時は「作業」）。
所要時間       ○     その工程にかかる時間（分）。種別が「待ち」の行では待っている時間です。
待ち時間             その工程が始まるまでの待ち時間（分、省略時は 0）。
処理                 手作業 / システム（WFA の「手作業」「システム処理」。省略時は手作業）。
媒体                 紙 / データ / なし（WFA の「紙」「データ」。省略時は紙）。
次工程               次に進む工程の ID。空欄なら終わり。分岐は「3,5」、
                     確率つきは「3:0.8,5:0.2」（確率の合計は 1）。
============  ====  ==========================================================

分岐は「どれか一つに進む」意味です。確率を書かない分岐は等しい確率として扱います。
差し戻し（前の工程に戻る流れ）も書けますが、ループから抜け出せる道が必要です。
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from dxkit.errors import DxkitError

COLUMNS = ("ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程")
REQUIRED = ("ID", "担当", "作業", "所要時間")
KINDS = ("作業", "確認", "転記", "判断", "移動", "待ち")
PROCESSING = ("手作業", "システム")
MEDIA = ("紙", "データ", "なし")
CUSTOMERS = frozenset({"住民", "申請者", "届出人", "来庁者", "請求者"})

_ALIASES = {
    "ID": "ID", "番号": "ID", "NO": "ID", "NO.": "ID", "工程ID": "ID", "工程番号": "ID",
    "担当": "担当", "担当者": "担当", "レーン": "担当", "場所": "担当",
    "作業": "作業", "作業名": "作業", "工程": "作業", "工程名": "作業", "内容": "作業",
    "種別": "種別", "区分": "種別",
    "所要時間": "所要時間", "作業時間": "所要時間", "処理時間": "所要時間",
    "待ち時間": "待ち時間",
    "処理": "処理", "処理区分": "処理", "手作業/システム": "処理",
    "媒体": "媒体", "紙/データ": "媒体", "紙/システム": "媒体",
    "次工程": "次工程", "次": "次工程", "次の工程": "次工程", "次工程ID": "次工程",
}
_KIND_ALIASES = {"待": "待ち", "待機": "待ち", "移動": "移動", "運搬": "移動", "照合": "確認",
                 "点検": "確認", "審査": "確認", "入力": "作業", "分岐": "判断"}
_PROC_ALIASES = {"手": "手作業", "人": "手作業", "システム処理": "システム", "自動": "システム",
                 "電算": "システム"}
_MEDIA_ALIASES = {"電子": "データ", "データ・ファイル": "データ", "ファイル": "データ", "システム": "データ",
                  "紙媒体": "紙", "帳票": "紙", "口頭": "なし", "-": "なし", "": "なし"}


def _norm(value) -> str:
    """NFKC-normalise a cell to a stripped string ('' for missing)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer():
            value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    return "" if text.lower() in ("nan", "none", "<na>") else text


def _norm_column(name) -> str:
    text = _norm(name).replace(" ", "")
    text = re.sub(r"[\(（\[［]?(分|min|分間)[\)）\]］]?$", "", text)
    return _ALIASES.get(text.upper() if text.upper() in ("ID", "NO", "NO.") else text, text)



@dataclass(frozen=True)
class Step:
    """工程表の 1 行（1 つの工程）です。"""

    id: str
    actor: str
    name: str
    kind: str = "作業"
    duration: float = 0.0
    wait: float = 0.0
    processing: str = "手作業"
    medium: str = "紙"
    next: tuple[tuple[str, float], ...] = ()

    @property
    def is_end(self) -> bool:
        return not self.next



# --------------------------------------------------------------------------- the model

@dataclass(frozen=True)
class Process:
    """業務の流れ（工程の集まり）です。``Process.from_table(df)`` で作ります。

    Attributes:
        name: 手続きの名前（図や表の見出しに使います）
        steps: 工程（表の順）。最初の工程が開始、「次工程」が空の工程が終わりです。
        info: 業務説明表（年間件数などを使う計算で参照します）
        customers: 住民側の担当名（この担当の時間は職員の作業時間に数えません）
    """

    name: str
    steps: tuple[Step, ...]
    info: "ProcedureInfo | None" = None
    customers: frozenset = field(default=CUSTOMERS)

    @classmethod
    def from_table(cls, table, name: str | None = None, info: "ProcedureInfo | None" = None,
                   customers=None) -> "Process":
        """工程表（DataFrame・CSV/Excel のパス）から作ります。問題があれば DxkitError で全部を知らせます。"""
        from .table import parse_steps

        steps, problems = parse_steps(table)
        if problems:
            head = f"工程表に {len(problems)} 件の問題があります。直してからもう一度実行してください。"
            raise DxkitError(head + "\n" + "\n".join(f"  - {p}" for p in problems))
        from .info import ProcedureInfo

        if info is not None and not isinstance(info, ProcedureInfo):
            raise DxkitError("info には ProcedureInfo（業務説明表）を渡してください。")
        if name is None:
            name = info.name if info is not None else "業務の流れ"
        return cls(name=str(name), steps=tuple(steps), info=info,
                   customers=frozenset(customers) if customers is not None else CUSTOMERS)

    # lookups ---------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def step(self, step_id) -> Step:
        key = _norm(step_id)
        for s in self.steps:
            if s.id == key:
                return s
        raise DxkitError(f"ID「{step_id}」の工程はありません（ある ID: {', '.join(self.ids)}）。")

    @property
    def start(self) -> Step:
        return self.steps[0]

    @property
    def actors(self) -> list[str]:
        """担当（レーン）を、表に初めて出てくる順に返します。"""
        out: list[str] = []
        for s in self.steps:
            if s.actor not in out:
                out.append(s.actor)
        return out

    def to_frame(self):
        """正規化した工程表（DataFrame）を返します。ID がすべて数字なら整数の列にします。"""
        import pandas as pd

        def nxt(s: Step) -> str:
            if not s.next:
                return ""
            if len(s.next) == 1:
                return s.next[0][0]
            equal = all(abs(p - 1 / len(s.next)) < 1e-9 for _, p in s.next)
            return ",".join(t if equal else f"{t}:{p:g}" for t, p in s.next)

        ids_are_numbers = all(s.id.isdigit() for s in self.steps)
        return pd.DataFrame([{"ID": int(s.id) if ids_are_numbers else s.id, "担当": s.actor, "作業": s.name, "種別": s.kind,
                              "所要時間": s.duration, "待ち時間": s.wait, "処理": s.processing,
                              "媒体": s.medium, "次工程": nxt(s)} for s in self.steps])

    def with_info(self, info: "ProcedureInfo") -> "Process":
        return Process(self.name, self.steps, info, self.customers)

    # computations live in metrics.py; these are conveniences -------------
    def metrics(self, volume: float | None = None, method: str = "expected"):
        """指標（リードタイム・待ち時間・引き継ぎ回数・年間業務時間など）を計算します。"""
        from .metrics import compute_metrics

        return compute_metrics(self, volume=volume, method=method)

    def step_table(self):
        from .metrics import step_table

        return step_table(self)

    def to_mermaid(self, direction: str = "TD") -> str:
        from .draw import to_mermaid

        return to_mermaid(self, direction=direction)

    def plot(self, ax=None, title: str | None = None):
        from .draw import plot_swimlane

        return plot_swimlane(self, ax=ax, title=title)

    def _repr_html_(self) -> str:
        from .metrics import compute_metrics

        m = compute_metrics(self)
        head = (f"<p><b>{_esc(self.name)}</b>: 工程 {len(self.steps)}、担当 {len(self.actors)}"
                f"（{_esc('・'.join(self.actors))}）、リードタイム {m.lead_time:,.1f} 分、"
                f"待ち時間 {m.wait_time:,.1f} 分、引き継ぎ {m.handoffs:g} 回、転記 {m.transcriptions} 工程</p>")
        return head + self.to_frame().to_html(index=False)

    def __repr__(self) -> str:
        return f"Process(name={self.name!r}, 工程={len(self.steps)}, 担当={self.actors})"


def _esc(text: str) -> str:
    import html

    return html.escape(str(text))


