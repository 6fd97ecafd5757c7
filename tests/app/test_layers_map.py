"""Map layers (layers/): compact payloads, escaping, colouring, assets, base maps."""

from __future__ import annotations

import json
import re
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Point, Polygon, box

from geo import schema
from geo.i18n import LANGUAGES, STRINGS, column_label, t, translator
from layers import assets, basemaps
from layers.buildings import building_layer, open_incidents_per_building
from layers.controls import base_map
from layers.element import GWLayer
from layers.encode import SCALE, encode_points, encode_polygons, to_script_json
from layers.grids import classify, grid_layer, selection_layer
from layers.incidents import heat_layer, incident_layer
from layers.select import Filters, filter_incidents, local_times, search, view_bounds

#: As in the map store of conftest.py.
SCRIPT_XSS = "</script><script>alert(2)</script>"
XSS = "<img src=x onerror=alert(1)>"


def payload_of(fg) -> dict:
    (layer,) = [c for c in fg._children.values() if isinstance(c, GWLayer)]
    return layer.payload


def decode_polygons(p: dict) -> list[list[list[list[tuple[float, float]]]]]:
    """Python mirror of gridwatch.js decodePolygons."""
    ox, oy = p["o"]
    out, ci, ri, pi = [], 0, 0, 0
    for nparts in p["f"]:
        parts = []
        for _ in range(nparts):
            rings = []
            for _ in range(p["p"][pi]):
                n, ring, x, y = p["r"][ri], [], ox, oy
                for v in range(n):
                    dx, dy = p["c"][ci], p["c"][ci + 1]
                    x, y = (ox + dx, oy + dy) if v == 0 else (x + dx, y + dy)
                    ring.append((x / SCALE, y / SCALE))
                    ci += 2
                rings.append(ring)
                ri += 1
            parts.append(rings)
            pi += 1
        out.append(parts)
    return out


class TestEncode:
    def test_script_json_cannot_close_the_script(self):
        text = to_script_json({"name": SCRIPT_XSS, "b": XSS, "sep": "a\u2028b"})
        assert "</script" not in text.lower() and "<img" not in text and "\u2028" not in text
        assert json.loads(text) == {"name": SCRIPT_XSS, "b": XSS, "sep": "a\u2028b"}

    def test_polygons_round_trip_with_holes_multiparts_and_empties(self):
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


class TestGrids:
    def test_classify_counts_and_missing(self):
        cls, breaks = classify(pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, None]))
        assert cls[-1] == -1 and cls[0] == 0 and cls[9] == len(breaks) - 1
        assert all(b == round(b) for b in breaks)
        assert (np.diff(cls[:-1]) >= 0).all()

    def test_choropleth_by_figure_with_legend(self, map_layers):
        layers = map_layers
        summary = pd.DataFrame({"grid_id": ["G1", "G2", "G3"], "open_incidents": [1, 5, np.nan]})
        p = payload_of(grid_layer(layers[schema.GRIDS], summary, figure="open_incidents", lang="en"))
        assert p["kind"] == "grid" and p["id"] == ["G1", "G2", "G3"]
        assert p["pal"][p["ci"][2]] == "#d9d9d9"  # no data
        assert p["pal"][p["ci"][0]] != p["pal"][p["ci"][1]]
        assert p["legend"]["title"] == "Open incidents" and p["legend"]["items"][-1][1] == "No data"
        assert len(p["labels"]["x"]) == 3

    def test_outlines_only(self, map_layers):
        p = payload_of(grid_layer(map_layers[schema.GRIDS], None, figure=None))
        assert "legend" not in p and "ci" not in p

    def test_selection_is_not_clickable(self, map_layers):
        p = payload_of(selection_layer(map_layers[schema.GRIDS].geometry.iloc[:1]))
        assert p["interactive"] is False


