"""The map tab: every layer on one map.

Every layer on one map, a panel for what was clicked, the
per-grid overview, and reporting an incident by clicking the map.
"""

from __future__ import annotations

from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import schema
from geo.crs import china_shift
from geo.i18n import column_label
from geo.names import grid_label, grid_labels
from geo.safe import spreadsheet_frame
from layers.controls import base_map
from layers.grids import selection_layer
from layers.live import live_layer
from layers.select import view_bounds

from . import View, map_api
from . import data as appdata
from .context import AppContext
from .parts.case import case_panel
from .parts.overview import overview
from .parts.report import report_panel
from .parts.storm import storm_banner

__all__ = ["MAP_KEY", "VIEW", "render"]

MAP_KEY = "gw_map"
#: Events that make the app rerun: clicks only (not pans or zooms).
RETURNED = ["last_clicked", "last_object_clicked", "last_active_drawing", "last_object_clicked_count"]
MAP_HEIGHT = 620


def render(ctx: AppContext) -> None:
    """Draw the map tab."""
    if ctx.grids.empty:
        st.info(ctx.tr("app.empty_store"))
    _handle_click(ctx, st.session_state.get(MAP_KEY))
    flash = st.session_state.pop("gw_flash", None)
    if flash:
        st.success(flash)
    storm_banner(ctx)
    left, right = st.columns([13, 7], gap="medium")
    with left:
        _map(ctx)
        st.caption(ctx.tr("app.shown", incidents=len(ctx.shown_incidents), total=len(ctx.incidents),
                          grids=len(ctx.grids), buildings=len(ctx.buildings)))
    with right:
        report_panel(ctx)
        _selection_panel(ctx)
        _overview(ctx)


# ------------------------------------------------------------------ map


def _map(ctx: AppContext) -> None:
    path, version, shift = ctx.store.location, ctx.data_version, ctx.basemap.shift
    who = appdata.audience(ctx.user)
    args = (path, version, who, ctx.filters)
    groups: list[folium.FeatureGroup] = []
    zones = appdata.flood_zone_overlay(path, version, ctx.lang, shift)  # under the rest; toggled in the layer control
    if zones is not None:
        groups.append(zones)
    if appdata.is_large(path, version):
        groups.append(_live(ctx, who, shift))
    else:
        groups += _embedded(ctx, args, shift)
    highlight = None if st.session_state.get("gw_selection_from_map") else _selected_shape(ctx)
    if highlight is not None:
        groups.append(selection_layer(_shift(highlight, shift), lang=ctx.lang))
    report_at = st.session_state.get("gw_report_at")
    if st.session_state.get("gw_report_mode") and report_at:
        groups.append(_report_marker(ctx, report_at))
    bounds = view_bounds(appdata.layers(path, version, who, shift)[schema.GRIDS]) or view_bounds(
        appdata.layers(path, version, who, shift)[schema.INCIDENTS])
    m = base_map(ctx.basemap, bounds=bounds, lang=ctx.lang, height=MAP_HEIGHT)
    center, zoom = _zoom_target(ctx)
    st_folium(
        m,
        key=MAP_KEY,
        height=MAP_HEIGHT,
        use_container_width=True,
        returned_objects=RETURNED,
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True, position="topright"),
        center=center,
        zoom=zoom,
    )


def _embedded(ctx: AppContext, args: tuple[Any, ...], shift: str | None) -> list[folium.FeatureGroup]:
    """The layers of a small store, whole on the page (the browser draws and filters them itself)."""
    groups: list[folium.FeatureGroup] = []
    if "grids" in ctx.visible:
        groups.append(appdata.grid_overlay(*args, ctx.figure, ctx.lang, shift))
    if "buildings" in ctx.visible:
        groups.append(appdata.building_overlay(*args, ctx.color_by, ctx.lang, shift))
    if "heat" in ctx.visible:
        groups.append(appdata.heat_overlay(*args, ctx.lang, shift))
    if "incidents" in ctx.visible:
        groups.append(appdata.incident_overlay(*args, ctx.lang, shift))
    return groups


