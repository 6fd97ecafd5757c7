"""Spatial joins: buildings and incidents to grids, incidents to buildings.

The rules, each the same every time for the same data:

- A building belongs to the grid it overlaps most (area in the local metric
  CRS); one that overlaps several grids by more than
  :data:`SPLIT_TOLERANCE` of its area is flagged ``split``. A point
  building belongs to the grid that holds the point.
- A point belongs to the grid whose polygon holds it. A point on a boundary
  shared by several grids goes to the one with the smallest ``grid_id``.
  A point in no grid gets no grid (it is listed as outside, never dropped).
- An incident is linked to the nearest building within ``max_distance``
  metres (0 when the point is inside the footprint); ties go to the
  smallest ``building_id``.

Every step is vectorised over shapely's STRtree and runs the two halves of
a large point set on two threads (``GRIDWATCH_JOIN_THREADS``; shapely
releases the GIL in its vectorised calls).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely import STRtree

from . import schema, settings
from ._kernels import nearest_of_candidates
from .crs import local_metric_crs

__all__ = [
    "assign_buildings",
    "assign_incidents",
    "join_layers",
    "nearest_within",
    "point_in_grid",
]

#: Default search radius (m) from an incident to its building.
NEAREST_BUILDING_M: Final = 30.0
#: Share of a building's area in a second grid that makes it "split".
SPLIT_TOLERANCE: Final = 0.01
#: Points per thread chunk below which one thread does the work.
_CHUNK_MIN: Final = 50_000


def point_in_grid(points: np.ndarray, grids: gpd.GeoDataFrame) -> np.ndarray:
    """Index (position) of the grid holding each point, -1 for none.

    Parameters
    ----------
    points
        Shapely points (array) in the grids' CRS.
    grids
        Grid layer with ``grid_id``.

    Returns
    -------
    numpy.ndarray of int64, one per point.
    """
    out = np.full(len(points), -1, dtype=np.int64)
    if len(points) == 0 or len(grids) == 0:
        return out
    polys = np.asarray(grids.geometry.values)
    rank = _id_rank(grids["grid_id"])
    tree = STRtree(polys)

    def work(lo: int, hi: int) -> None:
        pt, gi = tree.query(points[lo:hi], predicate="intersects")
        if pt.size:
            best = np.full(hi - lo, np.iinfo(np.int64).max, dtype=np.int64)
            np.minimum.at(best, pt, rank[gi])
            hit = best != np.iinfo(np.int64).max
            out[lo:hi][hit] = _rank_to_pos(rank)[best[hit]]

    _parallel(work, len(points))
    return out


def nearest_within(
    points: np.ndarray,
    targets: np.ndarray,
    target_rank: np.ndarray,
    max_distance: float,
    transformer: pyproj.Transformer,
) -> tuple[np.ndarray, np.ndarray]:
    """Nearest target within ``max_distance`` metres of each point.

    Candidates come from an STRtree of the targets' envelopes widened by the
    radius (in degrees, conservatively); exact point-to-outline distances
    are then computed on coordinate arrays in the metric CRS, with no
    per-pair geometry objects. A point inside a polygon is at distance 0.

    Parameters
    ----------
    points
        Shapely points in EPSG:4326.
    targets
        Shapely polygons, multipolygons or points in EPSG:4326.
    target_rank
        Tie-break order of the targets (smaller wins at equal distance).
    max_distance
        Search radius in metres.
    transformer
        EPSG:4326 to the metric CRS (``always_xy``).

    Returns
    -------
    (index, distance): target position (-1 for none) and distance in
    metres (NaN for none), one per point.
    """
    idx = np.full(len(points), -1, dtype=np.int64)
    dist = np.full(len(points), np.nan)
    ok = ~(shapely.is_missing(points) | shapely.is_empty(points))
    if not ok.any() or len(targets) == 0:
        return idx, dist
    xy = np.full((len(points), 2), np.nan)
    xy[ok] = shapely.get_coordinates(points[ok])
    px, py = transformer.transform(xy[:, 0], xy[:, 1])
    segs = _Segments.of(targets, transformer)
    tree = STRtree(_widened_envelopes(targets, max_distance))

    def work(lo: int, hi: int) -> None:
        pa, tb = tree.query(points[lo:hi])
        if pa.size:
            sub_idx = idx[lo:hi]
            sub_dist = dist[lo:hi]
            nearest_of_candidates(
                pa, tb, px[lo:hi], py[lo:hi], target_rank, segs.start, segs.count, segs.areal,
                segs.x1, segs.y1, segs.x2, segs.y2, float(max_distance), sub_idx, sub_dist,
            )

    _parallel(work, len(points))
    return idx, dist


def assign_buildings(buildings: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Set each building's ``grid_id`` and ``split`` flag.

    Parameters
    ----------
    buildings, grids
        Layers in the same CRS (EPSG:4326 as stored).

    Returns
    -------
    GeoDataFrame: a copy of ``buildings`` (same index and length) with
    ``grid_id`` (None outside every grid) and ``split``.
    """
    out = buildings.copy()
    n = len(out)
    grid_pos = np.full(n, -1, dtype=np.int64)
    split = np.zeros(n, dtype=bool)
    if n and len(grids):
        geoms = np.asarray(out.geometry.values)
        is_point = shapely.get_type_id(geoms) == 0
        grid_pos[is_point] = point_in_grid(geoms[is_point], grids)
        poly_idx = np.flatnonzero(~is_point & ~shapely.is_empty(geoms) & ~shapely.is_missing(geoms))
        if poly_idx.size:
            gp, sp = _largest_overlap(geoms[poly_idx], grids)
            grid_pos[poly_idx] = gp
            split[poly_idx] = sp
    ids = grids["grid_id"].astype(object).to_numpy() if len(grids) else np.array([None], dtype=object)
    out["grid_id"] = pd.Series(_take_or_none(ids, grid_pos), index=out.index, dtype=object)
    out["split"] = pd.array(split, dtype="boolean")
    return out


