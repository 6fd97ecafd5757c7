"""Small helpers the case views share: values as plain text, as Markdown, and who is acting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from geo.access import User

__all__ = ["USER_KEY", "actor", "md", "text"]

#: Session key of the signed-in user (a :class:`geo.access.User`, set by the sign-in page).
USER_KEY = "gw_user"


def text(value: object) -> str:
    """A value as text: missing values (None, NaN, NA) are ``""``."""
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return str(value)


def md(value: object) -> str:
    """A data value safe to put in Markdown (no markup, no HTML); ``—`` when missing."""
    out = text(value) or "—"
    for ch in "\\`*_{}[]()#+-.!|<>~:$":
        out = out.replace(ch, "\\" + ch)
    return out


def actor() -> User | None:
    """The signed-in user (None before sign-in: no view is drawn then)."""
    user = st.session_state.get(USER_KEY)
    return user if isinstance(user, User) else None
