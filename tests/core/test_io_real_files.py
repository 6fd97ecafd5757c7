"""Real public files, loaded as a new user would, each answer checked
against an independent geopandas computation.

Files: pyogrio's own test fixtures (Natural Earth lowres, public domain;
curved and Z/M GeoPackages and the nulls GeoPackage, pyogrio's licence;
``sample.osm.pbf``, ODbL) and the project's shared data (Wuhan buildings
and roads, Kotka OpenStreetMap extract, ODbL). See docs/real-data.md.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import cli, io, readgeom
from geo.store import open_store
from tests import paths

FIXTURES = Path(pyogrio.__file__).resolve().parent / "tests" / "fixtures"
SHARED = paths.SHARED
NATURAL_EARTH = FIXTURES / "naturalearth_lowres" / "naturalearth_lowres.shp"
WUHAN_BUILDINGS = SHARED / "china" / "wuhan_optics_valley_buildings.geojson"
WUHAN_ROADS = SHARED / "china" / "wuhan_optics_valley_roads.geojson"
KOTKA = SHARED / "osm" / "kotka_karhula.osm.pbf"
EAST_AFRICA = ["Burundi", "Kenya", "Rwanda", "Tanzania", "Uganda"]


def need(path: Path) -> Path:
    """The fixture, or a skip with the reason (a failure in CI)."""
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"real-file fixture {path} is missing")
        pytest.skip(f"real-file fixture {path} is not installed here")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """Run the command line; its exit status and everything it printed."""
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def equal_area(gdf: gpd.GeoDataFrame) -> pd.Series:
    """Areas (km²) in a Lambert azimuthal equal-area CRS centred on each feature."""
    def one(g: shapely.Geometry) -> float:
        c = g.representative_point()
        laea = f"+proj=laea +lat_0={c.y} +lon_0={c.x} +ellps=WGS84 +units=m"
        return float(gpd.GeoSeries([g], crs=4326).to_crs(laea).area.iloc[0]) / 1e6
    return gdf.geometry.map(one)


def summary(capsys: pytest.CaptureFixture[str], store: Path, tmp_path: Path) -> pd.DataFrame:
    out = tmp_path / "summary.csv"
    assert run(capsys, "summary", "--quiet", "--store", str(store), "--out", str(out))[0] == 0
    return pd.read_csv(out, dtype={"grid_id": str}, encoding="utf-8-sig")


def in_grids(points: gpd.GeoDataFrame, grids: gpd.GeoDataFrame, grid_col: str) -> pd.Series:
    """Points per grid by geopandas.sjoin (a point on a shared edge: smallest id)."""
    j = gpd.sjoin(points[["geometry"]], grids[[grid_col, "geometry"]], predicate="intersects")
    j = j.sort_values(grid_col).groupby(level=0).head(1)
    return j[grid_col].value_counts()


# -- Natural Earth lowres (public domain) ---------------------------------------


def test_natural_earth_world_as_grids_refused_as_too_wide(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(need(NATURAL_EARTH)),
                     "--id-field", "name")
    assert code == 2
    assert [line.split(":")[0] for line in text.strip().splitlines()] == ["error", "hint"]
    assert "-180.0" in text and "180.0" in text
    assert not store.exists() or len(open_store(store).read("grids")) == 0


def test_natural_earth_iso_codes_are_not_unique(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    world[world["name"].isin(["Kosovo", "N. Cyprus", "Cyprus", "Greece"])].to_file(tmp_path / "se.gpkg")
    code, text = run(capsys, "validate", "--grids", str(tmp_path / "se.gpkg"), "--id-field", "iso_a3")
    assert code == 2
    assert "duplicate_id" in text and "-99" in text  # Kosovo and N. Cyprus have no ISO code


def test_natural_earth_antimeridian_rounding_snapped() -> None:
    raw = gpd.read_file(need(NATURAL_EARTH))
    assert raw.total_bounds[2] > 180.0  # Russia reaches 180.00000000000006 in the file
    read = io.read_file(NATURAL_EARTH)
    assert read.total_bounds[2] == 180.0
    assert readgeom.notes_of(read) == {"lonlat_snapped": 1}
    assert len(read) == 177


def test_natural_earth_fiji_across_antimeridian_measured_there(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    fiji = world[world["name"] == "Fiji"]
    src = tmp_path / "fiji.gpkg"
    fiji.to_file(src)
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(src), "--id-field", "name")
    assert code == 0, text
    got = summary(capsys, store, tmp_path).set_index("grid_id")
    assert got.loc["Fiji", "area_km2"] == pytest.approx(equal_area(fiji).iloc[0], rel=0.005)


def test_natural_earth_east_africa_grids_and_country_points(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    grids = world[world["name"].isin(EAST_AFRICA)]
    grids.to_file(tmp_path / "ea.gpkg")
    points = world.assign(geometry=world.representative_point())
    points.to_file(tmp_path / "points.gpkg")
    store = tmp_path / "s.gpkg"
    assert run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(tmp_path / "ea.gpkg"),
               "--id-field", "name")[0] == 0
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "points.gpkg"),
                     "--id-field", "name", "--type", "drain_grate")
    assert code == 0, text
    assert "far_from_grids: 172 incidents" in text
    got = summary(capsys, store, tmp_path)
    expected = in_grids(points, grids, "name")
    per_grid = got[got["grid_id"].notna()].set_index("grid_id")["incidents"]
    assert per_grid.to_dict() == {g: int(expected.get(g, 0)) for g in EAST_AFRICA}
    assert int(got.loc[got["grid_id"].isna(), "incidents"].iloc[0]) == 177 - 5
    # areas: the grids' local transverse Mercator (centred at 35.4°E) against an equal-area
    # projection per country; its scale k grows to the west (Burundi, 5.5° away: area k² = 1.009)
    areas = equal_area(grids.set_index("name"))
    for gid in EAST_AFRICA:
        assert got.set_index("grid_id").loc[gid, "area_km2"] == pytest.approx(areas[gid], rel=0.01)


# -- curved and Z/M GeoPackages (pyogrio's fixtures) -------------------------------


def with_id(src: Path, dst: Path, column: str, value: str) -> Path:
    """A copy of a one-feature GeoPackage with an id column added (geometry untouched)."""
    shutil.copy(src, dst)
    table = pyogrio.list_layers(dst)[0][0]
    with sqlite3.connect(dst) as con:
        con.execute(f"ALTER TABLE \"{table}\" ADD COLUMN \"{column}\" TEXT DEFAULT '{value}'")
    return dst


def circle_grid(dst: Path, lon: float, lat: float, radius: float) -> Path:
    """The curvepolygon fixture with its geometry replaced by a true arc: a
    CurvePolygon whose ring is a CircularString making a full circle."""
    with_id(need(FIXTURES / "curvepolygon.gpkg"), dst, "grid_id", "ARC")
    pts = [(lon - radius, lat), (lon + radius, lat), (lon - radius, lat)]
    ring = struct.pack("<BII", 1, 8, len(pts)) + b"".join(struct.pack("<dd", *p) for p in pts)
    blob = b"GP" + bytes([0, 1]) + struct.pack("<i", 4326) + struct.pack("<BII", 1, 10, 1) + ring
    with sqlite3.connect(dst) as con:
        for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # the R-tree triggers call them
            con.create_function(fn, 1, lambda _g: 0)
        con.execute("UPDATE curvepolygon SET geometry = ?", (blob,))
    return dst


def test_circular_arc_grid_linearised(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = circle_grid(tmp_path / "arc.gpkg", 114.39, 30.51, 0.001)
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(src))
    assert code == 0, text
    grid = open_store(store).read("grids").geometry.iloc[0]
    independent = gpd.read_file(src).geometry.iloc[0]
    assert grid.geom_type == "Polygon"
    assert shapely.get_num_coordinates(grid) == shapely.get_num_coordinates(independent) > 50
    assert grid.equals_exact(independent, 1e-12)
    points = gpd.GeoDataFrame({"incident_id": ["IN", "EDGE_OUT"], "type": "flooding"},
                              geometry=[shapely.Point(114.39, 30.51), shapely.Point(114.39, 30.5111)], crs=4326)
    points.to_file(tmp_path / "p.geojson")
    assert run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "p.geojson"))[0] == 0
    got = summary(capsys, store, tmp_path).set_index("grid_id", drop=False)
    assert got.loc["ARC", "incidents"] == in_grids(points, gpd.GeoDataFrame({"g": ["ARC"]}, geometry=[independent],
                                                                             crs=4326), "g")["ARC"] == 1
    assert got.loc["ARC", "area_km2"] == pytest.approx(equal_area(gpd.GeoDataFrame(geometry=[independent], crs=4326)).iloc[0],
                                                       rel=0.001)


@pytest.mark.parametrize(("name", "geom_type"), [("curvepolygon", "Polygon"), ("multisurface", "MultiPolygon")])
def test_curved_polygon_as_grid(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, geom_type: str) -> None:
    src = with_id(need(FIXTURES / f"{name}.gpkg"), tmp_path / f"{name}.gpkg", "grid_id", "C1")
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(src))
    assert code == 0, text
    grids = open_store(store).read("grids")
    assert grids.geom_type.tolist() == [geom_type]
    independent = gpd.read_file(src)  # GDAL linearises the arcs on read
    assert shapely.get_num_coordinates(grids.geometry.iloc[0]) == shapely.get_num_coordinates(independent.geometry.iloc[0])
    inside = gpd.GeoDataFrame({"incident_id": ["P1", "P2"], "type": "flooding"},
                              geometry=[independent.geometry.iloc[0].representative_point(), shapely.Point(0, 0)], crs=4326)
    inside.to_file(tmp_path / "p.geojson")
    assert run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "p.geojson"))[0] == 0
    got = summary(capsys, store, tmp_path)
    assert got.set_index("grid_id").loc["C1", "incidents"] == in_grids(inside, independent.assign(gid="C1"), "gid")["C1"] == 1
    assert got.set_index("grid_id").loc["C1", "area_km2"] == pytest.approx(equal_area(independent).iloc[0], rel=0.005)


def test_curvepolygon_without_id_column_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "validate", "--grids", str(need(FIXTURES / "curvepolygon.gpkg")))
    assert code == 2
    assert "grid_id" in text and "hint:" in text


def test_line_zm_as_streets_two_dimensional(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    done = subprocess.run([sys.executable, "-m", "geo", "import", "--quiet", "--store", str(store),
                           "--streets", str(need(FIXTURES / "line_zm.gpkg"))],
                          capture_output=True, text=True, cwd=paths.ROOT, check=False)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr  # GDAL's "Measured (M) ... not supported" is not printed raw
    streets = open_store(store).read("streets")
    assert len(streets) == 1
    assert not streets.has_z.any()
    raw = gpd.read_file(FIXTURES / "line_zm.gpkg")
    assert raw.has_z.all()
    assert np.allclose(shapely.get_coordinates(streets.geometry.values), shapely.get_coordinates(raw.geometry.values))


def test_line_zm_z_dropped_with_note() -> None:
    read = io.read_file(need(FIXTURES / "line_zm.gpkg"))
    assert not read.has_z.any()
    assert readgeom.notes_of(read) == {"z_dropped": 1}


def test_curve_as_streets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    code, _ = run(capsys, "import", "--quiet", "--store", str(store), "--streets", str(need(FIXTURES / "curve.gpkg")))
    assert code == 0
    streets = open_store(store).read("streets")
    raw = gpd.read_file(FIXTURES / "curve.gpkg")
    assert streets.geom_type.tolist() == ["LineString"]
    # the fixture's CompoundCurve holds straight segments only: read as its two points
    assert np.allclose(shapely.get_coordinates(streets.geometry.values), shapely.get_coordinates(raw.geometry.values))


# -- the nulls GeoPackage (pyogrio's fixture) -------------------------------------


@pytest.mark.parametrize("id_field", ["col_int64", "col_int8", "col_float64", "col_uint32"])
def test_nulls_as_incidents_missing_id_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path, id_field: str) -> None:
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--store", str(store), "--incidents", str(need(FIXTURES / "test_gpkg_nulls.gpkg")),
                     "--id-field", id_field, "--type", "drain_grate")
    assert code == 2
    assert "missing_id" in text or "no incident_id" in text
    assert not store.exists() or len(open_store(store).read("incidents")) == 0


@pytest.mark.parametrize(("kind", "codes"), [("grids", ["missing_id", "geometry_type"]), ("buildings", ["missing_id"])])
def test_nulls_as_grids_and_buildings_every_error(capsys: pytest.CaptureFixture[str], kind: str, codes: list[str]) -> None:
    code, text = run(capsys, "validate", f"--{kind}", str(need(FIXTURES / "test_gpkg_nulls.gpkg")), "--id-field", "col_int64")
    assert code == 2
    assert [line.split()[1].rstrip(":") for line in text.splitlines() if line.startswith("  ERROR")] == codes
    assert f"{len(codes)} error(s)" in text


def nulls_with_ids(dst: Path) -> Path:
    """The nulls fixture (its null row untouched) with a text id ``bid`` = B<fid>."""
    shutil.copy(need(FIXTURES / "test_gpkg_nulls.gpkg"), dst)
    with sqlite3.connect(dst) as con:
        for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # the R-tree triggers call them
            con.create_function(fn, 1, lambda _g: 0)
        con.execute("ALTER TABLE test_gpkg_nulls ADD COLUMN bid TEXT")
        con.execute("UPDATE test_gpkg_nulls SET bid = 'B' || fid")
    return dst


def test_nulls_as_buildings_kept_missing(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = nulls_with_ids(tmp_path / "nulls.gpkg")
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--buildings", str(src), "--id-field", "bid",
                     "--field", "units=col_int8", "--field", "households=col_uint64", "--field", "basement=col_bool",
                     "--field", "floors=col_int16", "--field", "residents=col_int32")
    assert code == 0, text
    b = open_store(store).read("buildings").set_index("building_id").sort_index()
    assert b["units"].tolist()[:3] == [1, 2, 3] and b["basement"].tolist()[:3] == [True, False, True]
    assert b.loc["B4", ["units", "households", "basement", "floors", "residents"]].isna().all()
    got = summary(capsys, store, tmp_path)
    outside = got[got["grid_id"].isna()].iloc[0]
    assert (outside["buildings"], outside["basements"], outside["units"], outside["households"]) == (4, 2, 6, 6)


def test_nulls_fraction_into_whole_number_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    src = nulls_with_ids(tmp_path / "nulls.gpkg")
    code, text = run(capsys, "validate", "--buildings", str(src), "--id-field", "bid", "--field", "residents=col_float32")
    assert code == 2
    assert "1.5" in text and "residents" in text


def test_nulls_as_incidents_without_null_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = gpd.read_file(need(FIXTURES / "test_gpkg_nulls.gpkg"))
    kept = raw[raw["col_int64"].notna()].assign(code=lambda d: "N" + d["col_int64"].astype(int).astype(str))
    kept.to_file(tmp_path / "n.gpkg")
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "n.gpkg"),
                     "--id-field", "code", "--type", "drain_grate")
    assert code == 0, text
    incidents = open_store(store).read("incidents")
    assert sorted(incidents["incident_id"]) == ["N1", "N2", "N3"]
    assert set(incidents["status"]) == {"ok"}


# -- Wuhan Optics Valley (OpenStreetMap, ODbL) ------------------------------------


@pytest.fixture
def wuhan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    """A store of Wuhan: grids are the street blocks over 2 ha, buildings as
    tiled (merged), flying wires at each building's point on surface."""
    roads = gpd.read_file(need(WUHAN_ROADS))
    buildings = gpd.read_file(need(WUHAN_BUILDINGS))
    lines = shapely.get_parts(np.asarray(roads.geometry.values))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(shapely.union_all(lines)))))
    blocks = gpd.GeoSeries(list(faces), crs=4326)
    keep = blocks.to_crs(32650).area.to_numpy() > 20_000
    grids = gpd.GeoDataFrame({"编号": [f"B{i:02d}" for i in range(int(keep.sum()))]}, geometry=blocks[keep].values, crs=4326)
    grids.to_file(tmp_path / "grids.geojson")
    polys = buildings[buildings.geom_type == "Polygon"].drop_duplicates("id")
    wires = gpd.GeoDataFrame({"code": [f"W{i:03d}" for i in range(len(polys))], "kind": "flying_wire"},
                             geometry=polys.representative_point().values, crs=4326)
    wires.to_file(tmp_path / "wires.geojson")
    store = tmp_path / "s.gpkg"
    for args in (("--grids", str(tmp_path / "grids.geojson"), "--id-field", "编号"),
                 ("--buildings", str(WUHAN_BUILDINGS), "--id-field", "id", "--merge-duplicates"),
                 ("--incidents", str(tmp_path / "wires.geojson"), "--id-field", "code", "--type-field", "kind"),
                 ("--streets", str(WUHAN_ROADS))):
        code, text = run(capsys, "import", "--quiet", "--store", str(store), *args)
        assert code == 0, text
    return {"store": store, "grids": grids, "wires": wires}


