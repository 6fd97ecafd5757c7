"""Conforming a layer's columns to the schema: the steps of :func:`geo.io.conform` (internal).

Renaming (mapped, truncated Shapefile names, case), names the store would
confuse, the column limit, ids numbered from rows, value maps, coercion of
every value kind, incident types, statuses and severities, and times.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import i18n, schema
from .errors import OptionError, SchemaError
from .report import ERROR, WARNING, Rows, ValidationReport, layer_term, positions
from .safe import printable

__all__ = ["MAX_COLUMNS", "apply_value_maps", "check_required", "coerce", "conform_incidents", "ids_from_rows",
           "limit_columns", "rename_columns"]

#: Most attribute columns kept (a store table holds at most 2,000, and a
#: merge with the stored layer adds its own extra columns).
MAX_COLUMNS: Final = 1_000
#: Names the store uses itself (GeoPackage key and geometry), any case.
_STORE_NAMES: Final = ("fid", "geom", "geometry")
#: Control characters (C0 but tab, newline and carriage return; DEL; C1).
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Allowed range of number columns: (lowest, highest), both included.
_RANGES: Final = {"depth_cm": (0.0, 10_000.0)}
#: Default prefix of ids numbered from rows.
_ROW_PREFIX: Final = {schema.GRIDS: "G", schema.BUILDINGS: "B", schema.INCIDENTS: "I", schema.STREETS: "S",
                         schema.FLOOD_ZONES: "Z"}


_TRUE: Final = {"true", "yes", "y", "1", "是", "有", "t"}
_FALSE: Final = {"false", "no", "n", "0", "否", "无", "f"}


def rename_columns(gdf: gpd.GeoDataFrame, kind: str, fields: dict[str, str], type_field: str | None,
                   report: ValidationReport) -> gpd.GeoDataFrame:
    """The user's columns renamed to the schema's (``fields``: schema column to the user's; completed in place)."""
    if type_field:
        fields.setdefault("type", type_field)
    unknown = [k for k in fields if k not in schema.COLUMNS[kind]]
    if unknown:
        raise SchemaError.of("io.unknown_field", fields=", ".join(unknown), layer=layer_term(kind),
                             columns=", ".join(schema.COLUMNS[kind]))
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    if len(set(columns)) != len(columns):
        raise SchemaError.of("io.duplicate_columns",
                             columns=_column_list(sorted({c for c in columns if columns.count(c) > 1})))
    missing = [v for v in fields.values() if v not in columns]
    if missing:
        raise SchemaError.of("io.no_mapped_column", missing=", ".join(map(repr, missing)),
                             columns=_column_list(columns))
    _map_truncated(gdf, kind, fields)
    _map_case(columns, kind, fields, report)
    reverse = {v: k for k, v in fields.items()}
    clash = [k for k, v in fields.items() if k in gdf.columns and k != v]
    out = gdf.drop(columns=clash).rename(columns=reverse)
    if clash:
        report.issue(WARNING, "column_replaced", columns=", ".join(clash))
    return _no_collisions(out, kind, report)


def _map_truncated(gdf: gpd.GeoDataFrame, kind: str, fields: dict[str, str]) -> None:
    """Map Shapefile field names cut to 10 characters (``building_i``) onto the schema's.

    Each is taken as the schema column it abbreviates, unless the user
    mapped it.
    """
    by_lower = {str(c).lower(): str(c) for c in gdf.columns}
    taken = set(fields.values())
    for col in schema.COLUMNS[kind]:
        if len(col) <= 10 or col in fields or col in gdf.columns or col in schema.DERIVED[kind]:
            continue
        short = by_lower.get(col[:10])
        if short is not None and short not in taken:
            fields[col] = short
            taken.add(short)


def _map_case(columns: list[str], kind: str, fields: dict[str, str], report: ValidationReport) -> None:
    """Take ``NAME`` (or KML's ``Name``) as ``name`` when no column is named so exactly."""
    taken = set(fields.values())
    found: list[str] = []
    for col in schema.COLUMNS[kind]:
        if col in fields or col in columns or col in schema.DERIVED[kind]:
            continue
        same = [c for c in columns if c.lower() == col and c not in taken]
        if len(same) == 1:
            fields[col] = same[0]
            taken.add(same[0])
            found.append(f"{same[0]} → {col}")
    if found:
        report.issue(WARNING, "column_case_mapped", columns=", ".join(found))


def _no_collisions(gdf: gpd.GeoDataFrame, kind: str, report: ValidationReport) -> gpd.GeoDataFrame:
    """Rename columns that the store would take for another.

    Names are case-insensitive there, and ``fid`` / ``geom`` are its own.
    """
    geom = gdf.geometry.name
    names = [str(c) for c in gdf.columns if c != geom]
    canonical = set(schema.COLUMNS[kind])
    # a schema column (derived ones too: the joins add them) keeps its name;
    # of other names equal but for case, the first keeps it
    keeper: dict[str, str] = {c.lower(): c for c in canonical}
    for c in names:
        keeper.setdefault(c.lower(), c)
    reserved = set(_STORE_NAMES)
    taken = {c.lower() for c in names} | reserved | set(keeper)
    renames: dict[str, str] = {}
    for c in names:
        low = c.lower()
        if low not in reserved and keeper[low] == c:
            continue
        new, n = f"{c}_src", 2
        while new.lower() in taken:
            new, n = f"{c}_src{n}", n + 1
        taken.add(new.lower())
        renames[c] = new
    if not renames:
        return gdf
    report.issue(WARNING, "column_renamed",
                 columns=", ".join(f"{old} → {new}" for old, new in renames.items()))
    return gdf.rename(columns=renames)


def _column_list(columns: list[str], limit: int = 30) -> str:
    shown = ", ".join(printable(c, 60) for c in columns[:limit])
    return shown + (f" … (+{len(columns) - limit})" if len(columns) > limit else "") if columns else "-"


def limit_columns(gdf: gpd.GeoDataFrame, kind: str, report: ValidationReport) -> gpd.GeoDataFrame:
    """At most :data:`MAX_COLUMNS` columns: the schema's, then extras in file order (the rest dropped, listed)."""
    geom = gdf.geometry.name
    names = [c for c in gdf.columns if c != geom]
    if len(names) + len(schema.DERIVED[kind]) <= MAX_COLUMNS:
        return gdf
    own = [c for c in names if c in schema.COLUMNS[kind]]
    extra = [c for c in names if c not in schema.COLUMNS[kind]]
    room = max(MAX_COLUMNS - len(own) - len(schema.DERIVED[kind]), 0)
    kept, dropped = extra[:room], extra[room:]
    report.issue(WARNING, "columns_dropped", n=len(dropped), total=len(names), limit=MAX_COLUMNS,
                 first=printable(str(dropped[0]), 60), last=printable(str(dropped[-1]), 60))
    return gdf[own + kept + [geom]]


def ids_from_rows(gdf: gpd.GeoDataFrame, kind: str, prefix: str, type_value: str | None, base: int,
                  report: ValidationReport) -> gpd.GeoDataFrame:
    """Ids numbered from the rows: ``prefix`` and the row's line or feature number (see :func:`geo.io.conform`)."""
    id_col = schema.ID_COLUMN[kind]
    if not prefix:
        prefix = f"{type_value}-" if kind == schema.INCIDENTS and type_value else _ROW_PREFIX[kind]
    if _ANY_CONTROL.search(prefix) or len(prefix) > 40:
        raise OptionError.of("io.id_prefix_bad", prefix=printable(prefix, 60))
    out = gdf
    if id_col in out.columns:
        kept = f"{id_col}_src"
        n = 2
        while kept.lower() in {str(c).lower() for c in out.columns}:
            kept, n = f"{id_col}_src{n}", n + 1
        out = out.rename(columns={id_col: kept})
        report.issue(WARNING, "ids_replaced", column=id_col, kept=kept)
    pos = positions(out, np.ones(len(out), dtype=bool))
    out = out.copy()
    out[id_col] = [f"{prefix}{p + base}" for p in pos]
    report.issue(WARNING, "ids_from_lines" if base >= 2 else "ids_from_features", n=len(out), column=id_col,
                 first=f"{prefix}{base}", prefix=prefix)
    return out


def check_required(gdf: gpd.GeoDataFrame, kind: str) -> None:
    """Refuse a layer without the id column (incidents: or without the type column)."""
    missing = [c for c in schema.REQUIRED[kind] if c not in gdf.columns]
    if missing:
        cols = [str(c) for c in gdf.columns if c != gdf.geometry.name]
        key = "io.no_type_column" if missing[0] == "type" else "io.no_id_column"
        raise SchemaError.of(key, layer=layer_term(kind), column=missing[0], columns=_column_list(cols))


def apply_value_maps(gdf: gpd.GeoDataFrame, kind: str, maps: dict[str, Mapping[str, str]]) -> gpd.GeoDataFrame:
    """The user's values replaced by ours, per column (matched as written, then ignoring case)."""
    if not maps:
        return gdf
    columns = [str(c) for c in gdf.columns if c != gdf.geometry.name]
    unknown = [c for c in maps if c not in columns and c not in schema.COLUMNS[kind]]
    if unknown:
        raise OptionError.of("io.map_unknown_column", columns=", ".join(unknown), have=_column_list(columns))
    out = gdf.copy()
    for col, table in maps.items():
        if col not in out.columns:
            continue
        exact = {str(k).strip(): str(v).strip() for k, v in table.items()}
        folded = {k.lower(): v for k, v in exact.items()}

        def one(v: object, exact: dict[str, str] = exact, folded: dict[str, str] = folded) -> object:
            if v is None:
                return None
            text = str(v).strip()
            if isinstance(v, float) and v.is_integer():
                text = str(int(v))
            return exact.get(text, folded.get(text.lower(), v))

        out[col] = _map_unique(out[col], one)
    return out


def coerce(gdf: gpd.GeoDataFrame, kind: str, base: int, report: ValidationReport, *,
           max_text: int, max_id: int) -> gpd.GeoDataFrame:
    """Each schema column as its kind (text, whole number, number, yes/no); bad cells reported and left empty.

    Control characters are refused in ids and stripped from other text (the
    extra columns too); text longer than ``max_text`` (ids: ``max_id``) is
    an error.
    """
    out = gdf.copy()
    id_col = schema.ID_COLUMN[kind]
    for col, k in schema.COLUMNS[kind].items():
        if col not in out.columns or col in schema.DERIVED[kind]:
            continue
        s = out[col]
        if k == "str" and col == "reported_at" and _iso_from_datetimes(s.iloc[:0]) is not None:
            continue  # a datetime column: written as ISO 8601 text by _iso_times
        if k == "str":
            text = _text_column(s)
            out[col] = _check_text(text, col, base, report, max_len=max_id if col == id_col else max_text,
                                   is_id=col == id_col)
        elif k in ("int", "float"):
            out[col] = _coerce_number(s, col, k, base, report)
        elif k == "bool":
            b = _map_unique(s, _to_bool)
            bad = (b.isna() & _map_unique(s, _blank_to_na).notna()).to_numpy().copy()
            if bad.any():
                _bad(report, "bad_bool", col, s, bad, base, values=_distinct(s[bad]),
                     example=_map_example(col, s[bad], "yes"))
            out[col] = b.astype("boolean")
    _strip_extras(out, kind, base, report)
    return out


def _strip_extras(out: gpd.GeoDataFrame, kind: str, base: int, report: ValidationReport) -> None:
    """Control characters out of every extra text column of ``out`` (in place)."""
    cleaned: dict[str, pd.Series] = {}
    for col in out.columns:
        if col == out.geometry.name or col in schema.COLUMNS[kind]:
            continue
        if not (pd.api.types.is_object_dtype(out[col].dtype) or pd.api.types.is_string_dtype(out[col].dtype)):
            continue
        s = _strip_control(out[col], str(col), base, report)
        if s is not out[col]:
            cleaned[col] = s
    for col, s in cleaned.items():
        out[col] = s


def _coerce_number(s: pd.Series, col: str, k: str, base: int, report: ValidationReport) -> pd.Series:
    """A number column (``k``: ``int`` or ``float``) as numbers; bad, fractional or out-of-range cells reported and empty."""
    given = _map_unique(s, _blank_to_na)
    num = pd.to_numeric(given, errors="coerce")
    bad = (num.isna() & given.notna()).to_numpy().copy()
    finite = np.isfinite(num.to_numpy(dtype=float, na_value=np.nan))
    bad |= num.notna().to_numpy() & ~finite
    if bad.any():
        _bad(report, "bad_number", col, s, bad, base)
    lo_hi = _RANGES.get(col)
    if k == "int":
        frac = num.notna().to_numpy() & finite & (num.round() != num).to_numpy()
        if frac.any():
            _bad(report, "bad_integer", col, s, frac, base)
        huge = num.notna().to_numpy() & finite & ~frac & (num.abs() > 2**53).to_numpy()
        if huge.any():
            _bad(report, "out_of_range", col, s, huge, base, low=f"{-(2**53)}", high=f"{2**53}")
        bad |= frac | huge
    elif lo_hi is not None:
        out_of = num.notna().to_numpy() & finite & ~num.between(*lo_hi).to_numpy()
        if out_of.any():
            _bad(report, "out_of_range", col, s, out_of, base, low=f"{lo_hi[0]:g}", high=f"{lo_hi[1]:g}")
        bad |= out_of
    num = num.mask(bad)
    return num.round().astype("Int64") if k == "int" else num.astype(float)


def _check_text(text: pd.Series, col: str, base: int, report: ValidationReport, *, max_len: int,
                is_id: bool) -> pd.Series:
    """Refuse control characters in ids and text over ``max_len``; strip control characters from text."""
    codes, uniques = pd.factorize(text, use_na_sentinel=True)
    if len(uniques) == 0:
        return text
    u = pd.Series(uniques, dtype=object).astype(str)
    pattern = _ANY_CONTROL if is_id else _CONTROL
    ctrl_u = u.str.contains(pattern).to_numpy()
    long_u = (u.str.len() > max_len).to_numpy()
    out = text
    if ctrl_u.any():
        ctrl = np.zeros(len(text), dtype=bool)
        ctrl[codes >= 0] = ctrl_u[codes[codes >= 0]]
        if is_id:
            _bad(report, "control_in_id", col, text, ctrl, base)
            out = out.mask(ctrl, None)
        else:
            cleaned = u.str.replace(pattern, "", regex=True).str.strip()
            mapped = np.where(ctrl_u, cleaned.to_numpy(dtype=object), uniques)
            values = np.empty(len(mapped) + 1, dtype=object)
            values[:-1] = [v if v != "" else None for v in mapped]
            values[-1] = None
            out = pd.Series(values[codes], index=text.index, dtype=object)
            report.issue(WARNING, "control_stripped", column=col, n=int(ctrl.sum()),
                         rows=Rows.of(positions(text.to_frame(), ctrl), base))
    if long_u.any():
        long_ = np.zeros(len(text), dtype=bool)
        long_[codes >= 0] = long_u[codes[codes >= 0]]
        pos = positions(text.to_frame(), long_)
        report.issue(ERROR, "text_too_long", column=col, n=int(long_.sum()), limit=max_len,
                     longest=int(u.str.len().max()), rows=Rows.of(pos, base))
        out = out.mask(long_, None)
    return out


def _strip_control(s: pd.Series, col: str, base: int, report: ValidationReport) -> pd.Series:
    """Control characters out of an extra text column (with a warning)."""
    codes, uniques = pd.factorize(s, use_na_sentinel=True)
    if len(uniques) == 0:
        return s
    is_str = np.fromiter((type(v) is str for v in uniques), dtype=bool, count=len(uniques))
    if not is_str.any():
        return s
    u = pd.Series(uniques, dtype=object)
    ctrl_u = np.zeros(len(uniques), dtype=bool)
    ctrl_u[is_str] = u[is_str].str.contains(_CONTROL).to_numpy(dtype=bool)
    if not ctrl_u.any():
        return s
    ctrl = np.zeros(len(s), dtype=bool)
    ctrl[codes >= 0] = ctrl_u[codes[codes >= 0]]
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [_CONTROL.sub("", v) if c else v for v, c in zip(uniques, ctrl_u, strict=True)]
    values[-1] = None
    report.issue(WARNING, "control_stripped", column=col, n=int(ctrl.sum()),
                 rows=Rows.of(positions(s.to_frame(), ctrl), base))
    return pd.Series(values[codes], index=s.index, dtype=object)


def _bad(report: ValidationReport, code: str, col: str, cells: pd.Series, mask: np.ndarray, base: int,
         **extra: object) -> None:
    pos = positions(cells.to_frame(), mask)
    shown = cells.to_numpy()[mask][: Rows.SHOWN]
    params: dict[str, object] = {"column": col, "n": int(mask.sum()),
                                 "rows": Rows.of(pos, base, [v for v in shown]), **extra}
    report.issue(ERROR, code, **params)  # type: ignore[arg-type]


def _distinct(values: pd.Series, limit: int = 20) -> str:
    """``'Open' (25), 'Closed' (3)``: every distinct value with its count (the first ``limit``)."""
    counts = values.astype(str).value_counts()
    shown = ", ".join(f"{printable(str(v), 40)!r} ({n})" for v, n in counts.iloc[:limit].items())
    return shown + (f" … (+{len(counts) - limit})" if len(counts) > limit else "")


def _map_example(col: str, values: pd.Series, target: str) -> str:
    first = printable(str(values.astype(str).value_counts().index[0]), 40)
    return f"--map {col}={first}:{target}"


def conform_incidents(gdf: gpd.GeoDataFrame, types: Mapping[str, schema.IncidentType], base: int,
                      report: ValidationReport) -> gpd.GeoDataFrame:
    """Incident types, statuses (defaults of the type where blank), severities and times as our codes."""
    out = gdf.copy()
    by_label = {}
    for t in types.values():
        by_label[t.code.lower()] = t.code
        by_label[t.label_zh] = t.code
        by_label[t.label_en.lower()] = t.code
    raw = _nullable(out["type"])
    codes = _nullable(_map_unique(raw, lambda v: None if v is None else
                                  by_label.get(str(v).strip().lower(), by_label.get(str(v).strip()))))
    unknown = codes.isna() & raw.notna()
    if unknown.any():
        report.issue(ERROR, "unknown_type", n=int(unknown.sum()), values=_distinct(raw[unknown]),
                     codes=", ".join(types), example=_map_example("type", raw[unknown], next(iter(types))))
    no_type = raw.isna()
    if no_type.any():
        report.issue(ERROR, "missing_type", n=int(no_type.sum()),
                     rows=Rows.of(positions(out, no_type.to_numpy()), base))
    out["type"] = codes.astype(object)
    given = "status" in out.columns
    status_raw = _nullable(out["status"]) if given else pd.Series([None] * len(out), index=out.index, dtype=object)
    status_codes = {**_labels("status", (*schema.ASSET_STATUSES, *schema.EVENT_STATUSES)), **_LEGACY_STATUS}
    status = _nullable(_map_unique(status_raw, lambda v: _code(v, status_codes)))
    known = codes.notna()
    blank = status.isna() & known
    if blank.any():
        defaults = out["type"].map({c: t.default_status for c, t in types.items()})
        status = status.where(~blank, defaults)
        counts = defaults[blank].astype(str) + " (" + out.loc[blank, "type"].astype(str) + ")"
        report.issue(WARNING, "status_default" if given else "status_column_default", n=int(blank.sum()),
                     defaults=", ".join(f"{k}: {v}" for k, v in counts.value_counts().items()))
    all_codes = set(schema.ASSET_STATUSES) | set(schema.EVENT_STATUSES)
    not_code = status.notna() & ~status.isin(all_codes)
    if not_code.any():
        report.issue(ERROR, "unknown_status", n=int(not_code.sum()), values=_distinct(status_raw[not_code]),
                     example=_map_example("status", status_raw[not_code], "reported"))
    wrong = pd.Series(False, index=out.index)
    for code in codes[known].unique():
        of_type = out["type"] == code
        wrong |= of_type & status.notna() & status.isin(all_codes) & ~status.isin(types[code].statuses)
    if wrong.any():
        pairs = (out.loc[wrong, "type"].astype(str) + ": " + status[wrong].astype(str))
        report.issue(ERROR, "status_not_allowed", n=int(wrong.sum()), values=_distinct(pairs),
                     rows=Rows.of(positions(out, wrong.to_numpy()), base))
    out["status"] = status.where(~(not_code | wrong), None).astype(object)
    if "severity" in out.columns:
        severity_codes = _labels("severity", schema.SEVERITIES)
        sev_raw = _nullable(out["severity"])
        sev = _nullable(_map_unique(sev_raw, lambda v: _code(v, severity_codes)))
        bad_sev = sev.notna() & ~sev.isin(schema.SEVERITIES)
        if bad_sev.any():
            report.issue(ERROR, "unknown_severity", n=int(bad_sev.sum()), values=_distinct(sev_raw[bad_sev]),
                         codes=", ".join(schema.SEVERITIES), example=_map_example("severity", sev_raw[bad_sev], "high"))
        out["severity"] = sev.where(~bad_sev, None).astype(object)
    if "reported_at" in out.columns:
        out["reported_at"] = _iso_times(out["reported_at"], base, report)
    return out


#: Event statuses of releases before cases, by code and by the labels they had, to the stage each now is.
_LEGACY_STATUS: Final = {**schema.LEGACY_STAGES, "已上报": "reported", "处理中": "dispatched", "已派单": "dispatched",
                         "已解决": "handled", "已处理": "handled", "已核实": "closed"}


def _labels(prefix: str, codes: tuple[str, ...]) -> dict[str, str]:
    """Code of each status or severity by its code and its zh / en labels."""
    out: dict[str, str] = {}
    for code in codes:
        out[code] = code
        for lang in i18n.LANGUAGES:
            out[i18n.t(f"{prefix}.{code}", lang).strip().lower()] = code
    return out


def _code(value: object, codes: dict[str, str]) -> str | None:
    """A status or severity as written (code or label) to its code."""
    if value is None:
        return None
    text = str(value).strip().lower()
    return codes.get(text, text)


def _text_column(s: pd.Series) -> pd.Series:
    """:func:`_to_text` of every cell, vectorised for a column of strings."""
    if isinstance(s.dtype, pd.StringDtype):
        stripped = s.str.strip()
        return _nullable(stripped.where(stripped.str.len() > 0))
    return _nullable(_map_unique(s, _to_text))


def _iso_from_datetimes(col: pd.Series) -> pd.Series | None:
    """ISO 8601 text of a datetime column (as GeoJSON and GeoPackage readers give), vectorised.

    None when the column holds something else or fractions of a second.
    """
    if not (isinstance(col.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(col.dtype)):
        return None
    t = col if isinstance(col.dtype, pd.DatetimeTZDtype) else col.dt.tz_localize("Asia/Shanghai")
    if ((t.dt.microsecond.fillna(0) != 0) | (t.dt.nanosecond.fillna(0) != 0)).any():
        return None
    wall = t.dt.tz_localize(None).to_numpy("datetime64[s]")
    utc = t.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy("datetime64[s]")
    missing = np.isnat(wall)
    minutes = np.where(missing, 0, (wall - utc).astype("timedelta64[m]").astype(np.int64))
    codes, offsets = pd.factorize(minutes)
    names = np.array([f"{'-' if m < 0 else '+'}{abs(m) // 60:02d}:{abs(m) % 60:02d}" for m in offsets], dtype=object)
    text = np.char.add(np.datetime_as_string(wall, unit="s").astype(object).astype(str), names[codes].astype(str))
    out = pd.Series(text.astype(object), index=col.index, dtype=object)
    return out.where(~missing, None)


def _iso_times(col: pd.Series, base: int, report: ValidationReport) -> pd.Series:
    """ISO 8601 text with an offset; times without one are China Standard Time."""
    fast = _iso_from_datetimes(col)
    if fast is not None:
        return fast
    text = _nullable(_map_unique(col, _blank_to_na))
    cache: dict[str, str | None] = {}

    def fmt(v: object) -> str | None:
        if v is None:
            return None
        key = str(v).strip()
        if key not in cache:
            try:
                t = pd.Timestamp(key)
            except (ValueError, TypeError, OverflowError):
                cache[key] = None
            else:
                cache[key] = None if t is pd.NaT else (t.tz_localize("Asia/Shanghai") if t.tzinfo is None else t).isoformat()
        return cache[key]

    out = _nullable(_map_unique(text, fmt))
    bad = (out.isna() & text.notna()).to_numpy()
    if bad.any():
        _bad(report, "bad_date", "reported_at", col, bad, base)
    return out


def _map_unique(s: pd.Series, fn: Callable[[object], object]) -> pd.Series:
    """``s.map(fn)`` calling ``fn`` once per distinct value (None for missing)."""
    codes, uniques = pd.factorize(s.astype(object), use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:] = [*(fn(v) for v in uniques), fn(None)]
    return pd.Series(values[codes], index=s.index, dtype=object)


def _nullable(s: pd.Series) -> pd.Series:
    """An object Series with None (not NaN or NA) for missing values."""
    obj = s.astype(object)
    return obj.where(obj.notna(), None)


def _to_text(v: object) -> str | None:
    if type(v) is str:
        return v.strip() or None
    v = _blank_to_na(v)
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _blank_to_na(v: object) -> object:
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, str) and not v.strip():
        return None
    return v


def _to_bool(v: object) -> object:
    v = _blank_to_na(v)
    if v is None:
        return pd.NA
    if isinstance(v, bool | np.bool_):
        return bool(v)
    text = str(v).strip().lower()
    if text.endswith(".0"):
        text = text[:-2]
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return pd.NA
