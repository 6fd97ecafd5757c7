"""The store under concurrent writers, on both backends: real processes, real files and databases, no mocks.

The writers are ``tests/core/store_worker.py`` run as separate processes
(each its own ``open_store``), released together by a barrier. The crash
tests (``kill -9`` of a writer) are in ``test_store_crash.py``.
"""

from __future__ import annotations

import contextlib
import grp
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyogrio

from geo.errors import ConflictError
from geo.incidents import report_incident, update_incident
from geo.pipeline import import_layer, rejoin
from geo.store import Store, open_store
from tests.core.conftest import buildings, grids

ROOT = Path(__file__).resolve().parents[2]
WORKERS, CHANGES, SHARED = 8, 200, 8


class Worker:
    """A writer process of ``tests/core/store_worker.py``: its JSON lines, its barrier."""

    def __init__(self, mode: str, *args: object, env: dict[str, str] | None = None) -> None:
        self.errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - open while the process runs
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.core.store_worker", mode, *map(str, args)], cwd=ROOT, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors, env={**os.environ, **(env or {})},
        )

    def stderr(self) -> str:
        """What it wrote to standard error (its traceback when it failed)."""
        self.errors.seek(0)
        return self.errors.read()[-3000:]

    def line(self) -> dict[str, Any]:
        """The next JSON line (fails when the process ended without one)."""
        assert self.proc.stdout is not None
        text = self.proc.stdout.readline()
        assert text, f"worker ended (exit {self.proc.wait()}) without a line: {self.stderr()}"
        return json.loads(text)

    def go(self) -> None:
        """Release it from the barrier."""
        assert self.proc.stdin is not None
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def rest(self, timeout: float = 300) -> list[dict[str, Any]]:
        """Every further line, once it has exited (which it must, cleanly)."""
        out, _ = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, f"worker exited {self.proc.returncode}: {self.stderr()}"
        return [json.loads(t) for t in out.splitlines() if t.strip()]


def released(workers: list[Worker]) -> None:
    """Wait until every worker is ready, then release them all at once."""
    for w in workers:
        assert w.line() == {"ready": True}
    for w in workers:
        w.go()


