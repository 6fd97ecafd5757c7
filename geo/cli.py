"""The command line: ``python -m geo COMMAND ...``.

Thin: each command parses its options and calls the same geo/ function
the app calls. Exit status 0 on success, 2 on bad input (a one-line reason
and a hint on stderr, no traceback unless ``--debug``), 1 on an internal
error.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .errors import GridWatchError, OptionError, SchemaError
from .safe import printable
from .store_cli import actor

if TYPE_CHECKING:
    import pandas as pd

    from .store import Store

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction  # the object ``add_subparsers`` returns


class Progress:
    """Stage messages on stderr with elapsed time (quiet with ``--quiet``)."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def __call__(self, text: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {text}", file=sys.stderr, flush=True)


# -- demo --------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .pipeline import build_demo

    out = build_demo(Path(args.out), scale=args.scale, seed=args.seed, progress=Progress(args.quiet))
    print(out)
    return 0


def _add_demo(sub: Subparsers) -> None:
    p = sub.add_parser("demo", help="generate the demo community (or a city-scale set)")
    p.add_argument("--out", required=True, help="folder for the GeoJSON layers and gridwatch.gpkg")
    p.add_argument("--scale", choices=("community", "city"), default="community")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(func=_cmd_demo)


# -- import / validate -----------------------------------------------------------


