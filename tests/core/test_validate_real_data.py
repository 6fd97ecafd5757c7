"""Validation follow-ups of real data: one bounded repair, finite distances, ids as text, counted wording."""

from __future__ import annotations

import subprocess
import sys
import time
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geo import io, validate
from tests import paths

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

ROOT = paths.ROOT


def _bowtie(x: float = LON0, y: float = LAT0, d: float = D) -> shapely.Polygon:
    return shapely.Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d)])


def _crossing_grids(tmp: Path, g: gpd.GeoDataFrame) -> Path:
    """Grids ``g`` whose second polygon gets 3,000 random vertices: hours of ``make_valid``."""
    rng = np.random.default_rng(0)
    g.loc[1, "geometry"] = shapely.Polygon(np.column_stack([LON0 + rng.random(3_000) * 0.01,
                                                            LAT0 + rng.random(3_000) * 0.01]))
    p = tmp / "g.geojson"
    pyogrio.write_dataframe(g, p, driver="GeoJSON")
    return p


class TestOneBoundedRepair:
    def test_reading_does_not_repair(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_grids) -> None:
        # the repair belongs to validation: reading returns the invalid polygon as it is, at once
        monkeypatch.setenv("GRIDWATCH_MAX_REPAIR_SECONDS", "1")
        p = _crossing_grids(tmp_path, make_grids())
        t0 = time.perf_counter()
        raw = io.read_file(p)
        assert time.perf_counter() - t0 < 1.0
        assert not raw.geometry.iloc[1].is_valid

    def test_validation_repair_is_bounded_and_names_the_feature(self, tmp_path: Path, make_grids) -> None:
        p = _crossing_grids(tmp_path, make_grids())
        code = ("import sys; from geo import io, validate\n"
                "from geo.errors import GeometryError\n"
                f"raw = io.read_file({str(p)!r}); raw.attrs['row_base'] = 1\n"
                "g = io.conform(raw, 'grids')\n"
                "try:\n    validate.validate_layer(g, 'grids', source='g.geojson')\n"
                "except GeometryError as exc:\n    print(exc.localized('en')[0]); sys.exit(3)\n")
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30,
                              env={"GRIDWATCH_MAX_REPAIR_SECONDS": "1", "PATH": "/usr/bin:/bin"})
        assert done.returncode == 3, done.stderr[-2000:]
        assert "'g.geojson': 1 invalid geometr(ies) (feature(s) 2) cannot be repaired within 1 s" in done.stdout

    def test_many_small_repairs_done_once_and_listed(self) -> None:
        polys = [_bowtie(LON0 + i * 2 * D) for i in range(600)]  # over the in-process vertex count
        g = gpd.GeoDataFrame({"building_id": [f"B{i}" for i in range(600)]}, geometry=polys, crs=4326)
        out, report = validate.validate_layer(io.conform(g, "buildings"), "buildings")
        (issue,) = [i for i in report.issues if i.code == "invalid_geometry"]
        assert len(issue.ids) == 600 and out.geometry.is_valid.all()
        assert issue.text("en").startswith("600 invalid geometries repaired with make_valid")


class TestCountedWording:
    def test_one_and_many_repairs(self) -> None:
        g1 = gpd.GeoDataFrame({"grid_id": ["G0"]}, geometry=[_bowtie()], crs=4326)
        _, one = validate.validate_layer(io.conform(g1, "grids"), "grids")
        text = one.issues[0].text("en")
        assert text.startswith("1 invalid geometry repaired with make_valid (") and "(y/ies)" not in text
        assert one.issues[0].text("zh").startswith("1 个无效几何已用 make_valid 修复")
        g2 = gpd.GeoDataFrame({"grid_id": ["G0", "G1"]}, geometry=[_bowtie(), _bowtie(LON0 + 3 * D)], crs=4326)
        _, two = validate.validate_layer(io.conform(g2, "grids"), "grids")
        assert two.issues[0].text("en").startswith("2 invalid geometries repaired with make_valid (first: ")


class TestIdsAreText:
    def test_missing_id_shown_as_its_feature(self) -> None:
        line = shapely.LineString([(LON0, LAT0), (LON0 + D, LAT0)])
        g = gpd.GeoDataFrame({"grid_id": ["1", "2", "3", np.nan]}, geometry=[line] * 4, crs=4326)
        _, report = validate.validate_layer(g, "grids")
        (issue,) = [i for i in report.errors if i.code == "geometry_type"]
        assert issue.ids == ["1", "2", "3", "feature 4"]
        assert all(isinstance(i, str) for r in report.issues for i in r.ids)

    def test_missing_id_of_a_table_is_its_line(self) -> None:
        pts = gpd.GeoDataFrame({"incident_id": ["I1", None], "type": ["flooding", "flooding"]},
                               geometry=[shapely.Point(LON0, LAT0), shapely.Point()], crs=4326)
        pts.attrs["row_base"] = 2
        _, report = validate.validate_layer(pts, "incidents")
        (issue,) = [i for i in report.issues if i.code == "empty_geometry"]
        assert issue.ids == ["line 3"]


class TestDistanceToGrids:
    def test_points_a_quarter_of_the_globe_away_no_warning(self) -> None:
        grids = gpd.GeoDataFrame({"grid_id": ["G1"]}, geometry=[shapely.box(114.36, 30.52, 114.37, 30.53)], crs=4326)
        where = [(114.365, 30.525), (114.40, 30.52), (-155.0, 0.0), (-160.0, -5.0), (-66.0, -30.5), (2.35, 48.85)]
        pts = gpd.GeoDataFrame({"incident_id": [f"I{i}" for i in range(len(where))], "type": ["flooding"] * len(where)},
                               geometry=[shapely.Point(x, y) for x, y in where], crs=4326)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            _, report = validate.validate_layer(io.conform(pts, "incidents"), "incidents", grids=grids)
        (far,) = [i for i in report.issues if i.code == "far_from_grids"]
        assert far.ids == ["I1", "I2", "I3", "I4", "I5"]
        d = validate.distance_to_grids(pts, grids)
        assert np.isfinite(d).all() and d[0] == 0 and 2_500 < d[1] < 3_200 and d[2] > 9_000_000
