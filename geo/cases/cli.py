"""Command-line commands of the ledger: ``ledger`` and ``figures``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo ledger --store S [--grid G ...] [--type T] [--stage S] [--party P] [--overdue] [--all]
                         [--out ledger.xlsx|ledger.csv] [--lang zh|en]
    python -m geo figures --store S [--by grid|party] [--from DATE] [--to DATE] [--out F.csv|F.xlsx]

Each calls the function of :mod:`geo.cases.ledger` the ledger tab calls.
With ``--out`` the file's suffix picks the format (an XLSX that prints, or
a CSV in UTF-8 with a BOM); without it the table is printed, text made
printable (:func:`geo.safe.printable`). The one line on stderr says what
was written.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .. import i18n
from ..access import acting
from ..errors import OptionError
from ..privacy import made_for
from ..safe import printable
from ..storage import now_text
from ..store_cli import actor, existing_store, note
from .ledger import figures, ledger
from .ledger_xlsx import figures_csv, figures_table, figures_xlsx, ledger_csv, ledger_table, ledger_xlsx
from .storm import storm_of

__all__ = ["add_commands", "cmd_figures", "cmd_ledger"]

_FORMATS = (".xlsx", ".csv")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``ledger`` and ``figures`` commands to the CLI's subparsers."""
    p = sub.add_parser("ledger", help="the ledger (台账) of open cases: print it, or write XLSX / CSV",
                       description="The ledger of open cases (台账): grid, case, type, stage, age, party, "
                                   "deadline, time used, overdue, reworks, why parked. Sorted by grid, overdue "
                                   "first, then deadline. --out FILE.xlsx writes a workbook that prints "
                                   "(A4 landscape, signature lines), FILE.csv a CSV for Excel.")
    _store_option(p)
    p.add_argument("--grid", action="append", default=[], metavar="ID", help="only this grid (repeatable, or commas)")
    p.add_argument("--type", action="append", default=[], metavar="CODE", help="only these types (repeatable, or commas)")
    p.add_argument("--stage", action="append", default=[], metavar="STAGE",
                   help="only these stages, e.g. dispatched,parked (repeatable, or commas)")
    p.add_argument("--party", action="append", default=[], metavar="PARTY",
                   help="only cases of this party, by id or name (repeatable, or commas)")
    p.add_argument("--overdue", action="store_true", help="only the cases overdue now")
    p.add_argument("--all", dest="all_cases", action="store_true",
                   help="every case, ended ones (closed, cancelled, merged) included")
    p.add_argument("--out", metavar="FILE", help="write ledger.xlsx or ledger.csv instead of printing")
    p.set_defaults(func=cmd_ledger)

    f = sub.add_parser("figures", help="case figures per grid or party over a period",
                       description="Per grid (or party) over a period: reported, accepted, handled, handled on "
                                   "time and the on-time rate (按期处置率; open overdue cases count as late), "
                                   "overdue now, reworked and the rework rate, fixed on the spot, parked, closed, "
                                   "median and 90th percentile hours to close; a total row last.")
    _store_option(f)
    f.add_argument("--by", choices=("grid", "party"), default="grid", help="one row per grid (default) or party")
    f.add_argument("--from", dest="start", metavar="DATE", help="first day of the period (2026-12-01), or a time")
    f.add_argument("--to", dest="end", metavar="DATE", help="last day of the period (included), or a time (excluded)")
    f.add_argument("--out", metavar="FILE", help="write F.xlsx or F.csv instead of printing")
    f.set_defaults(func=cmd_figures)


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, help="the store: a .gpkg file or a postgresql:// address")


def _values(given: Sequence[str]) -> list[str] | None:
    """Repeated and comma-separated values as one list (None when none given)."""
    out = [v.strip() for item in given for v in item.split(",") if v.strip()]
    return out or None


def _suffix(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in _FORMATS:
        raise OptionError.of("ledger.format", path=path, allowed=", ".join(_FORMATS))
    return suffix


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise OptionError.of("cli.cannot_write", path=path, why=exc.strerror or str(exc)) from exc


def _print(table: pd.DataFrame) -> None:
    if table.empty:
        return
    shown = table.map(lambda v: printable(v, 60) if isinstance(v, str) else v)
    with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 250,
                           "display.unicode.east_asian_width", True):
        sys.stdout.write(shown.to_string(index=False) + "\n")
    sys.stdout.flush()


def cmd_ledger(args: argparse.Namespace) -> int:
    """``ledger``: :func:`geo.cases.ledger.ledger`, printed or written as XLSX / CSV."""
    suffix = _suffix(args.out) if args.out else None
    store = existing_store(args.store)
    grids, types, stages, parties = (_values(v) for v in (args.grid, args.type, args.stage, args.party))
    table = ledger(store, grids=grids, types=types, stages=stages, parties=parties, overdue=args.overdue,
                   open_only=not args.all_cases, lang=args.lang)
    n_overdue = int(table["overdue"].sum())
    if suffix is None:
        _print(ledger_table(table, args.lang))
        if table.empty:
            note(args, "cli.ledger.empty")
        return 0
    if suffix == ".csv":
        data = ledger_csv(table, args.lang)
    else:
        filters = {"grid": grids, "type": types, "stage": stages, "party": parties, "overdue": args.overdue}
        title = i18n.t("ledger.title_all" if args.all_cases else "ledger.title", args.lang)
        data = ledger_xlsx(table, lang=args.lang, title=title, storm=storm_of(store), generated_at=now_text(),
                           filters=filters, made_for=made_for(acting(actor(args)), args.lang))
    _write(args.out, data)
    note(args, "cli.ledger.written", path=args.out, n=len(table), overdue=n_overdue)
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    """``figures``: :func:`geo.cases.ledger.figures`, printed or written as XLSX / CSV."""
    suffix = _suffix(args.out) if args.out else None
    store = existing_store(args.store)
    table = figures(store, by=args.by, start=args.start, end=args.end, lang=args.lang)
    if suffix is None:
        _print(figures_table(table, args.lang))
        return 0
    if suffix == ".csv":
        data = figures_csv(table, args.lang)
    else:
        period = " – ".join(v for v in (args.start or "", args.end or "") if v) or None
        data = figures_xlsx(table, lang=args.lang, generated_at=now_text(), storm=storm_of(store),
                            filters={"period": period})
    _write(args.out, data)
    note(args, "cli.ledger.figures_written", path=args.out, n=len(table))
    return 0
