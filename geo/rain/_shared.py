"""Private helpers shared by the rain-emergency modules (flood, risk, checklist).

Picking incidents by type, projecting layers to one local metric CRS, and
role-based visibility of people's names and phone numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from .. import schema
from ..crs import local_metric_crs
from ..errors import OptionError

GRATE: Final = "drain_grate"
FLOODING: Final = "flooding"
WIRE: Final = "flying_wire"
#: Grate statuses that mean trouble.
BAD_GRATE: Final = ("blocked", "damaged", "missing")
#: Event stages at which the case has ended (closed, cancelled, merged; legacy statuses are read as their stage).
CLOSED_EVENT: Final = tuple(sorted(schema.ENDED_STAGES))


@dataclass(frozen=True)
class Visibility:
    """What a role may see of people's contact details."""

    names: bool
    phones: bool


#: Roles and what they see. Grid workers and community staff call people;
#: volunteers see names to knock on the right door; the public sees neither.
ROLES: Final[dict[str, Visibility]] = {
    "worker": Visibility(names=True, phones=True),
    "staff": Visibility(names=True, phones=True),
    "volunteer": Visibility(names=True, phones=False),
    "public": Visibility(names=False, phones=False),
}


def visibility(role: str) -> Visibility:
    """What ``role`` may see; raises for an unknown role."""
    if role not in ROLES:
        msg = f"Unknown role {role!r}."
        raise OptionError(msg, f"Use one of {', '.join(ROLES)}.")
    return ROLES[role]


def mask_phone(phone: object) -> str:
    """``13812345678`` -> ``138****5678``; empty stays empty."""
    text = _text(phone)
    if not text:
        return ""
    if len(text) <= 4:
        return "*" * len(text)
    keep = 3 if len(text) >= 8 else 1
    return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]


def mask_name(name: object) -> str:
    """``张建国`` -> ``张**``; empty stays empty."""
    text = _text(name)
    return text[:1] + "*" * (len(text) - 1) if text else ""


def show_name(name: object, role: str) -> str:
    """A person's name as ``role`` may see it."""
    return _text(name) if visibility(role).names else mask_name(name)


def show_phone(phone: object, role: str) -> str:
    """A phone number as ``role`` may see it."""
    return _text(phone) if visibility(role).phones else mask_phone(phone)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def text(value: object) -> str:
    """A cell value as text; missing values as ``""``."""
    return _text(value)


def incidents_of(incidents: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Incidents of one type (index kept)."""
    if incidents.empty or "type" not in incidents.columns:
        return incidents.iloc[0:0]
    return incidents[incidents["type"].astype(str) == kind]


def open_events(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Events whose case has not ended (a case handled but not yet checked is still open)."""
    if events.empty:
        return events
    return events[~events["status"].astype(str).isin(CLOSED_EVENT)]


def metric_crs(*layers: gpd.GeoDataFrame) -> pyproj.CRS:
    """One local metric CRS for several layers (from the first non-empty)."""
    for layer in layers:
        if layer is not None and not layer.empty:
            return local_metric_crs(layer)
    return local_metric_crs(gpd.GeoSeries([], crs=schema.STORAGE_CRS))


def to_metric(gdf: gpd.GeoDataFrame, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """``gdf`` in ``crs`` (an empty frame keeps its columns)."""
    if gdf.crs is None:
        gdf = gdf.set_crs(schema.STORAGE_CRS)
    return gdf.to_crs(crs)


def count_within(targets: gpd.GeoSeries, points: gpd.GeoSeries, distance: float) -> np.ndarray:
    """How many ``points`` lie within ``distance`` metres of each target.

    Both in the same metric CRS. Returns one count per target, in order.
    """
    counts = np.zeros(len(targets), dtype=np.int64)
    if len(targets) == 0 or len(points) == 0:
        return counts
    target_idx, _ = points.sindex.query(targets.values, predicate="dwithin", distance=distance)
    np.add.at(counts, target_idx, 1)
    return counts


def grid_lookup(grids: gpd.GeoDataFrame) -> dict[str, dict[str, str]]:
    """Grid id to its name, community, worker and phone (as text)."""
    out: dict[str, dict[str, str]] = {}
    for _, row in grids.iterrows():
        out[_text(row["grid_id"])] = {k: _text(row.get(k)) for k in ("name", "community", "worker", "phone")}
    return out


def ensure_joined(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Layers with ``grid_id`` set on buildings and incidents.

    Stores written by the importer are joined already; layers whose
    ``grid_id`` column is absent or entirely empty are joined here.
    """
    def unjoined(name: str) -> bool:
        gdf = layers.get(name)
        if gdf is None or gdf.empty:
            return False
        return "grid_id" not in gdf.columns or gdf["grid_id"].map(_text).eq("").all()

    if unjoined(schema.BUILDINGS) or unjoined(schema.INCIDENTS):
        from ..join import join_layers

        return join_layers(dict(layers))
    return layers
