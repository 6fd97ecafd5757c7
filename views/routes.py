"""The "patrol routes" tab: choose points, a start and a squad; plan; see and download.

Holds no spatial logic: the routes come from
:func:`geo.routing.plan.plan_from_store` (points, start, street graph and
plan, as for the ``route --store`` command; the street graph is kept per
store version) and the files from :data:`geo.routing.export.WRITERS`, the
same functions the command line calls. The plan and its files stay in
``st.session_state`` so downloads and map clicks do not plan again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from geo import privacy, schema
from geo.crs import china_shift, shift_coords
from geo.errors import GridWatchError
from geo.routing import export
from geo.routing.network import StreetNetwork, build_network
from geo.routing.plan import RoutePlan, plan_from_store
from geo.routing.points import SELECT_ERRORS, START_ERRORS
from geo.store import open_store
from layers.routes import route_layer

from . import View
from .context import AppContext
from .parts.guard import show_error

__all__ = ["VIEW", "render"]

MAP_KEY = "rt_map"
MAP_HEIGHT = 520
RESULT = "rt_result"
CLICKED = "rt_clicked"
START_KINDS = ("office", "building", "lonlat", "click", "none")
#: Download formats, in button order.
FORMATS = export.FORMATS


@st.cache_resource(max_entries=2, show_spinner=False)
def _network(path: str, version: str) -> StreetNetwork | None:
    """The store's walking graph (None without streets), once per store version."""
    streets = open_store(path).read(schema.STREETS)
    return None if streets.empty else build_network(streets)


def render(ctx: AppContext) -> None:
    """Draw the patrol routes tab (not for a party: it sees the cases dispatched to it, nothing else)."""
    tr = ctx.tr
    st.subheader(tr("routes.title"))
    if ctx.user.role == "party":
        st.info(tr("privacy.no_routes"))
        return
    grids, types, statuses = _point_controls(ctx)
    start_kind, start_text = _start_controls(ctx, grids)
    c1, c2, c3, c4 = st.columns([1, 2, 1, 1], vertical_alignment="bottom")
    patrollers = int(c1.number_input(tr("routes.patrollers"), 1, 5, 1, 1, key="rt_patrollers"))
    closed = c2.toggle(tr("routes.closed"), value=True, key="rt_closed")
    limit = float(c3.number_input(tr("routes.time_limit"), 0.1, 60.0, 2.0, 0.5, key="rt_time"))
    if c4.button(tr("routes.plan"), type="primary", key="rt_plan", use_container_width=True):
        _plan(ctx, _Request(grids, types, statuses, start_kind, start_text, patrollers, closed, limit))
    result = st.session_state.get(RESULT)
    if result is not None and result["version"] != ctx.data_version:
        st.session_state.pop(RESULT)  # the data changed: the plan is stale
        result = None
    plan: RoutePlan | None = result["plan"] if result else None
    if plan is None:
        st.info(tr("routes.none_yet"))
    else:
        _headline(ctx, plan)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _map(ctx, plan, start_kind)
    if result is None:
        return
    with right:
        _summary(ctx, result["plan"])
    _downloads(ctx, result)
    _stop_table(ctx, result["plan"])


# ------------------------------------------------------------------ controls


def _point_controls(ctx: AppContext) -> tuple[list[str], list[str], list[str]]:
    tr = ctx.tr
    names = dict(zip(ctx.grids["grid_id"].astype(str), ctx.grids["name"].fillna("").astype(str), strict=True))
    c1, c2, c3 = st.columns(3)
    grids = c1.multiselect(tr("routes.grids"), list(names), key="rt_grids", placeholder=tr("routes.all"),
                           format_func=lambda g: f"{names[g]} ({g})" if names.get(g) else g)  # fmt: skip
    codes, default = type_choices(ctx.types, ctx.incidents)
    types = c2.multiselect(tr("routes.types"), codes, default=default, key="rt_types",
                           format_func=ctx.type_label)  # fmt: skip
    statuses = c3.multiselect(tr("routes.statuses"), [*schema.ASSET_STATUSES, *schema.EVENT_STATUSES],
                              key="rt_statuses", placeholder=tr("routes.all"), format_func=lambda s: tr(f"status.{s}"))  # fmt: skip
    return grids, types, statuses


def type_choices(types: dict[str, Any], incidents: gpd.GeoDataFrame) -> tuple[list[str], list[str]]:
    """The type codes to offer (those with points first, rain grates first of all) and the default choice.

    The default is rain grates when the store has some, otherwise every
    type the store has points of (never a type with nothing to visit).
    """
    have = incidents["type"].dropna().astype(str).value_counts() if "type" in incidents.columns else pd.Series(dtype=int)
    present = [c for c in have.index if have[c] > 0]
    codes = list(dict.fromkeys([*sorted(present, key=lambda c: (c != "drain_grate", -int(have[c]), c)), *types]))
    default = ["drain_grate"] if "drain_grate" in present else sorted(present, key=lambda c: codes.index(c))
    return codes, default


