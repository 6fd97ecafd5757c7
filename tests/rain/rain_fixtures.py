"""A tiny, hand-checkable community for the rain-emergency tests.

Two grids of 200 m x 200 m side by side (G1 west, G2 east), six buildings
in each, a street grid with names, rain grates every 25 m along the
streets, two flooding points and three flying wires. Built in metres
around a point in Wuhan and stored in WGS-84 like real data.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

LON0, LAT0 = 114.30, 30.55
_LOCAL = pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +ellps=WGS84 +units=m")


def to_wgs(geoms: list[shapely.Geometry]) -> gpd.GeoSeries:
    """Local metric geometries to WGS-84."""
    return gpd.GeoSeries(geoms, crs=_LOCAL).to_crs("EPSG:4326")


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres to (lon, lat)."""
    p = to_wgs([shapely.Point(x, y)]).iloc[0]
    return p.x, p.y


def make_layers() -> dict[str, gpd.GeoDataFrame]:
    """The fixture community: grids, buildings, incidents, streets."""
    grids = gpd.GeoDataFrame(
        {"grid_id": ["G1", "G2"], "name": ["第一网格", "第二网格"], "community": ["测试社区"] * 2,
         "worker": ["王丽", "李强"], "phone": ["13800000001", "13800000002"]},
        geometry=to_wgs([shapely.box(0, 0, 200, 200), shapely.box(200, 0, 400, 200)]),
    )
    rows, geoms = [], []
    n = 0
    for gi, x0 in ((1, 0), (2, 200)):
        for row_y in (30, 130):
            for col_x in (20, 80, 140):
                n += 1
                geoms.append(shapely.box(x0 + col_x, row_y, x0 + col_x + 40, row_y + 14))
                rows.append({
                    "building_id": f"B{n:02d}", "name": f"{n}栋", "grid_id": f"G{gi}", "units": 2,
                    "households": 24, "residents": 60, "elderly_alone": n % 4, "basement": n % 3 == 0,
                    "floors": 6, "head": f"楼长{n}", "head_phone": f"1390000{n:04d}", "split": False,
                })
    buildings = gpd.GeoDataFrame(rows, geometry=to_wgs(geoms))
    streets = gpd.GeoDataFrame(
        {"street_id": ["S1", "S2", "S3"], "name": ["南环路", "中心路", "北环路"], "highway": ["residential"] * 3},
        geometry=to_wgs([shapely.LineString([(0, 10), (400, 10)]), shapely.LineString([(0, 100), (400, 100)]),
                         shapely.LineString([(0, 190), (400, 190)])]),
    )
    inc_rows, inc_geoms = [], []

    def add(iid: str, kind: str, status: str, x: float, y: float, **extra: object) -> None:
        inc_rows.append({"incident_id": iid, "type": kind, "status": status, "severity": "medium",
                         "reported_at": "2026-07-01T18:00:00", "description": "", **extra})
        inc_geoms.append(shapely.Point(x, y))

    k = 0
    for y in (10, 100, 190):
        for x in range(12, 400, 25):
            k += 1
            status = {3: "blocked", 7: "damaged", 20: "missing"}.get(k, "ok")
            add(f"R{k:03d}", "drain_grate", status, x, y)
    add("F1", "flooding", "resolved", 95, 100, depth_cm=30.0)
    add("F2", "flooding", "reported", 310, 20, depth_cm=45.0)
    add("W1", "flying_wire", "reported", 100, 110)
    add("W2", "flying_wire", "reported", 300, 25)
    add("W3", "flying_wire", "resolved", 350, 150)
    incidents = gpd.GeoDataFrame(inc_rows, geometry=to_wgs(inc_geoms))
    incidents["depth_cm"] = pd.to_numeric(incidents.get("depth_cm"), errors="coerce")
    # the joins' derived columns, as geo.join would set them
    incidents["grid_id"] = ["G1" if p.x < 200 else "G2" for p in gpd.GeoSeries(inc_geoms)]
    incidents["building_id"] = None
    incidents["building_dist_m"] = float("nan")
    return {"grids": grids, "buildings": buildings, "incidents": incidents, "streets": streets}


def write_store(path: str) -> None:
    """Write the fixture community into a GeoPackage store at ``path``."""
    from geo.store import open_store

    open_store(path).write(layers=make_layers(), note="rain fixture")
