"""Where GridWatch keeps its data: one small interface, one embedded backend.

The app, the command line and the joins only ever talk to a :class:`Store`
(opened with :func:`open_store`); none of them touches a file path or SQL.
The embedded backend is one GeoPackage file that QGIS opens as it is. A
PostGIS backend can be added behind the same interface.

A store holds spatial *layers* (grids, buildings, incidents, streets) and
plain *tables* (``meta``, ``incident_types`` and whatever later features
need, such as inspection records). Every write is atomic: it goes to a copy
of the file that replaces the original only once complete, so a process
killed mid-write leaves the previous store intact (the next write removes
the copy it left behind).
"""

from __future__ import annotations

import contextlib
import fcntl
import glob
import json
import os
import shutil
import sqlite3
import tempfile
import warnings
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from . import schema
from .errors import StoreError

__all__ = ["GeoPackageStore", "Store", "open_store"]

#: Tables kept as plain (non-spatial) tables.
META = "meta"
INCIDENT_TYPES = "incident_types"
#: Attempts of :meth:`GeoPackageStore.read_many` to read one version while writers replace the file.
_CONSISTENT_TRIES = 3


class Store(ABC):
    """What every storage backend offers."""

    @abstractmethod
    def layers(self) -> list[str]:
        """Names of the spatial layers present."""

    @abstractmethod
    def tables(self) -> list[str]:
        """Names of the plain tables present."""

    @abstractmethod
    def read(self, layer: str) -> gpd.GeoDataFrame:
        """Read a spatial layer; a layer never written reads as empty."""

    @abstractmethod
    def read_table(self, name: str) -> pd.DataFrame:
        """Read a plain table; a table never written reads as empty."""

    def read_many(self, names: Iterable[str] = schema.LAYERS) -> dict[str, gpd.GeoDataFrame]:
        """Read several spatial layers of one version of the store.

        Parameters
        ----------
        names
            Layer names (default: every layer of :data:`geo.schema.LAYERS`).

        Returns
        -------
        dict
            Layer name to layer, in the order given; a layer never written
            reads as empty.
        """
        return {name: self.read(name) for name in names}

    @abstractmethod
    def write(
        self,
        layers: Mapping[str, gpd.GeoDataFrame] | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
        *,
        note: str = "",
    ) -> None:
        """Replace the given layers and tables in one atomic step."""

    @property
    @abstractmethod
    def version(self) -> str:
        """A token that changes whenever the store is written (cache key)."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the store is, for messages."""

    def meta(self) -> dict[str, str]:
        """The store's metadata (``key`` to ``value``)."""
        df = self.read_table(META)
        if df.empty:
            return {}
        return dict(zip(df["key"].astype(str), df["value"].astype(str), strict=True))

    def incident_types(self) -> dict[str, schema.IncidentType]:
        """Built-in incident types plus the ones users added to this store."""
        df = self.read_table(INCIDENT_TYPES)
        extra = [
            schema.IncidentType(
                str(r["code"]), str(r["label_zh"]), str(r["label_en"]),
                bool(int(r.get("asset", 0) or 0)), str(r.get("color") or "#6a3d9a"),
                str(r.get("icon") or "!"),
            )
            for _, r in df.iterrows()
            if str(r["code"]) not in schema.BUILTIN_TYPES
        ]
        return schema.type_registry(extra)

    def add_incident_type(self, t: schema.IncidentType) -> None:
        """Add or relabel a user incident type."""
        schema.type_registry([t])  # refuses to redefine a built-in
        df = self.read_table(INCIDENT_TYPES)
        row = pd.DataFrame([{"code": t.code, "label_zh": t.label_zh, "label_en": t.label_en,
                             "asset": int(t.asset), "color": t.color, "icon": t.icon}])
        if not df.empty:
            df = df[df["code"].astype(str) != t.code]
        self.write(tables={INCIDENT_TYPES: pd.concat([df, row], ignore_index=True)},
                   note=f"incident type {t.code}")


