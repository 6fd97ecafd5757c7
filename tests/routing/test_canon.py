"""Same input, same route: equally long routes along the same streets come out stop for stop the same.

fast-tsp has no seed and returns any one of the equally long tours it
finds; :class:`geo.routing.canon.Canon` turns each into the one walk a fixed
rule picks. Without it, the plans below differ from run to run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pyproj
import pytest

from geo.routing.canon import Canon, Chains, euler_walk
from geo.routing.network import StreetNetwork, build_network, street_matrix
from geo.routing.plan import plan_routes
from geo.routing.split import route_length


def _both_sides_of_every_street() -> list[tuple[float, float]]:
    """Grates 4 m either side of every street of a 3 x 3 block grid, every 30 m: many equally long tours."""
    xy = []
    for k in range(4):
        for t in range(5, 300, 30):
            for side in (-4, 4):
                xy.append((k * 100 + side, t))
                xy.append((t, k * 100 + side))
    return xy


@pytest.fixture(scope="module")
def network(grid_streets: Callable[..., gpd.GeoDataFrame]) -> StreetNetwork:
    return build_network(grid_streets(4, 100.0))


@pytest.mark.parametrize(("k", "seconds"), [(1, 1.0), (3, 3.0)])
def test_same_input_same_route(lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork, k: int, seconds: float) -> None:
    # 160 grates: the search is a heuristic (fast-tsp solves 20 points or fewer exactly), and without the
    # canonical order these plans differ from run to run. Several patrollers need the time to finish their
    # searches: a search cut short by its time limit can end anywhere.
    pts = make_points(_both_sides_of_every_street())
    plans = [plan_routes(pts, network=network, start=lonlat(150, 150), patrollers=k, time_limit=seconds) for _ in range(2)]
    orders = [p.stops[["patroller", "id"]].to_numpy().tolist() for p in plans]
    assert orders[0] == orders[1]
    assert sorted(plans[0].stops["id"]) == sorted(pts["incident_id"])


def test_equal_tours_become_one(local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
    # a dead end with three grates: every "out and back" order is equally long
    net = build_network(make_streets([[(0, 0), (100, 0)], [(100, 0), (100, 100)], [(100, 0), (200, 0)]]))
    xy = np.array([(30, 0), (60, 0), (90, 0), (150, 0), (100, 50)], dtype=float)
    local = street_matrix(net, _to(local_crs, net, xy))
    canon = Canon(local, None)
    tours = [[0, 1, 2, 3, 4], [0, 2, 1, 3, 4], [4, 3, 2, 1, 0], [1, 2, 3, 4, 0]]
    lengths = {round(route_length(local.dist, t, None, True), 3) for t in tours}
    assert len(lengths) == 2  # three equally short tours and a longer one
    out = [canon(t, True) for t in tours]
    for t, c in zip(tours, out, strict=True):
        assert sorted(c) == sorted(t)
        assert route_length(local.dist, c, None, True) <= route_length(local.dist, t, None, True) + 1e-6
    best = [c for c, t in zip(out, tours, strict=True) if round(route_length(local.dist, t, None, True), 3) == min(lengths)]
    assert all(c == best[0] for c in best)


def test_gap_goes_to_the_longest_stretch(local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
    # a street between two junctions, its grates reached from both ends: one stretch stays unwalked
    lines = [[(-50, 0), (0, 0)], [(0, -50), (0, 0)], [(0, 0), (300, 0)], [(300, 0), (350, 0)], [(300, 0), (300, -50)]]
    net = build_network(make_streets(lines))
    xs = [20.0, 60.0, 100.0, 200.0, 240.0, 280.0]  # the widest stretch is 100 -> 200
    m = street_matrix(net, _to(local_crs, net, np.array([(x, 0.0) for x in xs])))
    assert m.graph is not None and m.point_nodes is not None
    node_xy = m._node_xy
    assert node_xy is not None
    local = _from(local_crs, net, node_xy)

    def node(x: float, y: float) -> int:
        return int(np.argmin(np.hypot(local[:, 0] - x, local[:, 1] - y)))

    p = [int(n) for n in m.point_nodes]
    j1, j2, west, east = node(0, 0), node(300, 0), node(-50, 0), node(350, 0)
    twice = [(j1, west), (j1, p[0]), (p[0], p[1]), (p[3], p[4]), (p[4], p[5]), (p[5], j2), (j2, east), (p[2], p[3])]
    walk = [e for e in twice for _ in range(2)]  # the gap is 60 -> 100 (40 m)
    out = Chains(m).widest_gaps(walk)
    count = Counter(tuple(sorted(e)) for e in out)
    assert count[tuple(sorted((p[2], p[3])))] == 0  # now unwalked: the 100 m stretch
    assert count[tuple(sorted((p[1], p[2])))] == 2
    assert sum(count.values()) == len(walk)
    degree = Counter(n for e in out for n in e)
    assert all(d % 2 == 0 for d in degree.values())
    # already at the widest: left alone
    assert Counter(tuple(sorted(e)) for e in Chains(m).widest_gaps(out)) == count


def test_euler_walk_uses_every_edge_once() -> None:
    edges = [(0, 1), (1, 2), (2, 0), (0, 3), (3, 0)]
    walk = euler_walk(edges, 0)
    assert walk[0] == walk[-1] == 0 and len(walk) == len(edges) + 1
    used = sorted(tuple(sorted(e)) for e in zip(walk[:-1], walk[1:], strict=True))
    assert used == sorted(tuple(sorted(e)) for e in edges)
    assert euler_walk(list(reversed(edges)), 0) == walk  # the rule, not the input order, decides


def test_straight_lines_are_left_alone(make_points: Callable[..., gpd.GeoDataFrame]) -> None:
    pts = make_points([(0, 0), (100, 0), (100, 100), (0, 100), (50, 50)])
    plan = plan_routes(pts, network=None, closed=True, time_limit=0.2)
    assert not plan.on_streets and len(plan.stops) == 5


def _to(local_crs: pyproj.CRS, net: StreetNetwork, xy: np.ndarray) -> np.ndarray:
    """Local fixture metres to the network's CRS."""
    transform = pyproj.Transformer.from_crs(local_crs, net.crs, always_xy=True)
    return np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))


def _from(local_crs: pyproj.CRS, net: StreetNetwork, xy: np.ndarray) -> np.ndarray:
    """The network's CRS to local fixture metres."""
    transform = pyproj.Transformer.from_crs(net.crs, local_crs, always_xy=True)
    return np.column_stack(transform.transform(xy[:, 0], xy[:, 1]))
