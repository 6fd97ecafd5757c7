"""The rain emergency tab in headless Chromium: a click on the risk map gives
the flood response around that point (what AppTest cannot do: the click
comes from Leaflet in the map's iframe). The screenshot goes to
test-artifacts/rain-tab.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.app_server import app_server, chromium_path, launch
from tests.rain_fixtures import write_store

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"

if chromium_path() is None:
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing at /usr/bin/chromium (CI=true): install it with scripts/install-system-deps.sh",
                    pytrace=False)
    pytest.skip("Chromium is not installed (/usr/bin/chromium); run scripts/install-system-deps.sh",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def test_click_on_the_map_gives_the_flood_response(tmp_path: Path) -> None:
    store = tmp_path / "gw.gpkg"
    write_store(str(store))
    external: list[str] = []
    with app_server(store, env={"GRIDWATCH_BASEMAP": "none"}) as url, sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="zh-CN")

            def route(r: object) -> None:
                req = r.request  # type: ignore[attr-defined]
                if req.url.startswith(url) or req.url.startswith(("data:", "blob:", "about:")):
                    r.continue_()  # type: ignore[attr-defined]
                else:
                    external.append(req.url)
                    r.abort()  # type: ignore[attr-defined]

            context.route("**/*", route)
            page = context.new_page()
            page.goto(url, timeout=90_000)
            page.get_by_role("tab", name="暴雨应急").click(timeout=90_000)
            page.get_by_text("地图点选或输入位置").click(timeout=90_000)
            page.get_by_text("请在地图上点击积水位置").wait_for(timeout=90_000)
            frame = page.frame_locator("iframe[title*='streamlit_folium']").last
            frame.locator(".leaflet-container canvas").first.wait_for(timeout=60_000)  # the risk-coloured buildings
            box = frame.locator(".leaflet-container").bounding_box()
            assert box is not None
            frame.locator(".leaflet-container").click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.5})
            page.get_by_text("位置 114.").first.wait_for(timeout=90_000)
            text = page.locator("[data-testid='stMarkdown']").all_inner_texts()
            assert any("栋楼" in t for t in text), text
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "rain-tab.png"), full_page=True)
        finally:
            browser.close()
    assert not external, external
