"""The server store: PostgreSQL with PostGIS, for a street office or district with many users.

Address: ``postgresql://user[:password]@host[:port]/database[?schema=NAME&...]``.
The ``schema`` parameter (ours, not libpq's) picks the PostgreSQL schema
that holds the store, made when missing, so that several stores live in one
database; without it the store is in ``public``. Every other parameter goes
to libpq as it is (``sslmode``, ``connect_timeout``...); a password may also
come from ``~/.pgpass``. Messages name the store by its address without the
password.

Layout (made on first use, under an advisory lock so two processes may
open a new store at once): one table per layer of :data:`geo.schema.LAYERS`
with ``fid bigserial`` primary key, the id column (unique index), the
canonical and the store's own columns typed, user columns added as writes
bring them, and ``geometry geometry(Geometry, 4326)`` with a GiST index;
``meta`` and the other plain tables as plain tables; the id counters in
``gw_sequences``.

Writes: each :meth:`PostGISStore.transaction` is one database transaction on
one pooled connection. It first takes a transaction-level advisory lock on
the store, so writers to one store follow one another exactly as on a
GeoPackage file (waiting at most ``store_lock_timeout`` seconds, then
``store.busy``), while readers never wait for them. Big inserts go through
COPY. One connection pool per database per process, shared by every store
and Streamlit session of it (:func:`geo.postgis_sql.pool_for`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import psycopg
import psycopg.errors
import shapely
from psycopg import sql
from psycopg_pool import PoolTimeout

from . import schema, settings
from .access import User
from .audit import AUDIT
from .errors import StoreError
from .postgis_sql import (
    COPY_ROWS,
    GEOMETRY,
    PG_TYPE,
    Address,
    add_columns,
    check_name,
    columns_of,
    connect,
    create_layout,
    driver_values,
    ensure_postgis,
    first_line,
    insert_rows,
    kind_for,
    layout_ready,
    parse_address,
    pool_for,
    select_layer,
    select_rows,
    set_meta,
    table,
)
from .storage import (
    INCIDENT_TYPES,
    META,
    SCHEMA_VERSION,
    SEQUENCES,
    TABLE_INDEXES,
    Store,
    Transaction,
    attribute_frame,
    check_layer,
    empty_layer,
    layer_columns,
)
from .storage_rows import kind_of

__all__ = ["PostGISStore", "drop_store"]

#: Rows written to a layer in one transaction from which its statistics are renewed at commit.
ANALYZE_ROWS: Final = 10_000
#: Stores whose layout this process has made or found current: (conninfo, schema).
_READY: set[tuple[str, str]] = set()


class PostGISStore(Store):
    """A store in a PostgreSQL + PostGIS database (see the module text).

    Parameters
    ----------
    address
        ``postgresql://user[:password]@host[:port]/database[?schema=NAME]``.
        Nothing is connected until the store is first used; then an
        unreachable server, refused credentials or a database without
        PostGIS raise :class:`geo.errors.StoreError` ``store.unreachable``.
    """

    def __init__(self, address: str) -> None:
        self._addr = parse_address(address)

    @property
    def location(self) -> str:
        """The address without its password."""
        return self._addr.location

    @property
    def address(self) -> str:
        """The address, credentials included (to open the store again; never show it)."""
        return self._addr.address

    @property
    def schema(self) -> str:
        """The PostgreSQL schema that holds the store."""
        return self._addr.schema

    # -- connections ----------------------------------------------------------------------------

    def _ensure(self) -> None:
        """Make the layout when missing and refuse a store written by a newer release (once per process)."""
        key = (self._addr.conninfo, self._addr.schema)
        if key in _READY:
            return
        with contextlib.closing(connect(self._addr)) as con:
            try:
                found = layout_ready(con, self._addr)
                if found is None:
                    ensure_postgis(con, self._addr)
                    create_layout(con, self._addr)
                    found = layout_ready(con, self._addr)
            except psycopg.errors.InsufficientPrivilege as exc:
                raise StoreError.of("store.unreachable", location=self.location, why=first_line(exc)) from exc
        if found is not None and found > SCHEMA_VERSION:
            raise StoreError.of("store.newer", location=self.location, found=found, supported=SCHEMA_VERSION)
        _READY.add(key)

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (autocommit), errors of the server turned into store errors."""
        self._ensure()
        pool = pool_for(self._addr.conninfo)
        try:
            with _errors(self.location), pool.connection() as con:
                yield con
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName) as exc:
            _READY.discard((self._addr.conninfo, self._addr.schema))  # removed meanwhile: made again when next used
            raise StoreError.of("store.damaged", location=self.location, why=first_line(exc)) from exc
        except StoreError as exc:
            stats = pool.get_stats()
            if isinstance(exc.__cause__, PoolTimeout) and stats.get("pool_available", 0) == 0 \
                    and stats.get("pool_size", 0) >= pool.max_size:  # every connection in use, none lost
                raise StoreError.of("store.busy", location=self.location, seconds=pool.timeout) from exc
            raise

    # -- reading --------------------------------------------------------------------------------

    def layers(self) -> list[str]:
        """Names of the spatial layers that hold rows."""
        with self._connection() as con:
            parts = [sql.SQL("SELECT %s::text WHERE EXISTS (SELECT 1 FROM {})").format(table(self._addr, layer))
                     for layer in schema.LAYERS]
            found = {str(r[0]) for r in con.execute(sql.SQL(" UNION ALL ").join(parts), list(schema.LAYERS)).fetchall()}
        return [layer for layer in schema.LAYERS if layer in found]

    def tables(self) -> list[str]:
        """Names of the plain tables of the schema (the counters and the extensions' own left out)."""
        with self._connection() as con:
            return _plain_tables(con, self._addr)

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """One layer, with its column types restored, in ``fid`` order."""
        check_layer(layer)
        with self._connection() as con:
            return _read_layer(con, self._addr, layer)

    def read_attributes(self, layer: str, columns: Sequence[str] | None = None,
                        where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """Some columns and rows of a layer, its geometry not sent (see :meth:`Store.read_attributes`)."""
        check_layer(layer)
        with self._connection() as con:
            have = columns_of(con, self._addr, layer)
            if have is None:
                return attribute_frame(layer, pd.DataFrame(), columns)
            picked = {c: k for c, k in have.items() if k != "geometry" and (columns is None or c in columns)}
            cond, params = _where(have, where)
            return attribute_frame(layer, select_rows(con, self._addr, layer, picked, cond, params), columns)

    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """One plain table in row order, or its rows ``where`` says (empty when never written)."""
        with self._connection() as con:
            return _read_table(con, self._addr, name, where)

    @property
    def version(self) -> str:
        """The meta revision and the transaction id that last wrote it (changes at every commit)."""
        with self._connection() as con:
            row = con.execute(sql.SQL("SELECT value, xmin::text FROM {} WHERE key = 'revision'")
                              .format(table(self._addr, META))).fetchone()
        return "empty" if row is None else f"{row[0]}-{row[1]}"

    # -- writing --------------------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, note: str = "", *, by: User | str = "") -> Iterator[Transaction]:
        """One database transaction, the store's writers serialised by an advisory lock (see the module text)."""
        seconds = settings.current().store_lock_timeout
        with self._connection() as con, con.transaction():
            con.execute("SELECT set_config('lock_timeout', %s, true), "
                        "set_config('search_path', %s || ', ' || current_setting('search_path'), true)",
                        (f"{int(seconds * 1000)}ms", sql.Identifier(self.schema).as_string(con)))
            con.execute("SELECT pg_advisory_xact_lock(%s)", (self._addr.lock_key,))
            tx = _Tx(self._addr, con, note, by)
            yield tx
            tx.finish()

    # -- upkeep ---------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Tables present, geometry SRID and GiST index, ids unique, the version column there, schema version current."""
        with self._connection() as con:
            return _problems(con, self._addr)


def drop_store(address: str) -> None:
    """Drop the schema of a store (``CASCADE``: every table in it); refuses ``public``.

    For tests and for removing a scratch store; nothing is kept.
    """
    addr = parse_address(address)
    if addr.schema == "public":
        raise StoreError.of("store.drop_public", location=addr.location)
    with contextlib.closing(connect(addr)) as con:
        con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(addr.schema)))
    _READY.discard((addr.conninfo, addr.schema))


