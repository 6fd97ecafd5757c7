"""The sign-in page: the one page drawn before sign-in, showing nothing of the store.

Three ways in, each ending with a :class:`geo.access.User` in the session
(:data:`~views.parts.plain.USER_KEY`):

- the password form (``GRIDWATCH_AUTH=password``, the default):
  :func:`geo.accounts.authenticate`, which slows down guessing and logs
  every attempt;
- OpenID Connect (``GRIDWATCH_AUTH=oidc``): Streamlit's ``st.login()``
  against the provider of ``.streamlit/secrets.toml``'s ``[auth]``; the
  account is the store's active account whose user name is the e-mail the
  provider gives (``st.user.email``), else refused;
- demo mode (the app's ``--demo``, which ``make run`` passes on the bundled
  demo): a button per demo account, no password; refused on a store that is
  not the fictional demo (:func:`geo.accounts.demo_sign_in`) and on a server
  other machines can reach (:func:`geo.serving.is_loopback`).

A session ends when its user signs out, after
``GRIDWATCH_SESSION_IDLE_MINUTES`` without a rerun, or once an
administrator disables its account: the time of the last rerun is kept in
the session and checked, with the account (read again: a new role or scope
applies at once), at every rerun, and a small fragment checks both every so
often, so an idle page clears itself rather than wait for the next click.
Ending a session forgets everything in it but the language.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final, NoReturn

import streamlit as st

from geo import accounts, settings
from geo.access import ROLES, AccessError, User
from geo.audit import record
from geo.errors import GridWatchError
from geo.i18n import t
from geo.serving import is_loopback
from geo.store import Store

from .parts.guard import LOG, error_box, new_reference, show_error
from .parts.plain import USER_KEY, actor, md

__all__ = ["ACTIVE_KEY", "DEMO_KEY", "NOTICE_KEY", "demo_banner", "end_session", "mark_active", "sign_in", "sign_out",
           "signed_in_box", "unopened", "watch_idle"]

#: Session keys: when the session last reran (``time.monotonic()``), why the last one ended, whether it is a demo's.
ACTIVE_KEY: Final = "gw_active_at"
NOTICE_KEY: Final = "gw_signin_notice"
DEMO_KEY: Final = "gw_demo"
#: What ending a session keeps: the language.
KEPT: Final = ("gw_lang",)


def _idle_seconds() -> float:
    return settings.current().session_idle_minutes * 60.0


def _expired(now: float | None = None) -> bool:
    last = st.session_state.get(ACTIVE_KEY)
    if not isinstance(last, (int, float)):
        return False  # signed in before any rerun was timed: this one starts the clock
    return (time.monotonic() if now is None else now) - float(last) > _idle_seconds()


def mark_active() -> None:
    """Count now as the session's last activity (the end of a page run too: a slow page eats no idle time)."""
    st.session_state[ACTIVE_KEY] = time.monotonic()


def end_session(notice: str = "signed_out") -> None:
    """Forget everything in the session but the language; the sign-in page then says why (``notice``)."""
    kept = {k: st.session_state[k] for k in KEPT if k in st.session_state}
    for key in list(st.session_state.keys()):
        if key not in kept:
            del st.session_state[key]
    st.session_state[NOTICE_KEY] = notice


def _record(store: Store, action: str, user: User | None, **after: object) -> None:
    """An audit entry of the session (a failure to write it is not the user's: the sign-in goes on)."""
    try:
        record(store, action, by=user or User(name="?", role=""), kind="users", obj=user.name if user else "",
               after=dict(after))
    except GridWatchError as exc:  # a read-only store, say: the server's log says so
        LOG.warning("audit entry %s not written: %s", action, exc)


def unopened(lang: str, detail: str, show: Callable[[], None]) -> NoReturn:
    """The store cannot be opened (before anyone signed in): say why, and stop the page.

    On a server of this machine only, whoever reads the page runs it:
    ``show`` draws the full message (the store's path included). Otherwise
    the page says only that the data cannot be opened, with a reference,
    and ``detail`` goes to the server's log under it.
    """
    if is_loopback(st.get_option("server.address")):
        show()
    else:
        ref = new_reference()
        LOG.error("%s: the store cannot be opened: %s", ref, detail)
        error_box(t("signin.store_unavailable", lang, ref=ref))
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def sign_in(store: Store, lang: str, *, demo: bool = False) -> User:
    """The signed-in user; else draw the sign-in page and stop the page (nothing of the store is read).

    Parameters
    ----------
    store
        Where the accounts are.
    lang
        Language of the page.
    demo
        Demo mode (the app's ``--demo``): a button per demo account, when
        the store is the fictional demo and the server is this machine's only.
    """
    user = _still_signed_in(store)
    if user is not None:
        mark_active()
        return user
    st.title(t("signin.title", lang))
    notice = st.session_state.get(NOTICE_KEY)
    if notice in ("expired", "signed_out", "disabled"):
        st.info(t(f"signin.notice_{notice}", lang))
    if not (demo and _demo(store, lang)):
        if settings.current().auth == "oidc":
            _oidc(store, lang)
        else:
            _password(store, lang)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def _still_signed_in(store: Store) -> User | None:
    """The session's user, if its session goes on: not idle too long, its account still active (and read again)."""
    user = actor()
    if user is None:
        return None
    ended = "expired" if _expired() else ""
    fresh = None if ended else accounts.refreshed(store, user)
    if fresh is None and not ended:
        ended = "disabled"
    if ended:
        _record(store, "sign_out", user, reason="idle" if ended == "expired" else "account disabled")
        end_session(ended)
        if _oidc_signed_in():
            st.logout()
        return None
    if fresh != user:
        st.session_state[USER_KEY] = fresh  # a new role or scope applies from this rerun on
    return fresh


