"""The steps of a case as store transactions, and its history.

Each step is one transaction: the case is read under the store's write
lock, checked against the version the user saw (``base_version``, else
:class:`geo.errors.ConflictError` says who changed it first), checked
against the workflow's rules (:func:`geo.cases.workflow.apply`), and
written with its history entry and attachments, or not at all.

The history is the plain table ``case_events`` (:data:`EVENTS`), one row
per step: ``case_id``, ``seq`` (1, 2, ... per case), ``at``, ``by``,
``action``, ``from_stage``, ``to_stage``, ``party``, ``note``, ``files``
(content hashes of the step's attachments, space-separated) and
``related`` (the other case of a merge: on the duplicate's ``merge`` and
``close_with`` entries the case it went into, on that case's
``merged_in`` entry the duplicate). A case imported from a file (or
kept by a release before cases) has no entry yet: its history starts with
a ``report`` entry made from its row, written at its first step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

import pandas as pd

from .. import schema
from ..access import User, grid_scope, require
from ..errors import ConflictError, StoreError
from ..storage import CST, INCIDENT_TYPES, Store, Transaction, types_of
from . import timing, workflow
from .parties import default_party

__all__ = ["EVENTS", "EVENT_COLUMNS", "Photo", "history", "merge", "new_case", "require_step", "set_stage", "step",
           "store_photos", "write_events"]

#: The plain table of case histories.
EVENTS: Final = "case_events"
#: Its columns, in order.
EVENT_COLUMNS: Final = ("case_id", "seq", "at", "by", "action", "from_stage", "to_stage", "party", "note", "files",
                        "related")
#: An attachment as given: ``(file name, bytes)``.
Photo = tuple[str, bytes]
#: Actions that end a case and carry the duplicates merged into it along.
_ENDING: Final = frozenset({"check_pass", "on_spot", "cancel"})


def _now_text(now: Callable[[], datetime] | None) -> str:
    return (now() if now is not None else datetime.now(CST)).astimezone(CST).isoformat(timespec="seconds")


def _event_rows(case_id: str, seq: int, events: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    rows = [{"case_id": case_id, "seq": seq + i, **{k: e.get(k) for k in EVENT_COLUMNS[2:]}}
            for i, e in enumerate(events)]
    frame = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    frame["seq"] = frame["seq"].astype("int64")
    return frame.astype({c: object for c in EVENT_COLUMNS if c != "seq"})


def _imported_report(case: Mapping[str, Any]) -> dict[str, Any]:
    """The first history entry of a case stored without one (imported, or kept by an older release)."""
    return {"at": case.get("opened_at") or case.get("reported_at") or case.get("updated_at"),
            "by": "", "action": "report", "from_stage": None, "to_stage": "reported",
            "party": None, "note": "", "files": "", "related": None}


def write_events(tx: Transaction, case: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> None:
    """Append ``events`` to the case's history (its first entry made first when it has none)."""
    case_id = str(case["incident_id"])
    seq = len(tx.read_table(EVENTS, where={"case_id": [case_id]}))
    if seq == 0 and events and events[0].get("action") != "report":
        events = [_imported_report(case), *events]
    tx.append_table(EVENTS, _event_rows(case_id, seq + 1, events))


def history(store: Store | Transaction, case_id: str) -> pd.DataFrame:
    """The history of one case, oldest first (:data:`EVENT_COLUMNS`).

    A case stored without history (imported) reads as its ``report`` entry.
    Raises :class:`geo.errors.StoreError` ``store.unknown_id`` when there is no such incident.
    """
    events = store.read_table(EVENTS, where={"case_id": [str(case_id)]})
    if not events.empty:
        events = events.reindex(columns=list(EVENT_COLUMNS))
        events["seq"] = pd.to_numeric(events["seq"]).astype("int64")
        return events.sort_values("seq", kind="stable").reset_index(drop=True)
    case = _get(store, case_id)
    return _event_rows(str(case_id), 1, [_imported_report(case)])


def _get(store: Store | Transaction, case_id: str) -> dict[str, Any]:
    if isinstance(store, Transaction):
        row = store.get(schema.INCIDENTS, str(case_id))
    else:  # a read, without taking the writers' turn
        rows = store.read_attributes(schema.INCIDENTS, where={"incident_id": [str(case_id)]})
        row = None if rows.empty else {k: (None if pd.api.types.is_scalar(v) and pd.isna(v) else v)
                                       for k, v in rows.iloc[0].to_dict().items()}
    if row is None:
        raise StoreError.of("store.unknown_id", layer=schema.INCIDENTS, row_id=case_id)
    return row


