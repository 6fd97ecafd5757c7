"""The fictional demo community (internal; users call :func:`geo.demo.make_community`).

About 1.1 km² cut by its streets into 7 grids, about 170 buildings along an
irregular street network, about 520 rain grates along the kerbs, a dozen
historical flooding points in the low spots of a synthetic terrain and a few
dozen flying wires beside dense buildings, built in metres and projected to
WGS-84 at the end.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Final, cast

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import polygonize, substring, unary_union

from . import schema
from .demo_kit import (
    _FLOOD_TEXT,
    _GRATE_TEXT,
    _HALF_WIDTH,
    _WIRE_TEXT,
    BUILDING_TARGET,
    COMMUNITY_AREA_M2,
    COMMUNITY_CENTER,
    COMMUNITY_NAME,
    GRATE_TARGET,
    Layers,
    _asset_severity,
    _frame,
    _grid_name,
    _local_crs,
    _person_names,
    _phones,
    _rectangles,
    _timestamps,
)

__all__ = ["make_community"]

#: Outline of the community (m, before jitter and scaling).
_OUTLINE: Final = ((-600, -470), (-90, -520), (560, -455), (610, -60), (545, 470), (30, 520), (-560, 480), (-620, 40))
#: Streets that cut the community into its 7 grids: name, class, vertices.
#: Each overshoots the road it tees into by a few metres so the network is noded.
_CUTS: Final = (
    ("桂苑大道", "primary", ((-720, 30), (-300, 10), (100, -30), (720, -10))),
    ("青松路", "secondary", ((-120, -620), (-90, -200), (-140, 200), (-100, 620))),
    ("枫林路", "secondary", ((-195, 290), (200, 240), (700, 300))),
    ("竹园路", "residential", ((-45, -250), (-400, -230), (-720, -280))),
    ("荷塘街", "residential", ((300, 18), (320, -300), (280, -620))),
)


_PERIMETER: Final = (("梅岭路", "secondary"), ("南湖东路", "primary"), ("杉林路", "secondary"), ("兰亭路", "residential"))
_LANE_NAMES: Final = ("桂苑一巷", "桂苑二巷", "桂苑三巷", "桂苑四巷", "桂苑五巷", "桂苑六巷", "桂苑七巷",
                      "樱花里", "梧桐里", "桃李里", "杏林里", "松风里", "竹韵里", "荷香里")


#: The stages demo incidents are drawn from (as the four statuses of releases before cases were).
_DEMO_STAGES = ("reported", "dispatched", "handled", "closed")


def make_community(seed: int = 7) -> Layers:
    """Generate the fictional demo community.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical data.

    Returns
    -------
    dict
        ``{'grids', 'buildings', 'incidents', 'streets'}``, GeoDataFrames in
        EPSG:4326 with the columns of :data:`geo.schema.COLUMNS`.
    """
    rng = np.random.default_rng(seed)
    crs = _local_crs(*COMMUNITY_CENTER)
    outline, cuts = _community_frame(rng)
    grids = _community_grids(outline, cuts)
    streets = _community_streets(rng, outline, cuts, grids)
    buildings, attrs = _community_buildings(rng, outline, streets, grids)
    incidents = _community_incidents(rng, outline, streets, grids, buildings, attrs)
    return {
        schema.GRIDS: _grid_layer(rng, grids, crs),
        schema.BUILDINGS: _frame(schema.BUILDINGS, attrs, np.array(buildings, dtype=object), crs),
        schema.INCIDENTS: _frame(schema.INCIDENTS, incidents, cast(np.ndarray, incidents["geometry"]), crs),
        schema.STREETS: _frame(
            schema.STREETS,
            {"street_id": [f"S{i + 1:03d}" for i in range(len(streets))],
             "name": [s[0] for s in streets], "highway": [s[1] for s in streets]},
            np.array([s[2] for s in streets], dtype=object), crs,
        ),
    }


def _community_frame(rng: np.random.Generator) -> tuple[Polygon, list[tuple[str, str, LineString]]]:
    """The jittered outline, scaled to 1.1 km², and the grid-cutting streets."""
    pts = np.array(_OUTLINE, dtype=float) + rng.uniform(-25, 25, (len(_OUTLINE), 2))
    scale = math.sqrt(COMMUNITY_AREA_M2 / Polygon(pts).area)
    outline = Polygon(np.round(pts * scale, 3))
    cuts = []
    for name, highway, coords in _CUTS:
        c = np.array(coords, dtype=float) * scale
        c[1:-1] += rng.uniform(-15, 15, (len(c) - 2, 2))
        cuts.append((name, highway, LineString(np.round(c, 3))))
    return outline, cuts


def _community_grids(outline: Polygon, cuts: list[tuple[str, str, LineString]]) -> list[Polygon]:
    """Split the outline along the cutting streets; faces ordered north-west first."""
    noded = unary_union([outline.exterior, *(line for _, _, line in cuts)])
    faces = [f for f in polygonize(noded) if f.area > 1000 and outline.contains(f.representative_point())]
    faces.sort(key=lambda f: (-round(f.centroid.y, -2), f.centroid.x))
    if len(faces) != 7:  # pragma: no cover - guards the fixed layout above
        msg = f"Demo layout produced {len(faces)} grids instead of 7."
        raise RuntimeError(msg)
    return faces


def _grid_layer(rng: np.random.Generator, faces: list[Polygon], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """The grids layer of the community."""
    n = len(faces)
    data = {
        "grid_id": [f"G{i + 1:02d}" for i in range(n)],
        "name": [_grid_name(i + 1) for i in range(n)],
        "community": [COMMUNITY_NAME] * n,
        "worker": _person_names(rng, n),
        "phone": _phones(rng, n),
    }
    return _frame(schema.GRIDS, data, np.array(faces, dtype=object), crs)


def _community_streets(
    rng: np.random.Generator, outline: Polygon, cuts: list[tuple[str, str, LineString]], grids: list[Polygon]
) -> list[tuple[str, str, LineString]]:
    """Perimeter roads, the cutting streets and bent lanes (some dead ends) in each grid."""
    ring = np.asarray(outline.exterior.coords)[:-1]
    k = len(ring)
    streets = []
    for i, (name, highway) in enumerate(_PERIMETER):
        idx = [(2 * i + j) % k for j in range(3)]
        streets.append((name, highway, LineString(ring[idx])))
    streets.extend(cuts)
    names = iter(_LANE_NAMES)
    for grid in grids:
        streets.extend(_grid_lanes(rng, grid, names))
    return streets


def _grid_lanes(rng: np.random.Generator, grid: Polygon, names: Iterator[str]) -> list[tuple[str, str, LineString]]:
    """One bent lane along a grid's long axis and a dead-end path across it."""
    rect = np.asarray(grid.minimum_rotated_rectangle.exterior.coords)
    e1, e2 = rect[1] - rect[0], rect[2] - rect[1]
    long_axis, short_axis = (e1, e2) if np.hypot(*e1) >= np.hypot(*e2) else (e2, e1)
    u = long_axis / np.hypot(*long_axis)
    v = short_axis / np.hypot(*short_axis)
    c = np.asarray(grid.centroid.coords[0]) + v * rng.uniform(-20, 20)
    bend = c + v * rng.uniform(-25, 25) + u * rng.uniform(-40, 40)
    main = _inside_part(LineString([c - u * 900, bend, c + u * 900]), grid)
    lanes = []
    if main is not None:
        if rng.random() < 0.5:  # dead end: stop short of the far street
            main = substring(main, 0, main.length - rng.uniform(40, 80))
        lanes.append((next(names), "residential", main))
    side = int(rng.choice([-1, 1]))
    start = np.asarray(main.interpolate(main.project(Point(c))).coords[0]) if main is not None else c
    path = _inside_part(LineString([start, start + v * side * 900]), grid)
    if path is not None and path.length > 60:
        highway = "footway" if rng.random() < 0.6 else "service"
        lanes.append((next(names), highway, substring(path, 0, path.length * 0.8)))
    return lanes


