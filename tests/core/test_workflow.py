"""geo.cases.workflow: every transition by table, each rule, the step clock, and random sequences of steps."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import schema
from geo.cases import workflow
from geo.cases.calendar import WorkCalendar
from geo.cases.workflow import STAGES, TRANSITIONS, WorkflowError, apply, initial, step_of

T0 = datetime.fromisoformat("2026-10-08T09:00:00+08:00")
CAL = WorkCalendar()


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat(timespec="seconds")


def case_at(stage: str, **values: Any) -> dict[str, Any]:
    """A case at ``stage``, as stored: opened at T0, handled by ``w1`` when it has been handled."""
    case: dict[str, Any] = {"incident_id": "C1", **initial(at=at(0), by="w1").values}
    case.update(status=stage, stage_at=at(10), party="物业", handled_by="w1" if stage == "handled" else None)
    if stage == "parked":
        case["parked_from"] = "dispatched"
    case.update(values)
    return case


def kwargs_for(action: str) -> dict[str, Any]:
    """What a step needs to pass its rules (a reason, a party, a photo, another checker...)."""
    return {"note": "原因/处置情况", "party": "物业", "into": "C2", "files": ("ab12",), "by": "w2"}


PAIRS = list(itertools.product(STAGES, STAGES))


def test_the_table_names_only_stages() -> None:
    assert set(TRANSITIONS) == set(STAGES)
    assert all(set(nxt) <= set(STAGES) for nxt in TRANSITIONS.values())
    assert set(STAGES) == set(schema.EVENT_STATUSES)


@pytest.mark.parametrize(("stage", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair_of_stages(stage: str, to: str) -> None:
    case = case_at(stage)
    allowed = to in TRANSITIONS[stage]
    if allowed:
        change = apply(case, to, at=at(60), **kwargs_for(TRANSITIONS[stage][to]))
        assert change.values["status"] == to
        assert change.values["stage_at"] == at(60)
        assert change.event["action"] == TRANSITIONS[stage][to]
        assert (change.event["from_stage"], change.event["to_stage"]) == (stage, to)
        assert change.event["by"] == "w2" and change.event["at"] == at(60)
    else:
        with pytest.raises(WorkflowError) as err:
            apply(case, to, at=at(60), **kwargs_for(""))
        assert err.value.key == ("case.transition" if TRANSITIONS[stage] else "case.transition_ended")
        if TRANSITIONS[stage]:
            hint_en = err.value.localized("en")[1]
            assert all(nxt in hint_en for nxt in TRANSITIONS[stage])
            assert "案卷 C1" in err.value.localized("zh")[0]


def test_an_unknown_stage_and_legacy_statuses() -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at("reported"), "done", at=at(1), by="w1")
    assert err.value.key == "case.unknown_stage"
    change = apply(case_at("assigned"), "in_progress", at=at(1), by="w1")  # assigned reads as dispatched
    assert change.event["from_stage"] == "dispatched"
    assert workflow.allowed_next("resolved") == tuple(TRANSITIONS["handled"])


@pytest.mark.parametrize(("stage", "to", "key"), [
    ("reported", "cancelled", "case.needs_reason"),
    ("accepted", "parked", "case.needs_reason"),
    ("handled", "dispatched", "case.needs_reason"),  # a rework says why the check failed
    ("dispatched", "handled", "case.needs_feedback"),
    ("in_progress", "handled", "case.needs_feedback"),
])
def test_steps_that_need_a_note(stage: str, to: str, key: str) -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at(stage), to, at=at(60), by="w2", note="   ")
    assert err.value.key == key
    zh, _ = err.value.localized("zh")
    assert zh.strip()


@pytest.mark.parametrize(("stage", "to"), [("accepted", "dispatched"), ("reopened", "dispatched"),
                                           ("dispatched", "dispatched"), ("in_progress", "dispatched")])
def test_dispatching_needs_a_party(stage: str, to: str) -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at(stage), to, at=at(60), by="w2", party=" ")
    assert err.value.key == "case.needs_party"
    change = apply(case_at(stage), to, at=at(60), by="w2", party="供电所")
    assert change.values["party"] == "供电所" and change.values["dispatched_at"] == at(60)
    assert change.event["party"] == "供电所"


def test_a_rework_keeps_the_party_unless_one_is_given() -> None:
    change = apply(case_at("handled"), "dispatched", at=at(60), by="w2", note="没清干净")
    assert "party" not in change.values and change.event["party"] == "物业"
    assert change.values["reworks"] == 1 and change.values["handled_late"] is None
    change = apply(case_at("handled", reworks=2), "dispatched", at=at(60), by="w2", note="没清干净", party="环卫")
    assert change.values["party"] == "环卫" and change.values["reworks"] == 3


@pytest.mark.parametrize("to", ["closed", "dispatched"])
def test_the_check_is_done_by_someone_else(to: str) -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at("handled"), to, at=at(60), by="w1", note="x")
    assert err.value.key == "case.self_check"
    assert "w1" in err.value.localized("zh")[0]
    assert apply(case_at("handled"), to, at=at(60), by="w2", note="x").values["status"] == to


def test_handling_records_who_and_when() -> None:
    change = apply(case_at("in_progress"), "handled", at=at(60), by="w3", note="已拆除飞线", files=("f1", "f2"))
    assert change.values["handled_by"] == "w3" and change.values["handled_at"] == at(60)
    assert change.event["files"] == "f1 f2" and change.event["note"] == "已拆除飞线"
    closed = apply(case_at("handled"), "closed", at=at(90), by="w2")
    assert closed.values["closed_at"] == at(90)


def test_fixing_on_the_spot_needs_a_photo() -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at("reported"), "closed", at=at(5), by="w1")
    assert err.value.key == "case.on_spot_photo"
    change = apply(case_at("reported"), "closed", at=at(5), by="w1", files=("photo",))
    assert change.values["on_spot"] is True
    assert change.values["handled_by"] == "w1" and change.values["closed_at"] == at(5)
    assert change.event["action"] == "on_spot"


@pytest.mark.parametrize("into", [None, "", "C1"])
def test_merging_needs_another_case(into: str | None) -> None:
    with pytest.raises(WorkflowError) as err:
        apply(case_at("reported"), "merged", at=at(5), by="w1", into=into)
    assert err.value.key == "case.merge_into"


def test_merging_names_the_case_it_goes_into() -> None:
    change = apply(case_at("accepted"), "merged", at=at(5), by="w1", into="C9")
    assert change.values["merged_into"] == "C9"
    assert "closed_at" not in change.values  # it is closed with the case it went into
    assert change.event["related"] == "C9"
    assert apply(case_at("accepted"), "dispatched", at=at(5), by="w1", party="p", into="C9").event["related"] is None


def test_cancelling_and_parking_keep_the_reason_and_resuming_clears_it() -> None:
    cancelled = apply(case_at("reported"), "cancelled", at=at(5), by="w1", note="重复上报")
    assert cancelled.values["reason"] == "重复上报" and cancelled.values["closed_at"] == at(5)
    parked = apply(case_at("dispatched"), "parked", at=at(5), by="w1", note="需要供电公司停电")
    assert parked.values["reason"] == "需要供电公司停电" and parked.values["parked_from"] == "dispatched"
    resumed = apply(case_at("parked", reason="x"), "dispatched", at=at(60), by="w1")
    assert resumed.values["reason"] is None and resumed.values["parked_from"] is None
    reopened = apply(case_at("cancelled", reason="x"), "reopened", at=at(60), by="w1")
    assert reopened.values["reason"] is None


def test_initial() -> None:
    change = initial(at=at(0), by="w1", urgency="urgent", note="楼道飞线", files=("p1",))
    assert change.values["status"] == "reported" and change.values["urgency"] == "urgent"
    assert change.values["opened_at"] == change.values["stage_at"] == change.values["step_at"] == at(0)
    assert change.event == {"at": at(0), "by": "w1", "action": "report", "from_stage": None, "to_stage": "reported",
                            "party": None, "note": "楼道飞线", "files": "p1", "related": None}
    with pytest.raises(WorkflowError) as err:
        initial(at=at(0), by="w1", urgency="soon")
    assert err.value.key == "case.urgency"


# ---- the step clock --------------------------------------------------------------


@pytest.mark.parametrize(("stage", "to", "resets"), [
    ("reported", "accepted", True),  # accept -> dispatch
    ("accepted", "dispatched", True),  # dispatch -> handle
    ("dispatched", "in_progress", False),  # still handling
    ("dispatched", "dispatched", False),  # dispatched again: the same step goes on
    ("in_progress", "handled", True),  # handle -> check
    ("handled", "dispatched", True),  # a rework: a new handle step
    ("dispatched", "parked", False),  # parked: the step is kept, its clock stopped
    ("closed", "reopened", True),
])
def test_when_the_step_clock_starts_again(stage: str, to: str, resets: bool) -> None:
    case = case_at(stage, step_at=at(3), step_paused_s=100.0, step_paused_ws=50.0, closed_at=at(9))
    change = apply(case, to, at=at(60), **kwargs_for(""))
    if resets:
        assert (change.values["step_at"], change.values["step_paused_s"], change.values["step_paused_ws"]) == (
            at(60), 0.0, 0.0)
    else:
        assert "step_at" not in change.values and "step_paused_s" not in change.values
        assert step_of(to, change.values.get("parked_from")) == step_of(stage)


def test_resuming_the_same_step_takes_the_pause_off() -> None:
    case = case_at("parked", parked_from="dispatched", stage_at="2026-10-09T17:00:00+08:00", paused_s=10.0,
                   paused_ws=5.0, step_paused_s=1.0, step_paused_ws=2.0, step_at=at(3))
    change = apply(case, "in_progress", at="2026-10-12T09:00:00+08:00", by="w1", measure=CAL.measure)
    assert change.values["paused_s"] == 10.0 + 64 * 3600
    assert change.values["paused_ws"] == 5.0 + 27_000 + 3600  # Friday to 17:30, the make-up Saturday 10-10, Monday to 09:00
    assert change.values["step_paused_s"] == 1.0 + 64 * 3600
    assert change.values["step_paused_ws"] == 2.0 + 27_000 + 3600
    assert "step_at" not in change.values


def test_resuming_another_step_starts_its_clock() -> None:
    case = case_at("parked", parked_from="accepted", stage_at=at(10), step_paused_s=7.0)
    change = apply(case, "dispatched", at=at(70), by="w1", party="物业")
    assert change.values["paused_s"] == 3600.0 and change.values["paused_ws"] == 3600.0  # natural by default
    assert (change.values["step_at"], change.values["step_paused_s"]) == (at(70), 0.0)


def test_reopening_starts_the_case_again() -> None:
    case = case_at("closed", paused_s=99.0, paused_ws=9.0, handled_at=at(5), handled_by="w1", closed_at=at(9),
                   merged_into=None, handled_late=True)
    values = apply(case, "reopened", at=at(600), by="w2").values
    assert values["opened_at"] == at(600) and values["closed_at"] is None
    assert (values["paused_s"], values["paused_ws"]) == (0.0, 0.0)
    assert values["handled_by"] is None and values["handled_late"] is None


# ---- random sequences of steps ---------------------------------------------------

STEP = st.tuples(
    st.one_of(st.sampled_from(STAGES), st.integers(0, 3)),  # a stage, or the k-th of those that may follow
    st.sampled_from(["w1", "w2", "w3"]),  # who
    st.sampled_from(["", "说明"]),  # note
    st.sampled_from([None, "物业", "供电所"]),  # party
    st.sampled_from([None, "C1", "C2"]),  # into
    st.booleans(),  # a photo
    st.integers(1, 3 * 24 * 60),  # minutes since the step before
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STEP, max_size=40), st.sampled_from(["normal", "urgent"]))
def test_random_sequences_of_steps(steps: list[tuple[Any, ...]], urgency: str) -> None:
    start = initial(at=at(0), by="w1", urgency=urgency)
    case: dict[str, Any] = {"incident_id": "C1", **start.values}
    history = [start.event]
    minutes = 0
    for pick, by, note, party, into, photo, gap in steps:
        minutes += gap
        before = case["status"]
        nxt = workflow.allowed_next(before)
        to = pick if isinstance(pick, str) else (nxt[pick % len(nxt)] if nxt else "accepted")
        try:
            change = apply(case, to, at=at(minutes), by=by, note=note, party=party, into=into,
                           files=("photo",) if photo else (), measure=CAL.measure)
        except WorkflowError:
            continue
        event = change.event
        if before in schema.ENDED_STAGES:  # only a reopen leaves an ended case
            assert event["action"] == "reopen"
        assert event["action"] == TRANSITIONS[before][to]
        assert (event["from_stage"], event["to_stage"]) == (before, to)
        case.update(change.values)
        history.append(event)
        assert case["status"] in STAGES
        for column in ("paused_s", "paused_ws", "step_paused_s", "step_paused_ws"):
            assert case[column] >= 0.0, column
        assert case["step_paused_s"] <= case["paused_s"] + 1e-9
        assert case["step_paused_ws"] <= case["paused_ws"] + 1e-9
    assert history[0]["from_stage"] is None and history[0]["to_stage"] == "reported"
    for earlier, later in itertools.pairwise(history):
        assert later["from_stage"] == earlier["to_stage"]
        assert later["at"] >= earlier["at"]
    assert history[-1]["to_stage"] == case["status"]
    assert case["reworks"] == sum(1 for e in history if e["action"] == "rework")
    if case["status"] in ("closed", "cancelled"):
        assert case["closed_at"] is not None
    if case["status"] == "merged":
        assert case["merged_into"] in ("C2",)
    if case["status"] == "parked":
        assert case["parked_from"] in ("accepted", "dispatched", "in_progress")
