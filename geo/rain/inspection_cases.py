"""What a filled-in checklist does to cases (:mod:`geo.cases`), inside the import's own transaction.

- A rain grate marked blocked, damaged or missing opens a ``grate_fault``
  case linked to it (``asset_id`` = the grate's id; its grid and building
  are the grate's), unless an open case for that grate exists already.
- A flying wire marked removed (已拆除) takes the workflow step ``handled``
  (the checklist's note as the feedback, by the one importing it; the
  check that closes it stays with someone else); a case still reported,
  accepted or parked is first accepted and dispatched to its party, each
  step in its history. A case whose stage does not allow it (closed,
  merged) is named in the import's report, not refused: the rest of the
  checklist is applied.

Only the results newly recorded by this import are looked at (a repeated
import opens nothing and steps nothing).
"""

from __future__ import annotations

from typing import Any, Final

import geopandas as gpd
import pandas as pd

from .. import schema
from ..cases import actions, timing, workflow
from ..storage import Transaction
from . import _shared
from .import_report import ImportReport, Problem

__all__ = ["FAULT", "case_steps"]

#: The event type of a problem found at a grate.
FAULT: Final = "grate_fault"
#: The steps a wire found removed is taken through before ``handled``, by its stage.
_TO_HANDLED: Final[dict[str, tuple[str, ...]]] = {
    "reported": ("accepted", "dispatched"), "reopened": ("dispatched",), "accepted": ("dispatched",),
    "parked": ("dispatched",),
}
#: Grate results that open a case.
_FAULTY: Final = ("blocked", "damaged", "missing")


def case_steps(tx: Transaction, history: pd.DataFrame, stamp: str, report: ImportReport) -> pd.DataFrame:
    """Open grate cases and record wire removals for the results this import recorded.

    Parameters
    ----------
    tx
        The import's transaction (after the grates' statuses were written).
    history
        The ``inspections`` table about to be written (this import's rows
        carry ``imported_at`` = ``stamp``).
    stamp
        The import's time (ISO 8601).
    report
        What the import did: status changes and
        problems are added to it.

    Returns
    -------
    pandas.DataFrame
        ``history`` with ``status_after`` of the wires stepped to ``handled``.
    """
    if history.empty:
        return history
    new = history[history["imported_at"].astype(str) == stamp]
    grates = new[(new["section"] == "grate") & new["result"].isin(_FAULTY)]
    wires = new[(new["section"] == "wire") & (new["result"] == "removed")]
    if grates.empty and wires.empty:
        return history
    limits = timing.load_limits()
    incidents = tx.read(schema.INCIDENTS)
    if not grates.empty:
        _open_faults(tx, grates, incidents, stamp, report, limits)
    for i, r in wires.iterrows():
        wire_id = str(r["item_id"])
        note = "；".join(p for p in (f"巡查清单：已拆除（检查人 {_shared.text(r['inspector'])}）",
                                     _shared.text(r["note"]).strip()) if p)
        try:
            current = tx.get(schema.INCIDENTS, wire_id) or {}
            for stage in _TO_HANDLED.get(str(current.get("status")), ()):  # the steps the removal implies
                actions.step(tx, wire_id, stage, by=tx.by, at=stamp, note=f"巡查清单（{stage}）", limits=limits,
                             check=False)  # part of the inspection import, checked as such
            out = actions.step(tx, wire_id, "handled", by=tx.by, at=stamp, note=note, limits=limits, check=False)
        except workflow.WorkflowError as exc:
            stage = _shared.text(r["status_before"])
            report.problems.append(Problem(
                "case_stage", _shared.text(r["source"]), wire_id,
                f"飞线已拆除已记录，但案卷处于“{_stage_zh(stage)}”，不能直接记为已处置（{exc.localized('zh')[0]}）；"
                "请核对该案卷（python -m geo incident history）。"))
            continue
        history.at[i, "status_after"] = str(out.get("status"))
        report.status_changes.append((wire_id, _shared.text(r["status_before"]), str(out.get("status"))))
    return history


def _stage_zh(stage: str) -> str:
    from .checklist import STATUS_ZH

    return STATUS_ZH.get(stage, stage)


def _open_faults(tx: Transaction, grates: pd.DataFrame, incidents: gpd.GeoDataFrame, stamp: str,  # noqa: PLR0913
                 report: ImportReport, limits: timing.Limits) -> None:
    """One ``grate_fault`` case per grate found faulty that has no open case yet."""
    faults = incidents[incidents["type"].astype(str) == FAULT] if not incidents.empty else incidents
    ended = faults["status"].astype(str).isin(schema.ENDED_STAGES) if not faults.empty else pd.Series(dtype=bool)
    covered = set(faults.loc[~ended, "asset_id"].dropna().astype(str)) if "asset_id" in faults.columns else set()
    by_id = incidents.set_index(incidents["incident_id"].astype(str), drop=False)
    for _, r in grates.drop_duplicates("item_id").iterrows():
        grate_id = str(r["item_id"])
        if grate_id in covered or grate_id not in by_id.index:
            continue
        grate = by_id.loc[grate_id]
        inspector, note = _shared.text(r["inspector"]), _shared.text(r["note"]).strip()
        row: dict[str, Any] = {
            "incident_id": None, "type": FAULT, "status": "reported", "severity": "medium",
            "reported_at": stamp,
            "description": "；".join(p for p in (f"巡查发现篦子{r['result_zh']}（检查人 {inspector}）", note) if p)[:2000],
            "asset_id": grate_id,
        }
        for col in ("grid_id", "building_id", "building_dist_m"):
            if col in grate.index:
                row[col] = grate[col]
        case, events = actions.new_case(tx, row, by=tx.by, at=stamp, limits=limits)
        row.update(case)
        new = gpd.GeoDataFrame([row], geometry=[grate.geometry], crs=schema.STORAGE_CRS)
        (new_id,) = tx.add(schema.INCIDENTS, new)
        actions.write_events(tx, {**row, "incident_id": new_id}, events)
        covered.add(grate_id)
        report.status_changes.append((new_id, "", "reported"))