def _live(ctx: AppContext, who: appdata.Audience, shift: str | None) -> folium.FeatureGroup:
    """The live layer of a large store: the browser asks :mod:`views.map_api` for each view."""
    path, version = ctx.store.location, ctx.data_version
    at = appdata.clock()
    key = ("live", ctx.store.address, version, who, ctx.filters, ctx.lang, shift, ctx.figure, ctx.visible,
           ctx.color_by, at)
    token = map_api.register(key, lambda: appdata.live_source(path, version, who, ctx.filters, ctx.lang, shift,
                                                              ctx.figure, ctx.visible, ctx.color_by, at))
    return live_layer(map_api.url(), token, lang=ctx.lang)


def _shift(gdf: gpd.GeoDataFrame | gpd.GeoSeries, shift: str | None) -> gpd.GeoSeries:
    frame = gdf if isinstance(gdf, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=gdf)
    if shift:
        frame = china_shift(frame, shift)
    return frame.geometry


def _report_marker(ctx: AppContext, at: tuple[float, float]) -> folium.FeatureGroup:
    lat, lon = at
    fg = folium.FeatureGroup(name=ctx.tr("map.layer_report"))
    pt = _shift(gpd.GeoSeries.from_xy([lon], [lat], crs=schema.STORAGE_CRS), ctx.basemap.shift).iloc[0]
    folium.CircleMarker([pt.y, pt.x], radius=10, color="#b00020", weight=3, fill=True, fill_opacity=0.4).add_to(fg)
    return fg


def _zoom_target(ctx: AppContext) -> tuple[tuple[float, float] | None, int | None]:
    """Centre and zoom for the last search result (None: leave the view alone)."""
    target = st.session_state.get("gw_zoom_to")
    if not target:
        return None, None
    kind, ident = target
    geom = _feature(ctx, kind, ident)
    if geom is None:
        return None, None
    pt = _shift(gpd.GeoSeries([geom.centroid], crs=schema.STORAGE_CRS), ctx.basemap.shift).iloc[0]
    return (pt.y, pt.x), 18 if kind != "grid" else 16


# ------------------------------------------------------------------ clicks


def _handle_click(ctx: AppContext, value: dict[str, Any] | None) -> None:
    """Turn the map's last event into a selection or a report location."""
    if not value:
        return
    seen = st.session_state.setdefault("gw_seen", {})
    count = value.get("last_object_clicked_count")
    clicked = value.get("last_clicked")
    new_object = bool(count) and count != seen.get("count")
    new_click = clicked is not None and clicked != seen.get("clicked")
    seen.update(count=count, clicked=clicked)
    if st.session_state.get("gw_report_mode"):
        # A click on a feature with a popup does not reach the map: use the
        # feature click's position then.
        where = (value.get("last_object_clicked") if new_object else None) or (clicked if new_click else None)
        if where:
            st.session_state["gw_report_at"] = _unshift(ctx, float(where["lat"]), float(where["lng"]))
        return
    if new_object:
        props = ((value.get("last_active_drawing") or {}).get("properties") or {})
        kind, ident = props.get("kind"), props.get("id")
        if kind in ("grid", "building", "incident") and ident is not None:
            st.session_state["gw_selection"] = (str(kind), str(ident))
            st.session_state["gw_selection_from_map"] = True  # the browser outlines it already
            st.session_state.pop("gw_zoom_to", None)


def _unshift(ctx: AppContext, lat: float, lon: float) -> tuple[float, float]:
    """A clicked position back in WGS-84 (the tiles may be GCJ-02)."""
    if not ctx.basemap.shift:
        return lat, lon
    pt = gpd.GeoDataFrame(geometry=gpd.GeoSeries.from_xy([lon], [lat]), crs=schema.STORAGE_CRS)
    back = china_shift(pt, ctx.basemap.shift, inverse=True).geometry.iloc[0]
    return float(back.y), float(back.x)


# ------------------------------------------------------------------ panels