def _inside_part(line: LineString, grid: Polygon) -> LineString | None:
    """The longest part of ``line`` inside the grid (ending on its edge), or None."""
    part = line.intersection(grid)
    parts = list(getattr(part, "geoms", [part]))
    parts = [p for p in parts if isinstance(p, LineString) and not p.is_empty]
    return max(parts, key=lambda p: p.length) if parts else None


def _community_buildings(
    rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]], grids: list[Polygon]
) -> tuple[list[Polygon], dict[str, object]]:
    """About 170 buildings along the streets, none overlapping, with their attributes."""
    kerbs = unary_union([line.buffer(_HALF_WIDTH[h] + 2.0) for _, h, line in streets])
    inner = outline.buffer(-3.0)
    towers = np.array([0.1, 0.5, 0.15, 0.45, 0.05, 0.3, 0.15])[: len(grids)]
    candidates = _building_candidates(rng, streets, grids, towers)
    order = np.argsort([c[0] + rng.uniform(0, 1.5) for c in candidates], kind="stable")
    placed: list[Polygon] = []
    kinds: list[bool] = []
    for i in order.tolist():
        _, poly, tower = candidates[i]
        if not inner.contains(poly) or kerbs.intersects(poly):
            continue
        if placed and shapely.intersects(np.array(placed, dtype=object), poly.buffer(6.0)).any():
            continue
        placed.append(poly)
        kinds.append(tower)
        if len(placed) == BUILDING_TARGET:
            break
    placed, kinds = _order_buildings(placed, kinds, grids)
    return placed, _building_attributes(rng, placed, np.array(kinds), grids)


