"""Snapshots of a store's map layers on disk, one per data version: a server start reads them back quickly.

Reading a city's 1,000,000 incidents from a GeoPackage takes GDAL several
seconds, at every server start; the map needs them all in memory (filters,
counts and the live map's index work on the whole layer). A snapshot is
those layers as Arrow files (the columns as they are in memory, points as
two float columns), read back in a fraction of that time. It is keyed on
:attr:`geo.storage.Store.data_version`, which the GeoPackage's own triggers
change at every row any program writes; a store that cannot keep that key
apart from ``version`` (PostGIS, a GeoPackage a program has just added a
table to) gets no snapshot, nor does a small store (read as fast as its
snapshot would be).

    layers = read_layers(store, ("grids", "buildings", "incidents"))

The folder is ``GRIDWATCH_SNAPSHOT_DIR`` (default ``$XDG_CACHE_HOME/gridwatch``
or ``~/.cache/gridwatch``; ``off``: none), made readable by its owner only:
a snapshot holds what the layers hold, people included (masking is applied
after reading, as on a read from the store). Each store keeps its newest
snapshot only. A snapshot that cannot be read is removed and the store read
instead; one that cannot be written is logged and skipped. Nothing here ever
writes to the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.feather as feather
import shapely

from . import settings
from .storage import Store

__all__ = ["FORMAT", "MAP_LAYERS", "folder", "keep", "preload", "read_layers", "snapshot_path", "write_snapshot"]

LOG = logging.getLogger(__name__)
#: The layout of a snapshot; a snapshot of another layout is not read.
FORMAT: Final = 1
_DONE: Final = "snapshot.json"
#: Seconds a server waits after reading a store before it writes the snapshot.
WRITE_DELAY_S: Final = 20.0
#: The layers the map holds in memory (what the app snapshots).
MAP_LAYERS: Final = ("grids", "buildings", "incidents", "flood_zones")
_writing = threading.Lock()


def folder() -> Path | None:
    """The snapshots' folder (None: ``GRIDWATCH_SNAPSHOT_DIR=off``)."""
    chosen = settings.current().snapshot_dir
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gridwatch"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def snapshot_path(store: Store, data_version: str, names: Iterable[str]) -> Path | None:
    """Where the snapshot of ``names`` at ``data_version`` is (None when snapshots are off)."""
    root = folder()
    if root is None:
        return None
    return root / _digest(_where(store)) / _digest(f"{FORMAT}|{data_version}|{'|'.join(names)}")


