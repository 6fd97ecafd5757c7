"""layers/buildings.py: the building layer and its colourings."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from geo import schema
from layers.buildings import building_layer, open_incidents_per_building

#: As in the map store of conftest.py.
XSS = "<img src=x onerror=alert(1)>"


class TestBuildings:
    @pytest.mark.parametrize("color_by", ["none", "basement", "elderly", "open"])
    def test_colourings(self, color_by, map_layers, payload_of):
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

    def test_point_buildings_drawn_as_squares(self, map_layers, payload_of):
        b = map_layers[schema.BUILDINGS].copy()
        b.loc[0, "geometry"] = Point(114.401, 30.501)
        p = payload_of(building_layer(b))
        assert p["r"][0] == 4 and p["f"][0] == 1

    def test_values_are_sent_raw_for_escaping_in_the_browser(self, map_layers, payload_of):
        fg = building_layer(map_layers[schema.BUILDINGS])
        assert payload_of(fg)["props"]["name"][0] == XSS
        js = fg._children[next(iter(fg._children))].payload_json
        assert "<img" not in js and "\\u003cimg" in js


def _col(col, i):
    return col["v"][col["i"][i]] if isinstance(col, dict) else col[i]


def test_building_popup_names_its_grid_and_worker(demo_store, payload_of):
    layers = demo_store.read_many()
    g, b = layers["grids"], layers["buildings"]
    names = dict(zip(g["grid_id"], g["name"], strict=True))
    people = {r.grid_id: f"{r.worker} {r.phone}" for r in g.itertuples()}
    p = payload_of(building_layer(b, grid_names=names, grid_people=people))
    assert _col(p["props"]["grid"], 0) == names[b["grid_id"].iloc[0]]
    assert _col(p["props"]["worker"], 0) == people[b["grid_id"].iloc[0]]
    assert ["网格员", "worker"] in p["pop"]
