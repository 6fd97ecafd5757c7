"""The ledger (台账) of open cases, and the figures per grid and per party.

:func:`ledger` is the list a community office keeps until every matter is
done: one row per open case with its grid, stage, age, owner, deadline,
time used and whether it is overdue, sorted by grid, overdue first, then
by deadline. :func:`figures` counts, per grid (or per party) over a period,
what was reported, accepted, handled (on time or not), reworked, fixed on
the spot, parked and closed, and how long closing took.

An overdue open case counts as late in every figure, not only once it is
handled: the on-time rate (按期处置率) is the cases handled within their
limit over the cases handled plus the open cases overdue now.

Both read the incidents layer once, keep the event-type rows (the case of
an asset opens as its own event, see :mod:`geo.cases`), and take the clock
from :func:`geo.cases.timing.evaluate`. No Streamlit, no file:
:mod:`geo.cases.ledger_xlsx` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any, Final

import numpy as np
import pandas as pd

from .. import schema
from ..errors import OptionError
from ..i18n import t
from ..storage import CST, Store
from . import timing
from .parties import PARTIES, party_names
from .storm import storm_of

__all__ = [
    "FIGURE_COLUMNS",
    "LEDGER_COLUMNS",
    "LEDGER_READ",
    "cases_of",
    "figures",
    "ledger",
]

#: Columns of :func:`ledger`, in order.
LEDGER_COLUMNS: Final = (
    "grid_id", "grid_name", "incident_id", "type", "type_label", "stage", "stage_label", "urgency",
    "urgency_label", "reported_at", "age_h", "party", "party_name", "step", "deadline", "used_pct", "overdue_h", "state",
    "state_label", "overdue", "reworks", "reason", "description", "row_version",
)
#: Columns of :func:`figures` after the group's key and name, in order.
FIGURE_COLUMNS: Final = (
    "reported", "accepted", "handled", "handled_on_time", "overdue_now", "on_time_rate", "reworked",
    "rework_rate", "on_spot", "parked", "closed", "close_median_h", "close_p90_h",
)
#: Incident columns the clock reads (:func:`geo.cases.timing.evaluate`).
CLOCK_COLUMNS: Final = ("type", "status", "urgency", "reported_at", "opened_at", "stage_at", "step_at", "paused_s",
                        "paused_ws", "step_paused_s", "step_paused_ws", "parked_from", "closed_at")
#: Incident columns the ledger reads (the rest of the layer, its geometry included, is not read).
LEDGER_READ: Final = ("incident_id", "grid_id", *CLOCK_COLUMNS, "party", "reworks", "reason", "description",
                      "row_version")
#: Incident columns the figures read.
FIGURES_READ: Final = ("grid_id", *CLOCK_COLUMNS, "party", "accepted_at", "handled_at", "handled_late", "reworks",
                       "on_spot")
_GROUPS: Final = {"grid": "grid_id", "party": "party"}
#: Row keys of the cases of no group and of the total row (objects no id can equal).
_NONE: Final = object()
_TOTAL: Final = object()


def cases_of(store: Store, stages: Iterable[str] | None = None,
             columns: Iterable[str] = ("incident_id", *schema.COLUMNS[schema.INCIDENTS], "row_version")) -> pd.DataFrame:
    """The cases of the store: the incidents of event types, their attributes only (no geometry).

    Parameters
    ----------
    store
        The store.
    stages
        Only the cases at these stages (None: every stage). Rows still
        holding a status of a release before cases are read as their stage.
    columns
        The columns to read (``type`` and ``status`` always): default, the
        layer's own and ``row_version``.

    Returns
    -------
    DataFrame of those columns, one row per case, indexed from 0.
    """
    wanted = set(schema.EVENT_STATUSES if stages is None else stages)
    stored = sorted(wanted | {old for old, new in schema.LEGACY_STAGES.items() if new in wanted})
    cols = list(dict.fromkeys(["type", "status", *columns]))
    frame = store.read_attributes(schema.INCIDENTS, cols, where={"status": stored})
    assets = [code for code, kind in store.incident_types().items() if kind.asset]
    keep = ~frame["type"].astype(str).isin(assets) & frame["status"].isin(list(wanted))
    return frame[keep.to_numpy()].reset_index(drop=True)


def _hours_past(deadline: pd.Series, at: datetime, overdue: np.ndarray) -> np.ndarray:
    """Hours from each deadline to ``at``, for the overdue rows (NaN for the others)."""
    due = pd.to_datetime(pd.Series(deadline, dtype=object), errors="coerce", utc=True, format="ISO8601")
    late = (pd.Timestamp(at).tz_convert("UTC") - due).dt.total_seconds().to_numpy(dtype=float) / 3600.0
    return np.round(np.where(overdue & (late > 0), late, np.nan), 1)


def _now(now: datetime | str | None) -> datetime:
    if now is None:
        return datetime.now(CST)
    out = datetime.fromisoformat(now) if isinstance(now, str) else now
    return out if out.tzinfo is not None else out.replace(tzinfo=CST)


def _clock(cases: pd.DataFrame, store: Store, limits: Any, now: datetime) -> pd.DataFrame:
    """:func:`geo.cases.timing.evaluate` of ``cases`` (storm mode from the store)."""
    if limits is None:
        limits = timing.load_limits()
    return timing.evaluate(cases, limits, now, storm=bool(storm_of(store)[0]))


def _names(store: Store, layer: str, key: str) -> dict[str, str]:
    """Id -> name of a layer's rows that have one."""
    df = store.read_attributes(layer, [key, "name"])
    if df.empty or key not in df.columns or "name" not in df.columns:
        return {}
    names = df["name"].astype(object).where(df["name"].notna(), None)
    return {str(k): str(v) for k, v in zip(df[key], names, strict=True) if v not in (None, "")}


