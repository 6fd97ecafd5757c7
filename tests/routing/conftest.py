"""Fixtures of the routing tests: small, hand-checkable street networks and points.

Everything is drawn in metres on a local transverse Mercator around a point
in Wuhan (``local_crs``) and stored in WGS-84, like the store's layers. The
builders are factory fixtures: a test asks for ``make_points`` and calls it
with the coordinates it needs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import geopandas as gpd
import pyproj
import pytest
import shapely

LON0, LAT0 = 114.40, 30.50
LOCAL = pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +ellps=WGS84 +units=m")

ToWgs = Callable[[Sequence[shapely.Geometry]], gpd.GeoSeries]
LonLat = Callable[[float, float], tuple[float, float]]
MakeStreets = Callable[..., gpd.GeoDataFrame]
GridStreets = Callable[..., gpd.GeoDataFrame]
MakePoints = Callable[..., gpd.GeoDataFrame]


def _to_wgs(geoms: Sequence[shapely.Geometry]) -> gpd.GeoSeries:
    return gpd.GeoSeries(list(geoms), crs=LOCAL).to_crs("EPSG:4326")


def _lonlat(x: float, y: float) -> tuple[float, float]:
    p = _to_wgs([shapely.Point(x, y)]).iloc[0]
    return float(p.x), float(p.y)


def _streets(lines: Sequence[Sequence[tuple[float, float]]], ids: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    ids = list(ids) if ids is not None else [f"S{i}" for i in range(len(lines))]
    return gpd.GeoDataFrame(
        {"street_id": ids, "name": ["街道"] * len(lines), "highway": ["residential"] * len(lines)},
        geometry=_to_wgs([shapely.LineString(line) for line in lines]).values,
        crs="EPSG:4326",
    )


def _grid_streets(n: int = 4, step: float = 100.0) -> gpd.GeoDataFrame:
    lines = []
    for k in range(n):
        lines.append([(k * step, j * step) for j in range(n)])
        lines.append([(j * step, k * step) for j in range(n)])
    return _streets(lines, ids=[f"w{i + 1}" for i in range(len(lines))])


def _points(
    xy: Sequence[tuple[float, float]], *, types: Sequence[str] | None = None, grids: Sequence[str] | None = None
) -> gpd.GeoDataFrame:
    n = len(xy)
    return gpd.GeoDataFrame(
        {
            "incident_id": [f"P{i:02d}" for i in range(n)],
            "type": list(types) if types is not None else ["drain_grate"] * n,
            "status": ["ok"] * n,
            "grid_id": list(grids) if grids is not None else ["G1"] * n,
        },
        geometry=_to_wgs([shapely.Point(x, y) for x, y in xy]).values,
        crs="EPSG:4326",
    )


@pytest.fixture(scope="session")
def local_crs() -> pyproj.CRS:
    """The local metric CRS the fixtures are drawn in (metres around 114.40 E, 30.50 N)."""
    return LOCAL


@pytest.fixture(scope="session")
def to_wgs() -> ToWgs:
    """``to_wgs(geoms)``: local metric geometries to a WGS-84 GeoSeries."""
    return _to_wgs


@pytest.fixture(scope="session")
def lonlat() -> LonLat:
    """``lonlat(x, y)``: local metres to ``(lon, lat)``."""
    return _lonlat


@pytest.fixture(scope="session")
def make_streets() -> MakeStreets:
    """``make_streets(lines, ids=None)``: a ``streets`` layer from lines given in local metres."""
    return _streets


@pytest.fixture(scope="session")
def grid_streets() -> GridStreets:
    """``grid_streets(n=4, step=100.0)``: an n x n block grid, every street a line sharing vertices at crossings."""
    return _grid_streets


@pytest.fixture(scope="session")
def make_points() -> MakePoints:
    """``make_points(xy, types=None, grids=None)``: incident rows at local metre coordinates."""
    return _points
