"""The print kit: what every GridWatch PDF is made of (route sheets, checklists, flood reports).

- a CJK font: ReportLab's built-in fonts have no Chinese glyphs; a
  TrueType collection with them is looked up on the system (Debian's
  ``fonts-wqy-zenhei``, installed by ``scripts/install-system-deps.sh``)
  and registered once;
- the A4 page (:data:`MARGIN`, :data:`WIDTH`, :func:`document`);
- tables (:func:`table_style`, :func:`table`) and cells that wrap inside
  their column (:func:`cell`), every value from the user's data escaped
  with :func:`geo.safe.markup`;
- the one map frame (:class:`MapFrame`): layers in a local metric
  projection drawn to scale, with a scale bar and a north arrow.

ReportLab is imported here at the top: import this module only where a PDF
is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache
from pathlib import Path
from typing import IO, Any, Final

import numpy as np
import shapely
from reportlab.graphics.shapes import Drawing, Polygon, Rect, String
from reportlab.graphics.shapes import Path as ShapePath
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from . import settings
from .errors import GridWatchError
from .safe import markup

__all__ = [
    "BOX",
    "CELL_PAD",
    "MARGIN",
    "MAX_CELL_LINES",
    "WIDTH",
    "MapFrame",
    "cell",
    "cjk_font_path",
    "document",
    "fit_line",
    "one_line",
    "register_reportlab_font",
    "table",
    "table_style",
    "text_width",
    "wrap",
]

#: Environment variable naming a CJK TTF/TTC file to use instead.
FONT_ENV: Final = "GRIDWATCH_CJK_FONT"

#: Where the usual Debian/Ubuntu, Fedora and macOS packages put a CJK font.
_CANDIDATES: Final = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)

#: Name the font is registered under in ReportLab.
FONT_NAME: Final = "GridWatchCJK"


def cjk_font_path() -> Path:
    """Path of a TrueType font with Chinese glyphs.

    ``$GRIDWATCH_CJK_FONT`` wins when set; otherwise the first installed of
    a few well-known system fonts (WenQuanYi Zen Hei first).

    Returns
    -------
    Path
        An existing ``.ttf`` or ``.ttc`` file.

    Raises
    ------
    GridWatchError
        No such font is installed.
    """
    override = settings.current().cjk_font
    if override:
        path = Path(override)
        if path.is_file():
            return path
        msg = f"The font named by ${FONT_ENV} ({override}) does not exist."
        raise GridWatchError(msg, f"Point ${FONT_ENV} at a .ttf/.ttc file with Chinese glyphs, or unset it.")
    for candidate in _CANDIDATES:
        path = Path(candidate)
        if path.is_file():
            return path
    msg = "No font with Chinese glyphs is installed, so the PDF cannot be printed in Chinese."
    raise GridWatchError(
        msg,
        "Install one with `sudo apt-get install fonts-wqy-zenhei` (or run scripts/install-system-deps.sh), "
        f"or set ${FONT_ENV} to a .ttf/.ttc file.",
    )


@cache
def register_reportlab_font() -> str:
    """Register the CJK font with ReportLab (once per process).

    Returns
    -------
    str
        The font name to pass to ``canvas.setFont`` or a paragraph style.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font_path()
    kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **kwargs))
    return FONT_NAME


# --------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------

#: Margin of every A4 page.
MARGIN: Final = 12 * mm
#: Width of the text (and of the maps) between the margins.
WIDTH: Final = A4[0] - 2 * MARGIN
#: The box a walker ticks.
BOX: Final = "□"


def document(target: str | IO[bytes], title: str, *, bottom: float = MARGIN) -> SimpleDocTemplate:
    """An A4 document with GridWatch's margins (``bottom`` leaves room for a footer).

    Parameters
    ----------
    target
        A path or a binary buffer the PDF is written to.
    title
        The PDF's title (its metadata).
    bottom
        Bottom margin in points.

    Returns
    -------
    SimpleDocTemplate
        Build it with a story.
    """
    return SimpleDocTemplate(target, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                             bottomMargin=bottom, title=title, author="GridWatch")


# --------------------------------------------------------------------------
# Tables and cells
# --------------------------------------------------------------------------

#: Left (and right) padding of a table cell, in points.
CELL_PAD: Final = 3.0
#: Where a long id or Latin text may break across lines: after these characters.
_BREAK_AFTER: Final = frozenset(" -_/\\.:;,·|，、；：）)]}")
#: Most lines a table cell takes: a row must fit on one page (ReportLab cannot split a row).
MAX_CELL_LINES: Final = 30


