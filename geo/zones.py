"""Flood-zone layers: checking their values.

Flood zones (:data:`geo.schema.FLOOD_ZONES`: a 100-year floodplain, a
low-lying area) are imported like the other layers (:func:`geo.io.load_zones`
reads, conforms and validates a file: GeoJSON, GeoPackage, Shapefile,
KML...); :func:`check_zones` is the zones' own check that
:func:`geo.validate.validate_layer` runs. What a flood does to the
buildings in a zone is :mod:`geo.rain.flood`'s business.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

if TYPE_CHECKING:
    from .report import ValidationReport

__all__ = ["MAX_RETURN_PERIOD_YEARS", "MAX_ZONE_DEPTH_M", "check_zones"]

#: Return periods (years) and depths (m) a flood zone may have.
MAX_RETURN_PERIOD_YEARS: Final = 10_000
MAX_ZONE_DEPTH_M: Final = 30.0


def check_zones(zones: gpd.GeoDataFrame, report: ValidationReport) -> None:
    """Check the values of flood zones (called by :func:`geo.validate.validate_layer`).

    Errors: a return period that is not a whole number of years from 1 to
    :data:`MAX_RETURN_PERIOD_YEARS`, a depth that is negative, infinite or
    above :data:`MAX_ZONE_DEPTH_M`, a zone left without area by the repair.
    Warning: zones without a return period (the risk score counts them as
    100-year zones).
    """
    from .report import ERROR, WARNING

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
