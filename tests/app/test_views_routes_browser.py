"""The patrol routes tab in headless Chromium, on the demo community: plan one grid's rain grates for a
squad of three, see the numbered stops and one line per patroller on the map (drawn by Leaflet in the
map's iframe, which AppTest cannot see), download a patroller's GPX through the browser and check it
against the GPX 1.1 schema. Nothing is fetched from outside the app. The screenshot goes to
test-artifacts/routes-tab.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from geo.pipeline import build_demo
from tests import paths
from tests.app.browser import app_server, launch, offline_context, require_chromium, sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = paths.ARTIFACTS
GPX_XSD = paths.DATA / "gpx11.xsd"

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


def test_plan_see_and_download_a_squads_routes(tmp_path: Path) -> None:
    store = Path(build_demo(tmp_path, scale="community", seed=7))
    external: list[str] = []
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "routes"}
    with app_server(store, env=env) as url, sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = offline_context(browser, url, external, viewport={"width": 1400, "height": 2000}, locale="zh-CN", accept_downloads=True)
            page = context.new_page()
            sign_in(page, url)
            page.get_by_text("巡查路线规划").wait_for(timeout=90_000)
            grids = page.locator("div[data-testid='stMultiSelect']").filter(has_text="网格（不选 = 全部）")
            grids.click()
            page.keyboard.type("G01")
            page.keyboard.press("Enter")
            page.keyboard.press("Escape")
            squad = page.get_by_label("巡查人数")
            squad.fill("3")
            squad.press("Enter")
            page.get_by_role("button", name="规划路线").click(timeout=60_000)
            page.get_by_text("82 个点 · 3 名巡查员").first.wait_for(timeout=90_000)
            frame = page.frame_locator("iframe[title*='streamlit_folium']").last
            frame.locator(".gw-route-stop").first.wait_for(timeout=60_000)
            stops = frame.locator(".gw-route-stop").all_inner_texts()
            assert len(stops) == 82
            assert sorted(stops, key=int)[:3] == ["1", "1", "1"]  # three routes, each numbered from 1
            assert frame.locator(".gw-route-start").count() == 1
            lines = _route_lines(page)
            assert sorted(lines) == ["#0072B2", "#009E73", "#D55E00"]  # one line per patroller, in its colour
            with page.expect_download(timeout=60_000) as download:
                page.get_by_role("button", name="GPX").first.click()
            gpx = tmp_path / "p1.gpx"
            download.value.save_as(gpx)
            assert download.value.suggested_filename == "route_G01_p1.gpx"
            doc = etree.parse(str(gpx))
            assert etree.XMLSchema(etree.parse(str(GPX_XSD))).validate(doc)
            names = [w.findtext("{http://www.topografix.com/GPX/1/1}name") for w in doc.getroot()]
            assert any(n and n.startswith("1 DG") for n in names)
            page.locator("[data-testid='stDataFrame']").last.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)  # the tables draw on a canvas after they are attached
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "routes-tab.png"), full_page=True)
        finally:
            browser.close()
    assert external == []


def _route_lines(page: object) -> list[str]:
    """Colours of the route lines Leaflet drew in the map's frame (folium declares each layer as a global)."""
    script = """() => Object.keys(window).map(k => window[k])
        .filter(v => v && window.L && v instanceof L.Polyline && !(v instanceof L.Polygon) && v._map)
        .map(v => v.options.color)"""
    for frame in page.frames:  # type: ignore[attr-defined]
        try:
            found = frame.evaluate(script)
        except Exception:  # noqa: BLE001 - frames without Leaflet
            continue
        if found:
            return [str(c) for c in found]
    return []
