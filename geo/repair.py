"""Geometry repair with a time bound.

``shapely.make_valid`` is quadratic in the number of self-intersections: a
polygon of 400 random vertices takes over a minute, one of a few thousand
never finishes in practice. A C call cannot be interrupted, so the repair
runs in a child process that is killed when the limit
(:attr:`geo.limits.Limits.max_repair_seconds`) passes.

The child is forked (``os.fork``), not spawned: a spawned child would
import the parent's main module again (the Streamlit script, or the
command line). It runs only GEOS and one write to a pipe, nothing that
waits on a lock another thread of the parent may have held at the fork.
A plain fork also works inside a daemonic worker process (the app's upload
worker), where ``multiprocessing`` refuses to start children.
"""

from __future__ import annotations

import os
import select
import signal
import time

import numpy as np
import shapely

from . import limits
from .errors import GeometryError

__all__ = ["make_valid_within"]

#: Below this many vertices in all, a repair is quick: done in this process.
_IN_PROCESS_VERTICES = 2_000


def make_valid_within(geoms: np.ndarray, seconds: float | None = None) -> np.ndarray:
    """``shapely.make_valid(geoms)``, refused when it takes longer than ``seconds``.

    Parameters
    ----------
    geoms
        Geometries to repair (an array of shapely geometries).
    seconds
        Time allowed; :func:`geo.limits.current` ``.max_repair_seconds`` when not given.

    Returns
    -------
    numpy.ndarray of repaired geometries, in the same order.

    Raises
    ------
    GeometryError
        The repair did not finish in time (the work is stopped).
    """
    geoms = np.asarray(geoms, dtype=object)
    if geoms.size == 0 or int(shapely.get_num_coordinates(geoms).sum()) <= _IN_PROCESS_VERTICES:
        return np.asarray(shapely.make_valid(geoms), dtype=object)
    limit = limits.current().max_repair_seconds if seconds is None else seconds
    data = _in_child(shapely.to_wkb(geoms), limit)
    if data is None:  # too long, or the child died (out of memory): as good as too long
        raise GeometryError.of("io.repair_timeout", n=str(geoms.size), seconds=f"{limit:g}",
                               variable=limits.ENV["max_repair_seconds"])
    return np.asarray(shapely.from_wkb(_split(data)), dtype=object)


def _in_child(wkb: np.ndarray, seconds: float) -> bytes | None:
    """Repaired WKB from a forked child, or None when it took over ``seconds`` (it is killed)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: repair, write, leave at once (no atexit, no flush of the parent's buffers)
        code = 1
        try:
            os.close(read_fd)
            out = shapely.to_wkb(shapely.make_valid(shapely.from_wkb(wkb)))
            payload = b"".join(len(g).to_bytes(8, "little") + g for g in out)
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(payload)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + seconds
    finished = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([read_fd], [], [], left)[0]:
                break
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                finished = True
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if not finished:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    if not finished or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    return b"".join(chunks)


def _split(data: bytes) -> list[bytes]:
    """The WKB strings of :func:`_in_child`'s payload (each prefixed by its length)."""
    out, at = [], 0
    while at < len(data):
        n = int.from_bytes(data[at:at + 8], "little")
        out.append(data[at + 8:at + 8 + n])
        at += 8 + n
    return out
