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

import bisect
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import schema
from ..crs import local_metric_crs
from ..errors import CRSError, GeometryError, OptionError, SchemaError, UnknownIdError
from ..streets import MIN_COVER_SHARE
from .network import (
    DEFAULT_MAX_SNAP_M,
    DistanceMatrix,
    StreetNetwork,
    network_coverage,
    straight_matrix,
    street_matrix,
)

__all__ = [
    "RoutePlan",
    "plan_routes",
    "select_points",
    "solve_tsp",
    "split_tour",
    "to_uint16",
]

#: fast-tsp's largest distance.
UINT16_MAX: Final = 65_535
#: Scaled distances coarser than this share of the typical leg go to OR-Tools.
MAX_ROUNDING_SHARE: Final = 0.01
#: Seconds of search per point when the budget allows (small problems stop early).
SECONDS_PER_POINT: Final = 0.01
MIN_SEARCH_S: Final = 0.2
#: Giant tours tried when splitting between several patrollers (time permitting).
GIANT_TOURS: Final = 3
#: Longest chain of consecutive stops moved at once when balancing patrollers.
MAX_CHAIN: Final = 8
#: Chains of each size considered for a move (those whose removal saves most).
CHAINS_PER_SIZE: Final = 16
#: Share of the time limit kept at least for drawing the routes after the search (up to
#: :data:`MAX_FLAT_RESERVE_S`; beyond that the estimate from the matrix time and the number of stops rules).
ASSEMBLY_SHARE: Final = 0.15
MAX_FLAT_RESERVE_S: Final = 0.3
#: Seconds per stop kept for putting the routes in their canonical order after the search.
CANON_S_PER_STOP: Final = 2e-4

METHOD_TRIVIAL: Final = "trivial"
METHOD_FAST_TSP: Final = "fast-tsp"
METHOD_ORTOOLS: Final = "ortools-gls"


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
# Choosing the points
# --------------------------------------------------------------------------