def assign_incidents(
    incidents: gpd.GeoDataFrame,
    grids: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame,
    *,
    max_distance: float = NEAREST_BUILDING_M,
    metric_crs: pyproj.CRS | None = None,
) -> gpd.GeoDataFrame:
    """Set each incident's ``grid_id``, ``building_id`` and ``building_dist_m``.

    Parameters
    ----------
    incidents, grids, buildings
        Layers in EPSG:4326.
    max_distance
        Radius (m) within which an incident is linked to a building.
    metric_crs
        CRS for distances; chosen from the data when not given.

    Returns
    -------
    GeoDataFrame: a copy of ``incidents`` (same index and length) with the
    three derived columns.
    """
    out = incidents.copy()
    pts = np.asarray(out.geometry.values)
    gpos = point_in_grid(pts, grids)
    gids = grids["grid_id"].astype(object).to_numpy() if len(grids) else np.array([None], dtype=object)
    out["grid_id"] = pd.Series(_take_or_none(gids, gpos), index=out.index, dtype=object)
    bpos = np.full(len(out), -1, dtype=np.int64)
    bdist = np.full(len(out), np.nan)
    if len(out) and len(buildings):
        crs = metric_crs or local_metric_crs(grids if len(grids) else buildings)
        to_m = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True)
        bpos, bdist = nearest_within(
            pts, np.asarray(buildings.geometry.values), _id_rank(buildings["building_id"]), max_distance, to_m
        )
    bids = buildings["building_id"].astype(object).to_numpy() if len(buildings) else np.array([None], dtype=object)
    out["building_id"] = pd.Series(_take_or_none(bids, bpos), index=out.index, dtype=object)
    out["building_dist_m"] = np.round(bdist, 2)
    return out


def join_layers(
    layers: dict[str, gpd.GeoDataFrame], *, max_distance: float = NEAREST_BUILDING_M
) -> dict[str, gpd.GeoDataFrame]:
    """Run every join over a set of layers (missing layers read as empty).

    Parameters
    ----------
    layers
        ``grids``, ``buildings``, ``incidents`` (and anything else, passed on).
    max_distance
        Incident-to-building radius in metres.

    Returns
    -------
    dict of layers with the derived columns set.
    """
    from .store import empty_layer

    grids = layers.get(schema.GRIDS, empty_layer(schema.GRIDS))
    buildings = layers.get(schema.BUILDINGS, empty_layer(schema.BUILDINGS))
    incidents = layers.get(schema.INCIDENTS, empty_layer(schema.INCIDENTS))
    out = dict(layers)
    out[schema.BUILDINGS] = assign_buildings(buildings, grids)
    out[schema.INCIDENTS] = assign_incidents(incidents, grids, out[schema.BUILDINGS], max_distance=max_distance)
    return out


# -- private steps -----------------------------------------------------------


