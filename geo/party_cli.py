"""Command-line commands of responsible parties and storm mode: ``party ...`` and ``storm ...``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo party list --store S [--out FILE.csv]
    python -m geo party add --store S ID --name NAME [--kind K] [--phone P] [--grids G ...] [--types T ...] [--by NAME]
    python -m geo party remove --store S ID [--by NAME]
    python -m geo party import --store S FILE.csv|FILE.xlsx [--replace] [--by NAME]
    python -m geo storm on --store S --level red|orange [--by NAME]
    python -m geo storm off --store S [--by NAME]
    python -m geo storm status --store S

Each calls the function of :mod:`geo.cases.parties` or
:mod:`geo.cases.storm` the app calls. A refused value (an unknown kind,
grid or type, an id used twice) exits with status 2 and a message naming it.
"""

from __future__ import annotations

import argparse
import sys

from . import i18n
from .cases import parties, storm
from .incident_cli import write_csv
from .safe import printable, spreadsheet_frame
from .store_cli import actor, by_option, existing_store, note

__all__ = ["add_commands", "cmd_party_add", "cmd_party_import", "cmd_party_list", "cmd_party_remove",
           "cmd_storm"]


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, help="the store: a .gpkg file or a postgresql:// address")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``party`` and ``storm`` commands to the CLI's subparsers."""
    p = sub.add_parser("party", help="the responsible parties cases are dispatched to",
                       description="List, add, remove or import the responsible parties (property companies, "
                                   "utilities, street office departments) and the grids and incident types "
                                   "each takes by default.")
    actions = p.add_subparsers(dest="party_action", required=True, metavar="ACTION")
    ls = actions.add_parser("list", help="the parties as CSV (stdout, or --out FILE.csv)",
                            description="List the parties as CSV: " + ", ".join(parties.PARTY_COLUMNS) + ".")
    _store_option(ls)
    ls.add_argument("--out", metavar="FILE.csv", help="write the CSV here (UTF-8 with BOM) instead of stdout")
    ls.set_defaults(func=cmd_party_list)
    a = actions.add_parser("add", help="add one party",
                           description="Add one party. --grids and --types take codes (repeatable, or "
                                       "separated by commas or spaces); * (the default) is all.")
    _store_option(a)
    a.add_argument("party_id", metavar="ID", help="a stable code, e.g. wuye_lvyuan")
    a.add_argument("--name", default="", help="the name users read (default: the id)")
    a.add_argument("--kind", default="other", choices=parties.KINDS, help="default other")
    a.add_argument("--phone", default="", help="contact number")
    a.add_argument("--grids", action="append", default=[], metavar="G", help="grids it serves (default *: all)")
    a.add_argument("--types", action="append", default=[], metavar="T", help="incident types it takes (default *: all)")
    by_option(a)
    a.set_defaults(func=cmd_party_add)
    r = actions.add_parser("remove", help="remove one party", description="Remove one party (cases already "
                                                                         "dispatched to it keep its id).")
    _store_option(r)
    r.add_argument("party_id", metavar="ID", help="the party's id")
    by_option(r)
    r.set_defaults(func=cmd_party_remove)
    i = actions.add_parser("import", help="bring parties in from a CSV or XLSX file",
                           description="Bring parties in from a CSV or XLSX file with the columns "
                                       + ", ".join(parties.PARTY_COLUMNS) + ". A row with a known id replaces "
                                       "it; new ids are added; with --replace the table becomes the file's.")
    _store_option(i)
    i.add_argument("path", metavar="FILE", help="a .csv (UTF-8 or GB18030) or .xlsx file")
    i.add_argument("--replace", action="store_true", help="replace the whole table (parties not in the file go)")
    by_option(i)
    i.set_defaults(func=cmd_party_import)

    s = sub.add_parser("storm", help="storm mode: tighter time limits during a red or orange warning",
                       description="Switch storm mode on (during a red or orange rainstorm warning: the time "
                                   "limits of the types the rain plan names tighten, and the ledger says so), "
                                   "off, or show it.")
    modes = s.add_subparsers(dest="storm_action", required=True, metavar="ACTION")
    on = modes.add_parser("on", help="switch storm mode on", description="Switch storm mode on at a warning level.")
    _store_option(on)
    on.add_argument("--level", required=True, choices=storm.LEVELS, help="the rainstorm warning in force")
    by_option(on)
    on.set_defaults(func=cmd_storm)
    off = modes.add_parser("off", help="switch storm mode off", description="Switch storm mode off.")
    _store_option(off)
    by_option(off)
    off.set_defaults(func=cmd_storm)
    st = modes.add_parser("status", help="whether storm mode is on", description="Show whether storm mode is on, "
                                                                               "at which level and since when.")
    _store_option(st)
    st.set_defaults(func=cmd_storm)


def _codes(given: list[str]) -> str:
    return " ".join(given).strip() or "*"


def cmd_party_list(args: argparse.Namespace) -> int:
    """``party list``: the parties table as CSV (formula-like text neutralised)."""
    table = parties.list_parties(existing_store(args.store))
    if args.out:
        write_csv(table, args.out)
        print(i18n.t("cli.party.listed", args.lang, path=args.out, n=len(table)))
    else:
        sys.stdout.buffer.write(spreadsheet_frame(table).to_csv(index=False).encode("utf-8"))
        sys.stdout.flush()
    return 0


def cmd_party_add(args: argparse.Namespace) -> int:
    """``party add``: :func:`geo.cases.parties.add_party`."""
    row = parties.add_party(existing_store(args.store), party_id=args.party_id, name=args.name, kind=args.kind,
                            phone=args.phone, grids=_codes(args.grids), types=_codes(args.types), by=actor(args))
    print(i18n.t("cli.party.added", args.lang, party=printable(row["party_id"], 200), name=printable(row["name"], 200),
                 kind=i18n.t(f"party_kind.{row['kind']}", args.lang), grids=printable(row["grids"], 400), types=printable(row["types"], 400)))
    return 0


def cmd_party_remove(args: argparse.Namespace) -> int:
    """``party remove``: :func:`geo.cases.parties.remove_party`."""
    parties.remove_party(existing_store(args.store), args.party_id, by=actor(args))
    print(i18n.t("cli.party.removed", args.lang, party=printable(args.party_id, 200)))
    return 0


def cmd_party_import(args: argparse.Namespace) -> int:
    """``party import``: :func:`geo.cases.parties.import_parties`; the counts on stdout."""
    store = existing_store(args.store)
    note(args, "cli.party.importing", path=args.path)
    counts = parties.import_parties(store, args.path, by=actor(args), replace=args.replace)
    print(i18n.t("cli.party.imported", args.lang, **counts))
    return 0


def cmd_storm(args: argparse.Namespace) -> int:
    """``storm on|off|status``: :func:`geo.cases.storm.set_storm` / :func:`geo.cases.storm.storm_of`."""
    store = existing_store(args.store)
    if args.storm_action == "on":
        level, since = storm.set_storm(store, args.level, by=actor(args))
    elif args.storm_action == "off":
        level, since = storm.set_storm(store, None, by=actor(args))
    else:
        level, since = storm.storm_of(store)
    if level is None:
        print(i18n.t("cli.storm.off", args.lang))
    else:
        print(i18n.t("cli.storm.on", args.lang, level=i18n.t(f"storm.{level}", args.lang), since=since or "?"))
    return 0
