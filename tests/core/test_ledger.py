"""The ledger (台账) and the figures, on real stores of both backends.

Eight cases in three grids, each taken through the workflow's own steps
(:mod:`geo.cases.workflow`), and one blocked rain grate that is not a case:

====  ====  =============================================================
case  grid  history (hours after T0 = 2026-12-01 09:00 +08:00)
====  ====  =============================================================
C1    G1    reported 0, accepted 1, dispatched 2 (P1), handled 5, closed 6
C2    G1    reported 0, accepted 1, dispatched 2 (P1), handled 4, rework 5,
            handled 8, closed 9
C3    G1    reported 1, accepted 2, dispatched 3 (P2): open
C4    G2    reported and fixed on the spot 2
C5    G2    reported 0, accepted 1, parked 2: open, clock paused
C6    G2    reported 3, description ``=HYPERLINK(...)``: open
C7    G1    reported 0, cancelled 1
C8    G2    reported 0, accepted 1, dispatched 2 (P2), handled 30 (late): open
====  ====  =============================================================

G3 has no case. A month after T0 every open case whose clock runs is
overdue under any limits: C3, C6 and C8.
"""

from __future__ import annotations

import io
import math
from datetime import datetime, timedelta
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.cases import timing, workflow
from geo.cases.ledger import FIGURE_COLUMNS, LEDGER_COLUMNS, figures, ledger, storm_of
from geo.cases.ledger_xlsx import filters_text, ledger_csv, ledger_xlsx, storm_text
from geo.errors import OptionError
from geo.storage import CST, Store

from .conftest import LAT0, LON0, D, grids

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=CST)
LIMITS = timing.load_limits()
LATE = T0 + timedelta(days=30)


def at(hours: float) -> str:
    """T0 plus ``hours``, as the store keeps times."""
    return (T0 + timedelta(hours=hours)).isoformat(timespec="seconds")


#: case -> (grid, type, [(to, hours, by, options)], handled late (as the shipped limits judge it))
CASES: dict[str, tuple[str, str, list[tuple[str, float, str, dict[str, Any]]], bool | None]] = {
    "C1": ("G1", "flooding", [("accepted", 1, "a", {}), ("dispatched", 2, "a", {"party": "P1"}),
                              ("handled", 5, "w1", {"note": "疏通"}), ("closed", 6, "chk", {})], False),
    "C2": ("G1", "flooding", [("accepted", 1, "a", {}), ("dispatched", 2, "a", {"party": "P1"}),
                              ("handled", 4, "w1", {"note": "疏通"}), ("dispatched", 5, "chk", {"note": "仍积水"}),
                              ("handled", 8, "w1", {"note": "再次疏通"}), ("closed", 9, "chk", {})], False),
    "C3": ("G1", "flying_wire", [("accepted", 2, "a", {}), ("dispatched", 3, "a", {"party": "P2"})], None),
    "C4": ("G2", "flying_wire", [("closed", 2, "rep", {"files": ("ab12",)})], None),
    "C5": ("G2", "flooding", [("accepted", 1, "a", {}), ("parked", 2, "a", {"note": "等待维修基金"})], None),
    "C6": ("G2", "flooding", [], None),
    "C7": ("G1", "flooding", [("cancelled", 1, "a", {"note": "误报"})], None),
    "C8": ("G2", "flying_wire", [("accepted", 1, "a", {}), ("dispatched", 2, "a", {"party": "P2"}),
                                 ("handled", 30, "w2", {"note": "拆除"})], True),
}
REPORTED = {"C3": 1, "C4": 2, "C6": 3}
PARTIES = pd.DataFrame({"party_id": ["P1", "P2", "P3"], "name": ["桂苑物业", "供电所", "排水公司"],
                        "kind": ["property", "utility", "utility"], "phone": ["", "", ""],
                        "grids": ["G1", "G1 G2", ""], "types": ["flooding", "flying_wire", ""]})
HOSTILE = '=HYPERLINK("http://evil.example","点我")'


