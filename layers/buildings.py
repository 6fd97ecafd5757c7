"""Buildings: footprints coloured by a chosen attribute, name on hover."""

from __future__ import annotations

from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import schema
from geo.crs import local_metric_crs
from geo.i18n import t
from geo.rain.risk import RISK_CLASSES, risk_class

from .element import GWLayer, overlay
from .encode import compact_column, compact_ids, encode_polygons, text_column

__all__ = ["COLOR_BY", "MANY_AT", "MIN_ZOOM", "POINT_SIZE_M", "building_layer", "open_incidents_per_building"]

#: What buildings can be coloured by (the key of each option's label is
#: ``map.color_<option>``).
COLOR_BY: Final = ("none", "basement", "elderly", "open", "risk")

#: Buildings known only as points are drawn as squares of this side (metres).
POINT_SIZE_M: Final = 8.0

#: Above this many buildings only those in view are drawn, from MIN_ZOOM on.
MANY_AT: Final = 5000
#: At zoom 15 a building of 20 m is about 4 pixels wide.
MIN_ZOOM: Final = 15
_ONE_COLOUR: Final = "#7f7f7f"
_BINARY: Final = ("#c7c7c7", "#6a3d9a")
_COUNTS: Final = ("#d9d9d9", "#fdbe85", "#fd8d3c", "#d94701")


def open_incidents_per_building(incidents: gpd.GeoDataFrame) -> pd.Series:
    """Number of open incidents joined to each building (by ``building_id``)."""
    if incidents.empty:
        return pd.Series(dtype="int64")
    open_ = incidents[incidents["status"].isin(schema.OPEN_STATUSES) & incidents["building_id"].notna()]
    return open_.groupby(open_["building_id"].astype(str)).size()


def _footprints(buildings: gpd.GeoDataFrame) -> gpd.GeoSeries:
    geoms = buildings.geometry
    is_point = (geoms.geom_type == "Point").to_numpy()
    if not is_point.any():
        return geoms
    crs = local_metric_crs(geoms)
    squares = geoms[is_point].to_crs(crs).buffer(POINT_SIZE_M / 2, cap_style="square").to_crs(geoms.crs)
    out = geoms.copy()
    out[is_point] = squares
    return out


def _counts_class(n: np.ndarray) -> np.ndarray:
    return np.select([n <= 0, n == 1, n <= 3], [0, 1, 2], 3)


def _colouring(buildings: gpd.GeoDataFrame, color_by: str, open_counts: pd.Series | None,
               lang: str, risk: pd.Series | None = None) -> tuple[list[str], list[int], dict[str, object] | None]:
    if color_by == "basement":
        yes = buildings["basement"].fillna(False).astype(bool).to_numpy()
        legend: dict[str, object] = {"title": t("map.color_basement", lang),
                  "items": [[_BINARY[1], t("map.yes", lang)], [_BINARY[0], t("map.no", lang)]]}
        return list(_BINARY), [int(v) for v in yes], legend
    if color_by == "risk":
        scores = risk if risk is not None else pd.Series(dtype="float64")
        score = buildings["building_id"].astype(str).map(scores).fillna(0).to_numpy(dtype=float)
        pal = [c[1] for c in RISK_CLASSES]
        legend = {"title": t("map.color_risk", lang),
                  "items": [[c[1], c[2] if lang == "zh" else c[3]] for c in RISK_CLASSES]}
        return pal, [risk_class(float(v)) for v in score], legend
    if color_by in ("elderly", "open"):
        if color_by == "elderly":
            n = pd.to_numeric(buildings["elderly_alone"], errors="coerce").fillna(0).to_numpy()
        else:
            counts = open_counts if open_counts is not None else pd.Series(dtype="int64")
            n = buildings["building_id"].astype(str).map(counts).fillna(0).to_numpy()
        legend = {"title": t(f"map.color_{color_by}", lang),
                  "items": [[_COUNTS[0], "0"], [_COUNTS[1], "1"], [_COUNTS[2], "2 – 3"], [_COUNTS[3], "≥ 4"]]}
        return list(_COUNTS), [int(v) for v in _counts_class(n)], legend
    return [_ONE_COLOUR], [0] * len(buildings), None


