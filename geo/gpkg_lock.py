"""Turns of the GeoPackage store's writers: a lock file next to the store.

SQLite lets one writer in at a time (``BEGIN IMMEDIATE``) but makes the
others wait by polling, up to 100 ms apart: under many GridWatch writers the
file stays idle between transactions and a writer can miss its turn again
and again until its lock wait runs out. GridWatch's writers therefore first
queue on ``<store>.lock`` (``flock``, which the kernel hands on as soon as it
is released, and releases when a writer dies); the SQLite lock stays what
keeps the file sound, and what other programs (QGIS) wait on.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

__all__ = ["making_lock", "writer_turn"]


def lock_path(store: Path) -> Path:
    """The lock file of the store at ``store``."""
    return store.with_name(store.name + ".lock")


def _open(store: Path) -> int | None:
    """The lock file, opened read-only (``flock`` needs no more; made when missing), or None when it cannot be."""
    try:
        return os.open(lock_path(store), os.O_RDONLY | os.O_CREAT, 0o666)
    except OSError:  # a folder this user may not write to: SQLite's own lock still serialises writers
        return None


@contextlib.contextmanager
def making_lock(store: Path) -> Iterator[None]:
    """Serialise making and upgrading the file between GridWatch processes (no time limit)."""
    fd = _open(store)
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


@contextlib.contextmanager
def writer_turn(store: Path, seconds: float) -> Iterator[float | None]:
    """Wait up to ``seconds`` for this writer's turn; yields the seconds left, None when the turn did not come.

    The wait is a blocking ``flock`` in a helper thread (so a thread of the
    app can wait too, and the wait ends on time); a turn that comes after
    the caller gave up is handed straight on.
    """
    fd = _open(store)
    if fd is None:
        yield seconds
        return
    start = time.monotonic()
    got = threading.Event()
    guard = threading.Lock()
    abandoned = False

    def take() -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with guard:
            if abandoned:
                os.close(fd)
                return
            got.set()

    if _try(fd):
        got.set()
    else:
        threading.Thread(target=take, name="gridwatch-store-turn", daemon=True).start()
    if not got.wait(seconds):
        with guard:
            if not got.is_set():
                abandoned = True
        if abandoned:
            yield None
            return
    try:
        yield max(seconds - (time.monotonic() - start), 0.05)
    finally:
        os.close(fd)


def _try(fd: int) -> bool:
    """Take the lock if it is free now."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
