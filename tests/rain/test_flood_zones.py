"""Flood zones in the flood response: distances from an area, the ``inside`` column, the risk part,
the command line and the map (reading and checking zone files: tests/core/test_zones.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
import shapely

from geo import pipeline, schema
from geo.cli import main
from geo.errors import OptionError, UnknownIdError
from geo.rain.flood import export_response, flood_response, read_layers, zone_area
from geo.rain.risk import PARTS, RiskWeights, building_risk, display_table, grid_risk
from geo.store import open_store
from tests import needs, paths

#: The fixture's local metres: grid G1 is x 0-200, G2 x 200-400, both y 0-200.
#: Z1 is a 10-year floodplain of 5 km x 10 km whose east edge runs at x = 100 m
#: (the zones of the ``zones_frame`` fixture, tests/conftest.py).
Z1_BOX = (-5000.0, -5000.0, 100.0, 5000.0)
#: Z2, a 100-year zone over the east half of G2 (x 300-400).
Z2_BOX = (300.0, -100.0, 700.0, 300.0)


@pytest.fixture
def store(tmp_path: Path, write_store: Any, write_zones: Any) -> str:
    path = str(tmp_path / "s.gpkg")
    write_store(path)
    pipeline.import_layer(open_store(path), schema.FLOOD_ZONES, write_zones(tmp_path / "zones.geojson"))
    return path


@pytest.fixture(scope="session")
def layers_with_test_grates(make_layers: Any, to_wgs: Any, zones_frame: Any) -> Any:
    """Builder: the fixture plus a grate 50 m outside Z1 (x = 150) and one 40 m inside it (x = 60), at y = 60."""

    def build() -> dict[str, gpd.GeoDataFrame]:
        """The fixture plus a grate 50 m outside Z1 (x = 150) and one 40 m inside it (x = 60), at y = 60."""
        layers = make_layers()
        inc = layers["incidents"]
        extra = gpd.GeoDataFrame(
            {"incident_id": ["OUT50", "IN40"], "type": ["drain_grate"] * 2, "status": ["blocked", "ok"],
             "severity": ["medium"] * 2, "reported_at": ["2026-07-01T18:00:00"] * 2, "description": ["", ""],
             "grid_id": ["G1", "G1"], "building_id": [None, None], "building_dist_m": [np.nan, np.nan]},
            geometry=to_wgs([shapely.Point(150, 60), shapely.Point(60, 60)]).to_numpy(), crs="EPSG:4326")
        layers["incidents"] = gpd.GeoDataFrame(pd.concat([inc, extra], ignore_index=True), crs="EPSG:4326")
        layers["flood_zones"] = zones_frame()
        return layers

    return build


# -- distances and the inside column --------------------------------------------------


class TestDistances:
    def test_inside_is_zero_and_outside_is_to_the_boundary(self, layers_with_test_grates: Any) -> None:
        r = flood_response(layers_with_test_grates(), zone="Z1", nearest=40)
        g = r.grates.set_index("incident_id")
        assert g.loc["IN40", "distance_m"] == 0 and bool(g.loc["IN40", "inside"])
        assert g.loc["OUT50", "distance_m"] == pytest.approx(50, abs=0.5) and not bool(g.loc["OUT50", "inside"])
        # a grate 12 m east of the edge, not 2.5 km from the zone's centroid
        assert g.loc["R005", "distance_m"] == pytest.approx(12, abs=0.5)
        assert (g.loc[g["inside"], "distance_m"] == 0).all()
        assert g["distance_m"].max() < 300  # the farthest grate (x = 387) is 287 m from the edge

    def test_buildings_meeting_the_zone_are_inside_at_zero(self, layers_with_test_grates: Any) -> None:
        r = flood_response(layers_with_test_grates(), zone="Z1")
        # B01 (x 20-60) and B02 (80-120) in each row meet Z1; B03 (140-180) does not
        assert set(r.buildings["building_id"]) == {"B01", "B02", "B04", "B05"}
        assert (r.buildings["distance_m"] == 0).all() and r.buildings["inside"].all()
        assert r.wires["inside"].all() and list(r.wires["incident_id"]) == ["W1"]  # W1 at x=100: on the edge

    def test_a_drawn_polygon_measures_the_same_way(self, to_wgs: Any, layers_with_test_grates: Any) -> None:
        layers = layers_with_test_grates()
        poly = to_wgs([shapely.box(*Z1_BOX)]).iloc[0]
        by_polygon = flood_response(layers, polygon=poly, nearest=40)
        by_zone = flood_response(layers, zone="Z1", nearest=40)
        pd.testing.assert_frame_equal(by_polygon.grates, by_zone.grates)
        pd.testing.assert_frame_equal(by_polygon.buildings, by_zone.buildings)
        assert by_polygon.title == "积水区域" and by_zone.title == "淹没区 城西滩地（Z1，10 年一遇）"
        assert by_zone.zone is not None and by_zone.zone["return_period_years"] == 10

    def test_a_point_keeps_distances_from_the_point(self, make_layers: Any) -> None:
        r = flood_response(make_layers(), incident_id="F2")
        assert r.buildings["distance_m"].min() > 0 and r.buildings["inside"].all()

    def test_zone_and_another_place_is_refused(self, layers_with_test_grates: Any) -> None:
        with pytest.raises(OptionError, match="once"):
            flood_response(layers_with_test_grates(), zone="Z1", incident_id="F2")

    def test_unknown_zone_lists_the_known_ones(self, layers_with_test_grates: Any) -> None:
        with pytest.raises(UnknownIdError, match="Z9") as info:
            flood_response(layers_with_test_grates(), zone="Z9")
        assert "Z1, Z2" in info.value.hint
        with pytest.raises(UnknownIdError, match="holds no flood zones"):
            zone_area(None, "Z1")


def test_distance_to_a_boundary_of_many_vertices_is_exact() -> None:
    from geo.rain.flood import distances

    a = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    area = shapely.Polygon(np.column_stack([1000 * np.cos(a), 1000 * np.sin(a) * (1 + 0.05 * np.sin(9 * a))]))
    rng = np.random.default_rng(3)
    pts = gpd.GeoSeries(gpd.points_from_xy(rng.uniform(-3000, 3000, 2000), rng.uniform(-3000, 3000, 2000)))
    exact = shapely.distance(np.asarray(pts.values), area)
    np.testing.assert_allclose(distances(pts, area, None), exact, atol=1e-6)
    some = distances(pts, area, None, nearest=5)
    inside = exact == 0
    assert (some[inside] == 0).all()
    outside_exact, outside_some = exact[~inside], some[~inside]
    nearest5 = np.sort(outside_exact)[:5]
    np.testing.assert_allclose(np.sort(outside_some)[:5], nearest5, atol=1e-6)  # the 5 nearest are exact
    known = np.isfinite(outside_some)
    np.testing.assert_allclose(outside_some[known], outside_exact[known], atol=1e-6)
    assert (outside_exact[~known] > nearest5[-1]).all()  # the ones left unmeasured are farther


def test_map_frames_the_affected_part_of_a_large_zone(to_wgs: Any, layers_with_test_grates: Any) -> None:
    r = flood_response(layers_with_test_grates(), zone="Z1")
    assert r.map is not None and r.map.center is None
    minx, miny, maxx, maxy = r.map.extent
    assert maxx - minx < 400 and maxy - miny < 400  # the community, not the 10 km floodplain
    assert r.map.area.area > 40e6  # the whole zone is kept, clipped when drawn
    small = flood_response(layers_with_test_grates(), polygon=to_wgs([shapely.box(0, 0, 200, 200)]).iloc[0])
    sx0, sy0, sx1, sy1 = small.map.extent  # type: ignore[union-attr]
    assert sx1 - sx0 >= 200 and sy1 - sy0 >= 200  # an area the size of what it affects is shown whole


class TestInsideColumn:
    def test_csv_says_yes_or_no_and_names_the_zone(self, tmp_path: Path, layers_with_test_grates: Any) -> None:
        r = flood_response(layers_with_test_grates(), zone="Z1", nearest=40)
        df = pd.read_csv(export_response(r, tmp_path / "f.csv"), encoding="utf-8-sig", dtype=str)
        assert set(df.loc[df["section"] == "buildings", "inside"]) == {"yes"}
        assert set(df.loc[df["section"] == "grates", "inside"]) == {"yes", "no"}
        assert set(df.loc[df["section"] == "wires", "inside"]) == {"yes"}
        assert df.loc[df["incident_id"] == "OUT50", "inside"].item() == "no"
        assert set(df["area"]) == {"淹没区 城西滩地（Z1，10 年一遇）"}

    def test_xlsx_says_shi_or_fou(self, tmp_path: Path, layers_with_test_grates: Any) -> None:
        r = flood_response(layers_with_test_grates(), zone="Z1", nearest=40)
        wb = openpyxl.load_workbook(export_response(r, tmp_path / "f.xlsx"))
        for sheet, expected in (("受影响楼栋", {"是"}), ("需清掏的雨水篦子（由近及远）", {"是", "否"})):
            rows = list(wb[sheet].iter_rows(values_only=True))
            col = rows[0].index("在范围内")
            assert {r[col] for r in rows[1:]} == expected
        assert wb["概况"]["A2"].value == "淹没区 城西滩地（Z1，10 年一遇）"

    @needs.tools("pdftotext")
    def test_pdf_names_the_zone_and_fills_inside(self, tmp_path: Path, layers_with_test_grates: Any) -> None:
        r = flood_response(layers_with_test_grates(), zone="Z1")
        out = export_response(r, tmp_path / "f.pdf")
        text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "淹没区 城西滩地" in text and "在范围内" in text
        assert text.count("是") >= len(r.buildings)


class TestRiskPart:
    def test_points_by_return_period(self, make_layers: Any, zones_frame: Any) -> None:
        layers = make_layers()
        s = building_risk(layers["buildings"], layers["incidents"], zones=zones_frame()).set_index("building_id")
        assert s.loc["B01", "flood_zone"] == "Z1" and s.loc["B01", "zone_years"] == 10
        assert s.loc["B01", "pts_flood_zone"] == 20
        assert s.loc["B09", "flood_zone"] == "Z2" and s.loc["B09", "pts_flood_zone"] == 10  # B09 x 340-380
        assert s.loc["B03", "flood_zone"] == "" and s.loc["B03", "pts_flood_zone"] == 0
        without = building_risk(layers["buildings"], layers["incidents"]).set_index("building_id")
        assert s.loc["B01", "score"] == pytest.approx(without.loc["B01", "score"] + 20)

    def test_rarer_unknown_and_overlapping_zones(self, make_layers: Any, zones_frame: Any) -> None:
        layers = make_layers()
        rare = zones_frame(return_period_years=[500, None])
        s = building_risk(layers["buildings"], layers["incidents"], zones=rare).set_index("building_id")
        assert s.loc["B01", "pts_flood_zone"] == 5 and s.loc["B09", "pts_flood_zone"] == 10  # unknown: 100-year
        both = pd.concat([zones_frame(), zones_frame(zone_id=["Z3", "Z4"], return_period_years=[50, 20])])
        s = building_risk(layers["buildings"], layers["incidents"],
                          zones=gpd.GeoDataFrame(both, crs="EPSG:4326")).set_index("building_id")
        assert s.loc["B01", "flood_zone"] == "Z1" and s.loc["B09", "flood_zone"] == "Z4"  # the most frequent
        assert s.loc["B09", "pts_flood_zone"] == 15

    def test_parts_still_add_up_and_stay_within_100(self, make_layers: Any, to_wgs: Any, zones_frame: Any) -> None:
        layers = make_layers()
        blds = layers["buildings"].assign(basement=True, elderly_alone=9)
        everywhere = zones_frame(zone_id=["ALL", "Z2"])
        everywhere.geometry = to_wgs([shapely.box(-1000, -1000, 1000, 1000), shapely.box(*Z2_BOX)]).to_numpy()
        # one report of each kind earns a part's full points: B05 already has 100 without the zone
        weights = RiskWeights(flooding_full=1, grates_full=1, wires_full=1)
        s = building_risk(blds, layers["incidents"], zones=everywhere, weights=weights)
        parts = s[[f"pts_{p}" for p in PARTS]].sum(axis=1)
        np.testing.assert_allclose(parts, s["score"], atol=0.05)
        assert s["score"].max() <= 100
        b05 = s.set_index("building_id").loc["B05"]
        assert b05["score"] == 100 and b05["pts_flood_zone"] == 0 and b05["flood_zone"] == "ALL"
        others = s["score"] - s["pts_flood_zone"]
        assert ((s["pts_flood_zone"] == 20) | (others + s["pts_flood_zone"] >= 99.95)).all()
        g = grid_risk(s, layers["grids"])
        assert "pts_flood_zone" in g.columns and g["score"].max() <= 100

    def test_shown_with_the_other_parts(self, make_layers: Any, zones_frame: Any) -> None:
        layers = make_layers()
        s = building_risk(layers["buildings"], layers["incidents"], zones=zones_frame())
        zh = display_table(s)
        assert {"淹没区分", "所在淹没区", "淹没区重现期(年一遇)"} <= set(zh.columns)
        first = list(zh.columns)
        assert first.index("淹没区分") < first.index("附近积水记录(处)")  # among the points, before the counts


# -- command line ----------------------------------------------------------------------------


class TestCommandLine:
    def test_import_validate_and_flood_zone(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], write_store: Any, write_zones: Any) -> None:
        path = str(tmp_path / "s.gpkg")
        write_store(path)
        zones = str(write_zones(tmp_path / "zones.geojson"))
        assert main(["validate", "--flood-zones", zones]) == 0
        assert "flood zones from zones.geojson: 2 rows, 0 error(s)" in capsys.readouterr().out
        assert main(["import", "--store", path, "--flood-zones", zones, "--quiet"]) == 0
        out = tmp_path / "f.csv"
        assert main(["flood", "--store", path, "--zone", "Z1", "--out", str(out)]) == 0
        assert "淹没区 城西滩地（Z1，10 年一遇）: 4 buildings" in capsys.readouterr().out
        assert out.stat().st_size > 0

    @pytest.mark.parametrize(
        ("argv", "needle", "hint"),
        [
            (["flood", "--zone", "Z9", "--out", "x.csv"], "No flood zone has id 'Z9'", "Z1, Z2"),
            (["flood", "--zone", "Z9", "--out", "x.csv", "--lang", "zh"], "没有编号为“Z9”的淹没区", "Z1, Z2"),
            (["import", "--flood-zones", "PTS", "--quiet"], "have Point geometry", "validate"),
            (["import", "--flood-zones", "ZONES", "--link-distance", "20", "--quiet"], "flood zones are not linked",
             "Drop --link-distance"),
        ],
    )
    def test_bad_input_exits_2(self, store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                               needle: str, hint: str, to_wgs: Any, write_zones: Any, zones_frame: Any) -> None:
        pts = zones_frame()
        pts["geometry"] = to_wgs([shapely.Point(50, 50), shapely.Point(350, 50)]).to_numpy()
        files = {"PTS": str(write_zones(tmp_path / "pts.geojson", pts)),
                 "ZONES": str(write_zones(tmp_path / "z.geojson"))}
        argv = [files.get(a, a) for a in argv]
        argv = [*argv[:1], "--store", store, *argv[1:]]
        if "--out" in argv:
            argv[argv.index("--out") + 1] = str(tmp_path / "x.csv")
        version = open_store(store).version
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 2 and err[0].startswith("error: ") and err[1].startswith("hint: ")
        assert needle in err[0] and hint in err[1]
        assert open_store(store).version == version

    def test_validate_points_as_zones_exits_2(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], to_wgs: Any, write_zones: Any, zones_frame: Any) -> None:
        pts = zones_frame()
        pts["geometry"] = to_wgs([shapely.Point(50, 50), shapely.Point(350, 50)]).to_numpy()
        assert main(["validate", "--flood-zones", str(write_zones(tmp_path / "pts.geojson", pts))]) == 2
        err = capsys.readouterr().err
        assert "error: pts.geojson:" in err and "Polygon / MultiPolygon" in err

    def test_store_without_zones(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], write_store: Any) -> None:
        path = str(tmp_path / "s.gpkg")
        write_store(path)
        assert main(["flood", "--store", path, "--zone", "Z1", "--out", str(tmp_path / "f.csv")]) == 2
        assert "--flood-zones FILE" in capsys.readouterr().err
        assert read_layers(open_store(path))[schema.FLOOD_ZONES].empty


# -- the rain tab ------------------------------------------------------------------------------


def test_rain_tab_responds_to_a_stored_zone(store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.app.apptest import app_test

    monkeypatch.setenv("GRIDWATCH_STORE", store)
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    app = paths.APP
    at = app_test(app, timeout=90).run()
    assert not at.exception
    at.radio(key="rain_flood_mode").set_value("zone")
    at = at.run()
    at.selectbox(key="rain_zone_id").set_value("Z1")
    at = at.run()
    assert not at.exception, [e.message for e in at.exception]
    lines = [m.value for m in at.markdown if "栋楼" in m.value]
    assert any("淹没区 城西滩地（Z1，10 年一遇）" in s and "4 栋楼" in s for s in lines), lines
    risk = [d.value for d in at.dataframe if "淹没区分" in d.value.columns]
    assert risk and max(d["淹没区分"].max() for d in risk) == 20


# -- the map in a browser ----------------------------------------------------------------------


@pytest.mark.browser
def test_map_draws_the_zones_offline_with_legend_and_escaped_tooltip(tmp_path: Path, lonlat: Any, write_store: Any, write_zones: Any, zones_frame: Any) -> None:
    from playwright import sync_api

    from tests.app.browser import app_server, frame_of, launch, map_frame, require_chromium, sign_in

    require_chromium()

    path = tmp_path / "gw.gpkg"
    write_store(str(path))
    xss = "<img src=x onerror=alert(1)>东区"
    pipeline.import_layer(open_store(path), schema.FLOOD_ZONES,
                          write_zones(tmp_path / "z.geojson", zones_frame(name=["城西滩地", xss])))
    external: list[str] = []
    with app_server(path, env={"GRIDWATCH_BASEMAP": "none"}) as url, sync_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")

        def route(r: object) -> None:
            u = r.request.url  # type: ignore[attr-defined]
            if u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
                r.continue_()  # type: ignore[attr-defined]
            else:
                external.append(u)
                r.abort()  # type: ignore[attr-defined]

        page.route("**/*", route)
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        sign_in(page, url)
        map_frame(page, timeout=60_000)
        f = frame_of(page)
        f.wait_for_function("() => window.GW && GW.count('flood_zone') === 2", timeout=60_000)
        legends = f.locator(".gw-legend").all_inner_texts()
        assert any(t.startswith("淹没区") and "≤ 10 年一遇" in t and "≤ 100 年一遇" in t for t in legends), legends
        assert "淹没区" in (f.locator(".leaflet-control-layers").text_content() or "")  # collapsed: text, not shown
        lon, lat = lonlat(350, -50)  # in Z2, south of the grids: nothing above the zone there
        pt = f.evaluate(f"() => map.latLngToContainerPoint([{lat}, {lon}])")
        box = page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        page.mouse.move(box["x"] + pt["x"] - 30, box["y"] + pt["y"])
        page.mouse.move(box["x"] + pt["x"], box["y"] + pt["y"], steps=6)
        shown = f.locator(".leaflet-tooltip", has_text="淹没区")
        shown.wait_for()
        tip = {"text": shown.inner_text(), "imgs": shown.locator("img").count()}
        assert "<img src=x" in tip["text"] and tip["imgs"] == 0
        assert "100 年一遇" in tip["text"] and "1.5" in tip["text"]
        page.screenshot(path=str(tmp_path / "flood_zones_map.png"))
        browser.close()
    assert external == [] and dialogs == []
