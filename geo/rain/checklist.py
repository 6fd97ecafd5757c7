"""Per-grid rain emergency inspection checklists: the data (rendering is in :mod:`geo.rain.documents`).

For a warning level (:mod:`geo.rain.levels`) and each grid, a checklist has a
header (community, grid, grid worker and phone, level, date and time,
inspector) and six sections, in the order a patrol walks them:

1. rain grates in patrol order (location hint: nearest building and street);
2. known flooding spots to watch;
3. buildings with a basement or underground garage;
4. every unit of every building: hallway lights and drain pipes;
5. vulnerable residents to visit (building, unit, count, building head;
   with the store's register of vulnerable residents, one row per unit and
   the residents' names where the recipient may see them);
6. flying wires to remove.

All sections share one table layout (:data:`ITEM_COLUMNS`), so the PDF,
XLSX and CSV hold the same rows and :mod:`geo.rain.inspection` reads any of them
back. Sections 2 to 6 follow the patrol too: each item is placed at the
stop of its nearest grate.

The grates' walking order comes from :func:`geo.routing.order.patrol_order`:
the street-network planner of :mod:`geo.routing` when the store has streets,
otherwise a straight-line nearest-neighbour path improved by 2-opt in the
local metric CRS.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from .. import i18n, privacy, schema
from ..access import User, acting
from ..errors import UnknownIdError
from ..routing.order import patrol_order, walking_network
from ..safe import printable
from ..store import Store
from . import _shared
from .building_items import WHOLE_BUILDING, building_items, prepare_register, unit_items, vulnerable_items
from .levels import WarningLevel, get_level

if TYPE_CHECKING:
    from ..routing.network import StreetNetwork

__all__ = [
    "ITEM_COLUMNS",
    "SECTIONS",
    "GridChecklist",
    "Section",
    "WHOLE_BUILDING",
    "build_checklists",
    "checklists_from_store",
]

#: Store table of the vulnerable-residents register (see
#: :func:`geo.rain.inspection.read_register`): building_id, unit, name, category.
REGISTER: Final = schema.REGISTER
#: Time zone of dates printed on checklists.
LOCAL_TZ: Final = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Section:
    """One checklist section.

    Attributes
    ----------
    code
        Stable name stored in files (``grate``, ``unit_light``...).
    title_zh
        Heading printed on the checklist.
    results
        Allowed results: (what the inspector writes, stored code) pairs.
    """

    code: str
    title_zh: str
    results: tuple[tuple[str, str], ...]

    @property
    def choices(self) -> tuple[str, ...]:
        """What the inspector may write (the drop-down list)."""
        return tuple(zh for zh, _ in self.results)


SECTIONS: Final[dict[str, Section]] = {
    s.code: s
    for s in (
        Section("grate", "一、雨水篦子（按巡查顺序）",
                (("畅通", "clear"), ("已清掏", "cleared"), ("堵塞未清", "blocked"), ("损坏", "damaged"),
                 ("缺失", "missing"))),
        Section("flooding", "二、积水点（重点盯防）", (("无积水", "dry"), ("有积水", "water"), ("积水严重", "deep"))),
        Section("basement", "三、地下室/车库", (("正常", "ok"), ("已防护", "protected"), ("进水", "flooded"))),
        Section("unit_light", "四、单元楼道灯", (("正常", "ok"), ("故障", "fault"))),
        Section("unit_drain", "四、单元排水管", (("通畅", "clear"), ("堵塞", "blocked"))),
        Section("vulnerable", "五、重点人群走访", (("已走访", "visited"), ("未联系上", "unreached"), ("已转移", "moved"))),
        Section("wire", "六、飞线清理", (("已拆除", "removed"), ("未拆除", "remains"), ("未发现", "not_found"))),
    )
}

#: Columns of a checklist's item table (every section, every format).
ITEM_COLUMNS: Final = ("section", "no", "item_id", "where", "details", "contact", "last_status",
                       "result", "note", "lon", "lat", "stop")

#: Status (condition of an asset, stage of a case, legacy status) -> its Chinese label.
STATUS_ZH: Final = {c: i18n.t(f"status.{c}", "zh")
                    for c in (*schema.ASSET_STATUSES, *schema.EVENT_STATUSES, *schema.LEGACY_STAGES)}


@dataclass
class GridChecklist:
    """The checklist of one grid.

    Attributes
    ----------
    header
        ``checklist_id``, ``community``, ``grid_id``, ``grid_name``,
        ``worker``, ``phone``, ``level`` (code), ``level_zh``,
        ``level_color``, ``generated_at``, ``inspector``, ``made_for`` (whom
        the sheet was made for, :func:`geo.privacy.made_for`).
    items
        One row per thing to check (:data:`ITEM_COLUMNS`), grouped by
        section in :data:`SECTIONS` order, each in patrol order.
    grid, buildings, streets
        Geometries for the map, in ``crs`` (metres).
    stops
        The grates' points in patrol order, in ``crs``.
    crs
        The local metric CRS.
    listed
        Sections the warning level puts on the sheet (printed even when the
        grid has nothing for them).
    route
        The walked line along the streets (in ``crs``), when known.
    """

    header: dict[str, str]
    items: pd.DataFrame
    grid: gpd.GeoSeries
    buildings: gpd.GeoSeries
    streets: gpd.GeoSeries
    stops: gpd.GeoSeries
    crs: pyproj.CRS
    listed: tuple[str, ...] = ("grate", "wire")
    route: gpd.GeoSeries | None = None

    def section(self, code: str) -> pd.DataFrame:
        """The items of one section."""
        return self.items[self.items["section"] == code]


# -- public entry points -----------------------------------------------------


def checklists_from_store(store: Store, level: str | WarningLevel, **kwargs: object) -> list[GridChecklist]:
    """:func:`build_checklists` on a store's layers and inspection history.

    Parameters
    ----------
    store
        A :class:`geo.store.Store`.
    level
        Level code or :class:`WarningLevel`.
    **kwargs
        Passed to :func:`build_checklists`.

    Returns
    -------
    list of GridChecklist
    """
    layers = store.read_many(schema.LAYERS)
    history = store.read_table("inspections")
    meta = store.meta()
    kwargs.setdefault("community", meta.get("community", ""))
    kwargs.setdefault("register", store.read_table(REGISTER))
    return build_checklists(layers, level, history=history, **kwargs)  # type: ignore[arg-type]


def build_checklists(  # noqa: PLR0913 (keyword options of the one entry point the CLI, app and benchmark call)
    layers: Mapping[str, gpd.GeoDataFrame],
    level: str | WarningLevel,
    *,
    grid_ids: Sequence[str] | None = None,
    levels: dict[str, WarningLevel] | None = None,
    user: User | None = None,
    inspector: str = "",
    community: str = "",
    now: datetime | None = None,
    history: pd.DataFrame | None = None,
    progress: object | None = None,
    streets: bool = True,
    workers: int = 1,
    register: pd.DataFrame | None = None,
) -> list[GridChecklist]:
    """Build the checklist of every grid (or of the grids named).

    Parameters
    ----------
    layers
        ``grids``, ``buildings``, ``incidents``, ``streets`` in WGS-84.
    level
        Warning level code (``blue``...``red``, or 蓝/黄/橙/红) or level.
    grid_ids
        Only these grids (default: all, in ``grid_id`` order).
    levels
        The level table (default :data:`geo.rain.levels.DEFAULT_LEVELS`).
    user
        Who receives the sheets: the names and phone numbers they may not
        see are masked (:mod:`geo.privacy`), and the header says whom the
        sheets were made for. None: the local operator (everything).
    inspector
        Printed in the header when known (else a blank line to fill in).
    community
        Community name when the grids layer has none.
    now
        Date and time printed (default: now, China time).
    history
        The store's ``inspections`` table: grates once found blocked count
        as "with a record of trouble".
    progress
        Callable ``progress(done, total)`` called after each grid.
    streets
        Order grates along the street network when there is one (else, or
        when False, in straight lines).
    workers
        Processes for many grids (forked, Linux; 1 = in this process, the
        safe choice inside a web app).
    register
        The vulnerable-residents register (store table :data:`REGISTER`:
        ``building_id``, ``unit``, ``name``, ``category``). With it,
        section 5 has one row per unit holding registered residents, with
        their names as ``user`` may see them; without it, one row per
        building from the buildings' ``elderly_alone`` counts.

    Returns
    -------
    list of GridChecklist
    """
    lv = level if isinstance(level, WarningLevel) else get_level(level, levels)
    reader = acting(user)  # None: the local operator (everything)
    joined = _shared.masked_layers(_shared.ensure_joined(dict(layers)), reader)
    grids = joined[schema.GRIDS].sort_values("grid_id", kind="stable")
    if grid_ids is not None:
        wanted = [str(g) for g in grid_ids]
        unknown = sorted(set(wanted) - set(grids["grid_id"].astype(str)))
        if unknown:
            raise UnknownIdError.of("rain.unknown_grid", ids=", ".join(f"'{printable(u)}'" for u in unknown),
                                    known=printable(", ".join(grids["grid_id"].astype(str)), limit=400))
        grids = grids[grids["grid_id"].astype(str).isin(wanted)]
    ctx = _Context.make(joined, lv, privacy.made_for(reader, "zh"), _troubled_grates(history), streets)
    ctx.register = prepare_register(_shared.masked_register(register, joined[schema.BUILDINGS],
                                                            joined[schema.GRIDS], reader))
    stamp = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ)
    rows = [grid for _, grid in grids.iterrows()]
    if workers > 1 and len(rows) >= 4 * workers and "fork" in mp.get_all_start_methods():
        return _build_parallel(ctx, rows, (stamp, inspector, community), workers, progress)
    out = []
    for k, grid in enumerate(rows, start=1):
        out.append(_grid_checklist(ctx, grid, stamp, inspector, community))
        if callable(progress):
            progress(k, len(rows))
    return out


#: The context forked worker processes read (set only while a pool runs).
_FORKED: dict[str, _Context] = {}


def _build_parallel(ctx: _Context, rows: list[pd.Series], args: tuple[datetime, str, str], workers: int,
                    progress: object | None) -> list[GridChecklist]:
    """Build grids' checklists in forked processes (they inherit ``ctx`` without copying)."""
    _FORKED["ctx"] = ctx
    try:
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            futures = {pool.submit(_forked_grid, k, rows[k], args): k for k in range(len(rows))}
            out: list[GridChecklist | None] = [None] * len(rows)
            for done, future in enumerate(as_completed(futures), start=1):
                out[futures[future]] = future.result()
                if callable(progress):
                    progress(done, len(rows))
    finally:
        _FORKED.clear()
    return [c for c in out if c is not None]


