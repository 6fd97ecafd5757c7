"""geo.routing.plan: stops that no walk can join are refused with their ids, never routed into NaN."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from geo import cli, schema
from geo.errors import GeometryError
from geo.routing.plan import MAX_SPREAD_KM, plan_routes


def _points(lonlat: list[tuple[float, float]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"incident_id": [f"i{k}" for k in range(len(lonlat))], "type": "flooding",
                             "grid_id": "A"}, geometry=[shapely.Point(p) for p in lonlat], crs=schema.STORAGE_CRS)


def test_strays_on_other_continents_are_named_not_routed() -> None:
    pts = _points([(114.362, 30.512), (114.368, 30.518), (114.365, 30.515), (30.005, -0.995), (-60.0, 10.0)])
    with pytest.raises(GeometryError) as caught:
        plan_routes(pts, network=None, time_limit=1.0)
    exc = caught.value
    assert exc.key == "route.points_far" and exc.params["ids"] == "i3, i4" and exc.params["n"] == 2
    assert f"more than {MAX_SPREAD_KM:g} km" in exc.message and "--grid" in exc.hint
    assert "公里" in exc.localized("zh")[0]


def test_a_district_wide_route_is_planned() -> None:
    # 60 km apart: still one (long) plan, every leg finite
    plan = plan_routes(_points([(114.0, 30.5), (114.3, 30.6), (114.6, 30.5)]), network=None, time_limit=1.0)
    assert plan.total_m > 50_000 and plan.total_m < 200_000


def test_cli_exits_2_and_writes_no_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    grids = gpd.GeoDataFrame({"grid_id": ["A"]}, geometry=[shapely.box(114.36, 30.51, 114.37, 30.52)], crs=4326)
    grids.to_file(tmp_path / "grids.geojson")
    _points([(114.362, 30.512), (114.368, 30.518), (-60.0, 10.0)]).drop(columns=["grid_id"]).to_file(
        tmp_path / "incidents.geojson")
    store = str(tmp_path / "s.gpkg")
    assert cli.main(["import", "--quiet", "--store", store, "--grids", str(tmp_path / "grids.geojson")]) == 0
    assert cli.main(["import", "--quiet", "--store", store, "--incidents", str(tmp_path / "incidents.geojson")]) == 0
    capsys.readouterr()
    out = tmp_path / "r.gpx"
    assert cli.main(["route", "--quiet", "--store", store, "--types", "flooding", "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("error: 1 of the 3 stops") and "i2" in err[0] and err[1].startswith("hint:")
    assert not out.exists()
    # the grid alone plans fine
    assert cli.main(["route", "--quiet", "--store", store, "--types", "flooding", "--grid", "A", "--out", str(out)]) == 0
    assert "nan" not in out.read_text(encoding="utf-8").lower()


def test_a_second_street_network_needs_replace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from geo.store import open_store

    def lines(n: int, name: str) -> Path:
        gdf = gpd.GeoDataFrame({"highway": ["residential"] * n},
                               geometry=[shapely.LineString([(114.36, 30.51 + k * 0.001), (114.37, 30.51 + k * 0.001)])
                                         for k in range(n)], crs=4326)
        gdf.to_file(tmp_path / name)
        return tmp_path / name

    store = str(tmp_path / "s.gpkg")
    first, second = lines(3, "a.geojson"), lines(2, "b.geojson")
    assert cli.main(["import", "--quiet", "--store", store, "--streets", str(first)]) == 0
    before = open_store(store).version
    capsys.readouterr()
    assert cli.main(["import", "--quiet", "--store", store, "--streets", str(second)]) == 2
    err = capsys.readouterr().err
    assert "already holds 3 street lines" in err and "--replace" in err
    assert open_store(store).version == before and len(open_store(store).read("streets")) == 3
    assert cli.main(["validate", "--store", store, "--streets", str(second)]) == 0  # checking writes nothing
    assert cli.main(["import", "--quiet", "--replace", "--store", store, "--streets", str(second)]) == 0
    assert len(open_store(store).read("streets")) == 2


def test_street_files_keep_the_loader_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    line = shapely.LineString([(114.36 + k * 1e-5, 30.51) for k in range(50)])
    gpd.GeoDataFrame({"highway": ["residential"]}, geometry=[line], crs=4326).to_file(tmp_path / "s.geojson")
    monkeypatch.setenv("GRIDWATCH_MAX_VERTICES", "20")
    assert cli.main(["validate", "--streets", str(tmp_path / "s.geojson")]) == 2
    err = capsys.readouterr().err
    assert "Feature 1 of 's.geojson' has 50 vertices, over the limit of 20" in err, err
    assert "GRIDWATCH_MAX_VERTICES" in err
    monkeypatch.setenv("GRIDWATCH_MAX_VERTICES", "100000")
    monkeypatch.setenv("GRIDWATCH_MAX_FILE_MB", "0.000001")
    assert cli.main(["validate", "--streets", str(tmp_path / "s.geojson")]) == 2
    assert "over the limit" in capsys.readouterr().err
