"""Command-line command ``route``: patrol routes from the store or from a CSV of points.

Mounted by :mod:`geo.cli` with :func:`add_commands`. Two forms::

    python -m geo route --store S --grid G [--grid G2] --types drain_grate[,flooding] [--status blocked,...]
                        [--start ID|lon,lat] [--patrollers K] [--closed|--open] [--time-limit S]
                        [--sheet-lang zh|en] --out FILE.{gpx,kml,geojson,csv,pdf,zip}
    python -m geo route --points FILE.csv --crs EPSG:NNNN [--x-field x --y-field y] [--closed] --out tour.csv

Errors are :class:`geo.errors.GridWatchError` (one line and a hint, exit 2).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from .. import privacy, schema
from ..access import acting
from ..errors import InputFileError, OptionError
from ..safe import printable, spreadsheet_frame
from ..store_cli import actor
from . import export
from .plan import RoutePlan, plan_from_store, plan_routes
from .points import resolve_start

__all__ = ["add_commands", "cmd_route", "resolve_start"]

def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``route`` subcommand to the CLI's subparsers."""
    p = sub.add_parser("route", help="patrol routes along the streets (GPX, KML, GeoJSON, CSV, PDF)")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--store", help="the store (.gpkg): route its incidents along its streets")
    src.add_argument("--points", metavar="CSV", help="route the rows of a CSV of coordinates instead (writes tour.csv)")
    p.add_argument("--grid", action="append", default=[], help="grid id (repeatable; default: every grid)")
    p.add_argument("--types", default="", help="incident types, comma-separated, e.g. drain_grate,flying_wire")
    p.add_argument("--status", default="", help="statuses to visit, comma-separated (default: all)")
    p.add_argument("--start", help="start: a building, incident or grid id, or lon,lat (WGS-84)")
    p.add_argument("--patrollers", type=int, default=1, help="number of patrollers sharing the points (default 1)")
    loop = p.add_mutually_exclusive_group()
    loop.add_argument("--closed", dest="closed", action="store_true", default=None, help="return to the start")
    loop.add_argument("--open", dest="closed", action="store_false", help="end at the last point")
    p.add_argument("--time-limit", type=float, default=2.0, help="seconds for the planning (default 2)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--max-stops", type=int, help="most stops per patroller")
    p.add_argument("--max-length", type=float, help="longest route allowed per patroller (metres)")
    p.add_argument("--straight", action="store_true", help="ignore the street network: straight lines")
    p.add_argument("--format", choices=tuple(export.FORMATS), help="file format inside a .zip (default gpx)")
    p.add_argument("--crs", help="with --points: coordinate system of the CSV, e.g. EPSG:4326 or EPSG:32650")
    p.add_argument("--x-field", help="with --points: x / longitude column")
    p.add_argument("--y-field", help="with --points: y / latitude column")
    p.add_argument("--sheet-lang", choices=("zh", "en"), default="zh",
                   help="language of the route files (names, descriptions, the PDF sheet; default zh)")
    p.add_argument("--out", required=True, help="output file; its suffix picks the format")
    p.set_defaults(func=cmd_route)


def cmd_route(args: argparse.Namespace) -> int:
    """Run ``route`` (either form)."""
    if args.patrollers < 1:
        raise OptionError.of("route.patrollers", k=args.patrollers)
    if args.points:
        return _route_points(args)
    return _route_store(args)


# -- the store form ---------------------------------------------------------------


def _route_store(args: argparse.Namespace) -> int:
    from ..store import open_store

    out = Path(args.out)
    fmt = _format(out, args.format)
    store = open_store(args.store)
    plan = plan_from_store(store, grids=args.grid, types=_split(args.types), statuses=_split(args.status),
                           start=args.start or None, straight=args.straight, patrollers=args.patrollers,
                           closed=True if args.closed is None else args.closed, time_limit=args.time_limit,
                           seed=args.seed, max_stops=args.max_stops, max_length_m=args.max_length)  # fmt: skip
    layers = store.read_many([schema.GRIDS, schema.BUILDINGS, schema.STREETS])
    sheet = export.SheetContext(grids=layers[schema.GRIDS], buildings=layers[schema.BUILDINGS],
                                streets=layers[schema.STREETS],
                                made_for=privacy.made_for(acting(actor(args)), args.sheet_lang))  # fmt: skip
    written = _write_plan(plan, out, fmt, types=store.incident_types(), lang=args.sheet_lang, sheet=sheet)
    _report(plan, written, args.lang)
    return 0


def _split(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()]


