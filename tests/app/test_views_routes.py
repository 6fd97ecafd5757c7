"""The patrol routes tab through Streamlit's AppTest (no browser), on the demo community."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from geo.pipeline import build_demo
from tests import paths
from tests.app.apptest import app_test

APP = paths.APP


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_demo(tmp_path_factory.mktemp("routes_demo"), scale="community", seed=7)


@pytest.fixture
def store(demo_store: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("GRIDWATCH_STORE", demo_store)
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "routes")
    yield demo_store


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [str(e.value) for e in (*at.info, *at.warning, *at.error)]
    return "\n".join(parts)


def downloads(at: AppTest) -> dict[str, str]:
    """Download buttons: key -> label."""
    return {el.key: el.proto.label for el in at.get("download_button")}


def test_plan_two_patrollers_for_one_grids_grates(store: str) -> None:
    at = run()
    assert [t.label for t in at.tabs] == ["巡查路线"]
    assert "选择网格和巡查点类型后" in texts(at)
    at.multiselect(key="rt_grids").set_value(["G01"])
    assert at.multiselect(key="rt_types").value == ["drain_grate"]
    at.number_input(key="rt_patrollers").set_value(2)
    at.number_input(key="rt_time").set_value(0.5)
    at.button(key="rt_plan").click()
    at = run(at)
    body = texts(at)
    assert "82 个点 · 2 名巡查员" in body, body
    assert "距离沿街道网络步行计算" in body
    summary, stops = at.dataframe[0].value, at.dataframe[1].value
    summary = summary.data if hasattr(summary, "data") else summary  # a Styler
    assert list(summary["点数"]) and sum(summary["点数"]) == 82 and len(summary) == 2
    assert len(stops) == 82 and set(stops["巡查员"]) == {1, 2} and set(stops["网格"]) == {"G01"}
    buttons = downloads(at)
    for p in (1, 2):
        for fmt in ("gpx", "kml", "geojson", "csv", "pdf"):
            assert buttons[f"rt_dl_{p}_{fmt}"] == fmt.upper()
    assert {f"rt_zip_{f}" for f in ("gpx", "kml", "geojson", "csv", "pdf")} <= set(buttons)
    # a rerun (a download, a map click) keeps the plan without planning again
    plan = at.session_state["rt_result"]["plan"]
    at = run(at)
    assert at.session_state["rt_result"]["plan"] is plan
    assert at.session_state["rt_result"]["slug"] == "G01"
    assert at.session_state["rt_result"]["files"][(1, "gpx")].startswith(b"<?xml")


def test_no_type_chosen_says_so(store: str) -> None:
    at = run()
    at.multiselect(key="rt_types").set_value([])
    at.button(key="rt_plan").click()
    at = run(at)
    assert "请至少选择一种巡查点类型" in texts(at)
    assert not at.get("download_button")


def test_nothing_matches_is_a_message_not_an_exception(store: str) -> None:
    at = run()
    at.multiselect(key="rt_grids").set_value(["G01"])
    at.multiselect(key="rt_statuses").set_value(["closed"])  # grates are never "closed"
    at.button(key="rt_plan").click()
    at = run(at)
    assert "没有符合条件的巡查点" in texts(at)
    assert "rt_result" not in at.session_state


def test_typed_start_and_english(store: str) -> None:
    at = run()
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    at.multiselect(key="rt_grids").set_value(["G02"])
    at.radio(key="rt_start_kind").set_value("lonlat")
    at = run(at)
    at.text_input(key="rt_lonlat").set_value("not a place")
    at.button(key="rt_plan").click()
    at = run(at)
    assert "The start is not valid" in texts(at)
    at.text_input(key="rt_lonlat").set_value("114.365,30.52")
    at.toggle(key="rt_closed").set_value(False)
    at.number_input(key="rt_time").set_value(0.3)
    at.button(key="rt_plan").click()
    at = run(at)
    plan = at.session_state["rt_result"]["plan"]
    assert plan.start == (114.365, 30.52) and not plan.closed
    assert "Patroller 1" in texts(at)


def test_route_layer_escapes_values_and_stays_offline() -> None:
    import folium
    import geopandas as gpd
    import shapely

    from geo.routing.plan import plan_routes
    from layers.assets import external_urls
    from layers.basemaps import available
    from layers.controls import base_map
    from layers.routes import route_layer

    lonlat = [(114.4, 30.5), (114.401, 30.5), (114.401, 30.501)]
    pts = gpd.GeoDataFrame({"incident_id": ["<b>x</b>", "a`${alert(1)}`", "P3"], "type": "drain_grate", "status": "ok",
                            "grid_id": "G1"}, geometry=[shapely.Point(p) for p in lonlat], crs=4326)  # fmt: skip
    plan = plan_routes(pts, network=None, start=(114.4, 30.5005), patrollers=2)
    layer = route_layer(plan.stops, plan.routes, plan.start, lang="en", type_label=lambda c: f"<{c}>")
    m = folium.Map(tiles=None)
    layer.add_to(m)
    page = m.get_root().render()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "${alert(1)}" not in page and "&lt;drain_grate&gt;" in page
    assert page.count('gw-route-stop\\"') + page.count('gw-route-stop"') >= 3
    bm = base_map(next(iter(available({}).values())), bounds=[[30.49, 114.39], [30.51, 114.41]])
    route_layer(plan.stops, plan.routes, plan.start).add_to(bm)
    assert external_urls(bm) == []
