"""Validation of layers: find every problem, repair what can be repaired.

Everything found is reported at once (never silently).

Errors block an import (nothing is written); warnings are imported and
listed. The report says what and where: ids, areas in m² and a location
(longitude, latitude) a user can zoom to.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import limits, schema
from .crs import local_metric_crs
from .errors import GeometryError
from .repair import make_valid_within
from .report import ERROR, WARNING, Issue, ReportError, Rows, ValidationReport, id_texts, keyed, layer_term, positions
from .safe import printable

__all__ = ["Issue", "ReportError", "Rows", "ValidationReport", "validate_layer", "grid_overlaps_and_gaps"]

#: Overlaps and gaps smaller than this (m²) are drawing noise, not reported.
MIN_SLIVER_M2: Final = 1.0
#: Overlaps and gaps between grids (and overlaps between buildings) smaller
#: than this (m²) are slivers of hand drawing: one summary line for all of
#: them instead of one line each (``sliver_m2=``, ``--sliver-tolerance``).
SLIVER_M2: Final = 50.0
#: A building polygon at least this share inside another is a part of it
#: (``building:part`` in OpenStreetMap): merged into it and listed.
PART_SHARE: Final = 0.9
#: Points sharing an id farther apart than this (m) are different features.
SAME_POINT_M: Final = 10.0
#: Data farther than this from every grid (m) is reported as far away.
FAR_M: Final = 2_000.0


def validate_layer(
    gdf: gpd.GeoDataFrame,
    kind: str,
    *,
    grids: gpd.GeoDataFrame | None = None,
    source: str = "",
    merge_duplicates: bool = False,
    crs: str | pyproj.CRS | None = None,
    sliver_m2: float = SLIVER_M2,
    report: ValidationReport | None = None,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Check a conformed layer, repair invalid geometries, report the rest.

    Parameters
    ----------
    gdf
        A layer in EPSG:4326 with the schema's columns (:func:`geo.io.conform`).
        Its index is the 0-based row of the file; ``gdf.attrs["row_base"]``
        (2 for tables, 1 for vector files, 1 when missing) turns it into the
        line or feature number a user sees.
    kind
        Its layer name.
    grids
        Grids to check points against (outside every grid, far away).
    source
        File name, for the report.
    merge_duplicates
        Rows sharing an id are one feature cut in pieces (tiled exports):
        polygons are merged into one, and label points beside a polygon
        of the same id are dropped (both listed). Points sharing an id
        keep the first: the others are dropped and listed with their
        distance when within :data:`SAME_POINT_M` of it, and are an error
        (with the distance) when farther, since they are then different
        features. Otherwise duplicate ids are an error.
    sliver_m2
        Overlaps and gaps between grids, and overlaps between buildings,
        smaller than this (m²) are summed into one warning (count and
        total area) instead of one line each.
    report
        A report to add to (the one :func:`geo.io.conform` filled), else a
        new one.
    crs
        The ``--crs`` the layer was read with, as given (None: the file's
        own), for the advice of a China map shift (:mod:`geo.shift`).

    Returns
    -------
    (layer, report): rows with empty geometry removed (and listed),
    invalid geometries repaired (and listed); in a building layer, parts
    (polygons at least :data:`PART_SHARE` inside another building) merged
    into their building, and points inside a building polygon (entrances,
    addresses) dropped, both listed.
    """
    if report is None:
        report = ValidationReport(kind, source, len(gdf))
    else:
        report.source = report.source or source
        report.rows = report.rows or len(gdf)
    base = int(gdf.attrs.get("row_base", 1))
    id_col = schema.ID_COLUMN[kind]
    out = gdf.copy()
    given = gdf[id_col].astype(object)
    present = given.notna()
    out[id_col] = given.where(~present, given[present].astype(str)).where(present, None)
    out = _check_missing_ids(out, kind, id_col, base, report)
    if merge_duplicates:
        out = _merge_duplicates(out, id_col, report)
    _check_ids(out[id_col], kind, id_col, report)
    out = _drop_empty(out, id_col, report)
    _check_types(out, kind, id_col, report)
    out = _repair(out, kind, id_col, base, report)
    if kind == schema.GRIDS and len(out) > 1 and report.ok:
        for issue in grid_overlaps_and_gaps(out, sliver_m2=sliver_m2):
            report.issues.append(issue)
    if kind == schema.BUILDINGS and len(out) > 1:
        out = building_parts_and_overlaps(out, report, sliver_m2=sliver_m2)
    if grids is not None and len(grids) and kind in (schema.BUILDINGS, schema.INCIDENTS) and len(out):
        _check_against_grids(out, grids, id_col, report)
        from .shift import check_shift

        check_shift(report, out, kind, grids=grids, crs=crs)
    if kind == schema.FLOOD_ZONES:
        from .zones import check_zones

        check_zones(out, report)
    return out, report


