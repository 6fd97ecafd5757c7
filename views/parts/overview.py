"""The per-grid overview of the map tab: a table and two bar charts.

Grids are ranked worst first by the figure the grids are coloured by (open
incidents unless another is chosen); the charts show the worst
:data:`CHART_TOP` with every label (horizontal bars, height by count) and
say so when there are more; the table below lists every grid. Incidents
outside every grid are not a grid: their row comes last in the table,
unranked, and a line of its own states them. Names that repeat are told
apart (:func:`display_names`).
"""

from __future__ import annotations

import json
from typing import Any, Final

import pandas as pd
import streamlit as st

from geo.i18n import column_label
from views.context import AppContext

__all__ = ["CHART_TOP", "blank_missing", "display_names", "overview", "ranked"]

#: Grids shown in a chart (the worst ones); the table lists all.
CHART_TOP: Final = 30
#: Pixels per bar of a chart (Vega-Lite's step: the chart grows with the bars).
BAR_PX: Final = 22


def _text(v: object) -> str:
    return "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v).strip()


def blank_missing(table: pd.DataFrame) -> pd.DataFrame:
    """A table to show: missing values as empty cells (Streamlit would print ``None``), whole numbers without a decimal point."""
    out = table.copy()
    for col in out.columns:
        values = out[col]
        if not values.isna().any():
            continue
        if pd.api.types.is_numeric_dtype(values):
            whole = bool((values.dropna() % 1 == 0).all())
            out[col] = ["" if pd.isna(v) else (f"{v:.0f}" if whole else f"{v:g}") for v in values]
        else:
            out[col] = values.map(_text)
    return out


def display_names(grids: pd.DataFrame) -> dict[str, str]:
    """A name per grid id that tells grids apart.

    A grid is shown by its name (its id when it has none). A name that more
    than one grid bears is qualified by the community when that separates
    them (``A社区 · 3号楼``), else by the id (``3号楼 (G17)``).

    Parameters
    ----------
    grids
        Rows with ``grid_id``, ``name`` and (optionally) ``community``.

    Returns
    -------
    dict: grid id to the name to show.
    """
    ids = [_text(g) for g in grids["grid_id"]]
    names = [_text(n) or g for n, g in zip(grids["name"], ids, strict=True)]
    comms = [_text(c) for c in grids["community"]] if "community" in grids.columns else [""] * len(ids)
    count = pd.Series(names).value_counts()
    with_comm = [f"{c} · {n}" if c else n for n, c in zip(names, comms, strict=True)]
    count_comm = pd.Series(with_comm).value_counts()
    out: dict[str, str] = {}
    for gid, name, qualified in zip(ids, names, with_comm, strict=True):
        if count[name] == 1:
            out[gid] = name
        elif count_comm[qualified] == 1 and qualified != name:
            out[gid] = qualified
        else:
            out[gid] = f"{name} ({gid})" if name != gid else gid
    return out


