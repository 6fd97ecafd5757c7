"""The hostile-input corpus: messy and malicious files, and what a user must see.

Every file is made here (in ``tmp_path``). A refused file exits 2 from
``python -m geo validate`` with exactly one ``error:`` line and one ``hint:``
line naming what is wrong and how to fix it: no traceback, no path of this
machine, no raw control character. A messy file that can be read is read
right. ``test_corpus_figures`` counts the corpus for docs/security.md.
"""

from __future__ import annotations

import sqlite3
import struct
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import cli, io, limits, readers
from geo.errors import GeometryError, OptionError
from geo.repair import make_valid_within
from tests import paths

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

ROOT = paths.ROOT


@dataclass(frozen=True)
class Case:
    """One hostile file: how to make it, how to load it, what the user must read."""

    name: str
    group: str
    build: Callable[[Path], Path]
    error: str
    hint: str
    kind: str = "grids"
    args: tuple[str, ...] = ()
    env: dict[str, str] = field(default_factory=dict)


CASES: list[Case] = []


def refused(group: str, error: str, hint: str, *, kind: str = "grids", args: tuple[str, ...] = (),
            env: dict[str, str] | None = None) -> Callable[[Callable[[Path], Path]], Callable[[Path], Path]]:
    """Register a builder as a corpus case that must be refused."""

    def register(fn: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CASES.append(Case(fn.__name__.removeprefix("make_"), group, fn, error, hint, kind, args, env or {}))
        return fn

    return register


# -- the valid layers the corpus damages ----------------------------------------------


def corpus_grids() -> gpd.GeoDataFrame:
    """The hand-made grids of ``conftest.py`` (``make_grids``), as the corpus builders write them.

    The corpus is built outside pytest too (``scripts/hostile_corpus.py``), so
    its builders cannot take fixtures.
    """
    g1 = shapely.box(LON0, LAT0, LON0 + D, LAT0 + D)
    g2 = shapely.box(LON0 + D, LAT0, LON0 + 2 * D, LAT0 + D)
    g3 = shapely.MultiPolygon([
        shapely.box(LON0 + 2 * D, LAT0, LON0 + 3 * D, LAT0 + D),
        shapely.box(LON0 + 4 * D, LAT0, LON0 + 5 * D, LAT0 + D),
    ])
    return gpd.GeoDataFrame(
        {"grid_id": ["G1", "G2", "G3"], "name": ["一", "二", "三"], "community": ["桂苑"] * 3,
         "worker": ["张三", "李四", "王五"], "phone": ["13800000001", "13800000002", "13800000003"]},
        geometry=[g1, g2, g3], crs=4326,
    )


def corpus_incidents() -> gpd.GeoDataFrame:
    """The first two hand-made incidents of ``conftest.py`` (``make_incidents``): I1 in G1, I2 on the G1/G2 edge."""
    pts = [shapely.Point(LON0 + 0.45 * D, LAT0 + 0.3 * D), shapely.Point(LON0 + D, LAT0 + 0.1 * D)]
    return gpd.GeoDataFrame(
        {"incident_id": ["I1", "I2"], "type": ["drain_grate", "flooding"], "status": ["blocked", "reported"],
         "severity": ["low", "high"]},
        geometry=pts, crs=4326,
    )


def valid_file(tmp: Path, suffix: str) -> Path:
    """The corpus grids as a valid file of ``suffix`` (points from their centres in a CSV or XLSX)."""
    path = tmp / f"v{suffix}"
    g = corpus_grids()
    if suffix == ".csv":
        pts = g.geometry.representative_point()
        pd.DataFrame({"grid_id": g["grid_id"], "lon": pts.x, "lat": pts.y}).to_csv(path, index=False)
    elif suffix == ".xlsx":
        pts = g.geometry.representative_point()
        pd.DataFrame({"grid_id": g["grid_id"], "lon": pts.x, "lat": pts.y}).to_excel(path, index=False)
    else:
        pyogrio.write_dataframe(g, path, driver={".geojson": "GeoJSON", ".gpkg": "GPKG", ".kml": "KML"}[suffix])
    return path


# -- helpers -------------------------------------------------------------------------


def _geojson(tmp: Path, gdf: gpd.GeoDataFrame, name: str = "g.geojson") -> Path:
    p = tmp / name
    pyogrio.write_dataframe(gdf, p, driver="GeoJSON")
    return p


def _shp_folder(tmp: Path, gdf: gpd.GeoDataFrame | None = None, stem: str = "grids") -> Path:
    folder = tmp / "shp"
    folder.mkdir(exist_ok=True)
    pyogrio.write_dataframe(corpus_grids() if gdf is None else gdf, folder / f"{stem}.shp", encoding="UTF-8")
    return folder


def _zip(tmp: Path, files: dict[str, bytes], name: str = "g.zip") -> Path:
    p = tmp / name
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    return p


def _shp_parts(tmp: Path, skip: tuple[str, ...] = (), prefix: str = "") -> dict[str, bytes]:
    folder = _shp_folder(tmp)
    return {prefix + f.name: f.read_bytes() for f in sorted(folder.iterdir()) if f.suffix not in skip}


def _csv(tmp: Path, text: str, name: str = "p.csv", encoding: str = "utf-8") -> Path:
    p = tmp / name
    p.write_bytes(text.encode(encoding))
    return p


def _points_csv(tmp: Path, lon: list[object], lat: list[object], name: str = "p.csv", sep: str = ",") -> Path:
    df = pd.DataFrame({"incident_id": [f"P{i}" for i in range(len(lon))], "type": "flooding", "lon": lon, "lat": lat})
    p = tmp / name
    df.to_csv(p, index=False, sep=sep)
    return p


def _xlsx_with_sheet_xml(tmp: Path, sheet_xml: bytes, name: str = "t.xlsx") -> Path:
    """A real workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    base = tmp / "base.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["incident_id", "lon", "lat"])
    wb.save(base)
    out = tmp / name
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            dst.writestr(item.filename, data)
    return out


_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _truncated(tmp: Path, full: Path, name: str) -> Path:
    data = full.read_bytes()
    p = tmp / name
    p.write_bytes(data[: len(data) // 2])
    return p


# -- empty and truncated files (every format) ----------------------------------------


def _empty(suffix: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        p = tmp / f"empty{suffix}"
        p.write_bytes(b"")
        return p

    build.__name__ = f"make_empty_{suffix.lstrip('.')}"
    return build


for _suffix in (".geojson", ".gpkg", ".kml", ".csv", ".xlsx", ".zip", ".shp"):
    refused("empty and truncated", "is empty: it holds no data", "export or download it again")(_empty(_suffix))


@refused("empty and truncated", "'g.geojson' cannot be read as a GEOJSON file (Failed to read GeoJSON data; At line 7",
         "Open it in QGIS")
def make_truncated_geojson(tmp: Path) -> Path:
    return _truncated(tmp, _geojson(tmp, corpus_grids(), "full.geojson"), "g.geojson")


@refused("empty and truncated", "'g.gpkg' cannot be read", "export it again")
def make_truncated_gpkg(tmp: Path) -> Path:
    full = tmp / "full.gpkg"
    pyogrio.write_dataframe(corpus_grids(), full)
    return _truncated(tmp, full, "g.gpkg")


@refused("empty and truncated", "'g.kml' cannot be read", "export it again")
def make_truncated_kml(tmp: Path) -> Path:
    full = tmp / "full.kml"
    pyogrio.write_dataframe(corpus_grids(), full, driver="KML")
    return _truncated(tmp, full, "g.kml")


@refused("empty and truncated", "'t.xlsx' cannot be read as a table (not an Excel 2007+ (zip) workbook)", "Save it again",
         kind="incidents", args=("--crs", "wgs84"))
def make_truncated_xlsx(tmp: Path) -> Path:
    full = tmp / "full.xlsx"
    pd.DataFrame({"incident_id": ["I1"], "type": ["flooding"], "lon": [114.36], "lat": [30.52]}).to_excel(full, index=False)
    return _truncated(tmp, full, "t.xlsx")


@refused("empty and truncated", "'g.zip' is not a valid zip archive", "Zip the Shapefile's")
def make_truncated_zip(tmp: Path) -> Path:
    return _truncated(tmp, _zip(tmp, _shp_parts(tmp), "full.zip"), "g.zip")


@refused("empty and truncated", "'p.csv' cannot be read as a table (Error tokenizing data", "Save it again",
         kind="incidents", args=("--crs", "wgs84"))
def make_truncated_csv_open_quote(tmp: Path) -> Path:
    return _csv(tmp, 'incident_id,type,lon,lat\nI1,flooding,114.36,30.52\nI2,"flooding,114.36,30.52\n')


@refused("empty and truncated", "'g.zip' cannot be read (", "truncated")
def make_zip_with_truncated_shp(tmp: Path) -> Path:
    parts = _shp_parts(tmp)
    parts["grids.shp"] = parts["grids.shp"][:150]
    return _zip(tmp, parts)


# -- text encodings ------------------------------------------------------------------


@refused("encodings", "'bom.csv' has no x (longitude) column (columns: 编号, 类型, 东, 北)", "--x-field and --y-field",
         kind="incidents", args=("--crs", "wgs84"))
def make_utf8_bom_on_gbk_text(tmp: Path) -> Path:
    p = tmp / "bom.csv"
    p.write_bytes(b"\xef\xbb\xbf" + "编号,类型,东,北\nI1,积水点,114.36,30.52\n".encode("gbk"))
    return p


@refused("encodings", "'p.csv' is neither UTF-8 nor GB18030 (GBK) text", "UTF-8 CSV", kind="incidents",
         args=("--crs", "wgs84"))
def make_binary_csv(tmp: Path) -> Path:
    p = tmp / "p.csv"
    p.write_bytes(b"incident_id,type,lon,lat\nI1,\xff\xff\x80,114.36,30.52\n")
    return p


# -- zip archives ----------------------------------------------------------------------


@refused("zip archives and Shapefiles", "Shapefile 'grids.shp' in 'g.zip' has no .dbf file", "zip them together")
def make_zip_without_dbf(tmp: Path) -> Path:
    return _zip(tmp, _shp_parts(tmp, skip=(".dbf",)))


@refused("zip archives and Shapefiles", "Shapefile 'grids.shp' in 'g.zip' has no .shx file", "zip them together")
def make_zip_without_shx(tmp: Path) -> Path:
    return _zip(tmp, _shp_parts(tmp, skip=(".shx",)))


@refused("zip archives and Shapefiles", "Shapefile 'grids.shp' has no .dbf file beside it", "zip them together and import the .zip")
def make_shapefile_without_dbf(tmp: Path) -> Path:
    folder = _shp_folder(tmp)
    (folder / "grids.dbf").unlink()
    return folder / "grids.shp"


@refused("zip archives and Shapefiles", "'g.zip' has no .prj file, so its coordinate system is unknown", "--crs EPSG:4326")
def make_zip_without_prj(tmp: Path) -> Path:
    return _zip(tmp, _shp_parts(tmp, skip=(".prj",)))


@refused("zip archives and Shapefiles", "'g.zip' holds an entry with an unsafe path, '../grids.", "plain relative paths")
def make_zip_path_traversal(tmp: Path) -> Path:
    return _zip(tmp, _shp_parts(tmp, prefix="../"))


@refused("zip archives and Shapefiles", "'g.zip' holds an entry with an unsafe path, '/tmp/grids.", "plain relative paths")
def make_zip_absolute_path(tmp: Path) -> Path:
    return _zip(tmp, _shp_parts(tmp, prefix="/tmp/"))


@refused("zip archives and Shapefiles", "'g.zip' holds 20,004 entries, over the limit of 1,000", "GRIDWATCH_MAX_ZIP_MEMBERS")
def make_zip_20000_members(tmp: Path) -> Path:
    files = _shp_parts(tmp, skip=(".cpg",))
    files.update({f"junk/{i}.txt": b"" for i in range(20_000)})
    return _zip(tmp, files)


@refused("zip archives and Shapefiles", "Entry 'grids.dbf' of 'g.zip' expands 1,029-fold (204 KB to 209.7 MB), over the limit of 200-fold",
         "Zip bombs look like this")
def make_zip_bomb(tmp: Path) -> Path:
    """0.2 MB that declares 200 MB of attributes (the 0.6 MB / 1.8 GB bomb, smaller)."""
    p = tmp / "g.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, data in _shp_parts(tmp, skip=(".dbf",)).items():
            zf.writestr(n, data)
        with zf.open("grids.dbf", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(200):
                fh.write(block)
    assert p.stat().st_size < 400_000
    return p


@refused("zip archives and Shapefiles", "'g.zip' expands to 3 MB, over the limit of 2 MB", "GRIDWATCH_MAX_ZIP_MB",
         env={"GRIDWATCH_MAX_ZIP_MB": "2"})
def make_zip_declared_too_big(tmp: Path) -> Path:
    files = _shp_parts(tmp)
    files["padding.bin"] = np.random.default_rng(0).bytes(3_000_000)
    return _zip(tmp, files)


@refused("zip archives and Shapefiles", "'g.zip' is damaged, or an entry is not the size the archive declares (Bad CRC-32", "Zip or download")
def make_zip_lying_about_size(tmp: Path) -> Path:
    """The .dbf declares 100 bytes but holds 50 kB: a reader trusting the stream would go on."""
    parts = _shp_parts(tmp)
    parts["grids.dbf"] = parts["grids.dbf"] + bytes(50_000)
    p = _zip(tmp, parts)
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("grids.dbf")
    # uncompressed size: at +22 of the local header, at +24 of the central directory entry
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    central = data.find(b"grids.dbf", data.find(b"PK\x01\x02")) - 46
    struct.pack_into("<I", data, central + 24, 100)
    p.write_bytes(bytes(data))
    return p


@refused("zip archives and Shapefiles", "'g.zip' holds 2 Shapefiles; one is expected", "exactly one .shp")
def make_zip_two_shapefiles(tmp: Path) -> Path:
    files = _shp_parts(tmp)
    files.update({k.replace("grids", "other"): v for k, v in files.items()})
    return _zip(tmp, files)


@refused("zip archives and Shapefiles", "'g.zip' is not a valid zip archive", "Zip the Shapefile's")
def make_zip_that_is_text(tmp: Path) -> Path:
    p = tmp / "g.zip"
    p.write_text("PK? no, a text file", encoding="utf-8")
    return p


# -- XML: entities and document types --------------------------------------------------


def _kml_with(doctype: str) -> Callable[[Path], Path]:
    def build(tmp: Path) -> Path:
        full = tmp / "full.kml"
        pyogrio.write_dataframe(corpus_grids(), full, driver="KML")
        text = full.read_text(encoding="utf-8").replace("<kml", doctype + "\n<kml", 1).replace("<name>G1", "<name>&e;G1")
        p = tmp / "g.kml"
        p.write_text(text, encoding="utf-8")
        return p

    return build


for _name, _doctype in (
    ("kml_external_entity", '<!DOCTYPE kml [<!ENTITY e SYSTEM "file:///etc/passwd">]>'),
    ("kml_billion_laughs", '<!DOCTYPE kml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                           '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
                           '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'),
    ("kml_external_dtd", '<!DOCTYPE kml SYSTEM "http://198.51.100.7/x.dtd"><!-- &e; unused -->'),
    ("kml_parameter_entity", '<!doctype kml [<!ENTITY % p SYSTEM "file:///etc/hostname"> %p; <!ENTITY e "x">]>'),
):
    _build = _kml_with(_doctype)
    _build.__name__ = "make_" + _name
    refused("XML entities", "'g.kml' declares an XML document type or entities", "export the file again")(_build)


@refused("XML entities", "'t.xlsx' declares an XML document type or entities", "export the file again",
         kind="incidents", args=("--crs", "wgs84"))
def make_xlsx_entity(tmp: Path) -> Path:
    xml = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
           + _SHEET_HEAD.split(b"\n", 1)[1] + b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row>'
           b"</sheetData></worksheet>")
    return _xlsx_with_sheet_xml(tmp, xml)


# -- spreadsheets -----------------------------------------------------------------------


@refused("spreadsheets", "Entry 'xl/worksheets/sheet1.xml' of 't.xlsx' expands 343-fold (358 KB to 123.0 MB)", "Zip bombs",
         kind="incidents", args=("--crs", "wgs84"))
def make_xlsx_3_million_rows(tmp: Path) -> Path:
    """A 0.1 MB workbook of 3 million repeated rows (126 MB of XML): refused before it is expanded."""
    rows = b"<row><c><v>1</v></c><c><v>2</v></c></row>" * 3_000_000
    xml = _SHEET_HEAD + b'<dimension ref="A1:B3000000"/><sheetData>' + rows + b"</sheetData></worksheet>"
    p = _xlsx_with_sheet_xml(tmp, xml)
    assert p.stat().st_size < 1_500_000
    return p


@refused("spreadsheets", "Sheet 'Sheet' of 't.xlsx' has 6,000,000 cells, over the limit of 2,000,000", "formatted empty rows",
         kind="incidents", args=("--crs", "wgs84"))
def make_xlsx_3_million_rows_numbered(tmp: Path) -> Path:
    """3 million numbered rows (compressing only 8-fold): the sheet's declared size is checked before reading."""
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c></row>' % (i, i, i)
                    for i in range(1, 3_000_001))
    xml = _SHEET_HEAD + b'<dimension ref="A1:B3000000"/><sheetData>' + rows + b"</sheetData></worksheet>"
    return _xlsx_with_sheet_xml(tmp, xml)


