"""layers/basemaps.py and layers/controls.py: base maps and the map they go on, all assets local."""

from __future__ import annotations

import re

import pytest

from layers import assets, basemaps
from layers.controls import base_map


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
