"""The "rain emergency" tab.

Warning level, risk ranking and risk map, flood response on click (point
and radius, or a flooded area drawn vertex by vertex), and checklists out
(download) and back in (upload).

Holds no spatial logic: everything comes from geo.rain.levels, geo.rain.risk,
geo.rain.flood, geo.rain.checklist, geo.rain.documents and geo.rain.inspection, the same
functions the command line calls.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import privacy, schema
from geo.access import allowed, scope_filter
from geo.crs import china_shift, parse_lonlat, shift_coords
from geo.errors import GridWatchError
from geo.i18n import STRINGS, t
from geo.rain.checklist import REGISTER, build_checklists
from geo.rain.documents import FLOOD_TITLES, flood_table, render_checklists, render_flood
from geo.rain.flood import FloodResponse, flood_response, parse_polygon
from geo.rain.inspection import INSPECTIONS, import_checklist
from geo.rain.levels import DEFAULT_LEVELS, LEVEL_CODES, WarningLevel, configured_levels, levels_table
from geo.rain.risk import RISK_CLASSES, display_table, ranking, risk_class
from layers.flood_zones import flood_zone_layer
from views import View
from views import data as appdata
from views.context import AppContext
from views.parts.guard import show_error

__all__ = ["VIEW", "render", "render_rain_view"]

_MIME = {"pdf": "application/pdf", "csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: Flood-response modes: a report in the store, a point (clicked or typed), an area, a stored flood zone.
MODES = ("report", "point", "polygon", "zone")
#: Above this many buildings the risk map colours grids (a lighter page).
MAX_MAP_BUILDINGS = 4000


def render(ctx: AppContext) -> None:
    """Draw the rain emergency tab."""
    tr = ctx.tr
    st.subheader(tr("rain.title"))
    levels = _levels()
    level = st.radio(tr("rain.level"), LEVEL_CODES, horizontal=True, index=1, key="rain_level",
                     format_func=lambda c: levels[c].label_zh if ctx.lang == "zh" else levels[c].label_en)
    with st.expander(tr("rain.level_table")):
        st.dataframe(levels_table(levels, lang=ctx.lang), hide_index=True, width="stretch")
    scores, grid_scores = appdata.risk_tables(ctx.store.location, ctx.data_version)
    _risk_section(ctx, scores, grid_scores)
    _flood_section(ctx, scores, grid_scores)
    _checklist_section(ctx, levels[level])


def _levels() -> dict[str, WarningLevel]:
    """The community's level table ($GRIDWATCH_LEVELS), or the defaults with an error shown."""
    try:
        return configured_levels()
    except GridWatchError as exc:
        show_error(exc, st.session_state.get("gw_lang", "zh"))
        return dict(DEFAULT_LEVELS)


#: The name the lead's brief used; same function.
render_rain_view = render


def _risk_section(ctx: AppContext, scores: pd.DataFrame, grid_scores: pd.DataFrame) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('rain.risk')}")
    st.caption(tr("rain.risk_help"))
    st.markdown(tr("rain.risk_grids"))
    st.dataframe(display_table(grid_scores, ctx.lang), hide_index=True, width="stretch")
    st.markdown(tr("rain.risk_buildings", n=20))
    st.dataframe(display_table(ranking(scores, 20), ctx.lang), hide_index=True, width="stretch", height=300)


# -- flood response -----------------------------------------------------------------


def _flood_section(ctx: AppContext, scores: pd.DataFrame, grid_scores: pd.DataFrame) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('rain.flood')}")
    floods = ctx.incidents[ctx.incidents["type"] == "flooding"]
    mode = st.radio(tr("rain.flood_mode"), MODES, horizontal=True, key="rain_flood_mode",
                    format_func=lambda m: tr(f"rain.mode_{m}"))
    response = None
    try:
        response = _response(ctx, floods, mode)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
    color_by = st.radio(tr("rain.color_by"), ("buildings", "grids"), horizontal=True, key="rain_color",
                        format_func=lambda c: tr(f"rain.color_{c}"),
                        index=0 if len(ctx.buildings) <= MAX_MAP_BUILDINGS else 1)
    _flood_map(ctx, floods, response, scores if color_by == "buildings" else None, grid_scores, mode)
    st.markdown(_legend(ctx.lang), unsafe_allow_html=True)
    if response is None:
        st.info(tr(f"rain.flood_none_{mode}"))
        return
    st.markdown(f"**{_md_text(flood_title(response.title, ctx.lang))}** · " + tr("rain.flood_summary", **response.summary))
    st.caption(privacy.made_for(ctx.user, ctx.lang))
    sections = response.sections()
    tabs = st.tabs([tr("app.rain_section", title=_section_title(name, ctx.lang), n=len(df))
                    for name, df in sections.items()])
    for tab, (name, df) in zip(tabs, sections.items(), strict=True):
        tab.dataframe(flood_view_table(df, name, ctx.lang), hide_index=True, width="stretch")
    cols = st.columns(3)
    for col, fmt in zip(cols, ("csv", "xlsx", "pdf"), strict=True):
        col.download_button(tr("rain.download_flood", fmt=fmt.upper()), _flood_file(response, fmt),
                            file_name=f"flood_response.{fmt}", mime=_MIME[fmt], key=f"rain_flood_{fmt}")


