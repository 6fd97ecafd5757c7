"""The accounts and audit-log tabs in the real app (headless Chromium), in Chinese and English.

An administrator signs in through the form (tests/app/browser.py), adds a grid worker on the
accounts tab, finds the entry on the audit-log tab (by them, newest first)
and downloads its CSV; no password hash reaches the page. Screenshots of
each tab in both languages go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from geo import accounts
from geo.store import open_store
from tests import paths
from tests.app.browser import TEST_USER, launch, require_chromium, sign_in, store_address, wait_idle

pytestmark = pytest.mark.browser

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")

ARTIFACTS = paths.ARTIFACTS
WORKER_PASSWORD = "望江路二号网格的网格员"


@pytest.fixture(scope="module")
def server(tmp_path_factory, make_map_store, app_server) -> Iterator[tuple[str, Path]]:
    store_path = make_map_store(tmp_path_factory.mktemp("people") / "gw.gpkg")
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "accounts,audit"}
    with app_server(store_path, env=env) as url:
        yield url, store_path


@pytest.fixture(scope="module")
def page(server) -> Iterator[Any]:
    url, _ = server
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="zh-CN", accept_downloads=True)
        pg = context.new_page()
        pg.set_default_timeout(45_000)
        sign_in(pg, url)  # the administrator app_server gives the store
        pg.get_by_role("tab", name="账号").wait_for()
        wait_idle(pg)
        yield pg
        browser.close()


def shot(pg: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"people_{name}.png"
    pg.wait_for_timeout(400)
    pg.screenshot(path=str(path), full_page=True)
    return path


def tab(pg: Any, label: str) -> Any:
    pg.get_by_role("tab", name=label).click()
    wait_idle(pg)
    return pg.locator("[role='tabpanel']:not([hidden])").first


def test_an_administrator_adds_a_worker_and_reads_the_log(page, server):
    _, store_path = server
    panel = tab(page, "账号")
    add = panel.locator("[data-testid='stForm']").filter(has=page.get_by_role("button", name="新增账号")).first
    add.get_by_label("用户名").fill("wang")
    add.get_by_label("显示名称").fill("王网格员")
    add.get_by_label("网格").click()  # the role is 网格员 by default
    page.get_by_role("option", name="第二网格").click()
    page.keyboard.press("Escape")
    add.get_by_label("密码", exact=True).fill(WORKER_PASSWORD)
    add.get_by_label("再输入一次密码").fill(WORKER_PASSWORD)
    add.get_by_role("button", name="新增账号").click()
    page.get_by_text("已新增账号 wang（网格员）。").wait_for()
    wait_idle(page)
    worker = accounts.get_user(open_store(store_address(store_path)), "wang")
    assert worker is not None and worker.grids == {"G2"}
    assert "argon2" not in page.content()
    shot(page, "accounts_zh")

    tab(page, "审计日志")
    page.get_by_text("导出 CSV").wait_for()
    shot(page, "audit_zh")
    for attempt in range(3):  # a rerun that replaces the button cancels its download: ask again
        try:
            with page.expect_download(timeout=20_000) as dl:
                page.get_by_role("button", name="导出 CSV").click()
            text = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
            break
        except sync_api.Error:
            if attempt == 2:
                raise
            wait_idle(page)
    rows = list(csv.DictReader(io.StringIO(text)))
    newest = rows[-1]
    assert (newest["操作人"], newest["角色"], newest["操作"], newest["对象"]) == (TEST_USER, "admin", "user_add", "wang")
    assert "argon2" not in text
    assert any(r["操作"] == "sign_in" and r["对象"] == TEST_USER for r in rows)


def test_both_tabs_in_english(page):
    page.locator("[data-testid='stSidebar']").get_by_text("English", exact=True).click()
    page.get_by_role("tab", name="Accounts").wait_for()
    tab(page, "Accounts")
    page.get_by_text("Add an account", exact=True).first.wait_for()
    shot(page, "accounts_en")
    tab(page, "Audit log")
    page.get_by_text("Download CSV").wait_for()
    shot(page, "audit_en")
