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

from . import i18n, limits, readgeom, schema, validate  # validate imports nothing from io
from .crs import parse_crs, to_storage_crs
from .errors import CRSError, GeometryError, GridWatchError, InputFileError, OptionError, SchemaError
from .safe import printable

__all__ = ["conform", "detect_xy_columns", "load_layer", "parse_value_maps", "read_file", "SUPPORTED"]

SUPPORTED: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".csv", ".xlsx")

_X_NAMES: Final = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "point_x", "wgs84_lon", "gcj_lon")
_Y_NAMES: Final = ("lat", "latitude", "y", "纬度", "北纬", "point_y", "wgs84_lat", "gcj_lat")
_WKT_NAMES: Final = ("wkt", "geometry", "geom", "the_geom")

#: China's extent in degrees (loose), to tell swapped axes from real data.
_CHINA: Final = (73.0, 15.0, 136.0, 54.0)

#: Most attribute columns kept (a store table holds at most 2,000, and a
#: merge with the stored layer adds its own extra columns).
MAX_COLUMNS: Final = 1_000
#: Names the store uses itself (GeoPackage key and geometry), any case.
_STORE_NAMES: Final = ("fid", "geom", "geometry")
#: Control characters (C0 but tab, newline and carriage return; DEL; C1).
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Allowed range of number columns: (lowest, highest), both included.
_RANGES: Final = {"depth_cm": (0.0, 10_000.0)}
#: Default prefix of ids numbered from rows.
_ROW_PREFIX: Final = {schema.GRIDS: "G", schema.BUILDINGS: "B", schema.INCIDENTS: "I", schema.STREETS: "S",
                         schema.FLOOD_ZONES: "Z"}


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
        .kml, .csv or .xlsx, or an OpenStreetMap .osm/.osm.pbf
        (:func:`geo.readgeom.read_osm`).
    layer
        Layer of a multi-layer file (GeoPackage, KML, OpenStreetMap) or
        sheet of an XLSX.
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
    osm = readgeom.is_osm(p)
    if suffix not in SUPPORTED and not osm:
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
    if osm:
        gdf = readgeom.read_osm(p, layer=layer)
        row_base = 1
    elif suffix in (".csv", ".xlsx"):
        gdf = _read_table(p, layer=layer, x_field=x_field, y_field=y_field, swap_xy=swap_xy, lim=lim)
        row_base = int(gdf.attrs.get("row_base", 2))
    else:
        gdf = _read_vector(p, layer=layer, lim=lim, crs_given=declared is not None)
        row_base = 1
        if swap_xy:
            gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]), crs=gdf.crs)
    gdf = readgeom.normalize(gdf.reset_index(drop=True))
    _check_coordinates(gdf, name, row_base, lim)
    if declared is None and gdf.crs is None and suffix in (".shp", ".zip"):
        raise CRSError.of("io.no_prj", file=name)
    _check_plausible(gdf, declared if declared is not None else gdf.crs, name, own=gdf.crs, near=near)
    out = to_storage_crs(gdf, declared)
    out.attrs.update(gdf.attrs)
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
    value_maps: Mapping[str, Mapping[str, str]] | None = None,
    id_from_row: str | None = None,
    max_text: int | None = None,
    max_id: int | None = None,
    report: validate.ValidationReport | None = None,
) -> gpd.GeoDataFrame:
    """Map a user's columns onto a layer's schema and check their values.

    Every problem is collected (bad numbers, yes/no values, types,
    statuses, severities, dates, ids, text): with ``report`` they are added
    to it as issues and the bad cells left empty; without, one
    :class:`geo.validate.ReportError` (a :class:`SchemaError`) lists them.

    Parameters
    ----------
    gdf
        The layer as read (:func:`read_file`): its index is the 0-based row
        of the file, ``gdf.attrs["row_base"]`` the number a user gives the
        first row (2: spreadsheet line after the header; 1, the default:
        feature number).
    kind
        ``grids``, ``buildings``, ``incidents`` or ``streets``.
    fields
        Schema column to the user's column, e.g. ``{"grid_id": "编号"}``.
        Columns already named as in the schema need no entry; a column
        named as one but for case (``NAME``, KML's ``Name``) is taken.
    type_value
        Incident type of every row (a file of one type), e.g.
        ``drain_grate``.
    type_field
        Column holding the incident type (code, or Chinese/English label).
    types
        Incident types known to the store (built-in ones when not given).
    value_maps
        A user's codes to ours, per column: ``{"status": {"Open":
        "reported", "开放": "reported"}, "basement": {"Y": "yes"}}``
        (status, severity, type, yes/no and text columns). Values are
        matched as written, then ignoring case.
    id_from_row
        Number the rows: the id is this prefix and the row's line (CSV,
        XLSX) or feature number, the same for the same file. ``""`` takes
        the layer's prefix (``G``, ``B``, ``I``, or the type and ``-`` for
        a file of one incident type); None (default) reads ids from the file.
        A column already holding ids is kept as ``<id>_src``.
    max_text, max_id
        Longest text cell and longest id accepted (characters); the limits
        of :mod:`geo.limits` (``max_text_chars``, ``max_id_chars``) when not given.
    report
        The report to add problems and notes to (without one, notes such
        as defaults applied are not kept: pass one to read them).

    Returns
    -------
    GeoDataFrame with the schema's columns (typed), extra columns kept
    (renamed where they would collide in the store, and listed).

    Notes
    -----
    Column names must differ from each other and from the store's own
    (``fid``, ``geom``) ignoring case: a column that would collide is kept
    as ``<name>_src`` and listed. At most :data:`MAX_COLUMNS` columns are
    kept: the schema's, then extras in file order; the rest are dropped
    and listed (a store table holds at most 2,000 columns).
    """
    if kind not in schema.COLUMNS:
        raise SchemaError.of("io.unknown_kind", kind=kind, kinds=", ".join(schema.COLUMNS))
    own = report is None
    rep = report if report is not None else validate.ValidationReport(kind, "", len(gdf))
    base = int(gdf.attrs.get("row_base", 1))
    fields = dict(fields or {})
    out = _rename(gdf, kind, fields, type_field, rep)
    if kind == schema.INCIDENTS and type_value is not None:
        out["type"] = type_value
    if id_from_row is not None:
        out = _ids_from_rows(out, kind, id_from_row, type_value, base, rep)
    _check_required(out, kind)
    out = _limit_columns(out, kind, rep)
    by_source = {v: k for k, v in fields.items()}  # a map may name the file's column or ours
    out = _apply_value_maps(out, kind, {by_source.get(c, c): m for c, m in (value_maps or {}).items()})
    lim = limits.current()  # $GRIDWATCH_MAX_TEXT_CHARS / $GRIDWATCH_MAX_ID_CHARS unless given
    out = _coerce(out, kind, base, rep, max_text=lim.max_text_chars if max_text is None else max_text,
                  max_id=lim.max_id_chars if max_id is None else max_id)
    if kind == schema.INCIDENTS:
        out = _conform_incidents(out, types or schema.BUILTIN_TYPES, base, rep)
    for col in schema.DERIVED[kind]:
        out[col] = None
    ordered = [c for c in schema.COLUMNS[kind] if c in out.columns]
    extra = [c for c in out.columns if c not in ordered and c != out.geometry.name]
    out = out[ordered + extra + [out.geometry.name]]
    out.attrs["row_base"] = base
    if own and not rep.ok:
        raise validate.ReportError(rep)
    return out


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
    value_maps: Mapping[str, Mapping[str, str]] | None = None,
    id_from_row: str | None = None,
    sliver_m2: float = validate.SLIVER_M2,
    max_text: int | None = None,
    max_id: int | None = None,
) -> tuple[gpd.GeoDataFrame, validate.ValidationReport]:
    """Read, conform and validate one layer (nothing is stored).

    Parameters
    ----------
    path, layer, crs, x_field, y_field, swap_xy
        See :func:`read_file`.
    kind, fields, type_value, type_field, types, value_maps, id_from_row, max_text, max_id
        See :func:`conform`.
    grids
        The grids the layer will be joined to, to report points outside
        every grid and data far from all of them.
    merge_duplicates, sliver_m2
        See :func:`geo.validate.validate_layer`.

    Returns
    -------
    (layer, report): the repaired layer and everything found, the
    problems of :func:`conform` included (the report is not ``ok`` when
    any blocks an import).
    """
    layer = readgeom.osm_layer(path, kind, layer)
    raw = read_file(path, layer=layer, crs=crs, x_field=x_field, y_field=y_field, swap_xy=swap_xy, near=_bounds(grids))
    raw.attrs.setdefault("row_base", 2 if Path(path).suffix.lower() in (".csv", ".xlsx") else 1)
    report = validate.ValidationReport(kind, Path(path).name, len(raw))
    gdf = conform(raw, kind, fields=fields, type_value=type_value, type_field=type_field, types=types,
                  value_maps=value_maps, id_from_row=id_from_row, max_text=max_text, max_id=max_id, report=report)
    readgeom.check_extent(gdf, kind, Path(path).name)
    out, report = validate.validate_layer(gdf, kind, grids=grids, source=Path(path).name,
                                          merge_duplicates=merge_duplicates, sliver_m2=sliver_m2, report=report, crs=crs)
    readgeom.report_notes(report, raw)
    return out, report


