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
    "col.grids": ("网格数", "Grids"),
    "app.ov_communities": (
        "{n} 个社区、{grids} 个网格，按“{figure}”从高到低排列；点击表头可按该列排序。",
        "{n} communities, {grids} grids, worst first by “{figure}”; click a header to sort by it.",
    ),
    "app.ov_community_pick": ("查看此社区的网格", "Show the grids of"),
    "app.ov_no_community": ("（未填社区）", "(no community)"),
    "app.ov_outside_apart": (
        "另有 {n} 个事件在所有网格之外（其中 {open} 个待处理），不属于任何社区，不参与排名。",
        "Incidents outside every grid: {n} ({open} open), in no community, not ranked.",
    ),
    # (end of block: names)
    # ---- the layer cache (geo.layer_cache) ---------------------------------------
    # (end of block: cache)
}
