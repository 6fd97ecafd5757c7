"""Reporting an incident on the map: the form, and likely duplicates before anything is stored.

The form (type, severity, urgency, description, photos, "fixed on the
spot") is checked first against the open cases of the same type nearby
(:func:`geo.cases.duplicates.find_duplicates`). When there are some, they
are listed and the user says either "this is the same matter: merge into
X" (the report is stored with ``duplicate_of=X``) or "a new case"; nothing
is stored until then. The map's report form and ``incident add`` call the
same :func:`geo.incidents.report_incident`.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from geo import schema
from geo.access import allowed
from geo.cases.duplicates import find_duplicates
from geo.errors import GridWatchError
from geo.incidents import report_incident
from geo.storage import now_text
from views.context import AppContext

from .guard import show_error
from .plain import actor, md, text

__all__ = ["PENDING_KEY", "report_panel"]

#: Session key of a report waiting for the user's word on its likely duplicates.
PENDING_KEY = "gw_report_pending"


def report_panel(ctx: AppContext) -> None:
    """The report toggle, then the form at the clicked point (or the duplicates of a pending report).

    Only for those who may report somewhere (:func:`geo.access.allowed`); the library checks the place.
    """
    if not allowed(ctx.user, "report", anywhere=True):
        return
    on = st.toggle(ctx.tr("app.report_mode"), key="gw_report_mode")
    if not on:
        st.session_state.pop("gw_report_at", None)
        st.session_state.pop(PENDING_KEY, None)
        return
    pending = st.session_state.get(PENDING_KEY)
    if pending:
        _duplicates_choice(ctx, pending)
        return
    at = st.session_state.get("gw_report_at")
    if not at:
        st.info(ctx.tr("app.report_click"))
        return
    lat, lon = at
    with st.form("gw_report_form", clear_on_submit=True, border=True):
        st.markdown(f"**{md(ctx.tr('app.report'))}** · {md(ctx.tr('app.report_at', lat=lat, lon=lon))}")
        code = st.selectbox(ctx.tr("app.report_type"), list(ctx.types), format_func=ctx.type_label)
        severity = st.selectbox(ctx.tr("app.report_severity"), schema.SEVERITIES, index=1,
                                format_func=lambda s: ctx.tr(f"severity.{s}"))
        urgency = st.radio(ctx.tr("app.case_urgency"), schema.URGENCIES, horizontal=True,
                           format_func=lambda u: ctx.tr(f"urgency.{u}"), help=ctx.tr("app.report_urgency_help"))
        description = st.text_area(ctx.tr("app.report_description"), max_chars=500)
        photos = st.file_uploader(ctx.tr("app.case_photos"), type=["jpg", "jpeg", "png", "webp"],
                                  accept_multiple_files=True, key="gw_report_photos")
        on_spot = st.checkbox(ctx.tr("app.report_on_spot"), help=ctx.tr("app.report_on_spot_help"))
        if st.form_submit_button(ctx.tr("app.report_submit"), type="primary"):
            report = {"type": str(code), "severity": str(severity), "urgency": str(urgency),
                      "description": description, "lat": lat, "lon": lon, "on_spot": bool(on_spot),
                      "photos": [(p.name, p.getvalue()) for p in photos or []]}
            _check(ctx, report)


def _is_case(ctx: AppContext, code: str) -> bool:
    it = ctx.types.get(code)
    return it is None or not it.asset


def _check(ctx: AppContext, report: dict[str, Any]) -> None:
    """Send the report, unless open cases nearby may be the same matter: then ask first."""
    if not actor():
        st.error(ctx.tr("app.case_need_name"))
        return
    if report["on_spot"] and not report["photos"]:
        st.error(ctx.tr("app.report_on_spot_photo"))
        return
    dups: list[dict[str, Any]] = []
    if _is_case(ctx, report["type"]):
        try:
            dups = find_duplicates(ctx.store, type=report["type"], lon=report["lon"], lat=report["lat"], at=now_text())
        except GridWatchError as exc:
            show_error(exc, ctx.lang)
            return
    if dups:
        st.session_state[PENDING_KEY] = {**report, "duplicates": dups}
        st.rerun()
    _submit(ctx, report, None)


def _duplicates_choice(ctx: AppContext, pending: dict[str, Any]) -> None:
    dups = pending["duplicates"]
    with st.container(border=True):
        st.warning(ctx.tr("app.dup_found", n=len(dups), type=ctx.type_label(pending["type"])))
        for d in dups:
            ident = text(d.get("incident_id"))
            line = ctx.tr("app.dup_line", id=ident, stage=ctx.tr(f"status.{text(d.get('status'))}"),
                          m=f"{float(d.get('distance_m') or 0):.0f}", at=text(d.get("reported_at"))[:16].replace("T", " "))
            desc = text(d.get("description"))
            st.markdown(md(line) + (f"  \n{md(desc)}" if desc else ""))
            if st.button(ctx.tr("app.dup_merge", id=ident), key=f"gw_dup_{ident}"):
                _submit(ctx, pending, ident)
        a, b = st.columns(2)
        if a.button(ctx.tr("app.dup_new"), type="primary", key="gw_dup_new"):
            _submit(ctx, pending, None)
        if b.button(ctx.tr("app.dup_back"), key="gw_dup_back"):
            st.session_state.pop(PENDING_KEY, None)
            st.rerun()


def _submit(ctx: AppContext, report: dict[str, Any], duplicate_of: str | None) -> None:
    from views import data as appdata

    case = _is_case(ctx, report["type"])
    extra: dict[str, Any] = {}
    if case:
        extra = {"urgency": report["urgency"], "on_spot": report["on_spot"], "duplicate_of": duplicate_of}
    try:
        row = report_incident(ctx.store, type=report["type"], lon=report["lon"], lat=report["lat"],
                              severity=report["severity"], description=report["description"],
                              photos=report["photos"], by=actor(), **extra)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    st.session_state.pop(PENDING_KEY, None)
    st.session_state.pop("gw_report_at", None)
    ident = text(row.get("incident_id"))
    st.session_state["gw_selection"] = ("incident", duplicate_of or ident)
    who = appdata.names(ctx.store.location, ctx.data_version, appdata.audience(ctx.user))
    grid, building = text(row.get("grid_id")), text(row.get("building_id"))
    done = ctx.tr("app.report_done", id=ident,
                  grid=who["grid"].get(grid, grid) if grid else ctx.tr("app.outside"),
                  building=who["building"].get(building, building) if building else "—")
    if duplicate_of:
        done += " " + ctx.tr("app.dup_merged", id=ident, into=duplicate_of)
    st.session_state["gw_flash"] = done
    st.rerun()
