"""SQL helpers of the GeoPackage store (:mod:`geo.gpkg`): tables, columns, metadata, layers made by GDAL."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import sqlite3
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from . import schema, settings
from .errors import StoreError
from .gpkg_blob import decode
from .storage import CHANGES, META, META_KEPT, NOT_SHOWN, SEQUENCES, TABLE_INDEXES, empty_layer, layer_columns

SQL_TYPE: Final = {"str": "TEXT", "int": "INTEGER", "float": "REAL", "bool": "BOOLEAN", "bytes": "BLOB"}
_GEOMETRY_TYPE: Final = {schema.INCIDENTS: "Point"}


def quote(name: str) -> str:
    """A quoted SQLite identifier."""
    return '"' + str(name).replace('"', '""') + '"'




# -- what the map shows: counted by triggers ---------------------------------------------------
#
# Every table the map may show (all but NOT_SHOWN and GeoPackage's and SQLite's own) has three
# triggers that add one to gw_changes.n at each row written, whoever writes it (GridWatch, QGIS,
# GDAL): the file's own triggers, so no writer can forget. ``meta`` counts only its keys that are
# not the store's bookkeeping (META_KEPT), and only when a value changes.

_VERBS: Final = ("insert", "update", "delete")
#: One change: one more, and a new random token (a file restored from an older copy never meets a key it had).
_COUNT: Final = f"UPDATE {quote(CHANGES)} SET n = n + 1, token = lower(hex(randomblob(8))) WHERE id = 1"


def _watched(name: str) -> bool:
    low = name.lower()
    return not (name in NOT_SHOWN or low.startswith(("sqlite_", "gpkg_", "rtree_")))


def change_trigger(table: str, verb: str) -> str:
    """The name of the trigger that counts ``verb`` on ``table``."""
    return f"gw_changed_{verb}_{table}"


def watch_changes(con: sqlite3.Connection) -> None:
    """Make the change counter and the triggers of every watched table that lacks them (idempotent)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {quote(CHANGES)} (id INTEGER PRIMARY KEY CHECK (id = 1), "
                "n INTEGER NOT NULL, token TEXT NOT NULL)")
    con.execute(f"INSERT OR IGNORE INTO {quote(CHANGES)} (id, n, token) VALUES (1, 0, lower(hex(randomblob(8))))")
    have = dict(con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    kept = ", ".join(f"'{k}'" for k in META_KEPT)
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
        if not _watched(table):
            continue
        for verb in _VERBS:
            name = change_trigger(table, verb)
            when = ""
            if table == META:
                row = "OLD" if verb == "delete" else "NEW"
                when = f" WHEN {row}.key NOT IN ({kept})" + (" AND NEW.value IS NOT OLD.value" if verb == "update" else "")
            sql = f"CREATE TRIGGER {quote(name)} AFTER {verb.upper()} ON {quote(table)}{when} BEGIN {_COUNT}; END"
            if have.get(name) == sql:
                continue
            if name in have:  # made by an earlier release of this trigger
                con.execute(f"DROP TRIGGER {quote(name)}")
            con.execute(sql)


def count_change(con: sqlite3.Connection) -> None:
    """Count one change (a writer that set the triggers aside for a bulk insert)."""
    con.execute(_COUNT)


def data_stamp(con: sqlite3.Connection) -> str | None:
    """The counter, the file's token and the watched tables' definitions; None when a watched table is not counted.

    A table made, dropped, altered or made again changes the definitions
    (its SQL, its root page); a table without its triggers (made by another
    program since GridWatch last wrote) cannot be trusted, hence None.
    """
    if not has_table(con, CHANGES):
        return None
    row = con.execute(f"SELECT n, token FROM {quote(CHANGES)} WHERE id = 1").fetchone()
    if row is None:
        return None
    master = con.execute("SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master").fetchall()
    triggers = {name for kind, name, *_ in master if kind == "trigger"}
    tables = sorted((name, root, text or "") for kind, name, _tbl, root, text in master
                    if kind == "table" and _watched(name))
    if any(change_trigger(t, v) not in triggers for t, _root, _text in tables for v in _VERBS):
        return None
    digest = hashlib.blake2b(repr(tables).encode(), digest_size=8).hexdigest()
    return f"{row[1]}-{row[0]}-{digest}"


def bulk_insert(con: sqlite3.Connection, layer: str, geom: str, sql: str,  # noqa: PLR0913
                rows: list[tuple[Any, ...]], frame: gpd.GeoDataFrame) -> None:
    """Insert many rows with the spatial-index and change triggers set aside, then index them in one pass."""
    triggers = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? "
                           "AND (name GLOB 'rtree_*' OR name GLOB 'gw_changed_*')", (layer,)).fetchall()
    for name, _sql in triggers:
        con.execute(f"DROP TRIGGER {quote(name)}")
    before = con.execute(f"SELECT coalesce(max(fid), 0) FROM {quote(layer)}").fetchone()[0]
    con.executemany(sql, rows)
    if sql.startswith(f"INSERT INTO {quote(layer)} ({quote('fid')}"):  # rows written again under their fid
        fids = [int(r[0]) for r in rows]
    else:
        fids = [r[0] for r in con.execute(f"SELECT fid FROM {quote(layer)} WHERE fid > ? ORDER BY fid", (before,))]
    geoms = np.asarray(frame.geometry.array, dtype=object)
    ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    b = shapely.bounds(geoms)
    index = [(fids[i], b[i, 0], b[i, 2], b[i, 1], b[i, 3]) for i in np.flatnonzero(ok)]
    con.executemany(f"INSERT OR REPLACE INTO {quote(f'rtree_{layer}_{geom}')} VALUES (?, ?, ?, ?, ?)", index)
    for _name, text in triggers:
        con.execute(text)
    if any(name.startswith("gw_changed_") for name, _sql in triggers):
        count_change(con)  # the rows set aside from the counter count as one change


