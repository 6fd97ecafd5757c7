"""Sign-in in the real app (headless Chromium): nothing of the store before it, wrong passwords, sign-out, idle sessions.

Before sign-in, no grid, building or person of the store is in the page's
text, its HTML, any HTTP response body or any WebSocket frame the browser
receives (the same recording, after sign-in, does hold them: the check can
fail). A wrong password shows the message and no data; signing out returns
to the sign-in page; a session left idle past
``GRIDWATCH_SESSION_IDLE_MINUTES`` signs itself out and says so.
Screenshots in Chinese and English go to test-artifacts/.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import schema
from geo.store import open_store
from tests import paths
from tests.app.browser import (
    SIGNIN_PASSWORD,
    TEST_PASSWORD,
    TEST_USER,
    app_server,
    offline_context,
    require_chromium,
    sign_in,
    sign_in_here,
    sign_out,
    store_address,
    wait_idle,
)

pytestmark = pytest.mark.browser

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")
ARTIFACTS = paths.ARTIFACTS


@pytest.fixture(scope="module")
def server(tmp_path_factory, make_map_store) -> Iterator[tuple[str, Path]]:
    path = make_map_store(tmp_path_factory.mktemp("signin") / "gw.gpkg")
    with app_server(path, env={"GRIDWATCH_BASEMAP": "none"}) as url:
        yield url, path


def secrets_of(address: str) -> list[str]:
    """What the sign-in page must not show: the store's grid names, workers and phones, building names, heads and phones."""
    store = open_store(address)
    grids, buildings = store.read(schema.GRIDS), store.read(schema.BUILDINGS)
    values = [*grids["name"], *grids["worker"], *grids["phone"], *buildings["name"], *buildings["head"],
              *buildings["head_phone"], *grids["community"]]
    out = sorted({str(v) for v in values if isinstance(v, str) and len(v) >= 2})
    assert len(out) >= 20, out
    return out


class Recorder:
    """Everything the browser receives: HTTP response bodies and WebSocket frames."""

    def __init__(self, page: Any) -> None:
        self.bodies: list[bytes] = []
        self.frames: list[bytes] = []
        page.on("response", self._response)
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))

    def _response(self, response: Any) -> None:
        with contextlib.suppress(Exception):  # a redirect or an aborted request has no body
            self.bodies.append(response.body())

    def _frame(self, payload: Any) -> None:
        self.frames.append(payload if isinstance(payload, bytes) else str(payload).encode())

    def holding(self, values: list[str]) -> list[str]:
        data = self.bodies + self.frames
        return [v for v in values if any(v.encode() in chunk for chunk in data)]

    def clear(self) -> None:
        self.bodies.clear()
        self.frames.clear()


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"signin-{name}.png"), full_page=True)


def page_text(page: Any) -> str:
    return page.inner_text("body") + "\n" + page.content()


def test_the_sign_in_page_sends_nothing_of_the_store(server, browser):
    url, path = server
    secrets = [*secrets_of(store_address(path)), str(path), path.name, "GridWatch map test fixture"]
    external: list[str] = []
    context = offline_context(browser, url, external, viewport={"width": 1300, "height": 900}, locale="zh-CN")
    page = context.new_page()
    seen = Recorder(page)
    page.goto(url, timeout=90_000)
    page.locator(SIGNIN_PASSWORD).wait_for(timeout=90_000)
    wait_idle(page)
    page.wait_for_timeout(1500)  # anything sent after the page has drawn
    assert seen.frames, "no WebSocket frame recorded"
    assert [s for s in secrets if s in page_text(page)] == []
    assert seen.holding(secrets) == []
    shot(page, "page-zh")
    # A wrong password: the message, still nothing of the store.
    sign_in_here(page, TEST_USER, "not-the-password-1", wait=False)
    page.get_by_text("用户名或密码不对。").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator(SIGNIN_PASSWORD).count() == 1 and page.get_by_role("tab").count() == 0
    assert seen.holding(secrets) == [] and [s for s in secrets if s in page_text(page)] == []
    shot(page, "wrong-password-zh")
    # The same recording once signed in does hold the store's names: the check above can fail.
    sign_in_here(page, TEST_USER, TEST_PASSWORD)
    page.get_by_role("tab", name="地图").wait_for(timeout=90_000)
    page.wait_for_function("() => document.querySelector(\"iframe[title*='streamlit_folium']\")", timeout=90_000)
    wait_idle(page)
    page.wait_for_timeout(1500)
    assert "第一网格" in seen.holding(secrets)
    assert external == []
    context.close()


