"""SQL helpers of the PostGIS store (:mod:`geo.postgis`): addresses, the shared pools, the layout, rows in and out.

Identifiers are always composed with :class:`psycopg.sql.Identifier` and
values always sent as bound parameters (or COPY data); no value is ever
formatted into SQL text.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import hashlib
import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import geopandas as gpd
import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from psycopg_pool import ConnectionPool

from . import schema, settings
from .errors import StoreError
from .storage import META, SCHEMA_VERSION, SEQUENCES, layer_columns, now_text, restore_types
from .storage_rows import kind_of, sql_values

#: PostgreSQL type of each column kind.
PG_TYPE: Final = {"str": "text", "int": "bigint", "float": "double precision", "bool": "boolean", "bytes": "bytea"}
#: Column kind of a PostgreSQL type (``format_type`` text); anything else is read as text.
_KIND: Final = {"text": "str", "bigint": "int", "integer": "int", "smallint": "int", "double precision": "float",
                "real": "float", "numeric": "float", "boolean": "bool", "bytea": "bytes"}
#: The longest identifier PostgreSQL keeps (NAMEDATALEN - 1 bytes); longer ones are cut silently.
MAX_NAME_BYTES: Final = 63
#: Rows from which an insert goes through COPY rather than one INSERT per row.
COPY_ROWS: Final = 200
GEOMETRY: Final = "geometry"
_SCHEMES: Final = ("postgresql+psycopg://", "postgresql://", "postgres://")


# -- addresses ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """A parsed ``postgresql://`` store address.

    Attributes
    ----------
    conninfo
        What libpq connects with (our ``schema`` parameter left out).
    schema
        The PostgreSQL schema that holds the store (``public`` when not given).
    location
        The address without password, for messages.
    address
        The address as given, normalised (credentials included: never show it).
    """

    conninfo: str
    schema: str
    location: str
    address: str

    @property
    def lock_key(self) -> int:
        """The advisory-lock key of the store's writers (one per schema; locks are per database)."""
        digest = hashlib.blake2b(f"gridwatch:{self.schema}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)


#: The advisory-lock key that serialises making layouts (and the extension) in one database.
LAYOUT_KEY: Final = int.from_bytes(hashlib.blake2b(b"gridwatch:layout", digest_size=8).digest(), "big", signed=True)


def parse_address(text: str) -> Address:
    """Split a ``postgresql://user[:pw]@host[:port]/db[?schema=NAME&...]`` address.

    Parameters
    ----------
    text
        The address (``postgres://`` and ``postgresql+psycopg://`` are read alike).

    Returns
    -------
    Address
        Its conninfo, schema and password-free location.
    """
    scheme = next((s for s in _SCHEMES if text.startswith(s)), None)
    if scheme is None:
        raise StoreError.of("store.not_store", location=hide_password(text), why="not a postgresql:// address")
    parts = urlsplit("postgresql://" + text[len(scheme):])
    query = parse_qsl(parts.query, keep_blank_values=True)
    names = [v for k, v in query if k == "schema"]
    name = names[-1] if names else "public"
    if not name or len(name.encode()) > MAX_NAME_BYTES or "\x00" in name:
        raise StoreError.of("store.not_store", location=hide_password(text),
                            why=f"schema name must be 1 to {MAX_NAME_BYTES} bytes")
    rest = [(k, v) for k, v in query if k != "schema"]
    conninfo = parts._replace(query=urlencode(rest, quote_via=quote)).geturl()
    shown = [(k, v) for k, v in query if k != "password"]
    location = parts._replace(netloc=_netloc_without_password(parts.netloc),
                              query=urlencode(shown, quote_via=quote)).geturl()
    address = parts.geturl()
    return Address(conninfo=conninfo, schema=name, location=location, address=address)


def _netloc_without_password(netloc: str) -> str:
    user_info, at, host = netloc.rpartition("@")
    if not at:
        return netloc
    return f"{user_info.partition(':')[0]}@{host}"


def hide_password(text: str) -> str:
    """``text`` with the password of a URL's user part, if any, left out."""
    head, sep, tail = text.partition("://")
    if not sep:
        return text
    netloc, slash, path = tail.partition("/")
    return f"{head}://{_netloc_without_password(netloc)}{slash}{path}"


# -- connections: one pool per database per process -----------------------------------------------

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def pool_for(conninfo: str) -> ConnectionPool:
    """The process's pool of connections to ``conninfo`` (made on first use, shared by every store of it).

    Its size is :attr:`geo.settings.Settings.store_pool_size`; stores in
    different schemas of one database share it.
    """
    with _POOLS_LOCK:
        pool = _POOLS.get(conninfo)
        if pool is None or pool.closed:
            size = settings.current().store_pool_size
            pool = ConnectionPool(conninfo, min_size=1, max_size=size, open=True, name="gridwatch",
                                  kwargs={"autocommit": True, "prepare_threshold": None},
                                  timeout=max(2.0, settings.current().store_lock_timeout))
            _POOLS[conninfo] = pool
        return pool


def close_pools() -> None:
    """Close every pool of the process (at exit, and for tests)."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()


atexit.register(close_pools)

#: Pools a forked child inherited: kept, never used or closed (closing would end the parent's sessions).
_INHERITED: list[ConnectionPool] = []


def _forget_pools_in_child() -> None:
    """In a forked child: leave the parent's pools alone; the child makes its own when it needs one."""
    global _POOLS_LOCK
    _INHERITED.extend(_POOLS.values())
    _POOLS.clear()
    _POOLS_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_pools_in_child)


