"""The work calendar: which hours of which days are working time, and time measured in them.

A case on the working clock (:mod:`geo.cases.timing`) counts only working
hours: the working periods of a working day (08:30–12:00 and 13:30–17:30
by default, China Standard Time). A day is off on the weekend (ISO
weekdays 6 and 7 by default) and on the official public holidays; the
official make-up working days (调休, a Saturday or Sunday worked in
exchange for a longer holiday) are working days.

The official holidays and make-up days come from the ``chinesecalendar``
package, which knows the State Council's schedules for 2004 to 2026. For
the years it does not know (before 2004, after 2026) the calendar falls
back to weekends only, plus the ``holidays`` and ``workdays`` of the
community's own file: list a new year's holidays there until the package
is updated.

Everything here is vectorised: :meth:`WorkCalendar.working_seconds` reads
a table of days built once per calendar (working seconds of each day and
their running sum), so a column of 100,000 times costs a few array
operations, no Python loop per row.

Times are instants: ISO 8601 text (``2026-10-09T17:30:00+08:00``; text
without an offset is China Standard Time), :class:`datetime.datetime` or
:class:`pandas.Timestamp` (naive ones China Standard Time), or numbers
(seconds since 1970-01-01 UTC). Working time is counted from
:data:`EPOCH` (2000-01-01 00:00 China Standard Time); earlier instants
read as the epoch.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

import numpy as np
import pandas as pd

__all__ = [
    "DAY",
    "EPOCH",
    "OFFICIAL_YEARS",
    "WorkCalendar",
    "iso_text",
    "to_instants",
]

#: Seconds in a day.
DAY: Final = 86_400
#: China Standard Time's offset from UTC, in seconds (no daylight saving time).
_CST: Final = 8 * 3600
#: 2000-01-01 00:00 China Standard Time, in seconds since 1970-01-01 UTC:
#: working time is counted from here.
EPOCH: Final = 946_684_800 - _CST
#: The table of days runs to this year at the latest (an instant later reads as the end of it).
_LAST_YEAR: Final = 2200
_MAX_DAYS: Final = (np.datetime64(f"{_LAST_YEAR + 1}-01-01") - np.datetime64("2000-01-01")).astype(int)


@functools.cache
def _official() -> tuple[range, np.ndarray, np.ndarray]:
    """The years the ``chinesecalendar`` package knows, its holidays and its make-up days (day numbers)."""
    from chinese_calendar import constants

    def days(dates: Iterable[date]) -> np.ndarray:
        arr = np.array(sorted(dates), dtype="datetime64[D]")
        return (arr - np.datetime64("2000-01-01")).astype(np.int64)

    years = [d.year for d in constants.holidays]
    return range(min(years), max(years) + 1), days(constants.holidays), days(constants.workdays)


def official_years() -> range:
    """The years whose official holidays and make-up days the calendar knows (2004–2026)."""
    return _official()[0]


OFFICIAL_YEARS: Final = official_years()


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and working hours (China Standard Time).

    Attributes
    ----------
    periods
        The working periods of a working day, as ``(start, end)`` seconds
        after midnight, in order of the day and not overlapping (e.g.
        ``((30600, 43200), (48600, 63000))`` for 08:30–12:00 and
        13:30–17:30).
    weekend
        ISO weekdays (1 = Monday … 7 = Sunday) that are off unless a
        make-up working day.
    holidays, workdays
        ``YYYY-MM-DD`` days off and days worked, on top of the official
        ones (they win over them).
    official
        Use the official holidays and make-up days (``chinesecalendar``,
        2004–2026; weekends only for other years).
    """

    periods: tuple[tuple[int, int], ...] = ((30_600, 43_200), (48_600, 63_000))
    weekend: tuple[int, ...] = (6, 7)
    holidays: tuple[str, ...] = ()
    workdays: tuple[str, ...] = ()
    official: bool = True

    @property
    def day_seconds(self) -> int:
        """Working seconds of one working day (27,000 = 7.5 h by default)."""
        return sum(end - start for start, end in self.periods)

    def is_workday(self, day: str | date) -> bool:
        """Whether ``day`` (``YYYY-MM-DD`` or a date) is a working day."""
        index = int((np.datetime64(str(day), "D") - np.datetime64("2000-01-01")).astype(int))
        table = _table(self, max(index + 1, 1))
        return bool(0 <= index < len(table.work) and table.work[index])

    def working_seconds(self, times: Any) -> np.ndarray:
        """W(t): working seconds from :data:`EPOCH` to each time.

        Parameters
        ----------
        times
            One time or an array-like of them (see the module's docstring);
            missing ones (None, NaN, unreadable text) give NaN.

        Returns
        -------
        numpy.ndarray
            float64, the shape of ``times``; exact at period boundaries
            (W(12:00) = W(13:30) on a working day).
        """
        instants = to_instants(times)
        return self._w(instants)

    def add_working(self, start: Any, seconds: Any) -> Any:
        """The instant when ``seconds`` of working time have passed after ``start``.

        A deadline that falls exactly at the end of a period stays there
        (12:00 or 17:30), not at the start of the next one; a start outside
        working hours counts from the next working period.

        Parameters
        ----------
        start
            One time or an array-like of them.
        seconds
            Working seconds (one number, or one per start); 0 or less gives
            ``start``.

        Returns
        -------
        str or numpy.ndarray
            ISO 8601 text (+08:00) for one start, else an object array of
            them; None where a start is missing.
        """
        instants = to_instants(start)
        out = iso_text(self.add_working_instants(instants, np.asarray(seconds, dtype=np.float64)))
        return out.reshape(()).item() if np.ndim(start) == 0 and np.ndim(seconds) == 0 else out

    def add_working_instants(self, instants: np.ndarray, seconds: np.ndarray | float) -> np.ndarray:
        """:meth:`add_working` on instants (seconds since 1970 UTC, float64): the results as instants."""
        instants = np.asarray(instants, dtype=np.float64)
        target = self._w(instants) + np.asarray(seconds, dtype=np.float64)
        finite = np.isfinite(target)
        if not finite.any():
            return np.full(np.broadcast(instants, target).shape, np.nan)
        need = int(np.nanmax(np.where(finite, instants, np.nan)) - EPOCH) // DAY + 2
        longest = float(np.nanmax(np.where(finite, np.broadcast_to(seconds, target.shape), np.nan)))
        table = _table(self, need + 14 + int(3 * max(longest, 0.0) / max(self.day_seconds, 1)))
        while np.nanmax(np.where(finite, target, np.nan)) > table.cum[-1] and len(table.work) < _MAX_DAYS:
            table = _table(self, len(table.work) * 2)
        ends = table.cum[1:]
        day = np.searchsorted(ends, np.where(finite, target, 0.0), side="left")
        beyond = day >= len(ends)
        day = np.minimum(day, len(ends) - 1)
        rest = target - table.cum[day]
        starts, lengths = self._period_arrays()
        before = np.concatenate(([0.0], np.cumsum(lengths)))
        k = np.minimum(np.searchsorted(before[1:], np.where(finite, rest, 0.0), side="left"), len(lengths) - 1)
        found = EPOCH + day * float(DAY) + starts[k] + (rest - before[k])
        found = np.where(finite & ~beyond, found, np.nan)
        return np.where(np.asarray(seconds) <= 0, instants, np.fmax(found, instants))

    def measure(self, start_iso: str, end_iso: str) -> tuple[float, float]:
        """``(natural seconds, working seconds)`` from ``start_iso`` to ``end_iso`` (never negative).

        What :func:`geo.cases.workflow.apply` takes as ``measure`` for the
        time a case was parked.
        """
        start, end = to_instants([start_iso, end_iso])
        if not (np.isfinite(start) and np.isfinite(end)):
            return 0.0, 0.0
        w_start, w_end = self._w(np.array([start, end]))
        return max(float(end - start), 0.0), max(float(w_end - w_start), 0.0)

    def _period_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        starts = np.array([a for a, _ in self.periods], dtype=np.float64)
        return starts, np.array([b - a for a, b in self.periods], dtype=np.float64)

    def _w(self, instants: np.ndarray) -> np.ndarray:
        instants = np.asarray(instants, dtype=np.float64)
        local = np.clip(instants - EPOCH, 0.0, None)
        finite = np.isfinite(local)
        last = float(np.nanmax(local)) if finite.any() else 0.0
        table = _table(self, min(int(last // DAY) + 2, int(_MAX_DAYS)))
        day = np.minimum(np.floor_divide(np.where(finite, local, 0.0), DAY).astype(np.int64), len(table.work) - 1)
        second = np.clip(np.where(finite, local, 0.0) - day * float(DAY), 0.0, float(DAY))
        starts, lengths = self._period_arrays()
        within = np.clip(second[..., None] - starts, 0.0, lengths).sum(axis=-1)
        return np.where(finite, table.cum[day] + table.work[day] * within, np.nan)


@dataclass(frozen=True)
class _Days:
    """The table of days from 2000-01-01: working or not, and working seconds before each."""

    work: np.ndarray  # bool, one per day
    cum: np.ndarray  # float64, one more than days: working seconds before day i


def _table(cal: WorkCalendar, days: int) -> _Days:
    """The calendar's table of days, for at least ``days`` days (rounded up to whole decades)."""
    decades = (max(int(days), 1) + 3652) // 3653
    return _table_for(cal, min(decades * 3653, int(_MAX_DAYS)))


@functools.lru_cache(maxsize=32)
def _table_for(cal: WorkCalendar, n: int) -> _Days:
    index = np.arange(n, dtype=np.int64)
    weekday = (index + 5) % 7 + 1  # 2000-01-01 was a Saturday (ISO 6)
    off = np.isin(weekday, np.array(cal.weekend, dtype=np.int64))
    if cal.official:  # the official schedule wins over the weekend (it lists only the years it knows)
        _, holidays, workdays = _official()
        off[holidays[holidays < n]] = True
        off[workdays[workdays < n]] = False
    for dates, value in ((cal.holidays, True), (cal.workdays, False)):
        if dates:
            days = (np.array(dates, dtype="datetime64[D]") - np.datetime64("2000-01-01")).astype(np.int64)
            off[days[(days >= 0) & (days < n)]] = value
    work = ~off
    cum = np.concatenate(([0.0], np.cumsum(work * float(cal.day_seconds))))
    return _Days(work, cum)


# ---- instants in and out -------------------------------------------------------


def to_instants(values: Any) -> np.ndarray:
    """Times as seconds since 1970-01-01 UTC (float64, NaN for missing or unreadable ones).

    Parameters
    ----------
    values
        One time or an array-like of them: ISO 8601 text (China Standard
        Time when it has no offset), datetimes, timestamps, or numbers
        (already seconds since 1970 UTC).

    Returns
    -------
    numpy.ndarray
        The shape of ``values``.
    """
    if isinstance(values, pd.Series | pd.Index) and values.dtype != object and not pd.api.types.is_numeric_dtype(values):
        try:  # text or times as they are (no copy to Python objects)
            return _seconds(pd.Series(pd.to_datetime(values, format="ISO8601")))
        except (ValueError, TypeError, OverflowError):
            pass
    arr = np.asarray(values.to_numpy() if isinstance(values, pd.Series | pd.Index) else values, dtype=object)
    shape = arr.shape
    flat = arr.reshape(-1)
    if flat.size == 0:
        return np.empty(shape, dtype=np.float64)
    numeric = np.array([isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in flat[:1]])
    if numeric.all():
        try:
            return flat.astype(np.float64).reshape(shape)
        except (TypeError, ValueError):
            pass
    series = pd.Series(flat, dtype=object)
    try:
        parsed = pd.to_datetime(series, format="ISO8601")
    except (ValueError, TypeError, OverflowError):
        return _instants_one_by_one(series).reshape(shape)
    return _seconds(parsed).reshape(shape)


def _seconds(parsed: pd.Series) -> np.ndarray:
    """Seconds since 1970 UTC of parsed times (naive ones China Standard Time)."""
    if parsed.dt.tz is None:
        parsed = parsed.dt.tz_localize("Asia/Shanghai")
    ns = parsed.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]").to_numpy()
    out = ns.astype(np.int64).astype(np.float64) / 1e9
    out[np.isnat(ns)] = np.nan
    return out


def _instants_one_by_one(series: pd.Series) -> np.ndarray:
    """The slow path (mixed offsets, unreadable values): one parse per distinct value."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.full(len(uniques) + 1, np.nan)
    for i, value in enumerate(uniques):
        try:
            stamp = pd.Timestamp(value.isoformat() if isinstance(value, datetime) else str(value).strip())
        except (ValueError, TypeError, OverflowError):
            continue
        if stamp is pd.NaT:
            continue
        if stamp.tzinfo is None:
            stamp = stamp.tz_localize("Asia/Shanghai")
        values[i] = stamp.timestamp()
    return values[codes]


def iso_text(instants: Any) -> np.ndarray:
    """Instants (seconds since 1970 UTC) as ISO 8601 text to the second, China Standard Time (+08:00).

    Returns an object array of the same shape; None where an instant is NaN.
    """
    arr = np.asarray(instants, dtype=np.float64)
    flat = arr.reshape(-1)
    ok = np.isfinite(flat)
    out = np.full(flat.shape, None, dtype=object)
    if ok.any():
        local = (np.round(flat[ok]) + _CST).astype(np.int64).astype("datetime64[s]")
        text = pd.Series(np.datetime_as_string(local, unit="s"), dtype=object) + "+08:00"
        out[ok] = text.to_numpy(dtype=object)
    return out.reshape(arr.shape)
