"""The operations that change a store: importing layers and reporting incidents. The command line and the app both call these.

Each operation loads and checks everything first and writes once, so a
failed or interrupted operation leaves the store as it was. Importing a
layer merges by id (rows with a known id are updated, new ids added,
others kept) unless ``replace`` is asked for; the derived columns of every
layer are then recomputed (:func:`geo.join.join_layers`).

The radius within which an incident is linked to a building is a setting
of the store (:func:`link_distance_of`, 30 m unless set): an import given
``link_distance`` keeps it in the store's metadata, and every later join
of that store (imports, :func:`rejoin`, :func:`geo.incidents.report_incident`) uses it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd

from . import schema, settings, snapshot
from .access import User, acting, require
from .errors import OptionError, SchemaError, StoreError
from .io import load_layer
from .join import join_layers
from .linking import LINK_DISTANCE_KEY, MAX_LINK_DISTANCE_M, _keep_link_distance, check_link_distance, link_distance_of
from .storage import INCIDENT_TYPES, Store, Transaction, types_of
from .validate import ReportError, ValidationReport

__all__ = [
    "LINK_DISTANCE_KEY",
    "MAX_LINK_DISTANCE_M",
    "ImportRefused",
    "check_file",
    "check_link_distance",
    "import_layer",
    "import_layers",
    "link_distance_of",
    "rejoin",
]

#: Most columns of a stored layer, the stored ones and a new file's together
#: (a GeoPackage table holds at most 2,000 with its key and geometry).
MAX_STORED_COLUMNS: Final = 1_990


class ImportRefused(ReportError):
    """Validation found errors; nothing was written (every error is in ``report``)."""

    def localized(self, lang: str) -> tuple[str, str]:
        """``(message, hint)`` in ``lang``: the first errors, how many, and that nothing was written."""
        from . import i18n

        r = self.report
        return (i18n.t("err.import.refused", lang, source=r.source or r.layer, n=len(r.errors),
                       errors=r.summary(lang, limit=1)),
                i18n.t("err.import.refused.hint", lang))


def _replace_joined(tx: Transaction, layers: Mapping[str, gpd.GeoDataFrame], metres: float) -> None:
    """Join ``layers`` and make the store's grids, buildings and incidents equal the result (only changes are written)."""
    for name, gdf in join_layers(dict(layers), max_distance=metres).items():
        if name in (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS):
            tx.replace_layer(name, gdf)


def import_layer(
    store: Store,
    kind: str,
    path: str | os.PathLike[str],
    *,
    replace: bool = False,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _s: None,
    link_distance: float | None = None,
    by: User | str = "",
    **options: Any,
) -> ValidationReport:
    """Load, validate, join and store one layer.

    Parameters
    ----------
    store
        Where to write.
    kind
        ``grids``, ``buildings``, ``incidents``, ``streets`` or
        ``flood_zones`` (stored as they are: not joined to grids).
    path
        The user's file.
    replace
        Replace the stored layer instead of merging by id.
    dry_run
        Validate only; write nothing (``python -m geo validate``).
    progress
        Called with stage messages (reading, joining, writing).
    link_distance
        Incident-to-building radius (m) for this and every later join of
        the store (kept in its metadata); the stored setting when not given.
    by
        Who imports (kept in the history and on the rows written): a
        :class:`geo.access.User` who may ``import`` (else
        :class:`geo.access.AccessError`, before anything is read), or a
        name of the local operator. A dry run writes nothing and is not checked.
    **options
        Passed to :func:`geo.io.load_layer` (``crs``, ``layer``,
        ``fields``, ``type_value``, ``value_maps``, ``id_from_row``,
        ``sliver_m2``...).

    Returns
    -------
    ValidationReport
        Warnings found (errors raise :class:`ImportRefused`).
    """
    if not dry_run:
        require(acting(by), "import", what=kind)
    metres = None if link_distance is None else check_link_distance(link_distance)
    if kind == schema.STREETS:
        if metres is not None:
            msg = "A link distance applies to grids, buildings and incidents imports; streets are not linked."
            raise OptionError(msg, "Drop --link-distance, or give it with the next grids, buildings or incidents import.")
        return _import_streets(store, path, replace=replace, dry_run=dry_run, by=by)
    if kind == schema.FLOOD_ZONES:
        if metres is not None:
            raise OptionError.of("flood.zone_link_distance")
        return _import_flood_zones(store, path, replace=replace, dry_run=dry_run, progress=progress, by=by,
                                   **options)
    current = store.read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS))
    progress(f"reading and checking {os.path.basename(os.fspath(path))}")
    layer, report = check_file(store, kind, path, stored=current, **options)
    if not replace:
        layer = _align_to_stored(layer, current[kind], report)
    if not report.ok:
        raise ImportRefused(report)
    if dry_run:
        return report
    note = (f"import {kind} from {os.path.basename(os.fspath(path))} ({len(layer)} rows"
            f"{', replace' if replace else ''}{f', link distance {metres:g} m' if metres is not None else ''})")
    with store.transaction(note, by=by) as tx:
        # read again under the lock: what others wrote since the check is kept
        current = tx.read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS))
        radius = metres if metres is not None else link_distance_of(tx)
        if kind == schema.INCIDENTS:
            layer = keep_case_state(current[kind], layer, tx.read_table(INCIDENT_TYPES))
        current[kind] = layer if replace else merge_by_id(current[kind], layer, kind)
        progress(f"joining {len(current[schema.BUILDINGS])} buildings and {len(current[schema.INCIDENTS])} "
                 f"incidents to {len(current[schema.GRIDS])} grids (incidents to buildings within {radius:g} m)")
        progress(f"writing the store {store.location}")
        _replace_joined(tx, current, radius)
        _keep_link_distance(tx, metres)
    rows = sum(len(current[k]) for k in snapshot.MAP_LAYERS if k in current)
    if rows > settings.current().map_live_above:
        progress("keeping the map layers' snapshot (the next server start reads it)")
        snapshot.keep(store, rows)
    return report


