"""Time limits of cases, and the state of each case's clock.

Every timed step of a case (:data:`geo.cases.workflow.STEPS`: accept,
dispatch, handle, check) and the whole case have a limit in hours, per
incident type and urgency (一般 normal, 紧急 urgent), on the natural clock
(every hour counts) or the working clock (only working hours of working
days count, :class:`~geo.cases.calendar.WorkCalendar`). The shipped
defaults are ``geo/cases/limits.toml``; a community layers its own TOML
file over them key by key (:func:`load_limits`, ``$GRIDWATCH_CASE_LIMITS``)::

    [types.flooding.urgent]
    dispatch = 0.5

    [calendar]
    holidays = ["2027-01-01"]

:func:`evaluate` gives, for a whole table of cases at once, each one's
step, limits, time used, deadlines and state (on time, warning, overdue,
paused, ended). Storm mode (暴雨模式) tightens the limits of the open cases
of the types the rain plan names (``[storm]``); whether it is on is stored
elsewhere and passed in as ``storm``.

Pure: no store, no clock of its own (``now`` is given), no file but the
TOML ones.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import schema, settings
from ..errors import OptionError
from . import limits_file
from .calendar import WorkCalendar, iso_text, to_instants
from .workflow import STEPS

__all__ = [
    "CLOCKS",
    "COLUMNS",
    "READS",
    "SHIPPED",
    "STATES",
    "TIMED_STEPS",
    "Limits",
    "StepLimits",
    "TypeLimits",
    "case_late",
    "evaluate",
    "limits_table",
    "load_limits",
]

#: The shipped defaults.
SHIPPED: Final = Path(__file__).with_name("limits.toml")
#: How a type's time is counted: every hour, or working hours only.
CLOCKS: Final = ("natural", "working")
#: The timed steps, in workflow order.
TIMED_STEPS: Final = ("accept", "dispatch", "handle", "check")
#: The states :func:`evaluate` gives.
STATES: Final = ("on_time", "warning", "overdue", "paused", "ended")
#: The columns :func:`evaluate` reads (where a store has them).
READS: Final = ("type", "status", "urgency", "reported_at", "opened_at", "stage_at", "step_at", "closed_at",
                "parked_from", "paused_s", "paused_ws", "step_paused_s", "step_paused_ws")
#: The columns :func:`evaluate` gives.
COLUMNS: Final = ("step", "step_limit_h", "step_used_h", "step_deadline", "total_limit_h", "total_used_h",
                  "total_deadline", "deadline", "used", "state", "age_h")


@dataclass(frozen=True)
class StepLimits:
    """The limits of one type and urgency, in hours.

    Attributes
    ----------
    accept, dispatch, handle, check
        Each timed step (受理, 派遣, 处置, 核查).
    total
        The whole case, from report to close.
    """

    accept: float
    dispatch: float
    handle: float
    check: float
    total: float

    def hours(self, step: str) -> float:
        """The limit of ``step`` (one of :data:`TIMED_STEPS` or ``total``), in hours."""
        return float(getattr(self, step))

    def scaled(self, factor: float, **hours: float) -> StepLimits:
        """These limits times ``factor``, with ``hours`` given per step instead."""
        return StepLimits(**{f.name: hours.get(f.name, getattr(self, f.name) * factor) for f in fields(self)})


@dataclass(frozen=True)
class TypeLimits:
    """The limits of one incident type.

    Attributes
    ----------
    code
        The type (``default`` for the limits of types not named).
    clock
        ``natural`` or ``working`` (:data:`CLOCKS`).
    urgency
        The urgency of a case that has none (``normal`` or ``urgent``).
    normal, urgent
        The limits at each urgency.
    """

    code: str
    clock: str
    urgency: str
    normal: StepLimits
    urgent: StepLimits

    def at(self, urgency: str | None) -> StepLimits:
        """The limits at ``urgency`` (the type's default one when None or unknown)."""
        return self.urgent if (urgency if urgency in schema.URGENCIES else self.urgency) == "urgent" else self.normal


@dataclass(frozen=True)
class Limits:
    """Every time limit, the work calendar, and storm mode.

    Attributes
    ----------
    types
        Type code -> its limits.
    default
        The limits of a type not in ``types``.
    storm
        Type code -> its limits in storm mode (the types the rain plan names).
    storm_factor
        What storm mode multiplies limits by (unless a type says otherwise).
    warning
        The fraction of a limit used at which a case turns to warning.
    calendar
        The work calendar of the working clock.
    sources
        The files read, the shipped one first.
    """

    types: Mapping[str, TypeLimits]
    default: TypeLimits
    storm: Mapping[str, TypeLimits]
    storm_factor: float = 0.5
    warning: float = 0.75
    calendar: WorkCalendar = WorkCalendar()
    sources: tuple[str, ...] = ()

    def of_type(self, type_code: str | None, *, storm: bool = False) -> TypeLimits:
        """The limits of a type (``[default]`` for one not named; storm limits when ``storm``)."""
        code = str(type_code or "")
        if storm and code in self.storm:
            return self.storm[code]
        return self.types.get(code, self.default)

    def for_case(self, type_code: str | None, urgency: str | None = None, storm: bool = False) -> tuple[StepLimits, str]:
        """``(limits, clock)`` of a case of ``type_code`` at ``urgency``.

        Parameters
        ----------
        type_code
            The incident type; one not named in the file gets ``[default]``.
        urgency
            ``normal`` or ``urgent``; None (or an unknown value) takes the
            type's default (:meth:`default_urgency`).
        storm
            Storm mode is on: a type of ``[storm] types`` gets its storm limits.

        Returns
        -------
        tuple
            The :class:`StepLimits` and the clock (``natural`` or ``working``).
        """
        limits = self.of_type(type_code, storm=storm)
        return limits.at(urgency), limits.clock

    def default_urgency(self, type_code: str | None) -> str:
        """The urgency of a new case of ``type_code`` when none is given."""
        return self.of_type(type_code).urgency

    @property
    def storm_types(self) -> frozenset[str]:
        """The types storm mode tightens."""
        return frozenset(self.storm)


def load_limits(path: str | Path | None = None) -> Limits:
    """The limits in force: the shipped file, with the community's file layered over it.

    Parameters
    ----------
    path
        The community's TOML file; None takes ``$GRIDWATCH_CASE_LIMITS``
        (and the shipped defaults alone when that is not set either). It
        holds only what differs: each key it gives replaces the shipped
        one, tables are merged key by key.

    Returns
    -------
    Limits

    Raises
    ------
    geo.errors.OptionError
        A file that does not exist or is not TOML (with the line), an
        unknown key (with the allowed ones), hours that are not positive
        numbers, an unknown clock or urgency, malformed times or dates,
        working periods overlapping or out of order.
    """
    user = path if path is not None else settings.current().case_limits
    files = (SHIPPED, *((Path(user),) if user else ()))
    return _load(tuple((str(f), *_stamp(f)) for f in files))


def _stamp(path: Path) -> tuple[int, int]:
    """What tells a file changed (modification time, size); (0, 0) when it is missing (read says so)."""
    try:
        stat = path.stat()
    except OSError:
        return 0, 0
    return stat.st_mtime_ns, stat.st_size


@functools.lru_cache(maxsize=8)
def _load(files: tuple[tuple[str, int, int], ...]) -> Limits:
    """The limits of these files, layered (cached while none of them changes)."""
    data: dict[str, Any] = {}
    for name, _, _ in files:
        data = limits_file.merge(data, limits_file.read(Path(name)))
    limits_file.check_merged(data, files[-1][0])
    return _build(data, tuple(name for name, _, _ in files))


def _build(data: dict[str, Any], sources: tuple[str, ...]) -> Limits:
    default = _type_limits("default", data["default"], None)
    types = {code: _type_limits(code, table, default) for code, table in data.get("types", {}).items()}
    storm_data = data.get("storm", {})
    factor = float(storm_data.get("factor", 1.0))
    storm: dict[str, TypeLimits] = {}
    for code in storm_data.get("types", []):
        own = storm_data.get(code, {})
        base = types.get(code, replace(default, code=code))
        scale = float(own.get("factor", factor))
        storm[code] = replace(base, normal=base.normal.scaled(scale, **own.get("normal", {})),
                              urgent=base.urgent.scaled(scale, **own.get("urgent", {})))
    return Limits(types=MappingProxyType(types), default=default, storm=MappingProxyType(storm), storm_factor=factor,
                  warning=float(data.get("warning", 0.75)), calendar=limits_file.calendar(data.get("calendar", {})),
                  sources=sources)


def _type_limits(code: str, table: Mapping[str, Any], default: TypeLimits | None) -> TypeLimits:
    def steps(urgency: str) -> StepLimits:
        given = table.get(urgency, {})
        base = getattr(default, urgency) if default is not None else None
        return StepLimits(**{s: float(given[s]) if s in given else base.hours(s)  # type: ignore[union-attr]
                             for s in (*TIMED_STEPS, "total")})

    return TypeLimits(code=code, clock=str(table.get("clock", default.clock if default else "working")),
                      urgency=str(table.get("urgency", default.urgency if default else "normal")),
                      normal=steps("normal"), urgent=steps("urgent"))


# ---- the state of each case's clock --------------------------------------------


def evaluate(cases: pd.DataFrame, limits: Limits, now: Any, *, storm: bool = False) -> pd.DataFrame:
    """Each case's step, limits, time used, deadlines and state, at ``now``.

    Parameters
    ----------
    cases
        Incidents (any index): ``type``, ``status`` and, where the store has
        them, ``urgency``, ``opened_at``, ``step_at``, ``stage_at``,
        ``paused_s``, ``paused_ws``, ``step_paused_s``, ``step_paused_ws``,
        ``parked_from``, ``closed_at``, ``reported_at``. Rows of older
        stores lack the case columns: ``opened_at`` falls back to
        ``reported_at``, ``step_at`` to ``stage_at`` then ``opened_at``;
        a missing urgency is the type's default; a type not in the limits
        gets ``[default]``.
    limits
        From :func:`load_limits`.
    now
        The time to evaluate at (ISO 8601 text, a datetime, or seconds since 1970 UTC).
    storm
        Storm mode is on: open cases of the ``[storm]`` types get the storm limits.

    Returns
    -------
    pandas.DataFrame
        Same index, the columns of :data:`COLUMNS`:

        - ``step``: the timed step (:func:`geo.cases.workflow.step_of`), None when none runs;
        - ``step_limit_h``, ``step_used_h``: that step's limit and the time used in it, in
          hours of the case's clock (pauses taken off);
        - ``total_limit_h``, ``total_used_h``: the same for the whole case (an ended case's
          measured to ``closed_at``, at the limits it had without storm mode);
        - ``step_deadline``, ``total_deadline``, ``deadline`` (the earlier): ISO 8601 text,
          +08:00; None for ended and paused cases;
        - ``used``: the larger fraction of a limit used;
        - ``state``: ``on_time``, ``warning`` (:attr:`Limits.warning` of a limit used),
          ``overdue`` (past a deadline), ``paused`` (parked: the clock frozen when it was
          parked) or ``ended`` (closed, cancelled, merged, or an asset's condition: no case);
        - ``age_h``: natural hours since ``opened_at`` (to ``closed_at`` for an ended case).

    Raises
    ------
    geo.errors.OptionError
        ``now`` is not a time.
    """
    n = len(cases)
    now_s = float(to_instants(now))
    if not np.isfinite(now_s):
        raise OptionError.of("timing.now", value=str(now))
    status_codes, statuses = _factor(cases, "status")
    stage = np.array([schema.LEGACY_STAGES.get(s, s) if s is not None else None for s in statuses],
                     dtype=object)[status_codes]
    event = np.isin(stage, schema.EVENT_STATUSES)
    ended = ~event | np.isin(stage, tuple(schema.ENDED_STAGES))
    parked = stage == "parked"
    step_of_stage = np.array([_step_of_status(s) for s in statuses], dtype=object)[status_codes]
    step = np.where(parked, _mapped(cases, "parked_from", STEPS.get), step_of_stage)
    step[ended] = None
    step_index = np.full(n, -1, dtype=np.int64)
    for i, name in enumerate(TIMED_STEPS):
        step_index[step == name] = i

    hours, working = _limits_per_row(cases, limits, storm & ~ended)
    step_limit = np.where(step_index >= 0, np.take_along_axis(hours, np.maximum(step_index, 0)[:, None], 1)[:, 0],
                          np.nan)
    total_limit = np.where(event, hours[:, len(TIMED_STEPS)], np.nan)

    opened = _times(cases, "opened_at", event)
    opened = _fill(opened, _times(cases, "reported_at", event & np.isnan(opened)))
    stage_at = _fill(_times(cases, "stage_at", event), opened)
    step_at = _fill(_times(cases, "step_at", event & ~ended), stage_at)
    closed = _fill(_times(cases, "closed_at", event & ended), stage_at)
    end = np.where(ended, closed, np.where(parked, stage_at, now_s))

    cal = limits.calendar
    w_end, w_opened, w_step = (_working_seconds(cal, x, working) for x in (end, opened, step_at))
    paused = np.where(working, _numbers(cases, "paused_ws"), _numbers(cases, "paused_s"))
    step_paused = np.where(working, _numbers(cases, "step_paused_ws"), _numbers(cases, "step_paused_s"))
    total_used = np.where(working, w_end - w_opened, end - opened) - paused
    step_used = np.where(working, w_end - w_step, end - step_at) - step_paused
    total_used = np.where(event, np.clip(total_used, 0.0, None) / 3600.0, np.nan)
    step_used = np.where(np.isnan(step_limit), np.nan, np.clip(step_used, 0.0, None) / 3600.0)

    running = ~ended & ~parked
    step_dl = _deadline(cal, step_at, step_paused, step_limit, working, running)
    total_dl = _deadline(cal, opened, paused, total_limit, working, running)
    deadline = np.fmin(step_dl, total_dl)
    with np.errstate(invalid="ignore", divide="ignore"):
        used = np.fmax(step_used / step_limit, total_used / total_limit)
    used[ended] = np.nan
    state = np.full(n, "on_time", dtype=object)
    state[used >= limits.warning] = "warning"
    state[now_s > deadline] = "overdue"
    state[parked] = "paused"
    state[ended] = "ended"
    age = np.where(event, np.clip(np.where(ended, closed, now_s) - opened, 0.0, None) / 3600.0, np.nan)
    step_text, total_text = iso_text(step_dl), iso_text(total_dl)
    columns = {
        "step": step, "step_limit_h": step_limit, "step_used_h": step_used, "step_deadline": step_text,
        "total_limit_h": total_limit, "total_used_h": total_used, "total_deadline": total_text,
        "deadline": np.where(np.isnan(total_dl) | (step_dl <= total_dl), step_text, total_text),
        "used": used, "state": state, "age_h": age,
    }
    return pd.DataFrame({k: pd.Series(v, index=cases.index, dtype=v.dtype) for k, v in columns.items()},
                        index=cases.index)


def case_late(case: Mapping[str, Any], limits: Limits, at: Any, storm: bool = False) -> bool:
    """Whether a case was overdue at ``at`` (recorded as ``handled_late`` when it is handled).

    Parameters
    ----------
    case
        The case as stored (its stage before the step being recorded).
    limits
        From :func:`load_limits`.
    at
        The time of the step.
    storm
        Storm mode was on.

    Returns
    -------
    bool
    """
    row = pd.DataFrame([{k: v for k, v in case.items() if k != "geometry"}])
    return bool(evaluate(row, limits, at, storm=storm)["state"].iloc[0] == "overdue")


def limits_table(limits: Limits, *, storm: bool = False, lang: str = "zh") -> pd.DataFrame:
    """The limits as users read them: one row per type and urgency, the hours of each step.

    Parameters
    ----------
    limits
        From :func:`load_limits`.
    storm
        Show the limits of storm mode (the ``[storm]`` types tightened).
    lang
        ``zh`` or ``en`` for the headings and values.

    Returns
    -------
    pandas.DataFrame
        The types named in the file, then ``[default]`` (the other types).
    """
    from ..i18n import t

    rows = []
    for code in (*limits.types, *(c for c in limits.storm if c not in limits.types), None):
        own = limits.of_type(code, storm=storm)
        label = t(f"timing.type.{code}", lang) if code is None else (
            _type_label(code, lang) + (" *" if storm and code in limits.storm else ""))
        for urgency in schema.URGENCIES:
            steps = own.at(urgency)
            mark = " ✓" if urgency == own.urgency else ""
            row: dict[str, Any] = {
                t("timing.col.type", lang): label,
                t("timing.col.urgency", lang): t(f"urgency.{urgency}", lang) + mark,
                t("timing.col.clock", lang): t(f"timing.clock.{own.clock}", lang),
            }
            row.update({t("timing.col.hours", lang, step=t(f"timing.step.{s}", lang)): steps.hours(s)
                        for s in (*TIMED_STEPS, "total")})
            rows.append(row)
    return pd.DataFrame(rows)


def _type_label(code: str, lang: str) -> str:
    builtin = schema.BUILTIN_TYPES.get(code)
    if builtin is None:
        return code
    return builtin.label_en if lang == "en" else builtin.label_zh


def _deadline(cal: WorkCalendar, start: np.ndarray, paused: np.ndarray, limit_h: np.ndarray, working: np.ndarray,
              running: np.ndarray) -> np.ndarray:
    """The instant the limit is used up: start + pauses + limit on the case's clock (NaN when not running)."""
    seconds = np.where(running, limit_h * 3600.0 + paused, np.nan)
    out = np.where(running & ~working, start + seconds, np.nan)
    sel = running & working & np.isfinite(seconds) & np.isfinite(start)
    if sel.any():
        out[sel] = cal.add_working_instants(start[sel], seconds[sel])
    return out


def _working_seconds(cal: WorkCalendar, instants: np.ndarray, working: np.ndarray) -> np.ndarray:
    """W(t) of the rows on the working clock (NaN for the others)."""
    out = np.full(len(instants), np.nan)
    if working.any():
        out[working] = cal.working_seconds(instants[working])
    return out


def _limits_per_row(cases: pd.DataFrame, limits: Limits, storm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the hours of each timed step and of the whole case (n × 5), and whether the clock is working."""
    n = len(cases)
    type_codes, types = _factor(cases, "type")
    urgency_codes, urgencies = _factor(cases, "urgency")
    kind = (type_codes * (len(urgencies) + 1) + urgency_codes) * 2 + np.broadcast_to(storm, (n,)).astype(np.int64)
    kinds, rows = np.unique(kind, return_inverse=True)
    table = np.empty((len(kinds), len(TIMED_STEPS) + 1))
    clocks = np.empty(len(kinds), dtype=bool)
    for i, k in enumerate(kinds.tolist()):
        in_storm, rest = k % 2, k // 2
        type_code, urgency = types[rest // (len(urgencies) + 1)], urgencies[rest % (len(urgencies) + 1)]
        steps, clock = limits.for_case(type_code, urgency, storm=bool(in_storm))
        table[i] = [steps.hours(s) for s in (*TIMED_STEPS, "total")]
        clocks[i] = clock == "working"
    return table[rows].reshape(n, len(TIMED_STEPS) + 1), clocks[rows].reshape(n)


def _factor(cases: pd.DataFrame, name: str) -> tuple[np.ndarray, list[Any]]:
    """Codes of a column's values, and the distinct values as text (the last one None: missing values)."""
    if name not in cases.columns:
        return np.zeros(len(cases), dtype=np.int64), [None]
    codes, uniques = pd.factorize(cases[name], use_na_sentinel=True)
    values = [str(u) for u in uniques]
    return np.where(codes < 0, len(values), codes).astype(np.int64), [*values, None]


def _mapped(cases: pd.DataFrame, name: str, fn: Any) -> np.ndarray:
    """``fn`` of each value of a column, called once per distinct value (None for missing values)."""
    codes, values = _factor(cases, name)
    return np.array([None if v is None else fn(v) for v in values], dtype=object)[codes]


def _step_of_status(status: str | None) -> str | None:
    return STEPS.get(schema.LEGACY_STAGES.get(status, status)) if status is not None else None


def _times(cases: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    """The instants of a column's times in ``rows`` (NaN elsewhere, and where missing)."""
    out = np.full(len(cases), np.nan)
    if name in cases.columns and rows.any():
        out[rows] = to_instants(cases[name] if rows.all() else cases[name][rows])
    return out


def _numbers(cases: pd.DataFrame, name: str) -> np.ndarray:
    if name not in cases.columns:
        return np.zeros(len(cases))
    values = pd.to_numeric(cases[name], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isfinite(values), np.clip(values, 0.0, None), 0.0)


def _fill(values: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), fallback, values)
