"""layers/select.py: filters, search and view bounds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from geo import schema
from layers.select import Filters, filter_incidents, local_times, report_days, search, view_bounds


class TestSelect:
    def test_local_times(self):
        s = pd.Series(["2026-07-01T00:30:00Z", "2026-07-01T08:00:00", None, "nonsense"])
        got = local_times(s)
        assert got[0] == pd.Timestamp("2026-07-01 08:30") and got[1] == pd.Timestamp("2026-07-01 08:00")
        assert got[2:].isna().all()

    @pytest.mark.parametrize("times", [
        ["2026-05-15T17:48:23+08:00", "2025-06-10T00:22:47+08:00", None, "2026-11-14T23:58:16+08:00"],
        ["2026-01-01T23:30:00Z", "2026-01-02T01:00:00Z"],  # one offset, not China's: the dates move
        ["2026-01-01T23:30:00+08:00", "2026-01-05T01:00:00+09:00"],  # two offsets: text order is not time order
        ["2026-13-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00", "2026-02-03T00:00:00+08:00"],  # no 13th month
        ["2026-01-01 10:00", "2026-03-01 10:00", None, float("nan")],  # no offset: local already
        ["2026-01-01T10:00:00.5+08:00", "2026-01-01T10:00:00.25+08:00", "2025-12-31T17:00:00.75+00:00"],
        ["2026-01-01", "2026-02-01"], ["nonsense", "2026-02-01T08:00:00+08:00"], ["x", None], [None], [],
        [5, "2026-01-01T00:00:00+08:00"], ["２０２６-01-01T00:00:00+08:00", "2026-01-01T00:00:00+08:00"],
    ])
    def test_report_days_are_those_of_every_time_read(self, times):
        """The first and last text of one shape stand for the first and last time; any other input is read whole."""
        frame = pd.DataFrame({"reported_at": pd.Series(times, dtype=object)})
        read = local_times(frame["reported_at"]).dropna()
        assert report_days(frame) == ((read.min().date(), read.max().date()) if len(read) else None)

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
