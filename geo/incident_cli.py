"""Command-line commands of single incidents: ``incident add``, ``incident list``, ``incident update``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo incident add --store S --type T --lon X --lat Y [--severity ...] [--by NAME]
    python -m geo incident list --store S [--grid G] [--status ...] [--type ...] [--out FILE.csv]
    python -m geo incident update --store S ID [--status ...] [--version N] [--by NAME]

Each calls the function of :mod:`geo.incidents` the app's report form
calls. What a script reads is the one line on stdout (the new id, the new
``row_version``, or the CSV); details go to stderr. An update with
``--version`` that someone else's change has overtaken is refused with
:class:`geo.errors.ConflictError` (who changed it, when, its values now;
exit status 2).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import pandas as pd

from . import i18n, schema
from .errors import OptionError
from .incidents import LIST_COLUMNS, list_incidents, report_incident, update_incident
from .pipeline import link_distance_of
from .safe import spreadsheet_frame
from .store_cli import by_option, existing_store, note

__all__ = ["add_commands", "cmd_incident_add", "cmd_incident_list", "cmd_incident_update", "write_csv"]


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
    a.add_argument("--lon", required=True, type=float, help="longitude, WGS-84 degrees")
    a.add_argument("--lat", required=True, type=float, help="latitude, WGS-84 degrees")
    a.add_argument("--severity", default="medium", choices=schema.SEVERITIES, help="default medium")
    a.add_argument("--description", default="", help="free text (at most 2000 characters are kept)")
    a.add_argument("--status", help="status (default: reported for events, ok for assets)")
    a.add_argument("--depth-cm", type=float, help="water depth in centimetres (flooding)")
    a.add_argument("--id", dest="incident_id", help="the incident's id (default: a new one, e.g. R20261203-0001)")
    by_option(a)
    a.set_defaults(func=cmd_incident_add)

    ls = actions.add_parser("list", help="the incidents as CSV (stdout, or --out FILE.csv)",
                            description="List incidents as CSV: " + ", ".join(LIST_COLUMNS) + ". Filters "
                                        "repeat or take commas: --status reported,assigned.")
    _store_option(ls)
    ls.add_argument("--grid", action="append", default=[], metavar="ID", help="only this grid (repeatable)")
    ls.add_argument("--status", action="append", default=[], help="only these statuses (repeatable, or commas)")
    ls.add_argument("--type", action="append", default=[], metavar="CODE", help="only these types (repeatable, or commas)")
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


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, help="the store: a .gpkg file or a postgresql:// address")


def cmd_incident_add(args: argparse.Namespace) -> int:
    """``incident add``: :func:`geo.incidents.report_incident`; the new id on stdout, details on stderr."""
    store = existing_store(args.store)
    row = report_incident(store, type=args.type, lon=args.lon, lat=args.lat, severity=args.severity,
                          description=args.description, status=args.status, depth_cm=args.depth_cm,
                          incident_id=args.incident_id, by=args.by)
    print(row["incident_id"], flush=True)
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
    table = table[[c for c in LIST_COLUMNS if c in table.columns]]
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
                          description=args.description, base_version=args.base_version, by=args.by)
    print(row["row_version"], flush=True)
    note(args, "cli.incident.updated", incident_id=args.incident_id, version=row["row_version"],
         status=row.get("status"), severity=row.get("severity"), by=row.get("updated_by"), at=row.get("updated_at"))
    return 0
