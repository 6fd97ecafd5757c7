"""Geometry repair with a time bound.

``shapely.make_valid`` is quadratic in the number of self-intersections: a
polygon of 400 random vertices takes over a minute, one of a few thousand
never finishes in practice. A C call cannot be interrupted, so the repair
runs in a child process that is killed when the limit
(:attr:`geo.limits.Limits.max_repair_seconds`) passes.

The child is forked, not spawned: a spawned child would import the
parent's main module again (the Streamlit script, or the command line).
It runs only GEOS and one write to a pipe, nothing that waits on a lock
another thread of the parent may have held at the fork.
"""

from __future__ import annotations

import multiprocessing
import warnings
from multiprocessing.connection import Connection

import numpy as np
import shapely

from . import limits
from ._errors import GeometryError

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
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receive, send = ctx.Pipe(duplex=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork in a threaded process: the child only runs GEOS
        proc = ctx.Process(  # type: ignore[attr-defined]
            target=_repair_worker, args=(shapely.to_wkb(geoms), send), daemon=True)
        proc.start()
    send.close()
    try:
        if not receive.poll(limit):
            raise GeometryError.of("io.repair_timeout", n=str(geoms.size), seconds=f"{limit:g}",
                                   variable=limits.ENV["max_repair_seconds"])
        try:
            data = receive.recv()
        except EOFError:  # the child died (out of memory): as good as too long
            raise GeometryError.of("io.repair_timeout", n=str(geoms.size), seconds=f"{limit:g}",
                                   variable=limits.ENV["max_repair_seconds"]) from None
    finally:
        receive.close()
        if proc.is_alive():
            proc.kill()
        proc.join()
    return np.asarray(shapely.from_wkb(data), dtype=object)


def _repair_worker(wkb: np.ndarray, send: Connection) -> None:
    send.send(shapely.to_wkb(shapely.make_valid(shapely.from_wkb(wkb))))
    send.close()