def test_wuhan_buildings_need_merge_duplicates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, text = run(capsys, "validate", "--buildings", str(need(WUHAN_BUILDINGS)), "--id-field", "id")
    assert code == 2
    assert "duplicate_id" in text and "--merge-duplicates" in text


def test_wuhan_block_grids_counts(capsys: pytest.CaptureFixture[str], tmp_path: Path, wuhan: dict[str, object]) -> None:
    store, grids, wires = wuhan["store"], wuhan["grids"], wuhan["wires"]
    assert isinstance(grids, gpd.GeoDataFrame) and isinstance(wires, gpd.GeoDataFrame) and isinstance(store, Path)
    assert len(grids) == 15
    got = summary(capsys, store, tmp_path)
    per_grid = got[got["grid_id"].notna()].set_index("grid_id")
    # incidents: the grid holding the point
    expected = in_grids(wires, grids, "编号")
    assert per_grid["incidents"].to_dict() == {g: int(expected.get(g, 0)) for g in grids["编号"]}
    assert int(got.loc[got["grid_id"].isna(), "incidents"].iloc[0]) == len(wires) - int(expected.sum()) == 159
    # buildings: the grid a footprint overlaps most (points: the grid holding them)
    stored = open_store(store).read("buildings")
    assert len(stored) == 236  # 355 rows - 88 label points - 28 pieces merged into others - 3 parts merged into 2 buildings
    metric = stored.to_crs(32650)
    polys = metric[metric.geom_type.isin(["Polygon", "MultiPolygon"])]
    over = gpd.overlay(polys[["building_id", "geometry"]], grids.to_crs(32650), how="intersection", keep_geom_type=False)
    over = over.assign(a=over.area).sort_values(["a", "编号"], ascending=[False, True]).drop_duplicates("building_id")
    over = over[over["a"] > 0]
    pts = stored[stored.geom_type == "Point"]
    n = over["编号"].value_counts().add(in_grids(pts, grids, "编号"), fill_value=0)
    assert per_grid["buildings"].to_dict() == {g: int(n.get(g, 0)) for g in grids["编号"]}
    # areas
    areas = equal_area(grids.set_index("编号"))
    assert np.allclose(per_grid.loc[grids["编号"], "area_km2"], areas[grids["编号"]].to_numpy(), rtol=0.002)