def grid_overlaps_and_gaps(grids: gpd.GeoDataFrame, *, sliver_m2: float = SLIVER_M2) -> list[Issue]:
    """Overlaps between grids and gaps enclosed by them, with area and place.

    Parameters
    ----------
    grids
        Valid grid polygons in EPSG:4326.
    sliver_m2
        Overlaps and gaps under this area (m²) are summed into one warning
        each (``grid_slivers``: count and total area), not listed one by one.

    Returns
    -------
    list of warnings, largest first (the sliver summaries last).
    """
    crs = local_metric_crs(grids)
    metric = grids.to_crs(crs)
    geoms = np.asarray(metric.geometry.values)
    gid = np.asarray(id_texts(grids, "grid_id"), dtype=object)
    to_geo = pyproj.Transformer.from_crs(crs, schema.STORAGE_CRS, always_xy=True)
    issues: list[Issue] = []
    slivers: dict[str, list[float]] = {"overlap": [], "gap": []}
    sliver_ids: dict[str, set[str]] = {"overlap": set(), "gap": set()}
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    inters = shapely.intersection(geoms[a], geoms[b])
    areas = shapely.area(inters)
    for i, j, inter, area in zip(a, b, inters, areas, strict=True):
        if area < MIN_SLIVER_M2:
            continue
        if area < sliver_m2:
            slivers["overlap"].append(float(area))
            sliver_ids["overlap"].update((gid[i], gid[j]))
            continue
        lon, lat = _where(inter, to_geo)
        issues.append(keyed(WARNING, "grid_overlap", ids=[gid[i], gid[j]], lon=lon, lat=lat,
                            area_m2=round(float(area), 1), a=gid[i], b=gid[j]))
    for poly in shapely.get_parts(shapely.union_all(geoms)):
        for ring in _holes(poly):
            hole = shapely.Polygon(ring)
            area = float(hole.area)
            if area < MIN_SLIVER_M2:
                continue
            near = sorted(set(map(str, gid[tree.query(hole, predicate="intersects")])))
            if area < sliver_m2:
                slivers["gap"].append(area)
                sliver_ids["gap"].update(near)
                continue
            lon, lat = _where(hole, to_geo)
            issues.append(keyed(WARNING, "grid_gap", ids=near, lon=lon, lat=lat, area_m2=round(area, 1)))
    issues.sort(key=lambda i: -(i.area_m2 or 0))
    for what, found in slivers.items():
        if found:
            issues.append(keyed(WARNING, f"grid_sliver_{what}s", ids=sorted(sliver_ids[what]),
                                area_m2=round(sum(found), 1), n=len(found), tolerance=f"{sliver_m2:g}"))
    return issues


