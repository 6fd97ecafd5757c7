"""Reading users' files into GridWatch layers.

Two steps, each usable alone:

1. :func:`read_file` reads GeoJSON, GeoPackage (a chosen layer), Shapefile
   (``.shp`` or a ``.zip``), KML, and CSV / XLSX with coordinate columns,
   and returns a GeoDataFrame in WGS-84.
2. :func:`conform` maps the user's field names onto the schema of one
   layer (:mod:`geo.schema`), checks required columns and value kinds, and
   keeps every extra column the user brought.

:func:`load_layer` does both and validates (:mod:`geo.validate`).
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import sqlite3
import struct
import warnings
import zipfile
import zlib
from collections.abc import Callable, Mapping
from io import StringIO
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from . import i18n, limits, schema
from ._errors import CRSError, GeometryError, GridWatchError, InputFileError, SchemaError
from ._repair import make_valid_within
from .crs import parse_crs, to_storage_crs
from .safe import printable

__all__ = ["conform", "detect_xy_columns", "load_layer", "read_file", "SUPPORTED"]

SUPPORTED: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".csv", ".xlsx")

_X_NAMES: Final = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "point_x", "wgs84_lon", "gcj_lon")
_Y_NAMES: Final = ("lat", "latitude", "y", "纬度", "北纬", "point_y", "wgs84_lat", "gcj_lat")
_WKT_NAMES: Final = ("wkt", "geometry", "geom", "the_geom")

#: China's extent in degrees (loose), to tell swapped axes from real data.
_CHINA: Final = (73.0, 15.0, 136.0, 54.0)


def read_file(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    crs: str | pyproj.CRS | None = None,
    x_field: str | None = None,
    y_field: str | None = None,
    swap_xy: bool = False,
    near: tuple[float, float, float, float] | None = None,
) -> gpd.GeoDataFrame:
    """Read a vector or table file into a GeoDataFrame in WGS-84.

    Every limit of :mod:`geo.limits` is checked before parsing where it can
    be (file size, zip entries and expanded size, declared feature count)
    and while or right after reading otherwise (XLSX cells, vertices).

    Parameters
    ----------
    path
        The file: .geojson/.json, .gpkg, .shp, .zip (a zipped Shapefile),
        .kml, .csv or .xlsx.
    layer
        Layer of a multi-layer file (GeoPackage, KML) or sheet of an XLSX.
    crs
        The data's coordinate system when the file has none or has it
        wrong: EPSG code, ``cgcs2000``, ``gcj02`` or ``bd09``.
    x_field, y_field
        Coordinate columns of a CSV/XLSX (detected when not given).
    swap_xy
        The file has latitude where longitude belongs (and back).
    near
        Bounds (WGS-84 ``minx, miny, maxx, maxy``) of where the data should
        be, e.g. the stored grids: swapped axes are recognised there too,
        not only in China.

    Returns
    -------
    GeoDataFrame in EPSG:4326, with a 0-based RangeIndex in file order and
    ``attrs["row_base"]``: the number a user sees for row 0 (2 for CSV and
    XLSX, whose line 1 is the header; 1 for vector files).
    """
    p = Path(path)
    name = _quoted(p.name)
    if not p.is_file():
        raise InputFileError.of("io.not_found", file=_quoted(str(p)))
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputFileError.of("io.unsupported", file=name, suffix=_quoted(suffix or "(none)"),
                                formats=", ".join(SUPPORTED))
    lim = limits.current()
    size = p.stat().st_size
    if suffix == ".shp":  # its attributes and index count too
        size += sum(p.with_suffix(x).stat().st_size for x in (".dbf", ".shx", ".DBF", ".SHX") if p.with_suffix(x).is_file())
    if size == 0:
        raise InputFileError.of("io.empty", file=name)
    if size > lim.max_file_bytes:
        raise InputFileError.of("io.too_large", file=name, size_mb=f"{size / 1e6:.1f}", limit_mb=f"{lim.max_file_mb:g}",
                                variable=limits.ENV["max_file_mb"])
    declared = parse_crs(crs)
    if suffix in (".csv", ".xlsx"):
        gdf = _read_table(p, layer=layer, x_field=x_field, y_field=y_field, swap_xy=swap_xy, lim=lim)
        row_base = int(gdf.attrs.get("row_base", 2))
    else:
        gdf = _read_vector(p, layer=layer, lim=lim, crs_given=declared is not None)
        row_base = 1
        if swap_xy:
            gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]), crs=gdf.crs)
    gdf = gdf.reset_index(drop=True)
    _check_coordinates(gdf, name, row_base, lim)
    if declared is None and gdf.crs is None and suffix in (".shp", ".zip"):
        raise CRSError.of("io.no_prj", file=name)
    _check_plausible(gdf, declared if declared is not None else gdf.crs, name, own=gdf.crs, near=near)
    _check_repairable(gdf, name, row_base, lim)
    out = to_storage_crs(gdf, declared)
    out.attrs["row_base"] = row_base
    return out


def conform(
    gdf: gpd.GeoDataFrame,
    kind: str,
    *,
    fields: Mapping[str, str] | None = None,
    type_value: str | None = None,
    type_field: str | None = None,
    types: Mapping[str, schema.IncidentType] | None = None,
) -> gpd.GeoDataFrame:
    """Map a user's columns onto a layer's schema and check their values.

    Parameters
    ----------
    gdf
        The layer as read (:func:`read_file`).
    kind
        ``grids``, ``buildings``, ``incidents`` or ``streets``.
    fields
        Schema column to the user's column, e.g. ``{"grid_id": "编号"}``.
        Columns already named as in the schema need no entry.
    type_value
        Incident type of every row (a file of one type), e.g.
        ``drain_grate``.
    type_field
        Column holding the incident type (code, or Chinese/English label).
    types
        Incident types known to the store (built-in ones when not given).

    Returns
    -------
    GeoDataFrame with the schema's columns (typed), extra columns kept.
    """
    if kind not in schema.COLUMNS:
        msg = f"Unknown layer kind {kind!r}."
        raise SchemaError(msg, f"Use one of {', '.join(schema.COLUMNS)}.")
    out = _rename(gdf, kind, dict(fields or {}), type_field)
    if kind == schema.INCIDENTS and type_value is not None:
        out["type"] = type_value
    _check_required(out, kind)
    out = _coerce(out, kind)
    if kind == schema.INCIDENTS:
        out = _conform_incidents(out, types or schema.BUILTIN_TYPES)
    for col in schema.DERIVED[kind]:
        out[col] = None
    ordered = [c for c in schema.COLUMNS[kind] if c in out.columns]
    extra = [c for c in out.columns if c not in ordered and c != out.geometry.name]
    return out[ordered + extra + [out.geometry.name]]


def load_layer(
    path: str | os.PathLike[str],
    kind: str,
    *,
    grids: gpd.GeoDataFrame | None = None,
    types: Mapping[str, schema.IncidentType] | None = None,
    layer: str | None = None,
    crs: str | pyproj.CRS | None = None,
    x_field: str | None = None,
    y_field: str | None = None,
    swap_xy: bool = False,
    fields: Mapping[str, str] | None = None,
    type_value: str | None = None,
    type_field: str | None = None,
    merge_duplicates: bool = False,
) -> tuple[gpd.GeoDataFrame, validate.ValidationReport]:
    """Read, conform and validate one layer (nothing is stored).

    Parameters
    ----------
    path, layer, crs, x_field, y_field, swap_xy
        See :func:`read_file`.
    kind, fields, type_value, type_field, types
        See :func:`conform`.
    grids
        The grids the layer will be joined to, to report points outside
        every grid and data far from all of them.
    merge_duplicates
        See :func:`geo.validate.validate_layer`.

    Returns
    -------
    (layer, report): the repaired layer and what was found.
    """
    near = _bounds(grids)
    raw = read_file(path, layer=layer, crs=crs, x_field=x_field, y_field=y_field, swap_xy=swap_xy, near=near)
    gdf = conform(raw, kind, fields=fields, type_value=type_value, type_field=type_field, types=types)
    return validate.validate_layer(gdf, kind, grids=grids, source=Path(path).name, merge_duplicates=merge_duplicates,
                                   crs=crs)


def _bounds(grids: gpd.GeoDataFrame | None) -> tuple[float, float, float, float] | None:
    """WGS-84 bounds of the grids (where data should be), None without grids."""
    if grids is None or len(grids) == 0 or grids.crs is None:
        return None
    b = grids.to_crs(4326).total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3])) if np.isfinite(b).all() else None


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


# -- private steps -----------------------------------------------------------


def _read_vector(p: Path, *, layer: str | None, lim: limits.Limits, crs_given: bool) -> gpd.GeoDataFrame:
    name = _quoted(p.name)
    suffix = p.suffix.lower()
    target: str = str(p)
    if suffix == ".zip":
        target = _shapefile_in_zip(p, lim)
    elif suffix == ".shp":
        for part in (".shx", ".dbf"):
            if not any(p.with_suffix(s).exists() for s in (part, part.upper())):
                raise InputFileError.of("io.shp_no_part", file=name, part=part)
    elif suffix == ".kml":
        _refuse_xml_declarations(p)
    elif suffix == ".gpkg":
        _check_geopackage(p)
    fmt = suffix.lstrip(".").upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [str(n) for n, _ in pyogrio.list_layers(target)]
    except Exception as exc:
        raise InputFileError.of("io.unreadable", file=name, format=fmt, reason=_short(exc, p)) from exc
    if layer is None and len(layers) > 1 and suffix in (".gpkg", ".kml"):
        raise InputFileError.of("io.several_layers", file=name, layers=_names(layers))
    if layer is not None and layer not in layers:
        raise InputFileError.of("io.no_layer", file=name, layer=_quoted(layer), layers=_names(layers) or "none")
    chosen = layer or (layers[0] if layers else None)
    if suffix == ".gpkg" and chosen is not None:
        _refuse_view(p, chosen)
    if not crs_given:
        _refuse_unknown_file_crs(p, chosen)
    if suffix in (".shp", ".zip"):
        _check_dbf(p)
    encoding = _dbf_encoding(p) if suffix in (".shp", ".zip") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            info = pyogrio.read_info(target, layer=chosen, encoding=encoding)
    except Exception as exc:
        raise InputFileError.of("io.truncated", file=name, reason=_short(exc, p)) from exc
    if int(info.get("features") or 0) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"{int(info['features']):,}",
                                limit=f"{lim.max_features:,}", variable=limits.ENV["max_features"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(target, layer=chosen, use_arrow=False, encoding=encoding,
                                         max_features=lim.max_features + 1)
    except Exception as exc:
        raise InputFileError.of("io.truncated", file=name, reason=_short(exc, p)) from exc
    if len(gdf) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"more than {lim.max_features:,}",
                                limit=f"{lim.max_features:,}", variable=limits.ENV["max_features"])
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    return gdf


def _quoted(text: object, limit: int = 200) -> str:
    """A user's file, layer, sheet or column name for a message: quoted, control characters escaped."""
    return f"'{printable(text, limit)}'"


