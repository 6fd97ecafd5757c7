"""The embedded store: one GeoPackage file, written row by row in SQLite transactions.

Every change is SQL on the file itself inside one SQLite transaction
(``BEGIN IMMEDIATE``: one writer at a time, readers never see half of a
change, a killed writer's change is rolled back by SQLite from its journal).
Nothing is copied or replaced, so QGIS or another SQLite client may keep
the file open and edit it (in WAL or rollback-journal mode) while GridWatch
writes, and the file keeps its owner and mode.

The GeoPackage's spatial index (the ``rtree_<table>_<geom>`` tables) is kept
by the triggers GDAL created with each layer. Those triggers call the
``ST_IsEmpty``/``ST_MinX``/``ST_MaxX``/``ST_MinY``/``ST_MaxY`` functions that
GDAL defines on its connections; :func:`geo.gpkg_blob.register_functions` defines them on
ours from the GeoPackage geometry header (shapely reads the WKB when a blob
has no envelope). Layers are created by GDAL (pyogrio), when the store is
first made or upgraded; whole layers are read by GDAL too (it is fastest).
"""

from __future__ import annotations

import contextlib
import glob
import os
import sqlite3
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from . import schema, settings
from .access import User
from .audit import AUDIT
from .errors import StoreError
from .gpkg_blob import decode, encode, register_functions
from .gpkg_lock import making_lock, writer_turn
from .gpkg_sql import (
    SQL_TYPE,
    begin,
    bulk_insert,
    chunks,
    count_change,
    create_id_indexes,
    create_layer,
    create_sequences,
    data_stamp,
    gdal_read,
    geometry_column,
    has_table,
    index_table,
    is_sqlite,
    kind_of_value,
    protect_audit,
    quote,
    read_attributes,
    read_table,
    row_dict,
    row_problems,
    rtree_extent,
    set_meta,
    spatial_tables,
    table_columns,
    watch_changes,
    write_meta_table,
)
from .storage import (
    CHANGES,
    INCIDENT_TYPES,
    MANAGED,
    META,
    NOT_SHOWN,
    SCHEMA_VERSION,
    SEQUENCES,
    Store,
    Transaction,
    attribute_frame,
    check_layer,
    empty_layer,
    layer_columns,
    now_text,
    restore_types,
)
from .storage_rows import kind_of, sql_values

__all__ = ["GeoPackageStore"]

#: Rows above which an insert bypasses the spatial-index triggers and fills the index in bulk.
_BULK_ROWS: Final = 2_000


# -- the store ---------------------------------------------------------------------------------


