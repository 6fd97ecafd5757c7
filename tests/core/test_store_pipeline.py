"""The store, the import pipeline, the summary and the command line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo import cli, pipeline, schema
from geo.errors import SchemaError, StoreError, UnknownIdError
from geo.join import join_layers
from geo.store import GeoPackageStore, open_store
from geo.summary import grid_summary
from tests import paths
from tests.core import foundation_fixtures as fx

ROOT = paths.ROOT


def _joined() -> dict[str, gpd.GeoDataFrame]:
    return join_layers({"grids": fx.grids(), "buildings": fx.buildings(), "incidents": fx.incidents()})


class TestStore:
    def test_round_trip_keeps_values_and_types(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        layers = _joined()
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

    def test_version_changes_on_write(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        assert store.version == "empty"
        store.write(_joined())
        v1 = store.version
        store.write({"grids": fx.grids()})
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

    def test_failed_write_leaves_store_intact(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        store.write(_joined())
        before = (tmp_path / "s.gpkg").read_bytes()
        bad = fx.grids().to_crs(3857)
        with pytest.raises(StoreError, match="must be in EPSG:4326"):
            store.write({"grids": fx.grids(), "buildings": bad})
        assert (tmp_path / "s.gpkg").read_bytes() == before
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]

    def test_killed_mid_write_leaves_previous_store(self, tmp_path: Path) -> None:
        path = tmp_path / "s.gpkg"
        open_store(path).write(_joined())
        code = f"""
import sys, time, geopandas as gpd, numpy as np, shapely
sys.path.insert(0, {str(ROOT)!r})
import geo.store as st
real = st._write_layer
def slow(*a, **k):
    real(*a, **k); print('wrote', flush=True); time.sleep(30)
st._write_layer = slow
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
        open_store(path).write({"grids": fx.grids()})
        assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]  # removed by the next write

    def test_incident_types(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        store.add_incident_type(schema.register_type("sewage_backup", "污水外溢", "Sewage backup"))
        assert store.incident_types()["sewage_backup"].label_zh == "污水外溢"
        with pytest.raises(ValueError, match="built in"):
            store.add_incident_type(schema.register_type("flooding", "积水", "Flood"))
        with pytest.raises(ValueError, match="not valid"):
            schema.register_type("Bad Code", "a", "b")


class TestSummary:
    def test_counts_every_incident_once(self) -> None:
        layers = _joined()
        s = grid_summary(layers["grids"], layers["buildings"], layers["incidents"])
        assert s["grid_id"].tolist() == ["G1", "G2", "G3", ""]
        assert s["incidents"].sum() == 4
        assert s.set_index("grid_id").loc["", "incidents"] == 1
        g1 = s.set_index("grid_id").loc["G1"]
        assert g1["buildings"] == 1 and g1["households"] == 24 and g1["n_drain_grate"] == 1 and g1["n_flooding"] == 1
        assert g1["open_incidents"] == 2
        assert g1["area_km2"] == pytest.approx(0.0959 * 0.1109, rel=0.02)
        assert g1["incidents_per_100_households"] == pytest.approx(200 / 24, rel=1e-3)

    def test_empty_grid_and_empty_layers(self) -> None:
        layers = _joined()
        s = grid_summary(layers["grids"], layers["buildings"].iloc[:0], layers["incidents"].iloc[:0])
        assert (s["incidents"] == 0).all() and s["incidents_per_100_households"].isna().all()


class TestPipeline:
    def _files(self, tmp_path: Path) -> dict[str, Path]:
        paths = {}
        for name, gdf in (("grids", fx.grids()), ("buildings", fx.buildings()), ("incidents", fx.incidents())):
            paths[name] = tmp_path / f"{name}.geojson"
            pyogrio.write_dataframe(gdf, paths[name])
        return paths

    def test_import_joins_and_merges_by_id(self, tmp_path: Path) -> None:
        files = self._files(tmp_path)
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, files)
        assert store.read("buildings")["grid_id"].tolist() == ["G1", "G2", "G2", None]
        more = fx.incidents().iloc[:1].copy()
        more["status"] = "ok"
        more.loc[0, "incident_id"] = "I9"
        p = tmp_path / "more.geojson"
        pyogrio.write_dataframe(more, p)
        report = pipeline.import_layer(store, "incidents", p)
        assert report.ok
        assert sorted(store.read("incidents")["incident_id"]) == ["I1", "I2", "I3", "I4", "I9"]

    def test_refused_import_writes_nothing(self, tmp_path: Path) -> None:
        files = self._files(tmp_path)
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, files)
        version = store.version
        dup = fx.incidents()
        dup.loc[1, "incident_id"] = "I1"
        p = tmp_path / "dup.geojson"
        pyogrio.write_dataframe(dup, p)
        with pytest.raises(pipeline.ImportRefused, match="used more than once.*nothing was imported"):
            pipeline.import_layer(store, "incidents", p)
        assert store.version == version

    def test_report_incident(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, self._files(tmp_path))
        row = pipeline.report_incident(store, type="flooding", lon=fx.LON0 + 0.45 * fx.D, lat=fx.LAT0 + 0.3 * fx.D,
                                       severity="high", description="<b>积水</b> 30cm")
        assert row["grid_id"] == "G1" and row["building_id"] == "B1" and row["status"] == "reported"
        stored = store.read("incidents").set_index("incident_id").loc[row["incident_id"]]
        assert stored["description"] == "<b>积水</b> 30cm"
        with pytest.raises(SchemaError, match="Unknown incident type"):
            pipeline.report_incident(store, type="nope", lon=114.36, lat=30.52)
        with pytest.raises(UnknownIdError, match="already exists"):
            pipeline.report_incident(store, type="flooding", lon=114.36, lat=30.52, incident_id="I1")


