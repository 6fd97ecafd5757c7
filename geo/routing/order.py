"""The walking order of a few points: the patrol order of a rain checklist's grates.

:func:`patrol_order` decides it: along the streets with the walking
distances of :mod:`geo.routing.network` and the path solver behind
``plan_routes`` when there is a street network, else
:func:`straight_line_order` (nearest neighbour, then 2-opt) in a metric CRS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import shapely

from ..errors import GridWatchError
from .network import StreetNetwork, build_network, street_matrix
from .tsp import solve_tsp

__all__ = ["ROUTE_TIME_LIMIT_S", "PatrolOrder", "patrol_order", "straight_line_order", "walking_network"]

#: Seconds the street route planner may search per grid.
ROUTE_TIME_LIMIT_S: Final = 0.015


@dataclass
class PatrolOrder:
    """How to walk a grid's grates.

    Attributes
    ----------
    order
        Positions into the points, in walking order.
    line
        The walked line (in the points' CRS) when it follows the streets,
        else None.
    on_streets
        True when distances followed the street network.
    """

    order: np.ndarray
    line: object | None = None
    on_streets: bool = False


def patrol_order(points: gpd.GeoDataFrame, *, network: StreetNetwork | None = None,
                 time_limit: float = ROUTE_TIME_LIMIT_S) -> PatrolOrder:
    """The order to walk ``points``: the one function that decides it.

    With a street network, the walking distances of :mod:`geo.routing.network` and
    the path solver of :mod:`geo.routing.tsp` (``solve_tsp``, the one behind
    ``plan_routes``) order the points along the streets (an open path). Otherwise,
    or if the planner refuses the input, :func:`straight_line_order` gives a
    straight-line order in the local metric CRS; a checklist is always
    printed.

    Parameters
    ----------
    points
        Grates with ``incident_id``, in a metric CRS.
    network
        A :class:`geo.routing.network.StreetNetwork`, or None.
    time_limit
        Seconds the planner may search per grid.

    Returns
    -------
    PatrolOrder
        The order, and the walked line when it follows the streets.
    """
    xy = np.column_stack([points.geometry.x, points.geometry.y]) if len(points) else np.empty((0, 2))
    if network is None or len(points) < 4:
        return PatrolOrder(straight_line_order(xy))
    try:
        local = points.to_crs(network.crs)
        matrix = street_matrix(network, np.column_stack([local.geometry.x, local.geometry.y]))
        order, _ = solve_tsp(matrix.dist, closed=False, time_limit=time_limit)
    except GridWatchError:
        return PatrolOrder(straight_line_order(xy))
    if sorted(order) != list(range(len(points))):  # never lose a grate
        return PatrolOrder(straight_line_order(xy))
    legs = matrix.paths(list(zip(order[:-1], order[1:], strict=True)))
    line = shapely.LineString(np.vstack(legs)) if legs else None
    walk = gpd.GeoSeries([line], crs=network.crs).to_crs(points.crs).iloc[0] if line is not None else None
    return PatrolOrder(np.asarray(order, dtype=np.int64), walk, bool(matrix.on_streets))


def straight_line_order(points: np.ndarray, *, max_passes: int = 50) -> np.ndarray:
    """An open walking path through ``points``: nearest neighbour, then 2-opt.

    Starts at the south-westernmost point (smallest x + y), so the same
    points give the same order every time.

    Parameters
    ----------
    points
        ``(n, 2)`` array of x, y in metres.
    max_passes
        Upper bound on 2-opt passes (each pass tries every segment pair).

    Returns
    -------
    numpy.ndarray
        A permutation of ``range(n)``.
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    n = len(pts)
    if n <= 2:
        return np.arange(n)
    dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    tour = _nearest_neighbour(dist, int(np.argmin(pts.sum(axis=1))))
    return _two_opt(tour, dist, max_passes)


def _nearest_neighbour(dist: np.ndarray, start: int) -> np.ndarray:
    n = len(dist)
    seen = np.zeros(n, dtype=bool)
    tour = np.empty(n, dtype=np.int64)
    cur = start
    for k in range(n):
        tour[k] = cur
        seen[cur] = True
        if k < n - 1:
            d = np.where(seen, np.inf, dist[cur])
            cur = int(np.argmin(d))
    return tour


def _two_opt(tour: np.ndarray, dist: np.ndarray, max_passes: int) -> np.ndarray:
    """2-opt on an open path: reverse tour[i+1..j] when it shortens the walk."""
    n = len(tour)
    for _ in range(max_passes):
        improved = False
        for i in range(n - 2):
            a, b = tour[i], tour[i + 1]
            c = tour[i + 2:]
            d = np.append(tour[i + 3:], -1)
            d_cd = np.where(d >= 0, dist[c, np.maximum(d, 0)], 0.0)
            d_bd = np.where(d >= 0, dist[b, np.maximum(d, 0)], 0.0)
            gain = dist[a, b] + d_cd - dist[a, c] - d_bd
            j = int(np.argmax(gain))
            if gain[j] > 1e-9:
                tour[i + 1:i + 3 + j] = tour[i + 1:i + 3 + j][::-1].copy()
                improved = True
        if not improved:
            break
    return tour


def walking_network(streets: gpd.GeoDataFrame | None) -> StreetNetwork | None:
    """The walking network of the streets, or None (no streets, or unusable).

    Returns
    -------
    StreetNetwork or None
        For :func:`patrol_order`.
    """
    if streets is None or streets.empty:
        return None
    try:
        return build_network(streets)
    except GridWatchError:
        return None
