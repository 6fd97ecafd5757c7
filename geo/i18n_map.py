"""The translation table of the city-scale map (live layers, names, the overview): merged into :data:`geo.i18n.STRINGS`.

Same form as the main table (``"key": ("中文", "English")``), one block per
part: the live map, qualified names and the overview, the layer cache.
"""

from __future__ import annotations

from typing import Final

MAP_STRINGS: Final[dict[str, tuple[str, str]]] = {
    # ---- the live map (geo.mapview, layers.live, views.map_api) ----------------
    "map.layer_live": ("地图（按视野加载）", "Map (loaded by view)"),
    "map.live_loading": ("正在加载本视野……", "Loading this view…"),
    "map.live_failed": (
        "地图数据没有加载成功，请刷新页面；若仍不行，请用 `make run` 或 `python -m geo serve` 启动本程序（它提供地图数据）。",
        "The map data did not load. Reload the page; if that does not help, start the app with `make run` or "
        "`python -m geo serve` (they serve the map data).",
    ),
    "map.live_incidents": ("事件数", "Incidents"),
    "map.live_communitys": ("{n} 个社区", "{n} communities"),
    "map.live_grids": ("{n} 个网格", "{n} grids"),
    "map.live_counts_note": ("圆圈里的数字是该处全部事件数（已按筛选）；点击放大", "Numbers are every incident there (as filtered); click to zoom in"),
    "map.live_status": ("本视野 {shown} 个 · 全部 {all} 个", "{shown} in view · {all} in all"),
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
