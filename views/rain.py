"""The "rain emergency" tab: warning level, risk ranking, flood response on
click, and checklists out (download) and back in (upload).

Holds no spatial logic: everything comes from geo.levels, geo.risk,
geo.flood, geo.checklist, geo.documents and geo.inspection, the same
functions the command line calls.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import schema
from geo._errors import GridWatchError
from geo.checklist import build_checklists
from geo.crs import china_shift, shift_coords
from geo.documents import write_checklists
from geo.flood import FloodResponse, export_response, flood_response
from geo.inspection import INSPECTIONS, import_checklist
from geo.levels import DEFAULT_LEVELS, LEVEL_CODES, levels_table
from geo.risk import building_risk, grid_risk, ranking
from views import View
from views.context import AppContext

__all__ = ["VIEW", "render", "render_rain_view"]

_MIME = {"pdf": "application/pdf", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@st.cache_data(max_entries=4, show_spinner=False)
def _risk(version: str, _b: gpd.GeoDataFrame, _i: gpd.GeoDataFrame, _g: gpd.GeoDataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    scores = building_risk(_b, _i)
    return scores, grid_risk(scores, _g)


def render(ctx: AppContext) -> None:
    """Draw the rain emergency tab."""
    tr = ctx.tr
    st.subheader(tr("rain.title"))
    level = st.radio(tr("rain.level"), LEVEL_CODES, horizontal=True, index=1, key="rain_level",
                     format_func=lambda c: DEFAULT_LEVELS[c].label_zh if ctx.lang == "zh" else DEFAULT_LEVELS[c].label_en)
    with st.expander(tr("rain.level_table")):
        st.dataframe(levels_table(lang=ctx.lang), hide_index=True, use_container_width=True)
    _risk_section(ctx)
    _flood_section(ctx)
    _checklist_section(ctx, level)


#: The name the lead's brief used; same function.
render_rain_view = render


def _risk_section(ctx: AppContext) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('rain.risk')}")
    st.caption(tr("rain.risk_help"))
    scores, grids = _risk(ctx.store.version, ctx.buildings, ctx.incidents, ctx.grids)
    left, right = st.columns(2)
    left.markdown(tr("rain.risk_grids"))
    left.dataframe(grids, hide_index=True, use_container_width=True)
    right.markdown(tr("rain.risk_buildings", n=20))
    right.dataframe(ranking(scores, 20), hide_index=True, use_container_width=True)


def _flood_section(ctx: AppContext) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('rain.flood')}")
    floods = ctx.incidents[ctx.incidents["type"] == "flooding"]
    c1, c2, c3 = st.columns([2, 2, 1])
    choice = c1.selectbox(tr("rain.flood_pick"), ["", *floods["incident_id"].astype(str)], key="rain_flood_id")
    typed = c2.text_input(tr("rain.flood_point"), key="rain_flood_at")
    radius = c3.number_input(tr("rain.radius"), 10, 2000, 100, 10, key="rain_radius")
    clicked = st.session_state.get("rain_clicked")
    layers = {schema.GRIDS: ctx.grids, schema.BUILDINGS: ctx.buildings, schema.INCIDENTS: ctx.incidents}
    response = None
    try:
        if choice:
            response = flood_response(layers, incident_id=choice, radius=float(radius))
        elif typed.strip():
            lon, lat = (float(v) for v in typed.split(","))
            response = flood_response(layers, at=(lon, lat), radius=float(radius))
        elif clicked:
            response = flood_response(layers, at=clicked, radius=float(radius))
    except (GridWatchError, ValueError) as exc:
        st.error(getattr(exc, "message", str(exc)))
    _flood_map(ctx, floods, response)
    if response is None:
        st.info(tr("rain.flood_none"))
        return
    st.markdown(f"**{response.title}** · " + tr("rain.flood_summary", **response.summary))
    tabs = st.tabs(["buildings", "grates", "wires", "contacts"])
    for tab, (_, df) in zip(tabs, response.sections().items(), strict=True):
        tab.dataframe(df, hide_index=True, use_container_width=True)
    cols = st.columns(3)
    for col, fmt in zip(cols, ("csv", "xlsx", "pdf"), strict=True):
        col.download_button(tr("rain.download_flood", fmt=fmt.upper()), _flood_file(response, fmt),
                            file_name=f"flood_response.{fmt}", mime=_MIME[fmt], key=f"rain_flood_{fmt}")


def _flood_map(ctx: AppContext, floods: gpd.GeoDataFrame, response: FloodResponse | None) -> None:
    from streamlit_folium import st_folium

    from layers.controls import base_map

    shift = ctx.basemap.shift

    def show(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return china_shift(gdf, shift) if shift and len(gdf) else gdf

    minx, miny, maxx, maxy = ctx.grids.total_bounds if len(ctx.grids) else (114.2, 30.4, 114.4, 30.6)
    m = base_map(ctx.basemap, bounds=[[miny, minx], [maxy, maxx]], lang=ctx.lang, height=420)
    folium.GeoJson(show(ctx.grids[["grid_id", "geometry"]]), style_function=lambda _: {
        "color": "#2f6b2f", "weight": 1.5, "fillOpacity": 0.03}).add_to(m)
    for _, row in show(floods).iterrows():
        folium.CircleMarker([row.geometry.y, row.geometry.x], radius=5, color="#e31a1c", fill=True,
                            tooltip=str(row["incident_id"])).add_to(m)
    if response is not None:
        area = show(gpd.GeoDataFrame(geometry=[response.area], crs=schema.STORAGE_CRS))
        folium.GeoJson(area, style_function=lambda _: {"color": "#1f78b4", "weight": 2, "fillOpacity": 0.12}).add_to(m)
    out = st_folium(m, key="rain_map", height=420, use_container_width=True, returned_objects=["last_clicked"])
    click = (out or {}).get("last_clicked")
    if click:
        lon, lat = click["lng"], click["lat"]
        if shift:
            x, y = shift_coords(np.array([lon]), np.array([lat]), shift, inverse=True)
            lon, lat = float(x[0]), float(y[0])
        if st.session_state.get("rain_clicked") != (lon, lat):
            st.session_state["rain_clicked"] = (lon, lat)
            st.rerun()


def _flood_file(response: FloodResponse, fmt: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"flood.{fmt}"
        export_response(response, path)
        return path.read_bytes()


def _checklist_section(ctx: AppContext, level: str) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('rain.checklist')}")
    ids = ctx.grids["grid_id"].astype(str).tolist()
    c1, c2, c3 = st.columns(3)
    grid = c1.selectbox(tr("rain.grid"), ["", *ids], key="rain_grid",
                        format_func=lambda g: g or tr("rain.all_grids"))
    role = c2.selectbox(tr("rain.role"), ["worker", "staff", "volunteer", "public"], key="rain_role")
    fmt = c3.selectbox(tr("rain.format"), ["pdf", "xlsx", "csv"], key="rain_fmt")
    if st.button(tr("rain.make"), key="rain_make"):
        try:
            data = _checklist_bytes(ctx, level, [grid] if grid else None, role, fmt)
        except GridWatchError as exc:
            st.error(exc.message)
        else:
            name = f"checklist_{level}_{grid or 'all'}.{fmt}"
            st.download_button(tr("rain.download", name=name), data, file_name=name, mime=_MIME[fmt],
                               key="rain_download")
    _upload_section(ctx)


def _checklist_bytes(ctx: AppContext, level: str, grid_ids: list[str] | None, role: str, fmt: str) -> bytes:
    layers = {schema.GRIDS: ctx.grids, schema.BUILDINGS: ctx.buildings, schema.INCIDENTS: ctx.incidents,
              schema.STREETS: ctx.store.read(schema.STREETS)}
    lists = build_checklists(layers, level, grid_ids=grid_ids, role=role, community=ctx.meta.get("community", ""),
                             history=ctx.store.read_table(INSPECTIONS))
    bar = st.progress(0.0)

    def advance(done: int, total: int) -> None:
        bar.progress(done / total)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"checklist.{fmt}"
        write_checklists(lists, path, fmt, progress=advance)
        return path.read_bytes()


def _upload_section(ctx: AppContext) -> None:
    tr = ctx.tr
    up = st.file_uploader(tr("rain.upload"), type=["xlsx", "csv"], key="rain_upload")
    who = st.text_input(tr("rain.inspector"), key="rain_inspector")
    if up is None or not st.button(tr("rain.import"), key="rain_import"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(up.name).name
        path.write_bytes(up.getvalue())
        try:
            report = import_checklist(ctx.store, path, inspector=who or None)
        except GridWatchError as exc:
            st.error(exc.message)
            if exc.hint:
                st.caption(exc.hint)
            return
    (st.success if report.written else st.info)(tr("rain.import_done") if report.written else tr("rain.import_same"))
    st.text("\n".join(report.lines()))


VIEW = View(key="rain", label="rain.tab", order=30, render=render)