def test_sign_in_page_in_english_and_a_wrong_password(server, browser):
    url, _ = server
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(url, timeout=90_000)
    page.locator(SIGNIN_PASSWORD).wait_for(timeout=90_000)
    page.locator("[data-testid='stSidebar']").get_by_text("English").click()
    page.get_by_text("GridWatch · sign in").wait_for(timeout=60_000)
    wait_idle(page)
    sign_in_here(page, "nobody-here", "not-the-password-1", wait=False)
    page.get_by_text("Wrong user name or password.").wait_for(timeout=60_000)
    wait_idle(page)
    shot(page, "wrong-password-en")
    context.close()


def test_sign_out_returns_to_the_sign_in_page(server, browser):
    url, path = server
    context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, url)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("已登录：测试管理员（管理员）").wait_for(timeout=90_000)
    page.get_by_role("tab", name="地图").wait_for(timeout=90_000)
    wait_idle(page)
    shot(page, "signed-in-zh")
    sign_out(page)
    page.get_by_text("已退出登录。").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_role("tab").count() == 0
    assert [s for s in secrets_of(store_address(path)) if s in page.inner_text("body")] == []
    shot(page, "signed-out-zh")
    context.close()


def test_an_idle_session_signs_itself_out(tmp_path, make_map_store, browser):
    path = make_map_store(tmp_path / "gw.gpkg")
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_SESSION_IDLE_MINUTES": "0.1"}  # 6 s
    with app_server(path, env=env) as url:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, url)
        page.get_by_role("tab", name="地图").wait_for(timeout=90_000)
        # Nothing done: the page clears itself (no click needed) and says why.
        page.get_by_text("会话已过期，请重新登录。").wait_for(timeout=60_000)
        page.locator(SIGNIN_PASSWORD).wait_for(timeout=30_000)
        wait_idle(page)
        assert page.get_by_role("tab").count() == 0
        assert [s for s in secrets_of(store_address(path)) if s in page.inner_text("body")] == []
        shot(page, "expired-zh")
        sign_in_here(page)  # and one signs in again
        page.get_by_role("tab", name="地图").wait_for(timeout=90_000)
        context.close()


def test_demo_mode_signs_in_without_a_password_clearly_labelled(tmp_path, demo_store_path, browser):
    path = tmp_path / "demo.gpkg"
    shutil.copyfile(demo_store_path, path)
    with app_server(path, env={"GRIDWATCH_BASEMAP": "none"}, args=("--demo",), timeout=120) as url:
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page = context.new_page()
        page.goto(url, timeout=90_000)
        page.get_by_text("演示模式 · 虚构数据").first.wait_for(timeout=90_000)
        buttons = page.locator("[data-testid='stButton'] button").filter(has_text="身份进入")
        buttons.first.wait_for(timeout=60_000)
        labels = buttons.all_inner_texts()
        for role in ("管理员", "社区工作人员", "网格员", "处置单位", "只读用户"):
            assert any(f"以{role}身份进入" in label for label in labels), labels
        assert page.locator(SIGNIN_PASSWORD).count() == 0  # no password in demo mode
        wait_idle(page)
        shot(page, "demo-zh")
        buttons.filter(has_text="以网格员身份进入").first.click()
        page.get_by_role("tab", name="地图").wait_for(timeout=120_000)
        page.locator("[data-testid='stSidebar']").get_by_text("（网格员）").first.wait_for(timeout=60_000)
        assert page.get_by_text("演示模式 · 虚构数据").count() >= 1  # still labelled, signed in
        wait_idle(page)
        page.locator("[data-testid='stSidebar']").get_by_text("English").click()
        page.get_by_text("Demo mode · fictional data").first.wait_for(timeout=60_000)
        wait_idle(page)
        shot(page, "demo-signed-in-en")
        context.close()


def test_a_page_whose_account_is_disabled_signs_itself_out(tmp_path, make_map_store, browser):
    from geo import accounts
    from tests.app.browser import add_account

    path = make_map_store(tmp_path / "gw.gpkg")
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_SESSION_IDLE_MINUTES": "1"}  # checked every 20 s
    with app_server(path, env=env) as url:
        add_account(store_address(path), "lina", role="grid_worker", grids=["G2"])
        context = browser.new_context(viewport={"width": 1300, "height": 900}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, url, "lina")
        page.get_by_role("tab", name="地图").wait_for(timeout=90_000)
        accounts.disable_user(open_store(store_address(path)), "lina")  # by an administrator, elsewhere
        page.get_by_text("该账号已被停用，请联系管理员。").wait_for(timeout=45_000)  # before the idle minute is up
        assert page.get_by_role("tab").count() == 0
        context.close()
