"""KPI ダッシュボードの図です（描画だけを行い、計算は tracking にまかせます）。"""

from __future__ import annotations

import math
import re

from dxkit.errors import DxkitError
from dxkit.plotting import GREY, OKABE_ITO, describe

from ._util import fmt, pct
from .model import KPI
from .tracking import WINDOW, actuals_for, monthly_series, to_date, track

# Okabe–Ito (dxkit.plotting); the status is also written in each title, so colour never carries it alone.
STATUS_COLORS = {"順調": OKABE_ITO["green"], "注意": OKABE_ITO["orange"], "遅延": OKABE_ITO["vermillion"]}


def plot_tracking(kpi: KPI, actuals, as_of, ax=None, window: int | None = WINDOW, **kwargs):
    """1 つの KPI の推移の図です: 実績（●）、計画の線（基準→目標の直線）、目標（★）、予測（点線）、評価日（縦線）。

    タイトルに状態（順調/注意/遅延）と達成率を入れます。matplotlib の Axes を返します。
    """
    import matplotlib.pyplot as plt
    import pandas as pd

    result = track(kpi, actuals, as_of, window=window, **kwargs)
    series = monthly_series(actuals, f"「{kpi.name}」の実績")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.8))
    shown = series[series.index <= pd.Timestamp(result.as_of)]
    ax.plot(shown.index, shown.to_numpy(), marker="o", ms=3, color=OKABE_ITO["blue"], label="実績")
    ax.plot([pd.Timestamp(kpi.baseline_date), pd.Timestamp(kpi.deadline)], [kpi.baseline, kpi.target],
            ls="--", color=GREY, lw=1.2, label="計画（基準→目標の直線）")
    ax.scatter([pd.Timestamp(kpi.deadline)], [kpi.target], marker="*", s=160, color=OKABE_ITO["yellow"],
               edgecolors="black", linewidths=0.6, zorder=5, label=f"目標 {fmt(kpi.target)}{kpi.unit or ''}")
    if result.forecast is not None:
        fitted = result.forecast.fitted
        future = fitted[fitted.index >= shown.index[-1]]
        ax.plot(future.index, future.to_numpy(), ls=":", lw=2, color=STATUS_COLORS[result.status], label="予測（直線）")
    ax.axvline(pd.Timestamp(result.as_of), color=OKABE_ITO["purple"], lw=1, alpha=0.8)
    # Title text stays near-black for contrast; the status word carries the meaning, not its colour.
    ax.set_title(f"【{result.status}】{kpi.name}  達成率 {pct(result.achievement)}", color="#1b1b1b", fontsize=11)
    ax.set_ylabel(kpi.unit or "")
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.legend(fontsize=7, loc="best")
    return ax


def plot_dashboard(kpis, actuals, as_of, ncols: int = 2, title: str | None = None,
                   window: int | None = WINDOW, **kwargs):
    """複数の KPI の推移を並べたダッシュボードの図（matplotlib の Figure）を返します。

    Args:
        kpis: KPI のリスト。
        actuals: 実績。{指標名または指標ID: 月次実績} の辞書か、データセット ``kpi_monthly`` の形の DataFrame。
        as_of: 評価日（必ず渡します）。
        ncols: 横に並べる図の数。
        title: 図全体の見出し。省略すると「KPI ダッシュボード（評価日）」。
    """
    import matplotlib.pyplot as plt

    kpis = list(kpis)
    if not kpis or not all(isinstance(k, KPI) for k in kpis):
        raise DxkitError("plot_dashboard() には KPI(...) のリストを渡してください。")
    day = to_date(as_of, "評価日")
    if day is None:
        raise DxkitError("評価日（as_of）を渡してください。")
    ncols = max(1, min(int(ncols), len(kpis)))
    nrows = math.ceil(len(kpis) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(6.2 * ncols, 3.6 * nrows), squeeze=False)
    lines = []
    for ax, kpi in zip(axes.flat, kpis):
        plot_tracking(kpi, actuals_for(kpi, actuals), day, ax=ax, window=window, **kwargs)
        lines.append(re.sub(r"^【(.+?)】(.+?)\s+達成率 (.+)$", r"\2: \1・達成率 \3", ax.get_title()))
    for ax in list(axes.flat)[len(kpis):]:
        ax.axis("off")
    title = title or f"KPI ダッシュボード（{day:%Y年%m月%d日} 時点）"
    fig.suptitle(title, fontsize=14)
    fig.tight_layout()
    describe(fig, f"{title}。KPI ごとの実績の推移と計画の線・目標・予測の折れ線グラフ {len(kpis)} 枚: "
             + "、".join(lines) + "。")
    return fig
