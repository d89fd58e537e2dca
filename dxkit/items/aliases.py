"""Former practice-item ids → current ids.

An item id is never reused once published, but a lesson may be split or moved: its items then get new ids
(``<course>/<lesson>/<name>``). Learners' progress files keep the old ids; ``dxkit.progress`` counts those
records for the current item. Add a line here whenever an item's id changes.
"""

from __future__ import annotations

ALIASES: dict[str, str] = {
    # course 00 restructured into nine lessons in learning order (2026-12)
    "00/04/classify": "00/08/classify",
    "00/04/match_priority": "00/08/match_priority",
    "00/04/steps_order": "00/08/steps_order",
    "00/04/tsukuba_cut": "00/09/tsukuba_cut",
    "00/04/kitami_hours": "00/09/kitami_hours",
    "00/04/online_rate": "00/09/online_rate",
    "00/04/rate_change": "00/09/rate_change",
    "00/03/online_count": "00/04/online_count",
    "00/03/long_waits": "00/04/long_waits",
    "00/03/people_by_proc": "00/04/people_by_proc",
    "00/03/fee_function": "00/05/fee_function",
    "00/03/age_function": "00/05/age_function",
    "00/03/safe_average": "00/05/safe_average",
    "00/03/fix_message": "00/02/fix_message",
    "00/03/apps_total": "00/06/apps_total",
    "00/03/apps_online_total": "00/06/apps_online_total",
    "00/02/procedures_plus": "00/03/procedures_plus",
    "00/02/procedures_slice": "00/03/procedures_slice",
    "00/02/week_total": "00/03/week_total",
    "00/02/busiest_day": "00/03/busiest_day",
    "00/02/ledger_people": "00/03/ledger_people",
    "00/01/markdown_note": "00/02/markdown_note",
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
