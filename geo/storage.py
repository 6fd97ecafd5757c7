"""The storage contract every backend keeps, and what the backends share.

A :class:`Store` holds spatial *layers* (grids, buildings, incidents, streets,
flood zones) and plain *tables* (``meta``, ``incident_types``, inspection
records, the vulnerable register...). Everything that changes it goes
through a :class:`Transaction`::

    with store.transaction(note="report incident", by="李四") as tx:
        incidents = tx.read("incidents")
        (new_id,) = tx.add("incidents", one_row)
        tx.update("incidents", "R20261203-0001", {"status": "closed"}, base_version=2)

A transaction is one atomic unit: the reads inside it see one version of
the store and the transaction's own writes, and other writers wait (up to
:attr:`geo.settings.Settings.store_lock_timeout` seconds, then
:class:`geo.errors.StoreError` ``store.busy``). Leaving the ``with`` block
normally commits; an exception (or a killed process) leaves the store as it
was.

Every row of every layer carries ``row_version`` (1 when added, or when
another program such as QGIS added it without one; one more
at each change), ``updated_by`` and ``updated_at``, kept by the store. An
update or delete that names the version it was based on raises
:class:`geo.errors.ConflictError` when the row has changed since. Ids left
empty on :meth:`Transaction.add` are minted by the store from a counter
that concurrent writers cannot share (:meth:`Transaction.mint_ids`).

Backends: :mod:`geo.gpkg` (one GeoPackage file, the embedded default) and
:mod:`geo.postgis` (PostgreSQL with PostGIS). :func:`geo.store.open_store`
picks one by the store's address.
"""

from __future__ import annotations

import contextlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import schema
from .access import User, acting, require
from .audit import QUIET as AUDIT_QUIET
from .errors import ConflictError, StoreError
from .storage_audit import AuditMixin
from .storage_rows import MANAGED, dtype_of, empty_layer, layer_columns, meta_dict, plan_replace, types_of

__all__ = [
    "CHANGES",
    "INCIDENT_TYPES",
    "MANAGED",
    "META",
    "META_KEPT",
    "NOT_SHOWN",
    "SCHEMA_VERSION",
    "TABLE_INDEXES",
    "Store",
    "Transaction",
    "attribute_frame",
    "check_layer",
    "meta_dict",
    "empty_layer",
]

META: Final = "meta"  # plain (non-spatial) tables
INCIDENT_TYPES: Final = "incident_types"
#: The store's counters (minted ids); internal, never listed by :meth:`Store.tables`.
SEQUENCES: Final = "gw_sequences"
#: The counter of changes to what the map shows (GeoPackage, by triggers: :attr:`Store.data_version`).
CHANGES: Final = "gw_changes"
#: Tables whose changes leave the map as it was: the audit log, the accounts (a sign-in writes both), counters.
NOT_SHOWN: Final = frozenset({"audit", "users", SEQUENCES, CHANGES})
#: The version of the store's layout this release writes. 1: the layers and
#: tables only (releases before row-level writes); 2: ``row_version``,
#: ``updated_by``, ``updated_at`` on every layer and the id counters.
SCHEMA_VERSION: Final = 2
#: Ids minted per layer: prefix, and whether the counter restarts each day.
ID_FORMAT: Final[dict[str, str]] = {
    schema.INCIDENTS: "R{day}-{n:04d}",
    schema.GRIDS: "G{n:05d}",
    schema.BUILDINGS: "B{n:06d}",
    schema.STREETS: "S{n:06d}",
    schema.FLOOD_ZONES: "Z{n:04d}",
}
#: Plain tables read by the values of a column, and the columns every backend indexes for it.
TABLE_INDEXES: Final[dict[str, tuple[str, ...]]] = {
    "case_events": ("case_id",),
    "case_files": ("file_hash",),
}
#: Rows added in one call entered one by one in the audit log (more: one entry for all).
AUDIT_ROWS: Final = 20
#: Keys of ``meta`` that the store itself maintains (at every write: none of them is shown on the map).
META_KEPT: Final = ("schema_version", "written_at", "revision", "history")
#: Notes kept in the ``history`` meta value.
HISTORY_KEPT: Final = 50
CST: Final = timezone(timedelta(hours=8), "CST")


