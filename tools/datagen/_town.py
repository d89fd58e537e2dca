"""The fictional town shared by the generators: みどり野市 and its districts.

Nothing here is real: the 全国地方公共団体コード starts with 99, which no prefecture uses.
"""

from __future__ import annotations

import json
from pathlib import Path

TOWN_NAME = "みどり野市"
# 5-digit code 99901 plus its check digit (11 - weighted sum mod 11), as real codes have.
TOWN_CODE = "999016"

# code, name, kind (used by population and nursery), relative position (north, east) in km
DISTRICTS = [
    ("001", "中央", "urban_core", (0.0, 0.0)),
    ("002", "駅前", "station", (-0.8, 1.2)),
    ("003", "桜台", "new_town_young", (2.5, -3.0)),
    ("004", "西台", "suburb", (0.5, -4.5)),
    ("005", "東町", "mixed", (-0.5, 3.5)),
    ("006", "南が丘", "new_town_old", (-4.0, 0.5)),
    ("007", "本郷", "old_town", (1.5, 1.5)),
    ("008", "川辺", "rural", (-2.5, 6.5)),
    ("009", "北山", "mountain", (7.5, 1.0)),
]
DISTRICT_NAMES = [d[1] for d in DISTRICTS]
# A point off the coast, so that no real address sits at these coordinates.
CENTER_LAT, CENTER_LON = 35.30, 140.62


def latlon(north_km: float, east_km: float) -> tuple[float, float]:
    return round(CENTER_LAT + north_km / 111.0, 6), round(CENTER_LON + east_km / 90.8, 6)


def write_schema(schema: dict, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return path
