"""Where GridWatch keeps its data: open a store by its address.

The app, the command line and the joins only ever talk to a
:class:`~geo.storage.Store` opened here; none of them touches a file path or
SQL. Two backends keep the same contract (:mod:`geo.storage`):

- a ``.gpkg`` path: one GeoPackage file (:mod:`geo.gpkg`), the embedded
  default, no server, opened by QGIS as it is;
- a ``postgresql://user@host[:port]/db[?schema=NAME]`` address: PostgreSQL
  with PostGIS (:mod:`geo.postgis`), for a street office or district with
  many users.
"""

from __future__ import annotations

import os

from .errors import StoreError
from .gpkg import GeoPackageStore
from .storage import INCIDENT_TYPES, META, SCHEMA_VERSION, Store, Transaction, empty_layer

__all__ = [
    "INCIDENT_TYPES",
    "META",
    "SCHEMA_VERSION",
    "GeoPackageStore",
    "copy_store",
    "Store",
    "Transaction",
    "empty_layer",
    "is_database_address",
    "open_store",
]

_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_database_address(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a file."""
    return os.fspath(location).startswith(_SCHEMES)


def open_store(location: str | os.PathLike[str]) -> Store:
    """Open the store at ``location``.

    Parameters
    ----------
    location
        A ``.gpkg`` path, or a ``postgresql://`` address.

    Returns
    -------
    Store
        Upgraded in place when it was written by an older release.
    """
    text = os.fspath(location)
    if is_database_address(text):
        from .postgis import PostGISStore

        return PostGISStore(text)
    if not text.strip():
        raise StoreError.of("store.not_store", location=text, why="empty address")
    return GeoPackageStore(text)


def copy_store(src: Store, dst: Store, *, by: str = "") -> dict[str, int]:
    """Copy every layer and table of ``src`` into the empty store ``dst`` (any two backends).

    Rows keep their ids, ``row_version``, ``updated_by`` and ``updated_at``;
    the metadata is copied and the copy noted in ``dst``'s history.

    Returns
    -------
    dict: rows copied per layer and table.
    """
    from . import schema
    from .audit import AUDIT
    from .storage import meta_dict

    if any(len(dst.read(name)) for name in dst.layers()) or [t for t in dst.tables() if t != META]:
        raise StoreError.of("store.copy_not_empty", location=dst.location)
    layers = src.read_many(schema.LAYERS)
    tables = {name: src.read_table(name) for name in src.tables()}
    counts: dict[str, int] = {}
    with dst.transaction(f"copy from {src.location}", by=by) as tx:
        for name, gdf in layers.items():
            if len(gdf):
                tx.restore(name, gdf)
            counts[name] = len(gdf)
        for name, df in tables.items():
            if name == AUDIT:
                tx.restore_audit(df)
            elif name == META:
                kept = {k: v for k, v in meta_dict(df).items() if k not in ("written_at", "revision", "history", "schema_version")}
                tx.set_meta(kept)
            else:
                tx.write_table(name, df)
            counts[name] = len(df)
    return counts