@refused("spreadsheets", "Sheet 'Sheet' of 't.xlsx' has over 5,000 cells, over the limit of 5,000", "GRIDWATCH_MAX_CELLS",
         kind="incidents", args=("--crs", "wgs84"), env={"GRIDWATCH_MAX_CELLS": "5000"})
def make_xlsx_rows_with_lying_dimension(tmp: Path) -> Path:
    """Repeated rows under a <dimension> that claims two cells: counted while streaming."""
    rows = b"<row><c><v>1</v></c><c><v>2</v></c></row>" * 10_000
    xml = _SHEET_HEAD + b'<dimension ref="A1:B1"/><sheetData>' + rows + b"</sheetData></worksheet>"
    return _xlsx_with_sheet_xml(tmp, xml)


@refused("spreadsheets", "'t.xlsx': 1 row(s) have no numeric coordinates (lines 6)", "Fill in lon and lat", kind="incidents",
         args=("--crs", "wgs84"))
def make_xlsx_table_below_empty_rows(tmp: Path) -> Path:
    """The header on sheet line 3: the missing coordinate is named by the line Excel shows (6)."""
    p = tmp / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate([["incident_id", "type", "lon", "lat"], ["I1", "flooding", 114.36, 30.52],
                             ["I2", "flooding", 114.36, 30.52], ["I3", "flooding", None, 30.52]], start=3):
        for c, v in enumerate(row, start=1):
            ws.cell(row=r, column=c, value=v)
    wb.save(p)
    return p


