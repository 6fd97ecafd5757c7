"""Validation: every problem reported, repairs listed, nothing silently dropped."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo import io, validate
from tests import paths

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees


def _grids(polys: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"grid_id": [f"G{i}" for i in range(len(polys))]}, geometry=polys, crs=4326)


class TestGrids:
    def test_clean_tiling_has_no_issues(self, make_grids) -> None:
        _, report = validate.validate_layer(io.conform(make_grids(), "grids"), "grids")
        assert report.ok and report.issues == []

    def test_overlap_reported_with_area_and_place(self) -> None:
        a = shapely.box(LON0, LAT0, LON0 + D, LAT0 + D)
        b = shapely.box(LON0 + 0.9 * D, LAT0, LON0 + 2 * D, LAT0 + D)
        _, report = validate.validate_layer(io.conform(_grids([a, b]), "grids"), "grids")
        (issue,) = report.issues
        assert issue.code == "grid_overlap" and issue.ids == ["G0", "G1"]
        assert issue.area_m2 == pytest.approx(0.1 * 95.9 * 110.9, rel=0.02)
        assert LON0 + 0.9 * D < issue.lon < LON0 + D

    def test_gap_enclosed_by_grids(self) -> None:
        ring = [shapely.box(LON0 + i * D, LAT0 + j * D, LON0 + (i + 1) * D, LAT0 + (j + 1) * D)
                for i in range(3) for j in range(3) if (i, j) != (1, 1)]
        _, report = validate.validate_layer(io.conform(_grids(ring), "grids"), "grids")
        gaps = [i for i in report.issues if i.code == "grid_gap"]
        assert len(gaps) == 1 and gaps[0].area_m2 == pytest.approx(95.9 * 110.9, rel=0.02)
        assert len(gaps[0].ids) == 8

    def test_invalid_geometry_repaired_and_listed(self) -> None:
        bowtie = shapely.Polygon([(LON0, LAT0), (LON0 + D, LAT0 + D),
                                  (LON0 + D, LAT0), (LON0, LAT0 + D)])
        out, report = validate.validate_layer(io.conform(_grids([bowtie]), "grids"), "grids")
        assert [i.code for i in report.issues] == ["invalid_geometry"]
        assert "Self-intersection" in report.issues[0].message
        assert out.geometry.iloc[0].is_valid and out.geometry.iloc[0].geom_type == "MultiPolygon"

    def test_duplicate_and_missing_ids_block(self, make_grids) -> None:
        g = make_grids()
        g.loc[1, "grid_id"] = "G1"
        g.loc[2, "grid_id"] = None
        _, report = validate.validate_layer(g, "grids")
        assert not report.ok
        assert {i.code for i in report.errors} == {"duplicate_id", "missing_id"}

    def test_wrong_geometry_type_blocks(self) -> None:
        g = _grids([shapely.LineString([(LON0, LAT0), (LON0 + D, LAT0)])])
        _, report = validate.validate_layer(g, "grids")
        assert report.errors[0].code == "geometry_type" and "LineString" in report.errors[0].message


class TestPoints:
    def test_outside_listed_never_dropped(self, make_grids, make_incidents) -> None:
        inc = io.conform(make_incidents(), "incidents")
        out, report = validate.validate_layer(inc, "incidents", grids=make_grids())
        assert len(out) == 4
        (issue,) = report.issues
        assert issue.code == "outside_grids" and issue.ids == ["I4"]

    def test_far_away_and_all_far_means_wrong_crs(self, make_grids, make_incidents) -> None:
        inc = io.conform(make_incidents(), "incidents")
        inc.geometry = inc.geometry.translate(xoff=0.5)
        _, report = validate.validate_layer(inc, "incidents", grids=make_grids())
        assert report.errors[0].code == "far_from_grids" and "coordinate system" in report.errors[0].message

    def test_empty_geometry_listed(self, make_incidents) -> None:
        inc = io.conform(make_incidents(), "incidents")
        inc.loc[2, "geometry"] = None
        out, report = validate.validate_layer(inc, "incidents")
        assert len(out) == 3 and report.issues[0].code == "empty_geometry" and report.issues[0].ids == ["I3"]

    def test_report_table_and_text(self, make_grids, make_incidents) -> None:
        inc = io.conform(make_incidents(), "incidents")
        _, report = validate.validate_layer(inc, "incidents", grids=make_grids(), source="x.csv")
        assert list(report.to_frame().columns)[:3] == ["level", "code", "message"]
        assert report.to_text().startswith("incidents from x.csv: 4 rows, 0 error(s), 1 warning(s)")


def test_real_tiled_wuhan_buildings_merge_duplicates() -> None:

    path = paths.SHARED / "china" / "wuhan_optics_valley_buildings.geojson"
    raw = io.conform(io.read_file(path), "buildings", fields={"building_id": "id"})
    _, strict = validate.validate_layer(raw, "buildings")
    assert strict.errors[0].code == "duplicate_id"
    out, report = validate.validate_layer(raw, "buildings", merge_duplicates=True)
    assert report.ok
    codes = {i.code for i in report.issues}
    assert {"label_point_dropped", "pieces_merged"} <= codes
    assert out["building_id"].is_unique
    assert len(out) < len(raw)
    # nothing silently lost: every input id is still there, or listed as a
    # building part merged into its building or an entrance point dropped
    listed = {i for issue in report.issues if issue.code in ("building_parts_merged", "entrance_points_dropped")
              for i in issue.ids}
    assert set(out["building_id"]) | listed == set(raw["building_id"])
