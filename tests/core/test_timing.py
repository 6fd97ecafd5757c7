"""geo.cases.timing and geo.cases.calendar: the work calendar, time limits, and the state of each case's clock."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import settings as gw_settings
from geo.cases import timing
from geo.cases.calendar import EPOCH, WorkCalendar, iso_text, to_instants
from geo.errors import OptionError

CAL = WorkCalendar()
H = 3600.0


def at(text: str) -> str:
    """``2026-10-09 16:30`` as stored: ISO 8601, +08:00."""
    return text.replace(" ", "T") + ":00+08:00"


@pytest.fixture(scope="module")
def limits() -> timing.Limits:
    return timing.load_limits(timing.SHIPPED)


# ---- the work calendar -----------------------------------------------------------


@pytest.mark.parametrize(("day", "works"), [
    ("2026-09-30", True),  # Wednesday before National Day
    *((f"2026-10-0{d}", False) for d in range(1, 8)),  # National Day, 10-01..10-07
    ("2026-10-08", True),
    ("2026-10-10", True),  # a Saturday, the make-up working day (调休)
    ("2026-10-11", False),  # a plain Sunday
    ("2026-10-17", False),  # a plain Saturday
    ("2026-02-14", True),  # a Saturday made up for the Spring Festival
    ("2026-02-16", False),  # Spring Festival, a Monday
    ("2027-01-01", True),  # past the official data (2026): weekends only
    ("2027-01-02", False),
])
def test_official_holidays_and_make_up_days(day: str, works: bool) -> None:
    assert CAL.is_workday(day) is works


def test_without_official_data_holidays_are_plain_weekdays() -> None:
    cal = WorkCalendar(official=False)
    assert cal.is_workday("2026-10-01") and not cal.is_workday("2026-10-10")


def test_own_days_win_over_the_official_ones() -> None:
    cal = WorkCalendar(holidays=("2027-01-01", "2026-10-10"), workdays=("2026-10-03",))
    assert not cal.is_workday("2027-01-01")
    assert not cal.is_workday("2026-10-10")
    assert cal.is_workday("2026-10-03")


@pytest.mark.parametrize(("start", "hours", "deadline"), [
    ("2026-10-08 08:30", 3.5, "2026-10-08 12:00"),  # ends exactly at noon: stays at 12:00
    ("2026-10-08 13:30", 4.0, "2026-10-08 17:30"),  # ends exactly at 17:30: not the next morning
    ("2026-10-08 08:30", 7.5, "2026-10-08 17:30"),
    ("2026-10-08 11:00", 1.5, "2026-10-08 14:00"),  # across lunch
    ("2026-10-08 12:15", 1.0, "2026-10-08 14:30"),  # starting at lunch
    ("2026-10-08 22:00", 1.0, "2026-10-09 09:30"),  # starting at night
    ("2026-10-09 06:00", 0.5, "2026-10-09 09:00"),  # before work
    ("2026-10-09 17:00", 1.0, "2026-10-10 09:00"),  # Friday evening -> the make-up Saturday
    ("2026-10-16 17:00", 1.0, "2026-10-19 09:00"),  # Friday evening -> Monday, over a plain weekend
    ("2026-10-17 10:00", 1.0, "2026-10-19 09:30"),  # starting on a Saturday
    ("2026-10-03 10:00", 1.0, "2026-10-08 09:30"),  # starting on a holiday
    ("2026-09-30 16:30", 2.0, "2026-10-08 09:30"),  # over the whole National Day holiday
    ("2026-12-31 17:00", 1.0, "2027-01-01 09:00"),  # into a year the official data does not know
])
def test_deadlines_on_the_working_clock(start: str, hours: float, deadline: str) -> None:
    assert CAL.add_working(at(start), hours * H) == at(deadline)


def test_twenty_two_and_a_half_hours_are_three_working_days() -> None:
    # Thursday 10-08, Friday 10-09, the make-up Saturday 10-10: done at 17:30 on Saturday
    assert CAL.add_working(at("2026-10-08 08:30"), 22.5 * H) == at("2026-10-10 17:30")


def test_working_seconds_are_exact_at_period_boundaries() -> None:
    w = CAL.working_seconds([at("2026-10-08 08:30"), at("2026-10-08 12:00"), at("2026-10-08 13:30"),
                             at("2026-10-08 17:30"), at("2026-10-09 08:30"), at("2026-10-08 10:00")])
    assert w[1] - w[0] == 3.5 * H
    assert w[2] == w[1]
    assert w[3] - w[2] == 4 * H
    assert w[4] == w[3]
    assert w[5] - w[0] == 1.5 * H
    assert w.dtype == np.float64


def test_working_seconds_of_missing_times_are_nan_and_keep_the_shape() -> None:
    w = CAL.working_seconds(np.array([[at("2026-10-08 09:00"), None], ["not a time", np.nan]], dtype=object))
    assert w.shape == (2, 2)
    assert np.isfinite(w[0, 0]) and np.isnan(w[0, 1]) and np.isnan(w[1]).all()


def test_times_without_an_offset_are_china_standard_time() -> None:
    naive, utc, cst = to_instants(["2026-10-08T09:00:00", "2026-10-08T01:00:00Z", at("2026-10-08 09:00")])
    assert naive == utc == cst
    assert iso_text(cst) == at("2026-10-08 09:00")


def test_measure_a_pause() -> None:
    natural, working = CAL.measure(at("2026-10-16 17:00"), at("2026-10-19 09:00"))
    assert natural == 64 * H
    assert working == 1 * H
    assert CAL.measure(at("2026-10-19 09:00"), at("2026-10-16 17:00")) == (0.0, 0.0)


def test_add_working_vectorised_with_missing_starts() -> None:
    out = CAL.add_working([at("2026-10-08 11:00"), None], np.array([H, H]))
    assert list(out) == [at("2026-10-08 12:00"), None]


def test_a_calendar_of_its_own() -> None:
    cal = WorkCalendar(periods=((9 * 3600, 17 * 3600),), weekend=(7,), official=False)
    assert cal.add_working(at("2026-10-17 16:00"), 2 * H) == at("2026-10-19 10:00")  # Saturday works, Sunday not
    assert cal.day_seconds == 8 * 3600


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, 40 * 365 * 86_400), seconds=st.integers(1, 400 * 3600))
def test_add_working_is_the_inverse_of_working_seconds(start: int, seconds: int) -> None:
    begin = float(EPOCH + start)
    end = CAL.add_working_instants(np.array([begin]), float(seconds))[0]
    w0, w1, w_before = CAL.working_seconds(np.array([begin, end, end - 1.0]))
    assert w1 - w0 == pytest.approx(seconds, abs=1e-6)
    assert w_before < w0 + seconds  # the earliest such instant


# ---- the limits ------------------------------------------------------------------


def test_shipped_defaults(limits: timing.Limits) -> None:
    wire, clock = limits.for_case("flying_wire", "urgent")
    assert (wire.handle, clock) == (2.0, "natural")
    assert limits.default_urgency("flying_wire") == "urgent"
    assert limits.for_case("grate_fault", "normal")[0].handle == 4.0
    assert limits.for_case("flooding", None)[0].dispatch == 1.0
    assert limits.default_urgency("flooding") == "urgent"
    ordinary, clock = limits.for_case("noise", None)
    assert clock == "working"
    assert (ordinary.accept, ordinary.dispatch, ordinary.handle, ordinary.check, ordinary.total) == (4, 8, 22.5, 7.5, 37.5)
    assert limits.warning == 0.75
    assert limits.calendar == WorkCalendar()


def test_storm_tightens_only_the_rain_plan_types(limits: timing.Limits) -> None:
    assert limits.storm_types == {"flooding", "flying_wire", "grate_fault"}
    assert limits.for_case("flying_wire", "urgent", storm=True)[0].handle == 1.0
    assert limits.for_case("flooding", "urgent", storm=True)[0].dispatch == 0.5
    assert limits.for_case("noise", "normal", storm=True) == limits.for_case("noise", "normal")


def test_unknown_urgency_takes_the_types_default(limits: timing.Limits) -> None:
    assert limits.for_case("flooding", "sometime") == limits.for_case("flooding", "urgent")


def write(tmp_path: Path, text: str, name: str = "limits.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_users_file_is_layered_key_by_key(tmp_path: Path) -> None:
    path = write(tmp_path, """
