"""User incident types: each a colour and a symbol of its own, changeable
from the command line, and drawn apart on the map."""

from __future__ import annotations

import pytest

from geo import schema
from geo.cli import main
from geo.errors import OptionError
from geo.store import open_store
from layers.incidents import type_styles


def test_new_types_take_the_next_unused_colour_and_symbol(tmp_path):
    store = open_store(tmp_path / "s.gpkg")
    for code, zh, en in (("sewage", "污水外溢", "Sewage"), ("pole", "电线杆", "Pole"),
                         ("hydrant", "消防栓", "Hydrant"), ("manhole", "井盖", "Manhole")):
        store.add_incident_type(schema.register_type(code, zh, en, existing=store.incident_types()))
    types = store.incident_types()
    user = [types[c] for c in ("sewage", "pole", "hydrant", "manhole")]
    assert [t.color for t in user] == list(schema.TYPE_COLORS[:4])
    assert [t.icon for t in user] == list(schema.TYPE_ICONS[:4])
    builtin = {(t.color, t.icon) for t in schema.BUILTIN_TYPES.values()}
    styles = type_styles(types, list(types), "zh")
    assert len({(s["color"], s["icon"]) for s in styles}) == len(types) == 8  # the map tells all eight apart
    assert not builtin & {(t.color, t.icon) for t in user}


def test_a_freed_colour_is_used_again_and_the_palette_repeats_when_spent():
    taken = {f"t{k:02d}": schema.IncidentType(f"t{k:02d}", "甲", "A", color=c, icon=i)
             for k, (c, i) in enumerate(zip(schema.TYPE_COLORS, schema.TYPE_ICONS, strict=True)) if k != 2}
    assert schema.next_style({**schema.BUILTIN_TYPES, **taken}) == (schema.TYPE_COLORS[2], schema.TYPE_ICONS[2])
    full = {f"t{k:02d}": schema.IncidentType(f"t{k:02d}", "甲", "A", color=c, icon=i)
            for k, (c, i) in enumerate(zip(schema.TYPE_COLORS, schema.TYPE_ICONS, strict=True))}
    assert schema.next_style({**schema.BUILTIN_TYPES, **full}) == (schema.TYPE_COLORS[0], schema.TYPE_ICONS[0])


def test_types_stored_with_the_old_common_style_are_told_apart_when_read(tmp_path):
    import pandas as pd

    store = open_store(tmp_path / "old.gpkg")
    store.write(tables={"incident_types": pd.DataFrame(
        {"code": ["aa", "bb", "cc"], "label_zh": ["甲", "乙", "丙"], "label_en": ["A", "B", "C"], "asset": [0, 0, 1],
         "color": ["#6a3d9a"] * 3, "icon": ["!"] * 3})})
    types = store.incident_types()
    assert len({(types[c].color, types[c].icon) for c in ("aa", "bb", "cc")}) == 3


def test_cli_types_add_sets_and_changes_colour_and_icon(tmp_path, capsys):
    path = str(tmp_path / "s.gpkg")
    assert main(["types", "add", "sewage", "--store", path, "--zh", "污水外溢", "--en", "Sewage"]) == 0
    assert main(["types", "add", "sewage", "--store", path, "--color", "#123ABC", "--icon", "污"]) == 0
    t = open_store(path).incident_types()["sewage"]
    assert (t.label_zh, t.label_en, t.color, t.icon) == ("污水外溢", "Sewage", "#123abc", "污")  # labels kept
    assert capsys.readouterr().out.splitlines()[-1].split("\t") == ["sewage", "污水外溢", "Sewage", "event", "#123abc", "污"]


@pytest.mark.parametrize(("args", "says", "hint"), [
    (["--zh", "甲", "--en", "A", "--color", "red"], "is not a #rrggbb colour", "--color '#009e73'"),
    (["--zh", "甲", "--en", "A", "--icon", "abc"], "cannot be used", "one or two printable"),
    (["--zh", "甲"], "needs both a Chinese and an English label", "--en"),
])
def test_cli_types_add_refuses_bad_values_with_a_hint(tmp_path, capsys, args, says, hint):
    assert main(["types", "add", "sewage", "--store", str(tmp_path / "s.gpkg"), *args]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and err[0].startswith("error:") and says in err[0]
    assert err[1].startswith("hint:") and hint in err[1]


def test_register_type_refuses_built_in_codes_in_both_languages():
    with pytest.raises(OptionError) as info:
        schema.register_type("flooding", "积水", "Flood")
    assert info.value.localized("zh")[0] == "事件类型 flooding 是内置类型，不能重新定义。"


def test_the_incident_layer_draws_four_user_types_apart(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    from layers.incidents import incident_layer

    store = open_store(tmp_path / "s.gpkg")
    codes = ("sewage", "pole", "hydrant", "manhole")
    for code in codes:
        store.add_incident_type(schema.register_type(code, f"{code}甲", code.title(), existing=store.incident_types()))
    types = store.incident_types()
    inc = gpd.GeoDataFrame(
        {"incident_id": [f"I{k}" for k in range(4)], "type": list(codes), "status": ["reported"] * 4,
         "severity": [None] * 4, "reported_at": [None] * 4, "depth_cm": [float("nan")] * 4,
         "description": [None] * 4, "grid_id": [None] * 4, "building_id": [None] * 4},
        geometry=[Point(114.4 + k * 0.001, 30.5) for k in range(4)], crs=schema.STORAGE_CRS)
    group = incident_layer(inc, types, lang="zh")
    payload = next(c for c in group._children.values() if hasattr(c, "payload")).payload  # folium's children
    drawn = {(s["code"], s["color"], s["icon"]) for s in payload["types"]}
    assert len({(c, i) for _, c, i in drawn}) == 4 and {c for c, _, _ in drawn} == set(codes)
    legend = {tuple(item) for item in payload["legend"]["items"]}
    assert len({(c, g) for c, _, g in legend}) == 8  # four built-in, four user types, all apart
