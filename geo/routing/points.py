"""Choosing what a patrol visits: the incidents of some grids, types and statuses, and where it starts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import geopandas as gpd
import pandas as pd

from .. import schema
from ..crs import parse_lonlat
from ..errors import CRSError, OptionError, SchemaError, UnknownIdError
from ..safe import printable

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["SELECT_ERRORS", "START_ERRORS", "resolve_start", "select_points"]

#: Keys of the errors of :func:`select_points` (no such grid or type, nothing to visit).
SELECT_ERRORS: Final = frozenset({"route.no_column", "route.unknown_grid", "route.unknown_type", "route.nothing_to_visit"})
#: Keys of the errors of :func:`resolve_start` (no such place).
START_ERRORS: Final = frozenset({"route.unknown_start", "crs.lonlat_range"})


def select_points(
    incidents: gpd.GeoDataFrame,
    *,
    grids: Sequence[str],
    types: Sequence[str],
    statuses: Sequence[str] | None = None,
    grid_ids: Sequence[str] | None = None,
    type_codes: Sequence[str] | None = None,
) -> gpd.GeoDataFrame:
    """The incidents to visit: those of the given grids, types and statuses.

    A chosen grid that has no point of the chosen types and statuses is
    not an error: the others are planned, and the grids with nothing to
    visit are listed in ``attrs["empty_grids"]`` of the result (which
    :func:`plan_routes` turns into a warning of the plan). Only ids that
    are not grids are refused, with the closest real ids.

    Parameters
    ----------
    incidents
        The incidents layer.
    grids
        Grid ids; empty for every grid (and points outside all grids).
    types
        Incident type codes; empty for every type.
    statuses
        Statuses to keep; None or empty for all.
    grid_ids
        Every grid id of the store (its grids layer); default: the grids
        the incidents lie in.
    type_codes
        Every incident type the store knows; default: the types of the incidents.

    Returns
    -------
    GeoDataFrame
        The matching rows (index kept), ordered by ``incident_id``;
        ``attrs["empty_grids"]``: chosen grids without any matching point.
    """
    for column in ("incident_id", "type", "grid_id", "status"):
        if column not in incidents.columns:
            raise SchemaError.of("route.no_column", column=column)
    in_data = incidents["grid_id"].dropna().astype(str).unique().tolist()
    known_grids = sorted({*map(str, grid_ids), *in_data} if grid_ids is not None and len(grid_ids) else in_data)
    _check_known("grid", grids, known_grids)
    present_types = incidents["type"].dropna().astype(str).unique().tolist()
    _check_known("type", types, sorted({*present_types, *map(str, type_codes or [])}))
    keep = pd.Series(True, index=incidents.index)
    if types:
        keep &= incidents["type"].astype(str).isin(list(types))
    if statuses:
        keep &= incidents["status"].astype(str).isin(list(statuses))
    keep &= incidents.geometry.notna() & ~incidents.geometry.is_empty
    wanted = list(dict.fromkeys(map(str, grids)))
    if wanted:
        keep &= incidents["grid_id"].astype(str).isin(wanted)
    chosen = incidents[keep]
    if chosen.empty:
        raise OptionError.of(
            "route.nothing_to_visit",
            grids=", ".join(wanted) or "*",
            types=", ".join(types) or "*",
            statuses=", ".join(statuses or []) or "*",
        )
    have = set(chosen["grid_id"].dropna().astype(str))
    chosen = chosen.sort_values("incident_id", kind="stable")
    chosen.attrs["empty_grids"] = [g for g in wanted if g not in have]
    return chosen


#: Most ids listed in an "unknown id" message.
MAX_LISTED: Final = 20


def _check_known(what: str, given: Sequence[str], known: Sequence[str]) -> None:
    import difflib

    unknown = sorted(set(map(str, given)) - set(known))
    if not unknown:
        return
    close = sorted({m for u in unknown for m in difflib.get_close_matches(u, list(known), n=3, cutoff=0.5)})
    listed = ", ".join(list(known)[:MAX_LISTED]) + (f" … (+{len(known) - MAX_LISTED})" if len(known) > MAX_LISTED else "")
    raise UnknownIdError.of(
        f"route.unknown_{what}",
        ids=", ".join(map(repr, unknown)),
        close=", ".join(close) or "—",
        known=listed or "—",
    )


def resolve_start(store: Store, text: str) -> tuple[float, float]:
    """The start point a user names: ``lon,lat`` or a building, incident or grid id.

    A grid stands for its office, placed at a point inside the grid
    (its representative point).

    Parameters
    ----------
    store
        The store (:class:`geo.store.Store`).
    text
        What the user wrote.

    Returns
    -------
    (lon, lat) in WGS-84.

    Raises
    ------
    CRSError
        Two numbers that are not a longitude and a latitude
        (:func:`geo.crs.parse_lonlat`).
    UnknownIdError
        Neither ``lon,lat`` nor an id of the store.
    """
    try:
        return parse_lonlat(text)
    except CRSError as exc:
        if exc.key == "crs.lonlat_range":  # two numbers, but not a place on the globe
            raise
    for layer in (schema.BUILDINGS, schema.INCIDENTS, schema.GRIDS):
        gdf = store.read(layer)
        hit = gdf[gdf[schema.ID_COLUMN[layer]].astype(str) == text] if len(gdf) else gdf
        if len(hit):
            point = hit.geometry.iloc[0].representative_point()
            return float(point.x), float(point.y)
    raise UnknownIdError.of("route.unknown_start", start=printable(text))
