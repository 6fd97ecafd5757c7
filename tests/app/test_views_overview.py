"""The map tab's per-grid overview of one community: worst first, every
label, the outside row apart, repeated names told apart (AppTest on a store
of 40 grids; a city's overview grouped by community is
test_views_overview_communities.py)."""

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
from tests import paths
from tests.app.apptest import app_test
from views.parts.overview import CHART_TOP, ranked

APP = paths.APP
N_GRIDS = 40


def _layers() -> dict[str, gpd.GeoDataFrame]:
    """40 grids in a row of one community (grid k has k % 9 open incidents
    and one closed); two named "Block 3000", two "Block 7"; one incident
    outside."""
    lon0, lat0, step = 114.40, 30.50, 0.002
    names = [f"网格{k:02d}" for k in range(N_GRIDS)]
    names[3] = names[4] = "Block 3000"
    names[5] = names[6] = "Block 7"
    comms = ["东社区"] * N_GRIDS
    grids = gpd.GeoDataFrame(
        {"grid_id": [f"G{k:02d}" for k in range(N_GRIDS)], "name": names, "community": comms,
         "worker": [f"员{k}" for k in range(N_GRIDS)], "phone": [""] * N_GRIDS},
        geometry=[box(lon0 + k * step, lat0, lon0 + (k + 1) * step, lat0 + step) for k in range(N_GRIDS)],
        crs=schema.STORAGE_CRS)
    rows, geoms = [], []
    for k in range(N_GRIDS):
        for j in range(k % 9 + 1):
            rows.append({"incident_id": f"I{k:02d}-{j}", "type": "flooding",
                         "status": "closed" if j == 0 else "reported", "severity": "low",
                         "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
            geoms.append(Point(lon0 + k * step + 0.0002 + j * 0.0001, lat0 + 0.001))
    rows.append({"incident_id": "OUT", "type": "flooding", "status": "reported", "severity": "low",
                 "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
    geoms.append(Point(lon0 - 0.01, lat0 - 0.01))
    incidents = gpd.GeoDataFrame(rows, geometry=geoms, crs=schema.STORAGE_CRS)
    for c in ("depth_cm", "building_dist_m"):
        incidents[c] = float("nan")
    for c in ("grid_id", "building_id"):
        incidents[c] = None
    buildings = gpd.GeoDataFrame({c: pd.Series(dtype="object") for c in schema.COLUMNS[schema.BUILDINGS]},
                                 geometry=gpd.GeoSeries([], crs=schema.STORAGE_CRS))
    return join_layers({schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents})


@pytest.fixture
def store(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "many.gpkg"
    open_store(path).write(layers=_layers(), note="overview test")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "map")
    return path


def test_ranked_puts_the_worst_first_and_the_outside_row_apart():
    summary = pd.DataFrame({"grid_id": ["G1", "G2", "G3", ""], "name": ["b", "a", "c", "(outside all grids)"],
                            "open_incidents": [1, 5, 1, 99], "incidents": [1, 6, 4, 99],
                            "elderly_alone": [9, 0, 3, 0]})
    grids, outside, by = ranked(summary, None)
    assert by == "open_incidents" and list(grids["grid_id"]) == ["G2", "G3", "G1"]  # ties: more incidents first
    assert list(outside["open_incidents"]) == [99]
    grids, _, by = ranked(summary, "elderly_alone")
    assert by == "elderly_alone" and list(grids["grid_id"]) == ["G1", "G3", "G2"]


def _chart_rows(at: AppTest) -> list[pd.DataFrame]:
    import pyarrow as pa

    return [pa.ipc.open_stream(c.proto.datasets[0].data.data).read_all().to_pandas()
            for c in at.get("vega_lite_chart")]


def _find(spec: object, key: str) -> list[object]:
    """Every value of ``key`` in a nested spec."""
    if isinstance(spec, dict):
        return [v for k, v in spec.items() if k == key] + [x for v in spec.values() for x in _find(v, key)]
    if isinstance(spec, list):
        return [x for v in spec for x in _find(v, key)]
    return []


def test_overview_charts_the_worst_30_in_order_with_every_label(store):
    at = app_test(timeout=90).run()
    assert not at.exception, [e.message for e in at.exception]
    table = at.dataframe[0].value
    assert len(table) == N_GRIDS + 1 and table.iloc[-1, 0] == "网格外"  # every grid, the outside row last
    open_col = table["待处理事件"].iloc[:-1]
    assert list(open_col) == sorted(open_col, reverse=True)  # worst first
    assert table.iloc[0, 0] != "网格外" and int(table["待处理事件"].iloc[-1]) == 1
    names = list(table.iloc[:-1, 0])
    assert len(set(names)) == N_GRIDS  # no two rows read alike
    assert "东社区 · Block 3000 (G03)" in names and "东社区 · Block 3000 (G04)" in names
    assert "东社区 · Block 7 (G05)" in names and "东社区 · Block 7 (G06)" in names
    assert not [s for s in at.selectbox if s.key == "gw_ov_community_zh"]  # one community: no choice of one
    captions = "\n".join(c.value for c in at.caption)
    assert "图中只显示“待处理事件”最高的 30 个网格（共 40 个）" in captions
    assert "另有 1 个事件在所有网格之外（其中 1 个待处理），不参与排名" in captions
    by_type = _chart_rows(at)[0]
    shown = list(dict.fromkeys(by_type.iloc[:, 0]))
    assert len(shown) == CHART_TOP and shown == names[:CHART_TOP]  # the chart keeps the table's order
    import json

    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert spec["height"] == {"step": 22}  # the chart grows with its bars: room for every label
    y = _find(spec, "y")[0]
    assert y["sort"] == names[:CHART_TOP]  # worst first, not sorted by Unicode
    assert y["axis"]["labelOverlap"] is False


def test_overview_ranks_by_the_figure_chosen_in_the_sidebar(store):
    at = app_test(timeout=90).run()
    at.sidebar.selectbox(key="gw_figure_zh").set_value("incidents")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["事件数"].iloc[:-1]) == sorted(table["事件数"].iloc[:-1], reverse=True)
    assert any("按“事件数”从高到低排列" in c.value for c in at.caption)
