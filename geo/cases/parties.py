"""Responsible parties (责任单位/责任人) and who a case goes to by default.

A party is a grid worker, a property company, a utility or a street office
department. The store's plain table ``parties`` lists them, one row each:

========== ==============================================================
party_id   stable code (``wuye_lvyuan``, ``power_supply``)
name       what users read (``绿园物业``)
kind       ``grid_worker``, ``property``, ``utility``, ``street_office``, ``other``
phone      contact
grids      the grids it serves: ids separated by spaces or commas, ``*`` for all
types      the incident types it takes: codes, ``*`` for all
========== ==============================================================

The default party of a case (:func:`default_party`) is the most specific
row for its grid and type; without one, the grid's own worker, as the
party ``grid:<grid_id>``.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from .. import schema
from ..storage import Store, Transaction

__all__ = ["GRID_PARTY", "KINDS", "PARTIES", "PARTY_COLUMNS", "default_party", "party_names", "split_list"]

#: The plain table of parties.
PARTIES: Final = "parties"
#: Its columns, in order.
PARTY_COLUMNS: Final = ("party_id", "name", "kind", "phone", "grids", "types")
#: Kinds of party.
KINDS: Final = ("grid_worker", "property", "utility", "street_office", "other")
#: The party id of a grid's own worker.
GRID_PARTY: Final = "grid:{grid_id}"


def split_list(value: object) -> set[str]:
    """The codes of a ``grids`` or ``types`` cell (``*`` stays ``{"*"}``; empty is nothing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return set()
    return {p for p in re.split(r"[\s,，;；]+", str(value).strip()) if p}


def default_party(tx: Transaction | Store, grid_id: str | None, type_code: str) -> str | None:
    """The party a case of ``type_code`` in grid ``grid_id`` goes to when none is named.

    Parameters
    ----------
    tx
        A transaction (or the store) to read the ``parties`` table from.
    grid_id
        The case's grid (None: outside every grid).
    type_code
        The case's incident type.

    Returns
    -------
    str or None
        The id of the most specific party (grid and type named > grid named
        > type named > ``*``/``*``; the first in the table on a tie); else
        ``grid:<grid_id>`` (the grid's worker); None outside every grid
        when no party takes the type everywhere.
    """
    table = tx.read_table(PARTIES)
    best: tuple[int, str] | None = None
    if not table.empty and "party_id" in table.columns:
        for row in table.itertuples(index=False):
            grids, types = split_list(getattr(row, "grids", "*")), split_list(getattr(row, "types", "*"))
            grids, types = grids or {"*"}, types or {"*"}
            grid_hit = grid_id is not None and str(grid_id) in grids
            type_hit = type_code in types
            if not (grid_hit or "*" in grids) or not (type_hit or "*" in types):
                continue
            rank = 2 * grid_hit + type_hit
            if best is None or rank > best[0]:
                best = (rank, str(row.party_id))
    if best is not None:
        return best[1]
    return None if grid_id is None or pd.isna(grid_id) else GRID_PARTY.format(grid_id=grid_id)


def party_names(tx: Transaction | Store, lang: str = "zh") -> dict[str, str]:
    """Party id -> the name users read (grid workers by the grids layer's ``worker``)."""
    from ..i18n import t

    out: dict[str, str] = {}
    grids = tx.read(schema.GRIDS)
    for gid, worker, name in zip(grids["grid_id"], grids["worker"], grids["name"], strict=True):
        who = worker if isinstance(worker, str) and worker else t("party.grid_worker", lang)
        out[GRID_PARTY.format(grid_id=gid)] = f"{who}（{name or gid}）" if lang == "zh" else f"{who} ({name or gid})"
    table = tx.read_table(PARTIES)
    if not table.empty and "party_id" in table.columns:
        for pid, name in zip(table["party_id"], table.get("name", table["party_id"]), strict=True):
            out[str(pid)] = str(name) if isinstance(name, str) and name else str(pid)
    return out