def _response(ctx: AppContext, floods: gpd.GeoDataFrame, mode: str) -> FloodResponse | None:
    """The inputs of the chosen mode, and the response once they are complete."""
    tr = ctx.tr
    layers = {schema.GRIDS: ctx.grids, schema.BUILDINGS: ctx.buildings, schema.INCIDENTS: ctx.incidents,
              schema.FLOOD_ZONES: appdata.flood_zones(ctx.store.location, ctx.data_version)}
    if mode == "zone":
        zones = layers[schema.FLOOD_ZONES]
        if zones.empty:
            st.info(tr("rain.no_zones"))
            return None
        names = dict(zip(zones["zone_id"].astype(str), zones["name"].fillna("").astype(str), strict=True))
        choice = st.selectbox(tr("rain.zone_pick"), ["", *sorted(names)], key="rain_zone_id",
                              format_func=lambda z: f"{names[z]}（{z}）" if z and names.get(z) else z)
        return flood_response(layers, zone=choice, user=ctx.user) if choice else None
    if mode == "polygon":
        c1, c2 = st.columns([4, 1])
        typed = c1.text_area(tr("rain.polygon_text"), key="rain_polygon", height=80)
        vertices = st.session_state.get("rain_vertices", [])
        c2.caption(tr("rain.vertices", n=len(vertices)))
        if c2.button(tr("rain.vertices_clear"), key="rain_vertices_clear"):
            st.session_state["rain_vertices"] = []
            vertices = []
        if typed.strip():
            return flood_response(layers, polygon=parse_polygon(typed), user=ctx.user)
        if len(vertices) >= 3:
            return flood_response(layers, polygon=parse_polygon("; ".join(f"{x},{y}" for x, y in vertices)),
                                  user=ctx.user)
        return None
    c1, c2 = st.columns([4, 1])
    radius = c2.number_input(tr("rain.radius"), 10, 2000, 100, 10, key="rain_radius")
    if mode == "report":
        ids = floods.sort_values("incident_id")["incident_id"].astype(str).tolist()
        choice = c1.selectbox(tr("rain.flood_pick"), ["", *ids], key="rain_flood_id")
        return flood_response(layers, incident_id=choice, radius=float(radius), user=ctx.user) if choice else None
    typed = c1.text_input(tr("rain.flood_point"), key="rain_flood_at")
    if typed.strip():
        return flood_response(layers, at=parse_lonlat(typed), radius=float(radius), user=ctx.user)
    clicked = st.session_state.get("rain_clicked")
    return flood_response(layers, at=tuple(clicked), radius=float(radius), user=ctx.user) if clicked else None


#: Headings of the flood tables in English (Chinese ones: geo.rain.documents.FLOOD_HEADINGS).
_FLOOD_COLUMNS_EN = ("building_id", "name", "grid_id", "distance_m", "households", "residents", "elderly_alone",
                     "basement", "head", "head_phone", "incident_id", "status", "inside", "critical", "role", "phone",
                     "for_what")


def flood_view_table(df: pd.DataFrame, section: str, lang: str) -> pd.DataFrame:
    """A flood-response section as the app shows it.

    Headings and values in ``lang``, coordinates headed 经度/纬度
    (longitude/latitude), empty cells empty.
    """
    if lang == "en":
        out = df.copy()
        if "status" in out.columns:
            out["status"] = out["status"].map(lambda v: t(f"status.{v}", "en") if f"status.{v}" in STRINGS else v)
        for col in ("basement", "inside", "critical"):
            if col in out.columns:
                out[col] = out[col].map({True: t("map.yes", "en"), False: t("map.no", "en")})
        out = out.rename(columns={c: t(f"app.fl_col_{c}", "en") for c in _FLOOD_COLUMNS_EN if c in out.columns})
    else:
        out = flood_table(df, section)
    out = out.rename(columns={"lon": t("app.upload_col_lon", lang), "lat": t("app.upload_col_lat", lang)})
    text = [c for c in out.columns if out[c].dtype == object]
    out[text] = out[text].where(out[text].notna(), "")
    return out


