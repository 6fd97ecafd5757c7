"""Patrol routes: visit every chosen point once, along the streets, split fairly.

:func:`plan_routes` is what the app and the command line call. It is a
thin sequence of steps, each usable alone:

1. distances between the points (and the start): along the street network
   (:mod:`geo.routing.network`) or, without one, straight lines in the local metric
   CRS, flagged;
2. one tour (:func:`solve_tsp`): fast-tsp, a Lin-Kernighan style local
   search with a Rust core (MIT licence), on the distances scaled to
   integers up to 65,535 as it requires. Where they cannot be (not
   symmetric, not finite, or too coarse once scaled) OR-Tools' guided
   local search solves instead, and the plan says so;
3. several patrollers (:func:`split_tour`): the tour is cut into the
   contiguous pieces that minimise the longest route (bisection on that
   length), each piece is re-optimised, then stops (alone or in runs
   of consecutive stops) move from the longest route to others while that
   shortens it (makespan balancing);
4. the plan (:class:`RoutePlan`): ordered stops with leg and cumulative
   lengths, and the walked geometry in WGS-84.

fast-tsp has no seed and searches for a fixed wall-clock time, so a long
search may, on another machine or run, end on another tour of nearly the
same length; ``seed`` fixes everything else (the order the points are
given to the solver in, the split, the balancing), and tours are put in a
canonical rotation and direction.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import schema
from ..crs import local_metric_crs
from ..errors import CRSError, GeometryError, OptionError
from ..streets import MIN_COVER_SHARE
from .canon import Canon
from .network import (
    DEFAULT_MAX_SNAP_M,
    DistanceMatrix,
    StreetNetwork,
    network_coverage,
    straight_matrix,
    street_matrix,
)
from .points import resolve_start, select_points
from .split import solve_routes, walk_sequence

if TYPE_CHECKING:
    from ..store import Store

__all__ = [
    "RoutePlan",
    "plan_from_store",
    "plan_routes",
    "select_points",
]

#: Share of the time limit kept at least for drawing the routes after the search (up to
#: :data:`MAX_FLAT_RESERVE_S`; beyond that the estimate from the matrix time and the number of stops rules).
ASSEMBLY_SHARE: Final = 0.15
MAX_FLAT_RESERVE_S: Final = 0.3
#: Seconds per stop kept for putting the routes in their canonical order after the search.
CANON_S_PER_STOP: Final = 2e-4



# --------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------


@dataclass
class RoutePlan:
    """Routes for one or more patrollers.

    Attributes
    ----------
    stops
        One row per visited point, in visiting order per patroller:
        ``patroller`` (1-based), ``seq`` (1-based per patroller), ``id``,
        ``type``, ``grid_id``, ``lon``, ``lat``, ``leg_m`` (walk from the
        previous stop or the start), ``cumulative_m``, ``straight`` (leg
        not along streets); Point geometries in EPSG:4326.
    routes
        One row per patroller: ``patroller``, ``n_stops``, ``length_m``
        (including the way back when closed), ``return_m``,
        ``straight_legs``; the walked LineString in EPSG:4326 (None for a
        patroller without stops).
    start
        ``(lon, lat)`` every patroller starts from, or None.
    closed
        Whether each route returns to its start.
    on_streets
        True when distances follow the street network.
    method
        Solver used: ``fast-tsp``, ``ortools-gls`` or ``trivial``
        (three points or fewer), with ``+split`` for several patrollers.
    unreachable
        Ids of points no street reaches (joined by straight lines).
    warnings
        What the user should know about the plan, in plain words (English).
    seconds
        Wall-clock time of the planning.
    start_straight
        No street reaches the start: it is joined by straight lines.
    notes
        The same warnings as keys of the translation table and their
        values (``routes.warn_*``): :meth:`messages` gives them in any language.
    empty_grids
        Chosen grids that had no point to visit.
    """

    stops: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    start: tuple[float, float] | None
    closed: bool
    on_streets: bool
    method: str
    unreachable: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    start_straight: bool = False
    notes: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    empty_grids: list[str] = field(default_factory=list)

    def messages(self, lang: str = "en") -> list[str]:
        """The plan's warnings in ``lang`` (``"zh"`` or ``"en"``)."""
        from .. import i18n

        return [i18n.t(key, lang, **values) for key, values in self.notes]

    def note(self, key: str, **values: object) -> None:
        """Add a warning (``key`` of the translation table, with its values)."""
        from .. import i18n

        self.notes.append((key, dict(values)))
        self.warnings.append(i18n.t(key, "en", **values))

    @property
    def patrollers(self) -> int:
        """Number of patrollers (routes), including any without stops."""
        return int(len(self.routes))

    @property
    def makespan_m(self) -> float:
        """Length of the longest route (metres)."""
        return float(self.routes["length_m"].max()) if len(self.routes) else 0.0

    @property
    def total_m(self) -> float:
        """Length of all routes together (metres)."""
        return float(self.routes["length_m"].sum())

    def route_stops(self, patroller: int) -> gpd.GeoDataFrame:
        """Stops of one patroller (1-based), in visiting order."""
        if not 1 <= patroller <= self.patrollers:
            raise OptionError.of("route.no_patroller", p=patroller, k=self.patrollers)
        return self.stops[self.stops["patroller"] == patroller]


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------