class GeoPackageStore(Store):
    """A store in one GeoPackage file.

    Parameters
    ----------
    path
        The ``.gpkg`` file; created on first write (its folder too).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        if self._path.suffix.lower() != ".gpkg":
            msg = f"Store {str(self._path)!r} is not a GeoPackage file."
            raise StoreError(msg, "Name a file ending in .gpkg, e.g. data/gridwatch.gpkg.")
        if self._path.exists() and not _is_sqlite(self._path):
            msg = f"Store {str(self._path)!r} exists but is not a GeoPackage (SQLite) file."
            raise StoreError(msg, "Name a new file, or restore the store from a backup.")

    @property
    def location(self) -> str:
        """The GeoPackage file's path."""
        return str(self._path)

    @property
    def version(self) -> str:
        """Modification time, size and inode of the file (``empty`` before the first write)."""
        try:
            st = self._path.stat()
        except FileNotFoundError:
            return "empty"
        return f"{st.st_mtime_ns}-{st.st_size}-{st.st_ino}"

    def _listing(self) -> list[tuple[str, str]]:
        if not self._path.exists():
            return []
        try:
            return [(str(n), str(g)) for n, g in pyogrio.list_layers(self._path)]
        except Exception as exc:  # pyogrio raises DataSourceError and others
            msg = f"Store {str(self._path)!r} cannot be read: {exc}."
            raise StoreError(msg, "Restore it from a backup or rebuild it with 'python -m geo import'.") from exc

    def layers(self) -> list[str]:
        """Names of the spatial layers in the file."""
        return [n for n, g in self._listing() if g and g != "None"]

    def tables(self) -> list[str]:
        """Names of the tables (no geometry) in the file."""
        return [n for n, g in self._listing() if not g or g == "None"]

    def read(self, layer: str) -> gpd.GeoDataFrame:
        """One layer, with its column types restored (empty when never written)."""
        if layer not in schema.LAYERS:
            msg = f"Unknown layer {layer!r}."
            raise StoreError(msg, f"Use one of {', '.join(schema.LAYERS)}.")
        if layer not in self.layers():
            return empty_layer(layer)
        return self._read_present(layer)

    def read_many(self, names: Iterable[str] = schema.LAYERS) -> dict[str, gpd.GeoDataFrame]:
        """Several layers of one version of the file (see :meth:`Store.read_many`)."""
        # The file is listed once, and read again if a writer replaced it
        # meanwhile, so that every layer comes from the same version.
        wanted = list(names)
        for name in wanted:
            if name not in schema.LAYERS:
                msg = f"Unknown layer {name!r}."
                raise StoreError(msg, f"Use one of {', '.join(schema.LAYERS)}.")
        for _ in range(_CONSISTENT_TRIES):
            before = self.version
            present = set(self.layers())
            out = {name: self._read_present(name) if name in present else empty_layer(name) for name in wanted}
            if self.version == before:
                return out
        return out

    def _read_present(self, layer: str) -> gpd.GeoDataFrame:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(self._path, layer=layer, use_arrow=True)
        return _restore_types(layer, gdf)

    def read_table(self, name: str) -> pd.DataFrame:
        """One table (empty when never written)."""
        if name not in self.tables():
            return pd.DataFrame()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            df = pyogrio.read_dataframe(self._path, layer=name, read_geometry=False, use_arrow=True)
        return pd.DataFrame(df)

    def write(
        self,
        layers: Mapping[str, gpd.GeoDataFrame] | None = None,
        tables: Mapping[str, pd.DataFrame] | None = None,
        *,
        note: str = "",
    ) -> None:
        """Replace the layers and tables given, atomically (see :meth:`Store.write`)."""
        layers = dict(layers or {})
        tables = dict(tables or {})
        for name in layers:
            if name not in schema.LAYERS:
                msg = f"Unknown layer {name!r}."
                raise StoreError(msg, f"Use one of {', '.join(schema.LAYERS)}.")
        self._path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock():
            prefix = f".{self._path.name}.tmp-"
            for stale in self._path.parent.glob(f"{glob.escape(prefix)}*.gpkg"):
                stale.unlink(missing_ok=True)  # left by a writer killed mid-write (we hold the lock)
            fd, tmp_name = tempfile.mkstemp(suffix=".gpkg", prefix=prefix, dir=self._path.parent)
            os.close(fd)
            tmp = Path(tmp_name)
            try:
                if self._path.exists():
                    shutil.copyfile(self._path, tmp)
                else:
                    tmp.unlink()
                for name, gdf in layers.items():
                    _write_layer(tmp, name, _prepare(name, gdf))
                meta = _updated_meta(self.read_table(META) if self._path.exists() else pd.DataFrame(),
                                     note, tables.pop(META, None))
                for name, df in {**tables, META: meta}.items():
                    _write_layer(tmp, name, df)
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, self._path)
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        lock_path = self._path.with_name(self._path.name + ".lock")
        with open(lock_path, "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def open_store(location: str | os.PathLike[str]) -> Store:
    """Open the store at ``location``.

    Parameters
    ----------
    location
        A ``.gpkg`` path. (``postgresql://`` URLs are reserved for the
        shared PostGIS backend.)

    Returns
    -------
    Store
    """
    text = os.fspath(location)
    if text.startswith(("postgresql://", "postgres://")):
        msg = "The PostgreSQL/PostGIS store is not available in this version."
        raise StoreError(msg, "Use a GeoPackage store, e.g. --store data/gridwatch.gpkg.")
    return GeoPackageStore(text)


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """An empty layer with the canonical columns."""
    cols = {c: pd.Series(dtype=_dtype(k)) for c, k in schema.COLUMNS[layer].items()}
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=schema.STORAGE_CRS), crs=schema.STORAGE_CRS)


