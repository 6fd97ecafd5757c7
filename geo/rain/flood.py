"""Flood response: who and what is near a flooding point.

A flooding report arrives (an incident in the store, or a point clicked on
the map, or a flooded area drawn as a polygon, or a stored flood zone such
as a 100-year floodplain). :func:`flood_response` answers the questions of
that moment, in the local metric CRS:

- the buildings affected (footprint within the radius or touching the
  polygon), with households, residents, elderly living alone and basements;
- the nearest rain grates to clear (all inside the area, and at least the
  ``nearest`` closest ones even if outside);
- flying wires inside the area, flagged critical (electrocution risk in
  standing water) while still open;
- whom to call: the grid worker(s) and the affected buildings' heads.

Distances (``distance_m``) are from the flooding point for a point and
radius; for an area (a polygon or a flood zone) they are from the area
itself: 0 m for what is inside it, otherwise the distance to its boundary.
Every table says whether an item is ``inside`` the area.

Flood zones are a layer of the store (:data:`geo.schema.FLOOD_ZONES`),
imported like the others (:func:`geo.io.load_zones` reads and checks a
file, :func:`geo.zones.check_zones` the zones' values) and looked up by id
(:func:`zone_area`).

The response also carries a :class:`FloodMap`: the same features (and the
streets, grid outlines and other buildings around them) in the local metric
CRS, from which the PDF draws its small map of the affected area.

:func:`export_response` writes the result as CSV, XLSX or PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import privacy, schema
from ..access import User, acting
from ..errors import OptionError, UnknownIdError
from ..store import Store
from . import _shared
from .flood_area import parse_polygon, zone_area, zone_label

__all__ = ["FloodMap", "FloodResponse", "distances", "export_response", "flood_response", "parse_polygon", "read_layers",
           "zone_area", "zone_label"]

DEFAULT_RADIUS_M: Final = 100.0
#: How many nearest grates are listed at least, even outside the area.
DEFAULT_NEAREST_GRATES: Final = 5
#: Margin (metres) kept around the affected area, grates and buildings on the map.
MAP_MARGIN_M: Final = 15.0


@dataclass
class FloodMap:
    """The geometry of a flood response, ready to be drawn (metres, local CRS).

    Attributes
    ----------
    crs
        The local metric CRS every geometry here is in.
    extent
        ``(minx, miny, maxx, maxy)``: what the map must show (the area, the
        listed grates and the affected buildings, with a margin). An area
        far larger than what it affects (a floodplain of several km over a
        community) is shown only around the affected buildings and grates.
    area
        The affected area (the radius circle, or the drawn polygon).
    center
        The flooding point; ``None`` when the area was drawn as a polygon.
    radius
        The radius in metres; ``None`` for a polygon.
    buildings
        Every building around the extent: ``building_id``, ``affected``,
        ``basement`` and the footprint.
    streets, grids
        Street lines and grid outlines around the extent (possibly empty).
    grates, wires
        Points in the same order as :attr:`FloodResponse.grates` and
        :attr:`FloodResponse.wires` (grate *k* of the map is row *k* of the
        table).
    """

    crs: pyproj.CRS
    extent: tuple[float, float, float, float]
    area: shapely.Geometry
    center: shapely.Point | None
    radius: float | None
    buildings: gpd.GeoDataFrame
    streets: gpd.GeoSeries
    grids: gpd.GeoSeries
    grates: gpd.GeoSeries
    wires: gpd.GeoSeries


@dataclass
class FloodResponse:
    """What and who is near a flooding point.

    Attributes
    ----------
    title
        One line naming the point (incident id or coordinates) and radius.
    center
        The flooding point (WGS-84), or the polygon's centroid.
    area
        The affected area (WGS-84).
    buildings, grates, wires, contacts
        Tables (see :func:`flood_response`); plain DataFrames with
        ``lon``/``lat`` columns.
    summary
        Totals: buildings, households, residents, elderly_alone, basements,
        grates, blocked grates, wires, critical wires.
    map
        The same in metres, for drawing (see :class:`FloodMap`); ``None``
        for a response built by hand.
    zone
        The stored flood zone the response is for (``zone_id``, ``name``,
        ``return_period_years``, ``depth_m``, ``source``); ``None`` otherwise.
    made_for
        Whom it was made for (:func:`geo.privacy.made_for`): a header line of every export.
    """

    title: str
    center: shapely.Point
    area: shapely.Geometry
    buildings: pd.DataFrame
    grates: pd.DataFrame
    wires: pd.DataFrame
    contacts: pd.DataFrame
    summary: dict[str, int] = field(default_factory=dict)
    map: FloodMap | None = None
    zone: dict[str, Any] | None = None
    made_for: str = ""

    def sections(self) -> dict[str, pd.DataFrame]:
        """The tables by section name (for exports)."""
        return {"buildings": self.buildings, "grates": self.grates, "wires": self.wires, "contacts": self.contacts}


def read_layers(store: Store) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of a store (``store.read`` for each), flood zones included."""
    return store.read_many(schema.LAYERS)


