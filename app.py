"""GridWatch: the community grid map (Streamlit).

Run with ``make run``, or ``python -m geo serve [--store PATH] [--demo]``
(``streamlit run app.py -- --store PATH`` with GridWatch's serving settings).
The store is, in order: ``--store``, ``GRIDWATCH_STORE``, the demo store
``data/demo/gridwatch.gpkg``; ``--demo`` signs in as a demo account without
a password (the fictional demo store only). This file only composes: the sidebar
(``views/sidebar.py``), the tabs (``views/*.py``, found by
:func:`views.discover`), data and caching (``views/data.py``) and the layers
(``layers/``).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import streamlit as st

from geo import schema, serving
from geo.access import allowed
from geo.errors import GridWatchError
from geo.i18n import DEFAULT_LANG, t
from geo.store import is_database_address, open_store
from views import data as appdata
from views import discover
from views.context import AppContext
from views.parts.guard import error_box, guarded, show_error
from views.sidebar import language, sidebar
from views.signin import mark_active, sign_in, signed_in_box, unopened, watch_idle


def store_path(argv: list[str] | None = None) -> str:
    """The store to open: ``--store``, else ``GRIDWATCH_STORE``, else the demo store."""
    return serving.app_store(argv)


def demo_mode(argv: list[str] | None = None) -> bool:
    """Whether the app runs in demo mode (``--demo``: demo accounts without a password, on the demo store only)."""
    return bool(serving.app_args(argv).demo)


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
        unopened(lang, tr("app.store_missing", path=path), lambda: error_box(tr("app.store_missing", path=path)))
    try:
        store = open_store(path)
    except GridWatchError as exc:
        unopened(lang, exc.localized("en")[0], partial(show_error, exc, lang, key="app.store_error"))
    user = sign_in(store, lang, demo=demo_mode())  # nothing of the store is read before sign-in
    signed_in_box(user, lang, store)
    watch_idle(store)
    try:
        version = store.data_version  # not changed by sign-ins (the audit log): the layers stay cached
        who = appdata.audience(user)  # people masked, a party's cases only: before anything reaches a view
        data = appdata.layers(path, version, who)
        types, meta = appdata.types_and_meta(path, version)
    except GridWatchError as exc:
        show_error(exc, lang, key="app.store_error")
        st.stop()
    grids, buildings, incidents = data[schema.GRIDS], data[schema.BUILDINGS], data[schema.INCIDENTS]
    choices = sidebar(lang, grids, buildings, incidents, types, appdata.report_days(path, version, who))
    if allowed(user, "settings"):  # where the store is: for administrators (a database address without its password)
        st.sidebar.caption(tr("app.store", path=store.location))
    if meta.get("fictional", "").lower() in ("1", "true", "yes") or "fictional" in meta.get("description", "").lower():
        st.sidebar.caption(tr("app.fictional"))
    ctx = AppContext(
        store=store, lang=lang, tr=tr, grids=grids, buildings=buildings, incidents=incidents, types=types,
        filters=choices.filters, shown_incidents=appdata.shown_incidents(path, version, who, choices.filters),
        summary=appdata.summary(path, version, who, choices.filters), basemap=choices.basemap, figure=choices.figure,
        color_by=choices.color_by, visible=choices.visible, meta=meta, user=user, data_version=version,
    )
    views = discover(user)  # a tab the user may not use is not offered at all
    try:
        for view, tab in zip(views, st.tabs([tr(v.label) for v in views]), strict=True):
            with tab, guarded(lang, view.key):
                view.render(ctx)
    finally:
        mark_active()  # the idle time starts when the page is drawn, not when its run began


if __name__ == "__main__":  # streamlit runs this file as __main__
    main()
