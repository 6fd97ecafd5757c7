"""What each role is offered, through Streamlit's AppTest (no browser), on a copy of the demo community.

The case panel offers only the steps the signed-in user may take
(:func:`geo.access.allowed`): a grid worker on their own grid's case, not on
another grid's (a caption says why and who may); a party on the cases
dispatched to it, and it sees no other case; a viewer reads, masked. The
report switch, the storm switch and the upload tab are offered to those who
may use them only. A step sent anyway (a forged request) is refused by the
library and shown as a message, the case unchanged.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from geo import accounts, privacy, schema
from geo.store import open_store
from tests.app.apptest import app_test

PASSWORD = "rain-first-check-basement-3"


@pytest.fixture
def demo(demo_store_copy: str, monkeypatch: pytest.MonkeyPatch) -> str:
    store = open_store(demo_store_copy)
    accounts.add_user(store, "wang", role="grid_worker", password=PASSWORD, display_name="王网格", grids=["G01"],
                      by="")
    accounts.add_user(store, "wuye", role="party", password=PASSWORD, party="guiyuan_wuye", by="")
    accounts.add_user(store, "guest", role="viewer", password=PASSWORD, by="")
    accounts.add_user(store, "zhou", role="staff", password=PASSWORD, communities=["桂苑社区"], by="")
    monkeypatch.setenv("GRIDWATCH_STORE", demo_store_copy)
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "map,ledger,upload")
    return demo_store_copy


def _open(path: str, name: str, selected: str | None = None, lang: str = "zh") -> AppTest:
    """The app signed in as account ``name`` (as the sign-in page leaves it), with case ``selected`` clicked."""
    at = app_test(timeout=120, user=accounts.user_of(open_store(path), name))
    at.session_state["gw_lang"] = lang
    if selected:
        at.session_state["gw_selection"] = ("incident", selected)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _steps(at: AppTest) -> list[str]:
    """The steps the case panel offers (the options of its 下一步 radio)."""
    radios = [r for r in at.radio if r.label == "下一步"]
    return [str(o) for r in radios for o in r.options]


def _captions(at: AppTest) -> str:
    return "\n".join(str(c.value) for c in at.caption)


def _case(path: str, ident: str) -> dict[str, object]:
    inc = open_store(path).read(schema.INCIDENTS)
    return inc[inc["incident_id"] == ident].iloc[0].to_dict()


def test_a_grid_worker_acts_on_their_own_grids_case(demo: str) -> None:
    assert _case(demo, "FW027")["grid_id"] == "G01" and _case(demo, "FW027")["status"] == "reported"
    at = _open(demo, "wang", "FW027")
    assert _steps(at) == ["自行处置"]  # accept, cancel and merge are the staff's
    assert "只读" not in _captions(at)
    assert [t.label for t in at.toggle] == ["在地图上点选位置上报事件"]  # may report


def test_a_grid_worker_is_offered_no_step_on_another_grids_case(demo: str) -> None:
    assert _case(demo, "FW009")["grid_id"] == "G02"
    at = _open(demo, "wang", "FW009")
    assert _steps(at) == []
    said = _captions(at)
    assert "只读：网格员不能办理此案卷（网格 第二网格）的下一步" in said and "社区工作人员" in said
    assert not [b for b in at.button if str(b.key or "").startswith("gw_step_FW009")]


def test_staff_are_offered_every_step_of_their_community(demo: str) -> None:
    at = _open(demo, "zhou", "FW009")
    assert _steps(at) == ["受理", "作废", "合并为重复", "自行处置"]
    assert [r for r in at.radio if r.label.startswith("暴雨模式")]  # staff switch storm mode
    assert not any("不能导入图层" in str(i.value) for i in at.info)  # and import layers


def test_a_party_acts_only_on_the_cases_dispatched_to_it(demo: str) -> None:
    assert _case(demo, "GF010")["party"] == "guiyuan_wuye" and _case(demo, "GF010")["status"] == "dispatched"
    at = _open(demo, "wuye", "GF010")
    assert _steps(at) == ["开始处置", "处置反馈"]
    assert not at.toggle  # no report switch: a party reports nothing
    assert _case(demo, "FW008")["party"] == "power_supply"
    other = _open(demo, "wuye", "FW008")  # another party's case: not in what the party is sent
    assert _steps(other) == []
    assert any("FW008" in str(w.value) for w in other.warning)


def test_a_party_sees_its_cases_and_no_one_else(demo: str) -> None:
    at = _open(demo, "wuye")
    shown = " ".join(str(c.value) for c in at.caption)
    store = open_store(demo)
    theirs = int((store.read(schema.INCIDENTS)["party"] == "guiyuan_wuye").sum())
    assert f"显示 {theirs} 个事件（共 {theirs} 个）" in shown  # the map and its counts hold their cases only
    assert "只列出派给本单位（桂苑物业）的案卷。" in shown
    assert not [r for r in at.radio if r.label.startswith("暴雨模式")]  # no storm switch
    assert any("不能导入图层" in str(i.value) for i in at.info)


def test_a_viewer_reads_masked_and_may_do_nothing(demo: str) -> None:
    at = _open(demo, "guest", "FW027")
    assert _steps(at) == []
    assert "只读：只读用户不能办理此案卷" in _captions(at)
    panel = "\n".join(str(m.value) for m in at.markdown).replace("\\*", "*")  # Markdown escapes the stars
    grids = open_store(demo).read(schema.GRIDS).set_index("grid_id")
    worker, phone = str(grids.at["G01", "worker"]), str(grids.at["G01", "phone"])
    assert privacy.mask_phone(phone) in panel and phone not in panel
    assert privacy.mask_name(worker) in panel and worker not in panel
    assert not at.toggle


def test_the_english_caption_names_who_may(demo: str) -> None:
    at = _open(demo, "wang", "FW009", lang="en")
    said = _captions(at)
    assert "Read only: a grid worker cannot take this case's next step (grid 第二网格)." in said
    assert "community staff" in said


def test_checklists_are_offered_for_the_users_grids_and_made_for_them(demo: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_VIEWS", "rain")
    at = _open(demo, "wang")
    (grids,) = [s for s in at.selectbox if s.key == "rain_grid"]
    assert grids.options == ["全部网格", "G01"]
    assert not [s for s in at.selectbox if "接收人" in s.label]  # no recipient role to pick: who is signed in
    assert "制作对象：网格员 王网格（本人负责范围外的姓名和电话已遮蔽）" in _captions(at)
    viewer = _open(demo, "guest")
    assert not [b for b in viewer.button if b.key in ("rain_make", "rain_import")]
    assert "制作对象：" not in _captions(viewer)  # nothing to print here: no line


def test_a_party_plans_no_patrol(demo: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_VIEWS", "routes")
    at = _open(demo, "wuye")
    assert not [b for b in at.button if b.key == "rt_plan"]
    assert any("处置单位只查看派给本单位的案卷" in str(i.value) for i in at.info)
    assert [b for b in _open(demo, "guest").button if b.key == "rt_plan"]  # a viewer may read routes


def _forged_step(path: str, name: str, ident: str, to: str, action: str) -> None:
    """A step the page did not offer, sent as the case panel sends one (a forged request)."""
    import pandas as pd
    import streamlit as st

    from geo import accounts, schema
    from geo.i18n import t
    from geo.store import open_store
    from layers.basemaps import BASEMAPS
    from layers.select import Filters
    from views.context import AppContext
    from views.parts.case import _do_step
    from views.parts.plain import USER_KEY

    store = open_store(path)
    st.session_state[USER_KEY] = user = accounts.user_of(store, name)
    data = store.read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS))
    inc = data[schema.INCIDENTS]
    ctx = AppContext(store=store, lang="zh", tr=lambda key, **v: t(key, "zh", **v), grids=data[schema.GRIDS],
                     buildings=data[schema.BUILDINGS], incidents=inc, types=store.incident_types(), filters=Filters(),
                     shown_incidents=inc, summary=pd.DataFrame(), basemap=BASEMAPS["none"], figure=None,
                     color_by="none", visible=frozenset(), meta={}, user=user)
    row = inc[inc["incident_id"] == ident].iloc[0]
    _do_step(ctx, row, to, action, {"note": "", "party": None, "into": None, "photos": [],
                                    "version": int(row["row_version"])})


@pytest.mark.parametrize(("name", "ident", "to", "action"), [("wang", "FW009", "accepted", "accept"),
                                                              ("wuye", "FW008", "in_progress", "start")])
def test_a_forged_step_is_refused_with_a_message(demo: str, name: str, ident: str, to: str, action: str) -> None:
    before = _case(demo, ident)
    at = AppTest.from_function(_forged_step, default_timeout=60, args=(demo, name, ident, to, action)).run()
    assert not at.exception
    said = " ".join(str(e.value) for e in at.error) + " ".join(str(c.value) for c in at.caption)
    assert name in said and ident in said and "Traceback" not in said
    assert ("无权受理" in said and "社区工作人员(staff)" in said) if action == "accept" else "派给了 power_supply" in said
    after = _case(demo, ident)
    assert (after["status"], after["row_version"]) == (before["status"], before["row_version"])
