"""The app's logic through Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.access import User
from geo.store import open_store
from tests import paths
from tests.app.apptest import app_test

#: As in the map store of conftest.py.
XSS = "<img src=x onerror=alert(1)>"

APP = paths.APP


@pytest.fixture
def store(tmp_path, monkeypatch, make_map_store) -> Path:
    path = make_map_store(tmp_path / "gw.gpkg")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=60)).run()
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
    assert any(XSS in s.value for s in at.subheader)
    assert all(not m.allow_unsafe_html for m in at.markdown if hasattr(m, "allow_unsafe_html"))


def test_search_selects_and_zooms(store):
    at = run()
    at.sidebar.text_input(key="gw_search").set_value("I999")
    at = run(at)
    assert at.session_state["gw_selection"] == ("incident", "I999")
    assert at.session_state["gw_zoom_to"] == ("incident", "I999")
    assert any(s.value == "积水点 I999" for s in at.subheader)  # an event: its case panel
    facts = next(m.value for m in at.markdown if "网格外积水" in m.value)
    assert "**网格**: 网格外" in facts and ": —" not in facts  # no blank rows


def test_report_an_incident_by_clicking_the_map(store):
    at = run(app_test(user=User(name="王芳", role="staff")))  # who reports: the signed-in user
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
    at = app_test(timeout=60).run()
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
    at.sidebar.selectbox(key="gw_basemap_zh").set_value("amap")
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


# ---------------------------------------------------------------- more of the sidebar, panels and overview


def charts(at: AppTest) -> list:
    """The overview's bar charts as frames (grid name, series, value)."""
    import pyarrow as pa

    out = []
    for c in at.get("vega_lite_chart"):
        df = pa.ipc.open_stream(c.proto.datasets[0].data.data).read_all().to_pandas()
        out.append(df.set_axis(["name", "series", "value"], axis=1))
    return out


def test_status_and_date_filters_follow_to_overview_and_charts(store):
    at = run()
    by_type, by_status = charts(at)
    # The incident outside every grid is stated on a line of its own, not charted as a grid.
    assert by_type["value"].sum() == 18 and by_status["value"].sum() == 18
    assert "另有 1 个事件在所有网格之外" in texts(at)
    at.sidebar.multiselect(key="gw_statuses_zh").set_value(["blocked", "damaged"])
    at = run(at)
    assert "显示 6 个事件（共 19 个）" in texts(at)
    overview = at.dataframe[0].value
    assert overview["事件数"].sum() == 6
    by_type, by_status = charts(at)
    assert set(by_type.loc[by_type["value"] > 0, "series"]) == {"雨水篦子"}
    assert set(by_status.loc[by_status["value"] > 0, "series"]) == {"堵塞", "损坏"}
    at.sidebar.multiselect(key="gw_statuses_zh").set_value([])
    # Reported 2026-06-1x (j % 3 == 0), -07-1x, -08-1x, and I999 on 2026-07-01: July only.
    import datetime as dt

    at.sidebar.date_input(key="gw_dates").set_value((dt.date(2026, 7, 1), dt.date(2026, 7, 31)))
    at = run(at)
    assert "显示 7 个事件（共 19 个）" in texts(at)
    assert at.dataframe[0].value["事件数"].sum() == 7


def test_choropleth_figure_and_building_colouring_are_chosen_in_the_sidebar(store):
    at = run()
    assert at.sidebar.selectbox(key="gw_figure_zh").value == "open_incidents"
    assert at.sidebar.selectbox(key="gw_color_by_zh").value == "basement"
    at.sidebar.selectbox(key="gw_figure_zh").set_value("elderly_alone")
    at.sidebar.selectbox(key="gw_color_by_zh").set_value("open")
    at = run(at)
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)  # kept across the language switch (keyed per language, seeded from a neutral copy)
    assert at.sidebar.selectbox(key="gw_figure_en").value == "elderly_alone"
    assert at.sidebar.selectbox(key="gw_color_by_en").value == "open"
    assert at.sidebar.selectbox(key="gw_basemap_en").value == "none"


