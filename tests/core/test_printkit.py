"""The print kit: cells that wrap inside their column, escaped; the one map frame, true to scale."""

from __future__ import annotations

import numpy as np
import pytest
from reportlab.graphics.shapes import String
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from geo.errors import GridWatchError
from geo.printkit import MapFrame, cell, register_reportlab_font, wrap
from tests.needs import skip_or_fail

ZH_NAME = ("幸福里社区滨江花园小区东区" * 20)[:200]
EN_NAME = ("Riverside Gardens Block 3000 North Tower " * 6)[:200]
GRATE_ID = "GRATE-WUHAN-HONGSHAN-LUOJIASHAN-SOUTH-RING-ROAD-000000000001"


@pytest.fixture(scope="module")
def font() -> str:
    try:
        return register_reportlab_font()
    except GridWatchError as exc:  # pragma: no cover - CI installs the fonts
        skip_or_fail(str(exc))
        raise


class TestCell:
    def test_short_text_stays_a_plain_string(self, font: str) -> None:
        assert cell("R001", 40, font) == "R001"
        assert cell("<b>", 40, font) == "<b>"  # drawn as a string: never parsed

    def test_long_text_is_an_escaped_paragraph(self, font: str) -> None:
        got = cell('<img src="/etc/passwd"/> R&D ' * 4, 60, font)
        assert isinstance(got, Paragraph)
        assert "<img" not in got.text and "&lt;img" in got.text and "R&amp;D" in got.text

    def test_ids_break_after_separators(self, font: str) -> None:
        lines = wrap(GRATE_ID, 100, font, 8.0)
        assert "".join(lines) == GRATE_ID
        assert all(line.endswith(("-", "1")) for line in lines)

    def test_lines_fit(self, font: str) -> None:
        for text in (ZH_NAME, EN_NAME, GRATE_ID, "W" * 80):
            for line in wrap(text, 70, font, 8.0):
                assert stringWidth(line, font, 8.0) <= 70

    def test_control_characters_dropped(self, font: str) -> None:
        got = cell("a\x01b\x1b[2Jc\td", 200, font)
        assert isinstance(got, Paragraph) and got.text == "ab[2Jc d"


class TestMapFrame:
    def test_scale_bar_is_true_to_scale(self, font: str) -> None:
        frame = MapFrame((0, 0, 1000, 400), 500, 250, font)
        assert frame.scale == pytest.approx(min(488 / 1000, (250 - 12 - 10) / 400))
        drawing = frame.finish()
        label = next(n for n in drawing.contents if isinstance(n, String) and n.text.endswith("米"))
        metres = float(label.text.split()[0])
        assert metres in (100, 200, 250, 500)  # a round length, about a fifth of the width
        bar = [n for n in drawing.contents if type(n).__name__ == "Rect" and n.height == 2.2]
        assert sum(b.width for b in bar) == pytest.approx(metres * frame.scale)

    def test_visible_covers_bounds_and_spares_the_legend_band(self, font: str) -> None:
        frame = MapFrame((100, 100, 300, 200), 400, 200, font, legend=10.0)
        minx, miny, maxx, maxy = frame.visible()
        assert minx <= 100 and miny <= 100 and maxx >= 300 and maxy >= 200
        bottom = frame.xy(np.array([[minx, miny]]))
        assert bottom[0] == pytest.approx(0) and bottom[1] == pytest.approx(10.0)

    def test_labels_in_english(self, font: str) -> None:
        frame = MapFrame((0, 0, 1000, 400), 500, 250, font, metres=lambda m: f"{m:g} m", north="N")
        labels = {n.text for n in frame.finish().contents if isinstance(n, String)}
        assert "N" in labels and "北" not in labels and any(t.endswith(" m") for t in labels)
