"""Map layers: data in, folium layer out (no Streamlit here).

``grids``, ``buildings``, ``incidents`` build the data layers (compact
payloads drawn by ``static/gridwatch/gridwatch.js``); ``basemaps`` and
``controls`` the map they go on; ``assets`` serves Leaflet from the app
itself; ``encode`` the payload format; ``select`` filtering and search.
"""
