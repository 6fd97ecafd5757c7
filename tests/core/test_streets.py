"""Reading street layers, which lines people walk (the walking rule on OSM extracts and line layers), and the streets report.

Small files made here carry one tag each (a road tunnel under a river,
ferries with and without a highway, cycleways, rail, foot and access
tags, Tilezen/Protomaps ``kind``/``is_tunnel`` columns); the real extracts
are the shared Kotka OpenStreetMap file and the Wuhan road tiles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from geo.cli import main
from geo.errors import CRSError, GeometryError, InputFileError
from geo.routing.network import build_network
from geo.routing.plan import plan_routes
from geo.store import open_store
from geo.streets import (
    NOT_WALKABLE,
    load_streets,
    read_osm_streets,
    read_streets,
    street_coverage,
    streets_from_lines,
    streets_report,
    walk_rule,
)
from tests import paths
from tests.needs import shared_data

DATA = paths.SHARED
KOTKA = DATA / "osm" / "kotka_karhula.osm.pbf"
KOTKA_PBF = KOTKA
WUHAN_ROADS = DATA / "china" / "wuhan_optics_valley_roads.geojson"

LON0, LAT0 = 114.40, 30.50
#: Local metres around a point in Wuhan (the routing tests' frame).
LOCAL = pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +ellps=WGS84 +units=m")


def to_wgs(geoms: Sequence[shapely.Geometry]) -> gpd.GeoSeries:
    """Local metric geometries to WGS-84."""
    return gpd.GeoSeries(list(geoms), crs=LOCAL).to_crs("EPSG:4326")


def lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres to (lon, lat)."""
    p = to_wgs([shapely.Point(x, y)]).iloc[0]
    return float(p.x), float(p.y)


def points(xy: Sequence[tuple[float, float]]) -> gpd.GeoDataFrame:
    """Grate incidents at local metre coordinates."""
    n = len(xy)
    return gpd.GeoDataFrame(
        {"incident_id": [f"P{i:02d}" for i in range(n)], "type": ["drain_grate"] * n, "status": ["ok"] * n,
         "grid_id": ["G1"] * n},
        geometry=to_wgs([shapely.Point(x, y) for x, y in xy]).values,
        crs="EPSG:4326",
    )


class TestReadStreets:
    @shared_data(KOTKA_PBF, "shared OSM extract")
    def test_osm_pbf_walkable_ways_only(self) -> None:
        s = read_osm_streets(KOTKA_PBF)
        assert list(s.columns) == ["street_id", "name", "highway", "geometry"]
        assert s.crs.to_epsg() == 4326
        assert len(s) > 100
        assert not s["highway"].isin(NOT_WALKABLE).any()
        assert s["street_id"].is_unique
        assert s["street_id"].str.fullmatch(r"w\d+(-\d+)?").all()
        assert (s.geometry.geom_type == "LineString").all()

    @shared_data(KOTKA_PBF, "shared OSM extract")
    def test_load_streets_dispatches_osm(self) -> None:
        assert len(load_streets(KOTKA_PBF)) == len(read_osm_streets(KOTKA_PBF))

    @shared_data(WUHAN_ROADS, "shared Wuhan roads")
    def test_line_layer_keeps_chinese_names_and_drops_rail(self) -> None:
        s = load_streets(WUHAN_ROADS)
        assert s.crs.to_epsg() == 4326
        assert "鲁磨路" in set(s["name"])
        assert not s["highway"].isin({"subway", "light_rail"}).any()
        assert s["street_id"].is_unique

    def test_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(InputFileError, match="does not exist"):
            load_streets(tmp_path / "nope.geojson")

    def test_points_are_not_streets(self, tmp_path: Path) -> None:
        path = tmp_path / "points.geojson"
        gpd.GeoDataFrame({"a": [1]}, geometry=[shapely.Point(114, 30)], crs="EPSG:4326").to_file(path)
        with pytest.raises(GeometryError, match="no walkable street lines"):
            load_streets(path)

    def test_layer_without_crs(self) -> None:
        raw = gpd.GeoDataFrame({"name": ["x"]}, geometry=[shapely.LineString([(0, 0), (1, 1)])])
        with pytest.raises(CRSError):
            streets_from_lines(raw)


