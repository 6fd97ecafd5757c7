"""Geometry as public files bring it, made plain on read.

Real files carry what GridWatch's layers do not need and must not trip on:

- longitudes a rounding error past the antimeridian (Natural Earth's Fiji
  and Russia reach 180.00000000000006);
- Z and M coordinates (a GeoPackage digitised in QGIS with Z and M on);
- curved geometries (CircularString, CurvePolygon, MultiSurface): GDAL
  linearises them on read, so they arrive here as plain lines and polygons.

:func:`normalize` returns the layer with plain 2-D geometry and the notes of
what it changed (:func:`notes_of`), which the validation report lists.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely

from .crs import centre_lon
from .errors import GeometryError, InputFileError
from .report import WARNING, ValidationReport

__all__ = [
    "LONLAT_TOLERANCE",
    "MAX_SCALE_ERROR",
    "OSM_LAYERS",
    "check_extent",
    "is_osm",
    "normalize",
    "notes_of",
    "osm_layer",
    "read_osm",
    "report_notes",
]

#: How far (degrees) past ±180 / ±90 a coordinate may lie and still be taken
#: as the edge: floating-point noise of a file written in degrees (1e-7° is
#: about 1 cm).
LONLAT_TOLERANCE: Final = 1e-7

#: Largest scale error (a fraction) of the local metric CRS
#: (:func:`geo.crs.local_metric_crs`, a transverse Mercator centred on the
#: data) at the edge of a layer (areas are off by about twice as much): 1% is
#: reached about 900 km east or west of the centre on the equator, farther
#: north and south.
MAX_SCALE_ERROR: Final = 0.01

_NOTES: Final = "gridwatch_read_notes"

# GDAL reads M as Z and pyogrio says so with a bare UserWarning on the
# terminal; :func:`normalize` drops both and the report says it once.
warnings.filterwarnings("ignore", message=r"Measured \(M\) geometry types are not supported", category=UserWarning)
_MEASURED: Final = ("grids", "buildings")


def normalize(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop Z/M and snap longitude/latitude noise at the edges of the world.

    Parameters
    ----------
    gdf
        A layer as read from a vector file, in its own CRS.

    Returns
    -------
    GeoDataFrame with 2-D geometry; its ``attrs`` hold the notes of what was
    changed (:func:`notes_of`): ``{"z_dropped": n, "lonlat_snapped": n}``
    for the numbers of rows changed.
    """
    notes: dict[str, int] = {}
    geoms = np.asarray(gdf.geometry.values)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    has_z = np.zeros(len(geoms), dtype=bool)
    has_z[present] = shapely.has_z(geoms[present])
    if has_z.any():
        geoms = geoms.copy()
        geoms[has_z] = shapely.force_2d(geoms[has_z])
        notes["z_dropped"] = int(has_z.sum())
    if gdf.crs is None or gdf.crs.is_geographic:
        geoms, snapped = _snap_lonlat(geoms, present)
        if snapped:
            notes["lonlat_snapped"] = snapped
    if not notes:
        return gdf
    out = gdf.set_geometry(geoms, crs=gdf.crs)
    out.attrs[_NOTES] = notes
    return out


def check_extent(gdf: gpd.GeoDataFrame, kind: str, source: str) -> None:
    """Refuse a layer too wide for the local metric CRS it is measured in.

    Areas, distances, overlaps and routes are computed in a transverse
    Mercator centred on the data. Its scale grows with the distance east or
    west of the centre (k = 1 / sqrt(1 - (cos φ sin Δλ)²)): 1% at about
    900 km on the equator, and it folds over 90° away, where polygons of
    the whole world become invalid. Data crossing the antimeridian is
    centred there (:func:`geo.crs.centre_lon`).

    Parameters
    ----------
    gdf
        A layer in longitude/latitude (WGS-84).
    kind
        Its layer name: grids and buildings are checked (their areas and
        overlaps are measured in their own metric CRS); incidents and
        streets are measured in the grids' one.
    source
        File name (for the message).

    Raises
    ------
    GeometryError
        When the scale error at the layer's edge exceeds
        :data:`MAX_SCALE_ERROR`.
    """
    geoms = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
    if geoms.empty or kind not in _MEASURED:
        return
    coords = shapely.get_coordinates(np.asarray(geoms.values))
    coords = coords[np.isfinite(coords).all(axis=1)]
    if not len(coords):
        return
    minx, maxx = float(coords[:, 0].min()), float(coords[:, 0].max())
    lon0 = centre_lon(geoms, minx, maxx)
    dlon = np.radians((coords[:, 0] - lon0 + 180.0) % 360.0 - 180.0)
    b = np.abs(np.cos(np.radians(coords[:, 1])) * np.sin(dlon))
    b[np.abs(dlon) >= np.pi / 2] = 1.0
    worst = float(b.max())
    error = np.inf if worst >= 1.0 else 1.0 / np.sqrt(1.0 - worst * worst) - 1.0
    if error <= MAX_SCALE_ERROR:
        return
    shown = ">100" if error > 1.0 else f"{error * 100:.1f}"
    west, east = minx, maxx
    if lon0 != (minx + maxx) / 2:  # centred across the antimeridian: say where it really reaches
        west, east = (lon0 + np.degrees(d) for d in (dlon.min(), dlon.max()))
    raise GeometryError.of("real.too_wide", file=source, west=f"{_wrap(west):.1f}", east=f"{_wrap(east):.1f}",
                           error=shown, limit=f"{MAX_SCALE_ERROR * 100:g}")


def _wrap(lon: float) -> float:
    """A longitude in -180..180."""
    return float((lon + 180.0) % 360.0 - 180.0) if abs(lon) > 180.0 else float(lon)