def _start_controls(ctx: AppContext, grids: list[str]) -> tuple[str, str]:
    """The kind of start and what names it (a grid or building id, or lon,lat)."""
    tr = ctx.tr
    c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
    kind = c1.radio(tr("routes.start"), START_KINDS, horizontal=True, key="rt_start_kind",
                    format_func=lambda k: tr(f"routes.start_{k}"))  # fmt: skip
    if kind == "office":
        ids = ctx.grids["grid_id"].astype(str).tolist()
        default = ids.index(grids[0]) if grids and grids[0] in ids else 0
        return kind, c2.selectbox(tr("routes.office_grid"), ids, index=default, key="rt_office") or ""
    if kind == "building":
        names = dict(zip(ctx.buildings["building_id"].astype(str), ctx.buildings["name"].fillna("").astype(str),
                         strict=True))  # fmt: skip
        return kind, c2.selectbox(tr("routes.building"), list(names), key="rt_building",
                                  format_func=lambda b: f"{names[b]} ({b})" if names.get(b) else b) or ""  # fmt: skip
    if kind == "lonlat":
        return kind, c2.text_input(tr("routes.lonlat"), key="rt_lonlat", placeholder="114.39,30.51").strip()
    if kind == "click":
        at = st.session_state.get(CLICKED)
        c2.caption(tr("routes.clicked", lon=at[0], lat=at[1]) if at else tr("routes.click_hint"))
        return kind, f"{at[0]},{at[1]}" if at else ""
    return kind, ""


# ------------------------------------------------------------------ planning


@dataclass(frozen=True)
class _Request:
    """What the user chose: points, start and squad."""

    grids: list[str]
    types: list[str]
    statuses: list[str]
    start_kind: str
    start_text: str
    patrollers: int
    closed: bool
    limit: float


def _plan(ctx: AppContext, req: _Request) -> None:
    tr = ctx.tr
    st.session_state.pop(RESULT, None)
    if not req.types:
        st.warning(tr("routes.need_types"))
        return
    if req.start_kind != "none" and not req.start_text:
        st.warning(tr("routes.need_click") if req.start_kind == "click" else tr("routes.bad_start", error="—"))
        return
    try:
        with st.spinner(tr("routes.planning")):
            plan = plan_from_store(ctx.store, grids=req.grids, types=req.types, statuses=req.statuses,
                                   start=req.start_text if req.start_kind != "none" else None,
                                   network=_network(ctx.store.location, ctx.data_version),
                                   patrollers=req.patrollers, closed=req.closed, time_limit=req.limit)  # fmt: skip
            files = _files(ctx, plan)
    except GridWatchError as exc:
        _plan_error(ctx, exc)
        return
    st.session_state[RESULT] = {"plan": plan, "files": files, "slug": _slug(req.grids), "version": ctx.data_version}


def _plan_error(ctx: AppContext, exc: GridWatchError) -> None:
    """Say what went wrong: no points to visit, a start that names no place, or the planning itself."""
    tr = ctx.tr
    message, hint = exc.localized(ctx.lang)
    if exc.key in SELECT_ERRORS:
        st.warning(tr("routes.no_points"))
        st.caption(f"{message} {hint}".strip())
    elif exc.key in START_ERRORS:
        show_error(exc, ctx.lang, key="routes.bad_start")
    else:
        show_error(exc, ctx.lang, key="routes.error")


def _slug(grids: list[str]) -> str:
    if not grids:
        return "all"
    return "-".join(grids) if len(grids) <= 3 else f"{grids[0]}-{len(grids)}grids"


def _files(ctx: AppContext, plan: RoutePlan) -> dict[tuple[int, str], bytes]:
    """Every download's bytes, made once per plan: ``(patroller, fmt)``; patroller 0 is the zip of all.

    The single files and the zips take the same labels, title, language
    and sheet layers.
    """
    options: dict[str, Any] = {"types": ctx.types, "title": ctx.tr("routes.tab"), "lang": ctx.lang,
                               "sheet": export.SheetContext(grids=ctx.grids, buildings=ctx.buildings,
                                                            streets=ctx.store.read(schema.STREETS),
                                                            made_for=privacy.made_for(ctx.user, ctx.lang))}  # fmt: skip
    files = {(p, fmt): export.write(plan, fmt, p, **options) for p in range(1, plan.patrollers + 1) for fmt in FORMATS}
    files.update({(0, fmt): export.to_zip(plan, fmt, **options) for fmt in FORMATS})
    return files


# ------------------------------------------------------------------ results