def test_search_by_building_name_lists_hits_with_grid_names(store):
    at = run()
    at.sidebar.text_input(key="gw_search").set_value("3-2栋")
    at = run(at)
    assert at.session_state["gw_selection"] == ("building", "B32")
    assert at.session_state["gw_zoom_to"] == ("building", "B32")
    assert at.sidebar.radio(key="gw_search_pick").options == ["楼栋 3-2栋（第三网格）"]
    assert any(s.value == "楼栋 3-2栋" for s in at.subheader)
    assert "楼长21" in texts(at) and "第三网格" in texts(at)  # building head, its grid and grid worker
    at.sidebar.text_input(key="gw_search").set_value("没有这栋楼")
    at = run(at)
    assert "没有找到“没有这栋楼”" in texts(at)


def test_building_panel_figures_people_and_incident_download(store):
    at = run()
    at.session_state["gw_map"] = {"last_object_clicked_count": 1, "last_clicked": None,
                                  "last_active_drawing": {"properties": {"kind": "building", "id": "B21"}}}
    at = run(at)
    assert any(s.value == "楼栋 2-1栋" for s in at.subheader)
    assert "楼长10" in texts(at) and "李娜" in texts(at)  # building head, grid worker
    assert [m.label for m in at.metric][:4] == ["单元数", "户数", "居民数", "独居老人"]  # the map tab comes first
    table = at.dataframe[0].value
    assert list(table["事件编号"]) == ["I007", "I008"]
    dl = next(b for b in at.get("download_button") if b.label == "下载 CSV")
    assert dl.proto.label == "下载 CSV"


def test_base_maps_offered_by_configuration(store, monkeypatch):
    at = run()
    options = at.sidebar.selectbox(key="gw_basemap_zh").options
    assert "天地图（需密钥）" not in options and "自定义瓦片" not in options
    assert {"OpenStreetMap", "高德地图（GCJ-02）", "腾讯地图（GCJ-02）", "无底图（离线）"} <= set(options)
    monkeypatch.setenv("GRIDWATCH_TIANDITU_KEY", "k")
    monkeypatch.setenv("GRIDWATCH_TILES", "http://127.0.0.1:1/{z}/{x}/{y}.png")
    monkeypatch.delenv("GRIDWATCH_BASEMAP")
    at = run(app_test(timeout=60))
    box = at.sidebar.selectbox(key="gw_basemap_zh")
    assert box.options[0] == "自定义瓦片" and "天地图（需密钥）" in box.options
    assert box.value == "osm"  # OpenStreetMap by default


def test_upload_refused_shows_the_whole_report_and_writes_nothing(store):
    import json

    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"incident_id": "X2", "type": "flooding", "status": "reported"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.402, 30.503]},
         "properties": {"incident_id": "X2", "type": "flooding", "status": "reported"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
         "properties": {"incident_id": "X3", "type": "flooding", "status": "reported"}},
    ]}
    before = open_store(store).version
    at = run()
    at.radio(key="gw_up_kind_zh").set_value("incidents")
    at = run(at)
    uploader = next(u for u in at.get("file_uploader") if any("geojson" in x for x in u.allowed_type))
    uploader.set_value(("bad.geojson", json.dumps(bad).encode(), "application/geo+json"))
    at = run(at)
    next(b for b in at.button if b.label == "校验文件").click()
    at = run(at)
    assert any("bad.geojson 有 1 个错误，未导入任何数据" in str(e.value) for e in at.error)
    assert at.button(key="gw_up_go").disabled  # nothing to load while the check finds an error
    report = next(d.value for d in at.dataframe if "代码" in d.value.columns)
    assert list(report["级别"]) == ["错误", "警告", "警告"]
    assert set(report["代码"]) == {"duplicate_id", "empty_geometry", "far_from_grids"}
    assert any(b.label == "下载校验报告 CSV" for b in at.get("download_button"))
    assert open_store(store).version == before


def test_upload_kind_survives_a_language_switch(store):
    at = run()
    at.radio(key="gw_up_kind_zh").set_value("buildings")
    at = run(at)
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert at.radio(key="gw_up_kind_en").value == "buildings"
