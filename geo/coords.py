"""Coordinates of users' tables and files (internal to :func:`geo.io.read_file`).

Coordinate columns of a CSV or XLSX (found by name, decimal comma,
degrees-minutes-seconds, ``nan``/``inf`` words), WKT columns, vertex
limits and non-finite coordinates, and the plausibility of coordinates read
as degrees (swapped axes, projected numbers and the likely CRS).
"""

from __future__ import annotations

import csv
import re
import warnings
import zipfile
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import limits
from .errors import CRSError, GeometryError, GridWatchError, InputFileError, SchemaError
from .readers import name_list, quoted, read_csv, read_xlsx, short_error
from .safe import printable

__all__ = ["check_coordinates", "check_plausible", "detect_xy_columns", "read_table"]

_X_NAMES: Final = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "point_x", "wgs84_lon", "gcj_lon")
_Y_NAMES: Final = ("lat", "latitude", "y", "纬度", "北纬", "point_y", "wgs84_lat", "gcj_lat")
_WKT_NAMES: Final = ("wkt", "geometry", "geom", "the_geom")
#: China's extent in degrees (loose), to tell swapped axes from real data.
_CHINA: Final = (73.0, 15.0, 136.0, 54.0)
#: Degrees-minutes-seconds: 114°18'30.5"E, 114 18 30.5, 30°31′12″N, 东经114度18分30.5秒.
_DMS: Final = re.compile(
    r"""^\s*(?P<hemi1>[NSEW东西南北]|东经|西经|北纬|南纬)?\s*(?P<sign>[-+])?\s*
    (?P<deg>\d{1,3}(?:\.\d+)?)\s*(?:°|º|度|d|:|\s)\s*
    (?:(?P<min>\d{1,2}(?:\.\d+)?)\s*(?:'|′|’|分|m|:|\s)?\s*)?
    (?:(?P<sec>\d{1,2}(?:\.\d+)?)\s*(?:"|″|”|''|′′|秒|s)?\s*)?
    (?P<hemi2>[NSEW东西南北])?\s*$""",
    re.X | re.I,
)


_DMS_HINT: Final = re.compile(r"[°º度′″'\"分秒]|\d\s+\d")
_DECIMAL_COMMA: Final = re.compile(r"^\s*[-+]?\d+,\d+\s*$")
_NONFINITE_WORDS: Final = {"nan", "inf", "infinity"}
_UNIT_WORDS: Final = {"metre": "metres", "US survey foot": "US survey feet", "foot": "feet", "kilometre": "kilometres"}


def detect_xy_columns(columns: list[str]) -> tuple[str | None, str | None]:
    """Guess the longitude (x) and latitude (y) columns of a table.

    Parameters
    ----------
    columns
        Column names as read.

    Returns
    -------
    (x, y) column names, None where nothing matched.
    """
    norm = {re.sub(r"[\s()（）°_\-]", "", c).lower(): c for c in columns}

    def find(names: tuple[str, ...]) -> str | None:
        for n in names:
            key = re.sub(r"[\s()（）°_\-]", "", n).lower()
            if key in norm:
                return norm[key]
        return None

    return find(_X_NAMES), find(_Y_NAMES)