def connect(addr: Address) -> psycopg.Connection[Any]:
    """One direct connection (not pooled), or ``store.unreachable`` with libpq's reason."""
    try:
        return psycopg.connect(addr.conninfo, autocommit=True, prepare_threshold=None, connect_timeout=10)
    except psycopg.Error as exc:
        raise StoreError.of("store.unreachable", location=addr.location, why=first_line(exc)) from exc


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (libpq's reasons run over several)."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].removeprefix("connection failed: ").strip()


# -- the layout ----------------------------------------------------------------------------------


def table(addr: Address, name: str) -> sql.Identifier:
    """The store's table ``name``, qualified by its schema."""
    return sql.Identifier(addr.schema, name)


def ensure_postgis(con: psycopg.Connection[Any], addr: Address) -> None:
    """Create the postgis extension when the database lacks it (``store.unreachable`` when not allowed)."""
    if con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        with con.transaction():
            con.execute("SELECT pg_advisory_xact_lock(%s)", (LAYOUT_KEY,))
            con.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    except psycopg.Error as exc:
        why = (f"the database has no PostGIS extension and this user cannot create it ({first_line(exc)}); "
               "ask its owner to run CREATE EXTENSION postgis")
        raise StoreError.of("store.unreachable", location=addr.location, why=why) from exc


def layout_ready(con: psycopg.Connection[Any], addr: Address) -> int | None:
    """The schema version when every table of the layout is there, else None."""
    wanted = [*schema.LAYERS, META, SEQUENCES]
    row = con.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = %s AND c.relkind = 'r' AND c.relname = ANY(%s)",
                      (addr.schema, wanted)).fetchone()
    if not row or row[0] != len(wanted):
        return None
    found = con.execute(sql.SQL("SELECT value FROM {} WHERE key = 'schema_version'").format(table(addr, META))).fetchone()
    return int(found[0]) if found and str(found[0]).isdigit() else 0


def create_layout(con: psycopg.Connection[Any], addr: Address) -> None:
    """The schema, one table per layer (id index, GiST index), meta and the counters; safe to run at once from two processes."""
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", (LAYOUT_KEY,))
        con.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(addr.schema)))
        for layer in schema.LAYERS:
            cols = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(PG_TYPE[k])) for c, k in layer_columns(layer).items()]
            con.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, {}, {} geometry(Geometry, 4326))")
                        .format(table(addr, layer), sql.SQL(", ").join(cols), sql.Identifier(GEOMETRY)))
            id_col = schema.ID_COLUMN[layer]
            con.execute(sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({})").format(
                sql.Identifier(f"{layer}_{id_col}_key"), table(addr, layer), sql.Identifier(id_col)))
            con.execute(sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} USING gist ({})").format(
                sql.Identifier(f"{layer}_geometry_gist"), table(addr, layer), sql.Identifier(GEOMETRY)))
        con.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (fid bigserial PRIMARY KEY, key text, value text)")
                    .format(table(addr, META)))
        con.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, value bigint NOT NULL)")
                    .format(table(addr, SEQUENCES)))
        have = con.execute(sql.SQL("SELECT 1 FROM {} WHERE key = 'schema_version'").format(table(addr, META))).fetchone()
        if not have:
            set_meta(con, addr, {"schema_version": str(SCHEMA_VERSION), "written_at": now_text(), "revision": "0"})


def set_meta(con: psycopg.Connection[Any], addr: Address, values: Mapping[str, str]) -> None:
    """Set ``meta`` keys in place."""
    meta = table(addr, META)
    for key, value in values.items():
        cur = con.execute(sql.SQL("UPDATE {} SET value = %s WHERE key = %s").format(meta), (value, key))
        if cur.rowcount == 0:
            con.execute(sql.SQL("INSERT INTO {} (key, value) VALUES (%s, %s)").format(meta), (key, value))


# -- columns ---------------------------------------------------------------------------------------


