"""ReportLab drawing of the rain-emergency PDFs (private; see geo.rain.documents)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, Rect, String
from reportlab.graphics.shapes import Path as ShapePath
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..fonts import register_reportlab_font
from ..safe import markup
from .checklist import SECTIONS, GridChecklist

MARGIN: Final = 12 * mm
WIDTH: Final = A4[0] - 2 * MARGIN
BOX: Final = "□"
MAP_HEIGHT: Final = 78 * mm

_Style = dict[str, ParagraphStyle]


def _styles(font: str) -> _Style:
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4, wordWrap="CJK"),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", fontName=font, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")),
    }


def _table(rows: list[list[Any]], widths: Sequence[float], font: str, *, header_color: str = "#305496",
           font_size: float = 8.0) -> Table:
    """A table whose first row repeats on every page it breaks onto.

    Rows of plain one-line strings get a fixed height (ReportLab need not
    measure them); a row holding a wrapped cell (a ``Paragraph``, see
    :func:`_cell`) is measured and grows to fit it.
    """
    one_line = font_size + 6.4
    heights = [None if any(isinstance(c, Paragraph) for c in row) else one_line for row in rows]
    t = Table(rows, colWidths=list(widths), rowHeights=heights, repeatRows=1)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 2),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_color)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5fa")]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]))
    return t


#: Left (and right) padding of a table cell, in points.
CELL_PAD: Final = 3.0
#: Where a long id or Latin text may break across lines: after these characters.
_BREAK_AFTER: Final = frozenset(" -_/\\.:;,·|，、；：）)]}")


#: Most lines a table cell takes: a row must fit on one page (ReportLab cannot split a row).
MAX_CELL_LINES: Final = 30


def _cell(text: object, width: float, font: str, *, size: float = 8.0, lines: int = MAX_CELL_LINES) -> Any:
    """A table cell holding ``text`` in a column ``width`` points wide, as written.

    Text that fits on one line stays a plain string (drawn as it is: no
    markup, and fast). Longer text, or text with control characters,
    becomes a ``Paragraph`` (escaped with :func:`geo.safe.markup`) broken
    into lines that fit the column: Chinese between any two characters, ids
    and Latin text after a separator (``-_/.:`` or a space) where there is
    one, else between characters. Nothing spills into the next column.

    Parameters
    ----------
    text
        The value; None and NaN read as empty.
    width
        Column width in points (the cell padding is taken off).
    font
        The registered CJK font.
    size
        Font size in points.
    lines
        At most this many lines, the last one ending in ``…`` when cut
        (default :data:`MAX_CELL_LINES`: in practice every line, nothing
        hidden).
    """
    s = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    room = width - 2 * CELL_PAD
    plain = s.isprintable()
    if plain and (len(s) * size <= room or stringWidth(s, font, size) <= room):
        return s
    if not plain:  # control characters: whitespace shows as a space, the rest is dropped
        s = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in s)
    wrapped = _wrap(s, room, font, size)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = _fit_line(wrapped[-1], room, font, size)
    if len(wrapped) == 1 and plain:
        return wrapped[0]
    return Paragraph("<br/>".join(markup(line) for line in wrapped), _cell_style(font, size))


@lru_cache(maxsize=16)
def _cell_style(font: str, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"cell{size:g}", fontName=font, fontSize=size, leading=size + 2, wordWrap="CJK")


@lru_cache(maxsize=8192)
def _char_width(c: str, font: str, size: float) -> float:
    return float(stringWidth(c, font, size))


def _wrap(s: str, room: float, font: str, size: float) -> list[str]:
    """``s`` broken into lines at most ``room`` points wide (see :func:`_cell`)."""
    lines: list[str] = []
    line: list[str] = []
    widths: list[float] = []
    cut = 0  # a break is allowed before line[cut] (0: nowhere yet)
    for c in s:
        w = _char_width(c, font, size)
        wide = ord(c) > 0x2E7F
        while line and sum(widths) + w > room:
            k = len(line) if wide or not 0 < cut < len(line) else cut
            lines.append("".join(line[:k]).rstrip())
            line, widths, cut = line[k:], widths[k:], 0
            while line and line[0] == " ":
                line.pop(0)
                widths.pop(0)
        if wide and line:
            cut = len(line)
        line.append(c)
        widths.append(w)
        if wide or c in _BREAK_AFTER:
            cut = len(line)
    if line or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _one_line(text: str, room: float, font: str, size: float) -> str:
    """``text`` on one line of ``room`` points (control characters dropped, cut with ``…``)."""
    s = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)
    return s if stringWidth(s, font, size) <= room else _fit_line(s, room, font, size)


def _fit_line(s: str, room: float, font: str, size: float) -> str:
    """``s`` cut to fit ``room`` points with a trailing ``…``."""
    out, used = [], _char_width("…", font, size)
    for c in s:
        used += _char_width(c, font, size)
        if used > room:
            break
        out.append(c)
    return "".join(out).rstrip() + "…"


class _Stamp(Flowable):
    """A short text drawn once per PDF as a form (XObject) and reused in every row.

    The result boxes (□畅通 □已清掏 ...) are the same on thousands of rows;
    drawing them as one shared form keeps big checklists fast and small.
    """

    def __init__(self, text: str, font: str, size: float = 8.0) -> None:
        super().__init__()
        self.text, self.font, self.size = text, font, size
        self.form = f"stamp{abs(hash((text, font, size)))}"

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab API)
        return availWidth, self.size

    def draw(self) -> None:
        canv = self.canv
        if not canv.hasForm(self.form):
            canv.beginForm(self.form)
            canv.setFont(self.font, self.size)
            canv.drawString(0, 0.15 * self.size, self.text)
            canv.endForm()
        canv.doForm(self.form)


#: Empty cell: an empty list costs ReportLab nothing to draw (a "" is still drawn).
EMPTY: Final[list[Any]] = []


def _boxes(section: str, font: str = "") -> _Stamp:
    text = "  ".join(f"{BOX}{c}" for c in SECTIONS[section].choices)
    return _Stamp(text, font or register_reportlab_font())


# -- checklist pieces ----------------------------------------------------------------


class _GridMarker(Flowable):
    """Zero-size flowable that tells the page footer which grid is being drawn."""

    def __init__(self, state: dict[str, str], header: dict[str, str]) -> None:
        super().__init__()
        self.state, self.header = state, header
        self.width = self.height = 0

    def draw(self) -> None:
        self.state.update(self.header)
        self.state["first_page"] = str(self.canv.getPageNumber())


def _header_block(cl: GridChecklist, st: _Style, font: str) -> list[Any]:
    h = cl.header
    title = Paragraph(
        f"{markup(h['community'])} {markup(h['grid_name'])}（{markup(h['grid_id'])}）防汛巡查清单 "
        f"<font color='{h['level_color']}'>■ {markup(h['level_zh'])}</font>", st["title"])
    widths = [18 * mm, 72 * mm, 18 * mm, WIDTH - 108 * mm]

    def cells(a: str, b: object, c: str, d: object) -> list[Any]:
        return [a, _cell(b, widths[1], font, size=8.5), c, _cell(d, widths[3], font, size=8.5)]

    rows = [
        cells("网格员", f"{h['worker']}  {h['phone']}", "预警级别", h["level_zh"]),
        cells("生成时间", h["generated_at"], "清单编号", h["checklist_id"]),
        cells("检查人", h["inspector"] or "", "检查时间", "    年   月   日   时   分"),
        ["检查人签字", "", "网格员签字", ""],
    ]
    t = Table(rows, colWidths=widths, rowHeights=[None, None, None, 10 * mm])
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8edf5")),
        ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#e8edf5")),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]))
    n = cl.items["section"].value_counts()
    counts = (f"雨水篦子 {n.get('grate', 0)} 个 · 积水点 {n.get('flooding', 0)} 处 · 地下室/车库 {n.get('basement', 0)} 栋 · "
              f"单元 {n.get('unit_light', 0)} 个 · 重点人群楼栋 {n.get('vulnerable', 0)} 栋 · 飞线 {n.get('wire', 0)} 处")
    return [title, t, Spacer(1, 2 * mm), Paragraph(counts, st["small"])]


class _MapFrame:
    """A metric area fitted into a ReportLab drawing: the one map frame of every PDF.

    Both the checklist's grid map and the flood response's map are drawn
    through it: world coordinates (metres, in a local metric CRS) are scaled
    uniformly into the drawing, keeping a band at the bottom for the legend;
    many rings or lines go into one path each (one drawing node, not
    hundreds); a scale bar and a north arrow finish the map.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in metres that must be visible.
    width, height
        Size of the drawing in points.
    font
        The CJK font for labels.
    legend
        Height in points of the legend band at the bottom.
    """

    PAD: Final = 6.0

    def __init__(self, bounds: tuple[float, float, float, float], width: float, height: float, font: str,
                 *, legend: float = 10.0) -> None:
        self.width, self.height, self.font, self.band = width, height, font, legend
        self.drawing = Drawing(width, height)
        self.drawing.add(Rect(0, 0, width, height, strokeColor=colors.HexColor("#999999"),
                              fillColor=colors.HexColor("#fbfbf8"), strokeWidth=0.5))
        minx, miny, maxx, maxy = bounds
        pad, room_w, room_h = self.PAD, width - 2 * self.PAD, height - 2 * self.PAD - legend
        self.scale = min(room_w / max(maxx - minx, 1.0), room_h / max(maxy - miny, 1.0))
        self.minx, self.miny = minx, miny
        self.ox = pad + (room_w - (maxx - minx) * self.scale) / 2
        self.oy = pad + legend + (room_h - (maxy - miny) * self.scale) / 2

    def xy(self, coords: np.ndarray) -> list[float]:
        """Drawing coordinates ``[x0, y0, x1, y1, ...]`` of world ``coords`` (n x 2)."""
        pts = np.column_stack([self.ox + (coords[:, 0] - self.minx) * self.scale,
                               self.oy + (coords[:, 1] - self.miny) * self.scale])
        return pts.ravel().tolist()

    def visible(self) -> tuple[float, float, float, float]:
        """World bounds of the drawing above the legend band (what can be seen, beyond ``bounds``)."""
        return (self.minx - self.ox / self.scale, self.miny - (self.oy - self.band) / self.scale,
                self.minx + (self.width - self.ox) / self.scale, self.miny + (self.height - self.oy) / self.scale)

    def add(self, node: Any) -> None:
        """Add a ReportLab shape."""
        self.drawing.add(node)

    def rings(self, geoms: Any, *, clip: bool = False, **style: Any) -> None:
        """All exterior rings of ``geoms`` (polygons; points become small discs) as one closed path.

        With ``clip``, polygons are first cut to the visible area (for
        surroundings that reach beyond the map's edge).
        """
        if clip:
            geoms = shapely.clip_by_rect(np.asarray(list(geoms), dtype=object), *self.visible())
        parts = [np.asarray(p.exterior.coords) for g in geoms for p in _polygons(g)]
        if parts:
            self.add(_path(parts, self.xy, closed=True, **style))

    def lines(self, geoms: Any, *, clip: bool = True, **style: Any) -> None:
        """All ``geoms`` lines (cut to the visible area with ``clip``) as one open path."""
        geoms = np.asarray(list(geoms), dtype=object)
        if clip and len(geoms):
            geoms = shapely.clip_by_rect(geoms, *self.visible())
        parts = [np.asarray(g.coords) for g in _lines(geoms)]
        if parts:
            self.add(_path(parts, self.xy, closed=False, **style))

    def finish(self) -> Drawing:
        """Add the scale bar and the north arrow; the drawing."""
        self._scale_bar()
        self._north_arrow()
        return self.drawing

    def _scale_bar(self) -> None:
        want = 0.18 * (self.width - 2 * self.PAD) / self.scale  # about a fifth of the map's width, in metres
        nice = [m * 10 ** e for e in range(0, 5) for m in (1, 2, 2.5, 5)]
        metres = max([n for n in nice if n <= want] or [nice[0]])
        length = metres * self.scale
        x1, y = self.width - self.PAD - 2, self.PAD + self.band + 3
        x0, ink = x1 - length, colors.HexColor("#333333")
        self.add(Rect(x0 - 3, y - 2, length + 6, 12, fillColor=colors.Color(1, 1, 1, alpha=0.8), strokeColor=None))
        self.add(Rect(x0, y, length / 2, 2.2, fillColor=ink, strokeColor=ink, strokeWidth=0.4))
        self.add(Rect(x0 + length / 2, y, length / 2, 2.2, fillColor=colors.white, strokeColor=ink, strokeWidth=0.4))
        label = f"{metres / 1000:g} 公里" if metres >= 1000 else f"{metres:g} 米"
        self.add(String(x0, y + 4, "0", fontName=self.font, fontSize=5.5, fillColor=ink))
        self.add(String(x1, y + 4, label, fontName=self.font, fontSize=5.5, fillColor=ink, textAnchor="end"))

    def _north_arrow(self) -> None:
        x, y, ink = self.width - self.PAD - 6, self.height - self.PAD - 16, colors.HexColor("#333333")
        self.add(Rect(x - 5.5, y - 2, 11, 20, fillColor=colors.Color(1, 1, 1, alpha=0.8), strokeColor=None))
        self.add(Polygon([x - 3.5, y, x, y + 10, x, y + 2.5], fillColor=ink, strokeColor=ink, strokeWidth=0.4))
        self.add(Polygon([x + 3.5, y, x, y + 10, x, y + 2.5], fillColor=colors.white, strokeColor=ink, strokeWidth=0.4))
        self.add(String(x, y + 11.5, "北", fontName=self.font, fontSize=6, fillColor=ink, textAnchor="middle"))

    def legend(self, items: Sequence[tuple[str, Callable[[float, float], list[Any]]]], size: float = 6.5) -> None:
        """A legend row in the bottom band: each item a swatch (drawn at x, y) and its label."""
        x, y = 4.0, 4.0
        for label, swatch in items:
            for node in swatch(x + 3, y + size * 0.35):
                self.add(node)
            self.add(String(x + 8, y, label, fontName=self.font, fontSize=size, fillColor=colors.HexColor("#333333")))
            x += 8 + _text_width(label) * size + 7


def _grid_map(cl: GridChecklist, font: str) -> Drawing:
    """The grid, its buildings and streets, the route and numbered stops."""
    grid = cl.grid.iloc[0]
    minx, miny, maxx, maxy = grid.buffer(15).bounds
    frame = _MapFrame((minx, miny, maxx, maxy), WIDTH, MAP_HEIGHT, font)
    frame.rings([grid], fillColor=colors.HexColor("#eef3e8"), strokeColor=colors.HexColor("#2f6b2f"), strokeWidth=1.2)
    streets = shapely.clip_by_rect(cl.streets.values, minx, miny, maxx, maxy)
    frame.lines(streets, clip=False, strokeColor=colors.HexColor("#c9c9c9"), strokeWidth=2)
    frame.rings(cl.buildings, fillColor=colors.HexColor("#d9d2c5"), strokeColor=colors.HexColor("#a69c8a"),
                strokeWidth=0.3)
    _draw_route(frame.drawing, cl, frame.xy, font)
    _draw_events(frame.drawing, cl, frame.xy)
    route = "沿街道" if cl.header.get("route") == "streets" else "直线示意"
    frame.add(String(4, 4, f"● 雨水篦子(按巡查顺序编号)   ▲ 积水点   ■ 飞线   — 巡查路线({route})", fontName=font,
                     fontSize=6.5, fillColor=colors.HexColor("#333333")))
    return frame.finish()


def _path(parts: list[np.ndarray], xy: Callable[[np.ndarray], list[float]], *, closed: bool, **style: Any) -> ShapePath:
    """One ReportLab path for many rings or lines (one drawing node, not hundreds)."""
    path = ShapePath(fillColor=style.pop("fillColor", None), **style)
    for coords in parts:
        if len(coords) < 2:
            continue
        pts = xy(coords)
        path.moveTo(pts[0], pts[1])
        for k in range(2, len(pts), 2):
            path.lineTo(pts[k], pts[k + 1])
        if closed:
            path.closePath()
    return path


def _draw_route(d: Drawing, cl: GridChecklist, xy: Callable[[np.ndarray], list[float]], font: str) -> None:
    if len(cl.stops) == 0:
        return
    coords = shapely.get_coordinates(cl.stops.values)
    if cl.route is not None and len(cl.route):
        d.add(_path([np.asarray(g.coords) for g in _lines(cl.route)], xy, closed=False,
                    strokeColor=colors.HexColor("#1f78b4"), strokeWidth=0.8))
    elif len(coords) > 1:
        d.add(PolyLine(xy(coords), strokeColor=colors.HexColor("#1f78b4"), strokeWidth=0.6, strokeDashArray=[2, 1.5]))
    pts = np.asarray(xy(coords)).reshape(-1, 2)
    label_every = 1 if len(pts) <= 60 else 5
    for k, (x, y) in enumerate(pts, start=1):
        d.add(Circle(x, y, 1.6, fillColor=colors.HexColor("#1f78b4"), strokeColor=None))
        if k == 1 or k == len(pts) or k % label_every == 0:
            d.add(String(x + 2, y + 1.5, str(k), fontName=font, fontSize=5.5, fillColor=colors.HexColor("#0b3d6b")))


def _draw_events(d: Drawing, cl: GridChecklist, xy: Callable[[np.ndarray], list[float]]) -> None:
    import geopandas as gpd

    for section, color, shape in (("flooding", "#e31a1c", "tri"), ("wire", "#ff7f00", "sq")):
        sub = cl.section(section)
        if sub.empty:
            continue
        pts = gpd.GeoSeries(gpd.points_from_xy(sub["lon"], sub["lat"]), crs="EPSG:4326").to_crs(cl.crs)
        for x, y in np.asarray(xy(shapely.get_coordinates(pts.values))).reshape(-1, 2):
            if shape == "tri":
                d.add(Polygon([x - 3, y - 2, x + 3, y - 2, x, y + 3], fillColor=colors.HexColor(color), strokeColor=None))
            else:
                d.add(Rect(x - 2, y - 2, 4, 4, fillColor=colors.HexColor(color), strokeColor=None))


def _polygons(geom: Any) -> list[Any]:
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type == "MultiPolygon":
        return list(geom.geoms)
    if geom.geom_type == "Point":
        return [geom.buffer(4, 4)]
    return [g for part in getattr(geom, "geoms", []) for g in _polygons(part)]


def _lines(geoms: Any) -> list[Any]:
    out = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        if g.geom_type == "LineString":
            out.append(g)
        elif hasattr(g, "geoms"):
            out.extend(p for p in g.geoms if p.geom_type == "LineString")
    return out


def _section_flowables(cl: GridChecklist, st: _Style, font: str) -> list[Any]:
    out: list[Any] = []
    for _code, title, rows, widths in _section_tables(cl, font):
        heading = Paragraph(f"{title}（{len(rows) - 1}）", st["h2"])
        if len(rows) == 1:
            out += [heading, Paragraph("本级别下本网格无此项。", st["small"])]
            continue
        # the heading never ends a page alone: room for it, the column headings and the first row
        out += [CondPageBreak(max(30 * mm, 44 + _row_height(rows[1], widths))), heading, _table(rows, widths, font)]
    return out


def _row_height(row: list[Any], widths: Sequence[float], font_size: float = 8.0) -> float:
    """Height in points of a table row of :func:`_table` (wrapped cells measured)."""
    one_line = font_size + 6.4
    tall = [c.wrap(w - 2 * CELL_PAD, 1e6)[1] + 4.4 for c, w in zip(row, widths, strict=True) if isinstance(c, Paragraph)]
    return max([one_line, *tall])


#: Lines a location hint ("near building · street") may take in a table: the id
#: and the map already place the item, so a long hint is cut rather than
#: making every row near a long-named building tall.
HINT_LINES: Final = 2


def _section_tables(cl: GridChecklist, font: str = "") -> list[tuple[str, str, list[list[Any]], list[float]]]:
    """Each listed section as (code, heading, rows with the heading row first, column widths).

    Ids, names, contacts and details are wrapped in full inside their cells
    (a sheet on paper must not hide what the inspector has to find);
    location hints take at most :data:`HINT_LINES` lines.
    """
    font = font or register_reportlab_font()
    w = WIDTH
    tables = []

    def fit(text: object, width: float, lines: int = MAX_CELL_LINES) -> Any:
        return _cell(text, width, font, lines=lines)

    g = cl.section("grate")
    cols = [9 * mm, 17 * mm, 40 * mm, 15 * mm, 76 * mm, w - 157 * mm]
    tables.append(("grate", SECTIONS["grate"].title_zh,
                   [["站", "编号", "位置", "上次状态", "检查结果", "备注"]]
                   + [[str(r.no), fit(r.item_id, cols[1]), fit(r.where, cols[2], HINT_LINES), fit(r.last_status, cols[3]),
                       _boxes("grate", font), EMPTY] for r in g.itertuples()], cols))
    if _listed(cl, "flooding"):
        sub = cl.section("flooding")
        cols = [9 * mm, 9 * mm, 14 * mm, 34 * mm, 24 * mm, 13 * mm, 55 * mm, w - 158 * mm]
        tables.append(("flooding", SECTIONS["flooding"].title_zh,
                       [["序号", "近站", "编号", "位置", "情况", "状态", "检查结果", "备注"]]
                       + [[str(r.no), _stop(r.stop), fit(r.item_id, cols[2]), fit(r.where, cols[3], HINT_LINES),
                           fit(r.details, cols[4]), fit(r.last_status, cols[5]), _boxes("flooding", font), EMPTY]
                          for r in sub.itertuples()], cols))
    if _listed(cl, "basement"):
        sub = cl.section("basement")
        cols = [9 * mm, 9 * mm, 32 * mm, 25 * mm, 38 * mm, 50 * mm, w - 163 * mm]
        tables.append(("basement", SECTIONS["basement"].title_zh,
                       [["序号", "近站", "楼栋", "情况", "楼栋长及电话", "检查结果", "备注"]]
                       + [[str(r.no), _stop(r.stop), fit(f"{r.where}（{r.item_id}）", cols[2]), fit(r.details, cols[3]),
                           fit(r.contact, cols[4]), _boxes("basement", font), EMPTY] for r in sub.itertuples()], cols))
    if _listed(cl, "unit_light"):
        units = cl.section("unit_light")
        cols = [9 * mm, 9 * mm, 28 * mm, 38 * mm, 30 * mm, 30 * mm, w - 144 * mm]
        tables.append(("unit", "四、逐单元检查：楼道灯、排水管",
                       [["序号", "近站", "单元", "楼栋长及电话", "楼道灯", "排水管", "备注"]]
                       + [[str(r.no), _stop(r.stop), fit(r.where, cols[2]), fit(r.contact, cols[3]),
                           _boxes("unit_light", font), _boxes("unit_drain", font), EMPTY] for r in units.itertuples()],
                       cols))
    if _listed(cl, "vulnerable"):
        sub = cl.section("vulnerable")
        cols = [9 * mm, 9 * mm, 26 * mm, 48 * mm, 32 * mm, 44 * mm, w - 168 * mm]
        tables.append(("vulnerable", SECTIONS["vulnerable"].title_zh,
                       [["序号", "近站", "楼栋/单元", "人数及姓名", "楼栋长及电话", "走访结果", "备注"]]
                       + [[str(r.no), _stop(r.stop), fit(r.where, cols[2]), fit(r.details, cols[3]),
                           fit(r.contact, cols[4]), _boxes("vulnerable", font), EMPTY] for r in sub.itertuples()],
                       cols))
    if not _listed(cl, "wire"):
        return tables
    sub = cl.section("wire")
    cols = [9 * mm, 9 * mm, 17 * mm, 40 * mm, 15 * mm, 48 * mm, w - 138 * mm]
    tables.append(("wire", SECTIONS["wire"].title_zh,
                   [["序号", "近站", "编号", "位置", "上次状态", "处理结果", "备注"]]
                   + [[str(r.no), _stop(r.stop), fit(r.item_id, cols[2]), fit(r.where, cols[3], HINT_LINES),
                       fit(r.last_status, cols[4]), _boxes("wire", font), EMPTY] for r in sub.itertuples()], cols))
    return tables


def _stop(stop: object) -> str:
    """The patrol stop an item sits at (its nearest grate's number on the map), blank if none."""
    return str(stop) if isinstance(stop, int | np.integer) and stop > 0 else ""


def _listed(cl: GridChecklist, code: str) -> bool:
    """Whether the level puts this section on the sheet (shown even when empty)."""
    return code in cl.listed or not cl.section(code).empty


def _signatures(font: str) -> Table:
    rows = [["检查人签字：", "", "网格员签字：", "", "社区负责人签字：", ""],
            ["日期：", "", "时间：", "", "发现问题已上报：", f"{BOX}是  {BOX}否"]]
    t = Table(rows, colWidths=[20 * mm, 36 * mm, 20 * mm, 36 * mm, 26 * mm, WIDTH - 138 * mm], rowHeights=[11 * mm, 9 * mm])
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font), ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LINEBELOW", (1, 0), (1, -1), 0.6, colors.black), ("LINEBELOW", (3, 0), (3, -1), 0.6, colors.black),
        ("LINEBELOW", (5, 0), (5, 0), 0.6, colors.black), ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    return t


def checklists_pdf(checklists: Sequence[GridChecklist], path: Path, *,
                   progress: Callable[[int, int], None] | None = None) -> None:
    """Build the checklist PDF (see :func:`geo.rain.documents.write_checklist_pdf`)."""
    font = register_reportlab_font()
    st = _styles(font)
    state: dict[str, str] = {}
    story: list[Any] = []
    for k, cl in enumerate(checklists, start=1):
        if k > 1:
            story.append(PageBreak())
        story.append(_GridMarker(state, cl.header))
        story += _header_block(cl, st, font)
        story += [Spacer(1, 2 * mm), _grid_map(cl, font)]
        story += _section_flowables(cl, st, font)
        story += [Spacer(1, 6 * mm), KeepTogether([Paragraph("签字确认", st["h2"]), _signatures(font)])]
        if progress:
            progress(k, len(checklists))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = f"{state.get('community', '')} {state.get('grid_name', '')} · {state.get('level_zh', '')} · {state.get('checklist_id', '')}"
        canvas.drawString(MARGIN, 7 * mm, _one_line(text, WIDTH - 48 * mm, font, 7.5))  # room for the page number
        k = doc.page - int(state.get("first_page", "1")) + 1  # sheets go out per grid: number them per grid too
        canvas.drawRightString(A4[0] - MARGIN, 7 * mm, f"本网格第 {k} 页 · 总第 {doc.page} 页")
        canvas.restoreState()

    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=14 * mm, title="防汛巡查清单", author="GridWatch")
    doc.afterPage = lambda: footer(doc.canv, doc)  # type: ignore[method-assign]  # after the page's grid marker
    doc.build(story)


