"""The sign-in page through AppTest: the password form, the slow-down, idle sessions, sign-out and demo mode."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from geo import accounts
from geo.audit import read_audit
from geo.store import open_store
from tests.app.apptest import app_test
from views.parts.plain import USER_KEY
from views.signin import ACTIVE_KEY

PASSWORD = "雨天先查三号楼地库-7"


@pytest.fixture
def store(tmp_path, monkeypatch, make_map_store) -> Path:
    path = make_map_store(tmp_path / "gw.gpkg")
    accounts.add_user(open_store(path), "wangfang", role="staff", password=PASSWORD, display_name="王芳")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def everything(at: AppTest) -> str:
    """Every text the page holds (values of every element, the sidebar's too)."""
    out: list[str] = []

    def walk(node: object) -> None:
        for attr in ("value", "label", "body", "placeholder", "help"):
            v = getattr(node, attr, None)
            if isinstance(v, str):
                out.append(v)
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="gw_signin_user").set_value(name)
    at.text_input(key="gw_signin_password").set_value(password)
    next(b for b in at.button if b.label == "登录").click()
    return at.run()


def test_the_sign_in_page_shows_nothing_of_the_store(store):
    at = app_test(user=None).run()
    assert not at.exception
    assert at.text_input(key="gw_signin_user") and not at.tabs
    text = everything(at)
    assert "登录" in text
    for secret in ("第一网格", "张伟", "13800000001", "1-2栋", "楼长00", "13900000000", "桂苑社区", str(store), "gw.gpkg",
                   "GridWatch map test fixture"):
        assert secret not in text, secret


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(store):
    at = sign_in(app_test(user=None).run(), "wangfang", "not the password")
    assert [e.value for e in at.error] == ["用户名或密码不对。"] and not at.tabs
    at = sign_in(at, "wangfang", PASSWORD)
    assert not at.exception and at.tabs
    assert at.session_state[USER_KEY].name == "wangfang"
    assert "gw_signin_password" not in at.session_state  # the password not kept in the session
    assert any(c.value == "已登录：王芳（社区工作人员）" for c in at.sidebar.caption)
    log = read_audit(open_store(store), user="wangfang")
    assert {"sign_in_failed", "sign_in"} <= set(log["action"])


