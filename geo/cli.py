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
from ._errors import GridWatchError, OptionError
from .safe import printable

if TYPE_CHECKING:
    import pandas as pd

    from .store import Store

__all__ = ["main"]

Handler = Callable[[argparse.Namespace], int]


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


def _add_demo(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    p.add_argument("--link-distance", metavar="METRES",
                   help="link an incident to the nearest building within this many metres (default 30, at most 500); "
                        "import keeps it in the store for every later join, validate only checks it")


def _layer_args(args: argparse.Namespace) -> tuple[str, str, dict[str, Any]]:
    kind = next(k for k in schema.LAYERS if getattr(args, k, None))
    fields: dict[str, str] = {}
    for item in args.field:
        if "=" not in item:
            msg = f"--field {item!r} is not SCHEMA=COLUMN."
            raise OptionError(msg, "Write it like --field name=楼栋名称.")
        k, v = item.split("=", 1)
        fields[k.strip()] = v.strip()
    if args.id_field:
        fields[schema.ID_COLUMN[kind]] = args.id_field
    if kind != schema.INCIDENTS and (args.type_value or args.type_field):
        msg = f"--type and --type-field apply to incidents, not to {kind}."
        raise OptionError(msg, "Drop them, or load the file with --incidents.")
    if kind == schema.STREETS and args.link_distance is not None:
        msg = "--link-distance applies to grids, buildings and incidents; streets are not linked to buildings."
        raise OptionError(msg, "Drop it, or give it with the next --grids, --buildings or --incidents import.")
    options: dict[str, Any] = {}
    if kind != schema.STREETS:
        options = {"layer": args.layer, "crs": args.crs, "x_field": args.x_field, "y_field": args.y_field,
                   "swap_xy": args.swap_xy, "fields": fields, "type_value": args.type_value,
                   "type_field": args.type_field, "merge_duplicates": args.merge_duplicates}
    return kind, getattr(args, kind), options


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
    report = import_layer(store, kind, path, replace=args.replace, progress=progress, link_distance=metres,
                          **options)
    progress("done")
    print(report.to_text())
    return 0


def _cmd_validate(args: argparse.Namespace) -> int:
    from .io import load_layer

    kind, path, options = _layer_args(args)
    _link_distance(args)
    if kind == schema.STREETS:
        from .network import load_streets

        streets = load_streets(path)
        print(f"streets from {path}: {len(streets)} lines, nothing wrong found")
        return 0
    store = _existing_store(args.store) if args.store else None
    grids = store.read(schema.GRIDS) if store is not None else None
    types = store.incident_types() if store is not None else None
    if kind == schema.FLOOD_ZONES:
        from .flood import load_zones

        _, report = load_zones(path, **options)
    else:
        _, report = load_layer(path, kind, grids=grids if grids is not None and len(grids) else None,
                               types=types, **options)
    print(report.to_text())
    if args.report:
        _write_csv(report.to_frame(), args.report)
    if report.ok:
        return 0
    first = report.errors[0]
    more = f" (and {len(report.errors) - 1} more error(s), listed above)" if len(report.errors) > 1 else ""
    ids = f" ({', '.join(first.ids[:5])}{' ...' if len(first.ids) > 5 else ''})" if first.ids else ""
    print(f"error: {report.source}: {first.message}{ids}{more}", file=sys.stderr)
    print("hint: fix the file as the report says and validate again; an import would write nothing.", file=sys.stderr)
    return 2


def _write_csv(table: pd.DataFrame, path: str, *, encoding: str = "utf-8") -> None:
    try:
        table.to_csv(path, index=False, encoding=encoding)
    except OSError as exc:
        msg = f"Cannot write {path!r}: {exc.strerror or exc}."
        raise OptionError(msg, "Name a file in a folder that exists and that you may write to.") from exc


def _existing_store(location: str) -> Store:
    """The store at ``location``, refusing one that was never written."""
    from ._errors import StoreError
    from .store import open_store

    store = open_store(location)
    if not store.layers():
        msg = f"Store {location!r} does not exist or holds no layers."
        raise StoreError(msg, "Check --store, or build one with 'python -m geo demo --out DIR' or 'python -m geo import'.")
    return store


def _add_import(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
    table = grid_summary(store.read(schema.GRIDS), store.read(schema.BUILDINGS), store.read(schema.INCIDENTS),
                         types=list(store.incident_types()))
    _write_csv(table, args.out, encoding="utf-8-sig")
    print(f"{args.out}: {len(table) - 1} grids + outside row")
    return 0


def _add_summary(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
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
            msg = "types add needs a CODE."
            raise OptionError(msg, "e.g. python -m geo types add sewage_backup --zh 污水外溢 --en 'Sewage backup'")
        t = schema.register_type(args.code, args.zh or "", args.en or "", asset=args.asset,
                                 color=args.color, icon=args.icon)
        store.add_incident_type(t)
    for t in store.incident_types().values():
        print(f"{t.code}\t{t.label_zh}\t{t.label_en}\t{'asset' if t.asset else 'event'}\t{t.color}")
    return 0


def _add_types(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("types", help="list or add incident types")
    p.add_argument("action", choices=("list", "add"))
    p.add_argument("code", nargs="?")
    p.add_argument("--store", required=True)
    p.add_argument("--zh", help="Chinese label")
    p.add_argument("--en", help="English label")
    p.add_argument("--asset", action="store_true", help="a standing asset (status = condition)")
    p.add_argument("--color", default="#6a3d9a")
    p.add_argument("--icon", default="!")
    p.set_defaults(func=_cmd_types)


# -- commands added by other features register below (one function each) -----

_REGISTRARS: list[Callable[[argparse._SubParsersAction], None]] = [  # type: ignore[type-arg]
    _add_demo, _add_import, _add_summary, _add_types,
]

# >>> routes commands (geo/routes.py) >>>
def _add_route(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .route_cli import add_commands  # route (store form and --points form)

    add_commands(sub)


_REGISTRARS.append(_add_route)
# <<< routes commands <<<

# >>> rain emergency commands (geo/checklist.py, geo/flood.py) >>>
def _add_rain(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from .rain_cli import add_commands  # checklist, checklist-import, flood

    add_commands(sub)


_REGISTRARS.append(_add_rain)
# <<< rain emergency commands <<<


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command."""
    parser = argparse.ArgumentParser(prog="python -m geo", description="GridWatch: community grid governance.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for register in _REGISTRARS:
        register(sub)
    for p in sub.choices.values():
        p.add_argument("--debug", action="store_true", help="show tracebacks")
        p.add_argument("--quiet", action="store_true", help="no progress messages")
        if "--lang" not in p._option_string_actions:  # a command may have its own (levels: of its table)
            p.add_argument("--lang", choices=("en", "zh"), default=_default_lang(),
                           help="language of errors and reports (default: $GRIDWATCH_LANG, else en)")
    return parser


def _default_lang() -> str:
    lang = os.environ.get("GRIDWATCH_LANG", "").strip().lower()
    return lang if lang in ("en", "zh") else "en"


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.func
    try:
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