# -- flood response map -------------------------------------------------------------

FLOOD_MAP_HEIGHT: Final = 92 * mm
_INK: Final = {
    "area": "#deebf7", "area_line": "#2171b5", "point": "#08306b", "street": "#c9c9c9", "grid": "#2f6b2f",
    "other": "#e6e1d8", "other_line": "#b5ab99", "hit": "#fdae61", "hit_line": "#a6611a",
    "basement": "#8c2d04", "grate": "#1f78b4", "bad_grate": "#b15928", "wire": "#e31a1c", "wire_done": "#969696",
}


def flood_map(response: Any, font: str) -> Drawing:
    """The affected area of a flood response (see :class:`geo.rain.flood.FloodMap`).

    The radius circle (or the drawn polygon) over the streets, grid outlines
    and buildings around; affected buildings filled, those with a basement or
    garage darker and marked 地; the listed grates numbered as in the table
    (row *k* is grate *k*); flying wires inside the area, the critical ones in
    red; the flooding point; legend, scale bar and north arrow.
    """
    m = response.map
    frame = _MapFrame(m.extent, WIDTH, FLOOD_MAP_HEIGHT, font, legend=11.0)
    hx = colors.HexColor
    frame.rings([m.area], clip=True, fillColor=hx(_INK["area"]), strokeColor=None)
    frame.lines(m.grids, strokeColor=hx(_INK["grid"]), strokeWidth=0.8, strokeDashArray=[4, 2])
    frame.lines(m.streets, strokeColor=hx(_INK["street"]), strokeWidth=2)
    b = m.buildings
    window = shapely.box(*frame.visible())
    others = b[~b["affected"] & b.intersects(window)]
    frame.rings(others.geometry, clip=True, fillColor=hx(_INK["other"]), strokeColor=hx(_INK["other_line"]),
                strokeWidth=0.3)
    frame.rings(b.geometry[b["affected"] & ~b["basement"]], clip=True, fillColor=hx(_INK["hit"]),
                strokeColor=hx(_INK["hit_line"]), strokeWidth=0.5)
    cellar = b[b["affected"] & b["basement"]]
    frame.rings(cellar.geometry, clip=True, fillColor=hx(_INK["basement"]), strokeColor=colors.black, strokeWidth=0.8)
    for x, y in _points_xy(frame, cellar.geometry.representative_point()):
        frame.add(String(x, y - 2, "地", fontName=font, fontSize=5.5, fillColor=colors.white, textAnchor="middle"))
    frame.lines([m.area.boundary], strokeColor=hx(_INK["area_line"]), strokeWidth=1.0,
                strokeDashArray=[3, 2])
    _flood_grates(frame, response, font)
    _flood_wires(frame, response)
    if m.center is not None:
        (x, y), = _points_xy(frame, [m.center])
        frame.add(_diamond(x, y, 4.5, _INK["point"]))
    frame.legend(_flood_legend(response))
    return frame.finish()