def read_table(
    p: Path, *, layer: str | None, x_field: str | None, y_field: str | None, swap_xy: bool, lim: limits.Limits
) -> gpd.GeoDataFrame:
    """A CSV or XLSX (sheet ``layer``) as points from its coordinate columns, or shapes from its WKT column.

    Coordinates are read as they are (no CRS); ``attrs["row_base"]`` is the
    sheet line of the first row.
    """
    name = quoted(p.name)
    try:
        df = read_csv(p) if p.suffix.lower() == ".csv" else read_xlsx(p, layer, lim)
    except GridWatchError:
        raise
    except (ValueError, OSError, KeyError, IndexError, zipfile.BadZipFile, csv.Error) as exc:
        raise InputFileError.of("io.table_unreadable", file=name, reason=short_error(exc, p)) from exc
    if len(df) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"{len(df):,}", limit=f"{lim.max_features:,}",
                                variable=limits.ENV["max_features"])
    base = int(df.attrs.get("row_base", 2))
    df.columns = [str(c).strip() for c in df.columns]
    _refuse_duplicate_headers(list(df.columns), name)
    df = df.reset_index(drop=True)
    wkt = next((c for c in df.columns if c.lower() in _WKT_NAMES), None)
    if x_field is None and y_field is None and wkt is not None:
        geom = _parse_wkt(df[wkt], name, wkt)
        out = gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geom, crs=None)
        out.attrs["row_base"] = base
        return out
    x_field, y_field = _xy_fields(list(df.columns), name, x_field, y_field)
    x, bad_x, inf_x = _coordinate_values(df[x_field], "x")
    y, bad_y, inf_y = _coordinate_values(df[y_field], "y")
    nonfinite = np.flatnonzero(inf_x | inf_y)
    if nonfinite.size:
        raise SchemaError.of("io.nonfinite_xy", file=name, n=str(nonfinite.size), rows=_rows(nonfinite, base),
                             x=printable(x_field), y=printable(y_field))
    for col, bad in ((x_field, bad_x), (y_field, bad_y)):
        text = bad[0] if bad else None
        if text is not None and _DMS_HINT.search(text[1]):
            raise SchemaError.of("io.bad_dms", file=name, column=quoted(col), row=str(text[0] + base),
                                 value=quoted(text[1], 60))
    missing = np.flatnonzero(np.isnan(x) | np.isnan(y))
    if missing.size:
        raise SchemaError.of("io.no_numeric_xy", file=name, n=str(missing.size), rows=_rows(missing, base),
                             x=printable(x_field), y=printable(y_field))
    if swap_xy:
        x, y = y, x
    rest = df.drop(columns=[x_field, y_field])
    out = gpd.GeoDataFrame(rest, geometry=gpd.points_from_xy(x, y), crs=None)
    out.attrs["row_base"] = base
    return out


def _xy_fields(columns: list[str], name: str, x_field: str | None, y_field: str | None) -> tuple[str, str]:
    """The coordinate columns: those given, else those detected; refused when missing."""
    dx, dy = detect_xy_columns(columns)
    x_field, y_field = x_field or dx, y_field or dy
    for role, field in (("x", x_field), ("y", y_field)):
        if field is None:
            raise SchemaError.of(f"io.no_{role}_column", file=name, columns=name_list(columns))
        if field not in columns:
            raise SchemaError.of("io.no_xy_named", file=name, column=quoted(field), columns=name_list(columns))
    assert x_field is not None and y_field is not None
    return x_field, y_field


