"""Checklist round trip: XLSX/CSV out, filled in, back into the store."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from geo.cases.actions import set_stage
from geo.errors import InputFileError
from geo.rain.checklist import LOCAL_TZ, checklists_from_store
from geo.rain.documents import write_checklists
from geo.rain.inspection import INSPECTIONS, import_checklist
from geo.store import Store, open_store

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
FIRST = 11  # first item row of a sheet


@pytest.fixture()
def store(tmp_path: Path, write_store: Any) -> Store:
    write_store(str(tmp_path / "s.gpkg"))
    return open_store(tmp_path / "s.gpkg")


def export(store: Store, path: Path, level: str = "red", grids: list[str] | None = None) -> Path:
    return write_checklists(checklists_from_store(store, level, grid_ids=grids, now=NOW), path)


def rows_by_id(ws: openpyxl.worksheet.worksheet.Worksheet) -> dict[tuple[str, str], int]:
    return {(ws.cell(r, 10).value, ws.cell(r, 3).value): r for r in range(FIRST, ws.max_row + 1)}


def fill_g1(path: Path, out: Path, edits: dict[tuple[str, str], str] | None = None) -> Path:
    """Fill G1: every grate clear, W1 removed, then apply ``edits``."""
    wb = openpyxl.load_workbook(path)
    ws = wb["G1"]
    ws["B7"], ws["B8"] = "张三", "2026-07-01 20:15"
    rows = rows_by_id(ws)
    for (section, _), r in rows.items():
        if section == "grate":
            ws.cell(r, 8).value = "畅通"
    ws.cell(rows[("wire", "W1")], 8).value = "已拆除"
    for key, value in (edits or {}).items():
        ws.cell(rows[key], 8).value = value
    wb.save(out)
    return out


def statuses(store: Store) -> dict[str, str]:
    inc = store.read("incidents")
    return dict(zip(inc["incident_id"], inc["status"], strict=True))


class TestXLSXRoundTrip:
    def test_results_update_statuses_and_record_inspection(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx")
        filled = fill_g1(blank, tmp_path / "f.xlsx", {("grate", "R007"): "损坏", ("grate", "R002"): "堵塞未清"})
        for stage in ("accepted", "dispatched"):
            set_stage(store, "W1", stage, by="李强")
        report = import_checklist(store, filled)
        st = statuses(store)
        assert st["R003"] == "ok" and st["R020"] == "ok"  # were blocked / missing, now clear
        assert st["R007"] == "damaged" and st["R002"] == "blocked" and st["W1"] == "handled"
        assert ("R003", "blocked", "ok") in report.status_changes
        table = store.read_table(INSPECTIONS)
        assert len(table) == report.recorded == 25  # 24 grates + W1
        assert set(table["inspector"]) == {"张三"} and set(table["level"]) == {"red"}
        assert set(table["inspected_at"]) == {"2026-07-01 20:15"}
        # G2 was not filled: one problem for the whole sheet, not one per row
        assert [p.kind for p in report.problems if "G2" in p.where] == ["no_result"]

    def test_second_import_changes_nothing(self, store: Store, tmp_path: Path) -> None:
        filled = fill_g1(export(store, tmp_path / "c.xlsx"), tmp_path / "f.xlsx")
        first = import_checklist(store, filled)
        version, table = store.version, store.read_table(INSPECTIONS)
        second = import_checklist(store, filled)
        assert first.written and not second.written
        assert second.recorded == 0 and second.unchanged == first.recorded and not second.status_changes
        assert store.version == version
        pd.testing.assert_frame_equal(store.read_table(INSPECTIONS), table)

    def test_corrected_file_revises(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx")
        import_checklist(store, fill_g1(blank, tmp_path / "f1.xlsx"))
        report = import_checklist(store, fill_g1(blank, tmp_path / "f2.xlsx", {("grate", "R001"): "缺失"}))
        assert report.revised == 1 and report.recorded == 0
        assert statuses(store)["R001"] == "missing"
        assert len(store.read_table(INSPECTIONS)) == 25

    def test_broken_rows_are_reported_not_dropped(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx", grids=["G1"])
        filled = fill_g1(blank, tmp_path / "f.xlsx", {("grate", "R004"): "也许", ("grate", "R005"): None})
        wb = openpyxl.load_workbook(filled)
        ws = wb["G1"]
        rows = rows_by_id(ws)
        ws.cell(rows[("grate", "R006")], 3).value = "R999"          # id edited
        ws.cell(rows[("grate", "R008")], 11).value = "R998"         # unknown id (issued key edited too)
        ws.cell(rows[("grate", "R008")], 3).value = "R998"
        for c in range(1, 14):                                       # an emptied row in the middle
            ws.cell(rows[("grate", "R017")], c).value = None
        extra = ws.max_row + 1                                       # a row added by hand
        ws.cell(extra, 3).value, ws.cell(extra, 8).value = "新篦子", "畅通"
        wb.save(filled)
        report = import_checklist(store, filled)
        kinds = {(p.kind, p.item_id) for p in report.problems}
        assert ("invalid_result", "R004") in kinds and ("no_result", "R005") in kinds
        assert ("changed_id", "R999") in kinds and ("unknown_id", "R998") in kinds
        assert ("foreign_row", "新篦子") in kinds
        assert any(k == "empty_row" for k, _ in kinds)
        st = statuses(store)
        assert st["R006"] == "ok" and "R999" not in st  # nothing applied to either id

    def test_conflicting_results_apply_neither(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx", grids=["G1"])
        filled = fill_g1(blank, tmp_path / "f.xlsx", {("grate", "R003"): "堵塞未清"})
        wb = openpyxl.load_workbook(filled)
        ws = wb["G1"]
        r = rows_by_id(ws)[("grate", "R003")]
        extra = ws.max_row + 1
        for c in range(1, 14):
            ws.cell(extra, c).value = ws.cell(r, c).value
        ws.cell(extra, 8).value = "畅通"
        wb.save(filled)
        report = import_checklist(store, filled)
        assert [p.item_id for p in report.problems if p.kind == "conflict"] == ["R003"]
        assert statuses(store)["R003"] == "blocked"

    def test_inspector_from_option_when_sheet_has_none(self, store: Store, tmp_path: Path) -> None:
        filled = fill_g1(export(store, tmp_path / "c.xlsx", grids=["G1"]), tmp_path / "f.xlsx")
        wb = openpyxl.load_workbook(filled)
        wb["G1"]["B7"] = None
        wb.save(filled)
        import_checklist(store, filled, inspector="李四")
        assert set(store.read_table(INSPECTIONS)["inspector"]) == {"李四"}

    def test_blocked_history_puts_grate_on_blue_list(self, store: Store, tmp_path: Path) -> None:
        filled = fill_g1(export(store, tmp_path / "c.xlsx", grids=["G1"]), tmp_path / "f.xlsx",
                         {("grate", "R001"): "已清掏"})
        import_checklist(store, filled)
        blue = checklists_from_store(store, "blue", grid_ids=["G1"], now=NOW)[0]
        assert "R001" in set(blue.section("grate")["item_id"])


class TestCSVRoundTrip:
    def test_csv_import_and_idempotence(self, store: Store, tmp_path: Path) -> None:
        path = export(store, tmp_path / "c.csv", grids=["G1"])
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        df.loc[df["item_id"] == "R003", "result"] = "cleared"  # English codes are accepted
        df.loc[df["item_id"] == "R007", "result"] = "缺失"
        df["inspector"] = "王五"
        df.to_csv(path, index=False, encoding="utf-8-sig")
        report = import_checklist(store, path)
        assert report.recorded == 2 and statuses(store)["R007"] == "missing"
        assert not import_checklist(store, path).written


class TestBrokenFiles:
    def test_not_a_workbook(self, store: Store, tmp_path: Path) -> None:
        bad = tmp_path / "bad.xlsx"
        bad.write_bytes(b"this is not a zip")
        with pytest.raises(InputFileError, match="Excel"):
            import_checklist(store, bad)

    def test_deleted_column(self, store: Store, tmp_path: Path) -> None:
        path = export(store, tmp_path / "c.xlsx", grids=["G1"])
        wb = openpyxl.load_workbook(path)
        wb["G1"].delete_cols(11)  # the hidden key column
        wb.save(path)
        with pytest.raises(InputFileError, match="key"):
            import_checklist(store, path)

    def test_foreign_workbook(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "other.xlsx"
        wb = openpyxl.Workbook()
        wb.active["A1"] = "hello"
        wb.save(path)
        with pytest.raises(InputFileError, match="no checklist sheet"):
            import_checklist(store, path)

    def test_csv_missing_columns_and_suffix(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "c.csv"
        path.write_text("a,b\n1,2\n", encoding="utf-8")
        with pytest.raises(InputFileError, match="checklist_id"):
            import_checklist(store, path)
        with pytest.raises(InputFileError, match=".ods"):
            import_checklist(store, path.with_suffix(".ods").touch() or path.with_suffix(".ods"))
        with pytest.raises(InputFileError, match="does not exist"):
            import_checklist(store, tmp_path / "none.xlsx")


def test_report_lines_group_blank_rows(store: Store, tmp_path: Path) -> None:
    blank = export(store, tmp_path / "c.xlsx", grids=["G1"])
    filled = fill_g1(blank, tmp_path / "f.xlsx", {("grate", "R004"): None, ("grate", "R005"): None,
                                                   ("grate", "R018"): "也许"})
    report = import_checklist(store, filled)
    blank_rows = [p for p in report.problems if p.kind == "no_result"]
    assert len(blank_rows) > 3 and all(p.row for p in blank_rows)  # every blank row is in the report...
    lines = report.lines()
    grouped = [line for line in lines if "[no_result]" in line]
    assert len(grouped) == 1 and f"{len(blank_rows)} 行未填写" in grouped[0]  # ...and shown as one line
    r4, r5 = sorted(p.row for p in blank_rows if p.item_id in ("R004", "R005"))
    assert f"第{r4}-{r5}行" in grouped[0]
    assert any("[invalid_result]" in line and "R018" in line for line in lines)