def _points_xy(frame: _MapFrame, points: Any) -> np.ndarray:
    coords = shapely.get_coordinates(np.asarray(list(points), dtype=object))
    return np.asarray(frame.xy(coords)).reshape(-1, 2) if len(coords) else np.empty((0, 2))


def _flood_grates(frame: _MapFrame, response: Any, font: str) -> None:
    pts = _points_xy(frame, response.map.grates)
    bad = response.grates["status"].isin(("blocked", "damaged", "missing")).to_numpy()
    label_every = 1 if len(pts) <= 60 else 5
    for k, ((x, y), worse) in enumerate(zip(pts, bad, strict=True), start=1):
        ink = colors.HexColor(_INK["bad_grate" if worse else "grate"])
        frame.add(Circle(x, y, 2.0, fillColor=ink, strokeColor=colors.white, strokeWidth=0.3))
        if k <= 10 or k % label_every == 0:
            frame.add(String(x + 2.3, y + 1.8, str(k), fontName=font, fontSize=6, fillColor=colors.HexColor("#0b3d6b")))


def _flood_wires(frame: _MapFrame, response: Any) -> None:
    pts = _points_xy(frame, response.map.wires)
    for (x, y), critical in zip(pts, response.wires["critical"].to_numpy(dtype=bool), strict=True):
        for node in _wire_mark(x, y, critical):
            frame.add(node)