def building_parts_and_overlaps(buildings: gpd.GeoDataFrame, report: ValidationReport, *,
                                sliver_m2: float = SLIVER_M2) -> gpd.GeoDataFrame:
    """Merge building parts into their building, drop entrance points, report overlaps.

    Rules (each listed in the report):

    - a polygon at least :data:`PART_SHARE` (90%) inside a larger building
      polygon is a part of it (``building:part``, a roof, a wing): its
      footprint is merged into the larger building and its row dropped;
    - a point inside a building polygon is an entrance or address point of
      that building, not a building: dropped;
    - other overlaps of two buildings are warnings with area and place,
      those under ``sliver_m2`` summed into one line.

    Parameters
    ----------
    buildings
        Valid buildings in EPSG:4326 (polygons, points or both).
    report
        Where to list what was found.
    sliver_m2
        See :func:`validate_layer`.

    Returns
    -------
    GeoDataFrame: the buildings without parts and entrance points.
    """
    geoms = np.asarray(buildings.geometry.values)
    type_id = shapely.get_type_id(geoms)
    polygonal = (type_id == 3) | (type_id == 6)
    if polygonal.sum() == 0:
        return buildings
    ids = np.asarray(id_texts(buildings, "building_id"), dtype=object)
    poly_idx = np.flatnonzero(polygonal)
    tree = shapely.STRtree(geoms[poly_idx])
    drop = np.zeros(len(geoms), dtype=bool)
    points = np.flatnonzero(type_id == 0)
    if len(points) and len(points) < len(geoms):
        hit_pt, _ = tree.query(geoms[points], predicate="intersects")
        inside = np.unique(points[hit_pt])
        if len(inside):
            drop[inside] = True
            report.issue(WARNING, "entrance_points_dropped", ids=list(ids[inside]), n=len(inside))
    a, b = tree.query(geoms[poly_idx])  # boxes only: most buildings touch none but themselves
    keep = a < b
    a, b = poly_idx[a[keep]], poly_idx[b[keep]]
    touching = shapely.intersects(geoms[a], geoms[b])
    a, b = a[touching], b[touching]
    if len(a) == 0:
        return buildings[~drop] if drop.any() else buildings
    crs = local_metric_crs(buildings.iloc[np.unique(np.concatenate([a, b]))])
    to_metric = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True)
    to_geo = pyproj.Transformer.from_crs(crs, schema.STORAGE_CRS, always_xy=True)
    involved = np.unique(np.concatenate([a, b]))
    metric = np.empty(len(geoms), dtype=object)
    metric[involved] = shapely.transform(geoms[involved], lambda c: np.column_stack(to_metric.transform(c[:, 0], c[:, 1])))
    area = np.zeros(len(geoms))
    area[involved] = shapely.area(metric[involved])
    inters = shapely.intersection(metric[a], metric[b])
    inter_area = shapely.area(inters)
    small = np.where(area[a] <= area[b], a, b)
    large = np.where(area[a] <= area[b], b, a)
    share = inter_area / np.maximum(area[small], 1e-9)
    is_part = share >= PART_SHARE
    roots = _part_roots(small[is_part], large[is_part], area)
    if roots:
        out_geoms = geoms.copy()
        by_root: dict[int, list[int]] = {}
        for s_, r in roots.items():
            by_root.setdefault(r, []).append(s_)
        for r, parts in by_root.items():
            out_geoms[r] = shapely.union_all(geoms[[r, *parts]])
        part_rows = np.array(sorted(roots))
        drop[part_rows] = True
        report.issue(WARNING, "building_parts_merged", ids=list(ids[part_rows]), n=len(part_rows),
                     buildings=len(by_root), share=f"{PART_SHARE:.0%}")
        buildings = buildings.set_geometry(out_geoms, crs=buildings.crs)
    overlap = (~is_part) & (inter_area >= MIN_SLIVER_M2)
    overlap &= ~(np.isin(a, list(roots)) | np.isin(b, list(roots)))
    sl_n, sl_area = 0, 0.0
    sl_ids: set[str] = set()
    for i, j, inter, ar in zip(a[overlap], b[overlap], inters[overlap], inter_area[overlap], strict=True):
        if ar < sliver_m2:
            sl_n, sl_area = sl_n + 1, sl_area + float(ar)
            sl_ids.update((ids[i], ids[j]))
            continue
        lon, lat = _where(inter, to_geo)
        report.issue(WARNING, "building_overlap", ids=[ids[i], ids[j]], lon=lon, lat=lat, area_m2=round(float(ar), 1),
                     a=ids[i], b=ids[j])
    if sl_n:
        report.issue(WARNING, "building_sliver_overlaps", ids=sorted(sl_ids), area_m2=round(sl_area, 1), n=sl_n,
                     tolerance=f"{sliver_m2:g}")
    return buildings[~drop] if drop.any() else buildings


