"""Street layers: reading line files and OpenStreetMap extracts, the walking rule, checking coverage.

A street file (an OpenStreetMap extract, or a line layer GDAL reads) becomes
the store's ``streets`` layer: the lines people walk (:func:`walk_rule`), in
WGS-84, with ``street_id``, ``name`` and ``highway``. :func:`streets_report`
says what was dropped and why, and whether the streets cover the grids. The
patrol planner builds its walking graph from the layer.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import readgeom, schema
from .crs import local_metric_crs, to_storage_crs
from .errors import CRSError, GeometryError, InputFileError
from .safe import printable

if TYPE_CHECKING:
    from .validate import ValidationReport

__all__ = [
    "DROP_REASONS",
    "MIN_COVER_SHARE",
    "NOT_WALKABLE",
    "load_streets",
    "read_osm_streets",
    "read_streets",
    "street_coverage",
    "streets_from_lines",
    "streets_report",
    "walk_rule",
]


#: Highway values that are not a way to walk (the osmnx "walk" filter's
#: kinds, rail kinds that line layers derived from map tiles carry in their
#: road layer, ferries, and motorways). Cycleways are NOT here: in China
#: pedestrians use them, and they are kept unless ``foot`` forbids it.
NOT_WALKABLE: Final = frozenset(
    {
        "abandoned", "bus_guideway", "construction", "motorway", "motorway_link",
        "no", "planned", "platform", "proposed", "raceway", "razed", "rail", "light_rail",
        "subway", "tram", "monorail", "narrow_gauge", "funicular", "ferry", "busway", "disused",
    }
)  # fmt: skip
_RAIL: Final = frozenset({"rail", "light_rail", "subway", "tram", "monorail", "narrow_gauge", "funicular", "railway",
                          "transit", "aerialway", "preserved", "miniature"})  # fmt: skip
_NOT_BUILT: Final = frozenset({"abandoned", "construction", "planned", "proposed", "razed", "disused", "no",
                               "raceway", "bus_guideway", "busway", "platform"})  # fmt: skip
#: Roads for motor traffic: in a tunnel they are not walked (no pavement) unless ``foot`` allows it.
MOTOR_ROADS: Final = frozenset({"motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link",
                                "secondary", "secondary_link"})  # fmt: skip
#: ``kind`` of Tilezen/Nextzen and Protomaps road layers, as the OSM highway value it stands for.
_KIND_AS_HIGHWAY: Final = {"highway": "motorway", "major_road": "primary", "minor_road": "residential",
                           "path": "footway", "ferry": "ferry", "rail": "rail", "aerialway": "aerialway"}  # fmt: skip
_FOOT_YES: Final = frozenset({"yes", "designated", "permissive", "official"})
_FOOT_NO: Final = frozenset({"no", "use_sidepath", "private"})
_ACCESS_NO: Final = frozenset({"no", "private"})
#: ``tunnel`` values that are still a walk: a passage through a building, a covered street.
_OPEN_TUNNELS: Final = frozenset({"", "no", "false", "0", "building_passage", "covered"})

#: Why a line is not part of the walking network (codes of the streets report, ``check.streets_dropped_<reason>``).
DROP_REASONS: Final = ("ferry", "rail", "not_built", "no_foot", "motorway", "motor_tunnel", "area", "no_kind")

#: Columns that name the kind of road in line layers from common sources
#: (OSM, Geofabrik shapefiles, Nextzen/Tilezen tiles, Overture), in order of preference.
_KIND_COLUMNS: Final = ("highway", "fclass", "kind_detail", "class", "kind", "type")
#: Tag columns read by :func:`walk_rule` when a line layer has them.
_TAG_COLUMNS: Final = ("highway", "fclass", "kind", "kind_detail", "class", "subtype", "type", "tunnel", "is_tunnel",
                       "foot", "access", "route", "railway", "service", "area")  # fmt: skip
_NAME_COLUMNS: Final = ("name", "name:zh", "name_zh", "NAME")
_ID_COLUMNS: Final = ("street_id", "osm_id", "id", "ID")
_OSM_SUFFIXES: Final = (".osm", ".pbf", ".o5m", ".osc", ".bz2", ".gz")


# --------------------------------------------------------------------------
# Reading streets
# --------------------------------------------------------------------------


def load_streets(path: str | Path) -> gpd.GeoDataFrame:
    """Read a street network file as the store's ``streets`` layer (see :func:`read_streets`).

    Returns
    -------
    GeoDataFrame
        Columns ``street_id``, ``name``, ``highway``; LineStrings in EPSG:4326.
    """
    return read_streets(path)[0]


def read_streets(path: str | Path) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    """Read a street network file: the walkable lines, and how many lines were dropped for which reason.

    Parameters
    ----------
    path
        An OpenStreetMap file (``.osm``, ``.osm.pbf``) or a line layer GDAL
        reads (GeoJSON, GeoPackage, Shapefile...). Which lines are walked:
        :func:`walk_rule`.

    Returns
    -------
    GeoDataFrame
        Columns ``street_id``, ``name``, ``highway``; LineStrings in EPSG:4326.
    dict
        Lines dropped, by reason (:data:`DROP_REASONS`); only reasons that occurred.
    """
    from . import coords, limits, readers

    path = Path(path)
    if not path.is_file():
        raise InputFileError.of("streets.missing", file=printable(path.name))
    lim = limits.current()
    name = f"'{printable(path.name)}'"
    size = path.stat().st_size
    if size > lim.max_file_bytes:
        raise InputFileError.of("io.too_large", file=name, size_mb=f"{size / 1e6:.1f}", limit_mb=f"{lim.max_file_mb:g}",
                                variable=limits.ENV["max_file_mb"])
    if path.name.lower().endswith(_OSM_SUFFIXES):
        return _read_osm(path)
    try:
        with warnings.catch_warnings():  # GDAL renumbers repeated feature ids (tile-cut data): harmless
            warnings.simplefilter("ignore", RuntimeWarning)
            raw = gpd.read_file(path, max_features=lim.max_features + 1)
    except Exception as exc:  # pyogrio raises several types
        raise InputFileError.of("streets.unreadable", file=printable(path.name), error=readers.short_error(exc, path)) from exc
    if len(raw) > lim.max_features:
        raise InputFileError.of("io.too_many_features", file=name, n=f"more than {lim.max_features:,}",
                                limit=f"{lim.max_features:,}", variable=limits.ENV["max_features"])
    coords.check_coordinates(raw, name, 1, lim)  # vertex limits, NaN and infinite coordinates
    return _lines_to_streets(readgeom.normalize(raw), printable(path.name))


def streets_from_lines(raw: gpd.GeoDataFrame, *, source: str = "the layer") -> gpd.GeoDataFrame:
    """Turn any line layer into the ``streets`` schema.

    Non-line features are dropped, and lines :func:`walk_rule` says nobody
    walks (rail, ferries, motorways, road tunnels, private ways...); ids,
    names and kinds are taken from the usual columns where present.

    Parameters
    ----------
    raw
        Line layer with a CRS.
    source
        Name used in error messages.

    Returns
    -------
    GeoDataFrame in the ``streets`` schema, EPSG:4326.
    """
    return _lines_to_streets(raw, source)[0]


def _lines_to_streets(raw: gpd.GeoDataFrame, source: str) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    if raw.crs is None:
        raise CRSError.of("streets.no_crs", file=source)
    is_line = raw.geometry.geom_type.isin(["LineString", "MultiLineString"]) & ~raw.geometry.is_empty
    lines = raw[is_line]
    dropped: dict[str, int] = {}
    if int((~is_line).sum()):
        dropped["not_line"] = int((~is_line).sum())
    columns = [c for c in _TAG_COLUMNS if c in lines.columns]
    kinds = [c for c in _KIND_COLUMNS if c in lines.columns and lines[c].notna().any()]
    if columns:
        tags = lines[columns].to_dict("records")
        reasons = pd.Series([walk_rule(row, kind_known=bool(kinds)) for row in tags], index=lines.index, dtype=object)
        for reason, n in reasons[reasons != ""].value_counts().items():
            dropped[str(reason)] = int(n)
        lines = lines[reasons == ""]
    if lines.empty:
        raise GeometryError.of("streets.none_walkable", file=source, n=len(raw), dropped=_dropped_text(dropped))
    ids = _first_column(lines, _ID_COLUMNS)
    name = _first_column(lines, _NAME_COLUMNS)
    highway = pd.Series([_highway(row) for row in lines[columns].to_dict("records")], index=lines.index) if columns else ""
    out = gpd.GeoDataFrame(
        {
            "street_id": _unique_ids(lines[ids] if ids else pd.Series(range(1, len(lines) + 1), index=lines.index)),
            "name": lines[name].fillna("").astype(str) if name else "",
            "highway": highway,
        },
        geometry=lines.geometry.values,
        crs=lines.crs,
    )
    return to_storage_crs(out).reset_index(drop=True), dropped


def _dropped_text(dropped: Mapping[str, int]) -> str:
    return ", ".join(f"{reason} {n}" for reason, n in dropped.items()) or "-"


def _tag(tags: Mapping[str, object], key: str) -> str:
    value = tags.get(key)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | float | np.integer | np.floating):
        return "yes" if value else "no"
    text = str(value).strip().lower()
    return {"t": "yes", "true": "yes", "1": "yes", "f": "no", "false": "no", "0": "no"}.get(text, text)


def _highway(tags: Mapping[str, object]) -> str:
    """The OSM ``highway`` value a line stands for, from whichever kind column its source uses."""
    for key in ("highway", "fclass", "kind_detail", "class", "type"):
        value = _tag(tags, key)
        if value and value not in ("yes", "no"):
            return value
    return _KIND_AS_HIGHWAY.get(_tag(tags, "kind"), _tag(tags, "kind"))


def walk_rule(tags: Mapping[str, object], *, kind_known: bool = True) -> str:
    """Why a line is not walked (a :data:`DROP_REASONS` code), or ``""`` when it is.

    The rule, in order (tags as in OpenStreetMap; line layers give them as
    columns, with ``kind``/``kind_detail``/``is_tunnel`` of Tilezen and
    Protomaps layers and ``class``/``subtype`` of Overture read the same way):

    1. ferries (``route=ferry``, ``highway=ferry``, ``kind=ferry``,
       ``subtype=water``) are dropped: a crossing by boat is not a walk;
    2. rail (``railway=*`` without a highway, ``kind=rail``, subway, tram...)
       is dropped;
    3. areas (``area=yes``: the outline of a square) and ways not built or
       not for use (construction, proposed, abandoned, platform...) are dropped;
    4. ``foot=yes|designated|permissive`` keeps the way whatever follows;
    5. ``foot=no|use_sidepath`` and ``access=no|private`` (``service=private``) drop it;
    6. motorways drop;
    7. tunnels (``tunnel=*`` but building passages, ``is_tunnel``) of motor
       roads (motorway to secondary, :data:`MOTOR_ROADS`) drop: no pavement;
    8. everything else is walked, cycleways included (pedestrians use them
       in China), and tunnels of footways, cycleways and small streets.

    A line with no kind at all in a layer that names the kind of its other
    lines (an empty ``highway``) is not a street: ``no_kind``.

    Parameters
    ----------
    tags
        Tag (column) values of one line.
    kind_known
        The layer names kinds (so an empty one means "not a street").

    Returns
    -------
    str
    """
    highway, kind = _highway(tags), _tag(tags, "kind")
    if "ferry" in (_tag(tags, "route"), highway, kind) or _tag(tags, "subtype") == "water":
        return "ferry"
    if highway in _RAIL or kind in _RAIL or _tag(tags, "subtype") == "rail" or (_tag(tags, "railway") and not _tag(tags, "highway")):
        return "rail"
    if _tag(tags, "area") == "yes":
        return "area"
    if highway in _NOT_BUILT or kind in _NOT_BUILT:
        return "not_built"
    if not highway and kind_known:
        return "no_kind"
    if _tag(tags, "foot") in _FOOT_YES:
        return ""
    if _tag(tags, "foot") in _FOOT_NO or _tag(tags, "access") in _ACCESS_NO or _tag(tags, "service") == "private":
        return "no_foot"
    if highway in ("motorway", "motorway_link"):
        return "motorway"
    tunnel = _tag(tags, "tunnel") not in _OPEN_TUNNELS or _tag(tags, "is_tunnel") == "yes"
    if tunnel and highway in MOTOR_ROADS:
        return "motor_tunnel"
    return ""


def read_osm_streets(path: str | Path) -> gpd.GeoDataFrame:
    """Read the walkable ways of an OpenStreetMap file, offline (see :func:`read_streets`).

    Ways clipped at the extract's edge keep the parts whose nodes are
    present; relations are not read, so broken multipolygons do not matter.

    Parameters
    ----------
    path
        ``.osm``, ``.osm.pbf`` (or anything libosmium reads).

    Returns
    -------
    GeoDataFrame
        ``street_id`` (``w<osm way id>``), ``name``, ``highway``; EPSG:4326.
    """
    return _read_osm(Path(path))[0]


def _read_osm(path: Path) -> tuple[gpd.GeoDataFrame, dict[str, int]]:
    import osmium

    rows: list[dict[str, str]] = []
    geoms: list[shapely.LineString] = []
    dropped: dict[str, int] = {}
    try:
        processor = (
            osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
            .with_locations()
            .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
            .with_filter(osmium.filter.KeyFilter("highway", "railway", "route"))
        )
        for way in processor:
            if not isinstance(way, osmium.osm.Way):
                continue
            tags = dict(way.tags)
            if not tags.get("highway") and tags.get("route") != "ferry" and not tags.get("railway"):
                continue  # bus routes on ways and the like: not lines of the map
            reason = walk_rule(tags)
            if reason:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            for part in _valid_runs(way.nodes):
                rows.append(
                    {"street_id": f"w{way.id}", "name": tags.get("name:zh", tags.get("name", "")), "highway": tags["highway"]}
                )
                geoms.append(shapely.LineString(part))
    except RuntimeError as exc:
        raise InputFileError.of("streets.osm_unreadable", file=printable(path.name),
                                error=printable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from exc  # fmt: skip
    if not rows:
        raise GeometryError.of("streets.osm_none_walkable", file=printable(path.name), dropped=_dropped_text(dropped))
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=schema.STORAGE_CRS)
    out["street_id"] = _unique_ids(out["street_id"])
    return out, dropped


def _valid_runs(nodes: Iterable[Any]) -> list[list[tuple[float, float]]]:
    """Runs of consecutive nodes with a location (clipped ways lose some)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for node in nodes:
        loc = node.location
        if loc.valid():
            runs[-1].append((loc.lon, loc.lat))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def _first_column(df: pd.DataFrame, names: Sequence[str]) -> str | None:
    return next((c for c in names if c in df.columns and df[c].notna().any()), None)