def _wire_mark(x: float, y: float, critical: bool) -> list[Any]:
    """A flying wire: a red square with a cross when critical, a small grey square once dealt with."""
    if not critical:
        return [Rect(x - 1.8, y - 1.8, 3.6, 3.6, fillColor=colors.HexColor(_INK["wire_done"]), strokeColor=None)]
    red, r = colors.HexColor(_INK["wire"]), 3.0
    return [Rect(x - r, y - r, 2 * r, 2 * r, fillColor=red, strokeColor=colors.white, strokeWidth=0.4),
            PolyLine([x - r + 0.8, y - r + 0.8, x + r - 0.8, y + r - 0.8], strokeColor=colors.white, strokeWidth=0.8),
            PolyLine([x - r + 0.8, y + r - 0.8, x + r - 0.8, y - r + 0.8], strokeColor=colors.white, strokeWidth=0.8)]


def _diamond(x: float, y: float, r: float, ink: str) -> Polygon:
    return Polygon([x, y + r, x + r * 0.75, y, x, y - r, x - r * 0.75, y], fillColor=colors.HexColor(ink),
                   strokeColor=colors.white, strokeWidth=0.6)


def _swatch(fill: str, line: str | None = None) -> Callable[[float, float], list[Any]]:
    return lambda x, y: [Rect(x - 2.5, y - 1.8, 5, 3.6, fillColor=colors.HexColor(fill),
                              strokeColor=colors.HexColor(line) if line else None, strokeWidth=0.5)]