@contextlib.contextmanager
def _errors(location: str) -> Iterator[None]:
    """Lock timeouts as ``store.busy``, lost or refused connections as ``store.unreachable``."""
    try:
        yield
    except psycopg.errors.LockNotAvailable as exc:
        raise StoreError.of("store.busy", location=location, seconds=settings.current().store_lock_timeout) from exc
    except PoolTimeout as exc:
        raise StoreError.of("store.unreachable", location=location, why=first_line(exc)) from exc
    except psycopg.OperationalError as exc:
        raise StoreError.of("store.unreachable", location=location, why=first_line(exc)) from exc


# -- reading, on any connection -------------------------------------------------------------------------


def _read_layer(con: psycopg.Connection[Any], addr: Address, layer: str,
                where: sql.Composable | None = None, params: Sequence[Any] = ()) -> gpd.GeoDataFrame:
    columns = columns_of(con, addr, layer)
    if columns is None:
        return empty_layer(layer)
    return select_layer(con, addr, layer, columns, where, params)


def _read_table(con: psycopg.Connection[Any], addr: Address, name: str,
                where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
    if name == SEQUENCES or name in schema.LAYERS:
        return pd.DataFrame()
    columns = columns_of(con, addr, name)
    if columns is None:
        return pd.DataFrame()
    cond, params = _where(columns, where)
    return select_rows(con, addr, name, columns, cond, params)


def _where(columns: Mapping[str, str], where: Mapping[str, Sequence[Any]] | None) -> tuple[sql.Composable | None, list[Any]]:
    """The ``WHERE`` clause keeping the rows whose column holds one of the values (as text), and its parameters."""
    clauses: list[sql.Composable] = []
    params: list[Any] = []
    for col, values in (where or {}).items():
        if col not in columns:
            return sql.SQL("WHERE false"), []
        clauses.append(sql.SQL("{}::text = ANY(%s)").format(sql.Identifier(col)))
        params.append([str(v) for v in values])
    return (sql.SQL("WHERE ") + sql.SQL(" AND ").join(clauses) if clauses else None), params


def _plain_tables(con: psycopg.Connection[Any], addr: Address) -> list[str]:
    rows = con.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname <> ALL(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e') ORDER BY c.oid",
        (addr.schema, [*schema.LAYERS, SEQUENCES])).fetchall()
    return [str(r[0]) for r in rows]


def _problems(con: psycopg.Connection[Any], addr: Address) -> list[str]:
    """What :meth:`PostGISStore.check` reports."""
    problems: list[str] = []
    for name in (META, SEQUENCES):
        if columns_of(con, addr, name) is None:
            problems.append(f"table {name} is missing")
    for layer in schema.LAYERS:
        columns = columns_of(con, addr, layer)
        if columns is None:
            problems.append(f"{layer}: table is missing")
            continue
        geo = con.execute("SELECT srid, type FROM geometry_columns WHERE f_table_schema = %s AND f_table_name = %s "
                          "AND f_geometry_column = %s", (addr.schema, layer, GEOMETRY)).fetchone()
        if geo is None or int(geo[0]) != 4326:
            problems.append(f"{layer}: geometry column is not SRID 4326 ({geo[0] if geo else 'missing'})")
        index = con.execute(
            "SELECT bool_or(i.indisvalid AND i.indisready) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class ic ON ic.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = ic.relam JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
            "WHERE n.nspname = %s AND c.relname = %s AND am.amname = 'gist' AND a.attname = %s",
            (addr.schema, layer, GEOMETRY)).fetchone()
        if not index or not index[0]:
            problems.append(f"{layer}: no valid GiST index on {GEOMETRY}")
        unique = con.execute(
            "SELECT bool_or(i.indisvalid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid "
            "AND i.indkey[0] = a.attnum WHERE n.nspname = %s AND c.relname = %s AND i.indisunique AND i.indnatts = 1 "
            "AND a.attname = %s", (addr.schema, layer, schema.ID_COLUMN[layer])).fetchone()
        if not unique or not unique[0]:
            problems.append(f"{layer}: no valid unique index on {schema.ID_COLUMN[layer]}")
        id_col = sql.Identifier(schema.ID_COLUMN[layer])
        dup = con.execute(sql.SQL("SELECT {0} FROM {1} WHERE {0} IS NOT NULL GROUP BY {0} HAVING count(*) > 1 LIMIT 5")
                          .format(id_col, table(addr, layer))).fetchall()
        if dup:
            problems.append(f"{layer}: ids stored more than once: {', '.join(str(d[0]) for d in dup)}")
        if "row_version" not in columns:  # rows without a value (added by QGIS) count as version 1
            problems.append(f"{layer}: no row_version column")
    found = layout_ready(con, addr)
    if found != SCHEMA_VERSION:
        problems.append(f"schema version {found}, expected {SCHEMA_VERSION}")
    return problems


# -- the transaction ----------------------------------------------------------------------------------


class _Tx(Transaction):
    """A write transaction on one pooled connection (its reads see its own writes)."""

    def __init__(self, addr: Address, con: psycopg.Connection[Any], note: str, by: User | str) -> None:
        super().__init__(note, by)
        self._addr = addr
        self._con = con
        self._columns: dict[str, dict[str, str] | None] = {}
        self._written: dict[str, int] = {}  # rows inserted or rewritten per layer

    def _cols(self, name: str) -> dict[str, str] | None:
        if name not in self._columns:
            self._columns[name] = columns_of(self._con, self._addr, name)
        return self._columns[name]

    def _layer_cols(self, layer: str) -> dict[str, str]:
        cols = self._cols(layer)
        if cols is None:
            raise StoreError.of("store.damaged", location=self._addr.location, why=f"table {layer} is missing")
        return cols

    # -- reading ------------------------------------------------------------------------------------

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """The layer as this transaction sees it."""
        check_layer(layer)
        return select_layer(self._con, self._addr, layer, self._layer_cols(layer))

    def read_table(self, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
        """A plain table (or its rows ``where`` says) as this transaction sees it."""
        return _read_table(self._con, self._addr, name, where)

    def read_bbox(self, layer: str, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
        """Rows whose bounding box meets ``bounds``, found through the GiST index."""
        check_layer(layer)
        where = sql.SQL("WHERE {} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)").format(sql.Identifier(GEOMETRY))
        return select_layer(self._con, self._addr, layer, self._layer_cols(layer), where, [float(b) for b in bounds])

    def extent(self, layer: str) -> tuple[float, float, float, float] | None:
        """The layer's extent (``ST_Extent``)."""
        check_layer(layer)
        row = self._con.execute(sql.SQL("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
                                        "(SELECT ST_Extent({}) AS e FROM {}) s").format(
            sql.Identifier(GEOMETRY), table(self._addr, layer))).fetchone()
        return None if row is None or row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    def get(self, layer: str, row_id: str) -> dict[str, Any] | None:
        """One row by id, or None."""
        check_layer(layer)
        where = sql.SQL("WHERE {} = %s").format(sql.Identifier(schema.ID_COLUMN[layer]))
        gdf = select_layer(self._con, self._addr, layer, self._layer_cols(layer), where, [str(row_id)])
        if gdf.empty:
            return None
        row = gdf.iloc[-1].to_dict()
        return {k: (None if not isinstance(v, shapely.Geometry) and pd.api.types.is_scalar(v) and pd.isna(v) else v)
                for k, v in row.items()}

    # -- what the contract asks of a backend ------------------------------------------------------------

    def _next_sequence(self, name: str, count: int) -> int:
        row = self._con.execute(sql.SQL("INSERT INTO {0} AS s (name, value) VALUES (%s, %s) ON CONFLICT (name) "
                                        "DO UPDATE SET value = s.value + EXCLUDED.value RETURNING value")
                                .format(table(self._addr, SEQUENCES)), (name, count)).fetchone()
        assert row is not None
        return int(row[0]) - count + 1

    def _existing_ids(self, layer: str, ids: Sequence[str]) -> set[str]:
        id_col = sql.Identifier(schema.ID_COLUMN[layer])
        rows = self._con.execute(sql.SQL("SELECT {0} FROM {1} WHERE {0} = ANY(%s)").format(id_col, table(self._addr, layer)),
                                 ([str(i) for i in ids],)).fetchall()
        return {str(r[0]) for r in rows}

    def _insert(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        """Insert rows; an id already stored is ``store.duplicate_id`` (found first for a few rows, by the unique index for many)."""
        if len(frame) < COPY_ROWS:
            taken = self._existing_ids(layer, frame[schema.ID_COLUMN[layer]].astype(str).tolist())
            if taken:
                raise StoreError.of("store.duplicate_id", layer=layer, row_id=sorted(taken)[0])
            self._write_rows(layer, frame)
            return
        try:
            with self._con.transaction():  # a savepoint: the transaction goes on after the error
                self._write_rows(layer, frame)
        except psycopg.errors.UniqueViolation as exc:
            found = re.search(r"\)=\((.*)\) already exists", exc.diag.message_detail or "")
            raise StoreError.of("store.duplicate_id", layer=layer, row_id=found.group(1) if found else "?") from exc

    def _update(self, layer: str, row_id: str, changes: Mapping[str, Any]) -> None:
        have = self._layer_cols(layer)
        canon = layer_columns(layer)
        add_columns(self._con, self._addr, layer, have,
                    {c: canon.get(c) or kind_for(pd.Series([v]), have.get(c))
                     for c, v in changes.items() if c != GEOMETRY}, fixed=list(canon))
        sets, values = [], []
        for col, value in changes.items():
            kind = "geometry" if col == GEOMETRY else have[col]
            sets.append(sql.SQL("{} = %s::geometry" if kind == "geometry" else "{} = %s").format(sql.Identifier(col)))
            values.append(driver_values(pd.Series([value], dtype=object), kind)[0])
        self._con.execute(sql.SQL("UPDATE {} SET {} WHERE {} = %s").format(
            table(self._addr, layer), sql.SQL(", ").join(sets), sql.Identifier(schema.ID_COLUMN[layer])),
            (*values, str(row_id)))

    def _delete(self, layer: str, row_ids: Sequence[str]) -> int:
        if not row_ids:
            return 0
        cur = self._con.execute(sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
            table(self._addr, layer), sql.Identifier(schema.ID_COLUMN[layer])), ([str(i) for i in row_ids],))
        return int(cur.rowcount)

    def _sync(self, layer: str, *, changed: gpd.GeoDataFrame, new: gpd.GeoDataFrame,
              deleted: Sequence[str], dropped_columns: Sequence[str]) -> None:
        """Removed rows deleted, listed columns dropped, changed rows updated by id (in one statement), new rows added."""
        self._delete(layer, list(deleted))
        have = self._layer_cols(layer)
        for col in dropped_columns:
            if col in have and col not in layer_columns(layer) and col != GEOMETRY:
                self._con.execute(sql.SQL("ALTER TABLE {} DROP COLUMN IF EXISTS {}").format(
                    table(self._addr, layer), sql.Identifier(col)))
                del have[col]
        if len(changed):
            self._update_rows(layer, changed)
        if len(new):
            self._write_rows(layer, new)

    def _update_rows(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        """Set every column of the stored rows with ``frame``'s ids to ``frame``'s values (columns it lacks to NULL).

        The rows go into a temporary table (COPY when many) and one
        ``UPDATE ... FROM`` joins it by id: the rows keep their ``fid``.
        """
        id_col = schema.ID_COLUMN[layer]
        have, attrs = self._columns_for(layer, frame)
        scratch = replace(self._addr, schema="pg_temp")
        self._con.execute("DROP TABLE IF EXISTS pg_temp.gw_changed")
        defs = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPE[have[c]])) for c in attrs]
        self._con.execute(sql.SQL("CREATE TEMP TABLE gw_changed ({} geometry, {}) ON COMMIT DROP").format(
            sql.Identifier(GEOMETRY), sql.SQL(", ").join(defs)))
        data = [driver_values(frame.geometry, "geometry"), *(driver_values(frame[c], have[c]) for c in attrs)]
        insert_rows(self._con, scratch, "gw_changed", [GEOMETRY, *attrs], data, geometry=GEOMETRY)
        sets = [sql.SQL("{0} = s.{0}").format(sql.Identifier(c)) for c in [GEOMETRY, *attrs] if c != id_col]
        sets += [sql.SQL("{} = NULL").format(sql.Identifier(c)) for c in have if c not in attrs and c != GEOMETRY]
        self._con.execute(sql.SQL("UPDATE {} AS t SET {} FROM pg_temp.gw_changed AS s WHERE t.{} = s.{}").format(
            table(self._addr, layer), sql.SQL(", ").join(sets), sql.Identifier(id_col), sql.Identifier(id_col)))
        self._con.execute("DROP TABLE pg_temp.gw_changed")
        self._written[layer] = self._written.get(layer, 0) + len(frame)

    def _columns_for(self, layer: str, frame: gpd.GeoDataFrame) -> tuple[dict[str, str], list[str]]:
        """The layer's columns once those ``frame`` brings are added or widened, and ``frame``'s own (no geometry)."""
        have = self._layer_cols(layer)
        canon = layer_columns(layer)
        attrs = [c for c in frame.columns if c not in (GEOMETRY, "fid")]
        add_columns(self._con, self._addr, layer, have, {c: canon.get(c) or kind_for(frame[c], have.get(c)) for c in attrs},
                    fixed=list(canon))
        return have, attrs

    def _write_rows(self, layer: str, frame: gpd.GeoDataFrame) -> None:
        have, attrs = self._columns_for(layer, frame)
        data = [driver_values(frame.geometry, "geometry"), *(driver_values(frame[c], have[c]) for c in attrs)]
        insert_rows(self._con, self._addr, layer, [GEOMETRY, *attrs], data, geometry=GEOMETRY)
        self._written[layer] = self._written.get(layer, 0) + len(frame)

    # -- plain tables -----------------------------------------------------------------------------------

    def _write_table(self, name: str, df: pd.DataFrame) -> None:
        """Replace a plain table (rows deleted and written again; the table made anew when its columns change)."""
        if name in schema.LAYERS or name == SEQUENCES:
            raise StoreError.of("store.unknown_layer", layer=name, layers=f"{META}, {INCIDENT_TYPES}, ...")
        cols = [c for c in df.columns if c != "fid"]
        kinds = {check_name(str(c)): kind_of(df[c]) for c in cols}
        have = self._cols(name)
        if have is not None and have == kinds:  # same columns: readers keep reading while the rows change
            self._con.execute(sql.SQL("DELETE FROM {}").format(table(self._addr, name)))
        else:
            self._con.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(table(self._addr, name)))
            self._create_table(name, kinds)
        self._insert_table(name, df)
        self.wrote = True

    def _append_table(self, name: str, df: pd.DataFrame) -> None:
        """Add rows to a plain table (made when missing, columns added when new)."""
        if name in schema.LAYERS or name == SEQUENCES:
            raise StoreError.of("store.unknown_layer", layer=name, layers=f"{META}, {INCIDENT_TYPES}, ...")
        kinds = {check_name(str(c)): kind_of(df[c]) for c in df.columns if c != "fid"}
        have = self._cols(name)
        if have is None:
            self._create_table(name, kinds)
        else:
            add_columns(self._con, self._addr, name, have, {c: kind_for(df[c], have.get(c)) for c in kinds})
        self._insert_table(name, df)
        self.wrote = True

    def _protect_audit(self) -> None:
        """A trigger that refuses UPDATE and DELETE on the audit table (TRUNCATE too)."""
        name = table(self._addr, AUDIT)
        there = self._con.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'gw_audit_append_only' AND tgrelid = "
                                  "to_regclass(%s)", (name.as_string(self._con),)).fetchone()
        if there:
            return
        fn = sql.Identifier(self._addr.schema, "gw_audit_append_only")
        self._con.execute(sql.SQL(
            "CREATE OR REPLACE FUNCTION {}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'the GridWatch audit log is append-only'; END $$").format(fn))
        self._con.execute(sql.SQL("CREATE OR REPLACE TRIGGER gw_audit_append_only BEFORE UPDATE OR DELETE ON {} "
                                  "FOR EACH ROW EXECUTE FUNCTION {}()").format(name, fn))
        self._con.execute(sql.SQL("CREATE OR REPLACE TRIGGER gw_audit_no_truncate BEFORE TRUNCATE ON {} "
                                  "FOR EACH STATEMENT EXECUTE FUNCTION {}()").format(name, fn))

    def _create_table(self, name: str, kinds: Mapping[str, str]) -> None:
        defs = [sql.SQL(", {} {}").format(sql.Identifier(c), sql.SQL(PG_TYPE[k])) for c, k in kinds.items()]
        self._con.execute(sql.SQL("CREATE TABLE {} (fid bigserial PRIMARY KEY{})").format(
            table(self._addr, name), sql.SQL("").join(defs)))
        self._columns[name] = dict(kinds)
        for col in TABLE_INDEXES.get(name, ()):
            if col in kinds:  # compared as text by read_table
                self._con.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (({}::text))").format(
                    sql.Identifier(f"idx_{name}_{col}"), table(self._addr, name), sql.Identifier(col)))

    def _insert_table(self, name: str, df: pd.DataFrame) -> None:
        have = self._cols(name) or {}
        cols = [str(c) for c in df.columns if c != "fid"]
        if not cols or df.empty:
            return
        data = [driver_values(df[c], have.get(c, kind_of(df[c]))) for c in cols]
        insert_rows(self._con, self._addr, name, cols, data)

    # -- commit -------------------------------------------------------------------------------------------

    def finish(self) -> None:
        """Write the closing metadata when anything was written; otherwise roll back (nothing kept, revision unchanged)."""
        if not self.wrote:
            raise psycopg.Rollback()
        set_meta(self._con, self._addr, self._closing_meta())
        for layer, n in self._written.items():
            if n >= ANALYZE_ROWS:  # fresh statistics, so the next read plans well without waiting for autovacuum
                self._con.execute(sql.SQL("ANALYZE {}").format(table(self._addr, layer)))
