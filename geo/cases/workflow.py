"""The case workflow: stages, the transitions allowed between them, and what each changes.

The stages follow the national standard for urban management cases
(GB/T 30428: 信息采集, 案卷建立, 任务派遣, 任务处理, 处理反馈, 核查结案)::

    reported ─► accepted ─► dispatched ─► in_progress ─► handled ─► closed
     │  ▲          │   │       ▲  │             │            │        │
     │  │          │   │       │  └──► parked ◄─┘            │        ▼
     │  reopened ◄─┼───┼───────┼──────────────────────────── ◄┼── reopened
     ▼             ▼   ▼       └──────── rework ◄────────────┘
    cancelled    cancelled, merged

This module is the state machine and its rules only: no store, no clock,
no file. :func:`apply` takes a case as stored (its columns, see
:data:`geo.schema.CASE_COLUMNS`) and one requested step, refuses a step the
rules do not allow (:class:`WorkflowError`, naming the stages that may
follow), and returns the columns to change and the history entry to keep.
:mod:`geo.cases.actions` does the storing, :mod:`geo.cases.timing` the clock.

Rules beyond the table:

- cancelling and parking need a reason; merging needs the case it goes into;
  dispatching needs a party; handling needs a feedback note; a rework needs
  the reason the check failed;
- the check (``handled`` → ``closed`` or back to ``dispatched``) is done by
  someone other than the one who handled the case;
- fixing on the spot (自行处置, ``reported`` → ``closed``) is done by the
  one who reported the case, with a photo;
- a parked case (挂账) resumes at ``accepted``, ``dispatched`` or
  ``in_progress``; its clock is stopped while parked (the caller measures
  the pause, see ``measure``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final

from .. import schema
from ..errors import OptionError

__all__ = [
    "ACTIONS",
    "ENDED",
    "OPEN",
    "STAGES",
    "STEPS",
    "TRANSITIONS",
    "Change",
    "StageWords",
    "WorkflowError",
    "allowed_next",
    "apply",
    "initial",
    "step_of",
]

#: Every stage code, in workflow order.
STAGES: Final = schema.EVENT_STATUSES
#: Stages at which a case has ended.
ENDED: Final = schema.ENDED_STAGES
#: Stages at which a case is open (on the ledger).
OPEN: Final = frozenset(STAGES) - ENDED

#: From stage -> {to stage: action}. The action names the step in the
#: history (and in the translation table: ``action.<name>``).
TRANSITIONS: Final[dict[str, dict[str, str]]] = {
    "reported": {"accepted": "accept", "cancelled": "cancel", "merged": "merge", "closed": "on_spot"},
    "reopened": {"accepted": "accept", "dispatched": "dispatch", "cancelled": "cancel", "merged": "merge"},
    "accepted": {"dispatched": "dispatch", "parked": "park", "cancelled": "cancel", "merged": "merge"},
    "dispatched": {"in_progress": "start", "handled": "handle", "dispatched": "redispatch", "parked": "park"},
    "in_progress": {"handled": "handle", "dispatched": "redispatch", "parked": "park"},
    "handled": {"closed": "check_pass", "dispatched": "rework"},
    "parked": {"accepted": "resume", "dispatched": "resume", "in_progress": "resume", "cancelled": "cancel"},
    "closed": {"reopened": "reopen"},
    "cancelled": {"reopened": "reopen"},
    "merged": {},
}
#: Every action name, with ``report`` (the first entry of every history).
ACTIONS: Final = ("report", *dict.fromkeys(a for nxt in TRANSITIONS.values() for a in nxt.values()), "close_with")

#: The timed steps of a case: the stage it is at -> the step its clock measures.
STEPS: Final[dict[str, str]] = {
    "reported": "accept", "reopened": "accept", "accepted": "dispatch",
    "dispatched": "handle", "in_progress": "handle", "handled": "check",
}

#: Actions that need a note (the reason or the feedback).
_NEEDS_NOTE: Final = {"cancel": "reason", "park": "reason", "handle": "feedback", "rework": "reason"}


class WorkflowError(OptionError):
    """A step the workflow does not allow (the CLI exits 2 and names the stages that may follow)."""


@dataclass(frozen=True)
class Change:
    """What one step changes: the case's columns, and the history entry to add.

    Attributes
    ----------
    values
        Column -> new value, for :meth:`geo.storage.Transaction.update`.
    event
        The history entry: ``at``, ``by``, ``action``, ``from_stage``,
        ``to_stage``, ``party``, ``note``, ``files`` (content hashes,
        space-separated), ``related`` (the case merged into).
    """

    values: dict[str, Any]
    event: dict[str, Any] = field(default_factory=dict)


class StageWords:
    """Stage codes as an error reads them: the Chinese label with the code, or the code in English."""

    def __init__(self, *codes: str) -> None:
        self.codes = codes

    def text(self, lang: str) -> str:
        """The stages as read in ``lang``."""
        from ..i18n import t

        if lang == "en":
            return ", ".join(self.codes)
        return "、".join(f"{t(f'status.{c}', lang)}({c})" for c in self.codes)

    def __str__(self) -> str:
        return self.text("en")


def step_of(stage: str | None, parked_from: str | None = None) -> str | None:
    """The timed step at ``stage`` (a parked case keeps the step it was parked in); None when no clock runs."""
    if stage == "parked":
        return STEPS.get(parked_from or "")
    return STEPS.get(stage or "")


def allowed_next(stage: str | None) -> tuple[str, ...]:
    """The stages that may follow ``stage`` (legacy statuses read as their stage)."""
    stage = schema.LEGACY_STAGES.get(stage or "", stage)
    return tuple(TRANSITIONS.get(stage or "", {}))


def initial(*, at: str, by: str, urgency: str = "normal", note: str = "",
            files: Sequence[str] = ()) -> Change:
    """The columns of a new case and its first history entry (``report``)."""
    if urgency not in schema.URGENCIES:
        raise WorkflowError.of("case.urgency", urgency=urgency, allowed=", ".join(schema.URGENCIES))
    values: dict[str, Any] = {
        "status": "reported", "urgency": urgency, "opened_at": at, "stage_at": at, "step_at": at,
        "paused_s": 0.0, "paused_ws": 0.0, "step_paused_s": 0.0, "step_paused_ws": 0.0, "reworks": 0,
        "on_spot": False,
    }
    return Change(values, _event(at, by, "report", None, "reported", note=note, files=files))


def _natural(start: str, end: str) -> tuple[float, float]:
    seconds = max((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds(), 0.0)
    return seconds, seconds


def apply(  # noqa: PLR0913, C901, PLR0912 - one step, keyword-only: the table of rules reads best in one place
    case: Mapping[str, Any],
    to: str,
    *,
    at: str,
    by: str,
    note: str = "",
    party: str | None = None,
    into: str | None = None,
    files: Sequence[str] = (),
    measure: Callable[[str, str], tuple[float, float]] = _natural,
) -> Change:
    """One step of a case: check it against the rules, and say what it changes.

    Parameters
    ----------
    case
        The case as stored (``incident_id``, ``status`` and the
        :data:`geo.schema.CASE_COLUMNS`).
    to
        The stage to go to (one of :data:`STAGES`).
    at, by
        When (ISO 8601) and who.
    note
        The reason (cancel, park, rework) or feedback (handle); a remark otherwise.
    party
        The responsible party (dispatch; a rework or a resume keeps the case's own when None).
    into
        The case this one is merged into (merge).
    files
        Content hashes of the attachments of this step (:mod:`geo.cases.files`).
    measure
        ``(start, end) -> (natural seconds, working seconds)`` of a pause
        (the case's calendar, from :mod:`geo.cases.timing`); natural time
        for both when not given.

    Returns
    -------
    Change

    Raises
    ------
    WorkflowError
        A step the rules refuse: the message names the case, the stages,
        and what may follow.
    """
    case_id = str(case.get("incident_id") or "")
    stage = schema.LEGACY_STAGES.get(str(case.get("status") or ""), str(case.get("status") or ""))
    if to not in STAGES:
        raise WorkflowError.of("case.unknown_stage", stage=to, allowed=StageWords(*STAGES))
    action = TRANSITIONS.get(stage, {}).get(to)
    if action is None:
        nxt = allowed_next(stage)
        key = "case.transition" if nxt else "case.transition_ended"
        raise WorkflowError.of(key, case=case_id, stage=StageWords(stage), to=StageWords(to), allowed=StageWords(*nxt))
    note = (note or "").strip()
    if action in _NEEDS_NOTE and not note:
        raise WorkflowError.of(f"case.needs_{_NEEDS_NOTE[action]}", case=case_id, to=StageWords(to))
    party = (party or "").strip() or None
    values: dict[str, Any] = {"status": to, "stage_at": at}
    if action in ("cancel", "park"):
        values["reason"] = note
    elif stage in ("parked", "cancelled"):
        values["reason"] = None
    if action == "merge":
        if not into or str(into) == case_id:
            raise WorkflowError.of("case.merge_into", case=case_id)
        values["merged_into"] = str(into)  # it ends when that case does (geo.cases.actions)
    elif action in ("dispatch", "redispatch"):
        if party is None:
            raise WorkflowError.of("case.needs_party", case=case_id, to=StageWords(to))
        values.update(party=party, dispatched_at=at)
    elif action == "accept":
        values["accepted_at"] = at
    elif action == "handle":
        values.update(handled_at=at, handled_by=by)
    elif action in ("check_pass", "rework"):
        if str(case.get("handled_by") or "") == by:
            raise WorkflowError.of("case.self_check", case=case_id, by=by)
        if action == "check_pass":
            values["closed_at"] = at
        else:
            values.update(reworks=int(case.get("reworks") or 0) + 1, handled_late=None)
            if party is not None:
                values["party"] = party
    elif action == "on_spot":
        if not files:
            raise WorkflowError.of("case.on_spot_photo", case=case_id)
        values.update(on_spot=True, handled_at=at, handled_by=by, closed_at=at)
    elif action == "cancel":
        values["closed_at"] = at
    elif action == "park":
        values["parked_from"] = stage
    elif action == "resume":
        nat, work = measure(str(case.get("stage_at") or at), at)
        values.update(paused_s=_num(case.get("paused_s")) + nat, paused_ws=_num(case.get("paused_ws")) + work,
                      parked_from=None)
        if party is not None:
            values["party"] = party
        if step_of(to) == step_of("parked", case.get("parked_from")):  # the same step goes on, less the pause
            values.update(step_paused_s=_num(case.get("step_paused_s")) + nat,
                          step_paused_ws=_num(case.get("step_paused_ws")) + work)
    elif action == "reopen":
        values.update(opened_at=at, closed_at=None, paused_s=0.0, paused_ws=0.0, handled_at=None,
                      handled_by=None, handled_late=None, merged_into=None)
    old_step = step_of(stage, case.get("parked_from"))
    new_step = step_of(to, values.get("parked_from", case.get("parked_from")))
    if action == "rework" or new_step != old_step:  # a new step's clock starts now (a rework's too)
        values.update(step_at=at, step_paused_s=0.0, step_paused_ws=0.0)
    party_of_event = values.get("party", case.get("party"))
    return Change(values, _event(at, by, action, stage, to, note=note, files=files, party=party_of_event,
                                 into=into if action == "merge" else None))


def _num(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return 0.0
    return out if out == out else 0.0  # NaN reads as nothing paused yet


def _event(at: str, by: str, action: str, from_stage: str | None, to_stage: str, *, note: str = "",  # noqa: PLR0913
           files: Sequence[str] = (), party: Any = None, into: str | None = None) -> dict[str, Any]:
    return {"at": at, "by": by, "action": action, "from_stage": from_stage, "to_stage": to_stage,
            "party": None if party is None or party != party else str(party), "note": note or "",
            "files": " ".join(files), "related": into}