@refused("spreadsheets", "'t.xlsx' holds several sheets: 说明, 数据", "--layer SHEET", kind="incidents", args=("--crs", "wgs84"))
def make_xlsx_several_sheets(tmp: Path) -> Path:
    p = tmp / "t.xlsx"
    with pd.ExcelWriter(p) as w:
        pd.DataFrame({"说明": ["填表说明"]}).to_excel(w, sheet_name="说明", index=False)
        pd.DataFrame({"incident_id": ["I1"], "type": ["积水点"], "经度": [114.36], "纬度": [30.52]}).to_excel(
            w, sheet_name="数据", index=False)
    return p


@refused("spreadsheets", "'t.xlsx' has no sheet 'x'; it has 说明, 数据", "--layer SHEET", kind="incidents",
         args=("--crs", "wgs84", "--layer", "x"))
def make_xlsx_wrong_sheet(tmp: Path) -> Path:
    return make_xlsx_several_sheets(tmp)


@refused("control characters", "holds several sheets: 数据\\u202e, 说明\\x85\\u2028", "--layer SHEET", kind="incidents",
         args=("--crs", "wgs84"))
def make_xlsx_sheet_names_with_controls(tmp: Path) -> Path:
    p = tmp / "t.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "数据\u202e"
    wb.create_sheet("说明")
    wb.save(p)
    # openpyxl refuses these in a title; a hostile file simply has them
    with zipfile.ZipFile(p) as src:
        items = [(i, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(p, "w") as dst:
        for i, data in items:
            dst.writestr(i, data.replace(b'name="\xe8\xaf\xb4\xe6\x98\x8e"', b'name="\xe8\xaf\xb4\xe6\x98\x8e&#133;&#8232;"')
                         if i.filename == "xl/workbook.xml" else data)
    return p


# -- GeoPackage -------------------------------------------------------------------------


@refused("GeoPackage", "Layer 'v' of 'g.gpkg' is a view (a query over other tables), not a table", "Save Features As",
         args=("--layer", "v"))
def make_gpkg_recursive_view(tmp: Path) -> Path:
    p = tmp / "g.gpkg"
    pyogrio.write_dataframe(corpus_grids(), p, layer="t")
    con = sqlite3.connect(p)
    con.executescript("""
        CREATE VIEW v AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
            SELECT t.fid + n.i AS fid, t.geom, t.grid_id FROM t, n;
        INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('v', 'features', 'v', 4326);
        INSERT INTO gpkg_geometry_columns VALUES ('v', 'geom', 'GEOMETRY', 4326, 0, 0);
    """)
    con.commit()
    con.close()
    return p


@refused("GeoPackage", "'g.gpkg' cannot be read as a GPKG file (not recognized", "Open it in QGIS")
def make_gpkg_that_is_text(tmp: Path) -> Path:
    p = tmp / "g.gpkg"
    p.write_text("not a geopackage", encoding="utf-8")
    return p


@refused("control characters", "'g.gpkg' holds several layers: a\\x1b[2K\\rall good\\n, b", "--layer NAME")
def make_gpkg_layer_name_with_controls(tmp: Path) -> Path:
    p = tmp / "g.gpkg"
    pyogrio.write_dataframe(corpus_grids(), p, layer="a\x1b[2K\rall good\n")
    pyogrio.write_dataframe(corpus_grids(), p, layer="b")
    return p


@refused("control characters", "'bad\\x1b[31mred\\x07.geojson' cannot be read", "Open it in QGIS")
def make_file_name_with_controls(tmp: Path) -> Path:
    p = tmp / "bad\x1b[31mred\x07.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    return p


# -- CSV coordinates ------------------------------------------------------------------


@refused("coordinates", "'p.csv': 'lon' on line 3 is '114°78'30\"E', neither a number nor degrees-minutes-seconds",
         "minutes and seconds under 60", kind="incidents", args=("--crs", "wgs84"))
def make_dms_minutes_over_60(tmp: Path) -> Path:
    return _points_csv(tmp, ["114°21'36\"E", "114°78'30\"E"], ["30°31'12\"N", "30°31'12\"N"])


@refused("coordinates", "'p.csv': 'lon' on line 2 is '30°31'12\"N'", "E/W in the longitude column", kind="incidents",
         args=("--crs", "wgs84"))
def make_dms_hemisphere_in_wrong_column(tmp: Path) -> Path:
    return _points_csv(tmp, ["30°31'12\"N"], ["114°21'36\"E"])


@refused("coordinates", "'p.csv': 2 row(s) have coordinates that are not finite numbers (NaN, infinite or overflowing like "
         "1e400): lines 3, 4", "Put real coordinates in lon and lat", kind="incidents", args=("--crs", "wgs84"))
def make_nan_coordinates(tmp: Path) -> Path:
    return _points_csv(tmp, [114.36, "NaN", 114.36], [30.52, 30.52, "nan"])


@refused("coordinates", "2 row(s) have coordinates that are not finite numbers (NaN, infinite or overflowing like 1e400): "
         "lines 2, 3", "Put real coordinates", kind="incidents",
         args=("--crs", "wgs84"))
def make_infinite_coordinates(tmp: Path) -> Path:
    return _points_csv(tmp, ["inf", "-Infinity", 114.36], [30.52, 30.52, 30.52])


@refused("coordinates", "1 row(s) have coordinates that are not finite numbers (NaN, infinite or overflowing like 1e400): "
         "lines 2", "Put real coordinates", kind="incidents", args=("--crs", "wgs84"))
def make_overflowing_coordinate(tmp: Path) -> Path:
    return _points_csv(tmp, ["1e400", 114.36], [30.52, 30.52])


@refused("coordinates", "'p.csv': 2 row(s) have no numeric coordinates (lines 3, 4)", "Fill in lon and lat as numbers",
         kind="incidents", args=("--crs", "wgs84"))
def make_blank_and_text_coordinates(tmp: Path) -> Path:
    return _points_csv(tmp, [114.36, None, "东边"], [30.52, 30.52, 30.52])


@refused("coordinates", "'p.csv' has the column 'type' 2 times in its header (columns B, E)", "every header is unique",
         kind="incidents", args=("--crs", "wgs84"))
def make_duplicate_headers(tmp: Path) -> Path:
    return _csv(tmp, "incident_id,type,lon,lat,type\nI1,flooding,114.36,30.52,drain_grate\n")


@refused("coordinates", "'g.geojson': 1 feature(s) have coordinates that are not finite numbers (NaN or infinite): feature(s) 2",
         "Correct or delete those features")
def make_geojson_with_nan(tmp: Path) -> Path:
    p = tmp / "g.geojson"
    ring = "[[114.36, 30.52], [114.37, 30.52], [114.37, 30.53], [114.36, 30.52]]"
    bad = "[[114.36, 30.52], [NaN, 30.52], [114.37, 30.53], [114.36, 30.52]]"
    feats = [f'{{"type": "Feature", "properties": {{"grid_id": "G{i}"}}, "geometry": {{"type": "Polygon", "coordinates": [{r}]}}}}'
             for i, r in enumerate((ring, bad, ring), start=1)]
    p.write_text('{"type": "FeatureCollection", "features": [' + ", ".join(feats) + "]}", encoding="utf-8")
    return p


@refused("coordinates", "'g.geojson' cannot be read as a GEOJSON file (Failed to read GeoJSON data; At line 1, character 50: "
         "Unrecognized number: 1e400)", "Open it in QGIS", kind="incidents")
def make_geojson_with_overflowing_number(tmp: Path) -> Path:
    p = tmp / "g.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"incident_id": "I1", '
                 '"type": "flooding"}, "geometry": {"type": "Point", "coordinates": [1e400, 30.52]}}]}', encoding="utf-8")
    return p


@refused("geometry and limits", "'g.geojson' cannot be read (IllegalArgumentException: Points of LinearRing do not form a "
         "closed linestring)", "export it again")
def make_unclosed_ring(tmp: Path) -> Path:
    p = tmp / "g.geojson"
    p.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"grid_id": "G1"}, '
                 '"geometry": {"type": "Polygon", "coordinates": [[[114.36, 30.52], [114.37, 30.52], [114.37, 30.53]]]}}]}',
                 encoding="utf-8")
    return p


