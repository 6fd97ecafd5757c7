"""layers/incidents.py: incident markers and the heat map."""

from __future__ import annotations

from geo import schema
from layers.incidents import heat_layer, incident_layer


class TestIncidents:
    def test_types_statuses_and_popups(self, map_layers, payload_of):
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

    def test_unknown_type_gets_a_neutral_icon(self, map_layers, payload_of):
        inc = map_layers[schema.INCIDENTS].copy()
        inc.loc[0, "type"] = "sewage"
        p = payload_of(incident_layer(inc, schema.type_registry()))
        assert {"code": "sewage", "label": "sewage", "color": "#737373", "icon": "?"} in p["types"]

    def test_empty(self, map_layers, payload_of):
        inc = map_layers[schema.INCIDENTS].iloc[:0]
        assert payload_of(incident_layer(inc, schema.type_registry()))["x"] == []

    def test_heat_weights(self, map_layers, payload_of):
        p = payload_of(heat_layer(map_layers[schema.INCIDENTS]))
        assert len(p["x"]) == 7 and max(p["w"]) == 1.0