def _building_candidates(
    rng: np.random.Generator, streets: list[tuple[str, str, LineString]], grids: list[Polygon], towers: np.ndarray
) -> list[tuple[float, Polygon, bool]]:
    """Rectangles facing each street in rows of increasing distance: (row, polygon, tower)."""
    gridded = np.array(grids, dtype=object)
    out = []
    for _, highway, line in streets:
        station = rng.uniform(5, 20)
        while station < line.length - 5:
            p = line.interpolate(station)
            q = line.interpolate(min(station + 1.0, line.length))
            ang = math.atan2(q.y - p.y, q.x - p.x)
            g = np.flatnonzero(shapely.intersects(gridded, p.buffer(40)))
            tower = bool(rng.random() < towers[g[0]]) if len(g) else False
            length, depth = (rng.uniform(24, 34), rng.uniform(16, 22)) if tower else (rng.uniform(38, 62), rng.uniform(10, 13))
            for side in (-1, 1):
                for row in range(3):
                    off = _HALF_WIDTH[highway] + rng.uniform(8, 14) + depth / 2 + row * (depth + rng.uniform(14, 20))
                    cx = p.x + math.cos(ang + side * math.pi / 2) * off
                    cy = p.y + math.sin(ang + side * math.pi / 2) * off
                    poly = _rectangles(np.array([cx]), np.array([cy]), np.array([length]), np.array([depth]),
                                       np.array([ang + rng.normal(0, 0.02)]))[0]
                    out.append((float(row), poly, tower))
            station += length + rng.uniform(10, 18)
    return out


def _order_buildings(placed: list[Polygon], kinds: list[bool], grids: list[Polygon]) -> tuple[list[Polygon], list[bool]]:
    """Buildings ordered by grid, then north to south, west to east."""
    key = []
    for poly in placed:
        c = poly.centroid
        g = int(np.argmax([grid.intersection(poly).area for grid in grids]))
        key.append((g, -round(c.y, -1), c.x))
    order = sorted(range(len(placed)), key=lambda i: key[i])
    return [placed[i] for i in order], [kinds[i] for i in order]


