"""Several patrollers: cutting a tour into the pieces with the shortest longest route."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from geo.routing.split import route_length, split_tour


def _euclid(xy: np.ndarray) -> np.ndarray:
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


class TestSplitTour:
    @pytest.mark.parametrize(("depot", "closed"), [(0, True), (0, False), (None, True), (None, False)])
    def test_matches_brute_force(self, depot: int | None, closed: bool) -> None:
        rng = np.random.default_rng(3)
        d = _euclid(rng.random((9, 2)) * 100)
        order = [i for i in range(9) if i != depot]
        n, k = len(order), 3
        routes = split_tour(d, order, k, depot=depot, closed=closed)
        got = max(route_length(d, r, depot, closed) for r in routes)
        best = np.inf
        for rotation in range(n) if depot is None else [0]:
            rotated = order[rotation:] + order[:rotation]
            for a, b in itertools.combinations(range(1, n), 2):
                pieces = [rotated[:a], rotated[a:b], rotated[b:]]
                best = min(best, max(route_length(d, p, depot, closed) for p in pieces))
        assert sorted(i for r in routes for i in r) == sorted(order)
        # exact for the rotations it tries (all of them for 16 stops or fewer)
        assert got == pytest.approx(best)

    def test_max_stops(self) -> None:
        d = _euclid(np.arange(10, dtype=float).reshape(5, 2))
        routes = split_tour(d, [0, 1, 2, 3, 4], 3, max_stops=2)
        assert max(len(r) for r in routes) <= 2

    def test_more_routes_than_stops(self) -> None:
        d = np.zeros((2, 2))
        assert split_tour(d, [0, 1], 4) == [[0], [1], [], []]