def _feature(ctx: AppContext, kind: str, ident: str) -> Any:
    layer, col = {"grid": (ctx.grids, "grid_id"), "building": (ctx.buildings, "building_id"),
                  "incident": (ctx.incidents, "incident_id")}[kind]
    rows = layer[layer[col].astype(str) == ident]
    return None if rows.empty else rows.geometry.iloc[0]


def _selected_shape(ctx: AppContext) -> gpd.GeoSeries | None:
    sel = st.session_state.get("gw_selection")
    if not sel or sel[0] not in ("grid", "building"):
        return None
    geom = _feature(ctx, *sel)
    if geom is None or geom.geom_type == "Point":
        return None
    return gpd.GeoSeries([geom], crs=schema.STORAGE_CRS)


def _selection_panel(ctx: AppContext) -> None:
    sel = st.session_state.get("gw_selection")
    if not sel:
        st.info(ctx.tr("app.click_hint"))
        return
    kind, ident = sel
    head, clear = st.columns([4, 1])
    if clear.button("✕", help=ctx.tr("app.clear_selection"), key="gw_clear"):
        st.session_state.pop("gw_selection", None)
        st.session_state.pop("gw_zoom_to", None)
        st.rerun()
    if kind == "grid":
        _grid_panel(ctx, ident, head)
    elif kind == "building":
        _building_panel(ctx, ident, head)
    else:
        _incident_panel(ctx, ident, head)


def _row(layer: gpd.GeoDataFrame, col: str, ident: str) -> pd.Series | None:
    rows = layer[layer[col].astype(str) == ident]
    return None if rows.empty else rows.iloc[0]


def _text(v: object) -> str:
    return "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v)


def _grid_label(ctx: AppContext, grid: pd.Series | None) -> str:
    """The label of a building's or an incident's grid (qualified where its name repeats), or "outside"."""
    outside = ctx.tr("app.outside")
    return outside if grid is None else grid_label(grid_labels(ctx.grids), grid["grid_id"], outside)


def _grid_panel(ctx: AppContext, ident: str, head: Any) -> None:
    row = _row(ctx.grids, "grid_id", ident)
    if row is None:
        st.warning(ctx.tr("app.not_found", kind=ctx.tr("map.grid"), id=ident))
        return
    label = grid_label(grid_labels(ctx.grids), ident, ident)
    head.subheader(f"{ctx.tr('map.grid')} {label}")
    st.markdown(f"**{ctx.tr('map.worker')}**: {_md(row['worker'])} · **{ctx.tr('map.phone')}**: {_md(row['phone'])}")
    srow = ctx.summary[ctx.summary["grid_id"].astype(str) == ident]
    if not srow.empty:
        s = srow.iloc[0]
        cols = st.columns(4)
        for c, key in zip(cols, ("households", "elderly_alone", "incidents", "open_incidents"), strict=True):
            c.metric(column_label(key, ctx.lang), _num(s.get(key)))
    _incident_table(ctx, ctx.shown_incidents[ctx.shown_incidents["grid_id"].astype(str) == ident],
                    f"grid-{ident}", label)


def _building_panel(ctx: AppContext, ident: str, head: Any) -> None:
    row = _row(ctx.buildings, "building_id", ident)
    if row is None:
        st.warning(ctx.tr("app.not_found", kind=ctx.tr("map.building"), id=ident))
        return
    head.subheader(f"{ctx.tr('map.building')} {_text(row['name']) or ident}")
    grid = _row(ctx.grids, "grid_id", _text(row["grid_id"]))
    st.markdown(
        f"**{ctx.tr('map.head')}**: {_md(row['head'])} · **{ctx.tr('map.phone')}**: {_md(row['head_phone'])}  \n"
        f"**{ctx.tr('map.grid')}**: {_md(_grid_label(ctx, grid))}"
        + (f" · **{ctx.tr('map.worker')}**: {_md(grid['worker'])} {_md(grid['phone'])}" if grid is not None else "")
    )
    cols = st.columns(4)
    for c, key in zip(cols, ("units", "households", "residents", "elderly_alone"), strict=True):
        c.metric(column_label(key, ctx.lang), _num(row.get(key)))
    basement = row.get("basement")
    has = "—" if basement is None or pd.isna(basement) else ctx.tr("map.yes") if bool(basement) else ctx.tr("map.no")
    st.caption(f"{column_label('basement', ctx.lang)}: {has}")
    _incident_table(ctx, ctx.shown_incidents[ctx.shown_incidents["building_id"].astype(str) == ident],
                    f"building-{ident}", _text(row["name"]) or ident)