def _part_roots(small: np.ndarray, large: np.ndarray, area: np.ndarray) -> dict[int, int]:
    """The building each part (``small`` inside ``large``) belongs to: the largest container that is no part itself."""
    parent: dict[int, int] = {}
    for s_, l_ in sorted(zip(small, large, strict=True), key=lambda p: -area[p[1]]):
        parent.setdefault(int(s_), int(l_))
    # a part's parent may itself be a part: climb to the building that is not
    roots = {}
    for s_ in parent:
        r = parent[s_]
        seen = {s_}
        while r in parent and r not in seen:
            seen.add(r)
            r = parent[r]
        roots[s_] = r
    return roots


def _holes(poly: shapely.Polygon) -> list[shapely.LinearRing]:
    return list(poly.interiors) if isinstance(poly, shapely.Polygon) else []


def _where(geom: shapely.Geometry, to_geo: pyproj.Transformer) -> tuple[float, float]:
    p = shapely.point_on_surface(geom)
    lon, lat = to_geo.transform(p.x, p.y)
    return round(float(lon), 7), round(float(lat), 7)


def _check_missing_ids(gdf: gpd.GeoDataFrame, kind: str, id_col: str, base: int,
                       report: ValidationReport) -> gpd.GeoDataFrame:
    """Rows without an id are an error naming their lines (checked before any merge reorders rows)."""
    missing = gdf[id_col].isna().to_numpy()
    if missing.any():
        pos = positions(gdf, missing)
        report.issue(ERROR, "missing_id", n=int(missing.sum()), layer=layer_term(kind), column=id_col,
                     rows=Rows.of(pos, base))
    return gdf


def _check_ids(ids: pd.Series, kind: str, id_col: str, report: ValidationReport) -> None:
    dup = ids[ids.notna() & ids.duplicated(keep=False)]
    if len(dup):
        values = sorted(set(dup))
        report.issue(ERROR, "duplicate_id", ids=values, n=len(values), column=id_col)


