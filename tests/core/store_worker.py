"""Writers of the store's concurrency and crash tests, each run as its own process.

``python -m tests.core.store_worker MODE ADDRESS [ARGS...]`` (from the
repository root). Every mode opens the store itself (``open_store``), prints
``ready`` once its imports are done, and, when told to, waits for a line on
its standard input before it starts (the tests' barrier: the parent
releases all writers at once, so they really overlap). What it committed it
prints as one JSON object a line, flushed after the ``with`` block (or the
call) returned, so a parent that kills it knows what was committed.

The crash tests' writer, :func:`crash`, runs in a ``multiprocessing``
child instead (started quickly from a forkserver, many times).

Modes
-----
changes ADDRESS WORKER COUNT SHARED_IDS
    ``COUNT`` changes: reports (``report_incident``) and status updates
    (``update_incident``) of the shared incidents and of its own, mixed.
conflict ADDRESS ID BASE STATUS NAME
    One ``update_incident`` based on version ``BASE``: prints the winner's
    row or the ``ConflictError`` (its message and ``current``).
hold ADDRESS SECONDS
    Holds a write transaction open for ``SECONDS``.
report ADDRESS
    One report; prints how long it took and the error if it failed.
gdal
    As QGIS adds features: for each ``PATH TRIAL`` line read, appends
    incidents to the GeoPackage with GDAL (pyogrio, in WAL mode when the
    parent sets ``OGR_SQLITE_JOURNAL=WAL``), a few at a time; prints their ids.
sqlite
    As QGIS edits attributes: for each ``PATH TRIAL`` line read, holds a
    plain ``sqlite3`` connection in WAL mode (its own ``busy_timeout``) and
    changes the description of each incident whose id starts with ``S``, one
    ``BEGIN IMMEDIATE`` transaction each; prints them. SQLite refuses any
    ``UPDATE`` of a layer until the ``ST_*`` functions its spatial-index
    triggers name exist (GDAL and QGIS define them): it defines them as
    functions that fail when called, which an attribute edit never does.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import sys
import time
from multiprocessing.connection import Connection
from typing import Any

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from geo.errors import ConflictError, GridWatchError
from geo.incidents import report_incident, update_incident
from geo.store import open_store

#: Where the workers report: inside grid G1 of ``tests/core/conftest.py``.
LON, LAT = 114.3605, 30.5205
#: Conditions the shared rain grates are set to in turn.
STATUSES = ("blocked", "damaged", "ok")


def say(**fields: Any) -> None:
    """One line of JSON on standard output, flushed."""
    print(json.dumps(fields, ensure_ascii=False, default=str), flush=True)


def wait_for_go() -> None:
    """Print ``ready`` and wait for the parent's line (the barrier)."""
    say(ready=True)
    sys.stdin.readline()


def changes(address: str, worker: str, count: str, shared: str) -> None:
    """Reports and status updates, mixed: 1 in 2 a report, the others updates of shared and own incidents."""
    store = open_store(address)
    rng = np.random.default_rng(int(worker))
    shared_ids = shared.split(",")
    own: list[str] = []
    by = f"worker{worker}"
    wait_for_go()
    for k in range(int(count)):
        start = time.monotonic()
        if k % 2 == 0:
            row = report_incident(store, type="flooding", lon=LON + rng.uniform(0, 0.0009),
                                  lat=LAT + rng.uniform(0, 0.0009), description=f"{by} #{k}", by=by)
            own.append(row["incident_id"])
            say(op="report", id=row["incident_id"], version=row["row_version"], seconds=time.monotonic() - start)
        else:
            target = shared_ids[rng.integers(len(shared_ids))] if k % 4 == 1 or not own else own[rng.integers(len(own))]
            if target in shared_ids:  # a grate's condition; an own (flooding) case's severity
                row = update_incident(store, target, status=STATUSES[k % 3], by=by)
            else:
                row = update_incident(store, target, severity=("low", "high")[k % 2], by=by)
            say(op="update", id=target, version=row["row_version"], seconds=time.monotonic() - start)
    say(done=True)


def conflict(address: str, incident_id: str, base: str, status: str, name: str) -> None:
    """One update based on version ``base``: the row it wrote, or the conflict."""
    store = open_store(address)
    wait_for_go()
    try:
        row = update_incident(store, incident_id, status=status, base_version=int(base), by=name)
    except ConflictError as exc:
        say(outcome="conflict", message=str(exc), current=exc.current, key=exc.key)
    else:
        say(outcome="won", row=row)


