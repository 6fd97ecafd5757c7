"""The app's logic through Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.store import open_store
from tests import map_fixtures as fx

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = fx.make_store(tmp_path / "gw.gpkg")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or AppTest.from_file(APP, default_timeout=60)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    parts += [str(i.value) for i in at.info] + [str(s.value) for s in at.success] + [str(e.value) for e in at.error]
    return "\n".join(parts)


def test_opens_in_chinese_with_map_overview_and_tabs(store):
    at = run()
    labels = [t.label for t in at.tabs]
    assert labels[0] == "地图" and "导入数据" in labels
    assert "显示 19 个事件（共 19 个）" in texts(at)
    assert any("各网格概况" in s.value for s in at.subheader)
    overview = at.dataframe[0].value
    assert list(overview.iloc[:, 0])[:3] != [] and "网格外" in set(overview.iloc[:, 0])


def test_english_one_click_away(store):
    at = run()
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert at.tabs[0].label == "Map"
    assert "Showing 19 of 19 incidents" in texts(at)
    assert at.sidebar.multiselect(key="gw_layers_en").value == ["grids", "buildings", "incidents"]


def test_filters_survive_a_language_switch(store):
    at = run()
    at.sidebar.multiselect(key="gw_types_zh").set_value(["flooding"])
    at = run(at)
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert at.sidebar.multiselect(key="gw_types_en").value == ["flooding"]
    assert "Showing 7 of 19 incidents" in texts(at)


def test_filters_follow_to_caption_and_overview(store):
    at = run()
    at.sidebar.multiselect(key="gw_types_zh").set_value(["flooding"])
    at.sidebar.multiselect(key="gw_grids_zh").set_value(["G1"])
    at = run(at)
    assert "显示 2 个事件（共 19 个）" in texts(at)
    overview = at.dataframe[0].value
    assert overview.iloc[:, 0].iloc[0] == "第一网格"


def test_click_on_a_grid_selects_it_and_survives_reruns(store):
    at = run()
    at.session_state["gw_map"] = {"last_object_clicked_count": 1, "last_clicked": {"lat": 30.502, "lng": 114.406},
                                  "last_active_drawing": {"properties": {"kind": "grid", "id": "G2"}}}
    at = run(at)
    assert any(s.value.startswith("网格 第二网格") for s in at.subheader)
    assert "李娜" in texts(at)
    assert any(b.label == "下载 CSV" for b in at.get("download_button"))
    at = run(at)  # a rerun with the same map value keeps the selection
    assert any(s.value.startswith("网格 第二网格") for s in at.subheader)


def test_building_panel_shows_hostile_names_as_text(store):
    at = run()
    at.session_state["gw_map"] = {"last_object_clicked_count": 1, "last_clicked": None,
                                  "last_active_drawing": {"properties": {"kind": "building", "id": "B11"}}}
    at = run(at)
    assert any(fx.XSS in s.value for s in at.subheader)
    assert all(not m.allow_unsafe_html for m in at.markdown if hasattr(m, "allow_unsafe_html"))


def test_search_selects_and_zooms(store):
    at = run()
    at.sidebar.text_input(key="gw_search").set_value("I999")
    at = run(at)
    assert at.session_state["gw_selection"] == ("incident", "I999")
    assert at.session_state["gw_zoom_to"] == ("incident", "I999")
    assert "网格外积水" in [str(v) for v in at.table[0].value.iloc[:, 0]]


def test_report_an_incident_by_clicking_the_map(store):
    at = run()
    at.toggle(key="gw_report_mode").set_value(True)
    at = run(at)
    assert "请在地图上点击事件位置。" in texts(at)
    at.session_state["gw_map"] = {"last_object_clicked_count": 0, "last_clicked": {"lat": 30.5015, "lng": 114.4052},
                                  "last_active_drawing": None}
    at = run(at)
    at.text_area[0].input("井盖松动，雨天有积水")
    next(b for b in at.button if b.label == "提交").click()
    at = run(at)
    inc = open_store(store).read("incidents")
    new = inc[inc["description"] == "井盖松动，雨天有积水"]
    assert len(new) == 1 and new["grid_id"].iloc[0] == "G2"
    assert "显示 20 个事件（共 20 个）" in texts(at)


def test_missing_store_is_explained(tmp_path, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_STORE", str(tmp_path / "nope.gpkg"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.error and "nope.gpkg" in at.error[0].value


def test_store_from_command_line_wins(store):
    import importlib.util

    spec = importlib.util.spec_from_file_location("gw_app", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # defines main() without running it
    assert module.store_path(["--store", "x.gpkg"]) == "x.gpkg"
    assert module.store_path([]) == str(store)


def test_gcj02_base_map_shifts_layers_and_clicks_back(store):
    at = run()
    at.sidebar.selectbox(key="gw_basemap").set_value("amap")
    at.toggle(key="gw_report_mode").set_value(True)
    at = run(at)
    import numpy as np

    from geo.crs import shift_coords

    x, y = shift_coords(np.array([114.4052]), np.array([30.5015]), "gcj02")
    at.session_state["gw_map"] = {"last_object_clicked_count": 0, "last_clicked": {"lat": float(y[0]), "lng": float(x[0])},
                                  "last_active_drawing": None, "last_object_clicked": None}
    at = run(at)
    lat, lon = at.session_state["gw_report_at"]
    assert abs(lat - 30.5015) < 1e-5 and abs(lon - 114.4052) < 1e-5  # back in WGS-84
