"""The least a Streamlit map page can do, for benchmarks/map.py only.

An empty folium map (no layers, no base map) in ``st_folium``, its scripts
served locally like GridWatch's (``layers.assets.localize``): the time this
takes to show in the same browser is Streamlit's and streamlit-folium's own
start-up, a floor under any app built on them.
"""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.assets import localize

st.set_page_config(page_title="floor", layout="wide")
m = folium.Map(tiles=None, location=[30.5, 114.3], zoom_start=14)
localize(m)
st_folium(m, height=620, use_container_width=True, returned_objects=[])
