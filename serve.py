"""The ASGI entry of the app: Streamlit's ``app.py`` plus GridWatch's own map route.

``python -m geo serve`` and ``make run`` run ``streamlit run serve.py``: it
serves ``app.py`` as ever and mounts :func:`views.map_api.routes` beside
Streamlit's own (the live map asks them for each view). ``streamlit run
app.py`` still serves the app, without the route: a large store's map then
says how to start it. The library the app uses is imported here, when the
server starts, so that the first visit does not wait for it.
"""

from __future__ import annotations

from pathlib import Path

# The library the tabs use, imported when the server starts rather than at the first visit. Not the
# views themselves: streamlit-folium declares its component when imported, which needs the running app.
import altair  # noqa: F401  (the overview's charts: about 0.3 s to import)
import streamlit as st

import geo.accounts  # noqa: F401
import geo.audit  # noqa: F401
import geo.cases.ledger  # noqa: F401
import geo.cases.timing  # noqa: F401
import geo.communities  # noqa: F401
import geo.incidents  # noqa: F401  (and geo.join with its compiled kernels)
import geo.mapview  # noqa: F401
import geo.names  # noqa: F401
import geo.rain.risk  # noqa: F401
import geo.serving
import geo.snapshot
import geo.store  # noqa: F401
import geo.summary  # noqa: F401
import layers.buildings  # noqa: F401
import layers.grids  # noqa: F401
import layers.incidents  # noqa: F401
import layers.live  # noqa: F401
from views.map_api import routes

# The store's map layers, read (from their snapshot if there is one) while the server starts and the
# first user signs in: that user's page takes them instead of reading them (geo.snapshot.preload).
geo.snapshot.preload(geo.serving.app_store())

app = st.App(str(Path(__file__).resolve().parent / "app.py"), routes=routes())
