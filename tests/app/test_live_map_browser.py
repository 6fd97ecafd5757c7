"""The live map in Chromium: counts at every zoom add up to the store's, names are qualified, nothing leaves localhost.

A small city (40 grids in several communities whose grid names repeat,
6,000 incidents) is served with ``GRIDWATCH_MAP_LIVE_ABOVE=0``, so it gets
the live map a city-scale store gets: the browser asks the app's own route
for each view (:mod:`views.map_api`). The figures shown are read back
through ``GW.liveState()`` and compared with counts made here from the
store with pandas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pandas as pd
import pytest

from geo import demo
from geo.join import join_layers
from geo.store import open_store
from tests.app.browser import app_server, sign_in

pytestmark = pytest.mark.browser

ENV = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "map", "GRIDWATCH_MAP_LIVE_ABOVE": "0"}
READY = "(seq) => { var s = window.GW && GW.liveState && GW.liveState(); return !!(s && s.ready && s.seq > seq); }"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pd.DataFrame]]:
    """A small city store and its layers (attributes only) to count from."""
    layers = join_layers(demo.make_city(11, grids=40, buildings=800, incidents=6000))
    path = tmp_path_factory.mktemp("live") / "gridwatch.gpkg"
    open_store(path).write(layers)
    stored = open_store(path).read_many(("grids", "incidents"))
    return path, stored


@pytest.fixture(scope="module")
def live_page(city: tuple[Path, dict[str, Any]], browser: Any) -> Iterator[tuple[Any, Any, list[str]]]:
    path, _ = city
    with app_server(path, env=ENV, timeout=120) as url:
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        sign_in(page, url, wait=False)
        page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=120_000)
        frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle().content_frame()
        frame.wait_for_function(READY, arg=0, timeout=120_000)
        yield page, frame, requests
        page.close()


def _go(frame: Any, lat: float, lng: float, zoom: int) -> dict[str, Any]:
    seq = frame.evaluate("GW.liveState().seq")
    frame.evaluate("([lat, lng, z]) => GW.liveMap().setView([lat, lng], z, {animate: false})", [lat, lng, zoom])
    frame.wait_for_function(READY, arg=seq, timeout=60_000)
    state: dict[str, Any] = frame.evaluate("GW.liveState()")
    assert not state["failed"]
    return state


def _community_of(layers: dict[str, Any]) -> pd.Series:
    grids = layers["grids"]
    comm = dict(zip(grids["grid_id"].astype(str), grids["community"].astype(str), strict=True))
    return layers["incidents"]["grid_id"].astype("string").map(comm)


def test_city_zoom_counts_add_up(city: tuple[Path, dict[str, Any]], live_page: Any) -> None:
    _, layers = city
    _, frame, _ = live_page
    grids = layers["grids"]
    minx, miny, maxx, maxy = grids.total_bounds
    state = _go(frame, (miny + maxy) / 2, (minx + maxx) / 2, 11)
    assert state["level"] == "community"
    assert state["total"] == len(layers["incidents"]) == state["all"]
    assert sum(m["n"] for m in state["marks"]) == len(layers["incidents"])
    per = _community_of(layers).value_counts()
    for mark in state["marks"]:
        if mark["kind"] == "community":
            assert mark["n"] == per[mark["id"]], mark


def test_grid_zoom_counts_and_qualified_names(city: tuple[Path, dict[str, Any]], live_page: Any) -> None:
    _, layers = city
    _, frame, _ = live_page
    grids = layers["grids"]
    g = grids.iloc[len(grids) // 2]
    c = g.geometry.centroid
    state = _go(frame, c.y, c.x, 15)
    assert state["level"] == "grid"
    per = layers["incidents"]["grid_id"].astype(str).value_counts()
    shown = [m for m in state["marks"] if m["kind"] == "grid"]
    assert shown
    repeated = set(grids["name"][grids["name"].duplicated(keep=False)])
    for mark in shown:
        assert mark["n"] == per[mark["id"]], mark
        row = grids[grids["grid_id"].astype(str) == mark["id"]].iloc[0]
        if row["name"] in repeated:
            assert mark["name"] == f"{row['community']} · {row['name']}"
    assert state["total"] == sum(m["n"] for m in state["marks"])


def test_point_zoom_shows_every_point_of_its_extent(city: tuple[Path, dict[str, Any]], live_page: Any) -> None:
    _, layers = city
    _, frame, _ = live_page
    g = layers["grids"].iloc[3].geometry.centroid
    state = _go(frame, g.y, g.x, 18)
    assert state["level"] == "point"
    w, s, e, n = state["extent"]
    inc = layers["incidents"]
    x, y = inc.geometry.x, inc.geometry.y
    expected = int(((x >= w) & (x <= e) & (y >= s) & (y <= n)).sum())
    assert state["points"] == expected == state["total"]
    assert expected > 0
    drawn = frame.evaluate("GW.layers.incident ? GW.layers.incident.getLayers().length : 0")
    assert drawn == expected


def test_filter_applies_at_city_zoom(city: tuple[Path, dict[str, Any]], live_page: Any) -> None:
    _, layers = city
    page, frame, _ = live_page
    flooding = int((layers["incidents"]["type"] == "flooding").sum())
    page.locator("[data-testid='stMultiSelect']").filter(has_text="事件类型").locator("input").click()
    page.get_by_role("option", name="积水点").click()
    frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle().content_frame()
    frame.wait_for_function(f"() => {{ var s = GW.liveState(); return !!(s && s.ready && s.all === {flooding}); }}",
                            timeout=60_000)
    grids = layers["grids"]
    minx, miny, maxx, maxy = grids.total_bounds
    state = _go(frame, (miny + maxy) / 2, (minx + maxx) / 2, 11)
    assert state["total"] == flooding == sum(m["n"] for m in state["marks"])


def test_no_request_leaves_localhost(live_page: Any) -> None:
    _, _, requests = live_page
    assert requests
    hosts = {urlparse(u).hostname for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")}
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert any("/gw/map/view" in u for u in requests)