def _forked_grid(_k: int, grid: pd.Series, args: tuple[datetime, str, str]) -> GridChecklist:
    return _grid_checklist(_FORKED["ctx"], grid, *args)


# -- building one grid's checklist -----------------------------------------------


@dataclass
class _Context:
    """Everything shared by all grids, projected once."""

    level: WarningLevel
    made_for: str
    crs: pyproj.CRS
    grids: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    grates: gpd.GeoDataFrame
    floods: gpd.GeoDataFrame
    wires: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    troubled: frozenset[str]
    network: StreetNetwork | None

    groups: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    register: pd.DataFrame | None = None

    @classmethod
    def make(cls, layers: dict[str, gpd.GeoDataFrame], level: WarningLevel, made_for: str,
             troubled: frozenset[str], use_streets: bool = True) -> _Context:
        crs = _shared.metric_crs(layers[schema.GRIDS], layers[schema.BUILDINGS], layers[schema.INCIDENTS])
        inc = _shared.to_metric(layers[schema.INCIDENTS], crs)
        streets = layers.get(schema.STREETS)
        ctx = cls(
            level, made_for, crs,
            _shared.to_metric(layers[schema.GRIDS], crs),
            _prepare_buildings(_shared.to_metric(layers[schema.BUILDINGS], crs)),
            _shared.incidents_of(inc, _shared.GRATE), _shared.incidents_of(inc, _shared.FLOODING),
            _shared.open_events(_shared.incidents_of(inc, _shared.WIRE)),
            _shared.to_metric(streets, crs) if streets is not None and not streets.empty
            else gpd.GeoDataFrame({"name": []}, geometry=gpd.GeoSeries([], crs=crs)),
            troubled,
            walking_network(streets) if use_streets else None,
        )
        for name in ("grates", "floods", "wires"):  # location hints and status labels, once for all grids
            gdf = getattr(ctx, name).copy()
            gdf["_where"] = _hint(gdf.geometry, ctx.buildings, ctx.streets)
            gdf["_status_zh"] = [STATUS_ZH.get(_shared.text(v), _shared.text(v)) for v in gdf["status"]]
            setattr(ctx, name, gdf)
        for name in ("buildings", "grates", "floods", "wires"):
            gdf = getattr(ctx, name)
            ids = gdf["grid_id"].map(_shared.text) if len(gdf) else pd.Series([], dtype=object)
            ctx.groups[name] = {str(k): v for k, v in pd.Series(np.arange(len(gdf))).groupby(ids.to_numpy()).indices.items()} \
                if len(gdf) else {}
        return ctx

    def in_grid(self, name: str, grid_id: str) -> gpd.GeoDataFrame:
        """The rows of layer ``name`` in grid ``grid_id`` (layer order kept)."""
        gdf = getattr(self, name)
        return gdf.iloc[self.groups[name].get(grid_id, np.array([], dtype=np.int64))]


