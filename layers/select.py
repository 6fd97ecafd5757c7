"""Filtering and searching the layers for the map (no drawing here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import schema

__all__ = ["CASE_VIEWS", "Filters", "Hit", "filter_incidents", "local_times", "report_days", "search", "view_bounds"]

#: Times are shown and filtered in China Standard Time.
LOCAL_TZ = "Asia/Shanghai"


@dataclass(frozen=True)
class Filters:
    """What the user chose to see. ``None`` means "no restriction".

    Attributes
    ----------
    grids
        Grid ids to show incidents of (``""`` stands for outside every grid).
    types, statuses
        Incident type and status codes.
    date_from, date_to
        Inclusive range of the local date an incident was reported; an
        incident without a date is kept only when neither bound is set.
    cases
        The case view: ``open`` (cases not ended, and assets needing
        action), ``overdue`` or ``warning`` (cases whose clock says so; the
        states come with :func:`filter_incidents`), or one stage code.
    """

    grids: tuple[str, ...] | None = None
    types: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    date_from: date | None = None
    date_to: date | None = None
    cases: str | None = None


#: The case views that are not a stage.
CASE_VIEWS = ("open", "overdue", "warning")


def local_times(values: pd.Series) -> pd.Series:
    """ISO 8601 texts as naive local (China Standard Time) datetimes.

    Texts with an offset are converted; texts without one are taken as local
    time already. Unreadable values become ``NaT``.
    """
    text = values.astype("string")
    has_tz = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True, na=False)
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if has_tz.any():
        aware = pd.to_datetime(text[has_tz], errors="coerce", utc=True, format="ISO8601")
        out[has_tz] = aware.dt.tz_convert(LOCAL_TZ).dt.tz_localize(None).astype("datetime64[ns]")
    if (~has_tz).any():
        out[~has_tz] = pd.to_datetime(text[~has_tz], errors="coerce", format="ISO8601").astype("datetime64[ns]")
    return out


def report_days(incidents: pd.DataFrame) -> tuple[date, date] | None:
    """The first and last day (China Standard Time) incidents were reported, None without a readable time."""
    ends = _text_ends(incidents["reported_at"])
    if ends is not None:  # the earliest and latest text are the earliest and latest times: read those two
        dates = local_times(pd.Series(ends, dtype=object))
        if dates.notna().all():
            return dates.min().date(), dates.max().date()
    dates = local_times(incidents["reported_at"]).dropna()
    return (dates.min().date(), dates.max().date()) if len(dates) else None


#: An ISO 8601 time (its offset, if any, in the group ``tz``).
_ISO = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?P<tz>Z|[+-]\d\d:?\d\d)?")


def _text_ends(values: pd.Series) -> tuple[str, str] | None:
    """The first and last of ``values`` in text order, when that is their time order; else None.

    It is when the first text is an ISO 8601 time and every other has its
    shape: a digit where it has a digit, its very character elsewhere, and
    its offset. Fields of a fixed width, largest first, then sort as
    times. A million texts take milliseconds here against a second to read
    them all as times. Missing values are left out.
    """
    try:
        arr = pa.array(values.to_numpy(dtype=object), type=pa.string(), from_pandas=True).drop_null()
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not len(arr):
        return None
    first = str(arr[0].as_py())
    match = _ISO.fullmatch(first)
    ref = np.frombuffer(first.encode(), dtype=np.uint8)
    width = len(ref)
    if match is None or pc.min_max(pc.binary_length(arr)).as_py() != {"min": width, "max": width}:
        return None
    start = int(np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset])
    texts = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[start:start + len(arr) * width].reshape(len(arr), width)
    fixed = ~((ref >= ord("0")) & (ref <= ord("9")))
    if match.start("tz") >= 0:
        fixed[match.start("tz"):] = True  # one offset for all
    digits = texts[:, ~fixed]
    if not ((texts[:, fixed] == ref[fixed]).all() and ((digits >= ord("0")) & (digits <= ord("9"))).all()):
        return None
    ends = pc.min_max(arr).as_py()
    return str(ends["min"]), str(ends["max"])


def filter_incidents(incidents: gpd.GeoDataFrame, filters: Filters, *, states: pd.Series | None = None) -> gpd.GeoDataFrame:
    """The incidents that pass ``filters`` (index and columns kept).

    ``states`` (the clock state of each case, indexed like ``incidents``) is
    needed by the case views ``overdue`` and ``warning``; without it they
    keep nothing.
    """
    keep = np.ones(len(incidents), dtype=bool)
    if filters.cases:
        stage = incidents["status"].fillna("").astype(str).map(lambda s: schema.LEGACY_STAGES.get(s, s))
        if filters.cases == "open":
            keep &= stage.isin(list(schema.OPEN_STATUSES)).to_numpy()
        elif filters.cases in ("overdue", "warning"):
            got = states.reindex(incidents.index) if states is not None else pd.Series("", index=incidents.index)
            keep &= (got.fillna("").astype(str) == filters.cases).to_numpy()
        else:
            keep &= (stage == filters.cases).to_numpy()
    if filters.grids is not None:
        gid = incidents["grid_id"].fillna("").astype(str)
        keep &= gid.isin(filters.grids).to_numpy()
    if filters.types is not None:
        keep &= incidents["type"].astype(str).isin(filters.types).to_numpy()
    if filters.statuses is not None:
        keep &= incidents["status"].fillna("").astype(str).isin(filters.statuses).to_numpy()
    if filters.date_from is not None or filters.date_to is not None:
        day = local_times(incidents["reported_at"]).dt.normalize()
        ok = day.notna()
        if filters.date_from is not None:
            ok &= day >= pd.Timestamp(filters.date_from)
        if filters.date_to is not None:
            ok &= day <= pd.Timestamp(filters.date_to)
        keep &= ok.to_numpy()
    return incidents[keep]


@dataclass(frozen=True)
class Hit:
    """One search result: a building or an incident."""

    kind: str
    id: str
    name: str
    grid_id: str


def search(buildings: gpd.GeoDataFrame, incidents: gpd.GeoDataFrame, query: str, *, limit: int = 20) -> list[Hit]:
    """Buildings whose name or id contains ``query``, then incidents whose id does.

    Exact matches come first. Case is ignored.
    """
    q = query.strip().lower()
    if not q:
        return []
    hits: list[tuple[int, Hit]] = []
    for _, row in _matches(buildings, ("name", "building_id"), q).iterrows():
        name = "" if pd.isna(row["name"]) else str(row["name"])
        exact = q in (name.lower(), str(row["building_id"]).lower())
        hits.append((0 if exact else 1, Hit("building", str(row["building_id"]), name, _text(row["grid_id"]))))
    for _, row in _matches(incidents, ("incident_id",), q).iterrows():
        exact = q == str(row["incident_id"]).lower()
        hits.append((0 if exact else 2, Hit("incident", str(row["incident_id"]), str(row["type"]), _text(row["grid_id"]))))
    hits.sort(key=lambda h: h[0])
    return [h for _, h in hits[:limit]]


def _matches(gdf: gpd.GeoDataFrame, columns: tuple[str, ...], q: str) -> gpd.GeoDataFrame:
    mask = np.zeros(len(gdf), dtype=bool)
    for col in columns:
        mask |= gdf[col].astype("string").str.lower().str.contains(q, regex=False, na=False).to_numpy()
    return gdf[mask]


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def view_bounds(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the layer, or None when it is empty."""
    geoms = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    geoms = geoms[~(geoms.isna() | geoms.is_empty)]
    if len(geoms) == 0:
        return None
    minx, miny, maxx, maxy = (float(v) for v in geoms.total_bounds)
    return [[miny, minx], [maxy, maxx]]
