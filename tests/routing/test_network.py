"""Street network: reading OSM and line files, building the graph, snapping, distances, paths."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from geo.errors import CRSError, GeometryError
from geo.routing.network import StreetNetwork, build_network, straight_matrix, street_matrix
from geo.streets import load_streets
from tests import paths
from tests.needs import shared_data

DATA = paths.SHARED
WUHAN_ROADS = DATA / "china" / "wuhan_optics_valley_roads.geojson"
KOTKA_PBF = DATA / "osm" / "kotka_karhula.osm.pbf"


def _xy(local_crs: pyproj.CRS, network: StreetNetwork, pts: list[tuple[float, float]]) -> np.ndarray:
    """Local metre coordinates to the network's CRS."""
    return gpd.GeoSeries(gpd.points_from_xy(*zip(*pts, strict=True)), crs=local_crs).to_crs(network.crs).get_coordinates().to_numpy()


class TestBuildNetwork:
    def test_grid(self, grid_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(grid_streets(4, 100.0))
        assert net.n_nodes == 16
        assert net.components() == 1
        assert net.total_length_m == pytest.approx(2 * 4 * 300.0, rel=1e-4)

    def test_crossing_without_vertex_is_joined_for_line_layers(self, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        cross = [[(0, 50), (100, 50)], [(50, 0), (50, 100)]]
        assert build_network(make_streets(cross)).components() == 1

    def test_crossing_without_vertex_is_a_bridge_in_osm(self, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        cross = [[(0, 50), (100, 50)], [(50, 0), (50, 100)]]
        assert build_network(make_streets(cross, ids=["w1", "w2"])).components() == 2
        assert build_network(make_streets(cross, ids=["w1", "w2"]), node_crossings=True).components() == 1

    def test_tile_cut_gap_and_t_junction_are_joined(self, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        lines = [
            [(0, 0), (100, 0)],
            [(100.4, 0.3), (200, 0)],  # tile cut: 0.5 m gap
            [(150, 0.6), (150, 80)],  # T-junction stopping 0.6 m short of the street
        ]
        net = build_network(make_streets(lines, ids=["w1", "w2", "w3"]))
        assert net.components() == 1

    def test_far_gap_stays_apart(self, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(make_streets([[(0, 0), (100, 0)], [(105, 0), (200, 0)]]))
        assert net.components() == 2

    def test_no_lines(self) -> None:
        empty = gpd.GeoDataFrame({"street_id": []}, geometry=[], crs="EPSG:4326")
        with pytest.raises(GeometryError):
            build_network(empty)

    def test_no_crs(self, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        s = make_streets([[(0, 0), (1, 1)]]).set_crs(None, allow_override=True)
        with pytest.raises(CRSError):
            build_network(s)


class TestStreetMatrix:
    def test_walk_around_the_block(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        # an L: along y=0 then up x=100; points 10 m off the street
        net = build_network(make_streets([[(0, 0), (100, 0), (100, 100)]]))
        xy = _xy(local_crs, net, [(20, 10), (110, 80)])
        m = street_matrix(net, xy)
        # 10 m to the street, 80 m along, 100 - 20... : 10 + (80 + 80) + 10
        assert m.dist[0, 1] == pytest.approx(10 + 80 + 80 + 10, abs=0.05)
        assert m.dist[1, 0] == m.dist[0, 1]
        assert m.on_streets and not m.straight.any()
        path = m.paths([(0, 1)])[0]
        assert shapely.LineString(path).length == pytest.approx(m.dist[0, 1], abs=0.05)

    def test_points_on_the_same_segment(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(make_streets([[(0, 0), (100, 0)]]))
        m = street_matrix(net, _xy(local_crs, net, [(10, 0), (30, 0), (30, 0)]))
        assert m.dist[0, 1] == pytest.approx(20, abs=0.01)
        assert m.dist[1, 2] == pytest.approx(0, abs=0.01)

    def test_far_and_cut_off_points_are_straight(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        lines = [[(0, 0), (100, 0)], [(0, 500), (100, 500)]]  # second street cut off from the first
        net = build_network(make_streets(lines))
        xy = _xy(local_crs, net, [(0, 1), (100, 1), (50, 499), (50, 300)])  # the last is 200 m from any street
        m = street_matrix(net, xy, max_snap_m=150)
        assert m.straight.tolist() == [False, False, True, True]
        assert np.isfinite(m.dist).all()
        # the far point: straight to everyone
        assert m.dist[0, 3] == pytest.approx(np.hypot(*(xy[0] - xy[3])))
        assert len(m.paths([(0, 3)])[0]) == 2
        # the cut-off street: along the streets to one end, a 500 m straight connector across the gap, along again
        assert m.dist[0, 2] in (pytest.approx(1 + 0 + 500 + 50 + 1, abs=0.1), pytest.approx(1 + 100 + 500 + 50 + 1, abs=0.1))
        path = shapely.LineString(m.paths([(0, 2)])[0])
        assert path.length == pytest.approx(m.dist[0, 2], abs=0.05)
        assert m.leg_is_straight(0, 2) and m.leg_is_straight(0, 3) and not m.leg_is_straight(0, 1)

    def test_points_on_one_cut_off_piece_walk_its_streets(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        lines = [[(0, 0), (100, 0)], [(0, 500), (100, 500)]]
        net = build_network(make_streets(lines))
        xy = _xy(local_crs, net, [(0, 1), (100, 1), (20, 1), (10, 499), (90, 499)])  # three on the first street, two on the second
        m = street_matrix(net, xy)
        assert m.straight.tolist() == [False, False, False, True, True]
        assert m.dist[3, 4] == pytest.approx(1 + 80 + 1, abs=0.05)
        assert not m.leg_is_straight(3, 4) and m.leg_is_straight(2, 3)

    def test_anchor_chooses_the_main_piece(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        lines = [[(0, 0), (100, 0)], [(0, 500), (100, 500)]]
        net = build_network(make_streets(lines))
        xy = _xy(local_crs, net, [(0, 1), (100, 1), (50, 499)])
        assert street_matrix(net, xy, anchor=2).straight.tolist() == [True, True, False]
        assert street_matrix(net, xy).straight.tolist() == [False, False, True]  # default: the piece with most points

    def test_duplicates_are_one_place(self, local_crs: pyproj.CRS, make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        # 10 m off the street: walking between two grates at one spot is not 10 m out and 10 m back
        net = build_network(make_streets([[(0, 0), (100, 0)]]))
        xy = _xy(local_crs, net, [(50, 10), (50, 10), (50.5, 10), (60, 10)])
        m = street_matrix(net, xy)
        assert m.dist[0, 1] == 0.0 and m.dist[1, 2] == pytest.approx(0.5, abs=1e-6)
        assert m.dist[0, 3] == pytest.approx(10 + 10 + 10, abs=0.05)
        assert not m.leg_is_straight(0, 1)
        assert len(m.paths([(0, 1)])[0]) == 2

    def test_paths_follow_streets_on_a_grid(self, local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(grid_streets(4, 100.0))
        xy = _xy(local_crs, net, [(0, 0), (300, 300), (150, 100), (100, 250)])
        m = street_matrix(net, xy)
        assert m.dist[0, 1] == pytest.approx(600, abs=0.05)
        legs = [(0, 1), (1, 2), (2, 3), (3, 0)]
        for (i, j), path in zip(legs, m.paths(legs), strict=True):
            assert shapely.LineString(path).length == pytest.approx(m.dist[i, j], abs=0.05)

    def test_straight_matrix(self, local_crs: pyproj.CRS) -> None:
        m = straight_matrix(np.array([[0.0, 0.0], [3.0, 4.0]]), local_crs)
        assert m.dist[0, 1] == 5.0
        assert m.straight.all() and not m.on_streets
        assert m.paths([(0, 1)])[0].tolist() == [[0, 0], [3, 4]]

    @shared_data(WUHAN_ROADS, "shared Wuhan roads")
    def test_real_streets(self) -> None:
        net = build_network(load_streets(WUHAN_ROADS))
        rng = np.random.default_rng(0)
        lo, hi = net.node_xy.min(axis=0), net.node_xy.max(axis=0)
        xy = lo + rng.random((60, 2)) * (hi - lo)
        m = street_matrix(net, xy)
        assert np.isfinite(m.dist).all()
        assert np.allclose(m.dist, m.dist.T)
        ok = ~m.straight
        euclid = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        assert (m.dist[np.ix_(ok, ok)] >= euclid[np.ix_(ok, ok)] - 1e-6).all()  # never shorter than a straight line
