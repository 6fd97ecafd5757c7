"""geo.mapview: levels, exact merging of marks and per-unit counts, on a generated city."""

from __future__ import annotations

import numpy as np
import pytest

from geo import demo, mapview
from geo.join import join_layers


@pytest.fixture(scope="module")
def city() -> dict:
    return join_layers(demo.make_city(5, grids=60, buildings=600, incidents=5000))


def test_levels_by_zoom() -> None:
    assert mapview.level_of(11) == mapview.level_of(mapview.COMMUNITY_MAX_ZOOM) == "community"
    assert mapview.level_of(mapview.COMMUNITY_MAX_ZOOM + 1) == "grid"
    assert mapview.level_of(mapview.POINT_MIN_ZOOM) == "point"


def test_declutter_is_exact_and_spaced() -> None:
    rng = np.random.default_rng(3)
    x, y = 114.3 + rng.random(500) * 0.05, 30.5 + rng.random(500) * 0.05
    w = rng.integers(1, 100, 500)
    marks = mapview.declutter(x, y, w, 13)
    members = np.concatenate(marks.members)
    assert sorted(members.tolist()) == list(range(500))  # every mark in exactly one
    assert sum(int(w[m].sum()) for m in marks.members) == int(w.sum())
    px, py = mapview.pixels(marks.x, marks.y, 13)
    d = np.hypot(px[:, None] - px[None, :], py[:, None] - py[None, :]) + np.eye(len(px)) * 1e9
    assert d.min() >= mapview.MARK_PX


def test_declutter_of_nothing_and_one() -> None:
    assert mapview.declutter(np.zeros(0), np.zeros(0), np.zeros(0), 12).members == []
    one = mapview.declutter(np.array([114.3]), np.array([30.5]), np.array([7]), 12)
    assert [m.tolist() for m in one.members] == [[0]]


def test_counts_add_up_to_the_store(city: dict) -> None:
    idx = mapview.build_index(city["grids"], city["buildings"], city["incidents"])
    mask = np.ones(len(idx.incidents), dtype=bool)
    per_grid = mapview.unit_counts(idx.inc_grid, len(idx.grid), mask)
    per_comm = mapview.unit_counts(idx.inc_community, len(idx.community), mask)
    outside = int((idx.inc_grid < 0).sum())
    assert per_grid.sum() + outside == per_comm.sum() + outside == len(city["incidents"])
    expected = city["incidents"]["grid_id"].astype(str).value_counts()
    for gid, n in zip(idx.grid.ids, per_grid, strict=True):
        assert n == expected.get(gid, 0)


def test_positions_follow_the_index(city: dict) -> None:
    idx = mapview.build_index(city["grids"], city["buildings"], city["incidents"])
    shown = city["incidents"][city["incidents"]["type"] == "flooding"]
    mask = idx.positions(shown.index)
    assert mask.sum() == len(shown)
    assert (idx.incidents.loc[mask, "type"] == "flooding").all()