def test_wuhan_route_visits_every_wire_of_a_block(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   wuhan: dict[str, object]) -> None:
    store, grids, wires = wuhan["store"], wuhan["grids"], wuhan["wires"]
    assert isinstance(grids, gpd.GeoDataFrame) and isinstance(wires, gpd.GeoDataFrame)
    out = tmp_path / "b00.gpx"
    code, text = run(capsys, "route", "--quiet", "--store", str(store), "--grid", "B00", "--types", "flying_wire",
                     "--out", str(out))
    assert code == 0, text
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    names = {w.findtext("g:name", namespaces=ns) for w in ET.parse(out).getroot().iterfind(".//g:wpt", ns)}
    expected = set(gpd.sjoin(wires, grids[grids["编号"] == "B00"], predicate="intersects")["code"])
    assert len(expected) == 22
    assert {n.split()[1] for n in names if n} == expected  # "1 W013 flying_wire": stop, id, type


def test_wuhan_checklist_lists_every_wire(capsys: pytest.CaptureFixture[str], tmp_path: Path, wuhan: dict[str, object]) -> None:
    store, grids, wires = wuhan["store"], wuhan["grids"], wuhan["wires"]
    assert isinstance(grids, gpd.GeoDataFrame) and isinstance(wires, gpd.GeoDataFrame)
    out = tmp_path / "c.csv"
    code, text = run(capsys, "checklist", "--quiet", "--store", str(store), "--level", "red", "--grid", "B00",
                     "--out", str(out))
    assert code == 0, text
    rows = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    inside = gpd.sjoin(wires, grids[grids["编号"] == "B00"], predicate="intersects")
    assert set(rows.loc[rows["section"] == "wire", "item_id"]) == set(inside["code"])


