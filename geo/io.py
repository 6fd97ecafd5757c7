"""Reading users' files into GridWatch layers.

Two steps, each usable alone:

1. :func:`read_file` reads GeoJSON, GeoPackage (a chosen layer), Shapefile
   (``.shp`` or a ``.zip``), KML, and CSV / XLSX with coordinate columns,
   and returns a GeoDataFrame in WGS-84.
2. :func:`conform` maps the user's field names onto the schema of one
   layer (:mod:`geo.schema`), checks required columns and value kinds, and
   keeps every extra column the user brought.

:func:`load_layer` does both and validates (:mod:`geo.validate`).

The steps behind them live in :mod:`geo.readers` (file formats),
:mod:`geo.coords` (coordinates) and :mod:`geo.conform` (columns and values).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from . import limits, readgeom, schema, validate  # validate imports nothing from io
from .conform import (
    MAX_COLUMNS,
    apply_value_maps,
    check_required,
    coerce,
    conform_incidents,
    ids_from_rows,
    limit_columns,
    rename_columns,
)
from .coords import check_coordinates, check_plausible, detect_xy_columns, read_table
from .crs import parse_crs, to_storage_crs
from .errors import CRSError, InputFileError, OptionError, SchemaError
from .readers import quoted, read_vector, short_error

__all__ = ["conform", "detect_xy_columns", "load_layer", "parse_value_maps", "load_zones", "read_file", "MAX_COLUMNS", "SUPPORTED"]

SUPPORTED: Final = (".geojson", ".json", ".gpkg", ".shp", ".zip", ".kml", ".csv", ".xlsx")


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
    name = quoted(p.name)
    if not p.is_file():
        raise InputFileError.of("io.not_found", file=quoted(str(p)))
    suffix = p.suffix.lower()
    osm = readgeom.is_osm(p)
    if suffix not in SUPPORTED and not osm:
        raise InputFileError.of("io.unsupported", file=name, suffix=quoted(suffix or "(none)"),
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
        gdf = read_table(p, layer=layer, x_field=x_field, y_field=y_field, swap_xy=swap_xy, lim=lim)
        row_base = int(gdf.attrs.get("row_base", 2))
    else:
        gdf = read_vector(p, layer=layer, lim=lim, crs_given=declared is not None)
        row_base = 1
        if swap_xy:
            gdf = gdf.set_geometry(shapely.transform(gdf.geometry.values, lambda c: c[:, ::-1]), crs=gdf.crs)
    gdf = readgeom.normalize(gdf.reset_index(drop=True))
    check_coordinates(gdf, name, row_base, lim)
    if declared is None and gdf.crs is None and suffix in (".shp", ".zip"):
        raise CRSError.of("io.no_prj", file=name)
    check_plausible(gdf, declared if declared is not None else gdf.crs, name, own=gdf.crs, near=near)
    out = to_storage_crs(gdf, declared)
    out.attrs.update(gdf.attrs)
    out.attrs["row_base"] = row_base
    return out


# conform and load_layer take the import options one keyword each (keyword-only,
# as the CLI and the upload page name them): callers pass the few they use.
def conform(  # noqa: PLR0913
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
    out = rename_columns(gdf, kind, fields, type_field, rep)
    if kind == schema.INCIDENTS and type_value is not None:
        out["type"] = type_value
    if id_from_row is not None:
        out = ids_from_rows(out, kind, id_from_row, type_value, base, rep)
    check_required(out, kind)
    out = limit_columns(out, kind, rep)
    by_source = {v: k for k, v in fields.items()}  # a map may name the file's column or ours
    out = apply_value_maps(out, kind, {by_source.get(c, c): m for c, m in (value_maps or {}).items()})
    lim = limits.current()  # $GRIDWATCH_MAX_TEXT_CHARS / $GRIDWATCH_MAX_ID_CHARS unless given
    out = coerce(out, kind, base, rep, max_text=lim.max_text_chars if max_text is None else max_text,
                  max_id=lim.max_id_chars if max_id is None else max_id)
    if kind == schema.INCIDENTS:
        out = conform_incidents(out, types or schema.BUILTIN_TYPES, base, rep)
    for col in schema.DERIVED[kind]:
        out[col] = None
    ordered = [c for c in schema.COLUMNS[kind] if c in out.columns]
    extra = [c for c in out.columns if c not in ordered and c != out.geometry.name]
    out = out[ordered + extra + [out.geometry.name]]
    out.attrs["row_base"] = base
    if own and not rep.ok:
        raise validate.ReportError(rep)
    return out


def load_layer(  # noqa: PLR0913 (see conform)
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
        raise OptionError.of("io.map_file_bad", file=p.name, reason=short_error(exc)) from None
    out: dict[str, dict[str, str]] = {}
    for col, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(v, str | int | bool) for v in table.values()):
            raise OptionError.of("io.map_file_table", file=p.name, column=str(col))
        out[str(col)] = {str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in table.items()}
    return out


def load_zones(path: str | os.PathLike[str], **options: Any) -> tuple[gpd.GeoDataFrame, validate.ValidationReport]:
    """Read, conform and check a flood-zone file (GeoJSON, GeoPackage, Shapefile, KML...).

    Like :func:`load_layer` for the ``flood_zones`` kind (columns
    that differ from ours only by case are kept as ``<name>_src`` by
    :func:`conform`), and also: a KML's ``Name`` becomes the zone's
    ``name`` when the file has no ``name``.

    Parameters
    ----------
    path
        The file.
    **options
        ``layer``, ``crs``, ``x_field``, ``y_field``, ``swap_xy``,
        ``fields``, ``value_maps``, ``id_from_row``, ``max_text`` and
        ``merge_duplicates`` as for :func:`load_layer` (options of
        other layers, such as ``type_value``, must be empty).

    Returns
    -------
    (zones, report)
        The conformed zones and the validation report.
    """
    read = {k: options.get(k) for k in ("layer", "crs", "x_field", "y_field")}
    raw = read_file(path, swap_xy=bool(options.get("swap_xy")), **read)
    fields = dict(options.get("fields") or {})
    columns = {str(c) for c in raw.columns}
    if "name" not in columns and "name" not in fields:
        alike = [c for c in columns if c.lower() == "name"]
        if alike:
            fields["name"] = alike[0]
    report = validate.ValidationReport(schema.FLOOD_ZONES, Path(path).name, len(raw))
    gdf = conform(raw, schema.FLOOD_ZONES, fields=fields, value_maps=options.get("value_maps"),
                     id_from_row=options.get("id_from_row"), max_text=options.get("max_text"), report=report)
    return validate.validate_layer(gdf, schema.FLOOD_ZONES, source=Path(path).name, report=report,
                                   merge_duplicates=bool(options.get("merge_duplicates")))
