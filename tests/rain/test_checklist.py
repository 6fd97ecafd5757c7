"""Checklist data: what each level lists, patrol order, header, roles."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
import pytest

from geo.access import User
from geo.errors import UnknownIdError
from geo.rain.checklist import ITEM_COLUMNS, LOCAL_TZ, build_checklists

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="module")
def layers(make_layers: Any) -> dict:
    return make_layers()


def grates_of(layers: dict, grid: str) -> set[str]:
    inc = layers["incidents"]
    return set(inc.loc[(inc["type"] == "drain_grate") & (inc["grid_id"] == grid), "incident_id"])


class TestLevels:
    def test_red_lists_every_grate_once(self, layers: dict) -> None:
        for cl in build_checklists(layers, "red", now=NOW):
            ids = cl.section("grate")["item_id"]
            assert ids.is_unique and set(ids) == grates_of(layers, cl.header["grid_id"])

    def test_blue_lists_troubled_grates_and_flooding_only(self, layers: dict) -> None:
        g1, g2 = build_checklists(layers, "blue", now=NOW)
        assert set(g1.section("grate")["item_id"]) == {"R003", "R007", "R020"}
        assert set(g1.items["section"]) <= {"grate", "flooding"}
        assert list(g2.section("flooding")["item_id"]) == ["F2"]

    def test_history_of_blockage_counts(self, layers: dict) -> None:
        history = pd.DataFrame({"section": ["grate"], "item_id": ["R001"], "result": ["cleared"]})
        g1 = build_checklists(layers, "blue", grid_ids=["G1"], now=NOW, history=history)[0]
        assert "R001" in set(g1.section("grate")["item_id"])

    def test_yellow_adds_grates_near_flooding(self, layers: dict) -> None:
        g2 = build_checklists(layers, "yellow", grid_ids=["G2"], now=NOW)[0]
        ids = set(g2.section("grate")["item_id"])
        assert {"R013", "R014"} <= ids  # on y=10 within 100 m of F2 (310, 20)
        assert set(g2.section("wire")["item_id"]) == {"W2"}

    def test_red_units_and_vulnerable(self, layers: dict) -> None:
        g1 = build_checklists(layers, "red", grid_ids=["G1"], now=NOW)[0]
        assert len(g1.section("unit_light")) == len(g1.section("unit_drain")) == 12  # 6 buildings x 2 units
        vul = g1.section("vulnerable")
        b = layers["buildings"]
        assert set(vul["item_id"]) == set(b.loc[(b["grid_id"] == "G1") & (b["elderly_alone"] >= 1), "building_id"])

    def test_resolved_wires_are_not_listed(self, layers: dict) -> None:
        g2 = build_checklists(layers, "red", grid_ids=["G2"], now=NOW)[0]
        assert "W3" not in set(g2.section("wire")["item_id"])


class TestLayout:
    def test_columns_and_numbering(self, layers: dict) -> None:
        cl = build_checklists(layers, "red", grid_ids=["G1"], now=NOW)[0]
        assert tuple(cl.items.columns) == ITEM_COLUMNS
        g = cl.section("grate")
        assert list(g["no"]) == list(range(1, len(g) + 1)) == list(g["stop"])

    def test_location_hint_names_building_and_street(self, layers: dict) -> None:
        g = build_checklists(layers, "red", grid_ids=["G1"], now=NOW)[0].section("grate")
        first = g.set_index("item_id").loc["R001", "where"]
        assert first == "近1栋 · 南环路"

    def test_header(self, layers: dict) -> None:
        h = build_checklists(layers, "orange", grid_ids=["G2"], now=NOW, inspector="张三")[0].header
        assert h["grid_name"] == "第二网格" and h["worker"] == "李强" and h["phone"] == "13800000002"
        assert h["level_zh"] == "暴雨橙色预警" and h["generated_at"] == "2026-07-01 18:30"
        assert h["inspector"] == "张三" and h["checklist_id"].startswith("G2-orange-202607011830-")

    def test_viewer_sees_people_masked(self, layers: dict) -> None:
        cl = build_checklists(layers, "red", grid_ids=["G1"], now=NOW, user=User(name="v", role="viewer"))[0]
        assert cl.header["made_for"] == "制作对象：只读用户 v（姓名和电话已遮蔽）"
        assert cl.header["phone"] == "138****0001"
        assert not cl.items["contact"].str.contains("13900000").any()

    def test_grid_worker_sees_own_grid_only(self, layers: dict) -> None:
        mine, other = (build_checklists(layers, "red", grid_ids=["G1"], now=NOW,
                                        user=User(name="w", role="grid_worker", grids=frozenset({g})))[0]
                       for g in ("G1", "G2"))
        assert mine.header["phone"] == "13800000001" and other.header["phone"] == "138****0001"
        assert mine.items["contact"].str.contains("13900000").any()
        assert not other.items["contact"].str.contains("13900000").any()

    def test_unknown_grid(self, layers: dict) -> None:
        with pytest.raises(UnknownIdError, match="G7"):
            build_checklists(layers, "red", grid_ids=["G7"])

    def test_progress_called_per_grid(self, layers: dict) -> None:
        calls: list[tuple[int, int]] = []
        build_checklists(layers, "blue", progress=lambda d, t: calls.append((d, t)))
        assert calls == [(1, 2), (2, 2)]

    def test_unjoined_layers_are_joined(self, layers: dict) -> None:
        raw = {k: v.copy() for k, v in layers.items()}
        raw["incidents"]["grid_id"] = None
        raw["buildings"]["grid_id"] = None
        cl = build_checklists(raw, "red", now=NOW)
        assert sum(len(c.section("grate")) for c in cl) == len(grates_of(layers, "G1") | grates_of(layers, "G2"))


def test_parallel_build_equals_serial(layers: dict) -> None:
    raw = {k: v.copy() for k, v in layers.items()}
    grids = raw["grids"]
    many = grids.loc[grids.index.repeat(5)].reset_index(drop=True)  # 10 grids (5 copies of each)
    many["grid_id"] = [f"{g}-{k}" for k, g in enumerate(many["grid_id"])]
    raw["grids"] = many.set_geometry("geometry")
    raw["buildings"]["grid_id"] = None  # re-join onto the copies
    raw["incidents"]["grid_id"] = None
    serial = build_checklists(raw, "red", now=NOW)
    parallel = build_checklists(raw, "red", now=NOW, workers=2)
    assert [c.header for c in serial] == [c.header for c in parallel]
    # the same things to check in each grid; the walking order may differ
    # between two runs of the time-boxed solver on a busy machine
    def content(items: pd.DataFrame) -> pd.DataFrame:
        return items.drop(columns=["no", "stop"]).sort_values(["section", "item_id"]).reset_index(drop=True)

    for a, b in zip(serial, parallel, strict=True):
        pd.testing.assert_frame_equal(content(a.items), content(b.items), check_like=True)