def test_wuhan_flood_near_point(capsys: pytest.CaptureFixture[str], tmp_path: Path, wuhan: dict[str, object]) -> None:
    store, wires = wuhan["store"], wuhan["wires"]
    assert isinstance(store, Path) and isinstance(wires, gpd.GeoDataFrame)
    at = shapely.Point(114.3967294, 30.5091961)
    out = tmp_path / "f.csv"
    code, text = run(capsys, "flood", "--quiet", "--store", str(store), "--at", f"{at.x},{at.y}", "--radius", "100",
                     "--out", str(out))
    assert code == 0, text
    rows = pd.read_csv(out, dtype={"building_id": str}, encoding="utf-8-sig")
    crs = "+proj=tmerc +lat_0=30.509 +lon_0=114.397 +ellps=WGS84 +units=m"
    centre = gpd.GeoSeries([at], crs=4326).to_crs(crs).iloc[0]
    b = open_store(store).read("buildings").to_crs(crs)
    near_b = set(b.loc[b.distance(centre) <= 100, "building_id"])
    near_w = int((wires.to_crs(crs).distance(centre) <= 100).sum())
    assert set(rows.loc[rows["section"] == "buildings", "building_id"]) == near_b
    assert len(near_b) == 3
    assert int((rows["section"] == "wires").sum()) == near_w


