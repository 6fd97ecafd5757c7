"""Private helpers shared by the rain-emergency modules (flood, risk, checklist).

Picking incidents by type, projecting layers to one local metric CRS, and
the people of a document masked for its reader (the rule is :mod:`geo.privacy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj

from .. import privacy, schema
from ..access import User
from ..crs import local_metric_crs

GRATE: Final = "drain_grate"
FLOODING: Final = "flooding"
WIRE: Final = "flying_wire"
#: Grate statuses that mean trouble.
BAD_GRATE: Final = ("blocked", "damaged", "missing")
#: Event stages at which the case has ended (closed, cancelled, merged; legacy statuses are read as their stage).
CLOSED_EVENT: Final = tuple(sorted(schema.ENDED_STAGES))


#: How open each level of :func:`geo.privacy.sees` is.
_OPEN: Final = {"none": 0, "scoped": 1, "all": 2}


def recipient(by: User, role: str, grids: Mapping[str, str], chosen: list[str] | None = None) -> User:
    """The reader of a copy made by ``by`` for a ``role`` (``--for``): never more open than ``by``.

    Parameters
    ----------
    by
        Who makes the copy (the local operator may make any).
    role
        The recipient's role (:data:`geo.access.ROLES`).
    grids
        Every grid id of the store to its community.
    chosen
        The grids the copy covers (None: all): a grid worker's or staff member's copy shows their people.

    Raises
    ------
    OptionError
        An unknown role.
    AccessError
        A copy more open than what ``by`` sees.
    """
    from ..access import ROLES, AccessError
    from ..errors import OptionError

    if role not in ROLES:
        raise OptionError.of("privacy.unknown_role", role=role, roles=", ".join(ROLES))
    covered = frozenset(str(g) for g in (chosen if chosen else grids))
    mine = access_scope(by, grids)
    if mine is not None:
        covered &= mine
    if role == "grid_worker" or (role == "staff" and (chosen or mine is not None)):
        scope = covered  # their people: the grids covered (and seen in full by the maker)
    else:
        scope = frozenset()  # a viewer's or a party's copy; staff of everything (for a maker who sees all)
    out = User(name="", role=role, display_name="、".join(sorted(scope)) or "—", grids=scope)
    if _OPEN[privacy.sees(out)] > _OPEN[privacy.sees(by)]:
        raise AccessError.of("privacy.too_open", user=by.name, role=by.role, wanted=role)
    return out


def access_scope(user: User, grids: Mapping[str, str]) -> frozenset[str] | None:
    """The grid ids whose people ``user`` sees in full (None: all; empty: none)."""
    level = privacy.sees(user)
    if level == "all":
        return None
    return frozenset(g for g, c in grids.items() if privacy.visibility(user, g, c or None).names)


def masked_layers(layers: Mapping[str, gpd.GeoDataFrame], user: User) -> dict[str, gpd.GeoDataFrame]:
    """``layers`` with the grid workers and building heads ``user`` may not see masked (:mod:`geo.privacy`)."""
    out = dict(layers)
    grids = layers.get(schema.GRIDS)
    if grids is None or privacy.sees(user) == "all":
        return out
    out[schema.GRIDS] = privacy.mask_people(grids, schema.GRIDS, user)
    if schema.BUILDINGS in layers:
        out[schema.BUILDINGS] = privacy.mask_people(layers[schema.BUILDINGS], schema.BUILDINGS, user,
                                                    communities=communities_of(grids))
    return out


def masked_register(register: pd.DataFrame | None, buildings: gpd.GeoDataFrame, grids: gpd.GeoDataFrame,
                    user: User) -> pd.DataFrame | None:
    """The register of vulnerable residents with the names ``user`` may not see masked (by each building's grid)."""
    if register is None or register.empty or privacy.sees(user) == "all":
        return register
    grid_of: dict[str, str] = {}
    if "grid_id" in buildings.columns:
        grid_of = dict(zip(buildings["building_id"].astype(str), buildings["grid_id"].map(_text), strict=True))
    ids = register["building_id"].map(_text) if "building_id" in register.columns else pd.Series("", index=register.index)
    placed = register.assign(_grid=ids.map(lambda b: grid_of.get(b, "")))
    masked = privacy.mask_people(placed, schema.REGISTER, user, communities=communities_of(grids), grid_column="_grid")
    return masked.drop(columns="_grid")


def communities_of(grids: gpd.GeoDataFrame) -> dict[str, str]:
    """Grid id to its community (empty when the layer names none)."""
    if grids.empty or "community" not in grids.columns:
        return {}
    return dict(zip(grids["grid_id"].map(_text), grids["community"].map(_text), strict=True))


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
