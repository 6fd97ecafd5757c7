"""An explainable flood-risk score per building and per grid.

The score (0 to 100) is a sum of points from six parts, each of which is
returned as its own column so a user sees *why* a building ranks high:

=================  ===========================================  =========
part               measured as                                  max points
=================  ===========================================  =========
flooding           flooding reports (any status) within 100 m   35
grates             blocked/damaged/missing grates within 100 m  20
basement           the building has a basement or garage        20
vulnerable         elderly people living alone in the building  15
wires              open flying wires within 50 m                10
flood_zone         the footprint meets a flood zone (floodplain  20
                   polygon): 20 for a 10-year zone or a more
                   frequent one, 15 up to 50-year, 10 up to
                   100-year, 5 for rarer zones
=================  ===========================================  =========

A count part earns its points linearly up to a saturation count
(:class:`RiskWeights`), so "3 flooding reports nearby" always means the same
number of points. The flood-zone part is an addition on top of the first
five (which already sum to at most 100): it earns its points up to what is
left below 100, so the parts always add up to the score and the score stays
at most 100. A building in several zones counts the most frequent one
(shortest return period); a zone without a return period counts as a
100-year zone. All distances are measured from the building footprint in
the local metric CRS. A grid's parts are the mean of its buildings' parts,
so they add up to the grid's score the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import SchemaError
from . import _shared

__all__ = ["PARTS", "RISK_CLASSES", "RiskWeights", "building_risk", "display_table", "grid_risk", "ranking",
           "risk_class"]

#: The parts of the score, in display order.
PARTS: Final = ("flooding", "grates", "basement", "vulnerable", "wires", "flood_zone")


@dataclass(frozen=True)
class RiskWeights:
    """Points, saturation counts and radii of the risk parts.

    Attributes
    ----------
    flooding, grates, basement, vulnerable, wires
        Maximum points of each part (they sum to 100 by default).
    flooding_full, grates_full, vulnerable_full, wires_full
        Count at which a part earns its maximum.
    flooding_m, grates_m, wires_m
        Search radius in metres from the building footprint.
    flood_zone
        Points for a footprint meeting a flood zone, by return period:
        ``(up to years, points)`` in increasing order of years.
    flood_zone_rarer
        Points for a zone rarer than the last entry of ``flood_zone``.
    flood_zone_unknown_years
        Return period assumed for a zone that has none.
    """

    flooding: float = 35.0
    grates: float = 20.0
    basement: float = 20.0
    vulnerable: float = 15.0
    wires: float = 10.0
    flooding_full: int = 3
    grates_full: int = 3
    vulnerable_full: int = 5
    wires_full: int = 2
    flooding_m: float = 100.0
    grates_m: float = 100.0
    wires_m: float = 50.0
    flood_zone: tuple[tuple[int, float], ...] = ((10, 20.0), (50, 15.0), (100, 10.0))
    flood_zone_rarer: float = 5.0
    flood_zone_unknown_years: int = 100


def building_risk(
    buildings: gpd.GeoDataFrame,
    incidents: gpd.GeoDataFrame,
    *,
    zones: gpd.GeoDataFrame | None = None,
    weights: RiskWeights | None = None,
) -> pd.DataFrame:
    """Flood-risk score of every building, with its parts.

    Parameters
    ----------
    buildings
        Buildings layer (``building_id``, ``name``, ``grid_id``,
        ``basement``, ``elderly_alone``).
    incidents
        Incidents layer (``type``, ``status``).
    zones
        Flood zones (``zone_id``, ``return_period_years``), optional.
    weights
        Points and radii (default :class:`RiskWeights`).

    Returns
    -------
    pandas.DataFrame
        One row per building, same index and order as ``buildings``:
        ``building_id``, ``name``, ``grid_id``, the counts
        (``n_flooding``, ``n_bad_grates``, ``basement``, ``elderly_alone``,
        ``n_wires``), the flood zone met (``flood_zone``: its id, ``""``
        when none; ``zone_years``: its return period, 0 when none), the
        points (``pts_<part>``), ``score`` and ``rank`` (1 = highest risk;
        ties share the rank).
    """
    w = weights or RiskWeights()
    _check_columns(buildings, ("building_id", "basement", "elderly_alone"), "buildings")
    crs = _shared.metric_crs(buildings, incidents)
    b = _shared.to_metric(buildings, crs).geometry
    inc = _shared.to_metric(incidents, crs) if not incidents.empty else incidents

    def near(kind: str, radius: float, keep: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame]) -> np.ndarray:
        pts = keep(_shared.incidents_of(inc, kind)) if not inc.empty else inc
        return _shared.count_within(b, pts.geometry if len(pts) else gpd.GeoSeries([], crs=crs), radius)

    out = pd.DataFrame(index=buildings.index)
    out["building_id"] = buildings["building_id"].astype(str)
    out["name"] = buildings["name"].map(_shared.text) if "name" in buildings.columns else ""
    out["grid_id"] = buildings["grid_id"].map(_shared.text) if "grid_id" in buildings.columns else ""
    out["n_flooding"] = near(_shared.FLOODING, w.flooding_m, lambda d: d)
    out["n_bad_grates"] = near(_shared.GRATE, w.grates_m, lambda d: d[d["status"].isin(_shared.BAD_GRATE)])
    out["basement"] = buildings["basement"].fillna(False).astype(bool).to_numpy()
    out["elderly_alone"] = pd.to_numeric(buildings["elderly_alone"], errors="coerce").fillna(0).astype(int).to_numpy()
    out["n_wires"] = near(_shared.WIRE, w.wires_m, _shared.open_events)
    out["flood_zone"], out["zone_years"] = _zones_met(b, zones, crs, w)
    return _score(out, w)


def _zones_met(footprints: gpd.GeoSeries, zones: gpd.GeoDataFrame | None, crs: object,
               w: RiskWeights) -> tuple[np.ndarray, np.ndarray]:
    """Per footprint: the id and return period of the most frequent flood zone it meets ("", 0 if none)."""
    ids = np.full(len(footprints), "", dtype=object)
    years = np.zeros(len(footprints), dtype=int)
    if zones is None or zones.empty or not len(footprints):
        return ids, years
    z = _shared.to_metric(zones, crs)  # type: ignore[arg-type]
    given = pd.to_numeric(z["return_period_years"], errors="coerce") if "return_period_years" in z.columns \
        else pd.Series(np.nan, index=z.index)
    z_years = given.fillna(w.flood_zone_unknown_years).to_numpy(dtype=float)
    z_ids = z["zone_id"].astype(str).to_numpy()
    # each zone (maybe 100,000 vertices) is the query geometry, prepared once, against the footprints' index
    z_idx, b_idx = footprints.sindex.query(np.asarray(z.geometry.values), predicate="intersects")
    best = np.full(len(footprints), np.inf)
    for b, k in zip(b_idx, z_idx, strict=True):
        if z_years[k] < best[b] or (z_years[k] == best[b] and z_ids[k] < ids[b]):
            best[b], ids[b] = z_years[k], z_ids[k]
    met = np.isfinite(best)
    years[met] = best[met].astype(int)
    return ids, years


def _zone_points(years: pd.Series, w: RiskWeights) -> pd.Series:
    def points(y: int) -> float:
        if y <= 0:
            return 0.0
        return next((p for upto, p in w.flood_zone if y <= upto), w.flood_zone_rarer)

    return years.map(points).astype(float)


def _score(out: pd.DataFrame, w: RiskWeights) -> pd.DataFrame:
    def ramp(count: pd.Series, full: int, points: float) -> pd.Series:
        return (np.minimum(count, full) / max(full, 1) * points).round(1)

    out["pts_flooding"] = ramp(out["n_flooding"], w.flooding_full, w.flooding)
    out["pts_grates"] = ramp(out["n_bad_grates"], w.grates_full, w.grates)
    out["pts_basement"] = np.where(out["basement"], w.basement, 0.0)
    out["pts_vulnerable"] = ramp(out["elderly_alone"], w.vulnerable_full, w.vulnerable)
    out["pts_wires"] = ramp(out["n_wires"], w.wires_full, w.wires)
    first = out[[f"pts_{p}" for p in PARTS if p != "flood_zone"]].sum(axis=1)
    room = np.maximum(100.0 - first, 0.0)
    out["pts_flood_zone"] = np.minimum(_zone_points(out["zone_years"], w), room).round(1)
    out["score"] = out[[f"pts_{p}" for p in PARTS]].sum(axis=1).round(1)
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("Int64")
    return out


def grid_risk(building_scores: pd.DataFrame, grids: gpd.GeoDataFrame | None = None) -> pd.DataFrame:
    """Flood-risk score of every grid from its buildings' scores.

    Parameters
    ----------
    building_scores
        The result of :func:`building_risk`.
    grids
        The grids layer, so that grids without buildings are listed (score
        0) and names are shown. Optional.

    Returns
    -------
    pandas.DataFrame
        One row per grid, ranked (highest first): ``grid_id``, ``name``,
        ``buildings``, ``high_risk_buildings`` (score >= 50), the mean
        points per part (``pts_<part>``, summing to ``score``), ``max_score``
        and ``rank``.
    """
    pts = [f"pts_{p}" for p in PARTS]
    scored = building_scores[building_scores["grid_id"].astype(str) != ""]
    agg = scored.groupby("grid_id", sort=True).agg(
        buildings=("building_id", "size"),
        high_risk_buildings=("score", lambda s: int((s >= 50).sum())),
        max_score=("score", "max"),
        **{p: (p, "mean") for p in pts},
    )
    if grids is not None and not grids.empty:
        ids = grids["grid_id"].astype(str)
        agg = agg.reindex(ids).fillna(0)
        agg.index.name = "grid_id"
        names = dict(zip(ids, grids["name"].map(_shared.text) if "name" in grids.columns else ids, strict=True))
    else:
        names = {}
    agg = agg.reset_index()
    agg["name"] = agg["grid_id"].map(lambda g: names.get(g, ""))
    agg[pts] = agg[pts].round(1)
    agg["score"] = agg[pts].sum(axis=1).round(1)
    agg["buildings"] = agg["buildings"].astype(int)
    agg["high_risk_buildings"] = agg["high_risk_buildings"].astype(int)
    agg["rank"] = agg["score"].rank(method="min", ascending=False).astype("Int64")
    cols = ["grid_id", "name", "buildings", "high_risk_buildings", *pts, "score", "max_score", "rank"]
    return agg[cols].sort_values(["rank", "grid_id"]).reset_index(drop=True)


def ranking(scores: pd.DataFrame, top: int | None = None) -> pd.DataFrame:
    """Scores ranked highest first (ties by id), optionally the top ``top``."""
    key = "building_id" if "building_id" in scores.columns else "grid_id"
    out = scores.sort_values(["score", key], ascending=[False, True])
    return out.head(top) if top else out


def _check_columns(gdf: gpd.GeoDataFrame, cols: tuple[str, ...], layer: str) -> None:
    missing = [c for c in cols if c not in gdf.columns]
    if missing:
        raise SchemaError.of("risk.no_columns", layer=layer, columns=", ".join(missing))


#: Score classes for maps: upper bound (inclusive), colour, Chinese and English label.
RISK_CLASSES: Final = (
    (20.0, "#fff5d6", "低（0-20）", "low (0-20)"),
    (40.0, "#fdd49e", "较低（20-40）", "fair (20-40)"),
    (60.0, "#fc8d59", "中（40-60）", "medium (40-60)"),
    (80.0, "#e34a33", "较高（60-80）", "high (60-80)"),
    (100.0, "#a50f15", "高（80-100）", "very high (80-100)"),
)


def risk_class(score: float) -> int:
    """Index into :data:`RISK_CLASSES` of a 0-100 score."""
    for k, (upper, *_rest) in enumerate(RISK_CLASSES):
        if score <= upper:
            return k
    return len(RISK_CLASSES) - 1


_LABELS: Final = {
    "building_id": ("楼栋编号", "building"), "name": ("名称", "name"), "grid_id": ("网格", "grid"),
    "n_flooding": ("附近积水记录(处)", "flooding reports nearby"),
    "n_bad_grates": ("附近问题篦子(个)", "bad grates nearby"), "basement": ("地下室/车库", "basement/garage"),
    "elderly_alone": ("独居老人(人)", "elderly living alone"), "n_wires": ("附近飞线(处)", "open wires nearby"),
    "pts_flooding": ("积水记录分", "pts flooding"), "pts_grates": ("篦子分", "pts grates"),
    "pts_basement": ("地下室分", "pts basement"), "pts_vulnerable": ("独居老人分", "pts vulnerable"),
    "pts_wires": ("飞线分", "pts wires"), "flood_zone": ("所在淹没区", "flood zone"),
    "zone_years": ("淹没区重现期(年一遇)", "flood zone return period (years)"),
    "pts_flood_zone": ("淹没区分", "pts flood zone"), "score": ("风险得分", "score"), "rank": ("排名", "rank"),
    "buildings": ("楼栋数", "buildings"), "high_risk_buildings": ("高风险楼栋(≥50分)", "buildings >= 50"),
    "max_score": ("最高楼栋得分", "highest building"),
}


def display_table(scores: pd.DataFrame, lang: str = "zh") -> pd.DataFrame:
    """Building or grid scores with headings users read (parts kept as columns).

    Parameters
    ----------
    scores
        From :func:`building_risk`, :func:`grid_risk` or :func:`ranking`.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    pandas.DataFrame
        Rank, ids and name, the score and its points per part, then what
        the points were counted from.
    """
    first = [c for c in ("rank", "building_id", "grid_id", "name", "score", *(f"pts_{p}" for p in PARTS))
             if c in scores.columns]
    out = scores[first + [c for c in scores.columns if c not in first]]
    k = 1 if lang == "en" else 0
    return out.rename(columns={c: v[k] for c, v in _LABELS.items()})