def _section_title(name: str, lang: str) -> str:
    return FLOOD_TITLES[name] if lang != "en" else t(f"app.fl_section_{name}", "en")


def flood_title(title: str, lang: str) -> str:
    """The flood response's title (written in Chinese by geo.rain.flood) in ``lang``."""
    if lang != "en":
        return title
    if m := re.fullmatch(r"积水点 (.+)，半径 (\d+) 米", title):
        return t("app.fl_title_incident", "en", id=m.group(1), r=m.group(2))
    if m := re.fullmatch(r"位置 ([-\d.]+),([-\d.]+)，半径 (\d+) 米", title):
        return t("app.fl_title_point", "en", lon=m.group(1), lat=m.group(2), r=m.group(3))
    if title == "积水区域":
        return t("app.fl_title_area", "en")
    return title


def _md_text(text: str) -> str:
    """Text shown in Markdown as it is."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~])", r"\\\1", text)


def _legend(lang: str) -> str:
    k = 3 if lang == "en" else 2
    items = "".join(
        f"<span style='display:inline-block;width:12px;height:12px;background:{html.escape(c[1])};"
        f"border:1px solid #999;margin:0 4px 0 10px;vertical-align:middle'></span>{html.escape(str(c[k]))}"
        for c in RISK_CLASSES)
    title = "Flood risk" if lang == "en" else "内涝风险"
    return f"<div style='font-size:0.85em'>{html.escape(title)}：{items}</div>"


def _tip(*parts: object) -> str:
    """Tooltip text, escaped (it reaches the page as HTML)."""
    return html.escape(" · ".join(str(p) for p in parts if str(p)))


def _flood_map(ctx: AppContext, floods: gpd.GeoDataFrame, response: FloodResponse | None,
               scores: pd.DataFrame | None, grid_scores: pd.DataFrame, mode: str) -> None:
    from streamlit_folium import st_folium

    from layers.controls import base_map

    shift = ctx.basemap.shift

    def show(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return china_shift(gdf, shift) if shift and len(gdf) else gdf

    minx, miny, maxx, maxy = ctx.grids.total_bounds if len(ctx.grids) else (114.2, 30.4, 114.4, 30.6)
    m = base_map(ctx.basemap, bounds=[[miny, minx], [maxy, maxx]], lang=ctx.lang, height=460)
    zones = appdata.flood_zones(ctx.store.location, ctx.data_version)
    if len(zones):
        flood_zone_layer(show(zones), lang=ctx.lang).add_to(m)
    _risk_layer(ctx, scores, grid_scores, show).add_to(m)
    for _, row in show(floods).iterrows():
        folium.CircleMarker([row.geometry.y, row.geometry.x], radius=5, color="#e31a1c", fill=True, fill_opacity=0.9,
                            tooltip=_tip(row["incident_id"], ctx.type_label("flooding"))).add_to(m)
    if response is not None:
        _response_layer(response, show).add_to(m)
    for lon, lat in st.session_state.get("rain_vertices", []) if mode == "polygon" else []:
        x, y = _shown_xy(lon, lat, shift)
        folium.CircleMarker([y, x], radius=4, color="#1f78b4", fill=True).add_to(m)
    out = st_folium(m, key="rain_map", height=460, use_container_width=True, returned_objects=["last_clicked"])
    click = (out or {}).get("last_clicked")
    if not click or mode in ("report", "zone"):
        return
    lon, lat = float(click["lng"]), float(click["lat"])
    if shift:
        sx, sy = shift_coords(np.array([lon]), np.array([lat]), shift, inverse=True)
        lon, lat = float(sx[0]), float(sy[0])
    point = (round(lon, 7), round(lat, 7))
    if st.session_state.get("rain_last_click") == point:  # the same click comes back on every rerun
        return
    st.session_state["rain_last_click"] = point
    if mode == "polygon":
        st.session_state["rain_vertices"] = [*st.session_state.get("rain_vertices", []), point]
    else:
        st.session_state["rain_clicked"] = point
    st.rerun()


def _shown_xy(lon: float, lat: float, shift: str | None) -> tuple[float, float]:
    if not shift:
        return lon, lat
    x, y = shift_coords(np.array([lon]), np.array([lat]), shift)
    return float(x[0]), float(y[0])


def _risk_layer(ctx: AppContext, scores: pd.DataFrame | None, grid_scores: pd.DataFrame, show: Any) -> folium.FeatureGroup:
    """Buildings (or grids) filled by their flood-risk class; tooltips show the parts."""
    group = folium.FeatureGroup(name=ctx.tr("rain.risk"))
    if scores is not None and len(ctx.buildings):
        shapes = ctx.buildings[["building_id", "geometry"]].join(scores[["score", "pts_flooding", "pts_grates",
                                                                          "pts_basement", "pts_vulnerable", "pts_wires",
                                                                          "pts_flood_zone"]])
        label = shapes["building_id"].astype(str)
    else:
        shapes = ctx.grids[["grid_id", "geometry"]].merge(grid_scores, on="grid_id", how="left").fillna(0)
        label = shapes["grid_id"].astype(str)
    shapes = gpd.GeoDataFrame(shapes, geometry="geometry", crs=ctx.grids.crs or schema.STORAGE_CRS)
    zh = ctx.lang != "en"
    shapes["fill"] = [RISK_CLASSES[risk_class(float(s))][1] for s in shapes["score"]]
    shapes["tip"] = [
        _tip(lab, f"{'风险' if zh else 'risk'} {r.score:.0f}",
             f"{'积水' if zh else 'flooding'} {r.pts_flooding:g} + {'篦子' if zh else 'grates'} {r.pts_grates:g} + "
             f"{'地下室' if zh else 'basement'} {r.pts_basement:g} + {'独居老人' if zh else 'elderly'} {r.pts_vulnerable:g} + "
             f"{'飞线' if zh else 'wires'} {r.pts_wires:g} + {ctx.tr('rain.pts_flood_zone')} {r.pts_flood_zone:g}")
        for lab, r in zip(label, shapes.itertuples(), strict=True)]
    folium.GeoJson(
        show(shapes[["fill", "tip", "geometry"]]),
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#7a6a55", "weight": 0.6,
                                  "fillOpacity": 0.85},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    folium.GeoJson(show(ctx.grids[["geometry"]]), style_function=lambda _: {
        "color": "#2f6b2f", "weight": 1.5, "fillOpacity": 0.0}, interactive=False).add_to(group)
    return group


def _response_layer(response: FloodResponse, show: Any) -> folium.FeatureGroup:
    """The area, the affected buildings' centres, grates to clear and flying wires."""
    group = folium.FeatureGroup(name="flood response")
    area = show(gpd.GeoDataFrame(geometry=[response.area], crs=schema.STORAGE_CRS))
    folium.GeoJson(area, style_function=lambda _: {"color": "#1f78b4", "weight": 2, "fillOpacity": 0.12},
                   interactive=False).add_to(group)

    def points(df: pd.DataFrame) -> gpd.GeoDataFrame:
        return show(gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["lon"], df["lat"]), crs=schema.STORAGE_CRS))

    for _, b in points(response.buildings).iterrows():
        folium.CircleMarker([b.geometry.y, b.geometry.x], radius=4, color="#3f007d", weight=2, fill=True,
                            fill_color="#ffffff", fill_opacity=1,
                            tooltip=_tip(b["name"], f"{b['households']}户 {b['residents']}人",
                                         f"独居老人{b['elderly_alone']}" if b["elderly_alone"] else "",
                                         "地下室/车库" if b["basement"] else "", b["head"], b["head_phone"])).add_to(group)
    for _, g in points(response.grates).iterrows():
        bad = g["status"] in ("blocked", "damaged", "missing")
        folium.CircleMarker([g.geometry.y, g.geometry.x], radius=3.5, color="#b30000" if bad else "#1f78b4",
                            fill=True, fill_opacity=1, tooltip=_tip(g["incident_id"], g["status"],
                                                                     f"{g['distance_m']:.0f} m")).add_to(group)
    for _, w in points(response.wires).iterrows():
        color = "#d7191c" if w["critical"] else "#999999"  # a plain Leaflet div icon: no plugin, nothing from a CDN
        icon = folium.DivIcon(html=f"<div style='font-size:15px;line-height:15px;color:{color};"
                                   "text-shadow:0 0 2px #fff,0 0 2px #fff'>⚡</div>", icon_size=(15, 15),
                              icon_anchor=(7, 7), class_name="gw-rain-wire")
        folium.Marker([w.geometry.y, w.geometry.x], icon=icon,
                      tooltip=_tip(w["incident_id"], "危险：积水触电" if w["critical"] else "已处理")).add_to(group)
    return group


