"""The rain emergency tab in headless Chromium: a click on the risk map gives
the flood response around that point (what AppTest cannot do: the click
comes from Leaflet in the map's iframe). The screenshot goes to
test-artifacts/rain-tab.png.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests import paths
from tests.app.browser import app_server, launch, offline_context, require_chromium, sign_in, store_address

pytestmark = pytest.mark.browser

ARTIFACTS = paths.ARTIFACTS

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


def test_click_on_the_map_gives_the_flood_response(tmp_path: Path, write_store: Any) -> None:
    store = tmp_path / "gw.gpkg"
    write_store(str(store))
    external: list[str] = []
    with app_server(store, env={"GRIDWATCH_BASEMAP": "none"}) as url, sync_api.sync_playwright() as p:
        browser = launch(p)
        try:
            context = offline_context(browser, url, external, viewport={"width": 1400, "height": 2400}, locale="zh-CN")
            page = context.new_page()
            sign_in(page, url)
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
            # a flooding report with a live flying wire inside: the wire is drawn as a critical marker
            page.get_by_text("已上报的积水点").click()
            page.locator("div[data-testid='stSelectbox']").filter(has_text="积水点").first.click()
            page.keyboard.type("F2")
            page.keyboard.press("Enter")
            page.get_by_text("积水点 F2").first.wait_for(timeout=90_000)
            frame.locator(".gw-rain-wire").first.wait_for(timeout=60_000)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "rain-tab.png"), full_page=True)
            # a filled-in checklist uploaded through the page updates the store, once
            filled = _filled_checklist(store, tmp_path)
            uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="导入已填写的清单")
            uploader.locator("input[type='file']").set_input_files(str(filled))
            page.get_by_role("button", name="导入", exact=True).click(timeout=60_000)
            page.get_by_text("已更新数据库。").wait_for(timeout=90_000)
            page.get_by_role("button", name="导入", exact=True).click(timeout=60_000)
            page.get_by_text("没有新内容，数据库未改动。").wait_for(timeout=90_000)
            from geo.store import open_store

            done = open_store(store_address(store)).read_table("inspections")  # the store the app wrote
            assert list(done["inspector"]) == ["张三"] and list(done["result"]) == ["damaged"]
        finally:
            browser.close()
    assert not external, external


def _filled_checklist(store: Path, tmp_path: Path) -> Path:
    import openpyxl

    from geo.rain.checklist import checklists_from_store
    from geo.rain.documents import write_checklists
    from geo.store import open_store

    path = write_checklists(checklists_from_store(open_store(store_address(store)), "red", grid_ids=["G1"]), tmp_path / "c.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["G1"]
    ws["B7"] = "张三"
    ws.cell(11, 8).value = "损坏"
    wb.save(path)
    return path
