"""The sidebar: language, base map, layers, filters and search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import schema
from geo.i18n import DEFAULT_LANG, column_label, t
from geo.names import grid_labels
from layers import basemaps
from layers.buildings import COLOR_BY
from layers.grids import FIGURES
from layers.select import CASE_VIEWS, Filters, Hit, report_days, search

__all__ = ["Choices", "language", "sidebar"]

LANG_NAMES = {"zh": "中文", "en": "English"}
LAYER_KEYS = ("grids", "buildings", "incidents", "heat")


@dataclass(frozen=True)
class Choices:
    """Everything chosen in the sidebar."""

    filters: Filters
    basemap: basemaps.Basemap
    figure: str | None
    color_by: str
    visible: frozenset[str]


def language() -> str:
    """The language radio (first in the sidebar); Chinese by default."""
    return str(st.sidebar.radio("语言 / Language", list(LANG_NAMES), format_func=LANG_NAMES.__getitem__,
                                horizontal=True, key="gw_lang", index=list(LANG_NAMES).index(DEFAULT_LANG)))


def sidebar(lang: str, grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
            types: dict[str, schema.IncidentType], dates: tuple[date, date] | None = None) -> Choices:
    """Draw the sidebar and return what the user chose.

    ``dates``: the first and last day incidents were reported (:func:`report_days`; the app
    passes it cached per store version, as it is read from every incident).
    """
    sb = st.sidebar
    avail = basemaps.available()
    keys = list(avail)
    default = basemaps.default_key()
    bkey = _selectbox(t("app.basemap", lang), keys, "gw_basemap", lang,
                      index=keys.index(default) if default in keys else 0,
                      format_func=lambda k: basemaps.label(k, lang))
    visible = frozenset(_multiselect(t("app.layers", lang), LAYER_KEYS, "gw_layers", lang,
                                     default=list(LAYER_KEYS[:3]), format_func=lambda k: t(f"map.layer_{k}", lang)))
    figure = _selectbox(t("app.figure", lang), [None, *FIGURES], "gw_figure", lang, index=1,
                        format_func=lambda c: t("map.color_none", lang) if c is None else column_label(c, lang))
    color_by = _selectbox(t("app.building_color", lang), list(COLOR_BY), "gw_color_by", lang, index=1,
                          format_func=lambda c: t(f"map.color_{c}", lang))
    sb.subheader(t("app.filters", lang))
    filters = _filters(lang, grids, incidents, types, report_days(incidents) if dates is None else dates)
    _search_box(lang, buildings, incidents, _grid_names(grids), types)
    return Choices(filters, avail[str(bkey)], figure, str(color_by), visible)


def _filters(lang: str, grids: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,  # noqa: PLR0913
             types: dict[str, schema.IncidentType], days: tuple[date, date] | None) -> Filters:
    sb = st.sidebar
    communities = sorted(grids["community"].dropna().astype(str).unique())
    chosen_grids: tuple[str, ...] | None = None
    if len(communities) > 1:
        comm = _multiselect(t("app.community", lang), communities, "gw_community", lang)
        if comm:
            chosen_grids = tuple(grids.loc[grids["community"].isin(comm), "grid_id"].astype(str))
    names = _grid_names(grids)
    options = [g for g in names if chosen_grids is None or g in chosen_grids]
    picked = _multiselect(t("app.grids", lang), [*options, ""], "gw_grids", lang,
                          format_func=lambda g: names.get(g, g) if g else t("app.outside", lang))
    if picked:
        chosen_grids = tuple(picked)
    codes = list(dict.fromkeys([*types, *_present(incidents["type"])]))
    label = {c: (types[c].label_en if lang == "en" else types[c].label_zh) if c in types else c for c in codes}
    tsel = _multiselect(t("app.types", lang), codes, "gw_types", lang, format_func=label.__getitem__)
    statuses = list(dict.fromkeys([*schema.ASSET_STATUSES, *schema.EVENT_STATUSES,
                                   *_present(incidents["status"])]))
    ssel = _multiselect(t("app.statuses", lang), statuses, "gw_statuses", lang,
                        format_func=lambda s: t(f"status.{s}", lang))
    views = [None, *CASE_VIEWS, *schema.EVENT_STATUSES]
    case_view = _selectbox(t("app.case_view", lang), views, "gw_case_view", lang,
                           format_func=lambda v: t("app.case_view_all", lang) if v is None
                           else t(f"app.case_view_{v}", lang) if v in CASE_VIEWS else t(f"status.{v}", lang))
    date_from = date_to = None
    if days is not None:
        lo, hi = days
        last = st.session_state.get("gw_dates_bounds")
        if last and last != (lo, hi) and tuple(st.session_state.get("gw_dates", ())) == last:
            st.session_state["gw_dates"] = (lo, hi)  # the full range stays the full range as data grows
        st.session_state["gw_dates_bounds"] = (lo, hi)
        rng = sb.date_input(t("app.date_range", lang), value=(lo, hi), min_value=lo, max_value=hi, key="gw_dates")
        if isinstance(rng, (tuple, list)) and len(rng) == 2:
            date_from = rng[0] if rng[0] > lo else None
            date_to = rng[1] if rng[1] < hi else None
    return Filters(
        grids=chosen_grids,
        types=tuple(tsel) if tsel else None,
        statuses=tuple(ssel) if ssel else None,
        date_from=date_from if isinstance(date_from, date) else None,
        date_to=date_to if isinstance(date_to, date) else None,
        cases=str(case_view) if case_view else None,
    )


def _present(values: pd.Series) -> list[str]:
    """The values of a column, each once, as sorted text (missing ones left out): one pass over the distinct values."""
    return sorted({str(v) for v in pd.unique(values.to_numpy(dtype=object)) if not pd.isna(v)})


def _grid_names(grids: gpd.GeoDataFrame) -> dict[str, str]:
    """Grid id -> name (the id when a grid has no name; repeated names told apart)."""
    return grid_labels(grids)


_UNSET = object()


def _selectbox(label: str, options: list[Any], key: str, lang: str, *, index: int = 0,
               format_func: Callable[[Any], str] = str) -> Any:
    """A selectbox whose choice survives a language switch.

    The browser resets a selectbox whose option labels change (the value
    Streamlit keeps is not enough), so, as :func:`_multiselect`, the widget
    is keyed per language and seeded from a language-neutral copy.
    """
    kept = st.session_state.get(f"{key}_value", _UNSET)
    start = options.index(kept) if kept is not _UNSET and kept in options else index
    value = st.sidebar.selectbox(label, options, index=start, key=f"{key}_{lang}", format_func=format_func)
    st.session_state[f"{key}_value"] = value
    return value


def _multiselect(label: str, options: list[str] | tuple[str, ...], key: str, lang: str, *,
                 default: list[str] | None = None, format_func: Callable[[str], str] = str) -> list[str]:
    """A multiselect whose choice survives a language switch.

    Streamlit drops a multiselect's value when its labels change, so the
    widget is keyed per language and seeded from a language-neutral copy.
    """
    kept = [v for v in st.session_state.get(f"{key}_value", default or []) if v in options]
    value = st.sidebar.multiselect(label, options, default=kept, key=f"{key}_{lang}", format_func=format_func,
                                   placeholder=t("app.all", lang))
    st.session_state[f"{key}_value"] = list(value)
    return list(value)


def _search_box(lang: str, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame,
                grid_names: dict[str, str], types: dict[str, schema.IncidentType]) -> None:
    sb = st.sidebar
    q = sb.text_input(t("app.search", lang), key="gw_search")
    if not q.strip():
        return
    hits = search(buildings, incidents, q)
    if not hits:
        sb.caption(t("app.search_none", lang, q=q))
        return
    index = sb.radio(t("app.search_pick", lang), list(range(len(hits))), key="gw_search_pick",
                     format_func=lambda i: _hit_text(hits[i], lang, grid_names, types))
    if index is not None and index < len(hits):
        pick = hits[index]
        sel = (pick.kind, pick.id)
        if st.session_state.get("gw_search_last") != (q, sel):
            st.session_state["gw_search_last"] = (q, sel)
            st.session_state["gw_selection"] = sel
            st.session_state["gw_selection_from_map"] = False
            st.session_state["gw_zoom_to"] = sel


def _hit_text(h: Hit, lang: str, grid_names: dict[str, str], types: dict[str, schema.IncidentType]) -> str:
    if h.kind == "building":
        grid = grid_names.get(h.grid_id, h.grid_id) if h.grid_id else t("app.outside", lang)
        return t("app.search_hit_building", lang, name=h.name or h.id, grid=grid)
    it = types.get(h.name)
    label = h.name if it is None else it.label_en if lang == "en" else it.label_zh
    return t("app.search_hit_incident", lang, id=h.id, type=label)