def _merge_duplicates(gdf: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
    ids = gdf[id_col]
    dup = ids.notna() & ids.duplicated(keep=False)
    if not dup.any():
        return gdf
    is_point = gdf.geometry.geom_type.eq("Point")
    areal_ids = set(ids[dup & ~is_point])
    labels = dup & is_point & ids.isin(areal_ids)
    if labels.any():
        report.issue(WARNING, "label_point_dropped", ids=sorted(set(ids[labels])), n=int(labels.sum()))
    rest = gdf[~labels]
    rest = _first_of_same_points(rest, id_col, report)
    rdup = rest[id_col].notna() & rest[id_col].duplicated(keep=False)
    if not rdup.any():
        return rest
    pieces = rest[rdup]
    merged_geom = pieces.groupby(id_col, sort=False).geometry.agg(lambda s: shapely.union_all(s.to_numpy()))
    first = pieces.drop_duplicates(id_col).set_index(id_col)
    first = first.set_geometry(merged_geom.reindex(first.index).to_numpy(), crs=gdf.crs)
    report.issue(WARNING, "pieces_merged", ids=sorted(first.index.astype(str)), n=int(rdup.sum()), ids_n=len(first))
    merged = pd.concat([rest[~rdup], first.reset_index()], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry=gdf.geometry.name, crs=gdf.crs)


def _first_of_same_points(gdf: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
    """Points sharing an id (and no polygon): keep the first.

    The others are dropped when within :data:`SAME_POINT_M` of it, an error
    when farther.
    """
    ids = gdf[id_col]
    is_point = gdf.geometry.geom_type.eq("Point").to_numpy()
    dup = (ids.notna() & ids.duplicated(keep=False)).to_numpy() & is_point
    if not dup.any():
        return gdf
    pts = gdf[dup]
    first = pts.groupby(id_col, sort=False).geometry.transform("first")
    crs = local_metric_crs(pts)
    d = shapely.distance(np.asarray(pts.to_crs(crs).geometry.values),
                         np.asarray(gpd.GeoSeries(first.to_numpy(), crs=gdf.crs).to_crs(crs).values))
    far_by_id = pd.Series(d, index=pts.index).groupby(pts[id_col]).max()
    near = far_by_id[far_by_id <= SAME_POINT_M]
    far = far_by_id[far_by_id > SAME_POINT_M]
    if len(far):
        report.issue(ERROR, "duplicate_points_far", ids=[str(v) for v in far.index], n=len(far),
                     metres=f"{float(far.max()):.0f}", limit=f"{SAME_POINT_M:g}")
    later = pts[id_col].duplicated(keep="first")
    dropped = later & pts[id_col].isin(near.index)
    if dropped.any():
        report.issue(WARNING, "duplicate_points_dropped", ids=sorted(set(pts.loc[dropped, id_col])),
                     n=int(dropped.sum()), metres=f"{float(near.max()):.1f}")
    # far repeats are refused above; keep only the first so that they are not reported twice
    return gdf.drop(index=pts.index[later.to_numpy()])


def _drop_empty(gdf: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        ids = id_texts(gdf, id_col, empty.to_numpy())
        report.issue(WARNING, "empty_geometry", ids=ids, n=int(empty.sum()))
    return gdf[~empty]


def _check_types(gdf: gpd.GeoDataFrame, kind: str, id_col: str, report: ValidationReport) -> None:
    types = gdf.geometry.geom_type
    allowed = schema.GEOMETRY_TYPES[kind]
    if kind == schema.INCIDENTS:
        geoms = np.asarray(gdf.geometry.values)
        single = (shapely.get_type_id(geoms) == 4) & (shapely.get_num_geometries(geoms) == 1)
        allowed = (*allowed, "MultiPoint") if single.all() and single.any() else allowed
    wrong = ~types.isin(allowed)
    if wrong.any():
        found = ", ".join(sorted(set(types[wrong])))
        report.issue(ERROR, "geometry_type", ids=id_texts(gdf, id_col, wrong.to_numpy()), n=int(wrong.sum()),
                     layer=layer_term(kind), found=found, allowed=" / ".join(schema.GEOMETRY_TYPES[kind]))


def _repair(gdf: gpd.GeoDataFrame, kind: str, id_col: str, base: int, report: ValidationReport) -> gpd.GeoDataFrame:
    """Repair invalid geometries with ``make_valid``, within the time limit of :mod:`geo.limits`.

    The one repair of a layer: it runs in a child process stopped at
    ``max_repair_seconds`` (:func:`geo.repair.make_valid_within`), so a
    polygon crossing itself thousands of times is refused, naming its rows,
    instead of hanging the import.
    """
    geoms = np.asarray(gdf.geometry.values)
    if kind == schema.INCIDENTS:
        multi = shapely.get_type_id(geoms) == 4
        if multi.any():
            geoms = geoms.copy()
            geoms[multi] = shapely.get_geometry(geoms[multi], 0)
    valid = shapely.is_valid(geoms)
    if valid.all():
        return gdf.set_geometry(geoms, crs=gdf.crs) if kind == schema.INCIDENTS else gdf
    bad = np.flatnonzero(~valid)
    reasons = shapely.is_valid_reason(geoms[bad])
    lim = limits.current()
    try:
        fixed = make_valid_within(geoms[bad], lim.max_repair_seconds)
    except GeometryError as exc:
        raise GeometryError.of("io.repair_too_long", file=f"'{printable(report.source or report.layer, 200)}'",
                               n=str(bad.size), rows=_row_numbers(positions(gdf, ~valid), base),
                               seconds=f"{lim.max_repair_seconds:g}", variable=limits.ENV["max_repair_seconds"]) from exc
    if kind in (schema.GRIDS, schema.BUILDINGS, schema.FLOOD_ZONES):
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
    geoms = geoms.copy()
    geoms[bad] = fixed
    ids = id_texts(gdf, id_col, ~valid)
    first = str(reasons[0]) if len(reasons) else ""
    one = "check.invalid_geometry_one" if len(bad) == 1 else None
    report.issue(WARNING, "invalid_geometry", ids=ids, n=len(bad), first=first, message_key=one)
    return gdf.set_geometry(geoms, crs=gdf.crs)


def _row_numbers(positions: np.ndarray, base: int, limit: int = 10) -> str:
    """0-based rows as the numbers a user sees (``3, 7, 12 ...``), at most ``limit``."""
    shown = [str(int(p) + base) for p in positions[:limit]]
    return ", ".join(shown) + (" ..." if len(positions) > limit else "")


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


#: Beyond this distance (m) from the grids' centre, distances are geodesic lower bounds:
#: the grids' transverse Mercator is not finite a quarter of the globe away.
_PROJECTED_M: Final = 1_000_000.0


def distance_to_grids(gdf: gpd.GeoDataFrame, grids: gpd.GeoDataFrame) -> np.ndarray:
    """Distance (m) of each feature to the convex hull of the grids, finite everywhere on the globe.

    Near the grids (within :data:`_PROJECTED_M` of their centre) the
    distance is measured in their local transverse Mercator; farther, that
    projection is distorted and, a quarter of the globe away, infinite, so
    the distance is the geodesic one to the grids' centre less the grids'
    radius (a lower bound, far above :data:`FAR_M` either way).
    """
    crs = local_metric_crs(grids)
    hull_m = shapely.convex_hull(shapely.union_all(np.asarray(grids.to_crs(crs).geometry.values)))
    centre = gpd.GeoSeries([shapely.centroid(hull_m)], crs=crs).to_crs(4326).iloc[0]
    geod = pyproj.Geod(ellps="WGS84")
    hull_geo = np.asarray(gpd.GeoSeries([hull_m], crs=crs).to_crs(4326).values)
    corners = shapely.get_coordinates(hull_geo)
    _, _, radius = geod.inv(np.full(len(corners), centre.x), np.full(len(corners), centre.y), corners[:, 0], corners[:, 1])
    reps = shapely.point_on_surface(np.asarray(gdf.geometry.values))
    present = ~(shapely.is_missing(reps) | shapely.is_empty(reps))  # a repair can leave a geometry empty
    x = np.full(len(reps), centre.x)
    y = np.full(len(reps), centre.y)
    x[present], y[present] = shapely.get_x(reps[present]), shapely.get_y(reps[present])
    _, _, to_centre = geod.inv(np.full(len(x), centre.x), np.full(len(x), centre.y), x, y)
    dist = np.maximum(np.asarray(to_centre, dtype=float) - float(np.max(radius, initial=0.0)), 0.0)
    near = (dist <= _PROJECTED_M) & present
    if near.any():
        metric = np.asarray(gdf.loc[near].to_crs(crs).geometry.values)
        dist[near] = shapely.distance(metric, hull_m)
    return dist


def _check_against_grids(gdf: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> None:
    geoms = np.asarray(gdf.geometry.values)
    tree = shapely.STRtree(np.asarray(grids.geometry.values))
    hit = np.zeros(len(geoms), dtype=bool)
    idx, _ = tree.query(geoms, predicate="intersects")
    hit[idx] = True
    outside = ~hit
    if not outside.any():
        return
    dist = distance_to_grids(gdf.loc[outside], grids)
    far = dist > FAR_M
    out_ids = id_texts(gdf, id_col, outside)
    kind = layer_term(report.layer)
    if far.all() and far.size == len(gdf):
        report.issue(ERROR, "far_from_grids", message_key="check.all_far_from_grids", ids=out_ids[:50], n=len(gdf), layer=kind,
                     km=f"{np.min(dist) / 1000:.1f}")
        return
    near_ids = [i for i, f in zip(out_ids, far, strict=True) if not f]
    far_ids = [i for i, f in zip(out_ids, far, strict=True) if f]
    if near_ids:
        report.issue(WARNING, "outside_grids", ids=near_ids, n=len(near_ids), layer=kind)
    if far_ids:
        report.issue(WARNING, "far_from_grids", ids=far_ids, n=len(far_ids), layer=kind, km=f"{FAR_M / 1000:.0f}")