def _layer_options(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--grids", metavar="FILE")
    src.add_argument("--buildings", metavar="FILE")
    src.add_argument("--incidents", metavar="FILE")
    src.add_argument("--streets", metavar="FILE", help="street lines, or an OpenStreetMap .osm/.osm.pbf file")
    src.add_argument("--flood-zones", metavar="FILE",
                     help="flood-zone polygons (e.g. a 100-year floodplain): zone_id, name, return_period_years, "
                          "depth_m, source")
    p.add_argument("--layer", help="layer of a GeoPackage/KML, or sheet of an XLSX")
    p.add_argument("--crs", help="coordinate system of the file: EPSG code, cgcs2000, gcj02 or bd09")
    p.add_argument("--x-field", help="longitude / x column of a CSV or XLSX")
    p.add_argument("--y-field", help="latitude / y column of a CSV or XLSX")
    p.add_argument("--swap-xy", action="store_true", help="the file has latitude and longitude swapped")
    p.add_argument("--id-field", help="column holding the id (grid_id / building_id / incident_id)")
    p.add_argument("--type", dest="type_value", help="incident type of every row, e.g. drain_grate")
    p.add_argument("--type-field", help="column holding the incident type")
    p.add_argument("--merge-duplicates", action="store_true",
                   help="rows sharing an id are pieces of one feature (tiled exports): merge them, drop label points")
    p.add_argument("--field", action="append", default=[], metavar="SCHEMA=COLUMN",
                   help="map another column, e.g. --field name=楼栋名称 (repeatable)")
    p.add_argument("--map", action="append", default=[], metavar="COLUMN=FROM:TO,... | FILE.toml",
                   help="map the file's codes onto ours, e.g. --map status=Open:reported,Closed:resolved or "
                        "--map 状态=开放:reported; or a TOML file with a table per column (repeatable)")
    p.add_argument("--id-from-row", nargs="?", const="", default=None, metavar="PREFIX",
                   help="the file has no ids: number the rows (PREFIX + line of a CSV/XLSX or feature number; "
                        "default prefix G, B, I or the --type code)")
    p.add_argument("--sliver-tolerance", metavar="M2",
                   help="grid gaps/overlaps and building overlaps under this many m² are summed on one line "
                        "(default 50)")
    p.add_argument("--max-text", metavar="CHARS", help="longest text cell accepted (default 10000)")
    p.add_argument("--link-distance", metavar="METRES",
                   help="link an incident to the nearest building within this many metres (default 30, at most 500); "
                        "import keeps it in the store for every later join, validate only checks it")


def _layer_args(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
    kind = next(k for k in schema.LAYERS if getattr(args, k, None))
    fields: dict[str, str] = {}
    for item in args.field:
        if "=" not in item:
            raise OptionError.of("cli.field_syntax", item=printable(item, 80))
        k, v = item.split("=", 1)
        fields[k.strip()] = v.strip()
    if args.id_field:
        fields[schema.ID_COLUMN[kind]] = args.id_field
    if kind != schema.INCIDENTS and (args.type_value or args.type_field):
        raise OptionError.of("cli.type_not_incidents", layer=kind)
    if kind == schema.STREETS and args.link_distance is not None:
        raise OptionError.of("cli.link_streets")
    options: dict[str, Any] = {}
    if kind != schema.STREETS:
        from .io import parse_value_maps

        options = {"layer": args.layer, "crs": args.crs, "x_field": args.x_field, "y_field": args.y_field,
                   "swap_xy": args.swap_xy, "fields": fields, "type_value": args.type_value,
                   "type_field": args.type_field, "merge_duplicates": args.merge_duplicates,
                   "value_maps": parse_value_maps(args.map), "id_from_row": args.id_from_row}
        if args.sliver_tolerance is not None:
            options["sliver_m2"] = _number_option("--sliver-tolerance", args.sliver_tolerance, 0.0, 1e9)
        if args.max_text is not None:
            options["max_text"] = int(_number_option("--max-text", args.max_text, 1.0, 10_000_000.0))
    return kind, getattr(args, kind), options


def _number_option(flag: str, text: str, low: float, high: float) -> float:
    """The number given after ``flag``, refused outside ``low``..``high``."""
    import math

    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise OptionError.of("cli.number_option", flag=flag, value=printable(text, 40), low=f"{low:g}", high=f"{high:g}")
    return value


def _link_distance(args: argparse.Namespace) -> float | None:
    """``--link-distance`` in metres (refused when impossible), None when not given."""
    from .pipeline import check_link_distance

    return None if args.link_distance is None else check_link_distance(args.link_distance)


def _cmd_import(args: argparse.Namespace) -> int:
    from .pipeline import import_layer
    from .store import open_store

    progress = Progress(args.quiet)
    kind, path, options = _layer_args(args)
    metres = _link_distance(args)
    store = open_store(args.store)
    progress(f"importing {kind} from {path} into {store.location}")
    from .pipeline import ImportRefused

    try:
        report = import_layer(store, kind, path, replace=args.replace, progress=progress, link_distance=metres,
                              by=actor(args), **options)
    except ImportRefused as exc:
        print(exc.report.to_text(args.lang))
        raise
    progress("done")
    print(report.to_text(args.lang))
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .io import load_layer

    kind, path, options = _layer_args(args)
    _link_distance(args)
    store = _existing_store(args.store) if args.store else None
    if kind == schema.STREETS:
        from .streets import read_streets, streets_report

        streets, dropped = read_streets(path)
        grids = store.read(schema.GRIDS) if store is not None else None
        print(streets_report(streets, dropped, source=os.path.basename(path), grids=grids).to_text(args.lang))
        return 0
    if kind == schema.FLOOD_ZONES:
        from .io import load_zones

        _, report = load_zones(path, **options)
    elif store is not None:
        # the import's own path, writing nothing: validate passes what import takes
        from .pipeline import ImportRefused, import_layer

        try:
            report = import_layer(store, kind, path, dry_run=True, **options)
        except ImportRefused as exc:
            report = exc.report
    else:
        _, report = load_layer(path, kind, **options)
    print(report.to_text(args.lang))
    if args.report:
        _write_csv(report.to_frame(args.lang), args.report)
    if report.ok:
        return 0
    raise SchemaError.of("validate.refused", source=report.source, n=len(report.errors),
                         errors=_Localized(lambda lang: report.summary(lang, limit=1)))


class _Localized:
    """A message value computed in the reader's language (``text(lang)``)."""

    def __init__(self, fn: Callable[[str], str]) -> None:
        self.fn = fn

    def text(self, lang: str) -> str:
        return self.fn(lang)

    def __format__(self, spec: str) -> str:
        return self.fn("en")


def _write_csv(table: pd.DataFrame, path: str, *, encoding: str = "utf-8") -> None:
    """Write ``table`` as CSV, formula-like text neutralised (:func:`geo.safe.spreadsheet_frame`)."""
    from .safe import spreadsheet_frame

    try:
        spreadsheet_frame(table).to_csv(path, index=False, encoding=encoding)
    except OSError as exc:
        raise OptionError.of("cli.cannot_write", path=path, why=exc.strerror or str(exc)) from exc


def _existing_store(location: str) -> Store:
    """The store at ``location``, refusing one that was never written."""
    from .errors import StoreError
    from .store import open_store

    store = open_store(location)
    if not store.layers():
        raise StoreError.of("cli.no_layers", location=store.location)
    return store


def _add_import(sub: Subparsers) -> None:
    p = sub.add_parser("import", help="load a layer into the store (validated, joined, atomic)")
    p.add_argument("--store", required=True, help="the store, e.g. data/gridwatch.gpkg")
    p.add_argument("--replace", action="store_true", help="replace the stored layer instead of merging by id")
    _layer_options(p)
    p.set_defaults(func=_cmd_import)
    v = sub.add_parser("validate", help="check a layer file and print the report (writes nothing)")
    v.add_argument("--store", help="check points against this store's grids")
    v.add_argument("--report", metavar="CSV", help="also write the report as CSV")
    _layer_options(v)
    v.set_defaults(func=_cmd_validate)


# -- summary -----------------------------------------------------------------


def _cmd_summary(args: argparse.Namespace) -> int:
    from .summary import grid_summary

    store = _existing_store(args.store)
    layers = store.read_many([schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS])
    table = grid_summary(layers[schema.GRIDS], layers[schema.BUILDINGS], layers[schema.INCIDENTS],
                         types=list(store.incident_types()))
    _write_csv(table, args.out, encoding="utf-8-sig")
    print(f"{args.out}: {len(table) - 1} grids + outside row")
    return 0


def _add_summary(sub: Subparsers) -> None:
    p = sub.add_parser("summary", help="per-grid figures as CSV")
    p.add_argument("--store", required=True)
    p.add_argument("--out", required=True, help="CSV file to write")
    p.set_defaults(func=_cmd_summary)


# -- incident types ------------------------------------------------------------


def _cmd_types(args: argparse.Namespace) -> int:
    from .store import open_store

    store = open_store(args.store)
    if args.action == "add":
        if not args.code:
            raise OptionError.of("types.no_code")
        t = schema.register_type(args.code, args.zh, args.en, asset=True if args.asset else None,
                                 color=args.color, icon=args.icon, existing=store.incident_types())
        store.add_incident_type(t, by=actor(args))
    for t in store.incident_types().values():
        fields = (t.code, t.label_zh, t.label_en, "asset" if t.asset else "event", t.color, t.icon)
        print("\t".join(printable(f, 200) for f in fields))
    return 0


def _add_types(sub: Subparsers) -> None:
    p = sub.add_parser("types", help="list, add or change incident types",
                       description="List the store's incident types, add one, or change a user type "
                                   "(labels, colour and icon not given are kept).")
    p.add_argument("action", choices=("list", "add"))
    p.add_argument("code", nargs="?")
    p.add_argument("--store", required=True)
    p.add_argument("--zh", help="Chinese label")
    p.add_argument("--en", help="English label")
    p.add_argument("--asset", action="store_true", help="a standing asset (status = condition)")
    p.add_argument("--color", help="map colour '#rrggbb' (default: the next unused colour of the palette)")
    p.add_argument("--icon", help="marker glyph, one or two characters (default: the next unused symbol)")
    p.set_defaults(func=_cmd_types)


# -- settings ----------------------------------------------------------------


def _cmd_settings(args: argparse.Namespace) -> int:
    from . import settings

    rows = settings.describe()
    print(settings.table(rows, markdown=args.markdown))
    return 0


def _add_settings(sub: Subparsers) -> None:
    p = sub.add_parser("settings", help="every GRIDWATCH_ setting, its value and where it came from",
                       description="List every setting (environment variable GRIDWATCH_...), the value in force "
                                   "and its source: the environment or the default.")
    p.add_argument("--markdown", action="store_true", help="the documentation's table (variable, type, default, "
                                                           "allowed values, meaning)")
    p.set_defaults(func=_cmd_settings)


# -- the route and rain commands (their packages' own registrars) ------------


def _add_route(sub: Subparsers) -> None:
    from .routing.cli import add_commands  # route (store form and --points form)

    add_commands(sub)


def _add_rain(sub: Subparsers) -> None:
    from .rain.cli import add_commands  # checklist, checklist-import, flood

    add_commands(sub)


def _add_store(sub: Subparsers) -> None:
    from .store_cli import add_commands  # store copy, store check

    add_commands(sub)


def _add_party(sub: Subparsers) -> None:
    from .party_cli import add_commands  # party add/list/remove/import, storm on/off/status

    add_commands(sub)


def _add_incident(sub: Subparsers) -> None:
    from .incident_cli import add_commands  # incident add, incident list, incident update

    add_commands(sub)


def _add_user(sub: Subparsers) -> None:
    from .user_cli import add_commands  # user add/list/set/disable/reset-password, audit

    add_commands(sub)


def _add_serve(sub: Subparsers) -> None:
    from .serve_cli import add_commands  # serve

    add_commands(sub)


def _add_ledger(sub: Subparsers) -> None:
    from .cases.cli import add_commands  # ledger, figures

    add_commands(sub)


#: One function per group of commands, each adding its subcommands.
_REGISTRARS: list[Callable[[Subparsers], None]] = [
    _add_demo, _add_import, _add_summary, _add_types, _add_incident, _add_ledger, _add_party, _add_store,
    _add_route, _add_rain,
    _add_settings, _add_user, _add_serve,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="GridWatch: community grid governance.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in _REGISTRARS:
        register(sub)
    for p in _leaves(sub):
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        p.add_argument("--quiet", action="store_true", help="no progress messages")
        if "--lang" not in p._option_string_actions:  # a command may have its own (levels: of its table)
            p.add_argument("--lang", choices=("en", "zh"), default=_default_lang(),
                           help="language of errors and reports (default: $GRIDWATCH_LANG, else en)")
        store = p._option_string_actions.get("--store")
        if store is not None and store.required:
            p.add_argument("--as", dest="as_user", default=None, metavar="USER",
                           help="act as this account of the store: its role and scope are checked (exit 2 when "
                                "refused); default: the local operator, who may do everything")
    return parser


def _resolve_actor(args: argparse.Namespace) -> None:
    """``args.actor``: the active account named by ``--as`` (refused when unknown or disabled), else None."""
    args.actor = None
    name = getattr(args, "as_user", None)
    if name is None:
        return
    if getattr(args, "by_is_name", False) and args.by:
        raise OptionError.of("cli.as_and_by")
    from .accounts import user_of
    from .store import open_store

    args.actor = user_of(open_store(args.store), name)


def _leaves(sub: Subparsers) -> list[argparse.ArgumentParser]:
    """The parsers that run a command: each command's, or its actions' (``store copy``, ``incident add``).

    The options of every command go on these only: argparse lets an
    action's defaults override what was given before the action's name.
    """
    out: list[argparse.ArgumentParser] = []
    for p in dict.fromkeys(sub.choices.values()):  # aliases name one parser twice
        nested = [a for a in p._actions if isinstance(a, argparse._SubParsersAction)]
        out += _leaves(nested[0]) if nested else [p]
    return out


def _default_lang() -> str:
    from . import settings

    return settings.current().lang


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
        _resolve_actor(args)
        return handler(args)
    except GridWatchError as exc:
        if args.debug:
            raise
        message, hint = exc.localized(args.lang)
        print(f"error: {printable(message, 4000)}", file=sys.stderr)
        if hint:
            print(f"hint: {printable(hint, 4000)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the store was left as it was", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`python -m geo route ... | head`): not an
        # error of ours. Point stdout at /dev/null so Python's own flush at
        # exit does not complain again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        if args.debug:
            raise
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("hint: run again with --debug for the traceback, and report it", file=sys.stderr)
        return 1
