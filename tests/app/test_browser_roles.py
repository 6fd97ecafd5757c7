"""Who sees and may do what, in the real app (headless Chromium) on a copy of the demo community.

A viewer signs in: the building panel shows the head masked (``张**``,
``138****5678``) and nothing the page receives (every WebSocket frame and
HTTP response, the map's payload included) holds a full phone number of
any building head or grid worker of the store. A grid worker signs in: the
case panel of a case in their own grid offers its steps; on a case of
another grid it offers none and says why. Screenshots of the viewer's
masked panel in Chinese and English go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from geo import accounts, privacy, schema
from geo.store import open_store
from tests import paths
from tests.app.browser import map_frame, require_chromium, sign_in, store_address, wait_idle

pytestmark = pytest.mark.browser

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = paths.ARTIFACTS
PASSWORD = "rain-first-check-basement-3"
#: A case of grid G01 (the grid worker's) and one of G02, both just reported (the demo community, seed 7).
OWN_CASE, OTHER_CASE = "FW027", "FW009"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_store_path: str,
           app_server: Any) -> Iterator[tuple[str, Path]]:
    path = tmp_path_factory.mktemp("roles") / "gridwatch.gpkg"
    shutil.copyfile(demo_store_path, path)
    store = open_store(path)
    accounts.add_user(store, "guest", role="viewer", password=PASSWORD, display_name="访客", by="")
    accounts.add_user(store, "wang", role="grid_worker", password=PASSWORD, grids=["G01"], by="")
    with app_server(path, env={"GRIDWATCH_BASEMAP": "none"}, timeout=90) as url:
        yield url, path


class Session:
    """One person's page, and everything it received."""

    def __init__(self, browser: Any, url: str, lang: str = "zh") -> None:
        self.url, self.lang = url, lang
        self.received: list[bytes] = []
        self.external: list[str] = []
        self.context = browser.new_context(viewport={"width": 1500, "height": 1300},
                                           locale="zh-CN" if lang == "zh" else "en-US")
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.page.on("websocket", self._socket)
        self.page.on("response", self._response)

    def _route(self, route: Any) -> None:
        u = route.request.url
        if u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")):
            route.continue_()
        else:
            self.external.append(u)
            route.abort()

    def _socket(self, ws: Any) -> None:
        ws.on("framereceived", lambda frame: self.received.append(
            frame if isinstance(frame, bytes) else str(frame).encode("utf-8")))

    def _response(self, response: Any) -> None:
        with contextlib.suppress(sync_api.Error):  # a redirect, or a body the browser no longer holds
            self.received.append(response.body())

    def sign_in(self, name: str) -> Session:
        sign_in(self.page, self.url, name, PASSWORD)
        map_frame(self.page, timeout=90_000)
        wait_idle(self.page, 90_000)
        if self.lang == "en":
            self.page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
            wait_idle(self.page, 90_000)
        return self

    def search(self, ident: str) -> None:
        """Pick ``ident`` (a building or incident id) with the sidebar's search: its panel opens."""
        label = "搜索楼栋名或事件编号" if self.lang == "zh" else "Search a building name or incident id"
        box = self.page.locator("[data-testid='stSidebar']").get_by_label(label)
        box.fill(ident)
        box.press("Enter")
        wait_idle(self.page, 90_000)

    def panel_text(self) -> str:
        return self.page.locator("[data-testid='stMain']").inner_text()

    def close(self) -> None:
        self.context.close()


def _quiet_building(path: Path) -> tuple[str, str, str]:
    """A building of grid G01 (id, head, head phone)."""
    b = open_store(store_address(path)).read(schema.BUILDINGS)
    row = b[b["grid_id"] == "G01"].sort_values("building_id").iloc[0]
    return str(row["building_id"]), str(row["head"]), str(row["head_phone"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_viewer_sees_people_masked_and_receives_no_phone(server: tuple[str, Path], browser: Any, lang: str) -> None:
    url, path = server
    store = open_store(store_address(path))
    phones = [*store.read(schema.BUILDINGS)["head_phone"].astype(str), *store.read(schema.GRIDS)["phone"].astype(str)]
    bid, head, phone = _quiet_building(path)
    s = Session(browser, url, lang).sign_in("guest")
    try:
        s.search(bid)
        main = s.page.locator("[data-testid='stMain']")
        main.get_by_text(privacy.mask_phone(phone)).first.wait_for()
        text = s.panel_text()
        assert privacy.mask_name(head) in text and head not in text and phone not in text
        assert privacy.mask_name(head).startswith(head[0]) and privacy.mask_name(head).endswith("**")
        frame = map_frame(s.page)
        frame.locator(".leaflet-container").wait_for()
        ARTIFACTS.mkdir(exist_ok=True)
        s.page.wait_for_timeout(800)
        s.page.screenshot(path=str(ARTIFACTS / f"roles-viewer-masked-{lang}.png"), full_page=True)
        received = b"\n".join(s.received)
        assert len(received) > 100_000  # the page, the map and its payload came through what is searched
        assert privacy.mask_phone(phone).encode() in received
        leaked = [p for p in phones if p.encode() in received]
        assert not leaked, leaked[:5]
        assert not s.external
    finally:
        s.close()


def _steps_offered(s: Session, case: str) -> list[str]:
    s.search(case)
    s.page.wait_for_function(
        "c => { const e = document.querySelectorAll('.gw-case'); return e.length > 0 && "
        "Array.from(e).every(x => x.dataset.case === c); }", arg=case, timeout=60_000)
    wait_idle(s.page, 60_000)
    radio = s.page.locator("[data-testid='stRadio']").filter(has_text="下一步")
    if radio.count() == 0:
        return []
    return [t.strip() for t in radio.first.locator("label").all_inner_texts() if t.strip() and t.strip() != "下一步"]


def test_a_grid_worker_acts_on_their_grid_only(server: tuple[str, Path], browser: Any) -> None:
    url, path = server
    inc = open_store(store_address(path)).read(schema.INCIDENTS).set_index("incident_id")
    assert inc.at[OWN_CASE, "grid_id"] == "G01" and inc.at[OTHER_CASE, "grid_id"] == "G02"
    assert inc.at[OWN_CASE, "status"] == inc.at[OTHER_CASE, "status"] == "reported"
    s = Session(browser, url).sign_in("wang")
    try:
        assert _steps_offered(s, OWN_CASE) == ["自行处置"]
        assert s.page.get_by_role("button", name="确认：自行处置").count() >= 1
        s.search(OTHER_CASE)
        s.page.get_by_text("只读：网格员不能办理此案卷（网格 第二网格）的下一步").first.wait_for(timeout=60_000)
        wait_idle(s.page, 60_000)
        # the first case's step form goes with the rerun that drew this panel (polled: not a stale copy)
        expect(s.page.locator("[data-testid='stRadio']").filter(has_text="下一步")).to_have_count(0, timeout=30_000)
        expect(s.page.get_by_role("button", name="确认：自行处置")).to_have_count(0, timeout=30_000)
        ARTIFACTS.mkdir(exist_ok=True)
        s.page.screenshot(path=str(ARTIFACTS / "roles-worker-other-grid.png"), full_page=True)
    finally:
        s.close()
