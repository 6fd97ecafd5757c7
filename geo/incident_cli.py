"""Command-line commands of single incidents and their cases: ``incident add|list|update|set|history|merge``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo incident add --store S --type T --lon X --lat Y [--severity ...] [--urgency U] [--asset ID]
                               [--photo FILE ...] [--on-spot] [--duplicate-of ID] [--by NAME]
    python -m geo incident list --store S [--grid G] [--status ...] [--stage ...] [--type ...] [--overdue]
                                [--out FILE.csv]
    python -m geo incident update --store S ID [--status ...] [--version N] [--by NAME]
    python -m geo incident set --store S ID --stage STAGE [--to PARTY] [--note TEXT] [--photo FILE ...]
                               [--into ID2] [--based-on N] [--by NAME]
    python -m geo incident history --store S ID [--out FILE.csv|FILE.json]
    python -m geo incident merge --store S ID --into ID2 [--note TEXT] [--based-on N] [--by NAME]

Each calls the function of :mod:`geo.incidents` or :mod:`geo.cases.actions`
the app calls. What a script reads is the one line on stdout (the new id,
the new ``row_version``, the case's new stage, or the CSV); details go to
stderr. A step the workflow does not allow is refused naming the stages
that may follow; an edit based on a version someone else's change has
overtaken is refused with :class:`geo.errors.ConflictError` (who changed
it, when, its values now); both exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from . import i18n, schema, settings
from .errors import InputFileError, OptionError
from .incidents import LIST_COLUMNS, list_incidents, report_incident, update_incident
from .linking import link_distance_of
from .safe import printable, spreadsheet_frame
from .storage import Store
from .store_cli import actor, by_option, existing_store, note

__all__ = ["add_commands", "cmd_incident_add", "cmd_incident_history", "cmd_incident_list", "cmd_incident_merge",
           "cmd_incident_set", "cmd_incident_update", "read_photos", "write_csv"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``incident`` command (``add``, ``list``, ``update``) to the CLI's subparsers."""
    p = sub.add_parser("incident", help="report, list or change incidents one at a time",
                       description="Report one incident, list incidents as CSV, or change one incident's "
                                   "status, severity or description.")
    actions = p.add_subparsers(dest="incident_action", required=True, metavar="ACTION")

    a = actions.add_parser("add", help="report one incident at a point; prints its id",
                           description="Report one incident at lon, lat (WGS-84), joined to its grid and nearest "
                                       "building as the app's report form does. Prints the new id (the one line "
                                       "on stdout).")
    _store_option(a)
    a.add_argument("--type", required=True, metavar="CODE", help="incident type, e.g. flooding, drain_grate")
    a.add_argument("--lon", type=float, help="longitude, WGS-84 degrees (default with --asset: the asset's)")
    a.add_argument("--lat", type=float, help="latitude, WGS-84 degrees (default with --asset: the asset's)")
    a.add_argument("--severity", default="medium", choices=schema.SEVERITIES, help="default medium")
    a.add_argument("--description", default="", help="free text (at most 2000 characters are kept)")
    a.add_argument("--status", help="status (default: reported for events, ok for assets)")
    a.add_argument("--depth-cm", type=float, help="water depth in centimetres (flooding)")
    a.add_argument("--id", dest="incident_id", help="the incident's id (default: a new one, e.g. R20261203-0001)")
    a.add_argument("--urgency", choices=schema.URGENCIES, help="normal or urgent (default: the type's, from the "
                                                               "time limits)")
    a.add_argument("--asset", dest="asset_id", metavar="ID", help="the standing asset (a rain grate) the problem "
                                                                  "was found at")
    _photo_option(a)
    a.add_argument("--on-spot", action="store_true", help="fixed on the spot by the reporter (自行处置): reported "
                                                          "and closed in one step; needs --photo")
    a.add_argument("--duplicate-of", metavar="ID", help="an open case this report repeats: kept, and merged into it")
    by_option(a)
    a.set_defaults(func=cmd_incident_add)

    ls = actions.add_parser("list", help="the incidents as CSV (stdout, or --out FILE.csv)",
                            description="List incidents as CSV: " + ", ".join(LIST_COLUMNS) + ". Filters "
                                        "repeat or take commas: --stage reported,accepted.")
    _store_option(ls)
    ls.add_argument("--grid", action="append", default=[], metavar="ID", help="only this grid (repeatable)")
    ls.add_argument("--status", action="append", default=[], help="only these statuses (repeatable, or commas)")
    ls.add_argument("--stage", action="append", default=[], help="only cases at these stages (repeatable, or commas; "
                                                                  "old statuses such as resolved count as their stage)")
    ls.add_argument("--type", action="append", default=[], metavar="CODE", help="only these types (repeatable, or commas)")
    ls.add_argument("--overdue", action="store_true", help="only open cases past a deadline (adds the columns "
                                                           "step, deadline, state)")
    ls.add_argument("--out", metavar="FILE.csv", help="write the CSV here (UTF-8 with BOM, for Excel) instead of stdout")
    ls.set_defaults(func=cmd_incident_list)

    u = actions.add_parser("update", help="change one incident; prints its new row_version",
                           description="Change an incident's status, severity or description. With --version, "
                                       "the change is refused (exit 2) when someone changed the incident since "
                                       "that version. Prints the new row_version.")
    _store_option(u)
    u.add_argument("incident_id", metavar="ID", help="the incident's id")
    u.add_argument("--status", help="new status")
    u.add_argument("--severity", choices=schema.SEVERITIES, help="new severity")
    u.add_argument("--description", help="new description")
    u.add_argument("--version", type=int, dest="base_version", metavar="N",
                   help="the row_version the change is based on (as listed); refused if it changed since")
    by_option(u)
    u.set_defaults(func=cmd_incident_update)

    st = actions.add_parser("set", help="move a case to a stage of the workflow; prints its new stage",
                            description="Take one step of a case's workflow: accept, dispatch (--to PARTY, else "
                                        "the default party of its grid and type), start, handle (--note, "
                                        "--photo), check (handled -> closed, or -> dispatched to rework, by "
                                        "someone else), park, resume, cancel, merge (--into), reopen. A step "
                                        "the workflow does not allow is refused (exit 2), naming the stages "
                                        "that may follow. Prints the case's stage, party, deadline and state.")
    _store_option(st)
    st.add_argument("incident_id", metavar="ID", help="the case's incident id")
    st.add_argument("--stage", required=True, choices=schema.EVENT_STATUSES, help="the stage to go to")
    st.add_argument("--to", dest="party", metavar="PARTY", help="the responsible party (party list shows them)")
    st.add_argument("--note", default="", help="reason (cancel, park, rework), feedback (handle), or a remark")
    _photo_option(st)
    st.add_argument("--into", metavar="ID2", help="the case a duplicate is merged into (--stage merged)")
    _based_on_option(st)
    by_option(st)
    st.set_defaults(func=cmd_incident_set)

    h = actions.add_parser("history", help="the timeline of a case (or --out FILE.csv|FILE.json)",
                           description="The history of a case, oldest first: when, who, the step, from and to "
                                       "which stage, the party, the note and the attachments.")
    _store_option(h)
    h.add_argument("incident_id", metavar="ID", help="the case's incident id")
    h.add_argument("--out", metavar="FILE", help="write it as .csv (UTF-8 with BOM, for Excel) or .json")
    h.set_defaults(func=cmd_incident_history)

    m = actions.add_parser("merge", help="merge a repeated report into the case it repeats",
                           description="Merge a case as a duplicate into another open case of the same type: "
                                       "both reports are kept, and it closes when that case closes.")
    _store_option(m)
    m.add_argument("incident_id", metavar="ID", help="the repeated report")
    m.add_argument("--into", required=True, metavar="ID2", help="the case it repeats")
    m.add_argument("--note", default="", help="a remark kept in both histories")
    _based_on_option(m)
    by_option(m)
    m.set_defaults(func=cmd_incident_merge)


