"""The live map layer: what one view shows, answered on request (:class:`LiveSource`).

A large store's map page holds one small layer (:func:`live_layer`): the
address of the app's own map route and a token. The browser
(``GW.live`` in ``gridwatch.js``) asks that route for its view after each
move, and draws the answer: the payloads of the usual layers
(:mod:`layers.grids`, :mod:`layers.buildings`, :mod:`layers.incidents`),
cut to the view, and aggregate marks (bubbles with exact counts) where the
single points would be too many. The counting is :mod:`geo.mapview`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import mapview, schema
from geo.communities import community_summary
from geo.i18n import column_label, t
from geo.mapview import MapIndex

from . import buildings as buildings_mod
from . import grids as grids_mod
from . import incidents as incidents_mod
from .element import GWLayer, overlay

__all__ = ["LiveSource", "live_layer", "payload_of"]


def payload_of(fg: folium.FeatureGroup) -> dict[str, Any]:
    """The payload of the GridWatch layer a feature group holds."""
    for child in fg._children.values():
        if isinstance(child, GWLayer):
            return child.payload
    msg = "The feature group holds no GridWatch layer."
    raise ValueError(msg)


def live_layer(url: str, token: str, *, lang: str, note: str = "") -> folium.FeatureGroup:
    """The page's layer of a live map: where to ask for views (``url``) and the view's ``token``."""
    payload = {
        "kind": "live", "url": url, "token": token,
        "failed": t("map.live_failed", lang), "loading": t("map.live_loading", lang), "note": note,
    }
    return overlay(t("map.layer_live", lang), GWLayer("live", payload))


def _round(values: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in values]


@dataclass
class LiveSource:
    """Answers views of one map: one store version, reader, filter, language and colouring.

    Attributes
    ----------
    index
        The store's :class:`geo.mapview.MapIndex` (as the reader sees it).
    mask
        Which incidents pass the filters (over ``index.incidents``).
    types
        Incident types by code.
    lang
        Language of every label.
    figure
        The per-grid figure areas are coloured by (None: outlines only).
    summary
        Per-grid figures of the filtered incidents (:func:`geo.summary.grid_summary`).
    visible
        Layers the user shows (``grids``, ``buildings``, ``incidents``).
    people
        Names and people by id (:func:`views.data.names`: already masked for the reader).
    states
        Clock state per incident (indexed like ``index.incidents``), or None.
    color_by, open_counts, risk
        The buildings' colouring (:func:`layers.buildings.building_layer`).
    """

    index: MapIndex
    mask: np.ndarray
    types: dict[str, schema.IncidentType]
    lang: str
    figure: str | None
    summary: pd.DataFrame
    visible: frozenset[str]
    people: dict[str, dict[str, str]]
    states: pd.Series | None = None
    color_by: str = "none"
    open_counts: pd.Series | None = None
    risk: pd.Series | None = None
    _counts: dict[str, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)
    _breaks: dict[str, list[float]] = field(default_factory=dict, repr=False)
    _community_summary: pd.DataFrame | None = field(default=None, repr=False)

    # ------------------------------------------------------------ counting

    def _state_codes(self) -> np.ndarray:
        n = len(self.index.incidents)
        if self.states is None:
            return np.zeros(n, dtype=np.int64)
        states = self.states
        if not states.index.equals(self.index.incidents.index):
            states = states.reindex(self.index.incidents.index)
        s = states.to_numpy(dtype=object)  # compared as they are: a missing state is neither
        return np.where(s == "overdue", 1, np.where(s == "warning", 2, 0)).astype(np.int64)

    def counts(self, level: str) -> dict[str, np.ndarray]:
        """Per unit of ``level`` (``community``, ``grid``): incidents, by type, by status, overdue, warning."""
        if level not in self._counts:
            idx = self.index
            unit_of = idx.inc_community if level == "community" else idx.inc_grid
            n_units = len(idx.community if level == "community" else idx.grid)
            tcode, tnames = idx.codes("type")
            scode, snames = idx.codes("status")
            state = self._state_codes()
            self._counts[level] = {
                "n": mapview.unit_counts(unit_of, n_units, self.mask),
                "t": mapview.unit_counts(unit_of, n_units, self.mask, tcode, max(len(tnames), 1)),
                "st": mapview.unit_counts(unit_of, n_units, self.mask, scode, max(len(snames), 1)),
                "late": mapview.unit_counts(unit_of, n_units, self.mask & (state == 1)),
                "warn": mapview.unit_counts(unit_of, n_units, self.mask & (state == 2)),
            }
        return self._counts[level]

    def total(self) -> int:
        """Incidents that pass the filters, in the whole store."""
        return int(self.mask.sum())

    # ------------------------------------------------------------ answering

    def answer(self, bbox: tuple[float, float, float, float], zoom: int) -> dict[str, Any]:
        """What the view ``bbox`` (west, south, east, north) at ``zoom`` shows.

        Returns
        -------
        dict
            ``level``, ``zoom``, ``extent`` (the box the answer covers: pans
            inside it need no new answer), ``layers`` (``[factory, payload]``
            pairs for ``gridwatch.js``), ``marks`` (one entry per aggregate
            mark: kind, id, name, count), ``points`` (single points sent) and
            ``total`` (the marks' counts plus the points).
        """
        level = mapview.level_of(zoom)
        ext = mapview.extent_of(bbox, zoom)
        layers: list[list[Any]] = []
        if level == "community":
            layers.append(["polygons", self._communities(ext, zoom)])
        elif "grids" in self.visible or self.figure:
            layers.append(["polygons", self._grids(ext)])
        if level != "community" and zoom >= mapview.BUILDING_MIN_ZOOM and "buildings" in self.visible:
            blds = self._buildings(ext)
            if blds is not None:
                layers.append(["polygons", blds])
        marks: list[dict[str, Any]] = []
        points = 0
        if "incidents" in self.visible:
            pos = None
            if level == "point":
                pos = self._points_in(ext)
                if len(pos) > mapview.POINT_SEND_MAX:  # too many around the view: the view's own
                    ext = bbox
                    pos = self._points_in(ext)
                if len(pos) > mapview.POINT_MAX and len(self._points_in(bbox)) > mapview.POINT_MAX:
                    pos = None
            if pos is not None:
                layers.append(["points", self._points(pos)])
                points = len(pos)
            else:
                bubbles, marks = self._marks("community" if level == "community" else "grid", ext, zoom)
                layers.append(["bubbles", bubbles])
        return {"level": level, "zoom": zoom, "extent": list(ext), "layers": layers, "marks": marks,
                "points": points, "total": points + sum(m["n"] for m in marks), "all": self.total()}

    def _points_in(self, ext: tuple[float, float, float, float]) -> np.ndarray:
        idx = self.index
        w, s, e, n = ext
        return np.flatnonzero(self.mask & (idx.px >= w) & (idx.px <= e) & (idx.py >= s) & (idx.py <= n))

    def _breaks_of(self, key: str, values: pd.Series) -> list[float]:
        if key not in self._breaks:
            self._breaks[key] = grids_mod.classify(values)[1]
        return self._breaks[key]

    def _grids(self, ext: tuple[float, float, float, float]) -> dict[str, Any]:
        idx = self.index
        pos = mapview.in_box(idx.grid.boxes, ext)
        grids = idx.grids.iloc[pos]
        breaks = None
        if self.figure and self.figure in self.summary.columns:
            breaks = self._breaks_of("grid", self.summary[self.summary["grid_id"].astype(str) != ""][self.figure])
        labels = dict(zip([idx.grid.ids[i] for i in pos], [idx.grid.names[i] for i in pos], strict=True))
        fg = grids_mod.grid_layer(grids, self.summary if self.figure else None, figure=self.figure, lang=self.lang,
                                  breaks=breaks)
        out = payload_of(fg)
        out["props"] = {**out["props"], "name": [labels.get(g, g) for g in idx.grids["grid_id"].iloc[pos].astype(str)]}
        return out

    def community_summary(self) -> pd.DataFrame:
        """Per-community figures (:func:`geo.communities.community_summary`) of the filtered incidents."""
        if self._community_summary is None:
            out = community_summary(self.summary)
            self._community_summary = out[out["community"].astype(str) != ""]
        return self._community_summary

    def _communities(self, ext: tuple[float, float, float, float], zoom: int) -> dict[str, Any]:
        idx = self.index
        pos = mapview.in_box(idx.community.boxes, ext)
        outlines = idx.outlines(zoom).iloc[pos]
        names = [idx.community.names[i] for i in pos]
        shapes = gpd.GeoDataFrame({"grid_id": names, "name": names, "community": [""] * len(pos),
                                   "worker": [""] * len(pos), "phone": [""] * len(pos)},
                                  geometry=outlines.to_numpy(), crs=idx.communities.crs)
        figures = self.community_summary().rename(columns={"community": "grid_id"})
        breaks = None
        if self.figure and self.figure in figures.columns:
            breaks = self._breaks_of("community", figures[self.figure])
        out = payload_of(grids_mod.grid_layer(shapes, figures if self.figure else None, figure=self.figure,
                                              lang=self.lang, breaks=breaks))
        counts = self.counts("community")["n"][pos]
        out.update(kind="community", title=t("map.community", self.lang), zoomTo=True)
        out["props"] = {**out["props"], "n": [f"{int(c):,}" for c in counts]}
        tip = [[t("map.live_incidents", self.lang), "n"]]
        if self.figure and self.figure != "incidents":
            tip.append([column_label(self.figure, self.lang), "figure"])
        out["tip"], out["pop"] = tip, None
        out["labels"] = None
        return out

    def _buildings(self, ext: tuple[float, float, float, float]) -> dict[str, Any] | None:
        idx = self.index
        pos = mapview.in_box(idx.building_boxes, ext)
        if len(pos) > mapview.BUILDING_MAX:
            return None
        blds = idx.buildings.iloc[pos]
        out = payload_of(buildings_mod.building_layer(
            blds, color_by=self.color_by, open_counts=self.open_counts, lang=self.lang, risk=self.risk,
            grid_names=self.people.get("grid"), grid_people=self.people.get("worker")))
        out["manyAt"] = mapview.BUILDING_MAX + 1  # cut to the view already: draw them all
        return out

    def _points(self, pos: np.ndarray) -> dict[str, Any]:
        shown = self.index.incidents.iloc[pos]
        states = self.states.reindex(shown.index) if self.states is not None else None
        fg = incidents_mod.incident_layer(
            shown, self.types, grid_names=self.people.get("grid"), building_names=self.people.get("building"),
            grid_people=self.people.get("worker"), building_heads=self.people.get("head"), lang=self.lang,
            states=states)
        out = payload_of(fg)
        out["manyAt"] = mapview.POINT_SEND_MAX + 1  # markercluster over the points in view, exact counts
        return out

    def _outside_cells(self, ext: tuple[float, float, float, float], zoom: int) -> list[dict[str, Any]]:
        """Incidents outside every grid in ``ext``, one unit per mark-sized square of the screen."""
        idx = self.index
        w, s, e, n = ext
        sel = np.flatnonzero(self.mask & (idx.inc_grid < 0) & (idx.px >= w) & (idx.px <= e)
                             & (idx.py >= s) & (idx.py <= n))
        if len(sel) == 0:
            return []
        x, y = mapview.pixels(idx.px[sel], idx.py[sel], zoom)
        cell = (np.floor(x / mapview.MARK_PX).astype(np.int64) << 32) + np.floor(y / mapview.MARK_PX).astype(np.int64)
        keys, inv = np.unique(cell, return_inverse=True)
        tcode, tnames = idx.codes("type")
        scode, snames = idx.codes("status")
        state = self._state_codes()[sel]
        out = []
        for k in range(len(keys)):
            members = sel[inv == k]
            mst = state[inv == k]
            px, py = idx.px[members], idx.py[members]
            out.append({
                "n": len(members), "x": float(px.mean()), "y": float(py.mean()),
                "t": np.bincount(tcode[members], minlength=len(tnames)), "st": np.bincount(scode[members],
                                                                                            minlength=len(snames)),
                "late": int((mst == 1).sum()), "warn": int((mst == 2).sum()),
                "box": np.array([px.min(), py.min(), px.max(), py.max()]),
            })
        return out

    def _marks(self, level: str, ext: tuple[float, float, float, float],
               zoom: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        idx = self.index
        units = idx.community if level == "community" else idx.grid
        c = self.counts(level)
        pos = mapview.in_box(units.boxes, ext)
        pos = pos[c["n"][pos] > 0]
        outside = self._outside_cells(ext, zoom)
        x = np.concatenate([units.x[pos], [o["x"] for o in outside]])
        y = np.concatenate([units.y[pos], [o["y"] for o in outside]])
        weight = np.concatenate([c["n"][pos], [o["n"] for o in outside]])
        merged = mapview.declutter(x, y, weight, zoom)
        n_units = len(pos)
        _, tnames = idx.codes("type")
        _, snames = idx.codes("status")
        spec: dict[str, Any] = {"kind": "agg", "x": _round(merged.x), "y": _round(merged.y), "n": [], "t": [],
                                "st": [], "late": [], "warn": [], "name": [], "mk": [], "id": [], "box": []}
        marks: list[dict[str, Any]] = []
        unit_word = t(f"map.live_{level}s", self.lang)
        for members in merged.members:
            mine = pos[members[members < n_units]]
            outs = [outside[i - n_units] for i in members[members >= n_units]]
            n = int(c["n"][mine].sum()) + sum(o["n"] for o in outs)
            tt = c["t"][mine].sum(axis=0) + sum((o["t"] for o in outs), np.zeros(len(tnames), dtype=np.int64))
            st = c["st"][mine].sum(axis=0) + sum((o["st"] for o in outs), np.zeros(len(snames), dtype=np.int64))
            boxes = [units.boxes[mine]] + [o["box"][None, :] for o in outs]
            box = np.concatenate(boxes) if boxes else np.zeros((0, 4))
            if len(mine) == 1 and not outs:
                kind, ident, name = level, units.ids[mine[0]], units.names[mine[0]]
            elif not len(mine):
                kind, ident, name = "outside", "", t("app.outside", self.lang)
            else:
                kind, ident = "merged", ""
                name = unit_word.format(n=len(mine)) + (f" + {t('app.outside', self.lang)}" if outs else "")
            spec["n"].append(n)
            spec["t"].append(tt.tolist())
            spec["st"].append(st.tolist())
            spec["late"].append(int(c["late"][mine].sum()) + sum(o["late"] for o in outs))
            spec["warn"].append(int(c["warn"][mine].sum()) + sum(o["warn"] for o in outs))
            spec["name"].append(name)
            spec["mk"].append(kind)
            spec["id"].append(ident)
            spec["box"].append(_round(np.array([box[:, 1].min(), box[:, 0].min(), box[:, 3].max(), box[:, 2].max()])))
            marks.append({"kind": kind, "id": ident, "name": name, "n": n})
        spec.update(
            types=incidents_mod.type_styles(self.types, tnames, self.lang),
            statuses=incidents_mod.status_styles(snames, self.lang),
            rings={k: t(f"map.ring_{k}", self.lang) for k in ("overdue", "warning")},
            legend={
                "title": t("map.legend_types", self.lang),
                "items": [[s["color"], s["label"], s["icon"]]
                          for s in incidents_mod.type_styles(self.types, list(self.types), self.lang)],
                "note": t("map.live_counts_note", self.lang),
                "rings": [["overdue", t("map.ring_overdue", self.lang)]] if self.states is not None else [],
                "position": "topright",
            },
            pointZoom=mapview.POINT_MIN_ZOOM,
        )
        return spec, marks