warning = 0.8
[calendar]
holidays = ["2027-01-01"]
[types.flooding.urgent]
dispatch = 0.5
[types.noise]
clock = "natural"
[types.noise.urgent]
handle = 3
[storm]
types = ["flooding", "noise"]
[storm.noise]
factor = 0.25
[storm.flooding.urgent]
dispatch = 0.2
""")
    lim = timing.load_limits(path)
    shipped = timing.load_limits(timing.SHIPPED)
    flood = lim.for_case("flooding", "urgent")[0]
    assert flood.dispatch == 0.5
    assert flood.handle == shipped.for_case("flooding", "urgent")[0].handle  # the rest as shipped
    noise, clock = lim.for_case("noise", "urgent")
    assert clock == "natural"
    assert noise.handle == 3 and noise.accept == shipped.default.urgent.accept  # the rest from [default]
    assert lim.warning == 0.8
    assert not lim.calendar.is_workday("2027-01-01")
    assert lim.calendar.periods == shipped.calendar.periods
    assert lim.storm_types == {"flooding", "noise"}
    assert lim.for_case("noise", "urgent", storm=True)[0].handle == 0.75
    storm_flood = lim.for_case("flooding", "urgent", storm=True)[0]
    assert storm_flood.dispatch == 0.2 and storm_flood.handle == flood.handle * 0.5
    assert lim.sources == (str(timing.SHIPPED), str(path))


def test_the_setting_names_the_users_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[types.flying_wire.urgent]\nhandle = 1.5\n")
    monkeypatch.setenv("GRIDWATCH_CASE_LIMITS", str(path))
    gw_settings.current.cache_clear()
    try:
        assert timing.load_limits().for_case("flying_wire", "urgent")[0].handle == 1.5
    finally:
        monkeypatch.delenv("GRIDWATCH_CASE_LIMITS")
        gw_settings.current.cache_clear()
    assert timing.load_limits().for_case("flying_wire", "urgent")[0].handle == 2.0


def test_toml_dates_and_times_are_taken_too(tmp_path: Path) -> None:
    lim = timing.load_limits(write(tmp_path, "[calendar]\nholidays = [2027-01-01]\nperiods = [[09:00:00, 17:00:00]]\n"))
    assert lim.calendar.holidays == ("2027-01-01",)
    assert lim.calendar.periods == ((9 * 3600, 17 * 3600),)


BAD = [
    ("colour = 1", "limits.unknown_key", "文件顶层 中没有 colour", "Allowed: warning, calendar, default, types, storm"),
    ("[types.flooding.urgent]\nhandel = 2", "limits.unknown_key", "[types.flooding.urgent] 中没有 handel",
     "Allowed: accept, dispatch, handle, check, total"),
    ("[calendar]\nweekends = [6]", "limits.unknown_key", "[calendar] 中没有 weekends", "Allowed: official, periods"),
    ("[types.flooding.urgent]\nhandle = 0", "limits.hours", "types.flooding.urgent.handle = 0",
     "a limit must be a number of hours above 0"),
    ("[types.flooding.urgent]\nhandle = -2", "limits.hours", "时限须是大于 0 的小时数", "handle = -2"),
    ("[default.normal]\ncheck = \"4\"", "limits.hours", "default.normal.check = \"4\"", "hours above 0"),
    ("[default.normal]\ncheck = true", "limits.hours", "check = true", "hours above 0"),
    ("[types.flooding]\nclock = \"wall\"", "limits.clock", "未知的计时方式", "unknown clock"),
    ("[types.flooding]\nurgency = \"high\"", "limits.urgency", "未知的紧急程度", "unknown urgency"),
    ("types = 3", "limits.table", "types 应是一个表", "types must be a table"),
    ("[calendar]\nperiods = [[\"8.30\", \"12:00\"]]", "limits.time", "\"8.30\"", "is not a period end as HH:MM"),
    ("[calendar]\nperiods = [[\"08:30\", \"25:00\"]]", "limits.time", "\"25:00\"", "HH:MM"),
    ("[calendar]\nperiods = [\"08:30-12:00\"]", "limits.time", "\"08:30-12:00\"", "HH:MM"),
    ("[calendar]\nperiods = [[\"08:30\", \"14:00\"], [\"13:30\", \"17:30\"]]", "limits.periods", "重叠",
     "overlap or are out of order"),
    ("[calendar]\nperiods = [[\"13:30\", \"17:30\"], [\"08:30\", \"12:00\"]]", "limits.periods", "顺序颠倒",
     "out of order"),
    ("[calendar]\nperiods = [[\"12:00\", \"08:30\"]]", "limits.periods", "工作时段", "out of order"),
    ("[calendar]\nperiods = []", "limits.periods", "为空", "are empty"),
    ("[calendar]\nholidays = [\"2027-13-01\"]", "limits.date", "\"2027-13-01\"", "is not a date as YYYY-MM-DD"),
    ("[calendar]\nworkdays = [\"2027/01/02\"]", "limits.date", "年-月-日", "YYYY-MM-DD"),
    ("[calendar]\nholidays = \"2027-01-01\"", "limits.list", "应是一个列表", "must be a list"),
    ("[calendar]\nweekend = [0, 7]", "limits.weekday", "不是星期几", "is not an ISO weekday"),
    ("[calendar]\nofficial = \"yes\"", "limits.bool", "须是 true 或 false", "must be true or false"),
    ("[calendar]\nholidays = [\"2027-02-06\"]\nworkdays = [\"2027-02-06\"]", "limits.both_days",
     "2027-02-06 同时列为休息日", "listed both as a holiday and as a workday"),
    ("warning = 1.5", "limits.fraction", "warning = 1.5", "above 0 and at most 1"),
    ("[storm]\nfactor = 0", "limits.fraction", "storm.factor = 0", "at most 1"),
    ("[storm]\ntypes = [3]", "limits.type_code", "不是类型代码", "is not a type code"),
    ("[storm.noise]\nfactor = 0.5", "limits.storm_type", "noise 不在 storm.types 中", "is not in storm.types"),
    ("[storm]\nspeed = 2", "limits.unknown_key", "[storm] 中没有 speed", "Allowed: types, factor, [storm.TYPE]"),
    ("[types.flooding\nclock = 1", "limits.not_toml", "第 1 行", "is not a valid TOML file: line 1"),
    ("warning = 0.5\nclock = natural", "limits.not_toml", "第 2 行", "line 2"),
]


@pytest.mark.parametrize(("text", "key", "zh", "en"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_a_bad_file_is_refused_with_a_keyed_message(tmp_path: Path, text: str, key: str, zh: str, en: str) -> None:
    path = write(tmp_path, text + "\n")
    with pytest.raises(OptionError) as err:
        timing.load_limits(path)
    assert err.value.key == key
    message_zh, hint_zh = err.value.localized("zh")
    message_en, hint_en = err.value.localized("en")
    assert str(path) in message_zh and str(path) in message_en
    assert zh in message_zh + hint_zh
    assert en in message_en + " " + hint_en


def test_a_missing_file_and_a_file_that_is_not_text(tmp_path: Path) -> None:
    with pytest.raises(OptionError) as err:
        timing.load_limits(tmp_path / "none.toml")
    assert err.value.key == "limits.file"
    assert "不存在" in err.value.localized("zh")[0]
    path = tmp_path / "bin.toml"
    path.write_bytes(b"warning = 0.5\n\xff\xfe\n")
    with pytest.raises(OptionError) as err:
        timing.load_limits(path)
    assert err.value.key == "limits.not_toml" and "line 2" in str(err.value)


# ---- evaluate --------------------------------------------------------------------


def case(**values: object) -> dict[str, object]:
    row: dict[str, object] = {"type": "noise", "urgency": "normal", "status": "dispatched",
                              "opened_at": at("2026-10-08 08:30"), "step_at": at("2026-10-08 08:30"),
                              "stage_at": at("2026-10-08 08:30"), "paused_s": 0.0, "paused_ws": 0.0,
                              "step_paused_s": 0.0, "step_paused_ws": 0.0, "parked_from": None, "closed_at": None,
                              "reported_at": at("2026-10-08 08:30")}
    row.update(values)
    return row


def one(limits: timing.Limits, now: str, storm: bool = False, **values: object) -> pd.Series:
    return timing.evaluate(pd.DataFrame([case(**values)]), limits, at(now), storm=storm).iloc[0]


def test_the_columns_and_the_index(limits: timing.Limits) -> None:
    frame = pd.DataFrame([case(), case(status="closed", closed_at=at("2026-10-08 10:00"))], index=["A7", "B9"])
    out = timing.evaluate(frame, limits, at("2026-10-08 09:30"))
    assert list(out.columns) == list(timing.COLUMNS)
    assert list(out.index) == ["A7", "B9"]
    assert list(out["state"]) == ["on_time", "ended"]
    empty = timing.evaluate(frame.iloc[:0], limits, at("2026-10-08 09:30"))
    assert list(empty.columns) == list(timing.COLUMNS) and empty.empty


def test_working_clock(limits: timing.Limits) -> None:
    row = one(limits, "2026-10-09 09:30")  # dispatched Thursday 08:30: one working day and an hour later
    assert row["step"] == "handle"
    assert row["step_limit_h"] == 22.5 and row["step_used_h"] == 8.5
    assert row["total_limit_h"] == 37.5 and row["total_used_h"] == 8.5
    assert row["step_deadline"] == at("2026-10-10 17:30")  # the make-up Saturday's end
    assert row["total_deadline"] == at("2026-10-13 17:30")  # Thu, Fri, Sat, Mon, Tue
    assert row["deadline"] == row["step_deadline"]
    assert row["used"] == pytest.approx(8.5 / 22.5)
    assert row["state"] == "on_time"
    assert row["age_h"] == 25.0  # natural hours


def test_natural_clock(limits: timing.Limits) -> None:
    row = one(limits, "2026-10-08 09:30", type="flying_wire", urgency="urgent")
    assert (row["step_limit_h"], row["step_used_h"]) == (2.0, 1.0)
    assert row["step_deadline"] == at("2026-10-08 10:30")
    assert row["total_deadline"] == at("2026-10-08 16:30")
    assert row["state"] == "on_time"
    night = one(limits, "2026-10-08 23:30", type="flying_wire", urgency="urgent", status="reported")
    assert night["step"] == "accept" and night["state"] == "overdue" and night["step_used_h"] == 15.0


@pytest.mark.parametrize(("now", "state"), [
    ("2026-10-08 10:00", "on_time"),
    ("2026-10-08 11:29", "on_time"),
    ("2026-10-08 11:30", "warning"),  # 75% of the 4 h to handle a blocked grate: 3 h used
    ("2026-10-08 12:30", "warning"),  # exactly at the deadline: not yet late
    ("2026-10-08 12:31", "overdue"),
])
def test_warning_and_overdue(limits: timing.Limits, now: str, state: str) -> None:
    row = one(limits, now, type="grate_fault", urgency="normal")
    assert row["state"] == state


def test_overdue_after_hours_on_the_working_clock(limits: timing.Limits) -> None:
    # due at 17:30 (accept: 4 working hours from 13:30); at 20:00 the clock stands still but the deadline has passed
    row = one(limits, "2026-10-08 20:00", status="reported", opened_at=at("2026-10-08 13:30"),
              step_at=at("2026-10-08 13:30"))
    assert row["step_deadline"] == at("2026-10-08 17:30")
    assert row["step_used_h"] == 4.0 and row["used"] == 1.0
    assert row["state"] == "overdue"


def test_pauses_are_taken_off_and_move_the_deadline(limits: timing.Limits) -> None:
    plain = one(limits, "2026-10-09 09:30")
    paused = one(limits, "2026-10-09 09:30", paused_ws=2 * H, step_paused_ws=H, paused_s=50 * H, step_paused_s=40 * H)
    assert paused["step_used_h"] == plain["step_used_h"] - 1
    assert paused["total_used_h"] == plain["total_used_h"] - 2
    assert paused["step_deadline"] == at("2026-10-12 09:30")  # an hour later: the make-up Saturday ended at 17:30
    assert paused["total_deadline"] == at("2026-10-14 10:30")
    natural = one(limits, "2026-10-08 12:30", type="flying_wire", urgency="normal", paused_s=H, step_paused_s=H)
    assert natural["step_used_h"] == 3.0 and natural["step_deadline"] == at("2026-10-09 09:30")


def test_a_parked_case_is_paused_at_the_moment_it_was_parked(limits: timing.Limits) -> None:
    row = one(limits, "2026-11-30 09:00", status="parked", parked_from="dispatched", stage_at=at("2026-10-08 10:30"))
    assert row["state"] == "paused"
    assert row["step"] == "handle"
    assert row["step_used_h"] == 2.0 and row["total_used_h"] == 2.0
    assert row["deadline"] is None and row["step_deadline"] is None
    assert row["age_h"] > 24 * 50  # the age goes on


def test_ended_cases_and_assets(limits: timing.Limits) -> None:
    closed = one(limits, "2026-11-30 09:00", status="closed", closed_at=at("2026-10-08 12:30"))
    assert closed["state"] == "ended" and closed["step"] is None and np.isnan(closed["step_limit_h"])
    assert closed["deadline"] is None and np.isnan(closed["used"])
    assert closed["age_h"] == 4.0
    assert closed["total_used_h"] == 3.5 and closed["total_limit_h"] == 37.5
    grate = timing.evaluate(pd.DataFrame([{"type": "drain_grate", "status": "blocked",
                                           "reported_at": at("2026-10-08 08:30")}]), limits, at("2026-10-09 09:00"))
    row = grate.iloc[0]
    assert row["state"] == "ended"
    assert np.isnan(row["total_limit_h"]) and np.isnan(row["step_limit_h"]) and np.isnan(row["age_h"])
    for stage in ("cancelled", "merged"):
        assert one(limits, "2026-10-09 09:00", status=stage)["state"] == "ended"


def test_legacy_rows_without_case_columns(limits: timing.Limits) -> None:
    frame = pd.DataFrame([
        {"type": "flying_wire", "status": "assigned", "reported_at": at("2026-10-08 08:30")},
        {"type": "flying_wire", "status": "verified", "reported_at": at("2026-10-08 08:30")},
        {"type": "some_user_type", "status": "reported", "reported_at": at("2026-10-08 08:30")},
        {"type": None, "status": "resolved", "reported_at": at("2026-10-08 08:30")},
    ])
    out = timing.evaluate(frame, limits, at("2026-10-08 09:30"))
    assert list(out["step"]) == ["handle", None, "accept", "check"]
    assert list(out["state"]) == ["on_time", "ended", "on_time", "on_time"]
    assert out["step_limit_h"].iloc[0] == 2.0  # urgent: the flying wire's default urgency
    assert out["step_used_h"].iloc[0] == 1.0  # from reported_at
    assert out["step_limit_h"].iloc[2] == 4.0 and out["step_used_h"].iloc[2] == 1.0  # [default], working clock
    assert out["step_limit_h"].iloc[3] == 7.5


def test_step_at_falls_back_to_stage_at_then_opened_at(limits: timing.Limits) -> None:
    row = one(limits, "2026-10-08 11:30", type="flying_wire", urgency="normal", step_at=None,
              stage_at=at("2026-10-08 10:30"))
    assert row["step_used_h"] == 1.0 and row["total_used_h"] == 3.0
    row = one(limits, "2026-10-08 11:30", type="flying_wire", urgency="normal", step_at=None, stage_at=None)
    assert row["step_used_h"] == 3.0


def test_storm_mode_tightens_open_cases_of_its_types(limits: timing.Limits) -> None:
    frame = pd.DataFrame([
        case(type="flying_wire", urgency="urgent"),
        case(type="noise"),
        case(type="flying_wire", urgency="urgent", status="closed", closed_at=at("2026-10-08 09:30")),
    ])
    calm = timing.evaluate(frame, limits, at("2026-10-08 09:45"))
    storm = timing.evaluate(frame, limits, at("2026-10-08 09:45"), storm=True)
    assert list(calm["step_limit_h"].iloc[:2]) == [2.0, 22.5]
    assert list(storm["step_limit_h"].iloc[:2]) == [1.0, 22.5]
    assert storm["state"].iloc[0] == "overdue" and calm["state"].iloc[0] == "on_time"
    assert storm["total_limit_h"].iloc[2] == calm["total_limit_h"].iloc[2] == 8.0  # an ended case keeps its limits


def test_case_late(limits: timing.Limits) -> None:
    wire = case(type="flying_wire", urgency="urgent", geometry=None)
    assert not timing.case_late(wire, limits, at("2026-10-08 10:00"))
    assert timing.case_late(wire, limits, at("2026-10-08 10:31"))
    assert timing.case_late(wire, limits, at("2026-10-08 09:31"), storm=True)


def test_many_rows_at_once(limits: timing.Limits) -> None:
    rng = np.random.default_rng(7)
    n = 2_000
    opened = to_instants(at("2026-09-01 08:00")) + rng.integers(0, 60 * 86_400, n)
    frame = pd.DataFrame({
        "type": rng.choice(["flooding", "flying_wire", "grate_fault", "noise", "drain_grate"], n),
        "urgency": rng.choice(["normal", "urgent", None], n),
        "status": rng.choice(["reported", "accepted", "dispatched", "in_progress", "handled", "closed", "parked",
                              "blocked", "ok", "assigned"], n),
        "opened_at": iso_text(opened), "reported_at": iso_text(opened),
        "step_at": iso_text(opened + rng.integers(0, 86_400, n)),
        "parked_from": "accepted",
    })
    frame["stage_at"] = frame["step_at"]
    out = timing.evaluate(frame, limits, at("2026-11-15 12:00"))
    rows = [timing.evaluate(frame.iloc[[i]], limits, at("2026-11-15 12:00")).iloc[0] for i in range(0, n, 97)]
    for i, row in zip(range(0, n, 97), rows, strict=True):
        pd.testing.assert_series_equal(out.iloc[i], row, check_names=False)
    assert set(out["state"]) <= set(timing.STATES)
    open_rows = out["state"].isin(["on_time", "warning", "overdue"])
    assert (out.loc[open_rows, "deadline"].str.endswith("+08:00")).all()
    assert (out["used"][open_rows] >= 0).all()


def test_a_case_through_the_workflow(limits: timing.Limits) -> None:
    from geo.cases.workflow import apply, initial

    row = {"incident_id": "C1", "type": "noise", **initial(at=at("2026-10-09 09:00"), by="w1").values}
    for stage, when, extra in [("accepted", "2026-10-09 10:00", {}),
                               ("dispatched", "2026-10-09 11:00", {"party": "物业"}),
                               ("parked", "2026-10-09 16:30", {"note": "等配件"}),
                               ("in_progress", "2026-10-12 09:30", {})]:
        row.update(apply(row, stage, at=at(when), by="w1", measure=limits.calendar.measure, **extra).values)
        if stage == "parked":
            frozen = one(limits, "2026-10-11 12:00", **row)
            assert frozen["state"] == "paused" and frozen["step_used_h"] == 4.0  # 11:00-12:00, 13:30-16:30
    assert row["paused_ws"] == 1 * H + 7.5 * H + 1 * H  # Fri 16:30-17:30, the make-up Saturday, Mon 08:30-09:30
    now = one(limits, "2026-10-12 10:30", **row)
    assert now["step"] == "handle"
    assert now["step_used_h"] == 4.0 + 1.0
    assert now["total_used_h"] == 6.0 + 1.0
    assert now["step_deadline"] == at("2026-10-14 14:30")  # 22.5 h from Fri 11:00, and the 9.5 h parked
    assert not timing.case_late(row, limits, at("2026-10-14 14:30"))
    assert timing.case_late(row, limits, at("2026-10-14 14:31"))


def test_limits_table(limits: timing.Limits) -> None:
    zh = timing.limits_table(limits)
    assert list(zh.columns) == ["类型", "紧急程度（✓ 为默认）", "计时", "受理（小时）", "派遣（小时）", "处置（小时）",
                                "核查（小时）", "全程（小时）"]
    wire = zh[(zh["类型"] == "飞线") & (zh["紧急程度（✓ 为默认）"] == "紧急 ✓")].iloc[0]
    assert wire["处置（小时）"] == 2.0 and wire["计时"] == "自然时间"
    assert zh["类型"].iloc[-1] == "其他类型（默认）"
    en = timing.limits_table(limits, storm=True, lang="en")
    wire = en[en["Type"] == "Flying wire *"].iloc[1]
    assert wire["Handle (h)"] == 1.0 and wire["Urgency (✓ default)"] == "Urgent ✓"


def test_now_must_be_a_time(limits: timing.Limits) -> None:
    with pytest.raises(OptionError) as err:
        timing.evaluate(pd.DataFrame([case()]), limits, "tomorrow")
    assert err.value.key == "timing.now" and "tomorrow" in err.value.localized("zh")[0]


def test_reads_names_every_column_evaluate_reads(limits: timing.Limits) -> None:
    """The map hands evaluate only the columns of READS: the answer is the same as from the whole row."""
    frame = pd.DataFrame([case(), case(status="parked", parked_from="dispatched", urgency="urgent"),
                          case(status="closed", closed_at=at("2026-10-09 10:00")), case(type="flooding")])
    frame["description"], frame["grid_id"], frame["depth_cm"] = "x", "G1", 3.0
    whole = timing.evaluate(frame, limits, at("2026-10-12 09:30"))
    only = timing.evaluate(frame[list(timing.READS)], limits, at("2026-10-12 09:30"))
    pd.testing.assert_frame_equal(whole, only)