def _format(out: Path, zip_format: str | None) -> str:
    suffix = out.suffix.lower()
    if suffix == ".zip":
        return zip_format or "gpx"
    by_suffix = {w.suffix: code for code, w in export.WRITERS.items()}
    if suffix not in by_suffix:
        raise OptionError.of("route.out_format", file=printable(out.name), formats=", ".join(by_suffix))
    return by_suffix[suffix]


def _write_plan(
    plan: RoutePlan,
    out: Path,
    fmt: str,
    *,
    types: Mapping[str, schema.IncidentType] | None = None,
    lang: str = "zh",
    sheet: export.SheetContext | None = None,
) -> list[Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".zip":
        out.write_bytes(export.to_zip(plan, fmt, types=types, lang=lang, sheet=sheet))
        return [out]
    every_route = export.writer(fmt).every_route
    if every_route or plan.patrollers == 1:
        out.write_bytes(export.write(plan, fmt, None if every_route else 1, types=types, lang=lang, sheet=sheet))
        return [out]
    paths = [out.with_name(f"{out.stem}_{p}{out.suffix}") for p in range(1, plan.patrollers + 1)]
    for p, path in enumerate(paths, start=1):
        path.write_bytes(export.to_gpx(plan, p, types=types, lang=lang))
    return paths


def _report(plan: RoutePlan, written: list[Path], lang: str = "en") -> None:
    distance = "along streets" if plan.on_streets else "STRAIGHT LINES (no street network)"
    if plan.on_streets and plan.unreachable:
        distance += f" except {len(plan.unreachable)} point(s) joined by straight lines"
    print(f"{len(plan.stops)} stops, {plan.patrollers} patroller(s), longest {plan.makespan_m:,.0f} m, "
          f"total {plan.total_m:,.0f} m, {distance}, {plan.method}, {plan.seconds:.2f} s")  # fmt: skip
    for note in plan.messages(lang):
        print(f"warning: {printable(note, 4000)}", file=sys.stderr)
    for path in written:
        print(path)


# -- the points form --------------------------------------------------------------


def _route_points(args: argparse.Namespace) -> int:
    from ..crs import parse_crs
    from ..io import detect_xy_columns

    if not args.crs:
        raise OptionError.of("route.points_need_crs")
    crs = parse_crs(args.crs)
    if isinstance(crs, str):
        raise OptionError.of("route.points_china_crs", crs=printable(args.crs))
    table = _read_points(Path(args.points))
    guess_x, guess_y = detect_xy_columns(list(table.columns))
    x, y = args.x_field or guess_x or "x", args.y_field or guess_y or "y"
    for column in (x, y):
        if column not in table.columns:
            raise InputFileError.of("route.points_no_column", file=printable(Path(args.points).name),
                                    column=printable(column), columns=printable(", ".join(map(str, table.columns))))
    coords = table[[x, y]].apply(pd.to_numeric, errors="coerce")
    if not np.isfinite(coords.to_numpy(dtype=float)).all():
        bad = int((~np.isfinite(coords.to_numpy(dtype=float))).any(axis=1).argmax()) + 2
        raise InputFileError.of("route.points_bad_xy", file=printable(Path(args.points).name), row=bad,
                                x=printable(x), y=printable(y))
    points = gpd.GeoDataFrame(table.copy(), geometry=gpd.points_from_xy(coords[x], coords[y]), crs=crs)
    points["id"] = [str(i) for i in range(len(points))]
    closed = bool(args.closed)
    plan = plan_routes(points, network=None, start=None, patrollers=1, closed=closed, time_limit=args.time_limit, seed=args.seed)
    tour = _tour_table(table, plan)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    spreadsheet_frame(tour).to_csv(out, index=False, encoding="utf-8-sig")
    print(f"{len(tour)} points, {'closed tour' if closed else 'open path'} {plan.total_m:,.1f} "
          f"({'metres' if points.crs.is_projected else 'metres, on a local projection'}, straight lines), "
          f"{plan.method}, {plan.seconds:.2f} s")  # fmt: skip
    print(out)
    return 0


def _read_points(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputFileError.of("route.points_missing", file=printable(path.name))
    try:
        return pd.read_csv(path, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputFileError.of("route.points_unreadable", file=printable(path.name),
                                error=printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from exc


def _tour_table(table: pd.DataFrame, plan: RoutePlan) -> pd.DataFrame:
    stops = plan.route_stops(1)
    rows = stops["id"].astype(int).to_numpy()
    tour = table.iloc[rows].reset_index(drop=True)
    tour.insert(0, "seq", range(1, len(tour) + 1))
    tour["leg_m"] = stops["leg_m"].round(3).to_numpy()
    tour["cumulative_m"] = stops["cumulative_m"].round(3).to_numpy()
    return tour