def plan_routes(  # noqa: PLR0913 - the planner's named options, all keyword-only
    points: gpd.GeoDataFrame,
    *,
    network: StreetNetwork | None = None,
    start: tuple[float, float] | None = None,
    patrollers: int = 1,
    closed: bool = True,
    time_limit: float = 2.0,
    seed: int = 0,
    max_stops: int | None = None,
    max_length_m: float | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    empty_grids: Sequence[str] | None = None,
    grids: gpd.GeoDataFrame | None = None,
) -> RoutePlan:
    """Plan patrol routes visiting every point exactly once.

    Parameters
    ----------
    points
        Point rows to visit (incidents: ``incident_id``, ``type``,
        ``grid_id``; other layers: ``id`` or the index serves as id), in
        any CRS.
    network
        The street network (:func:`geo.routing.network.build_network`); None for
        straight lines in the local metric CRS (flagged in the plan).
    start
        ``(lon, lat)`` in WGS-84 where every patroller starts (the grid
        office, a building); None to start at a stop of the route.
    patrollers
        How many people share the points (a 1-1-3 squad has up to 5).
    closed
        Each route returns to its start.
    time_limit
        Seconds for the whole planning (distances and search); tiny
        problems return at once.
    seed
        Fixes the solver's input order and the split (same input, same routes).
    max_stops, max_length_m
        Optional limits per patroller.
    max_snap_m
        Points further than this from every street are joined in straight lines.
    empty_grids
        Chosen grids with nothing to visit, named in a warning of the plan;
        default: ``points.attrs["empty_grids"]`` (set by :func:`select_points`).
    grids
        The grids of the points (optional): a warning of the plan when the
        street network does not cover them
        (:func:`geo.routing.network.network_coverage` below :data:`MIN_COVER_SHARE`).

    Returns
    -------
    RoutePlan
    """
    began = time.perf_counter()
    _check_options(points, patrollers, time_limit, max_stops, max_length_m)
    crs = (
        network.crs
        if network is not None
        else local_metric_crs(points.to_crs(schema.STORAGE_CRS) if _geographic(points) else points)
    )
    _check_spread(points)
    xy = _metric_xy(points, crs)
    depot = None
    if start is not None:
        xy = np.vstack([xy, _start_xy(start, crs)])
        depot = len(xy) - 1
    before_matrix = time.perf_counter()
    if network is not None:
        matrix = street_matrix(network, xy, max_snap_m=max_snap_m)  # main piece: the one with most points
    else:
        matrix = straight_matrix(xy, crs)
    # drawing the routes repeats the shortest-path work of the matrix: keep time for it
    reserve = max(min(ASSEMBLY_SHARE * time_limit, MAX_FLAT_RESERVE_S),
                  1.2 * (time.perf_counter() - before_matrix) + CANON_S_PER_STOP * len(xy) + 0.02)  # fmt: skip
    budget = max(0.05, time_limit - reserve - (time.perf_counter() - began))
    canon = Canon(matrix, depot)
    routes, method = solve_routes(matrix.dist, depot, patrollers, closed, budget, seed, max_stops, canon)
    plan = _assemble(points, matrix, routes, depot, start, closed, method, max_snap_m)
    empty = list(empty_grids if empty_grids is not None else points.attrs.get("empty_grids", []))
    if empty:
        plan.empty_grids = empty
        plan.note("routes.warn_empty_grids", n=len(empty), grids=", ".join(empty))
    if network is not None and grids is not None and len(grids):
        cover = network_coverage(network, grids)
        if cover is not None and cover[0] < MIN_COVER_SHARE:
            plan.note("routes.warn_grids_uncovered", share=100 * cover[0], distance=cover[1])
    _check_length(plan, max_length_m)
    plan.seconds = time.perf_counter() - began
    return plan


