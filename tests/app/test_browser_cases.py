"""A case from report to close in the real app (headless Chromium), and two people on one case.

A flooding report is made on the map (click, form, submit), accepted,
dispatched to the property company, handled with a photo (a real JPEG
upload), checked and closed by someone else. After each step the case
panel's stage, the ledger tab (its open count and its CSV) and the map
marker follow. Then two pages show the same case: the first one's step is
stored, the second one's is refused with the store's message (who changed
it first), and its panel shows the case as it now is. Screenshots in
Chinese and English go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from geo.cases.parties import PARTIES
from geo.store import open_store
from tests import paths
from tests.app.browser import add_account, frame_of, map_frame, require_chromium, sign_in, store_address

pytestmark = pytest.mark.browser

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")
PlaywrightError = sync_api.Error
PlaywrightTimeout = sync_api.TimeoutError

ARTIFACTS = paths.ARTIFACTS
#: As in the map store of conftest.py.
LON0, LAT0, STEP = 114.40, 30.50, 0.004
#: Where the report is made: grid G2, away from the fixture's incidents.
AT = (LON0 + 1.5 * STEP, LAT0 + 0.0032)
#: The community staff who sign in (accounts of the served store).
PEOPLE = ("王芳", "李娜", "张伟", "赵敏")


@pytest.fixture(scope="module")
def server(tmp_path_factory, make_map_store, app_server) -> Iterator[tuple[str, Path]]:
    store_path = make_map_store(tmp_path_factory.mktemp("cases") / "gw.gpkg")
    parties = pd.DataFrame([{"party_id": "wuye_lvyuan", "name": "绿园物业", "kind": "property",
                             "phone": "027-80000000", "grids": "G2", "types": "flooding"}])
    with open_store(store_path).transaction("parties", by="test") as tx:
        tx.write_table(PARTIES, parties)
    with app_server(store_path, env={"GRIDWATCH_BASEMAP": "none"}) as url:
        for name in PEOPLE:  # each person signs in with an account of their own
            add_account(store_address(store_path), name, role="staff")
        yield url, store_path


def jpeg(path: Path) -> Path:
    """A small real JPEG (a grey square with a darker band)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (64, 48), (180, 190, 200))
    ImageDraw.Draw(img).rectangle((0, 20, 63, 30), fill=(60, 70, 90))
    img.save(path, "JPEG", quality=85)
    return path