def _names(names: list[str]) -> str:
    """Layer, sheet or column names for a message: terminal-safe, comma-separated."""
    return ", ".join(printable(n, 80) for n in names[:30]) + (f" (and {len(names) - 30} more)" if len(names) > 30 else "")


#: What Python's zip reader raises on a damaged archive.
_ZIP_ERRORS: Final = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, ValueError, KeyError)


def _zip_members(p: Path, lim: limits.Limits) -> list[zipfile.ZipInfo]:
    """The entries of a zip archive, refused when it is unsafe to open.

    Checked from the central directory, before anything is expanded: the
    number of entries, names that climb out of the archive (``../x.shp``,
    ``/etc/x``), the declared uncompressed size of the whole and each
    entry's compression ratio.
    """
    name = _quoted(p.name)
    try:
        with zipfile.ZipFile(p) as zf:
            members = zf.infolist()
    except _ZIP_ERRORS as exc:
        if p.suffix.lower() == ".xlsx":
            raise InputFileError.of("io.table_unreadable", file=name, reason="not an Excel 2007+ (zip) workbook") from exc
        raise InputFileError.of("io.not_zip", file=name) from exc
    if len(members) > lim.max_zip_members:
        raise InputFileError.of("io.zip_members", file=name, n=f"{len(members):,}", limit=f"{lim.max_zip_members:,}",
                                variable=limits.ENV["max_zip_members"])
    for m in members:
        parts = m.filename.replace("\\", "/").split("/")
        if m.filename.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise InputFileError.of("io.zip_unsafe_name", file=name, entry=_quoted(m.filename, 120))
    total = sum(m.file_size for m in members)
    if total > lim.max_zip_bytes:
        raise InputFileError.of("io.zip_too_big", file=name, size_mb=f"{total / 1e6:,.0f}", limit_mb=f"{lim.max_zip_mb:g}",
                                variable=limits.ENV["max_zip_mb"])
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1_000_000 and ratio > lim.max_zip_ratio:
            raise InputFileError.of("io.zip_ratio", file=name, entry=_quoted(m.filename, 120), ratio=f"{ratio:,.0f}",
                                    size_mb=f"{m.file_size / 1e6:,.1f}", packed_kb=f"{m.compress_size / 1e3:,.0f}",
                                    limit=f"{lim.max_zip_ratio:g}", variable=limits.ENV["max_zip_ratio"])
    return members


