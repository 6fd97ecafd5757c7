"""The rain emergency tab through Streamlit's AppTest (no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.rain_fixtures import write_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "gw.gpkg"
    write_store(str(path))
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or AppTest.from_file(APP, default_timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_rain_tab_level_risk_flood_checklist(store: Path) -> None:
    at = run()
    assert "暴雨应急" in [t.label for t in at.tabs]
    assert at.radio(key="rain_level").value == "yellow"
    risk = [d.value for d in at.dataframe if "high_risk_buildings" in d.value.columns]
    assert risk and list(risk[0]["grid_id"]) == ["G1", "G2"]
    at.selectbox(key="rain_flood_id").set_value("F2")
    at = run(at)
    assert any("积水点 F2" in m.value and "3 栋楼" in m.value for m in at.markdown)
    at.button(key="rain_make").click()
    at = run(at)
    assert not at.error
