"""Detecting layers shifted between GPS (WGS-84) and China's web-map systems.

Chinese web maps draw GCJ-02 (AutoNavi/Amap, Tencent) or BD-09 (Baidu)
coordinates, 300 m to 1 km off WGS-84. A layer copied from such a map and
read as GPS data (or GPS data read as one of them) lands beside the other
layers, and nothing in the file says so. This module finds it from the
layers themselves: it compares how the layers fit as loaded with how they
fit if the new layer (or a stored one) were in another of the three
systems, and reports the shift only when the fit is clearly better.

Three measures of fit, each on a sample (1,000 features at most, so a
million incidents cost what a thousand do):

``in_grid``
    Share of incidents (or buildings) inside a grid. Higher is better.
``cut_by_grid``
    Share of building footprints cut by a grid boundary. Grids follow
    streets, so they rarely cut buildings; shifted grids cut many. Lower is
    better.
``near_building``
    Distances from incidents to the nearest building footprint (inside, 5,
    10, 20, 30 m, farther). Whatever the kind of point (grates along the
    kerb, flying wires on facades, complaints at the door), the layout that
    fits shows a pattern that random placement does not: the layout whose
    distances differ most from the other layouts is taken as the true one.

A shift is reported when one measure gains by a clear margin (paired test
on the same sample) and no other measure says the opposite (for a stored
layer, no other measure against that layer). The result is
a :class:`ShiftFinding` (which layer, which system, the figures); the
validation warning and its advice are built from it and from the ``--crs``
the user actually gave, so no flag the user did not pass is suggested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from . import schema
from .crs import SHIFTED, parse_crs, shift_coords
from .report import WARNING, Issue, ValidationReport

__all__ = [
    "CODE",
    "ShiftFinding",
    "ShiftIssue",
    "check_shift",
    "detect_shift",
]

#: Code (and ``check.<code>`` key) of the validation warning.
CODE: Final = "china_shift"
WGS84: Final = "wgs84"
SYSTEMS: Final = (WGS84, *SHIFTED)
#: Names of the systems in messages (the same in every language).
SYSTEM_NAMES: Final = {WGS84: "WGS-84", "gcj02": "GCJ-02", "bd09": "BD-09"}

#: Features sampled per layer (evenly over the file's order).
SAMPLE: Final = 1_000
#: Fewer sampled features than this: no conclusion.
MIN_SAMPLE: Final = 20
#: Where GCJ-02 applies (degrees, loose): min lon, min lat, max lon, max lat.
CHINA_BOX: Final = (73.0, 15.0, 136.0, 54.0)
#: Distance bands (m) from an incident to the nearest building footprint.
BANDS_M: Final = (0.0, 5.0, 10.0, 20.0, 30.0)
#: Smallest gain of the fit (share of the sample) that counts, per measure;
#: on ``near_building`` the gain of the layout's distance from the others
#: (total variation between the band shares).
MARGIN: Final = {"in_grid": 0.05, "cut_by_grid": 0.03, "near_building": 0.15}
#: Paired test (McNemar z) a gain must pass on the same sample.
MIN_Z: Final = 4.0

Steps = tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class ShiftFinding:
    """A layer that looks shifted, and the figures that say so.

    Attributes
    ----------
    layer
        The layer that looks shifted (``grids``, ``buildings``, ``incidents``).
    stored
        True when that layer is one already in the store, not the one being
        loaded.
    system
        What its coordinates are really in: ``wgs84``, ``gcj02``, ``bd09``.
    read_as
        What they were read as.
    declared
        The ``--crs`` given for the layer being loaded, as typed (None: not
        given).
    measure
        The measure that showed it: ``in_grid``, ``cut_by_grid``,
        ``near_building``.
    subject, against
        The layer whose share is given and the layer it is measured against
        (incidents inside grids: ``incidents``, ``grids``).
    as_loaded, corrected
        The share (0-1) as loaded and once read as ``system``.
    metres
        For ``near_building``: the distance of the share ("within 10 m").
    sample
        Features of ``subject`` measured.
    """

    layer: str
    stored: bool
    system: str
    read_as: str
    declared: str | None
    measure: str
    subject: str
    against: str
    as_loaded: float
    corrected: float
    metres: float | None = None
    sample: int = 0

    def values(self, lang: str = "en") -> dict[str, object]:
        """The ``{fields}`` of the warning's texts, names in ``lang``."""
        from . import i18n

        return {
            "layer": i18n.t(f"kind.{self.layer}", lang),
            "subject": i18n.t(f"kind.{self.subject}", lang),
            "against": i18n.t(f"kind.{self.against}", lang),
            "system": self.system,
            "system_name": SYSTEM_NAMES[self.system],
            "read_as_name": SYSTEM_NAMES[self.read_as],
            "declared": self.declared or "",
            "before": f"{self.as_loaded * 100:.0f}",
            "after": f"{self.corrected * 100:.0f}",
            "metres": f"{self.metres:g}" if self.metres is not None else "",
        }

    def text(self, lang: str = "en") -> str:
        """The warning: the figures, then what to do."""
        from . import i18n

        values = self.values(lang)
        figures = i18n.t(f"check.{CODE}.{self.measure}", lang, **values)
        if self.stored:
            advice = "stored"
        elif self.declared is None:
            advice = "new"
        else:
            advice = "instead"
        return i18n.t(f"check.{CODE}", lang, figures=figures,
                      advice=i18n.t(f"check.{CODE}.advice_{advice}", lang, **values))