def read_layers(store: Store, names: Iterable[str], *, min_rows: int | None = None,
                background: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """``store.read_many(names)``, from its snapshot when there is one for the store's data version.

    After a read from the store, a snapshot is written (when ``background``,
    by a thread :data:`WRITE_DELAY_S` later) if the layers hold more than ``min_rows`` rows (default
    ``GRIDWATCH_MAP_LIVE_ABOVE``: the stores that get the live map) and the
    data version did not change while reading.
    """
    wanted = list(names)
    key = store.data_version
    if wanted == list(MAP_LAYERS):
        early = _PRELOADS.pop(_where(store), None)
        got = early.result() if early is not None else None  # waits for a preload still reading
        if got is not None and got[0] == key:
            return got[1]
    return _read_layers(store, wanted, key, min_rows=min_rows, background=background)


def _read_layers(store: Store, wanted: list[str], key: str, *, min_rows: int | None,
                 background: bool) -> dict[str, gpd.GeoDataFrame]:
    path = snapshot_path(store, key, wanted) if key != store.version else None
    if path is not None:
        found = _read(path, wanted)
        if found is not None:
            return found
    data = store.read_many(wanted)
    limit = settings.current().map_live_above if min_rows is None else min_rows
    if path is not None and sum(len(v) for v in data.values()) > limit and store.data_version == key:
        if background:  # later: the page that waits for these layers is drawn first, not beside the writer
            timer = threading.Timer(WRITE_DELAY_S, write_snapshot, args=(path, data))
            timer.daemon = True
            timer.start()
        else:
            write_snapshot(path, data)
    return data


def _where(store: Store) -> str:
    """The store's address, a GeoPackage's by its resolved path: one file, one folder, however it is named."""
    return store.address if store.backend != "geopackage" else str(Path(store.address).resolve())


#: The map layers a server started reading when it started, by store (:func:`preload`).
_PRELOADS: dict[str, Future[tuple[str, dict[str, gpd.GeoDataFrame]] | None]] = {}


def preload(address: str) -> None:
    """Start reading the snapshot of the map layers of the store at ``address``, in a thread.

    A server calls this as it starts: the first :func:`read_layers` of those
    layers at the same data version then takes them (waiting for the read
    if it has not ended) instead of reading them itself, so the first
    sign-in after a restart does not wait for them. A store without a
    snapshot at its data version is left to the page: read by GDAL in a
    thread beside a starting server, a city took 12.5 s against 4 s on the
    page's own thread. Nothing is shown to anyone before a sign-in; a store
    that cannot be opened is left to the page to report.
    """
    from .store import is_database_address, open_store

    if is_database_address(address) or not Path(address).is_file():
        return  # a database's data version is its version: it has no snapshot to read
    try:
        store = open_store(address)
    except Exception:  # noqa: BLE001  (the page opens the store itself and says what is wrong)
        return
    done: Future[tuple[str, dict[str, gpd.GeoDataFrame]] | None] = Future()

    def run() -> None:
        try:
            key = store.data_version
            path = snapshot_path(store, key, MAP_LAYERS) if key != store.version else None
            found = _read(path, list(MAP_LAYERS)) if path is not None else None
            done.set_result((key, found) if found is not None else None)
        except Exception as exc:  # noqa: BLE001  (as above: the page reports it)
            LOG.warning("the map layers of %s were not read at the start: %s", address, exc)
            done.set_result(None)

    _PRELOADS[_where(store)] = done
    threading.Thread(target=run, name="gridwatch-preload", daemon=True).start()


def keep(store: Store, rows: int) -> bool:
    """After a write of ``rows`` map rows by the command line: make the map layers' snapshot now.

    The next server start then finds it instead of reading the store (a
    city's first page after ``python -m geo demo --scale city`` or an
    import). Does nothing for a small store; True when a snapshot is there.
    """
    if rows <= settings.current().map_live_above or folder() is None:
        return False
    key = store.data_version
    path = snapshot_path(store, key, MAP_LAYERS) if key != store.version else None
    if path is None:
        return False
    if not (path / _DONE).exists():
        read_layers(store, MAP_LAYERS, min_rows=0, background=False)
    return (path / _DONE).exists()


def _read(path: Path, names: list[str]) -> dict[str, gpd.GeoDataFrame] | None:
    if not (path / _DONE).exists():
        return None
    try:
        about = json.loads((path / _DONE).read_text(encoding="utf-8"))
        if about.get("format") != FORMAT or about.get("layers") != names:
            return None
        with ThreadPoolExecutor(max_workers=1) as shapes:  # the geometries (GEOS, no lock held) beside the texts
            parts = [_layer(path / f"{i}.arrow", about["layers_about"][i], shapes) for i in range(len(names))]
            return {name: part() for name, part in zip(names, parts, strict=True)}
    except Exception as exc:  # noqa: BLE001  (a damaged snapshot: read the store instead, and drop it)
        LOG.warning("snapshot %s not read (%s): reading the store", path, exc)
        shutil.rmtree(path, ignore_errors=True)
        return None


def _layer(file: Path, about: dict[str, Any], shapes: ThreadPoolExecutor) -> Callable[[], gpd.GeoDataFrame]:
    """Start reading one layer: its geometries are made by ``shapes``; the call returned gives the layer."""
    table = feather.read_table(file, memory_map=True)
    if about["geometry"] == "xy":
        made = shapes.submit(_points, table.column("__x").to_numpy(), table.column("__y").to_numpy())
    else:
        made = shapes.submit(shapely.from_wkb, table.column("__wkb").to_numpy(zero_copy_only=False))
    texts = set(about["texts"])  # columns of Python objects (str or None), as the store's reads give them
    kept = [c for c in table.column_names if c not in texts and not c.startswith("__")]
    frame = table.select(kept).to_pandas() if kept else pd.DataFrame(index=pd.RangeIndex(table.num_rows))
    frame.index = pd.RangeIndex(table.num_rows)
    columns = {c: frame[c] for c in kept}
    for c in about["texts"]:
        columns[c] = pd.Series(_objects(table.column(c)), index=frame.index, dtype=object, copy=False)

    def layer() -> gpd.GeoDataFrame:
        name, crs = about["geometry_name"], about["crs"]
        columns[name] = gpd.GeoSeries(made.result(), index=frame.index, crs=crs)
        return gpd.GeoDataFrame({c: columns[c] for c in [*about["columns"], name]}, geometry=name, crs=crs,
                                copy=False)

    return layer


def _points(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    geometry = shapely.points(x, y)
    geometry[np.isnan(x)] = None
    return geometry


def _objects(column: pa.ChunkedArray) -> np.ndarray:
    """A text column as an array of Python objects (str or None); a dictionary-encoded one shares its strings."""
    parts = []
    for chunk in column.chunks:
        if pa.types.is_dictionary(chunk.type):
            if chunk.null_count == len(chunk):  # a column never filled in (most case columns of a new store)
                parts.append(np.full(len(chunk), None, dtype=object))
                continue
            values = np.empty(len(chunk.dictionary) + 1, dtype=object)  # the last one: None, for the nulls
            values[:-1] = chunk.dictionary.to_numpy(zero_copy_only=False)
            codes = chunk.indices.fill_null(len(values) - 1) if chunk.null_count else chunk.indices
            parts.append(values.take(codes.to_numpy(zero_copy_only=False)))
        else:
            parts.append(chunk.to_numpy(zero_copy_only=False).astype(object, copy=False))
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def write_snapshot(path: Path, data: dict[str, gpd.GeoDataFrame]) -> None:
    """Write ``data`` (layer name to layer) as the snapshot at ``path`` and drop the store's older ones."""
    with _writing:
        if (path / _DONE).exists():
            return
        part = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            part.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.suppress(OSError):
                part.parent.parent.chmod(0o700)
            part.mkdir(mode=0o700)
            each = [_write_layer(part / f"{i}.arrow", gdf) for i, gdf in enumerate(data.values())]
            about = {"format": FORMAT, "layers": list(data), "layers_about": each}
            (part / _DONE).write_text(json.dumps(about), encoding="utf-8")
            os.replace(part, path)
        except Exception as exc:  # noqa: BLE001  (a snapshot is an aid: the store is read instead)
            LOG.warning("snapshot %s not written: %s", path, exc)
            shutil.rmtree(part, ignore_errors=True)
            return
        for other in path.parent.iterdir():  # the store's older snapshots (and parts left by a killed writer)
            if other != path and other.name != part.name:
                shutil.rmtree(other, ignore_errors=True)


def _write_layer(file: Path, gdf: gpd.GeoDataFrame) -> dict[str, Any]:
    """One layer as an uncompressed Arrow file (memory-mapped when read); returns what reading it back needs."""
    if not gdf.index.equals(pd.RangeIndex(len(gdf))):
        raise ValueError("a layer read from a store has a plain index")
    geoms = np.asarray(gdf.geometry.array, dtype=object)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    texts = [str(c) for c in frame.columns if frame[c].dtype == object]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for c in texts:  # str or None only (what the store's reads give): anything else is not snapshotted
        if not (pa.types.is_string(table.column(c).type) or pa.types.is_null(table.column(c).type)):
            raise ValueError(f"column {c} holds {table.column(c).type}, not text")
    for c in texts:  # repeated texts (types, grid ids, times of a bulk import) kept once each
        i = table.column_names.index(c)
        coded = table.column(i).dictionary_encode()
        if sum(len(ch.dictionary) for ch in coded.chunks) * 2 < max(1, len(frame)):
            table = table.set_column(i, c, coded)
    kinds = set(shapely.get_type_id(geoms).tolist())
    if kinds <= {int(shapely.GeometryType.POINT), -1} and not shapely.is_empty(geoms).any():
        # points (or missing): two float columns, made into points again far faster than from WKB
        present = ~shapely.is_missing(geoms)
        x, y = np.full(len(gdf), np.nan), np.full(len(gdf), np.nan)
        xy = shapely.get_coordinates(geoms[present])
        x[present], y[present] = xy[:, 0], xy[:, 1]
        table = table.append_column("__x", pa.array(x)).append_column("__y", pa.array(y))
        how = "xy"
    else:
        table = table.append_column("__wkb", pa.array(shapely.to_wkb(geoms), type=pa.binary()))
        how = "wkb"
    feather.write_feather(table, file, compression="uncompressed", chunksize=max(1, len(gdf)))
    return {"columns": [str(c) for c in frame.columns], "texts": texts, "geometry": how,
            "geometry_name": str(gdf.geometry.name), "crs": gdf.crs.to_string() if gdf.crs is not None else None}