def check_name(name: str) -> str:
    """``name`` when PostgreSQL keeps it whole (at most 63 bytes, no NUL), else ``store.column_name``."""
    if len(name.encode()) > MAX_NAME_BYTES or "\x00" in name or not name:
        raise StoreError.of("store.column_name", column=name, limit=MAX_NAME_BYTES)
    return name


def columns_of(con: psycopg.Connection[Any], addr: Address, name: str) -> dict[str, str] | None:
    """A table's columns (``fid`` left out) and their kinds (``geometry`` for geometry), None when it does not exist."""
    rows = con.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped "
        "ORDER BY a.attnum", (addr.schema, name)).fetchall()
    if not rows:
        exists = con.execute("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE n.nspname = %s AND c.relname = %s AND c.relkind = 'r'", (addr.schema, name)).fetchone()
        return {} if exists else None
    return {str(n): ("geometry" if str(t).startswith("geometry") else _KIND.get(str(t), "str"))
            for n, t in rows if n != "fid"}


def add_columns(con: psycopg.Connection[Any], addr: Address, name: str, have: dict[str, str],
                kinds: Mapping[str, str | None], *, fixed: Sequence[str] = ()) -> None:
    """Add the columns of ``kinds`` the table lacks, widen those that cannot hold the new values (``have`` is updated).

    A column of whole numbers that receives fractions becomes ``double
    precision``, any column that receives text becomes ``text`` (its values
    kept as text), so that no value written is lost; the ``fixed``
    (canonical) columns keep their type.
    """
    for col, wanted in kinds.items():
        kind = wanted or "str"  # a column of gaps only is made as text
        if col not in have:
            con.execute(sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                table(addr, name), sql.Identifier(check_name(col)), sql.SQL(PG_TYPE.get(kind, "text"))))
            have[col] = kind
        elif wanted and col not in fixed and (wider := _wider(have[col], kind)) != have[col]:
            numeric = have[col] == "bool" and wider != "str"  # a boolean becomes a number through int
            using = sql.SQL("{}::int").format(sql.Identifier(col)) if numeric else sql.Identifier(col)
            con.execute(sql.SQL("ALTER TABLE {} ALTER COLUMN {} TYPE {} USING {}::{}").format(
                table(addr, name), sql.Identifier(col), sql.SQL(PG_TYPE[wider]), using, sql.SQL(PG_TYPE[wider])))
            have[col] = wider


def _wider(old: str, new: str) -> str:
    """The kind a column of kind ``old`` needs to hold values of kind ``new`` too."""
    if old == new or old in ("str", "geometry") or new not in PG_TYPE:
        return old
    if new == "str":
        return "str"
    order = ("bool", "int", "float")
    return new if old in order and order.index(new) > order.index(old) else old


def kind_for(series: pd.Series, current: str | None) -> str | None:
    """The kind the values of ``series`` need in a column now of kind ``current`` (None: no values, no need).

    A new column (``current`` None) gets :func:`geo.storage_rows.kind_of`.
    For an existing one, objects are looked at (Python ints are ``int``), and
    fractions without a fractional part fit a column of whole numbers, so
    that a layer read back (ints with gaps come back as floats) and written
    again keeps its column types.
    """
    if current is None:  # a new column: typed as the GeoPackage store types it
        return kind_of(series)
    values = series.dropna()
    if values.empty:
        return None
    kind = kind_of(series)
    if kind == "str" and series.dtype == object:
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        kind = {"integer": "int", "floating": "float", "mixed-integer-float": "float", "boolean": "bool"}.get(inferred, "str")
    if kind == "float" and current in ("int", "bool"):
        numbers = pd.to_numeric(values, errors="coerce").astype("float64").to_numpy()
        if np.isfinite(numbers).all() and (numbers == np.round(numbers)).all():
            return current if current == "int" or set(np.unique(numbers)) <= {0.0, 1.0} else "int"
    return kind


def driver_values(series: pd.Series, kind: str) -> list[Any]:
    """A column as Python values for psycopg: bools as bools, missing as None (as :func:`geo.storage_rows.sql_values`).

    Columns already of their kind (text as str, numbers as numbers) are
    converted in one vectorised pass; anything else goes value by value.
    """
    if kind == "geometry":
        return ewkb_hex(series)
    missing = series.isna().to_numpy()
    if kind == "str" and pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):
        return _with_gaps(series.to_numpy(dtype=object), missing)
    if kind in ("int", "float", "bool") and (pd.api.types.is_numeric_dtype(series.dtype)
                                           or pd.api.types.is_bool_dtype(series.dtype)):
        numbers = series.to_numpy(dtype="float64", na_value=np.nan)
        gaps = missing | ~np.isfinite(numbers)
        if kind == "float":
            return _with_gaps(numbers, gaps)
        if kind == "bool":
            return _with_gaps(numbers != 0, gaps)
        if np.all(np.abs(numbers[~gaps]) < 2 ** 53):  # exact as floats
            return _with_gaps(np.where(gaps, 0.0, numbers).astype("int64"), gaps)
    values = sql_values(series, kind)
    if kind == "bool":
        return [None if v is None else bool(v) for v in values]
    return values


