"""Incidents: one icon and colour per type, styled by status, clustered; flooding history as a heat map."""

from __future__ import annotations

from typing import Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import schema
from geo.i18n import STRINGS, t

from .element import GWLayer, overlay
from .encode import compact_column, compact_ids, encode_points, text_column
from .select import local_times

__all__ = ["DESCRIPTION_CHARS", "heat_layer", "incident_layer", "status_styles", "type_styles"]

#: Descriptions are cut to this length on the map; the side panel shows all.
DESCRIPTION_CHARS: Final = 60

#: Asset conditions that need action now (drawn with an alarm ring).
_ALARM: Final = frozenset({"blocked", "damaged", "missing"})


def type_styles(types: dict[str, schema.IncidentType], codes: list[str], lang: str) -> list[dict[str, str]]:
    """Label, colour and glyph per type code (unknown codes get a grey '?')."""
    out = []
    for code in codes:
        it = types.get(code)
        if it is None:
            out.append({"code": code, "label": code, "color": "#737373", "icon": "?"})
        else:
            out.append({"code": code, "label": it.label_en if lang == "en" else it.label_zh,
                        "color": it.color, "icon": it.icon})
    return out


def status_styles(codes: list[str], lang: str) -> list[dict[str, object]]:
    """Label and open/alarm flags per status code."""
    return [
        {"code": c, "label": t(f"status.{c}", lang) if f"status.{c}" in STRINGS else c,
         "open": c in schema.OPEN_STATUSES, "alarm": c in _ALARM}
        for c in codes
    ]


def _codes(values: pd.Series) -> tuple[list[str], list[int]]:
    cat = pd.Categorical(values.fillna("").astype(str))
    return [str(c) for c in cat.categories], cat.codes.astype(int).tolist()


def incident_layer(  # noqa: PLR0913 - the layer's data, keyword-only
    incidents: gpd.GeoDataFrame,
    types: dict[str, schema.IncidentType],
    *,
    grid_names: dict[str, str] | None = None,
    building_names: dict[str, str] | None = None,
    grid_people: dict[str, str] | None = None,
    building_heads: dict[str, str] | None = None,
    lang: str = "zh",
    cluster: bool = True,
    states: pd.Series | None = None,
) -> folium.FeatureGroup:
    """Incident points with popups, clustered at low zoom.

    Parameters
    ----------
    incidents
        The (filtered) incidents layer.
    types
        Incident types by code (``Store.incident_types()``).
    grid_names, building_names
        Names to show for ``grid_id`` and ``building_id``.
    grid_people, building_heads
        Who is responsible, shown in the popup: the grid worker and phone by
        ``grid_id``, the building head and phone by ``building_id``.
    lang
        Language of labels.
    cluster
        Cluster dense points (Leaflet.markercluster) below zoom 18. Above
        5,000 points the browser draws per-grid aggregates at low zoom and
        only the points in view when zoomed in (``GW.manyPoints``).
    states
        The clock state of each case (``on_time``, ``warning``, ``overdue``,
        ``paused``, ``ended``; ``""`` for assets), indexed like
        ``incidents``: overdue cases get a red ring and warning ones an
        amber one, on the marker and on the cluster that holds them.

    Returns
    -------
    folium.FeatureGroup
    """
    payload: dict[str, object] = encode_points(incidents.geometry)
    type_codes, t_idx = _codes(incidents["type"])
    status_codes, s_idx = _codes(incidents["status"])
    sev_codes, v_idx = _codes(incidents["severity"])
    grid_codes, g_idx = _codes(incidents["grid_id"])
    grid_names = grid_names or {}
    times = local_times(incidents["reported_at"])
    t0 = times.min()
    t0 = pd.Timestamp("2000-01-01") if pd.isna(t0) else t0.floor("D")
    minutes = ((times - t0).dt.total_seconds() // 60).fillna(-1).astype(np.int64).tolist()
    depth = pd.to_numeric(incidents["depth_cm"], errors="coerce")
    bld = incidents["building_id"].map(building_names) if building_names else incidents["building_id"]
    payload.update(
        kind="incident",
        id=compact_ids(text_column(incidents["incident_id"])),
        t=t_idx, st=s_idx, sv=v_idx, g=g_idx, m=minutes,
        t0=int(t0.timestamp()),
        desc=compact_column(text_column(incidents["description"], DESCRIPTION_CHARS)),
        types=type_styles(types, type_codes, lang),
        statuses=status_styles(status_codes, lang),
        sev=[t(f"severity.{c}", lang) if c else "" for c in sev_codes],
        grids=[grid_names.get(c, c) if c else t("app.outside", lang) for c in grid_codes],
        gout=grid_codes.index("") if "" in grid_codes else -1,
        cluster=cluster,
        labels={k: t(f"map.{k}", lang) for k in
                ("type", "status", "severity", "reported_at", "depth", "grid", "worker", "building", "head",
                 "description")},
    )
    if grid_people:
        payload["wk"] = [grid_people.get(c, "") for c in grid_codes]
    if building_heads and incidents["building_id"].notna().any():
        heads = incidents["building_id"].map(building_heads)
        payload["bh"] = compact_column(text_column(heads))
    if states is not None:
        state_codes, c_idx = _codes(states.reindex(incidents.index))
        payload["cs"] = c_idx
        payload["cstates"] = [{"code": c, "label": t(f"app.state_{c}", lang) if c else ""} for c in state_codes]
        payload["labels"]["state"] = t("app.case_state", lang)  # type: ignore[index]
        payload["rings"] = {k: t(f"map.ring_{k}", lang) for k in ("overdue", "warning")}
    if depth.notna().any():
        payload["dep"] = ["" if pd.isna(d) else f"{d:g}" for d in depth.tolist()]
    if incidents["building_id"].notna().any():
        payload["bld"] = compact_column(text_column(bld.where(bld.notna(), incidents["building_id"])))
    payload["legend"] = {
        "title": t("map.legend_types", lang),
        "items": [[s["color"], s["label"], s["icon"]] for s in type_styles(types, list(types), lang)],
        "note": t("map.legend_open", lang),
        "rings": [["overdue", t("map.ring_overdue", lang)], ["warning", t("map.ring_warning", lang)]]
        if states is not None else [],
        "position": "topright",
    }
    return overlay(t("map.layer_incidents", lang), GWLayer("points", payload))


def heat_layer(incidents: gpd.GeoDataFrame, *, type_code: str = "flooding", lang: str = "zh") -> folium.FeatureGroup:
    """Heat map of one incident type (flooding history), weighted by depth.

    Reports without a depth weigh as much as the median depth.
    """
    pts = incidents[incidents["type"] == type_code]
    payload: dict[str, object] = encode_points(pts.geometry)
    depth = pd.to_numeric(pts["depth_cm"], errors="coerce")
    fill = float(depth.median()) if depth.notna().any() else 1.0
    w = depth.fillna(fill).clip(lower=0)
    top = float(w.max()) if len(w) and w.max() > 0 else 1.0
    payload.update(kind="heat", w=(w / top).round(3).tolist(), max=1, radius=30)
    return overlay(t("map.layer_heat", lang), GWLayer("heat", payload), show=True)