def flood_response(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    incident_id: str | None = None,
    at: tuple[float, float] | None = None,
    polygon: shapely.Geometry | None = None,
    zone: str | None = None,
    radius: float = DEFAULT_RADIUS_M,
    nearest: int = DEFAULT_NEAREST_GRATES,
    user: User | None = None,
) -> FloodResponse:
    """What and who is near a flooding point or inside a flooded area.

    Parameters
    ----------
    layers
        ``grids``, ``buildings``, ``incidents`` (WGS-84), e.g. from
        :func:`read_layers`.
    incident_id
        A flooding report (any incident) whose point is the centre.
    at
        A ``(lon, lat)`` point instead of an incident.
    polygon
        A flooded area (WGS-84) instead of a point and radius.
    zone
        The id of a flood zone of ``layers["flood_zones"]``: its area, as
        for ``polygon``; the title names the zone.
    radius
        Metres around the point (ignored with ``polygon``).
    nearest
        List at least this many nearest grates, even outside the area.
    user
        Who is looking: the building heads and grid workers they may not
        see are masked (:mod:`geo.privacy`). None: the local operator.

    Returns
    -------
    FloodResponse
        ``buildings`` (nearest first): building_id, name, grid_id,
        distance_m, inside, households, residents, elderly_alone, basement,
        head, head_phone. ``grates`` (nearest first): incident_id, status,
        distance_m, inside. ``wires``: incident_id, status, distance_m,
        inside, critical. ``contacts``: role, name, phone, for_what.
        ``distance_m`` is from the point, or from the area (0 inside it).
    """
    reader = acting(user)  # None: the local operator (everything)
    layers = _shared.masked_layers(layers, reader)
    if radius <= 0 or radius > 5000:
        raise OptionError.of("flood.radius", radius=f"{radius:g}")
    found = None
    if zone is not None:
        if sum(x is not None for x in (incident_id, at, polygon)):
            raise OptionError.of("flood.zone_and_other")
        polygon, found = zone_area(layers.get(schema.FLOOD_ZONES), zone)
    center, area, title = _where(layers["incidents"], incident_id, at, polygon, radius)
    if found is not None:
        title = zone_label(found)
    crs = _shared.metric_crs(layers["grids"], layers["buildings"], layers["incidents"])
    area_m = gpd.GeoSeries([area], crs=schema.STORAGE_CRS).to_crs(crs).iloc[0]
    center_m = gpd.GeoSeries([center], crs=schema.STORAGE_CRS).to_crs(crs).iloc[0]
    # distances from the point, or from the area itself (0 inside, else to its boundary)
    ref = None if polygon is not None else center_m
    shapely.prepare(area_m)  # a floodplain may have 100,000 vertices: test it prepared
    buildings = _affected_buildings(layers["buildings"], crs, area_m, ref)
    grates = _grates(layers["incidents"], crs, area_m, ref, nearest)
    wires = _wires(layers["incidents"], crs, area_m, ref)
    contacts = _contacts(layers["grids"], buildings, center, area)
    summary = {
        "buildings": len(buildings),
        "households": int(buildings["households"].sum()),
        "residents": int(buildings["residents"].sum()),
        "elderly_alone": int(buildings["elderly_alone"].sum()),
        "basements": int(buildings["basement"].sum()),
        "grates": len(grates),
        "grates_blocked": int(grates["status"].isin(_shared.BAD_GRATE).sum()),
        "wires": len(wires),
        "wires_critical": int(wires["critical"].sum()),
    }
    drawn = _map(layers, crs, area_m, None if polygon is not None else center_m,
                 None if polygon is not None else radius, buildings, grates, wires)
    return FloodResponse(title, center, area, buildings, grates, wires, contacts, summary, drawn, found,
                         privacy.made_for(reader, "zh"))