def _photo_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--photo", action="extend", nargs="+", default=[], metavar="FILE",
                   help="photos (JPEG, PNG, WebP, GIF, BMP, TIFF) or PDFs to attach (repeatable)")


def _based_on_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--based-on", type=int, dest="base_version", metavar="ROW_VERSION",
                   help="the row_version the step is based on (as listed); refused if the case changed since")


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, help="the store: a .gpkg file or a postgresql:// address")


def cmd_incident_add(args: argparse.Namespace) -> int:
    """``incident add``: :func:`geo.incidents.report_incident`; the new id on stdout, details on stderr."""
    store = existing_store(args.store)
    row = report_incident(store, type=args.type, lon=args.lon, lat=args.lat, severity=args.severity,
                          description=args.description, status=args.status, depth_cm=args.depth_cm,
                          incident_id=args.incident_id, by=actor(args), urgency=args.urgency, asset_id=args.asset_id,
                          on_spot=args.on_spot, photos=read_photos(args.photo), duplicate_of=args.duplicate_of)
    print(row["incident_id"], flush=True)
    _warn_duplicates(args, store.location, str(row["incident_id"]), row.get("duplicates") or [])
    grid = row.get("grid_id")
    building, metres = row.get("building_id"), row.get("building_dist_m")
    if _blank(building):
        building_text = i18n.t("cli.incident.no_building", args.lang, metres=link_distance_of(store))
    else:
        building_text = i18n.t("cli.incident.building_at", args.lang, building=building,
                               metres=math.nan if metres is None or _blank(metres) else float(metres))
    note(args, "cli.incident.added", incident_id=row["incident_id"], type=row["type"],
         grid=i18n.t("cli.incident.no_grid", args.lang) if _blank(grid) else grid, building=building_text,
         version=row["row_version"], by=row["updated_by"], at=row["updated_at"])
    return 0


