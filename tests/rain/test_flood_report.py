"""The flood-response PDF's map of the affected area (and the map frame it shares with the checklist)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from PIL import Image
from reportlab.graphics.shapes import String

from geo.printkit import WIDTH, MapFrame, register_reportlab_font
from geo.rain import checklist_pdf
from geo.rain.documents import FLOOD_MAP_TITLE, MAP_NO
from geo.rain.flood import FloodResponse, export_response, flood_response
from geo.rain.flood_report import FLOOD_MAP_HEIGHT, flood_map

_TOOLS = bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))
# poppler-utils comes with the project's setup (scripts/install-system-deps.sh): never skipped in CI
poppler = pytest.mark.skipif(not _TOOLS and os.environ.get("CI") != "true",
                             reason="poppler-utils not installed (scripts/install-system-deps.sh)")
DPI = 100


@pytest.fixture(scope="module")
def layers(make_layers: Any) -> dict:
    return make_layers()


@pytest.fixture(scope="module")
def f2(layers: dict) -> FloodResponse:
    return flood_response(layers, incident_id="F2")  # x=310, y=20: B07-B09 (B09 with a basement), W2 critical


@pytest.fixture(scope="module")
def pdf(f2: FloodResponse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export_response(f2, tmp_path_factory.mktemp("flood") / "f2.pdf")


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_one(pdf: Path, tmp_path: Path) -> Image.Image:
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    return Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")


def map_box(pdf: Path) -> tuple[int, int, int, int]:
    """Pixel box (left, top, right, bottom) of the map on page 1: below its heading, above the summary table."""
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
                       pdftotext(pdf, "-bbox", "-f", "1", "-l", "1"))
    heading = next(w for w in words if w[4] == FLOOD_MAP_TITLE)
    below = next(w for w in words if w[4] == "项目")  # the summary table's heading, right under the map
    px = DPI / 72
    return (int(40 * px), int(float(heading[3]) * px) + 4, int((595 - 40) * px), int(float(below[1]) * px) - 4)


def pixels(img: Image.Image, box: tuple[int, int, int, int]) -> np.ndarray:
    return np.asarray(img.crop(box)).reshape(-1, 3).astype(int)


class TestMapGeometry:
    def test_map_carries_the_response_in_metres(self, f2: FloodResponse) -> None:
        m = f2.map
        assert m is not None and m.radius == 100 and m.center is not None
        assert m.crs.axis_info[0].unit_name == "metre"
        assert m.area.area == pytest.approx(np.pi * 100**2, rel=0.01)
        hit = m.buildings[m.buildings["affected"]]
        assert set(hit["building_id"]) == set(f2.buildings["building_id"]) == {"B07", "B08", "B09"}
        assert set(hit.loc[hit["basement"], "building_id"]) == {"B09"}
        assert len(m.buildings) > len(hit)  # the surroundings too
        assert len(m.streets) == 3 and len(m.grids) == 2

    def test_grates_in_table_order(self, f2: FloodResponse) -> None:
        m = f2.map
        assert len(m.grates) == len(f2.grates)
        # grate k of the map is row k of the table: its distance to the point is the table's
        dist = m.grates.distance(m.center).round(1).to_numpy()
        assert dist == pytest.approx(f2.grates["distance_m"].to_numpy(), abs=0.2)
        assert np.all(np.diff(dist) >= -0.2)

    def test_extent_holds_area_grates_and_buildings(self, f2: FloodResponse) -> None:
        m = f2.map
        minx, miny, maxx, maxy = m.extent
        box = shapely.box(minx, miny, maxx, maxy)
        assert box.contains(m.area) and box.contains(shapely.union_all(m.grates.to_numpy()))

    def test_polygon_has_no_point_or_radius(self, layers: dict, to_wgs: Any) -> None:
        r = flood_response(layers, polygon=to_wgs([shapely.box(0, 0, 200, 200)]).iloc[0])
        assert r.map.center is None and r.map.radius is None
        assert r.map.buildings["affected"].sum() == 6

    def test_store_without_streets_or_buildings_near(self, layers: dict, lonlat: Any) -> None:
        bare = {**layers, "streets": layers["streets"].iloc[0:0]}
        r = flood_response(bare, at=lonlat(350, 150), radius=20)
        assert r.map.streets.empty
        drawing = flood_map(r, register_reportlab_font())
        labels = [n.text for n in drawing.contents if isinstance(n, String)]
        assert "北" in labels and "已处理飞线" in labels  # W3 is resolved: shown grey, not red


class TestMapDrawing:
    def test_grate_numbers_sit_on_their_grates(self, f2: FloodResponse) -> None:
        font = register_reportlab_font()
        frame = MapFrame(f2.map.extent, WIDTH, FLOOD_MAP_HEIGHT, font, legend=11.0)
        where = np.asarray(frame.xy(shapely.get_coordinates(f2.map.grates.to_numpy()))).reshape(-1, 2)
        drawing = flood_map(f2, font)
        labels = {n.text: (n.x, n.y) for n in drawing.contents if isinstance(n, String) and n.text.isdigit()}
        for k, (x, y) in enumerate(where, start=1):
            lx, ly = labels[str(k)]
            assert abs(lx - x - 2.3) < 0.01 and abs(ly - y - 1.8) < 0.01, k

    def test_legend_in_chinese(self, f2: FloodResponse) -> None:
        drawing = flood_map(f2, register_reportlab_font())
        labels = {n.text for n in drawing.contents if isinstance(n, String)}
        assert {"积水点", "影响范围（半径 100 米）", "受影响楼栋", "有地下室/车库（地）", "雨水篦子（编号同表）",
                "危险飞线（积水触电）", "地", "北"} <= labels
        assert "已处理飞线" not in labels  # F2's only wire is open


@poppler
class TestPdf:
    def test_map_heading_legend_and_tables(self, pdf: Path) -> None:
        text = pdftotext(pdf, "-layout")
        first = text.split("\f")[0]
        for needle in (FLOOD_MAP_TITLE, "积水点", "影响范围（半径 100 米）", "有地下室/车库（地）",
                       "雨水篦子（编号同表）", "危险飞线（积水触电）", "北"):
            assert needle in first, needle
        assert re.search(r"\b50 米", first)  # the scale bar
        assert first.index(FLOOD_MAP_TITLE) < first.index("有地下室/车库的楼栋")  # map heads the page
        for needle in ("受影响楼栋（3）", "B08", "B09", MAP_NO, "R013", "范围内飞线", "W2", "联系人", "李强"):
            assert needle in text, needle

    def test_table_numbers_are_the_map_numbers(self, pdf: Path, f2: FloodResponse) -> None:
        rows = re.findall(r"^\s*(\d+)\s+(R\d{3})\b", pdftotext(pdf, "-layout"), flags=re.M)
        assert [iid for _, iid in rows] == list(f2.grates["incident_id"])
        assert [int(k) for k, _ in rows] == list(range(1, len(f2.grates) + 1))

    def test_page_one_map_is_drawn(self, pdf: Path, tmp_path: Path) -> None:
        img = page_one(pdf, tmp_path)
        box = map_box(pdf)
        assert box[3] - box[1] > 0.8 * FLOOD_MAP_HEIGHT * DPI / 72  # the map's height lies in the box
        px = pixels(img, box)
        inked = (px.min(axis=1) < 235).mean()
        assert inked > 0.10, inked  # streets, buildings, the circle: not a blank box
        area = (np.abs(px - (222, 235, 247)).max(axis=1) <= 6).mean()
        assert area > 0.10, area  # the radius circle's light blue fill
        red = ((px[:, 0] > 200) & (px[:, 1] < 60) & (px[:, 2] < 60)).sum()
        assert red > 5, red  # the critical flying wire
        basement = (np.abs(px - (140, 45, 4)).max(axis=1) <= 12).sum()
        assert basement > 50, basement  # B09 filled dark

    def test_polygon_pdf(self, layers: dict, tmp_path: Path, to_wgs: Any) -> None:
        poly = to_wgs([shapely.Polygon([(0, 0), (200, 0), (120, 160), (0, 200)])]).iloc[0]
        out = export_response(flood_response(layers, polygon=poly), tmp_path / "poly.pdf")
        first = pdftotext(out, "-layout").split("\f")[0]
        assert "积水区域" in first and "半径" not in first
        px = pixels(page_one(out, tmp_path), map_box(out))
        assert (np.abs(px - (222, 235, 247)).max(axis=1) <= 6).mean() > 0.05

    def test_response_without_map_still_writes_tables(self, f2: FloodResponse, tmp_path: Path) -> None:
        bare = FloodResponse(f2.title, f2.center, f2.area, f2.buildings, f2.grates, f2.wires, f2.contacts, f2.summary)
        text = pdftotext(export_response(bare, tmp_path / "bare.pdf"), "-layout")
        assert FLOOD_MAP_TITLE not in text and "受影响楼栋（3）" in text


@poppler
def test_cli_flood_pdf_on_a_store(tmp_path: Path, capsys: pytest.CaptureFixture[str], write_store: Any) -> None:
    from geo.cli import main
    store = tmp_path / "s.gpkg"
    write_store(str(store))
    out = tmp_path / "F.pdf"
    assert main(["flood", "--store", str(store), "--incident", "F2", "--out", str(out)]) == 0
    assert "critical flying wire" in capsys.readouterr().out
    assert FLOOD_MAP_TITLE in pdftotext(out).split("\f")[0]
    assert (pixels(page_one(out, tmp_path), map_box(out)).min(axis=1) < 235).mean() > 0.10


def test_checklist_map_has_scale_bar_and_north_arrow(layers: dict) -> None:
    from geo.rain.checklist import build_checklists

    cl = build_checklists(layers, "red", grid_ids=["G1"])[0]
    drawing = checklist_pdf.grid_map(cl, register_reportlab_font())
    labels = [n.text for n in drawing.contents if isinstance(n, String)]
    assert "北" in labels and any(t.endswith(" 米") for t in labels)


def test_surroundings_reach_beyond_a_tall_extent(layers: dict, lonlat: Any) -> None:
    """A map box wider than the area still shows every building beside it (clipped, not missing)."""
    r = flood_response(layers, at=lonlat(100, 100), radius=30)
    frame = MapFrame(r.map.extent, WIDTH, FLOOD_MAP_HEIGHT, register_reportlab_font(), legend=11.0)
    seen = shapely.box(*frame.visible())
    minx, _, maxx, _ = r.map.extent
    assert seen.bounds[0] < minx - 50 and seen.bounds[2] > maxx + 50  # the box is wider than the extent
    every = layers["buildings"].to_crs(r.map.crs)
    want = set(every.loc[every.intersects(seen), "building_id"])
    assert len(want) > r.map.buildings["affected"].sum()
    assert want <= set(r.map.buildings["building_id"])
