"""The 审计日志 audit-log tab, for administrators only: every change, who made it, when, before and after.

The entries are :func:`geo.audit.read_audit` filtered by date, user,
action and object, newest first; before and after are shown as their JSON
text (data: a table cell, never Markdown). The CSV download is
:func:`geo.audit.audit_csv` of the same entries, headings in the user's
language. Nothing here can change or delete an entry (the library and the
database refuse it too). The tab is not offered to anyone else
(:attr:`views.View.needs`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pandas as pd
import streamlit as st

from geo import audit
from geo.access import ROLES
from geo.i18n import STRINGS
from geo.safe import spreadsheet_frame
from geo.storage import CST
from geo.store import open_store

from . import View
from .context import AppContext
from .parts.overview import blank_missing

__all__ = ["MAX_SHOWN", "VIEW", "action_label", "audit_table", "local_time", "render"]

#: The most entries the table shows (the newest); the download holds every entry the filters keep.
MAX_SHOWN = 1000


@st.cache_data(max_entries=6, show_spinner=False)
def _log(path: str, version: str) -> pd.DataFrame:
    """The whole audit log, read once per store version (the filters' choices come from it)."""
    return audit.read_audit(open_store(path))


@st.cache_data(max_entries=16, show_spinner=False)
def _entries(path: str, version: str, filters: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """The entries the filters (since, until, user, action, object) keep, oldest first."""
    since, until, user, action, obj = (f or None for f in filters)
    return audit.read_audit(open_store(path), since=since, until=until, user=user, action=action, obj=obj)


@st.cache_data(max_entries=8, show_spinner=False)
def _csv(path: str, version: str, filters: tuple[str, str, str, str, str], lang: str) -> bytes:
    """The CSV of the filtered entries (``python -m geo audit`` writes the same)."""
    return audit.audit_csv(_entries(path, version, filters), lang)


def action_label(code: str, tr: Callable[..., str]) -> str:
    """An action's name in the user's language (the code itself for an action without one)."""
    key = f"admin.action.{code}"
    return tr(key) if key in STRINGS else code


def audit_table(frame: pd.DataFrame, tr: Callable[..., str]) -> pd.DataFrame:
    """The entries as the page shows them: newest first, headings, roles and actions in the user's language.

    Parameters
    ----------
    frame
        :func:`geo.audit.read_audit` (oldest first).
    tr
        The translator of the page's language.
    """
    out = frame.iloc[::-1].reset_index(drop=True).astype(object)
    out["at"] = [local_time(v) for v in out["at"]]
    out["role"] = [tr(f"role.{r}") if r in (*ROLES, "operator") else r for r in out["role"]]
    out["action"] = [action_label(str(a), tr) for a in out["action"]]
    out = out.rename(columns={c: tr(f"audit.col.{c}") for c in audit.COLUMNS})
    return blank_missing(spreadsheet_frame(out))


def local_time(value: object) -> str:
    """An ISO time as ``YYYY-MM-DD HH:MM:SS`` in China Standard Time (the text itself when it is not one)."""
    if not str(value or ""):
        return ""
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if when.tzinfo is not None:
        when = when.astimezone(CST)
    return when.strftime("%Y-%m-%d %H:%M:%S")


def render(ctx: AppContext) -> None:
    """Draw the audit-log tab."""
    tr, path, version = ctx.tr, ctx.store.location, ctx.store.version
    st.subheader(tr("admin.audit_title"))
    st.caption(tr("admin.audit_note"))
    log = _log(path, version)
    users = sorted({str(u) for u in log["by"] if str(u)})
    actions = sorted({str(a) for a in log["action"] if str(a)})
    a, b, c, d, e = st.columns([2, 2, 2, 2, 2])
    since = a.date_input(tr("admin.since"), value=None, key="gw_aud_since")
    until = b.date_input(tr("admin.until"), value=None, key="gw_aud_until")
    user = c.selectbox(tr("audit.col.by"), ["", *users], key=f"gw_aud_user_{ctx.lang}",
                       format_func=lambda u: u or tr("app.all"))
    action = d.selectbox(tr("audit.col.action"), ["", *actions], key=f"gw_aud_action_{ctx.lang}",
                         format_func=lambda x: action_label(x, tr) if x else tr("app.all"))
    obj = e.text_input(tr("admin.object"), key="gw_aud_object", max_chars=200).strip()
    filters = (_day(since), _day(until), str(user or ""), str(action or ""), obj)
    frame = _entries(path, version, filters)
    if frame.empty:
        st.info(tr("admin.audit_empty"))
        return
    shown = frame.tail(MAX_SHOWN)
    st.caption(tr("admin.audit_count", rows=len(frame), shown=len(shown)))
    wide = {tr(f"audit.col.{c}"): st.column_config.TextColumn(width="medium") for c in ("before", "after")}
    st.dataframe(audit_table(shown, tr), hide_index=True, width="stretch", key="gw_aud_table", column_config=wide)
    stamp = datetime.now(CST).strftime("%Y%m%d-%H%M")
    st.download_button(tr("admin.audit_csv"), _csv(path, version, filters, ctx.lang), file_name=f"audit-{stamp}.csv",
                       mime="text/csv", key="gw_aud_csv")


def _day(value: object) -> str:
    return value.isoformat() if isinstance(value, date) else ""


VIEW = View(key="audit", label="admin.tab_audit", order=91, render=render, needs="audit")
