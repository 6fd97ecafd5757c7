"""The patrol routes tab on a store without rain grates and with a grid of nothing to visit (AppTest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyproj
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from geo.pipeline import rejoin
from geo.store import open_store
from tests import needs, paths
from tests.app.apptest import app_test
from views.routes import map_view, type_choices

APP = paths.APP
#: Local metres around a point in Wuhan (the frame of the routing tests' fixtures).
LOCAL = pyproj.CRS.from_proj4("+proj=tmerc +lat_0=30.5 +lon_0=114.4 +k=1 +ellps=WGS84 +units=m")


def _wgs(geoms: list[shapely.Geometry]) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=LOCAL).to_crs(4326)


def points(xy: list[tuple[float, float]], *, types: list[str], grids: list[str]) -> gpd.GeoDataFrame:
    """Incidents at local metre coordinates."""
    return gpd.GeoDataFrame({"incident_id": [f"P{i:02d}" for i in range(len(xy))], "type": types, "status": "ok",
                             "grid_id": grids}, geometry=_wgs([shapely.Point(p) for p in xy]).values, crs=4326)  # fmt: skip


def grid_streets(n: int = 4, step: float = 100.0) -> gpd.GeoDataFrame:
    """An n x n block grid of streets in local metres."""
    lines = [shapely.LineString([(k * step, j * step) for j in range(n)]) for k in range(n)]
    lines += [shapely.LineString([(j * step, k * step) for j in range(n)]) for k in range(n)]
    return gpd.GeoDataFrame({"street_id": [f"w{i + 1}" for i in range(len(lines))], "name": "街道", "highway": "residential"},
                            geometry=_wgs(lines).values, crs=4326)  # fmt: skip


def _layers() -> dict[str, gpd.GeoDataFrame]:
    squares = [shapely.box(-50 + 200 * i, -50, 150 + 200 * i, 350) for i in range(3)]
    grids = gpd.GeoDataFrame({"grid_id": ["G1", "G2", "G3"], "name": ["第一网格", "第二网格", "第三网格"]},
                             geometry=squares, crs=LOCAL).to_crs(4326)  # fmt: skip
    buildings = gpd.GeoDataFrame({"building_id": ["B1", "B2"], "name": ["1栋", "2栋"]},
                                 geometry=[shapely.box(10, 10, 40, 40), shapely.box(210, 10, 240, 40)],
                                 crs=LOCAL).to_crs(4326)  # fmt: skip
    incidents = points([(0, 0), (100, 0), (0, 200), (220, 100), (300, 300)],
                       types=["flooding", "flooding", "flying_wire", "flying_wire", "flooding"],
                       grids=["G1", "G1", "G1", "G2", "G2"])  # fmt: skip
    incidents["status"] = "reported"
    return {"grids": grids, "buildings": buildings, "incidents": incidents, "streets": grid_streets()}


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    path = str(tmp_path / "s.gpkg")
    open_store(path).write(layers=_layers(), note="t")
    rejoin(open_store(path))
    monkeypatch.setenv("GRIDWATCH_STORE", path)
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "routes")
    yield path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_type_choices() -> None:
    from geo import schema

    inc = _layers()["incidents"]
    codes, default = type_choices(dict(schema.BUILTIN_TYPES), inc)
    assert default == ["flooding", "flying_wire"]  # what the store has points of, most points first
    assert codes[:2] == ["flooding", "flying_wire"] and set(schema.BUILTIN_TYPES) <= set(codes)
    inc.loc[4, "type"] = "drain_grate"
    codes, default = type_choices(dict(schema.BUILTIN_TYPES), inc)
    assert default == ["drain_grate"] and codes[0] == "drain_grate"


def test_map_view_fits_the_frame() -> None:
    grids = _layers()["grids"]
    (lat, lon), zoom = map_view(grids)
    minx, miny, maxx, maxy = grids.total_bounds
    assert miny < lat < maxy and minx < lon < maxx
    assert 14 <= zoom <= 18  # 600 m across: a street-level view, not the maximum zoom
    assert map_view(grids.iloc[:0]) == ((30.5, 114.3), 4)


def test_no_grates_no_grates_by_default_and_an_empty_grid_is_a_warning(store: str) -> None:
    at = run()
    assert at.multiselect(key="rt_types").value == ["flooding", "flying_wire"]
    at.multiselect(key="rt_grids").set_value(["G1", "G3"])
    at.number_input(key="rt_time").set_value(0.3)
    at.button(key="rt_plan").click()
    at = run(at)
    warnings = " ".join(str(w.value) for w in at.warning)
    assert "第三网格" not in warnings and "G3" in warnings and "没有要巡查的点" in warnings, warnings
    plan = at.session_state["rt_result"]["plan"]
    assert len(plan.stops) == 3 and plan.empty_grids == ["G3"]
    pdf = at.session_state["rt_result"]["files"][(0, "pdf")]
    assert pdf.startswith(b"PK")  # the zip, with the store's labels and title (tests/test_export_safe.py)


def test_only_empty_grids_is_a_message(store: str) -> None:
    at = run()
    at.multiselect(key="rt_grids").set_value(["G3"])
    at.button(key="rt_plan").click()
    at = run(at)
    body = " ".join(str(w.value) for w in at.warning) + " ".join(c.value for c in at.caption)
    assert "没有符合条件的巡查点" in body and "G3" in body
    assert "rt_result" not in at.session_state


def _pdf_text(pdf: bytes, tmp_path: Path, name: str) -> str:
    import subprocess

    path = tmp_path / name
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


@needs.tools("pdftotext")
def test_the_zip_downloads_carry_user_type_labels_and_the_english_title(store: str, tmp_path: Path) -> None:
    import io
    import zipfile

    from geo import schema

    s = open_store(store)
    s.add_incident_type(schema.IncidentType("manhole_loose", "井盖松动", "Loose manhole", False, "#6a3d9a", "!"))
    incidents = s.read(schema.INCIDENTS)
    incidents.loc[incidents.index[:2], "type"] = "manhole_loose"
    s.write(layers={schema.INCIDENTS: incidents}, note="a user type")
    at = run()
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    at.multiselect(key="rt_types").set_value(["manhole_loose", "flooding"])
    at.number_input(key="rt_patrollers").set_value(2)
    at.number_input(key="rt_time").set_value(0.3)
    at.button(key="rt_plan").click()
    at = run(at)
    files = at.session_state["rt_result"]["files"]
    for kind in ("pdf", "csv"):
        with zipfile.ZipFile(io.BytesIO(files[(0, kind)])) as archive:
            assert archive.namelist() == [f"route_1.{kind}", f"route_2.{kind}"]
            for p in (1, 2):
                inside = archive.read(f"route_{p}.{kind}")
                if kind == "csv":
                    assert inside == files[(p, "csv")]  # the same file as the single download
                    continue
                text = _pdf_text(inside, tmp_path, f"zip_{p}.pdf")
                assert text == _pdf_text(files[(p, "pdf")], tmp_path, f"single_{p}.pdf")
                assert "Patrol routes" in text and "巡查路线" not in text
    sheets = "".join(_pdf_text(files[(p, "pdf")], tmp_path, f"p{p}.pdf") for p in (1, 2))
    assert "Loose manhole" in sheets and "manhole_loose" not in sheets  # the user type's English label
