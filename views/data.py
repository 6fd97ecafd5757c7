"""Cached data access for the views, keyed on the store's version and the reader's audience.

A rerun (a click, a filter change) reads nothing from disk and repeats no
spatial work it already did: layers are read once per store version, shifted
once per base map, and the map payloads are built once per choice.

People (grid workers, building heads) are masked here, for the signed-in
user, before anything reaches a view, a layer's payload or a download
(:func:`geo.privacy.mask_people`): every cached function that holds people
takes an :data:`Audience` (:func:`audience`: what the user sees of people
and where, never the user's name), so two users who see the same share one
copy and no user's copy holds what they may not see. A ``party`` user's
incidents are the cases dispatched to their party, and nothing else.
"""

from __future__ import annotations

import copy
import threading
from collections import OrderedDict
from datetime import date, datetime
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit_folium

from geo import mapview, privacy, schema, settings, snapshot
from geo.access import User
from geo.cases import ledger as ledger_mod
from geo.cases import parties as parties_mod
from geo.cases import storm as storm_mod
from geo.cases import timing
from geo.crs import china_shift
from geo.names import grid_labels
from geo.rain.risk import building_risk, grid_risk
from geo.storage import CST
from geo.store import open_store
from geo.summary import grid_summary
from layers import buildings as buildings_mod
from layers import flood_zones as flood_zones_mod
from layers import grids as grids_mod
from layers import incidents as incidents_mod
from layers import live as live_mod
from layers import select
from layers.element import GWLayer
from layers.select import Filters, filter_incidents

__all__ = [
    "ALL",
    "Audience",
    "audience",
    "building_overlay",
    "case_states",
    "clock",
    "flood_zone_overlay",
    "flood_zones",
    "grid_overlay",
    "heat_overlay",
    "incident_overlay",
    "is_large",
    "live_source",
    "map_index",
    "layers",
    "names",
    "party_names",
    "report_days",
    "risk_tables",
    "shown_incidents",
    "storm",
    "summary",
]

Layers = dict[str, gpd.GeoDataFrame]

#: Who reads, as far as people and cases go: ``(sees, role, grids, communities, party)``
#: (:func:`geo.privacy.sees`; the scope sorted). The key of every cached copy that holds people.
Audience = tuple[str, str, tuple[str, ...], tuple[str, ...], str]
#: Everything, unmasked (administrators, the local operator, unscoped staff).
ALL: Audience = ("all", "", (), (), "")


def audience(user: User | None) -> Audience:
    """What ``user`` sees of people and cases, as a cache key (nothing signed in: masked everywhere)."""
    if user is None:
        return ("none", "viewer", (), (), "")
    level = privacy.sees(user)
    if level == "all":
        return ALL
    if level == "none":
        return ("none", user.role, (), (), user.party if user.role == "party" else "")
    return ("scoped", user.role, tuple(sorted(user.grids)), tuple(sorted(user.communities)), "")


def _reader(who: Audience) -> User:
    """A user standing for an audience (no name: only what is seen depends on it)."""
    level, role, grids, communities, party = who
    return User(name="", role=role or "viewer", grids=frozenset(grids), communities=frozenset(communities),
                party=party)


@st.cache_resource(max_entries=6, show_spinner=False)
def _read(path: str, version: str) -> tuple[Layers, dict[str, schema.IncidentType], dict[str, str]]:
    store = open_store(path)
    data = snapshot.read_layers(store, snapshot.MAP_LAYERS)  # a large store's: from disk
    return data, store.incident_types(), store.meta()


def grid_communities(grids: gpd.GeoDataFrame) -> dict[str, str]:
    """Grid id to its community (for a staff member's scope)."""
    if grids.empty or "community" not in grids.columns:
        return {}
    return dict(zip(grids["grid_id"].astype(str), grids["community"].fillna("").astype(str), strict=True))


