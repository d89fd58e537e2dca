"""As-Is（現状）と To-Be（あるべき姿）の比べっこです。"""

from __future__ import annotations

from dataclasses import dataclass

from dxkit.errors import DxkitError

from .metrics import METRIC_LABELS, ProcessMetrics, compute_metrics

_LOWER_IS_BETTER = {"lead_time", "touch_time", "wait_time", "staff_time", "handoffs", "transcriptions",
                    "paper_steps", "steps", "annual_hours"}


@dataclass(frozen=True)
class Comparison:
    """As-Is と To-Be の指標の比較結果です。

    Attributes:
        asis, tobe: それぞれの指標（ProcessMetrics）
        volume: 年間件数（両方に同じ件数を使います）
    """

    asis: ProcessMetrics
    tobe: ProcessMetrics
    volume: float | None

    @property
    def hours_saved(self) -> float | None:
        """年間で減る職員の業務時間（時間）。年間件数が無いときは None です。"""
        if self.asis.annual_hours is None or self.tobe.annual_hours is None:
            return None
        return round(self.asis.annual_hours - self.tobe.annual_hours, 6)

    @property
    def minutes_saved_per_case(self) -> float:
        """1 件あたりに減る職員の作業時間（分）。"""
        return round(self.asis.staff_time - self.tobe.staff_time, 6)

    @property
    def table(self):
        """指標ごとに As-Is・To-Be・差（To-Be − As-Is）・変化率を並べた DataFrame です。"""
        import pandas as pd

        rows = []
        for key, label in METRIC_LABELS.items():
            a, b = getattr(self.asis, key), getattr(self.tobe, key)
            diff = None if a is None or b is None else round(b - a, 6)
            rate = None if diff is None or not a else round(diff / a, 4)
            rows.append({"指標": label, "As-Is": a, "To-Be": b, "差（To-Be − As-Is）": diff, "変化率": rate})
        return pd.DataFrame(rows).set_index("指標")

    def improved(self) -> list[str]:
        """To-Be で良くなった指標の名前の一覧です。"""
        out = []
        for key, label in METRIC_LABELS.items():
            a, b = getattr(self.asis, key), getattr(self.tobe, key)
            if a is None or b is None or key in ("annual_volume",):
                continue
            if (key in _LOWER_IS_BETTER and b < a) or (key == "efficiency" and b > a):
                out.append(label)
        return out

    def plot(self, ax=None):
        from .draw import plot_compare

        return plot_compare(self, ax=ax)

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.asis.name} → {self.tobe.name}</b>: 1 件あたり職員の作業時間 " \
               f"{self.asis.staff_time:g} 分 → {self.tobe.staff_time:g} 分"
        if self.hours_saved is not None:
            head += f"、年間 <b>{self.hours_saved:,.1f} 時間</b> の削減（年間 {self.volume:,.0f} 件）"
        head += "</p>"
        table = self.table.copy()
        table["変化率"] = table["変化率"].map(lambda r: "" if r is None or r != r else f"{r:+.0%}")
        return head + table.to_html(float_format=lambda x: f"{x:,.2f}", na_rep="—")

    def __repr__(self) -> str:
        saved = "—" if self.hours_saved is None else f"{self.hours_saved:,.1f}"
        return f"Comparison({self.asis.name} → {self.tobe.name}, 年間削減時間={saved} 時間)"


def compare(asis, tobe, volume: float | None = None, method: str = "expected") -> Comparison:
    """As-Is と To-Be の工程モデルを同じ年間件数で比べます。

    Args:
        asis, tobe: 工程モデル（Process）
        volume: 年間件数。省略すると As-Is の業務説明表の年間件数（無ければ To-Be のもの）を使います。
        method: "expected"（期待値、既定）か "longest"（最長経路）
    """
    from .model import Process

    if not isinstance(asis, Process) or not isinstance(tobe, Process):
        raise DxkitError("compare には As-Is と To-Be の工程モデル（Process）を渡してください。")
    if volume is None:
        for p in (asis, tobe):
            if p.info is not None and p.info.annual_volume is not None:
                volume = p.info.annual_volume
                break
    a = compute_metrics(asis, volume=volume, method=method)
    b = compute_metrics(tobe, volume=volume, method=method)
    return Comparison(a, b, a.annual_volume)
