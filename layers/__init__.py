"""Map layers: data in, folium layer out (no Streamlit here).

``grids``, ``buildings``, ``incidents`` build the data layers (compact
payloads drawn by ``static/gridwatch/gridwatch.js``); ``basemaps`` and
``controls`` the map they go on; ``assets`` serves Leaflet from the app
itself; ``encode`` the payload format; ``select`` filtering and search;
``element`` the layer type they share. The names below are the face of the
package: what the app calls to draw its map.
"""

from __future__ import annotations

from .assets import localize
from .buildings import building_layer
from .controls import base_map
from .grids import grid_layer, selection_layer
from .incidents import heat_layer, incident_layer
from .select import Filters, filter_incidents, search, view_bounds

__all__ = [
    "Filters",
    "base_map",
    "building_layer",
    "filter_incidents",
    "grid_layer",
    "heat_layer",
    "incident_layer",
    "localize",
    "search",
    "selection_layer",
    "view_bounds",
]
