"""Flood zones: translucent blue floodplain polygons, darker for more frequent floods."""

from __future__ import annotations

from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n import t

from .element import GWLayer, overlay
from .encode import encode_polygons, text_column

__all__ = ["MAX_VERTICES", "PERIOD_CLASSES", "flood_zone_layer", "simplify_for_display"]

#: Return-period classes: up to these years (inclusive), blue from dark (frequent) to light (rare).
PERIOD_CLASSES: Final = ((10, "#08519c"), (50, "#3182bd"), (100, "#6baed6"), (None, "#bdd7e7"))
#: Colour of zones without a return period.
UNKNOWN_PERIOD: Final = "#9ecae1"
#: Vertices sent to the browser for the whole layer; zones are simplified beyond.
MAX_VERTICES: Final = 40_000
#: First simplification tolerance (degrees, about 0.5 m); doubled until the layer fits.
_FIRST_TOLERANCE: Final = 5e-6


def simplify_for_display(geoms: gpd.GeoSeries, max_vertices: int = MAX_VERTICES) -> gpd.GeoSeries:
    """Zones with at most about ``max_vertices`` vertices in all (for drawing only).

    The tolerance starts below a metre and doubles until the layer fits, so
    a floodplain digitised at survey precision keeps its shape on screen
    while its payload stays small. Shapes already small are returned as
    they are.
    """
    arr = np.asarray(geoms.values, dtype=object)
    arr = np.where(pd.isna(arr), shapely.Polygon(), arr)
    if int(shapely.get_num_coordinates(arr).sum()) <= max_vertices:
        return geoms
    tol = _FIRST_TOLERANCE
    out = arr
    for _ in range(24):
        out = shapely.simplify(arr, tol, preserve_topology=True)
        if int(shapely.get_num_coordinates(out).sum()) <= max_vertices:
            break
        tol *= 2
    return gpd.GeoSeries(out, index=geoms.index, crs=geoms.crs)


def _period_class(years: object) -> int:
    """Index into :data:`PERIOD_CLASSES`, or -1 for a zone without a return period."""
    if years is None or pd.isna(years):
        return -1
    for k, (upto, _color) in enumerate(PERIOD_CLASSES):
        if upto is None or float(years) <= upto:  # type: ignore[arg-type]
            return k
    return len(PERIOD_CLASSES) - 1


def _class_label(k: int, lang: str) -> str:
    if k < 0:
        return t("map.zone_period_unknown", lang)
    upto = PERIOD_CLASSES[k][0]
    if upto is None:
        rarest = PERIOD_CLASSES[k - 1][0]
        return f"> {t('map.zone_period', lang, years=rarest)}"
    return f"≤ {t('map.zone_period', lang, years=upto)}"


def flood_zone_layer(
    zones: gpd.GeoDataFrame,
    *,
    lang: str = "zh",
    name: str | None = None,
    max_vertices: int = MAX_VERTICES,
    show: bool = True,
) -> folium.FeatureGroup:
    """Flood zones as one translucent blue layer with a legend and tooltips.

    Parameters
    ----------
    zones
        The ``flood_zones`` layer (WGS-84, or shifted for a Chinese base map):
        ``zone_id``, ``name``, ``return_period_years``, ``depth_m``, ``source``.
    lang
        Language of tooltips and legend.
    name
        Name in the layer control.
    max_vertices
        Vertices sent for the whole layer (see :func:`simplify_for_display`).
    show
        Shown when the map opens (it can be toggled in the layer control).

    Returns
    -------
    folium.FeatureGroup
        One entry in the layer control; tooltips give name, return period,
        depth and source (escaped in the browser).
    """
    geoms = simplify_for_display(zones.geometry, max_vertices)
    payload: dict[str, object] = encode_polygons(geoms)
    cls = [_period_class(v) for v in zones["return_period_years"]] if len(zones) else []
    pal = [c for _, c in PERIOD_CLASSES] + [UNKNOWN_PERIOD]
    years = zones["return_period_years"] if len(zones) else pd.Series([], dtype="Int64")
    depth = pd.to_numeric(zones["depth_m"], errors="coerce") if len(zones) else pd.Series([], dtype=float)
    props = {
        "name": [n or i for n, i in zip(text_column(zones["name"]), text_column(zones["zone_id"]), strict=True)],
        "period": ["" if pd.isna(y) else t("map.zone_period", lang, years=int(y)) for y in years],
        "depth": ["" if pd.isna(d) else f"{d:g}" for d in depth],
        "source": text_column(zones["source"], 200),
    }
    tip = [[t("map.return_period", lang), "period"], [t("map.zone_depth", lang), "depth"],
           [t("map.zone_source", lang), "source"]]
    present = sorted(set(cls), key=lambda k: (k < 0, k))
    legend = {"title": t("map.layer_flood_zones", lang), "position": "bottomleft",
              "items": [[pal[k], _class_label(k, lang)] for k in present]}
    payload.update(
        kind="flood_zone", id=text_column(zones["zone_id"]), props=props, title=t("map.flood_zone", lang),
        tip=tip, pop=tip, hover=True, pal=pal, ci=[k if k >= 0 else len(pal) - 1 for k in cls],
        style={"color": "#08519c", "weight": 1.2, "fillOpacity": 0.3, "dashArray": "4 3"},
        legend=legend if present else None,
    )
    return overlay(name or t("map.layer_flood_zones", lang), GWLayer("polygons", payload), show=show)