def _check_expanded(p: Path, entries: list[str], lim: limits.Limits) -> None:
    """Expand ``entries`` of the zip in chunks, keeping nothing, to check their actual size.

    Python's zip reader stops at the declared size and checks the CRC, so
    an entry that lies about its size is caught here, before GDAL (which
    trusts the stream) reads it.
    """
    total = 0
    try:
        with zipfile.ZipFile(p) as zf:
            for entry in entries:
                with zf.open(entry) as fh:
                    while chunk := fh.read(1 << 20):
                        total += len(chunk)
                        if total > lim.max_zip_bytes:
                            raise InputFileError.of("io.zip_too_big", file=_quoted(p.name), size_mb=f"over {lim.max_zip_mb:g}",
                                                    limit_mb=f"{lim.max_zip_mb:g}", variable=limits.ENV["max_zip_mb"])
    except GridWatchError:
        raise
    except (*_ZIP_ERRORS, RuntimeError) as exc:
        raise InputFileError.of("io.zip_corrupt", file=_quoted(p.name), reason=_short(exc, p)) from exc


def _shapefile_in_zip(p: Path, lim: limits.Limits) -> str:
    name = _quoted(p.name)
    members = _zip_members(p, lim)
    names = [m.filename for m in members if not m.is_dir()]
    shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if len(shps) != 1:
        raise InputFileError.of("io.zip_shapefiles", file=name, n=str(len(shps)))
    stem = shps[0][:-4].lower()
    by_lower = {n.lower(): n for n in names}
    for part in (".shx", ".dbf"):
        if stem + part not in by_lower:
            raise InputFileError.of("io.zip_no_part", file=name, shp=_quoted(shps[0], 120), part=part)
    parts = [by_lower[stem + s] for s in (".shp", ".shx", ".dbf", ".prj", ".cpg") if stem + s in by_lower]
    _check_expanded(p, parts, lim)
    return f"/vsizip/{p}/{shps[0]}"


def _refuse_xml_declarations(p: Path) -> None:
    """Refuse XML with a DTD (``<!DOCTYPE``, ``<!ENTITY``): KML never needs one.

    An entity can name a file of the server (``SYSTEM "file:///etc/passwd"``)
    or expand exponentially ("billion laughs"); the file is refused before
    any XML parser sees it.
    """
    tail = b""
    with open(p, "rb") as fh:
        while chunk := fh.read(1 << 20):
            block = (tail + chunk).upper()
            if b"<!DOCTYPE" in block or b"<!ENTITY" in block:
                raise InputFileError.of("io.xml_entity", file=_quoted(p.name))
            tail = chunk[-16:]