def _case_of(tx: Transaction, case_id: str, base_version: int | None) -> tuple[dict[str, Any], schema.IncidentType]:
    """The stored case (refused when stale, absent, or an asset)."""
    current = tx.get(schema.INCIDENTS, str(case_id))
    if current is None:
        if base_version is not None:
            raise ConflictError.stale(schema.INCIDENTS, str(case_id), base_version, None)
        raise StoreError.of("store.unknown_id", layer=schema.INCIDENTS, row_id=case_id)
    if base_version is not None and int(current.get("row_version") or 1) != int(base_version):
        raise ConflictError.stale(schema.INCIDENTS, str(case_id), base_version, current)
    types = types_of(tx.read_table(INCIDENT_TYPES))
    kind = types.get(str(current.get("type")))
    if kind is None or kind.asset:
        raise workflow.WorkflowError.of("case.not_a_case", case=case_id, type=current.get("type"))
    current["status"] = schema.LEGACY_STAGES.get(str(current.get("status")), current.get("status"))
    return current, kind


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def require_step(tx: Transaction, case: Mapping[str, Any], stage: str) -> None:
    """Refuse (:class:`geo.access.AccessError`) unless the transaction's user may take ``case`` to ``stage``.

    The action is the workflow's name of the transition (``merge`` for
    ``merged``), the scope the case's grid and that grid's community, and
    for a ``party`` account the party the case is dispatched to. A step the
    workflow does not have is left for :func:`geo.cases.workflow.apply` to refuse.

    Parameters
    ----------
    tx
        The step's transaction (its :attr:`~geo.storage.Transaction.user` acts).
    case
        The case as stored (``incident_id``, ``status``, ``grid_id``, ``party``).
    stage
        The stage asked for.
    """
    action = "merge" if stage == "merged" else workflow.TRANSITIONS.get(str(case.get("status")), {}).get(stage)
    if action is None:
        return
    grid, community = grid_scope(tx, case.get("grid_id"))
    party = None if _blank(case.get("party")) else str(case.get("party"))
    require(tx.user, action, grid=grid, community=community, party=party, what=str(case.get("incident_id")))


