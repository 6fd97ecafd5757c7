"""File formats: the checks and readers behind :func:`geo.io.read_file` (internal).

Zip archives (entries, names, expansion limits), GeoPackage (SQLite, views,
named CRS), Shapefile (.dbf length and encoding), KML (no DTD), XLSX
(streamed, cell limit) and CSV (encoding, delimiter). The names here serve
:mod:`geo.io` and :mod:`geo.coords`; users call :mod:`geo.io`.
"""

from __future__ import annotations

import codecs
import re
import sqlite3
import struct
import warnings
import zipfile
import zlib
from io import StringIO
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj

from . import limits
from .errors import CRSError, GridWatchError, InputFileError
from .safe import printable

__all__ = ["name_list", "quoted", "read_csv", "read_vector", "read_xlsx", "short_error"]

#: What Python's zip reader raises on a damaged archive.
_ZIP_ERRORS: Final = (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError, ValueError, KeyError)


def read_vector(p: Path, *, layer: str | None, lim: limits.Limits, crs_given: bool) -> gpd.GeoDataFrame:
    """A vector file (GeoJSON, GeoPackage, Shapefile or zipped Shapefile, KML) as read, checked first.

    ``crs_given``: the user names the CRS, so a CRS the file names that PROJ
    does not know is no reason to refuse it.
    """
    name = quoted(p.name)
    suffix = p.suffix.lower()
    target = _checked_target(p, lim)
    chosen = _chosen_layer(p, target, layer)
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
        raise InputFileError.of("io.truncated", file=name, reason=short_error(exc, p)) from exc
    if int(info.get("features") or 0) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"{int(info['features']):,}",
                                limit=f"{lim.max_features:,}", variable=limits.ENV["max_features"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = pyogrio.read_dataframe(target, layer=chosen, use_arrow=False, encoding=encoding,
                                         max_features=lim.max_features + 1)
    except Exception as exc:
        raise InputFileError.of("io.truncated", file=name, reason=short_error(exc, p)) from exc
    if len(gdf) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"more than {lim.max_features:,}",
                                limit=f"{lim.max_features:,}", variable=limits.ENV["max_features"])
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    return gdf


def _checked_target(p: Path, lim: limits.Limits) -> str:
    """What GDAL opens for ``p`` (a ``/vsizip/`` path inside a zip), after the checks of its format."""
    name = quoted(p.name)
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
    return target


def _chosen_layer(p: Path, target: str, layer: str | None) -> str | None:
    """The layer to read: the one asked for, else the only one (None for a file without layers)."""
    name = quoted(p.name)
    suffix = p.suffix.lower()
    fmt = suffix.lstrip(".").upper()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layers = [str(n) for n, _ in pyogrio.list_layers(target)]
    except Exception as exc:
        raise InputFileError.of("io.unreadable", file=name, format=fmt, reason=short_error(exc, p)) from exc
    if layer is None and len(layers) > 1 and suffix in (".gpkg", ".kml"):
        raise InputFileError.of("io.several_layers", file=name, layers=name_list(layers))
    if layer is not None and layer not in layers:
        raise InputFileError.of("io.no_layer", file=name, layer=quoted(layer), layers=name_list(layers) or "none")
    return layer or (layers[0] if layers else None)


def quoted(text: object, limit: int = 200) -> str:
    """A user's file, layer, sheet or column name for a message: quoted, control characters escaped."""
    return f"'{printable(text, limit)}'"


def name_list(names: list[str]) -> str:
    """Layer, sheet or column names for a message: terminal-safe, comma-separated."""
    return ", ".join(printable(n, 80) for n in names[:30]) + (f" (and {len(names) - 30} more)" if len(names) > 30 else "")


def _zip_members(p: Path, lim: limits.Limits) -> list[zipfile.ZipInfo]:
    """The entries of a zip archive, refused when it is unsafe to open.

    Checked from the central directory, before anything is expanded: the
    number of entries, names that climb out of the archive (``../x.shp``,
    ``/etc/x``), the declared uncompressed size of the whole and each
    entry's compression ratio.
    """
    name = quoted(p.name)
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
            raise InputFileError.of("io.zip_unsafe_name", file=name, entry=quoted(m.filename, 120))
    total = sum(m.file_size for m in members)
    if total > lim.max_zip_bytes:
        raise InputFileError.of("io.zip_too_big", file=name, size_mb=f"{total / 1e6:,.0f}", limit_mb=f"{lim.max_zip_mb:g}",
                                variable=limits.ENV["max_zip_mb"])
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > 1_000_000 and ratio > lim.max_zip_ratio:
            raise InputFileError.of("io.zip_ratio", file=name, entry=quoted(m.filename, 120), ratio=f"{ratio:,.0f}",
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
                            raise InputFileError.of("io.zip_too_big", file=quoted(p.name), size_mb=f"over {lim.max_zip_mb:g}",
                                                    limit_mb=f"{lim.max_zip_mb:g}", variable=limits.ENV["max_zip_mb"])
    except GridWatchError:
        raise
    except (*_ZIP_ERRORS, RuntimeError) as exc:
        raise InputFileError.of("io.zip_corrupt", file=quoted(p.name), reason=short_error(exc, p)) from exc


def _shapefile_in_zip(p: Path, lim: limits.Limits) -> str:
    name = quoted(p.name)
    members = _zip_members(p, lim)
    names = [m.filename for m in members if not m.is_dir()]
    shps = [n for n in names if n.lower().endswith(".shp") and not n.startswith("__MACOSX")]
    if len(shps) != 1:
        raise InputFileError.of("io.zip_shapefiles", file=name, n=str(len(shps)))
    stem = shps[0][:-4].lower()
    by_lower = {n.lower(): n for n in names}
    for part in (".shx", ".dbf"):
        if stem + part not in by_lower:
            raise InputFileError.of("io.zip_no_part", file=name, shp=quoted(shps[0], 120), part=part)
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
                raise InputFileError.of("io.xml_entity", file=quoted(p.name))
            tail = chunk[-16:]


def _sqlite(p: Path) -> sqlite3.Connection:
    """A read-only connection to a GeoPackage (never written, never created)."""
    with open(p, "rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise InputFileError.of("io.unreadable", file=quoted(p.name), format="GPKG", reason="not recognized as a GeoPackage (SQLite) database")
    try:
        return sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True)
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=quoted(p.name), format="GPKG", reason=short_error(exc, p)) from exc


