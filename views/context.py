"""What every view receives: the store, its data, and what the user chose."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.access import User
from geo.schema import IncidentType
from geo.store import Store
from layers.basemaps import Basemap
from layers.select import Filters

__all__ = ["AppContext"]


@dataclass
class AppContext:
    """The state a view draws from.

    Attributes
    ----------
    store
        The open store (write through it; its ``version`` changes).
    data_version
        :attr:`geo.storage.Store.data_version` when the page began: the key
        of every cache of what the map shows (a sign-in, which writes the
        audit log, leaves it as it was). Caches of the audit log, the
        accounts and the ledger's history key on ``store.version``.
    lang, tr
        Language code and the translator bound to it (``tr("app.title")``).
    grids, buildings, incidents
        The store's layers in WGS-84 (cached; do not modify in place).
    types
        Incident types by code.
    filters
        The sidebar's filters; ``shown_incidents`` is ``incidents`` filtered.
    summary
        Per-grid figures of the shown incidents (one row per grid plus the
        outside row).
    basemap, figure, color_by, visible
        Map settings from the sidebar.
    user
        Who is signed in (:class:`geo.access.User`): what the views offer
        (:func:`geo.access.allowed`), act as (``by=ctx.user``) and show of
        people (the layers are already masked for them, :mod:`geo.privacy`).
    """

    store: Store
    lang: str
    tr: Callable[..., str]
    grids: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    incidents: gpd.GeoDataFrame
    types: dict[str, IncidentType]
    filters: Filters
    shown_incidents: gpd.GeoDataFrame
    summary: pd.DataFrame
    basemap: Basemap
    figure: str | None
    color_by: str
    visible: frozenset[str]
    meta: dict[str, str]
    user: User
    data_version: str = ""

    def type_label(self, code: str) -> str:
        """The label of incident type ``code`` in the current language."""
        it = self.types.get(code)
        if it is None:
            return code
        return it.label_en if self.lang == "en" else it.label_zh
