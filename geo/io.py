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
import os
import re
import warnings
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from . import i18n, schema, validate  # validate imports nothing from io
from ._errors import CRSError, GridWatchError, InputFileError, OptionError, SchemaError
from .crs import parse_crs, to_storage_crs
from .safe import printable

__all__ = ["conform", "detect_xy_columns", "load_layer", "parse_value_maps", "read_file", "SUPPORTED"]

SUPPORTED: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".csv", ".xlsx")

_X_NAMES: Final = ("lon", "lng", "long", "longitude", "x", "经度", "东经", "point_x", "wgs84_lon", "gcj_lon")
_Y_NAMES: Final = ("lat", "latitude", "y", "纬度", "北纬", "point_y", "wgs84_lat", "gcj_lat")
_WKT_NAMES: Final = ("wkt", "geometry", "geom", "the_geom")

#: China's extent in degrees (loose), to tell swapped axes from real data.
_CHINA: Final = (73.0, 15.0, 136.0, 54.0)

#: Longest text cell accepted (characters); ``max_text=`` changes it.
MAX_TEXT_CHARS: Final = 10_000
#: Longest id accepted (characters); ``max_id=`` changes it.
MAX_ID_CHARS: Final = 200
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
_ROW_PREFIX: Final = {schema.GRIDS: "G", schema.BUILDINGS: "B", schema.INCIDENTS: "I", schema.STREETS: "S"}


def read_file(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    crs: str | pyproj.CRS | None = None,
    x_field: str | None = None,
    y_field: str | None = None,
    swap_xy: bool = False,
) -> gpd.GeoDataFrame:
    """Read a vector or table file into a GeoDataFrame in WGS-84.

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

    Returns
    -------
    GeoDataFrame in EPSG:4326.
    """
    p = Path(path)
    if not p.exists():
        msg = f"File {str(p)!r} does not exist."
        raise InputFileError(msg, "Check the path and the file name.")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED:
        msg = f"File type {suffix or '(none)'!r} of {p.name!r} is not supported."
        raise InputFileError(msg, f"Use one of {', '.join(SUPPORTED)}.")
    if suffix in (".csv", ".xlsx"):
        gdf = _read_table(p, layer=layer, x_field=x_field, y_field=y_field, swap_xy=swap_xy)
    else:
        gdf = _read_vector(p, layer=layer)
        if swap_xy:
            gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]), crs=gdf.crs)
    declared = parse_crs(crs)
    _check_plausible(gdf, declared if declared is not None else gdf.crs, p.name)
    return to_storage_crs(gdf, declared)


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
    max_text: int = MAX_TEXT_CHARS,
    max_id: int = MAX_ID_CHARS,
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
        Longest text cell and longest id accepted (characters).
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
    out = _coerce(out, kind, base, rep, max_text=max_text, max_id=max_id)
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
    max_text: int = MAX_TEXT_CHARS,
    max_id: int = MAX_ID_CHARS,
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
    raw = read_file(path, layer=layer, crs=crs, x_field=x_field, y_field=y_field, swap_xy=swap_xy)
    raw.attrs.setdefault("row_base", 2 if Path(path).suffix.lower() in (".csv", ".xlsx") else 1)
    report = validate.ValidationReport(kind, Path(path).name, len(raw))
    gdf = conform(raw, kind, fields=fields, type_value=type_value, type_field=type_field, types=types,
                  value_maps=value_maps, id_from_row=id_from_row, max_text=max_text, max_id=max_id, report=report)
    return validate.validate_layer(gdf, kind, grids=grids, source=Path(path).name, merge_duplicates=merge_duplicates,
                                   sliver_m2=sliver_m2, report=report)


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


