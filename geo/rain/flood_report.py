"""The flood response as a PDF (see :func:`geo.rain.documents.flood_pdf`).

A simple A4 report (:func:`report_pdf`): the title, the affected area's
map (:func:`flood_map`, drawn in the print kit's
:class:`geo.printkit.MapFrame`), a summary and the tables.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd
import shapely
from reportlab.graphics.shapes import Circle, Drawing, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..printkit import WIDTH, MapFrame, cell, document, one_line, register_reportlab_font, table, text_width
from ..safe import markup
from .checklist_pdf import styles

__all__ = ["FLOOD_MAP_HEIGHT", "flood_map", "report_pdf"]


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
    frame = MapFrame(m.extent, WIDTH, FLOOD_MAP_HEIGHT, font, legend=11.0)
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


def _points_xy(frame: MapFrame, points: Any) -> np.ndarray:
    return frame.points(shapely.get_coordinates(np.asarray(list(points), dtype=object)))


def _flood_grates(frame: MapFrame, response: Any, font: str) -> None:
    pts = _points_xy(frame, response.map.grates)
    bad = response.grates["status"].isin(("blocked", "damaged", "missing")).to_numpy()
    label_every = 1 if len(pts) <= 60 else 5
    for k, ((x, y), worse) in enumerate(zip(pts, bad, strict=True), start=1):
        ink = colors.HexColor(_INK["bad_grate" if worse else "grate"])
        frame.add(Circle(x, y, 2.0, fillColor=ink, strokeColor=colors.white, strokeWidth=0.3))
        if k <= 10 or k % label_every == 0:
            frame.add(String(x + 2.3, y + 1.8, str(k), fontName=font, fontSize=6, fillColor=colors.HexColor("#0b3d6b")))


def _flood_wires(frame: MapFrame, response: Any) -> None:
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


def _fit_widths(rows: list[list[str]], total: float = WIDTH) -> list[float]:
    """Column widths in proportion to the widest cell of each column (headings included, cells up to 24 characters)."""
    need = [max(text_width(str(r[c])[:24]) for r in rows) + 1.2 for c in range(len(rows[0]))]
    return [total * n / sum(need) for n in need]


def report_pdf(title: str, summary: list[tuple[str, str]], tables: list[tuple[str, pd.DataFrame]],
               *, figure: tuple[str, Callable[[str], Drawing]] | None = None, made_for: str = "") -> bytes:
    """A simple A4 report: title, whom it was made for, an optional map, a summary table, then titled tables.

    ``title``, headings and cells are plain text (escaped here); cells wrap
    inside their columns. ``figure`` is ``(heading, draw)``; ``draw(font)``
    returns the drawing placed under the title. ``made_for``
    (:func:`geo.privacy.made_for`) is a line under the title when given.

    Returns
    -------
    bytes
        The PDF.
    """
    font = register_reportlab_font()
    st = styles(font)
    story: list[Any] = [Paragraph(markup(title), st["title"])]
    if made_for:
        story.append(Paragraph(markup(made_for), st["small"]))
    if figure is not None:
        story += [Paragraph(markup(figure[0]), st["h2"]), figure[1](font), Spacer(1, 2 * mm)]
    story.append(table([["项目", "数量"], *[[a, b] for a, b in summary]], [60 * mm, 30 * mm], font))
    for heading, df in tables:
        story.append(Paragraph(f"{markup(heading)}（{len(df)}）", st["h2"]))
        if df.empty:
            story.append(Paragraph("无。", st["small"]))
            continue
        text = [list(map(str, df.columns))] + [["" if _missing(v) else str(v) for v in r]
                                               for r in df.itertuples(index=False)]
        widths = _fit_widths(text)
        rows = [[cell(v, w, font, size=7.5) for v, w in zip(r, widths, strict=True)] for r in text]
        story.append(table(rows, widths, font, font_size=7.5))
    buffer = io.BytesIO()
    document(buffer, one_line(title, 1e9, font, 1), bottom=14 * mm).build(story)
    return buffer.getvalue()


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
