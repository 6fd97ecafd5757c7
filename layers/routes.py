"""Patrol routes on the map: one coloured line per patroller, numbered stops, the start.

Colours come from :func:`geo.routing.export.color` so the map, the KML and the
printed sheet agree. Stops are DivIcons (a number in a coloured disc, no
image, nothing loaded from the network); a stop no street reaches gets a
dashed red ring. Every value that reaches HTML is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable

import folium
import geopandas as gpd
import pandas as pd

from geo.i18n import t
from geo.routing.style import color

__all__ = ["route_layer", "stop_icon"]

STOP_PX = 20
START_PX = 26


def stop_icon(seq: int, fill: str, *, straight: bool = False) -> folium.DivIcon:
    """A numbered disc in the patroller's colour (a dashed red ring: reached by a straight line)."""
    ring = "2px dashed #b00020" if straight else "2px solid #ffffff"
    style = (
        f"width:{STOP_PX}px;height:{STOP_PX}px;border-radius:50%;"
        f"background:{html.escape(fill)};color:#fff;border:{ring};box-sizing:border-box;"
        f"font:bold 10px/{STOP_PX - 4}px sans-serif;text-align:center;box-shadow:0 0 2px rgba(0,0,0,.6);"
    )
    return folium.DivIcon(
        html=f'<div class="gw-route-stop" style="{style}">{int(seq)}</div>',
        icon_size=(STOP_PX, STOP_PX),
        icon_anchor=(STOP_PX // 2, STOP_PX // 2),
        class_name="gw-route-stop-icon",
    )


def _start_icon(label: str) -> folium.DivIcon:
    style = (
        f"width:{START_PX}px;height:{START_PX}px;border-radius:4px;background:#222;color:#fff;"
        "border:2px solid #fff;box-sizing:border-box;font:bold 12px/22px sans-serif;text-align:center;"
        "box-shadow:0 0 3px rgba(0,0,0,.7);"
    )
    return folium.DivIcon(
        html=f'<div class="gw-route-start" style="{style}">{html.escape(label)}</div>',
        icon_size=(START_PX, START_PX),
        icon_anchor=(START_PX // 2, START_PX // 2),
        class_name="gw-route-start-icon",
    )


def route_layer(
    stops: gpd.GeoDataFrame,
    routes: gpd.GeoDataFrame,
    start: tuple[float, float] | None = None,
    *,
    lang: str = "zh",
    type_label: Callable[[str], str] = str,
) -> folium.FeatureGroup:
    """The routes of a plan as one feature group.

    Parameters
    ----------
    stops, routes
        ``RoutePlan.stops`` and ``RoutePlan.routes`` (EPSG:4326, or shifted
        for a GCJ-02 base map: positions come from the geometries).
    start
        ``(lon, lat)`` of the start, in the same coordinates, or None.
    lang
        Language of the tooltips.
    type_label
        Label of an incident type code.

    Returns
    -------
    folium.FeatureGroup
    """
    fg = folium.FeatureGroup(name=t("routes.layer", lang))
    for row in routes.itertuples():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        tip = t("routes.tip_route", lang, p=int(row.patroller), n=int(row.n_stops), m=float(row.length_m))
        folium.PolyLine(
            [(y, x) for x, y in geom.coords],
            color=color(int(row.patroller)),
            weight=4,
            opacity=0.85,
            tooltip=_safe(tip),
        ).add_to(fg)
    for row in stops.itertuples():
        tip = t("routes.tip_stop", lang, p=int(row.patroller), seq=int(row.seq), id=row.id,
                type=type_label(str(row.type)), grid=_text(row.grid_id), cum=float(row.cumulative_m))  # fmt: skip
        if bool(row.straight):
            tip += " · " + t("routes.tip_straight", lang)
        folium.Marker(
            [row.geometry.y, row.geometry.x],
            icon=stop_icon(int(row.seq), color(int(row.patroller)), straight=bool(row.straight)),
            tooltip=_safe(tip),
        ).add_to(fg)
    if start is not None:
        label = t("routes.start_marker", lang)
        folium.Marker([start[1], start[0]], icon=_start_icon(label[:1]), tooltip=_safe(label),
                      z_index_offset=1000).add_to(fg)  # fmt: skip
    return fg


def _safe(text: str) -> str:
    """Escaped for HTML and for the JavaScript template literal folium puts tooltips in."""
    return html.escape(text).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