def _unique_ids(values: pd.Series) -> list[str]:
    """Ids as text, suffixed ``-2``, ``-3``... where repeated (tile-cut or split ways)."""
    text = values.astype(str).str.replace(r"\.0$", "", regex=True)
    rank = text.groupby(text).cumcount()
    return [t if r == 0 else f"{t}-{r + 1}" for t, r in zip(text, rank, strict=True)]


# --------------------------------------------------------------------------
# The report of a streets import
# --------------------------------------------------------------------------

#: Streets whose bounding box holds less than this share of the grids' area do not cover them.
MIN_COVER_SHARE: Final = 0.5
#: A gap between the grids and the streets in this range (m) looks like a GCJ-02 / WGS-84 shift.
SHIFT_GAP_M: Final = (100.0, 1_500.0)


def streets_report(
    streets: gpd.GeoDataFrame,
    dropped: Mapping[str, int],
    *,
    source: str = "",
    grids: gpd.GeoDataFrame | None = None,
) -> ValidationReport:
    """The report of a streets import: what was dropped and why, and whether the streets cover the grids.

    Parameters
    ----------
    streets
        The walkable lines kept (:func:`read_streets`).
    dropped
        Lines dropped, by reason.
    source
        File name shown in the report.
    grids
        The store's grids, if any: a warning when the streets do not
        cover them (:func:`street_coverage`).

    Returns
    -------
    ValidationReport
        One warning per reason of dropping (with the count), and one when
        the streets lie away from the grids.
    """
    from .validate import WARNING, ValidationReport

    report = ValidationReport(schema.STREETS, source, len(streets))
    for reason, n in dropped.items():
        report.issue(WARNING, f"streets_dropped_{reason}", n=n)
    if grids is not None and len(grids):
        cover = street_coverage(streets, grids)
        if cover is not None and cover[0] < MIN_COVER_SHARE:
            share, gap, (lon, lat) = cover
            code = "streets_far_shift" if SHIFT_GAP_M[0] <= gap <= SHIFT_GAP_M[1] else "streets_far"
            report.issue(WARNING, code, lon=lon, lat=lat, share=100 * share, distance=gap)
    return report


