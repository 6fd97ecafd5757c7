"""The real app in headless Chromium (Debian's, through Playwright).

One app server for the module, on a copy of the test store, with no base map:
every request that does not go to the app is blocked and recorded, and the
map must still draw. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import map_fixtures as fx
from tests.app_server import app_server, chromium_path, frame_of, launch, map_frame

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
STEP = fx.STEP

if chromium_path() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing at /usr/bin/chromium (CI=true): install it with scripts/install-system-deps.sh",
                    pytrace=False)
    pytest.skip("Chromium is not installed (/usr/bin/chromium); run scripts/install-system-deps.sh",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    store = fx.make_store(tmp_path_factory.mktemp("browser") / "gw.gpkg")
    with app_server(store, env={"GRIDWATCH_BASEMAP": "none"}) as url:
        yield url, store


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class Session:
    """A page on the app that records what leaves localhost, errors and alerts."""

    def __init__(self, browser: Any, url: str) -> None:
        self.url = url
        self.external: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(45_000)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)

    def _route(self, route: Any) -> None:
        u = route.request.url
        if u.startswith(("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(u)
            route.abort()

    def _dialog(self, d: Any) -> None:
        self.dialogs.append(d.message)
        d.dismiss()

    def open(self) -> Any:
        self.page.goto(self.url)
        map_frame(self.page)
        self.frame = frame_of(self.page)
        self.frame.wait_for_function("() => window.GW && GW.count('grid') > 0 && GW.count('incident') > 0")
        return self

    def reattach(self) -> None:
        """Find the map again (a new base map, e.g. another language, remounts it)."""
        for _ in range(30):
            self.page.wait_for_timeout(1000)
            try:
                self.frame = frame_of(self.page)
                if self.frame.evaluate("() => !!(window.GW && GW.count('grid') > 0)"):
                    return
            except Exception:  # noqa: BLE001 - the old frame went away mid-call
                continue
        raise AssertionError("the map did not come back")

    def count(self, kind: str) -> int:
        return int(self.frame.evaluate(f"() => GW.count({json.dumps(kind)})"))

    def click_lonlat(self, lon: float, lat: float) -> None:
        pt = self.frame.evaluate(f"() => map.latLngToContainerPoint([{lat}, {lon}])")
        box = self.page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        self.page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"map-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def session(server, browser) -> Iterator[Session]:
    s = Session(browser, server[0])
    yield s
    s.close()


def test_map_draws_every_layer_offline(session):
    s = session.open()
    assert s.count("grid") == 3
    assert s.count("building") == 9
    assert s.count("incident") == 19
    s.frame.locator(".gw-legend").first.wait_for()
    s.shot("loaded")
    assert s.external == [], f"requests left localhost: {s.external[:5]}"
    assert s.errors == []


def test_toggling_a_layer_hides_it(session):
    s = session.open()
    s.frame.locator(".leaflet-control-layers").hover()
    s.frame.locator(".leaflet-control-layers-overlays label", has_text="楼栋").locator("input").uncheck()
    s.frame.wait_for_function("() => GW.count('building') === 0")
    assert s.count("grid") == 3
    s.shot("buildings-off")


def test_clicking_a_grid_opens_its_panel(session):
    s = session.open()
    s.click_lonlat(fx.LON0 + 1.5 * STEP, fx.LAT0 + 0.0032)
    s.page.get_by_text("网格 第二网格").first.wait_for()
    s.page.get_by_text("李娜").first.wait_for()
    assert s.frame.evaluate("() => GW.highlighted()") == "G2"  # outlined, and the map was not redrawn
    assert s.count("grid") == 3
    s.shot("grid-panel")


def test_hostile_names_show_as_text(session):
    s = session.open()
    s.click_lonlat(fx.LON0 + 0.0008, fx.LAT0 + 0.0017)  # building B11
    popup = s.frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert fx.XSS in popup.inner_text()
    assert s.frame.locator(".leaflet-popup-content img").count() == 0
    s.page.get_by_text(fx.XSS).first.wait_for()  # the side panel, as text
    assert fx.XSS in popup.inner_text()  # the popup stays open: the panel did not redraw the map
    s.shot("xss")
    assert s.dialogs == [] and s.errors == []


def test_language_switch(session):
    s = session.open()
    s.page.get_by_text("English", exact=True).click()
    s.page.get_by_role("tab", name="Map").wait_for()
    s.page.get_by_text("Grids at a glance").wait_for()
    s.reattach()
    s.frame.locator(".gw-legend", has_text="Incident types").wait_for()
    s.shot("english")


def test_reported_incident_appears_after_reload(session):
    s = session.open()
    s.page.get_by_text("在地图上点选位置上报事件").click()
    s.page.get_by_text("请在地图上点击事件位置。").wait_for()
    s.click_lonlat(fx.LON0 + 2.5 * STEP, fx.LAT0 + 0.0030)
    form = s.page.locator("[data-testid='stForm']").filter(has_text="上报事件")
    form.locator("textarea").fill("下水道返水")
    form.get_by_role("button", name="提交").click()
    s.page.get_by_text("已上报事件").wait_for()
    s.page.reload()
    s.open()
    s.frame.wait_for_function("() => GW.count('incident') === 20")
    s.shot("reported")


def test_upload_incidents(session, tmp_path):
    src = tmp_path / "new_incidents.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [fx.LON0 + 0.001 + i * 0.004, fx.LAT0 + 0.003]},
         "properties": {"incident_id": f"U{i}", "type": "flying_wire", "status": "reported", "severity": "high",
                        "reported_at": "2026-08-01T20:00:00+08:00", "description": "窗外飞线充电"}}
        for i in range(2)]}, ensure_ascii=False), encoding="utf-8")
    s = session.open()
    before = s.count("incident")
    s.page.get_by_role("tab", name="导入数据").click()
    s.page.get_by_role("radiogroup").filter(has_text="道路").get_by_text("事件", exact=True).click()
    uploader = s.page.locator("[data-testid='stFileUploader']").filter(has_text="GeoJSON")
    uploader.locator("input[type=file]").set_input_files(str(src))
    s.page.get_by_role("button", name="校验并导入").click()
    s.page.get_by_text("已导入 2 条").wait_for()
    s.shot("upload")
    s.page.reload()
    s.open()
    s.frame.wait_for_function(f"() => GW.count('incident') === {before + 2}")
