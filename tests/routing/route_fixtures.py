"""Small, hand-checkable street networks and points for the routing tests.

Everything is drawn in metres on a local transverse Mercator around a point
in Wuhan and stored in WGS-84, like the store's layers.
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pyproj
import shapely

LON0, LAT0 = 114.40, 30.50
LOCAL = pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +ellps=WGS84 +units=m")


def to_wgs(geoms: Sequence[shapely.Geometry]) -> gpd.GeoSeries:
    """Local metric geometries to WGS-84."""
    return gpd.GeoSeries(list(geoms), crs=LOCAL).to_crs("EPSG:4326")


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres to (lon, lat)."""
    p = to_wgs([shapely.Point(x, y)]).iloc[0]
    return float(p.x), float(p.y)


def streets(lines: Sequence[Sequence[tuple[float, float]]], ids: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """A ``streets`` layer from lines given in local metres."""
    ids = list(ids) if ids is not None else [f"S{i}" for i in range(len(lines))]
    return gpd.GeoDataFrame(
        {"street_id": ids, "name": ["街道"] * len(lines), "highway": ["residential"] * len(lines)},
        geometry=to_wgs([shapely.LineString(line) for line in lines]).values,
        crs="EPSG:4326",
    )


def grid_streets(n: int = 4, step: float = 100.0) -> gpd.GeoDataFrame:
    """An ``n`` x ``n`` block grid: every street a straight line sharing vertices at crossings."""
    lines = []
    for k in range(n):
        lines.append([(k * step, j * step) for j in range(n)])
        lines.append([(j * step, k * step) for j in range(n)])
    return streets(lines, ids=[f"w{i + 1}" for i in range(len(lines))])


def points(
    xy: Sequence[tuple[float, float]], *, types: Sequence[str] | None = None, grids: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    """Incident rows at local metre coordinates."""
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"P{i:02d}" for i in range(n)],
            "type": list(types) if types is not None else ["drain_grate"] * n,
            "status": ["ok"] * n,
            "grid_id": list(grids) if grids is not None else ["G1"] * n,
        },
        geometry=to_wgs([shapely.Point(x, y) for x, y in xy]).values,
        crs="EPSG:4326",
    )
