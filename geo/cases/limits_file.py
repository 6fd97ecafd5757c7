"""Time limit files (TOML): read, checked key by key, layered, and the work calendar they give.

The form of a file (the shipped ``limits.toml`` says what each key means)::

    warning = 0.75
    [calendar]            official, periods, weekend, holidays, workdays
    [default]             clock, urgency, normal, urgent
    [types.CODE]          clock, urgency, normal, urgent
    [types.CODE.normal]   accept, dispatch, handle, check, total (hours)
    [storm]               types, factor
    [storm.CODE]          factor, normal, urgent

Every problem is an :class:`~geo.errors.OptionError` from the translation
table (``err.limits.*``) naming the file and the key, and for an unknown
key the ones allowed; a file that is not TOML says the line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Any, Final

from .. import schema
from ..errors import OptionError
from .calendar import WorkCalendar

__all__ = ["calendar", "check", "check_merged", "merge", "read"]

_TOP: Final = ("warning", "calendar", "default", "types", "storm")
_CALENDAR: Final = ("official", "periods", "weekend", "holidays", "workdays")
_TYPE: Final = ("clock", "urgency", "normal", "urgent")
_STEPS: Final = ("accept", "dispatch", "handle", "check", "total")
_STORM: Final = ("types", "factor")
_STORM_TYPE: Final = ("factor", "normal", "urgent")
_CLOCKS: Final = ("natural", "working")
_TIME: Final = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$|^24:00$")
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Table:
    """Where a key is, as an error reads it: ``[types.flooding]``, or the top level of the file."""

    def __init__(self, path: str) -> None:
        self.path = path

    def text(self, lang: str) -> str:
        if self.path:
            return f"[{self.path}]"
        return "the top level" if lang == "en" else "文件顶层"

    def __str__(self) -> str:
        return self.text("en")


def read(path: Path) -> dict[str, Any]:
    """The checked content of one limit file.

    Parameters
    ----------
    path
        A TOML file.

    Returns
    -------
    dict
        As :mod:`tomllib` reads it.

    Raises
    ------
    geo.errors.OptionError
        The file is missing, not TOML (the line is named) or fails :func:`check`.
    """
    name = str(path)
    if not path.is_file():
        raise OptionError.of("limits.file", file=name)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise OptionError.of("limits.not_toml", file=name, line=raw[:exc.start].count(b"\n") + 1,
                             problem="not UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        line = found.group(1) if found else str(text.count("\n") + 1)
        problem = re.sub(r"\s*\(at [^)]*\)\s*$", "", str(exc))
        raise OptionError.of("limits.not_toml", file=name, line=line, problem=problem) from exc
    check(data, name)
    return data


def check(data: Mapping[str, Any], file: str) -> None:
    """Check the keys and values of one file's content (what it gives; nothing is required).

    Raises
    ------
    geo.errors.OptionError
        The first problem found.
    """
    _keys(data, _TOP, file, "")
    if "warning" in data:
        _fraction(data["warning"], file, "warning")
    if "calendar" in data:
        _calendar(_table(data, "calendar", file, ""), file)
    if "default" in data:
        _type(_table(data, "default", file, ""), file, "default")
    for code in _table(data, "types", file, "") if "types" in data else {}:
        _type(_table(data["types"], code, file, "types"), file, f"types.{code}")
    if "storm" in data:
        _storm(_table(data, "storm", file, ""), file)


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """``over`` layered over ``base`` key by key: tables merged, any other value replaced."""
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def check_merged(data: Mapping[str, Any], file: str) -> None:
    """Check what only the layered whole can tell: a complete ``[default]``, storm types, days listed twice.

    Parameters
    ----------
    data
        The layered content.
    file
        The file to name in an error (the last one layered).
    """
    default = data.get("default", {})
    for key in _TYPE:
        if key not in default:
            raise OptionError.of("limits.incomplete", file=file, key="default", missing=key)
    for urgency in schema.URGENCIES:
        missing = [s for s in _STEPS if s not in default[urgency]]
        if missing:
            raise OptionError.of("limits.incomplete", file=file, key=f"default.{urgency}", missing=", ".join(missing))
    storm = data.get("storm", {})
    listed = set(storm.get("types", []))
    for code in storm:
        if code not in _STORM and code not in listed:
            raise OptionError.of("limits.storm_type", file=file, value=code)
    cal = data.get("calendar", {})
    both = sorted(_dates(cal.get("holidays", [])) & _dates(cal.get("workdays", [])))
    if both:
        raise OptionError.of("limits.both_days", file=file, value=both[0])


def calendar(table: Mapping[str, Any]) -> WorkCalendar:
    """The :class:`~geo.cases.calendar.WorkCalendar` of a checked ``[calendar]`` table (defaults for what it lacks)."""
    default = WorkCalendar()
    periods = tuple((_seconds(a), _seconds(b)) for a, b in table["periods"]) if "periods" in table else default.periods
    return WorkCalendar(
        periods=periods,
        weekend=tuple(sorted(set(table.get("weekend", default.weekend)))),
        holidays=tuple(sorted(_dates(table.get("holidays", [])))),
        workdays=tuple(sorted(_dates(table.get("workdays", [])))),
        official=bool(table.get("official", True)),
    )


# ---- checks ----------------------------------------------------------------------


def _keys(table: Mapping[str, Any], allowed: tuple[str, ...], file: str, where: str) -> None:
    for key in table:
        if key not in allowed:
            raise OptionError.of("limits.unknown_key", file=file, table=_Table(where), key=key,
                                 allowed=", ".join(allowed))


def _table(parent: Mapping[str, Any], key: str, file: str, where: str) -> Mapping[str, Any]:
    value = parent[key]
    if not isinstance(value, Mapping):
        raise OptionError.of("limits.table", file=file, key=f"{where}.{key}" if where else key)
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf")


def _fraction(value: Any, file: str, key: str) -> None:
    if not (_number(value) and 0 < value <= 1):
        raise OptionError.of("limits.fraction", file=file, key=key, value=_show(value))


def _hours(table: Mapping[str, Any], file: str, where: str) -> None:
    _keys(table, _STEPS, file, where)
    for step, value in table.items():
        if not (_number(value) and value > 0):
            raise OptionError.of("limits.hours", file=file, key=f"{where}.{step}", value=_show(value))


def _type(table: Mapping[str, Any], file: str, where: str) -> None:
    _keys(table, _TYPE, file, where)
    if "clock" in table and table["clock"] not in _CLOCKS:
        raise OptionError.of("limits.clock", file=file, key=f"{where}.clock", value=_show(table["clock"]))
    if "urgency" in table and table["urgency"] not in schema.URGENCIES:
        raise OptionError.of("limits.urgency", file=file, key=f"{where}.urgency", value=_show(table["urgency"]))
    for urgency in schema.URGENCIES:
        if urgency in table:
            _hours(_table(table, urgency, file, where), file, f"{where}.{urgency}")


def _storm(table: Mapping[str, Any], file: str) -> None:
    for key, value in table.items():
        if key == "factor":
            _fraction(value, file, "storm.factor")
        elif key == "types":
            _list(value, file, "storm.types")
            for code in value:
                if not isinstance(code, str) or not code.strip():
                    raise OptionError.of("limits.type_code", file=file, key="storm.types", value=_show(code))
        elif isinstance(value, Mapping):
            where = f"storm.{key}"
            _keys(value, _STORM_TYPE, file, where)
            if "factor" in value:
                _fraction(value["factor"], file, f"{where}.factor")
            for urgency in schema.URGENCIES:
                if urgency in value:
                    _hours(_table(value, urgency, file, where), file, f"{where}.{urgency}")
        else:
            raise OptionError.of("limits.unknown_key", file=file, table=_Table("storm"), key=key,
                                 allowed=", ".join((*_STORM, "[storm.TYPE]")))


def _list(value: Any, file: str, key: str) -> None:
    if not isinstance(value, list):
        raise OptionError.of("limits.list", file=file, key=key)


def _calendar(table: Mapping[str, Any], file: str) -> None:
    _keys(table, _CALENDAR, file, "calendar")
    if "official" in table and not isinstance(table["official"], bool):
        raise OptionError.of("limits.bool", file=file, key="calendar.official", value=_show(table["official"]))
    if "periods" in table:
        _periods(table["periods"], file)
    if "weekend" in table:
        _list(table["weekend"], file, "calendar.weekend")
        for day in table["weekend"]:
            if not (isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7):
                raise OptionError.of("limits.weekday", file=file, key="calendar.weekend", value=_show(day))
    for key in ("holidays", "workdays"):
        if key in table:
            _list(table[key], file, f"calendar.{key}")
            for day in table[key]:
                if _iso_date(day) is None:
                    raise OptionError.of("limits.date", file=file, key=f"calendar.{key}", value=_show(day))


def _periods(value: Any, file: str) -> None:
    key = "calendar.periods"
    _list(value, file, key)
    spans = []
    for period in value:
        if not (isinstance(period, list) and len(period) == 2):
            raise OptionError.of("limits.time", file=file, key=key, value=_show(period))
        for end in period:
            if _seconds(end) is None:
                raise OptionError.of("limits.time", file=file, key=key, value=_show(end))
        spans.append((_seconds(period[0]), _seconds(period[1])))
    ordered = all(a < b for a, b in spans) and all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
    if not spans or not ordered:
        shown = ", ".join(f"{_show(a)}–{_show(b)}" for a, b in value) or "[]"
        raise OptionError.of("limits.periods", file=file, key=key, value=shown)


def _seconds(value: Any) -> Any:
    """Seconds after midnight of ``HH:MM`` text (or a TOML time); None when it is not one."""
    if isinstance(value, time):
        return value.hour * 3600 + value.minute * 60 + value.second
    if not isinstance(value, str) or not _TIME.match(value.strip()):
        return None
    hours, minutes = value.strip().split(":")
    return int(hours) * 3600 + int(minutes) * 60


def _dates(values: list[Any]) -> set[str]:
    """The checked dates of a list, as ``YYYY-MM-DD``."""
    return {text for text in map(_iso_date, values) if text is not None}


def _iso_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` of a date (text or a TOML date); None when it is not one."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value.isoformat()
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None
