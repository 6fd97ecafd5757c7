"""Compiled inner loops (numba) for the joins' hot paths.

Kept tiny and free of geometry objects: flat coordinate arrays in, numbers
out. Each kernel releases the GIL so the joins can run chunks on threads.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit


@njit(nogil=True, cache=True)
def nearest_of_candidates(  # noqa: PLR0913 - a numba kernel takes its arrays one by one
    pa: np.ndarray,
    tb: np.ndarray,
    px: np.ndarray,
    py: np.ndarray,
    rank: np.ndarray,
    start: np.ndarray,
    count: np.ndarray,
    areal: np.ndarray,
    x1: np.ndarray,
    y1: np.ndarray,
    x2: np.ndarray,
    y2: np.ndarray,
    max_distance: float,
    out_idx: np.ndarray,
    out_dist: np.ndarray,
) -> None:
    """The nearest target of each point among its candidate pairs.

    For candidate pairs ``(pa[k], tb[k])`` sorted by ``pa``, keep per point
    the nearest target within ``max_distance`` (distances equal to the
    millimetre tie; ties go to the smaller ``rank``).

    Distances are from the point to the target's outline segments; a point
    inside an areal target (odd crossing count) is at distance 0.
    ``out_idx`` / ``out_dist`` are written only where a target is found.
    """
    n = pa.size
    k = 0
    while k < n:
        p = pa[k]
        qx = px[p]
        qy = py[p]
        best_d = math.inf
        best_q = np.int64(0)
        best_t = -1
        best_r = 0
        while k < n and pa[k] == p:
            t = tb[k]
            s = start[t]
            d2min = math.inf
            crossings = 0
            for j in range(s, s + count[t]):
                ax = x1[j]
                ay = y1[j]
                dx = x2[j] - ax
                dy = y2[j] - ay
                len2 = dx * dx + dy * dy
                u = 0.0
                if len2 > 0.0:
                    u = ((qx - ax) * dx + (qy - ay) * dy) / len2
                    if u < 0.0:
                        u = 0.0
                    elif u > 1.0:
                        u = 1.0
                ex = qx - ax - u * dx
                ey = qy - ay - u * dy
                d2 = ex * ex + ey * ey
                if d2 < d2min:
                    d2min = d2
                if (ay > qy) != (y2[j] > qy) and qx < ax + (qy - ay) * dx / dy:
                    crossings += 1
            d = math.sqrt(d2min)
            if areal[t] and crossings % 2 == 1:
                d = 0.0
            # distances equal to the millimetre are a tie, broken by rank
            q = np.int64(round(d * 1000.0))
            if d <= max_distance and (best_t < 0 or q < best_q or (q == best_q and rank[t] < best_r)):
                best_d = d
                best_q = q
                best_t = t
                best_r = rank[t]
            k += 1
        if best_t >= 0:
            out_idx[p] = best_t
            out_dist[p] = best_d
