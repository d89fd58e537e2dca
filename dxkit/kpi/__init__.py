"""KPI の設計（SMART）・ロジックモデル・KPI ツリー・進捗管理・ダッシュボード・PDCA ログです（講座 02）。

使い方の例::

    from dxkit.kpi import KPI, smart_review, track
    kpi = KPI("オンライン申請率", unit="%", baseline=12, baseline_date="2023-03-31",
              target=40, deadline="2026-03-31", direction="増やす",
              owner="DX推進課", source="電子申請システムの受付件数", kind="アウトカム")
    smart_review(kpi)                       # S/M/A/R/T の ✅/❌ と理由
    track(kpi, actuals, as_of="2025-03-31") # 達成率・計画との差・予測・状態（順調/注意/遅延）

計算は純粋な関数で、図は ``plot_*`` 関数だけが描きます。日本語の図にするには先に
``dxkit.plotting.setup()`` を呼んでください。
"""

from .dashboard import plot_dashboard, plot_tracking
from .logic import STAGES, LogicModel, plot_logic_model
from .model import (
    DECREASE,
    INCREASE,
    KPI,
    OUTCOME,
    OUTPUT,
    Criterion,
    SmartReview,
    kpi_from_row,
    kpis_from_frame,
    review_table,
    smart_review,
)
from .pdca import DECISIONS, PDCAEntry, PDCALog
from .tree import KPITree, TreeNode, plot_kpi_tree
from .tracking import (
    DELAY_FORECAST,
    DELAY_GAP,
    WARN_GAP,
    Forecast,
    Tracking,
    achievement_rate,
    actuals_for,
    decide_status,
    elapsed_ratio,
    forecast,
    monthly_series,
    planned_value,
    require_trackable,
    status_rule,
    track,
    track_many,
)

__all__ = [
    "KPI", "INCREASE", "DECREASE", "OUTPUT", "OUTCOME", "Criterion", "SmartReview", "smart_review",
    "review_table", "kpi_from_row", "kpis_from_frame",
    "LogicModel", "STAGES", "plot_logic_model", "KPITree", "plot_kpi_tree",
    "achievement_rate", "elapsed_ratio", "planned_value", "monthly_series", "forecast", "Forecast",
    "decide_status", "status_rule", "track", "Tracking", "track_many", "actuals_for", "require_trackable",
    "WARN_GAP", "DELAY_GAP", "DELAY_FORECAST",
    "plot_tracking", "plot_dashboard", "PDCALog", "PDCAEntry", "DECISIONS",
]
