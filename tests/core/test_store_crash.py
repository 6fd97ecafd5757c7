"""A writer killed (``kill -9``) at random points, on both backends: the store opens sound with every committed change.

The writer (:func:`tests.core.store_worker.crash`) streams reports and
whole-layer imports of 20,000 buildings into one store and says, after each
``with`` block returned, what it committed; it is killed after a random
delay, 20 times, most often inside an import's transaction. Real processes,
a real file or database, no mocks.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import random
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geo.store import open_store
from tests.core import store_worker
from tests.core.conftest import grids

TRIALS, POINTS = 20, 20_000
_JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _run_until_killed(ctx: Any, address: str, delay: float, *, spill: bool) -> list[dict[str, Any]]:
    """Start the writer, kill -9 it ``delay`` seconds after it is ready; what it said."""
    ours, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=store_worker.crash, args=(address, POINTS, theirs, spill), daemon=True)
    proc.start()
    theirs.close()
    said: list[dict[str, Any]] = []
    try:
        assert ours.poll(60), "the writer did not start"
        assert ours.recv() == {"ready": True}
        deadline = time.monotonic() + delay
        while (left := deadline - time.monotonic()) > 0:
            if ours.poll(left):
                said.append(ours.recv())
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(30)
    with contextlib.suppress(EOFError):  # what it sent before it died is still in the pipe
        while ours.poll(0):
            said.append(ours.recv())
    ours.close()
    assert proc.exitcode == -signal.SIGKILL
    return said


def _hot(journal: Path | None) -> bool:
    """Whether a rollback journal is there to be played back (SQLite ignores one whose header it zeroed)."""
    try:
        with open(journal or "", "rb") as fh:
            return fh.read(8) == _JOURNAL_MAGIC
    except FileNotFoundError:
        return False


def test_killed_writer_leaves_committed_changes_only(new_store_address: Callable[[], str], backend: str) -> None:
    """20 kills at random points: the store opens, checks sound, holds every committed change and no half import."""
    address = new_store_address()
    store = open_store(address)
    store.write({"grids": grids()}, note="seed")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["geo.store", "geo.incidents", "tests.core.store_worker"])
    rng = random.Random(20261203)
    committed: list[str] = []
    last_import: str | None = None
    mid: Counter[str] = Counter()
    journals = 0
    for trial in range(TRIALS):
        spill = backend == "gpkg" and trial % 2 == 1  # every other writer's changes reach the file before commit
        said = _run_until_killed(ctx, address, rng.uniform(0.2, 3.0), spill=spill)
        committed += [x["id"] for x in said if x.get("op") == "report"]
        imports = [x["label"] for x in said if x.get("op") == "import"]
        last_import = imports[-1] if imports else last_import
        in_flight = said[-1] if said and said[-1]["op"] == "begin" else None
        where = "import" if in_flight and "label" in in_flight else "report" if in_flight else "between"
        mid[where] += 1
        path = Path(address)
        journal = path.with_name(path.name + "-journal") if backend == "gpkg" else None
        left_journal = _hot(journal)
        store = open_store(address)
        got = store.read("incidents")  # the reader path rolls a left journal back first
        assert not _hot(journal), f"trial {trial}: the journal was not rolled back"
        assert store.check() == [], f"trial {trial}"
        if backend == "gpkg":
            with contextlib.closing(sqlite3.connect(address)) as con:
                assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ids = got["incident_id"].tolist()
        assert len(ids) == len(set(ids)), f"trial {trial}: an incident stored twice"
        assert set(committed) <= set(ids), f"trial {trial}: committed reports lost"
        assert len(ids) - len(committed) <= trial + 1  # at most the one report in flight per kill
        labels = Counter(store.read("buildings")["name"])
        assert sum(labels.values()) in (0, POINTS) and len(labels) <= 1, f"trial {trial}: half an import {labels}"
        allowed = {last_import} | ({in_flight["label"]} if in_flight and "label" in in_flight else set())
        if labels:
            (label,) = labels
            assert label in allowed, f"trial {trial}: {label} stored, committed {last_import}"
            last_import = label
        else:
            assert last_import is None
        journals += left_journal
        print(f"trial {trial}: killed {where}{' (journal left, rolled back)' if left_journal else ''}")
    print(f"{TRIALS} kills on {backend}: {dict(mid)}; {journals} hot journals rolled back; {len(committed)} reports")
    assert mid["import"] >= 3, mid  # the kills did land inside import transactions
    if backend == "gpkg":
        assert journals >= 1  # and the reader path played them back
