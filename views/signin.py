"""The sign-in page: the one page drawn before sign-in, showing nothing of the store."""

from __future__ import annotations

import streamlit as st

from geo import accounts
from geo.access import User
from geo.errors import GridWatchError
from geo.i18n import t
from geo.store import Store

from .parts.guard import show_error
from .parts.plain import USER_KEY, actor, md

__all__ = ["sign_in", "sign_out", "signed_in_box"]


def sign_in(store: Store, lang: str) -> User:
    """The signed-in user; else draw the sign-in form and stop the page (nothing of the store is read)."""
    user = actor()
    if user is not None:
        return user
    st.title(t("signin.title", lang))
    with st.form("gw_signin"):
        name = st.text_input(t("signin.user", lang), key="gw_signin_user", max_chars=40)
        password = st.text_input(t("signin.password", lang), type="password", key="gw_signin_password")
        go = st.form_submit_button(t("signin.go", lang), type="primary")
    if go:
        try:
            st.session_state[USER_KEY] = accounts.authenticate(store, name, password)
        except GridWatchError as exc:
            show_error(exc, lang, key="app.error")
        else:
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def sign_out() -> None:
    """Forget the signed-in user (the next rerun shows the sign-in page)."""
    st.session_state.pop(USER_KEY, None)


def signed_in_box(user: User, lang: str) -> None:
    """The sidebar's who-is-signed-in line (name and translated role) and its sign-out button."""
    st.sidebar.caption(t("signin.signed_in", lang, name=md(user.label), role=t(f"role.{user.audit_role}", lang)))
    if st.sidebar.button(t("signin.sign_out", lang), key="gw_sign_out"):
        sign_out()
        st.rerun()