def table_style(font: str, font_size: float = 8.0, header_color: str = "#305496") -> list[tuple[Any, ...]]:
    """The look every table shares: font, a coloured heading row, thin grid lines, banded rows.

    Returns
    -------
    list
        ReportLab table style commands (add more before making a ``TableStyle``).
    """
    return [
        ("FONTNAME", (0, 0), (-1, -1), font),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("LEADING", (0, 0), (-1, -1), font_size + 2),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(header_color)),
        ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8c8c8c")),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5fa")]),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]


def table(rows: list[list[Any]], widths: Sequence[float], font: str, *, header_color: str = "#305496",
          font_size: float = 8.0) -> Table:
    """A table whose first row repeats on every page it breaks onto.

    Rows of plain one-line strings get a fixed height (ReportLab need not
    measure them); a row holding a wrapped cell (a ``Paragraph``, see
    :func:`cell`) is measured and grows to fit it.

    Returns
    -------
    Table
        Styled with :func:`table_style` and narrow paddings.
    """
    one_line_height = font_size + 6.4
    heights = [None if any(isinstance(c, Paragraph) for c in row) else one_line_height for row in rows]
    t = Table(rows, colWidths=list(widths), rowHeights=heights, repeatRows=1)
    t.setStyle(TableStyle([
        *table_style(font, font_size, header_color),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ]))  # fmt: skip
    return t


