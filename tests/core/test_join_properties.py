"""Property tests: the joins, the summary and the China shift against brute
force, on data hypothesis makes up."""

from __future__ import annotations

import itertools
from pathlib import Path

import geocoordinates_ffi as gcf
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import crs as gcrs
from geo import join
from geo.crs import local_metric_crs
from geo.store import open_store
from geo.summary import grid_summary

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

unit = st.floats(min_value=0.0, max_value=5.2, allow_nan=False)
size = st.floats(min_value=0.02, max_value=0.8, allow_nan=False)


def _brute_building_grid(b: shapely.Geometry, grids: gpd.GeoDataFrame, metric: gpd.GeoSeries,
                         bm: shapely.Geometry) -> tuple[list[str], list[str], dict[str, float]]:
    """Best grids (within rounding), grids holding a significant share, areas."""
    areas = {gid: float(shapely.intersection(bm, g).area) for gid, g in zip(grids["grid_id"], metric, strict=True)
             if g.intersects(bm)}
    touching = sorted(gid for gid, g in zip(grids["grid_id"], grids.geometry, strict=True) if g.intersects(b))
    if not areas or max(areas.values()) == 0:
        return touching[:1], [], areas
    top = max(areas.values())
    best = sorted(g for g, a in areas.items() if a >= top * (1 - 1e-9))
    share = [g for g, a in areas.items() if a / bm.area > join.SPLIT_TOLERANCE]
    return best, share, areas


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rects=st.lists(st.tuples(unit, st.floats(0.0, 1.2), size, size), min_size=1, max_size=20),
       pts=st.lists(st.tuples(unit, st.floats(0.0, 1.2)), max_size=5))
def test_buildings_to_grids_agree_with_brute_force(rects: list[tuple[float, float, float, float]],
                                                   pts: list[tuple[float, float]], make_grids) -> None:
    grids = make_grids()
    geoms = [shapely.box(LON0 + x * D, LAT0 + y * D, LON0 + (x + w) * D, LAT0 + (y + h) * D)
             for x, y, w, h in rects] + [shapely.Point(LON0 + x * D, LAT0 + y * D) for x, y in pts]
    b = gpd.GeoDataFrame({"building_id": [f"b{i:02d}" for i in range(len(geoms))]}, geometry=geoms, crs=4326)
    out = join.assign_buildings(b, grids)
    assert list(out.index) == list(b.index)
    crs = local_metric_crs(grids)
    metric = grids.to_crs(crs).geometry
    bm = b.to_crs(crs).geometry
    for geom, geom_m, got, split in zip(b.geometry, bm, out["grid_id"], out["split"], strict=True):
        if geom.geom_type == "Point":
            holders = sorted(g for g, poly in zip(grids["grid_id"], grids.geometry, strict=True) if poly.intersects(geom))
            assert got == (holders[0] if holders else None)
            assert not split
            continue
        best, share, _ = _brute_building_grid(geom, grids, metric, geom_m)
        assert got in best if best else got is None
        assert bool(split) == (len(share) > 1)


@settings(max_examples=30, deadline=None)
@given(pts=st.lists(st.tuples(st.floats(-0.5, 5.5), st.floats(-0.3, 1.3),
                              st.sampled_from(["drain_grate", "flooding", "flying_wire"])), max_size=60))
def test_summary_counts_every_incident_exactly_once(pts: list[tuple[float, float, str]], make_buildings, make_grids) -> None:
    grids, buildings = make_grids(), join.assign_buildings(make_buildings(), make_grids())
    status = {"drain_grate": "blocked", "flooding": "reported", "flying_wire": "resolved"}
    inc = gpd.GeoDataFrame(
        {"incident_id": [f"i{i}" for i in range(len(pts))], "type": [t for *_, t in pts],
         "status": [status[t] for *_, t in pts]},
        geometry=[shapely.Point(LON0 + x * D, LAT0 + y * D) for x, y, _ in pts], crs=4326)
    joined = join.assign_incidents(inc, grids, buildings)
    s = grid_summary(grids, buildings, joined).set_index("grid_id")
    assert s["incidents"].sum() == len(inc)
    expected = joined["grid_id"].fillna("").value_counts()
    for gid in s.index:
        assert s.loc[gid, "incidents"] == expected.get(gid, 0)
        rows = joined[joined["grid_id"].fillna("") == gid]
        for t in ("drain_grate", "flooding", "flying_wire"):
            assert s.loc[gid, f"n_{t}"] == (rows["type"] == t).sum()
        assert s.loc[gid, "open_incidents"] == rows["status"].isin(["blocked", "reported"]).sum()
    assert s.loc["", "incidents"] == joined["grid_id"].isna().sum()
    assert s["buildings"].sum() == len(buildings)


def _lattice(n: int) -> gpd.GeoDataFrame:
    cells = [(i, j) for i in range(n) for j in range(n)]
    return gpd.GeoDataFrame(
        {"grid_id": [f"G{i}{j}" for i, j in cells]},
        geometry=[shapely.box(LON0 + i * D, LAT0 + j * D, LON0 + (i + 1) * D, LAT0 + (j + 1) * D)
                  for i, j in cells], crs=4326)


