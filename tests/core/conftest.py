"""Fixtures of the core tests: small hand-made layers near Wuhan (EPSG:4326).

``make_grids``, ``make_buildings`` and ``make_incidents`` give the builder
of each layer (a fresh frame per call, so a test may change it); the layers
are laid out from the corner ``LON0, LAT0`` in steps of ``D`` degrees, which
the tests that place features against them repeat as module constants.
"""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pytest
import shapely

LON0, LAT0 = 114.36, 30.52
D = 0.001  # about 96 m east-west, 111 m north-south

Builder = Callable[[], gpd.GeoDataFrame]


@pytest.fixture(scope="session")
def make_grids() -> Builder:
    """Builder of three grids: G1 and G2 share an edge; G3 is a MultiPolygon of two squares east."""
    return grids


@pytest.fixture(scope="session")
def make_buildings() -> Builder:
    """Builder of four buildings: B1 inside G1, B2 straddling G1/G2 (more in G2), B3 a point in G2, B4 outside."""
    return buildings


@pytest.fixture(scope="session")
def make_incidents() -> Builder:
    """Builder of four incidents: I1 in G1 near B1; I2 on the G1/G2 edge; I3 in G3's second part; I4 outside."""
    return incidents


def grids() -> gpd.GeoDataFrame:
    """G1 and G2 share an edge; G3 is a MultiPolygon of two squares east."""
    g1 = shapely.box(LON0, LAT0, LON0 + D, LAT0 + D)
    g2 = shapely.box(LON0 + D, LAT0, LON0 + 2 * D, LAT0 + D)
    g3 = shapely.MultiPolygon([
        shapely.box(LON0 + 2 * D, LAT0, LON0 + 3 * D, LAT0 + D),
        shapely.box(LON0 + 4 * D, LAT0, LON0 + 5 * D, LAT0 + D),
    ])
    return gpd.GeoDataFrame(
        {"grid_id": ["G1", "G2", "G3"], "name": ["一", "二", "三"], "community": ["桂苑"] * 3,
         "worker": ["张三", "李四", "王五"], "phone": ["13800000001", "13800000002", "13800000003"]},
        geometry=[g1, g2, g3], crs=4326,
    )


def buildings() -> gpd.GeoDataFrame:
    """B1 inside G1, B2 straddling G1/G2 (more in G2), B3 a point in G2, B4 outside."""
    b1 = shapely.box(LON0 + 0.2 * D, LAT0 + 0.2 * D, LON0 + 0.4 * D, LAT0 + 0.4 * D)
    b2 = shapely.box(LON0 + 0.9 * D, LAT0 + 0.5 * D, LON0 + 1.2 * D, LAT0 + 0.7 * D)
    b3 = shapely.Point(LON0 + 1.5 * D, LAT0 + 0.5 * D)
    b4 = shapely.box(LON0 + 10 * D, LAT0, LON0 + 10.2 * D, LAT0 + 0.2 * D)
    return gpd.GeoDataFrame(
        {"building_id": ["B1", "B2", "B3", "B4"], "name": ["1栋", "2栋", "3栋", "4栋"],
         "units": [2, 3, 1, 2], "households": [24, 36, 12, 20], "residents": [60, 90, 30, 50],
         "elderly_alone": [3, 7, 0, 1], "basement": [True, False, False, True], "floors": [6, 6, 18, 6]},
        geometry=[b1, b2, b3, b4], crs=4326,
    )


def incidents() -> gpd.GeoDataFrame:
    """I1 in G1 near B1; I2 on the G1/G2 edge; I3 in G3's second part; I4 outside."""
    pts = [
        shapely.Point(LON0 + 0.45 * D, LAT0 + 0.3 * D),
        shapely.Point(LON0 + D, LAT0 + 0.1 * D),
        shapely.Point(LON0 + 4.5 * D, LAT0 + 0.5 * D),
        shapely.Point(LON0 + 20 * D, LAT0 + 0.5 * D),
    ]
    return gpd.GeoDataFrame(
        {"incident_id": ["I1", "I2", "I3", "I4"], "type": ["drain_grate", "flooding", "flying_wire", "drain_grate"],
         "status": ["blocked", "reported", "dispatched", "ok"], "severity": ["low", "high", "medium", "low"]},
        geometry=pts, crs=4326,
    )