def _sqlite(p: Path) -> sqlite3.Connection:
    """A read-only connection to a GeoPackage (never written, never created)."""
    with open(p, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputFileError.of("io.unreadable", file=_quoted(p.name), format="GPKG", reason="not recognized as a GeoPackage (SQLite) database")
    try:
        return sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=_quoted(p.name), format="GPKG", reason=_short(exc, p)) from exc


def _check_geopackage(p: Path) -> None:
    """A GeoPackage must be an SQLite file; opening it must not run a query of its own."""
    con = _sqlite(p)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=_quoted(p.name), format="GPKG", reason=_short(exc, p)) from exc
    finally:
        con.close()


def _refuse_view(p: Path, layer: str) -> None:
    """Refuse a GeoPackage layer that is a view: a query (maybe recursive, maybe endless), not a table."""
    con = _sqlite(p)
    try:
        row = con.execute("SELECT type FROM sqlite_master WHERE lower(name) = lower(?)", (layer,)).fetchone()
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=_quoted(p.name), format="GPKG", reason=_short(exc, p)) from exc
    finally:
        con.close()
    if row is not None and row[0] == "view":
        raise InputFileError.of("io.gpkg_view", file=_quoted(p.name), layer=_quoted(layer))


def _check_dbf(p: Path) -> None:
    """Refuse a Shapefile whose .dbf is shorter than its own header says.

    GDAL reads a .dbf cut inside its header as a table without columns and
    one cut inside its records as fewer rows, both without an error.
    """
    try:
        if p.suffix.lower() == ".zip":
            with zipfile.ZipFile(p) as zf:
                dbf = next((i for i in zf.infolist() if i.filename.lower().endswith(".dbf")
                            and not i.filename.startswith("__MACOSX")), None)
                if dbf is None:
                    return
                size = dbf.file_size
                with zf.open(dbf) as fh:
                    head = fh.read(32)
        else:
            path = next((p.with_suffix(s) for s in (".dbf", ".DBF") if p.with_suffix(s).exists()), None)
            if path is None:
                return
            size = path.stat().st_size
            with open(path, "rb") as fh:
                head = fh.read(32)
    except _ZIP_ERRORS:
        return
    if len(head) < 32:
        raise InputFileError.of("io.truncated", file=_quoted(p.name), reason="its .dbf file is cut inside its header")
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    if size < header_len + records * record_len:
        reason = f"its .dbf file holds {size:,} bytes, its header announces {header_len + records * record_len:,}"
        raise InputFileError.of("io.truncated", file=_quoted(p.name), reason=reason)


def _refuse_unknown_file_crs(p: Path, layer: str | None = None) -> None:
    """Refuse a file that names a coordinate system PROJ does not know.

    GDAL reads such a GeoJSON as WGS-84 and such a Shapefile or GeoPackage
    as having no CRS; both would put the data in the wrong place or ask for
    a CRS the file does name.
    """
    text = ""
    suffix = p.suffix.lower()
    if suffix == ".gpkg":
        text = _gpkg_crs_text(p, layer) if layer is not None else ""
        suffix = ""
    try:
        if suffix in (".geojson", ".json"):
            with open(p, "rb") as fh:
                head = fh.read(1 << 16).decode("utf-8", "replace")
            m = re.search(r'"crs"\s*:\s*\{.*?"name"\s*:\s*"([^"]{1,300})"', head, re.S)
            text = m.group(1) if m else ""
        elif suffix == ".shp":
            prj = next((p.with_suffix(s) for s in (".prj", ".PRJ") if p.with_suffix(s).exists()), None)
            text = prj.read_text("utf-8", "replace")[:4000] if prj is not None else ""
        elif suffix == ".zip":
            with zipfile.ZipFile(p) as zf:
                prjs = [n for n in zf.namelist() if n.lower().endswith(".prj") and not n.startswith("__MACOSX")]
                text = zf.read(prjs[0])[:4000].decode("utf-8", "replace") if prjs else ""
    except _ZIP_ERRORS:
        return
    if not text.strip():
        return
    try:
        pyproj.CRS.from_user_input(text.strip())
    except pyproj.exceptions.CRSError:
        raise CRSError.of("io.file_crs_unknown", file=_quoted(p.name), crs=printable(text.strip(), 120)) from None


def _gpkg_crs_text(p: Path, layer: str) -> str:
    """The CRS a GeoPackage layer names, when PROJ cannot read it ("" when it can, or names none)."""
    con = _sqlite(p)
    try:
        row = con.execute(
            "SELECT s.srs_id, s.definition, s.organization, s.organization_coordsys_id FROM gpkg_geometry_columns g "
            "JOIN gpkg_spatial_ref_sys s ON g.srs_id = s.srs_id WHERE lower(g.table_name) = lower(?)", (layer,)).fetchone()
    except (sqlite3.Error, UnicodeError):
        return ""
    finally:
        con.close()
    if row is None or row[0] in (0, -1):
        return ""
    for candidate in (str(row[1] or ""), f"{row[2]}:{row[3]}"):
        try:
            pyproj.CRS.from_user_input(candidate)
        except (pyproj.exceptions.CRSError, ValueError, TypeError):
            continue
        return ""
    return str(row[1] or f"{row[2]}:{row[3]}")