def test_points_on_every_shared_edge_and_corner_go_to_exactly_one_grid() -> None:
    grids = _lattice(3)
    xs = [LON0 + k * D / 2 for k in range(7)]  # every edge, corner and cell centre
    pts = [shapely.Point(x, y) for x in xs for y in [LAT0 + k * D / 2 for k in range(7)]]
    inc = gpd.GeoDataFrame({"incident_id": [f"p{i}" for i in range(len(pts))], "type": "flooding"},
                           geometry=pts, crs=4326)
    first = join.assign_incidents(inc, grids, gpd.GeoDataFrame({"building_id": []}, geometry=[], crs=4326))
    assert first["grid_id"].notna().all()  # all on or inside the lattice
    for p, gid in zip(pts, first["grid_id"], strict=True):
        holders = sorted(g for g, poly in zip(grids["grid_id"], grids.geometry, strict=True) if poly.intersects(p))
        assert gid == holders[0]
    rng = np.random.default_rng(0)
    for _ in range(5):  # the same grid whatever the order of the grids
        shuffled = grids.iloc[rng.permutation(len(grids))].reset_index(drop=True)
        again = join.assign_incidents(inc, shuffled, gpd.GeoDataFrame({"building_id": []}, geometry=[], crs=4326))
        assert again["grid_id"].tolist() == first["grid_id"].tolist()
    s = grid_summary(grids, gpd.GeoDataFrame({"building_id": [], "grid_id": []}, geometry=[], crs=4326), first)
    assert s["incidents"].sum() == len(pts) and s["incidents"].iloc[-1] == 0


@settings(max_examples=25, deadline=None)
@given(lon=st.floats(75.0, 134.0), lat=st.floats(18.0, 53.0), spread=st.floats(0.001, 0.3),
       system=st.sampled_from(["gcj02", "bd09"]))
def test_china_shift_round_trip_under_a_metre_anywhere_in_china(lon: float, lat: float, spread: float,
                                                                 system: str) -> None:
    rng = np.random.default_rng(int(lon * 1000) % 2**32)
    n = 300
    x, y = lon + rng.uniform(0, spread, n), lat + rng.uniform(0, spread, n)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    shifted = gcrs.china_shift(gdf, system)
    back = gcrs.china_shift(shifted, system, inverse=True)
    metres = np.array([111_320 * np.cos(np.radians(lat)), 110_574])
    rt = np.abs(shapely.get_coordinates(back.geometry.values) - np.column_stack([x, y])) * metres
    assert rt.max() < 1.0
    lib = []
    for a, b in zip(x[:40], y[:40], strict=True):
        q = gcf.wgs84_to_gcj02(gcf.Wgs84(lat=b, lon=a))
        q = gcf.gcj02_to_bd09(q) if system == "bd09" else q
        lib.append((q.lon, q.lat))
    fwd = np.abs(shapely.get_coordinates(shifted.geometry.values)[:40] - np.array(lib)) * metres
    assert fwd.max() < 0.1


@pytest.mark.parametrize("target", [4547, 4490, 3857, 32650])
def test_crs_round_trips(target: int, make_grids) -> None:
    g = make_grids()
    back = gcrs.to_storage_crs(g.to_crs(target))
    for a, b in zip(back.geometry, g.geometry, strict=True):
        assert a.equals_exact(b, 1e-8)


def test_store_round_trip_keeps_extra_columns_and_values(tmp_path: Path, make_buildings, make_grids, make_incidents) -> None:
    layers = join.join_layers({"grids": make_grids(), "buildings": make_buildings(), "incidents": make_incidents()})
    layers["buildings"]["物业公司"] = ["甲物业", None, "乙物业", "无"]
    layers["incidents"]["depth_cm"] = [np.nan, 35.5, np.nan, np.nan]
    store = open_store(tmp_path / "s.gpkg")
    store.write(layers)
    for name, gdf in layers.items():
        got = store.read(name)
        assert len(got) == len(gdf) and list(got.index) == list(range(len(gdf)))
        for col in gdf.columns:
            if col == "geometry":
                # a GeoPackage layer has one geometry type: Polygon grids beside a MultiPolygon
                # come back as one-part MultiPolygons, with the very same coordinates
                for a, b in zip(got.geometry, gdf.geometry, strict=True):
                    assert a.geom_type in (b.geom_type, f"Multi{b.geom_type}")
                    assert np.array_equal(shapely.get_coordinates(a), shapely.get_coordinates(b))
            else:
                left = pd.Series(gdf[col].astype(object)).where(gdf[col].notna(), None).tolist()
                right = pd.Series(got[col].astype(object)).where(got[col].notna(), None).tolist()
                assert left == right, (name, col)


def test_same_data_same_joins_every_time(make_buildings, make_grids, make_incidents) -> None:
    layers = {"grids": make_grids(), "buildings": make_buildings(), "incidents": make_incidents()}
    runs = [join.join_layers(dict(layers)) for _ in range(2)]
    for a, b in itertools.pairwise(runs):
        for name in ("buildings", "incidents"):
            assert a[name].drop(columns="geometry").astype(object).fillna("").equals(
                b[name].drop(columns="geometry").astype(object).fillna(""))