def plan_from_store(  # noqa: PLR0913 - the planner's named options, all keyword-only
    store: Store,
    *,
    grids: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    start: str | tuple[float, float] | None = None,
    network: StreetNetwork | None = None,
    straight: bool = False,
    patrollers: int = 1,
    closed: bool = True,
    time_limit: float = 2.0,
    seed: int = 0,
    max_stops: int | None = None,
    max_length_m: float | None = None,
) -> RoutePlan:
    """Plan patrol routes through the incidents of a store, along its streets.

    Reads the store's incidents, grids and streets (one version), chooses
    the points (:func:`select_points`), builds the walking graph of the
    streets (or takes straight lines), resolves the start and plans
    (:func:`plan_routes`): what the ``route --store`` command and the
    app's routes tab both do.

    Parameters
    ----------
    store
        The store.
    grids, types, statuses
        Grid ids, incident type codes and statuses to visit; empty or None
        for all (see :func:`select_points`).
    start
        Where every patroller starts: ``lon,lat`` or a building, incident
        or grid id (:func:`resolve_start`), or ``(lon, lat)``;
        None to start at a stop of the route.
    network
        The walking graph of the store's streets when already built (the
        app keeps it); None to build it here.
    straight
        Ignore the streets: straight lines.
    patrollers, closed, time_limit, seed, max_stops, max_length_m
        As for :func:`plan_routes`.

    Returns
    -------
    RoutePlan
    """
    from .network import build_network

    layers = store.read_many([schema.INCIDENTS, schema.GRIDS, schema.STREETS])
    incidents, grid_layer, streets = layers[schema.INCIDENTS], layers[schema.GRIDS], layers[schema.STREETS]
    chosen_ids = list(grids or [])
    points = select_points(incidents, grids=chosen_ids, types=list(types or []), statuses=list(statuses or []),
                           grid_ids=grid_layer["grid_id"].astype(str).tolist() if len(grid_layer) else None,
                           type_codes=list(store.incident_types()))  # fmt: skip
    if straight or streets.empty:
        network = None
    elif network is None:
        network = build_network(streets)
    at = resolve_start(store, start) if isinstance(start, str) else start
    if chosen_ids and len(grid_layer):
        grid_layer = grid_layer[grid_layer["grid_id"].astype(str).isin(chosen_ids)]
    return plan_routes(points, network=network, start=at, patrollers=patrollers, closed=closed,
                       time_limit=time_limit, seed=seed, max_stops=max_stops, max_length_m=max_length_m,
                       grids=grid_layer)  # fmt: skip


def _check_options(
    points: gpd.GeoDataFrame, patrollers: int, time_limit: float, max_stops: int | None, max_length_m: float | None
) -> None:
    if points.crs is None:
        raise CRSError.of("route.points_no_crs")
    if len(points) == 0:
        raise OptionError.of("route.no_points")
    if not points.geometry.geom_type.eq("Point").all() or points.geometry.is_empty.any():
        raise GeometryError.of("route.not_points")
    if patrollers < 1:
        raise OptionError.of("route.patrollers", k=patrollers)
    if not time_limit > 0:
        raise OptionError.of("route.time_limit", seconds=time_limit)
    if max_stops is not None and max_stops * patrollers < len(points):
        need = math.ceil(len(points) / max_stops)
        raise OptionError.of("route.max_stops", k=patrollers, most=max_stops, n=len(points), need=need)
    if max_length_m is not None and not max_length_m > 0:
        raise OptionError.of("route.max_length", metres=max_length_m)


def _geographic(gdf: gpd.GeoDataFrame) -> bool:
    return bool(gdf.crs is not None and gdf.crs.is_geographic)


#: Farthest a stop may lie from the middle of the others (km). A patrol covers
#: a community or a district; beyond this the local metric map stretches (and a
#: quarter of the globe away it is infinite): such stops are strays of a wrong
#: coordinate or a wrong choice of grids.
MAX_SPREAD_KM: Final = 500.0