def _largest_overlap(polys: np.ndarray, grids: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Grid position of the largest overlap and the split flag, per polygon."""
    grid_geoms = np.asarray(grids.geometry.values)
    rank = _id_rank(grids["grid_id"])
    tree = STRtree(grid_geoms)
    bi, gi = tree.query(polys, predicate="intersects")
    pos = np.full(len(polys), -1, dtype=np.int64)
    split = np.zeros(len(polys), dtype=bool)
    if not bi.size:
        return pos, split
    counts = np.bincount(bi, minlength=len(polys))
    single = counts[bi] == 1
    pos[bi[single]] = gi[single]
    multi_b, multi_g = bi[~single], gi[~single]
    if multi_b.size:
        crs = local_metric_crs(grids)
        to_m = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True)

        def project(g: np.ndarray) -> np.ndarray:
            return shapely.transform(g, lambda c: np.column_stack(to_m.transform(c[:, 0], c[:, 1])))

        area = shapely.area(shapely.intersection(project(polys[multi_b]), project(grid_geoms[multi_g])))
        order = np.lexsort((rank[multi_g], -area, multi_b))
        mb, mg, ma = multi_b[order], multi_g[order], area[order]
        first = np.ones(mb.size, dtype=bool)
        first[1:] = mb[1:] != mb[:-1]
        pos[mb[first]] = np.where(ma[first] > 0, mg[first], -1)
        total = shapely.area(project(polys[np.unique(mb)]))
        total_of = dict(zip(np.unique(mb).tolist(), total.tolist(), strict=True))
        shares = ma / np.array([total_of[b] or 1.0 for b in mb.tolist()])
        significant = np.bincount(mb[shares > SPLIT_TOLERANCE], minlength=len(polys))
        split = significant > 1
        # a building touching a grid only along an edge (zero area) but lying in no
        # grid's interior keeps the smallest-id grid it touches
        touch_only = (pos == -1) & (counts > 0)
        if touch_only.any():
            for b in np.flatnonzero(touch_only):
                cand = gi[bi == b]
                pos[b] = cand[np.argmin(rank[cand])]
    return pos, split


def _take_or_none(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """``values[pos]`` as objects, None where ``pos`` is -1."""
    out = np.full(len(pos), None, dtype=object)
    hit = pos >= 0
    out[hit] = values[pos[hit]]
    return out


def _id_rank(ids: pd.Series) -> np.ndarray:
    """Rank of each id in sorted (string) order: the tie-break order."""
    keys = ids.astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(keys), dtype=np.int64)
    rank[order] = np.arange(len(keys))
    return rank


def _rank_to_pos(rank: np.ndarray) -> np.ndarray:
    pos = np.empty_like(rank)
    pos[rank] = np.arange(len(rank))
    return pos


def _widened_envelopes(geoms: np.ndarray, metres: float) -> np.ndarray:
    """Envelopes in degrees widened by at least ``metres`` on every side."""
    b = shapely.bounds(geoms)
    b = np.where(np.isnan(b), 0.0, b)
    dlat = metres / 110_574.0 * 1.01
    coslat = np.maximum(np.cos(np.radians(np.maximum(np.abs(b[:, 1]), np.abs(b[:, 3])) + dlat)), 1e-6)
    dlon = metres / (111_320.0 * coslat) * 1.01
    return shapely.box(b[:, 0] - dlon, b[:, 1] - dlat, b[:, 2] + dlon, b[:, 3] + dlat)


class _Segments:
    """The outline segments of many geometries as flat coordinate arrays.

    Segment ``k`` runs from ``(x1[k], y1[k])`` to ``(x2[k], y2[k])``; the
    segments of geometry ``g`` are ``start[g]:start[g] + count[g]``. A point
    geometry is one zero-length segment.
    """

    def __init__(self, x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray,
                 start: np.ndarray, count: np.ndarray, areal: np.ndarray) -> None:
        self.x1, self.y1, self.x2, self.y2 = x1, y1, x2, y2
        self.start, self.count, self.areal = start, count, areal

    @classmethod
    def of(cls, geoms: np.ndarray, transformer: pyproj.Transformer) -> _Segments:
        """Outline segments of ``geoms`` (EPSG:4326) in the metric CRS."""
        parts, part_of = shapely.get_parts(geoms, return_index=True)
        is_point = shapely.get_type_id(parts) == 0
        rings, ring_of = shapely.get_rings(parts[~is_point], return_index=True)
        ring_geom = part_of[~is_point][ring_of]
        rc, rc_ring = shapely.get_coordinates(rings, return_index=True)
        same = rc_ring[1:] == rc_ring[:-1]
        a, b = np.flatnonzero(same), np.flatnonzero(same) + 1
        pc = shapely.get_coordinates(parts[is_point])
        x1 = np.concatenate([rc[a, 0], pc[:, 0]])
        y1 = np.concatenate([rc[a, 1], pc[:, 1]])
        x2 = np.concatenate([rc[b, 0], pc[:, 0]])
        y2 = np.concatenate([rc[b, 1], pc[:, 1]])
        owner = np.concatenate([ring_geom[rc_ring[a]], part_of[is_point]])
        order = np.argsort(owner, kind="stable")
        x1, y1 = transformer.transform(x1[order], y1[order])
        x2, y2 = transformer.transform(x2[order], y2[order])
        count = np.bincount(owner, minlength=len(geoms))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        areal = np.zeros(len(geoms), dtype=bool)
        areal[np.unique(part_of[~is_point])] = True
        return cls(np.asarray(x1), np.asarray(y1), np.asarray(x2), np.asarray(y2), start, count, areal)


def _parallel(work: Callable[[int, int], object], n: int) -> None:
    """Run ``work(lo, hi)`` over [0, n) in chunks on ``GRIDWATCH_JOIN_THREADS`` threads (2 unless set)."""
    fn = work
    if n < _CHUNK_MIN:
        fn(0, n)
        return
    threads = settings.current().join_threads
    bounds = np.linspace(0, n, threads + 1).astype(int)
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda i: fn(int(bounds[i]), int(bounds[i + 1])), range(threads)))
