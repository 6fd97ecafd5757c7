"""Small helpers the case views share: values as plain text, as Markdown, and who is acting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

__all__ = ["ACTOR_KEY", "actor", "md", "text"]

#: Session key of the "your name" field of the sidebar (who acts, until accounts exist).
ACTOR_KEY = "gw_by"


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


def actor() -> str:
    """The name given in the sidebar (stripped; ``""`` when none was given)."""
    return str(st.session_state.get(ACTOR_KEY) or "").strip()