@dataclass
class ShiftIssue(Issue):
    """The validation warning of a :class:`ShiftFinding` (texts in any language)."""

    finding: ShiftFinding | None = field(default=None, repr=False)

    def text(self, lang: str = "en") -> str:
        """The message in ``lang``."""
        return self.finding.text(lang) if self.finding is not None else self.message


def detect_shift(
    layer: gpd.GeoDataFrame,
    kind: str,
    *,
    grids: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    incidents: gpd.GeoDataFrame | None = None,
    crs: str | pyproj.CRS | None = None,
) -> ShiftFinding | None:
    """Whether ``layer`` (or a layer it is compared with) looks shifted.

    Parameters
    ----------
    layer
        The layer being loaded, in EPSG:4326 as read.
    kind
        Its layer name: ``grids``, ``buildings`` or ``incidents``.
    grids, buildings, incidents
        The other layers (stored), EPSG:4326; None or empty when absent.
        The one named by ``kind`` is ignored.
    crs
        The ``--crs`` the layer was read with, as the user gave it (None:
        not given, the file's own CRS was used).

    Returns
    -------
    ShiftFinding, or None when the layers fit best as loaded (or nothing
    can be said: too few features, outside China).
    """
    refs = {schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents}
    refs[kind] = layer
    present = {k: v for k, v in refs.items() if v is not None and len(v)}
    if kind not in present or len(present) < 2:
        return None
    needed = {schema.INCIDENTS: (schema.INCIDENTS,), schema.BUILDINGS: (schema.BUILDINGS, schema.INCIDENTS),
              schema.GRIDS: (schema.BUILDINGS, schema.INCIDENTS)}.get(kind, ())
    samples = {k: _Sample.of(present[k]) for k in needed if k in present}
    moving = [s for s in samples.values() if len(s.anchors)]
    if not moving or not all(_in_china(s.anchors) for s in moving):
        return None
    candidates = _candidates(crs)
    measures = _measures(kind, present, samples, candidates)
    return _decide(kind, crs, candidates, measures)


