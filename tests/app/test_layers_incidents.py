"""layers/incidents.py: incident markers and the heat map."""

from __future__ import annotations

from geo import schema
from geo.store import open_store
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


def _col(col, i):
    return col["v"][col["i"][i]] if isinstance(col, dict) else col[i]


def test_incident_popup_has_grid_worker_and_building_head(tmp_path, demo_store, payload_of):
    layers = demo_store.read_many()
    g, b, inc = layers["grids"], layers["buildings"], layers["incidents"]
    people = {r.grid_id: f"{r.worker} {r.phone}" for r in g.itertuples()}
    heads = {r.building_id: f"{r.head} {r.head_phone}" for r in b.itertuples()}
    p = payload_of(incident_layer(inc, open_store(tmp_path / "s.gpkg").incident_types(),
                                   grid_people=people, building_heads=heads))
    assert p["labels"]["worker"] == "网格员" and p["labels"]["head"] == "楼栋长"
    k = int(inc["building_id"].notna().to_numpy().argmax())
    row = inc.iloc[k]
    assert p["wk"][p["g"][k]] == people[row["grid_id"]]
    assert _col(p["bh"], k) == heads[row["building_id"]]
    outside = inc["grid_id"].isna().to_numpy()
    if outside.any():
        assert p["wk"][p["g"][int(outside.argmax())]] == ""


def test_case_states_reach_the_payload_and_the_legend(map_layers, payload_of):
    import pandas as pd

    inc = map_layers[schema.INCIDENTS]
    states = pd.Series("", index=inc.index, dtype=object)
    states.iloc[3], states.iloc[5] = "overdue", "warning"
    p = payload_of(incident_layer(inc, schema.type_registry(), states=states, lang="zh"))
    codes = [c["code"] for c in p["cstates"]]
    assert len(p["cs"]) == len(inc)
    assert codes[p["cs"][3]] == "overdue" and codes[p["cs"][5]] == "warning" and codes[p["cs"][0]] == ""
    assert {c["code"]: c["label"] for c in p["cstates"]}["overdue"] == "超期"
    assert p["labels"]["state"] == "时限状态" and p["rings"]["overdue"] == "红圈：超期"
    assert [r[0] for r in p["legend"]["rings"]] == ["overdue", "warning"]
    plain = payload_of(incident_layer(inc, schema.type_registry()))
    assert "cs" not in plain and plain["legend"]["rings"] == []