def _blank(value: object) -> bool:
    """None, NaN, NA or empty text."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _values(given: Sequence[str]) -> list[str] | None:
    """Repeated and comma-separated values as one list (None when none given)."""
    out = [v.strip() for item in given for v in item.split(",") if v.strip()]
    return out or None


def cmd_incident_list(args: argparse.Namespace) -> int:
    """``incident list``: :func:`geo.incidents.list_incidents` as CSV, formula-like text neutralised."""
    store = existing_store(args.store)
    table = list_incidents(store, grids=_values(args.grid), statuses=_values(args.status), types=_values(args.type))
    stages = _values(args.stage)
    if stages:
        unknown = [s for s in stages if s not in schema.EVENT_STATUSES]
        if unknown:
            raise OptionError.of("cli.case.stage", stage=", ".join(unknown), allowed=", ".join(schema.EVENT_STATUSES))
        stage_of = table["status"].astype(str).map(lambda v: schema.LEGACY_STAGES.get(v, v))
        table = table[stage_of.isin(stages).to_numpy()].reset_index(drop=True)
    columns = [c for c in LIST_COLUMNS if c in table.columns]
    if args.overdue:
        clock = _clock(store, table)
        table = pd.concat([table, clock], axis=1)[(clock["state"] == "overdue").to_numpy()].reset_index(drop=True)
        columns += ["step", "deadline", "state"]
    table = table[columns]
    if args.out:
        write_csv(table, args.out)
        print(i18n.t("cli.incident.listed", args.lang, path=args.out, n=len(table)))
    else:
        sys.stdout.buffer.write(spreadsheet_frame(table).to_csv(index=False).encode("utf-8"))
        sys.stdout.flush()
    return 0


def write_csv(table: pd.DataFrame, path: str) -> None:
    """Write ``table`` as CSV in UTF-8 with a BOM (Excel reads Chinese), through :func:`geo.safe.spreadsheet_frame`.

    Raises
    ------
    geo.errors.OptionError
        ``cli.cannot_write`` when the file cannot be written.
    """
    try:
        spreadsheet_frame(table).to_csv(path, index=False, encoding="utf-8-sig")
    except OSError as exc:
        raise OptionError.of("cli.cannot_write", path=path, why=exc.strerror or str(exc)) from exc


def cmd_incident_update(args: argparse.Namespace) -> int:
    """``incident update``: :func:`geo.incidents.update_incident`; the new ``row_version`` on stdout."""
    if args.status is None and args.severity is None and args.description is None:
        raise OptionError.of("cli.nothing_to_change", incident_id=args.incident_id)
    store = existing_store(args.store)
    row = update_incident(store, args.incident_id, status=args.status, severity=args.severity,
                          description=args.description, base_version=args.base_version, by=actor(args))
    print(row["row_version"], flush=True)
    note(args, "cli.incident.updated", incident_id=args.incident_id, version=row["row_version"],
         status=row.get("status"), severity=row.get("severity"), by=row.get("updated_by"), at=row.get("updated_at"))
    return 0


# -- cases ------------------------------------------------------------------------------------------------


def read_photos(paths: Sequence[str]) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of each file given with ``--photo``; refused before reading when too large.

    Raises
    ------
    geo.errors.InputFileError
        A missing file, or one over ``GRIDWATCH_MAX_ATTACHMENT_MB``.
    """
    limit = settings.current().max_attachment_mb
    out = []
    for given in paths:
        path = Path(given)
        shown = printable(path.name, 200)
        if not path.is_file():
            raise InputFileError.of("io.not_found", file=printable(given, 400))
        size = path.stat().st_size
        if size > limit * 1024 * 1024:
            raise InputFileError.of("files.too_big", name=shown, mb=f"{size / 1024 / 1024:.1f}", limit=limit)
        out.append((path.name, path.read_bytes()))
    return out