@refused("coordinates", "'p.csv': x is between 30.52 and 30.52 and y between 114.36 and 114.36: latitude and longitude look "
         "swapped", "Add --swap-xy", kind="incidents", args=("--crs", "wgs84"))
def make_swapped_in_china(tmp: Path) -> Path:
    return _points_csv(tmp, [30.52], [114.36])


@refused("coordinates", "look swapped", "Add --swap-xy", kind="incidents", args=("--crs", "wgs84"))
def make_swapped_in_america(tmp: Path) -> Path:
    return _points_csv(tmp, [37.77, 37.78], [-122.42, -122.41])


# -- coordinate systems -------------------------------------------------------------


@refused("coordinate systems", "Coordinate system 'EPSG:999999' is not known", "Give an EPSG code", kind="incidents",
         args=("--crs", "EPSG:999999"))
def make_unknown_crs_option(tmp: Path) -> Path:
    return _points_csv(tmp, [114.36], [30.52])


@refused("coordinate systems", "'g.geojson' names a coordinate system that is not known: urn:ogc:def:crs:EPSG::999999",
         "not read as WGS-84 by guess")
def make_geojson_unknown_crs(tmp: Path) -> Path:
    p = _geojson(tmp, corpus_grids())
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace('"type": "FeatureCollection",', '"type": "FeatureCollection", "crs": {"type": "name", '
                              '"properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},', 1), encoding="utf-8")
    return p


