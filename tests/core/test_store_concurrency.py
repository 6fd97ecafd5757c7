"""The store under concurrent writers, on both backends: real processes, real files and databases, no mocks.

The writers are ``tests/core/store_worker.py`` run as separate processes
(each its own ``open_store``), released together by a barrier. The crash
tests (``kill -9`` of a writer) are in ``test_store_crash.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.errors import ConflictError
from geo.incidents import report_incident, update_incident
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
    ids = [report_incident(store, type="flooding", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
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
    iid = report_incident(any_store, type="flooding", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
    barrier = threading.Barrier(2)
    results: dict[str, Any] = {}

    def edit(name: str, status: str) -> None:
        store = open_store(any_store.address)
        barrier.wait()
        try:
            results[name] = update_incident(store, iid, status=status, base_version=1, by=name)
        except ConflictError as exc:
            results[name] = exc

    threads = [threading.Thread(target=edit, args=(n, s)) for n, s in (("张三", "assigned"), ("李四", "resolved"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    errors = {n: r for n, r in results.items() if isinstance(r, ConflictError)}
    wins = {n: r for n, r in results.items() if isinstance(r, dict)}
    assert len(errors) == len(wins) == 1, results
    (loser, exc), (_, winner) = next(iter(errors.items())), next(iter(wins.items()))
    _check_conflict(exc, winner, "assigned" if loser == "张三" else "resolved")
    assert any_store.read("incidents").set_index("incident_id").loc[iid, "status"] == winner["status"]


def test_same_version_edits_in_processes(any_store: Store) -> None:
    """Two processes update one incident from version 1: one wins, the other's error shows the winner's edit."""
    iid = report_incident(any_store, type="flooding", lon=114.3605, lat=30.5205, by="seed")["incident_id"]
    workers = [Worker("conflict", any_store.address, iid, 1, s, n) for n, s in (("张三", "assigned"), ("李四", "resolved"))]
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
        assert any_store.location in result["message"] and "1 s" in result["message"]
    finally:
        holder.proc.kill()
        holder.proc.wait()
