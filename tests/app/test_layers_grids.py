"""layers/grids.py: the grid layer, its classes and its legend."""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo import schema
from layers.grids import classify, grid_layer, legend, selection_layer


class TestGrids:
    def test_classify_counts_and_missing(self):
        cls, breaks = classify(pd.Series([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, None]))
        assert cls[-1] == -1 and cls[0] == 0 and cls[9] == len(breaks) - 1
        assert all(b == round(b) for b in breaks)
        assert (np.diff(cls[:-1]) >= 0).all()

    def test_choropleth_by_figure_with_legend(self, map_layers, payload_of):
        layers = map_layers
        summary = pd.DataFrame({"grid_id": ["G1", "G2", "G3"], "open_incidents": [1, 5, np.nan]})
        p = payload_of(grid_layer(layers[schema.GRIDS], summary, figure="open_incidents", lang="en"))
        assert p["kind"] == "grid" and p["id"] == ["G1", "G2", "G3"]
        assert p["pal"][p["ci"][2]] == "#d9d9d9"  # no data
        assert p["pal"][p["ci"][0]] != p["pal"][p["ci"][1]]
        assert p["legend"]["title"] == "Open incidents" and p["legend"]["items"][-1][1] == "No data"
        assert len(p["labels"]["x"]) == 3

    def test_outlines_only(self, map_layers, payload_of):
        p = payload_of(grid_layer(map_layers[schema.GRIDS], None, figure=None))
        assert "legend" not in p and "ci" not in p

    def test_selection_is_not_clickable(self, map_layers, payload_of):
        p = payload_of(selection_layer(map_layers[schema.GRIDS].geometry.iloc[:1]))
        assert p["interactive"] is False


def test_count_legend_ranges_do_not_overlap():
    items = [label for _, label in legend("open_incidents", [18, 20, 25, 26], "zh", False, True)["items"]]
    assert items == ["≤ 18", "19 – 20", "21 – 25", "26"]
    items = [label for _, label in legend("incidents_per_km2", [1.5, 3.25], "en", True)["items"]]
    assert items == ["≤ 1.5", "> 1.5 – 3.2", "No data"]
