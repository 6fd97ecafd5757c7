"""The audit log: every change to a store, who made it, when, and what it was before and after.

Every :class:`geo.storage.Transaction` writes its entries to the ``audit``
table when it commits, in the same transaction as the change (so a change
and its entry are kept together or not at all):

- each row added, changed (the columns before and after) or deleted;
- each whole-layer replace (imports, joins: how many rows were new,
  changed, deleted), each plain table written, each metadata key set
  (storm mode, the link distance);
- the entries the code adds itself: sign-in, failed sign-in, account
  changes (never a password or its hash).

The history tables of cases (``case_events``, ``case_files``) are logs of
their own and are not repeated here; the case row's change is.

The table is append-only: GridWatch offers no way to change or delete an
entry, :meth:`Transaction.write_table` refuses it, and each backend's
database refuses ``UPDATE`` and ``DELETE`` on it (a trigger). Administrators
read it with :func:`read_audit` (``python -m geo audit``, the app's audit
page).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd

from .access import User
from .errors import OptionError
from .safe import spreadsheet_frame

__all__ = ["AUDIT", "COLUMNS", "QUIET", "audit_csv", "entry", "read_audit", "record", "values_text"]

AUDIT: Final = "audit"
#: The columns of an entry.
COLUMNS: Final = ("at", "by", "role", "action", "kind", "object", "before", "after", "note")
#: Tables whose writes are not entered (their own logs, the accounts: entered by :mod:`geo.accounts` without hashes).
QUIET: Final = frozenset({AUDIT, "case_events", "case_files", "users"})
#: Longest text of one before/after value kept.
MAX_VALUE_CHARS: Final = 2000


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if hasattr(value, "geom_type"):
        return "<geometry>"
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def values_text(values: Mapping[str, Any] | None) -> str:
    """Column values as JSON text (geometry and bytes named, not copied; long texts cut)."""
    if not values:
        return ""
    text = json.dumps({str(k): _plain(v) for k, v in values.items()}, ensure_ascii=False, default=str)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 1] + "…"


def entry(*, at: str, user: User, action: str, kind: str = "", obj: str = "",
          before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None, note: str = "") -> dict[str, str]:
    """One audit row."""
    return {"at": at, "by": user.name, "role": user.audit_role, "action": action, "kind": kind, "object": obj,
            "before": values_text(before), "after": values_text(after), "note": note}


def record(store: Any, action: str, *, by: User | str, kind: str = "", obj: str = "",
           before: Mapping[str, Any] | None = None, after: Mapping[str, Any] | None = None, note: str = "") -> None:
    """Enter one event that changes nothing else (a sign-in, a failed sign-in), in its own transaction.

    ``store`` is a :class:`geo.storage.Store` (not imported here: the store imports this module).
    """
    with store.transaction(note or action, by=by) as tx:
        tx.audit(action, kind=kind, obj=obj, before=before, after=after)


def read_audit(store: Any, *, since: str | date | None = None, until: str | date | None = None,
               user: str | None = None, action: str | None = None, obj: str | None = None,
               limit: int | None = None) -> pd.DataFrame:
    """The audit log, oldest first, filtered.

    Parameters
    ----------
    since, until
        ISO dates or times (China Standard Time as stored): entries at or
        after ``since`` and before the end of day ``until``.
    user, action, obj
        Only entries by this user name, of this action (``add``, ``update``,
        ``sign_in``...), on this object id.
    limit
        The newest ``limit`` entries only.
    """
    df = store.read_table(AUDIT)
    if df.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    for col in COLUMNS:
        if col not in df:
            df[col] = ""
    if "fid" in df:
        df = df.sort_values("fid", kind="stable")
    df = df[list(COLUMNS)].fillna("").astype(str)
    at = df["at"]
    if since:
        df = df[at >= _day(since, "since")]
    if until:
        df = df[df["at"] < _day(until, "until", end=True)]
    if user:
        df = df[df["by"] == user]
    if action:
        df = df[df["action"] == action]
    if obj:
        df = df[df["object"] == obj]
    if limit is not None:
        df = df.tail(limit)
    return df.reset_index(drop=True)


def _day(value: str | date, option: str, *, end: bool = False) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value).strip()
        try:
            datetime.fromisoformat(text)
        except ValueError as exc:
            raise OptionError.of("audit.bad_date", option=option, value=text) from exc
    if end and len(text) == 10:
        return (date.fromisoformat(text) + timedelta(days=1)).isoformat()
    return text


def audit_csv(frame: pd.DataFrame, lang: str = "zh") -> bytes:
    """The log as CSV (UTF-8 with a BOM, for Excel), headings in ``lang``, cells escaped against formulas."""
    from .i18n import t

    out = spreadsheet_frame(frame.rename(columns={c: t(f"audit.col.{c}", lang) for c in COLUMNS}))
    return out.to_csv(index=False).encode("utf-8-sig")
