"""The route sheet draws its map in the print kit's frame, like the checklist and the flood report."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from reportlab.graphics.shapes import Drawing, String

from geo import printkit, privacy
from geo.access import User
from geo.errors import GridWatchError
from geo.routing import sheet
from geo.routing.export import label
from geo.routing.network import build_network
from geo.routing.plan import plan_routes
from geo.routing.style import SheetContext
from tests.needs import skip_or_fail


@pytest.mark.parametrize(("lang", "north", "unit"), [("zh", "北", " 米"), ("en", "N", " m")])
def test_map_has_the_kit_scale_bar_and_north_arrow(monkeypatch: pytest.MonkeyPatch, lang: str, north: str,
                                                   unit: str, make_points, grid_streets, lonlat) -> None:
    try:
        printkit.register_reportlab_font()
    except GridWatchError as exc:  # pragma: no cover - CI installs the fonts
        skip_or_fail(str(exc))
    drawn: list[Drawing] = []
    finish = printkit.MapFrame.finish

    def spy(frame: printkit.MapFrame) -> Drawing:
        drawn.append(finish(frame))
        return drawn[-1]

    monkeypatch.setattr(printkit.MapFrame, "finish", spy)
    pts = make_points([(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (200.0, 100.0), (200.0, 200.0)])
    plan = plan_routes(pts, network=build_network(grid_streets()), start=lonlat(0, 0), time_limit=0.2)
    pdf = sheet.route_sheets(plan, [1], lambda code: label(code, None, lang), "T", lang=lang,
                             sheet=SheetContext(streets=grid_streets()))
    assert pdf.startswith(b"%PDF") and len(drawn) == 1
    labels = [n.text for n in drawn[0].contents if isinstance(n, String)]
    assert north in labels and any(t.endswith(unit) for t in labels)


def test_each_sheet_says_whom_it_was_made_for(tmp_path: Path, make_points, grid_streets, lonlat) -> None:
    if shutil.which("pdftotext") is None:
        skip_or_fail("pdftotext not installed: scripts/install-system-deps.sh")
    try:
        printkit.register_reportlab_font()
    except GridWatchError as exc:  # pragma: no cover - CI installs the fonts
        skip_or_fail(str(exc))
    pts = make_points([(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (200.0, 100.0)])
    plan = plan_routes(pts, network=build_network(grid_streets()), start=lonlat(0, 0), patrollers=2, time_limit=0.2)
    line = privacy.made_for(User(name="guest", role="viewer", display_name="访客"), "zh")
    pdf = sheet.route_sheets(plan, [1, 2], lambda code: label(code, None, "zh"), "T", lang="zh",
                             sheet=SheetContext(streets=grid_streets(), made_for=line))
    (tmp_path / "r.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert text.replace(" ", "").count(line.replace(" ", "")) == 2  # on each patroller's sheet