def _bounds(grids: gpd.GeoDataFrame | None) -> tuple[float, float, float, float] | None:
    """WGS-84 bounds of the grids (where data should be), None without grids."""
    if grids is None or len(grids) == 0 or grids.crs is None:
        return None
    b = grids.to_crs(4326).total_bounds
    return (float(b[0]), float(b[1]), float(b[2]), float(b[3])) if np.isfinite(b).all() else None


def parse_value_maps(items: list[str]) -> dict[str, dict[str, str]]:
    """Value maps from ``--map`` options: ``COLUMN=FROM:TO,FROM:TO`` or a TOML file.

    Parameters
    ----------
    items
        Each ``status=Open:reported,Closed:resolved`` (values may be
        Chinese; the last ``:`` of a pair separates its two sides), or the
        path of a ``.toml`` file with one table per column::

            [status]
            "开放" = "reported"

    Returns
    -------
    dict: column to {user's value: our code}, later items winning.
    """
    out: dict[str, dict[str, str]] = {}
    for item in items:
        if item.lower().endswith(".toml"):
            for col, table in _toml_maps(item).items():
                out.setdefault(col, {}).update(table)
            continue
        col, sep, pairs = item.partition("=")
        if not sep or not col.strip() or not pairs.strip():
            raise OptionError.of("io.map_syntax", item=item)
        table = out.setdefault(col.strip(), {})
        for pair in pairs.split(","):
            src, sep, dst = pair.rpartition(":")
            if not sep or not src.strip() or not dst.strip():
                raise OptionError.of("io.map_pair", item=item, pair=pair)
            table[src.strip()] = dst.strip()
    return out