def _check_spread(points: gpd.GeoDataFrame) -> None:
    """Refuse stops that no walk can join.

    That is, stops farther than :data:`MAX_SPREAD_KM` from the middle of the
    others (on the globe, so that no projection is stretched to infinity).
    """
    if points.crs is None or len(points) < 2:
        return
    geo = points.geometry.to_crs(schema.STORAGE_CRS)
    lon, lat = np.radians(geo.x.to_numpy()), np.radians(geo.y.to_numpy())
    # the middle of the densest one-degree cell: a few strays on other continents do not move it
    finite = np.isfinite(lon) & np.isfinite(lat)
    if not finite.any():
        finite = np.ones(len(lon), dtype=bool)
    cells = pd.Series(list(zip(np.floor(np.degrees(lon[finite])), np.floor(np.degrees(lat[finite])), strict=True)))
    dense = (cells == cells.mode().iloc[0]).to_numpy()
    mid_lon, mid_lat = np.median(lon[finite][dense]), np.median(lat[finite][dense])
    central = np.sin((lat - mid_lat) / 2) ** 2 + np.cos(lat) * np.cos(mid_lat) * np.sin((lon - mid_lon) / 2) ** 2
    km = 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(central, 0.0, 1.0)))
    far = ~np.isfinite(km) | (km > MAX_SPREAD_KM)
    if far.any():
        ids = [i for i, f in zip(_point_ids(points), far, strict=True) if f]
        shown = ", ".join(ids[:10]) + (" ..." if len(ids) > 10 else "")
        raise GeometryError.of("route.points_far", n=len(ids), total=len(points), ids=shown,
                               km=f"{MAX_SPREAD_KM:g}", farthest=f"{float(np.nanmax(km)):,.0f}")


def _metric_xy(points: gpd.GeoDataFrame, crs: pyproj.CRS) -> np.ndarray:
    geoms = points.geometry.to_crs(crs)
    return np.column_stack([geoms.x.to_numpy(), geoms.y.to_numpy()])


def _start_xy(start: tuple[float, float], crs: pyproj.CRS) -> np.ndarray:
    lon, lat = start
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CRSError.of("route.start_not_lonlat", start=f"{lon},{lat}")
    x, y = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True).transform(lon, lat)
    return np.array([[x, y]])


def _check_length(plan: RoutePlan, max_length_m: float | None) -> None:
    if max_length_m is None or plan.makespan_m <= max_length_m:
        return
    need = max(plan.patrollers + 1, math.ceil(plan.total_m / max_length_m))
    raise OptionError.of("route.too_long", longest=f"{plan.makespan_m:,.0f}", limit=f"{max_length_m:,.0f}", need=need)


# --------------------------------------------------------------------------
# Solving
# --------------------------------------------------------------------------

# --------------------------------------------------------------------------
# Assembling the plan
# --------------------------------------------------------------------------


def _point_ids(points: gpd.GeoDataFrame) -> list[str]:
    for column in ("incident_id", "id"):
        if column in points.columns:
            return points[column].astype(str).tolist()
    return [str(i) for i in points.index]


def _column(points: gpd.GeoDataFrame, name: str) -> list[str]:
    if name in points.columns:
        return points[name].fillna("").astype(str).tolist()
    return [""] * len(points)