def _dbf_encoding(p: Path) -> str | None:
    """Encoding of a Shapefile's attributes when the file does not say.

    GDAL reads a .dbf without a .cpg file and without a code page byte as
    ISO-8859-1, which turns Chinese text into mojibake. Such files from
    Chinese desktop GIS are GBK (GB18030) or UTF-8: the bytes tell which.

    Returns
    -------
    ``"UTF-8"`` or ``"GB18030"``, or None to let GDAL decide (the file
    names its encoding, or its text is plain ASCII).
    """
    head_bytes = 4 << 20
    try:
        if p.suffix.lower() == ".zip":
            with zipfile.ZipFile(p) as zf:
                names = {n.lower(): n for n in zf.namelist() if not n.startswith("__MACOSX")}
                shp = next(n for n in names if n.endswith(".shp"))
                stem = shp[:-4]
                if stem + ".cpg" in names or stem + ".dbf" not in names:
                    return None
                with zf.open(names[stem + ".dbf"]) as fh:
                    data = fh.read(head_bytes)
        else:
            if any(p.with_suffix(s).exists() for s in (".cpg", ".CPG")):
                return None
            dbf = next((p.with_suffix(s) for s in (".dbf", ".DBF") if p.with_suffix(s).exists()), None)
            if dbf is None:
                return None
            with open(dbf, "rb") as fh:
                data = fh.read(head_bytes)
    except (*_ZIP_ERRORS, StopIteration):
        return None
    if len(data) < 32 or data[29] != 0 or max(data[32:], default=0) < 0x80:
        return None
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(data[32:], final=False)
        except UnicodeDecodeError:
            continue
        return enc.upper()
    return None


def _check_coordinates(gdf: gpd.GeoDataFrame, name: str, row_base: int, lim: limits.Limits) -> None:
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