def _toml_maps(path: str) -> dict[str, dict[str, str]]:
    import tomllib

    p = Path(path)
    try:
        with open(p, "rb") as fh:
            data = tomllib.load(fh)
    except OSError:
        raise OptionError.of("io.map_file_missing", file=p.name) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise OptionError.of("io.map_file_bad", file=p.name, reason=_short(exc)) from None
    out: dict[str, dict[str, str]] = {}
    for col, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(v, str | int | bool) for v in table.values()):
            raise OptionError.of("io.map_file_table", file=p.name, column=str(col))
        out[str(col)] = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in table.items()}
    return out


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


def _rename(gdf: gpd.GeoDataFrame, kind: str, fields: dict[str, str], type_field: str | None,
            report: validate.ValidationReport) -> gpd.GeoDataFrame:
    if type_field:
        fields.setdefault("type", type_field)
    unknown = [k for k in fields if k not in schema.COLUMNS[kind]]
    if unknown:
        raise SchemaError.of("io.unknown_field", fields=", ".join(unknown), layer=validate.layer_term(kind),
                             columns=", ".join(schema.COLUMNS[kind]))
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if len(set(columns)) != len(columns):
        raise SchemaError.of("io.duplicate_columns",
                             columns=_column_list(sorted({c for c in columns if columns.count(c) > 1})))
    missing = [v for v in fields.values() if v not in columns]
    if missing:
        raise SchemaError.of("io.no_mapped_column", missing=", ".join(map(repr, missing)),
                             columns=_column_list(columns))
    _map_truncated(gdf, kind, fields)
    _map_case(columns, kind, fields, report)
    reverse = {v: k for k, v in fields.items()}
    clash = [k for k, v in fields.items() if k in gdf.columns and k != v]
    out = gdf.drop(columns=clash).rename(columns=reverse)
    if clash:
        report.issue(validate.WARNING, "column_replaced", columns=", ".join(clash))
    return _no_collisions(out, kind, report)


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


