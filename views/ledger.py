"""The 台账 ledger tab: the open cases, the figures per grid or party, the downloads, storm mode.

The table is :func:`geo.cases.ledger.ledger` (one row per open case), the
figures :func:`geo.cases.ledger.figures` over a period; the XLSX and CSV
downloads are the bytes ``python -m geo ledger`` writes
(:func:`geo.cases.ledger.ledger_xlsx`, :func:`geo.cases.ledger.ledger_csv`).
Storm mode (a red or orange warning) is switched here and shown on the
map too.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from geo import privacy, schema
from geo.cases.ledger_xlsx import figures_table, ledger_table
from geo.names import grid_labels
from geo.safe import spreadsheet_frame
from geo.storage import CST

from . import View
from . import data as appdata
from .context import AppContext
from .parts.overview import blank_missing
from .parts.storm import storm_banner, storm_switch

__all__ = ["VIEW", "render"]


def render(ctx: AppContext) -> None:
    """Draw the ledger tab."""
    path, version = ctx.store.location, ctx.store.version
    st.subheader(ctx.tr("app.ledger_title"))
    storm_banner(ctx)
    storm_switch(ctx)  # for those who may switch it
    who = appdata.audience(ctx.user)
    names = appdata.party_names(path, version, ctx.lang)
    if ctx.user.role == "party":  # the cases dispatched to their party, and nothing else
        names = {k: v for k, v in names.items() if k == ctx.user.party}
        st.caption(ctx.tr("privacy.party_ledger", party=names.get(ctx.user.party, ctx.user.party or "—")))
    grids = grid_labels(ctx.grids)
    f1, f2, f3, f4, f5 = st.columns([3, 3, 3, 3, 2])
    pick_grids = f1.multiselect(ctx.tr("app.grids"), list(grids), key="gw_led_grids", placeholder=ctx.tr("app.all"),
                                format_func=lambda g: grids.get(g, g))
    events = [c for c, it in ctx.types.items() if not it.asset]
    pick_types = f2.multiselect(ctx.tr("app.types"), events, key="gw_led_types", placeholder=ctx.tr("app.all"),
                                format_func=ctx.type_label)
    open_stages = [s for s in schema.EVENT_STATUSES if s not in schema.ENDED_STAGES]
    pick_stages = f3.multiselect(ctx.tr("app.ledger_stage"), open_stages, key="gw_led_stages",
                                 placeholder=ctx.tr("app.all"), format_func=lambda s: ctx.tr(f"status.{s}"))
    pick_parties = f4.multiselect(ctx.tr("app.case_party"), list(names), key="gw_led_parties",
                                  placeholder=ctx.tr("app.all"), format_func=lambda p: names.get(p, p))
    f5.markdown("&nbsp;", unsafe_allow_html=True)
    overdue = f5.checkbox(ctx.tr("app.ledger_overdue"), key="gw_led_overdue")
    at = appdata.clock()  # read again at each new version of the store, and every few minutes
    frame = appdata.ledger(path, version, who, at, (tuple(pick_grids), tuple(pick_types), tuple(pick_stages),
                                               tuple(pick_parties)), overdue, ctx.lang)
    _counts(ctx, frame)
    _table(ctx, frame)
    _downloads(ctx, at, (tuple(pick_grids), tuple(pick_types), tuple(pick_stages), tuple(pick_parties)), overdue)
    if ctx.user.role != "party":  # figures over every party's cases are not a party's to read
        _figures(ctx)


def _counts(ctx: AppContext, frame: pd.DataFrame) -> None:
    state = frame["state"].astype(str) if "state" in frame.columns else pd.Series(dtype=str)
    a, b, c = st.columns(3)
    a.metric(ctx.tr("app.ledger_open"), len(frame))
    b.metric(ctx.tr("app.state_overdue"), int((state == "overdue").sum()))
    c.metric(ctx.tr("app.state_warning"), int((state == "warning").sum()))


def _table(ctx: AppContext, frame: pd.DataFrame) -> None:
    if frame.empty:
        st.info(ctx.tr("app.ledger_empty"))
        return
    table = ledger_table(frame, ctx.lang)
    if "grid_id" in frame.columns:  # a case outside every grid says so
        outside = frame["grid_id"].isna().to_numpy()
        table.iloc[outside, 0] = ctx.tr("app.outside")
    shown = blank_missing(spreadsheet_frame(table))
    late = frame["state"].astype(str).tolist() if "state" in frame.columns else [""] * len(frame)
    palette = {"overdue": "background-color: #fde2e1", "warning": "background-color: #fff1d6"}

    def colour(row: pd.Series) -> list[str]:
        return [palette.get(late[int(row.name)], "")] * len(row)  # type: ignore[call-overload]

    styled = shown.style.apply(colour, axis=1).format(_number)  # a Styler prints floats to 6 places otherwise
    st.dataframe(styled, hide_index=True, width="stretch", key="gw_ledger_table")


def _number(value: object) -> object:
    """A float as the table shows it: one decimal at most (``4217.7``, ``12``)."""
    if isinstance(value, float):
        return "" if value != value else f"{value:,.1f}".removesuffix(".0")
    return value


def _downloads(ctx: AppContext, at: str, filters: tuple[tuple[str, ...], ...], overdue: bool) -> None:
    stamp = datetime.fromisoformat(at).strftime("%Y%m%d-%H%M")
    xlsx, csv = appdata.ledger_files(ctx.store.location, ctx.store.version, appdata.audience(ctx.user), at,
                                     filters, overdue, ctx.lang, ctx.tr("app.ledger_title"),
                                     privacy.made_for(ctx.user, ctx.lang))
    a, b = st.columns(2)
    a.download_button(ctx.tr("app.ledger_xlsx"), xlsx, file_name=f"ledger-{stamp}.xlsx", key="gw_led_xlsx",
                      mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    b.download_button(ctx.tr("app.ledger_csv"), csv, file_name=f"ledger-{stamp}.csv",
                      mime="text/csv", key="gw_led_csv")


def _figures(ctx: AppContext) -> None:
    st.markdown(f"**{ctx.tr('app.ledger_figures')}**")
    a, b = st.columns([1, 2])
    by = a.radio(ctx.tr("app.ledger_by"), ["grid", "party"], horizontal=True, key="gw_led_by",
                 format_func=lambda k: ctx.tr(f"app.ledger_by_{k}"))
    today = datetime.now(CST).date()
    period = b.date_input(ctx.tr("app.ledger_period"), value=(today - timedelta(days=30), today), key="gw_led_period")
    start = end = None
    if isinstance(period, (tuple, list)) and len(period) == 2 and all(isinstance(d, date) for d in period):
        start, end = period[0], period[1]  # whole days, both included
    figs = appdata.figures(ctx.store.location, ctx.store.version, appdata.clock(), str(by), start, end, ctx.lang)
    if figs.empty:
        st.caption(ctx.tr("app.ledger_no_figures"))
        return
    table = figures_table(figs, ctx.lang).iloc[:, 1:]  # the group's name, not its id
    st.dataframe(blank_missing(spreadsheet_frame(table)), hide_index=True, width="stretch", key="gw_ledger_figures")


VIEW = View(key="ledger", label="app.tab_ledger", order=5, render=render)