def _warn_duplicates(args: argparse.Namespace, location: str, new_id: str, found: Sequence[dict[str, Any]]) -> None:
    """A warning on stderr naming the likely duplicates of a new report, and how to merge it (none with --quiet)."""
    if not found or getattr(args, "quiet", False):
        return
    names = i18n.t("cli.case.dup_sep", args.lang).join(
        i18n.t("cli.case.dup_item", args.lang, case=printable(str(d.get("incident_id")), 100),
               metres=float(d.get("distance_m") or 0.0), stage=_stage_label(d.get("status"), args.lang))
        for d in found[:5])
    print(i18n.t("cli.case.duplicates", args.lang, n=len(found), case=printable(new_id, 100), found=names,
                 store=printable(location, 400),
                 into=printable(str(found[0].get("incident_id")), 100)), file=sys.stderr, flush=True)


def _stage_label(stage: object, lang: str) -> str:
    code = schema.LEGACY_STAGES.get(str(stage), str(stage))
    return f"{i18n.t(f'status.{code}', lang)}({code})" if lang == "zh" else code


def _clock(store: Store, cases: pd.DataFrame) -> pd.DataFrame:
    """:func:`geo.cases.timing.evaluate` of ``cases`` now, storm mode as the store has it."""
    from .cases import storm, timing
    from .storage import now_text

    return timing.evaluate(cases, timing.load_limits(), now_text(), storm=storm.storm_of(store)[0] is not None)


def _print_case(args: argparse.Namespace, store: Store, case: dict[str, Any]) -> None:
    """The case's stage, party, deadline and state: one line on stdout."""
    from .cases.parties import party_names

    clock = _clock(store, pd.DataFrame([case])).iloc[0]
    party = case.get("party")
    party_text = "-" if _blank(party) else party_names(store, args.lang).get(str(party), str(party))
    deadline = clock.get("deadline")
    print(i18n.t("cli.case.now", args.lang, case=printable(str(case["incident_id"]), 100),
                 stage=_stage_label(case.get("status"), args.lang), party=printable(party_text, 200),
                 deadline="-" if _blank(deadline) else deadline,
                 state=i18n.t(f"cli.case.state.{clock.get('state') or 'ended'}", args.lang),
                 version=case.get("row_version")), flush=True)