def _map_case(columns: list[str], kind: str, fields: dict[str, str], report: validate.ValidationReport) -> None:
    """Take ``NAME`` (or KML's ``Name``) as ``name`` when no column is named so exactly."""
    taken = set(fields.values())
    found: list[str] = []
    for col in schema.COLUMNS[kind]:
        if col in fields or col in columns or col in schema.DERIVED[kind]:
            continue
        same = [c for c in columns if c.lower() == col and c not in taken]
        if len(same) == 1:
            fields[col] = same[0]
            taken.add(same[0])
            found.append(f"{same[0]} → {col}")
    if found:
        report.issue(validate.WARNING, "column_case_mapped", columns=", ".join(found))


def _no_collisions(gdf: gpd.GeoDataFrame, kind: str, report: validate.ValidationReport) -> gpd.GeoDataFrame:
    """Rename columns that the store would take for another (names are
    case-insensitive there, and ``fid`` / ``geom`` are its own)."""
    geom = gdf.geometry.name
    names = [str(c) for c in gdf.columns if c != geom]
    canonical = set(schema.COLUMNS[kind])
    # a schema column (derived ones too: the joins add them) keeps its name;
    # of other names equal but for case, the first keeps it
    keeper: dict[str, str] = {c.lower(): c for c in canonical}
    for c in names:
        keeper.setdefault(c.lower(), c)
    reserved = set(_STORE_NAMES)
    taken = {c.lower() for c in names} | reserved | set(keeper)
    renames: dict[str, str] = {}
    for c in names:
        low = c.lower()
        if low not in reserved and keeper[low] == c:
            continue
        new, n = f"{c}_src", 2
        while new.lower() in taken:
            new, n = f"{c}_src{n}", n + 1
        taken.add(new.lower())
        renames[c] = new
    if not renames:
        return gdf
    report.issue(validate.WARNING, "column_renamed",
                 columns=", ".join(f"{old} → {new}" for old, new in renames.items()))
    return gdf.rename(columns=renames)


def _column_list(columns: list[str], limit: int = 30) -> str:
    shown = ", ".join(printable(c, 60) for c in columns[:limit])
    return shown + (f" … (+{len(columns) - limit})" if len(columns) > limit else "") if columns else "-"


def _limit_columns(gdf: gpd.GeoDataFrame, kind: str, report: validate.ValidationReport) -> gpd.GeoDataFrame:
    geom = gdf.geometry.name
    names = [c for c in gdf.columns if c != geom]
    if len(names) + len(schema.DERIVED[kind]) <= MAX_COLUMNS:
        return gdf
    own = [c for c in names if c in schema.COLUMNS[kind]]
    extra = [c for c in names if c not in schema.COLUMNS[kind]]
    room = max(MAX_COLUMNS - len(own) - len(schema.DERIVED[kind]), 0)
    kept, dropped = extra[:room], extra[room:]
    report.issue(validate.WARNING, "columns_dropped", n=len(dropped), total=len(names), limit=MAX_COLUMNS,
                 first=printable(str(dropped[0]), 60), last=printable(str(dropped[-1]), 60))
    return gdf[own + kept + [geom]]


