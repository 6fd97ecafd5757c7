"""GridWatch: the community grid map (Streamlit).

Run with ``make run``, or ``streamlit run app.py -- --store PATH``. The store
is, in order: ``--store``, ``GRIDWATCH_STORE``, the demo store
``data/demo/gridwatch.gpkg``. This file only composes: the sidebar
(``views/sidebar.py``), the tabs (``views/*.py``, found by
:func:`views.discover`), data and caching (``views/data.py``) and the layers
(``layers/``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import streamlit as st

from geo import schema, settings
from geo.errors import GridWatchError
from geo.i18n import DEFAULT_LANG, t
from geo.store import is_database_address, open_store
from views import data as appdata
from views import discover
from views.context import AppContext
from views.parts.guard import error_box, guarded, show_error
from views.sidebar import language, sidebar
from views.signin import sign_in

DEFAULT_STORE = Path(__file__).resolve().parent / "data" / "demo" / "gridwatch.gpkg"


def store_path(argv: list[str] | None = None) -> str:
    """The store to open: ``--store``, else ``GRIDWATCH_STORE``, else the demo store."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return str(args.store or settings.current().store or DEFAULT_STORE)


def main() -> None:
    """Draw the app: a failure shows a message with a reference, never a traceback."""
    st.set_page_config(page_title="GridWatch 网格守望", page_icon="🗺️", layout="wide")
    lang = DEFAULT_LANG
    with guarded(lang, "app"):
        lang = language()
    with guarded(lang, "app"):
        _main(lang)


def _main(lang: str) -> None:
    tr = lambda key, **v: t(key, lang, **v)  # noqa: E731
    path = store_path()
    if not is_database_address(path) and not Path(path).exists():
        error_box(tr("app.store_missing", path=path))
        st.stop()
    try:
        store = open_store(path)
    except GridWatchError as exc:
        show_error(exc, lang, key="app.store_error")
        st.stop()
    user = sign_in(store, lang)  # nothing of the store is read before sign-in
    try:
        version = store.version
        who = appdata.audience(user)  # people masked, a party's cases only: before anything reaches a view
        data = appdata.layers(path, version, who)
        types, meta = appdata.types_and_meta(path, version)
    except GridWatchError as exc:
        show_error(exc, lang, key="app.store_error")
        st.stop()
    grids, buildings, incidents = data[schema.GRIDS], data[schema.BUILDINGS], data[schema.INCIDENTS]
    choices = sidebar(lang, grids, buildings, incidents, types)
    st.sidebar.caption(tr("app.store", path=store.location))  # a database address without its password
    if meta.get("fictional", "").lower() in ("1", "true", "yes") or "fictional" in meta.get("description", "").lower():
        st.sidebar.caption(tr("app.fictional"))
    ctx = AppContext(
        store=store, lang=lang, tr=tr, grids=grids, buildings=buildings, incidents=incidents, types=types,
        filters=choices.filters, shown_incidents=appdata.shown_incidents(path, version, who, choices.filters),
        summary=appdata.summary(path, version, who, choices.filters), basemap=choices.basemap, figure=choices.figure,
        color_by=choices.color_by, visible=choices.visible, meta=meta, user=user,
    )
    views = discover()
    for view, tab in zip(views, st.tabs([tr(v.label) for v in views]), strict=True):
        with tab, guarded(lang, view.key):
            view.render(ctx)


if __name__ == "__main__":  # streamlit runs this file as __main__
    main()
