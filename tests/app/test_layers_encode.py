"""Payload encodings, decoded by the real ``gridwatch.js`` under Node.js.

What layers/encode.py writes, the browser must read back exactly: the
identifiers' runs (``compact_ids`` / ``GW.ids``) and the JSON string literal
handed to ``JSON.parse`` (``js_string``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo import schema
from layers import assets
from layers.encode import compact_ids, encode_points, encode_polygons, js_string, to_script_json
from tests import paths

#: As in the map store of conftest.py.
SCRIPT_XSS = "</script><script>alert(2)</script>"
XSS = "<img src=x onerror=alert(1)>"

GW_JS = paths.GW_JS
NODE = shutil.which("node")

if NODE is None and os.environ.get("CI") == "true":
    pytest.fail("Node.js is missing (CI=true): scripts/install-system-deps.sh installs it", pytrace=False)
needs_node = pytest.mark.skipif(NODE is None, reason="Node.js is not installed (scripts/install-system-deps.sh)")


def _node(expr: str) -> object:
    """Evaluate ``expr`` with ``GW`` loaded from gridwatch.js; its JSON result."""
    script = f"global.window = global; eval(require('fs').readFileSync({json.dumps(str(GW_JS))}, 'utf8'));" \
             f"process.stdout.write(JSON.stringify({expr}));"
    out = subprocess.run([NODE or "node", "-e", script], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_counting_ids_become_runs():
    ids = [f"DG{i:07d}" for i in range(1, 521)] + [f"FL{i:03d}" for i in range(1, 13)] + ["W-9", "W-10", "W-11"]
    enc = compact_ids(ids)
    assert isinstance(enc, dict)
    assert len(enc["runs"]) == 4  # DG, FL, W-9 (width 1), W-10..W-11 (width 2)
    assert len(json.dumps(enc)) < len(json.dumps(ids)) // 20


def test_ids_without_a_trailing_number_stay_plain():
    ids = [f"B{i}" for i in range(100)] + ["工作站"]
    assert compact_ids(ids) == ids


def test_random_ids_stay_plain():
    ids = [f"X{(i * 7919) % 10007}" for i in range(200)]
    assert compact_ids(ids) == ids  # runs of one: no smaller


def test_short_lists_are_left_alone():
    assert compact_ids(["A1", "A2"]) == ["A1", "A2"]


@needs_node
def test_browser_reads_back_the_runs():
    ids = ([f"DG{i:07d}" for i in range(1, 300)] + [f"FL{i:03d}" for i in range(40, 0, -2)]
           + ["007", "008", "009", "010", "A99999999999999", "A99999999999998"] + [f"B{i}" for i in range(9, 120)])
    enc = compact_ids(ids)
    assert isinstance(enc, dict)
    assert _node(f"GW.ids({json.dumps(enc)})") == ids
    assert _node(f"GW.ids({json.dumps(ids)})") == ids


@needs_node
@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["DG", "FL-", "楼", ""]), st.integers(0, 10**9), st.integers(1, 3)),
                min_size=64, max_size=200))
def test_any_ids_round_trip(parts):
    ids = [f"{p}{n:0{w}d}" for p, n, w in parts]
    assert _node(f"GW.ids({json.dumps(compact_ids(ids))})") == ids


@needs_node
def test_payload_string_literal_round_trips_hostile_text():
    value = {"a": "</script><script>alert(1)</script>", "b": "it's \\ \"q\" \u2028\u2029 \n\t 中文 \x01 ' \\'",
             "c": [1, -2.5, None, True], "d": "<img src=x onerror=alert(1)>"}
    literal = js_string(to_script_json(value))
    assert "<" not in literal and "\n" not in literal and "\u2028" not in literal
    assert _node(f"JSON.parse({literal})") == value


def test_script_bundle_holds_every_script_in_order(tmp_path, monkeypatch):

    monkeypatch.setattr(assets, "_bundle", None)
    url = assets.bundle_url()
    assert "/vendor/bundle/gw-" in url, "run `make install` (scripts/vendor_assets.sh) to install the map's scripts"
    body = (assets.STATIC_DIR / url.split("/app/static/", 1)[1]).read_bytes()
    at = [body.index((assets.STATIC_DIR / assets.ASSETS[n]).read_bytes()) for n in assets.BUNDLE_JS]
    assert at == sorted(at)  # Leaflet first, gridwatch.js last


def test_read_only_install_falls_back_to_single_scripts(tmp_path, monkeypatch):

    ro = tmp_path / "static"
    for name in assets.BUNDLE_JS:
        dst = ro / assets.ASSETS[name]
        dst.parent.mkdir(parents=True, exist_ok=True)
        dst.write_bytes((assets.STATIC_DIR / assets.ASSETS[name]).read_bytes())
    (ro / "vendor").chmod(0o555)
    monkeypatch.setattr(assets, "STATIC_DIR", ro)
    monkeypatch.setattr(assets, "_bundle", None)
    try:
        if os.access(ro / "vendor", os.W_OK):  # root ignores the mode bits: make the write fail another way
            (ro / "vendor" / "bundle").write_text("not a folder")
        assert assets.bundle_url() == assets.asset_url("leaflet")
        assert assets.script_url("measure") == assets.asset_url("measure")
    finally:
        (ro / "vendor").chmod(0o755)


class TestEncode:
    def test_script_json_cannot_close_the_script(self):
        text = to_script_json({"name": SCRIPT_XSS, "b": XSS, "sep": "a\u2028b"})
        assert "</script" not in text.lower() and "<img" not in text and "\u2028" not in text
        assert json.loads(text) == {"name": SCRIPT_XSS, "b": XSS, "sep": "a\u2028b"}

    def test_polygons_round_trip_with_holes_multiparts_and_empties(self, decode_polygons):
        hole = Polygon([(114.0, 30.0), (114.01, 30.0), (114.01, 30.01), (114.0, 30.01)],
                       [[(114.002, 30.002), (114.004, 30.002), (114.004, 30.004)]])
        multi = MultiPolygon([box(114.02, 30.0, 114.03, 30.01), box(114.04, 30.0, 114.05, 30.01)])
        geoms = gpd.GeoSeries([hole, None, multi, Polygon()], crs=schema.STORAGE_CRS)
        p = encode_polygons(geoms)
        decoded = decode_polygons(p)
        assert [len(parts) for parts in decoded] == [1, 0, 2, 0]
        assert len(decoded[0][0]) == 2  # exterior and hole
        for got, geom in ((decoded[0][0][0], hole.exterior), (decoded[0][0][1], hole.interiors[0]),
                          (decoded[2][1][0], multi.geoms[1].exterior)):
            want = list(geom.coords)[:-1]  # closing vertex is implied
            assert np.allclose(got, want, atol=1e-6)

    def test_polygon_payload_is_much_smaller_than_geojson(self, map_layers):
        layers = map_layers
        p = encode_polygons(layers[schema.BUILDINGS].geometry)
        assert len(to_script_json(p)) * 2 < len(layers[schema.BUILDINGS].geometry.to_json())

    def test_points(self):
        geoms = gpd.GeoSeries([Point(114.1, 30.2), Point(114.100001, 30.200002)], crs=schema.STORAGE_CRS)
        p = encode_points(geoms)
        assert p["x"] == [0, 1] and p["y"] == [0, 2]
        assert encode_points(geoms.iloc[:0])["x"] == []


def test_repeated_values_are_dictionary_encoded():
    from layers.encode import compact_column

    many = ["雨水篦子，排水通畅", "飞线"] * 100
    packed = compact_column(many)
    assert isinstance(packed, dict) and [packed["v"][i] for i in packed["i"]] == many
    unique = [f"楼{i}" for i in range(200)]
    assert compact_column(unique) == unique