def _flood_file(response: FloodResponse, fmt: str) -> bytes:
    return render_flood(response, fmt)


# -- checklists out and back in ---------------------------------------------------------


def _checklist_section(ctx: AppContext, level: WarningLevel) -> None:
    tr = ctx.tr
    if not allowed(ctx.user, "checklist", anywhere=True):
        if allowed(ctx.user, "inspect", anywhere=True):
            _upload_section(ctx)
        return
    st.markdown(f"#### {tr('rain.checklist')}")
    communities = appdata.grid_communities(ctx.grids) or dict.fromkeys(ctx.grids["grid_id"].astype(str), "")
    mine = scope_filter(ctx.user, communities)  # the grids the user may print for (None: every grid)
    ids = [g for g in communities if mine is None or g in mine]
    if not ids:
        st.caption(tr("privacy.no_checklist_grids"))
        return
    c1, c3 = st.columns(2)
    grid = c1.selectbox(tr("rain.grid"), ["", *ids], key="rain_grid",
                        format_func=lambda g: g or tr("rain.all_grids"))
    fmt = c3.selectbox(tr("rain.format"), ["pdf", "xlsx", "csv"], key="rain_fmt")
    st.caption(privacy.made_for(ctx.user, ctx.lang))  # whom the sheets are for: who is signed in
    if st.button(tr("rain.make"), key="rain_make"):
        try:
            data = _checklist_bytes(ctx, level, [grid] if grid else (None if mine is None else ids), fmt)
        except GridWatchError as exc:
            show_error(exc, ctx.lang)
        else:
            name = f"checklist_{level.code}_{_file_part(grid or 'all')}.{fmt}"
            st.download_button(tr("rain.download", name=name), data, file_name=name, mime=_MIME[fmt],
                               key="rain_download")
    if allowed(ctx.user, "inspect", anywhere=True):
        _upload_section(ctx)