def mask_layers(data: Layers, who: Audience) -> Layers:
    """``data`` (grids, buildings, incidents) as ``who`` may see it: people masked, a party's cases only."""
    if who[0] == "all":
        return data
    user = _reader(who)
    out = dict(data)
    communities = grid_communities(data[schema.GRIDS])
    out[schema.GRIDS] = privacy.mask_people(data[schema.GRIDS], schema.GRIDS, user)
    out[schema.BUILDINGS] = privacy.mask_people(data[schema.BUILDINGS], schema.BUILDINGS, user,
                                                communities=communities)
    if user.role == "party":  # the cases dispatched to their party (none without a party)
        inc = data[schema.INCIDENTS]
        if "party" in inc.columns and user.party:
            out[schema.INCIDENTS] = inc[inc["party"].astype(str) == user.party]
        else:
            out[schema.INCIDENTS] = inc.iloc[0:0]
    return out


@st.cache_resource(max_entries=12, show_spinner=False)
def _masked(path: str, version: str, who: Audience) -> Layers:
    return mask_layers(_read(path, version)[0], who)


def layers(path: str, version: str, who: Audience, shift: str | None = None) -> Layers:
    """The grids, buildings and incidents as ``who`` may see them, shifted for a GCJ-02 base map if asked."""
    if shift is None:
        return _masked(path, version, who)
    return _shifted(path, version, who, shift)


def types_and_meta(path: str, version: str) -> tuple[dict[str, schema.IncidentType], dict[str, str]]:
    """Incident types and store metadata."""
    _, types, meta = _read(path, version)
    return types, meta


@st.cache_resource(max_entries=12, show_spinner=False)
def _shifted(path: str, version: str, who: Audience, shift: str) -> Layers:
    return {k: china_shift(v, shift) if len(v) else v for k, v in _masked(path, version, who).items()}


#: The case clocks are read again every this many seconds (a state turns overdue without a write).
CLOCK_S = 300


