"""Per-community figures, aggregated from the per-grid summary.

A city holds thousands of grids; its overview starts from the communities.
Counts are summed over a community's grids; ratios are recomputed from the
sums (a community's incidents per km² is its incidents over its area, not
the mean of its grids' densities), so a community row says exactly what its
grid rows add up to.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["RATIOS", "community_summary", "rank_communities", "worst"]

#: Ratio columns of :func:`geo.summary.grid_summary`: (column, numerator, denominator, scale).
RATIOS: tuple[tuple[str, str, str, float], ...] = (
    ("incidents_per_km2", "incidents", "area_km2", 1.0),
    ("incidents_per_100_households", "incidents", "households", 100.0),
)
_TEXT = ("grid_id", "name", "community", "worker", "phone")


def community_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """One row per community of the grid rows of ``summary``.

    Parameters
    ----------
    summary
        :func:`geo.summary.grid_summary` (its outside row, without a
        ``grid_id``, is left out: it belongs to no community).

    Returns
    -------
    DataFrame
        ``community`` ("" for grids without one), ``grids`` (how many), every
        numeric column of ``summary`` summed (areas, buildings, households,
        incidents, open incidents, per type, per status), and the ratios of
        :data:`RATIOS` recomputed from the sums (NaN where the divisor is 0),
        in the order communities first appear. Numbers are numeric columns.
    """
    gid = summary["grid_id"].astype("string").fillna("").str.strip() if len(summary) else pd.Series(dtype="string")
    grids = summary[(gid != "").to_numpy(dtype=bool)] if len(summary) else summary
    comm = (grids["community"].astype("string").fillna("").str.strip() if "community" in grids.columns
            else pd.Series("", index=grids.index, dtype="string"))
    ratios = {r[0] for r in RATIOS}
    sums = [c for c in grids.columns if c not in _TEXT and c not in ratios and pd.api.types.is_numeric_dtype(grids[c])]
    numbers = grids[sums].apply(pd.to_numeric, errors="coerce")
    grouped = numbers.groupby(comm.to_numpy(), sort=False)
    out = grouped.sum(min_count=0)
    for col in sums:  # counts stay whole numbers
        if pd.api.types.is_integer_dtype(grids[col]):
            out[col] = out[col].astype("int64")
    out.insert(0, "grids", grouped.size().astype("int64"))
    for col, num, den, scale in RATIOS:
        if col in grids.columns and num in out.columns and den in out.columns:
            d = out[den].astype(float)
            out[col] = (scale * out[num].astype(float) / d.where(d > 0)).round(2)
    out = out.rename_axis("community").reset_index()
    out["community"] = out["community"].astype(object)
    return out


def rank_communities(communities: pd.DataFrame, figure: str) -> pd.DataFrame:
    """The communities worst first by ``figure``, then by incidents, then by name (missing values last).

    Parameters
    ----------
    communities
        :func:`community_summary`.
    figure
        A column of it (``open_incidents`` when absent).

    Returns
    -------
    DataFrame
        The same rows, sorted, with a fresh index.
    """
    by = figure if figure in communities.columns else "open_incidents"
    keys = [c for c in dict.fromkeys((by, "incidents")) if c in communities.columns]
    return communities.sort_values([*keys, "community"], ascending=[False] * len(keys) + [True],
                                   na_position="last", kind="stable").reset_index(drop=True)


def worst(communities: pd.DataFrame, figure: str) -> str | None:
    """The community worst by ``figure`` (:func:`rank_communities`' first); None when there is none.

    Parameters
    ----------
    communities
        :func:`community_summary`.
    figure
        A column of it (``open_incidents`` when absent).

    Returns
    -------
    str or None
    """
    if communities.empty:
        return None
    return str(rank_communities(communities, figure)["community"].iloc[0])
