"""The names a user reads for grids: qualified where a name alone repeats.

Grid names repeat across communities (every community has its "第一网格"),
so a name alone identifies nothing at city scale. :func:`grid_labels` gives
each grid the name to show wherever a grid is named to a user: the map's
labels, tooltips and popups, the panels, the overview, search hits and the
documents (checklists, route sheets, the ledger).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

__all__ = ["SEPARATOR", "grid_label", "grid_labels", "labels_of"]

#: Between a community and a grid name: ``A社区 · 第五网格``.
SEPARATOR = " · "


def _text(v: object) -> str:
    """A cell as stripped text ("" for a missing value)."""
    if v is None:
        return ""
    if not isinstance(v, (list, tuple)) and pd.isna(v):
        return ""
    return str(v).strip()


def _column(grids: pd.DataFrame, col: str, n: int) -> list[str]:
    return [_text(v) for v in grids[col]] if col in grids.columns else [""] * n


def grid_labels(grids: pd.DataFrame) -> dict[str, str]:
    """The name to show for each grid, told apart from every other grid's.

    A grid is shown by its name (its id when it has none). A name that more
    than one grid bears is qualified by the grid's community when that
    separates it (``A社区 · 第五网格``); when it does not (two grids of one
    name in one community, or a grid without a community) the id is added
    too (``A社区 · 第五网格 (G17)``, ``第五网格 (G18)``).

    Parameters
    ----------
    grids
        Rows with ``grid_id`` and ``name``, and optionally ``community``
        (the grids layer, or :func:`geo.summary.grid_summary`'s grid rows).
        Rows without a ``grid_id`` (the summary's outside row) are skipped.

    Returns
    -------
    dict
        Grid id (as text) to the label to show, for every grid.
    """
    n = len(grids)
    ids = _column(grids, "grid_id", n)
    names = [name or gid for name, gid in zip(_column(grids, "name", n), ids, strict=True)]
    comms = _column(grids, "community", n)
    keep = [bool(gid) for gid in ids]
    count = Counter(name for name, k in zip(names, keep, strict=True) if k)
    qualified = [f"{c}{SEPARATOR}{name}" if c else name for name, c in zip(names, comms, strict=True)]
    count_q = Counter(q for q, k in zip(qualified, keep, strict=True) if k)
    out: dict[str, str] = {}
    for gid, name, q, k in zip(ids, names, qualified, keep, strict=True):
        if not k:
            continue
        if count[name] == 1:
            out[gid] = name
        elif count_q[q] == 1 and q != name:
            out[gid] = q
        else:
            out[gid] = gid if q == gid else f"{q} ({gid})"
    return out


def grid_label(labels: Mapping[str, str], grid_id: object, outside: str) -> str:
    """The label of one grid from :func:`grid_labels`: ``outside`` when there is no grid, the id when it is unknown.

    Parameters
    ----------
    labels
        :func:`grid_labels` of the grids.
    grid_id
        A grid id (a building's or an incident's ``grid_id``); empty or
        missing for a place outside every grid.
    outside
        What to show for a place outside every grid (the translated
        ``app.outside``).

    Returns
    -------
    str
    """
    gid = _text(grid_id)
    return labels.get(gid, gid) if gid else outside


def labels_of(labels: Mapping[str, str], grid_ids: Iterable[object], outside: str) -> list[str]:
    """:func:`grid_label` of each of ``grid_ids``, in order.

    Parameters
    ----------
    labels
        :func:`grid_labels` of the grids.
    grid_ids
        Grid ids (a layer's ``grid_id`` column).
    outside
        What to show where there is no grid.

    Returns
    -------
    list of str
    """
    return [grid_label(labels, g, outside) for g in grid_ids]