def _headline(ctx: AppContext, plan: RoutePlan) -> None:
    tr = ctx.tr
    st.markdown("**" + tr("routes.headline", stops=len(plan.stops), k=plan.patrollers, longest=plan.makespan_m,
                         total=plan.total_m, seconds=plan.seconds) + "**")  # fmt: skip
    if plan.on_streets:
        st.caption(tr("routes.on_streets"))
    else:
        st.warning(tr("routes.straight"))
    if plan.unreachable:
        shown = ", ".join(plan.unreachable[:10]) + (" …" if len(plan.unreachable) > 10 else "")
        st.warning(tr("routes.unreachable", n=len(plan.unreachable), ids=shown))
    idle = int((plan.routes["n_stops"] == 0).sum())
    if idle:
        st.warning(tr("routes.idle", n=idle))
    for key, values in plan.notes:
        if key in ("routes.warn_empty_grids", "routes.warn_streets_far", "routes.warn_grids_uncovered"):
            st.warning(tr(key, **values))
    if plan.notes:
        with st.expander(tr("routes.details")):
            for note in plan.messages(ctx.lang):
                st.caption(note)
            st.caption(f"{plan.method} · {plan.seconds:.2f} s")


def _summary(ctx: AppContext, plan: RoutePlan) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('routes.summary')}")
    r = plan.routes
    table = pd.DataFrame({
        tr("routes.col_patroller"): [tr("routes.patroller", p=int(p)) for p in r["patroller"]],
        tr("routes.col_color"): [export.color(int(p)) for p in r["patroller"]],
        tr("routes.col_stops"): r["n_stops"].astype(int).to_numpy(),
        tr("routes.col_length"): r["length_m"].round(0).astype(int).to_numpy(),
        tr("routes.col_return"): r["return_m"].round(0).astype(int).to_numpy(),
        tr("routes.col_straight"): r["straight_legs"].astype(int).to_numpy(),
    })  # fmt: skip
    colour = tr("routes.col_color")
    st.dataframe(table.style.map(lambda c: f"background-color:{c};color:{c}", subset=[colour]),
                 hide_index=True, use_container_width=True)  # fmt: skip


def _downloads(ctx: AppContext, result: dict[str, Any]) -> None:
    tr = ctx.tr
    plan: RoutePlan = result["plan"]
    files, slug = result["files"], result["slug"]
    st.markdown(f"#### {tr('routes.downloads')}")
    st.caption(tr("routes.download_help"))
    for p in range(1, plan.patrollers + 1):
        cols = st.columns([3, 1, 1, 1, 1, 1], vertical_alignment="center")
        cols[0].markdown(f":material/person: {tr('routes.patroller', p=p)}")
        for col, fmt in zip(cols[1:], FORMATS, strict=True):
            col.download_button(fmt.upper(), files[(p, fmt)], file_name=f"route_{slug}_p{p}{export.WRITERS[fmt].suffix}", mime=export.WRITERS[fmt].mime,
                                key=f"rt_dl_{p}_{fmt}", on_click="ignore", use_container_width=True)  # fmt: skip
    cols = st.columns([3, 1, 1, 1, 1, 1], vertical_alignment="center")
    cols[0].markdown(f":material/folder_zip: {tr('routes.zip_all')}")
    for col, fmt in zip(cols[1:], FORMATS, strict=True):
        col.download_button(fmt.upper(), files[(0, fmt)], file_name=f"route_{slug}_{fmt}.zip", mime=export.ZIP_MIME,
                            key=f"rt_zip_{fmt}", on_click="ignore", use_container_width=True)  # fmt: skip


def _stop_table(ctx: AppContext, plan: RoutePlan) -> None:
    tr = ctx.tr
    st.markdown(f"#### {tr('routes.stops_table')}")
    s = plan.stops
    table = pd.DataFrame({
        tr("routes.col_patroller"): s["patroller"].astype(int).to_numpy(),
        tr("routes.col_seq"): s["seq"].astype(int).to_numpy(),
        tr("routes.col_id"): s["id"].astype(str).to_numpy(),
        tr("routes.col_type"): s["type"].astype(str).map(ctx.type_label).to_numpy(),
        tr("routes.col_grid"): s["grid_id"].astype(str).to_numpy(),
        tr("routes.col_leg"): s["leg_m"].round(0).astype(int).to_numpy(),
        tr("routes.col_cum"): s["cumulative_m"].round(0).astype(int).to_numpy(),
        tr("routes.col_is_straight"): s["straight"].astype(bool).to_numpy(),
        "lon": s["lon"].round(6).to_numpy(),
        "lat": s["lat"].round(6).to_numpy(),
    })  # fmt: skip
    st.dataframe(table, hide_index=True, use_container_width=True, height=min(36 * (len(table) + 1), 420))


# ------------------------------------------------------------------ map