def _ids_from_rows(gdf: gpd.GeoDataFrame, kind: str, prefix: str, type_value: str | None, base: int,
                   report: validate.ValidationReport) -> gpd.GeoDataFrame:
    id_col = schema.ID_COLUMN[kind]
    if not prefix:
        prefix = f"{type_value}-" if kind == schema.INCIDENTS and type_value else _ROW_PREFIX[kind]
    if _ANY_CONTROL.search(prefix) or len(prefix) > 40:
        raise OptionError.of("io.id_prefix_bad", prefix=printable(prefix, 60))
    out = gdf
    if id_col in out.columns:
        kept = f"{id_col}_src"
        n = 2
        while kept.lower() in {str(c).lower() for c in out.columns}:
            kept, n = f"{id_col}_src{n}", n + 1
        out = out.rename(columns={id_col: kept})
        report.issue(validate.WARNING, "ids_replaced", column=id_col, kept=kept)
    pos = validate._positions(out, np.ones(len(out), dtype=bool))
    out = out.copy()
    out[id_col] = [f"{prefix}{p + base}" for p in pos]
    report.issue(validate.WARNING, "ids_from_lines" if base >= 2 else "ids_from_features", n=len(out), column=id_col,
                 first=f"{prefix}{base}", prefix=prefix)
    return out


def _check_required(gdf: gpd.GeoDataFrame, kind: str) -> None:
    missing = [c for c in schema.REQUIRED[kind] if c not in gdf.columns]
    if missing:
        cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
        key = "io.no_type_column" if missing[0] == "type" else "io.no_id_column"
        raise SchemaError.of(key, layer=validate.layer_term(kind), column=missing[0], columns=_column_list(cols))


def _apply_value_maps(gdf: gpd.GeoDataFrame, kind: str, maps: dict[str, Mapping[str, str]]) -> gpd.GeoDataFrame:
    if not maps:
        return gdf
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    unknown = [c for c in maps if c not in columns and c not in schema.COLUMNS[kind]]
    if unknown:
        raise OptionError.of("io.map_unknown_column", columns=", ".join(unknown), have=_column_list(columns))
    out = gdf.copy()
    for col, table in maps.items():
        if col not in out.columns:
            continue
        exact = {str(k).strip(): str(v).strip() for k, v in table.items()}
        folded = {k.lower(): v for k, v in exact.items()}

        def one(v: object, exact: dict[str, str] = exact, folded: dict[str, str] = folded) -> object:
            if v is None:
                return None
            text = str(v).strip()
            if isinstance(v, float) and v.is_integer():
                text = str(int(v))
            return exact.get(text, folded.get(text.lower(), v))

        out[col] = _map_unique(out[col], one)
    return out