def _dot(ink: str) -> Callable[[float, float], list[Any]]:
    return lambda x, y: [Circle(x, y, 2.0, fillColor=colors.HexColor(ink), strokeColor=None)]


def _flood_legend(response: Any) -> list[tuple[str, Callable[[float, float], list[Any]]]]:
    m = response.map
    items: list[tuple[str, Callable[[float, float], list[Any]]]] = []
    if m.center is not None:
        items.append(("积水点", lambda x, y: [_diamond(x, y, 3.2, _INK["point"])]))
        items.append((f"影响范围（半径 {m.radius:g} 米）", _swatch(_INK["area"], _INK["area_line"])))
    else:
        zone = getattr(response, "zone", None)
        label = "积水区域" if not zone else f"淹没区 {zone.get('name') or zone['zone_id']}"
        items.append((label, _swatch(_INK["area"], _INK["area_line"])))
    items += [("受影响楼栋", _swatch(_INK["hit"], _INK["hit_line"])),
              ("有地下室/车库（地）", _swatch(_INK["basement"], "#000000")),
              ("雨水篦子（编号同表）", _dot(_INK["grate"])),
              ("堵塞/损坏/缺失", _dot(_INK["bad_grate"])),
              ("危险飞线（积水触电）", lambda x, y: _wire_mark(x, y, True))]
    if len(response.wires) and not response.wires["critical"].all():
        items.append(("已处理飞线", lambda x, y: _wire_mark(x, y, False)))
    return items


