"""The demo community's cases: its parties, and a history for every event that led to its stage.

The demo incidents come with a stage (reported, dispatched, handled,
closed); :func:`add_demo_cases` walks each one there through the real
workflow (:func:`geo.cases.actions.step`), with times after its report and
names of the community's staff, the grid workers and the parties, so that
the ledger, the figures and each case's history read as a community's
would: some cases sent back once, one parked, one cancelled as a false
report, and a few faults found at rain grates opened as cases of their own.
Same seed, same cases.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final

import numpy as np
import pandas as pd

from . import schema
from .cases import actions, timing, workflow
from .cases.parties import GRID_PARTY, PARTIES
from .storage import CST, Store, Transaction

__all__ = ["DEMO_ACCOUNTS", "STAFF", "add_demo_accounts", "add_demo_cases", "demo_parties"]

#: Community staff who accept, dispatch and check (fictional).
STAFF: Final = ("周敏", "陈立华")
_FEEDBACK: Final = {
    "flooding": ("已抽排积水，疏通下游雨水井", "清理篦子杂物，积水已退", "设置警示围挡，积水已排完"),
    "flying_wire": ("已拆除飞线，告知住户到充电桩充电", "剪除私拉电线，张贴安全告知", "住户已自行收回插线板"),
    "grate_fault": ("已清掏篦子内淤泥和落叶", "更换破损篦子", "补装缺失篦子"),
}
_REWORK: Final = ("复查仍有积水", "复查发现飞线又被拉起", "篦子仍有堵塞")
#: The demo's accounts, one per role, without a password (demo mode signs in as them): user name, role, display name.
DEMO_ACCOUNTS: Final = (
    ("demo_admin", "admin", "刘洋"),
    ("demo_staff", "staff", STAFF[0]),
    ("demo_worker", "grid_worker", ""),  # the first grid's worker
    ("demo_party", "party", "绿园物业 · 孙强"),
    ("demo_viewer", "viewer", "街道办 · 赵静"),
)


def demo_parties(grids: pd.DataFrame) -> pd.DataFrame:
    """The demo's parties: two property companies, the power supply station, the street office's city management."""
    ids = [str(g) for g in grids["grid_id"]]
    half = len(ids) // 2
    rows = [
        ("lvyuan_wuye", "绿园物业", "property", "027-8765-1101", " ".join(ids[:half]), "flooding grate_fault"),
        ("guiyuan_wuye", "桂苑物业", "property", "027-8765-1102", " ".join(ids[half:]), "flooding grate_fault"),
        ("power_supply", "南湖供电所", "utility", "95598", "*", "flying_wire"),
        ("street_cgk", "街道城管科", "street_office", "027-8765-1200", "*", "grate_fault"),
    ]
    return pd.DataFrame(rows, columns=["party_id", "name", "kind", "phone", "grids", "types"])


def add_demo_accounts(store: Store) -> list[str]:
    """Give the demo store its accounts (:data:`DEMO_ACCOUNTS`): no password, so only demo mode signs in as them.

    The staff member is scoped to the demo community, the grid worker to the
    first grid (named as its worker), the party account to 绿园物业.
    Returns the user names.
    """
    from .accounts import add_user

    grids = store.read(schema.GRIDS).sort_values("grid_id")
    first = grids.iloc[0]
    community = sorted({str(c) for c in grids["community"].dropna()})
    for name, role, display in DEMO_ACCOUNTS:
        worker = role == "grid_worker"
        add_user(store, name, role=role, password=None, by="demo",
                 display_name=str(first["worker"]) if worker else display,
                 grids=[str(first["grid_id"])] if worker else [],
                 communities=community if role == "staff" else [],
                 party="lvyuan_wuye" if role == "party" else "")
    return [name for name, _, _ in DEMO_ACCOUNTS]


def _text(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


def add_demo_cases(store: Store, seed: int = 7) -> int:
    """Give every demo event a history that leads to its stage, and open cases for some grate faults.

    Returns the number of history entries written.
    """
    rng = np.random.default_rng(seed + 1013)
    limits = timing.load_limits()
    goals = _open_grate_faults(store, rng)
    with store.transaction("demo cases", by=STAFF[0]) as tx:
        incidents = tx.read(schema.INCIDENTS)
        grids, parties = tx.read(schema.GRIDS), tx.read_table(PARTIES)
        workers = {str(g): str(w) for g, w in zip(grids["grid_id"], grids["worker"], strict=True)}
        names = dict(zip(parties["party_id"], parties["name"], strict=True)) if not parties.empty else {}
        for gid, worker in workers.items():
            names[GRID_PARTY.format(grid_id=gid)] = worker
        events = incidents[incidents["type"].isin(["flooding", "flying_wire", "grate_fault"])]
        special = {"parked": None, "cancelled": None}
        for row in events.sort_values("incident_id").to_dict("records"):
            goal = goals.get(str(row["incident_id"]), str(row["status"]))
            if goal == "dispatched" and special["parked"] is None:
                special["parked"] = row["incident_id"]
                goal = "parked"
            elif goal == "reported" and row["type"] == "flying_wire" and special["cancelled"] is None:
                special["cancelled"] = row["incident_id"]
                goal = "cancelled"
            _walk(tx, row, goal, rng, limits, names)
        return len(tx.read_table(actions.EVENTS))


def _fixed(at: datetime) -> Callable[[], datetime]:
    """A clock that always says ``at``."""
    return lambda: at


def _open_grate_faults(store: Store, rng: np.random.Generator) -> dict[str, str]:
    """A grate_fault case for some blocked grates (found on the last patrol), reported by the grid's worker at it.

    Returns the id of each and the stage its walk goes to.
    """
    from .incidents import report_incident

    incidents, grids = store.read(schema.INCIDENTS), store.read(schema.GRIDS)
    workers = {str(g): str(w) for g, w in zip(grids["grid_id"], grids["worker"], strict=True)}
    grates = incidents[(incidents["type"] == "drain_grate") & (incidents["status"] == "blocked")]
    picked = grates.sort_values("incident_id").iloc[:: max(len(grates) // 10, 1)].head(10)
    goals: dict[str, str] = {}
    for k, grate in enumerate(picked.itertuples(index=False)):
        at = datetime(2026, 11, 20, 8, 30, tzinfo=CST) + timedelta(days=k // 4, minutes=int(rng.integers(0, 480)))
        row = report_incident(store, type="grate_fault", asset_id=str(grate.incident_id), severity="medium",
                              description="巡查发现篦子堵塞", reported_at=_text(at), incident_id=f"GF{k + 1:03d}",
                              by=workers.get(str(grate.grid_id), "网格员"), now=_fixed(at))
        goals[row["incident_id"]] = ("reported", "dispatched", "handled", "closed")[k % 4]
    return goals


_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "reported": (),
    "cancelled": ("cancelled",),
    "dispatched": ("accepted", "dispatched"),
    "parked": ("accepted", "parked"),
    "handled": ("accepted", "dispatched", "in_progress", "handled"),
    "closed": ("accepted", "dispatched", "in_progress", "handled", "closed"),
}


def _walk(tx: Transaction, row: dict, goal: str, rng: np.random.Generator,  # noqa: PLR0913
          limits: timing.Limits, names: dict[str, str]) -> None:
    """The steps that take case ``row`` from reported to ``goal``, each a little after the one before."""
    path = list(_PATHS[goal])
    if goal == "closed" and rng.random() < 0.25:  # sent back once at the check
        path = [*path[:-1], "dispatched", "handled", "closed"]
    start = datetime.fromisoformat(str(row["reported_at"] or row["opened_at"]))
    if pd.isna(row.get("opened_at")):
        first = workflow.initial(at=_text(start), by=STAFF[0], urgency=limits.default_urgency(str(row["type"])))
        tx.update(schema.INCIDENTS, str(row["incident_id"]), {**first.values, "status": "reported"})
        actions.write_events(tx, row, [first.event])
    at, handler, rework = start, "", 0
    for stage in path:
        at += timedelta(minutes=int(rng.integers(8, 70)))
        note = ""
        by = STAFF[int(rng.integers(0, len(STAFF)))]
        if stage == "handled":
            case = tx.get(schema.INCIDENTS, str(row["incident_id"])) or {}
            handler = names.get(str(case.get("party")), "") or "网格员"
            by = handler
            note = str(rng.choice(_FEEDBACK.get(str(row["type"]), _FEEDBACK["flooding"])))
        elif stage == "in_progress":
            case = tx.get(schema.INCIDENTS, str(row["incident_id"])) or {}
            by = names.get(str(case.get("party")), "") or "网格员"
        elif stage == "dispatched" and handler:
            note = _REWORK[rework % len(_REWORK)]
            rework += 1
        elif stage == "parked":
            note = "需更换整段雨水管，已报街道立项"
        elif stage == "cancelled":
            note = "现场核实无飞线，误报"
        if stage == "closed" and by == handler:
            by = STAFF[0]
        actions.step(tx, str(row["incident_id"]), stage, by=by, at=_text(at), note=note, limits=limits)