def _map(ctx: AppContext, plan: RoutePlan | None, start_kind: str) -> None:
    from streamlit_folium import st_folium

    from layers.controls import base_map

    shift = ctx.basemap.shift

    def show(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        return china_shift(gdf, shift) if shift and len(gdf) else gdf

    def show_xy(at: tuple[float, float] | None) -> tuple[float, float] | None:
        if at is None or not shift:
            return at
        x, y = shift_coords(np.array([at[0]]), np.array([at[1]]), shift)
        return float(x[0]), float(y[0])

    center, zoom = map_view(show(_extent_frame(ctx, plan)))
    # centre and zoom computed here, not fitted by Leaflet: a map drawn in a hidden tab has no size,
    # and fitting bounds there ends at the maximum zoom on a grey map
    m = base_map(ctx.basemap, bounds=None, lang=ctx.lang, height=MAP_HEIGHT)
    m.location = list(center)
    m.options["zoom"] = zoom
    if len(ctx.grids):
        folium.GeoJson(show(ctx.grids[["grid_id", "geometry"]]), name=ctx.tr("kind.grids"), style_function=lambda _: {
            "color": "#2f6b2f", "weight": 1.5, "fillOpacity": 0.03}).add_to(m)  # fmt: skip
    if plan is not None:
        route_layer(show(plan.stops), show(plan.routes), show_xy(plan.start), lang=ctx.lang,
                    type_label=ctx.type_label).add_to(m)  # fmt: skip
    elif start_kind == "click" and st.session_state.get(CLICKED):
        route_layer(plan_stops_empty(), plan_routes_empty(), show_xy(st.session_state[CLICKED]),
                    lang=ctx.lang).add_to(m)  # fmt: skip
    out = st_folium(m, key=MAP_KEY, height=MAP_HEIGHT, use_container_width=True, returned_objects=["last_clicked"],
                    center=center, zoom=zoom)  # fmt: skip
    click = (out or {}).get("last_clicked")
    if click and start_kind == "click":
        lon, lat = float(click["lng"]), float(click["lat"])
        if shift:
            x, y = shift_coords(np.array([lon]), np.array([lat]), shift, inverse=True)
            lon, lat = float(x[0]), float(y[0])
        if st.session_state.get(CLICKED) != (lon, lat):
            st.session_state[CLICKED] = (lon, lat)
            st.rerun()


#: Map size assumed when choosing the zoom (pixels), and the view with nothing to show.
VIEW_PX: Final = (640, MAP_HEIGHT)
CHINA_VIEW: Final = ((30.5, 114.3), 4)


def _extent_frame(ctx: AppContext, plan: RoutePlan | None) -> gpd.GeoDataFrame:
    """What the map shows: the plan's stops, else the chosen grids, else every grid (or incident) of the store."""
    if plan is not None and len(plan.stops):
        return plan.stops
    chosen = st.session_state.get("rt_grids") or []
    grids = ctx.grids
    if chosen and len(grids):
        picked = grids[grids["grid_id"].astype(str).isin(chosen)]
        if len(picked):
            return picked
    if len(grids):
        return grids
    return ctx.incidents if len(ctx.incidents) else ctx.buildings


def map_view(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[tuple[float, float], int]:
    """``((lat, lon), zoom)`` that shows the whole of ``frame`` (WGS-84) on the tab's map; China without data."""
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else frame
    geoms = geoms[geoms.notna() & ~geoms.is_empty] if len(geoms) else geoms
    if len(geoms) == 0:
        return CHINA_VIEW
    minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    if not all(map(math.isfinite, (minx, miny, maxx, maxy))):
        return CHINA_VIEW
    lat = 0.5 * (miny + maxy)
    # Web Mercator: 256 px show 360° of longitude at zoom 0; latitude stretches by 1/cos(lat)
    dx = max(maxx - minx, 1e-4) * 1.15
    dy = max(maxy - miny, 1e-4) * 1.15 / max(math.cos(math.radians(lat)), 0.1)
    zoom = math.floor(min(math.log2(VIEW_PX[0] / 256 * 360 / dx), math.log2(VIEW_PX[1] / 256 * 360 / dy)))
    return (lat, 0.5 * (minx + maxx)), int(min(max(zoom, 2), 18))


def plan_stops_empty() -> gpd.GeoDataFrame:
    """No stops (the map before planning shows only the clicked start)."""
    return gpd.GeoDataFrame({"patroller": [], "seq": [], "id": [], "type": [], "grid_id": [], "cumulative_m": [],
                             "straight": []}, geometry=[], crs=schema.STORAGE_CRS)  # fmt: skip


def plan_routes_empty() -> gpd.GeoDataFrame:
    """No routes."""
    return gpd.GeoDataFrame({"patroller": [], "n_stops": [], "length_m": []}, geometry=[], crs=schema.STORAGE_CRS)


VIEW = View(key="routes", label="routes.tab", order=25, render=render)