def _with_gaps(values: np.ndarray, gaps: np.ndarray) -> list[Any]:
    """``values`` as Python objects, None where ``gaps``."""
    out = values.astype(object)
    out[gaps] = None
    return list(out.tolist())


def ewkb_hex(geoms: Any) -> list[str | None]:
    """Geometries as hex EWKB with SRID 4326, 2D (what a ``geometry(Geometry, 4326)`` column takes as text)."""
    arr = np.asarray(getattr(geoms, "array", geoms), dtype=object)
    arr = shapely.set_srid(arr, 4326)
    return list(shapely.to_wkb(arr, hex=True, include_srid=True, output_dimension=2))


# -- rows out ------------------------------------------------------------------------------------------


def select_rows(con: psycopg.Connection[Any], addr: Address, name: str, columns: Mapping[str, str],
                where: sql.Composable | None = None, params: Sequence[Any] = ()) -> pd.DataFrame:
    """Rows of a table in ``fid`` order, each column typed by its kind (geometry decoded by shapely, vectorised)."""
    names = list(columns)
    if not names:
        n = con.execute(sql.SQL("SELECT count(*) FROM {}").format(table(addr, name))).fetchone()
        return pd.DataFrame(index=pd.RangeIndex(int(n[0]) if n else 0))
    picks = [sql.SQL("ST_AsBinary({})").format(sql.Identifier(c)) if k == "geometry" else sql.Identifier(c)
             for c, k in columns.items()]
    query = sql.SQL("SELECT {} FROM {} {} ORDER BY fid").format(sql.SQL(", ").join(picks), table(addr, name),
                                                                   where or sql.SQL(""))
    with _no_gc(), con.cursor(binary=True) as cur:  # millions of new tuples: no collector passes over them meanwhile
        cur.execute(query, params)
        rows = cur.fetchall()
        data = list(zip(*rows, strict=True)) if rows else [()] * len(names)
        index = pd.RangeIndex(len(rows))
        del rows
        return pd.DataFrame({c: _typed(data[i], columns[c]) for i, c in enumerate(names)}, index=index, copy=False)


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused (it would scan every new row tuple, again and again)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _typed(values: Sequence[Any], kind: str) -> Any:
    """A column read: as the GeoPackage store gives it (ints with gaps as floats, bools with gaps as objects)."""
    if kind == "geometry":
        return shapely.from_wkb(np.asarray(values, dtype=object))
    gaps = None in values
    if kind == "int" and not gaps:
        return np.asarray(values, dtype="int64")
    if kind in ("int", "float"):
        return np.array(values, dtype="float64")  # None becomes NaN
    if kind == "bool" and not gaps:
        return np.asarray(values, dtype=bool)
    return pd.Series(np.asarray(values, dtype=object), dtype=object, copy=False)  # kept as objects, as restore_types wants


def select_layer(con: psycopg.Connection[Any], addr: Address, layer: str, columns: Mapping[str, str],
                 where: sql.Composable | None = None, params: Sequence[Any] = ()) -> gpd.GeoDataFrame:
    """A layer's rows (all, or those ``where`` picks) with the canonical column types."""
    df = select_rows(con, addr, layer, columns, where, params)
    geoms = df.pop(GEOMETRY) if GEOMETRY in df.columns else np.full(len(df), None, dtype=object)
    df[GEOMETRY] = gpd.GeoSeries(np.asarray(geoms, dtype=object), index=df.index, crs=schema.STORAGE_CRS)
    gdf = gpd.GeoDataFrame(df, geometry=GEOMETRY, crs=schema.STORAGE_CRS, copy=False)
    return restore_types(layer, gdf)


# -- rows in ------------------------------------------------------------------------------------------


def insert_rows(con: psycopg.Connection[Any], addr: Address, name: str, columns: Sequence[str],
                data: Sequence[Sequence[Any]], geometry: str | None = None) -> None:
    """Insert rows given column by column (``data[i]`` the values of ``columns[i]``): COPY when many, else INSERTs."""
    n = len(data[0]) if data else 0
    if not n:
        return
    idents = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
    rows = zip(*data, strict=True)
    if n >= COPY_ROWS:
        with con.cursor() as cur, cur.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table(addr, name), idents)) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = sql.SQL(", ").join(sql.SQL("%s::geometry") if c == geometry else sql.Placeholder() for c in columns)
    with con.cursor() as cur:
        cur.executemany(sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(table(addr, name), idents, marks), list(rows))
