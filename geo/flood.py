"""Flood response: who and what is near a flooding point.

A flooding report arrives (an incident in the store, or a point clicked on
the map, or a flooded area drawn as a polygon). :func:`flood_response`
answers the questions of that moment, in the local metric CRS:

- the buildings affected (footprint within the radius or touching the
  polygon), with households, residents, elderly living alone and basements;
- the nearest rain grates to clear (all inside the area, and at least the
  ``nearest`` closest ones even if outside);
- flying wires inside the area, flagged critical (electrocution risk in
  standing water) while still open;
- whom to call: the grid worker(s) and the affected buildings' heads.

The response also carries a :class:`FloodMap`: the same features (and the
streets, grid outlines and other buildings around them) in the local metric
CRS, from which the PDF draws its small map of the affected area.

:func:`export_response` writes the result as CSV, XLSX or PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from . import _rain, schema
from ._errors import OptionError, UnknownIdError

__all__ = ["FloodMap", "FloodResponse", "export_response", "flood_response", "parse_polygon", "read_layers"]

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
        listed grates and the affected buildings, with a margin).
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

    def sections(self) -> dict[str, pd.DataFrame]:
        """The tables by section name (for exports)."""
        return {"buildings": self.buildings, "grates": self.grates, "wires": self.wires, "contacts": self.contacts}


def read_layers(store: object) -> dict[str, gpd.GeoDataFrame]:
    """All four layers of a store (``store.read`` for each)."""
    return {name: store.read(name) for name in schema.LAYERS}  # type: ignore[attr-defined]


def flood_response(
    layers: Mapping[str, gpd.GeoDataFrame],
    *,
    incident_id: str | None = None,
    at: tuple[float, float] | None = None,
    polygon: shapely.Geometry | None = None,
    radius: float = DEFAULT_RADIUS_M,
    nearest: int = DEFAULT_NEAREST_GRATES,
    role: str = "worker",
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
    radius
        Metres around the point (ignored with ``polygon``).
    nearest
        List at least this many nearest grates, even outside the area.
    role
        Who is looking (``worker``, ``staff``, ``volunteer``, ``public``);
        decides whether names and phone numbers are shown or masked.

    Returns
    -------
    FloodResponse
        ``buildings`` (nearest first): building_id, name, grid_id,
        distance_m, households, residents, elderly_alone, basement, head,
        head_phone. ``grates`` (nearest first): incident_id, status,
        distance_m, inside. ``wires``: incident_id, status, distance_m,
        critical. ``contacts``: role, name, phone, for_what.
    """
    _rain.visibility(role)
    if radius <= 0 or radius > 5000:
        msg = f"Radius {radius} m is out of range."
        raise OptionError(msg, "Give a radius in metres between 1 and 5000 (default 100).")
    center, area, title = _where(layers["incidents"], incident_id, at, polygon, radius)
    crs = _rain.metric_crs(layers["grids"], layers["buildings"], layers["incidents"])
    area_m = gpd.GeoSeries([area], crs=schema.STORAGE_CRS).to_crs(crs).iloc[0]
    center_m = gpd.GeoSeries([center], crs=schema.STORAGE_CRS).to_crs(crs).iloc[0]
    buildings = _affected_buildings(layers["buildings"], crs, area_m, center_m, role)
    grates = _grates(layers["incidents"], crs, area_m, center_m, nearest)
    wires = _wires(layers["incidents"], crs, area_m, center_m)
    contacts = _contacts(layers["grids"], buildings, center, area, role)
    summary = {
        "buildings": len(buildings),
        "households": int(buildings["households"].sum()),
        "residents": int(buildings["residents"].sum()),
        "elderly_alone": int(buildings["elderly_alone"].sum()),
        "basements": int(buildings["basement"].sum()),
        "grates": len(grates),
        "grates_blocked": int(grates["status"].isin(_rain.BAD_GRATE).sum()),
        "wires": len(wires),
        "wires_critical": int(wires["critical"].sum()),
    }
    drawn = _map(layers, crs, area_m, None if polygon is not None else center_m,
                 None if polygon is not None else radius, buildings, grates, wires)
    return FloodResponse(title, center, area, buildings, grates, wires, contacts, summary, drawn)


