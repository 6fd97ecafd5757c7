"""Patrol routes at the edges: the split against a dynamic programme, thousands of points, the OR-Tools
fallback, grates at one spot off the street, streets cut off from the rest, the sheet's Chinese notes,
what the command prints, and a real OpenStreetMap extract from import to GPX."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from lxml import etree

from geo.routing import export
from geo.routing.network import build_network
from geo.routing.plan import plan_routes
from geo.routing.sheet import notes_zh, sheet_notes
from geo.routing.split import route_length, split_tour
from geo.routing.tsp import METHOD_ORTOOLS, to_uint16
from geo.streets import load_streets
from tests import paths
from tests.needs import shared_data

DATA = paths.SHARED
KOTKA = DATA / "osm" / "kotka_karhula.osm.pbf"
GPX_XSD = paths.DATA / "gpx11.xsd"


def _euclid(xy: np.ndarray) -> np.ndarray:
    return np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))


def _dp_makespan(dist: np.ndarray, order: list[int], k: int, depot: int | None, closed: bool, max_stops: int) -> float:
    """Reference: the exact min-max cut of ``order`` into ``k`` non-empty pieces, O(k n^2)."""
    n = len(order)

    def cost(i: int, j: int) -> float:
        return route_length(dist, order[i:j], depot, closed)

    best = [0.0] + [np.inf] * n
    for _ in range(k):
        best = [np.inf] + [min((max(best[i], cost(i, j)) for i in range(max(0, j - max_stops), j)), default=np.inf)
                           for j in range(1, n + 1)]  # fmt: skip
    return best[n]


class TestSplitAgainstDynamicProgramme:
    @pytest.mark.parametrize(
        ("depot", "closed", "max_stops"), [(0, True, None), (0, False, None), (0, True, 9), (None, False, None)]
    )
    def test_same_longest_route(self, depot: int | None, closed: bool, max_stops: int | None) -> None:
        rng = np.random.default_rng(11)
        dist = _euclid(rng.random((41, 2)) * 1000)
        order = [i for i in rng.permutation(41).tolist() if i != depot]
        routes = split_tour(dist, order, 5, depot=depot, closed=closed, max_stops=max_stops)
        got = max(route_length(dist, r, depot, closed) for r in routes)
        assert sorted(i for r in routes for i in r) == sorted(order)
        assert all(routes) and (max_stops is None or max(map(len, routes)) <= max_stops)
        if depot is not None:  # a cycle is cut at 16 places only; with a depot the order is fixed
            assert got == pytest.approx(_dp_makespan(dist, order, 5, depot, closed, max_stops or len(order)), rel=1e-6)


class TestScale:
    @pytest.mark.parametrize("k", [1, 5])
    def test_two_thousand_points(self, k: int) -> None:
        rng = np.random.default_rng(5)
        xy = rng.random((2000, 2)) * 3000
        pts = gpd.GeoDataFrame({"id": [f"p{i}" for i in range(2000)]}, geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
                               crs="EPSG:32650")  # fmt: skip
        plan = plan_routes(pts, patrollers=k, time_limit=1.0)
        assert sorted(plan.stops["id"]) == sorted(pts["id"])
        assert plan.routes["n_stops"].min() > 0 and plan.patrollers == k
        for p in range(1, k + 1):
            assert plan.route_stops(p)["seq"].tolist() == list(range(1, int(plan.routes["n_stops"].iloc[p - 1]) + 1))
        if k == 5:
            assert plan.makespan_m < plan.total_m / 3

    def test_distances_too_coarse_for_16_bits_go_to_ortools(self) -> None:
        rng = np.random.default_rng(6)
        xy = np.vstack([rng.random((150, 2)) * 20, [[200_000.0, 0.0]]])  # 1 m apart, and one point 200 km away
        assert to_uint16(_euclid(xy)) is None
        pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0] + 500_000, xy[:, 1] + 3_300_000), crs="EPSG:32650")
        plan = plan_routes(pts, time_limit=0.5)
        assert plan.method == METHOD_ORTOOLS
        assert sorted(plan.stops["id"].astype(int)) == list(range(151))
        assert plan.total_m == pytest.approx(2 * 200_000, rel=0.01)


class TestPlacesAndPieces:
    def test_grates_at_one_spot_off_the_street(self, make_points: Callable[..., gpd.GeoDataFrame], make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(make_streets([[(0, 0), (200, 0)]]))
        pts = make_points([(50, 10), (50, 10), (50, 10), (150, 10)])
        plan = plan_routes(pts, network=net, start=None, closed=False)
        # one walk out to the street and back for the pair of places, not one per grate
        assert plan.makespan_m == pytest.approx(10 + 100 + 10, abs=0.1)
        assert not plan.stops["straight"].any()

    def test_a_street_cut_off_from_the_rest(self, lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], make_streets: Callable[..., gpd.GeoDataFrame]) -> None:
        net = build_network(make_streets([[(0, 0), (300, 0)], [(0, 400), (300, 400)]]))
        pts = make_points([(0, 2), (100, 2), (200, 2), (300, 2), (100, 398), (200, 398)])
        plan = plan_routes(pts, network=net, start=lonlat(0, 0), closed=True)
        assert plan.unreachable == ["P04", "P05"]
        assert any("cut off" in w for w in plan.warnings)
        legs = plan.stops.set_index("id")["straight"]
        assert legs.sum() == 1  # only the leg that crosses the gap; the other stop of that street is walked to
        crossing = plan.routes.geometry.iloc[0]
        assert crossing is not None and crossing.length > 0
        # walked: out along the first street, across the gap, 100 m along the second, back
        assert plan.makespan_m < 2 * (300 + 400 + 300) + 10

    def test_sheet_notes_are_chinese(self, grid_streets: Callable[..., gpd.GeoDataFrame], lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame], tmp_path: Path) -> None:
        net = build_network(grid_streets())
        pts = make_points([(0, 0), (100, 0), (200, 100), (2000, 2000)])
        plan = plan_routes(pts, network=net, start=lonlat(0, 0), patrollers=5)
        notes = notes_zh(plan)
        assert any("没有街道可达" in n and "P03" in n for n in notes)
        assert any("名巡查员没有巡查点" in n for n in notes)
        assert not any(c.isascii() and c.isalpha() for n in notes for c in n.replace("P03", ""))
        owner = int(plan.stops.loc[plan.stops["id"] == "P03", "patroller"].iloc[0])
        other = next(int(p) for p in plan.stops["patroller"].unique() if p != owner)
        assert any("P03" in n for n in sheet_notes(plan, owner, "zh"))
        assert not any("P03" in n for n in sheet_notes(plan, other, "zh"))  # each sheet lists its own
        pdf = export.to_pdf(plan, owner)
        if shutil.which("pdftotext"):
            (tmp_path / "r.pdf").write_bytes(pdf)
            text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True, text=True)
            assert "没有街道可达" in text.stdout.replace("\n", "")
            assert "no street" not in text.stdout


class TestCommandSays:
    def test_points_form_says_straight_lines(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from geo.cli import main

        src = tmp_path / "pts.csv"
        src.write_text("x,y\n0,0\n300,0\n300,400\n0,400\n", encoding="utf-8")
        assert main(["route", "--points", str(src), "--crs", "EPSG:32650", "--closed", "--out", str(tmp_path / "t.csv")]) == 0
        assert "straight lines" in capsys.readouterr().out

    def test_streets_elsewhere(self, make_points: Callable[..., gpd.GeoDataFrame], make_streets: Callable[..., gpd.GeoDataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from geo.cli import main
        from geo.store import open_store

        far = make_streets([[(50_000, 0), (50_300, 0)]])  # 50 km away from every point
        open_store(tmp_path / "s.gpkg").write(
            layers={"incidents": make_points([(0, 0), (100, 0), (0, 100)]), "streets": far}, note="t"
        )
        assert (
            main(["route", "--store", str(tmp_path / "s.gpkg"), "--types", "drain_grate", "--out", str(tmp_path / "r.csv")]) == 0
        )
        captured = capsys.readouterr()
        assert "except 3 point(s) joined by straight lines" in captured.out
        assert "No street reaches any point" in captured.err


@shared_data(KOTKA, "shared OpenStreetMap extract")
def test_openstreetmap_extract_from_import_to_gpx(tmp_path: Path) -> None:
    from geo.cli import main

    ways = load_streets(KOTKA).to_crs(3067)
    rng = np.random.default_rng(3)
    lines = ways.geometry.to_numpy()[rng.choice(len(ways), 40, replace=False)]
    at = [line.interpolate(float(rng.random()), normalized=True) for line in lines]
    grates = gpd.GeoSeries([shapely.Point(p.x + 5, p.y) for p in at], crs=3067).to_crs(4326)
    incidents = tmp_path / "grates.csv"
    with incidents.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["incident_id", "type", "status", "lon", "lat"])
        w.writerows([f"K{i:02d}", "drain_grate", "ok", p.x, p.y] for i, p in enumerate(grates))
    store = str(tmp_path / "k.gpkg")
    assert main(["import", "--store", store, "--incidents", str(incidents), "--crs", "EPSG:4326", "--quiet"]) == 0
    assert main(["import", "--store", store, "--streets", str(KOTKA), "--quiet"]) == 0
    out = tmp_path / "k.gpx"
    assert main(["route", "--store", store, "--types", "drain_grate", "--start", "K00", "--out", str(out), "--quiet"]) == 0
    doc = etree.parse(str(out))
    assert etree.XMLSchema(etree.parse(str(GPX_XSD))).validate(doc)
    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    names = [w.findtext("g:name", namespaces=ns) for w in doc.findall("g:wpt", ns)]
    assert names[0] == "0 start" and len(names) == 41
    assert {n.split()[1] for n in names[1:]} == {f"K{i:02d}" for i in range(40)}
    assert len(doc.findall(".//g:trkpt", ns)) > 2 * 40  # the track follows the streets, not 40 straight legs
    csv_out = tmp_path / "k.csv"
    assert main(["route", "--store", store, "--types", "drain_grate", "--start", "K00", "--out", str(csv_out), "--quiet"]) == 0
    rows = list(csv.reader(io.StringIO(csv_out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["seq", "id", "type", "grid_id", "lon", "lat", "leg_m", "cumulative_m"]