def test_repeated_failures_show_the_wait(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_SIGNIN_FREE_FAILURES", "1")
    at = sign_in(app_test(user=None).run(), "wangfang", "wrong one")
    at = sign_in(at, "wangfang", PASSWORD)  # the right password, but within the wait: refused unchecked
    assert at.error and at.error[0].value.startswith("失败次数过多，请") and not at.tabs


def test_an_idle_session_expires_and_says_so(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_SESSION_IDLE_MINUTES", "1")
    at = sign_in(app_test(user=None).run(), "wangfang", PASSWORD)
    assert at.tabs
    at.session_state["gw_search"] = "I001"
    at.session_state[ACTIVE_KEY] = time.monotonic() - 59  # active within the minute: still signed in
    at = at.run()
    assert at.tabs and at.session_state[ACTIVE_KEY] > time.monotonic() - 5  # the rerun counts as activity
    at.session_state[ACTIVE_KEY] = time.monotonic() - 61
    at = at.run()
    assert not at.tabs and at.text_input(key="gw_signin_user")
    assert any(i.value == "会话已过期，请重新登录。" for i in at.info)
    assert USER_KEY not in at.session_state and "gw_search" not in at.session_state  # the session forgotten
    assert "idle" in " ".join(read_audit(open_store(store), action="sign_out")["after"].astype(str))


def test_the_idle_time_starts_when_the_page_is_drawn(store, monkeypatch):
    """A page that takes longer to draw than the idle limit does not sign its user out on the next rerun."""
    import views.rain
    from views import View

    shown = views.rain.VIEW

    def slow(ctx):  # a page drawn on a busy server
        time.sleep(4)
        shown.render(ctx)

    monkeypatch.setattr(views.rain, "VIEW", View(key=shown.key, label=shown.label, render=slow, order=shown.order))
    monkeypatch.setenv("GRIDWATCH_VIEWS", "rain")
    monkeypatch.setenv("GRIDWATCH_SESSION_IDLE_MINUTES", "0.05")  # 3 s
    at = sign_in(app_test(user=None).run(), "wangfang", PASSWORD)
    assert at.tabs and at.session_state[ACTIVE_KEY] > time.monotonic() - 2  # timed at the end of the run
    at = at.run()  # within 3 s of the page being drawn (its run began more than 4 s ago)
    assert at.tabs and "会话已过期，请重新登录。" not in [i.value for i in at.info]


def test_a_disabled_account_is_signed_out_and_a_new_role_applies_at_once(store):
    at = sign_in(app_test(user=None).run(), "wangfang", PASSWORD)
    assert at.session_state[USER_KEY].role == "staff"
    accounts.set_user(open_store(store), "wangfang", role="viewer")
    at = at.run()
    assert at.tabs and at.session_state[USER_KEY].role == "viewer"
    assert any(c.value == "已登录：王芳（只读用户）" for c in at.sidebar.caption)
    accounts.disable_user(open_store(store), "wangfang")
    at = at.run()
    assert not at.tabs and USER_KEY not in at.session_state
    assert any(i.value == "该账号已被停用，请联系管理员。" for i in at.info)


def test_sign_out_returns_to_the_sign_in_page_keeping_the_language(store):
    at = app_test().run()
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = at.run()
    assert at.tabs
    at.sidebar.button(key="gw_sign_out").click()
    at = at.run()
    assert not at.tabs and USER_KEY not in at.session_state
    assert any(i.value == "You have signed out." for i in at.info)
    assert any(b.label == "Sign in" for b in at.button)


@pytest.fixture
def demo_args(monkeypatch):
    monkeypatch.setattr(sys, "argv", ["app.py", "--demo"])
    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "127.0.0.1")
    yield
    st_config.set_option("server.address", old)


def test_demo_mode_offers_a_button_per_role_on_the_demo(demo_store_path, tmp_path, monkeypatch, demo_args):
    path = tmp_path / "demo.gpkg"
    shutil.copyfile(demo_store_path, path)
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    at = app_test(user=None, timeout=120).run()
    assert not at.exception
    assert any("演示模式 · 虚构数据" in w.value for w in at.warning)
    labels = [b.label for b in at.button]
    for role in ("管理员", "社区工作人员", "网格员", "处置单位", "只读用户"):
        assert any(f"以{role}身份进入" in label for label in labels), labels
    assert not at.text_input  # no password form
    next(b for b in at.button if "网格员" in b.label).click()
    at = at.run()
    assert not at.exception and at.tabs
    user = at.session_state[USER_KEY]
    assert user.role == "grid_worker" and user.grids == frozenset({"G01"})
    assert any("演示模式 · 虚构数据" in w.value for w in at.warning)  # still labelled once signed in


def test_demo_mode_is_refused_on_a_store_that_is_not_the_demo(tmp_path, monkeypatch, make_map_store, demo_args):
    path = make_map_store(tmp_path / "real.gpkg")
    store = open_store(path)
    with store.transaction("not fictional") as tx:
        meta = tx.read_table("meta")
        tx.write_table("meta", meta[meta["key"] != "fictional"])
    accounts.add_user(store, "nopass", role="admin", password=None)
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    at = app_test(user=None).run()
    assert at.error and at.error[0].value.startswith("演示登录只能用于虚构的演示数据")
    assert str(path) not in everything(at)
    assert not any("身份进入" in b.label for b in at.button)
    assert at.text_input(key="gw_signin_password")  # the password form instead


def test_demo_mode_is_refused_on_every_interface(demo_store_path, tmp_path, monkeypatch, demo_args):
    path = tmp_path / "demo.gpkg"
    shutil.copyfile(demo_store_path, path)
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    st_config.set_option("server.address", "0.0.0.0")
    at = app_test(user=None).run()
    assert at.error and at.error[0].value.startswith("演示模式不能在所有网络接口上提供服务")
    assert not any("身份进入" in b.label for b in at.button)


def test_a_store_that_cannot_be_opened_names_no_path_to_other_machines(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_STORE", str(tmp_path / "secret-office.gpkg"))
    at = app_test(user=None).run()  # served on this machine only (.streamlit/config.toml): the path is shown
    assert at.error and "secret-office.gpkg" in at.error[0].value
    old = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = app_test(user=None).run()
    finally:
        st_config.set_option("server.address", old)
    assert at.error and at.error[0].value.startswith("暂时无法打开数据，请联系管理员（编号 GW-")
    assert "secret-office" not in everything(at)


def test_with_openid_connect_the_page_offers_the_provider_and_no_password_form(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_AUTH", "oidc")
    at = app_test(user=None)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "gridwatch", "client_secret": "s",
                          "server_metadata_url": "https://id.example/.well-known/openid-configuration"}
    at = at.run()
    assert not at.exception and not at.tabs and not at.error
    assert [b.label for b in at.button] == ["用单位统一身份登录"]
    assert not at.text_input


def test_openid_connect_without_a_provider_says_how_to_configure_it(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_AUTH", "oidc")
    at = app_test(user=None).run()
    assert not at.exception and not at.tabs and not at.button and not at.text_input
    assert at.error[0].value.startswith("已设置用统一身份登录（GRIDWATCH_AUTH=oidc），但没有配置身份提供方")