def _text_width(text: str) -> float:
    """Printed width of ``text`` in ems (a Chinese character is one, Latin about half)."""
    return sum(1.0 if ord(c) > 0x2E7F else 0.56 for c in text)


def _fit_widths(rows: list[list[str]], total: float = WIDTH) -> list[float]:
    """Column widths in proportion to the widest cell of each column (headings included, cells up to 24 characters)."""
    need = [max(_text_width(str(r[c])[:24]) for r in rows) + 1.2 for c in range(len(rows[0]))]
    return [total * n / sum(need) for n in need]


def report_pdf(title: str, summary: list[tuple[str, str]], tables: list[tuple[str, pd.DataFrame]], path: Path,
               *, figure: tuple[str, Callable[[str], Drawing]] | None = None) -> None:
    """A simple A4 report: title, an optional map, a summary table, then titled tables.

    ``title``, headings and cells are plain text (escaped here); cells wrap
    inside their columns. ``figure`` is ``(heading, draw)``; ``draw(font)``
    returns the drawing placed under the title.
    """
    font = register_reportlab_font()
    st = _styles(font)
    story: list[Any] = [Paragraph(markup(title), st["title"])]
    if figure is not None:
        story += [Paragraph(markup(figure[0]), st["h2"]), figure[1](font), Spacer(1, 2 * mm)]
    story.append(_table([["项目", "数量"], *[[a, b] for a, b in summary]], [60 * mm, 30 * mm], font))
    for heading, df in tables:
        story.append(Paragraph(f"{markup(heading)}（{len(df)}）", st["h2"]))
        if df.empty:
            story.append(Paragraph("无。", st["small"]))
            continue
        text = [list(map(str, df.columns))] + [["" if _missing(v) else str(v) for v in r]
                                               for r in df.itertuples(index=False)]
        widths = _fit_widths(text)
        rows = [[_cell(v, w, font, size=7.5) for v, w in zip(r, widths, strict=True)] for r in text]
        story.append(_table(rows, widths, font, font_size=7.5))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=14 * mm, title=_one_line(title, 1e9, font, 1), author="GridWatch")
    doc.build(story)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
