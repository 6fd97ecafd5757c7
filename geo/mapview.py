"""What a map view shows at its zoom, without every point: the spatial index of the live map.

A city (2,000 grids, 100,000 buildings, 1,000,000 incidents) cannot go to
the browser whole. :class:`MapIndex` holds, once per store version, what a
view needs to be answered fast: the bounding box of every community, grid
and building, the position of every incident, and which grid and community
each incident is in (from the stored join: no spatial work at query time).
A view is then answered by array arithmetic only:

- at city zoom (up to :data:`COMMUNITY_MAX_ZOOM`) the communities in view,
  with their counts;
- at middle zooms the grids in view, with theirs;
- close in (from :data:`POINT_MIN_ZOOM`) the single points in view, unless
  more than :data:`POINT_MAX` are (then the grids' counts again).

Counts are exact: every incident that passes the filters is counted once,
in its community or grid, or in an "outside" mark when it lies outside
every grid. Marks that would overlap on screen (closer than
:data:`MARK_PX` pixels at the zoom) are merged into one whose count is the
sum of theirs (:func:`declutter`). This module imports no Streamlit and no
folium: :mod:`layers.live` turns its answers into map layers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

__all__ = [
    "COMMUNITY_MAX_ZOOM",
    "MARK_PX",
    "POINT_MAX",
    "POINT_MIN_ZOOM",
    "POINT_SEND_MAX",
    "MapIndex",
    "Marks",
    "Units",
    "build_index",
    "declutter",
    "extent_of",
    "in_box",
    "level_of",
    "pixels",
    "unit_counts",
]

#: Up to this zoom a view shows communities (a city: about zoom 12).
COMMUNITY_MAX_ZOOM: Final = 13
#: From this zoom on a view shows single points (fewer than :data:`POINT_MAX` in view).
POINT_MIN_ZOOM: Final = 17
#: Most single points a view may hold to be shown as points; more: the grids' counts instead.
POINT_MAX: Final = 4000
#: Most single points one answer holds (the view's and those around it, for pans).
POINT_SEND_MAX: Final = 10_000
#: Marks closer than this many screen pixels are merged into one.
MARK_PX: Final = 46
#: Buildings are drawn from this zoom on (a building is a few pixels at 16).
BUILDING_MIN_ZOOM: Final = 16
#: Most buildings one answer holds (a view at zoom 16 holds a few hundred).
BUILDING_MAX: Final = 6000


def level_of(zoom: float) -> str:
    """``community``, ``grid`` or ``point``: what a view at ``zoom`` shows."""
    if zoom <= COMMUNITY_MAX_ZOOM:
        return "community"
    if zoom < POINT_MIN_ZOOM:
        return "grid"
    return "point"


def pixels(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates (as Leaflet's ``project``) at ``zoom``."""
    scale = 256.0 * 2.0 ** zoom
    x = (np.asarray(lon, dtype=float) + 180.0) / 360.0 * scale
    s = np.sin(np.radians(np.clip(np.asarray(lat, dtype=float), -85.05112878, 85.05112878)))
    y = (0.5 - np.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def extent_of(bbox: tuple[float, float, float, float], zoom: float, pad: float = 0.25) -> tuple[float, float, float, float]:
    """The box an answer covers: ``bbox`` (west, south, east, north) grown by ``pad`` of its size each way.

    Pans within it need no new answer (the browser keeps the last one).
    """
    w, s, e, n = bbox
    dx, dy = (e - w) * pad, (n - s) * pad
    return (max(-180.0, w - dx), max(-85.0, s - dy), min(180.0, e + dx), min(85.0, n + dy))


def in_box(boxes: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Positions of the ``boxes`` (rows of minx, miny, maxx, maxy) that meet ``box``."""
    if len(boxes) == 0:
        return np.zeros(0, dtype=np.int64)
    w, s, e, n = box
    hit = (boxes[:, 2] >= w) & (boxes[:, 0] <= e) & (boxes[:, 3] >= s) & (boxes[:, 1] <= n)
    return np.flatnonzero(hit)


@dataclass
class Units:
    """Places that count incidents at one level: communities or grids.

    Attributes
    ----------
    ids, names
        Identifier and name to show, per unit.
    boxes
        Bounding boxes (minx, miny, maxx, maxy), one row per unit.
    x, y
        Where a unit's mark sits (a point on its surface).
    """

    ids: list[str]
    names: list[str]
    boxes: np.ndarray
    x: np.ndarray
    y: np.ndarray

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class MapIndex:
    """Everything a view is answered from, built once per store version (:func:`build_index`).

    Attributes
    ----------
    grids, buildings, incidents
        The layers as the reader sees them (people masked, shifted for the
        base map), in the order the arrays below follow.
    communities
        Community outlines (the union of their grids), one row per community,
        with ``community`` (the name).
    community, grid
        :class:`Units` of each level.
    grid_community
        Per grid, the position of its community (-1: none).
    building_boxes
        Bounding boxes of the buildings.
    px, py
        Incident positions (degrees).
    inc_grid, inc_community
        Per incident, the position of its grid and community (-1: outside).
    """

    grids: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    communities: gpd.GeoDataFrame
    community: Units
    grid: Units
    grid_community: np.ndarray
    building_boxes: np.ndarray
    px: np.ndarray
    py: np.ndarray
    inc_grid: np.ndarray
    inc_community: np.ndarray
    _simplified: dict[int, gpd.GeoSeries] = field(default_factory=dict, repr=False)
    _codes: dict[str, tuple[np.ndarray, list[str]]] = field(default_factory=dict, repr=False)

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Per incident, the position of its ``column`` value in the sorted list of values (computed once)."""
        if column not in self._codes:
            values = self.incidents[column].to_numpy(dtype=object) if column in self.incidents.columns \
                else np.full(len(self.incidents), "", dtype=object)
            idx, uniques = pd.factorize(values, use_na_sentinel=True)  # by first appearance, missing: -1
            missing = [""] if (idx < 0).any() else []
            text = np.array([str(u) for u in uniques] + missing, dtype=object)
            values_of = np.unique(text)  # sorted, each once ("" for missing values and empty texts)
            order = np.searchsorted(values_of, text)
            self._codes[column] = (order[np.where(idx < 0, len(uniques), idx)].astype(np.int64),
                                   [str(v) for v in values_of])
        return self._codes[column]

    def outlines(self, zoom: int) -> gpd.GeoSeries:
        """Community outlines simplified to about a pixel at ``zoom`` (computed once per zoom)."""
        z = int(min(max(zoom, 0), COMMUNITY_MAX_ZOOM))
        if z not in self._simplified:
            tolerance = 360.0 / (256 * 2 ** z)  # about a pixel, in degrees
            self._simplified[z] = self.communities.geometry.simplify(tolerance, preserve_topology=True)
        return self._simplified[z]

    def positions(self, shown: pd.Index) -> np.ndarray:
        """A mask over :attr:`incidents` of the rows whose index labels are in ``shown``."""
        if shown.equals(self.incidents.index):  # nothing filtered out
            return np.ones(len(self.incidents), dtype=bool)
        mask = np.zeros(len(self.incidents), dtype=bool)
        where = self.incidents.index.get_indexer(shown)
        mask[where[where >= 0]] = True
        return mask


def _text(values: pd.Series) -> list[str]:
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v) for v in values]


