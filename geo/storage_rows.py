"""Rows as the backends write them: plain values for a driver, and which rows a whole-layer write changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schema

#: Columns the store keeps on every row of every layer (a user cannot set them).
MANAGED: Final[dict[str, str]] = {"row_version": "int", "updated_at": "str", "updated_by": "str"}

__all__ = ["ReplacePlan", "kind_of", "plan_replace", "row_digests", "sql_values"]

#: The store's own columns, left out of the comparison (geo.storage.MANAGED).
_MANAGED = ("row_version", "updated_at", "updated_by")


def kind_of(series: pd.Series) -> str:
    """The column kind (``str``, ``int``, ``float``, ``bool``, ``bytes``) a user column is stored as.

    ``bytes``: an object column whose values (gaps aside) are all ``bytes``
    (attachments, :mod:`geo.cases.files`).
    """
    dt = series.dtype
    if pd.api.types.is_bool_dtype(dt):
        return "bool"
    if pd.api.types.is_integer_dtype(dt):
        return "int"
    if pd.api.types.is_float_dtype(dt):
        return "float"
    if pd.api.types.is_object_dtype(dt) and len(series) and pd.api.types.infer_dtype(series, skipna=True) == "bytes":
        return "bytes"
    return "str"


def sql_values(series: pd.Series, kind: str | None = None) -> list[Any]:
    """A column as plain Python values for a database driver (None for missing, bools as 0/1, bytes as they are)."""
    kind = kind or kind_of(series)
    if kind == "bytes":
        return [v if isinstance(v, bytes | bytearray | memoryview) else None if v is None or pd.isna(v)
                else str(v).encode() for v in series.astype(object).tolist()]
    if kind == "bool":
        return [None if pd.isna(v) else int(bool(v)) for v in series.astype(object)]
    if kind == "int":
        vals = pd.to_numeric(series, errors="coerce")
        return [None if pd.isna(v) else int(v) for v in vals.astype(object)]
    if kind == "float":
        vals = pd.to_numeric(series, errors="coerce").astype("float64").to_numpy()
        finite = np.isfinite(vals)
        if finite.all():
            return vals.tolist()
        return [v if ok else None for v, ok in zip(vals.tolist(), finite.tolist(), strict=True)]
    values = series.astype(object).to_numpy(dtype=object, copy=True)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):  # text and gaps only: no loop in Python
        values[pd.isna(values)] = None
        return values.tolist()
    out: list[Any] = []
    for v in series.astype(object).tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif isinstance(v, datetime | pd.Timestamp):
            out.append(v.isoformat())
        else:
            out.append(str(v))
    return out


class ReplacePlan:
    """What :meth:`Transaction.replace_layer` writes: positions in the new frame and ids to delete."""

    def __init__(self, changed_positions: np.ndarray, changed_versions: np.ndarray,
                 new_positions: np.ndarray, deleted: list[str]) -> None:
        self.changed_positions = changed_positions
        self.changed_versions = changed_versions
        self.new_positions = new_positions
        self.deleted = deleted


def plan_replace(layer: str, old: gpd.GeoDataFrame, new: gpd.GeoDataFrame) -> ReplacePlan:
    """Match ``new`` to ``old`` by id and find the rows that changed."""
    id_col = schema.ID_COLUMN[layer]
    new_ids = new[id_col].astype(str).to_numpy()
    if old.empty:
        return ReplacePlan(np.array([], dtype=int), np.array([], dtype="int64"),
                           np.arange(len(new)), [])
    old_ids = old[id_col].astype(str)
    old_pos = pd.Series(np.arange(len(old)), index=old_ids.to_numpy())
    old_pos = old_pos[~old_pos.index.duplicated(keep="last")]
    where = old_pos.reindex(new_ids).to_numpy()
    known = ~np.isnan(where)
    cols = [c for c in new.columns if c not in _MANAGED]
    both = np.flatnonzero(known)
    old_rows = where[known].astype(int)
    digest_new = row_digests(new.iloc[both], cols)
    digest_old = row_digests(old.iloc[old_rows].reindex(columns=cols), cols)
    differs = digest_new != digest_old
    versions = pd.to_numeric(old["row_version"], errors="coerce").fillna(0).astype("int64").to_numpy()
    deleted = sorted(set(old_ids) - set(new_ids))
    return ReplacePlan(both[differs], versions[old_rows[differs]] + 1, np.flatnonzero(~known), deleted)


def row_digests(frame: pd.DataFrame, cols: Sequence[str]) -> np.ndarray:
    """One 64-bit hash per row of the given columns (geometry by its WKB), the same however a backend typed them."""
    parts = {}
    for col in cols:
        s = frame[col] if col in frame.columns else pd.Series([None] * len(frame), index=frame.index)
        if col == "geometry":
            geoms = np.asarray(s.array, dtype=object)
            if len(geoms) and (shapely.get_type_id(geoms) == 0).all():  # points: by their coordinates
                parts["geometry x"] = pd.Series(shapely.get_x(geoms), index=frame.index)
                parts["geometry y"] = pd.Series(shapely.get_y(geoms), index=frame.index)
            else:
                wkb = shapely.to_wkb(geoms, hex=True, output_dimension=2)
                parts[col] = pd.Series(wkb, index=frame.index, dtype=object)
        else:
            text = _canonical_text(s)
            parts[col] = text if isinstance(text, pd.Series) else pd.Series(text, index=frame.index, dtype=object)
    if not parts:
        return np.zeros(len(frame), dtype="uint64")
    # categorize=False: ids and times are mostly distinct, factorizing them first costs more than it saves
    return pd.util.hash_pandas_object(pd.DataFrame(parts), index=False, categorize=False).to_numpy()


def _canonical_text(s: pd.Series) -> list[str | None] | pd.Series:
    """Values in a form that compares equal however a backend stored them (``3``, ``3.0`` and ``True`` alike).

    Numbers (and booleans) become float64, NaN for missing; text stays as it
    is; both without a loop per value. A column mixing text and numbers is
    turned into text value by value.
    """
    if pd.api.types.is_bool_dtype(s.dtype) or pd.api.types.is_numeric_dtype(s.dtype):
        return pd.Series(s.astype("Float64").to_numpy(dtype="float64", na_value=np.nan), index=s.index)
    obj = s.astype(object)
    kind = pd.api.types.infer_dtype(obj, skipna=True)
    if kind in ("string", "empty"):
        return obj.where(obj.notna(), None)
    if kind in ("integer", "floating", "mixed-integer-float", "boolean"):
        return pd.Series(pd.to_numeric(obj.where(obj.notna(), np.nan), errors="coerce").astype("float64"),
                         index=s.index)
    out: list[str | None] = []
    for v in obj.tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        else:
            out.append(str(v))
    return out


def meta_dict(df: pd.DataFrame) -> dict[str, str]:
    """A ``key``/``value`` table as a dict."""
    if df.empty or "key" not in df:
        return {}
    return dict(zip(df["key"].astype(str), df["value"].astype(str), strict=True))


def types_of(df: pd.DataFrame) -> dict[str, schema.IncidentType]:
    """The type registry of an ``incident_types`` table."""
    extra = [
        schema.IncidentType(
            str(r["code"]), str(r["label_zh"]), str(r["label_en"]),
            bool(int(r.get("asset", 0) or 0)), str(r.get("color") or "#6a3d9a"),
            str(r.get("icon") or "!"),
        )
        for _, r in df.iterrows()
        if str(r["code"]) not in schema.BUILTIN_TYPES
    ]
    return schema.type_registry(extra)


def layer_columns(layer: str) -> dict[str, str]:
    """The canonical columns of a layer and the store's own, with their kinds."""
    return {**schema.COLUMNS[layer], **MANAGED}


def empty_layer(layer: str) -> gpd.GeoDataFrame:
    """An empty layer with the canonical columns (and the store's own)."""
    cols = {c: pd.Series(dtype=dtype_of(k)) for c, k in layer_columns(layer).items()}
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries([], crs=schema.STORAGE_CRS), crs=schema.STORAGE_CRS)


def dtype_of(kind: str) -> str:
    """The pandas dtype of a column kind."""
    return {"str": "object", "int": "Int64", "float": "float64", "bool": "boolean"}.get(kind, "object")
