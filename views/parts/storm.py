"""Storm mode (during a red or orange rainstorm warning): its state on the map and its switch on the ledger tab."""

from __future__ import annotations

from typing import Final

import streamlit as st

from geo.access import allowed
from geo.cases import storm as storm_mod
from geo.errors import GridWatchError
from views.context import AppContext

from .guard import show_error
from .plain import actor

__all__ = ["LEVELS", "storm_banner", "storm_switch"]

#: The switch's positions (``None``: off).
LEVELS: Final = (None, "orange", "red")


def _level(ctx: AppContext) -> str | None:
    from views import data as appdata

    return appdata.storm(ctx.store.location, ctx.data_version)


def storm_banner(ctx: AppContext) -> None:
    """A red or orange line while storm mode is on (nothing when it is off)."""
    level = _level(ctx)
    if not level:
        return
    text = ctx.tr("app.storm_on", level=ctx.tr(f"app.storm_{level}"))
    (st.error if level == "red" else st.warning)(text, icon=":material/thunderstorm:")


def storm_switch(ctx: AppContext) -> None:
    """The storm mode switch (off / orange / red), kept in the store for every user; only for those who may switch it."""
    if not allowed(ctx.user, "storm", anywhere=True):
        return
    level = _level(ctx)
    current = level if level in LEVELS else None
    if st.session_state.get("gw_storm_seen", "unset") != current:  # switched here, or by someone else
        st.session_state["gw_storm_seen"] = current
        st.session_state["gw_storm"] = current
    value = st.radio(ctx.tr("app.storm_switch"), list(LEVELS), horizontal=True, key="gw_storm",
                     format_func=lambda v: ctx.tr(f"app.storm_{v or 'off'}"), help=ctx.tr("app.storm_help"))
    if value == current:
        return
    if not actor():
        st.error(ctx.tr("app.case_need_name"))
        return
    try:
        storm_mod.set_storm(ctx.store, value, by=actor())
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    st.rerun()