def building_layer(
    buildings: gpd.GeoDataFrame,
    *,
    color_by: str = "none",
    open_counts: pd.Series | None = None,
    lang: str = "zh",
    risk: pd.Series | None = None,
    grid_names: dict[str, str] | None = None,
    grid_people: dict[str, str] | None = None,
) -> folium.FeatureGroup:
    """Building footprints (points drawn as small squares).

    Parameters
    ----------
    buildings
        The buildings layer.
    color_by
        One of :data:`COLOR_BY`.
    open_counts
        Open incidents per ``building_id`` (for ``color_by="open"``), from
        :func:`open_incidents_per_building` on the filtered incidents.
    lang
        Language of tooltips and legend.
    risk
        Flood-risk score (0-100) per ``building_id`` (for ``color_by="risk"``),
        from :func:`geo.rain.risk.building_risk`; classes of
        :data:`geo.rain.risk.RISK_CLASSES`.
    grid_names, grid_people
        The grid's name, and its grid worker and phone, by ``grid_id``, for
        the popup (the id is shown where a name is missing).

    Returns
    -------
    folium.FeatureGroup
    """
    if color_by not in COLOR_BY:
        msg = f"Unknown building colouring {color_by!r}; use one of {', '.join(COLOR_BY)}."
        raise ValueError(msg)
    pal, ci, legend = _colouring(buildings, color_by, open_counts, lang, risk)
    basement = buildings["basement"].astype("boolean")
    props: dict[str, object] = {
        "name": text_column(buildings["name"]),
        "head": text_column(buildings["head"]),
        "head_phone": text_column(buildings["head_phone"]),
        "grid": text_column(buildings["grid_id"].map(grid_names).fillna(buildings["grid_id"])
                            if grid_names else buildings["grid_id"]),
        "worker": text_column(buildings["grid_id"].map(grid_people) if grid_people else
                              pd.Series([None] * len(buildings), index=buildings.index)),
        "households": text_column(buildings["households"]),
        "elderly_alone": text_column(buildings["elderly_alone"]),
        "basement": [t("map.yes", lang) if b is True else t("map.no", lang) if b is False else ""
                     for b in basement.tolist()],
    }
    tip = [[t("map.head", lang), "head"], [t("map.phone", lang), "head_phone"]]
    if color_by == "risk" and risk is not None:
        score = buildings["building_id"].astype(str).map(risk)
        props["risk"] = ["" if pd.isna(v) else f"{float(v):.0f}" for v in score.tolist()]
        tip.append([t("map.color_risk", lang), "risk"])
    props = {k: compact_column(v) for k, v in props.items()}  # type: ignore[arg-type]
    pop = [
        [t("map.grid", lang), "grid"],
        [t("map.worker", lang), "worker"],
        [t("col.households", lang), "households"],
        [t("col.elderly_alone", lang), "elderly_alone"],
        [t("col.basement", lang), "basement"],
        *tip,
    ]
    payload: dict[str, object] = encode_polygons(_footprints(buildings))
    payload.update(
        kind="building", id=compact_ids(text_column(buildings["building_id"])), props=props, title=t("map.building", lang),
        tip=tip, pop=pop, pal=pal, ci=ci, legend=legend, hover=True,
        # Above MANY_AT buildings the browser draws only those in view, from
        # zoom MIN_ZOOM on (GW.manyPolygons), and says so below it.
        manyAt=MANY_AT, minZoom=MIN_ZOOM, zoomNote=t("map.zoom_for_buildings", lang),
        style={"color": "#404040", "weight": 0.8, "fillOpacity": 0.75},
    )
    return overlay(t("map.layer_buildings", lang), GWLayer("polygons", payload))
