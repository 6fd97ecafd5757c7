"""Per-grid figures: what a grid holds and what happens in it.

One row per grid, then one row for incidents outside every grid (its
``grid_id`` is empty). Every incident is counted exactly once: the grid
rows and the outside row add up to the layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schema
from .crs import local_metric_crs

__all__ = ["grid_summary", "summary_columns"]

_SUMS = ("units", "households", "residents", "elderly_alone")


def summary_columns(types: Iterable[str], statuses: Iterable[str]) -> list[str]:
    """Columns of :func:`grid_summary`, in order."""
    return [
        "grid_id", "name", "community", "worker", "phone", "area_km2", "buildings", "basements",
        *_SUMS, "incidents", "open_incidents",
        *[f"n_{t}" for t in types], *[f"n_status_{s}" for s in statuses],
        "incidents_per_km2", "incidents_per_100_households",
    ]


def grid_summary(
    grids: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    types: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Per-grid figures, with a last row for incidents outside all grids.

    Parameters
    ----------
    grids
        Grid layer (EPSG:4326).
    buildings, incidents
        Joined layers (``grid_id`` set by :mod:`geo.join`).
    types
        Incident type codes to give a column each (always including the
        built-in ones and every type present).

    Returns
    -------
    DataFrame, one row per grid in ``grid_id`` order, then the outside row.
    Areas in km² (computed in the local metric CRS); densities per km² and
    per 100 households (NaN where the divisor is 0).
    """
    kinds = _count_by(incidents, "type")
    statuses = _count_by(incidents, "status")
    type_list = list(dict.fromkeys([*(types or schema.BUILTIN_TYPES), *kinds.values]))
    status_list = list(dict.fromkeys([*schema.ASSET_STATUSES, *schema.EVENT_STATUSES, *statuses.values]))
    g = pd.DataFrame({c: grids[c] if c in grids.columns else None for c in ("grid_id", "name", "community", "worker", "phone")})
    g["grid_id"] = g["grid_id"].astype(str)
    g["area_km2"] = (grids.to_crs(local_metric_crs(grids)).area / 1e6).round(4).to_numpy() if len(grids) else []
    g = g.set_index("grid_id").sort_index()
    rows = list(g.index) + [""]
    out = g.reindex(rows)
    out.loc["", ["name"]] = "(outside all grids)"
    n = len(rows)
    bslot = _slots(buildings, rows)
    out["buildings"] = np.bincount(bslot, minlength=n)
    basement = buildings["basement"].astype("boolean").fillna(False).to_numpy(dtype=bool) if len(buildings) else np.zeros(0, bool)
    out["basements"] = np.bincount(bslot, weights=basement, minlength=n).astype(int)
    for col in _SUMS:
        vals = pd.to_numeric(buildings[col], errors="coerce").fillna(0).to_numpy(dtype=float) if col in buildings.columns else np.zeros(len(buildings))
        out[col] = np.bincount(bslot, weights=vals, minlength=n).round().astype(int)
    slot = _slots(incidents, rows)
    out["incidents"] = np.bincount(slot, minlength=n)
    kind_n, status_n = kinds.counts(slot, n), statuses.counts(slot, n)
    none = np.zeros(n, dtype=int)
    out["open_incidents"] = sum((status_n.get(s, none) for s in schema.OPEN_STATUSES), none)
    for t in type_list:
        out[f"n_{t}"] = kind_n.get(t, none)
    for s in status_list:
        out[f"n_status_{s}"] = status_n.get(s, none)
    area = out["area_km2"].astype(float)
    hh = out["households"].astype(float)
    out["incidents_per_km2"] = (out["incidents"] / area.where(area > 0)).round(2)
    out["incidents_per_100_households"] = (100 * out["incidents"] / hh.where(hh > 0)).round(2)
    out = out.reset_index().rename(columns={"index": "grid_id"})
    out.loc[out["grid_id"] == "", ["area_km2", "incidents_per_km2", "incidents_per_100_households"]] = np.nan
    return out[summary_columns(type_list, status_list)]


@dataclass(frozen=True)
class _Codes:
    """The values of one column, factorized once: counted per summary row by one ``bincount``.

    ``values`` are those present, in the order they first appear; ``codes`` the position of
    each row's value in them (-1: missing).
    """

    codes: np.ndarray
    values: list[Any]

    def counts(self, slot: np.ndarray, n: int) -> dict[Any, np.ndarray]:
        """Per value, its count in each of the ``n`` rows (``slot``: each incident's row)."""
        k = len(self.values)
        if not k:
            return {}
        kept = self.codes >= 0  # a missing value counts in no column
        table = np.bincount(slot[kept] * k + self.codes[kept], minlength=n * k).reshape(n, k)
        return {v: table[:, i] for i, v in enumerate(self.values)}


def _count_by(incidents: pd.DataFrame, column: str) -> _Codes:
    if column not in incidents.columns or not len(incidents):
        return _Codes(np.zeros(len(incidents), dtype=np.int64), [])
    codes, uniques = pd.factorize(incidents[column].astype(object).to_numpy(), use_na_sentinel=True)
    return _Codes(codes.astype(np.int64), list(uniques))


def _slots(incidents: gpd.GeoDataFrame, rows: list[str]) -> np.ndarray:
    """Row of the summary each incident counts in (the last row: outside)."""
    if not len(incidents):
        return np.zeros(0, dtype=np.int64)
    gid = incidents["grid_id"].astype(object)
    codes, uniques = pd.factorize(gid, use_na_sentinel=True)
    where = {r: i for i, r in enumerate(rows)}
    outside = len(rows) - 1
    lookup = np.array([where.get(str(u), outside) for u in uniques] + [outside], dtype=np.int64)
    return lookup[np.where(codes < 0, len(uniques), codes)]