def _prepare_buildings(buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Buildings with numeric counts and display text computed once."""
    out = buildings.copy()
    for col in ("units", "households", "residents", "elderly_alone", "floors"):
        values = out[col] if col in out.columns else pd.Series(0, index=out.index)
        out[f"_{col}"] = pd.to_numeric(values, errors="coerce").fillna(0).astype(int)
    out["_basement"] = out["basement"].fillna(False).astype(bool) if "basement" in out.columns else False
    out["_name"] = out["name"].map(_shared.text) if "name" in out.columns else ""
    out["_point"] = out.geometry.representative_point() if len(out) else gpd.GeoSeries([], crs=out.crs)
    return out


def _troubled_grates(history: pd.DataFrame | None) -> frozenset[str]:
    if history is None or history.empty or not {"section", "item_id", "result"} <= set(history.columns):
        return frozenset()
    hit = history[(history["section"] == "grate") & history["result"].isin(("cleared", "blocked"))]
    return frozenset(hit["item_id"].astype(str))


def _grid_checklist(ctx: _Context, grid: pd.Series, stamp: datetime, inspector: str,
                    community: str) -> GridChecklist:
    gid = _shared.text(grid["grid_id"])
    lv = ctx.level
    shape = ctx.grids.geometry.loc[grid.name]
    buildings = ctx.in_grid("buildings", gid)
    floods = ctx.in_grid("floods", gid)
    grates = _select_grates(ctx.in_grid("grates", gid), ctx.floods, lv, ctx.troubled)
    walk = patrol_order(grates, network=ctx.network)
    grates = grates.iloc[walk.order]
    stops = grates.geometry.reset_index(drop=True)
    wires = _select_wires(ctx.in_grid("wires", gid), ctx.floods, lv)
    parts = [_grate_items(grates)]
    if lv.flooding_spots:
        parts.append(_event_items("flooding", floods))
    if lv.basements:
        parts.append(building_items("basement", buildings[buildings["_basement"]]))
    if lv.units:
        parts.append(unit_items(buildings))
    if lv.vulnerable_min_elderly is not None:
        parts.append(vulnerable_items(buildings, ctx.register, max(lv.vulnerable_min_elderly, 1)))
    parts.append(_event_items("wire", wires))
    items = _place_on_route(pd.concat(parts, ignore_index=True), stops)
    items = _with_lonlat(items, ctx.crs)
    header = _header(grid, lv, stamp, inspector, community, ctx.made_for)
    listed = tuple(code for code, on in (
        ("grate", True), ("flooding", lv.flooding_spots), ("basement", lv.basements), ("unit_light", lv.units),
        ("unit_drain", lv.units), ("vulnerable", lv.vulnerable_min_elderly is not None),
        ("wire", lv.flying_wires != "none")) if on)
    route = gpd.GeoSeries([walk.line] if walk.line is not None else [], crs=ctx.crs)
    header["route"] = "streets" if walk.on_streets else "straight"
    return GridChecklist(header, items, gpd.GeoSeries([shape], crs=ctx.crs), buildings.geometry,
                         _clip_streets(ctx.streets, shape), stops, ctx.crs, listed, route)


def _select_grates(grates: gpd.GeoDataFrame, floods: gpd.GeoDataFrame, lv: WarningLevel,
                   troubled: frozenset[str]) -> gpd.GeoDataFrame:
    if lv.grates == "all" or grates.empty:
        return grates
    keep = grates["status"].isin(_shared.BAD_GRATE) | grates["incident_id"].astype(str).isin(troubled)
    if lv.grates == "near_flooding":
        keep |= _shared.count_within(grates.geometry, floods.geometry, lv.near_flooding_m) > 0
    return grates[keep]


def _select_wires(wires: gpd.GeoDataFrame, floods: gpd.GeoDataFrame, lv: WarningLevel) -> gpd.GeoDataFrame:
    if lv.flying_wires == "none" or wires.empty:
        return wires.iloc[0:0]
    if lv.flying_wires == "near_flooding":
        return wires[_shared.count_within(wires.geometry, floods.geometry, lv.near_flooding_m) > 0]
    return wires


def _nearest_names(points: gpd.GeoSeries, others: gpd.GeoDataFrame) -> list[str]:
    """Name of the nearest feature of ``others`` to each point ('' if none)."""
    if len(points) == 0 or others.empty:
        return [""] * len(points)
    src, dst = others.sindex.nearest(points.values, return_all=False)
    names = others["name"].map(_shared.text).to_numpy()
    out = [""] * len(points)
    for s, d in zip(src, dst, strict=True):
        out[int(s)] = names[int(d)]
    return out


def _hint(points: gpd.GeoSeries, buildings: gpd.GeoDataFrame, streets: gpd.GeoDataFrame) -> list[str]:
    near_b = _nearest_names(points, buildings)
    near_s = _nearest_names(points, streets)
    return [" · ".join(x for x in (f"近{b}" if b else "", s) if x) for b, s in zip(near_b, near_s, strict=True)]


def _grate_items(grates: gpd.GeoDataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "section": "grate", "item_id": grates["incident_id"].astype(str).to_numpy(),
        "where": grates["_where"].to_numpy(), "details": "", "contact": "",
        "last_status": grates["_status_zh"].to_numpy(), "geometry": grates.geometry.to_numpy(),
    })


def _event_items(section: str, events: gpd.GeoDataFrame) -> pd.DataFrame:
    if section == "flooding":
        depth = pd.to_numeric(events.get("depth_cm", pd.Series(index=events.index, dtype=float)), errors="coerce")
        details = [f"曾积水{d:.0f}厘米" if pd.notna(d) else "曾积水" for d in depth]
    else:
        details = ["雨中触电危险，立即断电拆除"] * len(events)
    return pd.DataFrame({
        "section": section, "item_id": events["incident_id"].astype(str).to_numpy(),
        "where": events["_where"].to_numpy(), "details": details, "contact": "",
        "last_status": events["_status_zh"].to_numpy(),
        "geometry": events.geometry.to_numpy(),
    })


def _place_on_route(items: pd.DataFrame, stops: gpd.GeoSeries) -> pd.DataFrame:
    """Number items; sections other than grates follow the grate route."""
    section = items["section"].to_numpy()
    grate = section == "grate"
    stop = np.zeros(len(items), dtype=np.int64)
    if len(stops) and len(items):
        src, dst = stops.sindex.nearest(gpd.GeoSeries(items["geometry"].to_numpy(), crs=stops.crs).values,
                                        return_all=False)
        stop[src] = dst + 1
    stop[grate] = np.arange(1, int(grate.sum()) + 1)
    rank = {code: k for k, code in enumerate(SECTIONS)}
    rank["unit_drain"] = rank["unit_light"]  # a unit's two checks stay together
    order = np.lexsort((np.arange(len(items)), stop, np.array([rank[c] for c in section], dtype=np.int64)))
    out = items.iloc[order].reset_index(drop=True)
    out["stop"] = stop[order]
    sec = section[order]
    unit = np.isin(sec, ("unit_light", "unit_drain"))
    no = np.zeros(len(out), dtype=np.int64)
    for code in np.unique(sec[~unit]):
        hit = sec == code
        no[hit] = np.arange(1, int(hit.sum()) + 1)
    if unit.any():  # a unit's light and drain rows share one number
        no[unit] = pd.factorize(out.loc[unit, "item_id"])[0] + 1
    out["no"] = no
    out["result"] = ""
    out["note"] = ""
    return out


def _with_lonlat(items: pd.DataFrame, crs: pyproj.CRS) -> pd.DataFrame:
    pts = gpd.GeoSeries(items["geometry"].to_numpy(), crs=crs).to_crs(schema.STORAGE_CRS)
    items = items.drop(columns=["geometry"])
    items["lon"] = pts.x.round(7).to_numpy() if len(pts) else []
    items["lat"] = pts.y.round(7).to_numpy() if len(pts) else []
    return items[list(ITEM_COLUMNS)]


def _clip_streets(streets: gpd.GeoDataFrame, grid: object) -> gpd.GeoSeries:
    if streets.empty:
        return streets.geometry
    area = grid.buffer(30)  # type: ignore[attr-defined]
    near = streets.iloc[streets.sindex.query(area, predicate="intersects")]
    return near.geometry.intersection(area)


def _header(grid: pd.Series, lv: WarningLevel, stamp: datetime, inspector: str, community: str,
            made_for: str) -> dict[str, str]:
    gid = _shared.text(grid["grid_id"])
    when = stamp.strftime("%Y-%m-%d %H:%M")
    digest = hashlib.sha1(f"{gid}|{lv.code}|{stamp.isoformat()}".encode()).hexdigest()[:6]
    return {
        "checklist_id": f"{gid}-{lv.code}-{stamp.strftime('%Y%m%d%H%M')}-{digest}",
        "community": _shared.text(grid.get("community")) or community,
        "grid_id": gid,
        "grid_name": _shared.text(grid.get("name")) or gid,
        "worker": _shared.text(grid.get("worker")),  # masked already for the reader
        "phone": _shared.text(grid.get("phone")),
        "level": lv.code,
        "level_zh": lv.label_zh,
        "level_color": lv.color,
        "generated_at": when,
        "inspector": inspector,
        "made_for": made_for,
    }