def _dtype(kind: str) -> str:
    return {"str": "object", "int": "Int64", "float": "float64", "bool": "boolean"}.get(kind, "object")


def _prepare(layer: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.crs is None or not gdf.crs.equals(schema.STORAGE_CRS):
        msg = f"Layer {layer!r} must be in {schema.STORAGE_CRS} to be stored (it is {gdf.crs})."
        raise StoreError(msg, "Load it with geo.io, which reprojects to WGS-84.")
    out = gdf.copy()
    for col in out.columns:
        if col == out.geometry.name:
            continue
        if out[col].dtype == "boolean" or out[col].dtype == bool:
            out[col] = out[col].astype("Int64")
    return out


def _restore_types(layer: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if gdf.geometry.name != "geometry":
        gdf = gdf.rename_geometry("geometry")
    for col, kind in schema.COLUMNS[layer].items():
        if col not in gdf.columns:
            gdf[col] = pd.Series([None] * len(gdf), dtype=_dtype(kind), index=gdf.index)
        elif kind == "bool":
            gdf[col] = gdf[col].astype("Int64").astype("boolean")
        elif kind == "int":
            gdf[col] = pd.to_numeric(gdf[col], errors="coerce").astype("Int64")
        elif kind == "str":
            gdf[col] = gdf[col].astype(object).where(gdf[col].notna(), None)
    gdf = gdf.set_crs(schema.STORAGE_CRS, allow_override=True)
    return gdf


def _write_layer(path: Path, name: str, df: pd.DataFrame) -> None:
    kwargs: dict[str, object] = {"driver": "GPKG", "layer": name}
    if path.exists():
        kwargs["layer_options"] = {"OVERWRITE": "YES"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        pyogrio.write_dataframe(df, path, use_arrow=True, **kwargs)


def _updated_meta(old: pd.DataFrame, note: str, given: pd.DataFrame | None) -> pd.DataFrame:
    meta = {} if old.empty else dict(zip(old["key"].astype(str), old["value"].astype(str), strict=True))
    if given is not None and not given.empty:
        meta.update(dict(zip(given["key"].astype(str), given["value"].astype(str), strict=True)))
    meta["schema_version"] = "1"
    meta["written_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    meta["revision"] = str(int(meta.get("revision", "0")) + 1)
    if note:
        history = json.loads(meta.get("history", "[]"))
        history = (history + [{"at": meta["written_at"], "what": note}])[-50:]
        meta["history"] = json.dumps(history, ensure_ascii=False)
    return pd.DataFrame({"key": list(meta), "value": list(meta.values())})


def _is_sqlite(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _sqlite_ok(path: Path) -> bool:  # pragma: no cover - diagnostic helper
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
