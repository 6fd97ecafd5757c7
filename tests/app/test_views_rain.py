"""The rain emergency tab through Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests import paths
from tests.app.apptest import app_test

APP = paths.APP


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_store: Any) -> Path:
    path = tmp_path / "gw.gpkg"
    write_store(str(path))
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def summaries(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "栋楼" in m.value]


def test_level_picker_and_risk_parts(store: Path) -> None:
    at = run()
    assert "暴雨应急" in [t.label for t in at.tabs]
    assert at.radio(key="rain_level").value == "yellow"
    grids = [d.value for d in at.dataframe if "高风险楼栋(≥50分)" in d.value.columns]
    assert grids and list(grids[0]["网格"]) == ["G1", "G2"]
    buildings = [d.value for d in at.dataframe if "楼栋编号" in d.value.columns and "风险得分" in d.value.columns]
    assert buildings, [list(d.value.columns) for d in at.dataframe]
    parts = ["积水记录分", "篦子分", "地下室分", "独居老人分", "飞线分"]
    top = buildings[0]
    assert set(parts) <= set(top.columns)
    assert (top[parts].sum(axis=1) - top["风险得分"]).abs().max() < 0.1  # the parts add up to the score
    assert at.radio(key="rain_color").value == "buildings"


def test_flood_response_for_a_report(store: Path) -> None:
    at = run()
    assert at.radio(key="rain_flood_mode").value == "report"
    at.selectbox(key="rain_flood_id").set_value("F2")
    at = run(at)
    assert any("积水点 F2" in s and "3 栋楼" in s for s in summaries(at))
    tables = {tuple(d.value.columns)[:2] for d in at.dataframe}
    assert ("楼栋编号", "楼栋") in tables and ("角色", "姓名") in tables


def test_flood_response_for_a_clicked_point(store: Path, lonlat: Any) -> None:
    at = run()
    at.radio(key="rain_flood_mode").set_value("point")
    at = run(at)
    assert not summaries(at)
    at.session_state["rain_clicked"] = lonlat(310, 20)  # what a click on the map stores
    at = run(at)
    assert any("位置" in s and "3 栋楼" in s for s in summaries(at))


def test_flood_response_for_a_polygon(store: Path, lonlat: Any) -> None:
    at = run()
    at.radio(key="rain_flood_mode").set_value("polygon")
    at = run(at)
    corners = [lonlat(0, 0), lonlat(200, 0), lonlat(200, 200), lonlat(0, 200)]
    at.session_state["rain_vertices"] = corners[:2]  # two clicks are not an area yet
    at = run(at)
    assert not summaries(at)
    at.session_state["rain_vertices"] = corners
    at = run(at)
    assert any("积水区域" in s and "6 栋楼" in s for s in summaries(at))
    at.button(key="rain_vertices_clear").click()
    at = run(at)
    assert not summaries(at)
    at.text_area(key="rain_polygon").set_value("; ".join(f"{x},{y}" for x, y in corners[:3]))
    at = run(at)
    assert any("积水区域" in s for s in summaries(at))
    at.text_area(key="rain_polygon").set_value("114.3,30.5; 114.31")
    at = run(at)
    assert any("第 2 个顶点不是经度,纬度" in e.value for e in at.error)  # in the language of the app


def test_checklist_download(store: Path) -> None:
    at = run()
    at.selectbox(key="rain_grid").set_value("G1")
    at.selectbox(key="rain_fmt").set_value("xlsx")
    at.button(key="rain_make").click()
    at = run(at)
    assert not at.error
    assert any("checklist_yellow_G1.xlsx" in str(getattr(e, "proto", "")) for e in at.get("download_button"))


def test_community_level_file_is_used(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "levels.toml"
    cfg.write_text('[levels.yellow]\nlabel_zh = "黄色预警（本社区）"\nunits = true\n', encoding="utf-8")
    monkeypatch.setenv("GRIDWATCH_LEVELS", str(cfg))
    at = run()
    assert "黄色预警（本社区）" in at.radio(key="rain_level").options
    table = next(d.value for d in at.dataframe if "预警级别" in d.value.columns)
    assert table.set_index("预警级别").loc["黄色预警（本社区）", "单元(楼道灯、排水管)"] == "列出"
    cfg.write_text('[levels.yellow]\nunits = "maybe"\n', encoding="utf-8")
    at = run()
    assert any("true or false" in e.value for e in at.error)
