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
from tests.core import foundation_fixtures as fx


class TestPointInGrid:
    def test_inside_boundary_multipolygon_outside(self) -> None:
        out = join.assign_incidents(fx.incidents(), fx.grids(), fx.buildings())
        assert list(out["grid_id"]) == ["G1", "G1", "G3", None]

    def test_shared_boundary_goes_to_smallest_id_whatever_the_order(self) -> None:
        grids = fx.grids().iloc[::-1].reset_index(drop=True)
        out = join.assign_incidents(fx.incidents(), grids, fx.buildings())
        assert out.loc[1, "grid_id"] == "G1"

    def test_shared_corner_counted_once(self) -> None:
        corner = gpd.GeoDataFrame({"incident_id": ["C"], "type": ["flooding"]},
                                  geometry=[shapely.Point(fx.LON0 + fx.D, fx.LAT0 + fx.D)], crs=4326)
        out = join.assign_incidents(corner, fx.grids(), fx.buildings())
        assert out["grid_id"].tolist() == ["G1"]

    def test_keeps_index_and_length(self) -> None:
        inc = fx.incidents()
        inc.index = [10, 20, 30, 40]
        out = join.assign_incidents(inc, fx.grids(), fx.buildings())
        assert list(out.index) == [10, 20, 30, 40]

    def test_empty_layers(self) -> None:
        out = join.assign_incidents(empty_layer("incidents"), fx.grids(), fx.buildings())
        assert len(out) == 0
        out = join.assign_incidents(fx.incidents(), empty_layer("grids"), empty_layer("buildings"))
        assert out["grid_id"].isna().all() and out["building_id"].isna().all()


class TestBuildings:
    def test_largest_overlap_and_split_flag(self) -> None:
        out = join.assign_buildings(fx.buildings(), fx.grids())
        assert list(out["grid_id"]) == ["G1", "G2", "G2", None]
        assert list(out["split"]) == [False, True, False, False]

    def test_grid_with_no_buildings_is_fine(self) -> None:
        out = join.assign_buildings(fx.buildings().iloc[:1], fx.grids())
        assert out["grid_id"].tolist() == ["G1"]


class TestNearestBuilding:
    def test_distance_in_metres_and_inside_is_zero(self) -> None:
        inc = fx.incidents()
        inside = gpd.GeoDataFrame({"incident_id": ["IN"], "type": ["flooding"]},
                                  geometry=[shapely.Point(fx.LON0 + 0.3 * fx.D, fx.LAT0 + 0.3 * fx.D)], crs=4326)
        out = join.assign_incidents(gpd.GeoDataFrame(
            gpd.pd.concat([inc, inside], ignore_index=True), crs=4326), fx.grids(), fx.buildings())
        # I1 is 0.05 * D east of B1's east edge: about 4.8 m
        assert out.loc[0, "building_id"] == "B1"
        assert out.loc[0, "building_dist_m"] == pytest.approx(4.8, abs=0.1)
        assert out.loc[4, "building_id"] == "B1" and out.loc[4, "building_dist_m"] == 0
        assert out.loc[3, "building_id"] is None and np.isnan(out.loc[3, "building_dist_m"])

    def test_radius_is_respected(self) -> None:
        out = join.assign_incidents(fx.incidents(), fx.grids(), fx.buildings(), max_distance=3)
        assert out.loc[0, "building_id"] is None

    def test_tie_goes_to_smallest_building_id(self) -> None:
        p = shapely.Point(fx.LON0, fx.LAT0)
        b = gpd.GeoDataFrame({"building_id": ["Z", "A"]},
                             geometry=[shapely.Point(fx.LON0 + 0.0001, fx.LAT0), shapely.Point(fx.LON0 - 0.0001, fx.LAT0)],
                             crs=4326)
        inc = gpd.GeoDataFrame({"incident_id": ["x"], "type": ["flooding"]}, geometry=[p], crs=4326)
        out = join.assign_incidents(inc, fx.grids(), b)
        assert out.loc[0, "building_id"] == "A"

    def test_polygon_with_hole(self) -> None:
        outer = shapely.box(fx.LON0, fx.LAT0, fx.LON0 + fx.D, fx.LAT0 + fx.D)
        hole = shapely.box(fx.LON0 + 0.4 * fx.D, fx.LAT0 + 0.4 * fx.D, fx.LON0 + 0.6 * fx.D, fx.LAT0 + 0.6 * fx.D)
        ring = shapely.Polygon(outer.exterior.coords, [hole.exterior.coords])
        b = gpd.GeoDataFrame({"building_id": ["R"]}, geometry=[ring], crs=4326)
        centre = shapely.Point(fx.LON0 + 0.5 * fx.D, fx.LAT0 + 0.5 * fx.D)
        inc = gpd.GeoDataFrame({"incident_id": ["c"], "type": ["flooding"]}, geometry=[centre], crs=4326)
        out = join.assign_incidents(inc, fx.grids(), b)
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
def test_joins_agree_with_brute_force(pts: list[tuple[float, float]], blds: list[tuple[float, float, float, float]]) -> None:
    grids = fx.grids()
    points = gpd.GeoDataFrame(
        {"incident_id": [f"p{i}" for i in range(len(pts))], "type": "flooding"},
        geometry=[shapely.Point(fx.LON0 + x * fx.D, fx.LAT0 + y * fx.D / 3) for x, y in pts], crs=4326,
    )
    buildings = gpd.GeoDataFrame(
        {"building_id": [f"b{i:02d}" for i in range(len(blds))]},
        geometry=[shapely.box(fx.LON0 + x * fx.D, fx.LAT0 + y * fx.D / 3, fx.LON0 + (x + w) * fx.D, fx.LAT0 + (y + h) * fx.D / 3)
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


def test_large_point_set_uses_threads_and_matches_single_chunk() -> None:
    rng = np.random.default_rng(1)
    n = join._CHUNK_MIN + 1000
    x = fx.LON0 + rng.uniform(0, 5 * fx.D, n)
    y = fx.LAT0 + rng.uniform(0, fx.D, n)
    pts = gpd.GeoDataFrame({"incident_id": np.arange(n).astype(str), "type": "flooding"},
                           geometry=gpd.points_from_xy(x, y), crs=4326)
    out = join.assign_incidents(pts, fx.grids(), fx.buildings())
    small = join.assign_incidents(pts.iloc[-500:], fx.grids(), fx.buildings())
    assert out["grid_id"].iloc[-500:].tolist() == small["grid_id"].tolist()
    assert np.allclose(out["building_dist_m"].iloc[-500:].to_numpy(), small["building_dist_m"].to_numpy(), equal_nan=True)
    assert out["grid_id"].notna().sum() > 0


def test_transformer_is_metric() -> None:
    crs = local_metric_crs(fx.grids())
    t = pyproj.Transformer.from_crs(4326, crs, always_xy=True)
    x0, _ = t.transform(fx.LON0, fx.LAT0)
    x1, _ = t.transform(fx.LON0 + fx.D, fx.LAT0)
    assert x1 - x0 == pytest.approx(95.9, abs=0.5)