def _incident_panel(ctx: AppContext, ident: str, head: Any) -> None:
    row = _row(ctx.incidents, "incident_id", ident)
    if row is None:
        st.warning(ctx.tr("app.not_found", kind=ctx.tr("map.incident"), id=ident))
        return
    it = ctx.types.get(str(row["type"]))
    if it is None or not it.asset:
        case_panel(ctx, row, head)
        return
    head.subheader(f"{ctx.type_label(str(row['type']))} {ident}")
    grid = _row(ctx.grids, "grid_id", _text(row["grid_id"]))
    bld = _row(ctx.buildings, "building_id", _text(row["building_id"]))
    facts = {
        ctx.tr("map.type"): ctx.type_label(str(row["type"])),
        ctx.tr("map.status"): ctx.tr(f"status.{row['status']}"),
        ctx.tr("map.severity"): ctx.tr(f"severity.{row['severity']}") if _text(row["severity"]) else "",
        ctx.tr("map.reported_at"): _text(row["reported_at"]),
        ctx.tr("map.grid"): _grid_label(ctx, grid),
        ctx.tr("map.worker"): f"{_text(grid['worker'])} {_text(grid['phone'])}" if grid is not None else "",
        ctx.tr("map.building"): _text(bld["name"]) if bld is not None else "",
        ctx.tr("map.head"): f"{_text(bld['head'])} {_text(bld['head_phone'])}" if bld is not None else "",
        ctx.tr("map.description"): _text(row["description"]),
    }
    shown = {k: v for k, v in facts.items() if v}
    st.dataframe(pd.DataFrame({ctx.tr("app.fact"): list(shown), ctx.tr("app.value"): list(shown.values())}),
                 hide_index=True, width="stretch")


def _incident_table(ctx: AppContext, inc: gpd.GeoDataFrame, slug: str, name: str) -> None:
    st.markdown(f"**{ctx.tr('app.incidents_of', name=name)}**")
    if inc.empty:
        st.caption(ctx.tr("app.no_incidents"))
        return
    cols = ["incident_id", "type", "status", "severity", "reported_at", "description"]
    df = pd.DataFrame(inc[cols]).copy()
    df["type"] = df["type"].map(ctx.type_label)
    df["status"] = df["status"].map(lambda s: ctx.tr(f"status.{s}"))
    df["severity"] = df["severity"].map(lambda s: ctx.tr(f"severity.{s}") if _text(s) else "")
    for col in ("incident_id", "reported_at", "description"):
        df[col] = df[col].map(_text)  # a missing time is an empty cell, not "None"
    df.columns = [column_label(c, ctx.lang) for c in cols]
    st.dataframe(df, hide_index=True, width="stretch", height=min(36 * (len(df) + 1), 320))
    st.download_button(ctx.tr("app.download_csv"), spreadsheet_frame(df).to_csv(index=False).encode("utf-8-sig"),
                       file_name=f"incidents-{slug}.csv", mime="text/csv", key=f"gw_dl_{slug}")


def _overview(ctx: AppContext) -> None:
    overview(ctx)


def _md(value: object) -> str:
    """A data value safe to put in Markdown (no markup, no HTML)."""
    text = _text(value) or "—"
    for ch in "\\`*_{}[]()#+-.!|<>~":
        text = text.replace(ch, "\\" + ch)
    return text


def _num(value: object) -> str:
    if value is None or pd.isna(value):
        return "—"
    f = float(value)  # type: ignore[arg-type]
    return f"{f:,.0f}" if f == round(f) else f"{f:,.1f}"


VIEW = View(key="map", label="app.tab_map", order=0, render=render)
