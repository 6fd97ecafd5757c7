"""ReportLab drawing of the A4 route sheets (see :func:`geo.routing.export.to_pdf`).

Each patroller's sheet has a header (the plan, and notes about that
patroller's own stops), a map (grid outlines and streets under the route,
numbered stops, a scale bar and a north arrow, in the print kit's
:class:`geo.printkit.MapFrame` like every GridWatch map) and the stop
table, where every stop has its place: the building it is in or near and
its grid. Every value from the user's data reaches ReportLab through
:func:`geo.safe.markup`. :func:`route_sheets` returns the PDF's bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from reportlab.graphics.shapes import Circle, Drawing, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from .. import schema
from ..crs import local_metric_crs
from ..i18n import t
from ..names import grid_labels
from ..printkit import BOX, WIDTH, MapFrame, document, register_reportlab_font, table_style
from ..safe import markup
from .plan import RoutePlan
from .style import SheetContext, color

__all__ = ["id_column", "notes_zh", "route_sheets", "sheet_notes", "stop_places", "wrap_id"]

MAP_HEIGHT: Final = 120 * mm
#: Ring of a stop reached by a straight line although the plan follows streets (as on the app's map).
STRAIGHT_RING: Final = "#b00020"
GRID_LINE: Final = "#2f6b2f"
STREET_LINE: Final = "#c8c8c8"
#: A stop this close to a building (m) is "near" it; further, only its grid is named.
NEAR_BUILDING_M: Final = 80.0
#: Font sizes of the table, and the smallest an id may shrink to before it wraps.
TABLE_FONT: Final = 8.0
MIN_ID_FONT: Final = 6.0
#: Room a table cell keeps around its text (ReportLab's 6 pt padding each side, and a little).
CELL_PADDING: Final = 13.0
#: Characters an id may wrap after (never inside a run of letters and digits).
_ID_BREAK: Final = re.compile(r"(?<=[-_/.:·\s])")
#: Most unreachable ids listed in a note.
MAX_LISTED: Final = 10


def route_sheets(
    plan: RoutePlan, which: Sequence[int], label: Callable[[str], str], title: str, *, lang: str = "zh",
    sheet: SheetContext | None = None,
) -> bytes:  # fmt: skip
    """PDF bytes: for each patroller, a header, the map and the stop table.

    Parameters
    ----------
    plan
        The plan.
    which
        The patrollers (1-based) to print, one sheet each.
    label
        What users read for an incident type code.
    title
        The sheet's title.
    lang
        Language of the sheet (``zh`` or ``en``).
    sheet
        Grids, buildings and streets to draw and to name the stops' places from.

    Returns
    -------
    bytes
        The PDF.
    """
    sheet = sheet or SheetContext()
    font = register_reportlab_font()
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12),
        "warn": ParagraphStyle("warn", fontName=font, fontSize=9, leading=12, textColor=colors.HexColor("#b00000")),
        # Chinese text breaks between any two characters; English only between words
        "cell": ParagraphStyle("cell", fontName=font, fontSize=TABLE_FONT, leading=TABLE_FONT + 2,
                               wordWrap="CJK" if lang != "en" else None),
    }
    places = stop_places(plan, sheet, lang)
    story: list[Any] = []
    for k, p in enumerate(which):
        if k:
            story.append(PageBreak())
        story.extend(_header(plan, p, title, styles, lang, sheet.made_for))
        story.append(_map(plan, p, color(p), font, sheet, lang))
        story.append(Spacer(1, 4 * mm))
        story.append(_stop_table(plan, p, label, font, styles, places, lang))
    buffer = io.BytesIO()
    document(buffer, title).build(story)
    return buffer.getvalue()


def _header(plan: RoutePlan, p: int, title: str, styles: dict[str, ParagraphStyle], lang: str,  # noqa: PLR0913
            made_for: str = "") -> list[Any]:
    route = plan.routes.iloc[p - 1]
    back = t("routes.sheet_closed" if plan.closed else "routes.sheet_open", lang)
    distance = t("routes.sheet_streets" if plan.on_streets else "routes.sheet_straight_lines", lang)
    lines = [
        Paragraph(markup(t("routes.sheet_title", lang, title=title, p=p, k=plan.patrollers)), styles["title"]),
        Paragraph(markup(t("routes.sheet_summary", lang, n=int(route["n_stops"]), m=float(route["length_m"]),
                           back=back, distance=distance)), styles["body"]),  # fmt: skip
        Paragraph(markup(t("routes.sheet_fill_in", lang)), styles["body"]),
        *([Paragraph(markup(made_for), styles["body"])] if made_for else []),
    ]
    lines += [Paragraph(markup(t("routes.sheet_note", lang, note=note)), styles["warn"]) for note in sheet_notes(plan, p, lang)]
    lines.append(Spacer(1, 3 * mm))
    return lines


def sheet_notes(plan: RoutePlan, p: int | None = None, lang: str = "zh") -> list[str]:
    """What the walker should know, for one patroller's sheet (``p``) or the whole plan (None).

    The unreachable points listed are the patroller's own; the grids with
    nothing to visit and the other notes are about the whole plan.
    """
    stops = plan.stops if p is None else plan.route_stops(p)
    own = [i for i in stops["id"].astype(str) if i in set(plan.unreachable)]
    notes = []
    if not plan.on_streets:
        notes.append(t("routes.warn_straight", lang))
    if own:
        shown = ", ".join(own[:MAX_LISTED]) + (" …" if len(own) > MAX_LISTED else "")
        notes.append(t("routes.sheet_unreachable", lang, n=len(own), ids=shown))
    if plan.on_streets and plan.unreachable and len(plan.unreachable) == len(plan.stops):
        notes.append(t("routes.warn_none_reached", lang))
    for key, values in plan.notes:
        if key in ("routes.warn_streets_far", "routes.warn_empty_grids", "routes.warn_grids_uncovered"):
            notes.append(t(key, lang, **values))
    if plan.start_straight:
        notes.append(t("routes.warn_start_straight", lang))
    idle = int((plan.routes["n_stops"] == 0).sum()) if len(plan.routes) else 0
    if idle:
        notes.append(t("routes.warn_idle", lang, n=idle))
    return notes


def notes_zh(plan: RoutePlan) -> list[str]:
    """The notes of the whole plan, in Chinese (see :func:`sheet_notes`)."""
    return sheet_notes(plan, None, "zh")


# --------------------------------------------------------------------------
# Places of the stops
# --------------------------------------------------------------------------


def stop_places(plan: RoutePlan, sheet: SheetContext, lang: str = "zh") -> pd.Series:
    """Where each stop is, for people: ``楼栋 3 附近 · 第二网格`` (``near Building 3 · Grid 2``).

    The building holding the stop, else the nearest within
    :data:`NEAR_BUILDING_M`; then the grid's name (its id without one).

    Returns
    -------
    Series of str, on the index of ``plan.stops``.
    """
    stops = plan.stops
    out = pd.Series("", index=stops.index, dtype=object)
    if stops.empty:
        return out
    building = pd.Series("", index=stops.index, dtype=object)
    buildings = sheet.buildings
    if buildings is not None and len(buildings) and "building_id" in buildings.columns:
        crs = local_metric_crs(stops)
        named = buildings[buildings.geometry.notna() & ~buildings.geometry.is_empty]
        names = named["name"].fillna("").astype(str) if "name" in named.columns else pd.Series("", index=named.index)
        names = names.where(names.str.strip() != "", named["building_id"].astype(str))
        b = gpd.GeoDataFrame({"b_name": names}, geometry=named.geometry.values, crs=named.crs).to_crs(crs)
        s = stops[["geometry"]].to_crs(crs)
        hit = gpd.sjoin_nearest(s, b, how="left", max_distance=NEAR_BUILDING_M, distance_col="b_m")
        hit = hit[~hit.index.duplicated(keep="first")]
        for idx, name, metres in zip(hit.index, hit["b_name"], hit["b_m"], strict=True):
            if isinstance(name, str) and name:
                building[idx] = t("routes.place_in" if metres <= 0.5 else "routes.place_near", lang, name=name)
    grid_names: dict[str, str] = {}
    grids = sheet.grids
    if grids is not None and len(grids) and "grid_id" in grids.columns:
        grid_names = grid_labels(grids)  # qualified by community where a name repeats
    for idx, grid in zip(stops.index, stops["grid_id"].fillna("").astype(str), strict=True):
        grid_text = grid_names.get(grid, grid) if grid else t("routes.place_outside", lang)
        out[idx] = " · ".join(part for part in (building[idx], grid_text) if part)
    return out


# --------------------------------------------------------------------------
# The map
# --------------------------------------------------------------------------


def _map(plan: RoutePlan, p: int, stroke: str, font: str, sheet: SheetContext, lang: str) -> Drawing:
    """Grid outlines and streets, the route and numbered stops, to scale, with a scale bar and a north arrow."""
    stops = plan.route_stops(p)
    line = plan.routes.geometry.iloc[p - 1]
    lonlat = shapely.get_coordinates(line) if line is not None else np.empty((0, 2))
    pts_ll = stops[["lon", "lat"]].to_numpy(dtype=float)
    everything = np.vstack([lonlat, pts_ll]) if len(lonlat) else pts_ll
    if len(everything) == 0:
        return Drawing(WIDTH, MAP_HEIGHT)
    crs = local_metric_crs(gpd.GeoSeries(shapely.points(everything), crs=schema.STORAGE_CRS))
    to_m = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True)
    xy = np.column_stack(to_m.transform(everything[:, 0], everything[:, 1]))
    frame = MapFrame((*xy.min(axis=0), *xy.max(axis=0)), WIDTH, MAP_HEIGHT, font, legend=0.0,
                     metres=lambda m: t("routes.sheet_metres", lang, m=m), north="N" if lang == "en" else "北")

    def page(coords: np.ndarray) -> np.ndarray:
        return frame.points(np.column_stack(to_m.transform(coords[:, 0], coords[:, 1])))

    _background(frame, sheet, crs, font)
    drawing = frame.drawing
    if len(lonlat) > 1:
        drawing.add(PolyLine(page(lonlat).ravel().tolist(), strokeColor=colors.HexColor(stroke), strokeWidth=1.6))
    if plan.start is not None:
        sx, sy = page(np.array([plan.start]))[0]
        drawing.add(Rect(sx - 3.5, sy - 3.5, 7, 7, fillColor=colors.black, strokeColor=colors.white))
        drawing.add(String(sx + 5, sy + 3, t("routes.start_marker", lang), fontName=font, fontSize=7))
    radius = 4.2 if len(stops) <= 60 else 3.0
    size = 5.5 if len(stops) <= 60 else 4.0
    for (x, y), seq, straight in zip(page(pts_ll), stops["seq"], stops["straight"], strict=True):
        ring = colors.HexColor(STRAIGHT_RING if straight and plan.on_streets else stroke)
        drawing.add(Circle(x, y, radius, fillColor=colors.white, strokeColor=ring, strokeWidth=0.8,
                           strokeDashArray=[1.5, 1] if straight and plan.on_streets else None))  # fmt: skip
        drawing.add(String(x, y - size / 3, str(seq), fontName=font, fontSize=size, textAnchor="middle"))
    return frame.finish()


def _background(frame: MapFrame, sheet: SheetContext, crs: pyproj.CRS, font: str) -> None:
    """Streets (light grey) and grid outlines (green, named) inside the map's frame."""
    view = frame.visible()
    box = shapely.box(*view)
    for layer in (sheet.streets, sheet.grids):
        if layer is None or layer.empty or layer.crs is None:
            continue
        geoms = layer.geometry.to_crs(crs)
        near = geoms.intersects(box).to_numpy()
        if not near.any():
            continue
        shapes = shapely.clip_by_rect(geoms.to_numpy()[near], *view)
        if layer is sheet.streets:
            frame.lines(shapes, strokeColor=colors.HexColor(STREET_LINE), strokeWidth=0.6)
        else:
            frame.lines(shapely.boundary(shapes), strokeColor=colors.HexColor(GRID_LINE), strokeWidth=0.9,
                        strokeDashArray=[3, 2])
    grids = sheet.grids
    if grids is not None and len(grids) and grids.crs is not None and "grid_id" in grids.columns:
        geoms = grids.geometry.to_crs(crs)
        labels = grid_labels(grids)
        names = [labels.get(g, g) for g in grids["grid_id"].astype(str)]
        for geom, name, gid in zip(geoms, names, grids["grid_id"].astype(str), strict=True):
            if geom is None or geom.is_empty or not geom.intersects(box):
                continue
            inside = shapely.clip_by_rect(geom, *view)
            if inside.is_empty or inside.area < 0.02 * box.area:
                continue
            at = inside.representative_point()
            x, y = frame.points(np.array([[at.x, at.y]]))[0]
            frame.add(String(x, y, name or gid, fontName=font, fontSize=7, textAnchor="middle",
                             fillColor=colors.HexColor(GRID_LINE)))  # fmt: skip


