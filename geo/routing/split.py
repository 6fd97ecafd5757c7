"""Several patrollers: one tour cut into fair pieces, then balanced.

:func:`split_tour` cuts a tour into the contiguous pieces that minimise the
longest route (bisection on that length); :func:`solve_routes` splits a few
giant tours and keeps the best split, re-optimises each piece, then moves
stops (alone or in runs of consecutive stops) from the longest route to
others while that shortens it (makespan balancing).
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Sequence
from typing import Final

import numpy as np

from .tsp import solve_tsp

__all__ = [
    "Canonical",
    "as_is",
    "route_length",
    "solve_routes",
    "split_tour",
    "walk_sequence",
]

#: Giant tours tried when splitting between several patrollers (time permitting).
GIANT_TOURS: Final = 3
#: Longest chain of consecutive stops moved at once when balancing patrollers.
MAX_CHAIN: Final = 8
#: Chains of each size considered for a move (those whose removal saves most).
CHAINS_PER_SIZE: Final = 16

#: Turns a route (stops without the depot) into its canonical equal, given whether it is closed.
Canonical = Callable[[list[int], bool], list[int]]


def as_is(route: list[int], closed: bool) -> list[int]:
    """The route unchanged (no canonical order)."""
    return route


def walk_sequence(route: list[int], depot: int | None, closed: bool) -> list[int]:
    """Nodes in walking order, from the start and (when closed) back."""
    if not route:
        return []
    if depot is not None:
        return [depot, *route, depot] if closed else [depot, *route]
    return [*route, route[0]] if closed else list(route)

def solve_routes(
    dist: np.ndarray,
    depot: int | None,
    k: int,
    closed: bool,
    budget: float,
    seed: int,
    max_stops: int | None,
    canon: Canonical | None = None,
) -> tuple[list[list[int]], str]:
    """Routes as lists of point indices (depot excluded), and the method."""
    canon = canon or as_is
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
    canon: Canonical,
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
    canon: Canonical,
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
    dist: np.ndarray, route: list[int], depot: int | None, closed: bool, time_limit: float, seed: int, canon: Canonical
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
    walk = np.asarray(walk_sequence(route, depot, closed))
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