def notes_of(gdf: gpd.GeoDataFrame) -> dict[str, int]:
    """What :func:`normalize` changed in ``gdf`` (empty when nothing)."""
    return dict(gdf.attrs.get(_NOTES, {}))


def _snap_lonlat(geoms: np.ndarray, present: np.ndarray) -> tuple[np.ndarray, int]:
    """Clamp coordinates within :data:`LONLAT_TOLERANCE` past ±180 / ±90."""
    if not present.any():
        return geoms, 0
    coords, index = shapely.get_coordinates(geoms[present], return_index=True)
    x, y = coords[:, 0], coords[:, 1]
    noise_x = (np.abs(x) > 180) & (np.abs(x) <= 180 + LONLAT_TOLERANCE)
    noise_y = (np.abs(y) > 90) & (np.abs(y) <= 90 + LONLAT_TOLERANCE)
    noise = noise_x | noise_y
    if not noise.any():
        return geoms, 0
    fixed = coords.copy()
    fixed[:, 0] = np.where(noise_x, np.sign(x) * 180.0, x)
    fixed[:, 1] = np.where(noise_y, np.sign(y) * 90.0, y)
    rows = np.flatnonzero(present)[np.unique(index[noise])]
    out = geoms.copy()
    out[present] = shapely.set_coordinates(shapely.from_wkb(shapely.to_wkb(geoms[present])), fixed)
    return out, len(rows)


def report_notes(report: ValidationReport, raw: gpd.GeoDataFrame) -> None:
    """List in ``report`` what :func:`normalize` changed in the layer as read.

    Parameters
    ----------
    report
        The layer's validation report (warnings are added to it).
    raw
        The layer as :func:`geo.io.read_file` returned it.
    """
    notes = notes_of(raw)
    if notes.get("z_dropped"):
        report.issue(WARNING, "z_dropped", n=notes["z_dropped"])
    if notes.get("lonlat_snapped"):
        report.issue(WARNING, "lonlat_snapped", n=notes["lonlat_snapped"], tolerance=f"{LONLAT_TOLERANCE:g}")


#: Layers :func:`read_osm` reads from an OpenStreetMap file: ``buildings``
#: (the multipolygons with a ``building`` tag), GDAL's ``multipolygons``
#: (every area) and ``points`` (tagged nodes).
OSM_LAYERS: Final = ("buildings", "multipolygons", "points")

_OSM_SUFFIXES: Final = (".osm", ".osm.pbf", ".pbf")


def is_osm(path: str | os.PathLike[str]) -> bool:
    """True for an OpenStreetMap file (``.osm``, ``.osm.pbf``)."""
    return Path(path).name.lower().endswith(_OSM_SUFFIXES)


def osm_layer(path: str | os.PathLike[str], kind: str, layer: str | None) -> str | None:
    """The layer of an OpenStreetMap file a kind of layer is read from by default.

    Buildings come from ``buildings``, incidents from ``points``; grids have
    no default (OpenStreetMap has no community grids): the user names one.
    Other files, and a layer the user named, are left as they are.
    """
    if layer is not None or not is_osm(path):
        return layer
    return {"buildings": "buildings", "incidents": "points"}.get(kind)


def read_osm(path: str | os.PathLike[str], *, layer: str | None) -> gpd.GeoDataFrame:
    """Read the areas or points of an OpenStreetMap extract.

    An extract is clipped at its edges: some multipolygon rings are
    incomplete. GDAL hands them over as rings of one or two points, which
    geopandas refuses for the whole file; here such a feature gets no
    geometry (validation lists it as not imported) and the rest is read.

    Parameters
    ----------
    path
        ``.osm`` or ``.osm.pbf``.
    layer
        One of :data:`OSM_LAYERS`.

    Returns
    -------
    GeoDataFrame in EPSG:4326 with ``osm_id`` (``w<way id>``, ``r<relation
    id>`` or ``n<node id>``, unique) and the tags GDAL reads as columns.
    """
    p = Path(path)
    if layer is None:
        raise InputFileError.of("real.osm_no_layer", file=p.name, layers=", ".join(OSM_LAYERS))
    if layer not in OSM_LAYERS:
        raise InputFileError.of("real.osm_layer", file=p.name, layer=str(layer), layers=", ".join(OSM_LAYERS))
    source = "points" if layer == "points" else "multipolygons"
    try:
        meta, _fids, wkb, fields = pyogrio.raw.read(p, layer=source)
    except Exception as exc:  # pyogrio raises several types
        raise InputFileError.of("real.osm_unreadable", file=p.name,
                                reason=_gdal_reason(exc).replace(str(p), p.name)) from exc
    names = [str(n) for n in meta["fields"]]
    df = pd.DataFrame({n: f for n, f in zip(names, fields, strict=True)})
    geoms = shapely.from_wkb(wkb, on_invalid="ignore")
    if source == "points":
        df["osm_id"] = "n" + df["osm_id"].astype(str)
    else:
        way = df["osm_way_id"]
        df["osm_id"] = np.where(way.notna(), "w" + way.astype(str), "r" + df["osm_id"].astype(str))
        df = df.drop(columns=["osm_way_id"])
    gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms), crs="EPSG:4326")
    if layer == "buildings":
        gdf = gdf[gdf["building"].notna()].reset_index(drop=True)
    if gdf.empty:
        raise InputFileError.of("real.osm_empty", file=p.name, layer=layer, features=len(wkb))
    return gdf


def _gdal_reason(exc: BaseException) -> str:
    """GDAL's message, first line, without its advice on drivers."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text.split("; It might help to specify the correct driver")[0].rstrip(".; ")[:200]