def now_text() -> str:
    """Now, China Standard Time, ISO 8601 to the second (``updated_at``, ``written_at``)."""
    return datetime.now(CST).isoformat(timespec="seconds")


def check_layer(layer: str) -> None:
    """Refuse a name that is not one of :data:`geo.schema.LAYERS`."""
    if layer not in schema.LAYERS:
        raise StoreError.of("store.unknown_layer", layer=layer, layers=", ".join(schema.LAYERS))


class Transaction(AuditMixin, ABC):
    """One atomic unit of reads and writes (see the module text).

    Get one from :meth:`Store.transaction`; do not create it directly.
    """

    def __init__(self, note: str, by: User | str) -> None:
        self.note = note
        self.user = acting(by)
        self.by = self.user.name
        self.at = now_text()
        self.wrote = False
        self._meta_updates: dict[str, str] = {}
        self._audit: list[dict[str, str]] = []
        self._audit_flushing = False

    # -- reading ---------------------------------------------------------------------

    @abstractmethod
    def read(self, layer: str) -> gpd.GeoDataFrame:
        """A layer as this transaction sees it (empty when never written)."""

    def read_many(self, names: Iterable[str] = schema.LAYERS) -> dict[str, gpd.GeoDataFrame]:
        """Several layers (name to layer, in the order given)."""
        return {name: self.read(name) for name in names}

    @abstractmethod
    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """A plain table as this transaction sees it (empty when never written).

        ``where`` keeps the rows whose column holds one of the values given
        (``{"case_id": ["R20261203-0001"]}``); on the columns of
        :data:`TABLE_INDEXES` the backends read them through an index.
        """

    @abstractmethod
    def read_bbox(self, layer: str, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
        """The rows whose geometry's bounding box meets ``bounds`` (minx, miny, maxx, maxy), by the spatial index.

        What a one-row change reads (the grids and buildings around one
        reported point), so that its cost does not grow with the store.
        """

    def extent(self, layer: str) -> tuple[float, float, float, float] | None:
        """``(minx, miny, maxx, maxy)`` of the whole layer, None when it has no geometry (backends use their index)."""
        gdf = self.read(layer)
        valid = gdf.geometry[~(gdf.geometry.isna() | gdf.geometry.is_empty)]
        if valid.empty:
            return None
        b = valid.total_bounds
        return float(b[0]), float(b[1]), float(b[2]), float(b[3])

    @abstractmethod
    def get(self, layer: str, row_id: str) -> dict[str, Any] | None:
        """One row by id (its columns, ``geometry`` and ``row_version``), None when absent."""

    def meta(self) -> dict[str, str]:
        """The metadata (``key`` to ``value``) as this transaction sees it."""
        return {**meta_dict(self.read_table(META)), **self._meta_updates}

    # -- row-level writes ------------------------------------------------------------

    def add(self, layer: str, rows: gpd.GeoDataFrame) -> list[str]:
        """Add rows; ids left empty are minted. Returns the ids, in order.

        Raises :class:`geo.errors.StoreError` (``store.duplicate_id``) when
        an id given is already stored.
        """
        check_layer(layer)
        frame = prepare(layer, rows)
        id_col = schema.ID_COLUMN[layer]
        ids = frame[id_col].astype(object).where(frame[id_col].notna(), None).tolist() if id_col in frame else [None] * len(frame)
        blank = [i for i, v in enumerate(ids) if v is None or str(v).strip() == ""]
        if blank:
            for i, new in zip(blank, self.mint_ids(layer, len(blank)), strict=True):
                ids[i] = new
        frame[id_col] = [str(v) for v in ids]
        if len(set(frame[id_col])) != len(frame):
            dup = frame[id_col][frame[id_col].duplicated()].iloc[0]
            raise StoreError.of("store.duplicate_id", layer=layer, row_id=dup)
        stamp(frame, self, version=1)
        self._insert(layer, frame)
        self.wrote = True
        out = [str(v) for v in frame[id_col]]
        if len(out) <= AUDIT_ROWS:
            cols = [c for c in frame.columns if c not in MANAGED and c != "geometry"]
            for _, row in frame.iterrows():
                self.audit("add", kind=layer, obj=str(row[id_col]), after={c: row[c] for c in cols})
        else:
            self.audit("add", kind=layer, obj=f"{out[0]}…{out[-1]}", after={"rows": len(out)})
        return out

    def update(self, layer: str, row_id: str, values: Mapping[str, Any], *,
               base_version: int | None = None) -> dict[str, Any]:
        """Change some columns (``geometry`` included) of one row; returns the row as now stored.

        Parameters
        ----------
        layer, row_id
            The row.
        values
            Column to new value.
        base_version
            The ``row_version`` the change was based on: when the row has
            changed since, :class:`geo.errors.ConflictError` and nothing is
            written. None (scripts, bulk work) applies the change to
            whatever is stored.
        """
        check_layer(layer)
        for col in values:
            if col in MANAGED or col == schema.ID_COLUMN[layer]:
                raise StoreError.of("store.readonly_column", column=col)
        current = self.get(layer, row_id)
        if current is None:
            if base_version is not None:
                raise ConflictError.stale(layer, row_id, base_version, None)
            raise StoreError.of("store.unknown_id", layer=layer, row_id=row_id)
        if base_version is not None and int(current["row_version"] or 1) != int(base_version):
            raise ConflictError.stale(layer, row_id, base_version, current)
        changes = {**dict(values), "row_version": int(current["row_version"] or 1) + 1,
                   "updated_by": self.by, "updated_at": self.at}
        self._update(layer, row_id, changes)
        self.wrote = True
        self.audit("update", kind=layer, obj=str(row_id), before={c: current.get(c) for c in values},
                   after=dict(values))
        return {**current, **changes}

    def delete(self, layer: str, row_ids: Sequence[str], *,
               base_versions: Sequence[int] | None = None) -> int:
        """Delete rows by id (a stale ``base_versions`` entry raises ConflictError); returns how many."""
        check_layer(layer)
        if base_versions is not None:
            for row_id, base in zip(row_ids, base_versions, strict=True):
                current = self.get(layer, row_id)
                if current is None or int(current["row_version"] or 1) != int(base):
                    raise ConflictError.stale(layer, row_id, base, current)
        n = self._delete(layer, [str(i) for i in row_ids])
        self.wrote = self.wrote or n > 0
        if n:
            shown = [str(i) for i in row_ids][:AUDIT_ROWS]
            self.audit("delete", kind=layer, obj=shown[0] if len(row_ids) == 1 else f"{len(row_ids)} rows",
                       before={"ids": ", ".join(shown) + ("…" if len(row_ids) > AUDIT_ROWS else "")})
        return n

    # -- whole-layer and table writes ------------------------------------------------

    def replace_layer(self, layer: str, gdf: gpd.GeoDataFrame) -> None:
        """Make the stored layer equal ``gdf`` (the fast path of imports and joins).

        Rows are matched by id: unchanged rows keep their version, changed
        rows get one more, new rows start at 1 and rows missing from
        ``gdf`` are deleted. Only what changed is written.
        """
        check_layer(layer)
        frame = prepare(layer, gdf)
        id_col = schema.ID_COLUMN[layer]
        frame = frame[~frame[id_col].astype(str).duplicated(keep="last")]
        old = self.read(layer)
        plan = plan_replace(layer, old, frame)
        changed = frame.iloc[plan.changed_positions]
        new = frame.iloc[plan.new_positions].copy()
        stamp(new, self, version=1)
        if len(changed):
            changed = changed.copy()
            stamp(changed, self, version=plan.changed_versions)
        dropped = [c for c in old.columns if c not in frame.columns and c not in MANAGED and c != "geometry"
                   and c not in schema.COLUMNS[layer]]
        self._sync(layer, changed=changed, new=new, deleted=plan.deleted, dropped_columns=dropped)
        self.wrote = True
        self.audit("replace", kind=layer, obj=layer, before={"rows": len(old)},
                   after={"rows": len(frame), "new": len(new), "changed": len(changed), "deleted": len(plan.deleted)})

    def restore(self, layer: str, gdf: gpd.GeoDataFrame) -> None:
        """Insert rows exactly as given, their ``row_version``, ``updated_by`` and ``updated_at`` included.

        For :func:`geo.store.copy_store` into an empty layer; rows without a
        version get 1.
        """
        check_layer(layer)
        managed = {c: gdf[c] for c in MANAGED if c in gdf.columns}
        frame = prepare(layer, gdf)
        stamp(frame, self, version=1)
        for col, values in managed.items():
            if col == "row_version":
                frame[col] = pd.to_numeric(values, errors="coerce").fillna(1).astype("Int64").to_numpy()
            else:
                frame[col] = values.astype(object).where(values.notna(), frame[col]).to_numpy()
        self._insert(layer, frame)
        self.wrote = True
        self.audit("restore", kind=layer, obj=layer, after={"rows": len(frame)})

    def write_table(self, name: str, df: pd.DataFrame) -> None:
        """Replace a plain table (the audit log refused: it is append-only)."""
        self._check_table_write(name)
        self._write_table(name, df)
        if name not in AUDIT_QUIET and name != META:
            self.audit("table", kind=name, obj=name, after={"rows": len(df)})

    def append_table(self, name: str, df: pd.DataFrame) -> None:
        """Add rows to a plain table (created when missing; the audit log refused: only commits add to it)."""
        self._check_table_write(name)
        self._append_table(name, df)
        if name not in AUDIT_QUIET and name != META:
            self.audit("append", kind=name, obj=name, after={"rows": len(df)})

    @abstractmethod
    def _write_table(self, name: str, df: pd.DataFrame) -> None:
        """Replace a plain table."""

    def set_meta(self, values: Mapping[str, str]) -> None:
        """Set metadata keys (kept at commit)."""
        for key in values:
            if key in META_KEPT and key != "schema_version":
                raise StoreError.of("store.readonly_column", column=key)
        new = {str(k): str(v) for k, v in values.items()}
        old = {**meta_dict(self.read_table(META)), **self._meta_updates}
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        self._meta_updates.update(new)
        self.wrote = True
        if changed:
            self.audit("meta", kind=META, obj=", ".join(sorted(changed))[:200],
                       before={k: old.get(k) for k in changed}, after=changed)

    # -- ids -------------------------------------------------------------------------

    def mint_ids(self, layer: str, count: int) -> list[str]:
        """``count`` new ids for ``layer``, unique even under concurrent writers."""
        fmt = ID_FORMAT[layer]
        day = self.at[:10].replace("-", "")
        counter = f"{layer}:{day}" if "{day}" in fmt else layer
        out: list[str] = []
        while len(out) < count:
            first = self._next_sequence(counter, count - len(out))
            candidates = [fmt.format(day=day, n=n) for n in range(first, first + count - len(out))]
            taken = self._existing_ids(layer, candidates)
            out += [c for c in candidates if c not in taken]  # an imported row may already use one
        return out

    # -- what backends implement --------------------------------------------------------

    @abstractmethod
    def _next_sequence(self, name: str, count: int) -> int:
        """Reserve ``count`` numbers of counter ``name``; returns the first (counters start at 1)."""

    @abstractmethod
    def _existing_ids(self, layer: str, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` the layer holds."""

    @abstractmethod
    def _insert(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        """Insert rows (ids unique and not stored, managed columns set)."""

    @abstractmethod
    def _update(self, layer: str, row_id: str, changes: Mapping[str, Any]) -> None:
        """Set columns of one stored row."""

    @abstractmethod
    def _delete(self, layer: str, row_ids: Sequence[str]) -> int:
        """Delete rows by id; returns how many were there."""

    @abstractmethod
    def _sync(self, layer: str, *, changed: gpd.GeoDataFrame, new: gpd.GeoDataFrame,
              deleted: Sequence[str], dropped_columns: Sequence[str]) -> None:
        """Apply a replace plan: update ``changed`` by id, insert ``new``, delete ``deleted``, drop columns."""

    def _closing_meta(self) -> dict[str, str]:
        """The meta values to write at commit: the updates, revision, time and history (the audit entries written first)."""
        self._flush_audit()
        old = meta_dict(self.read_table(META))
        meta = {**self._meta_updates}
        meta["schema_version"] = meta.get("schema_version", old.get("schema_version", str(SCHEMA_VERSION)))
        meta["written_at"] = self.at
        meta["revision"] = str(int(old.get("revision", "0") or 0) + 1)
        history = json.loads(old.get("history", "[]") or "[]")
        if self.note:
            history = (history + [{"at": self.at, "by": self.by, "what": self.note}])[-HISTORY_KEPT:]
            meta["history"] = json.dumps(history, ensure_ascii=False)
        return meta


class Store(ABC):
    """What every storage backend offers (see the module text)."""

    # -- reading (outside transactions: each call sees one committed version) ------

    @abstractmethod
    def layers(self) -> list[str]:
        """Names of the spatial layers that hold rows or were written."""

    @abstractmethod
    def tables(self) -> list[str]:
        """Names of the plain tables present (the store's internal ones left out)."""

    @abstractmethod
    def read(self, layer: str) -> gpd.GeoDataFrame:
        """Read a spatial layer; a layer never written reads as empty."""

    @abstractmethod
    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """Read a plain table (``where`` as :meth:`Transaction.read_table`); a table never written reads as empty."""

    def read_attributes(self, layer: str, columns: Sequence[str] | None = None,
                        where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """A layer's attributes without its geometry: only ``columns`` (all when None), only the rows ``where`` picks.

        ``where`` keeps the rows whose column holds one of the values given,
        compared with the stored text (a legacy status as stored); types as
        :meth:`read` gives them. What a table of many rows needs (the
        ledger of cases): backends read only those columns and rows.
        """
        check_layer(layer)
        df = pd.DataFrame(self.read(layer).drop(columns="geometry"))
        for col, values in (where or {}).items():
            df = df[df[col].astype(str).isin({str(v) for v in values})] if col in df else df.iloc[:0]
        return attribute_frame(layer, df.reset_index(drop=True), columns)

    def read_many(self, names: Iterable[str] = schema.LAYERS) -> dict[str, gpd.GeoDataFrame]:
        """Several layers of one version of the store (name to layer, in the order given)."""
        wanted = list(names)
        for name in wanted:
            check_layer(name)
        out: dict[str, gpd.GeoDataFrame] = {}
        for _ in range(3):
            before = self.version
            out = {name: self.read(name) for name in wanted}
            if self.version == before:
                break
        return out

    @property
    @abstractmethod
    def version(self) -> str:
        """A token that changes whenever the store is written (cache key)."""

    @property
    def data_version(self) -> str:
        """A token that changes whenever what the map shows may change (the key of the map's caches).

        Every layer and table counts but :data:`NOT_SHOWN` and the store's own ``meta``
        keys (:data:`META_KEPT`); a backend that cannot tell them apart returns :attr:`version`.
        """
        return self.version

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages (no password)."""

    @property
    def address(self) -> str:
        """What :func:`geo.store.open_store` opens this store again with (credentials included: never show it)."""
        return self.location

    @property
    def backend(self) -> str:
        """``geopackage`` or ``postgis``."""
        return type(self).__name__.removesuffix("Store").lower()

    def meta(self) -> dict[str, str]:
        """The store's metadata (``key`` to ``value``)."""
        return meta_dict(self.read_table(META))

    def schema_version(self) -> int:
        """The layout version of the store (see :data:`SCHEMA_VERSION`); 0 when empty."""
        text = self.meta().get("schema_version", "0")
        return int(text) if str(text).isdigit() else 0

    def incident_types(self) -> dict[str, schema.IncidentType]:
        """Built-in incident types plus the ones users added to this store."""
        return types_of(self.read_table(INCIDENT_TYPES))

    # -- writing -----------------------------------------------------------------------

    @abstractmethod
    def transaction(self, note: str = "", *, by: User | str = "") -> contextlib.AbstractContextManager[Transaction]:
        """One atomic unit of reads and writes (``with store.transaction(note=...) as tx:``).

        Parameters
        ----------
        note
            What the change is, kept in the store's history.
        by
            Who makes it (the operating-system user when empty).
        """

    def write(
        self,
        layers: Mapping[str, gpd.GeoDataFrame] | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
        *,
        note: str = "",
        by: str = "",
    ) -> None:
        """Replace the given layers and tables in one transaction (``meta`` rows are merged)."""
        tables = dict(tables or {})
        meta = tables.pop(META, None)
        with self.transaction(note, by=by) as tx:
            for name, gdf in (layers or {}).items():
                tx.replace_layer(name, gdf)
            for name, df in tables.items():
                tx.write_table(name, df)
            if meta is not None and not meta.empty:
                tx.set_meta({k: v for k, v in meta_dict(meta).items() if k not in META_KEPT})

    def add_incident_type(self, t: schema.IncidentType, *, by: User | str = "") -> None:
        """Add or relabel a user incident type (refused with :class:`geo.access.AccessError` unless ``by`` may)."""
        require(acting(by), "incident_type", what=t.code)
        schema.type_registry([t])  # refuses to redefine a built-in
        with self.transaction(f"incident type {t.code}", by=by) as tx:
            df = tx.read_table(INCIDENT_TYPES)
            row = pd.DataFrame([{"code": t.code, "label_zh": t.label_zh, "label_en": t.label_en,
                                 "asset": int(t.asset), "color": t.color, "icon": t.icon}])
            if not df.empty:
                df = df[df["code"].astype(str) != t.code]
            tx.write_table(INCIDENT_TYPES, pd.concat([df, row], ignore_index=True))

    # -- upkeep ------------------------------------------------------------------------

    @abstractmethod
    def check(self) -> list[str]:
        """Problems found by a full integrity check (empty when the store is sound)."""

    def close(self) -> None:  # noqa: B027 - a backend without connections has nothing to release
        """Release connections (the store opens them again when used)."""


# -- shared by the backends ------------------------------------------------------------


def prepare(layer: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` ready to store: WGS-84 checked, geometry column named ``geometry``."""
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None or not gdf.crs.equals(schema.STORAGE_CRS):
        crs = getattr(gdf, "crs", None)
        msg = f"Layer {layer!r} must be in {schema.STORAGE_CRS} to be stored (it is {crs})."
        raise StoreError(msg, "Load it with geo.io, which reprojects to WGS-84.")
    out = gdf.copy()
    if out.geometry.name != "geometry":
        out = out.rename_geometry("geometry")
    return out.drop(columns=[c for c in MANAGED if c in out.columns])


def restore_types(layer: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give a layer read from a backend the canonical column types (missing columns added empty)."""
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    _restore_columns(layer, gdf, layer_columns(layer))
    return gdf.set_crs(schema.STORAGE_CRS, allow_override=True)


def attribute_frame(layer: str, df: pd.DataFrame, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Attribute columns of a layer read without geometry (:meth:`Store.read_attributes`), typed as ``read`` types them.

    ``columns``: those to keep, in order (a column the layer lacks reads as empty); None: all.
    """
    kinds = layer_columns(layer)
    wanted = list(columns) if columns is not None else [*kinds, *(c for c in df.columns if c not in kinds)]
    df = df.drop(columns=[c for c in df.columns if c not in wanted or c in ("geometry", "geom", "fid")])
    _restore_columns(layer, df, {c: kinds.get(c, "") for c in wanted})
    return df[wanted]


def _restore_columns(layer: str, gdf: pd.DataFrame, kinds: Mapping[str, str]) -> None:
    for col, kind in kinds.items():
        if col not in gdf.columns:
            gdf[col] = pd.Series([None] * len(gdf), dtype=dtype_of(kind), index=gdf.index)
        elif kind == "bool":
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").astype("Int64").astype("boolean")
        elif col == "row_version":  # a row another program (QGIS) added is at its first version
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").fillna(1).astype("Int64")
        elif kind == "int":
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").astype("Int64")
        elif kind == "float":
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").astype("float64")
        elif kind == "str":
            gdf[col] = gdf[col].astype(object).where(gdf[col].notna(), None)
    if layer == schema.INCIDENTS and len(gdf) and "status" in gdf.columns:  # statuses of releases before cases
        legacy = gdf["status"].isin(list(schema.LEGACY_STAGES))
        if legacy.any():
            gdf.loc[legacy, "status"] = gdf.loc[legacy, "status"].map(schema.LEGACY_STAGES)


def stamp(frame: pd.DataFrame, tx: Transaction, *, version: int | Sequence[int] | np.ndarray) -> None:
    """Set the store's own columns on rows about to be written."""
    frame["row_version"] = pd.array(np.broadcast_to(np.asarray(version, dtype="int64"), (len(frame),)), dtype="Int64")
    frame["updated_by"] = tx.by
    frame["updated_at"] = tx.at
