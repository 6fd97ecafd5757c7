"""Validation of layers: find every problem, repair what can be repaired,
and report all of it at once (never silently).

Errors block an import (nothing is written); warnings are imported and
listed. The report says what and where: ids, areas in m² and a location
(longitude, latitude) a user can zoom to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import schema
from .crs import local_metric_crs

__all__ = ["Issue", "ValidationReport", "validate_layer", "grid_overlaps_and_gaps"]

ERROR: Final = "error"
WARNING: Final = "warning"

#: Overlaps and gaps smaller than this (m²) are drawing noise, not reported.
MIN_SLIVER_M2: Final = 1.0
#: Data farther than this from every grid (m) is reported as far away.
FAR_M: Final = 2_000.0


@dataclass
class Issue:
    """One problem found in a layer."""

    level: str
    code: str
    message: str
    ids: list[str] = field(default_factory=list)
    lon: float | None = None
    lat: float | None = None
    area_m2: float | None = None
    #: Values of the message's ``{name}`` fields; with them the message is
    #: ``check.<code>`` of the translation table, in any language.
    params: dict[str, object] | None = None

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English for issues recorded without a key)."""
        if self.params is None:
            return self.message
        from . import i18n

        return i18n.t(f"check.{self.code}", lang, **self.params)


@dataclass
class ValidationReport:
    """Everything found while loading one layer."""

    layer: str
    source: str = ""
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block an import."""
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Issues imported with a note."""
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors

    def add(self, level: str, code: str, message: str, **kw: object) -> None:
        """Record an issue (prefer :meth:`issue`, whose text is translated)."""
        self.issues.append(Issue(level, code, message, **kw))  # type: ignore[arg-type]

    def issue(self, level: str, code: str, *, ids: list[str] | None = None, lon: float | None = None,
              lat: float | None = None, area_m2: float | None = None, **params: object) -> Issue:
        """Record an issue whose message is ``check.<code>`` of the translation table.

        Parameters
        ----------
        level
            :data:`ERROR` or :data:`WARNING`.
        code
            The issue's code, also its key (``check.<code>``).
        ids, lon, lat, area_m2
            Where it is (see :class:`Issue`).
        **params
            Values for the message's ``{name}`` fields.

        Returns
        -------
        Issue: the recorded issue.
        """
        from . import i18n

        item = Issue(level, code, i18n.t(f"check.{code}", "en", **params), list(ids or []), lon, lat, area_m2,
                     dict(params))
        self.issues.append(item)
        return item

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The issues as a table (one row per issue), messages in ``lang``."""
        rows = [
            {"level": i.level, "code": i.code, "message": i.text(lang), "ids": ", ".join(i.ids[:50]),
             "count": len(i.ids), "lon": i.lon, "lat": i.lat, "area_m2": i.area_m2}
            for i in self.issues
        ]
        return pd.DataFrame(rows, columns=["level", "code", "message", "ids", "count", "lon", "lat", "area_m2"])

    def to_text(self, lang: str = "en") -> str:
        """A readable report for the command line, messages in ``lang``."""
        head = f"{self.layer} from {self.source or 'input'}: {self.rows} rows, {len(self.errors)} error(s), {len(self.warnings)} warning(s)"
        lines = [head]
        for i in self.issues:
            where = f" at {i.lon:.6f},{i.lat:.6f}" if i.lon is not None and i.lat is not None else ""
            area = f" ({i.area_m2:.1f} m²)" if i.area_m2 is not None else ""
            ids = f" [{', '.join(i.ids[:10])}{' ...' if len(i.ids) > 10 else ''}]" if i.ids else ""
            lines.append(f"  {i.level.upper()} {i.code}: {i.text(lang)}{area}{where}{ids}")
        return "\n".join(lines)


def validate_layer(
    gdf: gpd.GeoDataFrame,
    kind: str,
    *,
    grids: gpd.GeoDataFrame | None = None,
    source: str = "",
    merge_duplicates: bool = False,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Check a conformed layer, repair invalid geometries, report the rest.

    Parameters
    ----------
    gdf
        A layer in EPSG:4326 with the schema's columns (:func:`geo.io.conform`).
    kind
        Its layer name.
    grids
        Grids to check points against (outside every grid, far away).
    source
        File name, for the report.
    merge_duplicates
        Rows sharing an id are one feature cut in pieces (tiled exports):
        polygons are merged into one, and label points beside a polygon
        of the same id are dropped (both listed). Otherwise duplicate ids
        are an error.

    Returns
    -------
    (layer, report): rows with empty geometry removed (and listed),
    invalid geometries repaired (and listed).
    """
    report = ValidationReport(kind, source, len(gdf))
    id_col = schema.ID_COLUMN[kind]
    out = gdf.copy()
    out[id_col] = gdf[id_col].astype(object).map(lambda v: None if pd.isna(v) else str(v))
    if merge_duplicates:
        out = _merge_duplicates(out, id_col, report)
    _check_ids(out[id_col], kind, id_col, report)
    out = _drop_empty(out, id_col, report)
    _check_types(out, kind, id_col, report)
    out = _repair(out, kind, id_col, report)
    if kind == schema.GRIDS and len(out) > 1 and report.ok:
        for issue in grid_overlaps_and_gaps(out):
            report.issues.append(issue)
    if grids is not None and len(grids) and kind in (schema.BUILDINGS, schema.INCIDENTS) and len(out):
        _check_against_grids(out, grids, id_col, report)
    if kind == schema.FLOOD_ZONES:
        from .flood import check_zones

        check_zones(out, report)
    return out, report


