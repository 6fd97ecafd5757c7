"""A city's overview grouped by community, and grid names qualified where they repeat (AppTest).

The store holds two communities whose grids bear the same names (第一网格,
第二网格, 第三网格 in each), a grid without a community, buildings, rain
grates (assets) and flooding (events), and an incident outside every grid.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box
from streamlit.testing.v1 import AppTest

from geo import schema
from geo.join import join_layers
from geo.store import open_store
from tests.app.apptest import app_test

#: grid id -> (name, community); 西社区's grids have more open incidents.
GRIDS = {"G1": ("第一网格", "东社区"), "G2": ("第二网格", "东社区"), "G3": ("第三网格", "东社区"),
         "G4": ("第一网格", "西社区"), "G5": ("第二网格", "西社区"), "G6": ("第三网格", "西社区"),
         "G7": ("孤格", None)}
#: Open incidents per grid (and one closed in each).
OPEN = {"G1": 1, "G2": 0, "G3": 2, "G4": 3, "G5": 4, "G6": 1, "G7": 2}
HOUSEHOLDS = {"G1": 10, "G2": 20, "G3": 0, "G4": 40, "G5": 5, "G6": 15, "G7": 8}


def _layers() -> dict[str, gpd.GeoDataFrame]:
    lon0, lat0, step = 114.40, 30.50, 0.002
    ids = list(GRIDS)
    cells = [box(lon0 + k * step, lat0, lon0 + (k + 1) * step, lat0 + step) for k in range(len(ids))]
    grids = gpd.GeoDataFrame({"grid_id": ids, "name": [GRIDS[g][0] for g in ids],
                              "community": [GRIDS[g][1] for g in ids], "worker": [f"员{g}" for g in ids],
                              "phone": ["" for _ in ids]}, geometry=cells, crs=schema.STORAGE_CRS)
    bcols: dict[str, list[object]] = {c: [None] * len(ids) for c in schema.COLUMNS[schema.BUILDINGS] if c != "geometry"}
    bcols.update(building_id=[f"B{g}" for g in ids], name=[f"{k + 1}号楼" for k in range(len(ids))],
                 households=[HOUSEHOLDS[g] for g in ids], residents=[2 * HOUSEHOLDS[g] for g in ids],
                 units=[1] * len(ids), elderly_alone=[1] * len(ids), basement=[False] * len(ids),
                 head=[f"楼长{g}" for g in ids], head_phone=[""] * len(ids))
    buildings = gpd.GeoDataFrame(bcols, geometry=[c.centroid.buffer(0.0003) for c in cells], crs=schema.STORAGE_CRS)
    rows, pts = [], []
    for k, g in enumerate(ids):
        for j in range(OPEN[g] + 1):
            kind = "drain_grate" if j == 0 else "flooding"
            rows.append({"incident_id": f"I{g}-{j}", "type": kind, "status": "closed" if j == 0 else "reported",
                         "severity": "low", "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
            pts.append(Point(lon0 + k * step + 0.0002 + j * 0.0002, lat0 + 0.0002))
    rows.append({"incident_id": "OUT", "type": "flooding", "status": "reported", "severity": "low",
                 "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
    pts.append(Point(lon0 - 0.01, lat0 - 0.01))
    incidents = gpd.GeoDataFrame(rows, geometry=pts, crs=schema.STORAGE_CRS)
    for c in ("depth_cm", "building_dist_m"):
        incidents[c] = float("nan")
    for c in ("grid_id", "building_id"):
        incidents[c] = None
    return join_layers({schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents})


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "two.gpkg"
    open_store(path).write(layers=_layers(), note="two communities")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "map")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    return "\n".join(parts)


def test_the_overview_lists_communities_then_the_worst_communitys_grids(store):
    at = run()
    comm = at.dataframe[0].value
    assert list(comm.columns) == ["社区", "网格数", "事件数", "待处理事件"]
    assert list(comm["社区"]) == ["西社区", "东社区", "（未填社区）"]  # worst first by open incidents: 8, 3, 2
    assert list(comm["待处理事件"]) == [8, 3, 2] and list(comm["网格数"]) == [3, 3, 1]
    assert list(comm["事件数"]) == [11, 6, 3]  # open + one closed per grid; the outside incident in none
    for col in ("网格数", "事件数", "待处理事件"):
        assert pd.api.types.is_integer_dtype(comm[col]), col  # numbers sort as numbers
    captions = "\n".join(c.value for c in at.caption)
    assert "3 个社区、7 个网格，按“待处理事件”从高到低排列" in captions
    assert "另有 1 个事件在所有网格之外（其中 1 个待处理），不属于任何社区" in captions
    pick = at.selectbox(key="gw_ov_community_zh")
    assert pick.value == "西社区"  # the worst by default
    grids = at.dataframe[1].value
    assert list(grids.iloc[:, 0]) == ["西社区 · 第二网格", "西社区 · 第一网格", "西社区 · 第三网格"]
    assert "网格外" not in set(grids.iloc[:, 0])  # its own line above, not a row of a community
    assert list(grids["待处理事件"]) == [4, 3, 1]
    chart = {str(n) for c in at.get("vega_lite_chart") for n in _chart_names(c)}
    assert chart == {"西社区 · 第二网格", "西社区 · 第一网格", "西社区 · 第三网格"}


def _chart_names(chart: object) -> list[object]:
    import pyarrow as pa

    data = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pandas()  # type: ignore[attr-defined]
    return list(data["name"])


def test_choosing_a_community_shows_its_grids_and_survives_a_language_switch(store):
    at = run()
    at.selectbox(key="gw_ov_community_zh").set_value("东社区")
    at = run(at)
    grids = at.dataframe[1].value
    assert list(grids.iloc[:, 0]) == ["东社区 · 第三网格", "东社区 · 第一网格", "东社区 · 第二网格"]
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert at.selectbox(key="gw_ov_community_en").value == "东社区"
    comm = at.dataframe[0].value
    assert list(comm.columns) == ["Community", "Grids", "Incidents", "Open incidents"]
    assert list(comm["Community"])[-1] == "(no community)"
    assert list(at.dataframe[1].value.iloc[:, 0])[0] == "东社区 · 第三网格"
    at.selectbox(key="gw_ov_community_en").set_value("")
    at = run(at)
    assert list(at.dataframe[1].value.iloc[:, 0]) == ["孤格"]  # a name of its own: not qualified


def test_the_ratio_figure_is_recomputed_per_community(store):
    at = run()
    at.sidebar.selectbox(key="gw_figure_zh").set_value("incidents_per_100_households")
    at = run(at)
    comm = at.dataframe[0].value.set_index("社区")
    assert list(comm.columns) == ["网格数", "事件数", "待处理事件", "每百户事件"]
    assert pd.api.types.is_float_dtype(comm["每百户事件"])
    # 东社区: 6 incidents over 30 households (G3 has none: not a mean of the grids' ratios)
    assert comm.loc["东社区", "每百户事件"] == pytest.approx(20.0)
    assert comm.loc["西社区", "每百户事件"] == pytest.approx(round(100 * 11 / 60, 1))
    assert list(comm.index)[0] == "（未填社区）"  # 3 incidents over 8 households: the worst by this figure


@pytest.mark.parametrize(("kind", "ident", "expect"), [
    ("grid", "G5", "网格 西社区 · 第二网格"),
    ("building", "BG1", "**网格**: 东社区 · 第一网格"),
    ("incident", "IG4-0", "西社区 · 第一网格"),  # a rain grate (an asset): its facts table
    ("incident", "IG2-0", "东社区 · 第二网格"),
    ("incident", "IG6-1", "**网格**: 西社区 · 第三网格"),  # a flooding (an event): its case panel
])
def test_the_panels_name_the_grid_qualified(store, kind, ident, expect):
    at = run()
    at.session_state["gw_selection"] = (kind, ident)  # as a click on the map leaves it
    at = run(at)
    facts = [str(v) for d in at.dataframe if "项目" in d.value.columns for v in d.value.iloc[:, 1]]  # an asset's facts
    assert expect in _texts(at) or expect in facts, _texts(at)