def step(  # noqa: PLR0913 - one step, keyword-only
    tx: Transaction,
    case_id: str,
    stage: str,
    *,
    by: str,
    at: str,
    party: str | None = None,
    note: str = "",
    files: Sequence[str] = (),
    into: str | None = None,
    base_version: int | None = None,
    limits: timing.Limits | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """One step of a case inside a transaction (what :func:`set_stage` runs); returns the case as now stored.

    ``files`` are content hashes already stored in the transaction
    (:func:`geo.cases.files.store_files`). ``check`` False skips the
    permission check (:func:`require_step`) of a step that is part of an
    action already checked: a report merged as a duplicate, the steps an
    inspection import implies.
    """
    limits = limits or timing.load_limits()
    case, _kind = _case_of(tx, case_id, base_version)
    if check:
        require_step(tx, case, stage)
    storm = bool(tx.meta().get("storm"))
    if stage == "merged":
        return _merge(tx, case, into, by=by, at=at, note=note, limits=limits)
    if stage == "dispatched" and not (party or "").strip():  # the case's own party, else the default one
        party = case.get("party") or default_party(tx, case.get("grid_id"), str(case["type"]))
    change = workflow.apply(case, stage, at=at, by=by, note=note, party=party, into=into, files=files,
                            measure=limits.calendar.measure)
    values = dict(change.values)
    if change.event["action"] in ("handle", "on_spot"):  # late or not, as the case stood when it was handled
        values["handled_late"] = timing.case_late(case, limits, at, storm=storm)
    out = tx.update(schema.INCIDENTS, str(case_id), values)
    write_events(tx, case, [change.event])
    if change.event["action"] in _ENDING:
        _close_duplicates(tx, str(case_id), by=by, at=at)
    out.pop("geometry", None)
    return out


def _merge(tx: Transaction, case: dict[str, Any], into: str | None, *, by: str, at: str,  # noqa: PLR0913
           note: str, limits: timing.Limits) -> dict[str, Any]:
    """Case ``case`` merged as a duplicate into ``into`` (an open case of the same type)."""
    case_id = str(case["incident_id"])
    if not into or str(into) == case_id:
        raise workflow.WorkflowError.of("case.merge_into", case=case_id)
    target, _ = _case_of(tx, str(into), None)
    if target.get("status") in workflow.ENDED:
        raise workflow.WorkflowError.of("case.merge_ended", case=case_id, into=into,
                                        stage=workflow.StageWords(str(target["status"])))
    if target.get("type") != case.get("type"):
        raise workflow.WorkflowError.of("case.merge_type", case=case_id, into=into, type=case.get("type"),
                                        into_type=target.get("type"))
    change = workflow.apply(case, "merged", at=at, by=by, note=note, into=str(into), measure=limits.calendar.measure)
    out = tx.update(schema.INCIDENTS, case_id, change.values)
    write_events(tx, case, [change.event])
    details = " / ".join(str(v) for v in (case.get("description"), note) if isinstance(v, str) and v.strip())
    write_events(tx, target, [{"at": at, "by": by, "action": "merged_in", "from_stage": target["status"],
                                "to_stage": target["status"], "party": target.get("party"),
                                "note": details, "files": "", "related": case_id}])
    tx.update(schema.INCIDENTS, str(into), {})  # the target's version moves: someone looking at it sees the merge
    out.pop("geometry", None)
    return out


def _close_duplicates(tx: Transaction, case_id: str, *, by: str, at: str) -> None:
    """The duplicates merged into ``case_id`` end with it (``closed_at`` and a ``close_with`` entry)."""
    events = tx.read_table(EVENTS, where={"case_id": [case_id]})
    if events.empty or "action" not in events.columns:
        return
    for dup_id in dict.fromkeys(events.loc[events["action"] == "merged_in", "related"].dropna().astype(str)):
        dup = tx.get(schema.INCIDENTS, dup_id)
        if dup is None or dup.get("status") != "merged" or str(dup.get("merged_into")) != case_id:
            continue
        tx.update(schema.INCIDENTS, dup_id, {"closed_at": at})
        write_events(tx, dup, [{"at": at, "by": by, "action": "close_with", "from_stage": "merged",
                                "to_stage": "merged", "party": None, "note": "", "files": "", "related": case_id}])


def set_stage(  # noqa: PLR0913 - the step's fields, keyword-only, as the case panel and the CLI give them
    store: Store,
    case_id: str,
    stage: str,
    *,
    by: User | str = "",
    party: str | None = None,
    note: str = "",
    photos: Sequence[Photo] = (),
    into: str | None = None,
    base_version: int | None = None,
    now: Callable[[], datetime] | None = None,
    limits: timing.Limits | None = None,
) -> dict[str, Any]:
    """Move a case to ``stage``, in one transaction.

    Parameters
    ----------
    store
        Where the case is stored.
    case_id
        The incident id of the case.
    stage
        One of :data:`geo.cases.workflow.STAGES` (the check is ``handled``
        → ``closed`` to pass, ``handled`` → ``dispatched`` to rework).
    by
        Who takes the step: a :class:`geo.access.User`, or a name of the
        local operator (the operating-system user when empty).
    party
        The responsible party (dispatch); the default party of the case's
        grid and type (:func:`geo.cases.parties.default_party`) when not given.
    note
        Reason (cancel, park, rework), feedback (handle), or a remark.
    photos
        ``(name, bytes)`` of photos and files to attach to the step.
    into
        The case a duplicate is merged into (stage ``merged``).
    base_version
        The ``row_version`` the user saw: when someone changed the case
        since, :class:`geo.errors.ConflictError` and nothing is written.
    now
        The clock (tests).
    limits
        Time limits (:func:`geo.cases.timing.load_limits` when not given).

    Returns
    -------
    dict: the case as now stored.

    Raises
    ------
    geo.cases.workflow.WorkflowError
        A step the workflow does not allow (the message names what may follow).
    geo.access.AccessError
        ``by`` may not take this step on this case (its role, grid or party).
    """
    at = _now_text(now)
    with store.transaction(f"case {case_id}: {stage}", by=by) as tx:
        case, _kind = _case_of(tx, case_id, base_version)
        require_step(tx, case, stage)  # before the photos are stored
        files = store_photos(tx, photos)
        return step(tx, case_id, stage, by=tx.by, at=at, party=party, note=note, files=files, into=into,
                    base_version=base_version, limits=limits, check=False)


def merge(store: Store, case_id: str, into: str, *, by: User | str = "", note: str = "",
          base_version: int | None = None, now: Callable[[], datetime] | None = None) -> dict[str, Any]:
    """Merge case ``case_id`` into ``into`` as a duplicate: both reports kept, closed together.

    See :func:`set_stage` for the parameters; returns the merged case as now stored.
    """
    return set_stage(store, case_id, "merged", by=by, into=into, note=note, base_version=base_version, now=now)


def store_photos(tx: Transaction, photos: Sequence[Photo]) -> list[str]:
    """Store the photos and files of a step in the transaction; their content hashes (:mod:`geo.cases.files`)."""
    if not photos:
        return []
    from .files import store_files

    return store_files(tx, photos)


def new_case(tx: Transaction, row: Mapping[str, Any], *, by: str, at: str, urgency: str | None = None,  # noqa: PLR0913
             on_spot: bool = False, files: Sequence[str] = (), note: str = "",
             limits: timing.Limits | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The case columns of a new event-type incident and its first history entries.

    Used by :func:`geo.incidents.report_incident`: ``row`` is the new
    incident (``type``, ``reported_at``). The clock starts at its
    ``reported_at``. ``on_spot``: reported and closed in one step by its
    reporter (自行处置), which needs a photo (``files``).

    Returns
    -------
    (columns, events)
    """
    limits = limits or timing.load_limits()
    first = workflow.initial(at=at, by=by, urgency=urgency or limits.default_urgency(str(row["type"])), note=note)
    values = dict(first.values)
    values["opened_at"] = values["stage_at"] = values["step_at"] = row.get("reported_at") or at
    events = [{**first.event, "at": values["opened_at"]}]
    if on_spot:
        reported = {**row, **values, "handled_by": None}
        change = workflow.apply(reported, "closed", at=at, by=by, note=note, files=files,
                                measure=limits.calendar.measure)
        values.update(change.values)
        values["handled_late"] = timing.case_late(reported, limits, at)
        events.append(change.event)
    return values, events