def check_coordinates(gdf: gpd.GeoDataFrame, name: str, row_base: int, lim: limits.Limits) -> None:
    """Refuse coordinates that are not finite numbers, and geometries over the vertex limits.

    Checked right after reading, before any repair or reprojection: a
    NaN breaks every later step, and repair time grows with the vertices.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if geoms.size == 0:
        return
    counts = shapely.get_num_coordinates(geoms)
    total = int(counts.sum())
    big = np.flatnonzero(counts > lim.max_vertices)
    if big.size:
        i = int(big[0])
        raise GeometryError.of("io.too_many_vertices", file=name, row=str(i + row_base), n=f"{int(counts[i]):,}",
                               limit=f"{lim.max_vertices:,}", more=str(big.size - 1), variable=limits.ENV["max_vertices"])
    if total > lim.max_total_vertices:
        raise GeometryError.of("io.too_many_vertices_total", file=name, n=f"{total:,}", limit=f"{lim.max_total_vertices:,}",
                               variable=limits.ENV["max_total_vertices"])
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = np.unique(index[~np.isfinite(coords).all(axis=1)])
    if bad.size:
        raise GeometryError.of("io.nonfinite_geometry", file=name, n=str(bad.size), rows=_rows(bad, row_base))


def _rows(idx: np.ndarray | list[int] | pd.Index, row_base: int) -> str:
    """Row positions as the numbers a user sees (``3, 7, 12 ...``), at most ten."""
    shown = [str(int(i) + row_base) for i in list(idx)[:10]]
    return ", ".join(shown) + (" ..." if len(idx) > 10 else "")


def _refuse_duplicate_headers(columns: list[str], name: str) -> None:
    """Refuse a table whose header names one column twice: which one is meant cannot be known."""
    seen: dict[str, list[int]] = {}
    for i, c in enumerate(columns):
        seen.setdefault(c, []).append(i)
    dup = next(((c, pos) for c, pos in seen.items() if len(pos) > 1), None)
    if dup is not None:
        letters = ", ".join(_column_letter(i) for i in dup[1])
        raise SchemaError.of("io.duplicate_header", file=name, column=quoted(dup[0]), n=str(len(dup[1])), letters=letters)


def _column_letter(i: int) -> str:
    """Spreadsheet column letter of the 0-based position ``i`` (0 -> A, 26 -> AA)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _coordinate_values(col: pd.Series, axis: str) -> tuple[np.ndarray, list[tuple[int, str]], np.ndarray]:
    """A coordinate column as floats: decimals (``114.3052``, ``114,3052``) or degrees-minutes-seconds.

    Returns
    -------
    (values, bad, nonfinite): values are NaN where a cell is empty, not a
    number or not finite; ``bad`` lists (row, text) of the first text cells
    that are not a coordinate; ``nonfinite`` marks ``nan``, ``inf`` and
    overflowing numbers (``1e400``).
    """
    obj = col.astype(object)
    try:
        values = np.array(pd.to_numeric(obj, errors="coerce").to_numpy(dtype=float, na_value=np.nan), dtype=float)
    except (OverflowError, ValueError, TypeError):
        values = np.full(len(col), np.nan)
    nonfinite = np.isinf(values)
    values[nonfinite] = np.nan
    bad: list[tuple[int, str]] = []
    for i in np.flatnonzero(np.isnan(values) & obj.notna().to_numpy()):
        v = obj.iat[i]
        if isinstance(v, str) and v.strip().lower().lstrip("+-") in _NONFINITE_WORDS:
            nonfinite[i] = True
            continue
        f = _coordinate(v, axis)
        values[i] = f
        if np.isnan(f) and isinstance(v, str) and v.strip() and len(bad) < 10:
            bad.append((int(i), v))
    return values, bad, nonfinite


def _coordinate(v: object, axis: str) -> float:
    """One coordinate cell as a finite float, NaN when it is none."""
    if v is None or isinstance(v, bool):
        return float("nan")
    if isinstance(v, int | float | np.integer | np.floating):
        f = float(v)
        return f if np.isfinite(f) else float("nan")
    text = str(v).strip()
    if _DECIMAL_COMMA.match(text):
        text = text.replace(",", ".")
    try:
        f = float(text)
    except ValueError:
        return _dms(text, axis)
    return f if np.isfinite(f) else float("nan")