@refused("coordinate systems", "'grids.shp' names a coordinate system that is not known: PROJCS[\"made up\"", "name the right one with --crs")
def make_shapefile_unknown_prj(tmp: Path) -> Path:
    folder = _shp_folder(tmp)
    (folder / "grids.prj").write_text('PROJCS["made up",GEOGCS["nothing"],PROJECTION["none"]]', encoding="utf-8")
    return folder / "grids.shp"


@refused("coordinate systems", "'g.gpkg' names a coordinate system that is not known: PROJCS[\"made up\"]", "--crs")
def make_geopackage_unknown_srs(tmp: Path) -> Path:
    p = tmp / "g.gpkg"
    pyogrio.write_dataframe(corpus_grids(), p, layer="g")
    con = sqlite3.connect(p)
    con.execute("INSERT INTO gpkg_spatial_ref_sys VALUES ('made up', 999999, 'NONE', 999999, 'PROJCS[\"made up\"]', NULL)")
    con.execute("UPDATE gpkg_geometry_columns SET srs_id = 999999")
    con.commit()
    con.close()
    return p


@refused("coordinate systems", "'g.geojson': coordinates (", "They look projected (metres), in China: name the CRS with --crs")
def make_metres_labelled_as_degrees(tmp: Path) -> Path:
    g = corpus_grids().to_crs(32650)
    return _geojson(tmp, g.set_crs(4326, allow_override=True))


