"""The translation table of the city-scale map (live layers, names, the overview): merged into :data:`geo.i18n.STRINGS`.

Same form as the main table (``"key": ("中文", "English")``), one block per
part: the live map, qualified names and the overview, the layer cache.
"""

from __future__ import annotations

from typing import Final

MAP_STRINGS: Final[dict[str, tuple[str, str]]] = {
    # ---- the live map (geo.mapview, layers.live, views.map_api) ----------------
    # (end of block: live)
    # ---- qualified names and the grouped overview --------------------------------
    # (end of block: names)
    # ---- the layer cache (geo.layer_cache) ---------------------------------------
    # (end of block: cache)
}
