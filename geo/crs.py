"""Coordinate systems: parsing what users say, China's shifted systems, local metres.

Every distance, area and buffer is computed in a local metric CRS.

Data is stored in WGS-84. China's web maps use GCJ-02 (AutoNavi, Tencent)
and BD-09 (Baidu), which PROJ does not know; they are converted with the
``geocoordinates-rs`` library. Its per-point calls are slow in bulk (about
60 µs), and the shift is smooth (it changes over tens of kilometres), so a
layer is converted by evaluating the library on a lattice over the layer's
extent and interpolating bilinearly between its nodes; the tests check the
result against the library point by point (error under 10 cm).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import geocoordinates_ffi as gcf
import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj.exceptions import CRSError as ProjCRSError

from . import schema
from .errors import CRSError
from .safe import printable

__all__ = [
    "centre_lon",
    "china_shift",
    "local_metric_crs",
    "parse_crs",
    "parse_lonlat",
    "to_storage_crs",
]

GCJ02: Final = "gcj02"
BD09: Final = "bd09"
SHIFTED: Final = (GCJ02, BD09)

_ALIASES: Final = {
    "wgs84": "EPSG:4326",
    "wgs-84": "EPSG:4326",
    "cgcs2000": "EPSG:4490",
    "cgcs-2000": "EPSG:4490",
    "gcj02": GCJ02,
    "gcj-02": GCJ02,
    "gcj": GCJ02,
    "bd09": BD09,
    "bd-09": BD09,
    "baidu": BD09,
}

#: Lattice step (degrees) of the interpolated China shift, per system. BD-09
#: adds a ripple of about 40 m amplitude and 13 km wavelength to GCJ-02, so
#: it needs a finer lattice to keep the interpolation error near 5 cm
#: (0.01° gives about 1 m there; GCJ-02 at 0.01° is within 3 cm).
_LATTICE_STEP: Final = {GCJ02: 0.01, BD09: 0.002}


def parse_crs(text: str | int | pyproj.CRS | None) -> pyproj.CRS | str | None:
    """Read a CRS as users write it.

    Parameters
    ----------
    text
        ``EPSG:4326``, ``4326``, ``wgs84``, ``cgcs2000``, ``gcj02``, ``bd09``,
        a PROJ string or WKT; None for "not given".

    Returns
    -------
    pyproj.CRS, or the string ``"gcj02"`` / ``"bd09"``, or None.
    """
    if text is None or isinstance(text, pyproj.CRS):
        return text
    key = str(text).strip().lower()
    if key in _ALIASES:
        key = _ALIASES[key]
        if key in SHIFTED:
            return key
    try:
        return pyproj.CRS.from_user_input(int(key) if key.isdigit() else (key.upper() if key.startswith("epsg") else str(text)))
    except (ProjCRSError, ValueError, OverflowError) as exc:
        raise CRSError.of("io.crs_unknown", crs=f"'{printable(text, 120)}'") from exc


def parse_lonlat(text: str) -> tuple[float, float]:
    """A point a user types as ``lon,lat`` (WGS-84 degrees; spaces around the numbers allowed).

    Parameters
    ----------
    text
        What the user typed, e.g. ``"114.362, 30.518"``.

    Returns
    -------
    (lon, lat)

    Raises
    ------
    CRSError
        ``crs.bad_lonlat`` when the text is not two numbers separated by a
        comma, ``crs.lonlat_range`` when they are not a longitude in
        -180..180 and a latitude in -90..90.
    """
    shown = f"'{printable(text, 120)}'"
    parts = text.split(",")
    try:
        lon, lat = (float(v) for v in parts)
    except ValueError as exc:
        raise CRSError.of("crs.bad_lonlat", text=shown) from exc
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):  # NaN fails too
        raise CRSError.of("crs.lonlat_range", text=shown)
    return lon, lat


def local_metric_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """A transverse Mercator CRS centred on the data, in metres.

    Centred on the data, its scale error is under 0.01% within 100 km of the
    centre, far better than a UTM zone edge.

    Parameters
    ----------
    gdf
        Data in a geographic CRS (WGS-84); may be empty.

    Returns
    -------
    pyproj.CRS
    """
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    if geoms.crs is not None and geoms.crs.is_projected:
        return geoms.crs
    valid = geoms[~(geoms.is_empty | geoms.isna())]
    if len(valid) == 0:
        lon0, lat0 = 114.0, 30.0
    else:
        minx, miny, maxx, maxy = valid.total_bounds
        lon0, lat0 = round(centre_lon(valid, minx, maxx), 3), round((miny + maxy) / 2, 3)
    return pyproj.CRS.from_proj4(
        f"+proj=tmerc +lat_0={lat0} +lon_0={lon0} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def centre_lon(geoms: gpd.GeoSeries, minx: float, maxx: float) -> float:
    """Longitude of the middle of the data, across the antimeridian where it lies there.

    Data on both sides of 180° (Fiji, Chukotka) has bounds of about -180 to
    180, whose middle (0°) is half a world away from it. Where the data
    read with negative longitudes moved by 360° is narrower, its middle is
    taken (back in -180..180), if it spans less than half the world.

    Parameters
    ----------
    geoms
        Non-empty geometries in longitude/latitude.
    minx, maxx
        Their bounds.

    Returns
    -------
    float: a longitude in -180..180.
    """
    if maxx - minx <= 180:
        return (minx + maxx) / 2
    x = shapely.get_coordinates(np.asarray(geoms.values))[:, 0]
    east = np.where(x < 0, x + 360, x)
    if east.max() - east.min() >= 180:  # all round the world: no better middle
        return (minx + maxx) / 2
    mid = (east.min() + east.max()) / 2
    return float(mid - 360 if mid > 180 else mid)


def to_storage_crs(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | str | None = None) -> gpd.GeoDataFrame:
    """Reproject a layer to WGS-84 for storage.

    Parameters
    ----------
    gdf
        The layer as read.
    crs
        The CRS the user says the data is in (overrides the file's), or
        ``"gcj02"`` / ``"bd09"``. Needed where the file has none.

    Returns
    -------
    GeoDataFrame in EPSG:4326.
    """
    crs = parse_crs(crs)
    if crs is None:
        if gdf.crs is None:
            raise CRSError.of("io.no_crs")
        crs = gdf.crs
    if isinstance(crs, str):
        shifted = gdf.set_crs(schema.STORAGE_CRS, allow_override=True)
        return china_shift(shifted, crs, inverse=True)
    out = gdf.set_crs(crs, allow_override=True)
    if not out.crs.equals(schema.STORAGE_CRS):
        out = out.to_crs(schema.STORAGE_CRS)
    return out


def china_shift(gdf: gpd.GeoDataFrame, system: str, *, inverse: bool = False) -> gpd.GeoDataFrame:
    """Shift WGS-84 coordinates into GCJ-02 or BD-09, or back.

    Parameters
    ----------
    gdf
        Longitude/latitude data.
    system
        ``"gcj02"`` or ``"bd09"``.
    inverse
        False: WGS-84 to ``system`` (to draw on AutoNavi/Tencent/Baidu
        tiles). True: ``system`` to WGS-84 (to load their coordinates).

    Returns
    -------
    GeoDataFrame with shifted geometries (same index and columns).
    """
    if system not in SHIFTED:
        msg = f"Unknown shifted system {system!r}."
        raise CRSError(msg, "Use gcj02 or bd09.")
    out = gdf.copy()
    geoms = out.geometry.values
    coords = shapely.get_coordinates(geoms)
    if len(coords) == 0:
        return out
    new = shift_coords(coords[:, 0], coords[:, 1], system, inverse=inverse)
    out[out.geometry.name] = shapely.set_coordinates(shapely.from_wkb(shapely.to_wkb(geoms)), np.column_stack(new))
    return out.set_crs(schema.STORAGE_CRS, allow_override=True)


def shift_coords(
    lon: np.ndarray, lat: np.ndarray, system: str, *, inverse: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Shift coordinate arrays (see :func:`china_shift`)."""
    fn = _point_function(system, inverse)
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.size <= 64:
        pts = [fn(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    step = _LATTICE_STEP[system]
    x0, x1 = np.floor(lon.min() / step) * step, np.ceil(lon.max() / step) * step
    y0, y1 = np.floor(lat.min() / step) * step, np.ceil(lat.max() / step) * step
    xs = np.arange(x0, x1 + step / 2, step)
    ys = np.arange(y0, y1 + step / 2, step)
    if xs.size < 2:
        xs = np.array([x0, x0 + step])
    if ys.size < 2:
        ys = np.array([y0, y0 + step])
    if xs.size * ys.size > lon.size:  # sparse points over a wide area: convert each
        pts = [fn(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
        return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    dx = np.empty((ys.size, xs.size))
    dy = np.empty((ys.size, xs.size))
    for j, y in enumerate(ys):
        for i, x in enumerate(xs):
            nx, ny = fn(float(x), float(y))
            dx[j, i], dy[j, i] = nx - x, ny - y
    fx = (lon - xs[0]) / step
    fy = (lat - ys[0]) / step
    i0 = np.clip(np.floor(fx).astype(int), 0, xs.size - 2)
    j0 = np.clip(np.floor(fy).astype(int), 0, ys.size - 2)
    tx, ty = fx - i0, fy - j0

    def interp(d: np.ndarray) -> np.ndarray:
        return (
            d[j0, i0] * (1 - tx) * (1 - ty)
            + d[j0, i0 + 1] * tx * (1 - ty)
            + d[j0 + 1, i0] * (1 - tx) * ty
            + d[j0 + 1, i0 + 1] * tx * ty
        )

    return lon + interp(dx), lat + interp(dy)


def _point_function(system: str, inverse: bool) -> Callable[[float, float], tuple[float, float]]:
    def wgs_to_gcj(x: float, y: float) -> tuple[float, float]:
        p = gcf.wgs84_to_gcj02(gcf.Wgs84(lat=y, lon=x))
        return p.lon, p.lat

    def gcj_to_wgs(x: float, y: float) -> tuple[float, float]:
        p = gcf.gcj02_to_wgs84_refined(gcf.Gcj02(lat=y, lon=x))
        return p.lon, p.lat

    def wgs_to_bd(x: float, y: float) -> tuple[float, float]:
        p = gcf.gcj02_to_bd09(gcf.wgs84_to_gcj02(gcf.Wgs84(lat=y, lon=x)))
        return p.lon, p.lat

    def bd_to_wgs(x: float, y: float) -> tuple[float, float]:
        p = gcf.bd09_to_wgs84_refined(gcf.Bd09(lat=y, lon=x))
        return p.lon, p.lat

    table = {
        (GCJ02, False): wgs_to_gcj,
        (GCJ02, True): gcj_to_wgs,
        (BD09, False): wgs_to_bd,
        (BD09, True): bd_to_wgs,
    }
    return table[(system, inverse)]