def _surface_points(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    arr = np.asarray(geoms.values, dtype=object)
    arr = np.where(pd.isna(arr), shapely.Point(), arr)
    pts = shapely.point_on_surface(arr)
    return shapely.get_x(pts), shapely.get_y(pts)


def _boxes(geoms: gpd.GeoSeries) -> np.ndarray:
    if len(geoms) == 0:
        return np.zeros((0, 4))
    return np.asarray(geoms.bounds.to_numpy(dtype=float))


def build_index(grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                labels: dict[str, str] | None = None) -> MapIndex:
    """The :class:`MapIndex` of the layers (in the coordinates the map shows).

    Parameters
    ----------
    grids, buildings, incidents
        The store's layers as the reader sees them; incidents carry the
        ``grid_id`` the store's join gave them.
    labels
        The name to show per grid id (qualified where names repeat); the
        grid's own name by default.

    Returns
    -------
    MapIndex
    """
    gid = pd.Series(_text(grids["grid_id"]), index=grids.index)
    gnames = [labels.get(g, g) for g in gid] if labels else [n or g for n, g in zip(_text(grids["name"]), gid,
                                                                                      strict=True)]
    comm = pd.Series([c.strip() for c in _text(grids["community"])] if "community" in grids.columns
                     else [""] * len(grids), index=grids.index)
    names = sorted(c for c in comm.unique() if c)
    comm_pos = {c: i for i, c in enumerate(names)}
    grid_community = np.array([comm_pos.get(c, -1) for c in comm], dtype=np.int64)
    geoms = grids.geometry.reset_index(drop=True)
    outlines = []
    for i in range(len(names)):
        members = geoms[grid_community == i]
        outlines.append(shapely.union_all(shapely.make_valid(members.to_numpy())))
    communities = gpd.GeoDataFrame({"community": names}, geometry=outlines, crs=grids.crs)
    cx, cy = _surface_points(communities.geometry)
    gx, gy = _surface_points(grids.geometry)
    grid_pos = pd.Series(np.arange(len(gid)), index=gid.to_numpy())
    grid_pos = grid_pos[~grid_pos.index.duplicated()]
    # the store's grid ids are text (a TEXT column), as the grids' are; None or NaN matches no grid
    found = pd.Index(grid_pos.index).get_indexer(incidents["grid_id"].to_numpy(dtype=object))  # -1: outside every grid (no id, or an id of no grid)
    inc_grid = np.where(found >= 0, grid_pos.to_numpy()[np.maximum(found, 0)], -1).astype(np.int64)
    inc_community = np.where(inc_grid >= 0, grid_community[np.maximum(inc_grid, 0)] if len(grid_community)
                             else -1, -1).astype(np.int64)
    pts = np.asarray(incidents.geometry.values, dtype=object)
    return MapIndex(
        grids=grids, buildings=buildings, incidents=incidents, communities=communities,
        community=Units(ids=names, names=names, boxes=_boxes(communities.geometry), x=cx, y=cy),
        grid=Units(ids=list(gid), names=gnames, boxes=_boxes(grids.geometry), x=gx, y=gy),
        grid_community=grid_community, building_boxes=_boxes(buildings.geometry),
        px=shapely.get_x(pts) if len(pts) else np.zeros(0), py=shapely.get_y(pts) if len(pts) else np.zeros(0),
        inc_grid=inc_grid, inc_community=inc_community,
    )


def unit_counts(unit_of: np.ndarray, n_units: int, mask: np.ndarray, codes: np.ndarray | None = None,
                n_codes: int = 0) -> np.ndarray:
    """Incidents of ``mask`` per unit (``codes``: per unit and code, a units × codes table).

    ``unit_of`` gives each incident's unit (-1: outside every unit, left out).
    """
    sel = mask & (unit_of >= 0)
    if codes is None:
        return np.bincount(unit_of[sel], minlength=n_units)[:n_units]
    flat = unit_of[sel] * n_codes + codes[sel]
    return np.bincount(flat, minlength=n_units * n_codes)[: n_units * n_codes].reshape(n_units, n_codes)


@dataclass
class Marks:
    """Merged marks: per mark, the units it holds (:func:`declutter`)."""

    members: list[np.ndarray]
    x: np.ndarray
    y: np.ndarray


def declutter(x: np.ndarray, y: np.ndarray, weight: np.ndarray, zoom: float, px: float = MARK_PX) -> Marks:
    """Merge marks closer than ``px`` screen pixels at ``zoom``, heaviest first.

    Each mark goes to the first kept mark within ``px`` of it (kept marks
    are the heaviest that had no such neighbour), so no two marks shown are
    closer than ``px``, and every input is in exactly one output: the sum
    of a merged mark's weights is exact.

    Parameters
    ----------
    x, y
        Positions in degrees (longitude, latitude).
    weight
        What a mark counts (its incidents); the heavier mark keeps its place.
    zoom
        The map's zoom (pixel distances depend on it).
    px
        The least distance between two marks shown.

    Returns
    -------
    Marks
        ``members`` (positions into the inputs) and the kept marks' places.
    """
    n = len(x)
    if n == 0:
        return Marks(members=[], x=np.zeros(0), y=np.zeros(0))
    sx, sy = pixels(x, y, zoom)
    order = np.lexsort((np.arange(n), -np.asarray(weight, dtype=float)))
    kept: list[int] = []
    kx = np.empty(n)
    ky = np.empty(n)
    owner = np.empty(n, dtype=np.int64)
    limit = px * px
    for i in order:
        if kept:
            k = len(kept)
            d = (kx[:k] - sx[i]) ** 2 + (ky[:k] - sy[i]) ** 2
            j = int(np.argmin(d))
            if d[j] < limit:
                owner[i] = j
                continue
        owner[i] = len(kept)
        kx[len(kept)], ky[len(kept)] = sx[i], sy[i]
        kept.append(int(i))
    groups = np.argsort(owner, kind="stable")
    bounds = np.searchsorted(owner[groups], np.arange(len(kept) + 1))
    members = [groups[bounds[k]:bounds[k + 1]] for k in range(len(kept))]
    first = np.array(kept, dtype=np.int64)
    return Marks(members=members, x=np.asarray(x)[first], y=np.asarray(y)[first])