def _file_part(text: str) -> str:
    """``text`` fit for a file name: letters (Chinese too), digits, ``.-_`` kept, the rest as ``_``."""
    return re.sub(r"[^\w.\-]+", "_", text)[:80]


def _checklist_bytes(ctx: AppContext, level: WarningLevel, grid_ids: list[str] | None, fmt: str) -> bytes:
    layers = {schema.GRIDS: ctx.grids, schema.BUILDINGS: ctx.buildings, schema.INCIDENTS: ctx.incidents,
              schema.STREETS: ctx.store.read(schema.STREETS)}
    bar = st.progress(0.0, text=ctx.tr("rain.progress_build"))

    def built(done: int, total: int) -> None:
        bar.progress(done / total / 2, text=ctx.tr("rain.progress_build"))

    def rendered(done: int, total: int) -> None:
        bar.progress(0.5 + done / total / 2, text=ctx.tr("rain.progress_render"))

    lists = build_checklists(layers, level, grid_ids=grid_ids, user=ctx.user, community=ctx.meta.get("community", ""),
                             history=ctx.store.read_table(INSPECTIONS), register=ctx.store.read_table(REGISTER),
                             progress=built)
    data = render_checklists(lists, fmt, progress=rendered)
    bar.progress(1.0, text=ctx.tr("rain.progress_done"))
    return data


def _upload_section(ctx: AppContext) -> None:
    tr = ctx.tr
    up = st.file_uploader(tr("rain.upload"), type=["xlsx", "csv"], key="rain_upload")
    who = st.text_input(tr("rain.inspector"), key="rain_inspector")
    done = st.session_state.pop("rain_import_report", None)
    if done is not None:  # shown after the rerun that redraws the map with the new statuses
        (st.success if done["written"] else st.info)(tr("rain.import_done") if done["written"] else tr("rain.import_same"))
        st.text("\n".join(done["lines"]))
    if up is None or not st.button(tr("rain.import"), key="rain_import"):
        return
    name = _file_part(Path(up.name).name).lstrip(".") or f"checklist{Path(up.name).suffix}"
    try:
        report = import_checklist(ctx.store, name, inspector=who or None, data=up.getvalue(), by=ctx.user)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    st.session_state["rain_import_report"] = {"written": report.written, "lines": report.lines()}
    st.rerun()


VIEW = View(key="rain", label="rain.tab", order=30, render=render)