class GeoPackageStore(Store):
    """A store in one GeoPackage file (see the module text).

    Parameters
    ----------
    path
        The ``.gpkg`` file; made on first use (its folder too). A store
        written by an older release is upgraded in place when opened.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        if self._path.suffix.lower() != ".gpkg":
            msg = f"Store {str(self._path)!r} is not a GeoPackage file."
            raise StoreError(msg, "Name a file ending in .gpkg, e.g. data/gridwatch.gpkg.")
        if self._path.exists() and not is_sqlite(self._path):
            raise StoreError.of("store.not_store", location=str(self._path), why="not a GeoPackage (SQLite) file")
        self._ready = False

    @property
    def location(self) -> str:
        """The GeoPackage file's path."""
        return str(self._path)

    @property
    def version(self) -> str:
        """The file's change counter and times, with its write-ahead log's (``empty`` before it exists)."""
        try:
            st = self._path.stat()
            with open(self._path, "rb") as fh:
                fh.seek(24)
                counter = int.from_bytes(fh.read(4), "big")
        except FileNotFoundError:
            return "empty"
        wal = self._path.with_name(self._path.name + "-wal")
        try:
            ws = wal.stat()
            wal_part = f"{ws.st_mtime_ns}-{ws.st_size}"
        except FileNotFoundError:
            wal_part = "-"
        return f"{counter}-{st.st_mtime_ns}-{st.st_size}-{st.st_ino}-{wal_part}"

    @property
    def data_version(self) -> str:
        """The change counter the file's triggers keep (see :attr:`Store.data_version`); :attr:`version` before they are set."""
        try:
            ino = self._path.stat().st_ino  # before connecting: a missing store is not made
            with contextlib.closing(self._connect(timeout=5)) as con:
                return self.version if (stamp := data_stamp(con)) is None else f"d{ino}-{stamp}"
        except (FileNotFoundError, sqlite3.Error):
            return self.version

    # -- opening, making and upgrading ------------------------------------------------------------

    def _connect(self, *, timeout: float | None = None) -> sqlite3.Connection:
        seconds = settings.current().store_lock_timeout if timeout is None else timeout
        try:
            con = sqlite3.connect(self._path, timeout=seconds, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise StoreError.of("store.not_store", location=str(self._path), why=str(exc)) from exc
        register_functions(con)
        con.execute("PRAGMA cache_size = -262144")  # 256 MB before a big change spills to the file
        return con

    def _ensure(self) -> None:
        """Make the file when missing, upgrade it when older (once per object)."""
        if self._ready:
            return
        if not self._path.exists():
            self._create()
        elif self._found_version() < SCHEMA_VERSION and os.access(self._path, os.W_OK):
            self._upgrade()
        found = self._found_version()
        if found > SCHEMA_VERSION:
            raise StoreError.of("store.newer", location=str(self._path), found=found, supported=SCHEMA_VERSION)
        self._ready = True

    def _found_version(self) -> int:
        try:
            with contextlib.closing(self._connect()) as con:
                names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if META not in names:
                    return 0 if "gpkg_contents" in names else -1
                row = con.execute(f"SELECT value FROM {quote(META)} WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError.of("store.damaged", location=str(self._path), why=str(exc)) from exc
        return int(row[0]) if row and str(row[0]).isdigit() else 1

    def _create(self) -> None:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with making_lock(self._path):
            if self._path.exists():
                return
            tmp = self._path.with_name(f".{self._path.name}.new-{os.getpid()}.gpkg")
            tmp.unlink(missing_ok=True)
            try:
                write_meta_table(tmp)
                for layer in schema.LAYERS:
                    create_layer(tmp, layer)
                with contextlib.closing(sqlite3.connect(tmp, isolation_level=None)) as con:
                    con.execute("BEGIN")
                    create_sequences(con)
                    create_id_indexes(con)
                    watch_changes(con)
                    now = now_text()
                    con.executemany(f"INSERT INTO {quote(META)} (key, value) VALUES (?, ?)",
                                    [("schema_version", str(SCHEMA_VERSION)), ("written_at", now), ("revision", "0")])
                    con.execute("COMMIT")
                os.link(tmp, self._path)  # fails if another process made it meanwhile; never replaces a file
            except FileExistsError:
                pass
            finally:
                tmp.unlink(missing_ok=True)

    def _upgrade(self) -> None:
        """Schema 1 (copy-and-replace releases) to 2: the store's own columns, the counters, every layer present."""
        with making_lock(self._path):
            if self._found_version() >= SCHEMA_VERSION:
                return
            prefix = f".{self._path.name}.tmp-"
            for stale in self._path.parent.glob(f"{glob.escape(prefix)}*.gpkg"):
                stale.unlink(missing_ok=True)  # copies left by writers of schema 1 killed mid-write
            present = set(spatial_tables(self._path))
            for layer in schema.LAYERS:
                if layer not in present:
                    create_layer(self._path, layer)
            if self._found_version() < 0:
                write_meta_table(self._path)
            with contextlib.closing(self._connect()) as con:
                begin(con, self.location)
                try:
                    for layer in schema.LAYERS:
                        have = table_columns(con, layer)
                        for col, kind in MANAGED.items():
                            if col.lower() not in {c.lower() for c in have}:
                                con.execute(f"ALTER TABLE {quote(layer)} ADD COLUMN {quote(col)} {SQL_TYPE[kind]}")
                        con.execute(f"UPDATE {quote(layer)} SET row_version = 1, updated_by = 'upgrade', "
                                    "updated_at = ? WHERE row_version IS NULL", (now_text(),))
                    create_sequences(con)
                    create_id_indexes(con)
                    watch_changes(con)
                    set_meta(con, {"schema_version": str(SCHEMA_VERSION)})
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise

    # -- reading ------------------------------------------------------------------------------

    def _recover(self) -> None:
        """Make or upgrade the file (:meth:`_ensure`), and let SQLite roll back a change a killed writer left half done."""
        self._ensure()
        if self._path.with_name(self._path.name + "-journal").exists() and os.access(self._path, os.W_OK):
            with contextlib.closing(self._connect()) as con:
                con.execute("SELECT count(*) FROM sqlite_master").fetchone()

    def _listing(self) -> list[tuple[str, str]]:
        if not self._path.exists():  # reading never makes a store
            return []
        self._recover()
        try:
            with contextlib.closing(self._connect()) as con:
                return [(str(n), str(t)) for n, t in con.execute("SELECT table_name, data_type FROM gpkg_contents")]
        except sqlite3.DatabaseError as exc:
            raise StoreError.of("store.damaged", location=str(self._path), why=str(exc)) from exc

    def layers(self) -> list[str]:
        """Names of the spatial layers that hold rows."""
        names = [n for n, t in self._listing() if t == "features" and n in schema.LAYERS]
        if not names:
            return []
        with contextlib.closing(self._connect()) as con:
            return [n for n in names if con.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(n)})").fetchone()[0]]

    def tables(self) -> list[str]:
        """Names of the plain tables in the file (the store's counters left out)."""
        return [n for n, t in self._listing() if t == "attributes" and n != SEQUENCES]

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """One layer, with its column types restored (empty when it holds no rows)."""
        check_layer(layer)
        if not self._path.exists():
            return empty_layer(layer)
        self._recover()
        gdf = gdal_read(self._path, layer)
        return empty_layer(layer) if gdf is None else restore_types(layer, gdf)

    def read_attributes(self, layer: str, columns: Sequence[str] | None = None,
                        where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """Some columns and rows of a layer without its geometry, read by GDAL (see :meth:`Store.read_attributes`)."""
        check_layer(layer)
        if self._path.exists():
            self._recover()
        return attribute_frame(layer, read_attributes(self._path, layer, columns, where), columns)

    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """One plain table, or its rows ``where`` says (empty when never written)."""
        if not self._path.exists():
            return pd.DataFrame()
        self._recover()
        with contextlib.closing(self._connect()) as con:
            return read_table(con, name, where)

    # -- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, note: str = "", *, by: User | str = "") -> Iterator[Transaction]:
        """One SQLite write transaction on the file (see :meth:`geo.storage.Store.transaction`)."""
        self._ensure()
        seconds = settings.current().store_lock_timeout
        with writer_turn(self._path, seconds) as left:  # GridWatch's writers take turns, then SQLite's lock
            if left is None:
                raise StoreError.of("store.busy", location=self.location, seconds=seconds)
            con = self._connect(timeout=left)
            try:
                begin(con, self.location)
                tx = _Tx(self, con, note, by)
                try:
                    yield tx
                    tx.finish()
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
            finally:
                con.close()

    def check(self) -> list[str]:
        """SQLite's integrity check, the spatial indexes, ids, versions and a fresh GDAL read of every layer."""
        if not self._path.exists():
            return [f"{self._path} does not exist"]
        self._ensure()
        problems: list[str] = []
        with contextlib.closing(self._connect()) as con:
            result = [r[0] for r in con.execute("PRAGMA integrity_check")]
            if result != ["ok"]:
                problems += [f"integrity_check: {r}" for r in result[:20]]
            for layer in spatial_tables(self._path):
                geom = geometry_column(con, layer)
                rtree = f"rtree_{layer}_{geom}"
                rows = con.execute(f"SELECT count(*) FROM {quote(layer)} WHERE {quote(geom)} IS NOT NULL "
                                   f"AND NOT ST_IsEmpty({quote(geom)})").fetchone()[0]
                indexed = con.execute(f"SELECT count(*) FROM {quote(rtree)}").fetchone()[0]
                if rows != indexed:
                    problems.append(f"{layer}: {rows} geometries but {indexed} in the spatial index {rtree}")
                stray = con.execute(f"SELECT count(*) FROM {quote(rtree)} r LEFT JOIN {quote(layer)} t ON t.fid = r.id "
                                    "WHERE t.fid IS NULL").fetchone()[0]
                if stray:
                    problems.append(f"{layer}: {stray} spatial index entries name no row")
                if layer in schema.LAYERS:
                    problems += row_problems(con, layer)
                counted = con.execute("SELECT feature_count, (SELECT count(*) FROM " + quote(layer) + ") FROM "
                                      "gpkg_ogr_contents WHERE lower(table_name) = lower(?)", (layer,)).fetchone()
                if counted and counted[0] is not None and counted[0] != counted[1]:
                    problems.append(f"{layer}: gpkg_ogr_contents counts {counted[0]} of its {counted[1]} rows "
                                    "(GDAL reads only so many)")
        for layer in spatial_tables(self._path):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    pyogrio.read_dataframe(self._path, layer=layer, use_arrow=True)
            except Exception as exc:  # a fresh GDAL read, whatever GDAL raises
                problems.append(f"{layer}: GDAL cannot read it: {exc}")
        found = self._found_version()
        if found != SCHEMA_VERSION:
            problems.append(f"schema version {found}, expected {SCHEMA_VERSION}")
        return problems


class _Tx(Transaction):
    """A write transaction on one SQLite connection."""

    def __init__(self, store: GeoPackageStore, con: sqlite3.Connection, note: str, by: User | str) -> None:
        super().__init__(note, by)
        self._store = store
        self._con = con
        self._touched: set[str] = set()

    # -- reading ------------------------------------------------------------------------------

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """The layer as this transaction sees it."""
        check_layer(layer)
        if not self.wrote and self._con.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            return self._store.read(layer)  # GDAL (fastest) sees what this transaction holds; in WAL mode it may not
        return self._select(layer, "", ())

    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """A plain table (or its rows ``where`` says) as this transaction sees it."""
        return read_table(self._con, name, where)

    def read_bbox(self, layer: str, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
        """Rows whose bounding box meets ``bounds``, found through the spatial index."""
        check_layer(layer)
        geom = geometry_column(self._con, layer)
        rtree = quote(f"rtree_{layer}_{geom}")
        minx, miny, maxx, maxy = bounds
        where = (f"WHERE fid IN (SELECT id FROM {rtree} WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)")
        return self._select(layer, where, (maxx, minx, maxy, miny))

    def extent(self, layer: str) -> tuple[float, float, float, float] | None:
        """The layer's extent, from its spatial index."""
        check_layer(layer)
        return rtree_extent(self._con, layer)

    def get(self, layer: str, row_id: str) -> dict[str, Any] | None:
        """One row by id, or None."""
        check_layer(layer)  # one row, read without a frame: what every edit does, twice
        cur = self._con.execute(f"SELECT * FROM {quote(layer)} WHERE {quote(schema.ID_COLUMN[layer])} = ? "
                                "ORDER BY fid DESC LIMIT 1", (str(row_id),))
        row = cur.fetchone()
        return None if row is None else row_dict(layer, [d[0] for d in cur.description], row,
                                                 geometry_column(self._con, layer))

    def _select(self, layer: str, where: str, params: tuple[Any, ...]) -> gpd.GeoDataFrame:
        geom = geometry_column(self._con, layer)
        cur = self._con.execute(f"SELECT * FROM {quote(layer)} {where} ORDER BY fid", params)
        names = [d[0] for d in cur.description]
        df = pd.DataFrame.from_records(cur.fetchall(), columns=names)
        geoms = decode(df.pop(geom).tolist()) if len(df) else np.array([], dtype=object)
        df = df.drop(columns=["fid"])
        gdf = gpd.GeoDataFrame(df, geometry=gpd.GeoSeries(geoms, index=df.index, crs=schema.STORAGE_CRS),
                               crs=schema.STORAGE_CRS)
        return restore_types(layer, gdf)

    # -- what the contract asks of a backend ----------------------------------------------------

    def _next_sequence(self, name: str, count: int) -> int:
        row = self._con.execute(
            f"INSERT INTO {quote(SEQUENCES)} (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value", (name, count),
        ).fetchone()
        return int(row[0]) - count + 1

    def _existing_ids(self, layer: str, ids: Sequence[str]) -> set[str]:
        id_col = quote(schema.ID_COLUMN[layer])
        found: set[str] = set()
        for chunk in chunks(list(ids), 500):
            marks = ",".join("?" * len(chunk))
            found |= {str(r[0]) for r in self._con.execute(
                f"SELECT {id_col} FROM {quote(layer)} WHERE {id_col} IN ({marks})", chunk)}
        return found

    def _insert(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        taken = self._existing_ids(layer, frame[schema.ID_COLUMN[layer]].astype(str).tolist())
        if taken:
            raise StoreError.of("store.duplicate_id", layer=layer, row_id=sorted(taken)[0])
        self._write_rows(layer, frame)

    def _update(self, layer: str, row_id: str, changes: Mapping[str, Any]) -> None:
        geom = geometry_column(self._con, layer)
        cols = self._ensure_columns(layer, {c: kind_of_value(c, v, layer) for c, v in changes.items()
                                            if c != "geometry"})
        sets, values = [], []
        for col, value in changes.items():
            if col == "geometry":
                sets.append(quote(geom))
                values.append(encode([value])[0])
            else:
                sets.append(quote(cols[col]))
                values.append(sql_values(pd.Series([value], dtype=object), layer_columns(layer).get(col))[0])
        self._con.execute(f"UPDATE {quote(layer)} SET {', '.join(f'{s} = ?' for s in sets)} "
                          f"WHERE {quote(schema.ID_COLUMN[layer])} = ?", (*values, str(row_id)))
        self._touched.add(layer)

    def _delete(self, layer: str, row_ids: Sequence[str]) -> int:
        n = 0
        id_col = quote(schema.ID_COLUMN[layer])
        for chunk in chunks(list(row_ids), 500):
            n += self._con.execute(f"DELETE FROM {quote(layer)} WHERE {id_col} IN ({','.join('?' * len(chunk))})",
                                   chunk).rowcount
        self._touched.add(layer)
        return n

    def _sync(self, layer: str, *, changed: gpd.GeoDataFrame, new: gpd.GeoDataFrame,
              deleted: Sequence[str], dropped_columns: Sequence[str]) -> None:
        id_col = schema.ID_COLUMN[layer]
        fids: dict[str, int] = {}
        if len(changed):  # changed rows are written again under the same fid (QGIS keys features by it)
            for chunk in chunks(changed[id_col].astype(str).tolist(), 500):
                fids.update({str(i): int(f) for f, i in self._con.execute(
                    f"SELECT fid, {quote(id_col)} FROM {quote(layer)} WHERE {quote(id_col)} IN ({','.join('?' * len(chunk))})",
                    chunk)})
        self._delete(layer, [*deleted, *fids])
        for col in dropped_columns:
            with contextlib.suppress(sqlite3.OperationalError):  # a column another program indexed stays
                self._con.execute(f"ALTER TABLE {quote(layer)} DROP COLUMN {quote(col)}")
        if len(changed):
            self._write_rows(layer, changed, fids=[fids[str(i)] for i in changed[id_col]])
        if len(new):
            self._write_rows(layer, new)

    def _ensure_columns(self, layer: str, kinds: Mapping[str, str]) -> dict[str, str]:
        """Add the columns the table lacks; returns each column's stored name (names are case-insensitive)."""
        have = {c.lower(): c for c in table_columns(self._con, layer)}
        out = {}
        for col, kind in kinds.items():
            if col.lower() not in have:
                self._con.execute(f"ALTER TABLE {quote(layer)} ADD COLUMN {quote(col)} {SQL_TYPE.get(kind, 'TEXT')}")
                have[col.lower()] = col
            out[col] = have[col.lower()]
        return out

    def _write_rows(self, layer: str, frame: gpd.GeoDataFrame, *, fids: Sequence[int] | None = None) -> None:
        geom = geometry_column(self._con, layer)
        canon = layer_columns(layer)
        attrs = [c for c in frame.columns if c != "geometry"]
        kinds = {c: canon.get(c, kind_of(frame[c])) for c in attrs}
        names = self._ensure_columns(layer, kinds)
        columns = [sql_values(frame[c], kinds[c]) for c in attrs]
        blobs = encode(frame.geometry.array)
        head = ([quote("fid")] if fids is not None else []) + [quote(geom)] + [quote(names[c]) for c in attrs]
        rows: list[tuple[Any, ...]] = list(zip(*([list(fids)] if fids is not None else []), blobs, *columns, strict=True))
        sql = f"INSERT INTO {quote(layer)} ({', '.join(head)}) VALUES ({', '.join('?' * len(head))})"
        if len(rows) < _BULK_ROWS:
            self._con.executemany(sql, rows)
        else:
            bulk_insert(self._con, layer, geom, sql, rows, frame)
        self._touched.add(layer)

    def _write_table(self, name: str, df: pd.DataFrame) -> None:
        """Replace a plain table (its rows and columns)."""
        self._replace_table(name, df)
        self.wrote = True

    def _append_table(self, name: str, df: pd.DataFrame) -> None:
        """Add rows to a plain table."""
        if not has_table(self._con, name):
            self._replace_table(name, df)
        else:
            self._insert_table(name, df)
        self.wrote = True

    def _protect_audit(self) -> None:
        protect_audit(self._con, AUDIT)

    def _replace_table(self, name: str, df: pd.DataFrame) -> None:
        if name in schema.LAYERS or name in (SEQUENCES, CHANGES):
            raise StoreError.of("store.unknown_layer", layer=name, layers=f"{META}, {INCIDENT_TYPES}, ...")
        triggers = self._con.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
                                     (name,)).fetchall()
        registered = self._con.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?", (name,)).fetchone()
        self._touched.add(name)  # changed, even when no row is written again
        self._con.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        cols = ", ".join(f"{quote(c)} {SQL_TYPE.get(kind_of(df[c]), 'TEXT')}" for c in df.columns if c != "fid")
        self._con.execute(f"CREATE TABLE {quote(name)} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"
                          f"{', ' + cols if cols else ''})")
        if not registered:
            self._con.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change) "
                              "VALUES (?, 'attributes', ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))", (name, name))
        self._con.execute("DELETE FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)", (name,))
        self._con.execute("INSERT INTO gpkg_ogr_contents (table_name, feature_count) VALUES (?, 0)", (name,))
        for (text,) in triggers:
            self._con.execute(text)
        if not triggers:
            for verb, sign in (("insert", "+"), ("delete", "-")):
                self._con.execute(
                    f"CREATE TRIGGER {quote(f'trigger_{verb}_feature_count_{name}')} AFTER {verb.upper()} ON {quote(name)} "
                    f"BEGIN UPDATE gpkg_ogr_contents SET feature_count = feature_count {sign} 1 "
                    f"WHERE lower(table_name) = lower('{name.replace(chr(39), chr(39) * 2)}'); END")
        self._insert_table(name, df)

    def _insert_table(self, name: str, df: pd.DataFrame) -> None:
        cols = [c for c in df.columns if c != "fid"]
        have = {c.lower() for c in table_columns(self._con, name)}
        for c in cols:
            if c.lower() not in have:
                self._con.execute(f"ALTER TABLE {quote(name)} ADD COLUMN {quote(c)} {SQL_TYPE.get(kind_of(df[c]), 'TEXT')}")
        index_table(self._con, name)
        if not cols or df.empty:
            return
        values = [sql_values(df[c]) for c in cols]
        self._con.executemany(f"INSERT INTO {quote(name)} ({', '.join(quote(c) for c in cols)}) "
                              f"VALUES ({', '.join('?' * len(cols))})", list(zip(*values, strict=True)))
        self._touched.add(name)

    def finish(self) -> None:
        """Commit what was written (metadata, contents table and extents kept current); nothing written, nothing kept."""
        if not self.wrote:
            self._con.execute("ROLLBACK")
            return
        watch_changes(self._con)  # tables made since (by this change, or by QGIS) counted from now on
        if self._touched - NOT_SHOWN:
            count_change(self._con)
        set_meta(self._con, self._closing_meta())
        for name in self._touched | {META}:
            self._con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                              "WHERE table_name = ?", (name,))
        for layer in self._touched & set(schema.LAYERS):
            ext = rtree_extent(self._con, layer) or (None, None, None, None)
            self._con.execute("UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? "
                              "WHERE table_name = ?", (*ext, layer))
            # GDAL (QGIS) keeps its own count while it edits and writes it back on closing; recounted here
            self._con.execute(f"UPDATE gpkg_ogr_contents SET feature_count = (SELECT count(*) FROM {quote(layer)}) "
                              "WHERE lower(table_name) = lower(?)", (layer,))
        try:
            self._con.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                self._con.execute("ROLLBACK")
                raise StoreError.of("store.busy", location=self._store.location,
                                    seconds=settings.current().store_lock_timeout) from exc
            raise
