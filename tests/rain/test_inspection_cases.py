"""A filled-in checklist and cases: a faulty grate opens a grate_fault case once, a removed wire is handled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from geo.cases.actions import history, set_stage
from geo.rain.inspection import INSPECTIONS, import_checklist
from geo.store import Store, open_store
from tests.rain.test_inspection import export, fill_g1, statuses


@pytest.fixture()
def store(tmp_path: Path, write_store: Any) -> Store:
    write_store(str(tmp_path / "s.gpkg"))
    return open_store(tmp_path / "s.gpkg")


def faults(store: Store) -> Any:
    inc = store.read("incidents")
    return inc[inc["type"] == "grate_fault"].reset_index(drop=True)


class TestGrateFaults:
    def test_a_faulty_grate_opens_one_linked_case(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx")
        filled = fill_g1(blank, tmp_path / "f.xlsx", {("grate", "R002"): "堵塞未清", ("grate", "R007"): "损坏"})
        report = import_checklist(store, filled, by="导入员")
        cases = faults(store).set_index("asset_id")
        assert sorted(cases.index) == ["R002", "R007"]
        case = cases.loc["R002"]
        assert case["status"] == "reported" and case["grid_id"] == "G1" and case["urgency"] in ("normal", "urgent")
        grate = store.read("incidents").set_index("incident_id").loc["R002"]
        assert case.geometry.equals(grate.geometry) and grate["status"] == "blocked"  # the grate keeps its condition
        assert "堵塞未清" in case["description"] and "张三" in case["description"]
        events = history(store, case["incident_id"])
        assert events["action"].tolist() == ["report"] and events["by"].tolist() == ["导入员"]
        assert (case["incident_id"], "", "reported") in report.status_changes
        # the same file again: nothing new; another checklist finding it still blocked: the open case covers it
        assert not import_checklist(store, filled).written
        blank2 = export(store, tmp_path / "c2.xlsx", level="orange")
        import_checklist(store, fill_g1(blank2, tmp_path / "f2.xlsx", {("grate", "R002"): "缺失"}))
        assert sorted(faults(store)["asset_id"]) == ["R002", "R007"]

    def test_an_ended_case_does_not_cover_a_new_fault(self, store: Store, tmp_path: Path) -> None:
        import_checklist(store, fill_g1(export(store, tmp_path / "c.xlsx"), tmp_path / "f.xlsx",
                                        {("grate", "R002"): "堵塞未清"}))
        (first,) = faults(store)["incident_id"]
        set_stage(store, first, "cancelled", note="误报", by="李强")
        import_checklist(store, fill_g1(export(store, tmp_path / "c2.xlsx", level="orange"), tmp_path / "f2.xlsx",
                                        {("grate", "R002"): "损坏"}))
        cases = faults(store)
        assert len(cases) == 2 and set(cases["status"]) == {"cancelled", "reported"}


class TestWires:
    def test_a_removed_wire_is_handled_by_the_importer(self, store: Store, tmp_path: Path) -> None:
        for stage in ("accepted", "dispatched"):
            set_stage(store, "W1", stage, by="李强")
        blank = export(store, tmp_path / "c.xlsx")
        report = import_checklist(store, fill_g1(blank, tmp_path / "f.xlsx"), by="导入员")
        assert statuses(store)["W1"] == "handled" and ("W1", "dispatched", "handled") in report.status_changes
        last = history(store, "W1").iloc[-1]
        assert last["action"] == "handle" and last["by"] == "导入员" and "张三" in last["note"]
        wire = store.read("incidents").set_index("incident_id").loc["W1"]
        assert wire["handled_by"] == "导入员"
        row = store.read_table(INSPECTIONS).set_index("item_id").loc["W1"]
        assert row["status_before"] == "dispatched" and row["status_after"] == "handled"
        assert not [p for p in report.problems if p.kind == "case_stage"]

    def test_a_reported_wire_is_accepted_dispatched_and_handled(self, store: Store, tmp_path: Path) -> None:
        blank = export(store, tmp_path / "c.xlsx")
        report = import_checklist(store, fill_g1(blank, tmp_path / "f.xlsx"), by="导入员")
        assert statuses(store)["W1"] == "handled" and not [p for p in report.problems if p.kind == "case_stage"]
        assert history(store, "W1")["action"].tolist() == ["report", "accept", "dispatch", "handle"]

    def test_a_stage_that_does_not_allow_it_is_reported(self, store: Store, tmp_path: Path) -> None:
        for stage in ("accepted", "dispatched"):
            set_stage(store, "W1", stage, by="李强")
        set_stage(store, "W1", "handled", note="已拆除", by="王师傅")  # handled already, waiting for its check
        blank = export(store, tmp_path / "c.xlsx")
        report = import_checklist(store, fill_g1(blank, tmp_path / "f.xlsx"))
        assert report.written and statuses(store)["W1"] == "handled"
        (problem,) = [p for p in report.problems if p.kind == "case_stage"]
        assert problem.item_id == "W1" and "已处置" in problem.message and "incident history" in problem.message
        assert any("[case_stage]" in line for line in report.lines())
        assert store.read_table(INSPECTIONS).set_index("item_id").loc["W1", "result"] == "removed"
        assert len(history(store, "W1")) == 4  # no step recorded by the import
