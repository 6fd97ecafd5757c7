"""Checklist documents: the PDF (text and pages), the XLSX layout, the CSV."""

from __future__ import annotations

import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from geo.errors import OptionError
from geo.rain.checklist import LOCAL_TZ, SECTIONS, build_checklists
from geo.rain.documents import CSV_COLUMNS, write_checklists
from tests.needs import tools

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
poppler = tools("pdftotext", "pdftoppm")  # skipped off CI without poppler-utils; in CI they run


@pytest.fixture(scope="module")
def checklists(make_layers: Any) -> list:
    return build_checklists(make_layers(), "red", now=NOW, inspector="张三")


@pytest.fixture(scope="module")
def pdf(checklists: list, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_checklists(checklists, tmp_path_factory.mktemp("pdf") / "red.pdf")


def pdftotext(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@poppler
class TestPDF:
    def test_every_grate_listed_once_per_grid(self, pdf: Path, checklists: list) -> None:
        text = pdftotext(pdf)
        for cl in checklists:
            for gid in cl.section("grate")["item_id"]:
                assert len(re.findall(rf"\b{gid}\b", text)) == 1, gid

    def test_chinese_text_is_real_text(self, pdf: Path) -> None:
        text = pdftotext(pdf)
        for needle in ("测试社区", "第一网格", "防汛巡查清单", "暴雨红色预警", "雨水篦子", "楼道灯", "检查人签字", "张三"):
            assert needle in text, needle

    def test_each_grid_starts_a_page_with_its_header(self, pdf: Path) -> None:
        pages = pdftotext(pdf).split("\f")
        starts = [i for i, p in enumerate(pages) if "防汛巡查清单" in p]
        assert len(starts) == 2 and "第二网格" in pages[starts[1]]

    def test_long_table_repeats_its_heading(self, tmp_path: Path, make_layers: Any) -> None:
        layers = make_layers()
        inc = layers["incidents"]
        many = pd.concat([inc] + [inc[inc["type"] == "drain_grate"].assign(
            incident_id=lambda d, k=k: d["incident_id"] + f"-{k}") for k in range(3)], ignore_index=True)
        layers["incidents"] = many.set_geometry("geometry")
        cl = build_checklists(layers, "red", grid_ids=["G1"], now=NOW)
        out = write_checklists(cl, tmp_path / "long.pdf")
        pages = pdftotext(out).split("\f")
        with_grates = [p for p in pages if re.search(r"\bR0\d\d-1\b", p) or re.search(r"\bR0\d\d\b", p)]
        assert len(with_grates) >= 2
        assert all("上次状态" in p for p in with_grates)

    def test_renders_to_png(self, pdf: Path, tmp_path: Path) -> None:
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
        png = next(tmp_path.glob("p*.png"))
        assert png.stat().st_size > 5_000

    def test_cjk_font_is_embedded(self, pdf: Path) -> None:
        from geo.printkit import cjk_font_path

        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        embedded = [line for line in fonts.splitlines() if "TrueType" in line and " yes " in line]
        assert embedded, fonts
        if cjk_font_path().name.startswith("wqy-zenhei"):
            assert all("WenQuanYiZenHei" in line for line in embedded)


@pytest.fixture(scope="module")
def book(checklists: list, tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    return openpyxl.load_workbook(write_checklists(checklists, tmp_path_factory.mktemp("x") / "red.xlsx"))


class TestXLSX:

    def test_one_sheet_per_grid(self, book: openpyxl.Workbook) -> None:
        assert book.sheetnames == ["G1", "G2"]

    def test_frozen_header_and_validations(self, book: openpyxl.Workbook, checklists: list) -> None:
        ws = book["G1"]
        assert ws.freeze_panes == "A11" and ws["A10"].value == "序号"
        lists = {dv.formula1.strip('"') for dv in ws.data_validations.dataValidation}
        assert ",".join(SECTIONS["grate"].choices) in lists
        assert ",".join(SECTIONS["wire"].choices) in lists
        grate_dv = next(dv for dv in ws.data_validations.dataValidation
                        if dv.formula1.strip('"') == ",".join(SECTIONS["grate"].choices))
        n = len(checklists[0].section("grate"))
        assert str(grate_dv.sqref) == f"H11:H{10 + n}"

    def test_rows_match_items(self, book: openpyxl.Workbook, checklists: list) -> None:
        ws = book["G1"]
        ids = [ws.cell(r, 3).value for r in range(11, ws.max_row + 1)]
        assert ids == list(checklists[0].items["item_id"])
        assert ws.column_dimensions["K"].hidden


class TestCSV:
    def test_columns_and_rows(self, checklists: list, tmp_path: Path) -> None:
        df = pd.read_csv(write_checklists(checklists, tmp_path / "red.csv"), encoding="utf-8-sig", dtype=str)
        assert tuple(df.columns) == CSV_COLUMNS
        assert len(df) == sum(len(c.items) for c in checklists)
        assert (df["key"] == df["item_id"]).all()


def test_bad_format(checklists: list, tmp_path: Path) -> None:
    with pytest.raises(OptionError, match="docx"):
        write_checklists(checklists, tmp_path / "x.docx")
    with pytest.raises(OptionError, match="no grids"):
        write_checklists([], tmp_path / "x.pdf")


@poppler
def test_header_has_signature_lines(pdf: Path) -> None:
    pages = pdftotext(pdf).split("\f")
    firsts = [p for p in pages if "防汛巡查清单" in p]
    assert len(firsts) == 2
    for page in firsts:
        head = page.split("一、雨水篦子")[0]  # the header block, above the first section
        assert "检查人签字" in head and "网格员签字" in head and "检查时间" in head


def test_xlsx_prints_with_its_heading_on_every_page(book: openpyxl.Workbook) -> None:
    ws = book["G1"]
    assert ws.print_title_rows == "$10:$10" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


@poppler
def test_pages_are_numbered_per_grid(pdf: Path) -> None:
    pages = [p for p in pdftotext(pdf).split("\f") if p.strip()]
    firsts = [k for k, p in enumerate(pages) if "防汛巡查清单" in p]
    for k, page in enumerate(pages):
        start = max(f for f in firsts if f <= k)
        assert f"本网格第 {k - start + 1} 页 · 总第 {k + 1} 页" in page


@poppler
def test_other_sections_name_their_patrol_stop(pdf: Path, checklists: list) -> None:
    lines = pdftotext(pdf).splitlines()
    for cl in checklists:
        for section in ("flooding", "basement", "wire"):
            for r in cl.section(section).itertuples():
                key = r.item_id if section != "basement" else f"（{r.item_id}）"
                row = next(line for line in lines if key in line and re.match(rf"\s*{r.no}\s", line))
                assert re.match(rf"\s*{r.no}\s+{r.stop}\s", row), (section, r.item_id, row)
