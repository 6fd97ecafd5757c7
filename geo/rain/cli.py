"""Command-line commands of the rain emergency.

``checklist``, ``checklist-import``, ``vulnerable-import``, ``levels`` and ``flood``.

Mounted by :mod:`geo.cli` with :func:`add_commands`; each handler is thin
and calls the same functions the app uses. Errors are
:class:`geo.errors.GridWatchError`, which the CLI prints on one line with
its hint (exit status 2).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..access import User, acting
from ..crs import parse_lonlat
from ..safe import printable
from ..store_cli import actor

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["add_commands", "cmd_checklist", "cmd_checklist_import", "cmd_flood", "cmd_levels",
           "cmd_vulnerable_import"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the rain-emergency subcommands to the CLI's subparsers."""
    p = sub.add_parser("checklist", help="rain emergency inspection checklist (PDF, XLSX or CSV)")
    p.add_argument("--store", required=True, help="the store (.gpkg)")
    p.add_argument("--level", required=True, help="warning level: blue|yellow|orange|red (蓝/黄/橙/红)")
    p.add_argument("--grid", action="append", help="only this grid id (repeatable; default: every grid)")
    p.add_argument("--format", choices=("pdf", "xlsx", "csv"), help="default: from the --out suffix")
    p.add_argument("--out", required=True, help="output file")
    p.add_argument("--levels", help="warning level table (.json/.toml) overriding the defaults (default: $GRIDWATCH_LEVELS)")
    p.add_argument("--for", dest="for_role", metavar="ROLE",
                   help="make the copy for a recipient of this role (admin|staff|grid_worker|party|viewer): "
                        "names and phones masked as that role sees them, never more open than yours "
                        "(default: for you)")
    p.add_argument("--inspector", default="", help="inspector's name printed in the header")
    p.set_defaults(func=cmd_checklist)

    p = sub.add_parser("levels", help="show the rainstorm warning levels and what each puts on the checklist")
    p.add_argument("--levels", help="warning level table (.json/.toml) overriding the defaults (default: $GRIDWATCH_LEVELS)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.set_defaults(func=cmd_levels)

    p = sub.add_parser("checklist-import", help="read a filled-in checklist (XLSX or CSV) back into the store")
    p.add_argument("--store", required=True, help="the store (.gpkg)")
    p.add_argument("file", help="the filled checklist (.xlsx or .csv)")
    p.add_argument("--inspector", help="inspector's name when the sheet does not give one")
    p.set_defaults(func=cmd_checklist_import)

    p = sub.add_parser("vulnerable-import", help="load the register of vulnerable residents (CSV or XLSX)")
    p.add_argument("--store", required=True, help="the store (.gpkg)")
    p.add_argument("file", help="register: building_id, unit, name, category (or 楼栋编号, 单元, 姓名, 类别)")
    p.set_defaults(func=cmd_vulnerable_import)

    p = sub.add_parser("flood", help="who and what is near a flooding point (CSV, XLSX or PDF)")
    p.add_argument("--store", required=True, help="the store (.gpkg)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--incident", help="id of a flooding report in the store")
    where.add_argument("--at", help="lon,lat of the flooding point (WGS-84)")
    where.add_argument("--polygon", help="flooded area: a GeoJSON/GeoPackage file, or 'lon,lat; lon,lat; lon,lat'")
    where.add_argument("--zone", help="id of a flood zone in the store (import --flood-zones)")
    p.add_argument("--radius", type=float, default=100.0, help="metres around the point (default 100)")
    p.add_argument("--for", dest="for_role", metavar="ROLE",
                   help="make the copy for a recipient of this role (admin|staff|grid_worker|party|viewer), "
                        "never more open than yours (default: for you)")
    p.add_argument("--out", required=True, help="output .csv, .xlsx or .pdf")
    p.set_defaults(func=cmd_flood)


def _progress(label: str, quiet: bool = False) -> Callable[[int, int], None]:
    """A one-line progress bar on stderr for work over several grids."""

    def show(done: int, total: int) -> None:
        if quiet or total < 2:
            return
        fill = int(30 * done / total)
        sys.stderr.write(f"\r{label} [{'#' * fill}{'.' * (30 - fill)}] {done}/{total}")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def cmd_levels(args: argparse.Namespace) -> int:
    """``python -m geo levels``."""
    from .levels import configured_levels, levels_table

    table = levels_table(configured_levels(args.levels), lang=args.lang)
    for _, row in table.iterrows():
        print(" | ".join(f"{k}: {v}" for k, v in row.items()))
    return 0


def cmd_checklist(args: argparse.Namespace) -> int:
    """``python -m geo checklist``."""
    from ..store import open_store
    from .checklist import checklists_from_store
    from .documents import write_checklists
    from .levels import configured_levels

    store = open_store(args.store)
    _require_store(args.store)
    levels = configured_levels(args.levels)
    reader = _reader(store, args, args.grid)
    lists = checklists_from_store(store, args.level, grid_ids=args.grid, levels=levels, user=reader,
                                  inspector=args.inspector, workers=os.cpu_count() or 1,
                                  progress=_progress("building", getattr(args, "quiet", False)))
    out = write_checklists(lists, args.out, args.format, progress=_progress("rendering", getattr(args, "quiet", False)))
    n = sum(len(c.section("grate")) for c in lists)
    print(f"{out}: {len(lists)} grid(s), {n} rain grate(s), level {args.level}")
    return 0


def cmd_checklist_import(args: argparse.Namespace) -> int:
    """``python -m geo checklist-import``."""
    from ..store import open_store
    from .inspection import import_checklist

    _require_store(args.store)
    report = import_checklist(open_store(args.store), args.file, inspector=args.inspector, by=actor(args))
    print("\n".join(report.lines()))
    print("store updated" if report.written else "nothing new: store unchanged")
    return 0


def cmd_vulnerable_import(args: argparse.Namespace) -> int:
    """``python -m geo vulnerable-import``."""
    from ..store import open_store
    from .inspection import import_register

    _require_store(args.store)
    report = import_register(open_store(args.store), args.file, by=actor(args))
    kept = report.recorded or report.unchanged
    print(f"登记 {kept} 人；未导入 {len(report.problems)} 行。")
    print("\n".join(report.lines()[1:]))
    if report.written:
        print(f"store updated (register replaced: {report.revised} earlier row(s))")
    else:
        print("nothing new: store unchanged")
    return 0


def cmd_flood(args: argparse.Namespace) -> int:
    """``python -m geo flood``."""
    from ..store import open_store
    from .flood import export_response, flood_response, parse_polygon, read_layers

    _require_store(args.store)
    at = parse_lonlat(args.at) if args.at else None
    polygon = parse_polygon(args.polygon) if args.polygon else None
    store = open_store(args.store)
    resp = flood_response(read_layers(store), incident_id=args.incident, at=at,
                          polygon=polygon, zone=args.zone, radius=args.radius, user=_reader(store, args, None))
    export_response(resp, args.out)
    s = resp.summary
    print(f"{args.out}: {resp.title}: {s['buildings']} buildings, {s['residents']} residents, "
          f"{s['elderly_alone']} elderly living alone, {s['basements']} basements, "
          f"{s['grates']} grates, {s['wires_critical']} critical flying wire(s)")
    return 0


def _reader(store: Store, args: argparse.Namespace, grids: list[str] | None) -> User:
    """Whom the document is for: ``--for ROLE`` (never more open than the acting user), else the acting user."""
    from .. import schema
    from ._shared import communities_of, recipient

    by = acting(actor(args))
    role = getattr(args, "for_role", None)
    if not role:
        return by
    return recipient(by, role, communities_of(store.read(schema.GRIDS)), grids)


def _require_store(path: str) -> None:
    """Refuse a GeoPackage path that does not exist (a database address is checked when opened)."""
    from ..store import is_database_address

    if not is_database_address(path) and not Path(path).exists():
        from ..errors import StoreError

        raise StoreError.of("rain.no_store", store=f"'{printable(path)}'")
