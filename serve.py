"""The ASGI entry of the app: Streamlit's ``app.py`` plus GridWatch's own map route.

``python -m geo serve`` and ``make run`` run ``streamlit run serve.py``: it
serves ``app.py`` as ever and mounts :func:`views.map_api.routes` beside
Streamlit's own (the live map asks them for each view). ``streamlit run
app.py`` still serves the app, without the route: a large store's map then
says how to start it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from views.map_api import routes

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes())