class Page:
    """One person's page on the app."""

    def __init__(self, browser: Any, url: str, name: str) -> None:
        self.url = url
        self.errors: list[str] = []
        self.external: list[str] = []
        self.context = browser.new_context(viewport={"width": 1500, "height": 1200}, locale="zh-CN",
                                           accept_downloads=True)
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(45_000)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.name = name

    def _route(self, route: Any) -> None:
        u = route.request.url
        if u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(u)
            route.abort()

    def open(self) -> Page:
        sign_in(self.page, self.url, self.name)
        map_frame(self.page)
        frame_of(self.page).wait_for_function("() => window.GW && GW.count('incident') > 0")
        self.idle()
        return self

    def find(self, case_id: str) -> None:
        """Show the case ``case_id`` in the panel (the sidebar's search)."""
        box = self.sidebar.get_by_role("textbox", name="搜索楼栋名或事件编号")
        box.fill(case_id)
        box.press("Enter")

    @property
    def sidebar(self) -> Any:
        return self.page.locator("[data-testid='stSidebar']")

    def idle(self) -> None:
        """Wait until the app has finished its rerun (Streamlit shows its status widget while one runs)."""
        self.page.wait_for_timeout(400)
        self.page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")",
                                    timeout=45_000)

    lang = "zh"

    def frame(self) -> Any:
        for _ in range(30):
            try:
                f = frame_of(self.page)
                if f.evaluate("() => !!(window.GW && GW.layers.incident && GW.layers.incident._map)"):
                    return f
            except Exception:  # noqa: BLE001 - the map is being drawn again
                pass
            self.page.wait_for_timeout(500)
        raise AssertionError("the map did not come back")

    def click_lonlat(self, lon: float, lat: float) -> None:
        for _ in range(30):  # the map may be being drawn again after the last rerun
            pt = self.frame().evaluate(f"() => map.latLngToContainerPoint([{lat}, {lon}])")
            box = self.page.locator("iframe[title*='streamlit_folium']").first.bounding_box()
            if box is not None:
                self.page.mouse.click(box["x"] + pt["x"], box["y"] + pt["y"])
                return
            self.page.wait_for_timeout(500)
        raise AssertionError("the map is not on the page")

    def case(self) -> Any:
        return self.page.locator(".gw-case").first

    def wait_stage(self, stage: str) -> None:
        """Wait until the case panel (every copy of it a rerun leaves for a moment) shows ``stage``."""
        self.page.wait_for_function(
            """s => { const c = document.querySelectorAll('.gw-case');
                      return c.length > 0 && Array.from(c).every(e => e.dataset.stage === s); }""",
            arg=stage, timeout=45_000)
        self.page.wait_for_timeout(300)

    def step(self, label: str, *, note: str | None = None, photo: Path | None = None) -> None:
        """Pick the next step ``label`` in the case panel, fill its form and confirm it."""
        self.idle()
        self.page.locator("[data-testid='stRadio']").filter(has_text=label).first.get_by_text(label, exact=True).click()
        self.idle()  # a rerun may leave the last form's copy on the page for a moment
        form = self.page.locator("[data-testid='stForm']").filter(
            has=self.page.get_by_role("button", name=f"确认：{label}")).first
        form.wait_for()
        if note is not None:
            form.locator("textarea").fill(note)
        if photo is not None:
            form.locator("input[type='file']").set_input_files(str(photo))
            form.get_by_text(photo.name).wait_for()
        form.get_by_role("button", name=f"确认：{label}").click()

    def marker(self, case_id: str) -> dict[str, Any]:
        """The case's marker on the map: its icon's HTML and its clock state (None when not drawn)."""
        return self.frame().evaluate(f"""() => {{
            const m = GW.layers.incident.getLayers().find(l => l.feature && l.feature.properties.id === {json.dumps(case_id)});
            return m ? {{html: m.options.icon.options.html, state: m.feature.properties.state}} : null; }}""")

    def ledger(self, shot: str = "", *, expect: int | None = None) -> tuple[int, list[dict[str, str]]]:
        """The ledger tab's open count and its CSV rows (and a screenshot of the tab named ``shot``).

        ``expect``: the count the tab should come to; it is waited for (the tab
        may still show the last rerun's), then read and returned as it is.
        """
        self.page.get_by_role("tab", name="台账").click()
        metric = self.page.locator("[data-testid='stMetric']").filter(has_text="未结案件").first
        metric.wait_for()
        self.idle()
        for _ in range(90 if expect is not None else 0):
            if metric.locator("[data-testid='stMetricValue']").inner_text().strip() == str(expect):
                break
            self.page.wait_for_timeout(500)
        if shot:
            self.page.wait_for_timeout(500)
            self.shot(shot)
        n = int(metric.locator("[data-testid='stMetricValue']").inner_text().strip())
        text = ""
        for attempt in range(3):  # a rerun that replaces the button cancels its download: ask again
            self.idle()
            try:
                with self.page.expect_download() as dl:
                    self.page.get_by_role("button", name="下载台账（CSV）").click()
                text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
                break
            except PlaywrightError:
                if attempt == 2:
                    raise
        self.page.get_by_role("tab", name="地图").click()
        return n, list(csv.DictReader(io.StringIO(text)))

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"cases-{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


def _row_of(rows: list[dict[str, str]], case_id: str) -> dict[str, str] | None:
    return next((r for r in rows if case_id in r.values()), None)