def _where(
    incidents: gpd.GeoDataFrame,
    incident_id: str | None,
    at: tuple[float, float] | None,
    polygon: shapely.Geometry | None,
    radius: float,
) -> tuple[shapely.Point, shapely.Geometry, str]:
    given = [x is not None for x in (incident_id, at, polygon)]
    if sum(given) != 1:
        raise OptionError.of("flood.where")
    if polygon is not None:
        if polygon.is_empty or polygon.geom_type not in ("Polygon", "MultiPolygon"):
            raise OptionError.of("flood.not_polygon")
        return polygon.centroid, shapely.make_valid(polygon), "积水区域"
    if incident_id is not None:
        match = incidents[incidents["incident_id"].astype(str) == str(incident_id)]
        if match.empty:
            raise UnknownIdError.of("flood.unknown_incident", incident=str(incident_id))
        point = match.geometry.iloc[0]
        title = f"积水点 {incident_id}，半径 {radius:.0f} 米"
    else:
        lon, lat = at  # type: ignore[misc]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise OptionError.of("flood.not_lonlat", lon=f"{lon:g}", lat=f"{lat:g}")
        point = shapely.Point(lon, lat)
        title = f"位置 {lon:.6f},{lat:.6f}，半径 {radius:.0f} 米"
    local = _shared.metric_crs(gpd.GeoDataFrame(geometry=[point], crs=schema.STORAGE_CRS))
    circle = gpd.GeoSeries([point], crs=schema.STORAGE_CRS).to_crs(local).buffer(radius, 32).to_crs(schema.STORAGE_CRS)
    return point, circle.iloc[0], title


def _affected_buildings(
    buildings: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, ref: shapely.Point | None
) -> pd.DataFrame:
    b = _shared.to_metric(buildings, crs)
    hit = b.iloc[_meeting(b, area)]
    out = pd.DataFrame({
        "building_id": hit["building_id"].astype(str),
        "name": hit["name"].map(_shared.text),
        "grid_id": hit["grid_id"].map(_shared.text),
        "distance_m": pd.Series(distances(hit.geometry, area, ref), index=hit.index).round(1),
        "inside": pd.Series(True, index=hit.index, dtype=bool),
        "households": pd.to_numeric(hit["households"], errors="coerce").fillna(0).astype(int),
        "residents": pd.to_numeric(hit["residents"], errors="coerce").fillna(0).astype(int),
        "elderly_alone": pd.to_numeric(hit["elderly_alone"], errors="coerce").fillna(0).astype(int),
        "basement": hit["basement"].fillna(False).astype(bool),
        "head": hit["head"].map(_shared.text),  # masked already for the reader
        "head_phone": hit["head_phone"].map(_shared.text),
    })
    out = _with_lonlat(out, buildings.loc[hit.index].geometry.representative_point())
    return out.sort_values(["distance_m", "building_id"]).reset_index(drop=True)


def _grates(incidents: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, ref: shapely.Point | None,
            nearest: int) -> pd.DataFrame:
    g = _shared.to_metric(_shared.incidents_of(incidents, _shared.GRATE), crs)
    inside = pd.Series(False, index=g.index)
    inside.iloc[_meeting(g, area)] = True
    dist = pd.Series(distances(g.geometry, area, ref, inside.to_numpy(), nearest=max(nearest, 0)), index=g.index)
    order = dist.sort_values(kind="stable")
    keep = inside | dist.index.isin(order.index[:max(nearest, 0)])
    out = pd.DataFrame({
        "incident_id": g["incident_id"].astype(str), "status": g["status"].map(_shared.text),
        "distance_m": dist.round(1), "inside": inside.astype(bool),
    })[keep]
    out = _with_lonlat(out, incidents.loc[out.index].geometry)
    return out.sort_values(["distance_m", "incident_id"]).reset_index(drop=True)


def _wires(incidents: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, ref: shapely.Point | None) -> pd.DataFrame:
    w = _shared.to_metric(_shared.incidents_of(incidents, _shared.WIRE), crs)
    w = w.iloc[_meeting(w, area)]
    out = pd.DataFrame({
        "incident_id": w["incident_id"].astype(str), "status": w["status"].map(_shared.text),
        "distance_m": pd.Series(distances(w.geometry, area, ref), index=w.index).round(1), "inside": pd.Series(True, index=w.index, dtype=bool),
        "critical": ~w["status"].astype(str).isin(_shared.CLOSED_EVENT),
    })
    out = _with_lonlat(out, incidents.loc[out.index].geometry)
    return out.sort_values(["critical", "distance_m"], ascending=[False, True]).reset_index(drop=True)