# -- OpenStreetMap extracts (ODbL) ----------------------------------------------------


# lines people can walk (geo.streets.walk_rule): Kotka keeps its 81 cycleways, drops motorways and rail
@pytest.mark.parametrize(("path", "n"), [(KOTKA, 318), (FIXTURES / "sample.osm.pbf", 35)])
def test_osm_extract_as_streets(capsys: pytest.CaptureFixture[str], tmp_path: Path, path: Path, n: int) -> None:
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--streets", str(need(path)))
    assert code == 0, text
    streets = open_store(store).read("streets")
    assert len(streets) == n
    assert streets.geom_type.isin(["LineString"]).all() and not streets.has_z.any()


def blocks_of(streets: gpd.GeoDataFrame, min_m2: float, crs: str) -> gpd.GeoDataFrame:
    """Street blocks (faces of the noded street lines) over ``min_m2``, as grids."""
    lines = shapely.get_parts(np.asarray(streets.geometry.values))
    faces = gpd.GeoSeries(list(shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.node(
        shapely.union_all(lines)))))), crs=4326)
    keep = faces.to_crs(crs).area.to_numpy() > min_m2
    return gpd.GeoDataFrame({"block": [f"K{i:02d}" for i in range(int(keep.sum()))]}, geometry=faces[keep].values, crs=4326)