def check_file(
    store: Store,
    kind: str,
    path: str | os.PathLike[str],
    *,
    stored: Mapping[str, gpd.GeoDataFrame] | None = None,
    **options: Any,
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Load and validate a layer file against the store's layers (nothing is written).

    Besides :func:`geo.io.load_layer` (against the stored grids), the layer
    is checked against every stored layer for a China map shift
    (:func:`geo.shift.check_shift`): the new layer or a stored one read in
    the wrong one of WGS-84, GCJ-02 and BD-09.

    Parameters
    ----------
    store
        The store the layer would be imported into.
    kind
        ``grids``, ``buildings`` or ``incidents``.
    path
        The user's file.
    stored
        The store's grids, buildings and incidents when already read
        (read from ``store`` otherwise).
    **options
        Passed to :func:`geo.io.load_layer` (``crs`` as the user gave it).

    Returns
    -------
    (layer, report)
    """
    from .shift import check_shift

    names = [k for k in (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS) if k != kind]
    others = {k: stored[k] for k in names} if stored is not None else store.read_many(names)
    grids = others.get(schema.GRIDS)
    layer, report = load_layer(path, kind, grids=grids if grids is not None and len(grids) else None,
                               types=store.incident_types(), **options)
    # validation checked the shift against the grids; the other layers add to it
    extra = {schema.GRIDS: (schema.BUILDINGS, schema.INCIDENTS), schema.BUILDINGS: (schema.INCIDENTS,),
             schema.INCIDENTS: (schema.BUILDINGS,)}.get(kind, ())
    if report.ok and len(layer) and any(len(others[k]) for k in extra):
        check_shift(report, layer, kind, crs=options.get("crs"), **others)
    return layer, report


def _align_to_stored(layer: gpd.GeoDataFrame, stored: gpd.GeoDataFrame,
                     report: ValidationReport) -> gpd.GeoDataFrame:
    """Name the new layer's extra columns as the stored layer does.

    That is, when they differ only by case (``Remark`` stored, ``REMARK`` new): the store's
    column names are case-insensitive, so both cannot be kept.
    """
    if stored.empty:
        return layer
    by_lower = {str(c).lower(): str(c) for c in stored.columns}
    renames = {c: by_lower[str(c).lower()] for c in layer.columns
               if str(c).lower() in by_lower and by_lower[str(c).lower()] != c}
    if renames:
        report.issue("warning", "columns_aligned", columns=", ".join(f"{a} → {b}" for a, b in renames.items()))
        layer = layer.rename(columns=renames)
    new = [c for c in layer.columns if str(c).lower() not in by_lower]
    room = max(MAX_STORED_COLUMNS - len(by_lower), 0)
    if len(new) > room:
        dropped = new[room:]
        report.issue("warning", "columns_dropped", n=len(dropped), total=len(by_lower) + len(new),
                     limit=MAX_STORED_COLUMNS, first=str(dropped[0])[:60], last=str(dropped[-1])[:60])
        layer = layer.drop(columns=dropped)
    return layer


def import_layers(
    store: Store,
    files: Mapping[str, str | os.PathLike[str]],
    *,
    link_distance: float | None = None,
    **options: Any,
) -> list[ValidationReport]:
    """Import several layers in one write (grids first, then buildings, incidents).

    ``link_distance`` goes with the grids, buildings and incidents files
    (streets are not linked); see :func:`import_layer`.
    """
    reports = []
    linked = False
    for kind in (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS, schema.STREETS):
        if kind in files:
            radius = None if kind == schema.STREETS and linked else link_distance
            reports.append(import_layer(store, kind, files[kind], link_distance=radius, **options))
            linked = linked or kind != schema.STREETS
    return reports


def rejoin(store: Store, *, max_distance: float | None = None, by: User | str = "") -> None:
    """Recompute every derived column in the store.

    Parameters
    ----------
    store
        The store to rejoin.
    max_distance
        Incident-to-building radius (m), kept as the store's setting; the
        stored setting (:func:`link_distance_of`) when not given.
    by
        Who asks (kept in the history): a :class:`geo.access.User` who may
        ``rejoin`` (else :class:`geo.access.AccessError`), or a name of the local operator.
    """
    require(acting(by), "rejoin", what=store.location)
    metres = None if max_distance is None else check_link_distance(max_distance)
    with store.transaction(f"rejoin within {metres if metres is not None else 'the stored link distance'} m", by=by) as tx:
        radius = link_distance_of(tx) if metres is None else metres
        tx.note = f"rejoin within {radius:g} m"
        _replace_joined(tx, tx.read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS)), radius)
        _keep_link_distance(tx, metres)


def keep_case_state(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, type_table: pd.DataFrame) -> gpd.GeoDataFrame:
    """``new`` with the stored stage and case columns of every case it holds again (the workflow's, not the file's).

    A file brought back in (an export edited in a spreadsheet, a partner's
    update) does not move a case past its workflow nor erase its clock:
    for an event-type incident already stored, ``status`` and
    :data:`geo.schema.CASE_COLUMNS` keep their stored values.
    """
    if old.empty or new.empty:
        return new
    events = {code for code, t in types_of(type_table).items() if not t.asset}
    stored = old[old["type"].isin(events)].drop_duplicates("incident_id", keep="last").set_index("incident_id")
    ids = new["incident_id"].astype(str)
    again = ids.isin(stored.index.astype(str)).to_numpy()
    if not again.any():
        return new
    out = new.copy()
    stored.index = stored.index.astype(str)
    for col in ("status", *schema.CASE_COLUMNS):
        values = stored[col].reindex(ids[again]).to_numpy() if col in stored.columns else None
        if values is None:
            continue
        if col not in out.columns:
            out[col] = pd.Series([None] * len(out), index=out.index, dtype=stored[col].dtype)
        out.loc[again, col] = values
    return out


def merge_by_id(old: gpd.GeoDataFrame, new: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Rows of ``new`` replace rows of ``old`` with the same id; others are kept.

    Parameters
    ----------
    old, new
        Two versions of one layer.
    kind
        Layer name (to find its id column).

    Returns
    -------
    GeoDataFrame: the old rows not in ``new`` (in their order), then ``new``.
    """
    if old.empty:
        return new
    id_col = schema.ID_COLUMN[kind]
    kept = old[~old[id_col].astype(str).isin(set(new[id_col].astype(str)))]
    merged = pd.concat([kept, new], ignore_index=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=schema.STORAGE_CRS)


def _import_streets(store: Store, path: str | os.PathLike[str], *, replace: bool, dry_run: bool,
                    by: User | str = "") -> ValidationReport:
    """Read and store a street network.

    A network is one whole (the ids of two extracts or line layers may collide), so a store that has
    streets keeps them unless ``replace`` says to replace them.
    """
    from .streets import read_streets, streets_report

    stored = len(store.read(schema.STREETS))
    if stored and not replace and not dry_run:
        raise StoreError.of("import.streets_exist", n=stored)
    streets, dropped = read_streets(Path(path))
    grids = store.read(schema.GRIDS)
    report = streets_report(streets, dropped, source=os.path.basename(os.fspath(path)),
                            grids=grids if len(grids) else None)
    if not dry_run:
        with store.transaction(f"import streets from {os.path.basename(os.fspath(path))} ({len(streets)} lines)",
                               by=by) as tx:
            if len(tx.read(schema.STREETS)) and not replace:
                raise StoreError.of("import.streets_exist", n=len(tx.read(schema.STREETS)))
            tx.replace_layer(schema.STREETS, streets)
    return report


def _import_flood_zones(store: Store, path: str | os.PathLike[str], *, replace: bool, dry_run: bool,  # noqa: PLR0913
                        progress: Callable[[str], None], by: User | str = "", **options: Any) -> ValidationReport:
    """Load, check and store flood zones (merged by ``zone_id`` unless ``replace``)."""
    from .io import load_zones

    name = os.path.basename(os.fspath(path))
    progress(f"reading and checking {name}")
    zones, report = load_zones(path, **options)
    if not report.ok:
        raise ImportRefused(report)
    if dry_run:
        return report
    progress(f"writing the store {store.location}")
    with store.transaction(f"import flood_zones from {name} ({len(zones)} zones{', replace' if replace else ''})",
                           by=by) as tx:
        tx.replace_layer(schema.FLOOD_ZONES,
                         zones if replace else merge_by_id(tx.read(schema.FLOOD_ZONES), zones, schema.FLOOD_ZONES))
    return report


def build_demo(
    out_dir: os.PathLike[str] | str,
    *,
    scale: str = "community",
    seed: int = 7,
    progress: Callable[[str], None] = lambda _s: None,
) -> str:
    """Generate the demo data, join it and write it as GeoJSON layers and a store.

    Parameters
    ----------
    out_dir
        Folder to write ``grids.geojson``, ``buildings.geojson``,
        ``incidents.geojson``, ``streets.geojson``, the fictional register
        ``vulnerable_residents.csv`` and ``gridwatch.gpkg`` (its layers,
        metadata and the same register as the table ``vulnerable_residents``).
    scale
        ``community`` (the demo) or ``city`` (benchmark size).
    seed
        Same seed, same data.
    progress
        Called with stage messages.

    Returns
    -------
    str: the store's location.
    """
    from pathlib import Path

    import pyogrio

    from . import demo
    from .store import open_store

    if scale not in ("community", "city"):
        msg = f"Unknown demo scale {scale!r}."
        raise SchemaError(msg, "Use community or city.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    progress(f"generating the {scale} demo (seed {seed})")
    layers = demo.make_community(seed) if scale == "community" else demo.make_city(seed)
    progress("joining buildings and incidents to grids")
    layers = join_layers(layers)
    for name, gdf in layers.items():
        progress(f"writing {name}.geojson ({len(gdf)} features)")
        target = out / f"{name}.geojson"
        target.unlink(missing_ok=True)
        pyogrio.write_dataframe(_bools_as_int(gdf), target, driver="GeoJSON", use_arrow=True)
    register = demo.make_register(layers[schema.BUILDINGS], seed)
    progress(f"writing {demo.REGISTER_CSV} ({len(register)} vulnerable residents)")
    demo.write_register_csv(register, out / demo.REGISTER_CSV)
    store = open_store(out / "gridwatch.gpkg")
    meta = demo.demo_meta(scale)
    progress(f"writing the store {store.location}")
    from .cases.parties import PARTIES
    from .demo_cases import add_demo_accounts, add_demo_cases, demo_parties

    store.write(layers, tables={"meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())}),
                                schema.REGISTER: register, PARTIES: demo_parties(layers[schema.GRIDS])},
                note=f"demo {scale} seed {seed}")
    if scale == "community":
        progress("walking the demo's cases through the workflow")
        add_demo_cases(store, seed)
        progress("adding the demo's accounts (no password: demo mode only)")
        add_demo_accounts(store)
    rows = sum(len(layers[k]) for k in snapshot.MAP_LAYERS if k in layers)
    if rows > settings.current().map_live_above:
        progress("keeping the map layers' snapshot (the first server start reads it)")
        snapshot.keep(store, rows)
    progress("done")
    return store.location


def _bools_as_int(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    for col in out.columns:
        if str(out[col].dtype) == "boolean":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out