def _check_geopackage(p: Path) -> None:
    """A GeoPackage must be an SQLite file; opening it must not run a query of its own."""
    con = _sqlite(p)
    try:
        con.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=quoted(p.name), format="GPKG", reason=short_error(exc, p)) from exc
    finally:
        con.close()


def _refuse_view(p: Path, layer: str) -> None:
    """Refuse a GeoPackage layer that is a view: a query (maybe recursive, maybe endless), not a table."""
    con = _sqlite(p)
    try:
        row = con.execute("SELECT type FROM sqlite_master WHERE lower(name) = lower(?)", (layer,)).fetchone()
    except (sqlite3.Error, UnicodeError) as exc:  # a damaged file's schema text need not decode
        raise InputFileError.of("io.unreadable", file=quoted(p.name), format="GPKG", reason=short_error(exc, p)) from exc
    finally:
        con.close()
    if row is not None and row[0] == "view":
        raise InputFileError.of("io.gpkg_view", file=quoted(p.name), layer=quoted(layer))


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
        raise InputFileError.of("io.truncated", file=quoted(p.name), reason="its .dbf file is cut inside its header")
    records, header_len, record_len = struct.unpack("<IHH", head[4:12])
    if size < header_len + records * record_len:
        reason = f"its .dbf file holds {size:,} bytes, its header announces {header_len + records * record_len:,}"
        raise InputFileError.of("io.truncated", file=quoted(p.name), reason=reason)


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
        raise CRSError.of("io.file_crs_unknown", file=quoted(p.name), crs=printable(text.strip(), 120)) from None


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


def read_xlsx(p: Path, layer: str | None, lim: limits.Limits) -> pd.DataFrame:
    """One sheet of an XLSX, streamed, refused past the cell limit.

    The XLSX is a zip: its entries are checked (:func:`_zip_members`) before
    openpyxl opens it; openpyxl parses its XML with defusedxml (entities
    refused) and, in read-only mode, one row at a time.
    """
    name = quoted(p.name)
    _zip_members(p, lim)
    import defusedxml
    import openpyxl

    try:
        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises what its XML and zip layers raise, sometimes wrapped
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputFileError.of("io.xml_entity", file=name) from exc
        raise InputFileError.of("io.table_unreadable", file=name, reason=short_error(exc, p)) from exc
    try:
        sheets = [str(s) for s in book.sheetnames]
        if layer is not None and layer not in sheets:
            raise InputFileError.of("io.no_sheet", file=name, sheet=quoted(layer), sheets=name_list(sheets))
        if layer is None and len(sheets) > 1:
            raise InputFileError.of("io.several_sheets", file=name, sheets=name_list(sheets))
        title = layer if layer is not None else sheets[0]
        rows = _sheet_rows(book[title], name, quoted(title), lim)
    except GridWatchError:
        raise
    except Exception as exc:
        if _caused_by(exc, defusedxml.DefusedXmlException):
            raise InputFileError.of("io.xml_entity", file=name) from exc
        raise InputFileError.of("io.table_unreadable", file=name, reason=short_error(exc, p)) from exc
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


def read_csv(p: Path) -> pd.DataFrame:
    """A CSV as text columns: UTF-8 (with or without BOM), UTF-16 or GB18030; comma, semicolon, tab or bar."""
    data = p.read_bytes()
    text = _decode(data, quoted(p.name))
    delimiter = _delimiter(text)
    df = pd.read_csv(StringIO(text), dtype=object, keep_default_na=False, na_values=[""], sep=delimiter,
                     header=None, engine="c")
    if df.empty:
        raise InputFileError.of("io.empty", file=quoted(p.name))
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


def short_error(exc: BaseException, path: Path | None = None) -> str:
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