def _case(case_id: str) -> dict[str, Any]:
    """The stored columns of one case after its steps (the workflow's own values)."""
    grid, kind, steps, late = CASES[case_id]
    start = at(REPORTED.get(case_id, 0))
    values: dict[str, Any] = {"incident_id": case_id, "type": kind, "grid_id": grid, "reported_at": start,
                              "severity": "medium", "description": HOSTILE if case_id == "C6" else f"{case_id} 描述",
                              **workflow.initial(at=start, by="rep").values}
    for to, hours, by, options in steps:
        late_now = timing.case_late(values, LIMITS, at(hours)) if to == "handled" else None
        values.update(workflow.apply(values, to, at=at(hours), by=by, **options).values)
        if late_now is not None:
            values["handled_late"] = late_now
    assert values.get("handled_late") == late, case_id  # the shipped limits make C8 the one handled late
    return values


def _build(store: Store) -> Store:
    rows = [_case(c) for c in CASES]
    rows.append({"incident_id": "A1", "type": "drain_grate", "status": "blocked", "grid_id": "G1",
                 "reported_at": at(0), "severity": "low"})
    gdf = gpd.GeoDataFrame(pd.DataFrame(rows), geometry=[shapely.Point(LON0 + 0.5 * D, LAT0 + 0.5 * D)] * len(rows),
                           crs=4326)
    store.write({"grids": grids()}, note="grids")
    with store.transaction("cases") as tx:
        tx.add("incidents", gdf)
        tx.write_table("parties", PARTIES)
    return store


@pytest.fixture
def cases_store(any_store: Store) -> Store:
    return _build(any_store)


def test_the_ledger_lists_open_cases_by_grid_overdue_first(cases_store: Store) -> None:
    table = ledger(cases_store, now=LATE)
    assert tuple(table.columns) == LEDGER_COLUMNS
    assert list(table["incident_id"]) == ["C3", "C6", "C8", "C5"]
    assert list(table["grid_id"]) == ["G1", "G2", "G2", "G2"]
    assert list(table["overdue"]) == [True, True, True, False]
    row = table.set_index("incident_id")
    assert row.loc["C5", "state"] == "paused"
    assert row.loc["C5", "reason"] == "等待维修基金"
    assert row.loc["C3", "party"] == "P2" and row.loc["C3", "party_name"] == "供电所"
    assert row.loc["C3", "stage"] == "dispatched" and row.loc["C3", "stage_label"] == "派遣"
    assert row.loc["C3", "type_label"] == "飞线" and row.loc["C3", "grid_name"] == "一"
    assert row.loc["C6", "party_name"] == "" and row.loc["C6", "urgency_label"] == "一般"
    assert row.loc["C8", "stage"] == "handled"
    assert row.loc["C3", "age_h"] == pytest.approx(30 * 24 - 1, abs=0.1)
    assert row.loc["C3", "used_pct"] > 100
    assert row["deadline"].loc[["C3", "C6", "C8"]].str.endswith("+08:00").all()
    assert ledger(cases_store, now=LATE, lang="en").set_index("incident_id").loc["C3", "stage_label"] == "Dispatched"


def test_a_case_just_handled_is_on_time(cases_store: Store) -> None:
    table = ledger(cases_store, now=T0 + timedelta(hours=30, minutes=1), stages=["handled"])
    assert list(table["incident_id"]) == ["C8"]
    assert table["state"].iloc[0] == "on_time" and not table["overdue"].iloc[0]


def test_the_ledger_filters(cases_store: Store) -> None:
    def ids(**kw: Any) -> list[str]:
        return sorted(ledger(cases_store, now=LATE, **kw)["incident_id"])

    assert ids(grids=["G1"]) == ["C3"]
    assert ids(grids="G3") == []
    assert ids(types=["flooding"]) == ["C5", "C6"]
    assert ids(stages=["parked", "reported"]) == ["C5", "C6"]
    assert ids(stages=["assigned"]) == ["C3"]  # a legacy status reads as its stage
    assert ids(stages=["closed", "cancelled"]) == ["C1", "C2", "C4", "C7"]  # ended stages named are listed
    assert ids(parties=["P2"]) == ids(parties=["供电所"]) == ["C3", "C8"]
    assert ids(overdue=True) == ["C3", "C6", "C8"]
    assert ids(open_only=False) == [f"C{k}" for k in range(1, 9)]  # the grate A1 is no case
    assert ids(open_only=False, grids=["G1"], parties=["P1"]) == ["C1", "C2"]
    with pytest.raises(OptionError, match="stage"):
        ledger(cases_store, stages=["nope"])


