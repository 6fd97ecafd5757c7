"""A city-sized demo set for the benchmarks (internal; users call :func:`geo.demo.make_city`).

Vectorised constructors (no Python loop per feature): a jittered lattice of
grids, buildings beside its streets and incidents along them.
"""

from __future__ import annotations

import math
from typing import Final

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from . import schema
from .demo_kit import (
    _FLOOD_TEXT,
    _GRATE_TEXT,
    _PLACE_A,
    _PLACE_B,
    _WIRE_TEXT,
    CITY_CENTER,
    Layers,
    _asset_severity,
    _frame,
    _grid_name,
    _local_crs,
    _lonlat,
    _person_names,
    _phones,
    _rectangle_coords,
    _timestamps,
)
from .errors import OptionError

__all__ = ["make_city"]

_CELL_M: Final = 420.0


#: The stages demo incidents are drawn from (as the four statuses of releases before cases were).
_DEMO_STAGES = ("reported", "dispatched", "handled", "closed")


def make_city(seed: int = 7, *, grids: int = 2000, buildings: int = 100_000, incidents: int = 1_000_000) -> Layers:
    """Generate a city-sized fictional data set for benchmarks.

    Grids are the cells of a jittered lattice (irregular quadrilaterals that
    share their edges exactly), grouped 3 x 3 into communities; buildings
    are rotated rectangles in rows inside the grids (a few straddle a grid
    boundary); incidents are rain grates along streets and lanes, flying
    wires beside buildings and flooding points, so that most of them lie
    within 30 m of a building.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical data.
    grids, buildings, incidents
        How many of each (at least 1 grid).

    Returns
    -------
    dict
        ``{'grids', 'buildings', 'incidents', 'streets'}`` in EPSG:4326.
    """
    if grids < 1 or buildings < 0 or incidents < 0:
        msg = f"Cannot make a city of {grids} grids, {buildings} buildings and {incidents} incidents."
        raise OptionError(msg, "Give at least 1 grid and no negative counts.")
    rng = np.random.default_rng(seed)
    crs = _local_crs(*CITY_CENTER)
    nx = math.ceil(math.sqrt(grids))
    ny = math.ceil(grids / nx)
    nodes = _city_nodes(rng, nx, ny)
    quads = _city_quads(nodes, nx, grids)
    bld = _city_buildings(rng, quads, buildings)
    return {
        schema.GRIDS: _city_grid_layer(rng, quads, nx, crs),
        schema.BUILDINGS: _city_building_layer(rng, bld, crs),
        schema.INCIDENTS: _city_incidents(rng, quads, bld, incidents, crs),
        schema.STREETS: _city_streets(nodes, crs),
    }


def _city_nodes(rng: np.random.Generator, nx: int, ny: int) -> np.ndarray:
    """Jittered lattice nodes, shape (ny + 1, nx + 1, 2), centred on the origin."""
    jx, jy = np.meshgrid(np.arange(nx + 1, dtype=float), np.arange(ny + 1, dtype=float))
    xy = np.stack([jx - nx / 2, jy - ny / 2], axis=-1) * _CELL_M
    return np.round(xy + rng.uniform(-0.18, 0.18, xy.shape) * _CELL_M, 3)


def _city_quads(nodes: np.ndarray, nx: int, n: int) -> np.ndarray:
    """Corners (P00, P10, P11, P01) of the first ``n`` cells, row-major, shape (n, 4, 2)."""
    r, c = np.divmod(np.arange(n), nx)
    return np.stack([nodes[r, c], nodes[r, c + 1], nodes[r + 1, c + 1], nodes[r + 1, c]], axis=1)