def _assemble(
    points: gpd.GeoDataFrame,
    matrix: DistanceMatrix,
    routes: list[list[int]],
    depot: int | None,
    start: tuple[float, float] | None,
    closed: bool,
    method: str,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> RoutePlan:
    ids, types, grids = _point_ids(points), _column(points, "type"), _column(points, "grid_id")
    lonlat = shapely.get_coordinates(points.geometry.to_crs(schema.STORAGE_CRS).values)
    to_wgs = pyproj.Transformer.from_crs(matrix.crs, schema.STORAGE_CRS, always_xy=True)
    stop_rows: list[dict[str, object]] = []
    route_rows: list[dict[str, object]] = []
    for p, route in enumerate(routes, start=1):
        seq = walk_sequence(route, depot, closed)
        legs = list(zip(seq[:-1], seq[1:], strict=True))
        paths = matrix.paths(legs)
        cumulative = 0.0
        for t, b in enumerate(route):
            a = depot if t == 0 else route[t - 1]
            leg = 0.0 if a is None else float(matrix.dist[a, b])
            cumulative += leg
            stop_rows.append(
                {"patroller": p, "seq": t + 1, "id": ids[b], "type": types[b], "grid_id": grids[b],
                 "lon": lonlat[b, 0], "lat": lonlat[b, 1], "leg_m": leg, "cumulative_m": cumulative,
                 "straight": a is not None and matrix.leg_is_straight(a, b)}
            )  # fmt: skip
        route_rows.append(_route_row(p, route, legs, paths, matrix, to_wgs, closed))
    stops = _stops_frame(stop_rows)
    routes_gdf = gpd.GeoDataFrame(route_rows, geometry="geometry", crs=schema.STORAGE_CRS)
    unreachable = sorted({ids[i] for i in np.flatnonzero(matrix.straight[: len(ids)])}) if matrix.on_streets else []
    plan = RoutePlan(
        stops=stops,
        routes=routes_gdf,
        start=start,
        closed=closed,
        on_streets=matrix.on_streets,
        method=method,
        unreachable=unreachable,
        start_straight=bool(depot is not None and matrix.on_streets and matrix.straight[depot]),
    )
    for key, values in _warnings(matrix, unreachable, routes, depot, max_snap_m):
        plan.note(key, **values)
    return plan


def _stops_frame(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    frame = pd.DataFrame(
        rows, columns=["patroller", "seq", "id", "type", "grid_id", "lon", "lat", "leg_m", "cumulative_m", "straight"]
    )
    geometry = gpd.points_from_xy(frame["lon"].astype(float), frame["lat"].astype(float), crs=schema.STORAGE_CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=schema.STORAGE_CRS)


def _route_row(
    p: int,
    route: list[int],
    legs: list[tuple[int, int]],
    paths: list[np.ndarray],
    matrix: DistanceMatrix,
    to_wgs: pyproj.Transformer,
    closed: bool,
) -> dict[str, object]:
    length = float(sum(matrix.dist[a, b] for a, b in legs))
    back = float(matrix.dist[legs[-1]]) if closed and legs else 0.0
    geometry = None
    if paths:
        xy = np.vstack([path if k == 0 else path[1:] for k, path in enumerate(paths)])
        lon, lat = to_wgs.transform(xy[:, 0], xy[:, 1])
        line = np.column_stack([lon, lat])
        geometry = shapely.LineString(line) if len(line) > 1 else shapely.LineString([line[0], line[0]])
    return {
        "patroller": p,
        "n_stops": len(route),
        "length_m": length,
        "return_m": back,
        "straight_legs": int(sum(matrix.leg_is_straight(a, b) for a, b in legs if a != b)),
        "geometry": geometry,
    }


#: Share of the points further than the snapping distance from every street
#: above which the streets are said not to cover the points.
FAR_SHARE: Final = 0.5


def _warnings(
    matrix: DistanceMatrix, unreachable: list[str], routes: list[list[int]], depot: int | None, max_snap_m: float
) -> list[tuple[str, dict[str, object]]]:
    notes: list[tuple[str, dict[str, object]]] = []
    if not matrix.on_streets:
        notes.append(("routes.warn_straight", {}))
    if unreachable:
        shown = ", ".join(unreachable[:10]) + (" ..." if len(unreachable) > 10 else "")
        notes.append(("routes.warn_unreachable", {"n": len(unreachable), "ids": shown}))
        if len(unreachable) == sum(map(len, routes)):
            notes.append(("routes.warn_none_reached", {}))
    if matrix.on_streets and len(matrix.snap_m):
        stops = np.array(sorted({i for r in routes for i in r}), dtype=np.int64)
        snap = matrix.snap_m[stops] if len(stops) else matrix.snap_m
        if len(snap) and float(np.mean(snap > max_snap_m)) >= FAR_SHARE:
            notes.append(("routes.warn_streets_far", {"share": 100 * float(np.mean(snap > max_snap_m)),
                                                      "distance": float(np.median(snap))}))  # fmt: skip
    if depot is not None and matrix.on_streets and matrix.straight[depot]:
        notes.append(("routes.warn_start_straight", {}))
    idle = sum(1 for r in routes if not r)
    if idle:
        notes.append(("routes.warn_idle", {"n": idle}))
    return notes
