"""Choosing grids for a route: a chosen grid with nothing to visit is a warning, not an "unknown grid"."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely

from geo.cli import main
from geo.errors import OptionError, UnknownIdError
from geo.routing.network import build_network
from geo.routing.plan import plan_routes, select_points
from geo.store import open_store

GRID_IDS = ["G1", "G2", "G3", "社区-A"]


def _incidents(make_points: Callable[..., gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    pts = make_points([(0, 0), (100, 0), (200, 100), (300, 300), (0, 300)],
                 types=["drain_grate", "drain_grate", "flooding", "drain_grate", "flying_wire"],
                 grids=["G1", "G1", "G2", "G2", "G1"])  # fmt: skip
    return pts


def test_a_grid_without_points_of_the_types_is_planned_around(make_points: Callable[..., gpd.GeoDataFrame], grid_streets: Callable[..., gpd.GeoDataFrame]) -> None:
    chosen = select_points(_incidents(make_points), grids=["G2", "G3", "G1"], types=["drain_grate"], grid_ids=GRID_IDS)
    assert chosen["incident_id"].tolist() == ["P00", "P01", "P03"]
    assert chosen.attrs["empty_grids"] == ["G3"]
    plan = plan_routes(chosen, network=build_network(grid_streets()))
    assert plan.empty_grids == ["G3"]
    assert any("G3" in w and "nothing to visit" in w for w in plan.warnings)
    assert any("G3" in m and "没有要巡查的点" in m for m in plan.messages("zh"))
    # a grid that has points, but not of these types, is empty too
    chosen = select_points(_incidents(make_points), grids=["G1", "G2"], types=["flooding"], grid_ids=GRID_IDS)
    assert chosen.attrs["empty_grids"] == ["G1"] and chosen["incident_id"].tolist() == ["P02"]


def test_a_route_of_one_stop(make_points: Callable[..., gpd.GeoDataFrame], grid_streets: Callable[..., gpd.GeoDataFrame]) -> None:
    chosen = select_points(_incidents(make_points), grids=["G2", "G3"], types=["flooding"], grid_ids=GRID_IDS)
    plan = plan_routes(chosen, network=build_network(grid_streets()))
    assert len(plan.stops) == 1 and plan.total_m == 0.0 and plan.empty_grids == ["G3"]


def test_only_ids_that_are_not_grids_are_refused_with_the_closest(make_points: Callable[..., gpd.GeoDataFrame]) -> None:
    with pytest.raises(UnknownIdError) as caught:
        select_points(_incidents(make_points), grids=["G1", "社区A"], types=["drain_grate"], grid_ids=GRID_IDS)
    message, hint = caught.value.localized("en")
    assert "'社区A'" in message and "G1" not in message
    assert "社区-A" in hint and "G3" in hint  # every real grid listed, the closest named
    assert "closest to what was typed: 社区-A" in hint
    assert "社区-A" in caught.value.localized("zh")[1]


def test_all_chosen_grids_empty_is_a_clear_error(make_points: Callable[..., gpd.GeoDataFrame]) -> None:
    with pytest.raises(OptionError) as caught:
        select_points(_incidents(make_points), grids=["G3", "社区-A"], types=["drain_grate"], grid_ids=GRID_IDS)
    message, hint = caught.value.localized("en")
    assert "G3, 社区-A" in message and "drain_grate" in message
    assert "Widen the choice" in hint


def test_a_type_the_store_knows_but_has_no_point_of(make_points: Callable[..., gpd.GeoDataFrame]) -> None:
    with pytest.raises(OptionError, match="No incident matches"):
        select_points(_incidents(make_points), grids=[], types=["garbage"], type_codes=["drain_grate", "garbage"])
    with pytest.raises(UnknownIdError, match="closest to what was typed: drain_grate"):
        select_points(_incidents(make_points), grids=[], types=["drain_grat"], type_codes=["drain_grate", "garbage"])


def _store(make_points: Callable[..., gpd.GeoDataFrame], local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame], tmp_path: Path) -> str:
    squares = [shapely.box(-50 + 200 * i, -50, 150 + 200 * i, 350) for i in range(3)]
    grids = gpd.GeoDataFrame({"grid_id": ["G1", "G2", "G3"], "name": ["一", "二", "三"]}, geometry=squares,
                             crs=local_crs).to_crs(4326)  # fmt: skip
    path = str(tmp_path / "s.gpkg")
    open_store(path).write(layers={"grids": grids, "incidents": _incidents(make_points), "streets": grid_streets()}, note="t")
    return path


def test_cli_warns_about_the_empty_grid(make_points: Callable[..., gpd.GeoDataFrame], local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _store(make_points, local_crs, grid_streets, tmp_path)
    out = tmp_path / "r.csv"
    argv = ["route", "--store", store, "--grid", "G3", "--grid", "G1", "--types", "drain_grate", "--out", str(out)]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "warning: 1 chosen grid(s) had nothing to visit" in captured.err and "G3" in captured.err
    assert "Unknown grid" not in captured.err
    assert main([*argv, "--lang", "zh"]) == 0
    assert "没有要巡查的点" in capsys.readouterr().err


def test_cli_all_empty_and_unknown_exit_2(make_points: Callable[..., gpd.GeoDataFrame], local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = _store(make_points, local_crs, grid_streets, tmp_path)
    out = str(tmp_path / "r.csv")
    assert main(["route", "--store", store, "--grid", "G3", "--types", "drain_grate", "--out", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[0].startswith("error: No incident matches grids G3") and err[1].startswith("hint: ")
    assert main(["route", "--store", store, "--grid", "G4", "--types", "drain_grate", "--out", out]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "error: Unknown grid 'G4': no grid of the store has this id."
    assert err[1].startswith("hint: Choose from: G1, G2, G3")


def test_a_plan_on_streets_that_do_not_cover_the_points_says_why(
    make_points: Callable[..., gpd.GeoDataFrame], make_streets: Callable[..., gpd.GeoDataFrame]
) -> None:
    net = build_network(make_streets([[(0, 0), (300, 0)], [(300, 0), (300, 300)]]))
    pts = make_points([(0, 600), (100, 650), (200, 600), (250, 700)])  # 600-700 m north of every street
    plan = plan_routes(pts, network=net, closed=False)
    keys = [k for k, _ in plan.notes]
    assert "routes.warn_streets_far" in keys and "routes.warn_none_reached" in keys
    far = next(w for w in plan.warnings if "beyond snapping distance" in w)
    assert "100% of the points" in far and "GCJ-02" in far
    assert re.search(r"median (3|4)\d\d m", far)  # 300-450 m from the nearest street
    assert any("GCJ-02" in m and "米" in m for m in plan.messages("zh"))
    near = plan_routes(make_points([(0, 5), (100, 5), (300, 200)]), network=net, closed=False)
    assert "routes.warn_streets_far" not in [k for k, _ in near.notes]


def test_cli_sheet_language(make_points: Callable[..., gpd.GeoDataFrame], local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame], tmp_path: Path) -> None:
    store = _store(make_points, local_crs, grid_streets, tmp_path)
    out = tmp_path / "r.kml"
    base = ["route", "--store", store, "--types", "drain_grate", "--out", str(out)]
    assert main(base) == 0
    assert "巡查员 1" in out.read_text(encoding="utf-8") and "雨水篦子" in out.read_text(encoding="utf-8")
    assert main([*base, "--sheet-lang", "en"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Patroller 1" in text and "Rain grate" in text and "巡查" not in text


def test_a_plan_warns_when_the_streets_do_not_cover_the_chosen_grids(local_crs: pyproj.CRS, grid_streets: Callable[..., gpd.GeoDataFrame], make_points: Callable[..., gpd.GeoDataFrame], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    net = build_network(grid_streets())  # 300 m x 300 m of streets at the origin
    pts = make_points([(0, 0), (100, 0), (200, 100)])
    far = gpd.GeoDataFrame({"grid_id": ["G9"]}, geometry=[shapely.box(600, 600, 1400, 1400)], crs=local_crs).to_crs(4326)
    plan = plan_routes(pts, network=net, grids=far)
    note = dict(plan.notes)["routes.warn_grids_uncovered"]
    assert note["share"] == pytest.approx(0.0) and 950 < float(note["distance"]) < 1000  # type: ignore[arg-type]
    assert any("do not cover the chosen grids" in w and "GCJ-02" in w for w in plan.warnings)
    near = gpd.GeoDataFrame({"grid_id": ["G1"]}, geometry=[shapely.box(-20, -20, 320, 320)], crs=local_crs).to_crs(4326)
    assert "routes.warn_grids_uncovered" not in dict(plan_routes(pts, network=net, grids=near).notes)
    # the command passes the chosen grids: the store's grids (around the streets) are covered
    store = _store(make_points, local_crs, grid_streets, tmp_path)
    assert main(["route", "--store", store, "--grid", "G1", "--types", "drain_grate", "--out", str(tmp_path / "r.gpx")]) == 0
    assert "do not cover" not in capsys.readouterr().err