def _dms(text: str, axis: str) -> float:
    """Degrees-minutes-seconds text as decimal degrees, NaN when it is not that."""
    m = _DMS.match(text.replace(",", "."))
    if m is None or not _DMS_HINT.search(text):
        return float("nan")
    deg = float(m["deg"])
    minutes = float(m["min"] or 0)
    seconds = float(m["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        return float("nan")
    hemi = (m["hemi1"] or m["hemi2"] or "").upper()
    if (axis == "x" and hemi in ("N", "S", "北", "南", "北纬", "南纬")) or (axis == "y" and hemi in ("E", "W", "东", "西", "东经", "西经")):
        return float("nan")
    value = deg + minutes / 60 + seconds / 3600
    negative = m["sign"] == "-" or hemi in ("S", "W", "南", "西", "南纬", "西经")
    return -value if negative else value


def _parse_wkt(col: pd.Series, name: str, column: str) -> gpd.GeoSeries:
    text = col.astype(object).where(col.notna(), None).to_numpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.GeoSeries(shapely.from_wkt(text))
    except shapely.errors.GEOSException as exc:
        raise SchemaError.of("io.not_wkt", file=name, column=quoted(column), reason=short_error(exc)) from exc


def check_plausible(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | str | None, name: str, *,
                     own: pyproj.CRS | None = None, near: tuple[float, float, float, float] | None = None) -> None:
    """Refuse coordinates that cannot be in the CRS they are read in, with the likely fix.

    ``own`` is the file's own CRS (its units name feet or metres in the
    hint); ``near`` the bounds where the data should be (the grids).
    """
    geoms = gdf.geometry[~(gdf.geometry.is_empty | gdf.geometry.isna())]
    if geoms.empty:
        return
    minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    if not all(np.isfinite([minx, miny, maxx, maxy])):
        return
    geographic = isinstance(crs, str) or crs is None or crs.is_geographic
    if not geographic:
        return
    box = dict(minx=f"{minx:.2f}", maxx=f"{maxx:.2f}", miny=f"{miny:.2f}", maxy=f"{maxy:.2f}")
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        if minx >= -90 and maxx <= 90 and miny >= -180 and maxy <= 180:
            raise CRSError.of("io.swapped", file=name, **box)
        raise CRSError.of(_projected_key(minx, maxx, miny, maxy, own), file=name, **_projected_params(minx, maxx, own),
                          minx=f"{minx:.0f}", miny=f"{miny:.0f}", maxx=f"{maxx:.0f}", maxy=f"{maxy:.0f}")
    swapped = (miny, minx, maxy, maxx)
    for where in ([near] if near is not None else []) + [_CHINA]:
        if not _overlaps((minx, miny, maxx, maxy), where) and _overlaps(swapped, where):
            raise CRSError.of("io.swapped", file=name, **box)
        if _overlaps((minx, miny, maxx, maxy), where):
            return


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float], pad: float = 0.5) -> bool:
    """Whether bounds ``a`` touch bounds ``b`` grown by ``pad`` degrees."""
    return a[0] <= b[2] + pad and a[2] >= b[0] - pad and a[1] <= b[3] + pad and a[3] >= b[1] - pad


def _projected_key(minx: float, maxx: float, miny: float, maxy: float, own: pyproj.CRS | None) -> str:
    """Which hint fits projected numbers read as degrees.

    Eastings with the zone number in front (38 534 552) name their zone:
    3-degree zones 25-45 are EPSG:4513-4533, 6-degree zones 13-23 are
    EPSG:4491-4501. Without it (534 552), with northings of China (1 700 to
    6 000 km), only the central meridian is missing: EPSG:4534-4554 are CM
    75°E to 135°E in 3-degree steps. Any other numbers get no Chinese
    advice; a file with a projected CRS of its own is named with its units.
    """
    if own is not None and own.is_projected:
        return "io.not_lonlat_own"
    zone = int(minx // 1_000_000)
    in_china = miny >= 1_700_000 and maxy <= 6_000_000
    if in_china and zone == int(maxx // 1_000_000) and minx % 1_000_000 >= 100_000 and maxx % 1_000_000 <= 900_000:
        if 25 <= zone <= 45:
            return "io.not_lonlat_gk3"
        if 13 <= zone <= 23:
            return "io.not_lonlat_gk6"
        if zone == 0:
            return "io.not_lonlat_cm"
    return "io.not_lonlat"


def _projected_params(minx: float, maxx: float, own: pyproj.CRS | None) -> dict[str, str]:
    zone = int(minx // 1_000_000)
    params = {"zone": str(zone), "epsg3": str(4513 + zone - 25), "epsg6": str(4491 + zone - 13), "own": "", "units": ""}
    if own is not None and own.is_projected:
        unit = own.axis_info[0].unit_name if own.axis_info else "metre"
        params["own"] = printable(own.name, 120)
        params["units"] = _UNIT_WORDS.get(unit, unit)
    return params
