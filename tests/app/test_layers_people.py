"""Popups name the people responsible, and grids by name."""

from __future__ import annotations

from geo.store import open_store
from layers.buildings import building_layer
from layers.grids import legend
from layers.incidents import incident_layer


def _payload(fg):
    return next(iter(fg._children.values())).payload


def _col(col, i):
    return col["v"][col["i"][i]] if isinstance(col, dict) else col[i]


def test_incident_popup_has_grid_worker_and_building_head(tmp_path, demo_store):
    layers = demo_store.read_many()
    g, b, inc = layers["grids"], layers["buildings"], layers["incidents"]
    people = {r.grid_id: f"{r.worker} {r.phone}" for r in g.itertuples()}
    heads = {r.building_id: f"{r.head} {r.head_phone}" for r in b.itertuples()}
    p = _payload(incident_layer(inc, open_store(tmp_path / "s.gpkg").incident_types(),
                                grid_people=people, building_heads=heads))
    assert p["labels"]["worker"] == "网格员" and p["labels"]["head"] == "楼栋长"
    k = int(inc["building_id"].notna().to_numpy().argmax())
    row = inc.iloc[k]
    assert p["wk"][p["g"][k]] == people[row["grid_id"]]
    assert _col(p["bh"], k) == heads[row["building_id"]]
    outside = inc["grid_id"].isna().to_numpy()
    if outside.any():
        assert p["wk"][p["g"][int(outside.argmax())]] == ""


def test_building_popup_names_its_grid_and_worker(demo_store):
    layers = demo_store.read_many()
    g, b = layers["grids"], layers["buildings"]
    names = dict(zip(g["grid_id"], g["name"], strict=True))
    people = {r.grid_id: f"{r.worker} {r.phone}" for r in g.itertuples()}
    p = _payload(building_layer(b, grid_names=names, grid_people=people))
    assert _col(p["props"]["grid"], 0) == names[b["grid_id"].iloc[0]]
    assert _col(p["props"]["worker"], 0) == people[b["grid_id"].iloc[0]]
    assert ["网格员", "worker"] in p["pop"]


def test_count_legend_ranges_do_not_overlap():
    items = [label for _, label in legend("open_incidents", [18, 20, 25, 26], "zh", False, True)["items"]]
    assert items == ["≤ 18", "19 – 20", "21 – 25", "26"]
    items = [label for _, label in legend("incidents_per_km2", [1.5, 3.25], "en", True)["items"]]
    assert items == ["≤ 1.5", "> 1.5 – 3.2", "No data"]
