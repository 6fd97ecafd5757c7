"""The command line on files with their own columns and codes: --map,
--id-from-row, --sliver-tolerance, every problem at once, exit 2 with one
error line and one hint line."""

from __future__ import annotations

from pathlib import Path

import pyogrio
import pytest
import shapely

from geo import cli
from geo.store import open_store

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

AT = f"{LON0 + 0.3 * D},{LAT0 + 0.3 * D}"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err.splitlines()


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[str, list[str]]:
    code, out, err = _run(capsys, *args)
    assert code == 2, err
    assert len(err) == 2 and err[0].startswith("error: ") and err[1].startswith("hint: "), err
    return out, err


@pytest.fixture()
def store(tmp_path: Path, make_buildings, make_grids) -> Path:
    path = tmp_path / "s.gpkg"
    for name, gdf in (("grids", make_grids()), ("buildings", make_buildings())):
        pyogrio.write_dataframe(gdf, tmp_path / f"{name}.geojson")
        assert cli.main(["import", "--quiet", "--store", str(path), f"--{name}", str(tmp_path / f"{name}.geojson")]) == 0
    return path


def _city_csv(tmp_path: Path) -> Path:
    p = tmp_path / "complaints.csv"
    rows = [f"C{i},flooding,{'Open' if i < 25 else 'Done'},{AT}" for i in range(30)]
    p.write_text("编号,type,状态,lon,lat\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


class TestValueMaps:
    def test_city_codes_refused_with_every_value_then_loaded_with_map(self, tmp_path: Path, store: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
        src = _city_csv(tmp_path)
        base = ["--store", str(store), "--incidents", str(src), "--crs", "EPSG:4326", "--id-field", "编号",
                "--field", "status=状态", "--quiet"]
        out, err = _refused(capsys, "validate", *base)
        assert "'Open' (25), 'Done' (5)" in out and "--map status=Open:reported" in out
        assert err[0].startswith("error: complaints.csv: 30 row(s) have an unknown status")
        out, err = _refused(capsys, "import", *base)
        assert "ERROR unknown_status" in out and "nothing was imported" in err[0]
        assert open_store(store).read("incidents").empty
        code, out, err = _run(capsys, "import", *base, "--map", "status=Open:reported,Done:resolved")
        assert code == 0, err
        got = open_store(store).read("incidents")
        assert (got["status"] == "reported").sum() == 25 and (got["status"] == "handled").sum() == 5

    def test_toml_map_with_chinese_codes(self, tmp_path: Path, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
        src = tmp_path / "井.csv"
        src.write_text(f"编号,状态,lon,lat\nJ1,通畅,{AT}\nJ2,堵了,{AT}\n", encoding="utf-8")
        codes = tmp_path / "codes.toml"
        codes.write_text('[status]\n"通畅" = "ok"\n"堵了" = "blocked"\n', encoding="utf-8")
        code, out, err = _run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(src), "--crs",
                              "EPSG:4326", "--id-field", "编号", "--type", "drain_grate", "--field", "status=状态",
                              "--map", str(codes))
        assert code == 0, err
        assert open_store(store).read("incidents")["status"].tolist() == ["ok", "blocked"]
        code, out, err = _run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(src), "--crs",
                              "EPSG:4326", "--id-field", "编号", "--type", "drain_grate", "--field", "status=状态",
                              "--map", "状态=通畅:damaged,堵了:missing")  # the file's column name works too
        assert code == 0, err
        assert open_store(store).read("incidents")["status"].tolist() == ["damaged", "missing"]

    @pytest.mark.parametrize("bad", ["status", "status=Open", "status=:reported", "missing.toml"])
    def test_bad_map_option(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
        _, err = _refused(capsys, "validate", "--incidents", str(_city_csv(tmp_path)), "--map", bad)
        assert "--map" in err[0] or "missing.toml" in err[0]

    def test_map_of_a_column_the_file_lacks(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        _, err = _refused(capsys, "validate", "--incidents", str(_city_csv(tmp_path)), "--crs", "EPSG:4326",
                          "--id-field", "编号", "--map", "kind=a:b")
        assert "kind" in err[0] and "--map status=" in err[1]


class TestIdsAndDefaults:
    def test_no_id_column_hint_names_both_options(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        src = tmp_path / "poles.csv"
        src.write_text(f"名称,lon,lat\n杆1,{AT}\n杆2,{AT}\n", encoding="utf-8")
        _, err = _refused(capsys, "validate", "--incidents", str(src), "--crs", "EPSG:4326", "--type", "flying_wire")
        assert "no incident_id column" in err[0] and "--id-field COLUMN" in err[1] and "--id-from-row" in err[1]
        code, out, err = _run(capsys, "validate", "--incidents", str(src), "--crs", "EPSG:4326", "--type",
                              "flying_wire", "--id-from-row")
        assert code == 0, err
        assert "flying_wire-2" in out and "status_column_default" in out and "reported (flying_wire): 2" in out

    def test_id_prefix_in_the_store(self, tmp_path: Path, store: Path, capsys: pytest.CaptureFixture[str]) -> None:
        src = tmp_path / "poles.csv"
        src.write_text(f"名称,lon,lat\n杆1,{AT}\n杆2,{AT}\n", encoding="utf-8")
        assert cli.main(["import", "--quiet", "--store", str(store), "--incidents", str(src), "--crs", "EPSG:4326",
                         "--type", "flying_wire", "--id-from-row", "DG"]) == 0
        assert open_store(store).read("incidents")["incident_id"].tolist() == ["DG2", "DG3"]


class TestReports:
    def test_every_problem_at_once_in_chinese(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        src = tmp_path / "b.csv"
        src.write_text("building_id,units,basement,floors,lon,lat\n"
                       f"B1,x,是,6,{AT}\nB2,2,也许,6,{AT}\nB3,2,否,6.5,{AT}\n,1,否,2,{AT}\n", encoding="utf-8")
        out, err = _refused(capsys, "validate", "--buildings", str(src), "--crs", "EPSG:4326", "--lang", "zh")
        assert out.splitlines()[0] == "b.csv 的楼栋：4 行，4 个错误，0 个警告"
        for piece in ("'x'（第 2 行）", "'也许'（第 3 行）", "'6.5'（第 4 行）", "第 5 行"):
            assert piece in out, piece
        assert "共 4 个错误" in err[0]

    def test_case_collisions_validate_as_import_does(self, tmp_path: Path, store: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        src = tmp_path / "g.csv"
        box = shapely.box(LON0, LAT0, LON0 + D, LAT0 + D).wkt
        src.write_text(f'grid_id,GRID_ID,Name,name,fid,wkt\nG9,x,k,九,a,"{box}"\nG8,y,l,八,a,"{box}"\n', encoding="utf-8")
        args = ["--store", str(store), "--grids", str(src), "--crs", "EPSG:4326", "--quiet"]
        code, out, err = _run(capsys, "validate", *args)
        assert code == 0, err
        assert "GRID_ID → GRID_ID_src" in out and "fid → fid_src" in out and "Name → Name_src" in out
        code, out, err = _run(capsys, "import", *args, "--replace")
        assert code == 0, err
        assert open_store(store).read("grids")["fid_src"].tolist() == ["a", "a"]

    def test_sliver_tolerance(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        d = D
        cells = [shapely.box(LON0 + i * d, LAT0, LON0 + (i + 1) * d + 0.000002, LAT0 + d) for i in range(4)]
        import geopandas as gpd

        src = tmp_path / "wards.geojson"
        pyogrio.write_dataframe(gpd.GeoDataFrame({"grid_id": ["A", "B", "C", "D"]}, geometry=cells, crs=4326), src)
        code, out, _ = _run(capsys, "validate", "--grids", str(src))
        assert code == 0 and "WARNING grid_sliver_overlaps: 3 sliver overlap(s)" in out and "grid_overlap:" not in out
        code, out, _ = _run(capsys, "validate", "--grids", str(src), "--sliver-tolerance", "1")
        assert code == 0 and out.count("WARNING grid_overlap:") == 3
        _, err = _refused(capsys, "validate", "--grids", str(src), "--sliver-tolerance", "-3")
        assert "--sliver-tolerance -3" in err[0]
