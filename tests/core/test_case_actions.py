"""geo.cases.actions on real stores of both backends: steps, history, merges, duplicates, reports that open cases."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from geo.cases import actions, workflow
from geo.cases.duplicates import find_duplicates
from geo.cases.parties import PARTIES
from geo.errors import ConflictError, SchemaError, StoreError
from geo.incidents import report_incident, update_incident
from geo.storage import Store
from tests.core.conftest import buildings, grids

CST = timezone(timedelta(hours=8))
#: Inside grid G1 of the core fixtures.
LON, LAT = 114.3605, 30.5205


class Clock:
    """A clock the test moves on."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def tick(self, minutes: float = 10) -> Clock:
        self.at += timedelta(minutes=minutes)
        return self


def jpeg() -> tuple[str, bytes]:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, "JPEG")
    return "现场.jpg", out.getvalue()


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.write({"grids": grids(), "buildings": buildings()}, note="seed")
    return any_store


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 3, 9, 0, tzinfo=CST))  # a Thursday morning


def report(store: Store, clock: Clock, **kw) -> dict:
    return report_incident(store, **{"type": "flooding", "lon": LON, "lat": LAT, "by": "王丽", "now": clock, **kw})


def test_a_case_from_report_to_close_with_rework(store: Store, clock: Clock) -> None:
    case = report(store, clock)
    cid = case["incident_id"]
    assert case["status"] == "reported" and case["urgency"] == "urgent" and case["opened_at"] == "2026-12-03T09:00:00+08:00"
    steps = [("accepted", "李强", {}), ("dispatched", "李强", {}), ("in_progress", "物业", {}),
             ("handled", "物业", {"note": "已疏通", "photos": [jpeg()]}), ("dispatched", "李强", {"note": "仍有积水"}),
             ("handled", "物业", {"note": "再次疏通"}), ("closed", "李强", {})]
    for stage, by, kw in steps:
        out = actions.set_stage(store, cid, stage, by=by, now=clock.tick(), **kw)
        assert out["status"] == stage
    assert out["reworks"] == 1 and out["party"] == "grid:G1" and out["closed_at"] == "2026-12-03T10:10:00+08:00"
    assert out["handled_by"] == "物业" and not out["handled_late"]
    hist = actions.history(store, cid)
    assert hist["seq"].tolist() == list(range(1, 9))
    assert hist["action"].tolist() == ["report", "accept", "dispatch", "start", "handle", "rework", "handle", "check_pass"]
    assert hist["from_stage"].tolist()[1:] == hist["to_stage"].tolist()[:-1]  # an unbroken chain
    assert len(hist.loc[4, "files"].split()) == 1 and hist.loc[4, "note"] == "已疏通"
    assert store.read("incidents").set_index("incident_id").loc[cid, "row_version"] == 8


def test_refused_steps_write_nothing_and_name_what_may_follow(store: Store, clock: Clock) -> None:
    cid = report(store, clock)["incident_id"]
    before = store.version
    with pytest.raises(workflow.WorkflowError, match="accepted, cancelled, merged, closed") as err:
        actions.set_stage(store, cid, "handled", by="李强", now=clock.tick())
    assert "受理(accepted)" in err.value.localized("zh")[1]
    with pytest.raises(workflow.WorkflowError, match="reason"):
        actions.set_stage(store, cid, "cancelled", by="李强", now=clock.tick())
    for stage in ("accepted", "dispatched"):
        actions.set_stage(store, cid, stage, by="李强", now=clock.tick())
    actions.set_stage(store, cid, "handled", by="李强", note="done", now=clock.tick())
    with pytest.raises(workflow.WorkflowError, match="someone else"):  # the handler does not check his own work
        actions.set_stage(store, cid, "closed", by="李强", now=clock.tick())
    assert store.version != before and len(actions.history(store, cid)) == 4