def _where(
    incidents: gpd.GeoDataFrame,
    incident_id: str | None,
    at: tuple[float, float] | None,
    polygon: shapely.Geometry | None,
    radius: float,
) -> tuple[shapely.Point, shapely.Geometry, str]:
    given = [x is not None for x in (incident_id, at, polygon)]
    if sum(given) != 1:
        msg = "Say where the flooding is: exactly one of an incident id, a point or a polygon."
        raise OptionError(msg, "Use --incident ID, or --at lon,lat (with --radius).")
    if polygon is not None:
        if polygon.is_empty or polygon.geom_type not in ("Polygon", "MultiPolygon"):
            msg = "The flooded area must be a non-empty polygon."
            raise OptionError(msg, "Draw the area as a polygon in WGS-84 longitude/latitude.")
        return polygon.centroid, shapely.make_valid(polygon), "积水区域"
    if incident_id is not None:
        match = incidents[incidents["incident_id"].astype(str) == str(incident_id)]
        if match.empty:
            msg = f"No incident has id {incident_id!r}."
            raise UnknownIdError(msg, "List flooding reports with 'python -m geo summary' or pick one on the map.")
        point = match.geometry.iloc[0]
        title = f"积水点 {incident_id}，半径 {radius:.0f} 米"
    else:
        lon, lat = at  # type: ignore[misc]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            msg = f"Point {lon},{lat} is not a longitude,latitude pair."
            raise OptionError(msg, "Write it as lon,lat in WGS-84, e.g. --at 114.30,30.55.")
        point = shapely.Point(lon, lat)
        title = f"位置 {lon:.6f},{lat:.6f}，半径 {radius:.0f} 米"
    local = _rain.metric_crs(gpd.GeoDataFrame(geometry=[point], crs=schema.STORAGE_CRS))
    circle = gpd.GeoSeries([point], crs=schema.STORAGE_CRS).to_crs(local).buffer(radius, 32).to_crs(schema.STORAGE_CRS)
    return point, circle.iloc[0], title


def _affected_buildings(
    buildings: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, center: shapely.Point, role: str
) -> pd.DataFrame:
    b = _rain.to_metric(buildings, crs)
    hit = b[b.intersects(area)] if not b.empty else b
    out = pd.DataFrame({
        "building_id": hit["building_id"].astype(str),
        "name": hit["name"].map(_rain.text),
        "grid_id": hit["grid_id"].map(_rain.text),
        "distance_m": hit.distance(center).round(1),
        "households": pd.to_numeric(hit["households"], errors="coerce").fillna(0).astype(int),
        "residents": pd.to_numeric(hit["residents"], errors="coerce").fillna(0).astype(int),
        "elderly_alone": pd.to_numeric(hit["elderly_alone"], errors="coerce").fillna(0).astype(int),
        "basement": hit["basement"].fillna(False).astype(bool),
        "head": hit["head"].map(lambda v: _rain.show_name(v, role)),
        "head_phone": hit["head_phone"].map(lambda v: _rain.show_phone(v, role)),
    })
    out = _with_lonlat(out, buildings.loc[hit.index].geometry.representative_point())
    return out.sort_values(["distance_m", "building_id"]).reset_index(drop=True)


def _grates(incidents: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, center: shapely.Point,
            nearest: int) -> pd.DataFrame:
    g = _rain.to_metric(_rain.incidents_of(incidents, _rain.GRATE), crs)
    dist = g.distance(center)
    inside = g.intersects(area)
    order = dist.sort_values(kind="stable")
    keep = inside | dist.index.isin(order.index[:max(nearest, 0)])
    out = pd.DataFrame({
        "incident_id": g["incident_id"].astype(str), "status": g["status"].map(_rain.text),
        "distance_m": dist.round(1), "inside": inside.astype(bool),
    })[keep]
    out = _with_lonlat(out, incidents.loc[out.index].geometry)
    return out.sort_values(["distance_m", "incident_id"]).reset_index(drop=True)


def _wires(incidents: gpd.GeoDataFrame, crs: pyproj.CRS, area: shapely.Geometry, center: shapely.Point) -> pd.DataFrame:
    w = _rain.to_metric(_rain.incidents_of(incidents, _rain.WIRE), crs)
    w = w[w.intersects(area)] if not w.empty else w
    out = pd.DataFrame({
        "incident_id": w["incident_id"].astype(str), "status": w["status"].map(_rain.text),
        "distance_m": w.distance(center).round(1),
        "critical": ~w["status"].astype(str).isin(_rain.CLOSED_EVENT),
    })
    out = _with_lonlat(out, incidents.loc[out.index].geometry)
    return out.sort_values(["critical", "distance_m"], ascending=[False, True]).reset_index(drop=True)


