"""Incidents one at a time: report one, change one, list them.

What grid workers and the duty officer do many times a night, each in one
short store transaction that reads only what is near the point (the cost
does not grow with the store) and that refuses an edit based on a version
someone else has changed since (:class:`geo.errors.ConflictError`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from . import schema
from .access import User, grid_scope, require
from .errors import SchemaError, StoreError, UnknownIdError
from .linking import link_distance_of
from .storage import CST as _CST
from .storage import INCIDENT_TYPES, Store, Transaction, types_of

__all__ = ["LIST_COLUMNS", "list_incidents", "report_incident", "update_incident"]

#: Columns of :func:`list_incidents`, in order.
LIST_COLUMNS = ("incident_id", "type", "status", "severity", "reported_at", "grid_id", "building_id",
                "building_dist_m", "description", "lon", "lat", "row_version", "updated_by", "updated_at")


def report_incident(  # noqa: PLR0913, PLR0912, C901 - the incident's fields, keyword-only, as the form and the CLI give them
    store: Store,
    *,
    type: str,
    lon: float | None = None,
    lat: float | None = None,
    severity: str = "medium",
    description: str = "",
    status: str | None = None,
    depth_cm: float | None = None,
    reported_at: str | None = None,
    incident_id: str | None = None,
    by: User | str = "",
    urgency: str | None = None,
    asset_id: str | None = None,
    on_spot: bool = False,
    photos: Sequence[tuple[str, bytes]] = (),
    duplicate_of: str | None = None,
    now: Callable[[], datetime] = lambda: datetime.now(_CST),
) -> dict[str, Any]:
    """Add one incident at a point, joined to its grid and building, in one transaction.

    An incident of an event type opens a case (:mod:`geo.cases`): stage
    ``reported``, its urgency, its clock started at ``reported_at``, and
    the first entry of its history. Only the grids and buildings around the
    point are read (through the store's spatial index), so a report costs
    the same on a city as on one community.

    Parameters
    ----------
    store
        Where to write.
    type
        Incident type code (built-in or added to the store).
    lon, lat
        WGS-84 position (the asset's when ``asset_id`` is given and they are not).
    severity, description, status, depth_cm
        The incident's attributes (status defaults by type; an event's is
        its stage and starts at ``reported``).
    reported_at
        ISO 8601 time; now (China Standard Time) when not given.
    incident_id
        Stable id; minted by the store (``R20261203-0001``) when not given.
    by
        Who reports: a :class:`geo.access.User` (refused with
        :class:`geo.access.AccessError` unless they may ``report``, or
        ``on_spot``, in the grid the point falls in), or a name of the
        local operator (the operating-system user when empty).
    urgency
        ``normal`` or ``urgent`` (the type's default from the time limits when not given).
    asset_id
        The standing asset (a rain grate) the problem was found at.
    on_spot
        Fixed on the spot by the reporter (自行处置): reported and closed in
        one step; needs a photo.
    photos
        ``(name, bytes)`` of photos attached to the report.
    duplicate_of
        An open case this report repeats: the report is kept and merged into it.

    Returns
    -------
    dict: the stored row (with ``grid_id``, ``building_id``,
    ``building_dist_m``, linked within the store's
    :func:`link_distance_of`, and ``row_version``), and ``duplicates``:
    the open cases it likely repeats (:func:`geo.cases.duplicates.find_duplicates`).
    """
    from .cases import actions, duplicates, timing

    if severity not in schema.SEVERITIES:
        raise SchemaError.of("incident.severity", severity=severity, allowed=", ".join(schema.SEVERITIES))
    stamp = now()
    at = stamp.astimezone(_CST).isoformat(timespec="seconds")
    with store.transaction("report incident", by=by) as tx:
        types = types_of(tx.read_table(INCIDENT_TYPES))
        if type not in types:
            raise SchemaError.of("incident.type", type=type, allowed=", ".join(types))
        if asset_id is not None:
            lon, lat = _asset_position(tx, asset_id, types, lon, lat)
        if lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90) \
                or not (math.isfinite(lon) and math.isfinite(lat)):
            raise SchemaError.of("incident.position", lon=lon, lat=lat)
        kind = types[type]
        status = status or kind.default_status
        if status not in kind.statuses or (not kind.asset and status != "reported"):
            allowed = kind.statuses if kind.asset else ("reported",)
            raise SchemaError.of("incident.status", status=status, type=type, allowed=", ".join(allowed))
        if (on_spot or urgency or duplicate_of) and kind.asset:
            raise SchemaError.of("incident.asset_case", type=type)
        if incident_id is not None and tx.get(schema.INCIDENTS, incident_id) is not None:
            raise UnknownIdError.of("incident.id_taken", incident_id=incident_id)
        row: dict[str, Any] = {
            "incident_id": incident_id, "type": type, "status": status, "severity": severity,
            "reported_at": reported_at or at,
            "depth_cm": depth_cm, "description": description.strip()[:2000], "asset_id": asset_id,
        }
        new = gpd.GeoDataFrame([row], geometry=[shapely.Point(lon, lat)], crs=schema.STORAGE_CRS)
        new = _joined_near(tx, new, lon, lat, link_distance_of(tx))
        grid, community = grid_scope(tx, new["grid_id"].iloc[0] if "grid_id" in new else None)
        require(tx.user, "on_spot" if on_spot else "report", grid=grid, community=community,
                what=incident_id or f"{type} ({lon:.5f}, {lat:.5f})")  # before anything is written
        events: list[dict[str, Any]] = []
        found: list[dict[str, Any]] = []
        limits = None
        if not kind.asset:
            files = actions.store_photos(tx, photos)
            limits = timing.load_limits()
            case, events = actions.new_case(tx, row, by=tx.by, at=at, urgency=urgency, on_spot=on_spot,
                                            files=files, limits=limits)
            row.update(case)
            for column, value in case.items():
                new[column] = [value]
            found = duplicates.find_duplicates(tx, type=type, lon=lon, lat=lat, at=row["reported_at"])
        (new_id,) = tx.add(schema.INCIDENTS, new)
        tx.note = f"report incident {new_id}"
        if events:
            actions.write_events(tx, {**row, "incident_id": new_id}, events)
        if duplicate_of is not None:
            actions.step(tx, new_id, "merged", by=tx.by, at=at, into=duplicate_of, limits=limits,
                         check=False)  # a duplicate's merge is part of its report
            found = [d for d in found if str(d["incident_id"]) != str(duplicate_of)]
        stored = tx.get(schema.INCIDENTS, new_id) or {}
    out = {k: v for k, v in stored.items() if k != "geometry"}
    out.update(lon=lon, lat=lat, duplicates=found)
    return out


def _asset_position(tx: Transaction, asset_id: str, types: dict[str, schema.IncidentType],
                    lon: float | None, lat: float | None) -> tuple[float | None, float | None]:
    """The position of the asset a problem was found at (refused when it is not a standing asset)."""
    asset = tx.get(schema.INCIDENTS, str(asset_id))
    if asset is None:
        raise StoreError.of("store.unknown_id", layer=schema.INCIDENTS, row_id=asset_id)
    kind = types.get(str(asset.get("type")))
    if kind is None or not kind.asset:
        raise SchemaError.of("incident.not_asset", asset_id=asset_id, type=asset.get("type"))
    if lon is None or lat is None:
        point = asset.get("geometry")
        lon, lat = (float(point.x), float(point.y)) if point is not None and not point.is_empty else (lon, lat)
    return lon, lat


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
    by: User | str = "",
) -> dict[str, Any]:
    """Change an incident's status, severity or description.

    Parameters
    ----------
    store
        Where it is stored.
    incident_id
        The incident.
    status, severity, description
        New values (None keeps the stored one). An event's status is the
        stage of its case: a new one is a step of the workflow
        (:func:`geo.cases.actions.step`, refused when not allowed).
    base_version
        The ``row_version`` the change was based on (what the user saw);
        when someone changed the incident since,
        :class:`geo.errors.ConflictError` says who, when and what it is now,
        and nothing is written. None applies the change to what is stored.
    by
        Who changes it: a :class:`geo.access.User` (refused with
        :class:`geo.access.AccessError` unless they may ``edit_incident``
        in its grid, and take the workflow step a new stage is), or a name
        of the local operator.

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
        types = types_of(tx.read_table(INCIDENT_TYPES))
        kind = types.get(str(current["type"]))
        stage_step = status is not None and kind is not None and not kind.asset
        if values or not stage_step:  # a stage alone is checked as its workflow step
            grid, community = grid_scope(tx, current.get("grid_id"))
            require(tx.user, "edit_incident", grid=grid, community=community, what=str(incident_id))
        if status is not None and (kind is None or kind.asset):
            allowed = kind.statuses if kind is not None else schema.ASSET_STATUSES
            if status not in allowed:
                raise SchemaError.of("incident.status", status=status, type=current["type"], allowed=", ".join(allowed))
            values["status"] = status
        if stage_step and status is not None:  # an event's status is its case's stage
            from .cases import actions

            out = actions.step(tx, incident_id, status, by=tx.by, at=tx.at, base_version=base_version)
            if values:
                out = tx.update(schema.INCIDENTS, incident_id, values)
        else:
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