def test_a_stale_version_is_a_conflict_naming_who_was_first(store: Store, clock: Clock) -> None:
    cid = report(store, clock)["incident_id"]
    actions.set_stage(store, cid, "accepted", by="李强", base_version=1, now=clock.tick())
    with pytest.raises(ConflictError, match="李强") as err:
        actions.set_stage(store, cid, "cancelled", by="张三", note="重复", base_version=1, now=clock.tick())
    assert err.value.current["status"] == "accepted"
    assert len(actions.history(store, cid)) == 2
    with pytest.raises(StoreError, match="nope"):
        actions.set_stage(store, "nope", "accepted", by="李强")


def test_assets_are_not_cases_and_a_problem_at_one_is_linked(store: Store, clock: Clock) -> None:
    grate = report(store, clock, type="drain_grate")
    assert grate["status"] == "ok" and grate["urgency"] is None
    assert len(store.read_table(actions.EVENTS)) == 0  # an asset has no history
    with pytest.raises(workflow.WorkflowError, match="standing asset"):
        actions.set_stage(store, grate["incident_id"], "accepted", by="李强")
    fault = report_incident(store, type="grate_fault", asset_id=grate["incident_id"], by="王丽", now=clock.tick())
    assert fault["asset_id"] == grate["incident_id"] and (fault["lon"], fault["lat"]) == (LON, LAT)
    with pytest.raises(SchemaError, match="not a standing asset"):
        report_incident(store, type="grate_fault", asset_id=fault["incident_id"], by="王丽")


def test_parked_clock_and_default_party(store: Store, clock: Clock) -> None:
    with store.transaction("parties") as tx:
        import pandas as pd

        tx.write_table(PARTIES, pd.DataFrame({"party_id": ["wuye"], "name": ["绿园物业"], "kind": ["property"],
                                              "phone": [""], "grids": ["G1"], "types": ["flooding"]}))
    cid = report(store, clock)["incident_id"]
    actions.set_stage(store, cid, "accepted", by="李强", now=clock.tick())
    parked = actions.set_stage(store, cid, "parked", by="李强", note="需要区里立项", now=clock.tick())
    assert parked["parked_from"] == "accepted" and parked["reason"] == "需要区里立项"
    resumed = actions.set_stage(store, cid, "dispatched", by="李强", now=clock.tick(120))
    assert resumed["party"] == "wuye" and resumed["paused_s"] == 7200 and resumed["parked_from"] is None


def test_on_the_spot_needs_a_photo(store: Store, clock: Clock) -> None:
    with pytest.raises(workflow.WorkflowError, match="photo"):
        report(store, clock, on_spot=True)
    assert store.read("incidents").empty  # nothing kept of the refused report
    done = report(store, clock, on_spot=True, photos=[jpeg()])
    assert done["status"] == "closed" and bool(done["on_spot"]) and done["closed_at"] == done["handled_at"]
    assert actions.history(store, done["incident_id"])["action"].tolist() == ["report", "on_spot"]


def test_duplicates_offered_merged_and_closed_together(store: Store, clock: Clock) -> None:
    first = report(store, clock, description="地下通道积水")
    again = report(store, clock.tick(30), lon=LON + 0.0002, description="通道口水很深")  # ~19 m east
    assert [d["incident_id"] for d in again["duplicates"]] == [first["incident_id"]]
    assert 15 < again["duplicates"][0]["distance_m"] < 25
    far = report(store, clock.tick(), lon=LON + 0.002)  # ~190 m
    assert far["duplicates"] == []
    later = find_duplicates(store, type="flooding", lon=LON, lat=LAT, at=(clock.at + timedelta(hours=7)).isoformat())
    assert later == []
    assert find_duplicates(store, type="flying_wire", lon=LON, lat=LAT, at=clock.at.isoformat()) == []
    merged = actions.merge(store, again["incident_id"], first["incident_id"], by="李强", now=clock.tick())
    assert merged["status"] == "merged" and merged["merged_into"] == first["incident_id"] and merged["closed_at"] is None
    with pytest.raises(workflow.WorkflowError, match="types differ"):
        wire = report(store, clock, type="flying_wire")
        actions.merge(store, wire["incident_id"], first["incident_id"], by="李强")
    target = actions.history(store, first["incident_id"])
    assert target.iloc[-1]["action"] == "merged_in" and target.iloc[-1]["note"] == "通道口水很深"
    for stage in ("accepted", "dispatched"):
        actions.set_stage(store, first["incident_id"], stage, by="李强", now=clock.tick())
    actions.set_stage(store, first["incident_id"], "handled", by="物业", note="抽水", now=clock.tick())
    actions.set_stage(store, first["incident_id"], "closed", by="李强", now=clock.tick())
    dup = store.read("incidents").set_index("incident_id").loc[again["incident_id"]]
    assert dup["status"] == "merged" and dup["closed_at"] == clock.at.isoformat(timespec="seconds")
    assert actions.history(store, again["incident_id"])["action"].tolist() == ["report", "merge", "close_with"]


