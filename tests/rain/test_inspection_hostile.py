"""A checklist whose ids are formula-like text comes back in: the export's
quote is taken off, every row is matched, nothing is lost."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from geo.cases.actions import set_stage
from geo.rain.checklist import LOCAL_TZ, SECTIONS, checklists_from_store
from geo.rain.documents import write_checklists
from geo.rain.inspection import INSPECTIONS, import_checklist, unquoted
from geo.store import Store
from tests.rain.hostile import INCIDENT_IDS

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
FIRST = 11  # first item row of a sheet
#: Results that change a status: grate R003 (blocked) and R007 (damaged) cleared, wires W1 and W2 removed
#: (their cases dispatched first: removing them is the step handled).
CHANGES = {INCIDENT_IDS["R003"]: ("blocked", "ok"), INCIDENT_IDS["R007"]: ("damaged", "ok"),
           INCIDENT_IDS["W1"]: ("dispatched", "handled"), "W2": ("dispatched", "handled")}


@pytest.fixture()
def store(tmp_path: Path, make_hostile_store: Any) -> Store:
    store = make_hostile_store(tmp_path / "s.gpkg")
    for wire in (INCIDENT_IDS["W1"], "W2"):
        for stage in ("accepted", "dispatched"):
            set_stage(store, wire, stage, by="李强")
    return store


def _exported_items(store: Store) -> set[tuple[str, str]]:
    lists = checklists_from_store(store, "red", now=NOW)
    return {(s, i) for cl in lists for s, i in zip(cl.items["section"], cl.items["item_id"], strict=True)}


def _choice(section: str, item_id: str) -> str:
    if item_id in (INCIDENT_IDS["R003"], INCIDENT_IDS["R007"]):
        return "已清掏"
    return SECTIONS[section].choices[0]


def _statuses(store: Store) -> dict[str, str]:
    inc = store.read("incidents")
    return dict(zip(inc["incident_id"], inc["status"], strict=True))


def _check_applied(store: Store, report: object, items: set[tuple[str, str]]) -> None:
    assert report.problems == []  # type: ignore[attr-defined]
    assert report.recorded == len(items) and report.written  # type: ignore[attr-defined]
    history = store.read_table(INSPECTIONS)
    assert set(zip(history["section"], history["item_id"], strict=True)) == items
    status = _statuses(store)
    for iid, (_before, after) in CHANGES.items():
        assert status[iid] == after, iid
    assert len(status) == len(store.read("incidents"))  # no incident lost or added


def test_export_is_neutralised_and_ids_are_hostile(store: Store) -> None:
    ids = {i for _, i in _exported_items(store)}
    assert {"=R001", "@R002", "\t=R003", "-4+4", "＋R005", "+W1|cmd", "=B02/1", "\t=B08/1"} <= ids
    for iid, (before, _after) in CHANGES.items():
        assert _statuses(store)[iid] == before


def test_xlsx_round_trip(store: Store, tmp_path: Path) -> None:
    items = _exported_items(store)
    path = write_checklists(checklists_from_store(store, "red", now=NOW), tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(path)
    filled = 0
    for ws in wb.worksheets:
        ws["B7"], ws["B8"] = "张三", "2026-07-01 20:15"
        for r in range(FIRST, ws.max_row + 1):
            section, cell_id = ws.cell(r, 10).value, ws.cell(r, 3).value
            assert cell_id == ws.cell(r, 11).value  # the hidden key as exported
            item_id = unquoted(cell_id)
            assert cell_id == item_id or cell_id == "'" + item_id
            ws.cell(r, 8).value = _choice(section, item_id)
            filled += 1
    wb.save(tmp_path / "filled.xlsx")
    assert filled == len(items)
    report = import_checklist(store, tmp_path / "filled.xlsx", now=NOW)
    _check_applied(store, report, items)
    again = import_checklist(store, tmp_path / "filled.xlsx", now=NOW)
    assert again.unchanged == len(items) and not again.written


def test_csv_round_trip(store: Store, tmp_path: Path) -> None:
    items = _exported_items(store)
    path = write_checklists(checklists_from_store(store, "red", now=NOW), tmp_path / "c.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert any(r["item_id"] == "'\t=R003" for r in rows)
    for r in rows:
        r["result"] = _choice(r["section"], unquoted(r["item_id"]))
        r["inspector"] = "张三"
    with (tmp_path / "filled.csv").open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    report = import_checklist(store, tmp_path / "filled.csv", now=NOW)
    _check_applied(store, report, items)


@pytest.mark.parametrize(("cell", "text"), [
    ("'=X1", "=X1"), ("'\t=1+1", "\t=1+1"), ("\t=1+1", "\t=1+1"), ("'abc", "'abc"), ("'-12", "'-12"),
    ("'-1+2", "-1+2"), ("''=x", "''=x"), ("'＝1", "＝1"), ("", "")])
def test_exactly_the_exports_quote_is_taken_off(cell: str, text: str) -> None:
    assert unquoted(cell) == text


def test_report_lines_show_control_characters_as_escapes() -> None:
    from geo.rain.inspection import ImportReport, Problem

    report = ImportReport(status_changes=[("\x1b[2JR1", "ok", "blocked")],
                          problems=[Problem("unknown_id", "f.xlsx:G\x07 第12行", "\rall good", "未导入。")])
    text = "\n".join(report.lines())
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "\\x1b[2JR1: ok -> blocked" in text and "\\rall good" in text
