"""``Store.data_version``: the key of the map's caches changes with what the map shows, and only then.

Every sign-in writes the audit log (and the account's last sign-in), so
``Store.version`` changes at each one; a cache keyed on it read a city's
1,000,000 incidents again for every user who signed in. ``data_version``
leaves those writes out. On a GeoPackage it is kept by the file's own
triggers, so a change made by QGIS, GDAL or a plain SQLite client counts
too; what it cannot vouch for (a table made since GridWatch last wrote)
falls back to ``version``.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest

from geo import accounts, schema
from geo.audit import record
from geo.cases import storm
from geo.gpkg_sql import data_stamp
from geo.incidents import report_incident
from geo.storage import Store
from geo.store import open_store
from tests import paths
from tests.core.conftest import buildings, grids

LON, LAT = 114.3605, 30.5205  # inside G1
PASSWORD = "雨天先查三号楼的地下车库"


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.write({"grids": grids(), "buildings": buildings()}, note="seed", by="种子")
    return any_store


def test_a_layer_change_changes_it(store: Store) -> None:
    before = store.data_version
    report_incident(store, type="flooding", lon=LON, lat=LAT, by="李四")
    assert store.data_version != before


def test_the_storm_mode_changes_it(store: Store) -> None:
    before = store.data_version
    storm.set_storm(store, "red", by="王五")
    assert store.data_version != before


def test_a_write_that_writes_nothing_leaves_it(store: Store) -> None:
    before = store.data_version
    with store.transaction("nothing", by="李四"):
        pass
    assert store.data_version == before


@pytest.fixture
def gpkg_store(tmp_path: Path) -> Store:
    """A GeoPackage store: ``data_version`` is kept by its triggers (PostGIS returns ``version``)."""
    made = open_store(str(tmp_path / "gridwatch.gpkg"))
    made.write({"grids": grids(), "buildings": buildings()}, note="seed", by="种子")
    return made


def _gpkg(store: Store) -> Path:
    return Path(store.address)


def test_signing_in_and_the_accounts_leave_it(gpkg_store: Store) -> None:
    store = gpkg_store
    before, version = store.data_version, store.version
    accounts.add_user(store, "wl", role="admin", password=PASSWORD)
    record(store, "signin", by=accounts.user_of(store, "wl"))
    assert store.version != version  # the store was written ...
    assert store.data_version == before  # ... but nothing the map shows


def test_the_stores_own_meta_keys_leave_it_others_change_it(gpkg_store: Store) -> None:
    store = gpkg_store
    path = _gpkg(store)
    before = store.data_version
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = value || 'x' WHERE key = 'written_at'")
    assert store.data_version == before
    with sqlite3.connect(path) as con:
        con.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('title', '新标题')")
    after = store.data_version
    assert after != before
    with sqlite3.connect(path) as con:
        con.execute("UPDATE meta SET value = '新标题' WHERE key = 'title'")  # the same value
    assert store.data_version == after


def test_a_row_written_by_another_program_changes_it(gpkg_store: Store) -> None:
    store = gpkg_store
    path = _gpkg(store)
    before = store.data_version
    row = gpd.read_file(path, layer=schema.BUILDINGS, rows=slice(0, 1))
    row["building_id"] = "QGIS-1"
    pyogrio.write_dataframe(row, path, layer=schema.BUILDINGS, append=True)
    middle = store.data_version
    assert middle != before
    with contextlib.closing(store._connect()) as con, con:  # SQLite with the GeoPackage functions, as QGIS has them
        con.execute("UPDATE buildings SET name = '改名' WHERE building_id = 'QGIS-1'")
    assert store.data_version != middle


def test_a_bulk_write_changes_it(gpkg_store: Store) -> None:
    store = gpkg_store
    before = store.data_version
    n = 3_000  # above the bulk path's threshold: the triggers are set aside
    inc = gpd.GeoDataFrame({"incident_id": [f"I{i}" for i in range(n)], "type": "flooding", "status": "reported"},
                           geometry=gpd.points_from_xy([LON] * n, [LAT] * n), crs=schema.STORAGE_CRS)
    store.write({"incidents": inc}, note="bulk", by="李四")
    assert store.data_version != before


def test_a_table_made_by_another_program_falls_back_to_version(gpkg_store: Store) -> None:
    store = gpkg_store
    path = _gpkg(store)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE qgis_notes (note TEXT)")
        assert data_stamp(con) is None
    assert store.data_version == store.version  # cannot vouch for a table it does not count
    accounts.add_user(store, "wl", role="admin", password=PASSWORD)  # any GridWatch write counts it from now on
    with sqlite3.connect(path) as con:
        assert data_stamp(con) is not None
        before = store.data_version
        con.execute("INSERT INTO qgis_notes VALUES ('查三号楼')")
    assert store.data_version != before


def test_a_table_dropped_and_made_again_changes_it(gpkg_store: Store) -> None:
    store = gpkg_store
    path = _gpkg(store)
    with store.transaction("notes", by="李四") as tx:
        tx.write_table("notes", pd.DataFrame({"note": ["查三号楼"]}))
    before = store.data_version
    with sqlite3.connect(path) as con:
        sql = con.execute("SELECT sql FROM sqlite_master WHERE name = 'notes'").fetchone()[0]
        con.execute("DROP TABLE notes")
        con.execute(sql)
        con.execute("INSERT INTO notes (note) VALUES ('查三号楼')")
    assert store.data_version != before


def test_a_copied_file_is_another_store(gpkg_store: Store, tmp_path: Path) -> None:
    store = gpkg_store
    path = _gpkg(store)
    copy = tmp_path / "copy.gpkg"
    copy.write_bytes(path.read_bytes())
    assert open_store(str(copy)).data_version != store.data_version


def test_a_store_of_the_previous_release_is_counted_once_upgraded(tmp_path: Path) -> None:
    old = tmp_path / "old.gpkg"
    old.write_bytes((paths.ROOT / "tests" / "data" / "store_v1.gpkg").read_bytes())
    s = open_store(str(old))
    s.read(schema.INCIDENTS)  # opening upgrades it
    with sqlite3.connect(old) as con:
        assert data_stamp(con) is not None
