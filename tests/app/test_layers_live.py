"""layers.live: a view's answer at each level counts every filtered incident exactly once."""

from __future__ import annotations

import numpy as np
import pytest

from geo import demo, mapview
from geo.join import join_layers
from geo.summary import grid_summary
from layers.live import LiveSource

ALL = frozenset({"grids", "buildings", "incidents"})


@pytest.fixture(scope="module")
def source() -> LiveSource:
    layers = join_layers(demo.make_city(9, grids=80, buildings=1500, incidents=20_000))
    idx = mapview.build_index(layers["grids"], layers["buildings"], layers["incidents"])
    mask = (idx.incidents["type"] != "drain_grate").to_numpy()
    summ = grid_summary(layers["grids"], layers["buildings"], idx.incidents[mask])
    return LiveSource(index=idx, mask=mask, types={}, lang="zh", figure="open_incidents", summary=summ,
                      visible=ALL, people={"grid": {}, "building": {}, "worker": {}, "head": {}})


def _bbox(src: LiveSource) -> tuple[float, float, float, float]:
    w, s, e, n = src.index.grids.total_bounds
    return float(w), float(s), float(e), float(n)


def test_city_answer_counts_every_filtered_incident(source: LiveSource) -> None:
    ans = source.answer(_bbox(source), 11)
    assert ans["level"] == "community"
    assert ans["total"] == sum(m["n"] for m in ans["marks"]) == int(source.mask.sum()) == ans["all"]
    assert [f for f, _ in ans["layers"]] == ["polygons", "bubbles"]


def test_grid_answer_matches_per_grid_counts(source: LiveSource) -> None:
    w, s, e, n = _bbox(source)
    ans = source.answer((w, s, (w + e) / 2, (s + n) / 2), 15)
    assert ans["level"] == "grid"
    inc = source.index.incidents[source.mask]
    per = inc["grid_id"].astype(str).value_counts()
    for mark in ans["marks"]:
        if mark["kind"] == "grid":
            assert mark["n"] == per[mark["id"]]


def test_point_answer_holds_exactly_the_points_of_its_extent(source: LiveSource) -> None:
    g = source.index.grids.geometry.iloc[10].centroid
    ans = source.answer((g.x - 0.002, g.y - 0.0015, g.x + 0.002, g.y + 0.0015), 18)
    assert ans["level"] == "point"
    w, s, e, n = ans["extent"]
    idx = source.index
    inside = source.mask & (idx.px >= w) & (idx.px <= e) & (idx.py >= s) & (idx.py <= n)
    assert ans["points"] == int(inside.sum()) > 0
    points = dict(ans["layers"])["points"]
    assert len(points["x"]) == ans["points"]


def test_nothing_in_view(source: LiveSource) -> None:
    ans = source.answer((0.0, 0.0, 0.01, 0.01), 15)
    assert ans["total"] == 0 and ans["marks"] == []
    assert np.isfinite(ans["extent"]).all()