def _start(user: User, *, demo: bool = False) -> None:
    """Put ``user`` in the session and draw the app."""
    for key in (NOTICE_KEY, "gw_signin_user", "gw_signin_password"):  # the password not kept in the session
        st.session_state.pop(key, None)
    st.session_state[USER_KEY] = user
    mark_active()
    st.session_state[DEMO_KEY] = demo
    st.rerun()


def _password(store: Store, lang: str) -> None:
    with st.form("gw_signin"):
        name = st.text_input(t("signin.user", lang), key="gw_signin_user", max_chars=40)
        password = st.text_input(t("signin.password", lang), type="password", key="gw_signin_password",
                                 max_chars=256)
        go = st.form_submit_button(t("signin.go", lang), type="primary")
    if go:
        try:
            user = accounts.authenticate(store, name, password)
        except GridWatchError as exc:  # a wrong password, or the wait after too many (signin.wait)
            show_error(exc, lang, key="app.error")
        else:
            _start(user)


def _oidc_signed_in() -> bool:
    """Whether the provider's cookie (``st.login``) says someone is signed in (OpenID Connect only)."""
    return settings.current().auth == "oidc" and bool(st.user.get("is_logged_in", False))


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets.toml at all (Streamlit raises its own error types)
        return False


def _oidc(store: Store, lang: str) -> None:
    """OpenID Connect through ``st.login``: the account named by the provider's e-mail."""
    if not _oidc_signed_in():
        if not _oidc_configured():
            error_box(t("signin.oidc_unconfigured", lang), t("signin.oidc_unconfigured_hint", lang))
        elif st.button(t("signin.oidc_go", lang), type="primary", key="gw_oidc_login"):
            st.login()
        return
    email = str(st.user.get("email") or "").strip()
    user = accounts.get_user(store, email) if email else None
    if user is None:
        _record(store, "sign_in_failed", User(name=email or "?", role=""), reason="no account", via="oidc")
        show_error(AccessError.of("signin.no_account", email=email or "-"), lang, key="app.error")
        if st.button(t("signin.oidc_other", lang), key="gw_oidc_logout"):
            st.logout()
        return
    _record(store, "sign_in", user, role=user.role, via="oidc")
    _start(user)


def _demo(store: Store, lang: str) -> bool:
    """The demo's sign-in buttons; False (with the reason shown) where demo mode is refused."""
    address = st.get_option("server.address")
    try:
        if not is_loopback(address):
            raise AccessError.of("signin.demo_exposed", address=address or "0.0.0.0")
        if not accounts.is_demo(store):
            raise AccessError.of("signin.demo_refused", location=t("signin.this_store", lang))
    except GridWatchError as exc:
        show_error(exc, lang, key="app.error")
        return False
    demo_banner(lang)
    st.markdown(t("signin.demo_pick", lang))
    users = accounts.list_users(store)
    users = users[users["active"]]
    shown = 0
    for role in ROLES:
        for row in users[users["role"] == role].itertuples():
            label = t("signin.demo_as", lang, role=t(f"role.{role}", lang), name=md(row.display_name or row.user))
            if st.button(label, key=f"gw_demo_{row.user}"):
                try:
                    user = accounts.demo_sign_in(store, str(row.user))
                except GridWatchError as exc:
                    show_error(exc, lang, key="app.error")
                else:
                    _start(user, demo=True)
            shown += 1
    if not shown:
        st.info(t("signin.demo_none", lang))
    return True


def demo_banner(lang: str) -> None:
    """The demo mode's label: fictional data, no password."""
    st.warning(t("signin.demo_banner", lang))


def sign_out(store: Store | None = None) -> None:
    """End the session of the signed-in user (the next rerun shows the sign-in page); logged when ``store`` is given."""
    user = actor()
    if store is not None and user is not None:
        _record(store, "sign_out", user, reason="signed out")
    end_session("signed_out")


def signed_in_box(user: User, lang: str, store: Store) -> None:
    """The sidebar's who-is-signed-in line (name and translated role) and its sign-out button."""
    st.sidebar.caption(t("signin.signed_in", lang, name=md(user.label), role=t(f"role.{user.audit_role}", lang)))
    if st.sidebar.button(t("signin.sign_out", lang), key="gw_sign_out"):
        sign_out(store)
        if _oidc_signed_in():
            st.logout()
        st.rerun()
    if st.session_state.get(DEMO_KEY):
        demo_banner(lang)  # atop the page, above the tabs


def watch_idle(store: Store) -> None:
    """Check the session every so often (a fragment, not the whole page).

    An idle page, or one of an account disabled meanwhile, signs itself out
    without waiting for a click.
    """
    every = max(2.0, min(60.0, _idle_seconds() / 3))

    @st.fragment(run_every=every)
    def _watch() -> None:
        user = actor()
        if user is not None and (_expired() or accounts.refreshed(store, user) != user):
            st.rerun(scope="app")

    _watch()
