"""The GeoPackage geometry blob, and the SQL functions its spatial-index triggers call.

A GeoPackage geometry is a small header (magic ``GP``, flags, SRS id, an
optional envelope) followed by ISO WKB; GDAL's spatial-index triggers call
``ST_IsEmpty`` and ``ST_MinX``... on it, functions GDAL defines on its own
connections and :func:`register_functions` defines on ours. Shapely reads and
writes the WKB.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import shapely

__all__ = ["decode", "encode", "envelope", "register_functions"]

SRS: Final = 4326
#: Envelope sizes (bytes) by the header's envelope indicator.
_ENVELOPE: Final = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}




def encode(geoms: Sequence[Any] | np.ndarray) -> list[bytes | None]:
    """GeoPackage geometry blobs (header with envelope, then ISO WKB) of shapely geometries."""
    arr = np.asarray(geoms, dtype=object)
    if not len(arr):
        return []
    missing = shapely.is_missing(arr)
    wkb = shapely.to_wkb(arr, byte_order=1, flavor="iso", output_dimension=2)
    bounds = shapely.bounds(arr)
    empty = shapely.is_empty(arr)
    points = shapely.get_type_id(arr) == 0
    out: list[bytes | None] = []
    empty_head = b"GP\x00" + bytes([0x01 | 0x10]) + struct.pack("<i", SRS)
    point_head = b"GP\x00\x01" + struct.pack("<i", SRS)
    for i in range(len(arr)):
        if missing[i]:
            out.append(None)
        elif empty[i]:
            out.append(empty_head + wkb[i])
        elif points[i]:
            out.append(point_head + wkb[i])
        else:
            b = bounds[i]
            out.append(b"GP\x00\x03" + struct.pack("<i4d", SRS, b[0], b[2], b[1], b[3]) + wkb[i])
    return out


def _wkb_offset(blob: bytes) -> int:
    return 8 + _ENVELOPE.get((blob[3] >> 1) & 0x07, 0)


def decode(blobs: Sequence[bytes | None]) -> np.ndarray:
    """Shapely geometries of GeoPackage geometry blobs (None stays None)."""
    wkb = [None if b is None else bytes(b[_wkb_offset(b):]) for b in blobs]
    return shapely.from_wkb(np.asarray(wkb, dtype=object))


def envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """``(minx, maxx, miny, maxy)`` of a blob: from its header, else from its WKB."""
    if blob is None or len(blob) < 8 or blob[3] & 0x10:
        return None
    env = (blob[3] >> 1) & 0x07
    if env:
        order = "<" if blob[3] & 0x01 else ">"
        minx, maxx, miny, maxy = struct.unpack_from(order + "4d", blob, 8)
        return minx, maxx, miny, maxy
    off = _wkb_offset(blob)
    if len(blob) >= off + 21 and blob[off] == 1 and blob[off + 1:off + 5] == b"\x01\x00\x00\x00":
        x, y = struct.unpack_from("<2d", blob, off + 5)  # a 2D point, as written by GDAL and encode()
        return x, x, y, y
    geom = shapely.from_wkb(bytes(blob[off:]))
    if geom.is_empty:
        return None
    b = geom.bounds
    return b[0], b[2], b[1], b[3]


def register_functions(con: sqlite3.Connection) -> None:
    """The functions the GeoPackage spatial-index triggers call (GDAL defines them on its own connections)."""

    def is_empty(blob: bytes | None) -> int | None:
        if blob is None:
            return None
        return 1 if len(blob) < 8 or blob[3] & 0x10 else 0

    def part(i: int) -> Any:
        def f(blob: bytes | None) -> float | None:
            env = envelope(blob)
            return None if env is None else env[i]
        return f

    con.create_function("ST_IsEmpty", 1, is_empty, deterministic=True)
    for i, name in enumerate(("ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY")):
        con.create_function(name, 1, part(i), deterministic=True)
