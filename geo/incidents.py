"""Incidents one at a time: report one, change one, list them.

What grid workers and the duty officer do many times a night, each in one
short store transaction that reads only what is near the point (the cost
does not grow with the store) and that refuses an edit based on a version
someone else has changed since (:class:`geo.errors.ConflictError`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from . import schema
from .errors import SchemaError, StoreError, UnknownIdError
from .pipeline import _CST, link_distance_of
from .storage import INCIDENT_TYPES, Store, Transaction, types_of

__all__ = ["LIST_COLUMNS", "list_incidents", "report_incident", "update_incident"]

#: Columns of :func:`list_incidents`, in order.
LIST_COLUMNS = ("incident_id", "type", "status", "severity", "reported_at", "grid_id", "building_id",
                "building_dist_m", "description", "lon", "lat", "row_version", "updated_by", "updated_at")


def report_incident(  # noqa: PLR0913 - the incident's fields, keyword-only, as the form and the CLI give them
    store: Store,
    *,
    type: str,
    lon: float,
    lat: float,
    severity: str = "medium",
    description: str = "",
    status: str | None = None,
    depth_cm: float | None = None,
    reported_at: str | None = None,
    incident_id: str | None = None,
    by: str = "",
    now: Callable[[], datetime] = lambda: datetime.now(_CST),
) -> dict[str, Any]:
    """Add one incident at a point, joined to its grid and building, in one transaction.

    Only the grids and buildings around the point are read (through the
    store's spatial index), so a report costs the same on a city as on
    one community.

    Parameters
    ----------
    store
        Where to write.
    type
        Incident type code (built-in or added to the store).
    lon, lat
        WGS-84 position.
    severity, description, status, depth_cm
        The incident's attributes (status defaults by type).
    reported_at
        ISO 8601 time; now (China Standard Time) when not given.
    incident_id
        Stable id; minted by the store (``R20261203-0001``) when not given.
    by
        Who reports (the operating-system user when empty).

    Returns
    -------
    dict: the stored row (with ``grid_id``, ``building_id``,
    ``building_dist_m``, linked within the store's
    :func:`link_distance_of`, and ``row_version`` 1).
    """
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or not (math.isfinite(lon) and math.isfinite(lat)):
        raise SchemaError.of("incident.position", lon=lon, lat=lat)
    if severity not in schema.SEVERITIES:
        raise SchemaError.of("incident.severity", severity=severity, allowed=", ".join(schema.SEVERITIES))
    stamp = now()
    with store.transaction("report incident", by=by) as tx:
        types = types_of(tx.read_table(INCIDENT_TYPES))
        if type not in types:
            raise SchemaError.of("incident.type", type=type, allowed=", ".join(types))
        status = status or types[type].default_status
        if status not in types[type].statuses:
            raise SchemaError.of("incident.status", status=status, type=type,
                                 allowed=", ".join(types[type].statuses))
        if incident_id is not None and tx.get(schema.INCIDENTS, incident_id) is not None:
            raise UnknownIdError.of("incident.id_taken", incident_id=incident_id)
        row = {
            "incident_id": incident_id, "type": type, "status": status, "severity": severity,
            "reported_at": reported_at or stamp.isoformat(timespec="seconds"),
            "depth_cm": depth_cm, "description": description.strip()[:2000],
        }
        new = gpd.GeoDataFrame([row], geometry=[shapely.Point(lon, lat)], crs=schema.STORAGE_CRS)
        new = _joined_near(tx, new, lon, lat, link_distance_of(tx))
        (new_id,) = tx.add(schema.INCIDENTS, new)
        tx.note = f"report incident {new_id}"
    out = new.iloc[0].to_dict()
    out.update(incident_id=new_id, lon=lon, lat=lat, row_version=1, updated_by=tx.by, updated_at=tx.at)
    out.pop("geometry", None)
    return out


def _joined_near(tx: Transaction, new: gpd.GeoDataFrame, lon: float, lat: float, radius: float) -> gpd.GeoDataFrame:
    """``new`` (points near lon, lat) joined to the grids and buildings around them, as a full join would."""
    from .crs import local_metric_crs
    from .join import assign_incidents

    pad_lat = radius / 111_000 * 1.5
    pad_lon = pad_lat / max(math.cos(math.radians(lat)), 0.01)
    grids = tx.read_bbox(schema.GRIDS, (lon, lat, lon, lat))
    buildings = tx.read_bbox(schema.BUILDINGS, (lon - pad_lon, lat - pad_lat, lon + pad_lon, lat + pad_lat))
    extent = tx.extent(schema.GRIDS) or tx.extent(schema.BUILDINGS)
    crs = None
    if extent is not None:  # the metric CRS a full join of the store centres on its grids
        crs = local_metric_crs(gpd.GeoSeries([shapely.box(*extent)], crs=schema.STORAGE_CRS))
    return assign_incidents(new, grids, buildings, max_distance=radius, metric_crs=crs)


def update_incident(  # noqa: PLR0913 - the editable fields, keyword-only
    store: Store,
    incident_id: str,
    *,
    status: str | None = None,
    severity: str | None = None,
    description: str | None = None,
    base_version: int | None = None,
    by: str = "",
) -> dict[str, Any]:
    """Change an incident's status, severity or description.

    Parameters
    ----------
    store
        Where it is stored.
    incident_id
        The incident.
    status, severity, description
        New values (None keeps the stored one).
    base_version
        The ``row_version`` the change was based on (what the user saw);
        when someone changed the incident since,
        :class:`geo.errors.ConflictError` says who, when and what it is now,
        and nothing is written. None applies the change to what is stored.
    by
        Who changes it.

    Returns
    -------
    dict: the incident as now stored (``row_version`` one more).
    """
    values: dict[str, Any] = {}
    if severity is not None:
        if severity not in schema.SEVERITIES:
            raise SchemaError.of("incident.severity", severity=severity, allowed=", ".join(schema.SEVERITIES))
        values["severity"] = severity
    if description is not None:
        values["description"] = description.strip()[:2000]
    with store.transaction(f"update incident {incident_id}", by=by) as tx:
        current = tx.get(schema.INCIDENTS, incident_id)
        if current is None:
            raise StoreError.of("store.unknown_id", layer=schema.INCIDENTS, row_id=incident_id)
        if status is not None:
            types = types_of(tx.read_table(INCIDENT_TYPES))
            allowed = types[current["type"]].statuses if current["type"] in types else schema.EVENT_STATUSES
            if status not in allowed:
                raise SchemaError.of("incident.status", status=status, type=current["type"], allowed=", ".join(allowed))
            values["status"] = status
        out = tx.update(schema.INCIDENTS, incident_id, values, base_version=base_version)
    out.pop("geometry", None)
    return out


def list_incidents(store: Store, *, grids: list[str] | None = None, statuses: list[str] | None = None,
                   types: list[str] | None = None) -> pd.DataFrame:
    """The incidents (optionally of some grids, statuses or types) as a table with ``lon``/``lat``.

    Parameters
    ----------
    store
        The store.
    grids, statuses, types
        Keep only these (None: all).

    Returns
    -------
    DataFrame with :data:`LIST_COLUMNS` first (then any user columns), in stored order.
    """
    gdf = store.read(schema.INCIDENTS)
    for col, wanted in (("grid_id", grids), ("status", statuses), ("type", types)):
        if wanted:
            gdf = gdf[gdf[col].astype(str).isin([str(w) for w in wanted])]
    df = pd.DataFrame(gdf.drop(columns="geometry"))
    df["lon"] = gdf.geometry.x.round(7).to_numpy() if len(gdf) else pd.Series(dtype=float)
    df["lat"] = gdf.geometry.y.round(7).to_numpy() if len(gdf) else pd.Series(dtype=float)
    first = [c for c in LIST_COLUMNS if c in df.columns]
    return df[first + [c for c in df.columns if c not in first]].reset_index(drop=True)
