"""Storm mode (暴雨模式): on during a red or orange rainstorm warning, it tightens the time limits the rain plan names.

The switch is two keys of the store's ``meta`` table, written in one
transaction (so the store's history says who switched it, and when):

- ``storm``: the warning level, ``red`` or ``orange``; empty when off;
- ``storm_since``: when it was switched on (ISO 8601, +08:00); empty when off.

:mod:`geo.cases.timing` applies the tighter limits, the ledger shows the
switch; the app and ``python -m geo storm`` call the functions here.
"""

from __future__ import annotations

from typing import Final

from ..access import User, acting, require
from ..errors import OptionError
from ..storage import Store, Transaction, now_text

__all__ = ["LEVELS", "set_storm", "storm_of"]

#: The warning levels that switch storm mode on, the most severe first.
LEVELS: Final = ("red", "orange")


def storm_of(store: Store | Transaction) -> tuple[str | None, str | None]:
    """``(level, since)`` when storm mode is on, ``(None, None)`` when it is off (a store or a transaction)."""
    meta = store.meta()
    level = str(meta.get("storm") or "").strip()
    if level not in LEVELS:
        return None, None
    return level, str(meta.get("storm_since") or "").strip() or None


def set_storm(store: Store, level: str | None, by: User | str, *, now: str | None = None) -> tuple[str | None, str | None]:
    """Switch storm mode on at ``level`` (``red``/``orange``), or off (None or empty).

    Parameters
    ----------
    store
        The store.
    level
        The warning level, or None to switch it off.
    by
        Who switches it (a :class:`geo.access.User` who may switch ``storm``, or a name of the local operator).
    now
        When (ISO 8601; default now). A change of level while on keeps the
        time it was first switched on.

    Returns
    -------
    tuple
        ``(level, since)`` now in force (``(None, None)`` when off).

    Raises
    ------
    OptionError
        ``storm.level``: a level other than red or orange.
    geo.access.AccessError
        ``by`` may not switch storm mode.
    """
    require(acting(by), "storm", what=str(level or "off"))
    level = (level or "").strip().lower() or None
    if level is not None and level not in LEVELS:
        raise OptionError.of("storm.level", level=level, allowed=", ".join(LEVELS))
    note = "storm mode off" if level is None else f"storm mode on ({level})"
    with store.transaction(note, by=by) as tx:
        was, since = storm_of(tx)
        if level is None:
            tx.set_meta({"storm": "", "storm_since": ""})
            return None, None
        since = since if was is not None and since else (now or now_text())
        tx.set_meta({"storm": level, "storm_since": since})
    return level, since