def check_shift(
    report: ValidationReport,
    layer: gpd.GeoDataFrame,
    kind: str,
    *,
    grids: gpd.GeoDataFrame | None = None,
    buildings: gpd.GeoDataFrame | None = None,
    incidents: gpd.GeoDataFrame | None = None,
    crs: str | pyproj.CRS | None = None,
) -> ShiftFinding | None:
    """Run :func:`detect_shift` and record its warning in ``report``.

    A warning recorded before (from fewer layers) is replaced (or dropped
    when the layers together show no shift), so the report holds one
    ``china_shift`` warning at most.

    Returns
    -------
    ShiftFinding or None (see :func:`detect_shift`).
    """
    found = detect_shift(layer, kind, grids=grids, buildings=buildings, incidents=incidents, crs=crs)
    report.issues = [i for i in report.issues if i.code != CODE]
    if found is None:
        return None
    params = found.values("en")
    report.issues.append(ShiftIssue(WARNING, CODE, found.text("en"), params=params, finding=found))
    return found


# -- private ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """Another reading of the layers: the steps that move the new layer."""

    steps: Steps
    stored: bool  # True: a stored layer is the shifted one (blamed per measure)
    system: str
    read_as: str


@dataclass
class _Sample:
    """Sampled features of one layer and the point each moves with."""

    geoms: np.ndarray
    anchors: np.ndarray  # (n, 2) lon/lat

    @classmethod
    def of(cls, gdf: gpd.GeoDataFrame) -> _Sample:
        geoms = np.asarray(gdf.geometry.values)
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        if len(geoms) > SAMPLE:
            geoms = geoms[np.linspace(0, len(geoms) - 1, SAMPLE).astype(int)]
        anchors = shapely.get_coordinates(shapely.point_on_surface(geoms)) if len(geoms) else np.empty((0, 2))
        ok = np.isfinite(anchors).all(axis=1)
        return cls(geoms[ok], anchors[ok])


@dataclass
class _Measure:
    name: str
    subject: str
    against: str
    #: Natural value per layout (identity first): share inside, share cut,
    #: or band shares (n_layouts, n_bands) for near_building.
    good: list[np.ndarray]


def _in_china(xy: np.ndarray) -> bool:
    return bool(CHINA_BOX[0] <= xy[:, 0].min() and xy[:, 0].max() <= CHINA_BOX[2]
                and CHINA_BOX[1] <= xy[:, 1].min() and xy[:, 1].max() <= CHINA_BOX[3])


def _system_of(crs: str | pyproj.CRS | None) -> str:
    try:
        parsed = parse_crs(crs)
    except Exception:  # an unreadable CRS fails elsewhere with its own message
        return WGS84
    return parsed if isinstance(parsed, str) else WGS84


def _forward(system: str) -> Steps:
    return () if system == WGS84 else ((system, False),)


def _backward(system: str) -> Steps:
    return () if system == WGS84 else ((system, True),)


def _candidates(crs: str | pyproj.CRS | None) -> list[_Candidate]:
    """The readings tried: the new layer in another system, or a stored layer in a shifted one."""
    read_as = _system_of(crs)
    out = [_Candidate(_forward(read_as) + _backward(real), False, real, read_as)
           for real in SYSTEMS if real != read_as]
    for system in SHIFTED:  # a stored layer drawn on a web map, read as GPS
        steps = _forward(system)
        if all(c.steps != steps for c in out):
            out.append(_Candidate(steps, True, system, WGS84))
    return out


def _invert(steps: Steps) -> Steps:
    return tuple((s, not inv) for s, inv in reversed(steps))


def _moved(anchors: np.ndarray, steps: Steps) -> np.ndarray:
    x, y = anchors[:, 0], anchors[:, 1]
    for system, inverse in steps:
        x, y = shift_coords(x, y, system, inverse=inverse)
    return np.column_stack([x, y])


def _layouts(sample: _Sample, candidates: list[_Candidate], *, invert: bool) -> list[np.ndarray]:
    """Anchor positions per layout (as loaded, then each candidate)."""
    out = [sample.anchors]
    for c in candidates:
        out.append(_moved(sample.anchors, _invert(c.steps) if invert else c.steps))
    return out


