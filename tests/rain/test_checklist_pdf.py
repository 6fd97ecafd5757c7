"""Checklist layout: no invented unit rows, and long names and ids wrapped
inside their cells (nothing drawn over the next column)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reportlab.lib.pagesizes import A4

from geo.printkit import MARGIN, register_reportlab_font
from geo.rain.checklist import LOCAL_TZ, WHOLE_BUILDING, GridChecklist, build_checklists, checklists_from_store
from geo.rain.documents import write_checklists
from geo.rain.inspection import INSPECTIONS, import_checklist
from geo.store import open_store

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
ZH_NAME = ("幸福里社区滨江花园小区东区" * 20)[:200]
EN_NAME = ("Riverside Gardens Block 3000 North Tower " * 6)[:200]
BUILDING_ID = "BLD-2026-WUHAN-HONGSHAN-LUOJIASHAN-STREET-0000123456789ABCDE"
GRATE_ID = "GRATE-WUHAN-HONGSHAN-LUOJIASHAN-SOUTH-RING-ROAD-000000000001"
_TOOLS = bool(shutil.which("pdftotext"))
poppler = pytest.mark.skipif(not _TOOLS and os.environ.get("CI") != "true",
                             reason="poppler-utils not installed (scripts/install-system-deps.sh)")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


@pytest.fixture(scope="session")
def odd_units(make_layers: Any) -> Any:
    """Builder of the rain fixture with B03 of no units, B04 of unknown units and no name, and ``names`` by building id."""

    def build(**names: str) -> dict:
        """The rain fixture with B03 of no units, B04 of unknown units and no name, and ``names`` by building id."""
        layers = make_layers()
        b = layers["buildings"]
        b.loc[b["building_id"] == "B03", "units"] = 0
        b.loc[b["building_id"] == "B04", ["units", "name"]] = [None, None]
        for bid, name in names.items():
            b.loc[b["building_id"] == bid, ["name", "basement"]] = [name, True]
        return layers

    return build


def _units(cl: GridChecklist) -> dict[str, list[str]]:
    rows = cl.items[cl.items["section"].isin(("unit_light", "unit_drain"))]
    return {i: list(g["where"]) for i, g in rows.groupby("item_id")}


class TestUnits:
    def test_no_invented_unit_for_buildings_without_units(self, odd_units: Any) -> None:
        g1 = next(c for c in build_checklists(odd_units(), "red", now=NOW, streets=False) if c.header["grid_id"] == "G1")
        units = _units(g1)
        assert units["B03"] == [f"3栋 {WHOLE_BUILDING}"] * 2  # one light and one drain row, no "1单元"
        assert units["B04"] == [f"B04 {WHOLE_BUILDING}"] * 2  # no name: the id tells which building
        assert not any(k.startswith(("B03/", "B04/")) for k in units)
        assert units["B01/1"] == ["1栋 1单元"] * 2 and units["B01/2"] == ["1栋 2单元"] * 2
        assert len(units) == 4 * 2 + 2  # B01, B02, B05, B06: 2 units each; B03, B04: the whole building
        vulnerable = g1.section("vulnerable")
        assert not vulnerable["details"].str.contains("0个单元").any()

    def test_whole_building_rows_come_back_in(self, tmp_path: Path, odd_units: Any) -> None:
        layers = odd_units()
        b = layers["buildings"]
        b.loc[b["building_id"] == "B03", "building_id"] = "B/03"  # an id holding a "/", with no units
        store = open_store(tmp_path / "s.gpkg")
        store.write(layers=layers, note="fixture")
        path = write_checklists(checklists_from_store(store, "red", grid_ids=["G1"], now=NOW), tmp_path / "c.xlsx")
        wb = openpyxl.load_workbook(path)
        ws = wb["G1"]
        ws["B7"] = "张三"
        for r in range(11, ws.max_row + 1):
            section = ws.cell(r, 10).value
            if ws.cell(r, 3).value in ("B/03", "B04", "B01/2") and section in ("unit_light", "unit_drain"):
                ws.cell(r, 8).value = "正常" if section == "unit_light" else "通畅"
        wb.save(tmp_path / "filled.xlsx")
        report = import_checklist(store, tmp_path / "filled.xlsx", now=NOW)
        assert [(p.kind, p.message) for p in report.problems if p.kind != "no_result"] == []
        history = store.read_table(INSPECTIONS)
        assert sorted(zip(history["section"], history["item_id"], strict=True)) == sorted(
            (s, i) for i in ("B/03", "B04", "B01/2") for s in ("unit_light", "unit_drain"))


def _words(html: str) -> list[list[tuple[float, float, float, float, str]]]:
    return [[(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in _WORD.findall(page)]
            for page in html.split("<page ")[1:]]


def _overlaps(words: list[tuple[float, float, float, float, str]]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5:
                out.append((a[4], b[4]))
    return out


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory, odd_units: Any) -> Path:
    """A red checklist with a 200-character Chinese and English building name, a 60-character building and grate id."""
    layers = odd_units(B01=ZH_NAME, B07=EN_NAME)
    b, inc = layers["buildings"], layers["incidents"]
    b.loc[b["building_id"] == "B01", "building_id"] = BUILDING_ID
    inc.loc[inc["incident_id"] == "R001", "incident_id"] = GRATE_ID
    lists = build_checklists(layers, "red", now=NOW, inspector="检查员 " + EN_NAME[:60])
    return write_checklists(lists, tmp_path_factory.mktemp("long") / "long.pdf")


@pytest.fixture(scope="module")
def font() -> str:
    return register_reportlab_font()


class TestLongText:
    def test_ids_are_sixty_characters_and_names_two_hundred(self) -> None:
        assert len(BUILDING_ID) == len(GRATE_ID) == 60 and len(ZH_NAME) == len(EN_NAME) == 200

    @poppler
    def test_no_text_drawn_over_other_text(self, pdf: Path) -> None:
        html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        pages = _words(html)
        assert len(pages) >= 4
        right = A4[0] - MARGIN + 0.5
        for k, words in enumerate(pages, start=1):
            assert _overlaps(words) == [], f"page {k}"
            assert max(w[2] for w in words) <= right, f"page {k}: text beyond the right margin"

    @poppler
    def test_nothing_hidden(self, pdf: Path) -> None:
        text = subprocess.run(["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        flat = re.sub(r"\s+", "", text)
        for value in (BUILDING_ID, GRATE_ID, ZH_NAME, EN_NAME):
            assert re.sub(r"\s+", "", value) in flat, value[:20]

    def test_a_name_longer_than_a_page_is_cut_not_fatal(self, tmp_path: Path, odd_units: Any) -> None:
        lists = build_checklists(odd_units(B01="很长的楼栋名称" * 500), "red", now=NOW, streets=False)
        assert write_checklists(lists, tmp_path / "huge.pdf").stat().st_size > 10_000
