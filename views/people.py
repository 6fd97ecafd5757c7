"""The 账号 accounts tab, for administrators only: who may sign in, with which role and scope.

The table is :func:`geo.accounts.list_users` (no password hashes); the
forms add an account, change one (role, scope, party, display name,
active), disable one and give one a new password, each through the
:mod:`geo.accounts` function with ``by=ctx.user`` (so the library checks
the permission again and the audit log names the administrator). The tab
is not offered to anyone else (:attr:`views.View.needs`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from geo import accounts
from geo.access import ROLES
from geo.errors import GridWatchError, OptionError
from geo.names import grid_labels
from geo.safe import spreadsheet_frame
from geo.store import open_store

from . import View
from . import data as appdata
from .audit import local_time
from .context import AppContext
from .parts.guard import show_error
from .parts.overview import blank_missing
from .parts.plain import text

__all__ = ["VIEW", "account_table", "render"]

#: Session key of the message shown after a change (the page is drawn again to show the new table).
FLASH = "gw_adm_flash"
#: Session key of a counter in the keys of the forms' fields: a new one after a success empties the form.
ROUND = "gw_adm_round"
#: The columns of the accounts table, in order.
SHOWN = ("user", "display_name", "role", "grids", "communities", "party", "active", "last_sign_in", "failed")


@st.cache_data(max_entries=6, show_spinner=False)
def _accounts(path: str, version: str) -> pd.DataFrame:
    """The accounts (no hashes), read once per store version."""
    return accounts.list_users(open_store(path))


def account_table(frame: pd.DataFrame, tr: Callable[..., str]) -> pd.DataFrame:
    """The accounts as the page shows them: headings, roles and ``active`` in the user's language.

    Parameters
    ----------
    frame
        :func:`geo.accounts.list_users`.
    tr
        The translator of the page's language.
    """
    out = frame.reindex(columns=list(SHOWN)).astype(object)
    out["role"] = [tr(f"role.{r}") if r in ROLES else text(r) for r in out["role"]]
    out["active"] = [tr("admin.yes") if bool(a) else tr("admin.no") for a in out["active"]]
    out["failed"] = [text(v).removesuffix(".0") for v in out["failed"]]
    out["last_sign_in"] = [local_time(text(v)) for v in out["last_sign_in"]]
    out = out.rename(columns={c: tr(f"admin.col.{c}") for c in SHOWN})
    return blank_missing(spreadsheet_frame(out))


def render(ctx: AppContext) -> None:
    """Draw the accounts tab."""
    st.subheader(ctx.tr("admin.accounts_title"))
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    frame = _accounts(ctx.store.location, ctx.store.version)
    if frame.empty:
        st.info(ctx.tr("admin.no_accounts"))
    else:
        st.dataframe(account_table(frame, ctx.tr), hide_index=True, width="stretch", key="gw_adm_users")
    _add_form(ctx)
    names = [str(u) for u in frame["user"]] if not frame.empty else []
    if names:
        _change_forms(ctx, frame, names)


def _done(message: str) -> None:
    """A change is made: say so on the next drawing (which reads the new store version), with empty forms."""
    st.session_state[FLASH] = message
    st.session_state[ROUND] = int(st.session_state.get(ROUND, 0)) + 1
    st.rerun()


def _scope_choices(ctx: AppContext) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """The grids (id -> name), communities and parties (id -> name) an account may be given."""
    grids = grid_labels(ctx.grids) if len(ctx.grids) else {}
    communities: list[str] = []
    if "community" in ctx.grids:
        communities = sorted({text(c) for c in ctx.grids["community"] if text(c)})
    parties = appdata.party_names(ctx.store.location, ctx.store.version, ctx.lang)
    return grids, communities, parties


def _split(value: object) -> list[str]:
    """A stored comma-separated scope as a sorted list."""
    return sorted({p.strip() for p in text(value).split(",") if p.strip()})


def _passwords_match(first: str, second: str) -> None:
    if first != second:
        raise OptionError.of("user.password_mismatch")


def _add_form(ctx: AppContext) -> None:
    tr, n = ctx.tr, int(st.session_state.get(ROUND, 0))
    grids, communities, parties = _scope_choices(ctx)
    st.markdown(f"**{tr('admin.add_title')}**")
    with st.form(f"gw_adm_add_{n}"):
        a, b, c = st.columns(3)
        name = a.text_input(tr("admin.col.user"), key=f"gw_adm_add_name_{n}", max_chars=40)
        shown = b.text_input(tr("admin.col.display_name"), key=f"gw_adm_add_display_{n}", max_chars=60)
        role = c.selectbox(tr("admin.col.role"), list(ROLES), index=ROLES.index("grid_worker"),
                           key=f"gw_adm_add_role_{n}_{ctx.lang}", format_func=lambda r: tr(f"role.{r}"))
        a, b, c = st.columns(3)
        pick_grids = a.multiselect(tr("admin.col.grids"), list(grids), key=f"gw_adm_add_grids_{n}_{ctx.lang}",
                                   format_func=lambda g: grids.get(g, g), placeholder=tr("admin.none"))
        pick_communities = b.multiselect(tr("admin.col.communities"), communities, key=f"gw_adm_add_comm_{n}_{ctx.lang}",
                                         placeholder=tr("admin.none"))
        party = c.selectbox(tr("admin.col.party"), ["", *parties], key=f"gw_adm_add_party_{n}_{ctx.lang}",
                            format_func=lambda p: parties.get(p, p) if p else tr("admin.none"))
        a, b = st.columns(2)
        first = a.text_input(tr("admin.password"), type="password", key=f"gw_adm_add_pw1_{n}")
        second = b.text_input(tr("admin.password_again"), type="password", key=f"gw_adm_add_pw2_{n}")
        go = st.form_submit_button(tr("admin.add_go"), type="primary", key=f"gw_adm_add_go_{n}")
    if not go:
        return
    try:
        _passwords_match(first, second)
        user = accounts.add_user(ctx.store, name, role=str(role), password=first, display_name=shown,
                                 grids=pick_grids, communities=pick_communities, party=str(party or ""),
                                 by=ctx.user)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    _done(tr("admin.added", name=user.name, role=tr(f"role.{user.role}")))


def _change_forms(ctx: AppContext, frame: pd.DataFrame, names: list[str]) -> None:
    tr = ctx.tr
    st.markdown(f"**{tr('admin.change_title')}**")
    name = st.selectbox(tr("admin.pick_account"), names, key="gw_adm_pick")
    if name is None:
        return
    row = frame[frame["user"].astype(str) == name].iloc[0]
    left, right = st.columns([3, 2])
    with left:
        _set_form(ctx, name, row)
    with right:
        _password_form(ctx, name)
        active = bool(row["active"])
        if active and name != ctx.user.name:
            if st.button(tr("admin.disable_go"), key=f"gw_adm_disable_{name}"):
                try:
                    accounts.disable_user(ctx.store, name, by=ctx.user)
                except GridWatchError as exc:
                    show_error(exc, ctx.lang)
                else:
                    _done(tr("admin.disabled", name=name))
        elif not active:
            st.caption(tr("admin.is_disabled"))


def _set_form(ctx: AppContext, name: str, row: pd.Series) -> None:
    tr, n = ctx.tr, int(st.session_state.get(ROUND, 0))
    grids, communities, parties = _scope_choices(ctx)
    now_grids = [g for g in _split(row["grids"]) if g in grids]
    now_comm = [c for c in _split(row["communities"]) if c in communities]
    now_party = text(row["party"])
    party_ids = ["", *parties] if now_party in parties or not now_party else ["", now_party, *parties]
    role_now = text(row["role"])
    k = f"{name}_{n}"
    with st.form(f"gw_adm_set_{k}"):
        a, b = st.columns(2)
        role = a.selectbox(tr("admin.col.role"), list(ROLES), index=ROLES.index(role_now) if role_now in ROLES else 0,
                           key=f"gw_adm_set_role_{k}_{ctx.lang}", format_func=lambda r: tr(f"role.{r}"))
        shown = b.text_input(tr("admin.col.display_name"), value=text(row["display_name"]),
                             key=f"gw_adm_set_display_{k}", max_chars=60)
        pick_grids = st.multiselect(tr("admin.col.grids"), list(grids), default=now_grids, key=f"gw_adm_set_grids_{k}_{ctx.lang}",
                                    format_func=lambda g: grids.get(g, g), placeholder=tr("admin.none"))
        a, b = st.columns(2)
        pick_comm = a.multiselect(tr("admin.col.communities"), communities, default=now_comm,
                                  key=f"gw_adm_set_comm_{k}_{ctx.lang}", placeholder=tr("admin.none"))
        party = b.selectbox(tr("admin.col.party"), party_ids, index=party_ids.index(now_party),
                            key=f"gw_adm_set_party_{k}_{ctx.lang}", format_func=lambda p: parties.get(p, p) if p else tr("admin.none"))
        active = st.checkbox(tr("admin.col.active"), value=bool(row["active"]), key=f"gw_adm_set_active_{k}")
        go = st.form_submit_button(tr("admin.set_go"), key=f"gw_adm_set_go_{k}")
    if not go:
        return
    try:  # one's own account changed: the next drawing reads it again (views.signin) and follows its new role
        accounts.set_user(ctx.store, name, role=str(role), display_name=shown, grids=pick_grids,
                          communities=pick_comm, party=str(party or ""), active=bool(active), by=ctx.user)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    _done(tr("admin.changed", name=name))


def _password_form(ctx: AppContext, name: str) -> None:
    tr, n = ctx.tr, int(st.session_state.get(ROUND, 0))
    k = f"{name}_{n}"
    with st.form(f"gw_adm_pw_{k}"):
        first = st.text_input(tr("admin.new_password"), type="password", key=f"gw_adm_pw1_{k}")
        second = st.text_input(tr("admin.password_again"), type="password", key=f"gw_adm_pw2_{k}")
        go = st.form_submit_button(tr("admin.reset_go"), key=f"gw_adm_pw_go_{k}")
    if not go:
        return
    try:
        _passwords_match(first, second)
        accounts.reset_password(ctx.store, name, first, by=ctx.user)
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    _done(tr("admin.password_reset", name=name))


VIEW = View(key="accounts", label="admin.tab_accounts", order=90, render=render, needs="users")
