"""Grids: outlines with labels, and a choropleth of one per-grid figure."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.i18n import column_label, t

from .element import GWLayer, overlay
from .encode import compact_ids, encode_points, encode_polygons, origin_of, text_column

__all__ = ["FIGURES", "PALETTE", "classify", "grid_layer", "legend", "selection_layer"]

#: Figures of the per-grid summary a user can colour grids by.
FIGURES: Final = (
    "open_incidents",
    "incidents_per_km2",
    "incidents",
    "incidents_per_100_households",
    "elderly_alone",
    "households",
    "residents",
)

#: Sequential palette (ColorBrewer YlOrRd, 5 classes), light to dark.
PALETTE: Final = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
NO_DATA: Final = "#d9d9d9"

#: Grid labels show from this zoom on (a district at zoom 13 would be clutter).
LABEL_MIN_ZOOM: Final = 14


def classify(values: pd.Series, classes: int = len(PALETTE),
             breaks: list[float] | None = None) -> tuple[np.ndarray, list[float]]:
    """Class of each value (quantile breaks on the distinct values, or the ``breaks`` given).

    A map that shows part of the grids at a time (the live map) classifies
    them by the breaks of all of them, so a grid keeps its colour as the
    view moves.

    Returns
    -------
    classes
        Index into :data:`PALETTE` per value, -1 where the value is missing.
    breaks
        Upper bounds of the classes (``len(breaks)`` classes are used).
    """
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    ok = ~np.isnan(v)
    out = np.full(len(v), -1, dtype=int)
    if breaks is not None:
        if not breaks:
            return out, []
        out[ok] = np.searchsorted(np.array(breaks), v[ok], side="left")
        return np.minimum(out, len(breaks) - 1), list(breaks)
    if not ok.any():
        return out, []
    distinct = np.unique(v[ok])
    if len(distinct) <= classes:
        breaks = distinct.tolist()
    else:
        q = np.quantile(v[ok], np.linspace(0, 1, classes + 1)[1:])
        if np.all(v[ok] == np.round(v[ok])):  # counts: whole-number breaks
            q = np.ceil(q)
        breaks = np.unique(q).tolist()
    out[ok] = np.searchsorted(np.array(breaks), v[ok], side="left")
    return np.minimum(out, len(breaks) - 1), breaks


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def legend(figure: str, breaks: list[float], lang: str, has_missing: bool,
            whole: bool = False) -> dict[str, object]:
    """Legend of the classes of :func:`classify` (class k holds the values above ``breaks[k-1]`` up to ``breaks[k]``).

    With whole numbers (counts) the ranges do not touch: ``≤ 18``, ``19 – 20``; otherwise ``≤ 1.5``,
    ``> 1.5 – 3.2``.
    """
    colors = _palette_for(len(breaks))
    items = []
    lo: float | None = None
    for c, hi in zip(colors, breaks, strict=True):
        if lo is None:
            label = f"≤ {_fmt(hi)}"
        elif whole:
            label = _fmt(hi) if lo + 1 == hi else f"{_fmt(lo + 1)} – {_fmt(hi)}"
        else:
            label = f"> {_fmt(lo)} – {_fmt(hi)}"
        items.append([c, label])
        lo = hi
    if has_missing:
        items.append([NO_DATA, t("map.no_data", lang)])
    return {"title": column_label(figure, lang), "items": items, "position": "bottomright"}


def _palette_for(n: int) -> list[str]:
    if n <= 0:
        return []
    idx = np.round(np.linspace(0, len(PALETTE) - 1, n)).astype(int) if n > 1 else [len(PALETTE) - 1]
    return [PALETTE[i] for i in idx]


def grid_layer(
    grids: gpd.GeoDataFrame,
    summary: pd.DataFrame | None = None,
    *,
    figure: str | None = None,
    lang: str = "zh",
    name: str | None = None,
    labels: Mapping[str, str] | None = None,
    breaks: list[float] | None = None,
) -> folium.FeatureGroup:
    """Grid outlines, labelled, filled by ``figure`` of ``summary``.

    Parameters
    ----------
    grids
        The grids layer (WGS-84, or shifted for a Chinese base map).
    summary
        Per-grid figures (``geo.summary.grid_summary``), matched on
        ``grid_id``; needed when ``figure`` is given.
    figure
        A column of ``summary`` (see :data:`FIGURES`), or None for outlines
        only.
    lang
        Language of labels, tooltips and legend.
    name
        Name in the layer control.
    labels
        The name to show per grid id (:func:`geo.names.grid_labels`), in
        place of the grids' ``name`` (label and tooltip head).
    breaks
        Class breaks to colour by (those of every grid, when ``grids`` is
        part of them); quantiles of ``grids`` by default.

    Returns
    -------
    folium.FeatureGroup
    """
    ids = text_column(grids["grid_id"])
    props: dict[str, list[str]] = {c: text_column(grids[c]) for c in ("name", "community", "worker", "phone")}
    if labels is not None:
        props["name"] = [labels.get(i, n) for i, n in zip(ids, props["name"], strict=True)]
    payload: dict[str, object] = encode_polygons(grids.geometry, origin_of(grids.geometry))
    tip = [[t("map.community", lang), "community"], [t("map.worker", lang), "worker"], [t("map.phone", lang), "phone"]]
    style: dict[str, object] = {"color": "#08306b", "weight": 2.5, "fillColor": "#6baed6", "fillOpacity": 0.08}
    if figure is not None and summary is not None and figure in summary.columns:
        values = summary.set_index(summary["grid_id"].astype(str))[figure]
        values = values[~values.index.duplicated()].reindex(ids)
        cls, breaks = classify(values, breaks=breaks)
        colors = _palette_for(len(breaks))
        payload["pal"] = [*colors, NO_DATA]
        payload["ci"] = [int(c) if c >= 0 else len(colors) for c in cls]
        props["figure"] = ["" if pd.isna(v) else _fmt(float(v)) for v in values.to_numpy(dtype=float)]
        tip.append([column_label(figure, lang), "figure"])
        known = values.dropna().to_numpy(dtype=float)
        whole = bool(len(known)) and bool((known == known.round()).all())
        payload["legend"] = legend(figure, breaks, lang, bool((cls < 0).any()), whole)
        style["fillOpacity"] = 0.55
    label_pts = shapely.point_on_surface(np.where(grids.geometry.isna(), shapely.Point(), grids.geometry.values))
    labels = encode_points(gpd.GeoSeries(label_pts, crs=grids.crs), tuple(payload["o"]))  # type: ignore[arg-type]
    payload.update(
        kind="grid", id=compact_ids(ids), props=props, title=t("map.grid", lang), tip=tip, pop=tip, style=style,
        hover=True, labels={"x": labels["x"], "y": labels["y"], "minZoom": LABEL_MIN_ZOOM},
    )
    return overlay(name or t("map.layer_grids", lang), GWLayer("polygons", payload))


def selection_layer(shapes: gpd.GeoSeries, *, lang: str = "zh") -> folium.FeatureGroup:
    """A bright outline around the selected grid or building (not clickable)."""
    payload: dict[str, object] = encode_polygons(shapes)
    payload.update(
        kind="selection", id=[str(i) for i in range(len(shapes))], props={}, title="",
        interactive=False, style={"color": "#ffd400", "weight": 5, "fill": False, "opacity": 1},
    )
    return overlay(t("map.layer_selection", lang), GWLayer("polygons", payload))
