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

from . import i18n, readgeom, schema
from ._errors import CRSError, GridWatchError, InputFileError, SchemaError
from .crs import parse_crs, to_storage_crs

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
) -> gpd.GeoDataFrame:
    """Read a vector or table file into a GeoDataFrame in WGS-84.

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

    Returns
    -------
    GeoDataFrame in EPSG:4326.
    """
    p = Path(path)
    if not p.exists():
        msg = f"File {str(p)!r} does not exist."
        raise InputFileError(msg, "Check the path and the file name.")
    suffix = p.suffix.lower()
    if readgeom.is_osm(p):
        gdf = readgeom.read_osm(p, layer=layer)
    elif suffix not in SUPPORTED:
        msg = f"File type {suffix or '(none)'!r} of {p.name!r} is not supported."
        raise InputFileError(msg, f"Use one of {', '.join(SUPPORTED)}.")
    elif suffix in (".csv", ".xlsx"):
        gdf = _read_table(p, layer=layer, x_field=x_field, y_field=y_field, swap_xy=swap_xy)
    else:
        gdf = _read_vector(p, layer=layer)
        if swap_xy:
            gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]), crs=gdf.crs)
    gdf = readgeom.normalize(gdf)
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
    layer = readgeom.osm_layer(path, kind, layer)
    raw = read_file(path, layer=layer, crs=crs, x_field=x_field, y_field=y_field, swap_xy=swap_xy)
    gdf = conform(raw, kind, fields=fields, type_value=type_value, type_field=type_field, types=types)
    readgeom.check_extent(gdf, kind, Path(path).name)
    layer_out, report = validate.validate_layer(gdf, kind, grids=grids, source=Path(path).name,
                                                merge_duplicates=merge_duplicates, crs=crs)
    readgeom.report_notes(report, raw)
    return layer_out, report


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


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    text = text.split("; It might help to specify the correct driver")[0].rstrip(".; ")
    return text[:200]


from . import validate  # noqa: E402  (validate imports nothing from io at import time)
