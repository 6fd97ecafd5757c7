"""Per-grid figures: every incident counted once, empty grids and layers."""

from __future__ import annotations

import geopandas as gpd
import pytest

from geo.join import join_layers
from geo.summary import grid_summary


def _joined(grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    return join_layers({"grids": grids, "buildings": buildings, "incidents": incidents})


class TestSummary:
    def test_counts_every_incident_once(self, make_buildings, make_grids, make_incidents) -> None:
        layers = _joined(make_grids(), make_buildings(), make_incidents())
        s = grid_summary(layers["grids"], layers["buildings"], layers["incidents"])
        assert s["grid_id"].tolist() == ["G1", "G2", "G3", ""]
        assert s["incidents"].sum() == 4
        assert s.set_index("grid_id").loc["", "incidents"] == 1
        g1 = s.set_index("grid_id").loc["G1"]
        assert g1["buildings"] == 1 and g1["households"] == 24 and g1["n_drain_grate"] == 1 and g1["n_flooding"] == 1
        assert g1["open_incidents"] == 2
        assert g1["area_km2"] == pytest.approx(0.0959 * 0.1109, rel=0.02)
        assert g1["incidents_per_100_households"] == pytest.approx(200 / 24, rel=1e-3)

    def test_empty_grid_and_empty_layers(self, make_buildings, make_grids, make_incidents) -> None:
        layers = _joined(make_grids(), make_buildings(), make_incidents())
        s = grid_summary(layers["grids"], layers["buildings"].iloc[:0], layers["incidents"].iloc[:0])
        assert (s["incidents"] == 0).all() and s["incidents_per_100_households"].isna().all()

    def test_type_and_status_columns_count_what_is_there(self, make_buildings, make_grids, make_incidents) -> None:
        """Types and statuses of a store's own (or missing) each count where their incidents are, once."""
        layers = _joined(make_grids(), make_buildings(), make_incidents())
        inc = layers["incidents"].copy()
        inc["type"] = ["flooding", None, "own_code", "flooding"][: len(inc)]
        inc["status"] = ["reported", "closed", None, "weird"][: len(inc)]
        s = grid_summary(layers["grids"], layers["buildings"], inc).set_index("grid_id")
        for code in ("flooding", "own_code"):
            expected = inc[inc["type"] == code].groupby(inc["grid_id"].fillna("")).size()
            assert s[f"n_{code}"].sum() == (inc["type"] == code).sum()
            assert (s[f"n_{code}"].reindex(expected.index) == expected).all()
        assert s["n_status_weird"].sum() == 1 and s["n_status_reported"].sum() == 1
        assert s["open_incidents"].sum() == (inc["status"] == "reported").sum()
        assert not any(c in s.columns for c in ("n_None", "n_status_None", "n_nan"))
