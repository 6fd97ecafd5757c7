"""Compact payloads for the map: integer coordinates and columns of values.

A GeoJSON of 30,000 building footprints is about 10 MB; the same footprints
as delta-encoded integer micro-degrees with offset arrays are about 1 MB, and
``static/gridwatch/gridwatch.js`` decodes them in the browser. Values are sent
raw and escaped there (``GW.esc``); :func:`to_script_json` makes the JSON safe
to sit inside a ``<script>`` element.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = ["SCALE", "compact_column", "compact_ids", "encode_points", "encode_polygons", "js_string", "text_column", "to_script_json"]

#: Coordinates are sent as round(degrees * SCALE): 1e-6° is about 0.1 m.
SCALE: Final = 1_000_000


def to_script_json(value: Any) -> str:
    r"""JSON that can be pasted into a ``<script>`` element as it is.

    ``<``, ``>`` and ``&`` are written as ``\u003c`` etc., so a value such as
    ``</script><script>alert(1)</script>`` cannot end the script element; the
    JavaScript line separators U+2028/U+2029 are escaped too.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def js_string(text: str) -> str:
    """``text`` as a single-quoted JavaScript string literal.

    Meant for the output of :func:`to_script_json`, which has no raw
    ``<``, ``>``, ``&``, line breaks or line separators left, so the literal
    is safe inside a ``<script>`` element too.
    """
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def text_column(values: pd.Series, max_chars: int | None = None) -> list[str]:
    """A column as JSON-ready text: missing values become ``""``."""
    out = []
    for v in values.tolist():
        if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
            out.append("")
            continue
        s = str(v)
        out.append(s if max_chars is None or len(s) <= max_chars else s[: max_chars - 1] + "…")
    return out


def compact_column(values: list[str]) -> list[str] | dict[str, list[Any]]:
    """A text column, dictionary-encoded when that is smaller.

    A text column, dictionary-encoded (``{"v": distinct, "i": codes}``) when
    its values repeat enough for that to be smaller; ``GW.val`` reads both.
    """
    if len(values) < 64:
        return values
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=False)
    if len(uniques) > len(values) // 3:
        return values
    return {"v": [str(u) for u in uniques], "i": codes.tolist()}


_ID_PARTS = re.compile(r"^(.*?)([0-9]{1,15})$", re.DOTALL)


def compact_ids(values: list[str]) -> list[str] | dict[str, list[Any]]:
    """Identifiers, run-length encoded where they count up.

    Identifiers, run-length encoded where they count up (``DG0000001``,
    ``DG0000002``...): ``{"p": prefixes, "w": digit widths, "runs": [[k,
    first, step, count], ...]}`` with ``k`` indexing ``p`` and ``w``. Plain
    when any id has no trailing number or the runs would not be smaller;
    ``GW.ids`` reads both.
    """
    if len(values) < 64:
        return values
    keys: dict[tuple[str, int], int] = {}
    ks, nums = [], []
    for v in values:
        m = _ID_PARTS.match(v)
        if m is None:
            return values
        pk = (m.group(1), len(m.group(2)))
        ks.append(keys.setdefault(pk, len(keys)))
        nums.append(int(m.group(2)))
    # A run: the same prefix and width, and the same step from one id to the
    # next (set by its second id).
    k, n = ks, nums
    runs: list[list[int]] = []
    i = 0
    total = len(n)
    while i < total:
        if i + 1 < total and k[i + 1] == k[i]:
            st = n[i + 1] - n[i]
            j = i + 1
            while j + 1 < total and k[j + 1] == k[i] and n[j + 1] - n[j] == st:
                j += 1
            runs.append([k[i], n[i], st, j - i + 1])
            i = j + 1
        else:
            runs.append([k[i], n[i], 0, 1])
            i += 1
    if len(runs) * 4 > len(values) // 2:
        return values
    return {"p": [p for p, _ in keys], "w": [w for _, w in keys], "runs": runs}


def origin_of(geoms: gpd.GeoSeries) -> tuple[int, int]:
    """Integer origin (south-west corner) for a layer's coordinates."""
    if len(geoms) == 0 or geoms.is_empty.all():
        return 0, 0
    minx, miny, _, _ = geoms.total_bounds
    return int(math.floor(minx * SCALE)), int(math.floor(miny * SCALE))


def encode_polygons(geoms: gpd.GeoSeries, origin: tuple[int, int] | None = None) -> dict[str, Any]:
    """Encode (Multi)Polygons as integer deltas with offsets.

    Parameters
    ----------
    geoms
        Polygons or MultiPolygons in degrees; empty or missing geometries
        become features with no parts.
    origin
        Integer origin; the layer's south-west corner by default.

    Returns
    -------
    dict
        ``o`` origin, ``s`` scale, ``c`` flat x,y deltas, ``r`` vertices per
        ring (closing vertex dropped), ``p`` rings per part, ``f`` parts per
        feature.
    """
    o = origin or origin_of(geoms)
    arr = np.asarray(geoms.values, dtype=object)
    arr = np.where(pd.isna(arr), shapely.Polygon(), arr)
    parts, feat_idx = shapely.get_parts(arr, return_index=True)
    nonempty = ~shapely.is_empty(parts)
    parts, feat_idx = parts[nonempty], feat_idx[nonempty]
    f = np.bincount(feat_idx, minlength=len(arr)) if len(arr) else np.zeros(0, int)
    if len(parts) == 0:
        return {"o": list(o), "s": SCALE, "c": [], "r": [], "p": [], "f": f.tolist()}
    n_int = shapely.get_num_interior_rings(parts)
    rings = shapely.get_rings(parts)
    p = n_int + 1
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    counts = np.bincount(ring_idx, minlength=len(rings))
    keep = np.ones(len(coords), dtype=bool)
    ends = np.cumsum(counts) - 1
    keep[ends[counts > 0]] = False
    ints = np.rint(coords[keep] * SCALE).astype(np.int64) - np.array(o, dtype=np.int64)
    r = np.maximum(counts - 1, 0)
    d = np.diff(ints, axis=0, prepend=np.zeros((1, 2), dtype=np.int64))
    starts = np.concatenate([[0], np.cumsum(r)[:-1]])[r > 0]
    d[starts] = ints[starts]
    return {"o": list(o), "s": SCALE, "c": d.ravel().tolist(), "r": r.tolist(), "p": p.tolist(), "f": f.tolist()}


def encode_points(geoms: gpd.GeoSeries, origin: tuple[int, int] | None = None) -> dict[str, Any]:
    """Encode Points as integer offsets from an origin (``o``, ``s``, ``x``, ``y``)."""
    o = origin or origin_of(geoms)
    if len(geoms) == 0:
        return {"o": list(o), "s": SCALE, "x": [], "y": []}
    x = np.rint(shapely.get_x(geoms.values) * SCALE).astype(np.int64) - o[0]
    y = np.rint(shapely.get_y(geoms.values) * SCALE).astype(np.int64) - o[1]
    return {"o": list(o), "s": SCALE, "x": x.tolist(), "y": y.tolist()}