@pytest.mark.parametrize(
    ("tags", "reason"),
    [
        ({"highway": "residential"}, ""),
        ({"highway": "cycleway"}, ""),  # pedestrians use them in China
        ({"highway": "cycleway", "foot": "no"}, "no_foot"),
        ({"highway": "footway", "tunnel": "yes"}, ""),  # a pedestrian underpass
        ({"highway": "residential", "tunnel": "building_passage"}, ""),
        ({"highway": "trunk", "tunnel": "yes"}, "motor_tunnel"),
        ({"highway": "primary", "tunnel": "yes", "foot": "yes"}, ""),  # foot=yes overrides
        ({"highway": "motorway"}, "motorway"),
        ({"highway": "motorway_link", "foot": "designated"}, ""),
        ({"highway": "service", "access": "private"}, "no_foot"),
        ({"highway": "service", "access": "private", "foot": "yes"}, ""),
        ({"highway": "path", "access": "no"}, "no_foot"),
        ({"route": "ferry"}, "ferry"),
        ({"highway": "", "route": "ferry"}, "ferry"),
        ({"highway": "ferry"}, "ferry"),
        ({"railway": "rail"}, "rail"),
        ({"highway": "construction"}, "not_built"),
        ({"highway": "pedestrian", "area": "yes"}, "area"),
        ({"highway": ""}, "no_kind"),
        # Tilezen / Protomaps columns: kind, kind_detail, is_tunnel (1.0 or True)
        ({"kind": "major_road", "kind_detail": "trunk", "is_tunnel": 1.0}, "motor_tunnel"),
        ({"kind": "major_road", "kind_detail": "trunk", "is_tunnel": float("nan")}, ""),
        ({"kind": "minor_road", "kind_detail": "residential", "is_tunnel": True}, ""),
        ({"kind": "highway", "is_tunnel": False}, "motorway"),
        ({"kind": "rail", "kind_detail": "subway"}, "rail"),
        ({"kind": "construction", "kind_detail": "secondary"}, "not_built"),
        ({"kind": "ferry"}, "ferry"),
        ({"kind": "path", "kind_detail": "cycleway"}, ""),
        # Overture: class and subtype
        ({"class": "footway", "subtype": "road"}, ""),
        ({"class": "standard_gauge", "subtype": "rail"}, "rail"),
        # Geofabrik shapefiles: fclass and tunnel as T/F
        ({"fclass": "primary", "tunnel": "T"}, "motor_tunnel"),
        ({"fclass": "primary", "tunnel": "F"}, ""),
    ],
)
def test_walk_rule(tags: dict[str, object], reason: str) -> None:
    assert walk_rule(tags) == reason


# ---------------------------------------------------------------- a river town, as an OSM file and as GeoJSON

#: A river along y = 200 (local metres). North and south banks each have a street; a bridge at x = 1000
#: joins them (a long walk round); a trunk-road tunnel at x = 0 passes under the river (no walking there).
RIVER_TOWN = {
    "south": ([(0, 0), (1000, 0)], {"highway": "residential", "name": "南岸路"}),
    "north": ([(0, 400), (1000, 400)], {"highway": "residential", "name": "北岸路"}),
    "bridge": ([(1000, 0), (1000, 400)], {"highway": "secondary", "bridge": "yes"}),
    "tunnel": ([(0, 0), (0, 400)], {"highway": "trunk", "tunnel": "yes", "name": "过江隧道"}),
    "ferry": ([(500, 0), (500, 400)], {"route": "ferry", "name": "轮渡"}),
    "rail": ([(-50, -50), (1050, 450)], {"railway": "rail"}),
    "cycle": ([(1000, 0), (1200, 0)], {"highway": "cycleway"}),
    "private": ([(1000, 400), (1200, 400)], {"highway": "service", "access": "private"}),
}


