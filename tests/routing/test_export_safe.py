"""Route files stay well-formed and inert for any id or name; the route sheet names places and types.

Ids, grid and building names and type labels here are what a hostile or
careless file holds: XML's special characters and ``]]>``, control
characters, spreadsheet formulas, ReportLab markup. Every format is read
back with a real parser (lxml against the GPX 1.1 schema, json, csv,
pdftotext).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely
from lxml import etree

from geo import schema
from geo.errors import GridWatchError
from geo.routing import export
from geo.routing.network import build_network
from geo.routing.plan import RoutePlan, plan_routes
from geo.routing.sheet import id_column, stop_places, wrap_id
from tests import needs, paths

GPX_XSD = paths.DATA / "gpx11.xsd"
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"

HOSTILE_IDS = [
    "A&B<c>\"d'e]]>",
    "ctl\x01\x1b[31mred\x7f",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-12.5",
    "<a href='http://evil.example'>link</a>",
    "<img src=/etc/passwd>",
    "<b>unclosed",
    "<para>",
    "R&D",
    "WG-2024-000123-雨水篦子-东区-第七网格-0001",
]
#: What each id must read as once a parser has it (XML 1.0 cannot hold C0 controls: they are dropped).
READ_BACK = {i: i.replace("\x01", "").replace("\x1b", "") for i in HOSTILE_IDS}
TYPES = {
    **schema.BUILTIN_TYPES,
    "manhole": schema.IncidentType("manhole", "井盖<b>松动", "Loose <i>manhole", asset=True),
}


@pytest.fixture(scope="module")
def plan(grid_streets: Callable[..., gpd.GeoDataFrame], lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame]) -> RoutePlan:
    n = len(HOSTILE_IDS)
    xy = [(float(25 * i % 300), float(100 * (i % 4))) for i in range(n)]
    pts = make_points(xy, types=["manhole", "drain_grate"] * (n // 2), grids=["G1", "G2"] * (n // 2))
    pts["incident_id"] = HOSTILE_IDS
    return plan_routes(pts, network=build_network(grid_streets()), start=lonlat(0, 0), patrollers=2, time_limit=0.3)


@pytest.fixture(scope="module")
def sheet(local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame]) -> export.SheetContext:
    grids = gpd.GeoDataFrame({"grid_id": ["G1", "G2"], "name": ["第一网格 <a href='x'>", "第二网格 R&D"]},
                             geometry=[shapely.box(-20, -20, 150, 320), shapely.box(150, -20, 320, 320)],
                             crs=local_crs).to_crs(4326)  # fmt: skip
    buildings = gpd.GeoDataFrame({"building_id": ["B1", "B2"], "name": ["楼栋 3", "<img src=/etc/passwd>"]},
                                 geometry=[shapely.box(10, 10, 40, 40), shapely.box(210, 210, 240, 240)],
                                 crs=local_crs).to_crs(4326)  # fmt: skip
    return export.SheetContext(grids=grids, buildings=buildings, streets=grid_streets())


def _all_ids(plan: RoutePlan) -> set[str]:
    return set(plan.stops["id"])


# ---------------------------------------------------------------- XML


@pytest.mark.parametrize("p", [1, 2])
def test_gpx_parses_and_is_schema_valid(plan: RoutePlan, p: int) -> None:
    data = export.to_gpx(plan, p, types=TYPES)
    assert b"CDATA" not in data
    doc = etree.fromstring(data)
    etree.XMLSchema(etree.parse(str(GPX_XSD))).assertValid(doc)
    names = [w.findtext(f"{GPX}name") for w in doc.findall(f"{GPX}wpt")][1:]
    ids = [r.id for r in plan.route_stops(p).itertuples()]
    assert [n.split(" ", 1)[1].rsplit(" ", 1)[0] for n in names] == [READ_BACK[i] for i in ids]


def test_kml_keeps_every_character_it_can(plan: RoutePlan) -> None:
    data = export.to_kml(plan, types=TYPES, lang="en")
    assert b"CDATA" not in data
    doc = etree.fromstring(data)
    names = {m.findtext(f"{KML}name") for m in doc.iter(f"{KML}Placemark")}
    for ident in HOSTILE_IDS:
        assert any(READ_BACK[ident] in (n or "") for n in names), ident
    assert any("Loose <i>manhole" in (n or "") for n in names)  # the English label, as text


def test_geojson_round_trips(plan: RoutePlan) -> None:
    doc = json.loads(export.to_geojson(plan).decode("utf-8"))
    ids = {f["properties"]["id"] for f in doc["features"] if f["properties"]["kind"] == "stop"}
    assert ids == _all_ids(plan)


# ---------------------------------------------------------------- spreadsheets


def test_csv_formulas_become_text_numbers_stay(plan: RoutePlan) -> None:
    rows = list(csv.DictReader(io.StringIO(export.to_csv(plan).decode("utf-8-sig"))))
    ids = {r["id"] for r in rows if r["seq"]}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in ids
    assert "'+cmd|' /C calc'!A0" in ids and "'@SUM(1+1)" in ids
    assert "-12.5" in ids  # a negative number is not a formula
    assert not any(i.startswith(("=", "+", "@")) for i in ids)
    assert all(float(r["lon"]) > 0 for r in rows if r["seq"])


def test_points_form_tour_csv_is_neutralised(tmp_path: Path) -> None:
    from geo.cli import main

    src = tmp_path / "pts.csv"
    src.write_text('x,y,label\n0,0,=1+1\n300,0,"+cmd|x"\n300,400,-3\n0,400,@A1\n', encoding="utf-8")
    out = tmp_path / "tour.csv"
    assert main(["route", "--points", str(src), "--crs", "EPSG:32650", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert sorted(r["label"] for r in rows) == sorted(["'=1+1", "'+cmd|x", "-3", "'@A1"])


# ---------------------------------------------------------------- the route sheet


def _pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def _pdf(plan: RoutePlan, **kwargs: object) -> bytes:
    try:
        return export.to_pdf(plan, **kwargs)  # type: ignore[arg-type]
    except GridWatchError as exc:  # no CJK font installed
        needs.skip_or_fail(str(exc))


@needs.tools("pdftotext")
def test_pdf_prints_markup_as_text(plan: RoutePlan, sheet: export.SheetContext, tmp_path: Path) -> None:
    pdf = _pdf(plan, types=TYPES, sheet=sheet, title="<b>巡查 R&D")
    assert b"/URI" not in pdf and b"/Subtype /Image" not in pdf  # no live link, no file from the disk
    text = _pdf_text(pdf, tmp_path, "zh.pdf")
    flat = text.replace("\n", " ")
    for literal in ("<b>巡查 R&D", "<a href='http://evil.example'>link</a>", "<img src=/etc/passwd>", "<b>unclosed",
                    "<para>", "井盖<b>松动", "第二网格 R&D"):  # fmt: skip
        assert literal in flat, literal
    assert "R&D;" not in flat
    assert "manhole" not in flat and "drain_grate" not in flat  # labels, not codes
    assert "雨水篦子" in flat and "楼栋 3 附近" in flat


@needs.tools("pdftotext")
def test_pdf_in_english(plan: RoutePlan, sheet: export.SheetContext, tmp_path: Path) -> None:
    text = _pdf_text(_pdf(plan, types=TYPES, sheet=sheet, lang="en"), tmp_path, "en.pdf")
    assert "Patrol routes · patroller 1 of 2" in text and "Rain grate" in text
    assert "Loose" in text and "<i>manhole" in text and "<i>man\n" not in text  # English wraps between words
    assert "near 楼栋 3" in text and "Back to the start" in text
    assert "巡查员" not in text


@needs.tools("pdftotext")
def test_long_ids_wrap_only_at_separators(grid_streets: Callable[..., gpd.GeoDataFrame], make_points: Callable[..., gpd.GeoDataFrame], tmp_path: Path) -> None:
    long_id = "-".join(["WG2024", "000123", "雨水篦子", "东区", "第七网格", "0001"] * 4)
    pts = make_points([(0, 0), (100, 0), (200, 0)])
    pts["incident_id"] = [long_id, "P1", "P2"]
    plan = plan_routes(pts, network=build_network(grid_streets()), time_limit=0.2)
    text = _pdf_text(_pdf(plan), tmp_path, "ids.pdf")
    assert long_id not in text.replace("\n", "")  # too long for one line: it wraps...
    # ...into lines that each end at a separator, and read back whole
    pieces = [next(w for w in line.split() if "-" in w or w.endswith("0001")) for line in text.splitlines()
              if any(("-" in w or w.endswith("0001")) and not w.startswith("_") for w in line.split())]  # fmt: skip
    assert len(pieces) >= 2 and all(p.endswith("-") for p in pieces[:-1])
    assert "".join(pieces) == long_id


def test_id_layout_helpers() -> None:
    from geo.printkit import register_reportlab_font

    try:
        font = register_reportlab_font()
    except GridWatchError as exc:
        needs.skip_or_fail(str(exc))
    width, size = id_column(["P01", "P02"], font, 200)
    assert size == 8.0 and width >= 18 * 72 / 25.4 - 0.01
    long_ids = ["WG-2024-000123-雨水篦子-东区-第七网格-0001"]
    width, size = id_column(long_ids, font, 90)
    assert width == 90 and 6.0 <= size < 8.0
    wrapped = wrap_id(long_ids[0], font, size, width - 4)
    lines = wrapped.split("<br/>")
    assert "".join(lines) == long_ids[0] and all(line.endswith("-") for line in lines[:-1])
    assert wrap_id("<b>", font, 8, 100) == "&lt;b&gt;"


def test_stop_places(plan: RoutePlan, sheet: export.SheetContext) -> None:
    zh, en = stop_places(plan, sheet, "zh"), stop_places(plan, sheet, "en")
    assert all(" · " in p or p.startswith("第") for p in zh)
    assert any(p.startswith("楼栋 3") for p in zh)
    assert any(p.startswith("near <img src=/etc/passwd>") for p in en)
    grid_of = dict(zip(plan.stops.index, plan.stops["grid_id"], strict=True))
    assert all(p.endswith("第二网格 R&D") for i, p in zh.items() if grid_of[i] == "G2")
    bare = stop_places(plan, export.SheetContext(), "zh")
    assert set(bare) == {"G1", "G2"}


def test_zip_keeps_labels_title_and_language(plan: RoutePlan, sheet: export.SheetContext, tmp_path: Path) -> None:
    data = export.to_zip(plan, "kml", types=TYPES, lang="en", sheet=sheet)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["route_1.kml", "route_2.kml"]
        kml = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8")
    assert "Loose &lt;i&gt;manhole" in kml and "Patrol route" in kml and "巡查" not in kml
    if shutil.which("pdftotext"):
        try:
            pdfs = export.to_zip(plan, "pdf", types=TYPES, lang="en", title="Storm patrol", sheet=sheet)
        except GridWatchError as exc:
            needs.skip_or_fail(str(exc))
        with zipfile.ZipFile(io.BytesIO(pdfs)) as archive:
            text = _pdf_text(archive.read("route_2.pdf"), tmp_path, "z.pdf")
        assert "Storm patrol · patroller 2 of 2" in text and "Rain grate" in text


def test_pages_render(plan: RoutePlan, sheet: export.SheetContext, tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        needs.skip_or_fail("pdftoppm not installed: " + needs.INSTALL)
    for lang in ("zh", "en"):
        pdf = tmp_path / f"{lang}.pdf"
        pdf.write_bytes(_pdf(plan, types=TYPES, sheet=sheet, lang=lang))
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / lang)], check=True)
        assert len(list(tmp_path.glob(f"{lang}-*.png"))) == 2


def test_stop_places_qualify_a_grid_name_that_repeats(plan: RoutePlan, sheet: export.SheetContext) -> None:
    grids = sheet.grids.assign(name=["第一网格", "第一网格"], community=["东社区", "西社区"])
    places = stop_places(plan, export.SheetContext(grids=grids), "zh")
    grid_of = dict(zip(plan.stops.index, plan.stops["grid_id"], strict=True))
    assert {p for i, p in places.items() if grid_of[i] == "G1"} == {"东社区 · 第一网格"}
    assert {p for i, p in places.items() if grid_of[i] == "G2"} == {"西社区 · 第一网格"}
