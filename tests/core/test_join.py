"""Spatial joins: rules at the edges, and agreement with brute force."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import join
from geo.crs import local_metric_crs
from geo.store import empty_layer

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees


class TestPointInGrid:
    def test_inside_boundary_multipolygon_outside(self, make_buildings, make_grids, make_incidents) -> None:
        out = join.assign_incidents(make_incidents(), make_grids(), make_buildings())
        assert list(out["grid_id"]) == ["G1", "G1", "G3", None]

    def test_shared_boundary_goes_to_smallest_id_whatever_the_order(self, make_buildings, make_grids, make_incidents) -> None:
        grids = make_grids().iloc[::-1].reset_index(drop=True)
        out = join.assign_incidents(make_incidents(), grids, make_buildings())
        assert out.loc[1, "grid_id"] == "G1"

    def test_shared_corner_counted_once(self, make_buildings, make_grids) -> None:
        corner = gpd.GeoDataFrame({"incident_id": ["C"], "type": ["flooding"]},
                                  geometry=[shapely.Point(LON0 + D, LAT0 + D)], crs=4326)
        out = join.assign_incidents(corner, make_grids(), make_buildings())
        assert out["grid_id"].tolist() == ["G1"]

    def test_keeps_index_and_length(self, make_buildings, make_grids, make_incidents) -> None:
        inc = make_incidents()
        inc.index = [10, 20, 30, 40]
        out = join.assign_incidents(inc, make_grids(), make_buildings())
        assert list(out.index) == [10, 20, 30, 40]

    def test_empty_layers(self, make_buildings, make_grids, make_incidents) -> None:
        out = join.assign_incidents(empty_layer("incidents"), make_grids(), make_buildings())
        assert len(out) == 0
        out = join.assign_incidents(make_incidents(), empty_layer("grids"), empty_layer("buildings"))
        assert out["grid_id"].isna().all() and out["building_id"].isna().all()


class TestBuildings:
    def test_largest_overlap_and_split_flag(self, make_buildings, make_grids) -> None:
        out = join.assign_buildings(make_buildings(), make_grids())
        assert list(out["grid_id"]) == ["G1", "G2", "G2", None]
        assert list(out["split"]) == [False, True, False, False]

    def test_grid_with_no_buildings_is_fine(self, make_buildings, make_grids) -> None:
        out = join.assign_buildings(make_buildings().iloc[:1], make_grids())
        assert out["grid_id"].tolist() == ["G1"]


class TestNearestBuilding:
    def test_distance_in_metres_and_inside_is_zero(self, make_buildings, make_grids, make_incidents) -> None:
        inc = make_incidents()
        inside = gpd.GeoDataFrame({"incident_id": ["IN"], "type": ["flooding"]},
                                  geometry=[shapely.Point(LON0 + 0.3 * D, LAT0 + 0.3 * D)], crs=4326)
        out = join.assign_incidents(gpd.GeoDataFrame(
            gpd.pd.concat([inc, inside], ignore_index=True), crs=4326), make_grids(), make_buildings())
        # I1 is 0.05 * D east of B1's east edge: about 4.8 m
        assert out.loc[0, "building_id"] == "B1"
        assert out.loc[0, "building_dist_m"] == pytest.approx(4.8, abs=0.1)
        assert out.loc[4, "building_id"] == "B1" and out.loc[4, "building_dist_m"] == 0
        assert out.loc[3, "building_id"] is None and np.isnan(out.loc[3, "building_dist_m"])

    def test_radius_is_respected(self, make_buildings, make_grids, make_incidents) -> None:
        out = join.assign_incidents(make_incidents(), make_grids(), make_buildings(), max_distance=3)
        assert out.loc[0, "building_id"] is None

    def test_tie_goes_to_smallest_building_id(self, make_grids) -> None:
        p = shapely.Point(LON0, LAT0)
        b = gpd.GeoDataFrame({"building_id": ["Z", "A"]},
                             geometry=[shapely.Point(LON0 + 0.0001, LAT0), shapely.Point(LON0 - 0.0001, LAT0)],
                             crs=4326)
        inc = gpd.GeoDataFrame({"incident_id": ["x"], "type": ["flooding"]}, geometry=[p], crs=4326)
        out = join.assign_incidents(inc, make_grids(), b)
        assert out.loc[0, "building_id"] == "A"

    def test_polygon_with_hole(self, make_grids) -> None:
        outer = shapely.box(LON0, LAT0, LON0 + D, LAT0 + D)
        hole = shapely.box(LON0 + 0.4 * D, LAT0 + 0.4 * D, LON0 + 0.6 * D, LAT0 + 0.6 * D)
        ring = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
        b = gpd.GeoDataFrame({"building_id": ["R"]}, geometry=[ring], crs=4326)
        centre = shapely.Point(LON0 + 0.5 * D, LAT0 + 0.5 * D)
        inc = gpd.GeoDataFrame({"incident_id": ["c"], "type": ["flooding"]}, geometry=[centre], crs=4326)
        out = join.assign_incidents(inc, make_grids(), b)
        assert out.loc[0, "building_dist_m"] == pytest.approx(9.6, abs=0.2)  # 0.1 D to the hole's edge


def _brute_nearest(points: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, radius: float) -> list[tuple[str | None, float]]:
    crs = local_metric_crs(points)
    pm = points.to_crs(crs).geometry.values
    bm = buildings.to_crs(crs).geometry.values
    ids = buildings["building_id"].tolist()
    out = []
    for p in pm:
        d = shapely.distance(p, bm)
        cand = [(float(dd), i) for dd, i in zip(d, ids, strict=True) if dd <= radius]
        out.append((min(cand)[1], min(cand)[0]) if cand else (None, float("nan")))
    return out


coords = st.floats(min_value=0.0, max_value=3.0)


@settings(max_examples=40, deadline=None)
@given(
    pts=st.lists(st.tuples(coords, coords), min_size=1, max_size=30),
    blds=st.lists(st.tuples(coords, coords, st.floats(0.01, 0.4), st.floats(0.01, 0.4)), min_size=1, max_size=15),
)
def test_joins_agree_with_brute_force(pts: list[tuple[float, float]], blds: list[tuple[float, float, float, float]], make_grids) -> None:
    grids = make_grids()
    points = gpd.GeoDataFrame(
        {"incident_id": [f"p{i}" for i in range(len(pts))], "type": "flooding"},
        geometry=[shapely.Point(LON0 + x * D, LAT0 + y * D / 3) for x, y in pts], crs=4326,
    )
    buildings = gpd.GeoDataFrame(
        {"building_id": [f"b{i:02d}" for i in range(len(blds))]},
        geometry=[shapely.box(LON0 + x * D, LAT0 + y * D / 3, LON0 + (x + w) * D, LAT0 + (y + h) * D / 3)
                  for x, y, w, h in blds], crs=4326,
    )
    out = join.assign_incidents(points, grids, buildings, max_distance=30, metric_crs=local_metric_crs(points))
    # grids: brute force with the smallest-id rule on boundaries
    for p, got in zip(points.geometry, out["grid_id"], strict=True):
        holders = sorted(g for g, poly in zip(grids["grid_id"], grids.geometry, strict=True) if poly.intersects(p))
        assert got == (holders[0] if holders else None)
    expected = _brute_nearest(points, buildings, 30)
    for (eid, ed), gid, gd in zip(expected, out["building_id"], out["building_dist_m"], strict=True):
        if eid is None:
            assert gid is None
        else:
            assert gd == pytest.approx(ed, abs=0.011)
            # another building may win only when it ties to the millimetre
            assert gid == eid or abs(gd - ed) <= 0.0015


def test_large_point_set_uses_threads_and_matches_single_chunk(make_buildings, make_grids) -> None:
    rng = np.random.default_rng(1)
    n = join._CHUNK_MIN + 1000
    x = LON0 + rng.uniform(0, 5 * D, n)
    y = LAT0 + rng.uniform(0, D, n)
    pts = gpd.GeoDataFrame({"incident_id": np.arange(n).astype(str), "type": "flooding"},
                           geometry=gpd.points_from_xy(x, y), crs=4326)
    out = join.assign_incidents(pts, make_grids(), make_buildings())
    small = join.assign_incidents(pts.iloc[-500:], make_grids(), make_buildings())
    assert out["grid_id"].iloc[-500:].tolist() == small["grid_id"].tolist()
    assert np.allclose(out["building_dist_m"].iloc[-500:].to_numpy(), small["building_dist_m"].to_numpy(), equal_nan=True)
    assert out["grid_id"].notna().sum() > 0


def test_transformer_is_metric(make_grids) -> None:
    crs = local_metric_crs(make_grids())
    t = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    x0, _ = t.transform(LON0, LAT0)
    x1, _ = t.transform(LON0 + D, LAT0)
    assert x1 - x0 == pytest.approx(95.9, abs=0.5)