def cell(text: object, width: float, font: str, *, size: float = 8.0, lines: int = MAX_CELL_LINES) -> Any:
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

    Returns
    -------
    str or Paragraph
        What to put in the table.
    """
    s = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    room = width - 2 * CELL_PAD
    plain = s.isprintable()
    if plain and (len(s) * size <= room or stringWidth(s, font, size) <= room):
        return s
    if not plain:  # control characters: whitespace shows as a space, the rest is dropped
        s = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in s)
    wrapped = wrap(s, room, font, size)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = fit_line(wrapped[-1], room, font, size)
    if len(wrapped) == 1 and plain:
        return wrapped[0]
    return Paragraph("<br/>".join(markup(line) for line in wrapped), _cell_style(font, size))


@lru_cache(maxsize=16)
def _cell_style(font: str, size: float) -> ParagraphStyle:
    return ParagraphStyle(f"cell{size:g}", fontName=font, fontSize=size, leading=size + 2, wordWrap="CJK")


@lru_cache(maxsize=8192)
def _char_width(c: str, font: str, size: float) -> float:
    return float(stringWidth(c, font, size))


def wrap(s: str, room: float, font: str, size: float) -> list[str]:
    """``s`` broken into lines at most ``room`` points wide (see :func:`cell`).

    Returns
    -------
    list of str
        The lines, at least one.
    """
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


def one_line(text: str, room: float, font: str, size: float) -> str:
    """``text`` on one line of ``room`` points (control characters dropped, cut with ``…``).

    Returns
    -------
    str
        Plain text (escape it before it goes into a ``Paragraph``).
    """
    s = "".join(c if c.isprintable() else " " if c.isspace() else "" for c in text)
    return s if stringWidth(s, font, size) <= room else fit_line(s, room, font, size)


def fit_line(s: str, room: float, font: str, size: float) -> str:
    """``s`` cut to fit ``room`` points with a trailing ``…``.

    Returns
    -------
    str
        The cut text.
    """
    out, used = [], _char_width("…", font, size)
    for c in s:
        used += _char_width(c, font, size)
        if used > room:
            break
        out.append(c)
    return "".join(out).rstrip() + "…"


def text_width(text: str) -> float:
    """Printed width of ``text`` in ems (a Chinese character is one, Latin about half).

    Returns
    -------
    float
        The width in ems.
    """
    return sum(1.0 if ord(c) > 0x2E7F else 0.56 for c in text)


# --------------------------------------------------------------------------
# The map frame
# --------------------------------------------------------------------------

_INK: Final = "#333333"


def _metres_zh(metres: float) -> str:
    return f"{metres / 1000:g} 公里" if metres >= 1000 else f"{metres:g} 米"


class MapFrame:
    """A metric area fitted into a ReportLab drawing: the one map frame of every PDF.

    The route sheet's map, the checklist's grid map and the flood
    response's map are all drawn through it: world coordinates (metres, in
    a local metric CRS) are scaled uniformly into the drawing and centred,
    keeping a band at the bottom for the legend; many rings or lines go
    into one path each (one drawing node, not hundreds); a scale bar and a
    north arrow finish the map.

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
    metres
        Label of the scale bar for a length in metres (default Chinese: ``100 米``, ``2 公里``).
    north
        Letter over the north arrow.
    """

    PAD: Final = 6.0

    def __init__(self, bounds: tuple[float, float, float, float], width: float, height: float, font: str,
                 *, legend: float = 10.0, metres: Callable[[float], str] = _metres_zh, north: str = "北") -> None:
        self.width, self.height, self.font, self.band = width, height, font, legend
        self.metres_label, self.north = metres, north
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
        """Drawing coordinates ``[x0, y0, x1, y1, ...]`` of world ``coords`` (n x 2).

        Returns
        -------
        list of float
            Flat, as ReportLab's ``PolyLine`` takes them.
        """
        pts = np.column_stack([self.ox + (coords[:, 0] - self.minx) * self.scale,
                               self.oy + (coords[:, 1] - self.miny) * self.scale])
        return pts.ravel().tolist()

    def points(self, coords: np.ndarray) -> np.ndarray:
        """Drawing coordinates of world ``coords`` (n x 2), as an n x 2 array.

        Returns
        -------
        ndarray
            One row per point.
        """
        return np.asarray(self.xy(coords)).reshape(-1, 2) if len(coords) else np.empty((0, 2))

    def visible(self) -> tuple[float, float, float, float]:
        """World bounds of the drawing above the legend band (what can be seen, beyond ``bounds``).

        Returns
        -------
        tuple of float
            ``(minx, miny, maxx, maxy)`` in metres.
        """
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
        """Add the scale bar and the north arrow.

        Returns
        -------
        Drawing
            The map, ready for a story.
        """
        self._scale_bar()
        self._north_arrow()
        return self.drawing

    def _scale_bar(self) -> None:
        want = 0.18 * (self.width - 2 * self.PAD) / self.scale  # about a fifth of the map's width, in metres
        nice = [m * 10 ** e for e in range(0, 5) for m in (1, 2, 2.5, 5)]
        metres = max([n for n in nice if n <= want] or [nice[0]])
        length = metres * self.scale
        x1, y = self.width - self.PAD - 2, self.PAD + self.band + 3
        x0, ink = x1 - length, colors.HexColor(_INK)
        self.add(Rect(x0 - 3, y - 2, length + 6, 12, fillColor=colors.Color(1, 1, 1, alpha=0.8), strokeColor=None))
        self.add(Rect(x0, y, length / 2, 2.2, fillColor=ink, strokeColor=ink, strokeWidth=0.4))
        self.add(Rect(x0 + length / 2, y, length / 2, 2.2, fillColor=colors.white, strokeColor=ink, strokeWidth=0.4))
        label = self.metres_label(metres)
        self.add(String(x0, y + 4, "0", fontName=self.font, fontSize=5.5, fillColor=ink))
        self.add(String(x1, y + 4, label, fontName=self.font, fontSize=5.5, fillColor=ink, textAnchor="end"))

    def _north_arrow(self) -> None:
        x, y, ink = self.width - self.PAD - 6, self.height - self.PAD - 16, colors.HexColor(_INK)
        self.add(Rect(x - 5.5, y - 2, 11, 20, fillColor=colors.Color(1, 1, 1, alpha=0.8), strokeColor=None))
        self.add(Polygon([x - 3.5, y, x, y + 10, x, y + 2.5], fillColor=ink, strokeColor=ink, strokeWidth=0.4))
        self.add(Polygon([x + 3.5, y, x, y + 10, x, y + 2.5], fillColor=colors.white, strokeColor=ink, strokeWidth=0.4))
        self.add(String(x, y + 11.5, self.north, fontName=self.font, fontSize=6, fillColor=ink, textAnchor="middle"))

    def legend(self, items: Sequence[tuple[str, Callable[[float, float], list[Any]]]], size: float = 6.5) -> None:
        """A legend row in the bottom band: each item a swatch (drawn at x, y) and its label."""
        x, y = 4.0, 4.0
        for label, swatch in items:
            for node in swatch(x + 3, y + size * 0.35):
                self.add(node)
            self.add(String(x + 8, y, label, fontName=self.font, fontSize=size, fillColor=colors.HexColor(_INK)))
            x += 8 + text_width(label) * size + 7


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
