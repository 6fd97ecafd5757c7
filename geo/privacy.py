"""Personal data: the one rule for what each role sees of people, and the masking.

People in a store: the grid workers (``grids``: ``worker``, ``phone``),
the building heads (``buildings``: ``head``, ``head_phone``) and the
vulnerable residents (the register table: ``name``). Who sees them:

==============  =================================================
administrator   everything
staff           everything in their communities (all when they have none); masked elsewhere
grid worker     everything in their own grids; masked elsewhere
party, viewer   masked everywhere
local operator  everything (the command line without ``--as``)
==============  =================================================

Masked: a name keeps its first character (``张**``), a phone number its
first three and last four digits (``138****5678``). :func:`mask_people`
applies the rule to a layer or table *before* it reaches a page, a
payload, a download or a document, so nothing the role may not see leaves
the server. Every output that holds people says whom it was made for
(:func:`made_for`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from . import schema
from .access import User

__all__ = ["PERSONAL", "Visibility", "made_for", "mask_name", "mask_people", "mask_phone", "sees", "visibility"]

#: Columns holding people, per layer or table: column to kind (``name`` or ``phone``).
PERSONAL: Final[dict[str, dict[str, str]]] = {
    schema.GRIDS: {"worker": "name", "phone": "phone"},
    schema.BUILDINGS: {"head": "name", "head_phone": "phone"},
    schema.REGISTER: {"name": "name", "phone": "phone"},
}


@dataclass(frozen=True)
class Visibility:
    """What may be seen of people's contact details."""

    names: bool
    phones: bool


FULL: Final = Visibility(names=True, phones=True)
MASKED: Final = Visibility(names=False, phones=False)


def visibility(user: User, grid: str | None = None, community: str | None = None) -> Visibility:
    """What ``user`` sees of the people of ``grid`` (in ``community``); None grid: outside every grid."""
    if user.is_operator or user.role == "admin":
        return FULL
    if user.role == "staff":
        if not user.communities and not user.grids:
            return FULL
        inside = (grid is not None and grid in user.grids) or (community is not None and community in user.communities)
        return FULL if inside else MASKED
    if user.role == "grid_worker":
        return FULL if grid is not None and grid in user.grids else MASKED
    return MASKED


def sees(user: User) -> str:
    """``all``, ``scoped`` or ``none``: how much of people ``user`` sees (cache keys, headers)."""
    if user.is_operator or user.role == "admin" or (user.role == "staff" and not user.communities and not user.grids):
        return "all"
    if user.role in ("staff", "grid_worker"):
        return "scoped"
    return "none"


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def mask_phone(phone: object) -> str:
    """``13812345678`` -> ``138****5678``; empty stays empty."""
    text = _text(phone)
    if not text:
        return ""
    if len(text) <= 4:
        return "*" * len(text)
    keep = 3 if len(text) >= 8 else 1
    return text[:keep] + "*" * (len(text) - keep - 4) + text[-4:]


def mask_name(name: object) -> str:
    """``张建国`` -> ``张**``; empty stays empty."""
    text = _text(name)
    return text[:1] + "*" * (len(text) - 1) if text else ""


def mask_people(frame: pd.DataFrame, kind: str, user: User, *, communities: Mapping[str, str] | None = None,
                grid_column: str = "grid_id") -> pd.DataFrame:
    """``frame`` (a layer or table of ``kind``) with the people ``user`` may not see masked; a copy when anything is.

    Parameters
    ----------
    frame
        Rows of a layer or table named in :data:`PERSONAL` (other kinds pass through).
    kind
        Its name (``grids``, ``buildings``, the register table).
    user
        Who will see it.
    communities
        Grid id to community, for a staff member's scope (the grids layer's own rows need none).
    grid_column
        The column naming each row's grid (rows without one are outside every grid).
    """
    columns = {c: k for c, k in PERSONAL.get(kind, {}).items() if c in frame.columns}
    if not columns or frame.empty:
        return frame
    level = sees(user)
    if level == "all":
        return frame
    if level == "none":
        hide = np.ones(len(frame), dtype=bool)
    else:
        grids = [_text(g) for g in frame[grid_column]] if grid_column in frame else [""] * len(frame)
        if communities is None and kind == schema.GRIDS and "community" in frame:
            community = [_text(c) for c in frame["community"]]
        else:
            lookup = dict(communities or {})
            community = [_text(lookup.get(g, "")) for g in grids]
        hide = np.array([not visibility(user, g or None, c or None).names
                         for g, c in zip(grids, community, strict=True)], dtype=bool)
    if not hide.any():
        return frame
    out = frame.copy()
    for col, what in columns.items():
        masker = mask_name if what == "name" else mask_phone
        values = out[col].astype(object)
        out[col] = [masker(v) if h else v for v, h in zip(values, hide, strict=True)]
    return out


def made_for(user: User, lang: str = "zh") -> str:
    """The line an export's header carries: whom it was made for (role, name) and whether people are masked."""
    from .i18n import t

    role = t(f"role.{user.audit_role}", lang)
    return t(f"privacy.made_for_{sees(user)}", lang, role=role, user=user.label)