# --------------------------------------------------------------------------
# The stop table
# --------------------------------------------------------------------------


def _stop_table(
    plan: RoutePlan,
    p: int,
    label: Callable[[str], str],
    font: str,
    styles: dict[str, ParagraphStyle],
    places: pd.Series,
    lang: str,
) -> Table:
    stops = plan.route_stops(p)
    ids = stops["id"].astype(str).tolist()
    head = [t(f"routes.sheet_col_{c}", lang) for c in ("seq", "id", "type", "place", "leg", "cum", "done")]
    fixed = {"seq": 10 * mm, "type": 24 * mm, "leg": 20 * mm, "cum": 17 * mm, "done": 10 * mm}
    id_width, id_size = id_column(ids, font, WIDTH - sum(fixed.values()) - 45 * mm)
    place_width = WIDTH - sum(fixed.values()) - id_width
    id_style = ParagraphStyle("id", parent=styles["cell"], fontSize=id_size, leading=id_size + 2, wordWrap=None)
    rows: list[list[Any]] = [head]
    for row, ident in zip(stops.itertuples(), ids, strict=True):
        mark = "*" if row.straight else ""
        rows.append([
            str(row.seq),
            Paragraph(wrap_id(ident, font, id_size, id_width - CELL_PADDING), id_style),
            Paragraph(markup(label(str(row.type))), styles["cell"]),
            Paragraph(markup(places.get(row.Index, "") or str(row.grid_id)), styles["cell"]),
            f"{row.leg_m:,.0f}{mark}",
            f"{row.cumulative_m:,.0f}",
            BOX,
        ])  # fmt: skip
    route = plan.routes.iloc[p - 1]
    if plan.closed and route["n_stops"]:
        rows.append(["", Paragraph(markup(t("routes.sheet_return", lang)), styles["cell"]), "", "",
                     f"{route['return_m']:,.0f}", f"{route['length_m']:,.0f}", ""])  # fmt: skip
    widths = [fixed["seq"], id_width, fixed["type"], place_width, fixed["leg"], fixed["cum"], fixed["done"]]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        *table_style(font, TABLE_FONT),
        ("ALIGN", (4, 1), (5, -1), "RIGHT"),
        ("ALIGN", (6, 1), (6, -1), "CENTER"),
    ]))  # fmt: skip
    return table


