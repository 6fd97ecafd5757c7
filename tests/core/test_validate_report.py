"""Validation reports: building parts, entrances and overlaps, point
duplicates, sliver aggregation, and the report itself in both languages."""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo import io, validate

L, B, D = 114.36, 30.52, 0.001  # the corner and the step of the hand-made layers (conftest.py)


def _buildings(geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"building_id": [f"B{i}" for i in range(len(geoms))]}, geometry=geoms, crs=4326)


def _grids(geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"grid_id": [f"G{i}" for i in range(len(geoms))]}, geometry=geoms, crs=4326)


def _by_code(report: validate.ValidationReport, code: str) -> list[validate.Issue]:
    return [i for i in report.issues if i.code == code]


class TestBuildings:
    def test_part_inside_a_building_is_merged_and_listed(self) -> None:
        house = shapely.box(L, B, L + 0.4 * D, B + 0.4 * D)
        wing = shapely.box(L + 0.05 * D, B + 0.05 * D, L + 0.2 * D, B + 0.2 * D)  # all inside
        porch = shapely.box(L + 0.35 * D, B + 0.1 * D, L + 0.41 * D, B + 0.2 * D)  # 5/6 inside: not a part? 83%
        other = shapely.box(L + 2 * D, B, L + 2.2 * D, B + 0.2 * D)
        out, report = validate.validate_layer(io.conform(_buildings([house, wing, porch, other]), "buildings"),
                                              "buildings", sliver_m2=1.0)
        (parts,) = _by_code(report, "building_parts_merged")
        assert parts.ids == ["B1"] and "90%" in parts.text("en")
        assert out["building_id"].tolist() == ["B0", "B2", "B3"]
        (overlap,) = _by_code(report, "building_overlap")
        assert overlap.ids == ["B0", "B2"] and overlap.area_m2 == pytest.approx(0.05 * 95.9 * 0.1 * 110.9, rel=0.05)
        assert L + 0.35 * D < (overlap.lon or 0) < L + 0.4 * D

    def test_part_of_a_part_goes_to_the_building(self) -> None:
        house = shapely.box(L, B, L + 0.6 * D, B + 0.6 * D)
        wing = shapely.box(L + 0.1 * D, B + 0.1 * D, L + 0.4 * D, B + 0.4 * D)
        roof = shapely.box(L + 0.15 * D, B + 0.15 * D, L + 0.3 * D, B + 0.3 * D)
        out, report = validate.validate_layer(io.conform(_buildings([roof, wing, house]), "buildings"), "buildings")
        assert out["building_id"].tolist() == ["B2"] and _by_code(report, "building_parts_merged")[0].ids == ["B0", "B1"]

    def test_entrance_points_inside_buildings_are_dropped_others_kept(self) -> None:
        house = shapely.box(L, B, L + 0.4 * D, B + 0.4 * D)
        door = shapely.Point(L + 0.1 * D, B + 0.1 * D)
        shed = shapely.Point(L + 3 * D, B + 3 * D)  # a building known by its location only
        out, report = validate.validate_layer(io.conform(_buildings([house, door, shed]), "buildings"), "buildings")
        assert out["building_id"].tolist() == ["B0", "B2"]
        assert _by_code(report, "entrance_points_dropped")[0].ids == ["B1"]

    def test_sliver_overlaps_summed_on_one_line(self) -> None:
        w = 0.2 * D
        row = [shapely.box(L + i * w * 0.98, B, L + i * w * 0.98 + w, B + w) for i in range(10)]  # ~8 m² overlaps
        _, report = validate.validate_layer(io.conform(_buildings(row), "buildings"), "buildings")
        assert not _by_code(report, "building_overlap")
        (sl,) = _by_code(report, "building_sliver_overlaps")
        assert sl.params is not None and sl.params["n"] == 9 and "50 m²" in sl.text("en")

    def test_100000_buildings_stay_fast(self) -> None:
        n = 100_000
        side = int(np.ceil(np.sqrt(n)))
        i = np.arange(n)
        x0 = L + (i % side) * 0.0002
        y0 = B + (i // side) * 0.0002
        polys = shapely.box(x0, y0, x0 + 0.00015, y0 + 0.00015)
        parts = shapely.box(x0[:1000] + 0.00002, y0[:1000] + 0.00002, x0[:1000] + 0.0001, y0[:1000] + 0.0001)
        gdf = _buildings(list(np.concatenate([polys, parts])))
        t = time.perf_counter()
        out = validate.building_parts_and_overlaps(gdf, validate.ValidationReport("buildings"))
        assert len(out) == n
        assert time.perf_counter() - t < 10.0


class TestGridSlivers:
    def test_slivers_summed_real_overlaps_kept(self) -> None:
        cells = [shapely.box(L + i * D, B, L + (i + 1) * D + 0.000002, B + D) for i in range(6)]  # ~21 m² slivers
        big = shapely.box(L + 5.5 * D, B, L + 7 * D, B + D)  # a real overlap of half a cell
        _, report = validate.validate_layer(io.conform(_grids([*cells, big]), "grids"), "grids")
        (sl,) = _by_code(report, "grid_sliver_overlaps")
        assert sl.params is not None and sl.params["n"] == 5
        assert sl.area_m2 == pytest.approx(5 * 0.000002 / D * 95.9 * 110.9, rel=0.05)
        assert [i.ids for i in _by_code(report, "grid_overlap")] == [["G5", "G6"]]
        _, strict = validate.validate_layer(io.conform(_grids([*cells, big]), "grids"), "grids", sliver_m2=1.0)
        assert len(_by_code(strict, "grid_overlap")) == 6 and not _by_code(strict, "grid_sliver_overlaps")

    def test_sliver_gaps_summed(self) -> None:
        cells = [shapely.box(L + i * D, B, L + (i + 1) * D - 0.000002, B + D) for i in range(4)]
        e = 0.0000002  # the frame overlaps the cells by 2 cm: gaps between cells stay apart
        frame = shapely.box(L - D, B - D, L + 5 * D, B + 2 * D).difference(shapely.box(L, B + e, L + 4 * D, B + D - e))
        _, report = validate.validate_layer(io.conform(_grids([*cells, frame]), "grids"), "grids")
        (sl,) = _by_code(report, "grid_sliver_gaps")
        assert sl.params is not None and sl.params["n"] == 4 and not _by_code(report, "grid_gap")


class TestPointDuplicates:
    def _two(self, inc: gpd.GeoDataFrame, dx: float) -> gpd.GeoDataFrame:
        inc.loc[1, "incident_id"] = "I1"
        inc.loc[1, "type"] = "drain_grate"
        inc.loc[1, "status"] = "ok"
        inc.loc[1, "geometry"] = shapely.Point(inc.geometry[0].x + dx, inc.geometry[0].y)
        return io.conform(inc, "incidents")

    def test_near_repeat_dropped_first_kept(self, make_incidents) -> None:
        out, report = validate.validate_layer(self._two(make_incidents(), 0.00002), "incidents", merge_duplicates=True)
        assert report.ok and out["incident_id"].tolist().count("I1") == 1
        assert out.geometry[out["incident_id"] == "I1"].iloc[0].equals(make_incidents().geometry[0])
        (d,) = _by_code(report, "duplicate_points_dropped")
        assert "within 1.9 m" in d.text("en")

    def test_far_apart_is_an_error_with_the_distance(self, make_incidents) -> None:
        _, report = validate.validate_layer(self._two(make_incidents(), 0.001), "incidents", merge_duplicates=True)
        (err,) = report.errors
        assert err.code == "duplicate_points_far" and "up to 96 m" in err.text("en") and "96 米" in err.text("zh")


class TestReport:
    def test_header_and_lines_in_chinese(self, make_grids) -> None:
        g = make_grids()
        g.loc[1, "grid_id"] = None
        g.attrs["row_base"] = 2
        _, report = validate.validate_layer(io.conform(g, "grids"), "grids", source="网格.csv")
        text = report.to_text("zh")
        assert text.splitlines()[0] == "网格.csv 的网格：3 行，1 个错误，0 个警告"
        assert "错误 missing_id" in text and "第 3 行" in text
        assert "line 3" in report.to_text("en")
        assert report.to_frame("zh")["message"].iloc[0].startswith("1 行网格没有 grid_id")

    def test_conform_without_report_raises_every_problem(self, make_buildings) -> None:
        b = make_buildings()
        b["units"] = ["x", "2", "3", "4"]
        b["basement"] = ["maybe", "是", "否", "否"]
        with pytest.raises(validate.ReportError) as caught:
            io.conform(b, "buildings")
        assert {i.code for i in caught.value.report.errors} == {"bad_number", "bad_bool"}
        assert "2 个错误" in caught.value.localized("zh")[0]
