"""The per-grid overview of the map tab: a table and two bar charts, grouped by community in a city.

When the grids span more than one community, a sortable table of
communities comes first (:func:`geo.communities.community_summary`: counts
summed, ratios recomputed) and the user picks one community (the worst by
default), whose grids get the table and charts below.

Grids are ranked worst first by the figure the grids are coloured by (open
incidents unless another is chosen); the charts show the worst
:data:`CHART_TOP` with every label (horizontal bars, height by count) and
say so when there are more; the table below lists every grid. Incidents
outside every grid are not a grid: their row comes last in the table,
unranked, and a line of its own states them. Names that repeat are told
apart (:func:`geo.names.grid_labels`).
"""

from __future__ import annotations

import json
from typing import Any, Final

import pandas as pd
import streamlit as st

from geo.communities import community_summary, rank_communities
from geo.i18n import column_label
from geo.names import grid_labels
from views.context import AppContext

__all__ = ["CHART_TOP", "blank_missing", "blank_text", "overview", "ranked"]

_PICKED = "gw_ov_community_value"

#: Grids shown in a chart (the worst ones); the table lists all.
CHART_TOP: Final = 30
#: Pixels per bar of a chart (Vega-Lite's step: the chart grows with the bars).
BAR_PX: Final = 22


def _text(v: object) -> str:
    return "" if v is None or (not isinstance(v, (list, tuple)) and pd.isna(v)) else str(v).strip()


def blank_text(table: pd.DataFrame) -> pd.DataFrame:
    """A table to show whose numbers stay numeric columns (they sort as numbers): missing text as empty cells."""
    out = table.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]) and out[col].isna().any():
            out[col] = out[col].map(_text)
    return out


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
    """Draw the overview: the communities first when the grids span several, then a table of grids and charts.

    With one community (or none), every grid is listed and the worst are
    charted. With more, a table of communities comes first (worst first by
    the figure, every number a numeric column) and a choice of one
    community, whose grids get the table and charts.
    """
    st.subheader(ctx.tr("app.overview"))
    if ctx.summary.empty:
        return
    grids, outside, by = ranked(ctx.summary, ctx.figure)
    labels = grid_labels(grids)
    grids["name"] = [labels.get(_text(g), _text(g)) for g in grids["grid_id"]]
    figure_label = column_label(by, ctx.lang)
    n_out = int(pd.to_numeric(outside["incidents"], errors="coerce").fillna(0).sum()) if len(outside) else 0
    n_open = (int(pd.to_numeric(outside["open_incidents"], errors="coerce").fillna(0).sum())
              if len(outside) and "open_incidents" in outside.columns else 0)
    community = (grids["community"].map(_text) if "community" in grids.columns
                 else pd.Series("", index=grids.index))
    if community.nunique() > 1:
        chosen = _communities(ctx, by, figure_label, n_out, n_open)
        grids = grids[(community == chosen).to_numpy(dtype=bool)]
        outside = outside.iloc[0:0]  # in no community: its own line above
        st.caption(ctx.tr("app.ov_ranked", figure=figure_label, n=f"{len(grids):,}"))
    else:
        st.caption(ctx.tr("app.ov_ranked", figure=figure_label, n=f"{len(grids):,}"))
        if n_out:
            st.caption(ctx.tr("app.ov_outside", n=n_out, open=n_open))
    _grids(ctx, grids, outside.assign(name=ctx.tr("app.outside")), figure_label)


def _communities(ctx: AppContext, by: str, figure_label: str, n_out: int, n_open: int) -> str:
    """The table of communities and the choice of one (the worst by default); returns the chosen one."""
    comm = rank_communities(community_summary(ctx.summary), by)
    no_name = ctx.tr("app.ov_no_community")
    st.caption(ctx.tr("app.ov_communities", n=f"{len(comm):,}", grids=f"{int(comm['grids'].sum()):,}",
                      figure=figure_label))
    if n_out:
        st.caption(ctx.tr("app.ov_outside_apart", n=n_out, open=n_open))
    cols = [c for c in dict.fromkeys(("community", "grids", "incidents", "open_incidents", by)) if c in comm.columns]
    table = comm[cols].copy()
    table["community"] = [c or no_name for c in table["community"]]
    for col in ("incidents_per_km2", "incidents_per_100_households"):
        if col in table.columns:
            table[col] = pd.to_numeric(table[col], errors="coerce").round(1)
    table.columns = [column_label(c, ctx.lang) for c in cols]
    st.dataframe(table, hide_index=True, width="stretch", height=min(36 * (len(table) + 1), 400), placeholder="")
    options = list(comm["community"])
    kept = st.session_state.get(_PICKED)
    key = f"gw_ov_community_{ctx.lang}"  # keyed per language: a label change would reset the choice

    def picked() -> None:
        st.session_state[_PICKED] = st.session_state[key]

    value = st.selectbox(ctx.tr("app.ov_community_pick"), options, index=options.index(kept) if kept in options else 0,
                         key=key, format_func=lambda c: c or no_name, on_change=picked)
    return str(value if value is not None else options[0])


def _grids(ctx: AppContext, grids: pd.DataFrame, outside: pd.DataFrame, figure_label: str) -> None:
    """The table of ``grids`` (then ``outside``) and the charts of the worst of them."""
    type_cols = [c for c in ctx.summary.columns if c.startswith("n_") and not c.startswith("n_status_")]
    labels = {code: ctx.type_label(code) for code in ctx.types}
    cols = ["name", "worker", "households", "elderly_alone", "incidents", "open_incidents", "incidents_per_km2",
            *type_cols]
    cols = [c for c in cols if c in grids.columns]
    table = pd.concat([grids[cols], outside[cols]], ignore_index=True) if len(outside) else grids[cols].copy()
    table["worker"] = table["worker"].map(_text) if "worker" in table.columns else ""
    if "incidents_per_km2" in table.columns:
        table["incidents_per_km2"] = pd.to_numeric(table["incidents_per_km2"], errors="coerce").round(1)
    table = blank_text(table.rename(columns={c: column_label(c, ctx.lang, labels) for c in cols}))
    st.dataframe(table, hide_index=True, width="stretch", placeholder="")  # no figure (outside: no area): an empty cell
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
