"""geo.snapshot: the map layers read back from disk are the layers the store holds, at its data version only."""

from __future__ import annotations

import contextlib
import logging
import shutil
import sqlite3
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo import schema, settings, snapshot
from geo.audit import record
from geo.incidents import report_incident
from geo.store import open_store

NAMES = (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS)
LON, LAT = 114.3605, 30.5205


@pytest.fixture
def snaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "snapshots"
    monkeypatch.setenv("GRIDWATCH_SNAPSHOT_DIR", str(folder))
    settings.current.cache_clear()
    yield folder
    settings.current.cache_clear()


def _same(a: dict[str, gpd.GeoDataFrame], b: dict[str, gpd.GeoDataFrame]) -> None:
    assert list(a) == list(b)
    for name in a:
        left, right = a[name], b[name]
        assert list(left.columns) == list(right.columns) and left.geometry.name == right.geometry.name
        assert left.crs == right.crs
        pd.testing.assert_frame_equal(pd.DataFrame(left.drop(columns=left.geometry.name)),
                                      pd.DataFrame(right.drop(columns=right.geometry.name)), check_exact=True)
        for col in left.columns:  # the same Python values (None stays None), not only equal
            if left[col].dtype == object and col != left.geometry.name:
                assert [type(v) for v in left[col]] == [type(v) for v in right[col]], col
        lg, rg = np.asarray(left.geometry.array), np.asarray(right.geometry.array)
        assert (shapely.is_missing(lg) == shapely.is_missing(rg)).all()
        assert shapely.equals_exact(lg, rg, tolerance=0)[~shapely.is_missing(lg)].all()


