"""Per-grid figures: what a grid holds and what happens in it.

One row per grid, then one row for incidents outside every grid (its
``grid_id`` is empty). Every incident is counted exactly once: the grid
rows and the outside row add up to the layer.
"""

from __future__ import annotations

from collections.abc import Iterable

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
    type_list = list(dict.fromkeys([*(types or schema.BUILTIN_TYPES), *incidents.get("type", pd.Series(dtype=object)).dropna().unique()]))
    status_list = list(dict.fromkeys([*schema.ASSET_STATUSES, *schema.EVENT_STATUSES,
                                      *incidents.get("status", pd.Series(dtype=object)).dropna().unique()]))
    g = pd.DataFrame({c: grids[c] if c in grids.columns else None for c in ("grid_id", "name", "community", "worker", "phone")})
    g["grid_id"] = g["grid_id"].astype(str)
    g["area_km2"] = (grids.to_crs(local_metric_crs(grids)).area / 1e6).round(4).to_numpy() if len(grids) else []
    g = g.set_index("grid_id").sort_index()
    b = pd.DataFrame(buildings.drop(columns=buildings.geometry.name))
    bg = b.groupby(b["grid_id"].astype(object), dropna=True)
    g["buildings"] = bg.size().reindex(g.index).fillna(0).astype(int)
    g["basements"] = bg["basement"].apply(lambda s: int(s.fillna(False).astype(bool).sum())).reindex(g.index).fillna(0).astype(int) if len(b) else 0
    for col in _SUMS:
        vals = pd.to_numeric(b[col], errors="coerce").fillna(0) if col in b.columns else pd.Series(0, index=b.index)
        g[col] = vals.groupby(b["grid_id"].astype(object)).sum().reindex(g.index).fillna(0).astype(int) if len(b) else 0
    inc = pd.DataFrame(incidents.drop(columns=incidents.geometry.name))
    key = inc["grid_id"].astype(object).where(inc["grid_id"].notna(), "") if len(inc) else pd.Series(dtype=object)
    rows = list(g.index) + [""]
    out = g.reindex(rows)
    out.loc["", ["name"]] = "(outside all grids)"
    for col in ("buildings", "basements", *_SUMS):
        out[col] = out[col].fillna(0).astype(int)
    out["incidents"] = key.value_counts().reindex(rows).fillna(0).astype(int) if len(inc) else 0
    open_mask = inc["status"].isin(schema.OPEN_STATUSES) if len(inc) else pd.Series(dtype=bool)
    out["open_incidents"] = key[open_mask].value_counts().reindex(rows).fillna(0).astype(int) if len(inc) else 0
    for t in type_list:
        out[f"n_{t}"] = key[inc["type"] == t].value_counts().reindex(rows).fillna(0).astype(int) if len(inc) else 0
    for s in status_list:
        out[f"n_status_{s}"] = key[inc["status"] == s].value_counts().reindex(rows).fillna(0).astype(int) if len(inc) else 0
    area = out["area_km2"].astype(float)
    hh = out["households"].astype(float)
    out["incidents_per_km2"] = (out["incidents"] / area.where(area > 0)).round(2)
    out["incidents_per_100_households"] = (100 * out["incidents"] / hh.where(hh > 0)).round(2)
    out = out.reset_index().rename(columns={"index": "grid_id"})
    out.loc[out["grid_id"] == "", ["area_km2", "incidents_per_km2", "incidents_per_100_households"]] = np.nan
    return out[summary_columns(type_list, status_list)]