def _osm_xml(path: Path) -> Path:
    nodes: list[str] = []
    ways: list[str] = []
    node_id = 1
    for way_id, (coords, tags) in enumerate(RIVER_TOWN.values(), start=1):
        refs = []
        for x, y in coords:
            lon, lat = lonlat(x, y)
            nodes.append(f'<node id="{node_id}" version="1" lat="{lat:.8f}" lon="{lon:.8f}"/>')
            refs.append(f'<nd ref="{node_id}"/>')
            node_id += 1
        # shared corners: the bridge and the tunnel start at the street ends (same coordinates, own nodes,
        # joined by the network's vertex merging)
        tag_xml = "".join(f'<tag k="{k}" v="{v}"/>' for k, v in tags.items())
        ways.append(f'<way id="{way_id}" version="1">{"".join(refs)}{tag_xml}</way>')
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="test">\n'
                    + "\n".join(nodes + ways) + "\n</osm>\n", encoding="utf-8")  # fmt: skip
    return path


def _geojson(path: Path, extra: dict[str, dict[str, object]] | None = None) -> Path:
    features = []
    for key, (coords, tags) in RIVER_TOWN.items():
        props = {"highway": tags.get("highway", ""), **{k: v for k, v in tags.items() if k != "highway"}}
        props.update((extra or {}).get(key, {}))
        line = to_wgs([shapely.LineString(coords)]).iloc[0]
        features.append({"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(line)})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["osm", "geojson"])
def test_river_town_keeps_what_people_walk(tmp_path: Path, fmt: str) -> None:
    path = _osm_xml(tmp_path / "town.osm") if fmt == "osm" else _geojson(tmp_path / "town.geojson")
    streets, dropped = read_streets(path)
    assert sorted(streets["name"].replace("", "-")) == sorted(["南岸路", "北岸路", "-", "-"])  # bridge, cycleway
    assert set(streets["highway"]) == {"residential", "secondary", "cycleway"}
    assert dropped == {"motor_tunnel": 1, "ferry": 1, "rail": 1, "no_foot": 1}
    report = streets_report(streets, dropped, source=path.name)
    text = report.to_text("en")
    assert "4 warning(s)" in text and "0 warning(s)" not in text
    for phrase in ("1 road tunnel(s) for motor traffic dropped", "1 ferry line(s) dropped", "1 rail, subway",
                   "1 way(s) closed to pedestrians"):  # fmt: skip
        assert phrase in text, text
    assert "去掉 1 条渡轮航线" in report.to_text("zh")


def test_the_tunnel_under_the_river_no_longer_carries_the_route(tmp_path: Path) -> None:
    streets, _ = read_streets(_osm_xml(tmp_path / "town.osm"))
    pts = points([(10, 0), (10, 400)])  # either side of the river, by the tunnel's mouths
    plan = plan_routes(pts, network=build_network(streets), closed=False)
    assert plan.on_streets and not plan.unreachable
    # walked round by the bridge (about 990 + 400 + 990 m), not 400 m through the tunnel
    assert plan.total_m == pytest.approx(990 + 400 + 990, abs=2)


def test_foot_yes_keeps_a_tunnel_and_an_empty_highway_is_not_a_street(tmp_path: Path) -> None:
    extra = {"tunnel": {"foot": "yes"}, "ferry": {"highway": ""}}
    streets, dropped = read_streets(_geojson(tmp_path / "town.geojson", extra))
    assert "过江隧道" in set(streets["name"])
    assert "轮渡" not in set(streets["name"]) and dropped["ferry"] == 1


def test_tile_layer_columns(tmp_path: Path) -> None:
    """A Tilezen/Protomaps-style road layer: kind, kind_detail, is_tunnel, no highway column."""
    rows = [
        ("major_road", "trunk", 1.0, "隧道"), ("major_road", "trunk", None, "大道"),
        ("path", "cycleway", None, "绿道"), ("rail", "subway", 1.0, "地铁"), ("ferry", None, None, "渡口"),
    ]  # fmt: skip
    lines = to_wgs([shapely.LineString([(0, 100 * i), (300, 100 * i)]) for i in range(len(rows))])
    layer = gpd.GeoDataFrame({"kind": [r[0] for r in rows], "kind_detail": [r[1] for r in rows],
                              "is_tunnel": [r[2] for r in rows], "name": [r[3] for r in rows]},
                             geometry=lines.values, crs="EPSG:4326")  # fmt: skip
    layer.to_file(tmp_path / "roads.gpkg")
    streets, dropped = read_streets(tmp_path / "roads.gpkg")
    assert sorted(streets["name"]) == sorted(["大道", "绿道"])
    assert dict(zip(streets["name"], streets["highway"], strict=True)) == {"大道": "trunk", "绿道": "cycleway"}
    assert dropped == {"motor_tunnel": 1, "rail": 1, "ferry": 1}


@shared_data(KOTKA, "shared OpenStreetMap extract")
def test_kotka_extract_report() -> None:
    streets, dropped = read_streets(KOTKA)
    assert (streets["highway"] == "cycleway").sum() > 50  # kept: 81 cycleways in the extract, most foot=yes
    assert not streets["highway"].isin({"motorway", "motorway_link", "construction"}).any()
    assert dropped == {"motorway": 15, "not_built": 1, "rail": 1, "no_foot": 1}


@shared_data(WUHAN_ROADS, "shared Wuhan roads")
def test_wuhan_road_tunnel_is_dropped() -> None:
    streets, dropped = read_streets(WUHAN_ROADS)
    assert "光谷珞瑜路通道" not in set(streets["name"])  # the trunk-road tunnel under Luoyu Road
    assert dropped["motor_tunnel"] == 25 and dropped["rail"] == 24 and dropped["not_built"] == 13
    assert "鲁磨路" in set(streets["name"])


# ---------------------------------------------------------------- the command line and the store


def _grids(offset_m: float = 0.0) -> gpd.GeoDataFrame:
    square = shapely.box(offset_m, offset_m, offset_m + 1000, offset_m + 400)
    return gpd.GeoDataFrame({"grid_id": ["G1"], "name": ["第一网格"]}, geometry=[square], crs=LOCAL).to_crs(4326)


def test_cli_validate_and_import_print_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _osm_xml(tmp_path / "town.osm")
    assert main(["validate", "--streets", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 warning(s)" in out and "ferry line(s) dropped" in out
    store = tmp_path / "s.gpkg"
    open_store(store).write(layers={"grids": _grids()}, note="t")
    assert main(["import", "--store", str(store), "--streets", str(path), "--quiet", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert "road tunnel(s) for motor traffic dropped" in out or "机动车道路隧道" in out
    assert "cover" not in out  # the streets cover the grid: no coverage warning
    assert len(open_store(store).read("streets")) == 4


@pytest.mark.parametrize(("offset", "code"), [(600.0, "streets_far_shift"), (50_000.0, "streets_far")])
def test_streets_away_from_the_grids(tmp_path: Path, offset: float, code: str) -> None:
    streets, dropped = read_streets(_osm_xml(tmp_path / "town.osm"))
    grids = _grids(offset)
    share, gap, _ = street_coverage(streets, grids) or (1.0, 0.0, (0.0, 0.0))
    assert share < 0.5 and gap > 400
    report = streets_report(streets, dropped, grids=grids)
    found = [i for i in report.issues if i.code.startswith("streets_far")]
    assert [i.code for i in found] == [code]
    text = found[0].text("en")
    assert f"{gap:,.0f} m" in text
    assert ("GCJ-02" in text) == (code == "streets_far_shift")
    assert "wrong CRS" in text or "GCJ-02" in text


def test_cli_validate_with_a_store_warns_about_far_streets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.gpkg"
    open_store(store).write(layers={"grids": _grids(600.0)}, note="t")
    assert main(["validate", "--store", str(store), "--streets", str(_osm_xml(tmp_path / "town.osm"))]) == 0
    out = capsys.readouterr().out
    assert "streets_far_shift" in out and "do not cover the grids" in out