class TestCli:
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    def test_demo_import_summary(self, tmp_path: Path) -> None:
        r = self.run("demo", "--out", str(tmp_path / "demo"))
        assert r.returncode == 0, r.stderr
        for name in ("grids", "buildings", "incidents", "streets"):
            assert (tmp_path / "demo" / f"{name}.geojson").exists()
        store = tmp_path / "demo" / "gridwatch.gpkg"
        assert open_store(store).meta()["fictional"] == "true"
        r = self.run("summary", "--store", str(store), "--out", str(tmp_path / "s.csv"))
        assert r.returncode == 0, r.stderr
        s = pd.read_csv(tmp_path / "s.csv", dtype={"grid_id": str}, keep_default_na=False)
        assert len(s) == 8 and s["grid_id"].iloc[-1] == ""
        assert s["incidents"].sum() == len(open_store(store).read("incidents"))

    def test_bad_input_exit_2_one_line_no_traceback(self, tmp_path: Path) -> None:
        csv = tmp_path / "p.csv"
        csv.write_text("incident_id,type,lon,lat\n1,flooding,114.36,30.52\n", encoding="utf-8")
        r = self.run("import", "--quiet", "--store", str(tmp_path / "s.gpkg"), "--incidents", str(csv))
        assert r.returncode == 2
        assert r.stderr.splitlines()[0].startswith("error: The file does not say which coordinate system")
        assert r.stderr.splitlines()[1].startswith("hint: Name it with --crs")
        assert "Traceback" not in r.stderr
        r = self.run("import", "--store", str(tmp_path / "s.gpkg"), "--incidents", str(csv), "--crs", "EPSG:4326")
        assert r.returncode == 0, r.stderr
        r = self.run("validate", "--incidents", str(tmp_path / "nope.csv"))
        assert r.returncode == 2 and "does not exist" in r.stderr

    def test_in_process_main(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli.main(["validate", "--grids", str(tmp_path / "missing.geojson")]) == 2
        assert "does not exist" in capsys.readouterr().err

    def test_module_never_imports_streamlit(self) -> None:
        r = subprocess.run([sys.executable, "-c", "import sys, geo.cli, geo.pipeline, geo.summary, geo.io; "
                            "import geo.demo; print('streamlit' in sys.modules)"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.stdout.strip() == "False", r.stderr


def test_store_is_the_only_door(tmp_path: Path) -> None:
    """The app and CLI never open the GeoPackage directly."""
    for path in [ROOT / "app.py", *ROOT.glob("views/*.py"), ROOT / "geo" / "cli.py", ROOT / "geo" / "pipeline.py"]:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            assert "pyogrio.read_dataframe(" not in text and "sqlite3" not in text, path
    assert GeoPackageStore  # the one place that does
    _ = time
