"""受講者グループの採点（dxkit cohort）: 名簿 → 配布 → 回収 → 並列の自動採点 → フィードバック → 成績の書き出し。

nbgrader の Python API の上に作っています。使い方は grading/COHORT.md を見てください。
"""

from dxkit.cohort.course import Course

__all__ = ["Course"]