def _meeting(gdf: gpd.GeoDataFrame, area: shapely.Geometry) -> np.ndarray:
    """Positions (sorted) of the features of ``gdf`` meeting ``area`` (spatial index, prepared area)."""
    if gdf.empty:
        return np.zeros(0, dtype=int)
    return np.sort(gdf.sindex.query(area, predicate="intersects"))


def distances(geoms: gpd.GeoSeries, area: shapely.Geometry, center: shapely.Point | None,
               inside: np.ndarray | None = None, nearest: int | None = None) -> np.ndarray:
    """Metres from ``center``, or (``center`` None) from ``area``: 0 inside, else to its boundary.

    The distance to a boundary of many vertices is found with a spatial
    index of its segments, not by measuring every vertex for every item.
    With ``nearest``, only the items outside that may be among the
    ``nearest`` closest get their distance (searched in growing reach);
    the others, farther, get infinity.

    Returns
    -------
    ndarray
        One distance per geometry, in metres.
    """
    arr = np.asarray(geoms.values, dtype=object)
    if center is not None:
        return np.asarray(shapely.distance(arr, center), dtype=float)
    out = np.zeros(len(arr), dtype=float)
    outside = ~inside if inside is not None else ~shapely.intersects(area, arr)
    outside &= ~(shapely.is_missing(arr) | shapely.is_empty(arr))
    if not outside.any():
        return out
    coords, ring = shapely.get_coordinates(shapely.get_parts(area.boundary), return_index=True)
    same = ring[:-1] == ring[1:]
    segments = shapely.linestrings(np.stack([coords[:-1][same], coords[1:][same]], axis=1))
    tree, pts = shapely.STRtree(segments), arr[outside]
    if nearest is None or nearest >= len(pts):
        _, dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
        out[outside] = dist
        return out
    found = np.full(len(pts), np.inf)
    reach = 100.0
    while True:
        idx, dist = tree.query_nearest(pts, max_distance=reach, return_distance=True, all_matches=False)
        found[idx[0]] = dist
        if len(dist) >= nearest or reach > 1e7:
            break
        reach *= 4
    out[outside] = found
    return out


def _contacts(grids: gpd.GeoDataFrame, buildings: pd.DataFrame, center: shapely.Point,
              area: shapely.Geometry) -> pd.DataFrame:
    hit = grids.iloc[_meeting(grids, area)]
    holding = hit[hit.contains(center)]
    ordered = pd.concat([holding, hit.drop(holding.index)])
    rows = [{"role": "网格员", "name": _shared.text(r["worker"]),
             "phone": _shared.text(r["phone"]), "for_what": f"{_shared.text(r['name'])}（{r['grid_id']}）"}
            for _, r in ordered.iterrows()]
    rows += [{"role": "楼栋长", "name": r["head"], "phone": r["head_phone"],
              "for_what": f"{r['name']}（{r['building_id']}）"}
             for _, r in buildings.iterrows() if r["head"] or r["head_phone"]]
    return pd.DataFrame(rows, columns=["role", "name", "phone", "for_what"])


def _map(layers: Mapping[str, gpd.GeoDataFrame], crs: pyproj.CRS, area: shapely.Geometry,
         center: shapely.Point | None, radius: float | None, buildings: pd.DataFrame, grates: pd.DataFrame,
         wires: pd.DataFrame) -> FloodMap:
    """The response's geometry in ``crs`` with its surroundings (see :class:`FloodMap`)."""
    grate_pts, wire_pts = _points(grates, crs), _points(wires, crs)
    near = _near(layers.get(schema.BUILDINGS), crs, area.bounds)
    affected = near["building_id"].isin(buildings["building_id"]) if not near.empty else pd.Series([], dtype=bool)
    items = [*grate_pts, *near.geometry[affected.to_numpy()]]
    parts = [_focus(area, items) if center is None else area, *items]
    minx, miny, maxx, maxy = _bounds(parts, MAP_MARGIN_M)
    # surroundings: enough around the extent to fill a map box of any shape
    grow = 1.25 * max(maxx - minx, maxy - miny)
    box = (minx - grow, miny - grow, maxx + grow, maxy + grow)
    near = _near(layers.get(schema.BUILDINGS), crs, box)
    basement = dict(zip(buildings["building_id"], buildings["basement"], strict=True))
    ids = near["building_id"].astype(str) if not near.empty else pd.Series([], dtype=str)
    frame = gpd.GeoDataFrame({"building_id": ids.to_numpy(), "affected": ids.isin(basement).to_numpy(),
                              "basement": ids.map(lambda i: bool(basement.get(i, False))).to_numpy()},
                             geometry=near.geometry.to_numpy(), crs=crs)
    streets = _near(layers.get(schema.STREETS), crs, box).geometry
    outlines = _near(layers.get(schema.GRIDS), crs, box).geometry.boundary
    return FloodMap(crs, (minx, miny, maxx, maxy), area, center, radius, frame,
                    _clip(streets, box), _clip(outlines, box), grate_pts, wire_pts)