def _read_vector(p: Path, *, layer: str | None) -> gpd.GeoDataFrame:
    target: str = str(p)
    if p.suffix.lower() == ".zip":
        target = _shapefile_in_zip(p)
    try:
        layers = [str(n) for n, _ in pyogrio.list_layers(target)]
    except Exception as exc:
        msg = f"{p.name!r} cannot be read as a {p.suffix.lstrip('.').upper()} file ({_short(exc)})."
        raise InputFileError(msg, "Open it in QGIS to check it, or export it again.") from exc
    if layer is None and len(layers) > 1 and p.suffix.lower() in (".gpkg", ".kml"):
        msg = f"{p.name!r} holds several layers: {', '.join(layers)}."
        raise InputFileError(msg, "Choose one with --layer NAME.")
    if layer is not None and layer not in layers:
        msg = f"{p.name!r} has no layer {layer!r}; it has {', '.join(layers) or 'none'}."
        raise InputFileError(msg, "Choose one of those with --layer NAME.")
    encoding = _dbf_encoding(p) if p.suffix.lower() in (".shp", ".zip") else None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(target, layer=layer or (layers[0] if layers else None), use_arrow=False,
                                         encoding=encoding)
    except Exception as exc:
        msg = f"{p.name!r} cannot be read ({_short(exc)})."
        raise InputFileError(msg, "The file may be truncated or not what its name says: export it again.") from exc
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    return gdf


