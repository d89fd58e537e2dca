"""講座の最初と最後に答える、5 項目の自己評価です。答えは学習者の PC の進捗ファイルに残り、
``dxkit progress`` と受講記録（Excel）で「始める前 → 終えた後」を比べられます。

    from dxkit.selfassess import SelfAssessment
    SelfAssessment("01", "before").widget()        # 講座01 を始める前
    SelfAssessment("01", "after").widget()         # 講座01 を終えた後

コードからも答えられます: ``SelfAssessment("01", "before").answer([1, 2, 2, 3, 1])``。
採点はしません（正解のない、自分の見立てです）。
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from dxkit.errors import DxkitError

LEVELS = ("まだできない", "少しできる", "だいたいできる", "自信をもってできる")
PHASES = {"before": "講座を始める前", "after": "講座を終えた後"}

__all__ = ["LEVELS", "PHASES", "SelfAssessment", "summary"]


def statements(course_id: str) -> tuple[str, ...]:
    """講座の自己評価の 5 項目を返します。"""
    from dxkit.items.can_do import CAN_DO

    if course_id not in CAN_DO:
        raise DxkitError(f"講座「{course_id}」の自己評価はありません（{', '.join(CAN_DO)} から選んでください）。")
    return tuple(text for text, _ in CAN_DO[course_id])


@dataclass
class SelfAssessment:
    """1 つの講座の、始める前（``"before"``）か終えた後（``"after"``）の自己評価です。"""

    course_id: str
    phase: str

    def __post_init__(self):
        if self.phase not in PHASES:
            raise DxkitError(f"自己評価の時点は {' か '.join(PHASES)} です（{self.phase!r} が渡されました）。")
        self.items = statements(self.course_id)

    def answer(self, levels) -> dict:
        """5 項目それぞれの段階（1〜4）を記録し、保存した記録を返します。"""
        from dxkit.progress import record_assessment

        levels = list(levels)
        if len(levels) != len(self.items):
            raise DxkitError(f"自己評価は {len(self.items)} 項目すべてに答えてください（{len(levels)} 個の答えでした）。")
        for n, level in enumerate(levels, start=1):
            if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= len(LEVELS):
                raise DxkitError(f"項目 {n} の答えは 1〜{len(LEVELS)} の整数にしてください（{level!r}）。")
        return record_assessment(self.course_id, self.phase, levels)

    def widget(self):
        """ipywidgets で答える画面を返します（セルの最後に置くと表示されます）。"""
        import ipywidgets as w

        rows, choosers = [], []
        for n, text in enumerate(self.items, start=1):
            chooser = w.ToggleButtons(options=[(label, i) for i, label in enumerate(LEVELS, start=1)], value=None,
                                      style={"button_width": "auto"})
            choosers.append(chooser)
            rows.append(w.VBox([w.HTML(value=f"<b>{n}.</b> {html.escape(text)}"), chooser]))
        status = w.HTML(value="")
        save = w.Button(description="記録する", button_style="primary", tooltip="答えを進捗ファイルに記録します")

        def on_save(_b):
            levels = [c.value for c in choosers]
            if None in levels:
                status.value = f"<span>未回答の項目があります（{levels.index(None) + 1} 番など）。すべてに答えてください。</span>"
                return
            self.answer(levels)
            status.value = (f"<span>✅ {PHASES[self.phase]}の自己評価を記録しました。"
                            "<code>dxkit progress</code> で前後を比べられます。</span>")

        save.on_click(on_save)
        head = w.HTML(value=f"<b>自己評価（{PHASES[self.phase]}）</b>: それぞれ、いまの自分に近いものを選んでください。")
        return w.VBox([head, *rows, save, status])


def summary(data: dict, course_id: str) -> str:
    """「前 1.8 → 後 3.2」のような短い文（答えていない時点は「—」）を返します。"""
    entry = data.get("assessments", {}).get(course_id, {})

    def mean(phase):
        levels = entry.get(phase, {}).get("levels")
        return f"{sum(levels) / len(levels):.1f}" if levels else "—"

    return f"前 {mean('before')} → 後 {mean('after')}"