def test_a_report_goes_from_the_map_to_closed(server, browser, tmp_path):
    from geo import schema

    url, path = server
    store = open_store(store_address(path))
    p = Page(browser, url, "王芳").open()
    base_open, _ = p.ledger()
    # Report on the map: toggle, click, form, submit.
    p.page.get_by_text("在地图上点选位置上报事件").click()
    p.page.get_by_text("请在地图上点击事件位置。").first.wait_for()
    p.idle()
    p.click_lonlat(*AT)
    form = p.page.locator("[data-testid='stForm']").filter(has_text="上报事件")
    form.locator("[data-testid='stSelectbox']").first.click()
    p.page.get_by_role("option", name="积水点").click()
    form.locator("textarea").fill("地下车库入口积水约20厘米")
    form.get_by_role("button", name="提交").click()
    wait_stored(p, store, "地下车库入口积水约20厘米")
    p.idle()
    inc = store.read(schema.INCIDENTS)
    new = inc[inc["description"] == "地下车库入口积水约20厘米"]
    assert len(new) == 1 and new["grid_id"].iloc[0] == "G2" and new["status"].iloc[0] == "reported"
    case_id = str(new["incident_id"].iloc[0])
    p.page.get_by_text("在地图上点选位置上报事件").click()  # report mode off: clicks select again
    p.wait_stage("reported")
    assert p.case().get_attribute("data-case") == case_id
    marker = p.marker(case_id)
    assert marker is not None and "gw-open" in marker["html"] and marker["state"] in ("on_time", "warning")
    n, rows = p.ledger(expect=base_open + 1)
    assert n == base_open + 1 and _row_of(rows, case_id) is not None
    p.shot("reported")

    p.step("受理")
    p.wait_stage("accepted")
    p.step("派遣")
    p.wait_stage("dispatched")
    assert "绿园物业" in p.page.locator("[data-testid='stMarkdown']").filter(has_text="责任单位").first.inner_text()
    n, rows = p.ledger(shot="ledger-dispatched", expect=base_open + 1)
    row = _row_of(rows, case_id)
    assert n == base_open + 1 and row is not None and "dispatched" in row.values() and "绿园物业" in row.values()

    p.step("处置反馈", note="已疏通雨水篦子，积水排净", photo=jpeg(tmp_path / "fixed.jpg"))
    p.wait_stage("handled")
    p.page.locator("[data-testid='stImage'] img").first.wait_for()  # the photo, from the store's bytes
    p.shot("handled")
    # The handler may not check their own work: another person checks and closes.
    p.step("核查通过，结案")
    p.page.get_by_text("核查须由其他人进行").first.wait_for()
    assert p.errors == [] and p.external == []
    p.close()
    p = Page(browser, url, "李娜").open()
    p.find(case_id)
    p.wait_stage("handled")
    p.step("核查通过，结案")
    p.wait_stage("closed")
    marker = p.marker(case_id)
    assert marker is not None and "gw-done" in marker["html"]
    n, rows = p.ledger(expect=base_open)
    assert n == base_open and _row_of(rows, case_id) is None
    history = p.page.locator("[data-testid='stMarkdown']").filter(has_text="王芳")
    assert history.count() >= 3
    p.shot("closed-zh")
    # The same page in English.
    p.sidebar.get_by_text("English").click()
    p.lang = "en"
    p.page.get_by_text("History").first.wait_for()
    p.wait_stage("closed")
    p.shot("closed-en")
    events = store.read_table("case_events", where={"case_id": [case_id]})
    assert list(events.sort_values("seq")["action"]) == ["report", "accept", "dispatch", "handle", "check_pass"]
    assert events.loc[events["action"] == "check_pass", "by"].iloc[0] == "李娜"
    assert p.errors == [] and p.external == []
    p.close()


def test_overdue_cases_stand_out_and_filter(server, browser):
    p = Page(browser, server[0], "王芳").open()
    f = p.frame()
    states = f.evaluate("() => GW.states('incident')")
    assert states.get("overdue", 0) >= 3  # the fixture's old open reports
    f.locator(".marker-cluster.gw-cl-overdue").first.wait_for()  # clustered, the ring shows on the cluster
    assert f.locator(".gw-legend", has_text="红圈：超期").count() == 1
    p.sidebar.locator("[data-testid='stSelectbox']").filter(has_text="案卷").first.click()
    p.page.get_by_role("option", name="仅超期", exact=True).click()
    p.page.wait_for_timeout(1500)
    f = p.frame()
    f.wait_for_function(f"() => GW.count('incident') === {states['overdue']}")
    p.shot("overdue-only")
    # Storm mode: switched on the ledger tab, shown there and on the map tab, for every user.
    p.page.get_by_role("tab", name="台账").click()
    p.page.locator("[data-testid='stRadio']").filter(has_text="暴雨模式").get_by_text("红色预警").click()
    banner = "暴雨模式已开启（红色预警）"
    shown = "t => document.body.innerText.includes(t)"  # innerText: what is on screen, not the hidden tabs
    p.page.wait_for_function(shown, arg=banner)
    p.shot("ledger-storm")
    p.page.get_by_role("tab", name="地图").click()
    assert p.page.get_by_text(banner).count() >= 2  # the ledger tab's and the map tab's
    other = Page(browser, server[0], "张伟").open()
    other.page.wait_for_function(shown, arg=banner)
    other.close()
    p.page.get_by_role("tab", name="台账").click()
    p.page.locator("[data-testid='stRadio']").filter(has_text="暴雨模式").get_by_text("关闭").click()
    p.page.wait_for_function("t => !document.body.innerText.includes(t)", arg=banner)
    p.close()