def _coerce(gdf: gpd.GeoDataFrame, kind: str, base: int, report: validate.ValidationReport, *,
            max_text: int, max_id: int) -> gpd.GeoDataFrame:
    out = gdf.copy()
    id_col = schema.ID_COLUMN[kind]
    for col, k in schema.COLUMNS[kind].items():
        if col not in out.columns or col in schema.DERIVED[kind]:
            continue
        s = out[col]
        if k == "str" and col == "reported_at" and _iso_from_datetimes(s.iloc[:0]) is not None:
            continue  # a datetime column: written as ISO 8601 text by _iso_times
        if k == "str":
            text = _text_column(s)
            out[col] = _check_text(text, col, base, report, max_len=max_id if col == id_col else max_text,
                                   is_id=col == id_col)
        elif k in ("int", "float"):
            given = _map_unique(s, _blank_to_na)
            num = pd.to_numeric(given, errors="coerce")
            bad = (num.isna() & given.notna()).to_numpy().copy()
            finite = np.isfinite(num.to_numpy(dtype=float, na_value=np.nan))
            bad |= num.notna().to_numpy() & ~finite
            if bad.any():
                _bad(report, "bad_number", col, s, bad, base)
            lo_hi = _RANGES.get(col)
            if k == "int":
                frac = num.notna().to_numpy() & finite & (num.round() != num).to_numpy()
                if frac.any():
                    _bad(report, "bad_integer", col, s, frac, base)
                huge = num.notna().to_numpy() & finite & ~frac & (num.abs() > 2**53).to_numpy()
                if huge.any():
                    _bad(report, "out_of_range", col, s, huge, base, low=f"{-(2**53)}", high=f"{2**53}")
                bad |= frac | huge
            elif lo_hi is not None:
                out_of = num.notna().to_numpy() & finite & ~num.between(*lo_hi).to_numpy()
                if out_of.any():
                    _bad(report, "out_of_range", col, s, out_of, base, low=f"{lo_hi[0]:g}", high=f"{lo_hi[1]:g}")
                bad |= out_of
            num = num.mask(bad)
            out[col] = num.round().astype("Int64") if k == "int" else num.astype(float)
        elif k == "bool":
            b = _map_unique(s, _to_bool)
            bad = (b.isna() & _map_unique(s, _blank_to_na).notna()).to_numpy().copy()
            if bad.any():
                _bad(report, "bad_bool", col, s, bad, base, values=_distinct(s[bad]),
                     example=_map_example(col, s[bad], "yes"))
            out[col] = b.astype("boolean")
    cleaned: dict[str, pd.Series] = {}
    for col in out.columns:
        if col == out.geometry.name or col in schema.COLUMNS[kind]:
            continue
        if not (pd.api.types.is_object_dtype(out[col].dtype) or pd.api.types.is_string_dtype(out[col].dtype)):
            continue
        s = _strip_control(out[col], str(col), base, report)
        if s is not out[col]:
            cleaned[col] = s
    for col, s in cleaned.items():
        out[col] = s
    return out


def _check_text(text: pd.Series, col: str, base: int, report: validate.ValidationReport, *, max_len: int,
                is_id: bool) -> pd.Series:
    """Refuse control characters in ids and text over ``max_len``; strip control characters from text."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if len(uniques) == 0:
        return text
    u = pd.Series(uniques, dtype=object).astype(str)
    pattern = _ANY_CONTROL if is_id else _CONTROL
    ctrl_u = u.str.contains(pattern).to_numpy()
    long_u = (u.str.len() > max_len).to_numpy()
    out = text
    if ctrl_u.any():
        ctrl = np.zeros(len(text), dtype=bool)
        ctrl[codes >= 0] = ctrl_u[codes[codes >= 0]]
        if is_id:
            _bad(report, "control_in_id", col, text, ctrl, base)
            out = out.mask(ctrl, None)
        else:
            cleaned = u.str.replace(pattern, "", regex=True).str.strip()
            mapped = np.where(ctrl_u, cleaned.to_numpy(dtype=object), uniques)
            values = np.empty(len(mapped) + 1, dtype=object)
            values[:-1] = [v if v != "" else None for v in mapped]
            values[-1] = None
            out = pd.Series(values[codes], index=text.index, dtype=object)
            report.issue(validate.WARNING, "control_stripped", column=col, n=int(ctrl.sum()),
                         rows=validate.Rows.of(validate._positions(text.to_frame(), ctrl), base))
    if long_u.any():
        long_ = np.zeros(len(text), dtype=bool)
        long_[codes >= 0] = long_u[codes[codes >= 0]]
        pos = validate._positions(text.to_frame(), long_)
        report.issue(validate.ERROR, "text_too_long", column=col, n=int(long_.sum()), limit=max_len,
                     longest=int(u.str.len().max()), rows=validate.Rows.of(pos, base))
        out = out.mask(long_, None)
    return out


def _strip_control(s: pd.Series, col: str, base: int, report: validate.ValidationReport) -> pd.Series:
    """Control characters out of an extra text column (with a warning)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return s
    is_str = np.fromiter((type(v) is str for v in uniques), dtype=bool, count=len(uniques))
    if not is_str.any():
        return s
    u = pd.Series(uniques, dtype=object)
    ctrl_u = np.zeros(len(uniques), dtype=bool)
    ctrl_u[is_str] = u[is_str].str.contains(_CONTROL).to_numpy(dtype=bool)
    if not ctrl_u.any():
        return s
    ctrl = np.zeros(len(s), dtype=bool)
    ctrl[codes >= 0] = ctrl_u[codes[codes >= 0]]
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [_CONTROL.sub("", v) if c else v for v, c in zip(uniques, ctrl_u, strict=True)]
    values[-1] = None
    report.issue(validate.WARNING, "control_stripped", column=col, n=int(ctrl.sum()),
                 rows=validate.Rows.of(validate._positions(s.to_frame(), ctrl), base))
    return pd.Series(values[codes], index=s.index, dtype=object)