def _building_attributes(rng: np.random.Generator, placed: list[Polygon], tower: np.ndarray, grids: list[Polygon]) -> dict[str, object]:
    """Units, households, residents, elderly living alone, basements, floors and heads."""
    n = len(placed)
    length = np.array([max(np.hypot(*np.diff(np.asarray(p.exterior.coords)[:3], axis=0).T)) for p in placed])
    floors = np.where(tower, rng.integers(18, 34, n), rng.choice([5, 6, 6, 6, 6, 7], n))
    units = np.where(tower, rng.integers(1, 3, n), np.clip(np.round(length / 13), 2, 6)).astype(int)
    households = units * floors * 2 - rng.integers(0, 3, n) * (~tower)
    residents = np.round(households * rng.uniform(2.1, 2.9, n)).astype(int)
    elderly = np.minimum(rng.geometric(0.45, n) - 1 + (~tower) * rng.integers(0, 2, n), 4)
    elderly[rng.choice(np.flatnonzero(~tower), 3, replace=False)] = [5, 6, 7]
    basement = np.where(tower, rng.random(n) < 0.85, rng.random(n) < 0.12)
    grid_of = [int(np.argmax([g.intersection(p).area for g in grids])) for p in placed]
    numbers = [grid_of[: i + 1].count(g) for i, g in enumerate(grid_of)]
    return {
        "building_id": [f"B{i + 1:03d}" for i in range(n)],
        "name": [f"{k}栋" for k in numbers],
        "units": units, "households": households, "residents": residents,
        "elderly_alone": elderly, "basement": basement, "floors": floors,
        "head": _person_names(rng, n), "head_phone": _phones(rng, n),
    }


def _elevation(x: np.ndarray, y: np.ndarray, seed: int = 0) -> np.ndarray:
    """A smooth synthetic terrain (m above an arbitrary datum) with a few hollows."""
    r = np.random.default_rng(seed + 1000)
    z = 22 + 1.5 * np.sin(x / 230 + r.uniform(0, 6)) + 1.2 * np.cos(y / 180 + x / 400 + r.uniform(0, 6))
    for cx, cy in r.uniform(-500, 500, (6, 2)):
        z -= 2.0 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 70.0**2))
    return z


def _community_incidents(
    rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
    grids: list[Polygon], buildings: list[Polygon], attrs: dict[str, object],
) -> dict[str, object]:
    """Rain grates, flooding points and flying wires, concatenated in that order."""
    parts = [_grates(rng, outline, streets, buildings), _floods(rng, outline, streets, grids),
             _wires(rng, buildings, np.asarray(attrs["households"]), outline)]
    return {k: np.concatenate([np.asarray(p[k], dtype=object) for p in parts]) for k in parts[0]}


def _grates(rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
            buildings: list[Polygon]) -> dict[str, object]:
    """Rain grates every ~30 m on both kerbs of every street but footways."""
    inner = outline.buffer(-1.0)
    wet = [(h, line) for _, h, line in streets if h != "footway"]
    total = sum(2 * line.length for _, line in wet)
    spacing = float(np.clip(total / (GRATE_TARGET * 1.08), 25, 35))
    blocks = shapely.union_all(np.array(buildings, dtype=object))
    pts: list[Point] = []
    for highway, line in wet:
        for side in (-1.0, 1.0):
            kerb = line.offset_curve(side * (_HALF_WIDTH[highway] - 0.5))
            if kerb.is_empty:
                continue
            s = np.arange(rng.uniform(3, spacing), kerb.length, spacing) + rng.uniform(-3, 3)
            cand = shapely.line_interpolate_point(kerb, np.clip(s, 0, kerb.length))
            ok = shapely.contains(inner, cand) & ~shapely.intersects(blocks, cand)
            pts.extend(cand[ok].tolist())
    if len(pts) > GRATE_TARGET:
        keep = np.sort(rng.choice(len(pts), GRATE_TARGET, replace=False))
        pts = [pts[i] for i in keep]
    n = len(pts)
    status = rng.choice(schema.ASSET_STATUSES, n, p=[0.78, 0.14, 0.05, 0.03])
    sev = _asset_severity(rng, status)
    text = [str(rng.choice(_GRATE_TEXT[s])) for s in status.tolist()]
    return _incident_block("drain_grate", "DG", 4, pts, status, sev,
                           _timestamps(rng, n, "2026-05-10", "2026-07-01"), np.full(n, np.nan), text)


