"""One route through every point: fast-tsp, or OR-Tools where fast-tsp cannot take the distances.

:func:`solve_tsp` hands fast-tsp (a Lin-Kernighan style local search with a
Rust core, MIT licence) the distances scaled to integers up to 65,535 as it
requires (:func:`to_uint16`). Where they cannot be (not symmetric, not
finite, or too coarse once scaled) OR-Tools' guided local search solves
instead. An open path is a tour through a dummy node, cut there. Tours come
out in a canonical rotation and direction.
"""

from __future__ import annotations

import math
import time
from typing import Final

import numpy as np

__all__ = [
    "METHOD_FAST_TSP",
    "METHOD_ORTOOLS",
    "METHOD_TRIVIAL",
    "solve_tsp",
    "to_uint16",
]

#: fast-tsp's largest distance.
UINT16_MAX: Final = 65_535
#: Scaled distances coarser than this share of the typical leg go to OR-Tools.
MAX_ROUNDING_SHARE: Final = 0.01
#: Seconds of search per point when the budget allows (small problems stop early).
SECONDS_PER_POINT: Final = 0.01
MIN_SEARCH_S: Final = 0.2

METHOD_TRIVIAL: Final = "trivial"
METHOD_FAST_TSP: Final = "fast-tsp"
METHOD_ORTOOLS: Final = "ortools-gls"


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
