"""The patrol order of a few points: straight-line nearest neighbour and 2-opt, or along the streets."""

from __future__ import annotations

from itertools import permutations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.routing.network import build_network
from geo.routing.order import patrol_order, straight_line_order, walking_network


class TestStraightLineOrder:
    @pytest.mark.parametrize("n", [0, 1, 2, 3])
    def test_tiny(self, n: int) -> None:
        assert sorted(straight_line_order(np.random.default_rng(0).random((n, 2)))) == list(range(n))

    def test_is_a_permutation_and_deterministic(self) -> None:
        pts = np.random.default_rng(1).random((60, 2)) * 500
        a, b = straight_line_order(pts), straight_line_order(pts.copy())
        assert sorted(a) == list(range(60)) and list(a) == list(b)

    def test_optimal_on_small_sets(self) -> None:
        rng = np.random.default_rng(2)
        for _ in range(5):
            pts = rng.random((7, 2)) * 100
            order = straight_line_order(pts)
            start = order[0]

            def length(o: tuple[int, ...] | np.ndarray, pts: np.ndarray = pts) -> float:
                p = pts[list(o)]
                return float(np.hypot(*np.diff(p, axis=0).T).sum())

            best = min(length((start, *rest)) for rest in permutations([i for i in range(7) if i != start]))
            assert length(order) <= best * 1.05

    def test_points_on_a_line_walk_straight(self) -> None:
        pts = np.column_stack([np.array([5, 1, 4, 0, 3, 2], dtype=float) * 10, np.zeros(6)])
        assert [int(pts[i, 0]) for i in straight_line_order(pts)] == [0, 10, 20, 30, 40, 50]


def test_without_streets_the_order_is_straight(local_crs) -> None:
    pts = gpd.GeoDataFrame({"incident_id": list("abcdef")},
                           geometry=[shapely.Point(x, 0) for x in (50, 10, 40, 0, 30, 20)], crs=local_crs)
    walk = patrol_order(pts)
    assert list(walk.order) == [3, 1, 5, 4, 2, 0] and walk.line is None and not walk.on_streets


def test_along_the_streets_every_point_is_walked_once(local_crs, grid_streets) -> None:
    pts = gpd.GeoDataFrame({"incident_id": list("abcde")},
                           geometry=[shapely.Point(x, y) for x, y in ((0, 0), (100, 0), (100, 100), (200, 100),
                                                                      (200, 200))], crs=local_crs)
    walk = patrol_order(pts, network=build_network(grid_streets()), time_limit=0.2)
    assert sorted(walk.order) == list(range(5)) and walk.on_streets and walk.line is not None


def test_no_streets_no_network(grid_streets) -> None:
    assert walking_network(None) is None
    assert walking_network(grid_streets().iloc[0:0]) is None