def wait_stored(p: Page, store: Any, description: str) -> None:
    """Wait until the store holds a report with ``description`` (the page's notice of it lasts one rerun)."""
    from geo import schema

    for _ in range(120):
        if (store.read(schema.INCIDENTS)["description"] == description).any():
            return
        p.page.wait_for_timeout(500)
    raise AssertionError(f"no report {description!r} was stored")


def test_a_repeated_report_is_offered_as_a_duplicate_and_merged(server, browser):
    from geo import schema

    url, path = server
    store = open_store(store_address(path))
    p = Page(browser, url, "王芳").open()
    spot = (LON0 + 2.5 * STEP, LAT0 + 0.0033)

    def report(text: str) -> None:
        p.page.get_by_text("请在地图上点击事件位置。").first.wait_for()  # a rerun may show two for a moment
        form = p.page.locator("[data-testid='stForm']").filter(has_text="上报事件")
        for _ in range(3):  # a click the map takes while the app still reruns is not sent: click again
            p.idle()
            p.click_lonlat(*spot)
            try:
                form.locator("[data-testid='stSelectbox']").first.wait_for(timeout=15_000)
                break
            except PlaywrightTimeout:
                continue
        form.locator("[data-testid='stSelectbox']").first.click()
        p.page.get_by_role("option", name="积水点").click()
        form.locator("textarea").fill(text)
        form.get_by_role("button", name="提交").click()

    p.page.get_by_text("在地图上点选位置上报事件").click()
    report("小区东门积水")
    wait_stored(p, store, "小区东门积水")
    p.idle()
    inc = store.read(schema.INCIDENTS)
    first = str(inc.loc[inc["description"] == "小区东门积水", "incident_id"].iloc[0])
    report("东门那里又积水了")
    p.page.get_by_text("可能是同一件事").first.wait_for()  # nothing stored yet: the user says which
    assert (store.read(schema.INCIDENTS)["description"] == "东门那里又积水了").sum() == 0
    p.shot("duplicate")
    p.page.get_by_role("button", name=f"是同一件事：并入 {first}").click()
    wait_stored(p, store, "东门那里又积水了")
    inc = store.read(schema.INCIDENTS)
    again = inc[inc["description"] == "东门那里又积水了"]
    assert len(again) == 1 and again["status"].iloc[0] == "merged" and again["merged_into"].iloc[0] == first
    p.wait_stage("reported")  # the panel shows the case it was merged into
    assert p.case().get_attribute("data-case") == first
    p.close()


def test_a_step_on_a_case_someone_changed_first_is_refused(server, browser):
    url, _ = server
    first, second = Page(browser, url, "张伟").open(), Page(browser, url, "赵敏").open()
    for p in (first, second):  # the same case in both, found by its id
        p.find("I010")
        p.wait_stage("reported")
    first.step("受理")
    first.wait_stage("accepted")
    second.step("受理")  # on what it showed: the case as reported, version 1
    second.page.get_by_text("未保存").first.wait_for()
    message = second.page.locator("[data-testid='stAlert']").filter(has_text="未保存").first.inner_text()
    assert "张伟" in message
    second.wait_stage("accepted")  # read again: it shows the first one's step, nothing overwritten
    second.shot("conflict")
    for p in (first, second):
        p.close()