def begin(con: sqlite3.Connection, location: str) -> None:
    """``BEGIN IMMEDIATE``: this connection is the one writer, or ``store.busy`` after the lock wait."""
    try:
        con.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError.of("store.busy", location=location,
                                seconds=settings.current().store_lock_timeout) from exc
        raise StoreError.of("store.damaged", location=location, why=str(exc)) from exc


def write_meta_table(path: Path) -> None:
    """Make the empty ``meta`` table with GDAL (which makes the GeoPackage itself when missing)."""
    frame = pd.DataFrame({"key": pd.Series(dtype=object), "value": pd.Series(dtype=object)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        pyogrio.write_dataframe(frame, path, driver="GPKG", layer=META)


def create_layer(path: Path, layer: str) -> None:
    """An empty layer with the canonical and the store's columns, made by GDAL (index, triggers and all)."""
    frame = empty_layer(layer)
    for col in frame.columns:
        if str(frame[col].dtype) == "boolean":
            frame[col] = frame[col].astype("Int64")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(frame, path, driver="GPKG", layer=layer,
                                geometry_type=_GEOMETRY_TYPE.get(layer, "Unknown"))


def create_sequences(con: sqlite3.Connection) -> None:
    """The id counters table (internal to the store)."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {quote(SEQUENCES)} (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL)")


def create_id_indexes(con: sqlite3.Connection) -> None:
    """An index on each layer's id column: one-row reads, updates and id checks stay quick on a city."""
    for layer in schema.LAYERS:
        id_col = schema.ID_COLUMN[layer]
        con.execute(f"CREATE INDEX IF NOT EXISTS {quote(f'gw_{layer}_{id_col}')} ON {quote(layer)} ({quote(id_col)})")


def set_meta(con: sqlite3.Connection, values: Mapping[str, str]) -> None:
    """Set ``meta`` keys in place."""
    for key, value in values.items():
        if con.execute(f"UPDATE {quote(META)} SET value = ? WHERE key = ?", (value, key)).rowcount == 0:
            con.execute(f"INSERT INTO {quote(META)} (key, value) VALUES (?, ?)", (key, value))


def has_table(con: sqlite3.Connection, name: str) -> bool:
    """Whether the file has a table ``name``."""
    return con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def read_table(con: sqlite3.Connection, name: str, where: Mapping[str, Sequence[Any]] | None = None) -> pd.DataFrame:
    """A plain table in row order, without its ``fid`` (empty when missing).

    ``where``: column -> values; only rows whose column holds one of them
    (no rows when the table lacks the column).
    """
    if name == SEQUENCES or not has_table(con, name):
        return pd.DataFrame()
    clauses: list[str] = []
    params: list[str] = []
    have = {c.lower() for c in table_columns(con, name)} if where else set()
    for col, values in (where or {}).items():
        if col.lower() not in have:
            clauses, params = ["0"], []
            break
        wanted = [str(v) for v in values]
        clauses.append(f"{quote(col)} IN (SELECT value FROM json_each(?))" if wanted else "0")
        params += [json.dumps(wanted)] if wanted else []
    cond = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    cur = con.execute(f"SELECT * FROM {quote(name)}{cond} ORDER BY rowid", params)
    df = pd.DataFrame.from_records(cur.fetchall(), columns=[d[0] for d in cur.description])
    return df.drop(columns=["fid"], errors="ignore")


def gdal_read(path: Path, layer: str, **options: Any) -> Any:
    """A layer read by GDAL (pyogrio, through Arrow; ``options`` as ``read_dataframe``'s); None when it has none."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return pyogrio.read_dataframe(path, layer=layer, use_arrow=True, **options)
        except pyogrio.errors.DataLayerError:
            return None
        except Exception as exc:  # pyogrio raises DataSourceError and others
            raise StoreError.of("store.damaged", location=str(path), why=str(exc)) from exc


def read_attributes(path: Path, layer: str, columns: Sequence[str] | None,
                    where: Mapping[str, Sequence[Any]] | None) -> pd.DataFrame:
    """Some columns of a layer (those it has), without geometry, of the rows ``where`` picks (GDAL's filter)."""
    if not path.exists():
        return pd.DataFrame()
    try:
        have = [str(f) for f in pyogrio.read_info(path, layer=layer)["fields"]]
    except pyogrio.errors.DataLayerError:
        return pd.DataFrame()
    except Exception as exc:  # pyogrio raises DataSourceError and others
        raise StoreError.of("store.damaged", location=str(path), why=str(exc)) from exc
    clauses = ["0"] if any(c not in have for c in where or {}) else [
        f"{quote(c)} IN ({', '.join(_text(v) for v in values)})" if values else "0" for c, values in (where or {}).items()]
    df = gdal_read(path, layer, read_geometry=False, where=" AND ".join(clauses) or None,
                   columns=[c for c in columns if c in have] if columns is not None else None)
    return pd.DataFrame() if df is None else pd.DataFrame(df)


def _text(value: object) -> str:
    """A value as an SQL text literal (quotes doubled), for GDAL's attribute filter."""
    return "'" + str(value).replace("'", "''") + "'"


def index_table(con: sqlite3.Connection, name: str) -> None:
    """Make the indexes :data:`geo.storage.TABLE_INDEXES` names for table ``name`` (those its columns allow)."""
    have = {c.lower() for c in table_columns(con, name)}
    for col in TABLE_INDEXES.get(name, ()):
        if col.lower() in have:
            con.execute(f"CREATE INDEX IF NOT EXISTS {quote(f'idx_{name}_{col}')} ON {quote(name)} ({quote(col)})")


def table_columns(con: sqlite3.Connection, table: str) -> list[str]:
    """Column names of a table."""
    return [str(r[1]) for r in con.execute(f"PRAGMA table_info({quote(table)})")]


def geometry_column(con: sqlite3.Connection, layer: str) -> str:
    """The name of a layer's geometry column (``geom`` when GDAL made it)."""
    row = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (layer,)).fetchone()
    if row is None:
        raise StoreError.of("store.damaged", location="", why=f"layer {layer} has no geometry column")
    return str(row[0])


def rtree_extent(con: sqlite3.Connection, layer: str) -> tuple[float, float, float, float] | None:
    """``(minx, miny, maxx, maxy)`` of a layer's spatial index, None when it is empty.

    Read from the R*Tree's root node (the union of its few boxes) rather
    than by ``min()``/``max()`` over every entry, which scans the whole
    index (1.7 s for 1,000,000 incidents, at every commit that touched
    them). SQLite keeps a node as a 2-byte depth, a 2-byte cell count and
    cells of an 8-byte id and four big-endian 32-bit floats (minx, maxx,
    miny, maxy), rounded outwards, so this is the same as the scan.
    """
    rtree = f"rtree_{layer}_{geometry_column(con, layer)}"
    row = con.execute(f"SELECT data FROM {quote(rtree + '_node')} WHERE nodeno = 1").fetchone()
    if row is None or row[0] is None or len(row[0]) < 4:  # not SQLite's layout: ask the index itself
        ext = con.execute(f"SELECT min(minx), min(miny), max(maxx), max(maxy) FROM {quote(rtree)}").fetchone()
        return None if ext is None or ext[0] is None else (ext[0], ext[1], ext[2], ext[3])
    data = bytes(row[0])
    n = int.from_bytes(data[2:4], "big")
    if n == 0:
        return None
    cells = np.frombuffer(data, dtype=">f4", count=n * 6, offset=4).reshape(n, 6)  # id (2 slots), minx, maxx, miny, maxy
    return float(cells[:, 2].min()), float(cells[:, 4].min()), float(cells[:, 3].max()), float(cells[:, 5].max())


def spatial_tables(path: Path) -> list[str]:
    """The feature tables of the file."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        try:
            return [str(r[0]) for r in con.execute("SELECT table_name FROM gpkg_geometry_columns")]
        except sqlite3.OperationalError:
            return []


def row_problems(con: sqlite3.Connection, layer: str) -> list[str]:
    """Ids stored twice (rows without a version, added by another program, count as version 1)."""
    id_col = quote(schema.ID_COLUMN[layer])
    out = []
    dup = con.execute(f"SELECT {id_col}, count(*) FROM {quote(layer)} GROUP BY {id_col} HAVING count(*) > 1 "
                      "LIMIT 5").fetchall()
    if dup:
        out.append(f"{layer}: ids stored more than once: {', '.join(str(d[0]) for d in dup)}")
    return out


def kind_of_value(col: str, value: Any, layer: str) -> str:
    """The column kind a new value of ``col`` is stored as."""
    if col in layer_columns(layer):
        return layer_columns(layer)[col]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of at most ``size`` (SQLite limits bound parameters)."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def is_sqlite(path: Path) -> bool:
    """Whether the file starts like an SQLite database."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def row_dict(layer: str, names: Sequence[str], values: Sequence[Any], geom: str) -> dict[str, Any]:
    """One stored row as :meth:`geo.storage.Transaction.get` gives it.

    Parameters
    ----------
    layer
        The row's layer (its canonical column kinds).
    names, values
        The columns of ``SELECT *`` and the row's values.
    geom
        The geometry column (given back decoded, as ``geometry``).

    Returns
    -------
    dict: plain Python values of each column's kind (NULL and unreadable
    values as None), ``fid`` left out, missing canonical columns None.
    """
    kinds = layer_columns(layer)
    out: dict[str, Any] = {}
    for name, value in zip(names, values, strict=True):
        if name == geom:
            out["geometry"] = decode([value])[0]
        elif name != "fid":
            out[name] = _as_kind(value, kinds.get(name))
    for col in kinds:
        out.setdefault(col, None)
    return out


def _as_kind(value: Any, kind: str | None) -> Any:
    """A stored value as its column kind reads (what :func:`geo.storage.restore_types` makes of it)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        if kind == "int":
            return value if isinstance(value, int) else int(float(value)) if float(value).is_integer() else None
        if kind == "float":
            return float(value)
        if kind == "bool":
            return bool(float(value))
    except (TypeError, ValueError):
        return None
    return value


def protect_audit(con: sqlite3.Connection, name: str) -> None:
    """Triggers that make SQLite refuse UPDATE and DELETE on the audit table ``name`` (idempotent)."""
    for verb in ("UPDATE", "DELETE"):
        con.execute(f"CREATE TRIGGER IF NOT EXISTS {quote(f'gw_{name}_no_{verb.lower()}')} BEFORE {verb} ON {quote(name)} "
                    "BEGIN SELECT RAISE(ABORT, 'the GridWatch audit log is append-only'); END")
