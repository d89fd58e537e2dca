"""Former practice-item ids → current ids.

An item id is never reused once published, but a lesson may be split or moved: its items then get new ids
(``<course>/<lesson>/<name>``). Learners' progress files keep the old ids; ``dxkit.progress`` counts those
records for the current item. Add a line here whenever an item's id changes.
"""

from __future__ import annotations

ALIASES: dict[str, str] = {}