def _check_repairable(gdf: gpd.GeoDataFrame, name: str, row_base: int, lim: limits.Limits) -> None:
    """Refuse invalid geometries whose repair would not finish within the time limit.

    Validation repairs invalid geometries later (:func:`geo.validate.validate_layer`);
    ``make_valid`` grows with the self-intersections, not the vertices, so
    a few hundred random vertices can take minutes. The repair is tried
    here in a child process that is stopped at the limit; what it returns
    is dropped (validation repairs again and reports it), so a layer that
    passes costs at most twice its repair time.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if geoms.size == 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bad = np.flatnonzero(~shapely.is_valid(geoms) & ~shapely.is_missing(geoms))
    if bad.size == 0:
        return
    try:
        make_valid_within(geoms[bad], lim.max_repair_seconds)
    except GeometryError as exc:
        raise GeometryError.of("io.repair_too_long", file=name, n=str(bad.size), rows=_rows(bad, row_base),
                               seconds=f"{lim.max_repair_seconds:g}", variable=limits.ENV["max_repair_seconds"]) from exc


def _rows(idx: np.ndarray | list[int] | pd.Index, row_base: int) -> str:
    """Row positions as the numbers a user sees (``3, 7, 12 ...``), at most ten."""
    shown = [str(int(i) + row_base) for i in list(idx)[:10]]
    return ", ".join(shown) + (" ..." if len(idx) > 10 else "")


def _read_table(
    p: Path, *, layer: str | None, x_field: str | None, y_field: str | None, swap_xy: bool, lim: limits.Limits
) -> gpd.GeoDataFrame:
    name = _quoted(p.name)
    try:
        df = _read_csv(p) if p.suffix.lower() == ".csv" else _read_xlsx(p, layer, lim)
    except GridWatchError:
        raise
    except (ValueError, OSError, KeyError, IndexError, zipfile.BadZipFile, csv.Error) as exc:
        raise InputFileError.of("io.table_unreadable", file=name, reason=_short(exc, p)) from exc
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
    dx, dy = detect_xy_columns(list(df.columns))
    x_field, y_field = x_field or dx, y_field or dy
    for role, field in (("x", x_field), ("y", y_field)):
        if field is None:
            raise SchemaError.of(f"io.no_{role}_column", file=name, columns=_names(list(df.columns)))
        if field not in df.columns:
            raise SchemaError.of("io.no_xy_named", file=name, column=_quoted(field), columns=_names(list(df.columns)))
    x, bad_x, inf_x = _coordinate_values(df[x_field], "x")
    y, bad_y, inf_y = _coordinate_values(df[y_field], "y")
    nonfinite = np.flatnonzero(inf_x | inf_y)
    if nonfinite.size:
        raise SchemaError.of("io.nonfinite_xy", file=name, n=str(nonfinite.size), rows=_rows(nonfinite, base),
                             x=printable(x_field), y=printable(y_field))
    for col, bad in ((x_field, bad_x), (y_field, bad_y)):
        text = bad[0] if bad else None
        if text is not None and _DMS_HINT.search(text[1]):
            raise SchemaError.of("io.bad_dms", file=name, column=_quoted(col), row=str(text[0] + base),
                                 value=_quoted(text[1], 60))
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


def _refuse_duplicate_headers(columns: list[str], name: str) -> None:
    """Refuse a table whose header names one column twice: which one is meant cannot be known."""
    seen: dict[str, list[int]] = {}
    for i, c in enumerate(columns):
        seen.setdefault(c, []).append(i)
    dup = next(((c, pos) for c, pos in seen.items() if len(pos) > 1), None)
    if dup is not None:
        letters = ", ".join(_column_letter(i) for i in dup[1])
        raise SchemaError.of("io.duplicate_header", file=name, column=_quoted(dup[0]), n=str(len(dup[1])), letters=letters)


def _column_letter(i: int) -> str:
    """Spreadsheet column letter of the 0-based position ``i`` (0 -> A, 26 -> AA)."""
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


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


_NONFINITE_WORDS: Final = {"nan", "inf", "infinity"}


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


def _read_xlsx(p: Path, layer: str | None, lim: limits.Limits) -> pd.DataFrame:
    """One sheet of an XLSX, streamed, refused past the cell limit.

    The XLSX is a zip: its entries are checked (:func:`_zip_members`) before
    openpyxl opens it; openpyxl parses its XML with defusedxml (entities
    refused) and, in read-only mode, one row at a time.
    """
    name = _quoted(p.name)
    _zip_members(p, lim)
    import defusedxml
    import openpyxl

    try:
        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises what its XML and zip layers raise, sometimes wrapped
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputFileError.of("io.xml_entity", file=name) from exc
        raise InputFileError.of("io.table_unreadable", file=name, reason=_short(exc, p)) from exc
    try:
        sheets = [str(s) for s in book.sheetnames]
        if layer is not None and layer not in sheets:
            raise InputFileError.of("io.no_sheet", file=name, sheet=_quoted(layer), sheets=_names(sheets))
        if layer is None and len(sheets) > 1:
            raise InputFileError.of("io.several_sheets", file=name, sheets=_names(sheets))
        title = layer if layer is not None else sheets[0]
        rows = _sheet_rows(book[title], name, _quoted(title), lim)
    except GridWatchError:
        raise
    except Exception as exc:
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputFileError.of("io.xml_entity", file=name) from exc
        raise InputFileError.of("io.table_unreadable", file=name, reason=_short(exc, p)) from exc
    finally:
        book.close()
    lead = next((i for i, r in enumerate(rows) if any(_filled(v) for v in r)), len(rows))
    if lead == len(rows):
        raise InputFileError.of("io.empty", file=name)
    header = [("" if c is None else str(c)) for c in rows[lead]]
    width = len(header)
    body = [list(r[:width]) + [None] * (width - len(r)) for r in rows[lead + 1:]]
    header = [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header)]
    df = pd.DataFrame(body, columns=header, dtype=object)
    df.attrs["row_base"] = lead + 2  # the header's sheet line is lead + 1
    return df


def _filled(v: object) -> bool:
    """Whether a cell holds something (not None, not blank text)."""
    return v is not None and (not isinstance(v, str) or bool(v.strip()))


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    """Whether ``exc`` or an exception it was raised from (or during) is a ``kind``."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _sheet_rows(ws: Any, name: str, title: str, lim: limits.Limits) -> list[tuple[object, ...]]:
    """The rows of a read-only worksheet, trailing empty rows dropped, counted against the cell limit."""
    declared_rows, declared_cols = ws.max_row, ws.max_column  # from the sheet's <dimension>, before reading
    if declared_rows is not None and declared_cols is not None and declared_rows * declared_cols > lim.max_cells:
        raise InputFileError.of("io.too_many_cells", file=name, sheet=title, n=f"{declared_rows * declared_cols:,}",
                                limit=f"{lim.max_cells:,}", variable=limits.ENV["max_cells"])
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # read every row there is, not only those the <dimension> admits (often wrong)
    rows: list[tuple[object, ...]] = []
    cells = 0
    last = 0
    for row in ws.iter_rows(values_only=True):
        cells += len(row)
        if cells > lim.max_cells or len(rows) > lim.max_features:
            raise InputFileError.of("io.too_many_cells", file=name, sheet=title, n=f"over {lim.max_cells:,}",
                                    limit=f"{lim.max_cells:,}", variable=limits.ENV["max_cells"])
        rows.append(row)
        if any(_filled(v) for v in row):
            last = len(rows)
    return rows[:last]


def _read_csv(p: Path) -> pd.DataFrame:
    """A CSV as text columns: UTF-8 (with or without BOM), UTF-16 or GB18030; comma, semicolon, tab or bar."""
    data = p.read_bytes()
    text = _decode(data, _quoted(p.name))
    delimiter = _delimiter(text)
    df = pd.read_csv(StringIO(text), dtype=object, keep_default_na=False, na_values=[""], sep=delimiter,
                     header=None, engine="c")
    if df.empty:
        raise InputFileError.of("io.empty", file=_quoted(p.name))
    header = ["" if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in df.iloc[0]]
    body = df.iloc[1:].reset_index(drop=True)
    body.columns = [h if h.strip() else f"Unnamed: {i}" for i, h in enumerate(header)]
    return body