def select_points(
    incidents: gpd.GeoDataFrame,
    *,
    grids: Sequence[str],
    types: Sequence[str],
    statuses: Sequence[str] | None = None,
    grid_ids: Sequence[str] | None = None,
    type_codes: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """The incidents to visit: those of the given grids, types and statuses.

    A chosen grid that has no point of the chosen types and statuses is
    not an error: the others are planned, and the grids with nothing to
    visit are listed in ``attrs["empty_grids"]`` of the result (which
    :func:`plan_routes` turns into a warning of the plan). Only ids that
    are not grids are refused, with the closest real ids.

    Parameters
    ----------
    incidents
        The incidents layer.
    grids
        Grid ids; empty for every grid (and points outside all grids).
    types
        Incident type codes; empty for every type.
    statuses
        Statuses to keep; None or empty for all.
    grid_ids
        Every grid id of the store (its grids layer); default: the grids
        the incidents lie in.
    type_codes
        Every incident type the store knows; default: the types of the incidents.

    Returns
    -------
    GeoDataFrame
        The matching rows (index kept), ordered by ``incident_id``;
        ``attrs["empty_grids"]``: chosen grids without any matching point.
    """
    for column in ("incident_id", "type", "grid_id", "status"):
        if column not in incidents.columns:
            raise SchemaError.of("route.no_column", column=column)
    in_data = incidents["grid_id"].dropna().astype(str).unique().tolist()
    known_grids = sorted({*map(str, grid_ids), *in_data} if grid_ids is not None and len(grid_ids) else in_data)
    _check_known("grid", grids, known_grids)
    present_types = incidents["type"].dropna().astype(str).unique().tolist()
    _check_known("type", types, sorted({*present_types, *map(str, type_codes or [])}))
    keep = pd.Series(True, index=incidents.index)
    if types:
        keep &= incidents["type"].astype(str).isin(list(types))
    if statuses:
        keep &= incidents["status"].astype(str).isin(list(statuses))
    keep &= incidents.geometry.notna() & ~incidents.geometry.is_empty
    wanted = list(dict.fromkeys(map(str, grids)))
    if wanted:
        keep &= incidents["grid_id"].astype(str).isin(wanted)
    chosen = incidents[keep]
    if chosen.empty:
        raise OptionError.of(
            "route.nothing_to_visit",
            grids=", ".join(wanted) or "*",
            types=", ".join(types) or "*",
            statuses=", ".join(statuses or []) or "*",
        )
    have = set(chosen["grid_id"].dropna().astype(str))
    chosen = chosen.sort_values("incident_id", kind="stable")
    chosen.attrs["empty_grids"] = [g for g in wanted if g not in have]
    return chosen


#: Most ids listed in an "unknown id" message.
MAX_LISTED: Final = 20


def _check_known(what: str, given: Sequence[str], known: Sequence[str]) -> None:
    import difflib

    unknown = sorted(set(map(str, given)) - set(known))
    if not unknown:
        return
    close = sorted({m for u in unknown for m in difflib.get_close_matches(u, list(known), n=3, cutoff=0.5)})
    listed = ", ".join(list(known)[:MAX_LISTED]) + (f" … (+{len(known) - MAX_LISTED})" if len(known) > MAX_LISTED else "")
    raise UnknownIdError.of(
        f"route.unknown_{what}",
        ids=", ".join(map(repr, unknown)),
        close=", ".join(close) or "—",
        known=listed or "—",
    )


# --------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------


def plan_routes(
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
    canon = _Canon(matrix, depot)
    routes, method = _solve(matrix.dist, depot, patrollers, closed, budget, seed, max_stops, canon)
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
    """Refuse stops that no walk can join: farther than :data:`MAX_SPREAD_KM` from the
    middle of the others (on the globe, so that no projection is stretched to infinity)."""
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


def _solve(
    dist: np.ndarray,
    depot: int | None,
    k: int,
    closed: bool,
    budget: float,
    seed: int,
    max_stops: int | None,
    canon: _Canonical | None = None,
) -> tuple[list[list[int]], str]:
    """Routes as lists of point indices (depot excluded), and the method."""
    canon = canon or _as_is
    stops = [i for i in range(len(dist)) if i != depot]
    if k == 1:
        order, method = solve_tsp(dist, closed=closed, start=depot, time_limit=budget, seed=seed)
        return [canon([i for i in order if i != depot], closed)], method
    deadline = time.perf_counter() + budget
    routes, method = _best_split(dist, depot, k, closed, 0.5 * budget, seed, max_stops, canon)
    routes = _balance(dist, routes, depot, closed, max_stops, deadline, seed, canon)
    assert sorted(i for r in routes for i in r) == stops
    return routes, f"{method}+split"


def _best_split(
    dist: np.ndarray,
    depot: int | None,
    k: int,
    closed: bool,
    budget: float,
    seed: int,
    max_stops: int | None,
    canon: _Canonical,
) -> tuple[list[list[int]], str]:
    """Split a few giant tours (different seeds) and keep the split with the shortest longest route.

    The best split of a tour depends on where its near-equal alternatives
    go, so several good tours give a better start than one longer search.
    """
    tries = GIANT_TOURS if budget >= 0.5 * GIANT_TOURS else 1
    best: tuple[float, list[list[int]], str] | None = None
    for t in range(tries):
        giant, method = solve_tsp(dist, closed=True, start=depot, time_limit=budget / tries, seed=seed + t)
        giant = canon([i for i in giant if i != depot], True)
        routes = split_tour(dist, giant, k, depot=depot, closed=closed, max_stops=max_stops)
        value = max(route_length(dist, r, depot, closed) for r in routes)
        if best is None or value < best[0] - 1e-9:
            best = (value, routes, method)
    assert best is not None
    return best[1], best[2]


def solve_tsp(
    dist: np.ndarray,
    *,
    closed: bool = True,
    start: int | None = None,
    time_limit: float = 2.0,
    seed: int = 0,
) -> tuple[list[int], str]:
    """One route through every node of a distance matrix.

    Parameters
    ----------
    dist
        ``(n, n)`` non-negative distances (metres or any unit).
    closed
        Return to the first node (a tour) or not (a path).
    start
        Node the route starts from; None: the route starts at node 0 for
        closed tours, at either end of the best path for open ones.
    time_limit
        Seconds of search at most (less for small problems).
    seed
        Order in which nodes are handed to the solver.

    Returns
    -------
    order
        Every node once, starting at ``start`` when given.
    method
        ``trivial``, ``fast-tsp`` or ``ortools-gls``.
    """
    began = time.perf_counter()
    n = len(dist)
    if n <= 3:
        order = list(range(n))
        method = METHOD_TRIVIAL
    else:
        perm = np.random.default_rng(seed).permutation(n) if seed else np.arange(n)
        work = dist[np.ix_(perm, perm)]
        anchor = None if start is None else int(np.flatnonzero(perm == start)[0])
        matrix = work if closed else _open_matrix(work, anchor)
        scaled = to_uint16(matrix)
        # the search gets what is left of the limit once the matrix is ready
        budget = max(0.01, min(time_limit, max(MIN_SEARCH_S, SECONDS_PER_POINT * n)) - (time.perf_counter() - began))
        if scaled is not None:
            import fast_tsp

            tour = list(fast_tsp.find_tour(scaled, duration_seconds=budget, max_threads=1))
            method = METHOD_FAST_TSP
        else:
            tour = _ortools_tour(matrix, budget)
            method = METHOD_ORTOOLS
        if not closed:
            tour = _cut_at_dummy(tour, n, anchor)
        order = [int(perm[i]) for i in tour]
    return _canonical(order, dist, closed, start), method


def _open_matrix(dist: np.ndarray, anchor: int | None) -> np.ndarray:
    """Add a dummy node so that a best tour, cut at it, is a best open path.

    The dummy is 0 from every node (any path end), or 0 from ``anchor`` and
    a large constant from the rest (the path must start at ``anchor``).
    """
    n = len(dist)
    big = float(np.max(dist[np.isfinite(dist)], initial=0.0)) + 1.0 if anchor is not None else 0.0
    out = np.zeros((n + 1, n + 1))
    out[:n, :n] = dist
    out[n, :n] = out[:n, n] = big
    if anchor is not None:
        out[n, anchor] = out[anchor, n] = 0.0
    return out


def _cut_at_dummy(tour: list[int], n: int, anchor: int | None) -> list[int]:
    i = tour.index(n)
    path = tour[i + 1 :] + tour[:i]
    if anchor is not None and path[0] != anchor:
        path = path[::-1]
        if path[0] != anchor:  # the search did not put the start at an end: rotate
            j = path.index(anchor)
            path = path[j:] + path[:j]
    return path


def _canonical(order: list[int], dist: np.ndarray, closed: bool, start: int | None) -> list[int]:
    """Fixed rotation and direction, so equal tours print the same."""
    if not order:
        return order
    if closed:
        first = start if start is not None else 0
        j = order.index(first)
        order = order[j:] + order[:j]
        if len(order) > 2 and order[1] > order[-1]:
            order = [order[0], *order[:0:-1]]
    elif start is None and len(order) > 1 and order[0] > order[-1]:
        order = order[::-1]
    return order


def to_uint16(dist: np.ndarray) -> np.ndarray | None:
    """Distances as fast-tsp wants them, or None where they cannot be.

    Integral distances with a maximum of at most 65,535 are multiplied by
    the largest integer that keeps them there (ties stay ties, optima stay
    optima). Others are scaled so the largest is 65,535 and rounded; the
    rounding step must stay under 1% of the median distance from a
    point to its nearest neighbour (the legs good tours are made of).

    Parameters
    ----------
    dist
        Square matrix.

    Returns
    -------
    ``int64`` matrix (symmetric, zero diagonal, values up to 65,535), or
    None when ``dist`` is not finite, not symmetric or too coarse once scaled.
    """
    if not np.isfinite(dist).all() or (dist < 0).any():
        return None
    if not np.array_equal(dist, dist.T) and not np.allclose(dist, dist.T, rtol=1e-9, atol=1e-6):
        return None
    top = float(dist.max())
    if top == 0:
        return np.zeros(dist.shape, dtype=np.int64)
    if np.array_equal(dist, np.rint(dist)) and top <= UINT16_MAX:
        factor = float(UINT16_MAX // int(top))
    else:
        factor = UINT16_MAX / top
        if 0.5 / factor > MAX_ROUNDING_SHARE * _typical_leg(dist):
            return None
    scaled = np.rint(dist * factor).astype(np.int64)
    scaled = np.minimum(scaled, scaled.T)
    np.fill_diagonal(scaled, 0)
    return scaled


def _typical_leg(dist: np.ndarray) -> float:
    """Median distance from each node to its nearest other node at another place."""
    masked = np.where(dist > 0, dist, np.inf)
    nearest = masked.min(axis=1)
    nearest = nearest[np.isfinite(nearest)]
    return float(np.median(nearest)) if len(nearest) else math.inf


def _ortools_tour(dist: np.ndarray, time_limit: float) -> list[int]:
    """A tour by OR-Tools guided local search (any matrix; integers in mm)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    began = time.perf_counter()
    n = len(dist)
    finite = np.where(np.isfinite(dist), dist, 10 * np.max(dist[np.isfinite(dist)], initial=1.0))
    cost = np.rint(finite * 1000).astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    callback = routing.RegisterTransitMatrix(cost)  # by node; a Python callback per arc is far slower
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    time_limit = max(0.01, time_limit - (time.perf_counter() - began))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(max(1, int(time_limit * 1000)))
    solution = routing.SolveWithParameters(params)
    tour, index = [], routing.Start(0)
    while not routing.IsEnd(index):
        tour.append(manager.IndexToNode(index))
        index = solution.Value(routing.NextVar(index))
    return tour


# --------------------------------------------------------------------------
# One route among equals
# --------------------------------------------------------------------------

#: Turns a route (stops without the depot) into its canonical equal, given whether it is closed.
_Canonical = Callable[[list[int], bool], list[int]]

#: Rounds of re-walking a route (each can only shorten it; usually one settles it).
CANON_ROUNDS: Final = 3


def _as_is(route: list[int], closed: bool) -> list[int]:
    return route


class _Canon:
    """The canonical order of a route among the equally long ones that walk the same streets.

    The search returns one of many routes of the same length (which side of
    a street first, which branch of a junction first, which grates of a
    dead end on the way in): it has no seed, so which one varies between
    runs. A route walks a multiset of street segments; every walk through
    that multiset (an Euler circuit of it) is exactly as long, and visiting
    each stop the first time the walk passes it is never longer. So the
    route is replaced by the walk a fixed rule picks (Hierholzer's
    algorithm, smallest node first, from the start), with stops in
    first-passage order: routes that walk the same streets come out the
    same, stop for stop.
    """

    def __init__(self, matrix: DistanceMatrix, depot: int | None) -> None:
        self.matrix, self.depot = matrix, depot
        self._chains = _Chains(matrix)

    def __call__(self, route: list[int], closed: bool) -> list[int]:
        m = self.matrix
        if len(route) < 2 or not m.on_streets or m.point_nodes is None:
            return route
        length = route_length(m.dist, route, self.depot, closed)
        for _ in range(CANON_ROUNDS):
            new = self._first_passage(route, closed)
            if new == route or sorted(new) != sorted(route):
                break
            new_length = route_length(m.dist, new, self.depot, closed)
            if new_length > length + 1e-6:
                break
            route, length = new, new_length
        return route

    def _first_passage(self, route: list[int], closed: bool) -> list[int]:
        m = self.matrix
        nodes_of = m.point_nodes
        assert nodes_of is not None
        seq = _walk_sequence(route, self.depot, closed)
        legs = list(zip(seq[:-1], seq[1:], strict=True))
        edges: list[tuple[int, int]] = []
        for (i, j), nodes in zip(legs, m.walk_nodes(legs), strict=True):
            path = nodes if nodes is not None else [int(nodes_of[i]), int(nodes_of[j])]
            edges.extend(zip(path[:-1], path[1:], strict=True))
        edges = self._chains.widest_gaps(edges)
        if self.depot is not None:
            first = self.depot
        else:
            first = min(route) if closed else min(route[0], route[-1])
        walk = _euler_walk(edges, int(nodes_of[first]))
        point_at = {int(nodes_of[i]): i for i in route}
        order: list[int] = []
        seen: set[int] = set()
        for node in walk:
            stop = point_at.get(node)
            if stop is not None and stop not in seen:
                seen.add(stop)
                order.append(stop)
        return order


class _Chains:
    """Runs of street between junctions, where a route may leave one gap unwalked.

    A route that visits the stops along a street from both ends walks every
    stretch between them twice except one, which it never walks. Leaving out
    the longest stretch is shortest; between equally long ones the search
    picks any. :meth:`widest_gaps` puts the gap on the longest stretch (the
    first of them from the street's lower-numbered end), which never
    lengthens the walk and makes the choice the same every time.
    """

    def __init__(self, matrix: DistanceMatrix) -> None:
        graph = matrix.graph
        self.ok = graph is not None
        if graph is None:
            return
        sym = graph.maximum(graph.T).tocsr()
        self.indptr, self.indices, self.weight = sym.indptr, sym.indices, sym.data
        self.degree = np.diff(sym.indptr)

    def _neighbours(self, node: int) -> np.ndarray:
        return self.indices[self.indptr[node] : self.indptr[node + 1]]

    def _length(self, a: int, b: int) -> float:
        row = slice(self.indptr[a], self.indptr[a + 1])
        return float(self.weight[row][self.indices[row] == b][0])

    def _chain(self, a: int, b: int) -> list[int]:
        """Nodes of the run of street through edge ``a``-``b``, from one junction or end to the other."""
        forward = self._extend(a, b)  # a, b, on past b
        backward = self._extend(b, a)  # b, a, on past a
        nodes = backward[::-1] + forward[2:]
        return nodes if nodes[0] <= nodes[-1] else nodes[::-1]

    def _extend(self, before: int, here: int) -> list[int]:
        """From edge ``before``-``here`` on through nodes of degree 2; the nodes, from ``before``."""
        nodes = [before, here]
        while self.degree[here] == 2 and len(nodes) <= len(self.degree):
            ahead = [int(x) for x in self._neighbours(here) if x != nodes[-2]]
            if not ahead or ahead[0] in (nodes[0], nodes[-1]):
                break
            nodes.append(ahead[0])
            here = ahead[0]
        return nodes

    def widest_gaps(self, edges: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The walk's edges, with the unwalked stretch of each street moved to its longest one."""
        if not self.ok:
            return edges
        count: dict[tuple[int, int], int] = {}
        degree: dict[int, int] = {}
        for a, b in edges:
            key = (a, b) if a < b else (b, a)
            count[key] = count.get(key, 0) + 1
            degree[a] = degree.get(a, 0) + 1
            degree[b] = degree.get(b, 0) + 1
        done: set[tuple[int, int]] = set()
        for key in list(count):
            if key in done or not np.any(self._neighbours(key[0]) == key[1]):
                continue  # seen, or a straight leg
            chain = self._chain(*key)
            steps = [(a, b) if a < b else (b, a) for a, b in zip(chain[:-1], chain[1:], strict=True)]
            done.update(steps)
            walked = [count.get(step, 0) for step in steps]
            if len(steps) < 2 or chain[0] == chain[-1] or sorted(set(walked)) != [0, 2] or walked.count(0) != 1:
                continue
            # both ends must stay reached from elsewhere once the gap moves
            if degree.get(chain[0], 0) - walked[0] <= 0 or degree.get(chain[-1], 0) - walked[-1] <= 0:
                continue
            lengths = [round(self._length(a, b), 6) for a, b in steps]
            widest = max(range(len(steps)), key=lambda t: (lengths[t], -t))
            gap = walked.index(0)
            if widest != gap:
                del count[steps[widest]]
                count[steps[gap]] = 2
        return [step for step, times in count.items() for _ in range(times)]


def _euler_walk(edges: Sequence[tuple[int, int]], start: int) -> list[int]:
    """Nodes of the walk through every edge once from ``start``, by a fixed rule (smallest neighbour first)."""
    adjacent: dict[int, list[tuple[int, int]]] = {}
    for e, (a, b) in enumerate(edges):
        if a == b:
            continue
        adjacent.setdefault(a, []).append((b, e))
        adjacent.setdefault(b, []).append((a, e))
    for options in adjacent.values():
        options.sort(reverse=True)  # pop() takes the smallest neighbour
    used = [False] * len(edges)
    stack, walk = [start], []
    while stack:
        here = stack[-1]
        options = adjacent.get(here, [])
        while options and used[options[-1][1]]:
            options.pop()
        if options:
            there, e = options.pop()
            used[e] = True
            stack.append(there)
        else:
            walk.append(stack.pop())
    return walk[::-1]


# --------------------------------------------------------------------------
# Several patrollers
# --------------------------------------------------------------------------


def route_length(dist: np.ndarray, route: Sequence[int], depot: int | None, closed: bool) -> float:
    """Walked length of one route (metres).

    Parameters
    ----------
    dist
        Distance matrix.
    route
        Stops in visiting order (without the depot).
    depot
        Start node, or None (the route starts at its first stop).
    closed
        The route returns to where it started.

    Returns
    -------
    float
    """
    if not route:
        return 0.0
    seq = list(route)
    if depot is not None:
        seq = [depot, *seq, depot] if closed else [depot, *seq]
    elif closed:
        seq = [*seq, seq[0]]
    idx = np.asarray(seq)
    return float(dist[idx[:-1], idx[1:]].sum())


def split_tour(
    dist: np.ndarray,
    order: Sequence[int],
    k: int,
    *,
    depot: int | None = None,
    closed: bool = True,
    max_stops: int | None = None,
) -> list[list[int]]:
    """Cut a tour into ``k`` contiguous routes minimising the longest.

    Optimal for the given order, to a millionth, when the distances obey
    the triangle inequality (street and straight-line distances do): a
    bisection on the longest route with a greedy check. Without a depot
    the tour is a cycle, so 16 cut-in points are tried.

    Parameters
    ----------
    dist
        Distance matrix.
    order
        The stops in tour order (without the depot).
    k
        Number of routes; fewer stops than routes leave some routes empty.
    depot
        Node every route starts from, or None.
    closed
        Routes return to their start.
    max_stops
        Most stops a route may have.

    Returns
    -------
    list of ``k`` routes (lists of stops, possibly empty).
    """
    order = list(order)
    n = len(order)
    if k >= n:
        return [[i] for i in order] + [[] for _ in range(k - n)]
    rotations = [0] if depot is not None else sorted({(n * r) // 16 for r in range(16)})
    best: tuple[float, list[list[int]]] | None = None
    for r in rotations:
        rotated = order[r:] + order[:r]
        value, cuts = _split_minmax(dist, rotated, k, depot, closed, max_stops or n)
        if best is None or value < best[0] - 1e-9:
            best = (value, [rotated[a:b] for a, b in zip(cuts[:-1], cuts[1:], strict=True)])
    assert best is not None
    return best[1]


class _Pieces:
    """Lengths of the routes over contiguous pieces ``order[i:j]`` of a tour."""

    def __init__(self, dist: np.ndarray, order: list[int], depot: int | None, closed: bool) -> None:
        self.dist, self.o, self.depot, self.closed = dist, np.asarray(order), depot, closed
        self.prefix = np.concatenate([[0.0], np.cumsum(dist[self.o[:-1], self.o[1:]])])  # path o[0] -> o[t]

    def cost(self, i: int, j: int) -> float:
        """Length of the route over ``order[i:j]`` (``j > i``)."""
        o, d = self.o, self.dist
        value = float(self.prefix[j - 1] - self.prefix[i])
        if self.depot is not None:
            value += float(d[self.depot, o[i]]) + (float(d[o[j - 1], self.depot]) if self.closed else 0.0)
        elif self.closed:
            value += float(d[o[j - 1], o[i]])
        return value

    def greedy(self, limit: float, max_stops: int) -> list[int] | None:
        """Cut positions giving each piece as many stops as fit in ``limit``; None if a stop alone does not."""
        n = len(self.o)
        cuts, i = [0], 0
        while i < n:
            top = min(n, i + max_stops)
            if self.cost(i, i + 1) > limit:
                return None
            # a piece only grows longer with more stops (triangle inequality): bisect its end
            j = bisect.bisect_right(range(i + 1, top + 1), limit, key=lambda end: self.cost(i, end)) + i
            cuts.append(j)
            i = j
        return cuts


def _split_minmax(
    dist: np.ndarray, order: list[int], k: int, depot: int | None, closed: bool, max_stops: int
) -> tuple[float, list[int]]:
    """Cut positions of ``order`` into ``k`` non-empty pieces with the shortest longest route.

    A piece's route only gets longer when it takes in more stops (the
    distances obey the triangle inequality), so whether every piece fits
    under a length is decided greedily, and the smallest such length is
    found by bisection: ``O(k log n)`` per try instead of the ``O(k n^2)``
    of a dynamic programme, exact to a millionth.
    """
    n = len(order)
    pieces = _Pieces(dist, order, depot, closed)
    lo = max(pieces.cost(i, i + 1) for i in range(n))
    hi = pieces.cost(0, n) if n <= max_stops else float(np.max(dist)) * (n + 2)
    cuts = pieces.greedy(lo, max_stops)
    if cuts is None or len(cuts) - 1 > k:
        cuts = pieces.greedy(hi, max_stops)
        assert cuts is not None and len(cuts) - 1 <= k, "the stop limit was checked before"
        for _ in range(100):
            if hi - lo <= 1e-7 * max(hi, 1.0):
                break
            mid = 0.5 * (lo + hi)
            trial = pieces.greedy(mid, max_stops)
            if trial is not None and len(trial) - 1 <= k:
                hi, cuts = mid, trial
            else:
                lo = mid
    cuts = _fill_pieces(cuts, k)
    return max(pieces.cost(a, b) for a, b in zip(cuts[:-1], cuts[1:], strict=True)), cuts


def _fill_pieces(cuts: list[int], k: int) -> list[int]:
    """Halve the pieces with most stops until there are ``k`` (a part is never longer than the whole)."""
    cuts = list(cuts)
    while len(cuts) - 1 < k:
        sizes = np.diff(cuts)
        q = int(np.argmax(sizes))
        if sizes[q] < 2:
            break
        cuts.insert(q + 1, cuts[q] + int(sizes[q]) // 2)
    return cuts


def _balance(
    dist: np.ndarray,
    routes: list[list[int]],
    depot: int | None,
    closed: bool,
    max_stops: int | None,
    deadline: float,
    seed: int,
    canon: _Canonical,
) -> list[list[int]]:
    """Re-optimise each route, move stops off the longest while it shrinks, re-optimise the changed ones."""
    slice_s = max(0.0, deadline - time.perf_counter()) / 3
    routes = [_reoptimise(dist, r, depot, closed, slice_s / len(routes), seed, canon) for r in routes]
    changed: set[int] = set()
    # moves are cheap and fixed by the routes: run them to the end (the deadline only guards against a runaway),
    # so that the same routes always give the same result
    while time.perf_counter() < deadline:
        moved = _relocate_from_longest(dist, routes, depot, closed, max_stops)
        if moved is None:
            break
        changed.update(moved)
    per_route = max(0.0, deadline - time.perf_counter()) / max(1, len(changed))
    return [_reoptimise(dist, r, depot, closed, per_route, seed, canon) if q in changed else r for q, r in enumerate(routes)]


def _reoptimise(
    dist: np.ndarray, route: list[int], depot: int | None, closed: bool, time_limit: float, seed: int, canon: _Canonical
) -> list[int]:
    """The route re-solved alone if that is shorter, in its canonical order."""
    if len(route) < 3:
        return route
    nodes = ([depot] if depot is not None else []) + route
    sub = dist[np.ix_(nodes, nodes)]
    start = 0 if depot is not None else None
    order, _ = solve_tsp(sub, closed=closed, start=start, time_limit=max(0.01, time_limit), seed=seed)
    new = [nodes[i] for i in order if depot is None or i != 0]
    if route_length(dist, new, depot, closed) < route_length(dist, route, depot, closed) - 1e-9:
        route = new
    return canon(route, closed)


def _relocate_from_longest(
    dist: np.ndarray, routes: list[list[int]], depot: int | None, closed: bool, max_stops: int | None
) -> tuple[int, int] | None:
    """Move the chain of consecutive stops whose move shortens the longest route most.

    Chains of 1 to :data:`MAX_CHAIN` stops (a street's worth of grates),
    the :data:`CHAINS_PER_SIZE` of each size whose removal saves most, are
    tried in both directions at their cheapest place in every other route.

    Returns
    -------
    The two routes changed, or None when no move shortens the longest route.
    """
    lengths = np.array([route_length(dist, r, depot, closed) for r in routes])
    worst = int(np.argmax(lengths))
    source = routes[worst]
    candidates = _removal_candidates(dist, source, depot, closed, float(lengths[worst]))
    if not candidates:
        return None
    left = np.array([c[0] for c in candidates])
    chains = [source[p : p + size] for _, p, size in candidates]
    sizes = np.array([size for _, _, size in candidates])
    best: tuple[float, int, int, int, bool] | None = None  # makespan, candidate, route, position, reversed
    for q, target in enumerate(routes):
        if q == worst:
            continue
        pos, added, flipped = _cheapest_insertions(dist, target, chains, depot, closed)
        others = np.delete(lengths, [q, worst])
        value = np.maximum(np.maximum(left, lengths[q] + added), float(others.max(initial=0.0)))
        if max_stops is not None:
            value = np.where(len(target) + sizes <= max_stops, value, np.inf)
        c = int(np.argmin(value))
        if value[c] < lengths[worst] - 1e-6 and (best is None or value[c] < best[0] - 1e-9):
            best = (float(value[c]), c, q, int(pos[c]), bool(flipped[c]))
    if best is None:
        return None
    _, c, q, at, reverse = best
    _, p, size = candidates[c]
    chain = source[p : p + size]
    del source[p : p + size]
    routes[q][at:at] = chain[::-1] if reverse else chain
    return worst, q


def _cheapest_insertions(
    dist: np.ndarray, route: list[int], chains: list[list[int]], depot: int | None, closed: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each chain, the best position (and direction) to insert it into ``route``, and the added length."""
    heads = np.array([chain[0] for chain in chains])
    tails = np.array([chain[-1] for chain in chains])
    inner = np.array([route_length(dist, chain, None, False) for chain in chains])
    n = len(chains)
    if not route:
        forward = np.array([route_length(dist, chain, depot, closed) for chain in chains])
        backward = np.array([route_length(dist, chain[::-1], depot, closed) for chain in chains])
        return np.zeros(n, dtype=np.int64), np.minimum(forward, backward), backward < forward
    walk = np.asarray(_walk_sequence(route, depot, closed))
    a, b = walk[:-1], walk[1:]
    shift = 0 if depot is not None else 1  # between walk[i] and walk[i + 1] is route position i or i + 1
    options_cost: list[np.ndarray] = []
    options_pos: list[np.ndarray] = []
    options_flip: list[np.ndarray] = []
    for flipped, head, tail in ((False, heads, tails), (True, tails, heads)):
        if len(a):
            between = dist[a][:, head] + inner[None, :] + dist[tail][:, b].T - dist[a, b][:, None]  # (legs, chains)
            i = np.argmin(between, axis=0)
            options_cost.append(between[i, np.arange(n)])
            options_pos.append(i + shift)
            options_flip.append(np.full(n, flipped))
        if not closed:
            options_cost.append(dist[walk[-1], head] + inner)
            options_pos.append(np.full(n, len(route)))
            options_flip.append(np.full(n, flipped))
            if depot is None:
                options_cost.append(inner + dist[tail, walk[0]])
                options_pos.append(np.zeros(n, dtype=np.int64))
                options_flip.append(np.full(n, flipped))
    costs = np.vstack(options_cost)
    pick = np.argmin(costs, axis=0)  # the first of equals, as before
    cols = np.arange(n)
    return np.vstack(options_pos)[pick, cols], costs[pick, cols], np.vstack(options_flip)[pick, cols]


def _removal_candidates(
    dist: np.ndarray, route: list[int], depot: int | None, closed: bool, length: float
) -> list[tuple[float, int, int]]:
    """Chains worth moving out of ``route``: ``(length left, start, size)``, most saving first.

    The saving of removing every chain of 1 to :data:`MAX_CHAIN` stops is
    computed at once; the :data:`CHAINS_PER_SIZE` best of each size are
    kept, so that a move costs the same on long routes as on short ones.
    """
    r = np.asarray(route)
    m = len(r)
    before = depot if depot is not None else (int(r[-1]) if closed else -1)  # node before the first stop
    after = depot if depot is not None and closed else (int(r[0]) if depot is None and closed else -1)
    prev = np.concatenate([[before], r[:-1]])
    nxt = np.concatenate([r[1:], [after]])
    walked = np.concatenate([[0.0], np.cumsum(dist[r[:-1], r[1:]])])
    out: list[tuple[float, int, int]] = []
    for size in range(1, min(MAX_CHAIN, m) + 1):
        p = np.arange(m - size + 1)
        q = p + size - 1
        a, b = prev[p], nxt[q]
        has_a, has_b = a >= 0, b >= 0
        a0, b0 = np.maximum(a, 0), np.maximum(b, 0)
        saving = (walked[q] - walked[p] + np.where(has_a, dist[a0, r[p]], 0.0) + np.where(has_b, dist[r[q], b0], 0.0)
                  - np.where(has_a & has_b, dist[a0, b0], 0.0))  # fmt: skip
        if size == m:
            saving = np.full(len(p), length)
        keep = np.flatnonzero(saving > 1e-6)
        keep = keep[np.argsort(-saving[keep], kind="stable")[:CHAINS_PER_SIZE]]
        out.extend((length - float(saving[i]), int(p[i]), size) for i in keep)
    return sorted(out)


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
        seq = _walk_sequence(route, depot, closed)
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


def _walk_sequence(route: list[int], depot: int | None, closed: bool) -> list[int]:
    """Nodes in walking order, from the start and (when closed) back."""
    if not route:
        return []
    if depot is not None:
        return [depot, *route, depot] if closed else [depot, *route]
    return [*route, route[0]] if closed else list(route)


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