def test_osm_extract_buildings_per_street_block(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    assert run(capsys, "import", "--quiet", "--store", str(store), "--streets", str(need(KOTKA)))[0] == 0
    grids = blocks_of(open_store(store).read("streets"), 20_000, "EPSG:3067")
    grids.to_file(tmp_path / "blocks.geojson")
    assert run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(tmp_path / "blocks.geojson"),
               "--id-field", "block")[0] == 0
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--buildings", str(KOTKA), "--id-field", "osm_id")
    assert code == 0, text
    assert "empty_geometry: 4 row(s)" in text  # rings clipped at the extract's edge
    # independent: GDAL's own reading, features with a building tag and a readable geometry
    meta, _, wkb, fields = pyogrio.raw.read(KOTKA, layer="multipolygons")
    tagged = np.array([v is not None for v in fields[list(meta["fields"]).index("building")]])
    readable = shapely.from_wkb(wkb, on_invalid="ignore")
    expected_n = int((tagged & ~shapely.is_missing(readable) & ~shapely.is_empty(readable)).sum())
    stored = open_store(store).read("buildings")
    # one polygon lies inside another building (a building part): merged into it and listed
    assert "building_parts_merged: 1 building polygon(s)" in text and "[w424099283]" in text
    assert len(stored) == expected_n - 1 == 2214
    got = summary(capsys, store, tmp_path)
    per_grid = got[got["grid_id"].notna()].set_index("grid_id")["buildings"]
    metric = stored.to_crs(3067)
    over = gpd.overlay(metric[["building_id", "geometry"]], grids.to_crs(3067), how="intersection", keep_geom_type=False)
    over = over.assign(a=over.area).sort_values(["a", "block"], ascending=[False, True]).drop_duplicates("building_id")
    n = over.loc[over["a"] > 0, "block"].value_counts()
    assert per_grid.to_dict() == {g: int(n.get(g, 0)) for g in grids["block"]}
    assert int(got.loc[got["grid_id"].isna(), "buildings"].iloc[0]) == len(stored) - int(n.sum())
    assert per_grid.sum() > 500