def _decode(data: bytes, name: str) -> str:
    """Text of a CSV file; a UTF-8 BOM before GBK text (some editors add one) is dropped, not decoded."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    for enc in ("utf-8", "gb18030"):
        try:
            return body.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputFileError.of("io.encoding", file=name)


def _delimiter(text: str) -> str:
    """The field separator of a CSV: the one of ``, ; TAB |`` that its header line uses most."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    first = re.sub(r'"[^"]*"', "", first)
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _parse_wkt(col: pd.Series, name: str, column: str) -> gpd.GeoSeries:
    text = col.astype(object).where(col.notna(), None).to_numpy()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gpd.GeoSeries(shapely.from_wkt(text))
    except shapely.errors.GEOSException as exc:
        raise SchemaError.of("io.not_wkt", file=name, column=_quoted(column), reason=_short(exc)) from exc


def _check_plausible(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | str | None, name: str, *,
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


_UNIT_WORDS: Final = {"metre": "metres", "US survey foot": "US survey feet", "foot": "feet", "kilometre": "kilometres"}


def _rename(gdf: gpd.GeoDataFrame, kind: str, fields: dict[str, str], type_field: str | None) -> gpd.GeoDataFrame:
    if type_field:
        fields.setdefault("type", type_field)
    unknown = [k for k in fields if k not in schema.COLUMNS[kind]]
    if unknown:
        msg = f"{', '.join(unknown)} is not a column of {kind}."
        raise SchemaError(msg, f"Map onto one of {', '.join(schema.COLUMNS[kind])}.")
    missing = [v for v in fields.values() if v not in gdf.columns]
    if missing:
        msg = f"The file has no column {', '.join(map(repr, missing))} (it has {', '.join(map(str, gdf.columns[:-1]))})."
        raise SchemaError(msg, "Check the spelling of the field options (e.g. --id-field).")
    _map_truncated(gdf, kind, fields)
    reverse = {v: k for k, v in fields.items()}
    clash = [k for k, v in fields.items() if k in gdf.columns and k != v]
    out = gdf.drop(columns=clash).rename(columns=reverse)
    return out


def _map_truncated(gdf: gpd.GeoDataFrame, kind: str, fields: dict[str, str]) -> None:
    """Map Shapefile field names cut to 10 characters (``building_i``) onto
    the schema columns they abbreviate, unless the user mapped them."""
    by_lower = {str(c).lower(): str(c) for c in gdf.columns}
    taken = set(fields.values())
    for col in schema.COLUMNS[kind]:
        if len(col) <= 10 or col in fields or col in gdf.columns or col in schema.DERIVED[kind]:
            continue
        short = by_lower.get(col[:10])
        if short is not None and short not in taken:
            fields[col] = short
            taken.add(short)


def _check_required(gdf: gpd.GeoDataFrame, kind: str) -> None:
    missing = [c for c in schema.REQUIRED[kind] if c not in gdf.columns]
    if missing:
        cols = ", ".join(str(c) for c in gdf.columns if c != gdf.geometry.name)
        option = {"type": "--type TYPE or --type-field COLUMN"}.get(missing[0], "--id-field COLUMN")
        msg = f"The {kind} file has no {', '.join(missing)} column (it has {cols or 'no columns'})."
        raise SchemaError(msg, f"Name the column that holds it with {option}.")


def _coerce(gdf: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    out = gdf.copy()
    problems: list[str] = []
    for col, k in schema.COLUMNS[kind].items():
        if col not in out.columns or col in schema.DERIVED[kind]:
            continue
        s = out[col]
        if k == "str":
            out[col] = _nullable(_map_unique(s, _to_text))
        elif k in ("int", "float"):
            given = _map_unique(s, _blank_to_na)
            num = pd.to_numeric(given, errors="coerce")
            bad = num.isna() & given.notna()
            if k == "int":
                frac = num.notna() & (num.round() != num)
                bad |= frac
            if bad.any():
                problems.append(_bad_values(col, s[bad], "a number"))
            out[col] = num.round().astype("Int64") if k == "int" else num.astype(float)
        elif k == "bool":
            b = _map_unique(s, _to_bool)
            bad = b.isna() & _map_unique(s, _blank_to_na).notna()
            if bad.any():
                problems.append(_bad_values(col, s[bad], "yes/no (是/否, true/false, 1/0)"))
            out[col] = b.astype("boolean")
    if problems:
        msg = "Some values are of the wrong kind: " + "; ".join(problems) + "."
        raise SchemaError(msg, "Correct those cells in the file and load it again.")
    return out


def _conform_incidents(gdf: gpd.GeoDataFrame, types: Mapping[str, schema.IncidentType]) -> gpd.GeoDataFrame:
    out = gdf.copy()
    by_label = {}
    for t in types.values():
        by_label[t.code.lower()] = t.code
        by_label[t.label_zh] = t.code
        by_label[t.label_en.lower()] = t.code
    raw = _nullable(out["type"])
    codes = _nullable(_map_unique(raw, lambda v: None if v is None else
                                  by_label.get(str(v).strip().lower(), by_label.get(str(v).strip()))))
    unknown = sorted({str(v) for v in raw[codes.isna()].unique()})
    if unknown:
        msg = f"Unknown incident type(s): {', '.join(unknown[:10])}."
        hint = f"Use {', '.join(types)}, or add the type first: python -m geo types add CODE --zh 中文名 --en 'English name'."
        raise SchemaError(msg, hint)
    out["type"] = codes.astype(object)
    status = out["status"] if "status" in out.columns else pd.Series([None] * len(out), index=out.index, dtype=object)
    status_codes = _labels("status", (*schema.ASSET_STATUSES, *schema.EVENT_STATUSES))
    status = _nullable(_map_unique(status, lambda v: _code(v, status_codes)))
    defaults = out["type"].map({c: t.default_status for c, t in types.items()})
    status = status.where(status.notna(), defaults)
    wrong = pd.Series(False, index=out.index)
    for code in out["type"].unique():
        of_type = out["type"] == code
        wrong |= of_type & ~status.isin(types[code].statuses)
    if wrong.any():
        sample = "; ".join(f"row {i}: {s!r} (allowed {', '.join(types[c].statuses)})"
                           for i, s, c in zip(out.index[wrong][:5], status[wrong][:5], out["type"][wrong][:5], strict=True))
        msg = f"{int(wrong.sum())} incident(s) have a status their type does not allow: {sample}."
        hint = ("Rain grates take ok/blocked/damaged/missing (正常/堵塞/损坏/缺失); events take "
                "reported/assigned/resolved/verified (已上报/处理中/已解决/已核实).")
        raise SchemaError(msg, hint)
    out["status"] = status.astype(object)
    if "severity" in out.columns:
        severity_codes = _labels("severity", schema.SEVERITIES)
        sev = _nullable(_map_unique(_nullable(out["severity"]), lambda v: _code(v, severity_codes)))
        bad_sev = sorted({str(v) for v in sev.dropna() if v not in schema.SEVERITIES})
        if bad_sev:
            msg = f"Unknown severity value(s): {', '.join(bad_sev[:10])}."
            raise SchemaError(msg, f"Use one of {', '.join(schema.SEVERITIES)} (低/中/高/紧急).")
        out["severity"] = sev.astype(object)
    if "reported_at" in out.columns:
        out["reported_at"] = _iso_times(out["reported_at"])
    return out


def _labels(prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Code of each status or severity by its code and its zh / en labels."""
    out: dict[str, str] = {}
    for code in codes:
        out[code] = code
        for lang in i18n.LANGUAGES:
            out[i18n.t(f"{prefix}.{code}", lang).strip().lower()] = code
    return out


def _code(value: object, codes: dict[str, str]) -> str | None:
    """A status or severity as written (code or label) to its code."""
    if value is None:
        return None
    text = str(value).strip().lower()
    return codes.get(text, text)


def _iso_times(col: pd.Series) -> pd.Series:
    """ISO 8601 text with an offset; times without one are China Standard Time."""
    text = _nullable(_map_unique(col, _blank_to_na))
    cache: dict[str, str | None] = {}

    def fmt(v: object) -> str | None:
        if v is None:
            return None
        key = str(v).strip()
        if key not in cache:
            try:
                t = pd.Timestamp(key)
            except (ValueError, TypeError):
                cache[key] = None
            else:
                cache[key] = None if t is pd.NaT else (t.tz_localize("Asia/Shanghai") if t.tzinfo is None else t).isoformat()
        return cache[key]

    out = _nullable(_map_unique(text, fmt))
    bad = out.isna() & text.notna()
    if bad.any():
        msg = "Some reported_at values are not dates: " + _bad_values("reported_at", col[bad], "a date") + "."
        raise SchemaError(msg, "Write dates as ISO 8601, e.g. 2025-07-21T18:30:00+08:00.")
    return out


def _map_unique(s: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """``s.map(fn)`` calling ``fn`` once per distinct value (None for missing)."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:] = [*(fn(v) for v in uniques), fn(None)]
    return pd.Series(values[codes], index=s.index, dtype=object)


def _nullable(s: pd.Series) -> pd.Series:
    """An object Series with None (not NaN or NA) for missing values."""
    obj = s.astype(object)
    return obj.where(obj.notna(), None)


def _to_text(v: object) -> str | None:
    if type(v) is str:
        return v.strip() or None
    v = _blank_to_na(v)
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _blank_to_na(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str) and not v.strip():
        return None
    return v


_TRUE: Final = {"true", "yes", "y", "1", "是", "有", "t"}
_FALSE: Final = {"false", "no", "n", "0", "否", "无", "f"}


def _to_bool(v: object) -> object:
    v = _blank_to_na(v)
    if v is None:
        return pd.NA
    if isinstance(v, bool | np.bool_):
        return bool(v)
    text = str(v).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return pd.NA


def _bad_values(col: str, values: pd.Series, expected: str) -> str:
    shown = ", ".join(f"{v!r} (row {i})" for i, v in list(values.items())[:5])
    more = f" and {len(values) - 5} more" if len(values) > 5 else ""
    return f"{col} must be {expected}, not {shown}{more}"


def _short(exc: BaseException, path: Path | None = None) -> str:
    """The first line of a reader's error, without the machine's paths.

    GDAL and Python name the file by its full path (``/vsizip//srv/up/x.zip/a.shp``)
    and sometimes their own build paths: the user knows the file by its
    name, and the server's folders are nobody's business.
    """
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = text.split("; It might help to specify the correct driver")[0].rstrip(".; ")
    if path is not None:
        for full in (f"/vsizip/{path}", str(path.resolve()), str(path)):
            text = text.replace(full, path.name)
    text = _PATH.sub(lambda m: m.group(2), text)
    return printable(text, 200)


#: An absolute path (POSIX, Windows or GDAL virtual): only its last part is kept.
_PATH: Final = re.compile(r"""(?<![^\s'"(])((?:/vsi\w+/)?(?:[A-Za-z]:)?(?:[/\\][^/\\\s'"()<>,;]+)+[/\\])([^/\\\s'"()<>,;]*)""")


from . import validate  # noqa: E402  (validate imports nothing from io at import time)