def buildings(points: int, label: str) -> gpd.GeoDataFrame:
    """``points`` point buildings east of the grids, every one labelled ``label``."""
    n = np.arange(points)
    return gpd.GeoDataFrame(
        {"building_id": [f"K{i:06d}" for i in n], "name": label, "grid_id": None},
        geometry=shapely.points(114.40 + (n % 200) * 1e-5, 30.55 + (n // 200) * 1e-5), crs=4326,
    )


def crash(address: str, points: int, conn: Connection, spill: bool = False) -> None:
    """Reports, and every third change a whole-layer import of labelled buildings, until killed.

    Run in a child process (``multiprocessing``): before each change it
    sends ``begin``, after the ``with`` block returned what it committed.
    ``spill`` gives its GeoPackage connections a cache of 20 pages, so that
    a change spills into the file before it commits, as an import bigger
    than the cache does (a kill then leaves a journal to play back).
    """
    if spill:
        from geo import gpkg

        real = gpkg.GeoPackageStore._connect

        def small_cache(self: gpkg.GeoPackageStore, **kwargs: Any) -> sqlite3.Connection:
            con = real(self, **kwargs)
            con.execute("PRAGMA cache_size = 20")
            return con

        gpkg.GeoPackageStore._connect = small_cache  # type: ignore[method-assign]
    store = open_store(address)
    conn.send({"ready": True})
    for k in range(1_000_000):
        if k % 3 == 2:
            label = f"import-{os.getpid()}-{k}"
            conn.send({"op": "begin", "label": label})
            store.write({"buildings": buildings(points, label)}, note=label)
            conn.send({"op": "import", "label": label})
        else:
            conn.send({"op": "begin"})
            row = report_incident(store, type="flooding", lon=LON, lat=LAT, description=f"crash #{k}", by="crash")
            conn.send({"op": "report", "id": row["incident_id"]})


def hold(address: str, seconds: str) -> None:
    """A write transaction held open (a report written, not committed) for ``seconds``."""
    store = open_store(address)
    with store.transaction("held", by="holder") as tx:
        tx.add("incidents", gpd.GeoDataFrame({"type": ["flooding"], "status": ["reported"]},
                                             geometry=[shapely.Point(LON, LAT)], crs=4326))
        say(holding=True)
        time.sleep(float(seconds))
    say(released=True)


def report(address: str) -> None:
    """One report, timed: what it stored, or the error's key and message."""
    store = open_store(address)
    wait_for_go()
    start = time.monotonic()
    try:
        row = report_incident(store, type="flooding", lon=LON, lat=LAT, by="waiter")
    except GridWatchError as exc:
        say(outcome="error", key=exc.key, message=str(exc), seconds=time.monotonic() - start)
    else:
        say(outcome="stored", id=row["incident_id"], seconds=time.monotonic() - start)


def gdal() -> None:
    """Append incidents with GDAL, as QGIS does, to each file named on standard input."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)  # what GDAL objects to (pyogrio logs it)
    say(ready=True)
    for line in sys.stdin:
        path, trial = line.split()
        ids: list[str] = []
        for k in range(4):
            batch = [f"Q{trial}-{k}-{j}" for j in range(3)]
            frame = gpd.GeoDataFrame(
                {"incident_id": batch, "type": "flooding", "status": "reported", "severity": "low",
                 "reported_at": "2026-12-03T08:00:00+08:00", "description": "QGIS"},
                geometry=shapely.points([LON + 0.0001 * j for j in range(3)], [LAT] * 3), crs=4326)
            pyogrio.write_dataframe(frame, path, layer="incidents", append=True)
            ids += batch
            time.sleep(0.02)
        say(appended=ids)


def plain_sqlite() -> None:
    """Change attributes with a plain SQLite connection in WAL mode, to each file named on standard input."""
    say(ready=True)
    for line in sys.stdin:
        path, trial = line.split()
        con = sqlite3.connect(path, isolation_level=None)
        con.execute("PRAGMA busy_timeout = 20000")
        for _ in range(1000):  # switching needs the file to itself for a moment: retried, as a client would
            with contextlib.suppress(sqlite3.OperationalError):
                if con.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",):
                    break
            time.sleep(0.02)
        ids = [r[0] for r in con.execute("SELECT incident_id FROM incidents WHERE incident_id LIKE 'S%'")]
        try:  # the GeoPackage's own index triggers name ST_* functions on any update of a layer
            con.execute("UPDATE incidents SET description = description WHERE 0")
            refused = ""
        except sqlite3.OperationalError as exc:
            refused = str(exc)
        for name in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
            con.create_function(name, 1, _never_called)  # named for SQLite to prepare them; never run
        for i in ids:
            con.execute("BEGIN IMMEDIATE")
            con.execute("UPDATE incidents SET description = ? WHERE incident_id = ?", (f"QGIS {trial} {i}", i))
            con.execute("COMMIT")
            time.sleep(0.02)
        con.close()
        say(updated=ids, refused=refused)


def _never_called(_blob: bytes) -> None:
    """What an attribute edit must not need (the triggers run it only when a geometry changes)."""
    raise RuntimeError("ST_* called by an attribute update")


MODES = {"gdal": gdal, "sqlite": plain_sqlite, "changes": changes, "conflict": conflict, "hold": hold, "report": report}

if __name__ == "__main__":
    MODES[sys.argv[1]](*sys.argv[2:])  # type: ignore[operator]