def grid_overlaps_and_gaps(grids: gpd.GeoDataFrame) -> list[Issue]:
    """Overlaps between grids and gaps enclosed by them, with area and place.

    Parameters
    ----------
    grids
        Valid grid polygons in EPSG:4326.

    Returns
    -------
    list of warnings, largest first.
    """
    crs = local_metric_crs(grids)
    metric = grids.to_crs(crs)
    geoms = np.asarray(metric.geometry.values)
    gid = grids["grid_id"].astype(str).to_numpy()
    to_geo = pyproj.Transformer.from_crs(crs, schema.STORAGE_CRS, always_xy=True)
    issues: list[Issue] = []
    a, b = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = a < b
    for i, j in zip(a[keep], b[keep], strict=True):
        inter = shapely.intersection(geoms[i], geoms[j])
        area = float(shapely.area(inter))
        if area >= MIN_SLIVER_M2:
            lon, lat = _where(inter, to_geo)
            issues.append(Issue(WARNING, "grid_overlap", f"Grids {gid[i]} and {gid[j]} overlap.",
                                [gid[i], gid[j]], lon, lat, round(area, 1)))
    tree = shapely.STRtree(geoms)
    for poly in shapely.get_parts(shapely.union_all(geoms)):
        for ring in _holes(poly):
            hole = shapely.Polygon(ring)
            area = float(hole.area)
            if area >= MIN_SLIVER_M2:
                lon, lat = _where(hole, to_geo)
                near = gid[tree.query(hole, predicate="intersects")]
                issues.append(Issue(WARNING, "grid_gap", "Gap between grids (an area no grid covers).",
                                    sorted(set(map(str, near))), lon, lat, round(area, 1)))
    return sorted(issues, key=lambda i: -(i.area_m2 or 0))


# -- private steps -----------------------------------------------------------


def _holes(poly: shapely.Polygon) -> list[shapely.LinearRing]:
    return list(poly.interiors) if isinstance(poly, shapely.Polygon) else []


def _where(geom: shapely.Geometry, to_geo: pyproj.Transformer) -> tuple[float, float]:
    p = shapely.point_on_surface(geom)
    lon, lat = to_geo.transform(p.x, p.y)
    return round(float(lon), 7), round(float(lat), 7)


def _check_ids(ids: pd.Series, kind: str, id_col: str, report: ValidationReport) -> None:
    missing = ids.isna()
    if missing.any():
        rows = [str(i) for i in ids.index[missing][:20]]
        report.add(ERROR, "missing_id", f"{int(missing.sum())} {kind} row(s) have no {id_col} (rows {', '.join(rows)}).",
                   ids=rows)
    dup = ids[ids.notna() & ids.duplicated(keep=False)]
    if len(dup):
        values = sorted(set(dup))
        report.add(ERROR, "duplicate_id",
                   f"{len(values)} {id_col} value(s) are used more than once; ids must be unique "
                   "(if the rows are pieces of one feature from a tiled export, load with --merge-duplicates)", ids=values)


