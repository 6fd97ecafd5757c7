"""Flood-zone layers: reading a file of zones and checking their values.

Flood zones (:data:`geo.schema.FLOOD_ZONES`: a 100-year floodplain, a
low-lying area) are imported like the other layers; :func:`load_zones`
reads, conforms and validates a file (GeoJSON, GeoPackage, Shapefile,
KML...), and :func:`check_zones` is the zones' own check that
:func:`geo.validate.validate_layer` runs. What a flood does to the
buildings in a zone is :mod:`geo.rain.flood`'s business.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import schema

if TYPE_CHECKING:
    from .validate import ValidationReport

__all__ = ["MAX_RETURN_PERIOD_YEARS", "MAX_ZONE_DEPTH_M", "check_zones", "load_zones"]

#: Return periods (years) and depths (m) a flood zone may have.
MAX_RETURN_PERIOD_YEARS: Final = 10_000
MAX_ZONE_DEPTH_M: Final = 30.0


def load_zones(path: str | os.PathLike[str], **options: Any) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read, conform and check a flood-zone file (GeoJSON, GeoPackage, Shapefile, KML...).

    Like :func:`geo.io.load_layer` for the ``flood_zones`` kind (columns
    that differ from ours only by case are kept as ``<name>_src`` by
    :func:`geo.io.conform`), and also: a KML's ``Name`` becomes the zone's
    ``name`` when the file has no ``name``.

    Parameters
    ----------
    path
        The file.
    **options
        ``layer``, ``crs``, ``x_field``, ``y_field``, ``swap_xy``,
        ``fields``, ``value_maps``, ``id_from_row``, ``max_text`` and
        ``merge_duplicates`` as for :func:`geo.io.load_layer` (options of
        other layers, such as ``type_value``, must be empty).

    Returns
    -------
    (zones, report)
        The conformed zones and the validation report.
    """
    from . import io, validate

    read = {k: options.get(k) for k in ("layer", "crs", "x_field", "y_field")}
    raw = io.read_file(path, swap_xy=bool(options.get("swap_xy")), **read)
    fields = dict(options.get("fields") or {})
    columns = {str(c) for c in raw.columns}
    if "name" not in columns and "name" not in fields:
        alike = [c for c in columns if c.lower() == "name"]
        if alike:
            fields["name"] = alike[0]
    report = validate.ValidationReport(schema.FLOOD_ZONES, Path(path).name, len(raw))
    gdf = io.conform(raw, schema.FLOOD_ZONES, fields=fields, value_maps=options.get("value_maps"),
                     id_from_row=options.get("id_from_row"), max_text=options.get("max_text"), report=report)
    return validate.validate_layer(gdf, schema.FLOOD_ZONES, source=Path(path).name, report=report,
                                   merge_duplicates=bool(options.get("merge_duplicates")))


def check_zones(zones: gpd.GeoDataFrame, report: ValidationReport) -> None:
    """Check the values of flood zones (called by :func:`geo.validate.validate_layer`).

    Errors: a return period that is not a whole number of years from 1 to
    :data:`MAX_RETURN_PERIOD_YEARS`, a depth that is negative, infinite or
    above :data:`MAX_ZONE_DEPTH_M`, a zone left without area by the repair.
    Warning: zones without a return period (the risk score counts them as
    100-year zones).
    """
    from .validate import ERROR, WARNING

    ids = zones["zone_id"].astype(str)
    if "return_period_years" in zones.columns:
        years = pd.to_numeric(zones["return_period_years"], errors="coerce")
        bad = years.notna() & ((years < 1) | (years > MAX_RETURN_PERIOD_YEARS))
        if bad.any():
            report.issue(ERROR, "zone_return_period", ids=list(ids[bad]), n=int(bad.sum()),
                         values=", ".join(str(v) for v in years[bad].head(5)), most=MAX_RETURN_PERIOD_YEARS)
        missing = years.isna()
    else:
        missing = pd.Series(True, index=zones.index)
    if missing.any() and len(zones):
        report.issue(WARNING, "zone_no_return_period", ids=list(ids[missing]), n=int(missing.sum()))
    if "depth_m" in zones.columns:
        depth = pd.to_numeric(zones["depth_m"], errors="coerce")
        bad = depth.notna() & (~np.isfinite(depth) | (depth < 0) | (depth > MAX_ZONE_DEPTH_M))
        if bad.any():
            report.issue(ERROR, "zone_depth", ids=list(ids[bad]), n=int(bad.sum()),
                         values=", ".join(f"{v:g}" for v in depth[bad].head(5)), most=f"{MAX_ZONE_DEPTH_M:g}")
    geoms = zones.geometry
    polygonal = geoms.geom_type.isin(("Polygon", "MultiPolygon"))
    empty = polygonal & (geoms.is_empty | (shapely.area(np.asarray(geoms.values)) == 0))
    if empty.any():
        report.issue(ERROR, "zone_no_area", ids=list(ids[empty]), n=int(empty.sum()))
