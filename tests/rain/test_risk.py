"""Flood-risk score: explainable parts, ranking, grids."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from geo.errors import SchemaError
from geo.rain.risk import PARTS, RiskWeights, building_risk, grid_risk, ranking


@pytest.fixture(scope="module")
def layers(make_layers: Any) -> dict:
    return make_layers()


@pytest.fixture(scope="module")
def scores(layers: dict) -> pd.DataFrame:
    return building_risk(layers["buildings"], layers["incidents"])


class TestBuildingRisk:
    def test_keeps_index_and_length(self, layers: dict, scores: pd.DataFrame) -> None:
        assert scores.index.equals(layers["buildings"].index)
        assert list(scores["building_id"]) == list(layers["buildings"]["building_id"])

    def test_parts_sum_to_score(self, scores: pd.DataFrame) -> None:
        parts = scores[[f"pts_{p}" for p in PARTS]].sum(axis=1)
        np.testing.assert_allclose(parts, scores["score"], atol=0.05)
        assert scores["score"].between(0, 100).all()

    def test_counts_are_what_the_fixture_says(self, scores: pd.DataFrame) -> None:
        by_id = scores.set_index("building_id")
        # B12 (x 340-380, y 130-144) is > 100 m from both flooding points
        assert by_id.loc["B12", "n_flooding"] == 0
        # B03 (x 140-180, y 30-44) is 20 m from R007 (damaged, x=162 y=10)
        assert by_id.loc["B03", "n_bad_grates"] >= 1
        assert bool(by_id.loc["B03", "basement"]) and by_id.loc["B03", "pts_basement"] == 20
        # W3 is resolved: it does not count
        assert by_id.loc["B11", "n_wires"] == 0

    def test_saturation(self, layers: dict) -> None:
        w = RiskWeights(flooding_full=1)
        s = building_risk(layers["buildings"], layers["incidents"], weights=w)
        assert s.loc[s["n_flooding"] >= 1, "pts_flooding"].eq(w.flooding).all()

    def test_rank_one_is_highest(self, scores: pd.DataFrame) -> None:
        top = ranking(scores, 1).iloc[0]
        assert top["rank"] == 1 and top["score"] == scores["score"].max()

    def test_no_incidents(self, layers: dict) -> None:
        s = building_risk(layers["buildings"], layers["incidents"].iloc[0:0])
        assert (s["n_flooding"] == 0).all() and len(s) == len(layers["buildings"])

    def test_missing_column_is_reported(self, layers: dict) -> None:
        with pytest.raises(SchemaError, match="basement"):
            building_risk(layers["buildings"].drop(columns=["basement"]), layers["incidents"])


class TestGridRisk:
    def test_grid_parts_are_means(self, scores: pd.DataFrame, layers: dict) -> None:
        grids = grid_risk(scores, layers["grids"])
        assert list(grids["grid_id"]) == ["G1", "G2"]  # G1 holds the blocked grates
        g1 = grids.set_index("grid_id").loc["G1"]
        assert g1["pts_basement"] == pytest.approx(scores.loc[scores["grid_id"] == "G1", "pts_basement"].mean(), abs=0.05)
        assert g1["buildings"] == 6

    def test_grid_without_buildings_is_listed(self, scores: pd.DataFrame, layers: dict) -> None:
        grids = layers["grids"].copy()
        extra = grids.iloc[[0]].assign(grid_id="G9", name="空网格")
        out = grid_risk(scores, pd.concat([grids, extra]))
        row = out.set_index("grid_id").loc["G9"]
        assert row["buildings"] == 0 and row["score"] == 0


class TestDisplay:
    def test_parts_are_shown_with_readable_headings(self, scores: pd.DataFrame) -> None:
        from geo.rain.risk import display_table

        zh = display_table(ranking(scores, 5))
        assert list(zh.columns[:4]) == ["排名", "楼栋编号", "网格", "名称"]
        for heading in ("积水记录分", "篦子分", "地下室分", "独居老人分", "飞线分", "风险得分", "附近积水记录(处)"):
            assert heading in zh.columns
        assert "score" in display_table(scores, "en").columns

    @pytest.mark.parametrize(("score", "k"), [(0, 0), (20, 0), (20.1, 1), (59.9, 2), (80, 3), (100, 4)])
    def test_risk_class(self, score: float, k: int) -> None:
        from geo.rain.risk import risk_class

        assert risk_class(score) == k
