"""Columns, codes and ids of real files: names that collide in the store,
KML's own fields, too many columns, files without ids or statuses, a city's
own codes, and hostile values (NUL, control characters, overflowing numbers,
huge strings). Everything goes through a real GeoPackage store."""

from __future__ import annotations

import math
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import io, pipeline, validate
from geo.errors import SchemaError
from geo.store import open_store

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees


def _store(tmp_path: Path, grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> Path:
    """A store holding the hand-made grids and buildings."""
    path = tmp_path / "s.gpkg"
    store = open_store(path)
    for kind, gdf in (("grids", grids), ("buildings", buildings)):
        src = tmp_path / f"{kind}.geojson"
        pyogrio.write_dataframe(gdf, src)
        pipeline.import_layer(store, kind, src)
    return path


def _csv(tmp_path: Path, text: str, name: str = "x.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _codes(report: validate.ValidationReport) -> dict[str, validate.Issue]:
    return {i.code: i for i in report.issues}


class TestCollidingColumns:
    def test_case_twins_and_store_names_are_kept_renamed_and_stored(self, tmp_path: Path, make_incidents, make_buildings, make_grids) -> None:
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        inc = make_incidents()
        inc["TYPE"] = ["a", "b", "c", "d"]
        inc["Status"] = ["x"] * 4
        inc["GRID_ID"] = ["outer"] * 4
        inc["Incident_ID"] = ["dup", "dup", "t", "t"]
        inc["geom"] = ["g"] * 4
        inc["fid"] = ["k", "k", "text", "7"]  # duplicates and text: not the store's key
        src = tmp_path / "inc.geojson"  # GDAL refuses to write such a file: write it as a web API would
        src.write_text(inc.to_json(), encoding="utf-8")
        _, checked = io.load_layer(src, "incidents", types=store.incident_types())
        assert checked.ok  # validate says what import does: accepted, with the renames listed
        report = pipeline.import_layer(store, "incidents", src)
        renamed = _codes(report)["column_renamed"]
        assert renamed.level == "warning"
        for old in ("TYPE", "Status", "GRID_ID", "Incident_ID", "geom", "fid"):
            assert f"{old} → {old}_src" in renamed.text("en"), old
        got = store.read("incidents")
        assert got["TYPE_src"].tolist() == ["a", "b", "c", "d"]
        assert got["fid_src"].tolist() == ["k", "k", "text", "7"]
        assert got["type"].tolist() == ["drain_grate", "flooding", "flying_wire", "drain_grate"]
        assert got["grid_id"].tolist()[0] == "G1"  # derived, not the file's GRID_ID

    def test_extra_column_differing_from_a_stored_one_by_case_joins_it(self, tmp_path: Path, make_buildings, make_grids) -> None:
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        first = make_buildings()
        first["Remark"] = ["a", "b", "c", "d"]
        src = tmp_path / "b1.geojson"
        pyogrio.write_dataframe(first, src)
        pipeline.import_layer(store, "buildings", src)
        again = make_buildings().iloc[:1].assign(building_id="B7", REMARK="new")
        src2 = tmp_path / "b2.geojson"
        pyogrio.write_dataframe(again, src2)
        report = pipeline.import_layer(store, "buildings", src2)
        assert "REMARK → Remark" in _codes(report)["columns_aligned"].text("en")
        got = store.read("buildings").set_index("building_id")
        assert got.loc["B7", "Remark"] == "new" and got.loc["B1", "Remark"] == "a"

    def test_merge_with_the_stored_layer_keeps_within_the_column_limit(self, tmp_path: Path, make_buildings, make_grids) -> None:
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        y = LAT0 + 0.5 * D
        for batch in range(3):  # three files of 900 different extra columns each
            extra = ",".join(f"b{batch}_{i}" for i in range(900))
            src = _csv(tmp_path, f"building_id,lon,lat,{extra}\nN{batch},{LON0 + 0.5 * D},{y},"
                                 + ",".join("1" for _ in range(900)) + "\n", f"b{batch}.csv")
            report = pipeline.import_layer(store, "buildings", src, crs="EPSG:4326")
        assert "columns_dropped" in _codes(report)
        got = store.read("buildings")
        assert {"N0", "N1", "N2"} <= set(got["building_id"]) and len(got.columns) <= pipeline.MAX_STORED_COLUMNS + 1

    def test_upper_case_canonical_column_is_taken(self, tmp_path: Path, make_grids) -> None:
        g = make_grids().rename(columns={"grid_id": "GRID_ID", "name": "NAME"})
        src = tmp_path / "g.geojson"
        pyogrio.write_dataframe(g, src)
        store = open_store(tmp_path / "s.gpkg")
        report = pipeline.import_layer(store, "grids", src)
        assert "GRID_ID → grid_id" in _codes(report)["column_case_mapped"].text("en")
        assert store.read("grids")["name"].tolist() == ["一", "二", "三"]

    @pytest.mark.parametrize("kind", ["grids", "buildings"])
    def test_kml_imports_into_a_geopackage_store(self, tmp_path: Path, kind: str, make_buildings, make_grids) -> None:
        gdf = make_grids() if kind == "grids" else make_buildings()[lambda b: b.geom_type != "Point"]
        src = tmp_path / f"{kind}.kml"
        pyogrio.write_dataframe(gdf, src, driver="KML")  # GDAL writes 'name' as the Placemark's <name>
        raw = io.read_file(src)
        assert "Name" in raw.columns
        store = open_store(tmp_path / "s.gpkg") if kind == "grids" else open_store(_store(tmp_path, make_grids(), make_buildings()))
        report = pipeline.import_layer(store, kind, src, replace=True)
        assert report.ok
        got = store.read(kind)
        assert got["name"].tolist() == gdf["name"].tolist()
        assert sorted(got[f"{kind[:-1]}_id"]) == sorted(gdf[f"{kind[:-1]}_id"])

    def test_kml_name_beside_a_name_field_is_kept_apart(self, tmp_path: Path, make_grids) -> None:
        raw = make_grids()
        raw["Name"] = ["k1", "k2", "k3"]
        out = io.conform(raw, "grids")
        assert out["name"].tolist() == ["一", "二", "三"] and out["Name_src"].tolist() == ["k1", "k2", "k3"]

    def test_more_than_2000_columns_keep_the_schema_and_warn(self, tmp_path: Path, make_buildings, make_grids) -> None:
        n = 2_100
        extra = ",".join(f"c{i}" for i in range(n))
        vals = ",".join("1" for _ in range(n))
        src = _csv(tmp_path, f"building_id,name,lon,lat,{extra}\nB9,九栋,{LON0 + 0.5 * D},{LAT0 + 0.5 * D},"
                             f"{vals}\n")
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        report = pipeline.import_layer(store, "buildings", src, crs="EPSG:4326")
        dropped = _codes(report)["columns_dropped"]
        assert dropped.params is not None and dropped.params["total"] == n + 2
        assert "c2099" in dropped.text("en")
        got = store.read("buildings")
        assert "B9" in set(got["building_id"]) and len(got.columns) <= io.MAX_COLUMNS + 20


class TestStatusesAndValueMaps:
    def test_missing_status_column_says_which_default_for_how_many(self, tmp_path: Path, make_incidents) -> None:
        inc = make_incidents().drop(columns="status")
        report = validate.ValidationReport("incidents")
        out = io.conform(inc, "incidents", report=report)
        issue = _codes(report)["status_column_default"]
        assert issue.level == "warning" and issue.params is not None and issue.params["n"] == 4
        assert "ok (drain_grate): 2" in issue.text("en") and "reported (flooding): 1" in issue.text("en")
        assert "ok" in issue.text("zh") and "默认状态" in issue.text("zh")
        assert out["status"].tolist() == ["ok", "reported", "reported", "ok"]

    def test_value_maps_for_status_severity_type_and_bools(self, make_buildings, make_incidents) -> None:
        inc = make_incidents()
        inc["status"] = ["Blocked", "开放", "Open", "OK"]
        inc["severity"] = ["1", "3", "2", "1"]
        inc["type"] = ["Grate", "Water", "Wire", "Grate"]
        out = io.conform(inc, "incidents", value_maps={
            "status": {"blocked": "blocked", "开放": "reported", "Open": "assigned", "ok": "ok"},
            "severity": {"1": "low", "2": "medium", "3": "high"},
            "type": {"Grate": "drain_grate", "Water": "flooding", "Wire": "flying_wire"}})
        assert out["status"].tolist() == ["blocked", "reported", "dispatched", "ok"]  # a status of old: its stage
        assert out["severity"].tolist() == ["low", "high", "medium", "low"]
        b = make_buildings()
        b["basement"] = ["Y", "N", "Y", "N"]
        got = io.conform(b, "buildings", value_maps={"basement": {"Y": "yes", "N": "no"}})
        assert got["basement"].tolist() == [True, False, True, False]

    def test_unknown_codes_list_every_value_with_counts_and_the_map_syntax(self, make_incidents) -> None:
        inc = pd.concat([make_incidents()] * 5, ignore_index=True)
        inc["incident_id"] = [f"I{i}" for i in range(len(inc))]
        inc["type"] = "flooding"
        inc["status"] = ["Open"] * 12 + ["Shut"] * 7 + ["待派"]
        report = validate.ValidationReport("incidents")
        io.conform(inc, "incidents", report=report)
        text = _codes(report)["unknown_status"].text("en")
        assert "'Open' (12)" in text and "'Shut' (7)" in text and "'待派' (1)" in text
        assert "--map status=Open:reported" in text

    def test_parse_value_maps_from_options_and_toml(self, tmp_path: Path) -> None:
        toml = tmp_path / "codes.toml"
        toml.write_text('[status]\n"开放" = "reported"\n"关闭" = "resolved"\n[basement]\n"有" = true\n', encoding="utf-8")
        got = io.parse_value_maps(["status=Open:reported,Closed:resolved", "severity=一级:low", str(toml)])
        assert got == {"status": {"Open": "reported", "Closed": "resolved", "开放": "reported", "关闭": "resolved"},
                       "severity": {"一级": "low"}, "basement": {"有": "true"}}


class TestIdsFromRows:
    def test_csv_rows_numbered_by_spreadsheet_line(self, tmp_path: Path) -> None:
        y = LAT0 + 0.5 * D
        src = _csv(tmp_path, f"名称,lon,lat\n井1,{LON0 + 0.1 * D},{y}\n井2,{LON0 + 0.2 * D},{y}\n")
        out, report = io.load_layer(src, "incidents", crs="EPSG:4326", type_value="drain_grate", id_from_row="")
        assert out["incident_id"].tolist() == ["drain_grate-2", "drain_grate-3"]
        assert report.ok and "ids_from_lines" in _codes(report)
        out, _ = io.load_layer(src, "buildings", crs="EPSG:4326", id_from_row="")
        assert out["building_id"].tolist() == ["B2", "B3"]
        out, _ = io.load_layer(src, "incidents", crs="EPSG:4326", type_value="flooding", id_from_row="HY")
        assert out["incident_id"].tolist() == ["HY2", "HY3"]

    def test_vector_rows_numbered_by_feature_and_stable(self, tmp_path: Path, make_grids) -> None:
        src = tmp_path / "g.geojson"
        pyogrio.write_dataframe(make_grids().drop(columns="grid_id"), src)
        first, _ = io.load_layer(src, "grids", id_from_row="")
        again, _ = io.load_layer(src, "grids", id_from_row="")
        assert first["grid_id"].tolist() == again["grid_id"].tolist() == ["G1", "G2", "G3"]

    def test_missing_id_hint_names_both_options(self, make_grids) -> None:
        with pytest.raises(SchemaError) as caught:
            io.conform(make_grids().drop(columns="grid_id"), "grids")
        assert "--id-field COLUMN" in caught.value.hint and "--id-from-row" in caught.value.hint
        assert "--id-from-row" in caught.value.localized("zh")[1]


class TestHostileValues:
    def _incidents_csv(self, tmp_path: Path, rows: list[str]) -> Path:
        head = "incident_id,type,status,depth_cm,description,lon,lat\n"
        return _csv(tmp_path, head + "\n".join(rows) + "\n")

    def test_depth_must_be_finite_and_in_range(self, tmp_path: Path) -> None:
        at = f"{LON0 + 0.3 * D},{LAT0 + 0.3 * D}"
        src = self._incidents_csv(tmp_path, [f"F1,flooding,reported,inf,,{at}", f"F2,flooding,reported,-50,,{at}",
                                             f"F3,flooding,reported,1e400,,{at}", f"F4,flooding,reported,30,,{at}"])
        out, report = io.load_layer(src, "incidents", crs="EPSG:4326")
        codes = _codes(report)
        assert "'inf' (line 2)" in codes["bad_number"].text("en") and "'1e400' (line 4)" in codes["bad_number"].text("en")
        assert "'-50' (line 3)" in codes["out_of_range"].text("en")
        assert "第 3 行" in codes["out_of_range"].text("zh")
        assert not report.ok and out["depth_cm"].tolist()[3] == 30.0
        assert all(math.isnan(v) for v in out["depth_cm"].tolist()[:3])

    def test_overflowing_integer_is_a_clean_error(self, make_buildings) -> None:
        b = make_buildings()
        b["households"] = ["1e400", "99999999999999999999", "3", None]
        with pytest.raises(SchemaError, match="households must be a finite number, not '1e400' \\(feature 1\\)"):
            io.conform(b, "buildings")

    def test_integer_beyond_exact_range_is_refused(self, make_buildings) -> None:
        b = make_buildings()
        b["units"] = [2**62, 1, 1, 1]
        with pytest.raises(SchemaError, match="units must be from -9007199254740992 to 9007199254740992"):
            io.conform(b, "buildings")

    def test_two_columns_of_the_same_name_are_refused(self, make_grids) -> None:
        g = make_grids()
        twice = gpd.GeoDataFrame(pd.concat([g.drop(columns="geometry"), g[["name"]]], axis=1), geometry=g.geometry)
        with pytest.raises(SchemaError, match="columns of the same name: name"):
            io.conform(twice, "grids")

    def test_nul_in_ids_refused_and_control_characters_stripped_from_text(self, tmp_path: Path, make_incidents) -> None:
        inc = make_incidents()
        inc["incident_id"] = ["X\0 1", "X\0 2", "I3", "I4"]
        inc["description"] = ["ok", "bell\x07 and\x1b[2J escape", None, "tab\tkept"]
        inc["note"] = ["\x00hidden", None, "", "x"]
        report = validate.ValidationReport("incidents")
        out = io.conform(inc, "incidents", report=report)
        codes = _codes(report)
        assert codes["control_in_id"].level == "error" and "feature 1" in codes["control_in_id"].text("en")
        assert out["description"].tolist()[1] == "bell and[2J escape" and out["description"].tolist()[3] == "tab\tkept"
        assert out["note"].tolist()[0] == "hidden"
        stripped = [i for i in report.issues if i.code == "control_stripped"]
        assert {i.params["column"] for i in stripped if i.params} == {"description", "note"}

    def test_nul_ids_never_reach_the_store(self, tmp_path: Path, make_buildings, make_grids) -> None:
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        at = f"{LON0 + 0.3 * D},{LAT0 + 0.3 * D}"
        src = _csv(tmp_path, f"incident_id,type,lon,lat\nX\0 1,flooding,{at}\nX\0 2,flooding,{at}\n", "nul.csv")
        before = store.read("incidents")
        with pytest.raises(pipeline.ImportRefused) as caught:
            pipeline.import_layer(store, "incidents", src, crs="EPSG:4326")
        assert "control characters" in caught.value.message and "line 2" in caught.value.message
        assert len(store.read("incidents")) == len(before)

    def test_string_length_limits(self, make_grids) -> None:
        g = make_grids()
        g["name"] = ["x" * 100_000, "二", "三"]
        g.loc[2, "grid_id"] = "G" * 201
        report = validate.ValidationReport("grids")
        io.conform(g, "grids", report=report)
        long_ = [i for i in report.issues if i.code == "text_too_long"]
        assert {i.params["column"] for i in long_ if i.params} == {"name", "grid_id"}
        assert any("longest 100000" in i.text("en") and "feature 1" in i.text("en") for i in long_)
        assert io.conform(g.iloc[:1], "grids", max_text=200_000)["name"].str.len().iloc[0] == 100_000

    def test_string_length_limits_from_the_settings(self, monkeypatch: pytest.MonkeyPatch, make_grids) -> None:
        g = make_grids()
        g["name"] = ["x" * 50, "二", "三"]
        monkeypatch.setenv("GRIDWATCH_MAX_TEXT_CHARS", "40")
        report = validate.ValidationReport("grids")
        io.conform(g, "grids", report=report)
        assert [i.params["column"] for i in report.issues if i.code == "text_too_long" and i.params] == ["name"]
        monkeypatch.setenv("GRIDWATCH_MAX_TEXT_CHARS", "60")
        report = validate.ValidationReport("grids")
        io.conform(g, "grids", report=report)
        assert not [i for i in report.issues if i.code == "text_too_long"]


class TestEveryProblemAtOnce:
    def test_one_report_lists_every_problem_with_spreadsheet_lines(self, tmp_path: Path) -> None:
        at = f"{LON0 + 0.3 * D},{LAT0 + 0.3 * D}"
        src = _csv(tmp_path, "incident_id,type,status,severity,reported_at,depth_cm,lon,lat\n"
                             f"A1,flooding,reported,high,2025-07-21,12,{at}\n"
                             f"A2,pothole,reported,high,2025-07-21,12,{at}\n"
                             f"A3,flooding,Open,high,2025-07-21,12,{at}\n"
                             f"A4,flooding,reported,huge,2025-07-21,12,{at}\n"
                             f"A5,flooding,reported,low,yesterday,12,{at}\n"
                             f"A6,flooding,reported,low,2025-07-21,deep,{at}\n"
                             f",flooding,reported,low,2025-07-21,1,{at}\n"
                             f"A8,drain_grate,reported,low,2025-07-21,1,{at}\n")
        _, report = io.load_layer(src, "incidents", crs="EPSG:4326")
        codes = {i.code for i in report.errors}
        assert codes == {"unknown_type", "unknown_status", "unknown_severity", "bad_date", "bad_number",
                         "missing_id", "status_not_allowed"}
        text = report.to_text("en")
        assert "'yesterday' (line 6)" in text and "'deep' (line 7)" in text and "(line 8)" in text
        assert "line 9" in text  # the rain grate with an event status
        assert "'pothole' (1)" in text and "'huge' (1)" in text
        assert report.to_text("zh").startswith("x.csv 的事件：8 行，7 个错误")

    def test_import_refuses_with_all_of_them(self, tmp_path: Path, make_buildings, make_grids) -> None:
        store = open_store(_store(tmp_path, make_grids(), make_buildings()))
        b = make_buildings()
        b["units"] = ["x", "2", "3", "4"]
        b["basement"] = ["是", "maybe", "否", "否"]
        src = tmp_path / "b.geojson"
        pyogrio.write_dataframe(b, src)
        with pytest.raises(pipeline.ImportRefused) as caught:
            pipeline.import_layer(store, "buildings", src, replace=True)
        assert {i.code for i in caught.value.report.errors} == {"bad_number", "bad_bool"}
        bools = next(i for i in caught.value.report.errors if i.code == "bad_bool").text("en")
        assert "'maybe' (1)" in bools and "--map basement=maybe:yes" in bools
        message, hint = caught.value.localized("zh")
        assert "未导入任何数据" in message and "2 个错误" in message and hint
        assert store.read("buildings")["units"].tolist() == [2, 3, 1, 2]  # nothing stored lost


def test_row_numbers_survive_the_reader_for_geopackage(tmp_path: Path, make_buildings) -> None:
    src = tmp_path / "b.gpkg"
    b = make_buildings()
    b["floors"] = [6, 6, 18.5, 6]
    pyogrio.write_dataframe(b, src)
    _, report = io.load_layer(src, "buildings")
    assert "'18.5' (feature 3)" in _codes(report)["bad_integer"].text("en")


def test_points_merged_only_by_rule(tmp_path: Path, make_incidents) -> None:
    # same-id points from the API: the near repeat dropped, the first kept
    inc = make_incidents()
    extra = inc.iloc[[0]].copy()
    extra["geometry"] = [shapely.Point(LON0 + 0.45 * D + 0.00003, LAT0 + 0.3 * D)]  # ~3 m
    both = gpd.GeoDataFrame(pd.concat([inc, extra], ignore_index=True), crs=4326)
    out, report = validate.validate_layer(io.conform(both, "incidents"), "incidents", merge_duplicates=True)
    assert report.ok and len(out) == 4 and out.geom_type.eq("Point").all()
    assert _codes(report)["duplicate_points_dropped"].ids == ["I1"]