def ranked(summary: pd.DataFrame, figure: str | None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The grid rows worst first, and the outside row apart.

    Parameters
    ----------
    summary
        :func:`geo.summary.grid_summary` (the outside row has no ``grid_id``).
    figure
        Column to rank by (``open_incidents`` when None or absent).

    Returns
    -------
    (grids, outside, figure): grid rows sorted by ``figure`` then incidents,
    descending (missing values last, ties by name); the outside row(s); the
    figure used.
    """
    inside_mask = summary["grid_id"].map(_text) != ""
    grids, outside = summary[inside_mask].copy(), summary[~inside_mask].copy()
    by = figure if figure and figure in grids.columns else "open_incidents"
    keys = [c for c in (by, "incidents") if c in grids.columns]
    grids["_name"] = grids["name"].map(_text)
    grids = grids.sort_values([*keys, "_name"], ascending=[False] * len(keys) + [True], na_position="last",
                              kind="stable").drop(columns="_name")
    return grids, outside, by


def overview(ctx: AppContext) -> None:
    """Draw the overview (table of every grid, charts of the worst)."""
    st.subheader(ctx.tr("app.overview"))
    if ctx.summary.empty:
        return
    grids, outside, by = ranked(ctx.summary, ctx.figure)
    names = display_names(grids)
    grids["name"] = grids["grid_id"].map(lambda g: names.get(_text(g), _text(g)))
    figure_label = column_label(by, ctx.lang)
    st.caption(ctx.tr("app.ov_ranked", figure=figure_label, n=f"{len(grids):,}"))
    if not outside.empty:
        n_out = int(pd.to_numeric(outside["incidents"], errors="coerce").fillna(0).sum())
        n_open = int(pd.to_numeric(outside.get("open_incidents", 0), errors="coerce").fillna(0).sum())
        if n_out:
            st.caption(ctx.tr("app.ov_outside", n=n_out, open=n_open))
    outside = outside.assign(name=ctx.tr("app.outside"))
    type_cols = [c for c in ctx.summary.columns if c.startswith("n_") and not c.startswith("n_status_")]
    labels = {code: ctx.type_label(code) for code in ctx.types}
    cols = ["name", "worker", "households", "elderly_alone", "incidents", "open_incidents", "incidents_per_km2",
            *type_cols]
    cols = [c for c in cols if c in grids.columns]
    table = pd.concat([grids[cols], outside[cols]], ignore_index=True)
    table["worker"] = table["worker"].map(_text) if "worker" in table.columns else ""
    if "incidents_per_km2" in table.columns:
        table["incidents_per_km2"] = pd.to_numeric(table["incidents_per_km2"], errors="coerce").round(1)
    table = blank_missing(table.rename(columns={c: column_label(c, ctx.lang, labels) for c in cols}))
    st.dataframe(table, hide_index=True, width="stretch")
    top = grids.head(CHART_TOP)
    if len(grids) > CHART_TOP:
        st.caption(ctx.tr("app.ov_top", top=CHART_TOP, n=f"{len(grids):,}", figure=figure_label))
    if type_cols:
        colors: list[Any] = [ctx.types[c[2:]].color if c[2:] in ctx.types else "#737373" for c in type_cols]
        _chart(ctx, top, type_cols, [column_label(c, ctx.lang, labels) for c in type_cols], "app.chart_title",
               colors)
    status_cols = [c for c in ctx.summary.columns if c.startswith("n_status_")]
    if status_cols:
        _chart(ctx, top, status_cols, [column_label(c, ctx.lang) for c in status_cols], "app.chart_status", None)


def _chart(ctx: AppContext, top: pd.DataFrame, cols: list[str], labels: list[str], title: str,
           colors: list[Any] | None) -> None:
    """Horizontal stacked bars in the rank order, one labelled bar per grid.

    A fixed step per bar, so no label is dropped for lack of room.
    """
    import altair as alt

    wide = top.set_index("name")[cols]
    wide = wide[wide.sum(axis=1) > 0]
    if wide.empty:
        return
    st.markdown(f"**{ctx.tr(title)}**")
    keep = [bool(v) for v in (wide.sum(axis=0) > 0)]  # no legend entry for a series with no bar
    wide = wide.loc[:, keep]
    labels = [lab for lab, k in zip(labels, keep, strict=True) if k]
    colors = [c for c, k in zip(colors, keep, strict=True) if k] if colors else None
    order = list(wide.index)
    wide.columns = labels
    long = wide.reset_index(names="name").melt(id_vars="name", var_name="series", value_name="value")
    color = alt.Color("series:N", title=None, sort=labels, legend=alt.Legend(orient="top", columns=4),
                      scale=alt.Scale(domain=labels, range=colors) if colors else alt.Undefined)
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=order, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=220)),
            x=alt.X("sum(value):Q", title=ctx.tr("app.ov_count"), axis=alt.Axis(tickMinStep=1)),
            color=color,
            order=alt.Order("series_order:Q"),
            tooltip=[alt.Tooltip("name:N", title=ctx.tr("map.grid")), alt.Tooltip("series:N", title=ctx.tr("app.value")),
                     alt.Tooltip("value:Q", title=ctx.tr("app.ov_count"))],
        )
        .transform_calculate(series_order=f"indexof({json.dumps(labels)}, datum.series)")
        .properties(height=alt.Step(BAR_PX))
    )
    st.altair_chart(chart, width="stretch")
