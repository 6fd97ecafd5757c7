"""Buildings coloured by their flood-risk score on the main map."""

from __future__ import annotations

from geo.rain.risk import RISK_CLASSES, building_risk, risk_class
from layers.buildings import building_layer


def test_buildings_coloured_by_risk_class_with_the_score_in_the_tooltip(demo_store):
    layers = demo_store.read_many()
    b, i = layers["buildings"], layers["incidents"]
    scores = building_risk(b, i).set_index("building_id")["score"]
    p = next(iter(building_layer(b, color_by="risk", risk=scores, lang="zh")._children.values())).payload
    assert p["pal"] == [c[1] for c in RISK_CLASSES]
    expected = [risk_class(float(scores[str(bid)])) for bid in b["building_id"].astype(str)]
    assert p["ci"] == expected
    assert len(set(expected)) >= 3  # the demo has low, middling and high-risk buildings
    assert p["tip"][-1][1] == "risk"
    risk_col = p["props"]["risk"]
    values = risk_col if isinstance(risk_col, list) else [risk_col["v"][k] for k in risk_col["i"]]
    assert values == [f"{scores[str(bid)]:.0f}" for bid in b["building_id"].astype(str)]
    assert p["legend"]["title"] == "内涝风险得分" and len(p["legend"]["items"]) == len(RISK_CLASSES)


def test_risk_colouring_without_scores_is_the_lowest_class(demo_store):
    b = demo_store.read("buildings")
    p = next(iter(building_layer(b, color_by="risk", lang="en")._children.values())).payload
    assert set(p["ci"]) == {0}
    assert p["legend"]["title"] == "Flood-risk score"