def _shapefile_in_zip(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            shps = [n for n in zf.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    except zipfile.BadZipFile as exc:
        msg = f"{p.name!r} is not a valid zip archive."
        raise InputFileError(msg, "Zip the Shapefile's .shp, .shx, .dbf and .prj files again.") from exc
    if len(shps) != 1:
        msg = f"{p.name!r} holds {len(shps)} Shapefiles; one is expected."
        raise InputFileError(msg, "Put exactly one .shp (with its .shx, .dbf, .prj) in the zip.")
    return f"/vsizip/{p}/{shps[0]}"


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
    except (OSError, StopIteration, zipfile.BadZipFile):
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


def _read_table(
    p: Path, *, layer: str | None, x_field: str | None, y_field: str | None, swap_xy: bool
) -> gpd.GeoDataFrame:
    try:
        if p.suffix.lower() == ".csv":
            df = _read_csv(p)
        else:
            df = pd.read_excel(p, sheet_name=_sheet(p, layer), dtype=object)
    except GridWatchError:
        raise
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        msg = f"{p.name!r} cannot be read as a table ({_short(exc)})."
        hint = "Save it again as UTF-8 CSV or as .xlsx (Excel 2007 or later)."
        raise InputFileError(msg, hint) from exc
    df.columns = [str(c).strip() for c in df.columns]
    wkt = next((c for c in df.columns if c.lower() in _WKT_NAMES), None)
    if x_field is None and y_field is None and wkt is not None:
        geom = _parse_wkt(df[wkt], p.name, wkt)
        return gpd.GeoDataFrame(df.drop(columns=[wkt]), geometry=geom, crs=None)
    dx, dy = detect_xy_columns(list(df.columns))
    x_field, y_field = x_field or dx, y_field or dy
    for role, name in (("x (longitude)", x_field), ("y (latitude)", y_field)):
        if name is None:
            msg = f"{p.name!r} has no {role} column (columns: {', '.join(df.columns)})."
            raise SchemaError(msg, "Name the coordinate columns with --x-field and --y-field.")
        if name not in df.columns:
            msg = f"{p.name!r} has no column {name!r} (columns: {', '.join(df.columns)})."
            raise SchemaError(msg, "Check the spelling of --x-field / --y-field.")
    x = pd.to_numeric(df[x_field], errors="coerce")
    y = pd.to_numeric(df[y_field], errors="coerce")
    bad = df.index[(x.isna() | y.isna()).to_numpy()]
    if len(bad):
        rows = ", ".join(str(i + 2) for i in bad[:10])
        msg = f"{p.name!r}: {len(bad)} row(s) have no numeric coordinates (lines {rows}{'...' if len(bad) > 10 else ''})."
        raise SchemaError(msg, f"Fill in {x_field} and {y_field} as numbers, or delete those rows.")
    if swap_xy:
        x, y = y, x
    rest = df.drop(columns=[x_field, y_field])
    return gpd.GeoDataFrame(rest, geometry=gpd.points_from_xy(x, y), crs=None)


def _sheet(p: Path, layer: str | None) -> str:
    """The sheet to read: the one named, or the only one."""
    with pd.ExcelFile(p) as book:
        sheets = [str(n) for n in book.sheet_names]
    if layer is not None and layer not in sheets:
        msg = f"{p.name!r} has no sheet {layer!r}; it has {', '.join(sheets)}."
        raise InputFileError(msg, "Choose one of those with --layer SHEET.")
    if layer is None and len(sheets) > 1:
        msg = f"{p.name!r} holds several sheets: {', '.join(sheets)}."
        raise InputFileError(msg, "Choose the one with the data with --layer SHEET.")
    return layer if layer is not None else sheets[0]


def _read_csv(p: Path) -> pd.DataFrame:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(p, dtype=object, encoding=enc, keep_default_na=False, na_values=[""])
        except UnicodeDecodeError:
            continue
    msg = f"{p.name!r} is neither UTF-8 nor GB18030 text."
    raise InputFileError(msg, "Save it again as UTF-8 CSV.")


def _parse_wkt(col: pd.Series, name: str, column: str) -> gpd.GeoSeries:
    try:
        return gpd.GeoSeries(shapely.from_wkt(col.astype(str).to_numpy()))
    except shapely.errors.GEOSException as exc:
        msg = f"{name!r}: column {column!r} holds text that is not WKT geometry ({_short(exc)})."
        raise SchemaError(msg, "Use WKT such as 'POINT (114.36 30.52)', or give --x-field/--y-field.") from exc


def _check_plausible(gdf: gpd.GeoDataFrame, crs: pyproj.CRS | str | None, name: str) -> None:
    geoms = gdf.geometry[~(gdf.geometry.is_empty | gdf.geometry.isna())]
    if geoms.empty:
        return
    minx, miny, maxx, maxy = geoms.total_bounds
    geographic = isinstance(crs, str) or crs is None or crs.is_geographic
    if not geographic:
        return
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        if minx >= -90 and maxx <= 90 and miny >= -180 and maxy <= 180:
            msg = f"{name!r}: coordinates look like latitude, longitude (swapped)."
            raise CRSError(msg, "Add --swap-xy, or give --x-field/--y-field the other way round.")
        msg = f"{name!r}: coordinates ({minx:.0f}, {miny:.0f}) .. ({maxx:.0f}, {maxy:.0f}) are not longitude/latitude."
        raise CRSError(msg, _projected_hint(minx, maxx))
    in_china_swapped = _CHINA[1] <= minx and maxx <= _CHINA[3] and _CHINA[0] <= miny and maxy <= _CHINA[2]
    if in_china_swapped:
        msg = f"{name!r}: x is between {minx:.2f} and {maxx:.2f} and y between {miny:.2f} and {maxy:.2f}: latitude and longitude look swapped."
        raise CRSError(msg, "Add --swap-xy, or give --x-field/--y-field the other way round.")


def _projected_hint(minx: float, maxx: float) -> str:
    """Which CGCS2000 Gauss-Krüger CRS projected numbers are probably in.

    Eastings with the zone number in front (38 534 552) name their zone:
    3-degree zones 25-45 are EPSG:4513-4533, 6-degree zones 13-23 are
    EPSG:4491-4501. Without it (534 552) only the central meridian is
    missing: EPSG:4534-4554 are CM 75°E to 135°E in 3-degree steps.
    """
    zone = int(minx // 1_000_000)
    if zone == int(maxx // 1_000_000) and minx % 1_000_000 >= 100_000 and maxx % 1_000_000 <= 900_000:
        if 25 <= zone <= 45:
            return (f"They look like CGCS2000 3-degree Gauss-Krüger zone {zone} (metres, zone number in front): "
                    f"load with --crs EPSG:{4513 + zone - 25}.")
        if 13 <= zone <= 23:
            return (f"They look like CGCS2000 6-degree Gauss-Krüger zone {zone} (metres, zone number in front): "
                    f"load with --crs EPSG:{4491 + zone - 13}.")
    return ("They look projected (metres): name the CRS with --crs, e.g. CGCS2000 3-degree Gauss-Krüger "
            "EPSG:4534..4554 for central meridian 75°E..135°E (114°E is EPSG:4547); ask the data's provider.")


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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = text.split("; It might help to specify the correct driver")[0].rstrip(".; ")
    return text[:200]