class TestBuildings:
    @pytest.mark.parametrize("color_by", ["none", "basement", "elderly", "open"])
    def test_colourings(self, color_by, map_layers):
        layers = map_layers
        counts = open_incidents_per_building(layers[schema.INCIDENTS])
        p = payload_of(building_layer(layers[schema.BUILDINGS], color_by=color_by, open_counts=counts))
        assert len(p["ci"]) == len(layers[schema.BUILDINGS]) == len(p["f"])
        assert max(p["ci"]) < len(p["pal"])
        if color_by == "basement":
            assert p["ci"][:3] == [0, 1, 0]
        if color_by == "open":
            assert p["ci"][0] > 0  # B11 has open incidents

    def test_unknown_colouring(self, map_layers):
        with pytest.raises(ValueError, match="basement"):
            building_layer(map_layers[schema.BUILDINGS], color_by="height")

    def test_point_buildings_drawn_as_squares(self, map_layers):
        b = map_layers[schema.BUILDINGS].copy()
        b.loc[0, "geometry"] = Point(114.401, 30.501)
        p = payload_of(building_layer(b))
        assert p["r"][0] == 4 and p["f"][0] == 1

    def test_values_are_sent_raw_for_escaping_in_the_browser(self, map_layers):
        fg = building_layer(map_layers[schema.BUILDINGS])
        assert payload_of(fg)["props"]["name"][0] == XSS
        js = fg._children[next(iter(fg._children))].payload_json
        assert "<img" not in js and "\\u003cimg" in js


class TestIncidents:
    def test_types_statuses_and_popups(self, map_layers):
        layers = map_layers
        types = schema.type_registry()
        p = payload_of(incident_layer(layers[schema.INCIDENTS], types, grid_names={"G1": "第一网格"}, lang="zh"))
        n = len(layers[schema.INCIDENTS])
        assert len(p["x"]) == len(p["t"]) == len(p["st"]) == len(p["m"]) == len(p["id"]) == n
        codes = [s["code"] for s in p["types"]]
        assert p["types"][codes.index("flooding")]["label"] == "积水点"
        status = {s["code"]: s for s in p["statuses"]}
        assert status["blocked"]["open"] and status["blocked"]["alarm"] and not status["ok"]["open"]
        assert "第一网格" in p["grids"] and "网格外" in p["grids"]
        assert p["m"][0] >= 0 and p["legend"]["items"][0][2] == "▦"

    def test_unknown_type_gets_a_neutral_icon(self, map_layers):
        inc = map_layers[schema.INCIDENTS].copy()
        inc.loc[0, "type"] = "sewage"
        p = payload_of(incident_layer(inc, schema.type_registry()))
        assert {"code": "sewage", "label": "sewage", "color": "#737373", "icon": "?"} in p["types"]

    def test_empty(self, map_layers):
        inc = map_layers[schema.INCIDENTS].iloc[:0]
        assert payload_of(incident_layer(inc, schema.type_registry()))["x"] == []

    def test_heat_weights(self, map_layers):
        p = payload_of(heat_layer(map_layers[schema.INCIDENTS]))
        assert len(p["x"]) == 7 and max(p["w"]) == 1.0


class TestSelect:
    def test_local_times(self):
        s = pd.Series(["2026-07-01T00:30:00Z", "2026-07-01T08:00:00", None, "nonsense"])
        got = local_times(s)
        assert got[0] == pd.Timestamp("2026-07-01 08:30") and got[1] == pd.Timestamp("2026-07-01 08:00")
        assert got[2:].isna().all()

    def test_filters(self, map_layers):
        inc = map_layers[schema.INCIDENTS]
        assert len(filter_incidents(inc, Filters())) == len(inc)
        assert set(filter_incidents(inc, Filters(grids=("G1",)))["grid_id"]) == {"G1"}
        assert filter_incidents(inc, Filters(grids=("",)))["incident_id"].tolist() == ["I999"]
        assert set(filter_incidents(inc, Filters(types=("flooding",), statuses=("reported",)))["incident_id"]) == {
            "I004", "I010", "I016", "I999"}
        june = filter_incidents(inc, Filters(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)))
        assert len(june) == 6 and june["reported_at"].str.startswith("2026-06").all()

    def test_search_exact_first(self, map_layers):
        layers = map_layers
        hits = search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "b1")
        assert [h.id for h in hits][:3] == ["B11", "B12", "B13"]
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "I999")[0].kind == "incident"
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "  ") == []
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "<img")[0].id == "B11"

    def test_view_bounds(self, map_layers):
        (s, w), (n, e) = view_bounds(map_layers[schema.GRIDS])
        assert (s, w, n, e) == pytest.approx((30.5, 114.4, 30.504, 114.412))
        assert view_bounds(map_layers[schema.GRIDS].iloc[:0]) is None