def _wanted(values: Iterable[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = [str(v).strip() for v in values if str(v).strip()]
    return out or None


def _check_stages(stages: list[str] | None) -> None:
    for stage in stages or ():
        if stage not in schema.EVENT_STATUSES and stage not in schema.LEGACY_STAGES:
            raise OptionError.of("ledger.stage", stage=stage, allowed=", ".join(schema.EVENT_STATUSES))


def ledger(  # noqa: PLR0913 - the filters, keyword-only, as the ledger tab and the CLI give them
    store: Store,
    *,
    grids: Iterable[str] | str | None = None,
    types: Iterable[str] | str | None = None,
    stages: Iterable[str] | str | None = None,
    parties: Iterable[str] | str | None = None,
    overdue: bool = False,
    open_only: bool = True,
    now: datetime | str | None = None,
    limits: Any = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The ledger (台账): one row per case, open ones only by default.

    Parameters
    ----------
    store
        The store.
    grids, types, stages, parties
        Keep only cases of these grids, type codes, stage codes, or parties
        (a party by its id or its name); None keeps all. Stages named are
        listed even when they are ended ones (``closed``).
    overdue
        Keep only the cases overdue now.
    open_only
        Leave out the cases that have ended (closed, cancelled, merged);
        False lists every case.
    now
        The time the clock is read at (default: now, China Standard Time).
    limits
        :class:`geo.cases.timing.Limits` (default: :func:`geo.cases.timing.load_limits`).
    lang
        Language of the label columns (``zh`` or ``en``).

    Returns
    -------
    DataFrame with :data:`LEDGER_COLUMNS`: ``age_h`` in hours since the case
    opened, ``deadline`` ISO text (+08:00), ``used_pct`` the share of the
    limit used (percent), ``overdue_h`` the hours past the deadline of an
    overdue case, ``state`` one of on_time, warning, overdue, paused,
    ended, ``overdue`` a bool. Sorted by grid, overdue first, then deadline
    (none last), then id.
    """
    grids_, types_, stages_, parties_ = (_wanted(v) for v in (grids, types, stages, parties))
    stages_ = [schema.LEGACY_STAGES.get(s, s) for s in stages_] if stages_ else None
    _check_stages(stages_)
    read = stages_ or [s for s in schema.EVENT_STATUSES if not open_only or s not in schema.ENDED_STAGES]
    cases = cases_of(store, read, LEDGER_READ)
    for col, wanted in (("grid_id", grids_), ("type", types_)):
        if wanted:
            cases = cases[cases[col].astype(str).isin(wanted)]
    names = party_names(store, lang)
    if parties_:
        by_name = {name: pid for pid, name in names.items()}
        ids = {by_name.get(p, p) for p in parties_}
        cases = cases[cases["party"].astype(str).isin(ids)]
    cases = cases.reset_index(drop=True)
    at = _now(now)
    clock = _clock(cases, store, limits, at) if len(cases) else _empty_clock()
    if overdue:
        keep = (clock["state"] == "overdue").to_numpy()
        cases, clock = cases[keep].reset_index(drop=True), clock[keep].reset_index(drop=True)
    return _ledger_frame(store, cases, clock, names, lang, at)


def _empty_clock() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ("step", "deadline", "used", "state", "age_h")})


def _ledger_frame(store: Store, cases: pd.DataFrame, clock: pd.DataFrame, party_names: dict[str, str],  # noqa: PLR0913
                  lang: str, at: datetime) -> pd.DataFrame:
    types = store.incident_types()
    grid_names = _names(store, schema.GRIDS, "grid_id") if len(cases) else {}
    type_code = cases["type"].astype(str)
    labels = {code: (kind.label_en if lang == "en" else kind.label_zh) for code, kind in types.items()}
    stage = cases["status"].astype(str)
    urgency = cases["urgency"].astype(object).where(cases["urgency"].notna(), "normal").astype(str)
    party = cases["party"].astype(object).where(cases["party"].notna(), None)
    state = clock["state"].astype(object).to_numpy()
    used = pd.to_numeric(clock["used"], errors="coerce").to_numpy(dtype=float)
    out = pd.DataFrame({
        "grid_id": cases["grid_id"].astype(object).where(cases["grid_id"].notna(), None),
        "incident_id": cases["incident_id"].astype(str),
        "type": type_code,
        "type_label": _label(type_code, lambda c: labels.get(c, c)),
        "stage": stage,
        "stage_label": _label(stage, lambda s: t(f"status.{s}", lang)),
        "urgency": urgency,
        "urgency_label": _label(urgency, lambda u: t(f"urgency.{u}", lang)),
        "reported_at": cases["reported_at"].astype(object).where(cases["reported_at"].notna(), None),
        "age_h": np.round(pd.to_numeric(clock["age_h"], errors="coerce").to_numpy(dtype=float), 1),
        "party": party,
        "step": clock["step"].astype(object).to_numpy(),
        "deadline": clock["deadline"].astype(object).to_numpy(),
        "used_pct": np.round(used * 100.0, 0),
        "overdue_h": _hours_past(clock["deadline"], at, state == "overdue"),
        "state": state,
        "state_label": _label(pd.Series(state, dtype=object).fillna(""),
                              lambda s: t(f"ledger.state.{s}", lang) if s else "").to_numpy(),
        "overdue": state == "overdue",
        "reworks": pd.to_numeric(cases["reworks"], errors="coerce").fillna(0).astype(int).to_numpy(),
        "reason": cases["reason"].astype(object).where(cases["reason"].notna() & (stage == "parked"), None),
        "description": cases["description"].astype(object).where(cases["description"].notna(), ""),
        "row_version": pd.to_numeric(cases["row_version"], errors="coerce").fillna(1).astype(int).to_numpy(),
    })
    out["grid_name"] = _label(out["grid_id"].fillna(""), lambda g: grid_names.get(g, ""))
    out["party_name"] = _label(out["party"].fillna(""), lambda p: party_names.get(p, p))
    out = out.sort_values(["grid_id", "overdue", "deadline", "incident_id"], ascending=[True, False, True, True],
                          na_position="last", kind="stable")
    return out[list(LEDGER_COLUMNS)].reset_index(drop=True)


def _label(codes: pd.Series, word: Any) -> pd.Series:
    """``word(code)`` of every code, computed once per distinct code."""
    return codes.map({c: word(c) for c in pd.unique(codes)})


# -- figures ----------------------------------------------------------------------------------------


def _moment(value: date | datetime | str | None, *, end: bool) -> pd.Timestamp | None:
    """A period bound as a UTC time: a date is its day's start (``end``: the next day's start), CST."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError as exc:
            raise OptionError.of("ledger.bad_date", value=value) from exc
    if isinstance(value, date) and not isinstance(value, datetime):
        day = datetime.combine(value, time(0), tzinfo=CST)
        value = day + timedelta(days=1) if end else day
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(CST)
    return stamp.tz_convert("UTC")


def _times(values: pd.Series) -> pd.Series:
    """ISO text as UTC times (NaT where empty or unreadable)."""
    return pd.to_datetime(values.astype(object).where(values.notna(), None), format="ISO8601", utc=True,
                          errors="coerce", cache=False)  # the cache costs more than it saves on mostly distinct times


def _within(times: pd.Series, start: pd.Timestamp | None, end: pd.Timestamp | None) -> np.ndarray:
    ok = times.notna().to_numpy().copy()
    if start is not None:
        ok &= (times >= start).fillna(False).to_numpy(dtype=bool)
    if end is not None:
        ok &= (times < end).fillna(False).to_numpy(dtype=bool)
    return ok


def figures(  # noqa: PLR0913 - keyword options, as the overview and the CLI give them
    store: Store,
    *,
    by: str = "grid",
    start: date | datetime | str | None = None,
    end: date | datetime | str | None = None,
    now: datetime | str | None = None,
    limits: Any = None,
    lang: str = "zh",
) -> pd.DataFrame:
    """The figures per grid (or per party) over a period, and a total row.

    Parameters
    ----------
    store
        The store.
    by
        ``grid`` (every grid of the store, cases with none apart) or
        ``party`` (every party of the ``parties`` table and every party a
        case names; cases not dispatched apart).
    start, end
        The period: a date (its whole day, China Standard Time) or an ISO
        time; ``end`` is excluded for a time, included for a date. None:
        unbounded.
    now
        When "overdue now" and "parked now" are read (default: now).
    limits
        :class:`geo.cases.timing.Limits` (default: :func:`geo.cases.timing.load_limits`).
    lang
        Language of the ``name`` column (the total row's, and a group's with no grid or party).

    Returns
    -------
    DataFrame: the group's key (``grid_id`` or ``party``), ``name``, then
    :data:`FIGURE_COLUMNS` and ``total`` (True on the last row, the sum of
    every group). Counts over the period: ``reported`` (reported in it),
    ``accepted``, ``handled`` (handled in it, on-the-spot fixes included),
    ``handled_on_time`` (of those, within the limit), ``reworked`` (of
    those, sent back at least once), ``on_spot`` (fixed on the spot),
    ``closed`` (closed in it, cancelled and merged cases not counted),
    ``close_median_h`` and ``close_p90_h`` (hours from opening to closing of
    those closed); now: ``overdue_now`` (open and overdue), ``parked``
    (open and parked). Rates as fractions (NaN when nothing to divide by):
    ``on_time_rate`` = handled_on_time / (handled + overdue_now),
    ``rework_rate`` = reworked / handled.
    """
    if by not in _GROUPS:
        raise OptionError.of("ledger.by", by=by, allowed=", ".join(_GROUPS))
    key = _GROUPS[by]
    lo, hi = _moment(start, end=False), _moment(end, end=True)
    at = _now(now)
    cases = cases_of(store, columns=FIGURES_READ)
    open_ = ~cases["status"].isin(schema.ENDED_STAGES).to_numpy()
    overdue_now = np.zeros(len(cases), dtype=bool)
    if open_.any():
        clock = _clock(cases[open_].reset_index(drop=True), store, limits, at)
        overdue_now[np.flatnonzero(open_)] = (clock["state"] == "overdue").to_numpy()
    if hi is not None:  # a case reported after the period is not late in it
        reported_before = ~(_times(cases["reported_at"]) >= hi).fillna(False).to_numpy(dtype=bool)
        overdue_now &= reported_before
    opened = _times(cases["opened_at"].where(cases["opened_at"].notna(), cases["reported_at"]))
    closed_at = _times(cases["closed_at"])
    stage = cases["status"].astype(str).to_numpy()
    handled = _within(_times(cases["handled_at"]), lo, hi)
    late = cases["handled_late"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    reworks = pd.to_numeric(cases["reworks"], errors="coerce").fillna(0).to_numpy() > 0
    on_spot = cases["on_spot"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    closed = _within(closed_at, lo, hi) & (stage == "closed")
    hours = ((closed_at - opened).dt.total_seconds() / 3600.0).to_numpy(dtype=float)
    flags = pd.DataFrame({
        "reported": _within(_times(cases["reported_at"]), lo, hi),
        "accepted": _within(_times(cases["accepted_at"]), lo, hi),
        "handled": handled,
        "handled_on_time": handled & ~late,
        "overdue_now": overdue_now,
        "reworked": handled & reworks,
        "on_spot": closed & on_spot,
        "parked": stage == "parked",
        "closed": closed,
    })
    keys = _group_keys(store, by, cases)
    code = pd.Categorical(cases[key].astype(object).where(cases[key].notna(), None), categories=keys).codes
    code = np.where(code < 0, len(keys), code).astype(np.int64)  # len(keys): the cases of no grid (or no party)
    n_groups = len(keys) + 1
    out = pd.DataFrame({c: np.bincount(code, weights=flags[c].to_numpy(dtype=float), minlength=n_groups)
                        for c in flags.columns}).astype(int)
    out.index = pd.Index([*keys, _NONE])
    closed_h = pd.Series(np.where(closed, hours, np.nan))
    quant = closed_h.groupby(code).quantile([0.5, 0.9]).unstack() if len(code) else pd.DataFrame()
    for q, col in ((0.5, "close_median_h"), (0.9, "close_p90_h")):
        out[col] = quant[q].reindex(range(n_groups)).to_numpy() if len(quant) else np.nan
    if not (code == len(keys)).any():
        out = out.iloc[:-1]
    total = out.drop(columns=["close_median_h", "close_p90_h"]).sum().to_frame().T.astype(int)
    ok = hours[closed & ~np.isnan(hours)]
    total["close_median_h"] = float(np.quantile(ok, 0.5)) if ok.size else np.nan
    total["close_p90_h"] = float(np.quantile(ok, 0.9)) if ok.size else np.nan
    total.index = pd.Index([_TOTAL])
    out = pd.concat([out, total])
    return _figures_frame(store, out, key, by, lang)


def _group_keys(store: Store, by: str, cases: pd.DataFrame) -> list[str]:
    """Every group in order: the store's grids (or parties) first, then those only cases name."""
    if by == "grid":
        listed = [str(g) for g in store.read_attributes(schema.GRIDS, ["grid_id"])["grid_id"]]
        column = "grid_id"
    else:
        parties = store.read_table(PARTIES) if PARTIES in store.tables() else pd.DataFrame()
        listed = [str(p) for p in parties["party_id"]] if "party_id" in parties.columns else []
        column = "party"
    named = cases[column].dropna().astype(str)
    extra = sorted(set(named[named != ""]) - set(listed))
    return list(dict.fromkeys(listed + extra))


def _figures_frame(store: Store, out: pd.DataFrame, key: str, by: str, lang: str) -> pd.DataFrame:
    names = _names(store, schema.GRIDS, "grid_id") if by == "grid" else party_names(store, lang)
    keys = list(out.index)
    frame = out.reset_index(drop=True)
    frame.insert(0, key, pd.Series([None if k in (_NONE, _TOTAL) else k for k in keys], dtype=object))
    label = {_NONE: t(f"ledger.no_{by}", lang), _TOTAL: t("ledger.total", lang)}
    frame.insert(1, "name", [label.get(k) or names.get(k, k) for k in keys])
    handled, late_open = frame["handled"].to_numpy(float), frame["overdue_now"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["on_time_rate"] = np.where(handled + late_open > 0,
                                         frame["handled_on_time"] / (handled + late_open), np.nan)
        frame["rework_rate"] = np.where(handled > 0, frame["reworked"] / handled, np.nan)
    for col in ("close_median_h", "close_p90_h"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float).round(1)
    frame["total"] = [k is _TOTAL for k in keys]
    return frame[[key, "name", *FIGURE_COLUMNS, "total"]]