def test_osm_points_as_incidents(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(need(KOTKA)),
                     "--id-field", "osm_id", "--type", "flooding")
    assert code == 0, text
    independent = gpd.read_file(KOTKA, layer="points")
    stored = open_store(store).read("incidents")
    assert sorted(stored["incident_id"]) == sorted("n" + independent["osm_id"].astype(str)) and len(stored) == 114


def test_osm_extract_without_layer_for_grids(capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "validate", "--grids", str(need(KOTKA)), "--id-field", "osm_id")
    assert code == 2
    assert "buildings, multipolygons, points" in text and "--layer" in text


def test_natural_earth_melanesia_across_antimeridian_too_wide(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    world[world["name"].isin(["Fiji", "Vanuatu", "New Caledonia", "Solomon Is."])].to_file(tmp_path / "m.gpkg")
    code, text = run(capsys, "validate", "--grids", str(tmp_path / "m.gpkg"), "--id-field", "name")
    assert code == 2
    # measured from its own middle across 180°: 2.1% at the edge, not "-180 to 180"
    assert "156.5° to -179.8°" in text and "2.1%" in text


def test_natural_earth_lesotho_enclave_lattice_of_points(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    grids = world[world["name"].isin(["South Africa", "Lesotho", "eSwatini"])]
    assert len(grids) == 3
    grids.to_file(tmp_path / "za.gpkg")
    x0, y0, x1, y1 = grids.total_bounds
    xs, ys = np.meshgrid(np.arange(x0, x1, 0.25), np.arange(y0, y1, 0.25))
    points = gpd.GeoDataFrame({"incident_id": [f"P{i:04d}" for i in range(xs.size)], "type": "flooding"},
                              geometry=gpd.points_from_xy(xs.ravel(), ys.ravel()), crs=4326)
    points.to_file(tmp_path / "lattice.geojson")
    store = tmp_path / "s.gpkg"
    assert run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(tmp_path / "za.gpkg"),
               "--id-field", "name")[0] == 0
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "lattice.geojson"))
    assert code == 0, text
    got = summary(capsys, store, tmp_path)
    expected = in_grids(points, grids, "name")
    per_grid = got[got["grid_id"].notna()].set_index("grid_id")["incidents"]
    assert per_grid.to_dict() == {g: int(expected[g]) for g in grids["name"]}
    assert per_grid["Lesotho"] > 0 and per_grid["South Africa"] > 1_000
    assert int(got.loc[got["grid_id"].isna(), "incidents"].iloc[0]) == len(points) - int(expected.sum())