def _bad(report: validate.ValidationReport, code: str, col: str, cells: pd.Series, mask: np.ndarray, base: int,
         **extra: object) -> None:
    pos = validate._positions(cells.to_frame(), mask)
    shown = cells.to_numpy()[mask][: validate.Rows.SHOWN]
    params: dict[str, object] = {"column": col, "n": int(mask.sum()),
                                 "rows": validate.Rows.of(pos, base, [v for v in shown]), **extra}
    report.issue(validate.ERROR, code, **params)  # type: ignore[arg-type]


def _distinct(values: pd.Series, limit: int = 20) -> str:
    """``'Open' (25), 'Closed' (3)``: every distinct value with its count (the first ``limit``)."""
    counts = values.astype(str).value_counts()
    shown = ", ".join(f"{printable(str(v), 40)!r} ({n})" for v, n in counts.iloc[:limit].items())
    return shown + (f" … (+{len(counts) - limit})" if len(counts) > limit else "")


def _map_example(col: str, values: pd.Series, target: str) -> str:
    first = printable(str(values.astype(str).value_counts().index[0]), 40)
    return f"--map {col}={first}:{target}"


def _conform_incidents(gdf: gpd.GeoDataFrame, types: Mapping[str, schema.IncidentType], base: int,
                       report: validate.ValidationReport) -> gpd.GeoDataFrame:
    out = gdf.copy()
    by_label = {}
    for t in types.values():
        by_label[t.code.lower()] = t.code
        by_label[t.label_zh] = t.code
        by_label[t.label_en.lower()] = t.code
    raw = _nullable(out["type"])
    codes = _nullable(_map_unique(raw, lambda v: None if v is None else
                                  by_label.get(str(v).strip().lower(), by_label.get(str(v).strip()))))
    unknown = codes.isna() & raw.notna()
    if unknown.any():
        report.issue(validate.ERROR, "unknown_type", n=int(unknown.sum()), values=_distinct(raw[unknown]),
                     codes=", ".join(types), example=_map_example("type", raw[unknown], next(iter(types))))
    no_type = raw.isna()
    if no_type.any():
        report.issue(validate.ERROR, "missing_type", n=int(no_type.sum()),
                     rows=validate.Rows.of(validate._positions(out, no_type.to_numpy()), base))
    out["type"] = codes.astype(object)
    given = "status" in out.columns
    status_raw = _nullable(out["status"]) if given else pd.Series([None] * len(out), index=out.index, dtype=object)
    status_codes = _labels("status", (*schema.ASSET_STATUSES, *schema.EVENT_STATUSES))
    status = _nullable(_map_unique(status_raw, lambda v: _code(v, status_codes)))
    known = codes.notna()
    blank = status.isna() & known
    if blank.any():
        defaults = out["type"].map({c: t.default_status for c, t in types.items()})
        status = status.where(~blank, defaults)
        counts = defaults[blank].astype(str) + " (" + out.loc[blank, "type"].astype(str) + ")"
        report.issue(validate.WARNING, "status_default" if given else "status_column_default", n=int(blank.sum()),
                     defaults=", ".join(f"{k}: {v}" for k, v in counts.value_counts().items()))
    all_codes = set(schema.ASSET_STATUSES) | set(schema.EVENT_STATUSES)
    not_code = status.notna() & ~status.isin(all_codes)
    if not_code.any():
        report.issue(validate.ERROR, "unknown_status", n=int(not_code.sum()), values=_distinct(status_raw[not_code]),
                     example=_map_example("status", status_raw[not_code], "reported"))
    wrong = pd.Series(False, index=out.index)
    for code in codes[known].unique():
        of_type = out["type"] == code
        wrong |= of_type & status.notna() & status.isin(all_codes) & ~status.isin(types[code].statuses)
    if wrong.any():
        pairs = (out.loc[wrong, "type"].astype(str) + ": " + status[wrong].astype(str))
        report.issue(validate.ERROR, "status_not_allowed", n=int(wrong.sum()), values=_distinct(pairs),
                     rows=validate.Rows.of(validate._positions(out, wrong.to_numpy()), base))
    out["status"] = status.where(~(not_code | wrong), None).astype(object)
    if "severity" in out.columns:
        severity_codes = _labels("severity", schema.SEVERITIES)
        sev_raw = _nullable(out["severity"])
        sev = _nullable(_map_unique(sev_raw, lambda v: _code(v, severity_codes)))
        bad_sev = sev.notna() & ~sev.isin(schema.SEVERITIES)
        if bad_sev.any():
            report.issue(validate.ERROR, "unknown_severity", n=int(bad_sev.sum()), values=_distinct(sev_raw[bad_sev]),
                         codes=", ".join(schema.SEVERITIES), example=_map_example("severity", sev_raw[bad_sev], "high"))
        out["severity"] = sev.where(~bad_sev, None).astype(object)
    if "reported_at" in out.columns:
        out["reported_at"] = _iso_times(out["reported_at"], base, report)
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


