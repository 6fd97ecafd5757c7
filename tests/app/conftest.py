"""Fixtures of the app tests: a small map store, the running app and a tile server.

The map store (follows geo/schema.py): three grids in a row, buildings in
each (one with a hostile name), incidents of every built-in type and status,
one outside every grid. Coordinates are in Wuhan; the store is written with
:mod:`geo.store`. The app and the browser are driven with
:mod:`tests.app.browser`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo import schema
from geo.store import open_store
from layers.element import GWLayer
from layers.encode import SCALE
from tests.app import browser

XSS = "<img src=x onerror=alert(1)>"
SCRIPT_XSS = "</script><script>alert(2)</script>"
LON0, LAT0, STEP = 114.40, 30.50, 0.004


def _layers() -> dict[str, gpd.GeoDataFrame]:
    """The fixture layers (grids, buildings, incidents), joined already."""
    grids = gpd.GeoDataFrame(
        {
            "grid_id": ["G1", "G2", "G3"],
            "name": ["第一网格", "第二网格", "第三网格"],
            "community": ["桂苑社区"] * 3,
            "worker": ["张伟", "李娜", SCRIPT_XSS],
            "phone": ["13800000001", "13800000002", "13800000003"],
        },
        geometry=[box(LON0 + i * STEP, LAT0, LON0 + (i + 1) * STEP, LAT0 + STEP) for i in range(3)],
        crs=schema.STORAGE_CRS,
    )
    brows, bgeoms = [], []
    for g in range(3):
        for k in range(3):
            x = LON0 + g * STEP + 0.0005 + k * 0.0012
            y = LAT0 + 0.0015
            bid = f"B{g + 1}{k + 1}"
            brows.append({
                "building_id": bid, "name": XSS if bid == "B11" else f"{g + 1}-{k + 1}栋", "grid_id": f"G{g + 1}",
                "units": 3, "households": 60 + k, "residents": 150 + k, "elderly_alone": k * 2,
                "basement": k == 1, "floors": 6, "head": f"楼长{g}{k}", "head_phone": f"1390000{g}{k}00", "split": False,
            })
            bgeoms.append(box(x, y, x + 0.0006, y + 0.0004))
    buildings = gpd.GeoDataFrame(brows, geometry=bgeoms, crs=schema.STORAGE_CRS)
    for c in ("units", "households", "residents", "elderly_alone", "floors"):
        buildings[c] = buildings[c].astype("Int64")
    for c in ("basement", "split"):
        buildings[c] = buildings[c].astype("boolean")
    irows, igeoms = [], []
    spec = [
        ("drain_grate", "ok"), ("drain_grate", "blocked"), ("drain_grate", "damaged"),
        ("flooding", "reported"), ("flooding", "closed"), ("flying_wire", "dispatched"),
    ]
    n = 0
    for g in range(3):
        for j, (typ, status) in enumerate(spec):
            n += 1
            x = LON0 + g * STEP + 0.0004 + j * 0.0005
            y = LAT0 + 0.0008
            irows.append({
                "incident_id": f"I{n:03d}", "type": typ, "status": status, "severity": "medium",
                "reported_at": f"2026-0{6 + j % 3}-1{g}T2{j % 4}:30:00+08:00",
                "depth_cm": 25.0 if typ == "flooding" else float("nan"),
                "description": XSS if n == 1 else f"描述{n}", "grid_id": f"G{g + 1}",
                "building_id": f"B{g + 1}1" if j < 2 else None, "building_dist_m": 5.0 if j < 2 else float("nan"),
            })
            igeoms.append(Point(x, y))
    irows.append({"incident_id": "I999", "type": "flooding", "status": "reported", "severity": "high",
                  "reported_at": "2026-07-01T08:00:00+08:00", "depth_cm": 40.0, "description": "网格外积水",
                  "grid_id": None, "building_id": None, "building_dist_m": float("nan")})
    igeoms.append(Point(LON0 - 0.002, LAT0 - 0.002))
    incidents = gpd.GeoDataFrame(irows, geometry=igeoms, crs=schema.STORAGE_CRS)
    return {schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents}


def _make_store(path: Path) -> Path:
    """Write the fixture store to ``path`` (a ``.gpkg``) and return it."""
    store = open_store(path)
    meta = pd.DataFrame({"key": ["fictional", "description"], "value": ["true", "GridWatch map test fixture"]})
    store.write(layers=_layers(), tables={"meta": meta}, note="map test fixture")
    return path


@pytest.fixture
def map_layers() -> dict[str, gpd.GeoDataFrame]:
    """The map store's layers (grids, buildings, incidents), joined already; a fresh set per test."""
    return _layers()


@pytest.fixture(scope="session")
def make_map_store() -> Callable[[Path], Path]:
    """``make_map_store(path)`` writes the map store to ``path`` (a ``.gpkg``) and returns it."""
    return _make_store


@pytest.fixture(scope="session")
def app_server() -> Callable[..., AbstractContextManager[str]]:
    """``with app_server(store, env=..., timeout=...) as url``: the real app (``streamlit run``) on a free port."""
    return browser.app_server


@pytest.fixture(scope="module")
def tiles() -> Iterator[tuple[str, list[str]]]:
    """A tile server on localhost: its ``{z}/{x}/{y}`` URL and the paths requested."""
    with browser.tile_server() as t:
        yield t


def _payload_of(fg: Any) -> dict[str, Any]:
    (layer,) = [c for c in fg._children.values() if isinstance(c, GWLayer)]
    return layer.payload


def _decode_polygons(p: dict[str, Any]) -> list[list[list[list[tuple[float, float]]]]]:
    """Python mirror of gridwatch.js decodePolygons."""
    ox, oy = p["o"]
    out, ci, ri, pi = [], 0, 0, 0
    for nparts in p["f"]:
        parts = []
        for _ in range(nparts):
            rings = []
            for _ in range(p["p"][pi]):
                n, ring, x, y = p["r"][ri], [], ox, oy
                for v in range(n):
                    dx, dy = p["c"][ci], p["c"][ci + 1]
                    x, y = (ox + dx, oy + dy) if v == 0 else (x + dx, y + dy)
                    ring.append((x / SCALE, y / SCALE))
                    ci += 2
                rings.append(ring)
                ri += 1
            parts.append(rings)
            pi += 1
        out.append(parts)
    return out



@pytest.fixture(scope="session")
def payload_of() -> Callable[[Any], dict[str, Any]]:
    """``payload_of(feature_group)``: the payload of the one GridWatch layer in a feature group."""
    return _payload_of


@pytest.fixture(scope="session")
def decode_polygons() -> Callable[[dict[str, Any]], list[Any]]:
    """``decode_polygons(payload)``: the rings of a polygon payload (Python mirror of gridwatch.js decodePolygons)."""
    return _decode_polygons


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    """Debian's Chromium through Playwright, one per test module (the browser tests' pages open in it)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = browser.launch(p)
        yield b
        b.close()
