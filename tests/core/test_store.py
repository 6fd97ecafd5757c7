"""The store's contract, on both backends: round trips, transactions, row-level changes, versions, minted ids.

Every test that takes ``any_store`` or ``demo_any_store`` runs once on a
GeoPackage file and once on PostGIS (tests/conftest.py). The GeoPackage
specifics (the file's integrity, its spatial index, a fresh GDAL read after
every kind of change, the upgrade of a store written by the previous
release) follow.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import schema
from geo.errors import ConflictError, StoreError
from geo.incidents import report_incident, update_incident
from geo.join import join_layers
from geo.storage import SCHEMA_VERSION, Store
from geo.store import GeoPackageStore, open_store
from tests import paths

ROOT = paths.ROOT
V1_STORE = ROOT / "tests" / "data" / "store_v1.gpkg"


def _joined(grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    return join_layers({"grids": grids, "buildings": buildings, "incidents": incidents})


def _points(ids: list[str | None], lon: float = 114.36, lat: float = 30.52) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"incident_id": ids, "type": "flooding", "status": "reported"},
                            geometry=[shapely.Point(lon + i * 1e-4, lat) for i in range(len(ids))], crs=4326)


class TestRoundTrip:
    def test_round_trip_keeps_values_and_types(self, any_store: Store, make_buildings, make_grids, make_incidents) -> None:
        any_store.write(_joined(make_grids(), make_buildings(), make_incidents()), note="t", by="王丽")
        b = any_store.read("buildings")
        assert b["building_id"].tolist() == ["B1", "B2", "B3", "B4"]
        assert b["basement"].tolist() == [True, False, False, True]
        assert b["split"].tolist() == [False, True, False, False]
        assert b["units"].dtype == "Int64"
        assert b["row_version"].tolist() == [1, 1, 1, 1] and set(b["updated_by"]) == {"王丽"}
        i = any_store.read("incidents")
        assert i["grid_id"].tolist()[:3] == ["G1", "G1", "G3"] and i["grid_id"].iloc[3] is None
        assert i.geometry.iloc[0].equals_exact(make_incidents().geometry.iloc[0], 1e-12)
        assert any_store.meta()["revision"] == "1"
        history = json.loads(any_store.meta()["history"])
        assert history[-1]["what"] == "t" and history[-1]["by"] == "王丽"
        assert any_store.schema_version() == SCHEMA_VERSION

    def test_version_changes_on_write_only(self, any_store: Store, make_grids, make_buildings, make_incidents) -> None:
        any_store.write(_joined(make_grids(), make_buildings(), make_incidents()))
        v1 = any_store.version
        with any_store.transaction("nothing") as tx:
            tx.read("grids")
        assert any_store.version == v1 and any_store.meta()["revision"] == "1"
        grids = make_grids()
        grids.loc[0, "name"] = "改名"
        any_store.write({"grids": grids})
        assert any_store.version != v1 and any_store.meta()["revision"] == "2"

    def test_unwritten_layer_reads_empty_with_schema(self, any_store: Store) -> None:
        cols = list(any_store.read("streets").columns)
        assert cols[:3] == list(schema.COLUMNS["streets"]) and "geometry" in cols and "row_version" in cols
        assert any_store.read_table("inspections").empty
        assert any_store.layers() == []

    def test_a_failed_transaction_keeps_nothing(self, any_store: Store, make_grids, make_buildings, make_incidents) -> None:
        any_store.write(_joined(make_grids(), make_buildings(), make_incidents()))
        before = any_store.read("incidents")
        with pytest.raises(RuntimeError, match="half way"), any_store.transaction("half") as tx:
            tx.add("incidents", _points([None, None]))
            tx.update("incidents", "I1", {"status": "closed"})
            raise RuntimeError("half way")
        pd.testing.assert_frame_equal(any_store.read("incidents"), before)
        assert any_store.meta()["revision"] == "1"
        bad = make_grids().to_crs(3857)
        with pytest.raises(StoreError, match="must be in EPSG:4326"):
            any_store.write({"grids": make_grids(), "buildings": bad})
        assert any_store.meta()["revision"] == "1"

    def test_incident_types(self, any_store: Store) -> None:
        any_store.add_incident_type(schema.register_type("sewage_backup", "污水外溢", "Sewage backup"))
        assert any_store.incident_types()["sewage_backup"].label_zh == "污水外溢"
        any_store.add_incident_type(schema.register_type("sewage_backup", "污水冒溢", "Sewage overflow"))
        assert any_store.incident_types()["sewage_backup"].label_zh == "污水冒溢"
        with pytest.raises(ValueError, match="built in"):
            any_store.add_incident_type(schema.register_type("flooding", "积水", "Flood"))

    def test_tables_replace_and_append(self, any_store: Store) -> None:
        with any_store.transaction("t") as tx:
            tx.write_table("inspections", pd.DataFrame({"item": ["a", "b"], "n": [1, 2]}))
            tx.append_table("inspections", pd.DataFrame({"item": ["c"], "n": [3]}))
            assert tx.read_table("inspections")["item"].tolist() == ["a", "b", "c"]
        with any_store.transaction("t2") as tx:
            tx.write_table("inspections", pd.DataFrame({"other": ["x"]}))
        got = any_store.read_table("inspections")
        assert list(got.columns) == ["other"] and got["other"].tolist() == ["x"]
        assert "inspections" in any_store.tables()

    def test_read_attributes_reads_some_columns_and_rows_without_geometry(self, any_store: Store, make_buildings,
                                                                          make_grids, make_incidents) -> None:
        cols = ["incident_id", "status", "grid_id", "row_version", "not_there"]
        empty = any_store.read_attributes("incidents", cols)
        assert list(empty.columns) == cols and empty.empty
        any_store.write(_joined(make_grids(), make_buildings(), make_incidents()), note="t")
        got = any_store.read_attributes("incidents", cols, where={"status": ["reported", "dispatched", "it's"]})
        assert list(got.columns) == cols and "geometry" not in got
        assert got["incident_id"].tolist() == ["I2", "I3"]
        assert got["status"].tolist() == ["reported", "dispatched"]
        assert got["row_version"].dtype == "Int64" and got["not_there"].isna().all()
        whole = any_store.read("incidents").drop(columns="geometry")
        pd.testing.assert_frame_equal(any_store.read_attributes("incidents"), pd.DataFrame(whole), check_like=True)
        assert any_store.read_attributes("incidents", ["incident_id"], where={"nope": ["x"]}).empty
        assert any_store.read_attributes("incidents", ["incident_id"], where={"status": []}).empty
        with pytest.raises(StoreError):
            any_store.read_attributes("nothing")


class TestRows:
    def test_add_mints_unique_ids_and_versions(self, any_store: Store) -> None:
        with any_store.transaction("add", by="李强") as tx:
            ids = tx.add("incidents", _points([None, "MINE", None]))
        assert ids[1] == "MINE" and ids[0] != ids[2]
        assert all(i.startswith("R") and "-" in i for i in (ids[0], ids[2]))
        got = any_store.read("incidents").set_index("incident_id")
        assert got.loc[ids, "row_version"].tolist() == [1, 1, 1] and set(got["updated_by"]) == {"李强"}
        with any_store.transaction("more") as tx:
            more = tx.add("incidents", _points([None]))
        assert more[0] not in ids

    def test_minted_ids_skip_ones_already_taken(self, any_store: Store) -> None:
        with any_store.transaction("probe") as tx:
            (first,) = tx.add("incidents", _points([None]))
        taken = first[:-4] + f"{int(first[-4:]) + 1:04d}"  # the next one, already used by an import
        with any_store.transaction("import") as tx:
            tx.add("incidents", _points([taken]))
        with any_store.transaction("next") as tx:
            (nxt,) = tx.add("incidents", _points([None]))
        assert nxt not in (first, taken)

    def test_add_refuses_a_stored_id(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1"]))
        with pytest.raises(StoreError, match="already has a row with id"), any_store.transaction("b") as tx:
            tx.add("incidents", _points(["X1"]))
        assert any_store.read("incidents")["incident_id"].tolist() == ["X1"]

    def test_update_with_a_stale_version_is_a_conflict(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1"]))
        with any_store.transaction("first", by="王丽") as tx:
            row = tx.update("incidents", "X1", {"status": "dispatched"}, base_version=1)
        assert row["row_version"] == 2
        with pytest.raises(ConflictError) as err, any_store.transaction("second", by="李强") as tx:
            tx.update("incidents", "X1", {"status": "closed"}, base_version=1)
        e = err.value
        assert e.current["status"] == "dispatched" and e.current["row_version"] == 2
        assert "王丽" in str(e) and "version 2" in str(e) and e.current["updated_at"] in str(e)
        assert any_store.read("incidents")["status"].tolist() == ["dispatched"]
        zh, _hint = e.localized("zh")
        assert "王丽" in zh and "第 2 版" in zh

    def test_update_of_a_deleted_row(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1", "X2"]))
        with any_store.transaction("d") as tx:
            assert tx.delete("incidents", ["X1"]) == 1
        with pytest.raises(ConflictError, match="was deleted"), any_store.transaction("u") as tx:
            tx.update("incidents", "X1", {"status": "closed"}, base_version=1)
        with pytest.raises(StoreError, match="no row with id"), any_store.transaction("u") as tx:
            tx.update("incidents", "X1", {"status": "closed"})
        with pytest.raises(ConflictError), any_store.transaction("d2") as tx:
            tx.delete("incidents", ["X2"], base_versions=[7])
        assert any_store.read("incidents")["incident_id"].tolist() == ["X2"]

    def test_store_columns_cannot_be_set(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1"]))
        for col in ("row_version", "updated_by", "incident_id"):
            with pytest.raises(StoreError, match="kept by the store"), any_store.transaction("u") as tx:
                tx.update("incidents", "X1", {col: "9"})

    def test_moved_geometry_moves_in_the_spatial_index(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1"], lon=114.30, lat=30.50))
        with any_store.transaction("move") as tx:
            tx.update("incidents", "X1", {"geometry": shapely.Point(114.40, 30.60)})
            assert tx.read_bbox("incidents", (114.29, 30.49, 114.31, 30.51)).empty
            assert tx.read_bbox("incidents", (114.39, 30.59, 114.41, 30.61))["incident_id"].tolist() == ["X1"]
        assert any_store.read("incidents").geometry.iloc[0].equals(shapely.Point(114.40, 30.60))
        assert any_store.check() == []

    def test_reads_in_a_transaction_see_its_own_writes(self, any_store: Store) -> None:
        with any_store.transaction("a") as tx:
            tx.add("incidents", _points(["X1"]))
            tx.update("incidents", "X1", {"description": "水深 20 cm", "depth_cm": 20.0, "note_extra": "新列"})
            got = tx.read("incidents")
            assert got["description"].tolist() == ["水深 20 cm"] and got["note_extra"].tolist() == ["新列"]
            assert tx.get("incidents", "X1")["row_version"] == 2
        assert any_store.read("incidents")["depth_cm"].tolist() == [20.0]

    def test_replace_layer_writes_only_what_changed(self, any_store: Store, make_grids, make_buildings,
                                                    make_incidents) -> None:
        layers = _joined(make_grids(), make_buildings(), make_incidents())
        any_store.write(layers, by="first")
        incidents = any_store.read("incidents")
        incidents.loc[incidents["incident_id"] == "I2", "status"] = "closed"
        incidents = incidents[incidents["incident_id"] != "I3"]
        incidents = pd.concat([incidents, _points(["I9"])], ignore_index=True)
        with any_store.transaction("replace", by="second") as tx:
            tx.replace_layer("incidents", gpd.GeoDataFrame(incidents, geometry="geometry", crs=4326))
        got = any_store.read("incidents").set_index("incident_id")
        assert sorted(got.index) == ["I1", "I2", "I4", "I9"]
        assert got.loc["I1", "row_version"] == 1 and got.loc["I1", "updated_by"] == "first"
        assert got.loc["I2", "row_version"] == 2 and got.loc["I2", "updated_by"] == "second"
        assert got.loc["I9", "row_version"] == 1 and got.loc["I9", "updated_by"] == "second"

    def test_rejoin_without_changes_bumps_nothing(self, demo_any_store: Store) -> None:
        from geo.pipeline import rejoin

        before = demo_any_store.read("incidents")
        rejoin(demo_any_store)
        after = demo_any_store.read("incidents")
        assert (after["row_version"] == before["row_version"]).all()

    def test_report_and_update_an_incident(self, demo_any_store: Store) -> None:
        grid = demo_any_store.read("grids").iloc[0]
        p = grid.geometry.representative_point()
        row = report_incident(demo_any_store, type="flooding", lon=p.x, lat=p.y, by="王丽")
        assert row["grid_id"] == grid["grid_id"] and row["row_version"] == 1 and row["updated_by"] == "王丽"
        done = update_incident(demo_any_store, row["incident_id"], status="accepted", base_version=1, by="李强")
        assert done["row_version"] == 2 and done["status"] == "accepted"
        with pytest.raises(ConflictError, match="李强"):
            update_incident(demo_any_store, row["incident_id"], status="cancelled", base_version=1)
        assert demo_any_store.check() == []


class TestGeoPackage:
    def test_not_a_geopackage(self, tmp_path: Path) -> None:
        bad = tmp_path / "x.gpkg"
        bad.write_text("hello")
        with pytest.raises(StoreError, match="not a GeoPackage"):
            open_store(bad)
        with pytest.raises(StoreError, match="not a GeoPackage file"):
            open_store(tmp_path / "x.sqlite")

    def test_reading_a_missing_store_makes_nothing(self, tmp_path: Path) -> None:
        store = open_store(tmp_path / "none.gpkg")
        assert store.read("grids").empty and store.layers() == [] and store.tables() == []
        assert store.version == "empty" and not (tmp_path / "none.gpkg").exists()

    def test_every_kind_of_change_keeps_the_file_sound(self, tmp_path: Path, make_grids, make_buildings,
                                                       make_incidents) -> None:
        path = tmp_path / "s.gpkg"
        store = open_store(path)

        def sound() -> None:
            with sqlite3.connect(path) as con:
                assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                for layer in schema.LAYERS:  # the extent kept (from the index's root) is the index's own
                    scan = con.execute(f"SELECT min(minx), min(miny), max(maxx), max(maxy) FROM rtree_{layer}_geom")
                    kept = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
                                       (layer,))
                    assert kept.fetchone() == scan.fetchone(), layer
            for layer in store.layers():
                fresh = pyogrio.read_dataframe(path, layer=layer)  # GDAL, as QGIS opens it
                assert len(fresh) == len(store.read(layer))
            assert store.check() == []

        store.write(_joined(make_grids(), make_buildings(), make_incidents()))
        sound()
        with store.transaction("add") as tx:
            tx.add("incidents", _points([None] * 3))
        sound()
        with store.transaction("update") as tx:
            tx.update("incidents", "I1", {"status": "resolved", "geometry": shapely.Point(114.37, 30.53)})
        sound()
        with store.transaction("delete") as tx:
            tx.delete("incidents", ["I2"])
        sound()
        many = _points([f"M{i}" for i in range(5000)])  # the bulk path: index filled in one pass
        with store.transaction("bulk") as tx:
            tx.replace_layer("incidents", many)
        sound()
        with store.transaction("tables") as tx:
            tx.write_table("inspections", pd.DataFrame({"a": ["x"]}))
            tx.append_table("inspections", pd.DataFrame({"a": ["y"]}))
        sound()
        with sqlite3.connect(path) as con:
            feature_count = con.execute("SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'incidents'"
                                        ).fetchone()[0]
        assert feature_count == 5000

    def test_store_written_by_the_previous_release_is_upgraded_in_place(self, tmp_path: Path) -> None:
        path = tmp_path / "old.gpkg"
        shutil.copyfile(V1_STORE, path)
        with sqlite3.connect(path) as con:
            assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "1"
        inode = path.stat().st_ino
        store = open_store(path)
        incidents = store.read("incidents")
        assert store.schema_version() == SCHEMA_VERSION and path.stat().st_ino == inode
        assert len(incidents) == 570 and (incidents["row_version"] == 1).all()
        assert "v1 report" in set(incidents["description"])
        assert store.incident_types()["sewage_backup"].label_en == "Sewage backup"
        assert len(store.read_table(schema.REGISTER)) == 263
        assert store.check() == []
        p = store.read("grids").geometry.iloc[0].representative_point()
        row = report_incident(store, type="sewage_backup", lon=p.x, lat=p.y)
        assert row["row_version"] == 1 and len(store.read("incidents")) == 571
        assert store.check() == []

    def test_a_store_from_a_newer_release_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "new.gpkg"
        shutil.copyfile(V1_STORE, path)
        with sqlite3.connect(path) as con:
            con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        with pytest.raises(StoreError, match="newer GridWatch"):
            open_store(path).read("grids")

    def test_postgresql_addresses_go_to_the_postgis_backend(self) -> None:
        from geo.store import is_database_address

        assert is_database_address("postgresql://gw@localhost/gw")
        assert not is_database_address("data/gridwatch.gpkg")


def test_store_is_the_only_door() -> None:
    """The app, the CLI and the operations never open the GeoPackage or a database directly."""
    paths_ = [ROOT / "app.py", *ROOT.glob("views/**/*.py"), *ROOT.glob("layers/*.py"), ROOT / "geo" / "cli.py",
              ROOT / "geo" / "pipeline.py", ROOT / "geo" / "incidents.py"]
    for path in paths_:
        text = path.read_text(encoding="utf-8")
        for word in ("pyogrio.read_dataframe(", "sqlite3", "psycopg"):
            assert word not in text, f"{path} uses {word}"
    assert GeoPackageStore  # the backends are the places that do
