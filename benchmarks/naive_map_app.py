"""The obvious map app, for comparison in benchmarks/map.py only.

One folium Marker (with a popup) per incident, grids and buildings as folium
GeoJson with tooltips, the whole map rebuilt and sent on every rerun. Its
Leaflet is served locally too (``layers.assets.localize``), so the
comparison is of the approach only and runs offline.
"""

from __future__ import annotations

import sys

import folium
import streamlit as st
from streamlit_folium import st_folium

from geo.store import open_store
from layers.assets import localize

store = open_store(sys.argv[sys.argv.index("--store") + 1])
grids, buildings, incidents = store.read("grids"), store.read("buildings"), store.read("incidents")
types = store.incident_types()
chosen = st.sidebar.multiselect("事件类型", list(types), format_func=lambda c: types[c].label_zh)
if chosen:
    incidents = incidents[incidents["type"].isin(chosen)]
minx, miny, maxx, maxy = grids.total_bounds
m = folium.Map(tiles=None)
m.fit_bounds([[miny, minx], [maxy, maxx]])
folium.GeoJson(grids[["grid_id", "name", "worker", "phone", "geometry"]], name="grids",
               tooltip=folium.GeoJsonTooltip(["name", "worker", "phone"])).add_to(m)
folium.GeoJson(buildings[["building_id", "name", "head", "head_phone", "geometry"]], name="buildings",
               tooltip=folium.GeoJsonTooltip(["name", "head", "head_phone"])).add_to(m)
for row in incidents.itertuples():
    folium.Marker([row.geometry.y, row.geometry.x],
                  popup=folium.Popup(f"{row.incident_id} {row.type} {row.status} {row.description}")).add_to(m)
localize(m)
st_folium(m, height=620, use_container_width=True)
