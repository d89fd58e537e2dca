"""PDCA の記録（PDCA ログ）です。

定例会議（組織）でも、一人ひとりの月ごとのふりかえり（個人）でも、同じ形で記録できます:
サイクル（回・月）、何を確かめたか（Check）、判断（継続/改善/中止）、理由、次にすること。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from dxkit.errors import DxkitError

from ._util import esc, is_missing, to_date

DECISIONS = ("継続", "改善", "中止")
COLUMNS = ("サイクル", "日付", "対象", "確かめたこと", "判断", "理由", "次にすること")


@dataclass(frozen=True)
class PDCAEntry:
    """PDCA ログの 1 行です。"""

    cycle: str
    date: _dt.date | None
    subject: str
    checked: str
    decision: str
    reason: str
    next_action: str = ""

    def to_dict(self) -> dict:
        return dict(zip(COLUMNS, (self.cycle, self.date, self.subject, self.checked, self.decision,
                                  self.reason, self.next_action)))


class PDCALog:
    """PDCA の記録をためて、表（DataFrame）や Excel にできる小さなクラスです。

    例::

        log = PDCALog("DX 推進 定例会議")
        log.add("2024年度 第1四半期", checked="オンライン申請率 28%（計画 30%）", decision="継続",
                reason="計画との差は小さく、予測では期限までに届く", date="2024-07-10", subject="オンライン申請率")
        log.to_frame()
    """

    def __init__(self, title: str = "PDCA ログ"):
        self.title = str(title)
        self._entries: list[PDCAEntry] = []

    def add(self, cycle, checked: str, decision: str, reason: str, date=None, subject: str = "",
            next_action: str = "") -> PDCAEntry:
        """1 サイクル分の記録を加えます。

        Args:
            cycle: サイクル（例「2024年6月」「第3回」）。
            checked: 確かめたこと（どのデータで何を見たか）。
            decision: 判断。「継続」「改善」「中止」のどれか。
            reason: 判断の理由（データに基づいて書きます）。
            date: 記録した日（省略可。日付より前の記録より前の日付にはできません）。
            subject: 対象（指標名や事業名）。
            next_action: 次にすること（Act の中身）。
        """
        decision = str(decision or "").strip()
        if decision not in DECISIONS:
            raise DxkitError(f"判断「{decision}」は使えません。「継続」「改善」「中止」のどれかにしてください。")
        for label, value in (("サイクル", cycle), ("確かめたこと", checked), ("理由", reason)):
            if is_missing(value):
                raise DxkitError(f"{label}が空です。PDCA の記録には、何を確かめ、なぜその判断をしたかを必ず書きます。")
        day = to_date(date, "日付")
        if day is not None:
            earlier = [e.date for e in self._entries if e.date is not None and (e.subject == subject or not subject)]
            if earlier and day < max(earlier):
                raise DxkitError(f"日付 {day} が、前の記録の日付 {max(earlier)} より前です。日付の順番を確かめてください。")
        entry = PDCAEntry(str(cycle), day, str(subject or ""), str(checked), decision, str(reason), str(next_action or ""))
        self._entries.append(entry)
        return entry

    @property
    def entries(self) -> list[PDCAEntry]:
        return list(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def decisions(self) -> dict:
        """判断ごとの件数（例 {"継続": 3, "改善": 1, "中止": 0}）です。"""
        return {d: sum(e.decision == d for e in self._entries) for d in DECISIONS}

    def last(self, subject: str | None = None) -> PDCAEntry | None:
        """最後の記録（``subject`` を指定するとその対象の最後の記録）です。"""
        items = [e for e in self._entries if subject is None or e.subject == subject]
        return items[-1] if items else None

    def to_frame(self):
        """記録を表（DataFrame）にします。列: サイクル, 日付, 対象, 確かめたこと, 判断, 理由, 次にすること。"""
        import pandas as pd

        return pd.DataFrame([e.to_dict() for e in self._entries], columns=list(COLUMNS))

    def to_excel(self, path) -> "object":
        """記録を Excel ファイル（シート名「PDCAログ」）に書き出し、そのパスを返します。"""
        from pathlib import Path

        path = Path(path)
        if path.suffix.lower() != ".xlsx":
            raise DxkitError("Excel に書き出すときは、ファイル名を .xlsx で終わらせてください。")
        self.to_frame().to_excel(path, sheet_name="PDCAログ", index=False)
        return path

    def __repr__(self) -> str:
        lines = [f"{self.title}（{len(self)} 件）"]
        for e in self._entries:
            lines.append(f"  {e.cycle} [{e.decision}] {e.subject}: {e.checked} → {e.reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from dxkit.plotting import TEXT_COLORS as c  # readable (4.5:1) decision colours, one palette

        color = {"継続": c["green"], "改善": c["orange"], "中止": c["vermillion"]}
        head = "".join(f"<th>{c}</th>" for c in COLUMNS)
        rows = "".join(
            "<tr>" + "".join(
                f"<td style='text-align:left'>{esc('' if v is None else v)}</td>" if k != "判断" else
                f"<td style='color:{color[v]};font-weight:bold'>{esc(v)}</td>"
                for k, v in e.to_dict().items()) + "</tr>"
            for e in self._entries)
        return f"<div><b>{esc(self.title)}</b>（{len(self)} 件）<table><tr>{head}</tr>{rows}</table></div>"
