"""The accounts and audit-log tabs through Streamlit's AppTest: an administrator adds an account and reads
the entry in the log and its CSV; nobody else is offered either tab, and the library refuses them anyway."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import accounts, audit
from geo.access import AccessError, User
from geo.store import open_store
from tests.app.apptest import app_test
from views import discover

ADMIN = User("admin1", "admin", display_name="管理员一")
PASSWORD = "雨天先查三号楼的地下车库"


@pytest.fixture
def store(tmp_path, monkeypatch, make_map_store) -> Path:
    path = make_map_store(tmp_path / "gw.gpkg")
    accounts.add_user(open_store(path), "admin1", role="admin", password=PASSWORD, display_name="管理员一")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "accounts,audit,ledger")
    return path


def run(at: AppTest | None = None, user: User | None = ADMIN) -> AppTest:
    at = (at or app_test(timeout=90, user=user)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def tabs(at: AppTest) -> list[str]:
    return [t.label for t in at.tabs]


def shown_table(at: AppTest, heading: str) -> pd.DataFrame:
    """The table whose first column is ``heading`` (a read-only table carries no key in AppTest)."""
    return next(d.value for d in at.dataframe if list(d.value.columns)[:1] == [heading])


def messages(at: AppTest) -> str:
    return "\n".join([str(e.value) for e in at.error] + [str(s.value) for s in at.success]
                     + [c.value for c in at.caption])


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    return run(at)


def add_worker(at: AppTest) -> AppTest:
    at.text_input(key="gw_adm_add_name_0").input("wang")
    at.text_input(key="gw_adm_add_display_0").input("王网格员")
    at.selectbox(key="gw_adm_add_role_0_zh").set_value("grid_worker")
    at.multiselect(key="gw_adm_add_grids_0_zh").set_value(["G2"])
    at.text_input(key="gw_adm_add_pw1_0").input("望江路二号网格的网格员")
    at.text_input(key="gw_adm_add_pw2_0").input("望江路二号网格的网格员")
    return click(at, "gw_adm_add_go_0")


@pytest.fixture
def served(monkeypatch) -> list[tuple[str, bytes]]:
    """The files the app hands to its download buttons, in order: (file name, bytes) as Streamlit stores them."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    files: list[tuple[str, bytes]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        if isinstance(path_or_data, bytes) and filename:
            files.append((filename, path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return files


def test_an_administrator_adds_a_grid_worker_and_reads_it_in_the_log(store, served):
    at = run()
    assert tabs(at) == ["台账", "账号", "审计日志"]
    table = shown_table(at, "用户名")
    assert list(table["用户名"]) == ["admin1"] and list(table["角色"]) == ["管理员"]
    assert "password_hash" not in table.columns and not any("argon2" in str(v) for v in table.to_numpy().ravel())
    at = add_worker(at)
    assert "已新增账号 wang（网格员）。" in messages(at)
    worker = accounts.get_user(open_store(store), "wang")
    assert worker is not None and worker.role == "grid_worker" and worker.grids == {"G2"}
    table = shown_table(at, "用户名")
    assert list(table["用户名"]) == ["admin1", "wang"]
    assert table.set_index("用户名").loc["wang", "网格"] == "G2"
    assert at.text_input(key="gw_adm_add_name_1").value == ""  # an empty form for the next one

    log = shown_table(at, "时间")
    first = log.iloc[0]  # newest first
    assert (first["操作人"], first["角色"], first["操作"], first["对象"]) == ("admin1", "管理员", "新增账号", "wang")
    assert '"role": "grid_worker"' in first["修改后"] and "argon2" not in first["修改后"]
    at.selectbox(key="gw_aud_user_zh").set_value("admin1")
    at.selectbox(key="gw_aud_action_zh").set_value("user_add")
    at = run(at)
    assert len(shown_table(at, "时间")) == 1
    assert any(b.label == "导出 CSV" for b in at.get("download_button"))
    csv = [data for name, data in served if name.startswith("audit-") and name.endswith(".csv")][-1]  # this run's
    sheet = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig", dtype=str)
    assert list(sheet.columns) == ["时间", "操作人", "角色", "操作", "对象类别", "对象", "修改前", "修改后", "说明"]
    assert sheet[["操作人", "操作", "对象"]].to_numpy().tolist() == [["admin1", "user_add", "wang"]]
    assert len(audit.read_audit(open_store(store), action="user_add")) == 2  # admin1 (the operator) and wang


def test_an_administrator_changes_resets_and_disables_an_account(store):
    accounts.add_user(open_store(store), "li", role="viewer", password="李娜的只读账号的密码", by=ADMIN)
    at = run()
    at.selectbox(key="gw_adm_pick").set_value("li")
    at = run(at)
    at.selectbox(key="gw_adm_set_role_li_0_zh").set_value("staff")
    at.multiselect(key="gw_adm_set_comm_li_0_zh").set_value(["桂苑社区"])
    at = click(at, "gw_adm_set_go_li_0")
    assert "已修改账号 li。" in messages(at)
    li = accounts.get_user(open_store(store), "li")
    assert li is not None and li.role == "staff" and li.communities == {"桂苑社区"}

    at.text_input(key="gw_adm_pw1_li_1").input("新的密码很长很长很长")
    at.text_input(key="gw_adm_pw2_li_1").input("新的密码不同不同不同")
    at = click(at, "gw_adm_pw_go_li_1")
    assert "两次输入的密码不一致。" in messages(at)
    at.text_input(key="gw_adm_pw2_li_1").input("新的密码很长很长很长")
    at = click(at, "gw_adm_pw_go_li_1")
    assert "已重置账号 li 的密码。" in messages(at)
    assert accounts.authenticate(open_store(store), "li", "新的密码很长很长很长").name == "li"

    at = click(at, "gw_adm_disable_li")
    assert "已停用账号 li" in messages(at)
    assert accounts.get_user(open_store(store), "li") is None
    assert list(shown_table(at, "用户名").set_index("用户名").loc[["li"], "启用"]) == ["否"]


def test_a_refused_account_says_why_and_adds_nothing(store):
    at = run()
    at.text_input(key="gw_adm_add_name_0").input("zhao")
    at.selectbox(key="gw_adm_add_role_0_zh").set_value("grid_worker")  # without a grid
    at.text_input(key="gw_adm_add_pw1_0").input("赵的密码足够长足够长")
    at.text_input(key="gw_adm_add_pw2_0").input("赵的密码足够长足够长")
    at = click(at, "gw_adm_add_go_0")
    assert "网格员账号需要至少一个网格。" in messages(at)
    assert accounts.get_user(open_store(store), "zhao") is None
    assert at.text_input(key="gw_adm_add_name_0").value == "zhao"  # kept to correct


@pytest.mark.parametrize("user", [User("s1", "staff"), User("v1", "viewer"), User("w1", "grid_worker", grids=frozenset({"G1"})),
                                  User("p1", "party", party="P1")], ids=lambda u: u.role)
def test_no_one_else_gets_the_tabs(store, user):
    at = run(user=user)
    assert tabs(at) == ["台账"]
    assert not at.get("download_button") or all("audit" not in str(b.proto) for b in at.get("download_button"))
    assert [v.key for v in discover(user)] == ["ledger"]
    with pytest.raises(AccessError):
        accounts.add_user(open_store(store), "x1", role="admin", password="一个足够长的密码足够长", by=user)


def test_the_tabs_read_in_english_one_click_away(store):
    at = run()
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert tabs(at) == ["Ledger", "Accounts", "Audit log"]
    assert list(shown_table(at, "User name").columns)[:3] == ["User name", "Display name", "Role"]
    assert shown_table(at, "At").iloc[0]["Action"] == "add an account"
    options = at.selectbox(key="gw_aud_action_en").options
    assert options[0] == "All" and "add an account" in options and "全部" not in options
    assert at.selectbox(key="gw_adm_add_role_0_en").value == "grid_worker"
    assert "grid worker" in at.selectbox(key="gw_adm_add_role_0_en").options


def test_the_audit_tab_only_reads_and_filters_by_date(store, monkeypatch):
    from datetime import date, timedelta

    monkeypatch.setenv("GRIDWATCH_VIEWS", "audit")
    at = run()
    assert tabs(at) == ["审计日志"]
    assert not at.main.button and not at.data_editor  # nothing to change or delete an entry with
    assert len(shown_table(at, "时间")) == len(audit.read_audit(open_store(store)))
    at.date_input(key="gw_aud_since").set_value(date.today() + timedelta(days=2))
    at = run(at)
    assert "没有符合条件的记录。" in "\n".join(str(i.value) for i in at.info)
    at.date_input(key="gw_aud_since").set_value(None)
    at.text_input(key="gw_aud_object").input("admin1")
    at = run(at)
    assert set(shown_table(at, "时间")["对象"]) == {"admin1"}


def test_an_administrator_who_gives_up_the_role_loses_the_tabs_at_once(store):
    accounts.add_user(open_store(store), "admin2", role="admin", password="第二位管理员的登录密码", by=ADMIN)
    at = run()
    at.selectbox(key="gw_adm_pick").set_value("admin1")
    at = run(at)
    at.selectbox(key="gw_adm_set_role_admin1_0_zh").set_value("viewer")
    at = click(at, "gw_adm_set_go_admin1_0")
    assert tabs(at) == ["台账"]
    assert at.session_state["gw_user"].role == "viewer"


def test_both_tabs_on_the_demo_community(demo_store_copy, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_STORE", demo_store_copy)
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "accounts,audit")
    at = run()
    assert tabs(at) == ["账号", "审计日志"] and not at.error
    log = audit.read_audit(open_store(demo_store_copy))
    assert len(shown_table(at, "时间")) == min(len(log), 1000)
    assert list(shown_table(at, "用户名")["用户名"]) == list(accounts.list_users(open_store(demo_store_copy))["user"])
