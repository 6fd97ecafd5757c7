"""Likely duplicates: an open case of the same type near a new report, reported around the same time.

A second call about the same flooded underpass should not become a second
case. :func:`find_duplicates` lists the open cases of the same type within
:attr:`geo.settings.Settings.duplicate_radius_m` metres (default 50) whose
report is within :attr:`geo.settings.Settings.duplicate_hours` hours
(default 6) of the new one; the app offers them before a report is sent,
the command line warns, and :func:`geo.cases.actions.merge` merges.
Reads only the points around the report (the store's spatial index).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from .. import schema, settings
from ..storage import Store, Transaction
from . import workflow

__all__ = ["find_duplicates"]

_EARTH_M = 6_371_008.8


def find_duplicates(  # noqa: PLR0913 - the report's fields, keyword-only
    store: Store | Transaction,
    *,
    type: str,
    lon: float,
    lat: float,
    at: str | datetime,
    radius_m: float | None = None,
    hours: float | None = None,
    exclude: str | None = None,
) -> list[dict[str, Any]]:
    """Open cases that a new report of ``type`` at ``lon, lat`` and time ``at`` likely repeats.

    Parameters
    ----------
    store
        The store, or a transaction (the report's own).
    type
        The new report's incident type.
    lon, lat
        Its position (WGS-84).
    at
        Its time (ISO 8601 text or an aware datetime).
    radius_m, hours
        The distance and the time window (the settings when not given; 0 turns the check off).
    exclude
        A case id to leave out (the new report itself).

    Returns
    -------
    list of dict
        ``incident_id``, ``status``, ``reported_at``, ``description``,
        ``distance_m`` (rounded to 0.1 m) and ``row_version`` of each, nearest first.
    """
    conf = settings.current()
    radius = conf.duplicate_radius_m if radius_m is None else float(radius_m)
    window = conf.duplicate_hours if hours is None else float(hours)
    if radius <= 0 or window <= 0:
        return []
    pad_lat = radius / 111_000 * 1.2
    pad_lon = pad_lat / max(math.cos(math.radians(lat)), 0.01)
    box = (lon - pad_lon, lat - pad_lat, lon + pad_lon, lat + pad_lat)
    if isinstance(store, Transaction):
        near = store.read_bbox(schema.INCIDENTS, box)
    else:
        with store.transaction("find duplicates") as tx:
            near = tx.read_bbox(schema.INCIDENTS, box)
    if near.empty:
        return []
    status = near["status"].map(lambda s: schema.LEGACY_STAGES.get(s, s))
    near = near[(near["type"] == type) & status.isin(list(workflow.OPEN))
                & (near["incident_id"].astype(str) != str(exclude or ""))]
    if near.empty:
        return []
    when = pd.Timestamp(at if isinstance(at, datetime) else datetime.fromisoformat(str(at)))
    reported = pd.to_datetime(near["reported_at"], errors="coerce", utc=True, format="ISO8601")
    close_in_time = (reported - when.tz_convert("UTC")).abs() <= pd.Timedelta(hours=window)
    x, y = near.geometry.x.to_numpy(), near.geometry.y.to_numpy()
    metres = _haversine(lon, lat, x, y)
    keep = close_in_time.to_numpy() & (metres <= radius)
    hits = near[keep].assign(distance_m=np.round(metres[keep], 1)).sort_values("distance_m", kind="stable")
    cols = ["incident_id", "status", "reported_at", "description", "distance_m", "row_version"]
    return [{c: (None if pd.isna(v) else v) if not isinstance(v, str) else v for c, v in row.items()}
            for row in hits[cols].to_dict("records")]


def _haversine(lon: float, lat: float, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat), np.radians(ys)
    dphi, dlmb = p2 - p1, np.radians(xs) - math.radians(lon)
    h = np.sin(dphi / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * _EARTH_M * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
