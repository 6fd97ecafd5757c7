"""Flood zones in the core: reading a zones file (formats, repair, columns), checking the values, the store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo import pipeline, schema
from geo.errors import SchemaError
from geo.io import load_zones
from geo.store import open_store


@pytest.fixture
def store(tmp_path: Path, write_store: Any, write_zones: Any) -> str:
    path = str(tmp_path / "s.gpkg")
    write_store(path)
    pipeline.import_layer(open_store(path), schema.FLOOD_ZONES, write_zones(tmp_path / "zones.geojson"))
    return path


class TestImport:
    @pytest.mark.parametrize(("suffix", "driver"), [(".geojson", None), (".gpkg", None), (".shp", None),
                                                    (".kml", "KML")])
    def test_formats_round_trip(self, tmp_path: Path, suffix: str, driver: str | None, write_store: Any, write_zones: Any, zones_frame: Any) -> None:
        path = write_zones(tmp_path / f"zones{suffix}", driver=driver)
        store = open_store(tmp_path / "s.gpkg")
        write_store(store.location)
        report = pipeline.import_layer(store, schema.FLOOD_ZONES, path)
        assert report.ok
        z = store.read(schema.FLOOD_ZONES).set_index("zone_id")
        assert list(z.index) == ["Z1", "Z2"]
        assert z.loc["Z1", "name"] == "城西滩地"  # a KML's Name becomes the name
        assert set(z.geometry.geom_type) <= {"Polygon", "MultiPolygon"}
        assert z.loc["Z2"].geometry.area == pytest.approx(zones_frame().geometry.iloc[1].area, rel=1e-6)
        if suffix != ".kml":  # GDAL's KML driver keeps names and geometry only
            assert z["return_period_years"].dtype == "Int64" and z.loc["Z2", "return_period_years"] == 100
            assert z.loc["Z2", "depth_m"] == pytest.approx(1.5)

    def test_other_layers_are_untouched_and_zones_merge_by_id(self, store: str, tmp_path: Path, write_zones: Any, zones_frame: Any) -> None:
        s = open_store(store)
        before = s.read(schema.BUILDINGS)
        again = zones_frame(zone_id=["Z2"], name=["东区低洼（修订）"], return_period_years=[50], depth_m=[1.0],
                            source=["2025"])
        pipeline.import_layer(s, schema.FLOOD_ZONES, write_zones(tmp_path / "z2.geojson", again))
        z = s.read(schema.FLOOD_ZONES).set_index("zone_id")
        assert list(z.index) == ["Z1", "Z2"] and z.loc["Z2", "return_period_years"] == 50
        pd.testing.assert_frame_equal(pd.DataFrame(s.read(schema.BUILDINGS).drop(columns="geometry")),
                                      pd.DataFrame(before.drop(columns="geometry")))
        pipeline.import_layer(s, schema.FLOOD_ZONES, write_zones(tmp_path / "z2.geojson", again), replace=True)
        assert list(s.read(schema.FLOOD_ZONES)["zone_id"]) == ["Z2"]

    def test_self_intersecting_zone_is_repaired_and_polygonal(self, tmp_path: Path, to_wgs: Any, write_zones: Any) -> None:
        bowtie = to_wgs([shapely.Polygon([(0, 0), (300, 300), (300, 0), (0, 300)])]).iloc[0]
        gdf = gpd.GeoDataFrame({"zone_id": ["Z1"], "return_period_years": [20]}, geometry=[bowtie], crs="EPSG:4326")
        zones, report = load_zones(write_zones(tmp_path / "z.geojson", gdf))
        assert report.ok and [i.code for i in report.warnings] == ["invalid_geometry"]
        assert zones.geometry.iloc[0].is_valid and zones.geometry.iloc[0].geom_type == "MultiPolygon"

    def test_case_clashing_columns_are_kept_apart(self, tmp_path: Path, write_zones: Any, zones_frame: Any) -> None:
        gdf = zones_frame()
        gdf["NAME"] = ["a", "b"]
        gdf["FID"] = [7, 8]
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layer(store, schema.FLOOD_ZONES, write_zones(tmp_path / "z.geojson", gdf))
        z = store.read(schema.FLOOD_ZONES)
        assert list(z["name"]) == ["城西滩地", "东区低洼"] and list(z["NAME_src"]) == ["a", "b"]
        assert list(z["FID_src"]) == [7, 8]

    @pytest.mark.parametrize(
        ("overrides", "code", "level"),
        [
            ({"return_period_years": [0, 100]}, "zone_return_period", "error"),
            ({"return_period_years": [50_000, 100]}, "zone_return_period", "error"),
            ({"depth_m": [-0.5, 1.0]}, "zone_depth", "error"),
            ({"return_period_years": [None, 100]}, "zone_no_return_period", "warning"),
        ],
    )
    def test_bad_values_are_reported(self, tmp_path: Path, overrides: dict, code: str, level: str, write_zones: Any, zones_frame: Any) -> None:
        path = write_zones(tmp_path / "z.gpkg", zones_frame(**overrides))  # a GeoPackage holds infinity
        _, report = load_zones(path)
        found = [i for i in report.issues if i.code == code]
        assert found and found[0].level == level and found[0].ids == ["Z1"]
        assert found[0].text("zh") != found[0].text("en")

    def test_infinite_depth_is_refused_with_its_feature(self, tmp_path: Path, write_zones: Any, zones_frame: Any) -> None:
        path = write_zones(tmp_path / "z.gpkg", zones_frame(depth_m=[float("inf"), 1.0]))  # a GeoPackage holds infinity
        _, report = load_zones(path)
        (bad,) = [i for i in report.errors if i.code == "bad_number"]
        assert "depth_m" in bad.text("en") and "feature 1" in bad.text("en") and not report.ok

    def test_points_given_as_zones_are_refused_and_nothing_written(self, store: str, tmp_path: Path, to_wgs: Any, write_zones: Any, zones_frame: Any) -> None:
        pts = zones_frame()
        pts["geometry"] = to_wgs([shapely.Point(50, 50), shapely.Point(350, 50)]).to_numpy()
        s = open_store(store)
        version = s.version
        with pytest.raises(pipeline.ImportRefused, match="Point"):
            pipeline.import_layer(s, schema.FLOOD_ZONES, write_zones(tmp_path / "pts.geojson", pts))
        assert s.version == version and len(s.read(schema.FLOOD_ZONES)) == 2

    def test_missing_id_column_says_how_to_name_it(self, tmp_path: Path, write_zones: Any, zones_frame: Any) -> None:
        gdf = zones_frame().rename(columns={"zone_id": "ZONE"})
        with pytest.raises(SchemaError, match="zone_id"):
            load_zones(write_zones(tmp_path / "z.geojson", gdf))


# -- risk ---------------------------------------------------------------------------------