@refused("coordinate systems", "are not longitude/latitude", "The file's own coordinate system is NAD83 / California zone 3 "
         "(ftUS) (in US survey feet): drop --crs", args=("--crs", "EPSG:4326"))
def make_state_plane_feet_read_as_degrees(tmp: Path) -> Path:
    sf = gpd.GeoDataFrame({"grid_id": ["SF1"]}, geometry=[shapely.box(-122.42, 37.77, -122.41, 37.78)], crs=4326)
    folder = tmp / "shp"
    folder.mkdir()
    pyogrio.write_dataframe(sf.to_crs(2227), folder / "sf.shp")
    return folder / "sf.shp"


@refused("coordinate systems", "are not longitude/latitude", "They look projected (metres or feet): name the CRS with --crs as "
         "the data's provider says", kind="incidents")
def make_state_plane_feet_csv_without_crs(tmp: Path) -> Path:
    pts = gpd.GeoSeries([shapely.Point(-122.42, 37.77)], crs=4326).to_crs(2227)
    return _points_csv(tmp, [pts.x.iloc[0]], [pts.y.iloc[0]])


# -- geometry and limits --------------------------------------------------------------


@refused("geometry and limits", "Feature 1 of 'g.gpkg' has 1,000,001 vertices, over the limit of 100,000 per geometry",
         "Simplify it first")
def make_polygon_of_a_million_vertices(tmp: Path) -> Path:
    t = np.linspace(0, 2 * np.pi, 1_000_000, endpoint=False)
    ring = np.column_stack([LON0 + 0.001 * np.cos(t), LAT0 + 0.001 * np.sin(t)])
    g = gpd.GeoDataFrame({"grid_id": ["G1"]}, geometry=[shapely.Polygon(ring)], crs=4326)
    p = tmp / "g.gpkg"
    pyogrio.write_dataframe(g, p)
    return p


@refused("geometry and limits", "Feature 1 of 'g.geojson' has 220,001 vertices, over the limit of 100,000", "Simplify it first")
def make_8mb_self_intersecting_polygon(tmp: Path) -> Path:
    n = 220_000
    x = LON0 + np.linspace(0, 0.01, n)
    y = LAT0 + np.where(np.arange(n) % 2 == 0, 0.0, 0.01) + np.random.default_rng(1).uniform(0, 1e-4, n)
    g = gpd.GeoDataFrame({"grid_id": ["G1"]}, geometry=[shapely.Polygon(np.column_stack([x, y]))], crs=4326)
    p = _geojson(tmp, g)
    assert p.stat().st_size > 7_000_000
    return p


@refused("geometry and limits", "'g.geojson': 1 invalid geometr(ies) (feature(s) 2) cannot be repaired within 1 s",
         "They cross themselves too often", env={"GRIDWATCH_MAX_REPAIR_SECONDS": "1"})
def make_polygon_crossing_itself_a_million_times(tmp: Path) -> Path:
    """3,000 random vertices (under the vertex limit): hours of make_valid, stopped after a second."""
    g = corpus_grids()
    rng = np.random.default_rng(0)
    g.loc[1, "geometry"] = shapely.Polygon(np.column_stack([LON0 + rng.random(3_000) * 0.01, LAT0 + rng.random(3_000) * 0.01]))
    return _geojson(tmp, g)


@refused("geometry and limits", "'g.geojson' has 176 vertices in all, over the limit of 100", "GRIDWATCH_MAX_TOTAL_VERTICES",
         env={"GRIDWATCH_MAX_TOTAL_VERTICES": "100"})
def make_too_many_vertices_in_all(tmp: Path) -> Path:
    g = corpus_grids()
    g["geometry"] = g.geometry.segmentize(0.0001)
    return _geojson(tmp, g)


@refused("geometry and limits", "'g.geojson' has 3 features, over the limit of 2", "GRIDWATCH_MAX_FEATURES",
         env={"GRIDWATCH_MAX_FEATURES": "2"})
def make_too_many_features(tmp: Path) -> Path:
    return _geojson(tmp, corpus_grids())


@refused("geometry and limits", "'g.geojson' is 0.0 MB, over the limit of 0.001 MB", "GRIDWATCH_MAX_FILE_MB",
         env={"GRIDWATCH_MAX_FILE_MB": "0.001"})
def make_file_over_size_limit(tmp: Path) -> Path:
    p = tmp / "g.geojson"
    p.write_bytes(b"{" * 2_000)  # would fail to parse: the size is checked first
    return p


@refused("geometry and limits", "Environment variable GRIDWATCH_MAX_FEATURES is 'lots', not a positive number",
         "Set it to a positive number (default 2000000)", env={"GRIDWATCH_MAX_FEATURES": "lots"})