def test_natural_earth_grids_with_z_counted_the_same(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    grids = world[world["name"].isin(EAST_AFRICA)]
    with_z = grids.set_geometry(shapely.force_3d(np.asarray(grids.geometry.values), 12.5), crs=4326)
    with_z.to_file(tmp_path / "ea_z.gpkg")
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--store", str(store), "--grids", str(tmp_path / "ea_z.gpkg"), "--id-field", "name")
    assert code == 0, text
    assert "z_dropped" in text and "5 feature(s)" in text
    stored = open_store(store).read("grids")
    assert not stored.has_z.any()
    assert stored.set_index("grid_id").geometry.geom_equals_exact(grids.set_index("name").geometry, 0).all()


def test_centre_lon_across_antimeridian() -> None:
    from geo.crs import centre_lon

    fiji = gpd.GeoSeries([shapely.box(177, -19, 180, -16), shapely.box(-180, -17, -179.5, -16)], crs=4326)
    assert centre_lon(fiji, -180, 180) == pytest.approx(178.75)  # middle of 177°E .. 179.5°W
    world = gpd.GeoSeries([shapely.box(-180, -10, -100, 10), shapely.box(0, -10, 100, 10), shapely.box(120, 0, 180, 10)],
                          crs=4326)
    assert centre_lon(world, -180, 180) == 0
    assert centre_lon(gpd.GeoSeries([shapely.box(114, 30, 115, 31)], crs=4326), 114, 115) == 114.5


@pytest.mark.parametrize(("content", "expected"), [
    (None, "cannot be read as an OpenStreetMap file"),  # the Kotka extract cut at 30 kB
    (b"hello", "cannot be read as an OpenStreetMap file"),
    (b'<osm version="0.6"></osm>', "holds nothing in layer buildings"),
])
def test_osm_broken_files_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes | None,
                                  expected: str) -> None:
    src = tmp_path / ("cut.osm.pbf" if content is None else "x.osm")
    src.write_bytes(need(KOTKA).read_bytes()[:30_000] if content is None else content)
    store = tmp_path / "s.gpkg"
    code, text = run(capsys, "import", "--quiet", "--store", str(store), "--buildings", str(src), "--id-field", "osm_id")
    assert code == 2
    assert [line.split(":")[0] for line in text.strip().splitlines()] == ["error", "hint"]
    assert expected in text and str(tmp_path) not in text


def test_natural_earth_projected_shapefile_same_answers(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    world = gpd.read_file(need(NATURAL_EARTH))
    grids = world[world["name"].isin(EAST_AFRICA)]
    grids.to_crs(21037).to_file(tmp_path / "ea_utm.shp")  # Arc 1960 / UTM zone 37S, as a national agency ships it
    points = world.assign(geometry=world.representative_point())
    points.to_file(tmp_path / "points.gpkg")
    store = tmp_path / "s.gpkg"
    assert run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(tmp_path / "ea_utm.shp"),
               "--id-field", "name")[0] == 0
    assert run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(tmp_path / "points.gpkg"),
               "--id-field", "name", "--type", "drain_grate")[0] == 0
    got = summary(capsys, store, tmp_path).set_index("grid_id")
    areas = equal_area(grids.set_index("name"))
    for gid in EAST_AFRICA:
        assert got.loc[gid, "incidents"] == 1
        assert got.loc[gid, "area_km2"] == pytest.approx(areas[gid], rel=0.01)
    (tmp_path / "ea_utm.prj").unlink()
    code, text = run(capsys, "validate", "--grids", str(tmp_path / "ea_utm.shp"), "--id-field", "name")
    assert code == 2 and "--crs" in text
    assert run(capsys, "validate", "--grids", str(tmp_path / "ea_utm.shp"), "--id-field", "name",
               "--crs", "EPSG:21037")[0] == 0
