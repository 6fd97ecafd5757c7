"""The import pipeline: imports join and merge by id, a refused import writes nothing, reported incidents."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest

from geo import pipeline
from geo.errors import SchemaError, UnknownIdError
from geo.incidents import report_incident
from geo.store import open_store

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees


class TestPipeline:
    def _files(self, tmp_path: Path, grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame,
               incidents: gpd.GeoDataFrame) -> dict[str, Path]:
        paths = {}
        for name, gdf in (("grids", grids), ("buildings", buildings), ("incidents", incidents)):
            paths[name] = tmp_path / f"{name}.geojson"
            pyogrio.write_dataframe(gdf, paths[name])
        return paths

    def test_import_joins_and_merges_by_id(self, tmp_path: Path, make_incidents, make_buildings, make_grids) -> None:
        files = self._files(tmp_path, make_grids(), make_buildings(), make_incidents())
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, files)
        assert store.read("buildings")["grid_id"].tolist() == ["G1", "G2", "G2", None]
        more = make_incidents().iloc[:1].copy()
        more["status"] = "ok"
        more.loc[0, "incident_id"] = "I9"
        p = tmp_path / "more.geojson"
        pyogrio.write_dataframe(more, p)
        report = pipeline.import_layer(store, "incidents", p)
        assert report.ok
        assert sorted(store.read("incidents")["incident_id"]) == ["I1", "I2", "I3", "I4", "I9"]

    def test_refused_import_writes_nothing(self, tmp_path: Path, make_incidents, make_buildings, make_grids) -> None:
        files = self._files(tmp_path, make_grids(), make_buildings(), make_incidents())
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, files)
        version = store.version
        dup = make_incidents()
        dup.loc[1, "incident_id"] = "I1"
        p = tmp_path / "dup.geojson"
        pyogrio.write_dataframe(dup, p)
        with pytest.raises(pipeline.ImportRefused, match="used more than once.*nothing was imported"):
            pipeline.import_layer(store, "incidents", p)
        assert store.version == version

    def test_report_incident(self, tmp_path: Path, make_buildings, make_grids, make_incidents) -> None:
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, self._files(tmp_path, make_grids(), make_buildings(), make_incidents()))
        row = report_incident(store, type="flooding", lon=LON0 + 0.45 * D, lat=LAT0 + 0.3 * D,
                                       severity="high", description="<b>积水</b> 30cm")
        assert row["grid_id"] == "G1" and row["building_id"] == "B1" and row["status"] == "reported"
        stored = store.read("incidents").set_index("incident_id").loc[row["incident_id"]]
        assert stored["description"] == "<b>积水</b> 30cm"
        with pytest.raises(SchemaError, match="Unknown incident type"):
            report_incident(store, type="nope", lon=114.36, lat=30.52)
        with pytest.raises(UnknownIdError, match="already exists"):
            report_incident(store, type="flooding", lon=114.36, lat=30.52, incident_id="I1")