def id_column(ids: Sequence[str], font: str, most: float) -> tuple[float, float]:
    """Width of the id column (points) and the font size that fits the longest id on one line.

    The column is as wide as the longest id at :data:`TABLE_FONT` (at
    least 18 mm), up to ``most``; when that is not enough the font shrinks,
    down to :data:`MIN_ID_FONT`, after which long ids wrap at separators.
    """
    longest = max((stringWidth(i, font, TABLE_FONT) for i in ids), default=0.0) + CELL_PADDING
    width = min(max(longest, 18 * mm), most)
    size = TABLE_FONT
    if longest > width:
        size = max(MIN_ID_FONT, TABLE_FONT * (width - CELL_PADDING) / (longest - CELL_PADDING))
    return width, size


def wrap_id(ident: str, font: str, size: float, width: float) -> str:
    """The id as Paragraph markup, broken into lines only after separators (``-_/.:·`` or a space)."""
    if stringWidth(ident, font, size) <= width:
        return markup(ident)
    lines: list[str] = []
    current = ""
    for piece in _ID_BREAK.split(ident):
        if current and stringWidth(current + piece, font, size) > width:
            lines.append(current)
            current = piece
        else:
            current += piece
    lines.append(current)
    return "<br/>".join(markup(line) for line in lines if line)