class TestAssetsAndBaseMaps:
    def test_assets_installed(self):
        assert assets.missing_assets() == [], "run `make install` (scripts/vendor_assets.sh) to install them"

    @pytest.mark.parametrize("key", ["none", "osm", "amap"])
    def test_base_map_loads_nothing_from_a_cdn(self, key):
        m = base_map(basemaps.BASEMAPS[key], bounds=[[30.5, 114.4], [30.51, 114.41]], lang="zh")
        assert assets.external_urls(m) == []
        html = m.get_root().render()
        for url in re.findall(r"""(?:src|href)=["']([^"']+)""", html):
            assert url.startswith("/app/static/"), url

    def test_measure_tool_gets_an_svg_renderer_on_the_canvas_map(self):
        # leaflet-measure needs SVG paths; the map prefers canvas (the browser
        # test measures a distance for real).
        html = base_map(basemaps.BASEMAPS["none"], bounds=[[30.5, 114.4], [30.51, 114.41]]).get_root().render()
        assert "preferCanvas" in html
        name = re.search(r"var (measure_control_\w+) = new L\.Control\.Measure", html).group(1)
        wrap = html.index(f"}})({name});")
        assert wrap > html.index(f"var {name} =") and "renderer: svg" in html[:wrap]

    def test_offline_base_map_has_no_tiles(self):
        assert basemaps.tile_layers(basemaps.BASEMAPS["none"]) == []

    def test_keyed_and_custom_base_maps(self):
        assert "tianditu" not in basemaps.available({})
        env = {"GRIDWATCH_TIANDITU_KEY": "k", "GRIDWATCH_TILES": "http://intranet/{z}/{x}/{y}.png",
               "GRIDWATCH_TILES_CRS": "gcj02", "GRIDWATCH_BASEMAP": "custom"}
        avail = basemaps.available(env)
        assert "tianditu" in avail and avail["custom"].shift == "gcj02"
        assert basemaps.default_key(env) == "custom" and basemaps.default_key({}) == "osm"
        layers = basemaps.tile_layers(avail["tianditu"], env)
        assert len(layers) == 2 and "tk=k" in layers[0].tiles
        assert basemaps.BASEMAPS["amap"].shift == basemaps.BASEMAPS["tencent"].shift == "gcj02"


class TestI18n:
    def test_every_string_in_both_languages_with_the_same_fields(self):
        field = re.compile(r"\{(\w+)[^}]*\}")
        for key, pair in STRINGS.items():
            assert len(pair) == len(LANGUAGES) and all(s.strip() for s in pair), key
            assert set(field.findall(pair[0])) == set(field.findall(pair[1])), key

    def test_lookup(self):
        assert t("app.tab_map") == "地图" and t("app.tab_map", "en") == "Map"
        assert t("no.such.key", "en") == "no.such.key"
        assert translator("en")("app.shown", incidents=1, total=2, grids=3, buildings=4).startswith("Showing 1")
        assert column_label("n_flooding", "en", {"flooding": "Flooding point"}) == "Flooding point"
        assert column_label("n_status_blocked", "zh") == "堵塞"


def test_repeated_values_are_dictionary_encoded():
    from layers.encode import compact_column

    many = ["雨水篦子，排水通畅", "飞线"] * 100
    packed = compact_column(many)
    assert isinstance(packed, dict) and [packed["v"][i] for i in packed["i"]] == many
    unique = [f"楼{i}" for i in range(200)]
    assert compact_column(unique) == unique