def _floods(rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
            grids: list[Polygon]) -> dict[str, object]:
    """A dozen historical flooding points at the lowest spots along the streets (at most 3 a grid)."""
    lines = [line for _, h, line in streets if h != "footway"]
    cand = np.concatenate([shapely.line_interpolate_point(ln, np.arange(0, ln.length, 5.0)) for ln in lines])
    cand = cand[shapely.contains(outline.buffer(-5), cand)]
    xy = shapely.get_coordinates(cand)
    z = _elevation(xy[:, 0], xy[:, 1])
    grid_of = np.argmax(np.stack([shapely.contains(g, cand) for g in grids]), axis=0)
    per_grid = np.zeros(len(grids), dtype=int)
    chosen: list[int] = []
    for i in np.argsort(z, kind="stable").tolist():
        if per_grid[grid_of[i]] < 3 and all(np.hypot(*(xy[i] - xy[j])) > 70 for j in chosen):
            chosen.append(i)
            per_grid[grid_of[i]] += 1
        if len(chosen) == 12:
            break
    pts = [Point(xy[i] + rng.uniform(-2, 2, 2)) for i in chosen]
    n = len(pts)
    depth = np.round(np.clip(rng.gamma(3.0, 10.0, n) + (z[chosen].max() - z[chosen]) * 15, 8, 90), 0)
    status = rng.choice(_DEMO_STAGES, n, p=[0.1, 0.1, 0.45, 0.35])
    sev = np.select([depth < 20, depth < 40, depth < 60], ["low", "medium", "high"], "critical")
    years = rng.choice(["2025", "2026"], n)
    when = np.array([_timestamps(rng, 1, f"{y}-06-10", f"{y}-08-31")[0] for y in years.tolist()], dtype=object)
    text = [f"{rng.choice(_FLOOD_TEXT)}，积水约{int(d)}厘米" for d in depth.tolist()]
    return _incident_block("flooding", "FL", 3, pts, status, sev, when, depth, text)


def _wires(rng: np.random.Generator, buildings: list[Polygon], households: np.ndarray, outline: Polygon) -> dict[str, object]:
    """Flying wires within ~10 m of the facades of dense buildings."""
    blocks = np.array(buildings, dtype=object)
    weight = households.astype(float) ** 1.5
    pts: list[Point] = []
    while len(pts) < 36:
        b = int(rng.choice(len(buildings), p=weight / weight.sum()))
        ring = buildings[b].exterior
        p = ring.interpolate(rng.uniform(0, ring.length))
        c = buildings[b].centroid
        d = np.array([p.x - c.x, p.y - c.y])
        q = Point(np.asarray(p.coords[0]) + d / np.hypot(*d) * rng.uniform(1, 6))
        if outline.contains(q) and not shapely.intersects(blocks, q).any():
            pts.append(q)
    n = len(pts)
    status = rng.choice(_DEMO_STAGES, n, p=[0.5, 0.3, 0.15, 0.05])
    sev = rng.choice(["medium", "high"], n, p=[0.6, 0.4])
    return _incident_block("flying_wire", "FW", 3, pts, status, sev,
                           _timestamps(rng, n, "2026-08-01", "2026-11-15"), np.full(n, np.nan),
                           [str(rng.choice(_WIRE_TEXT)) for _ in range(n)])


def _incident_block(  # noqa: PLR0913 (one value per column: a bundle would only be unpacked here)
    kind: str, prefix: str, width: int, pts: list[Point], status: np.ndarray, severity: np.ndarray,
    when: np.ndarray, depth: np.ndarray, text: list[str],
) -> dict[str, object]:
    """Columns of one incident type."""
    n = len(pts)
    return {
        "incident_id": [f"{prefix}{i + 1:0{width}d}" for i in range(n)],
        "type": [kind] * n, "status": status.tolist(), "severity": severity.tolist(),
        "reported_at": list(when), "depth_cm": depth.astype(float), "description": text,
        "geometry": np.array(pts, dtype=object),
    }
