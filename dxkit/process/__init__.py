"""業務改革（BPR）のための工程モデルです（講座 01）。

工程表（1 行 = 1 工程）から業務の流れを作り、検査し、指標を計算し、図にし、As-Is と To-Be を比べます::

    from dxkit.process import Process, ProcedureInfo, compare
    asis = Process.from_table(df, name="転居届（現状）")
    asis.metrics(volume=4200)          # リードタイム・待ち時間・引き継ぎ・年間業務時間
    asis.plot()                        # 業務流れ図（WFA 風のスイムレーン）
    show_mermaid(asis)                 # Mermaid の図（JupyterLab 4）
    compare(asis, tobe)                # As-Is と To-Be の比較表と年間削減時間

計算の決めごと（分岐は期待値、時間は分など）は ``dxkit.process.metrics`` の説明にあります。
"""

from .compare import Comparison, compare
from .draw import plot_compare, plot_pareto, plot_swimlane, show_mermaid, to_html, to_mermaid
from .metrics import (METRIC_LABELS, ProcessMetrics, annual_hours, bottleneck, compute_metrics,
                      expected_visits, longest_path, step_table, workload_ranking)
from .info import ProcedureInfo
from .model import COLUMNS, CUSTOMERS, KINDS, MEDIA, PROCESSING, REQUIRED, Process, Step
from .table import drop_steps, parse_steps, read_table, validate_table

__all__ = [
    "COLUMNS", "CUSTOMERS", "KINDS", "MEDIA", "PROCESSING", "REQUIRED", "METRIC_LABELS",
    "Step", "Process", "ProcedureInfo", "ProcessMetrics", "Comparison",
    "read_table", "parse_steps", "validate_table", "drop_steps", "load_process",
    "compute_metrics", "expected_visits", "longest_path", "step_table", "bottleneck",
    "annual_hours", "workload_ranking", "compare",
    "plot_swimlane", "plot_pareto", "plot_compare", "to_mermaid", "show_mermaid", "to_html",
]


def load_process(name: str, title: str | None = None, info: ProcedureInfo | None = None) -> Process:
    """同梱データセット（例: "bpr_tenkyo_asis"）の工程表を読み込み、工程モデルにします。

    ``title`` を省くと、データセットの説明にある題名（例「転居届（As-Is）」）を工程の名前にします。
    """
    from dxkit.data import load_dataset, load_schema

    if title is None:
        title = str(load_schema(name).get("title") or name).removesuffix("の工程表")
    return Process.from_table(load_dataset(name), name=title, info=info)