def _snapshots(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*") if (p / "snapshot.json").exists()) if folder.exists() else []


def test_the_snapshot_holds_what_the_store_holds(demo_store_copy: str, snaps: Path) -> None:
    store = open_store(demo_store_copy)
    first = snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    assert len(_snapshots(snaps)) == 1
    store.read_many = None  # type: ignore[method-assign]  # the second read may not touch the store
    _same(snapshot.read_layers(store, NAMES, min_rows=0, background=False), first)
    _same(first, open_store(demo_store_copy).read_many(NAMES))


def test_a_change_is_read_from_the_store_and_replaces_the_snapshot(demo_store_copy: str, snaps: Path) -> None:
    store = open_store(demo_store_copy)
    before = snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    old = _snapshots(snaps)
    case = report_incident(store, type="flooding", lon=LON, lat=LAT, by="李四")
    after = snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    assert len(after[schema.INCIDENTS]) == len(before[schema.INCIDENTS]) + 1
    assert str(case["incident_id"]) in set(after[schema.INCIDENTS]["incident_id"])
    now = _snapshots(snaps)
    assert len(now) == 1 and now != old  # the store keeps its newest snapshot only


def test_a_sign_in_keeps_the_snapshot(demo_store_copy: str, snaps: Path) -> None:
    store = open_store(demo_store_copy)
    snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    record(store, "signin", by="李四")
    store.read_many = None  # type: ignore[method-assign]
    assert len(snapshot.read_layers(store, NAMES, min_rows=0, background=False)[schema.INCIDENTS]) > 0


def test_a_change_by_another_program_is_seen(demo_store_copy: str, snaps: Path) -> None:
    store = open_store(demo_store_copy)
    snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    with contextlib.closing(store._connect()) as con, con:  # SQLite with the GeoPackage functions, as in QGIS
        con.execute("UPDATE grids SET name = '改过的名字' WHERE fid = 1")
    grids = snapshot.read_layers(store, NAMES, min_rows=0, background=False)[schema.GRIDS]
    assert "改过的名字" in set(grids["name"])


def test_no_snapshot_where_the_key_cannot_be_trusted(demo_store_copy: str, snaps: Path) -> None:
    with sqlite3.connect(demo_store_copy) as con:
        con.execute("CREATE TABLE qgis_notes (note TEXT)")  # not counted until GridWatch writes again
    store = open_store(demo_store_copy)
    assert store.data_version == store.version
    snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    assert _snapshots(snaps) == []


def test_no_snapshot_of_a_small_store_or_when_off(demo_store_copy: str, snaps: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(demo_store_copy)
    snapshot.read_layers(store, NAMES, background=False)  # the demo is below GRIDWATCH_MAP_LIVE_ABOVE
    assert _snapshots(snaps) == []
    monkeypatch.setenv("GRIDWATCH_SNAPSHOT_DIR", "off")
    settings.current.cache_clear()
    assert snapshot.folder() is None
    snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    assert not snaps.exists()


def test_a_damaged_snapshot_is_dropped_and_the_store_read(demo_store_copy: str, snaps: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(demo_store_copy)
    good = snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    (only,) = _snapshots(snaps)
    (only / "2.arrow").write_bytes(b"not arrow")
    with caplog.at_level(logging.WARNING, logger="geo.snapshot"):
        again = snapshot.read_layers(store, NAMES, min_rows=0, background=False)
    _same(again, good)
    assert "not read" in caplog.text
    assert len(_snapshots(snaps)) == 1  # written again from the store


def test_the_folder_is_its_owners_only(demo_store_copy: str, snaps: Path) -> None:
    snapshot.read_layers(open_store(demo_store_copy), NAMES, min_rows=0, background=False)
    (only,) = _snapshots(snaps)
    assert only.stat().st_mode & 0o077 == 0 and only.parent.stat().st_mode & 0o077 == 0


def test_every_kind_of_column_and_geometry_round_trips(tmp_path: Path) -> None:
    n = 6
    frame = gpd.GeoDataFrame({
        "text": ["a", None, "b", "a", "a", "a"],  # repeated: kept as a dictionary
        "unique": [f"u{i}" for i in range(n)],
        "nothing": [None] * n,
        "count": pd.array([1, None, 3, 4, 5, 6], dtype="Int64"),
        "flag": pd.array([True, None, False, True, True, True], dtype="boolean"),
        "depth": [1.5, np.nan, 2.0, 0.0, -1.0, 3.25],
    }, geometry=[shapely.Point(1, 2), None, shapely.Point(3, 4), shapely.Point(5, 6), shapely.Point(7, 8),
                 shapely.Point(9, 10)], crs=schema.STORAGE_CRS)
    shapes = frame.copy()
    shapes.geometry = [shapely.box(0, 0, 1, 1), None, shapely.MultiPolygon([shapely.box(2, 2, 3, 3)]),
                       shapely.Point(1, 1), shapely.Point(), shapely.LineString([(0, 0), (1, 1)])]
    empty = frame.iloc[0:0].reset_index(drop=True)
    path = tmp_path / "snap"
    snapshot.write_snapshot(path, {"a": frame, "b": shapes, "c": empty})
    back = snapshot._read(path, ["a", "b", "c"])
    assert back is not None
    _same(back, {"a": frame, "b": shapes, "c": empty})


def test_a_copy_of_the_store_gets_its_own_snapshot(demo_store_copy: str, snaps: Path, tmp_path: Path) -> None:
    snapshot.read_layers(open_store(demo_store_copy), NAMES, min_rows=0, background=False)
    copy = tmp_path / "copy.gpkg"
    shutil.copyfile(demo_store_copy, copy)
    store = open_store(str(copy))
    with contextlib.closing(store._connect()) as con, con:
        con.execute("UPDATE grids SET name = '副本' WHERE fid = 1")
    assert "副本" in set(snapshot.read_layers(store, NAMES, min_rows=0, background=False)[schema.GRIDS]["name"])
    assert len(_snapshots(snaps)) == 2


def test_the_command_line_keeps_a_large_stores_snapshot(demo_store_copy: str, snaps: Path) -> None:
    store = open_store(demo_store_copy)
    assert not snapshot.keep(store, rows=100)  # a small store: nothing
    assert _snapshots(snaps) == []
    assert snapshot.keep(store, rows=10**6)
    (only,) = _snapshots(snaps)
    store.read_many = None  # type: ignore[method-assign]  # what the next server start reads
    assert len(snapshot.read_layers(store, snapshot.MAP_LAYERS)[schema.GRIDS]) == 7


def test_a_server_writes_its_snapshot_after_the_page(demo_store_copy: str, snaps: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "WRITE_DELAY_S", 0.2)
    store = open_store(demo_store_copy)
    snapshot.read_layers(store, NAMES, min_rows=0)  # returns at once: the snapshot comes later
    assert _snapshots(snaps) == []
    deadline = time.monotonic() + 30
    while not _snapshots(snaps) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_snapshots(snaps)) == 1


def test_a_server_start_reads_the_snapshot_for_the_first_page(demo_store_copy: str, snaps: Path) -> None:
    assert snapshot.keep(open_store(demo_store_copy), rows=10**6)
    snapshot.preload(demo_store_copy)
    store = open_store(demo_store_copy)
    (started,) = snapshot._PRELOADS.values()
    assert started.result() is not None
    shutil.rmtree(snaps)  # read already: the page takes that read
    store.read_many = None  # type: ignore[method-assign]  # the page takes what the start read
    first = snapshot.read_layers(store, snapshot.MAP_LAYERS)
    _same(first, open_store(demo_store_copy).read_many(snapshot.MAP_LAYERS))
    with pytest.raises(TypeError):  # taken once: a later read is a read of its own
        snapshot.read_layers(store, snapshot.MAP_LAYERS)


def test_a_server_start_leaves_a_store_without_a_snapshot_to_the_page(demo_store_copy: str, snaps: Path) -> None:
    snapshot.preload(demo_store_copy)
    store = open_store(demo_store_copy)
    read: list[list[str]] = []
    store_read = store.read_many
    store.read_many = lambda names: read.append(list(names)) or store_read(names)  # type: ignore[method-assign]
    assert len(snapshot.read_layers(store, snapshot.MAP_LAYERS)[schema.GRIDS]) == 7
    assert read == [list(snapshot.MAP_LAYERS)] and not snapshot._PRELOADS


def test_what_a_server_start_read_is_not_shown_after_a_change(demo_store_copy: str, snaps: Path) -> None:
    assert snapshot.keep(open_store(demo_store_copy), rows=10**6)
    snapshot.preload(demo_store_copy)
    store = open_store(demo_store_copy)
    before = len(store.read(schema.INCIDENTS))
    report_incident(store, type="flooding", lon=LON, lat=LAT, by="李四")  # after the start, before the page
    assert len(snapshot.read_layers(store, snapshot.MAP_LAYERS)[schema.INCIDENTS]) == before + 1


def test_a_server_start_on_a_missing_store_reads_and_makes_nothing(tmp_path: Path, snaps: Path) -> None:
    missing = tmp_path / "nope.gpkg"
    snapshot.preload(str(missing))
    assert not missing.exists() and not snapshot._PRELOADS
    broken = tmp_path / "broken.gpkg"
    broken.write_text("not a GeoPackage", encoding="utf-8")
    snapshot.preload(str(broken))  # left to the page, which says what is wrong
    assert broken.read_text(encoding="utf-8") == "not a GeoPackage" and not snapshot._PRELOADS
