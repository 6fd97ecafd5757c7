"""layers/select.py: filters, search and view bounds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo import schema
from layers.select import Filters, filter_incidents, local_times, search, view_bounds


class TestSelect:
    def test_local_times(self):
        s = pd.Series(["2026-07-01T00:30:00Z", "2026-07-01T08:00:00", None, "nonsense"])
        got = local_times(s)
        assert got[0] == pd.Timestamp("2026-07-01 08:30") and got[1] == pd.Timestamp("2026-07-01 08:00")
        assert got[2:].isna().all()

    def test_filters(self, map_layers):
        inc = map_layers[schema.INCIDENTS]
        assert len(filter_incidents(inc, Filters())) == len(inc)
        assert set(filter_incidents(inc, Filters(grids=("G1",)))["grid_id"]) == {"G1"}
        assert filter_incidents(inc, Filters(grids=("",)))["incident_id"].tolist() == ["I999"]
        assert set(filter_incidents(inc, Filters(types=("flooding",), statuses=("reported",)))["incident_id"]) == {
            "I004", "I010", "I016", "I999"}
        june = filter_incidents(inc, Filters(date_from=date(2026, 6, 1), date_to=date(2026, 6, 30)))
        assert len(june) == 6 and june["reported_at"].str.startswith("2026-06").all()

    def test_case_views(self, map_layers):
        inc = map_layers[schema.INCIDENTS].copy()
        inc.loc[inc["incident_id"] == "I006", "status"] = "assigned"  # a legacy status reads as its stage
        open_ = filter_incidents(inc, Filters(cases="open"))
        assert set(open_["status"]) == {"reported", "blocked", "damaged", "dispatched", "assigned"}
        assert len(open_) == (inc["status"].isin(["reported", "blocked", "damaged", "dispatched", "assigned"])).sum()
        dispatched = filter_incidents(inc, Filters(cases="dispatched"))
        assert "I006" in set(dispatched["incident_id"]) and set(dispatched["status"]) == {"dispatched", "assigned"}
        states = pd.Series("", index=inc.index, dtype=object)
        states[inc["incident_id"].isin(["I004", "I999"])] = "overdue"
        late = filter_incidents(inc, Filters(cases="overdue"), states=states)
        assert sorted(late["incident_id"]) == ["I004", "I999"]
        assert filter_incidents(inc, Filters(cases="overdue")).empty  # no clocks given: nothing is known overdue

    def test_search_exact_first(self, map_layers):
        layers = map_layers
        hits = search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "b1")
        assert [h.id for h in hits][:3] == ["B11", "B12", "B13"]
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "I999")[0].kind == "incident"
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "  ") == []
        assert search(layers[schema.BUILDINGS], layers[schema.INCIDENTS], "<img")[0].id == "B11"

    def test_view_bounds(self, map_layers):
        (s, w), (n, e) = view_bounds(map_layers[schema.GRIDS])
        assert (s, w, n, e) == pytest.approx((30.5, 114.4, 30.504, 114.412))
        assert view_bounds(map_layers[schema.GRIDS].iloc[:0]) is None