def make_bad_limit_setting(tmp: Path) -> Path:
    return _geojson(tmp, corpus_grids())


@refused("geometry and limits", "3 grids have Point geometry; grids must be Polygon / MultiPolygon (G1, G2, G3)",
         "Fix the file as the report says")
def make_points_as_grids(tmp: Path) -> Path:
    g = corpus_grids()
    g["geometry"] = g.geometry.representative_point()
    return _geojson(tmp, g)


@refused("geometry and limits", "2 incidents have Polygon geometry; incidents must be Point (I1, I2)",
         "Fix the file as the report says", kind="incidents")
def make_polygons_as_incidents(tmp: Path) -> Path:
    inc = corpus_incidents().iloc[:2].copy()
    inc["geometry"] = inc.geometry.to_crs(32650).buffer(10).to_crs(4326)
    return _geojson(tmp, inc)


# -- the corpus run -----------------------------------------------------------------------


def _validate(capsys: pytest.CaptureFixture[str], case: Case, path: Path) -> tuple[int, list[str]]:
    code = cli.main(["validate", f"--{case.kind}", str(path), *case.args])
    return code, capsys.readouterr().err.splitlines()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_refused_with_the_exact_error(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    path = case.build(tmp_path)
    capsys.readouterr()
    code, err = _validate(capsys, case, path)
    assert code == 2, err
    assert len(err) == 2 and err[0].startswith("error: ") and err[1].startswith("hint: "), err
    assert case.error in err[0], err[0]
    assert case.hint in err[1], err[1]
    text = "\n".join(err)
    assert str(tmp_path) not in text and "/vsizip/" not in text and "Traceback" not in text
    assert not any(ch in text for ch in "\x1b\x07\r\x85\u2028\u202e"), text


# -- messy files that must load ---------------------------------------------------------------


def _loads(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = cli.main(["validate", *args])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


class TestLoads:
    def test_gbk_csv(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = _csv(tmp_path, "编号,类型,经度,纬度\nI1,积水点,114.36,30.52\n", encoding="gbk")
        _loads(capsys, "--incidents", str(p), "--crs", "wgs84", "--id-field", "编号", "--type-field", "类型")
        got = io.read_file(p, crs="wgs84")
        assert list(got.columns) == ["编号", "类型", "geometry"] and got["类型"].tolist() == ["积水点"]

    def test_utf8_bom_on_gbk_column_names_are_clean(self, tmp_path: Path) -> None:
        p = tmp_path / "bom.csv"
        p.write_bytes(b"\xef\xbb\xbf" + "编号,经度,纬度\nI1,114.36,30.52\n".encode("gbk"))
        assert list(io.read_file(p, crs="wgs84").columns) == ["编号", "geometry"]

    def test_utf16_csv(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "\ufeffincident_id\tlon\tlat\nI1\t114.36\t30.52\n", encoding="utf-16-le")
        assert io.read_file(p, crs="wgs84").geometry.iloc[0].x == pytest.approx(114.36)

    def test_zip_with_parts_in_a_subfolder(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = _zip(tmp_path, _shp_parts(tmp_path, prefix="export/2024/"))
        assert "3 rows, 0 error(s)" in _loads(capsys, "--grids", str(p))

    def test_degrees_minutes_seconds(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = _points_csv(tmp_path, ["114°21'36.0\"E", "114 21 36", "东经114度21分36秒", "-73°59′8.5″"],
                        ["30°31'12\"N", "30 31 12", "北纬30度31分12秒", "40°44′54.3″N"])
        got = io.read_file(p, crs="wgs84")
        assert got.geometry.x.round(6).tolist()[:3] == [114.36] * 3 and got.geometry.y.round(6).tolist()[:3] == [30.52] * 3
        assert got.geometry.x.iloc[3] == pytest.approx(-(73 + 59 / 60 + 8.5 / 3600))

    def test_semicolon_csv_with_decimal_commas(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = _csv(tmp_path, "incident_id;type;lon;lat\nI1;flooding;114,3605;30,5203\nI2;flooding;114,361;30,521\n")
        _loads(capsys, "--incidents", str(p), "--crs", "wgs84")
        got = io.read_file(p, crs="wgs84")
        assert got.geometry.x.tolist() == pytest.approx([114.3605, 114.361])

    def test_self_intersecting_grid_is_repaired(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        g = make_grids().iloc[:1].copy()
        d = D
        g["geometry"] = [shapely.Polygon([(LON0, LAT0), (LON0 + d, LAT0 + d), (LON0 + d, LAT0),
                                          (LON0, LAT0 + d)])]
        out = _loads(capsys, "--grids", str(_geojson(tmp_path, g)))
        assert "repaired with make_valid" in out

    def test_empty_polygon_is_dropped_and_listed(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        g = make_grids()
        g.loc[1, "geometry"] = shapely.Polygon()
        out = _loads(capsys, "--grids", str(_geojson(tmp_path, g)))
        assert "no geometry and were not imported" in out and "G2" in out

    def test_state_plane_feet_shapefile_lands_in_place(self, tmp_path: Path) -> None:
        sf = gpd.GeoDataFrame({"grid_id": ["SF1"]}, geometry=[shapely.box(-122.42, 37.77, -122.41, 37.78)], crs=4326)
        pyogrio.write_dataframe(sf.to_crs(2227), tmp_path / "sf.shp")
        got = io.read_file(tmp_path / "sf.shp")
        assert got.geometry.iloc[0].normalize().equals_exact(sf.geometry.iloc[0].normalize(), 1e-7)

    def test_rows_keep_their_line_numbers(self, tmp_path: Path, make_grids) -> None:
        p = _points_csv(tmp_path, [114.36, 114.37], [30.52, 30.53])
        got = io.read_file(p, crs="wgs84")
        assert isinstance(got.index, pd.RangeIndex) and got.attrs["row_base"] == 2
        assert io.read_file(_geojson(tmp_path, make_grids())).attrs["row_base"] == 1


# -- swapped axes with a store's grids (outside China) -------------------------------------


def test_swapped_axes_outside_china_found_with_the_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kotka = gpd.GeoDataFrame({"grid_id": ["K1"]}, geometry=[shapely.box(26.90, 60.45, 26.96, 60.49)], crs=4326)
    store = tmp_path / "s.gpkg"
    assert cli.main(["import", "--quiet", "--store", str(store), "--grids", str(_geojson(tmp_path, kotka))]) == 0
    p = _points_csv(tmp_path, [60.46, 60.47], [26.92, 26.93])
    capsys.readouterr()
    assert cli.main(["validate", "--store", str(store), "--incidents", str(p), "--crs", "wgs84"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert "look swapped" in err[0] and "--swap-xy" in err[1]
    assert cli.main(["validate", "--store", str(store), "--incidents", str(p), "--crs", "wgs84", "--swap-xy"]) == 0


# -- an import of a hostile file leaves the store as it was ----------------------------------


def test_hostile_import_leaves_store_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids, make_incidents) -> None:
    store = tmp_path / "s.gpkg"
    for name, gdf in (("grids", make_grids()), ("incidents", make_incidents())):
        assert cli.main(["import", "--quiet", "--store", str(store), f"--{name}",
                         str(_geojson(tmp_path, gdf, f"{name}.geojson"))]) == 0
    before = store.read_bytes()
    bomb = make_zip_bomb(tmp_path)
    nan = make_nan_coordinates(tmp_path)
    capsys.readouterr()
    assert cli.main(["import", "--quiet", "--store", str(store), "--grids", str(bomb), "--replace"]) == 2
    assert cli.main(["import", "--quiet", "--store", str(store), "--incidents", str(nan), "--crs", "wgs84"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and "Zip bombs" in err[1] and "not finite" in err[2]
    assert store.read_bytes() == before


# -- what reaches the terminal ---------------------------------------------------------------


def test_subprocess_stderr_holds_only_the_error_and_hint(tmp_path: Path) -> None:
    """GDAL's own warnings and Python's RuntimeWarnings never reach the user's terminal."""
    folder = _shp_folder(tmp_path)
    dbf = folder / "grids.dbf"
    dbf.write_bytes(dbf.read_bytes()[:40])  # a .dbf cut inside its header
    proc = subprocess.run([sys.executable, "-m", "geo", "validate", "--grids", str(folder / "grids.shp")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = proc.stderr.splitlines()
    assert proc.returncode == 2, proc.stderr
    assert lines == ["error: 'grids.shp' cannot be read (its .dbf file holds 40 bytes, its header announces 1,396).",
                     "hint: The file may be truncated or not what its name says: export it again."], lines
    assert str(tmp_path) not in proc.stderr and "Warning" not in proc.stderr


def test_short_drops_machine_and_build_paths(tmp_path: Path) -> None:
    p = tmp_path / "up" / "g.zip"
    exc = RuntimeError(f"/vsizip/{p}/grids.shp: failed at /build/gdal-3.12/ogr/ogrsf_frmts/shape/shpopen.c:412\nsecond line")
    text = readers.short_error(exc, p)
    assert text == "g.zip/grids.shp: failed at shpopen.c:412"
    assert readers.short_error(RuntimeError("values 3/4 of C:\\Users\\x\\data\\a.shp")) == "values 3/4 of a.shp"


# -- limits and the bounded repair --------------------------------------------------------------


def test_limits_read_from_the_environment() -> None:
    lim = limits.current({"GRIDWATCH_MAX_FILE_MB": "500", "GRIDWATCH_MAX_VERTICES": "5e5"})
    assert lim.max_file_bytes == 500_000_000 and lim.max_vertices == 500_000 and lim.max_features == 2_000_000
    assert set(limits.ENV.values()) >= {"GRIDWATCH_MAX_TEXT_CHARS", "GRIDWATCH_MAX_ID_CHARS", "GRIDWATCH_MAX_ZIP_RATIO"}
    for bad in ("0", "-3", "inf", "nan", "ten"):
        with pytest.raises(OptionError, match="not a positive number"):
            limits.current({"GRIDWATCH_MAX_CELLS": bad})


def test_repair_is_stopped_at_the_time_limit() -> None:
    rng = np.random.default_rng(0)
    crossing = shapely.Polygon(rng.random((3_000, 2)))  # millions of self-intersections: hours of make_valid
    t0 = time.perf_counter()
    with pytest.raises(GeometryError, match="could not be repaired within 1 s"):
        make_valid_within(np.array([crossing]), seconds=1)
    assert time.perf_counter() - t0 < 10
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    big = shapely.Polygon(np.column_stack([np.cos(t := np.linspace(0, 6.28, 5_000)), np.sin(t)]))
    fixed = make_valid_within(np.array([bowtie, big]), seconds=30)
    assert shapely.is_valid(fixed).all() and fixed[0].area == pytest.approx(0.5)


# -- the figures for docs/security.md ---------------------------------------------------------


def test_corpus_figures() -> None:
    """At least 45 refused cases over every class named in the threat model (docs/security.md)."""
    by_group: dict[str, int] = {}
    for c in CASES:
        by_group[c.group] = by_group.get(c.group, 0) + 1
    loads = len([n for n in dir(TestLoads) if n.startswith("test_")])
    assert len(CASES) >= 45 and loads >= 8
    assert set(by_group) == {"empty and truncated", "encodings", "zip archives and Shapefiles", "XML entities", "spreadsheets",
                             "GeoPackage", "control characters", "coordinates", "coordinate systems", "geometry and limits"}
    print(by_group, "refused:", len(CASES), "loaded:", loads)

