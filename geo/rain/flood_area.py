"""The flooded area of a flood response: drawn or typed as a polygon, or a stored flood zone.

:func:`parse_polygon` reads an area from a file, GeoJSON text or typed
vertices; :func:`zone_area` looks a stored zone up by id and
:func:`zone_label` names it. :func:`geo.rain.flood.flood_response` takes
either.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from .. import schema
from ..errors import OptionError, UnknownIdError
from . import _shared

__all__ = ["parse_polygon", "zone_area", "zone_label"]


def parse_polygon(value: str | Path) -> shapely.Geometry:
    """A flooded area from a file or from text.

    Parameters
    ----------
    value
        A vector file holding polygons (GeoJSON, GeoPackage, Shapefile...;
        read with its CRS, WGS-84 when it has none), GeoJSON text (a
        geometry, feature or feature collection), or vertices as text:
        ``lon,lat; lon,lat; lon,lat`` (at least three).

    Returns
    -------
    shapely.Geometry
        A valid (Multi)Polygon in WGS-84.
    """
    from ..safe import printable

    text = str(value).strip()
    if not text:
        raise OptionError.of("flood.area_empty")
    if text.startswith("{"):
        geoms = _geojson_geoms(text)
    elif ";" not in text and Path(text).is_file():
        geoms = _file_geoms(Path(text))
    elif ";" not in text and Path(text).suffix.lower() in (".geojson", ".json", ".gpkg", ".shp", ".kml"):
        raise OptionError.of("flood.area_no_file", file=printable(Path(text).name, 200))
    else:
        geoms = [_vertices(text)]
    polys = [g for g in geoms if g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not polys:
        raise OptionError.of("flood.area_no_polygon")
    area = shapely.make_valid(shapely.union_all(polys))
    minx, miny, maxx, maxy = area.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise OptionError.of("flood.area_not_degrees", bounds=f"{minx:.1f}, {miny:.1f} ... {maxx:.1f}, {maxy:.1f}")
    return area


def _vertices(text: str) -> shapely.Geometry:
    from ..safe import printable

    try:
        pts = [tuple(float(v) for v in part.split(",")) for part in text.split(";") if part.strip()]
    except ValueError as exc:
        raise OptionError.of("flood.area_vertices", text=printable(text, 60)) from exc
    bad = [k for k, p in enumerate(pts, start=1) if len(p) != 2]
    if bad:
        raise OptionError.of("flood.area_vertex", n=bad[0])
    if len(pts) < 3:
        raise OptionError.of("flood.area_three", n=len(pts))
    return shapely.Polygon(pts)


def _geojson_geoms(text: str) -> list[shapely.Geometry]:
    import json

    from ..safe import printable

    try:
        data = json.loads(text)
        feats = data.get("features") or [data]
        return [shapely.geometry.shape(f.get("geometry", f)) for f in feats]
    except (ValueError, AttributeError, TypeError, KeyError) as exc:
        raise OptionError.of("flood.area_geojson", reason=printable(str(exc), 200)) from exc


def _file_geoms(path: Path) -> list[shapely.Geometry]:
    from ..safe import printable

    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds for an unreadable file
        raise OptionError.of("flood.area_file", file=printable(path.name, 200), reason=type(exc).__name__) from exc
    if gdf.crs is None:
        gdf = gdf.set_crs(schema.STORAGE_CRS)
    return list(gdf.to_crs(schema.STORAGE_CRS).geometry)


# -- flood zones ---------------------------------------------------------------------


def zone_area(zones: gpd.GeoDataFrame | None, zone_id: str) -> tuple[shapely.Geometry, dict[str, Any]]:
    """The area (WGS-84) and the attributes of one stored flood zone.

    Parameters
    ----------
    zones
        The ``flood_zones`` layer (``None`` or empty when none was imported).
    zone_id
        The zone's id.

    Returns
    -------
    (area, zone)
        A valid (Multi)Polygon, and ``zone_id``, ``name``,
        ``return_period_years``, ``depth_m``, ``source``.
    """
    if zones is None or zones.empty:
        raise UnknownIdError.of("flood.no_zones", zone=str(zone_id))
    match = zones[zones["zone_id"].astype(str) == str(zone_id)]
    if match.empty:
        known = sorted(zones["zone_id"].astype(str))
        shown = ", ".join(known[:10]) + (" ..." if len(known) > 10 else "")
        raise UnknownIdError.of("flood.unknown_zone", zone=str(zone_id), zones=shown)
    row = match.iloc[0]
    geom = shapely.make_valid(row.geometry) if row.geometry is not None else shapely.Polygon()
    zone = {"zone_id": str(row["zone_id"]), "name": _shared.text(row.get("name")),
            "return_period_years": _whole(row.get("return_period_years")), "depth_m": _number(row.get("depth_m")),
            "source": _shared.text(row.get("source"))}
    return geom, zone


def zone_label(zone: dict[str, Any], lang: str = "zh") -> str:
    """One line naming a flood zone: ``淹没区 城东低洼区（Z1，100 年一遇）``."""
    from .. import i18n

    name = zone.get("name") or zone["zone_id"]
    period = zone.get("return_period_years")
    if period is None:
        return i18n.t("rain.zone_title", lang, name=name, zone=zone["zone_id"])
    return i18n.t("rain.zone_title_period", lang, name=name, zone=zone["zone_id"], years=period)


def _whole(v: object) -> int | None:
    return None if v is None or pd.isna(v) else int(v)  # type: ignore[call-overload]


def _number(v: object) -> float | None:
    return None if v is None or pd.isna(v) else float(v)  # type: ignore[arg-type]
