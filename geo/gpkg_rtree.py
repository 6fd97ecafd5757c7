"""Filling an empty GeoPackage spatial index (SQLite R*Tree) in one pass.

SQLite inserts into an R*Tree one entry at a time, about 20 µs each
whatever the order (20 s for 1,000,000 points). When a whole layer is
written into an empty index, :func:`fill_empty` builds a packed tree
instead (Sort-Tile-Recursive: entries sorted into slices by x, each slice
by y, full nodes level by level, as GDAL does for the layers it writes) and
writes the R*Tree's own tables (``<name>_node``, ``_rowid``, ``_parent``).

SQLite's layout: node 1 is the root; a node is a 2-byte depth (the root's:
leaves are depth 0), a 2-byte cell count and cells of an 8-byte id (a rowid
in a leaf, a child node otherwise) and the box as big-endian 32-bit floats
(minx, maxx, miny, maxy; minimums rounded down, maximums up, as SQLite rounds), padded to the
size of the existing root. ``SELECT rtreecheck(name)`` checks the result.
"""

from __future__ import annotations

import math
import sqlite3

import numpy as np

__all__ = ["fill_empty"]

_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _outward(bounds: np.ndarray) -> np.ndarray:
    """(minx, miny, maxx, maxy) float64 rows as the (minx, maxx, miny, maxy) float32 boxes SQLite would store.

    As SQLite's ``rtreeValueDown``/``rtreeValueUp``: a value that rounds to
    the wrong side is scaled by 1 -/+ 2**-23 before rounding.
    """
    towards, away = 1.0 - 1.0 / 8388608.0, 1.0 + 1.0 / 8388608.0
    out = np.empty((len(bounds), 4), dtype=np.float32)
    for col, (src, down) in enumerate(((0, True), (2, False), (1, True), (3, False))):
        exact = bounds[:, src]
        f = exact.astype(np.float32)
        bad = f > exact if down else f < exact
        negative = exact[bad] < 0
        scale = np.where(negative, away, towards) if down else np.where(negative, towards, away)
        f[bad] = (exact[bad] * scale).astype(np.float32)
        out[:, col] = f
    return out


def _str_order(boxes: np.ndarray, cap: int) -> np.ndarray:
    """Sort-Tile-Recursive order of boxes: slices by centre x, each by centre y."""
    n = len(boxes)
    cx = (boxes[:, 0].astype(np.float64) + boxes[:, 1]) / 2
    cy = (boxes[:, 2].astype(np.float64) + boxes[:, 3]) / 2
    by_x = np.argsort(cx, kind="stable")
    slices = max(1, math.ceil(math.sqrt(math.ceil(n / cap))))
    per_slice = math.ceil(n / slices / cap) * cap
    slice_of = np.empty(n, dtype=np.int64)
    slice_of[by_x] = np.arange(n) // per_slice
    return np.lexsort((cy, slice_of))


def fill_empty(con: sqlite3.Connection, rtree: str, ids: np.ndarray, bounds: np.ndarray) -> bool:
    """Fill the R*Tree ``rtree`` with ``ids`` and their ``bounds`` (minx, miny, maxx, maxy) if it is empty.

    Returns False, writing nothing, when it is not empty (or not laid out as
    SQLite lays out a 2-dimensional R*Tree): insert entry by entry then.
    """
    node_t, rowid_t, parent_t = (_quote(rtree + s) for s in ("_node", "_rowid", "_parent"))
    root = con.execute(f"SELECT data FROM {node_t} WHERE nodeno = 1").fetchone()
    if root is None or root[0] is None or len(root[0]) < 4 + _CELL.itemsize or int.from_bytes(root[0][2:4], "big"):
        return False
    if con.execute(f"SELECT EXISTS (SELECT 1 FROM {rowid_t})").fetchone()[0] or not len(ids):
        return not len(ids)
    size = len(root[0])
    cap = (size - 4) // _CELL.itemsize
    level_ids = np.asarray(ids, dtype=np.int64)
    level_boxes = _outward(np.asarray(bounds, dtype=np.float64))
    nodes: list[tuple[int, bytes]] = []
    links: list[tuple[int, int]] = []  # (child, node): rowids of the leaves, then parents of the inner nodes
    next_no, depth = 2, 0
    while True:
        order = _str_order(level_boxes, cap)
        level_ids, level_boxes = level_ids[order], level_boxes[order]
        groups = math.ceil(len(level_ids) / cap)
        numbers = np.array([1]) if groups == 1 else np.arange(next_no, next_no + groups)
        next_no += 0 if groups == 1 else groups
        group_boxes = np.empty((groups, 4), dtype=np.float32)
        for g in range(groups):
            part = slice(g * cap, (g + 1) * cap)
            cells = np.empty(len(level_ids[part]), dtype=_CELL)
            cells["id"], cells["box"] = level_ids[part], level_boxes[part]
            head = (depth if groups == 1 else 0).to_bytes(2, "big") + len(cells).to_bytes(2, "big")
            nodes.append((int(numbers[g]), (head + cells.tobytes()).ljust(size, b"\0")))
            b = level_boxes[part]
            group_boxes[g] = (b[:, 0].min(), b[:, 1].max(), b[:, 2].min(), b[:, 3].max())
        owner = np.repeat(numbers, cap)[:len(level_ids)]
        links += [(int(c), int(o)) for c, o in zip(level_ids, owner, strict=True)]
        if depth == 0:
            con.executemany(f"INSERT INTO {rowid_t} (rowid, nodeno) VALUES (?, ?)", links)
            links = []
        if groups == 1:
            break
        level_ids, level_boxes, depth = numbers, group_boxes, depth + 1
    con.execute(f"DELETE FROM {node_t}")
    con.execute(f"DELETE FROM {parent_t}")
    con.executemany(f"INSERT INTO {node_t} (nodeno, data) VALUES (?, ?)", nodes)
    con.executemany(f"INSERT INTO {parent_t} (nodeno, parentnode) VALUES (?, ?)", links)
    return True
