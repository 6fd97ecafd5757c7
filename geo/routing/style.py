"""What the route files and the route sheet share: the patrollers' colours and the sheet's layers.

:mod:`geo.routing.export` (GPX, KML, ...) and :mod:`geo.routing.sheet`
(the printed sheet) both import from here, so neither imports the other's
internals.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd

__all__ = ["COLORS", "SheetContext", "color"]

#: Route colours per patroller (colour-blind safe, Okabe-Ito), cycled.
COLORS: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


@dataclass(frozen=True)
class SheetContext:
    """The store's layers a route sheet draws and names its stops from (all optional).

    Attributes
    ----------
    grids
        Grids (``grid_id``, ``name``): outlines on the map, grid names in the table.
    buildings
        Buildings (``building_id``, ``name``): the place of each stop (in or near which building).
    streets
        Street lines drawn under the route.
    made_for
        Whom the sheet was made for (:func:`geo.privacy.made_for`): a line of each sheet's header when given.
    """

    grids: gpd.GeoDataFrame | None = None
    buildings: gpd.GeoDataFrame | None = None
    streets: gpd.GeoDataFrame | None = None
    made_for: str = ""


def color(patroller: int) -> str:
    """Map colour of a patroller's route (1-based).

    Returns
    -------
    str
        A ``#rrggbb`` colour.
    """
    return COLORS[(patroller - 1) % len(COLORS)]