def test_report_merged_into_a_duplicate_at_once(store: Store, clock: Clock) -> None:
    first = report(store, clock)
    second = report(store, clock.tick(), duplicate_of=first["incident_id"])
    assert second["status"] == "merged" and second["duplicates"] == []


def test_an_event_status_update_is_a_workflow_step(store: Store, clock: Clock) -> None:
    cid = report(store, clock)["incident_id"]
    out = update_incident(store, cid, status="accepted", severity="high", by="李强")
    assert out["status"] == "accepted" and out["severity"] == "high"
    with pytest.raises(workflow.WorkflowError):
        update_incident(store, cid, status="closed", by="李强")
    assert actions.history(store, cid)["action"].tolist() == ["report", "accept"]


def test_an_imported_case_gets_its_first_entry_at_its_first_step(store: Store, clock: Clock) -> None:
    import geopandas as gpd
    import shapely

    rows = gpd.GeoDataFrame({"incident_id": ["F9"], "type": ["flooding"], "status": ["reported"],
                             "reported_at": ["2026-12-01T08:00:00+08:00"]},
                            geometry=[shapely.Point(LON, LAT)], crs="EPSG:4326")
    with store.transaction("import") as tx:
        tx.add("incidents", rows)
    assert actions.history(store, "F9")["action"].tolist() == ["report"]
    actions.set_stage(store, "F9", "accepted", by="李强", now=clock)
    hist = actions.history(store, "F9")
    assert hist["action"].tolist() == ["report", "accept"] and hist.loc[0, "at"] == "2026-12-01T08:00:00+08:00"


_STAGES = st.sampled_from(workflow.STAGES)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(_STAGES, st.sampled_from(["李强", "物业", "张三"])), min_size=1, max_size=12))
def test_no_sequence_of_steps_loses_a_history_entry(tmp_path_factory: pytest.TempPathFactory,
                                                      steps: list[tuple[str, str]]) -> None:
    """Random requests on a GeoPackage store: refused ones write nothing, each accepted one one entry."""
    from geo.store import open_store

    store = open_store(tmp_path_factory.mktemp("h") / "s.gpkg")
    clock = Clock(datetime(2026, 12, 3, 9, 0, tzinfo=CST))
    cid = report(store, clock)["incident_id"]
    other = report(store, clock.tick(), lon=LON + 0.001)["incident_id"]
    taken = 1
    for stage, by in steps:
        try:
            actions.set_stage(store, cid, stage, by=by, note="说明", into=other, now=clock.tick())
        except workflow.WorkflowError:
            pass
        else:
            taken += 1
        hist = actions.history(store, cid)
        assert len(hist) == taken and hist["seq"].tolist() == list(range(1, taken + 1))
        row = store.read("incidents").set_index("incident_id").loc[cid]
        assert row["status"] in workflow.STAGES and row["status"] == hist.iloc[-1]["to_stage"]
        assert row["row_version"] == taken


def test_history_of_a_missing_case(store: Store) -> None:
    with pytest.raises(StoreError):
        actions.history(store, "nope")