def test_figures_per_grid(cases_store: Store) -> None:
    fig = figures(cases_store, now=LATE)
    assert list(fig.columns) == ["grid_id", "name", *FIGURE_COLUMNS, "total"]
    assert list(fig["grid_id"]) == ["G1", "G2", "G3", None]
    assert list(fig["total"]) == [False, False, False, True]
    rows = fig.set_index("name")
    g1, g2, g3, total = (rows.loc[k] for k in ("一", "二", "三", "合计"))
    counts = ["reported", "accepted", "handled", "handled_on_time", "overdue_now", "reworked", "on_spot", "parked",
              "closed"]
    assert [int(g1[c]) for c in counts] == [4, 3, 2, 2, 1, 1, 0, 0, 2]
    assert [int(g2[c]) for c in counts] == [4, 2, 2, 1, 2, 0, 1, 1, 1]
    assert [int(g3[c]) for c in counts] == [0] * 9
    assert [int(total[c]) for c in counts] == [8, 5, 4, 3, 3, 1, 1, 1, 3]
    assert g1["on_time_rate"] == pytest.approx(2 / 3)  # the open overdue C3 counts as late
    assert g2["on_time_rate"] == pytest.approx(1 / 4)
    assert total["on_time_rate"] == pytest.approx(3 / 7)
    assert g1["rework_rate"] == pytest.approx(0.5) and total["rework_rate"] == pytest.approx(0.25)
    assert math.isnan(g3["on_time_rate"]) and math.isnan(g3["rework_rate"]) and math.isnan(g3["close_median_h"])
    assert (g1["close_median_h"], g1["close_p90_h"]) == (7.5, 8.7)
    assert (g2["close_median_h"], g2["close_p90_h"]) == (0.0, 0.0)
    assert (total["close_median_h"], total["close_p90_h"]) == (6.0, 8.4)
    assert figures(cases_store, now=LATE, lang="en")["name"].iloc[-1] == "Total"


def test_figures_over_a_period(cases_store: Store) -> None:
    day = figures(cases_store, start="2026-12-01", end="2026-12-01", now=LATE).set_index("name")
    assert int(day.loc["二", "handled"]) == 1  # C8 was handled on 2 December
    assert int(day.loc["二", "overdue_now"]) == 2
    assert day.loc["二", "on_time_rate"] == pytest.approx(1 / 3)
    later = figures(cases_store, start="2026-12-02", now=LATE).set_index("name")
    assert [int(later.loc["合计", c]) for c in ("reported", "handled", "closed")] == [0, 1, 0]
    with pytest.raises(OptionError, match="date"):
        figures(cases_store, start="yesterday")


def test_figures_per_party(cases_store: Store) -> None:
    fig = figures(cases_store, by="party", now=LATE)
    assert list(fig["party"]) == ["P1", "P2", "P3", None, None]
    rows = fig.set_index("name")
    assert [int(rows.loc["桂苑物业", c]) for c in ("reported", "handled", "reworked", "closed")] == [2, 2, 1, 2]
    assert [int(rows.loc["供电所", c]) for c in ("reported", "handled", "handled_on_time", "overdue_now")] == [2, 1, 0, 2]
    assert int(rows.loc["排水公司", "reported"]) == 0
    assert int(rows.loc["（未派遣）", "reported"]) == 4
    assert int(rows.loc["合计", "reported"]) == 8
    with pytest.raises(OptionError):
        figures(cases_store, by="street")


def test_an_empty_store(any_store: Store) -> None:
    table = ledger(any_store)
    assert table.empty and tuple(table.columns) == LEDGER_COLUMNS
    fig = figures(any_store)
    assert list(fig["name"]) == ["合计"] and int(fig["reported"].iloc[0]) == 0
    assert storm_of(any_store) == ("", "")