def seeded(address: str, incidents: int = 0) -> tuple[Store, list[str]]:
    """A store with the core tests' grids and buildings and ``incidents`` reported incidents (their ids)."""
    store = open_store(address)
    store.write({"grids": grids(), "buildings": buildings()}, note="seed")
    ids = [report_incident(store, type="drain_grate", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
           for _ in range(incidents)]
    return store, ids


def test_many_writers_lose_nothing(new_store_address: Callable[[], str]) -> None:
    """8 processes x 200 reports and status updates at once: every change kept once, versions counted."""
    address = new_store_address()
    store, shared = seeded(address, SHARED)
    start = time.monotonic()
    workers = [Worker("changes", address, i, CHANGES, ",".join(shared)) for i in range(WORKERS)]
    released(workers)
    lines = [line for w in workers for line in w.rest()]
    elapsed = time.monotonic() - start
    done = [x for x in lines if x.get("done")]
    changes = [x for x in lines if "op" in x]
    assert len(done) == WORKERS and len(changes) == WORKERS * CHANGES
    reported = [x["id"] for x in changes if x["op"] == "report"]
    assert len(reported) == len(set(reported)) == WORKERS * CHANGES // 2  # distinct minted ids
    updates = Counter(x["id"] for x in changes if x["op"] == "update")
    got = store.read("incidents").set_index("incident_id")
    assert len(got) == SHARED + len(reported)
    assert set(got.index) == {*shared, *reported}
    expected = {i: 1 + updates.get(i, 0) for i in got.index}
    assert got["row_version"].astype(int).to_dict() == expected  # no update lost, none applied twice
    for i in shared:  # each update saw the version the one before it wrote
        seen = sorted(x["version"] for x in changes if x["op"] == "update" and x["id"] == i)
        assert seen == list(range(2, 2 + updates[i]))
    assert store.check() == []
    slowest = max(x["seconds"] for x in changes)
    print(f"{WORKERS} x {CHANGES} changes on {store.backend}: {elapsed:.1f} s (slowest change {slowest:.1f} s)")


# -- two edits from the same version ------------------------------------------------------------


def _check_conflict(exc: ConflictError, winner: dict[str, Any], loser_status: str) -> None:
    """The loser's error holds the winner's values and says who changed it and when."""
    assert exc.key == "store.conflict"
    assert exc.current["status"] == winner["status"] != loser_status
    assert exc.current["row_version"] == winner["row_version"] == 2
    assert exc.current["updated_by"] == winner["updated_by"]
    assert winner["updated_by"] in str(exc) and winner["updated_at"] in str(exc)


def test_same_version_edits_in_threads(any_store: Store) -> None:
    """Two threads update one incident from version 1: one wins, the other gets ConflictError."""
    iid = report_incident(any_store, type="drain_grate", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def edit(name: str, status: str) -> None:
        store = open_store(any_store.address)
        barrier.wait()
        try:
            results[name] = update_incident(store, iid, status=status, base_version=1, by=name)
        except ConflictError as exc:
            results[name] = exc

    threads = [threading.Thread(target=edit, args=(n, s)) for n, s in (("张三", "blocked"), ("李四", "damaged"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = {n: r for n, r in results.items() if isinstance(r, ConflictError)}
    wins = {n: r for n, r in results.items() if isinstance(r, dict)}
    assert len(errors) == len(wins) == 1, results
    (loser, exc), (_, winner) = next(iter(errors.items())), next(iter(wins.items()))
    _check_conflict(exc, winner, "blocked" if loser == "张三" else "damaged")
    assert any_store.read("incidents").set_index("incident_id").loc[iid, "status"] == winner["status"]


def test_same_version_edits_in_processes(any_store: Store) -> None:
    """Two processes update one incident from version 1: one wins, the other's error shows the winner's edit."""
    iid = report_incident(any_store, type="drain_grate", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
    workers = [Worker("conflict", any_store.address, iid, 1, s, n) for n, s in (("张三", "blocked"), ("李四", "damaged"))]
    released(workers)
    results = [w.rest()[0] for w in workers]
    assert sorted(r["outcome"] for r in results) == ["conflict", "won"]
    winner = next(r["row"] for r in results if r["outcome"] == "won")
    lost = next(r for r in results if r["outcome"] == "conflict")
    assert lost["key"] == "store.conflict"
    assert lost["current"]["status"] == winner["status"] and lost["current"]["row_version"] == 2
    assert lost["current"]["updated_by"] == winner["updated_by"]
    assert winner["updated_by"] in lost["message"] and winner["updated_at"] in lost["message"]


# -- the lock wait ----------------------------------------------------------------------------


def test_lock_wait_ends_in_store_busy(any_store: Store) -> None:
    """A write waits GRIDWATCH_STORE_LOCK_TIMEOUT seconds for another process's open transaction, then store.busy."""
    address = any_store.address
    seeded(address)
    holder = Worker("hold", address, 8)
    try:
        assert holder.line() == {"holding": True}
        waiter = Worker("report", address, env={"GRIDWATCH_STORE_LOCK_TIMEOUT": "1"})
        released([waiter])
        (result,) = waiter.rest(60)
        assert result["outcome"] == "error" and result["key"] == "store.busy", result
        assert 0.9 <= result["seconds"] < 4, result
        assert any_store.location in result["message"] and ("1 s" in result["message"] or "1 秒" in result["message"])
    finally:
        holder.proc.kill()
        holder.proc.wait()


# -- QGIS writing the GeoPackage at the same time ---------------------------------------------


def test_qgis_writes_while_gridwatch_writes(tmp_path: Path) -> None:
    """GDAL appends and a plain SQLite client edits in WAL mode while GridWatch reports and imports: all kept, 20 of 20."""
    template = tmp_path / "template.gpkg"
    store, _ = seeded(str(template))
    for n in range(3):
        report_incident(store, type="flooding", lon=114.3605, lat=30.5205, incident_id=f"S{n}", by="seed")
    more = buildings().assign(building_id=lambda d: "N" + d["building_id"])
    more.to_file(tmp_path / "more.geojson")
    env = {"OGR_SQLITE_JOURNAL": "WAL", "OGR_SQLITE_PRAGMA": "busy_timeout=20000"}
    qgis = [Worker("gdal", env=env), Worker("sqlite")]
    for w in qgis:
        assert w.line() == {"ready": True}
    counts = 0
    try:
        for trial in range(20):
            path = tmp_path / f"trial{trial}.gpkg"
            shutil.copyfile(template, path)
            for w in qgis:
                assert w.proc.stdin is not None
                w.proc.stdin.write(f"{path} {trial}\n")
                w.proc.stdin.flush()
            ours = open_store(path)
            reported = [report_incident(ours, type="flooding", lon=114.3606, lat=30.5206, by="gw")["incident_id"]
                        for _ in range(3)]
            import_layer(ours, "buildings", tmp_path / "more.geojson", by="gw")
            reported += [report_incident(ours, type="flooding", lon=114.3607, lat=30.5207, by="gw")["incident_id"]]
            appended, edits = qgis[0].line()["appended"], qgis[1].line()
            updated = edits["updated"]
            assert "no such function: ST_" in edits["refused"]  # a client without them cannot edit a layer at all
            stale = open_store(path).check()  # GDAL wrote back its own feature count after GridWatch's last write?
            reported += [report_incident(ours, type="flooding", lon=114.3607, lat=30.5207, by="gw")["incident_id"]]
            with contextlib.closing(sqlite3.connect(path)) as con:
                assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)], trial
                assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
            for layer in pyogrio.list_layers(path)[:, 0]:
                pyogrio.read_dataframe(path, layer=layer)  # a fresh GDAL read of every layer
            got = pyogrio.read_dataframe(path, layer="incidents").set_index("incident_id")
            assert set(appended) | set(reported) | {"S0", "S1", "S2"} == set(got.index), (trial, qgis[0].stderr())
            assert updated == ["S0", "S1", "S2"]
            assert got.loc[updated, "description"].tolist() == [f"QGIS {trial} {i}" for i in updated]
            assert {"NB1", "B1"} <= set(pyogrio.read_dataframe(path, layer="buildings")["building_id"])
            assert open_store(path).check() == []  # QGIS's new rows have no row_version: they count as version 1
            counts += any("gpkg_ogr_contents" in p for p in stale)
    finally:
        for w in qgis:
            w.proc.kill()
            w.proc.wait()
    print(f"20 trials: in {counts} GDAL had written back a stale feature count, recounted by the next write")


# -- the file itself ------------------------------------------------------------------------------


def test_file_keeps_owner_mode_and_inode(tmp_path: Path) -> None:
    """A store shared by a group (0664, another group) stays the same file through a report, an import and a rejoin."""
    path = tmp_path / "shared.gpkg"
    store, _ = seeded(str(path))
    os.chmod(path, 0o664)
    if os.geteuid() == 0:  # root may give the file to another group, as an administrator would
        other = next((g.gr_gid for g in grp.getgrall() if g.gr_gid != os.getegid()), None)
        if other is not None:
            os.chown(path, -1, other)
    before = os.stat(path)
    more = buildings().assign(building_id=lambda d: "N" + d["building_id"])
    more.to_file(tmp_path / "more.geojson")
    report_incident(store, type="flooding", lon=114.3605, lat=30.5205, by="gw")
    import_layer(store, "buildings", tmp_path / "more.geojson", by="gw")
    rejoin(store, max_distance=50, by="gw")
    after = os.stat(path)
    assert stat.S_IMODE(after.st_mode) == 0o664
    assert (after.st_uid, after.st_gid, after.st_ino) == (before.st_uid, before.st_gid, before.st_ino)
    assert after.st_mtime_ns > before.st_mtime_ns  # written in place
    assert len(store.read("buildings")) == 2 * len(buildings()) and store.check() == []
