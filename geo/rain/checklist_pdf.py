"""The rain-emergency checklist as a PDF (see :func:`geo.rain.documents.checklists_pdf`).

One grid after another: the header block, the grid's map (drawn in the
print kit's :class:`geo.printkit.MapFrame`, like the route sheet), the
sections' tables in patrol order and the signatures; a footer names the
grid and numbers its pages.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Paragraph, Spacer, Table, TableStyle

from ..printkit import (
    BOX,
    CELL_PAD,
    MARGIN,
    MAX_CELL_LINES,
    WIDTH,
    MapFrame,
    cell,
    document,
    one_line,
    register_reportlab_font,
    table,
)
from ..safe import markup
from .checklist import SECTIONS, GridChecklist

__all__ = ["MAP_HEIGHT", "checklists_pdf", "grid_map", "styles"]

MAP_HEIGHT: Final = 78 * mm

_Style = dict[str, ParagraphStyle]


def styles(font: str) -> dict[str, ParagraphStyle]:
    """Paragraph styles of the rain PDFs: title, section heading, body and small print.

    Returns
    -------
    dict
        ``{"title", "h2", "body", "small"}`` to ParagraphStyle.
    """
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4, wordWrap="CJK"),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=11, leading=15, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11),
        "small": ParagraphStyle("small", fontName=font, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#444444")),
    }


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
        return [a, cell(b, widths[1], font, size=8.5), c, cell(d, widths[3], font, size=8.5)]

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
    made_for = [Paragraph(markup(h["made_for"]), st["small"])] if h.get("made_for") else []
    return [title, t, Spacer(1, 2 * mm), Paragraph(counts, st["small"]), *made_for]


def grid_map(cl: GridChecklist, font: str) -> Drawing:
    """The grid, its buildings and streets, the route and numbered stops.

    Returns
    -------
    Drawing
        The map, :data:`MAP_HEIGHT` high.
    """
    grid = cl.grid.iloc[0]
    minx, miny, maxx, maxy = grid.buffer(15).bounds
    frame = MapFrame((minx, miny, maxx, maxy), WIDTH, MAP_HEIGHT, font)
    frame.rings([grid], fillColor=colors.HexColor("#eef3e8"), strokeColor=colors.HexColor("#2f6b2f"), strokeWidth=1.2)
    streets = shapely.clip_by_rect(cl.streets.values, minx, miny, maxx, maxy)
    frame.lines(streets, clip=False, strokeColor=colors.HexColor("#c9c9c9"), strokeWidth=2)
    frame.rings(cl.buildings, fillColor=colors.HexColor("#d9d2c5"), strokeColor=colors.HexColor("#a69c8a"),
                strokeWidth=0.3)
    _draw_route(frame, cl, font)
    _draw_events(frame, cl)
    route = "沿街道" if cl.header.get("route") == "streets" else "直线示意"
    frame.add(String(4, 4, f"● 雨水篦子(按巡查顺序编号)   ▲ 积水点   ■ 飞线   — 巡查路线({route})", fontName=font,
                     fontSize=6.5, fillColor=colors.HexColor("#333333")))
    return frame.finish()


def _draw_route(frame: MapFrame, cl: GridChecklist, font: str) -> None:
    if len(cl.stops) == 0:
        return
    d, xy = frame.drawing, frame.xy
    coords = shapely.get_coordinates(cl.stops.values)
    if cl.route is not None and len(cl.route):
        frame.lines(cl.route, clip=False, strokeColor=colors.HexColor("#1f78b4"), strokeWidth=0.8)
    elif len(coords) > 1:
        d.add(PolyLine(xy(coords), strokeColor=colors.HexColor("#1f78b4"), strokeWidth=0.6, strokeDashArray=[2, 1.5]))
    pts = np.asarray(xy(coords)).reshape(-1, 2)
    label_every = 1 if len(pts) <= 60 else 5
    for k, (x, y) in enumerate(pts, start=1):
        d.add(Circle(x, y, 1.6, fillColor=colors.HexColor("#1f78b4"), strokeColor=None))
        if k == 1 or k == len(pts) or k % label_every == 0:
            d.add(String(x + 2, y + 1.5, str(k), fontName=font, fontSize=5.5, fillColor=colors.HexColor("#0b3d6b")))


def _draw_events(frame: MapFrame, cl: GridChecklist) -> None:
    d, xy = frame.drawing, frame.xy
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


def _section_flowables(cl: GridChecklist, st: _Style, font: str) -> list[Any]:
    out: list[Any] = []
    for _code, title, rows, widths in _section_tables(cl, font):
        heading = Paragraph(f"{title}（{len(rows) - 1}）", st["h2"])
        if len(rows) == 1:
            out += [heading, Paragraph("本级别下本网格无此项。", st["small"])]
            continue
        # the heading never ends a page alone: room for it, the column headings and the first row
        out += [CondPageBreak(max(30 * mm, 44 + _row_height(rows[1], widths))), heading, table(rows, widths, font)]
    return out


def _row_height(row: list[Any], widths: Sequence[float], font_size: float = 8.0) -> float:
    """Height in points of a table row of  :func:`geo.printkit.table` (wrapped cells measured)."""
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
        return cell(text, width, font, lines=lines)

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


def checklists_pdf(checklists: Sequence[GridChecklist], *,
                   progress: Callable[[int, int], None] | None = None) -> bytes:
    """The checklist PDF (see :func:`geo.rain.documents.checklists_pdf`).

    Returns
    -------
    bytes
        The PDF.
    """
    font = register_reportlab_font()
    st = styles(font)
    state: dict[str, str] = {}
    story: list[Any] = []
    for k, cl in enumerate(checklists, start=1):
        if k > 1:
            story.append(PageBreak())
        story.append(_GridMarker(state, cl.header))
        story += _header_block(cl, st, font)
        story += [Spacer(1, 2 * mm), grid_map(cl, font)]
        story += _section_flowables(cl, st, font)
        story += [Spacer(1, 6 * mm), KeepTogether([Paragraph("签字确认", st["h2"]), _signatures(font)])]
        if progress:
            progress(k, len(checklists))

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        text = f"{state.get('community', '')} {state.get('grid_name', '')} · {state.get('level_zh', '')} · {state.get('checklist_id', '')}"
        canvas.drawString(MARGIN, 7 * mm, one_line(text, WIDTH - 48 * mm, font, 7.5))  # room for the page number
        k = doc.page - int(state.get("first_page", "1")) + 1  # sheets go out per grid: number them per grid too
        canvas.drawRightString(A4[0] - MARGIN, 7 * mm, f"本网格第 {k} 页 · 总第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = document(buffer, "防汛巡查清单", bottom=14 * mm)
    doc.afterPage = lambda: footer(doc.canv, doc)  # after the page's grid marker
    doc.build(story)
    return buffer.getvalue()