def test_storm_mode_is_read_from_the_store(cases_store: Store) -> None:
    with cases_store.transaction("storm") as tx:
        tx.set_meta({"storm": "red", "storm_since": "2026-12-03T06:00:00+08:00"})
    assert storm_of(cases_store) == ("red", "2026-12-03T06:00:00+08:00")
    assert storm_text(storm_of(cases_store), "zh") == "暴雨模式：红色预警，自 2026-12-03 06:00 起"
    assert storm_text(storm_of(cases_store), "en") == "Storm mode: red warning since 2026-12-03 06:00"
    assert storm_text(("", ""), "zh") == ""
    assert len(ledger(cases_store, now=LATE)) == 4


def test_storm_mode_tightens_the_clock(cases_store: Store) -> None:
    def c8() -> str:  # handled at +30 h, checked within 24 h, 12 h in storm mode
        table = ledger(cases_store, now=T0 + timedelta(hours=30 + 13), stages=["handled"])
        return str(table.set_index("incident_id").loc["C8", "state"])

    assert c8() == "on_time"
    with cases_store.transaction("storm") as tx:
        tx.set_meta({"storm": "orange", "storm_since": at(31)})
    assert c8() == "overdue"
    with cases_store.transaction("storm over") as tx:
        tx.set_meta({"storm": ""})
    assert c8() == "on_time" and storm_of(cases_store) == ("", "")


def test_the_ledger_workbook_prints(cases_store: Store) -> None:
    from openpyxl import load_workbook

    table = ledger(cases_store, now=LATE)
    data = ledger_xlsx(table, lang="zh", title="桂苑社区案件台账", storm=("red", "2026-12-03T06:00:00+08:00"),
                       generated_at=LATE.isoformat(), filters={"grid": ["G1", "G2"], "overdue": False})
    ws = load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "桂苑社区案件台账"
    assert ws["A2"].value == "暴雨模式：红色预警，自 2026-12-03 06:00 起"
    assert "筛选：网格 G1, G2" in ws["A3"].value and "共 4 件，超期 3 件" in ws["A3"].value
    assert ws.page_setup.orientation == "landscape"
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    head = 5
    assert ws.print_title_rows == f"${head}:${head}"
    assert ws.freeze_panes == f"A{head + 1}"
    headings = [c.value for c in ws[head]]
    assert headings[:4] == ["网格", "案卷编号", "类型", "环节"] and "是否超期" in headings
    values = {ws.cell(r, 2).value: [c.value for c in ws[r]] for r in range(head + 1, head + 5)}
    desc = headings.index("情况描述")
    assert values["C6"][desc] == "'" + HOSTILE  # text, never a live formula
    fills = {ws.cell(r, 2).value: ws.cell(r, 1).fill.fgColor.rgb for r in range(head + 1, head + 5)}
    assert fills["C3"].endswith("FFC7CE") and not fills["C5"].endswith("FFC7CE")
    cells = [str(c.value) for row in ws.iter_rows(min_row=head + 5) for c in row if c.value]
    assert "制表人签字：" in cells and "社区负责人签字：" in cells
    en = load_workbook(io.BytesIO(ledger_xlsx(ledger(cases_store, now=LATE, lang="en"), lang="en"))).active
    assert [c.value for c in en[4]][:2] == ["Grid name", "Case"]


def test_the_ledger_csv_opens_in_excel(cases_store: Store) -> None:
    data = ledger_csv(ledger(cases_store, now=LATE), "zh")
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str)
    assert list(back.columns[:5]) == ["网格", "案卷编号", "类型", "环节", "环节代码"]
    assert back.set_index("案卷编号").loc["C6", "情况描述"] == "'" + HOSTILE
    assert filters_text({}, "en") == "Filters: none"


def test_a_grid_worker_is_named_as_a_party(cases_store: Store) -> None:
    with cases_store.transaction("to the grid worker") as tx:
        tx.update("incidents", "C3", {"party": "grid:G1"})
    row = ledger(cases_store, now=LATE).set_index("incident_id").loc["C3"]
    assert row["party"] == "grid:G1" and row["party_name"] == "张三（一）"
    assert list(ledger(cases_store, now=LATE, parties=["张三（一）"])["incident_id"]) == ["C3"]
    fig = figures(cases_store, by="party", now=LATE).set_index("party", drop=False)
    assert fig.loc["grid:G1", "name"] == "张三（一）" and int(fig.loc["grid:G1", "overdue_now"]) == 1
