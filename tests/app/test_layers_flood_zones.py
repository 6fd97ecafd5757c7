"""The flood-zone map layer: payload, legend, escaped tooltips, display simplification."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely

from layers.element import GWLayer
from layers.flood_zones import MAX_VERTICES, PERIOD_CLASSES, UNKNOWN_PERIOD, flood_zone_layer, simplify_for_display
from tests import needs, paths

GW_JS = paths.GW_JS
NODE = shutil.which("node")
XSS = "</script><img src=x onerror=alert(1)>&amp;<b>滩地"


@pytest.fixture(scope="session")
def zones(to_wgs: Any) -> Any:
    """Builder of three flood zones, one with hostile text (columns overridden by keyword)."""

    def build(**overrides: list) -> gpd.GeoDataFrame:
        data = {"zone_id": ["Z1", "Z2", "Z3"], "name": ["城西滩地", XSS, None], "return_period_years": [10, 100, None],
                "depth_m": [0.8, 1.5, None], "source": ["区水务局", "<a href='http://x'>x</a>", None]}
        data.update(overrides)
        geoms = to_wgs([shapely.box(-500, -500, 100, 500), shapely.box(300, 0, 700, 300), shapely.box(0, 600, 50, 650)])
        return gpd.GeoDataFrame(data, geometry=geoms.to_numpy()[: len(data["zone_id"])], crs="EPSG:4326")

    return build


def payload_of(fg: folium.FeatureGroup) -> dict:
    layer = next(iter(fg._children.values()))
    assert isinstance(layer, GWLayer)
    return layer.payload


def test_layer_with_classes_legend_and_tooltip_fields(zones: Any) -> None:
    fg = flood_zone_layer(zones(), lang="zh")
    assert fg.layer_name == "淹没区" and fg.control and fg.overlay
    p = payload_of(fg)
    assert p["kind"] == "flood_zone" and p["id"] == ["Z1", "Z2", "Z3"]
    assert [p["pal"][k] for k in p["ci"]] == [PERIOD_CLASSES[0][1], PERIOD_CLASSES[2][1], UNKNOWN_PERIOD]
    assert p["props"]["period"] == ["10 年一遇", "100 年一遇", ""]
    assert p["props"]["depth"] == ["0.8", "1.5", ""]
    assert p["props"]["name"][2] == "Z3"  # a zone without a name shows its id
    assert [f[0] for f in p["tip"]] == ["重现期（年一遇）", "淹没水深（米）", "来源"]
    assert p["legend"]["title"] == "淹没区"
    assert [i[1] for i in p["legend"]["items"]] == ["≤ 10 年一遇", "≤ 100 年一遇", "重现期未知"]
    assert 0 < p["style"]["fillOpacity"] < 0.5  # translucent: the streets and buildings show through


def test_english_and_rarer_zones(zones: Any) -> None:
    p = payload_of(flood_zone_layer(zones(return_period_years=[500, 50, 20]), lang="en"))
    assert p["props"]["period"] == ["500-year", "50-year", "20-year"]
    assert [i[1] for i in p["legend"]["items"]] == ["≤ 50-year", "> 100-year"]
    assert p["title"] == "Flood zone"


def test_empty_layer_has_no_legend(zones: Any) -> None:
    p = payload_of(flood_zone_layer(zones().iloc[:0]))
    assert p["f"] == [] and p["legend"] is None


def test_markup_reaches_the_page_as_text(zones: Any) -> None:
    fg = flood_zone_layer(zones())
    layer = next(iter(fg._children.values()))
    assert XSS in layer.payload["props"]["name"]  # sent raw, escaped by GW.esc in the browser
    m = folium.Map(location=[30.55, 114.3], zoom_start=15, tiles=None)
    fg.add_to(m)
    page = m.get_root().render()
    assert "<img src=x" not in page and "</script><img" not in page and "<a href='http://x'>" not in page
    assert "\\u003cimg" in layer.payload_json


@needs.tools("node")
def test_the_browser_decodes_and_escapes_the_tooltip_text(zones: Any) -> None:
    layer = next(iter(flood_zone_layer(zones())._children.values()))
    script = (f"global.window = global; eval(require('fs').readFileSync({json.dumps(str(GW_JS))}, 'utf8'));"
              f"var p = JSON.parse({layer.payload_literal});"
              "process.stdout.write(JSON.stringify([p.props.name[1], GW.esc(p.props.name[1]), GW.esc(p.props.source[1])]));")
    raw, shown, source = json.loads(subprocess.run([NODE or "node", "-e", script], capture_output=True, text=True,
                                                   timeout=60, check=True).stdout)
    assert raw == XSS
    assert "<" not in shown and "&lt;/script&gt;&lt;img" in shown and "&amp;amp;" in shown
    assert "<a" not in source


def test_many_vertices_are_simplified_for_display_only(to_wgs: Any, zones: Any) -> None:
    a = np.linspace(0, 2 * np.pi, 150_000, endpoint=False)  # a 3 km floodplain of 150,000 vertices
    r = 3000 + 40 * np.sin(a * 60)
    circle = shapely.Polygon(np.column_stack([r * np.cos(a), r * np.sin(a)]))
    big = zones(zone_id=["BIG"], name=["大片滩地"], return_period_years=[100], depth_m=[2.0], source=["x"])
    big.geometry = to_wgs([circle]).to_numpy()
    p = payload_of(flood_zone_layer(big))
    assert shapely.get_num_coordinates(big.geometry.iloc[0]) > 2 * MAX_VERTICES
    assert sum(p["r"]) <= MAX_VERTICES
    shown = simplify_for_display(big.geometry)
    assert shown.iloc[0].is_valid
    assert shown.iloc[0].area == pytest.approx(big.geometry.iloc[0].area, rel=0.01)
    small = zones().geometry
    assert simplify_for_display(small) is small  # already small: untouched