def clock(now: datetime | None = None) -> str:
    """Now, rounded down to :data:`CLOCK_S`: the key of the cached case states."""
    at = now or datetime.now(CST)
    return datetime.fromtimestamp(int(at.timestamp()) // CLOCK_S * CLOCK_S, CST).isoformat(timespec="seconds")


@st.cache_data(max_entries=6, show_spinner=False)
def storm(path: str, version: str) -> str | None:
    """The storm mode in force (``red``, ``orange``), None when off."""
    level, _since = storm_mod.storm_of(open_store(path))
    return str(level) if level else None


def party_only(who: Audience, filters: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The ledger's filters (grids, types, stages, parties) as ``who`` may read them: a party its own cases only."""
    if who[1] != "party":
        return filters
    grids, types, stages, _parties = filters
    return (grids, types, stages, (who[4] or "\x00",))  # a party account without a party: no case


@st.cache_data(max_entries=16, show_spinner=False)
def ledger(path: str, version: str, who: Audience, at: str,  # noqa: PLR0913
           filters: tuple[tuple[str, ...], ...], overdue: bool, lang: str) -> pd.DataFrame:
    """The ledger (:func:`geo.cases.ledger.ledger`) read at ``at``; ``filters`` = (grids, types, stages, parties).

    A ``party`` reader's ledger holds the cases dispatched to their party only (:func:`party_only`).
    """
    grids, types, stages, parties = (list(f) or None for f in party_only(who, filters))
    return ledger_mod.ledger(open_store(path), grids=grids, types=types, stages=stages, parties=parties,
                             overdue=overdue, now=datetime.fromisoformat(at), lang=lang)


@st.cache_data(max_entries=8, show_spinner=False)
def ledger_files(path: str, version: str, who: Audience, at: str,  # noqa: PLR0913
                 filters: tuple[tuple[str, ...], ...], overdue: bool, lang: str, title: str,
                 made_for: str) -> tuple[bytes, bytes]:
    """The ledger's XLSX and CSV (the bytes ``python -m geo ledger`` writes), made once per version and clock.

    ``made_for`` is the header line naming whom the workbook was made for (:func:`geo.privacy.made_for`).
    """
    from geo.cases.ledger_xlsx import ledger_csv, ledger_xlsx

    frame = ledger(path, version, who, at, filters, overdue, lang)
    names = ("grids", "types", "stages", "parties")
    shown: dict[str, object] = {**{k: list(v) for k, v in zip(names, filters, strict=True)}, "overdue": overdue}
    xlsx = ledger_xlsx(frame, lang=lang, title=title, storm=storm_mod.storm_of(open_store(path)),
                       generated_at=at, filters=shown, made_for=made_for)
    return xlsx, ledger_csv(frame, lang)


@st.cache_data(max_entries=16, show_spinner=False)
def figures(path: str, version: str, at: str, by: str, start: date | None, end: date | None,  # noqa: PLR0913
            lang: str) -> pd.DataFrame:
    """The figures (:func:`geo.cases.ledger.figures`) read at ``at``."""
    return ledger_mod.figures(open_store(path), by=by, start=start, end=end, now=datetime.fromisoformat(at),
                              lang=lang)


@st.cache_data(max_entries=12, show_spinner=False)
def party_names(path: str, version: str, lang: str) -> dict[str, str]:
    """Party id -> name (:func:`geo.cases.parties.party_names`)."""
    return parties_mod.party_names(open_store(path), lang)


@st.cache_resource(max_entries=6, show_spinner=False)
def report_days(path: str, version: str, who: Audience) -> tuple[date, date] | None:
    """The first and last day the incidents ``who`` sees were reported (:func:`layers.select.report_days`)."""
    return select.report_days(layers(path, version, who)[schema.INCIDENTS])


@st.cache_resource(max_entries=6, show_spinner=False)
def case_states(path: str, version: str, at: str) -> pd.Series:
    """The clock state of every case (``on_time``, ``warning``, ``overdue``, ``paused``, ``ended``) at ``at``.

    Indexed like the incidents layer; ``""`` for standing assets.
    """
    inc = _read(path, version)[0][schema.INCIDENTS]  # the clocks only: indexed like every reader's incidents
    types = types_and_meta(path, version)[0]
    events = inc["type"].isin([code for code, it in types.items() if not it.asset])
    out = pd.Series("", index=inc.index, dtype=object)
    if not events.any():
        return out
    rows = events.to_numpy()  # column by column into a plain frame: a GeoDataFrame's slicing looks for shapes
    cases = pd.DataFrame({c: inc[c].to_numpy()[rows] for c in timing.READS if c in inc.columns},
                         index=inc.index[rows])
    level = storm(path, version)
    clocks = timing.evaluate(cases, timing.load_limits(), datetime.fromisoformat(at), storm=bool(level))
    out.loc[clocks.index] = clocks["state"].fillna("").astype(str)
    return out


@st.cache_resource(max_entries=16, show_spinner=False)
def _shown_incidents(path: str, version: str, who: Audience, filters: Filters, shift: str | None,  # noqa: PLR0913
                     at: str | None) -> gpd.GeoDataFrame:
    states = case_states(path, version, at) if at is not None else None
    inc = layers(path, version, who, shift)[schema.INCIDENTS]
    return filter_incidents(inc, filters, states=states.reindex(inc.index) if states is not None else None)


def shown_incidents(path: str, version: str, who: Audience, filters: Filters,  # noqa: PLR0913
                    shift: str | None = None, at: str | None = None) -> gpd.GeoDataFrame:
    """The incidents ``who`` sees that pass the filters.

    The case view ``overdue`` reads the clocks at ``at`` (:func:`clock` by default).
    """
    timed = filters.cases in ("overdue", "warning")
    return _shown_incidents(path, version, who, filters, shift, (at or clock()) if timed else None)


@st.cache_data(max_entries=16, show_spinner=False)
def summary(path: str, version: str, who: Audience, filters: Filters) -> pd.DataFrame:
    """Per-grid figures of the filtered incidents ``who`` sees (``geo.summary.grid_summary``)."""
    data = layers(path, version, who)
    inc = shown_incidents(path, version, who, filters)
    return grid_summary(data[schema.GRIDS], data[schema.BUILDINGS], inc, types=list(types_and_meta(path, version)[0]))


def _fresh(fg: folium.FeatureGroup) -> folium.FeatureGroup:
    # streamlit-folium renames and re-parents the groups it is given: hand it
    # a copy (cheap: GWLayer copies share their payload), labelled with what
    # it holds so its script is rendered once (see _feature_group_string).
    out = copy.deepcopy(fg)
    keys = [c.key_json for c in fg._children.values() if isinstance(c, GWLayer)]
    if keys and len(keys) == len(fg._children):
        out._gw_key = (fg.layer_name, fg.show, fg.overlay, fg.control, tuple(keys))  # type: ignore[attr-defined]
    return out


# streamlit-folium renders each feature group to a script on every rerun and
# runs several regular expressions over it: about 1.5 s for a district's 7 MB
# of payload. The script of one of our groups depends only on what it holds
# and its place in the list, so it is rendered once and reused.
_FG_STRINGS: OrderedDict[tuple[Any, int], str] = OrderedDict()
_FG_STRINGS_MAX = 12
_FG_LOCK = threading.Lock()
_render_feature_group = streamlit_folium._get_feature_group_string


def _feature_group_string(feature_group_to_add: folium.FeatureGroup, map: folium.Map, idx: int = 0) -> str:  # noqa: A002
    key = getattr(feature_group_to_add, "_gw_key", None)
    if key is None:
        return _render_feature_group(feature_group_to_add, map, idx)
    with _FG_LOCK:
        hit = _FG_STRINGS.get((key, idx))
        if hit is not None:
            _FG_STRINGS.move_to_end((key, idx))
    if hit is None:
        hit = _render_feature_group(feature_group_to_add, map, idx)
        with _FG_LOCK:
            _FG_STRINGS[(key, idx)] = hit
            while len(_FG_STRINGS) > _FG_STRINGS_MAX:
                _FG_STRINGS.popitem(last=False)
    else:
        # What the renderer does to the group besides rendering it: the layer
        # control is built from the map's children by these names.
        feature_group_to_add._id = f"feature_group_{idx}"
        feature_group_to_add.add_to(map)
    return hit


if not getattr(streamlit_folium._get_feature_group_string, "_gw_cached", False):
    _feature_group_string._gw_cached = True  # type: ignore[attr-defined]
    streamlit_folium._get_feature_group_string = _feature_group_string


@st.cache_resource(max_entries=32, show_spinner=False)
def _grid_overlay(path: str, version: str, who: Audience, filters: Filters | None,  # noqa: PLR0913
                  figure: str | None, lang: str, shift: str | None) -> folium.FeatureGroup:
    grids = layers(path, version, who, shift)[schema.GRIDS]
    figures = summary(path, version, who, filters) if figure and filters is not None else None
    return grids_mod.grid_layer(grids, figures, figure=figure, lang=lang, labels=names(path, version, who)["grid"])


def grid_overlay(path: str, version: str, who: Audience, filters: Filters, figure: str | None,  # noqa: PLR0913
                 lang: str, shift: str | None) -> folium.FeatureGroup:
    """Grid layer (cached, as ``who`` sees it); outlines alone (no ``figure``) do not depend on the filters."""
    return _fresh(_grid_overlay(path, version, who, filters if figure else None, figure, lang, shift))


@st.cache_resource(max_entries=32, show_spinner=False)
def _building_overlay(path: str, version: str, who: Audience, filters: Filters | None,  # noqa: PLR0913
                      color_by: str, lang: str, shift: str | None) -> folium.FeatureGroup:
    blds = layers(path, version, who, shift)[schema.BUILDINGS]
    counts = None
    if color_by == "open" and filters is not None:
        counts = buildings_mod.open_incidents_per_building(shown_incidents(path, version, who, filters))
    risk = building_risk_scores(path, version) if color_by == "risk" else None
    people = names(path, version, who)
    return buildings_mod.building_layer(blds, color_by=color_by, open_counts=counts, lang=lang, risk=risk,
                                        grid_names=people["grid"], grid_people=people["worker"])


@st.cache_data(max_entries=6, show_spinner=False)
def risk_tables(path: str, version: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flood-risk scores per building and per grid, from every incident in the store.

    Flood-risk scores per building and per grid (:func:`geo.rain.risk.building_risk`,
    :func:`geo.rain.risk.grid_risk`) from every incident in the store: risk is
    about the place, not the filters. The map and the rain tab share them.
    """
    data = _read(path, version)[0]  # places, not people: the same for every reader
    scores = building_risk(data[schema.BUILDINGS], data[schema.INCIDENTS], zones=flood_zones(path, version))
    return scores, grid_risk(scores, data[schema.GRIDS])


@st.cache_resource(max_entries=6, show_spinner=False)
def flood_zones(path: str, version: str, shift: str | None = None) -> gpd.GeoDataFrame:
    """The stored flood zones, shifted for a GCJ-02 base map if asked."""
    zones = _read(path, version)[0][schema.FLOOD_ZONES]  # with the other map layers (a large store's: from disk)
    return china_shift(zones, shift) if shift and len(zones) else zones


@st.cache_resource(max_entries=12, show_spinner=False)
def _flood_zone_overlay(path: str, version: str, lang: str, shift: str | None) -> folium.FeatureGroup:
    return flood_zones_mod.flood_zone_layer(flood_zones(path, version, shift), lang=lang)


def flood_zone_overlay(path: str, version: str, lang: str, shift: str | None) -> folium.FeatureGroup | None:
    """Flood-zone layer (cached); None when the store holds no zones."""
    if flood_zones(path, version).empty:
        return None
    return _fresh(_flood_zone_overlay(path, version, lang, shift))


def building_risk_scores(path: str, version: str) -> pd.Series:
    """Flood-risk score per ``building_id`` (from :func:`risk_tables`)."""
    scores = risk_tables(path, version)[0]
    return scores.set_index(scores["building_id"].astype(str))["score"]


def building_overlay(path: str, version: str, who: Audience, filters: Filters, color_by: str,  # noqa: PLR0913
                     lang: str, shift: str | None) -> folium.FeatureGroup:
    """Building layer (cached, as ``who`` sees it).

    The filters matter only to ``color_by="open"``: for any other colouring a filter change reuses
    the layer as it is.
    """
    return _fresh(_building_overlay(path, version, who, filters if color_by == "open" else None, color_by, lang,
                                    shift))


def _person(name: pd.Series, phone: pd.Series) -> pd.Series:
    """``name phone`` per row, either may be missing ("" when both are)."""
    parts = pd.DataFrame({"n": name.astype("string").fillna(""), "p": phone.astype("string").fillna("")})
    return (parts["n"] + " " + parts["p"]).str.strip()


@st.cache_resource(max_entries=12, show_spinner=False)
def names(path: str, version: str, who: Audience) -> dict[str, dict[str, str]]:
    """Display names and responsible people by id, for popups and panels, as ``who`` may see them.

    ``grid`` (its label, qualified where a name repeats: :func:`geo.names.grid_labels`), ``building`` (name), ``worker`` (grid worker and phone
    by grid) and ``head`` (building head and phone by building), masked
    where ``who`` may not see them.
    """
    data = layers(path, version, who)
    grids, blds = data[schema.GRIDS], data[schema.BUILDINGS]
    gid, bid = grids["grid_id"].astype(str).tolist(), blds["building_id"].astype(str).tolist()  # lists: fast to zip
    return {
        "grid": grid_labels(grids),
        "building": dict(zip(bid, blds["name"].fillna(blds["building_id"]).astype(str).tolist(), strict=True)),
        "worker": dict(zip(gid, _person(grids["worker"], grids["phone"]).tolist(), strict=True)),
        "head": dict(zip(bid, _person(blds["head"], blds["head_phone"]).tolist(), strict=True)),
    }


@st.cache_resource(max_entries=32, show_spinner=False)
def _incident_overlay(path: str, version: str, who: Audience, filters: Filters, lang: str,  # noqa: PLR0913
                      shift: str | None, at: str) -> folium.FeatureGroup:
    types, _ = types_and_meta(path, version)
    people = names(path, version, who)
    shown = shown_incidents(path, version, who, filters, shift, at)
    return incidents_mod.incident_layer(
        shown, types,
        grid_names=people["grid"], building_names=people["building"],
        grid_people=people["worker"], building_heads=people["head"],
        lang=lang, states=case_states(path, version, at).reindex(shown.index),
    )


def incident_overlay(path: str, version: str, who: Audience, filters: Filters, lang: str,  # noqa: PLR0913
                     shift: str | None, at: str | None = None) -> folium.FeatureGroup:
    """Incident layer (cached, as ``who`` sees it), with each case's clock state at ``at`` (:func:`clock` by default)."""
    return _fresh(_incident_overlay(path, version, who, filters, lang, shift, at or clock()))


@st.cache_resource(max_entries=16, show_spinner=False)
def _heat_overlay(path: str, version: str, who: Audience, filters: Filters, lang: str,  # noqa: PLR0913
                  shift: str | None) -> folium.FeatureGroup:
    return incidents_mod.heat_layer(shown_incidents(path, version, who, filters, shift), lang=lang)


def heat_overlay(*args: Any) -> folium.FeatureGroup:
    """Flooding heat map (cached): ``(path, version, who, filters, lang, shift)``."""
    return _fresh(_heat_overlay(*args))


# ------------------------------------------------------------------ the live map (large stores)


def is_large(path: str, version: str) -> bool:
    """Whether the store gets the live map (more incidents or buildings than ``GRIDWATCH_MAP_LIVE_ABOVE``)."""
    data = _read(path, version)[0]
    above = settings.current().map_live_above
    return above == 0 or max(len(data[schema.INCIDENTS]), len(data[schema.BUILDINGS])) > above


@st.cache_resource(max_entries=6, show_spinner=False)
def map_index(path: str, version: str, who: Audience, shift: str | None) -> mapview.MapIndex:
    """The live map's index of the layers as ``who`` sees them (:func:`geo.mapview.build_index`), once per version."""
    data = layers(path, version, who, shift)
    return mapview.build_index(data[schema.GRIDS], data[schema.BUILDINGS], data[schema.INCIDENTS],
                               labels=names(path, version, who)["grid"])


def live_source(path: str, version: str, who: Audience, filters: Filters, lang: str,  # noqa: PLR0913
                shift: str | None, figure: str | None, visible: frozenset[str], color_by: str,
                at: str) -> live_mod.LiveSource:
    """What the live map of these choices shows (:class:`layers.live.LiveSource`), for :mod:`views.map_api`."""
    index = map_index(path, version, who, shift)
    shown = shown_incidents(path, version, who, filters, shift, at)
    counts = None
    if color_by == "open" and "buildings" in visible:
        counts = buildings_mod.open_incidents_per_building(shown)
    risk = building_risk_scores(path, version) if color_by == "risk" and "buildings" in visible else None
    return live_mod.LiveSource(
        index=index, mask=index.positions(shown.index), types=types_and_meta(path, version)[0], lang=lang,
        figure=figure, summary=summary(path, version, who, filters), visible=visible,
        people=names(path, version, who), states=case_states(path, version, at), color_by=color_by,
        open_counts=counts, risk=risk,
    )
