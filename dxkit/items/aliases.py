"""Former practice-item ids → current ids.

An item id is never reused once published, but a lesson may be split or moved: its items then get new ids
(``<course>/<lesson>/<name>``). Learners' progress files keep the old ids; ``dxkit.progress`` counts those
records for the current item. Add a line here whenever an item's id changes.
"""

from __future__ import annotations

ALIASES: dict[str, str] = {
    # course 05 split from 4 into 7 lessons (2026-12)
    "05/01/count_total": "05/02/count_total",
    "05/01/codes_as_text": "05/02/codes_as_text",
    "05/01/missing_count": "05/02/missing_count",
    "05/01/validated": "05/02/validated",
    "05/02/total_by_district": "05/03/total_by_district",
    "05/02/kids04": "05/03/kids04",
    "05/02/preschool_est": "05/03/preschool_est",
    "05/02/kids_pivot": "05/03/kids_pivot",
    "05/02/capacity": "05/04/capacity",
    "05/02/shortage": "05/04/shortage",
    "05/02/online_rate": "05/04/online_rate",
    "05/03/bar_data": "05/05/bar_data",
    "05/03/line_data": "05/05/line_data",
    "05/03/pyramid": "05/05/pyramid",
    "05/03/chart_habits": "05/05/chart_habits",
    "05/04/naive_gap": "05/06/naive_gap",
    "05/04/stratified_gap": "05/06/stratified_gap",
    "05/04/did": "05/07/did",
    "05/04/yoy_swing": "05/07/yoy_swing",
    "05/04/limits_choice": "05/07/limits_choice",
}