def _merge_duplicates(gdf: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
    ids = gdf[id_col]
    dup = ids.notna() & ids.duplicated(keep=False)
    if not dup.any():
        return gdf
    is_point = gdf.geometry.geom_type.eq("Point")
    areal_ids = set(ids[dup & ~is_point])
    labels = dup & is_point & ids.isin(areal_ids)
    if labels.any():
        report.add(WARNING, "label_point_dropped",
                   f"{int(labels.sum())} point(s) share an id with a polygon (label points) and were dropped.",
                   ids=sorted(set(ids[labels])))
    rest = gdf[~labels]
    rdup = rest[id_col].notna() & rest[id_col].duplicated(keep=False)
    if not rdup.any():
        return rest
    pieces = rest[rdup]
    merged_geom = pieces.groupby(id_col, sort=False).geometry.agg(lambda s: shapely.union_all(s.to_numpy()))
    first = pieces.drop_duplicates(id_col).set_index(id_col)
    first = first.set_geometry(merged_geom.reindex(first.index).to_numpy(), crs=gdf.crs)
    report.add(WARNING, "pieces_merged",
               f"{int(rdup.sum())} rows sharing {len(first)} id(s) were merged into one feature each.",
               ids=sorted(first.index.astype(str)))
    merged = pd.concat([rest[~rdup], first.reset_index()], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry=gdf.geometry.name, crs=gdf.crs)


def _drop_empty(gdf: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        ids = [str(v) for v in gdf.loc[empty, id_col]]
        report.add(WARNING, "empty_geometry",
                   f"{int(empty.sum())} row(s) have no geometry and were not imported.", ids=ids)
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
        report.add(ERROR, "geometry_type",
                   f"{int(wrong.sum())} {kind} have {found} geometry; {kind} must be {' or '.join(schema.GEOMETRY_TYPES[kind])}.",
                   ids=[str(v) for v in gdf.loc[wrong, id_col]])


def _repair(gdf: gpd.GeoDataFrame, kind: str, id_col: str, report: ValidationReport) -> gpd.GeoDataFrame:
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
    fixed = shapely.make_valid(geoms[bad])
    if kind in (schema.GRIDS, schema.BUILDINGS, schema.FLOOD_ZONES):
        fixed = np.array([_polygonal(g) for g in fixed], dtype=object)
    geoms = geoms.copy()
    geoms[bad] = fixed
    ids = [str(v) for v in gdf[id_col].to_numpy()[bad]]
    first = str(reasons[0]) if len(reasons) else ""
    report.add(WARNING, "invalid_geometry",
               f"{len(bad)} invalid geometr{'y was' if len(bad) == 1 else 'ies were'} repaired with make_valid (first: {first}).",
               ids=ids)
    return gdf.set_geometry(geoms, crs=gdf.crs)


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    polys = [p for p in shapely.get_parts(g) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _check_against_grids(gdf: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, id_col: str, report: ValidationReport) -> None:
    geoms = np.asarray(gdf.geometry.values)
    tree = shapely.STRtree(np.asarray(grids.geometry.values))
    hit = np.zeros(len(geoms), dtype=bool)
    idx, _ = tree.query(geoms, predicate="intersects")
    hit[idx] = True
    outside = ~hit
    if not outside.any():
        return
    _check_china_shift(geoms, hit, tree, report)
    crs = local_metric_crs(grids)
    hull = shapely.convex_hull(shapely.union_all(np.asarray(grids.to_crs(crs).geometry.values)))
    metric = np.asarray(gdf.loc[outside].to_crs(crs).geometry.values)
    dist = shapely.distance(metric, hull)
    far = dist > FAR_M
    out_ids = [str(v) for v in gdf.loc[outside, id_col]]
    kind = report.layer
    if far.all() and far.size == len(gdf):
        report.add(ERROR, "far_from_grids",
                   f"All {len(gdf)} {kind} lie {np.min(dist) / 1000:.1f} km or more from every grid: the coordinate system is probably wrong.",
                   ids=out_ids[:50])
        return
    near_ids = [i for i, f in zip(out_ids, far, strict=True) if not f]
    far_ids = [i for i, f in zip(out_ids, far, strict=True) if f]
    if near_ids:
        report.add(WARNING, "outside_grids",
                   f"{len(near_ids)} {kind} lie outside every grid; they are kept and counted as outside.", ids=near_ids)
    if far_ids:
        report.add(WARNING, "far_from_grids",
                   f"{len(far_ids)} {kind} lie more than {FAR_M / 1000:.0f} km from every grid (wrong coordinates?).",
                   ids=far_ids)


#: Share of a layer that must lie outside every grid before a China shift
#: (GCJ-02 / BD-09 against WGS-84) is looked for, and share that must land
#: inside grids once shifted for it to be reported.
_SHIFT_OUTSIDE: Final = 0.2
_SHIFT_INSIDE: Final = 0.9
_SHIFT_SAMPLE: Final = 5_000
#: Where GCJ-02 applies (degrees, loose): min lon, min lat, max lon, max lat.
_CHINA_BOX: Final = (73.0, 15.0, 136.0, 54.0)

_SHIFT_ADVICE: Final = {
    ("gcj02", True): ("GCJ-02 (AutoNavi/Amap, Tencent, most Chinese phone maps)",
                      "if the file comes from such a map, load it with --crs gcj02"),
    ("bd09", True): ("BD-09 (Baidu maps)", "if the file comes from Baidu maps, load it with --crs bd09"),
    ("gcj02", False): ("WGS-84 loaded as GCJ-02",
                       "if the coordinates come from GPS, load the file with --crs wgs84 instead of --crs gcj02"),
    ("bd09", False): ("WGS-84 loaded as BD-09",
                      "if the coordinates come from GPS, load the file with --crs wgs84 instead of --crs bd09"),
}


def _check_china_shift(geoms: np.ndarray, hit: np.ndarray, tree: shapely.STRtree, report: ValidationReport) -> None:
    """Say so when many features miss every grid by a China map shift.

    Web maps in China draw GCJ-02 (or BD-09) coordinates, about 300-700 m
    off WGS-84: points copied from them and loaded as GPS data fall beside
    the grids. When a good share lies outside every grid and shifting the
    layer puts nearly all of it inside, the likely system is reported.
    """
    from .crs import SHIFTED, shift_coords

    n = len(geoms)
    if n < 5 or (~hit).sum() < _SHIFT_OUTSIDE * n:
        return
    take = np.linspace(0, n - 1, min(n, _SHIFT_SAMPLE)).astype(int)
    pts = shapely.point_on_surface(geoms[take])
    xy = shapely.get_coordinates(pts)
    if len(xy) != len(take) or not (_CHINA_BOX[0] <= xy[:, 0].min() and xy[:, 0].max() <= _CHINA_BOX[2]
                                        and _CHINA_BOX[1] <= xy[:, 1].min() and xy[:, 1].max() <= _CHINA_BOX[3]):
        return
    before = hit[take].mean()
    best: tuple[float, str, bool] | None = None
    for system in SHIFTED:
        for inverse in (True, False):
            x, y = shift_coords(xy[:, 0], xy[:, 1], system, inverse=inverse)
            inside = np.zeros(len(take), dtype=bool)
            inside[tree.query(shapely.points(x, y), predicate="intersects")[0]] = True
            share = float(inside.mean())
            if best is None or share > best[0]:
                best = (share, system, inverse)
    if best is None or best[0] < _SHIFT_INSIDE or best[0] - before < _SHIFT_OUTSIDE:
        return
    share, system, inverse = best
    what, advice = _SHIFT_ADVICE[(system, inverse)]
    report.add(WARNING, "china_shift",
               f"{(1 - before) * 100:.0f}% of the {report.layer} lie outside every grid, but {share * 100:.0f}% fall inside "
               f"once shifted as {what}: {advice}.")
