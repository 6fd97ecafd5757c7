"""Rain documents are safe to open: hostile names print as text in the PDFs,
and no CSV or XLSX cell that GridWatch writes is a live formula."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from geo import demo
from geo.cli import main
from geo.rain.checklist import LOCAL_TZ, GridChecklist, checklists_from_store
from geo.rain.documents import csv_bytes, write_checklists, xlsx_cell
from geo.rain.flood import FloodResponse, export_response, flood_response, read_layers
from geo.rain.inspection import read_register
from geo.store import Store
from tests.rain.hostile import (
    BUILDING_NAMES,
    DDE,
    FORMULA,
    GRID2,
    INCIDENT_IDS,
    INSPECTOR,
    LINK,
    MARKUP,
    hostile_register,
    live_formulas,
)

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
_TOOLS = bool(shutil.which("pdftotext"))
poppler = pytest.mark.skipif(not _TOOLS and os.environ.get("CI") != "true",
                             reason="poppler-utils not installed (scripts/install-system-deps.sh)")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, make_hostile_store: Any) -> Store:
    return make_hostile_store(tmp_path_factory.mktemp("hostile") / "s.gpkg")


@pytest.fixture(scope="module")
def lists(store: Store) -> list[GridChecklist]:
    return checklists_from_store(store, "red", inspector=INSPECTOR, now=NOW)


@pytest.fixture(scope="module")
def flood(store: Store) -> FloodResponse:
    return flood_response(read_layers(store), incident_id=INCIDENT_IDS["F2"], radius=150)


def _flat(text: str) -> str:
    """Text without whitespace and control characters (cells wrap across lines)."""
    return "".join(c for c in re.sub(r"\s+", "", text) if c.isprintable())


def _pdf_text(path: Path) -> str:
    # -raw: content-stream order, so a wrapped cell's lines stay together
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _assert_inert(pdf: bytes) -> None:
    """No link annotation, no URI action, no image: only text and vector drawing."""
    for marker in (b"/URI", b"/Subtype /Link", b"/Annots", b"/Subtype /Image", b"/Launch", b"/JavaScript"):
        assert marker not in pdf, marker


class TestPDF:
    @poppler
    def test_checklist_prints_markup_as_text_for_every_grid(self, lists: list[GridChecklist], tmp_path: Path) -> None:
        assert sorted(c.header["grid_id"] for c in lists) == sorted(["G1", GRID2])
        path = write_checklists(lists, tmp_path / "c.pdf")
        _assert_inert(path.read_bytes())
        flat = _flat(_pdf_text(path))
        for value in (*MARKUP, *BUILDING_NAMES, *INCIDENT_IDS.values(), INSPECTOR, GRID2):
            assert _flat(value) in flat, value
        assert "R&D;" not in flat
        assert "&lt;" not in flat  # escaped once, never twice

    @poppler
    def test_header_names_of_both_grids(self, lists: list[GridChecklist], tmp_path: Path) -> None:
        path = write_checklists(lists, tmp_path / "c.pdf")
        flat = _flat(_pdf_text(path))
        for cl in lists:
            h = cl.header
            assert _flat(f"{h['community']}{h['grid_name']}（{h['grid_id']}）防汛巡查清单") in flat
            assert _flat(h["worker"]) in flat

    @poppler
    def test_flood_pdf_title_and_tables_as_text(self, flood: FloodResponse, tmp_path: Path) -> None:
        path = export_response(flood, tmp_path / "f.pdf")
        _assert_inert(path.read_bytes())
        flat = _flat(_pdf_text(path))
        assert _flat(f"积水应急处置：积水点 {INCIDENT_IDS['F2']}") in flat
        names = [n for n in flood.buildings["name"] if n]
        assert names and any("<" in n or "=" in n or "&" in n for n in names)
        for n in names:
            assert _flat(n) in flat, n

    def test_unclosed_markup_does_not_stop_the_build(self, lists: list[GridChecklist], tmp_path: Path) -> None:
        # each grid alone, as the app's per-grid download does
        for k, cl in enumerate(lists):
            assert write_checklists([cl], tmp_path / f"g{k}.pdf").stat().st_size > 10_000


def _csv_cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [v for row in csv.reader(f) for v in row]


def _xlsx_cells(path: Path) -> list[openpyxl.cell.cell.Cell]:
    wb = openpyxl.load_workbook(path)
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]


class TestSpreadsheets:
    def test_checklist_csv(self, lists: list[GridChecklist], tmp_path: Path) -> None:
        cells = _csv_cells(write_checklists(lists, tmp_path / "c.csv"))
        assert live_formulas(cells) == []
        for value in ("=R001", "@R002", "\t=R003", "-4+4", "＋R005", "+W1|cmd", INSPECTOR, GRID2):
            assert "'" + value in cells, value
        assert "-12" in cells  # a number stays a number
        df = pd.read_csv(tmp_path / "c.csv", encoding="utf-8-sig")
        assert pd.api.types.is_float_dtype(df["lon"]) and pd.api.types.is_integer_dtype(df["no"])

    def test_checklist_xlsx(self, lists: list[GridChecklist], tmp_path: Path) -> None:
        cells = _xlsx_cells(write_checklists(lists, tmp_path / "c.xlsx"))
        assert [c.coordinate for c in cells if c.data_type == "f"] == []
        values = [c.value for c in cells]
        assert live_formulas(values) == []
        for value in ("=R001", "\t=R003", "＋R005", "=B02/1", "\t=B08/1"):
            assert "'" + value in values, value
        assert any(isinstance(v, str) and v.startswith("'" + FORMULA) for v in values)  # the title holds the worker
        assert "]]> 1单元" in values  # control characters dropped (XLSX cannot hold them), text kept
        assert any(isinstance(v, float) and 114 < v < 115 for v in values)  # lon stays a number

    def test_flood_csv_and_xlsx(self, flood: FloodResponse, tmp_path: Path) -> None:
        cells = _csv_cells(export_response(flood, tmp_path / "f.csv"))
        assert live_formulas(cells) == []
        assert any(c.startswith("'") for c in cells)
        xl = _xlsx_cells(export_response(flood, tmp_path / "f.xlsx"))
        assert [c.coordinate for c in xl if c.data_type == "f"] == []
        assert live_formulas([c.value for c in xl]) == []
        assert "'" + DDE in [c.value for c in xl]  # the grid worker of the contacts sheet

    def test_summary_csv(self, store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        out = tmp_path / "summary.csv"
        assert main(["summary", "--store", store.location, "--out", str(out)]) == 0
        cells = _csv_cells(out)
        assert live_formulas(cells) == []
        assert "'" + GRID2 in cells

    def test_validation_report_csv(self, tmp_path: Path) -> None:
        src = tmp_path / "pts.csv"
        src.write_text("incident_id,type,status,lon,lat\n=HYPERLINK(1),drain_grate,ok,114.3,30.55\n"
                       "=HYPERLINK(1),drain_grate,ok,114.3,30.55\n", encoding="utf-8")
        report = tmp_path / "report.csv"
        main(["validate", "--incidents", str(src), "--crs", "EPSG:4326", "--report", str(report)])
        cells = _csv_cells(report)
        assert live_formulas(cells) == []
        assert "'=HYPERLINK(1)" in cells  # the duplicated id, as text

    def test_register_example_csv_round_trip(self, tmp_path: Path) -> None:
        reg = hostile_register()
        demo.write_register_csv(reg, tmp_path / "reg.csv")
        assert live_formulas(_csv_cells(tmp_path / "reg.csv")) == []
        back = read_register(tmp_path / "reg.csv")
        assert list(back["building_id"]) == list(reg["building_id"])
        assert list(back["name"])[:3] == list(reg["name"])[:3]  # "\t=1+1" is trimmed like every register cell

    def test_app_download_bytes(self) -> None:
        df = pd.DataFrame({"name": [FORMULA, "@x", "ok"], "n": [-1, 2, 3], "t": ["-5", "-5+1", LINK]})
        back = pd.read_csv(pd.io.common.BytesIO(csv_bytes(df)), encoding="utf-8-sig", dtype=str)
        assert list(back["name"]) == ["'" + FORMULA, "'@x", "ok"]
        assert list(back["n"]) == ["-1", "2", "3"] and list(back["t"]) == ["-5", "'-5+1", LINK]

    @pytest.mark.parametrize(("value", "expected"), [
        ("=1+1", "'=1+1"), ("\x01=x\x07", "'=x"), ("a\tb\nc", "a\tb\nc"), (-3, -3), ("-3", "-3"), (None, None)])
    def test_xlsx_cell(self, value: object, expected: object) -> None:
        assert xlsx_cell(value) == expected


@pytest.mark.parametrize(("lang", "message", "hint"), [
    ("en", "error: Checklist file 'missing\\x1b[2J.xlsx' does not exist.", "hint: Check the path of the filled-in checklist."),
    ("zh", "error: 清单文件 'missing\\x1b[2J.xlsx' 不存在。", "hint: 请检查已填写清单的路径。")])
def test_import_errors_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, message: str,
                                         hint: str, make_hostile_store: Any) -> None:
    make_hostile_store(tmp_path / "s.gpkg")
    code = main(["checklist-import", "--store", str(tmp_path / "s.gpkg"), "missing\x1b[2J.xlsx", "--lang", lang])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and err == [message, hint]


def test_flood_csv_neutralised_and_whole_numbers_kept(flood: FloodResponse, tmp_path: Path) -> None:
    path = export_response(flood, tmp_path / "f.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["section"] == "buildings"]
    assert rows and all(r["households"] == "24" and r["residents"] == "60" for r in rows)  # not 24.0
    assert any(r["head"].startswith("'") for r in rows)