def cmd_incident_set(args: argparse.Namespace) -> int:
    """``incident set``: :func:`geo.cases.actions.set_stage`; the case's new stage, party, deadline and state."""
    from .cases import actions

    store = existing_store(args.store)
    case = actions.set_stage(store, args.incident_id, args.stage, by=actor(args), party=args.party, note=args.note,
                             photos=read_photos(args.photo), into=args.into, base_version=args.base_version)
    _print_case(args, store, case)
    return 0


def cmd_incident_merge(args: argparse.Namespace) -> int:
    """``incident merge``: :func:`geo.cases.actions.merge`."""
    from .cases import actions

    store = existing_store(args.store)
    case = actions.merge(store, args.incident_id, args.into, by=actor(args), note=args.note,
                         base_version=args.base_version)
    _print_case(args, store, case)
    return 0


def history_table(store: Store, case_id: str, lang: str) -> pd.DataFrame:
    """The history of a case as users read it: time, who, step, from, to, party, note, attachments."""
    from .cases import actions
    from .cases.files import file_names
    from .cases.parties import party_names

    events = actions.history(store, case_id)
    hashes = [h for cell in events["files"].fillna("") for h in str(cell).split()]
    names = file_names(store, hashes)
    parties = party_names(store, lang)

    def stage(v: object) -> str:
        return "" if _blank(v) else i18n.t(f"status.{v}", lang)

    return pd.DataFrame({
        i18n.t("cli.case.col.at", lang): events["at"].fillna("").astype(str),
        i18n.t("cli.case.col.by", lang): events["by"].fillna("").astype(str),
        i18n.t("cli.case.col.action", lang): [i18n.t(f"action.{a}", lang) for a in events["action"].astype(str)],
        i18n.t("cli.case.col.from", lang): [stage(v) for v in events["from_stage"]],
        i18n.t("cli.case.col.to", lang): [stage(v) for v in events["to_stage"]],
        i18n.t("cli.case.col.party", lang): ["" if _blank(p) else parties.get(str(p), str(p)) for p in events["party"]],
        i18n.t("cli.case.col.note", lang): events["note"].fillna("").astype(str),
        i18n.t("cli.case.col.files", lang): [" ".join(names.get(h, h[:12]) for h in str(c or "").split())
                                             for c in events["files"].fillna("")],
        i18n.t("cli.case.col.related", lang): events["related"].fillna("").astype(str),
    })


def cmd_incident_history(args: argparse.Namespace) -> int:
    """``incident history``: the timeline on stdout, or a CSV (BOM, :mod:`geo.safe`) or JSON file."""
    store = existing_store(args.store)
    table = history_table(store, args.incident_id, args.lang)
    if args.out:
        suffix = Path(args.out).suffix.lower()
        if suffix == ".json":
            try:
                Path(args.out).write_text(json.dumps(table.to_dict("records"), ensure_ascii=False, indent=1),
                                          encoding="utf-8")
            except OSError as exc:
                raise OptionError.of("cli.cannot_write", path=args.out, why=exc.strerror or str(exc)) from exc
        elif suffix == ".csv":
            write_csv(table, args.out)
        else:
            raise OptionError.of("cli.case.history_out", path=printable(args.out, 400))
        print(i18n.t("cli.case.history_written", args.lang, path=args.out, n=len(table)))
        return 0
    for row in table.itertuples(index=False):
        at, by, action, frm, to, party, text, files, related = (printable(v, 400) for v in row)
        move = f"{frm} → {to}" if frm and frm != to else to
        extra = "  ".join(p for p in (party, related and f"↔ {related}", text, files and f"[{files}]") if p)
        print(f"{at}  {by or '-'}  {action}  {move}  {extra}".rstrip())
    return 0
