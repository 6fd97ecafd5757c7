"""The obvious minimal map page, for benchmarks/map.py only (issue 15's floor).

The demo store's grids (its 7 grids) read once (``st.cache_data``) and drawn
as one ``folium.GeoJson`` in ``st_folium``, no base map, its scripts served
locally like GridWatch's (``layers.assets.localize``): the time this takes
to show in the same browser is what any Streamlit + streamlit-folium page
drawing a few shapes takes, a floor under any app built on them.
"""

from __future__ import annotations

import sys

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geo.store import open_store
from layers.assets import localize


@st.cache_data
def grids(address: str) -> gpd.GeoDataFrame:
    """The store's grids layer (identifier, name and shape), read once."""
    return open_store(address).read("grids")[["grid_id", "name", "geometry"]]


st.set_page_config(page_title="floor", layout="wide")
g = grids(sys.argv[sys.argv.index("--store") + 1])
minx, miny, maxx, maxy = g.total_bounds
m = folium.Map(tiles=None)
m.fit_bounds([[miny, minx], [maxy, maxx]])
folium.GeoJson(g, name="grids").add_to(m)
localize(m)
st_folium(m, height=620, use_container_width=True, returned_objects=[])
