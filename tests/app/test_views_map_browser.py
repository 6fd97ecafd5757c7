"""The real app in headless Chromium (Debian's, through Playwright).

One app server for the module, on a copy of the test store, with no base map
by default (an intranet tile server on localhost and a Tianditu key are
configured too): every request that does not go to localhost is blocked and
recorded, the map must still draw, and a test fails if anything left
localhost that it did not expect (tiles of a base map it chose). Screenshots
go to test-artifacts/ (look at them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import paths
from tests.app.browser import frame_of, map_frame, require_chromium, sign_in, store_address, wait_idle

#: As in the map store of conftest.py.
XSS = "<img src=x onerror=alert(1)>"
LON0, LAT0, STEP = 114.40, 30.50, 0.004

pytestmark = pytest.mark.browser

ARTIFACTS = paths.ARTIFACTS

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


TIANDITU_KEY = "tk-test-0123"


@pytest.fixture(scope="module")
def server(tmp_path_factory, tiles, make_map_store, app_server) -> Iterator[tuple[str, Path]]:
    store = make_map_store(tmp_path_factory.mktemp("browser") / "gw.gpkg")
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_TILES": tiles[0], "GRIDWATCH_TILES_ATTRIBUTION": "本单位内网瓦片",
           "GRIDWATCH_TIANDITU_KEY": TIANDITU_KEY}
    with app_server(store, env=env) as url:
        yield url, store


class Session:
    """A page on the app that records what leaves localhost, errors and alerts."""

    def __init__(self, browser: Any, url: str, **context: Any) -> None:
        self.url = url
        self.external: list[str] = []
        #: Hosts a test expects requests to (the tiles of a base map it chose).
        self.allowed_hosts: set[str] = set()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN", **context)
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
        sign_in(self.page, self.url)
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

    def unexpected(self) -> list[str]:
        """Requests that left localhost and were not expected."""
        return [u for u in self.external if u.split("/")[2].split(":")[0] not in self.allowed_hosts]

    # -- helpers for the sidebar and the map

    @property
    def sidebar(self) -> Any:
        return self.page.locator("[data-testid='stSidebar']")

    def select(self, label: str, option: str) -> None:
        """Pick ``option`` in the sidebar selectbox labelled ``label``."""
        self.sidebar.locator("[data-testid='stSelectbox']").filter(has_text=label).first.click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def add_option(self, label: str, option: str) -> None:
        """Add ``option`` to the sidebar multiselect labelled ``label``."""
        self.sidebar.locator("[data-testid='stMultiSelect']").filter(has_text=label).first.locator("input").click()
        self.page.get_by_role("option", name=option, exact=True).click()
        self.page.keyboard.press("Escape")

    def selected(self, label: str) -> str:
        """What the sidebar selectbox labelled ``label`` shows."""
        box = self.sidebar.locator("[data-testid='stSelectbox']").filter(has_text=label).first
        return str(box.evaluate(
            "e => Array.from(e.querySelectorAll('input, div'))"
            ".map(x => x.value || (x.children.length === 0 ? x.textContent : '')).filter(Boolean).join('|')"))

    def point_of(self, lon: float, lat: float) -> tuple[float, float]:
        """Page coordinates of a position on the map."""
        pt = self.frame.evaluate(f"() => map.latLngToContainerPoint([{lat}, {lon}])")
        box = self.page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
        return box["x"] + pt["x"], box["y"] + pt["y"]

    def zoom_to(self, lon: float, lat: float, zoom: float) -> None:
        self.frame.evaluate(f"() => {{ map.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}")
        self.page.wait_for_timeout(600)

    def grid_corner(self, grid_id: str) -> tuple[float, float]:
        """South-west corner (lon, lat) of a grid as drawn in the browser."""
        lonlat = self.frame.evaluate(f"""() => {{
            const p = GW.layers.grid.getLayers().find(l => l.feature && l.feature.properties.id === {json.dumps(grid_id)});
            const b = p.getBounds(); return [b.getWest(), b.getSouth()]; }}""")
        return float(lonlat[0]), float(lonlat[1])


@pytest.fixture
def session(server, browser) -> Iterator[Session]:
    s = Session(browser, server[0])
    yield s
    s.close()
    assert s.unexpected() == [], f"requests left localhost: {s.unexpected()[:5]}"
    assert s.dialogs == [], f"a dialog fired: {s.dialogs}"


def test_map_draws_every_layer_offline(session):
    s = session.open()
    assert s.count("grid") == 3
    assert s.count("building") == 9
    assert s.count("incident") == 19
    s.frame.locator(".gw-legend").first.wait_for()
    f = s.frame
    # Controls: layer control, scale bar, full screen, measure, locate me; legends.
    for css in (".leaflet-control-layers", ".leaflet-control-scale", ".leaflet-control-zoom-fullscreen",
                ".leaflet-control-measure", ".leaflet-control-locate"):
        assert f.locator(css).count() == 1, css
    assert f.locator(".leaflet-control-zoom-fullscreen").get_attribute("title") == "全屏"
    scale = f.locator(".leaflet-control-scale-line").all_inner_texts()  # metres only
    assert len(scale) == 1 and scale[0].endswith((" m", " km")), scale
    legends = f.locator(".gw-legend").all_inner_texts()
    assert any("雨水篦子" in t and "积水点" in t and "飞线" in t for t in legends)  # one entry per type
    assert any(t.startswith("待处理事件") for t in legends)  # the grids' choropleth
    assert any(t.startswith("有无地下室/车库") for t in legends)  # the buildings' colouring
    # Grid names as labels; buildings filled by the chosen attribute (basement: 3 of 9).
    assert sorted(f.locator(".gw-label").all_inner_texts()) == sorted(["第一网格", "第二网格", "第三网格"])
    fills = f.evaluate("() => GW.layers.building.getLayers().filter(l => l.feature).map(l => l.options.fillColor)")
    assert len(set(fills)) == 2 and sorted(fills).count(max(set(fills), key=fills.count)) == 6
    # Dense points clustered at this zoom; no dialog, no error.
    assert f.locator(".marker-cluster").count() >= 3
    s.shot("loaded")
    assert s.external == [], f"requests left localhost: {s.external[:5]}"
    assert s.errors == []


def test_incident_icons_by_type_and_status(session):
    s = session.open()
    s.zoom_to(LON0 + 0.00165, LAT0 + 0.0008, 18)  # grid G1's six incidents, unclustered
    f = s.frame
    f.wait_for_function("() => document.querySelectorAll('.gw-pin').length >= 6")
    pins = f.evaluate("""() => {
        const m = document.querySelector('.leaflet-container').getBoundingClientRect();
        return Array.from(document.querySelectorAll('.gw-pin')).map(e => {
          const r = e.getBoundingClientRect();
          return {glyph: e.textContent, cls: e.className, color: e.style.borderColor,
                  inside: r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom}; }); }""")
    pins = [p for p in pins if p["inside"]]
    assert sorted(p["glyph"] for p in pins) == sorted("▦▦▦≋≋⚡")
    assert len({p["color"] for p in pins}) == 3  # one colour per type
    by = {c: sum(c in p["cls"].split() for p in pins) for c in ("gw-open", "gw-done", "gw-alarm")}
    assert by == {"gw-open": 4, "gw-done": 2, "gw-alarm": 2}  # ok+resolved hollow; blocked+damaged ringed
    s.shot("incident-icons")


def test_building_name_and_head_on_hover(session):
    s = session.open()
    s.zoom_to(LON0 + 1.5 * STEP, LAT0 + 0.0017, 18)
    x, y = s.point_of(LON0 + STEP + 0.0005 + 0.0012 + 0.0003, LAT0 + 0.0017)  # building B22
    s.page.mouse.move(x - 30, y)
    s.page.mouse.move(x, y, steps=6)
    tip = s.frame.locator(".leaflet-tooltip", has_text="楼栋 2-2栋")
    tip.wait_for()
    assert "楼长11" in tip.inner_text() and "13900001100" in tip.inner_text()  # the building head and phone
    s.shot("building-hover")


def test_flooding_heat_map(session):
    s = session.open()
    assert s.frame.evaluate("() => !(GW.layers.heat && GW.layers.heat._map)")
    s.add_option("图层", "积水热力图")
    s.frame.wait_for_function("() => GW.layers.heat && !!GW.layers.heat._map")
    assert s.count("heat") == 7  # every flooding report, also the one outside the grids
    assert s.frame.locator("canvas.leaflet-heatmap-layer").count() == 1
    s.shot("heat")


def test_filter_shows_fewer_markers_and_the_overview_follows(session):
    s = session.open()
    s.add_option("事件类型", "飞线")
    s.frame.wait_for_function("() => GW.count('incident') === 3")
    s.page.get_by_text("显示 3 个事件").wait_for()
    assert s.count("grid") == 3 and s.count("building") == 9
    s.shot("filtered")


def test_search_by_building_name_zooms_to_it(session):
    s = session.open()
    box = s.sidebar.get_by_label("搜索楼栋名或事件编号")
    box.fill("3-2栋")
    box.press("Enter")
    s.page.get_by_text("楼栋 3-2栋（第三网格）").wait_for()
    s.page.get_by_role("heading", name="楼栋 3-2栋").wait_for()
    s.frame.wait_for_function("() => map.getZoom() === 18")
    c = s.frame.evaluate("() => map.getCenter()")
    assert abs(c["lng"] - (LON0 + 2 * STEP + 0.0005 + 0.0012 + 0.0003)) < 1e-4
    assert abs(c["lat"] - (LAT0 + 0.0017)) < 1e-4
    s.shot("search")


def test_grid_panel_downloads_its_incidents_and_survives_a_filter_change(session):
    s = session.open()
    s.click_lonlat(LON0 + 1.5 * STEP, LAT0 + 0.0032)
    s.page.get_by_role("heading", name="网格 第二网格").wait_for()
    with s.page.expect_download() as dl:
        s.page.get_by_role("button", name="下载 CSV").click()
    text = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("事件编号,类型,状态")
    assert sorted(line.split(",")[0] for line in text.splitlines()[1:]) == [f"I{n:03d}" for n in range(7, 13)]
    s.add_option("状态", "堵塞")  # a rerun with another filter: the selection stays
    s.page.get_by_text("显示 3 个事件").wait_for()
    s.page.get_by_role("heading", name="网格 第二网格").wait_for()
    s.frame.wait_for_function("() => GW.count('incident') === 3")
    s.shot("grid-panel-filtered")


def test_measure_and_locate_me(browser, server):
    s = Session(browser, server[0], permissions=["geolocation"],
                geolocation={"latitude": LAT0 + 0.01, "longitude": LON0 + 0.02})
    try:
        s.open()
        f = s.frame
        f.locator(".leaflet-control-measure").hover()
        f.locator(".leaflet-control-measure .js-start").click()
        for lon in (LON0, LON0 + STEP):  # one grid's width: about 384 m
            x, y = s.point_of(lon, LAT0 - 0.001)
            s.page.mouse.move(x, y, steps=5)  # the plugin follows the pointer before a click
            s.page.mouse.down()
            s.page.mouse.up()
            s.page.wait_for_timeout(500)
        result = f.locator(".leaflet-control-measure .js-results").inner_text()
        assert "米" in result
        metres = float(result.split("米")[0].split()[-1].replace(",", ""))
        assert 370 < metres < 400, result
        assert "公里" in result and "英里" not in result  # metric only
        s.shot("measure")
        f.locator(".leaflet-control-measure .js-cancel").click()
        f.locator(".leaflet-control-locate a").click()
        f.wait_for_function("() => document.querySelectorAll('.leaflet-control-locate-location').length > 0")
        f.wait_for_function(f"""() => {{ const c = map.getCenter();
            return Math.abs(c.lat - {LAT0 + 0.01}) < 1e-3 && Math.abs(c.lng - {LON0 + 0.02}) < 1e-3; }}""")
        s.shot("locate")
        assert s.external == [] and s.errors == []
    finally:
        s.close()


def test_base_maps_custom_gcj02_and_keyed(session, tiles):
    s = session.open()
    assert s.frame.locator("img.leaflet-tile").count() == 0  # no base map: nothing to fetch
    wgs84 = s.grid_corner("G1")
    # An intranet tile server by configuration: tiles come from it (and nowhere else).
    s.select("底图", "自定义瓦片")
    s.reattach()
    s.frame.wait_for_function("() => Array.from(document.querySelectorAll('img.leaflet-tile-loaded')).length > 0")
    assert any(p.startswith("/tiles/") for p in tiles[1])
    assert "本单位内网瓦片" in s.frame.locator(".leaflet-control-attribution").inner_text()
    assert s.grid_corner("G1") == pytest.approx(wgs84, abs=1e-6)
    s.shot("basemap-custom")
    # AutoNavi tiles are in GCJ-02: the data is shifted onto them.
    import numpy as np

    from geo.crs import shift_coords

    s.allowed_hosts |= {f"webrd0{i}.is.autonavi.com" for i in range(1, 5)}
    s.select("底图", "高德地图（GCJ-02）")
    s.reattach()
    x, y = shift_coords(np.array([LON0]), np.array([LAT0]), "gcj02")
    shifted = s.grid_corner("G1")
    assert shifted == pytest.approx((float(x[0]), float(y[0])), abs=2e-6)
    assert abs(shifted[0] - wgs84[0]) > 1e-3  # hundreds of metres
    assert any("autonavi.com" in u for u in s.external)
    # Tianditu needs a key: it is in every tile URL.
    s.allowed_hosts |= {f"t{i}.tianditu.gov.cn" for i in range(8)}
    s.select("底图", "天地图（需密钥）")
    s.reattach()
    s.frame.wait_for_function("() => document.querySelectorAll('img.leaflet-tile').length > 0")
    s.page.wait_for_timeout(500)
    tdt = [u for u in s.external if "tianditu" in u]
    assert tdt and all(f"tk={TIANDITU_KEY}" in u for u in tdt)
    assert s.grid_corner("G1") == pytest.approx(wgs84, abs=1e-6)  # CGCS2000: no shift


def test_toggling_a_layer_hides_it(session):
    s = session.open()
    s.frame.locator(".leaflet-control-layers").hover()
    s.frame.locator(".leaflet-control-layers-overlays label", has_text="楼栋").locator("input").uncheck()
    s.frame.wait_for_function("() => GW.count('building') === 0")
    assert s.count("grid") == 3
    s.shot("buildings-off")


def test_clicking_a_grid_opens_its_panel(session):
    s = session.open()
    s.click_lonlat(LON0 + 1.5 * STEP, LAT0 + 0.0032)
    s.page.get_by_text("网格 第二网格").first.wait_for()
    s.page.get_by_text("李娜").first.wait_for()
    assert s.frame.evaluate("() => GW.highlighted()") == "G2"  # outlined, and the map was not redrawn
    assert s.count("grid") == 3
    s.shot("grid-panel")


def test_hostile_names_show_as_text(session):
    s = session.open()
    s.click_lonlat(LON0 + 0.0008, LAT0 + 0.0017)  # building B11
    popup = s.frame.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert s.frame.locator(".leaflet-popup-content img").count() == 0
    s.page.get_by_text(XSS).first.wait_for()  # the side panel, as text
    assert XSS in popup.inner_text()  # the popup stays open: the panel did not redraw the map
    legends = s.frame.locator(".gw-legend")
    assert legends.count() >= 2
    assert all("gw-faded" in c for c in legends.evaluate_all("els => els.map(e => e.className)"))  # not over the popup
    s.shot("xss")
    s.frame.evaluate("() => { map.closePopup(); return true; }")
    assert not any("gw-faded" in c for c in legends.evaluate_all("els => els.map(e => e.className)"))
    assert s.dialogs == [] and s.errors == []


def test_language_switch(session):
    s = session.open()
    s.select("网格着色依据", "独居老人")
    s.frame.locator(".gw-legend", has_text="独居老人").wait_for()
    s.select("楼栋着色依据", "待处理事件")
    s.frame.locator(".gw-legend", has_text="待处理事件").first.wait_for()
    s.add_option("事件类型", "积水点")
    s.page.get_by_text("显示 7 个事件").wait_for()
    s.page.get_by_text("English", exact=True).click()
    s.page.get_by_role("tab", name="Map").wait_for()
    s.page.get_by_text("Grids at a glance").wait_for()
    s.reattach()
    s.frame.locator(".gw-legend", has_text="Incident types").wait_for()
    # What was chosen in Chinese is still chosen.
    s.page.get_by_text("Showing 7 of 19 incidents").wait_for()
    assert s.selected("Colour grids by") == "Elderly living alone"
    assert s.selected("Colour buildings by") == "Open incidents"
    assert s.selected("Base map") == "No base map (offline)"
    s.frame.locator(".gw-legend", has_text="Elderly living alone").wait_for()
    s.shot("english")


def test_reported_incident_of_a_user_type_appears_after_reload(session, server):
    from geo import schema
    from geo.store import open_store

    store = open_store(store_address(server[1]))  # the file, or its PostGIS copy the app serves
    store.add_incident_type(schema.register_type("sewage", "污水外溢", "Sewage overflow", color="#8c510a", icon="♨"))
    s = session.open()
    s.frame.locator(".gw-legend", has_text="污水外溢").wait_for()  # user types get their own icon and colour
    s.page.get_by_text("在地图上点选位置上报事件").click()
    s.page.get_by_text("请在地图上点击事件位置。").wait_for()
    s.click_lonlat(LON0 + 2.5 * STEP, LAT0 + 0.0030)
    form = s.page.locator("[data-testid='stForm']").filter(has_text="上报事件")
    form.locator("[data-testid='stSelectbox']").first.click()
    s.page.get_by_role("option", name="污水外溢").click()
    form.locator("textarea").fill("下水道返水")
    form.get_by_role("button", name="提交").click()
    s.page.get_by_text("已上报事件").wait_for()
    new = store.read(schema.INCIDENTS)
    new = new[new["description"] == "下水道返水"]
    assert len(new) == 1 and new["type"].iloc[0] == "sewage" and new["grid_id"].iloc[0] == "G3"
    assert new.geometry.iloc[0].x == pytest.approx(LON0 + 2.5 * STEP, abs=2e-5)
    s.page.reload()  # a new session: signed in again
    s.open()
    s.frame.wait_for_function("() => GW.count('incident') === 20")
    s.zoom_to(LON0 + 2.5 * STEP, LAT0 + 0.0030, 19)
    pin = s.frame.locator(".gw-pin", has_text="♨")
    pin.wait_for()
    assert "#8c510a" in pin.get_attribute("style")
    s.shot("reported")


def test_upload_tab_in_english(session):
    s = session.open()
    s.page.get_by_text("English", exact=True).click()
    s.page.get_by_role("tab", name="Load data").click()
    s.page.get_by_role("radiogroup").filter(has_text="streets").get_by_text("incidents", exact=True).click()
    drop = s.page.locator("[data-testid='stFileUploaderDropzone']").first
    assert drop.locator("button p").first.evaluate("b => getComputedStyle(b, '::after').content") == '"Choose a file"'
    s.shot("upload-en")


def _choose_file(uploader: Any, path: Path, shown: str) -> None:
    """Give the uploader a file once the page is idle; again if a rerun swallowed it (seen on a loaded machine)."""
    for _ in range(3):
        wait_idle(uploader.page)
        uploader.locator("input[type=file]").set_input_files(str(path))
        try:
            uploader.get_by_text(shown).wait_for(timeout=25_000)
            return
        except sync_api.TimeoutError:
            continue
    uploader.get_by_text(shown).wait_for()


def test_upload_incidents(session, tmp_path):
    src = tmp_path / "new_incidents.geojson"
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [LON0 + 0.001 + i * 0.004, LAT0 + 0.003]},
         "properties": {"incident_id": f"U{i}", "type": "flying_wire", "status": "reported", "severity": "high",
                        "reported_at": "2026-08-01T20:00:00+08:00", "description": "窗外飞线充电"}}
        for i in range(2)]}, ensure_ascii=False), encoding="utf-8")
    bad = tmp_path / "bad_incidents.geojson"
    feats = json.loads(src.read_text(encoding="utf-8"))
    feats["features"][1]["properties"]["incident_id"] = "U0"  # a duplicate id: refused
    bad.write_text(json.dumps(feats, ensure_ascii=False), encoding="utf-8")
    s = session.open()
    before = s.count("incident")
    s.page.get_by_role("tab", name="导入数据").click()
    s.page.get_by_role("radiogroup").filter(has_text="道路").get_by_text("事件", exact=True).click()
    uploader = s.page.locator("[data-testid='stFileUploader']").filter(has_text="GeoJSON")
    # Streamlit's own English ("Upload", "200MB per file") is covered by ours.
    drop = uploader.locator("[data-testid='stFileUploaderDropzone']")
    after = drop.locator("button p").first.evaluate("b => getComputedStyle(b, '::after').content")
    assert after == '"选择文件"'
    _choose_file(uploader, bad, "bad_i")
    check = s.page.get_by_role("button", name="校验文件")
    load = s.page.get_by_role("button", name="导入", exact=True)

    def click_until(button: Any, text: str) -> None:
        # A click that lands while the upload's own rerun redraws the form is lost: click again.
        done = s.page.get_by_text(text).first
        for _ in range(3):
            button.click()
            try:
                done.wait_for(timeout=20_000)
                return
            except sync_api.TimeoutError:
                continue
        done.wait_for()

    click_until(check, "bad_incidents.geojson 有 1 个错误，未导入任何数据")
    s.page.get_by_text("校验报告（1 项）").wait_for()
    assert load.is_disabled()  # nothing is loaded while the check finds an error
    s.shot("upload-refused")
    _choose_file(uploader, src, "new_i")  # uploaded; long names are cut
    click_until(check, "校验完成: new_incidents.geojson 有 2 条事件，可以导入。")
    s.shot("upload-checked")
    click_until(load, "已导入 2 条")
    s.shot("upload")
    s.page.reload()  # a new session: signed in again
    s.open()
    s.frame.wait_for_function(f"() => GW.count('incident') === {before + 2}")