def _bilinear(q: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Points at (u, v) in [0, 1]² of quads ``q`` (shape (n, 4, 2))."""
    u, v = u[:, None], v[:, None]
    out: np.ndarray = (1 - u) * (1 - v) * q[:, 0] + u * (1 - v) * q[:, 1] + u * v * q[:, 2] + (1 - u) * v * q[:, 3]
    return out


def _city_grid_layer(rng: np.random.Generator, quads: np.ndarray, nx: int, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Grids: each 3 x 3 block of cells is one community."""
    n = len(quads)
    r, c = np.divmod(np.arange(n), nx)
    block = (r // 3) * math.ceil(nx / 3) + c // 3
    within = (r % 3) * 3 + c % 3 + 1
    pairs = len(_PLACE_A) * len(_PLACE_B)
    names = [_PLACE_A[b % len(_PLACE_A)] + _PLACE_B[(b // len(_PLACE_A)) % len(_PLACE_B)]
             + (str(b // pairs + 1) if b >= pairs else "") + "社区" for b in range(int(block.max()) + 1)]
    data = {
        "grid_id": [f"G{i + 1:05d}" for i in range(n)],
        "name": [_grid_name(int(k)) for k in within],
        "community": [names[b] for b in block.tolist()],
        "worker": _person_names(rng, n),
        "phone": _phones(rng, n),
    }
    ring = np.concatenate([quads, quads[:, :1]], axis=1)
    return _frame(schema.GRIDS, data, shapely.polygons(_lonlat(ring, crs)), schema.STORAGE_CRS)


def _city_buildings(rng: np.random.Generator, quads: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Building centres, sizes and axes on a slot lattice inside each grid."""
    g = len(quads)
    counts = np.full(g, n // g) + (np.arange(g) < n % g)
    side = max(2, math.ceil(math.sqrt(max(counts.max(), 1) / 0.78)))
    cell = np.repeat(np.arange(g), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    slots = np.argsort(rng.random((g, side * side)), axis=1)[cell, rank]
    su, sv = slots % side, slots // side
    lo, hi = 0.12, 0.88
    u = lo + (su + 0.5) / side * (hi - lo)
    v = lo + (sv + 0.5) / side * (hi - lo)
    q = quads[cell]
    straddle = (su == 0) & (rng.random(n) < 0.04)
    u = np.where(straddle, 0.0, u)
    centre = _bilinear(q, u, v)
    along = (q[:, 1] - q[:, 0]) * (1 - v)[:, None] + (q[:, 2] - q[:, 3]) * v[:, None]
    across = (q[:, 3] - q[:, 0]) * (1 - u)[:, None] + (q[:, 2] - q[:, 1]) * u[:, None]
    pitch_u = np.hypot(*along.T) * (hi - lo) / side
    pitch_v = np.hypot(*across.T) * (hi - lo) / side
    tower = rng.random(n) < 0.3
    length = np.minimum(np.where(tower, rng.uniform(20, 28, n), rng.uniform(30, 40, n)), 0.8 * pitch_u)
    depth = np.minimum(np.where(tower, rng.uniform(14, 18, n), rng.uniform(10, 13, n)), 0.45 * pitch_v)
    angle = np.arctan2(along[:, 1], along[:, 0]) + rng.normal(0, 0.03, n)
    return {"x": centre[:, 0], "y": centre[:, 1], "length": length, "depth": depth, "angle": angle,
            "gap": pitch_v - depth, "tower": tower, "rank": rank}


def _city_building_layer(rng: np.random.Generator, b: dict[str, np.ndarray], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """The buildings layer from the building arrays."""
    n = len(b["x"])
    tower = b["tower"]
    floors = np.where(tower, rng.integers(18, 34, n), rng.choice([5, 6, 6, 6, 7], n))
    units = np.where(tower, rng.integers(1, 3, n), np.clip(np.round(b["length"] / 13), 2, 6)).astype(int)
    households = units * floors * 2
    elderly = np.minimum(rng.geometric(0.45, n) - 1, 7)
    data = {
        "building_id": [f"B{i + 1:06d}" for i in range(n)],
        "name": [f"{k + 1}栋" for k in b["rank"].tolist()],
        "units": units, "households": households,
        "residents": np.round(households * rng.uniform(2.1, 2.9, n)).astype(int),
        "elderly_alone": elderly,
        "basement": np.where(tower, rng.random(n) < 0.85, rng.random(n) < 0.12),
        "floors": floors, "head": _person_names(rng, n), "head_phone": _phones(rng, n),
    }
    rings = _rectangle_coords(b["x"], b["y"], b["length"], b["depth"], b["angle"])
    return _frame(schema.BUILDINGS, data, shapely.polygons(_lonlat(rings, crs)), schema.STORAGE_CRS)


def _city_incidents(rng: np.random.Generator, quads: np.ndarray, b: dict[str, np.ndarray], n: int,
                    crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Grates (85%: two thirds in lanes in front of buildings), flying wires (12%), flooding (3%)."""
    n_fl = round(0.03 * n)
    n_fw = round(0.12 * n) if len(b["x"]) else 0
    n_dg = n - n_fl - n_fw
    n_lane = round(0.66 * n_dg) if len(b["x"]) else 0
    xy = np.concatenate([
        _street_grates(rng, quads, n_dg - n_lane),
        _beside_buildings(rng, b, n_lane, lane=True),
        _beside_buildings(rng, b, n_fw, lane=False),
        _bilinear(quads[rng.integers(0, len(quads), n_fl)], rng.random(n_fl), rng.random(n_fl)),
    ])
    kind = np.repeat(np.array(["drain_grate", "flying_wire", "flooding"], dtype=object), [n_dg, n_fw, n_fl])
    status = np.concatenate([rng.choice(schema.ASSET_STATUSES, n_dg, p=[0.78, 0.14, 0.05, 0.03]),
                             rng.choice(_DEMO_STAGES, n_fw, p=[0.5, 0.3, 0.15, 0.05]),
                             rng.choice(_DEMO_STAGES, n_fl, p=[0.1, 0.1, 0.45, 0.35])]).astype(object)
    depth = np.concatenate([np.full(n_dg + n_fw, np.nan), np.round(rng.gamma(3.0, 10.0, n_fl) + 5)])
    severity = np.concatenate([_asset_severity(rng, status[:n_dg].astype(str)),
                               rng.choice(["medium", "high"], n_fw, p=[0.6, 0.4]),
                               np.select([depth[n_dg + n_fw:] < 20, depth[n_dg + n_fw:] < 40], ["low", "medium"], "high")])
    when = np.concatenate([_timestamps(rng, n_dg, "2026-05-10", "2026-07-01"),
                           _timestamps(rng, n_fw, "2026-08-01", "2026-11-15"),
                           _timestamps(rng, n_fl, "2025-06-10", "2026-08-31")])
    texts = {k: np.array(v, dtype=object) for k, v in _GRATE_TEXT.items()}
    desc = np.empty(n, dtype=object)
    for s, arr in texts.items():
        m = status[:n_dg] == s
        desc[:n_dg][m] = arr[rng.integers(0, len(arr), int(m.sum()))]
    desc[n_dg:n_dg + n_fw] = np.array(_WIRE_TEXT, dtype=object)[rng.integers(0, len(_WIRE_TEXT), n_fw)]
    desc[n_dg + n_fw:] = np.array(_FLOOD_TEXT, dtype=object)[rng.integers(0, len(_FLOOD_TEXT), n_fl)]
    prefix = np.repeat(np.array(["DG", "FW", "FL"], dtype=object), [n_dg, n_fw, n_fl])
    serial = np.concatenate([np.arange(1, k + 1) for k in (n_dg, n_fw, n_fl)])
    data = {
        "incident_id": [f"{p}{s:07d}" for p, s in zip(prefix.tolist(), serial.tolist(), strict=True)],
        "type": kind, "status": status, "severity": severity.astype(object), "reported_at": when,
        "depth_cm": depth, "description": desc,
    }
    return _frame(schema.INCIDENTS, data, shapely.points(_lonlat(xy, crs)), schema.STORAGE_CRS)


def _street_grates(rng: np.random.Generator, quads: np.ndarray, n: int) -> np.ndarray:
    """Points ~4-6 m inside a random edge of a random grid (the kerb of the street on it)."""
    cell = rng.integers(0, len(quads), n)
    edge = rng.integers(0, 4, n)
    a = quads[cell, edge]
    bb = quads[cell, (edge + 1) % 4]
    d = bb - a
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.hypot(*d.T)[:, None]  # left = inside (CCW)
    out: np.ndarray = a + d * rng.uniform(0.02, 0.98, n)[:, None] + normal * rng.uniform(4, 6, n)[:, None]
    return out


def _beside_buildings(rng: np.random.Generator, b: dict[str, np.ndarray], n: int, *, lane: bool) -> np.ndarray:
    """Points in front of (``lane``: in the lane between rows) or against random buildings."""
    if n == 0:
        return np.empty((0, 2))
    i = rng.integers(0, len(b["x"]), n)
    ux, uy = np.cos(b["angle"][i]), np.sin(b["angle"][i])
    side = rng.choice([-1.0, 1.0], n)
    a = rng.uniform(-0.5, 0.5, n) * b["length"][i]
    if lane:
        off = b["depth"][i] / 2 + rng.uniform(0.2, 0.45, n) * np.maximum(b["gap"][i], 4.0)
    else:
        off = b["depth"][i] / 2 + rng.uniform(1.0, 6.0, n)
    off = off * side
    return np.stack([b["x"][i] + a * ux - off * uy, b["y"][i] + a * uy + off * ux], axis=1)


def _city_streets(nodes: np.ndarray, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Lattice streets along the grid edges: rows and columns of lattice nodes."""
    lonlat = _lonlat(nodes, crs)
    rows = shapely.linestrings(lonlat)
    cols = shapely.linestrings(np.transpose(lonlat, (1, 0, 2)))
    lines = np.concatenate([rows, cols])
    nr = len(rows)
    names = [f"{_PLACE_A[i % len(_PLACE_A)]}{_PLACE_B[i // len(_PLACE_A) % len(_PLACE_B)]}路" for i in range(nr)]
    names += [f"{_PLACE_A[i % len(_PLACE_A)]}{_PLACE_B[i // len(_PLACE_A) % len(_PLACE_B)]}街" for i in range(len(cols))]
    highway = ["primary" if i % 4 == 0 else "secondary" for i in range(nr)]
    highway += ["primary" if i % 4 == 0 else "secondary" for i in range(len(cols))]
    data = {"street_id": [f"S{i + 1:05d}" for i in range(len(lines))], "name": names, "highway": highway}
    return _frame(schema.STREETS, data, lines, schema.STORAGE_CRS)
