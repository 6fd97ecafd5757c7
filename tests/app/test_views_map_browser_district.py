"""The real app in headless Chromium on a store past the "many" thresholds.

Above 5,000 buildings the browser draws only the buildings in view, from
zoom 15 on (``GW.manyPolygons``); above 5,000 incidents it shows one bubble
per grid where too many points are in view, and only the points in view
when zoomed in (``GW.manyPoints``). These paths only run on a district, so
they get a store of their own: 40 grids, 6,000 buildings, 8,000 incidents.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest

from geo import demo
from geo.join import join_layers
from geo.store import open_store
from tests import paths
from tests.app.browser import frame_of, launch, map_frame, require_chromium, sign_in

pytestmark = pytest.mark.browser

ARTIFACTS = paths.ARTIFACTS
COUNTS = {"grids": 40, "buildings": 6000, "incidents": 8000}

require_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def district(tmp_path_factory, app_server) -> Iterator[tuple[str, dict[str, Any]]]:
    path = tmp_path_factory.mktemp("district") / "gw.gpkg"
    layers = join_layers(demo.make_city(11, **COUNTS))
    meta = demo.demo_meta("city")
    open_store(path).write(layers, tables={"meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    with app_server(path, env={"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "map"}, timeout=120) as url:
        yield url, layers


@pytest.fixture(scope="module")
def frame(district) -> Iterator[Any]:
    url, _ = district
    with sync_api.sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        page.set_default_timeout(90_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        sign_in(page, url)
        map_frame(page, timeout=90_000)
        f = frame_of(page)
        f.wait_for_function(
            f"() => window.GW && GW.count('grid') === {COUNTS['grids']} && "
            f"GW.count('building') === {COUNTS['buildings']} && GW.count('incident') === {COUNTS['incidents']}",
            polling=100,
        )
        yield f
        assert errors == [], errors
        browser.close()


def _zoom_to(frame: Any, lat: float, lon: float, zoom: int) -> None:
    frame.evaluate(
        """([lat, lon, z]) => new Promise(done => {
            map.once('moveend', () => setTimeout(done, 50));
            map.setView([lat, lon], z, {animate: false});
        })""",
        [lat, lon, zoom],
    )


def test_district_overview_shows_grid_bubbles_and_no_buildings(frame):
    assert frame.evaluate("() => map.getZoom()") < 15
    assert frame.evaluate("() => GW.layers.building._gwShown") == 0
    note = frame.locator(".gw-zoom-note")
    assert note.count() == 1 and "放大" in note.inner_text()
    assert frame.evaluate("() => GW.layers.incident._gwMode") == "agg"
    bubbles = frame.locator(".gw-agg")
    assert 1 <= bubbles.count() <= COUNTS["grids"] + 60  # a bubble per grid (+ cells outside every grid)
    total = sum(int(t) for t in bubbles.locator("span").all_inner_texts())
    assert total == COUNTS["incidents"]  # every incident counted in exactly one bubble
    ARTIFACTS.mkdir(exist_ok=True)
    frame.page.screenshot(path=str(ARTIFACTS / "district-overview.png"))


def test_zoomed_in_draws_only_the_buildings_and_points_in_view(frame, district):
    _, layers = district
    b = layers["buildings"]
    c = b.geometry.iloc[len(b) // 2].centroid
    _zoom_to(frame, c.y, c.x, 17)
    view = frame.evaluate("() => { const b = map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }")
    s, w, n, e = view
    shown = frame.evaluate("() => GW.layers.building.getLayers().filter(l => l.feature).map(l => l.feature.properties.id)")
    bounds = b.set_index("building_id").geometry.bounds
    near = bounds[(bounds.maxx >= w) & (bounds.minx <= e) & (bounds.maxy >= s) & (bounds.miny <= n)]
    assert 0 < len(shown) < len(b)
    assert set(near.index) <= set(shown)  # every building in view is drawn ...
    pad_s, pad_w, pad_n, pad_e = s - (n - s), w - (e - w), n + (n - s), e + (e - w)
    far = bounds.loc[shown]
    assert ((far.maxx >= pad_w) & (far.minx <= pad_e) & (far.maxy >= pad_s) & (far.miny <= pad_n)).all()  # ... and only near it
    assert frame.locator(".gw-zoom-note").count() == 0
    assert frame.evaluate("() => GW.layers.incident._gwMode") in ("icon", "dot")
    pts = frame.evaluate("() => GW.layers.incident.getLayers().filter(l => l.feature).map(l => l.feature.properties.id)")
    inc = layers["incidents"]
    inside = inc[(inc.geometry.x >= w) & (inc.geometry.x <= e) & (inc.geometry.y >= s) & (inc.geometry.y <= n)]
    assert set(inside["incident_id"]) <= set(pts)
    frame.page.screenshot(path=str(ARTIFACTS / "district-zoomed.png"))
    _zoom_to(frame, c.y, c.x, 13)
    assert frame.evaluate("() => GW.layers.building._gwShown") == 0