def _text_column(s: pd.Series) -> pd.Series:
    """:func:`_to_text` of every cell, vectorised for a column of strings."""
    if isinstance(s.dtype, pd.StringDtype):
        stripped = s.str.strip()
        return _nullable(stripped.where(stripped.str.len() > 0))
    return _nullable(_map_unique(s, _to_text))


def _iso_from_datetimes(col: pd.Series) -> pd.Series | None:
    """ISO 8601 text of a datetime column (as GeoJSON and GeoPackage readers give), vectorised;
    None when the column holds something else or fractions of a second."""
    if not (isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(col.dtype)):
        return None
    t = col if isinstance(col.dtype, pd.DatetimeTZDtype) else col.dt.tz_localize("Asia/Shanghai")
    if ((t.dt.microsecond.fillna(0) != 0) | (t.dt.nanosecond.fillna(0) != 0)).any():
        return None
    wall = t.dt.tz_localize(None).to_numpy("datetime64[s]")
    utc = t.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    missing = np.isnat(wall)
    minutes = np.where(missing, 0, (wall - utc).astype("timedelta64[m]").astype(np.int64))
    codes, offsets = pd.factorize(minutes)
    names = np.array([f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in offsets], dtype=object)
    text = np.char.add(np.datetime_as_string(wall, unit="s").astype(object).astype(str), names[codes].astype(str))
    out = pd.Series(text.astype(object), index=col.index, dtype=object)
    return out.where(~missing, None)


def _iso_times(col: pd.Series, base: int, report: validate.ValidationReport) -> pd.Series:
    """ISO 8601 text with an offset; times without one are China Standard Time."""
    fast = _iso_from_datetimes(col)
    if fast is not None:
        return fast
    text = _nullable(_map_unique(col, _blank_to_na))
    cache: dict[str, str | None] = {}

    def fmt(v: object) -> str | None:
        if v is None:
            return None
        key = str(v).strip()
        if key not in cache:
            try:
                t = pd.Timestamp(key)
            except (ValueError, TypeError, OverflowError):
                cache[key] = None
            else:
                cache[key] = None if t is pd.NaT else (t.tz_localize("Asia/Shanghai") if t.tzinfo is None else t).isoformat()
        return cache[key]

    out = _nullable(_map_unique(text, fmt))
    bad = (out.isna() & text.notna()).to_numpy()
    if bad.any():
        _bad(report, "bad_date", "reported_at", col, bad, base)
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

