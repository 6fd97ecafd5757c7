"""ReportLab drawing of the A4 route sheets (private; see geo.export.to_pdf)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from reportlab.graphics.shapes import Circle, Drawing, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from . import schema
from .crs import local_metric_crs
from .fonts import register_reportlab_font
from .routes import RoutePlan

MARGIN: Final = 12 * mm
WIDTH: Final = A4[0] - 2 * MARGIN
MAP_HEIGHT: Final = 120 * mm
BOX: Final = "□"
#: Ring of a stop reached by a straight line although the plan follows streets (as on the app's map).
STRAIGHT_RING: Final = "#b00020"


def route_sheets(plan: RoutePlan, which: Sequence[int], label: Callable[[str], str], title: str) -> bytes:
    """PDF bytes: for each patroller, a header, the map and the stop table."""
    from .export import color

    font = register_reportlab_font()
    styles = {
        "title": ParagraphStyle("title", fontName=font, fontSize=15, leading=20, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9, leading=12),
        "warn": ParagraphStyle("warn", fontName=font, fontSize=9, leading=12, textColor=colors.HexColor("#b00000")),
    }
    story: list[Any] = []
    for k, p in enumerate(which):
        if k:
            story.append(PageBreak())
        story.extend(_header(plan, p, title, styles))
        story.append(_map(plan, p, color(p), font))
        story.append(Spacer(1, 4 * mm))
        story.append(_stop_table(plan, p, label, font))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                            title=title, author="GridWatch")  # fmt: skip
    doc.build(story)
    return buffer.getvalue()


def _header(plan: RoutePlan, p: int, title: str, styles: dict[str, ParagraphStyle]) -> list[Any]:
    route = plan.routes.iloc[p - 1]
    back = "，返回起点" if plan.closed else "，不返回起点"
    distance = "沿街道步行距离" if plan.on_streets else "直线距离"
    lines = [
        Paragraph(_escape(f"{title} · 巡查员 {p} / {plan.patrollers}"), styles["title"]),
        Paragraph(
            _escape(f"{int(route['n_stops'])} 个巡查点，全长 {route['length_m']:,.0f} 米{back}；{distance}。"), styles["body"]
        ),
        Paragraph(_escape("巡查人：__________  日期：__________  开始时间：______  结束时间：______"), styles["body"]),
    ]
    lines += [Paragraph(_escape(f"注意：{note}"), styles["warn"]) for note in notes_zh(plan)]
    lines.append(Spacer(1, 3 * mm))
    return lines


def notes_zh(plan: RoutePlan) -> list[str]:
    """What the walker should know about the plan, in Chinese (the plan's warnings, for the sheet)."""
    notes = []
    if not plan.on_streets:
        notes.append("没有街道网络：距离为直线距离，实际步行更远。")
    if plan.unreachable:
        shown = "、".join(plan.unreachable[:10]) + ("等" if len(plan.unreachable) > 10 else "")
        notes.append(f"{len(plan.unreachable)} 个点没有街道可达，以直线连接（表中距离标 *）：{shown}。")
        if len(plan.unreachable) == len(plan.stops):
            notes.append("所有点都没有街道可达：请检查街道数据是否覆盖这些网格。")
    if plan.start_straight:
        notes.append("起点附近没有街道，以直线连接。")
    idle = int((plan.routes["n_stops"] == 0).sum()) if len(plan.routes) else 0
    if idle:
        notes.append(f"{idle} 名巡查员没有巡查点：巡查点比巡查员少。")
    return notes


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _map(plan: RoutePlan, p: int, stroke: str, font: str) -> Drawing:
    """The route and numbered stops, to scale, with a scale bar."""
    stops = plan.route_stops(p)
    line = plan.routes.geometry.iloc[p - 1]
    lonlat = shapely.get_coordinates(line) if line is not None else np.empty((0, 2))
    pts_ll = stops[["lon", "lat"]].to_numpy(dtype=float)
    everything = np.vstack([lonlat, pts_ll]) if len(lonlat) else pts_ll
    if len(everything) == 0:
        return Drawing(WIDTH, MAP_HEIGHT)
    crs = local_metric_crs(gpd.GeoSeries(shapely.points(everything), crs=schema.STORAGE_CRS))
    to_m = pyproj.Transformer.from_crs(schema.STORAGE_CRS, crs, always_xy=True)
    drawing = Drawing(WIDTH, MAP_HEIGHT)
    drawing.add(Rect(0, 0, WIDTH, MAP_HEIGHT, strokeColor=colors.HexColor("#999999"), fillColor=None, strokeWidth=0.5))
    xy = np.column_stack(to_m.transform(everything[:, 0], everything[:, 1]))
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    pad = 8 * mm
    scale = min((WIDTH - 2 * pad) / max(hi[0] - lo[0], 1.0), (MAP_HEIGHT - 2 * pad) / max(hi[1] - lo[1], 1.0))

    def page(coords: np.ndarray) -> np.ndarray:
        m = np.column_stack(to_m.transform(coords[:, 0], coords[:, 1]))
        return pad + (m - lo) * scale

    if len(lonlat) > 1:
        drawing.add(PolyLine(page(lonlat).ravel().tolist(), strokeColor=colors.HexColor(stroke), strokeWidth=1.6))
    if plan.start is not None:
        sx, sy = page(np.array([plan.start]))[0]
        drawing.add(Rect(sx - 3.5, sy - 3.5, 7, 7, fillColor=colors.black, strokeColor=colors.white))
        drawing.add(String(sx + 5, sy + 3, "起点", fontName=font, fontSize=7))
    radius = 4.2 if len(stops) <= 60 else 3.0
    size = 5.5 if len(stops) <= 60 else 4.0
    for (x, y), seq, straight in zip(page(pts_ll), stops["seq"], stops["straight"], strict=True):
        ring = colors.HexColor(STRAIGHT_RING if straight and plan.on_streets else stroke)
        drawing.add(Circle(x, y, radius, fillColor=colors.white, strokeColor=ring, strokeWidth=0.8,
                           strokeDashArray=[1.5, 1] if straight and plan.on_streets else None))  # fmt: skip
        drawing.add(String(x, y - size / 3, str(seq), fontName=font, fontSize=size, textAnchor="middle"))
    _scale_bar(drawing, scale, font)
    return drawing


def _scale_bar(drawing: Drawing, scale: float, font: str) -> None:
    """A round-number scale bar in the lower right corner (``scale`` points per metre)."""
    target = 30 * mm / scale  # metres in 3 cm of paper
    metres = float(min((10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000), key=lambda m: abs(math.log(m / target))))
    length = metres * scale
    x0, y0 = WIDTH - 4 * mm - length, 4 * mm
    drawing.add(Rect(x0, y0, length, 1.5, fillColor=colors.black, strokeColor=None))
    drawing.add(String(x0 + length / 2, y0 + 3, f"{metres:.0f} 米", fontName=font, fontSize=7, textAnchor="middle"))


def _stop_table(plan: RoutePlan, p: int, label: Callable[[str], str], font: str) -> Table:
    rows: list[list[str]] = [["序号", "编号", "类型", "网格", "距上一点(米)", "累计(米)", "完成", "备注"]]
    for row in plan.route_stops(p).itertuples():
        mark = "*" if row.straight else ""
        rows.append([str(row.seq), str(row.id), label(str(row.type)), str(row.grid_id), f"{row.leg_m:,.0f}{mark}",
                     f"{row.cumulative_m:,.0f}", BOX, ""])  # fmt: skip
    route = plan.routes.iloc[p - 1]
    if plan.closed and route["n_stops"]:
        rows.append(["", "返回起点", "", "", f"{route['return_m']:,.0f}", f"{route['length_m']:,.0f}", "", ""])
    widths = [11 * mm, 34 * mm, 22 * mm, 20 * mm, 24 * mm, 20 * mm, 11 * mm, WIDTH - 142 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LEADING", (0, 0), (-1, -1), 10),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#305496")),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5fa")]),
        ("ALIGN", (4, 1), (5, -1), "RIGHT"),
        ("ALIGN", (6, 1), (6, -1), "CENTER"),
    ]))  # fmt: skip
    return table
