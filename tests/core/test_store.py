"""The store: round trips, versions, atomic writes, incident types; the one door to the GeoPackage."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pytest

from geo import schema
from geo.errors import StoreError
from geo.join import join_layers
from geo.store import GeoPackageStore, open_store
from tests import paths

ROOT = paths.ROOT


def _joined(grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    return join_layers({"grids": grids, "buildings": buildings, "incidents": incidents})


class TestStore:
    def test_round_trip_keeps_values_and_types(self, tmp_path: Path, make_buildings, make_grids, make_incidents) -> None:
        store = open_store(tmp_path / "s.gpkg")
        layers = _joined(make_grids(), make_buildings(), make_incidents())
        store.write(layers, note="t")
        b = store.read("buildings")
        assert b["building_id"].tolist() == ["B1", "B2", "B3", "B4"]
        assert b["basement"].tolist() == [True, False, False, True]
        assert b["split"].tolist() == [False, True, False, False]
        assert b["units"].dtype == "Int64"
        i = store.read("incidents")
        assert i["grid_id"].tolist()[:3] == ["G1", "G1", "G3"] and i["grid_id"].iloc[3] is None
        assert i.geometry.iloc[0].equals_exact(layers["incidents"].geometry.iloc[0], 1e-12)
        assert store.meta()["revision"] == "1"
        assert json.loads(store.meta()["history"])[0]["what"] == "t"

    def test_version_changes_on_write(self, tmp_path: Path, make_grids, make_buildings, make_incidents) -> None:
        store = open_store(tmp_path / "s.gpkg")
        assert store.version == "empty"
        store.write(_joined(make_grids(), make_buildings(), make_incidents()))
        v1 = store.version
        store.write({"grids": make_grids()})
        assert store.version != v1

    def test_unwritten_layer_reads_empty_with_schema(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        assert list(store.read("streets").columns) == [*schema.COLUMNS["streets"], "geometry"]
        assert store.read_table("inspections").empty

    def test_not_a_geopackage(self, tmp_path: Path) -> None:
        bad = tmp_path / "x.gpkg"
        bad.write_text("hello")
        with pytest.raises(StoreError, match="not a GeoPackage"):
            open_store(bad)
        with pytest.raises(StoreError, match="not a GeoPackage file"):
            open_store(tmp_path / "x.sqlite")
        with pytest.raises(StoreError, match="PostGIS store is not available"):
            open_store("postgresql://localhost/gw")

    def test_failed_write_leaves_store_intact(self, tmp_path: Path, make_grids, make_buildings, make_incidents) -> None:
        store = open_store(tmp_path / "s.gpkg")
        store.write(_joined(make_grids(), make_buildings(), make_incidents()))
        before = (tmp_path / "s.gpkg").read_bytes()
        bad = make_grids().to_crs(3857)
        with pytest.raises(StoreError, match="must be in EPSG:4326"):
            store.write({"grids": make_grids(), "buildings": bad})
        assert (tmp_path / "s.gpkg").read_bytes() == before
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]

    def test_killed_mid_write_leaves_previous_store(self, tmp_path: Path, make_grids, make_buildings, make_incidents) -> None:
        path = tmp_path / "s.gpkg"
        open_store(path).write(_joined(make_grids(), make_buildings(), make_incidents()))
        code = f"""
import sys, time, geopandas as gpd, numpy as np, pyogrio, shapely
sys.path.insert(0, {str(ROOT)!r})
real = pyogrio.write_dataframe  # the store writes each layer to its temporary copy with it
def slow(*a, **k):
    real(*a, **k); print('wrote', flush=True); time.sleep(30)
pyogrio.write_dataframe = slow
from geo.store import open_store
pts = gpd.GeoDataFrame({{'incident_id': np.arange(1000).astype(str), 'type': 'flooding'}},
                       geometry=shapely.points(np.full(1000, 114.36), np.full(1000, 30.52)), crs=4326)
open_store({str(path)!r}).write({{'incidents': pts}})
"""
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "wrote"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        got = open_store(path).read("incidents")
        assert got["incident_id"].tolist() == ["I1", "I2", "I3", "I4"]
        assert [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]  # the dead writer's copy
        open_store(path).write({"grids": make_grids()})
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # removed by the next write

    def test_incident_types(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        store.add_incident_type(schema.register_type("sewage_backup", "污水外溢", "Sewage backup"))
        assert store.incident_types()["sewage_backup"].label_zh == "污水外溢"
        with pytest.raises(ValueError, match="built in"):
            store.add_incident_type(schema.register_type("flooding", "积水", "Flood"))
        with pytest.raises(ValueError, match="not valid"):
            schema.register_type("Bad Code", "a", "b")


def test_store_is_the_only_door(tmp_path: Path) -> None:
    """The app and CLI never open the GeoPackage directly."""
    for path in [ROOT / "app.py", *ROOT.glob("views/*.py"), ROOT / "geo" / "cli.py", ROOT / "geo" / "pipeline.py"]:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert "pyogrio.read_dataframe(" not in text and "sqlite3" not in text, path
    assert GeoPackageStore  # the one place that does
    _ = time
