"""Tests of the demo community and the city-scale generator (geo/demo.py)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import demo, schema
from geo.crs import local_metric_crs
from geo.errors import OptionError
from geo.store import open_store

Layers = dict[str, gpd.GeoDataFrame]


@pytest.fixture(scope="module")
def community() -> Layers:
    return demo.make_community()


@pytest.fixture(scope="module")
def metric(community: Layers) -> Layers:
    crs = local_metric_crs(community[schema.GRIDS])
    return {k: v.to_crs(crs) for k, v in community.items()}


@pytest.fixture(scope="module")
def city() -> Layers:
    return demo.make_city(grids=50, buildings=2000, incidents=20000)


def _of_type(layers: Layers, kind: str) -> gpd.GeoDataFrame:
    inc = layers[schema.INCIDENTS]
    return inc[inc["type"] == kind]


def _same(a: Layers, b: Layers) -> None:
    assert list(a) == list(b)
    for name in a:
        assert a[name].drop(columns="geometry").equals(b[name].drop(columns="geometry")), name
        assert list(shapely.to_wkb(a[name].geometry.values)) == list(shapely.to_wkb(b[name].geometry.values)), name


def _no_overlaps(geoms: gpd.GeoSeries) -> float:
    """Total area of pairwise overlaps."""
    left, right = shapely.STRtree(geoms.values).query(geoms.values, predicate="intersects")
    keep = left < right
    return float(shapely.area(shapely.intersection(geoms.values[left[keep]], geoms.values[right[keep]])).sum())


class TestCommunity:
    def test_deterministic(self, community: Layers) -> None:
        _same(community, demo.make_community())

    def test_seed_changes_data(self, community: Layers) -> None:
        other = demo.make_community(seed=8)
        assert not other[schema.BUILDINGS].geometry.equals(community[schema.BUILDINGS].geometry)

    @pytest.mark.parametrize("seed", [1, 2, 3, 11, 42])
    def test_other_seeds_work(self, seed: int) -> None:
        layers = demo.make_community(seed=seed)
        assert len(layers[schema.GRIDS]) == 7
        assert 150 <= len(layers[schema.BUILDINGS]) <= 190

    def test_schema_and_crs(self, community: Layers) -> None:
        for name, gdf in community.items():
            assert list(gdf.columns) == [*schema.COLUMNS[name], "geometry"]
            assert gdf.crs.equals(schema.STORAGE_CRS)
            assert set(gdf.geom_type) <= set(schema.GEOMETRY_TYPES[name])
            assert gdf[schema.ID_COLUMN[name]].is_unique
            assert gdf.geometry.is_valid.all()
            for col in schema.DERIVED[name]:
                assert gdf[col].isna().all(), col

    def test_location(self, community: Layers) -> None:
        lon, lat = community[schema.GRIDS].union_all().centroid.coords[0]
        assert abs(lon - 114.362) < 0.01 and abs(lat - 30.518) < 0.01

    def test_counts(self, community: Layers) -> None:
        assert len(community[schema.GRIDS]) == 7
        assert 150 <= len(community[schema.BUILDINGS]) <= 190
        assert 480 <= len(_of_type(community, "drain_grate")) <= 560
        assert 10 <= len(_of_type(community, "flooding")) <= 14
        assert 20 <= len(_of_type(community, "flying_wire")) <= 50
        assert len(community[schema.STREETS]) >= 15

    def test_grids_tile(self, metric: Layers) -> None:
        grids = metric[schema.GRIDS].geometry
        assert grids.union_all().area == pytest.approx(grids.area.sum(), rel=1e-6)
        assert _no_overlaps(grids) < 1.0
        assert grids.area.sum() == pytest.approx(1.1e6, rel=0.15)
        # Shared boundaries, not a rectangle: the union has a single ring with many vertices.
        outline = grids.union_all()
        assert outline.geom_type == "Polygon" and len(outline.interiors) == 0
        assert outline.area / outline.minimum_rotated_rectangle.area < 0.99

    def test_grid_columns(self, community: Layers) -> None:
        grids = community[schema.GRIDS]
        assert grids["grid_id"].tolist() == [f"G{i:02d}" for i in range(1, 8)]
        assert grids["name"].iloc[0] == "第一网格"
        assert grids["community"].nunique() == 1
        assert grids["phone"].str.fullmatch(r"13\d{9}").all()

    def test_buildings_apart(self, metric: Layers) -> None:
        buildings = metric[schema.BUILDINGS].geometry
        left, right = shapely.STRtree(buildings.values).query(buildings.values, predicate="intersects")
        assert (left < right).sum() == 0
        streets = metric[schema.STREETS].union_all()
        assert not buildings.intersects(streets).any()
        assert metric[schema.GRIDS].union_all().buffer(0.01).contains(buildings).all()

    def test_buildings_values(self, community: Layers, metric: Layers) -> None:
        b = community[schema.BUILDINGS]
        assert b["building_id"].str.fullmatch(r"B\d{3}").all()
        assert b["units"].between(1, 6).all()
        assert b["floors"].between(5, 33).all()
        assert (b["floors"] >= 18).sum() >= 5 and (b["floors"] <= 7).sum() >= 80
        assert (b["households"] <= b["units"] * b["floors"] * 2).all()
        assert (b["residents"] >= b["households"]).all()
        assert b["elderly_alone"].between(0, 7).all() and (b["elderly_alone"] >= 5).sum() >= 3
        assert 0.15 <= b["basement"].mean() <= 0.45
        assert b["head_phone"].str.fullmatch(r"13\d{9}").all()
        assert b["head"].str.len().between(2, 3).all()
        # Names unique within each grid (compound).
        joined = gpd.sjoin(metric[schema.BUILDINGS].assign(geometry=metric[schema.BUILDINGS].representative_point()),
                           metric[schema.GRIDS][["grid_id", "geometry"]], predicate="within")
        assert not joined.duplicated(["name", "grid_id_right"]).any()
        assert b["name"].str.fullmatch(r"\d+栋").all()

    def test_grates_along_streets(self, community: Layers, metric: Layers) -> None:
        grates = metric[schema.INCIDENTS].loc[_of_type(community, "drain_grate").index]
        streets = metric[schema.STREETS].union_all()
        assert (grates.distance(streets) <= 8.0).all()
        assert not grates.intersects(metric[schema.BUILDINGS].union_all()).any()
        assert metric[schema.GRIDS].union_all().contains(grates.geometry).all()
        assert set(grates["status"]) <= set(schema.ASSET_STATUSES)
        assert (grates["status"] == "ok").mean() > 0.6
        assert grates["incident_id"].str.fullmatch(r"DG\d{4}").all()

    def test_floods(self, community: Layers) -> None:
        fl = _of_type(community, "flooding")
        assert (fl["depth_cm"] > 0).all()
        assert set(fl["status"]) <= set(schema.EVENT_STATUSES)
        when = [datetime.fromisoformat(t) for t in fl["reported_at"]]
        assert all(t.month in (6, 7, 8) and t.year in (2025, 2026) and t.utcoffset().total_seconds() == 8 * 3600
                   for t in when)
        assert fl["incident_id"].str.fullmatch(r"FL\d{3}").all()

    def test_wires_near_buildings(self, community: Layers, metric: Layers) -> None:
        fw = metric[schema.INCIDENTS].loc[_of_type(community, "flying_wire").index]
        assert (fw.distance(metric[schema.BUILDINGS].union_all()) <= 10.0).all()
        assert fw["status"].isin(["reported", "dispatched"]).mean() > 0.5

    def test_incident_values(self, community: Layers) -> None:
        inc = community[schema.INCIDENTS]
        assert set(inc["severity"]) <= set(schema.SEVERITIES)
        assert inc["description"].str.len().gt(0).all()
        assert inc.loc[inc["type"] != "flooding", "depth_cm"].isna().all()
        for t in inc["reported_at"]:
            datetime.fromisoformat(t)

    def test_streets(self, community: Layers) -> None:
        streets = community[schema.STREETS]
        assert set(streets["highway"]) <= {"primary", "secondary", "residential", "footway", "service"}
        assert {"primary", "secondary", "residential"} <= set(streets["highway"])
        assert shapely.get_num_coordinates(streets.geometry.values).max() > 2  # bends
        assert streets["name"].map(lambda s: bool(re.search(r"[\u4e00-\u9fff]", s))).all()

    def test_store_round_trip(self, community: Layers, tmp_path: Path) -> None:
        store = open_store(tmp_path / "gridwatch.gpkg")
        meta = demo.demo_meta("community")
        store.write(layers=community, tables={"meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
        assert store.meta()["fictional"] == "true"
        for name, gdf in community.items():
            back = store.read(name)
            assert back[schema.ID_COLUMN[name]].tolist() == gdf[schema.ID_COLUMN[name]].tolist()
            assert shapely.equals_exact(back.geometry.values, gdf.geometry.values, tolerance=1e-9).all()
        b = store.read(schema.BUILDINGS)
        assert b["basement"].tolist() == community[schema.BUILDINGS]["basement"].tolist()


class TestMeta:
    @pytest.mark.parametrize("scale", ["community", "city"])
    def test_says_fictional(self, scale: str) -> None:
        meta = demo.demo_meta(scale)
        assert meta["fictional"] == "true" and meta["scale"] == scale
        assert "虚构" in meta["note_zh"]
        assert all(isinstance(v, str) for v in meta.values())

    def test_unknown_scale(self) -> None:
        with pytest.raises(OptionError):
            demo.demo_meta("planet")


class TestCity:
    def test_counts_and_schema(self, city: Layers) -> None:
        assert len(city[schema.GRIDS]) == 50
        assert len(city[schema.BUILDINGS]) == 2000
        assert len(city[schema.INCIDENTS]) == 20000
        for name, gdf in city.items():
            assert list(gdf.columns) == [*schema.COLUMNS[name], "geometry"]
            assert gdf.crs.equals(schema.STORAGE_CRS)
            assert gdf[schema.ID_COLUMN[name]].is_unique
            assert gdf.geometry.is_valid.all()

    def test_deterministic(self, city: Layers) -> None:
        _same(city, demo.make_city(grids=50, buildings=2000, incidents=20000))

    def test_grids_tile(self, city: Layers) -> None:
        grids = city[schema.GRIDS].to_crs(local_metric_crs(city[schema.GRIDS])).geometry
        assert grids.union_all().area == pytest.approx(grids.area.sum(), rel=1e-6)
        assert _no_overlaps(grids) < 1.0

    def test_buildings(self, city: Layers) -> None:
        crs = local_metric_crs(city[schema.GRIDS])
        buildings = city[schema.BUILDINGS].to_crs(crs).geometry
        assert _no_overlaps(buildings) < 1.0
        grids = city[schema.GRIDS].to_crs(crs).geometry
        hits = shapely.STRtree(grids.values).query(buildings.values, predicate="intersects")[0]
        split = (np.bincount(hits, minlength=len(buildings)) > 1).sum()
        assert 1 <= split <= 0.05 * len(buildings)

    def test_incidents_mix(self, city: Layers) -> None:
        inc = city[schema.INCIDENTS]
        share = inc["type"].value_counts(normalize=True)
        assert set(share.index) == {"drain_grate", "flooding", "flying_wire"}
        assert share["drain_grate"] > 0.7 and share["flooding"] < share["flying_wire"]
        crs = local_metric_crs(city[schema.GRIDS])
        near = gpd.sjoin_nearest(inc.to_crs(crs)[["geometry"]], city[schema.BUILDINGS].to_crs(crs)[["geometry"]],
                                 max_distance=30, how="left")
        near = near[~near.index.duplicated()]
        assert 0.6 <= near["index_right"].notna().mean() <= 0.8

    def test_bad_sizes(self) -> None:
        with pytest.raises(OptionError):
            demo.make_city(grids=0)


class TestDemoCases:
    def test_every_event_has_a_history_that_leads_to_its_stage(self, demo_store) -> None:
        from geo.cases import actions, workflow
        from geo.cases.parties import PARTIES

        incidents = demo_store.read("incidents")
        events = incidents[incidents["type"] != "drain_grate"]
        history = demo_store.read_table(actions.EVENTS)
        last = history.sort_values(["case_id", "seq"]).groupby("case_id").last()
        assert set(last.index) == set(events["incident_id"])
        stages = events.set_index("incident_id")["status"]
        assert (last.loc[stages.index, "to_stage"] == stages).all()
        assert {"parked", "cancelled", "closed", "handled", "dispatched", "reported"} <= set(stages)
        assert set(stages) <= set(workflow.STAGES)
        assert (history["action"] == "rework").any() and (history["seq"] >= 1).all()
        parties = demo_store.read_table(PARTIES)
        assert {"property", "utility", "street_office"} <= set(parties["kind"])
        faults = events[events["type"] == "grate_fault"]
        grates = incidents.set_index("incident_id")
        assert len(faults) == 10 and (grates.loc[faults["asset_id"], "type"] == "drain_grate").all()
        closed = events[events["status"] == "closed"]
        assert closed["closed_at"].notna().all() and (closed["handled_by"] != closed["updated_by"]).all()