def _translate(geoms: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Each geometry moved by its own offset (the shift is uniform over a building)."""
    _, index = shapely.get_coordinates(geoms, return_index=True)
    return shapely.transform(geoms, lambda xy: xy + delta[index])


def _inside(points: np.ndarray, tree: shapely.STRtree) -> np.ndarray:
    hit = np.zeros(len(points), dtype=bool)
    hit[tree.query(shapely.points(points), predicate="intersects")[0]] = True
    return hit


def _measures(kind: str, layers: Mapping[str, gpd.GeoDataFrame], samples: Mapping[str, _Sample],
              candidates: list[_Candidate]) -> list[_Measure]:
    out: list[_Measure] = []
    grids = layers.get(schema.GRIDS)
    positions: dict[str, list[np.ndarray]] = {
        k: _layouts(s, candidates, invert=k != kind) for k, s in samples.items()}
    if grids is not None:
        polys = np.asarray(grids.geometry.values)
        polys = polys[~(shapely.is_missing(polys) | shapely.is_empty(polys))]
        inside_tree = shapely.STRtree(polys)
        for subject in (schema.INCIDENTS, schema.BUILDINGS):
            if subject in positions and (kind == schema.GRIDS or kind == subject):
                out.append(_Measure("in_grid", subject, schema.GRIDS,
                                    [_inside(p, inside_tree) for p in positions[subject]]))
        if schema.BUILDINGS in positions and kind in (schema.GRIDS, schema.BUILDINGS):
            edges = shapely.STRtree(shapely.boundary(polys))
            sample = samples[schema.BUILDINGS]
            polygonal = np.isin(shapely.get_type_id(sample.geoms), (3, 6))
            if polygonal.sum() >= MIN_SAMPLE:
                cut = []
                for p in positions[schema.BUILDINGS]:
                    moved = _translate(sample.geoms[polygonal], (p - sample.anchors)[polygonal])
                    hit = np.zeros(len(moved), dtype=bool)
                    hit[edges.query(moved, predicate="crosses")[0]] = True
                    cut.append(~hit)
                out.append(_Measure("cut_by_grid", schema.BUILDINGS, schema.GRIDS, cut))
    if kind != schema.GRIDS and schema.INCIDENTS in positions and schema.BUILDINGS in layers:
        out.append(_near_building(layers[schema.BUILDINGS], positions[schema.INCIDENTS]))
    return [m for m in out if len(m.good[0]) >= MIN_SAMPLE]


def _near_building(buildings: gpd.GeoDataFrame, positions: list[np.ndarray]) -> _Measure:
    """Band shares of the distance from each incident to the nearest footprint, per layout."""
    geoms = np.asarray(buildings.geometry.values)
    geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    lon0, lat0 = np.median(positions[0], axis=0)
    scale = np.array([111_320.0 * np.cos(np.radians(lat0)), 110_574.0])
    origin = np.array([lon0, lat0])

    def metric(xy: np.ndarray) -> np.ndarray:
        return (xy - origin) * scale

    tree = shapely.STRtree(shapely.transform(geoms, metric))
    edges = np.array([*BANDS_M, np.inf])
    shares = []
    for p in positions:
        pts = shapely.points(metric(p))
        (idx, _), dist = tree.query_nearest(pts, max_distance=BANDS_M[-1], return_distance=True)
        nearest = np.full(len(pts), np.inf)
        np.minimum.at(nearest, idx, dist)
        band = np.where(nearest <= 0.0, 0, np.searchsorted(edges, nearest, side="left"))
        shares.append(np.eye(len(edges))[band])  # one-hot rows: (n, bands)
    return _Measure("near_building", schema.INCIDENTS, schema.BUILDINGS, shares)


def _paired_z(good_k: np.ndarray, good_0: np.ndarray) -> float:
    b = int((good_k & ~good_0).sum())
    c = int((~good_k & good_0).sum())
    return (b - c) / np.sqrt(b + c) if b + c else 0.0


def _strength(m: _Measure, k: int) -> float:
    """How far layout ``k`` beats the layout as loaded, in margins (above 1: it does)."""
    if m.name == "near_building":
        hist = np.array([g.mean(axis=0) for g in m.good])
        median = np.median(hist, axis=0)
        median = median / median.sum() if median.sum() else median
        odd = 0.5 * np.abs(hist - median).sum(axis=1)  # how unlike a random placement
        gain = odd[k] - odd[0]
        if odd[k] < 2 * odd[0]:
            return min(gain / MARGIN[m.name], 0.0)
        return float(gain / MARGIN[m.name])
    good_k, good_0 = m.good[k], m.good[0]
    gain = float(good_k.mean() - good_0.mean())
    bad_k, bad_0 = 1 - good_k.mean(), 1 - good_0.mean()
    z = _paired_z(good_k, good_0)
    if gain > 0 and (z < MIN_Z or bad_k > 0.5 * bad_0):
        return min(gain / MARGIN[m.name], 0.99)
    if gain < 0 and z > -MIN_Z:
        return max(gain / MARGIN[m.name], -0.99)
    return gain / MARGIN[m.name]


def _other(m: _Measure, kind: str) -> str:
    """The layer ``m`` compares the layer being loaded with."""
    return m.against if m.subject == kind else m.subject


def _decide(kind: str, crs: str | pyproj.CRS | None, candidates: list[_Candidate],
            measures: list[_Measure]) -> ShiftFinding | None:
    """The reading that fits clearly better than the layers as loaded, if any.

    The new layer read in another system moves against every stored layer:
    every measure counts, and one clearly against it rules it out. A stored
    layer read in the wrong system only moves against the new layer: the
    measures against that stored layer count, the others do not (they
    rightly prefer the layers as loaded).
    """
    best: tuple[float, int, _Measure, str] | None = None
    for k, cand in enumerate(candidates, start=1):
        groups = {kind: measures} if not cand.stored else {
            ref: [m for m in measures if _other(m, kind) == ref] for ref in {_other(m, kind) for m in measures}}
        for blamed, group in groups.items():
            strengths = [_strength(m, k) for m in group]
            if not strengths or max(strengths) < 1.0 or min(strengths) <= -1.0:
                continue  # no clear gain, or another measure clearly against it
            s = max(strengths)
            if best is None or s > best[0]:
                best = (s, k, group[strengths.index(s)], blamed)
    if best is None:
        return None
    _, k, m, blamed = best
    cand = candidates[k - 1]
    before, after, metres = _figures(m, k)
    declared = None if crs is None else (crs if isinstance(crs, str) else crs.to_string())
    return ShiftFinding(layer=blamed, stored=cand.stored, system=cand.system, read_as=cand.read_as,
                        declared=declared, measure=m.name, subject=m.subject, against=m.against,
                        as_loaded=before, corrected=after, metres=metres, sample=len(m.good[0]))


def _figures(m: _Measure, k: int) -> tuple[float, float, float | None]:
    """Share as loaded, share in layout ``k`` (and the distance for near_building)."""
    if m.name == "in_grid":
        return float(m.good[0].mean()), float(m.good[k].mean()), None
    if m.name == "cut_by_grid":
        return 1 - float(m.good[0].mean()), 1 - float(m.good[k].mean()), None
    cum0 = np.cumsum(m.good[0].mean(axis=0))[1:len(BANDS_M)]  # within 5, 10, 20, 30 m
    cumk = np.cumsum(m.good[k].mean(axis=0))[1:len(BANDS_M)]
    j = int(np.argmax(np.abs(cumk - cum0)))
    return float(cum0[j]), float(cumk[j]), BANDS_M[j + 1]