def _contacts(grids: gpd.GeoDataFrame, buildings: pd.DataFrame, center: shapely.Point,
              area: shapely.Geometry, role: str) -> pd.DataFrame:
    hit = grids[grids.intersects(area)] if not grids.empty else grids
    holding = hit[hit.contains(center)]
    ordered = pd.concat([holding, hit.drop(holding.index)])
    rows = [{"role": "网格员", "name": _rain.show_name(r["worker"], role),
             "phone": _rain.show_phone(r["phone"], role), "for_what": f"{_rain.text(r['name'])}（{r['grid_id']}）"}
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
    parts = [area, *grate_pts, *near.geometry[affected.to_numpy()]]
    minx, miny, maxx, maxy = shapely.union_all(parts).buffer(MAP_MARGIN_M).bounds
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


def _near(gdf: gpd.GeoDataFrame | None, crs: pyproj.CRS, box: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """The features of ``gdf`` meeting the metric ``box``, in ``crs``."""
    if gdf is None or gdf.empty:
        return gpd.GeoDataFrame({"building_id": []}, geometry=[], crs=crs)
    window = gpd.GeoSeries([shapely.box(*box)], crs=crs).to_crs(gdf.crs or schema.STORAGE_CRS).iloc[0]
    hit = _rain.to_metric(gdf.iloc[gdf.sindex.query(window, predicate="intersects")].sort_index(), crs)
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


def parse_polygon(value: str | Path) -> shapely.Geometry:
    """A flooded area from a file or from text.

    Parameters
    ----------
    value
        A vector file holding polygons (GeoJSON, GeoPackage, Shapefile...;
        read with its CRS, WGS-84 when it has none), GeoJSON text (a
        geometry, feature or feature collection), or vertices as text:
        ``lon,lat; lon,lat; lon,lat`` (at least three).

    Returns
    -------
    shapely.Geometry
        A valid (Multi)Polygon in WGS-84.
    """
    text = str(value).strip()
    hint = "Give a GeoJSON/GeoPackage file with a polygon, or vertices as 'lon,lat; lon,lat; lon,lat'."
    if not text:
        msg = "The flooded area is empty."
        raise OptionError(msg, hint)
    if text.startswith("{"):
        geoms = _geojson_geoms(text, hint)
    elif ";" not in text and Path(text).is_file():
        geoms = _file_geoms(Path(text), hint)
    elif ";" not in text and Path(text).suffix.lower() in (".geojson", ".json", ".gpkg", ".shp", ".kml"):
        msg = f"Polygon file {text!r} does not exist."
        raise OptionError(msg, hint)
    else:
        geoms = [_vertices(text, hint)]
    polys = [g for g in geoms if g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not polys:
        msg = "The flooded area holds no polygon."
        raise OptionError(msg, hint)
    area = shapely.make_valid(shapely.union_all(polys))
    minx, miny, maxx, maxy = area.bounds
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        msg = f"The flooded area's coordinates ({minx:.1f}, {miny:.1f} ... {maxx:.1f}, {maxy:.1f}) are not longitude/latitude."
        raise OptionError(msg, "Give the polygon in WGS-84 longitude/latitude (or a file that says its CRS).")
    return area


def _vertices(text: str, hint: str) -> shapely.Geometry:
    try:
        pts = [tuple(float(v) for v in part.split(",")) for part in text.split(";") if part.strip()]
    except ValueError as exc:
        msg = f"Cannot read the polygon vertices {text[:60]!r}."
        raise OptionError(msg, hint) from exc
    bad = [k for k, p in enumerate(pts, start=1) if len(p) != 2]
    if bad:
        msg = f"Vertex {bad[0]} of the flooded area is not a lon,lat pair."
        raise OptionError(msg, hint)
    if len(pts) < 3:
        msg = f"A polygon needs at least three lon,lat vertices; got {len(pts)}."
        raise OptionError(msg, hint)
    return shapely.Polygon(pts)


def _geojson_geoms(text: str, hint: str) -> list[shapely.Geometry]:
    import json

    try:
        data = json.loads(text)
        feats = data.get("features") or [data]
        return [shapely.geometry.shape(f.get("geometry", f)) for f in feats]
    except (ValueError, AttributeError, TypeError, KeyError) as exc:
        msg = f"The flooded area is not valid GeoJSON ({exc})."
        raise OptionError(msg, hint) from exc


def _file_geoms(path: Path, hint: str) -> list[shapely.Geometry]:
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several kinds for an unreadable file
        msg = f"Cannot read the polygon file {path.name} ({type(exc).__name__})."
        raise OptionError(msg, hint) from exc
    if gdf.crs is None:
        gdf = gdf.set_crs(schema.STORAGE_CRS)
    return list(gdf.to_crs(schema.STORAGE_CRS).geometry)


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
    writers = {".csv": documents.write_flood_csv, ".xlsx": documents.write_flood_xlsx,
               ".pdf": documents.write_flood_pdf}
    writer = writers.get(path.suffix.lower())
    if writer is None:
        msg = f"Cannot write a flood response as {path.suffix or 'a file without suffix'}."
        raise OptionError(msg, "Name the output .csv, .xlsx or .pdf.")
    writer(response, path)
    return path