#: An area wider or taller than this many times its affected items is framed around the items.
_FOCUS_RATIO: Final = 4.0


def _focus(area: shapely.Geometry, items: list[shapely.Geometry]) -> shapely.Geometry:
    """The part of ``area`` worth framing: all of it, unless it dwarfs the ``items`` it affects."""
    if not items:
        return area
    ix0, iy0, ix1, iy1 = _bounds(items)
    ax0, ay0, ax1, ay1 = area.bounds
    side = max(ix1 - ix0, iy1 - iy0, 50.0)
    if max(ax1 - ax0, ay1 - ay0) <= _FOCUS_RATIO * side:
        return area
    grow = 0.25 * side
    return shapely.clip_by_rect(area, ix0 - grow, iy0 - grow, ix1 + grow, iy1 + grow)  # only its extent is used


def _bounds(geoms: list[shapely.Geometry], margin: float = 0.0) -> tuple[float, float, float, float]:
    """The extent of ``geoms`` (empty ones ignored), grown by ``margin``."""
    b = shapely.bounds(np.asarray(geoms, dtype=object))
    return (float(np.nanmin(b[:, 0])) - margin, float(np.nanmin(b[:, 1])) - margin,
            float(np.nanmax(b[:, 2])) + margin, float(np.nanmax(b[:, 3])) + margin)


def _near(gdf: gpd.GeoDataFrame | None, crs: pyproj.CRS, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """The features of ``gdf`` meeting the metric ``box``, in ``crs``."""
    if gdf is None or gdf.empty:
        return gpd.GeoDataFrame({"building_id": []}, geometry=[], crs=crs)
    window = gpd.GeoSeries([shapely.box(*box)], crs=crs).to_crs(gdf.crs or schema.STORAGE_CRS).iloc[0]
    hit = _shared.to_metric(gdf.iloc[gdf.sindex.query(window, predicate="intersects")].sort_index(), crs)
    return hit[hit.intersects(shapely.box(*box))]


def _clip(lines: gpd.GeoSeries, box: tuple[float, float, float, float]) -> gpd.GeoSeries:
    """Lines cut to the metric ``box`` (long streets need not be drawn to their ends)."""
    return gpd.GeoSeries(shapely.clip_by_rect(lines.to_numpy(), *box), crs=lines.crs) if len(lines) else lines


def _points(df: pd.DataFrame, crs: pyproj.CRS) -> gpd.GeoSeries:
    """The ``lon``/``lat`` of a response table as points in ``crs``, in the table's order."""
    return gpd.GeoSeries(gpd.points_from_xy(df["lon"], df["lat"]), crs=schema.STORAGE_CRS).to_crs(crs)


def _with_lonlat(df: pd.DataFrame, points: gpd.GeoSeries) -> pd.DataFrame:
    df = df.copy()
    df["lon"] = points.x.round(7).to_numpy() if len(points) else []
    df["lat"] = points.y.round(7).to_numpy() if len(points) else []
    return df


def export_response(response: FloodResponse, path: str | Path) -> Path:
    """Write a flood response to CSV, XLSX or PDF (chosen by the suffix).

    Parameters
    ----------
    response
        From :func:`flood_response`.
    path
        ``.csv`` (one table, a ``section`` column), ``.xlsx`` (one sheet per
        section) or ``.pdf`` (A4, Chinese).

    Returns
    -------
    Path
        The file written.
    """
    from . import documents

    path = Path(path)
    if path.suffix.lower() not in (".csv", ".xlsx", ".pdf"):
        raise OptionError.of("flood.out_suffix", suffix=path.suffix or "-")
    path.write_bytes(documents.render_flood(response, path.suffix))
    return path
