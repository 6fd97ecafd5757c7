"""Choosing the points of a patrol: grids, types and statuses."""

from __future__ import annotations

from collections.abc import Callable

import geopandas as gpd
import pytest

from geo.errors import OptionError, UnknownIdError
from geo.routing.points import select_points


class TestSelectPoints:
    def test_filters(self, make_points: Callable[..., gpd.GeoDataFrame]) -> None:
        pts = make_points([(0, 0), (1, 0), (2, 0), (3, 0)], types=["drain_grate", "flooding", "drain_grate", "drain_grate"],
                     grids=["G1", "G1", "G2", "G1"])  # fmt: skip
        pts.loc[3, "status"] = "blocked"
        assert select_points(pts, grids=["G1"], types=["drain_grate"])["incident_id"].tolist() == ["P00", "P03"]
        assert select_points(pts, grids=[], types=[], statuses=["blocked"])["incident_id"].tolist() == ["P03"]
        assert len(select_points(pts, grids=[], types=[])) == 4

    def test_unknown_and_empty(self, make_points: Callable[..., gpd.GeoDataFrame]) -> None:
        pts = make_points([(0, 0)])
        with pytest.raises(UnknownIdError, match="G9"):
            select_points(pts, grids=["G9"], types=[])
        with pytest.raises(UnknownIdError, match="Choose from: drain_grate"):
            select_points(pts, grids=[], types=["nope"])
        with pytest.raises(OptionError, match="No incident matches"):
            select_points(pts, grids=[], types=[], statuses=["missing"])