def street_coverage(
    streets: gpd.GeoDataFrame, grids: gpd.GeoDataFrame
) -> tuple[float, float, tuple[float, float]] | None:
    """How well the streets cover the grids.

    Returns
    -------
    ``(share, distance_m, (lon, lat))``: the share of the grids' area inside
    the streets' bounding box, the distance from the grids' centre to the
    nearest street, and that centre; None when either layer is empty.
    """
    lines = streets.geometry[streets.geometry.notna() & ~streets.geometry.is_empty]
    areas = grids.geometry[grids.geometry.notna() & ~grids.geometry.is_empty]
    if lines.empty or areas.empty or lines.crs is None or areas.crs is None:
        return None
    crs = local_metric_crs(areas.to_crs(schema.STORAGE_CRS))
    zone = shapely.union_all(areas.to_crs(crs).values)
    metric = lines.to_crs(crs)
    box = shapely.box(*metric.total_bounds)
    share = float(zone.intersection(box).area / zone.area) if zone.area > 0 else 0.0
    centre = zone.centroid
    _, gaps = shapely.STRtree(metric.values).query_nearest(centre, return_distance=True)
    lon, lat = pyproj.Transformer.from_crs(crs, schema.STORAGE_CRS, always_xy=True).transform(centre.x, centre.y)
    return share, float(gaps[0]), (float(lon), float(lat))
