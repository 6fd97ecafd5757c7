"""The vulnerable-residents register: loading it, section 5 unit by unit,
names by role, and results for units coming back in."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from geo.access import User
from geo.errors import InputFileError
from geo.rain.checklist import LOCAL_TZ, REGISTER, build_checklists, checklists_from_store
from geo.rain.documents import write_checklists
from geo.rain.inspection import INSPECTIONS, import_checklist, import_register, read_register
from geo.store import Store, open_store

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)
REG = pd.DataFrame({
    "building_id": ["B01", "B01", "B01", "B02", "B06"],
    "unit": ["1", "1", "2", "", "1"],
    "name": ["张建国", "李秀英", "王德明", "陈桂兰", ""],
    "category": ["独居老人", "独居老人", "残疾人", "", "低保户"],
})


@pytest.fixture()
def store(tmp_path: Path, write_store: Any) -> Store:
    write_store(str(tmp_path / "s.gpkg"))
    return open_store(tmp_path / "s.gpkg")


@pytest.fixture(scope="session")
def vulnerable(make_layers: Any) -> Any:
    """Builder: the vulnerable section of G1's checklist for a role, a register and a level."""

    def build(role: str = "grid_worker", register: pd.DataFrame | None = REG, level: str = "red",
              grids: tuple[str, ...] = ("G1",)) -> pd.DataFrame:
        user = User(name="u", role=role, grids=frozenset(grids))
        cl = build_checklists(make_layers(), level, grid_ids=["G1"], now=NOW, user=user, register=register)[0]
        return cl.section("vulnerable").set_index("item_id")

    return build


class TestSection5:
    def test_one_row_per_registered_unit(self, vulnerable: Any) -> None:
        v = vulnerable()
        assert v.loc["B01/1", "where"] == "1栋 1单元"
        assert v.loc["B01/1", "details"] == "独居老人2人：张建国、李秀英"
        assert v.loc["B01/2", "details"] == "残疾人1人：王德明"
        assert v.loc["B02", "details"] == "独居老人1人：陈桂兰" and "单元不详" in v.loc["B02", "where"]
        assert v.loc["B06/1", "details"] == "低保户1人"  # no name registered: the count only
        assert "B01" not in v.index  # its units replace the building row

    def test_buildings_without_register_rows_keep_their_counts(self, make_layers: Any, vulnerable: Any) -> None:
        layers = make_layers()
        b = layers["buildings"]
        g1 = set(b.loc[(b["grid_id"] == "G1") & (b["elderly_alone"] >= 1), "building_id"])
        v = vulnerable()
        plain = {i for i in v.index if "/" not in i and i not in {"B02"}}
        assert plain == g1 - {"B01", "B02", "B06"}

    def test_register_counts_toward_the_threshold(self, vulnerable: Any) -> None:
        # yellow lists buildings with >= 3 vulnerable residents: B01 has 3 in the register
        assert {"B01/1", "B01/2"} <= set(vulnerable(level="yellow").index)
        assert "B01" not in set(vulnerable(level="yellow", register=None).index)

    @pytest.mark.parametrize(("role", "grids", "name"), [("grid_worker", ("G1",), "张建国"), ("admin", (), "张建国"),
                                                         ("grid_worker", ("G2",), "张**"), ("viewer", (), "张**"),
                                                         ("party", (), "张**")])
    def test_names_follow_the_reader(self, role: str, grids: tuple[str, ...], name: str, vulnerable: Any) -> None:
        details = " ".join(vulnerable(role, grids=grids)["details"])
        assert name in details
        if name == "张**":
            assert "张建国" not in details and "李秀英" not in details

    def test_rows_follow_the_patrol(self, make_layers: Any) -> None:
        cl = build_checklists(make_layers(), "red", grid_ids=["G1"], now=NOW, register=REG)[0]
        v = cl.section("vulnerable")
        assert list(v["stop"]) == sorted(v["stop"]) and list(v["no"]) == list(range(1, len(v) + 1))


class TestImportRegister:
    def test_rows_that_cannot_be_kept_are_reported(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "reg.csv"
        path.write_text("building_id,unit,name\nB01,1,张建国\nB99,1,李四\n,,\nB02,二,王五\nB03,,赵六\nB04,3,钱七\n",
                        encoding="utf-8")
        report = import_register(store, path)  # the fixture's buildings have 2 units
        assert report.written and report.recorded == 2
        assert [(p.kind, p.item_id, p.row) for p in report.problems] == [
            ("unknown_id", "B99", 3), ("empty_row", "", 4), ("invalid_unit", "B02", 5), ("invalid_unit", "B04", 7)]
        assert list(store.read_table(REGISTER)["building_id"]) == ["B01", "B03"]

    def test_second_import_writes_nothing_and_bad_file_wipes_nothing(self, store: Store, tmp_path: Path) -> None:
        path = tmp_path / "reg.xlsx"
        REG.to_excel(path, index=False)
        assert import_register(store, path).written
        version = store.version
        again = import_register(store, path)
        assert not again.written and again.unchanged == len(REG) and store.version == version
        bad = tmp_path / "bad.csv"
        bad.write_text("building_id\nNOPE\n", encoding="utf-8")
        report = import_register(store, bad)
        assert not report.written and report.problems and len(store.read_table(REGISTER)) == len(REG)

    def test_broken_files(self, tmp_path: Path) -> None:
        (tmp_path / "x.csv").write_text("who,where\na,b\n", encoding="utf-8")
        with pytest.raises(InputFileError, match="building_id"):
            read_register(tmp_path / "x.csv")
        (tmp_path / "x.xlsx").write_bytes(b"not a zip")
        with pytest.raises(InputFileError, match="cannot be read"):
            read_register(tmp_path / "x.xlsx")
        with pytest.raises(InputFileError, match="does not exist"):
            read_register(tmp_path / "none.csv")
        (tmp_path / "x.txt").write_text("x", encoding="utf-8")
        with pytest.raises(InputFileError, match=".csv"):
            read_register(tmp_path / "x.txt")


def test_unit_results_come_back_in(store: Store, tmp_path: Path) -> None:
    store.write(tables={REGISTER: REG}, note="register")
    path = write_checklists(checklists_from_store(store, "red", grid_ids=["G1"], now=NOW), tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["G1"]
    ws["B7"] = "张三"
    rows = {ws.cell(r, 3).value: r for r in range(11, ws.max_row + 1) if ws.cell(r, 10).value == "vulnerable"}
    ws.cell(rows["B01/1"], 8).value = "已走访"
    ws.cell(rows["B02"], 8).value = "未联系上"
    wb.save(path)
    report = import_checklist(store, path)
    table = store.read_table(INSPECTIONS)
    got = dict(zip(table["item_id"], table["result"], strict=True))
    assert got == {"B01/1": "visited", "B02": "unreached"} and report.recorded == 2


def test_register_of_another_grid_changes_nothing_here(vulnerable: Any) -> None:
    other = REG.assign(building_id="B10")  # all in G2
    assert set(vulnerable(register=other).index) == set(vulnerable(register=None).index)
