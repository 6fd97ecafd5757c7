"""What the user sees when something fails inside a view.

A :class:`~geo.errors.GridWatchError` (bad input) is shown as its message
and hint in the user's language. Anything else is a fault of the app: the
user reads a plain message with a reference (``GW-20261202-a1b2c3``) to pass
on, and the traceback goes to the log (stderr) under the same reference, so
whoever runs the server can find it. No traceback, exception type or search
link reaches the browser (``client.showErrorDetails = "none"`` covers what
is left: errors outside a view).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import streamlit as st

from geo.errors import GridWatchError
from geo.i18n import t

__all__ = ["LOG", "error_box", "guarded", "new_reference", "run_guarded", "show_error", "show_fault"]

LOG = logging.getLogger("gridwatch.app")


def _configure_log() -> None:
    """Tracebacks to stderr, once per process (Streamlit's own logger is separate)."""
    if LOG.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False


def new_reference(now: datetime | None = None) -> str:
    """A reference for one failure: ``GW-<UTC date>-<6 hex digits>``."""
    day = (now or datetime.now(timezone.utc)).strftime("%Y%m%d")
    return f"GW-{day}-{secrets.token_hex(3)}"


def show_error(exc: GridWatchError, lang: str, *, key: str = "app.error", ref: str | None = None) -> None:
    """The one error widget: a user's error in their language, in the app's words.

    Parameters
    ----------
    exc
        The error: its message, then how to fix it (its hint).
    lang
        Language of the text.
    key
        Message template the error's message is put in (``{error}``).
    ref
        A reference to pass on (``GW-...``), shown when given.
    """
    from .words import app_words

    message, hint = exc.localized(lang)
    error_box(t(key, lang, error=app_words(message, lang)),
              t("app.hint", lang, hint=app_words(hint, lang)) if hint else "", ref=ref)


def show_fault(lang: str, ref: str) -> None:
    """A fault of the app (not the user's): a plain message and the reference the log holds."""
    error_box(t("app.internal_error", lang, ref=ref), t("app.internal_error_hint", lang, ref=ref))


def error_box(message: str, hint: str = "", *, ref: str | None = None) -> None:
    """Draw one error: the message (red box), the hint and the reference (a caption each)."""
    st.error(message)
    if hint:
        st.caption(hint)
    if ref:
        st.caption(ref)


@contextmanager
def guarded(lang: str, where: str) -> Iterator[None]:
    """Run a view's drawing; turn what it raises into a message.

    Parameters
    ----------
    lang
        Language of the message.
    where
        What was being drawn (the view's key), for the log.

    Notes
    -----
    Streamlit's own control flow (``st.stop``, ``st.rerun``) derives from
    ``BaseException`` and passes through.
    """
    try:
        yield
    except GridWatchError as exc:
        show_error(exc, lang)
    except Exception:
        ref = new_reference()
        _configure_log()
        LOG.exception("internal error in %s, reference %s", where, ref)
        show_fault(lang, ref)


def run_guarded(render: Callable[[], None], lang: str, where: str) -> None:
    """``render()`` inside :func:`guarded`."""
    with guarded(lang, where):
        render()
