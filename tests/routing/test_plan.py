"""Route planning: patrollers, edge cases, point selection."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.errors import CRSError, GeometryError, GridWatchError, OptionError, UnknownIdError
from geo.routing.network import StreetNetwork, build_network
from geo.routing.plan import plan_from_store, plan_routes
from geo.store import Store
from tests import paths

TSPLIB = paths.SHARED / "tsplib"


def _euclid(xy: np.ndarray) -> np.ndarray:
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


def _tour_cost(dist: np.ndarray, order: list[int], closed: bool = True) -> float:
    idx = np.asarray(order + ([order[0]] if closed else []))
    return float(dist[idx[:-1], idx[1:]].sum())


def _grid_xy(rng: np.random.Generator, n: int) -> list[tuple[float, float]]:
    """Points on the streets of :func:`grid_streets` (4 x 4 blocks of 100 m)."""
    out = []
    for _ in range(n):
        along, line = rng.uniform(0, 300), int(rng.integers(0, 4)) * 100.0
        out.append((along, line) if rng.random() < 0.5 else (line, along))
    return out


@pytest.fixture(scope="module")
def network(grid_streets: Callable[..., gpd.GeoDataFrame]) -> StreetNetwork:
    return build_network(grid_streets(4, 100.0))


class TestPlanRoutes:
    @pytest.mark.parametrize("k", [1, 3])
    @pytest.mark.parametrize("closed", [True, False])
    @pytest.mark.parametrize("with_start", [True, False])
    def test_every_point_once(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork, k: int, closed: bool, with_start: bool) -> None:
        pts = make_points(_grid_xy(np.random.default_rng(k), 25))
        start = lonlat(0, 0) if with_start else None
        plan = plan_routes(pts, network=network, start=start, patrollers=k, closed=closed, time_limit=0.5)
        assert sorted(plan.stops["id"]) == sorted(pts["incident_id"])
        assert plan.patrollers == k and len(plan.routes) == k
        assert plan.on_streets and not plan.unreachable and not plan.warnings
        for p in range(1, k + 1):
            stops = plan.route_stops(p)
            assert stops["seq"].tolist() == list(range(1, len(stops) + 1))
            assert np.allclose(stops["leg_m"].cumsum(), stops["cumulative_m"])
            route = plan.routes.iloc[p - 1]
            last = float(stops["cumulative_m"].iloc[-1]) if len(stops) else 0.0
            assert route["length_m"] == pytest.approx(last + route["return_m"])
            # the drawn line is the walked line
            assert _geodesic_length(route.geometry) == pytest.approx(route["length_m"], rel=2e-3, abs=1.0)
        assert plan.makespan_m == plan.routes["length_m"].max()

    def test_keeps_ids_types_and_grids(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points([(0, 50), (100, 50), (200, 50)], types=["drain_grate", "flooding", "flying_wire"], grids=["G1", "G2", "G3"])
        plan = plan_routes(pts, network=network, start=None)
        merged = plan.stops.set_index("id").loc[pts["incident_id"]]
        assert merged["type"].tolist() == ["drain_grate", "flooding", "flying_wire"]
        assert merged["grid_id"].tolist() == ["G1", "G2", "G3"]

    def test_one_point(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        plan = plan_routes(make_points([(50, 0)]), network=network, start=lonlat(0, 0), closed=True)
        assert plan.stops["leg_m"].tolist() == pytest.approx([50.0], abs=0.05)
        assert plan.makespan_m == pytest.approx(100.0, abs=0.1)
        alone = plan_routes(make_points([(50, 0)]), network=network, start=None)
        assert alone.makespan_m == 0.0 and len(alone.stops) == 1

    def test_two_points(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        plan = plan_routes(make_points([(0, 0), (300, 0)]), network=network, start=None, closed=False)
        assert plan.makespan_m == pytest.approx(300.0, abs=0.1)

    def test_duplicate_locations(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points([(50, 0), (50, 0), (50, 0), (150, 0)])
        plan = plan_routes(pts, network=network, start=lonlat(0, 0), closed=False)
        assert len(plan.stops) == 4
        assert plan.makespan_m == pytest.approx(150.0, abs=0.1)

    def test_unreachable_point_is_flagged(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points([(0, 0), (300, 0), (300, 300), (2000, 2000)])
        plan = plan_routes(pts, network=network, start=None)
        assert plan.unreachable == ["P03"]
        assert any("no street reaches" in w for w in plan.warnings)
        assert plan.stops.set_index("id").loc["P03", "straight"] or plan.route_stops(1)["id"].iloc[0] == "P03"

    def test_without_network_straight_lines(self, make_points: Callable[..., gpd.GeoDataFrame]) -> None:
        pts = make_points([(0, 0), (300, 0), (300, 400)])
        plan = plan_routes(pts, network=None, start=None, closed=True)
        assert not plan.on_streets and plan.warnings
        assert plan.makespan_m == pytest.approx(1200.0, abs=0.5)

    def test_patrollers_balance(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points(_grid_xy(np.random.default_rng(7), 60))
        one = plan_routes(pts, network=network, start=lonlat(150, 150), patrollers=1, time_limit=0.5)
        four = plan_routes(pts, network=network, start=lonlat(150, 150), patrollers=4, time_limit=1.0)
        assert four.makespan_m < one.makespan_m / 2
        assert four.routes["n_stops"].min() > 0

    def test_more_patrollers_than_points(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        plan = plan_routes(make_points([(0, 0), (100, 0)]), network=network, start=lonlat(0, 0), patrollers=3)
        assert sorted(plan.routes["n_stops"]) == [0, 1, 1]
        assert any("no stops" in w for w in plan.warnings)

    def test_max_stops(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points(_grid_xy(np.random.default_rng(8), 20))
        plan = plan_routes(pts, network=network, start=lonlat(0, 0), patrollers=3, max_stops=7, time_limit=0.5)
        assert plan.routes["n_stops"].max() <= 7
        with pytest.raises(OptionError, match="at least 4 patrollers"):
            plan_routes(pts, network=network, start=None, patrollers=2, max_stops=5)

    def test_max_length(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points(_grid_xy(np.random.default_rng(9), 20))
        with pytest.raises(OptionError, match="above the limit"):
            plan_routes(pts, network=network, start=None, max_length_m=50.0, time_limit=0.3)

    def test_same_input_same_plan(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        pts = make_points(_grid_xy(np.random.default_rng(10), 15))
        a = plan_routes(pts, network=network, start=lonlat(0, 0), patrollers=2, time_limit=0.5, seed=3)
        b = plan_routes(pts, network=network, start=lonlat(0, 0), patrollers=2, time_limit=0.5, seed=3)
        assert a.stops["id"].tolist() == b.stops["id"].tolist()

    def test_projected_points(self, make_points: Callable[..., gpd.GeoDataFrame]) -> None:
        pts = make_points([(0, 0), (30, 40), (60, 0)]).to_crs("EPSG:32650")
        plan = plan_routes(pts, network=None, start=None, closed=False)
        assert plan.makespan_m == pytest.approx(100.0, abs=0.1)

    @pytest.mark.parametrize(
        ("kwargs", "error", "match"),
        [
            ({"patrollers": 0}, OptionError, "at least 1"),
            ({"time_limit": 0}, OptionError, "positive"),
            ({"max_length_m": -1}, OptionError, "positive"),
            ({"start": (500.0, 30.0)}, CRSError, "longitude"),
        ],
    )
    def test_bad_options(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork, kwargs: dict, error: type, match: str) -> None:
        with pytest.raises(error, match=match):
            plan_routes(make_points([(0, 0), (100, 0)]), network=network, **kwargs)

    def test_bad_points(self, make_points: Callable[..., gpd.GeoDataFrame], network: StreetNetwork) -> None:
        with pytest.raises(OptionError, match="no points"):
            plan_routes(make_points([]), network=network)
        with pytest.raises(CRSError):
            plan_routes(make_points([(0, 0)]).set_crs(None, allow_override=True), network=network)
        lines = make_points([(0, 0)])
        lines["geometry"] = [shapely.LineString([(114.4, 30.5), (114.41, 30.5)])]
        with pytest.raises(GeometryError):
            plan_routes(lines, network=network)


def _geodesic_length(line: shapely.LineString | None) -> float:
    from pyproj import Geod

    return float(Geod(ellps="WGS84").geometry_length(line)) if line is not None else 0.0


class TestPlanFromStore:
    def test_one_grids_grates_from_an_office(self, demo_store: Store) -> None:
        plan = plan_from_store(demo_store, grids=["G01"], types=["drain_grate"], start="G01", patrollers=2,
                               time_limit=0.5)  # fmt: skip
        assert len(plan.stops) == 82 and plan.patrollers == 2 and plan.on_streets
        assert set(plan.stops["grid_id"]) == {"G01"} and set(plan.stops["type"]) == {"drain_grate"}
        assert plan.start is not None and plan.closed

    def test_straight_and_a_typed_start(self, demo_store: Store) -> None:
        plan = plan_from_store(demo_store, grids=["G01"], types=["drain_grate"], start="114.365, 30.52",
                               straight=True, closed=False, time_limit=0.3)  # fmt: skip
        assert not plan.on_streets and plan.start == (114.365, 30.52) and not plan.closed

    def test_errors_of_each_step(self, demo_store: Store) -> None:
        from geo.routing.points import SELECT_ERRORS, START_ERRORS

        with pytest.raises(UnknownIdError) as caught:
            plan_from_store(demo_store, grids=["G99"], types=["drain_grate"])
        assert caught.value.key in SELECT_ERRORS
        for start in ("nowhere", "200,30"):
            with pytest.raises(GridWatchError) as caught:
                plan_from_store(demo_store, grids=["G01"], types=["drain_grate"], start=start, time_limit=0.2)
            assert caught.value.key in START_ERRORS
