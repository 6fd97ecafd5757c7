"""Hostile and everyday inputs through the command line: what a user sees.

Every bad input exits 2 with exactly two lines on stderr, ``error: ...`` and
``hint: ...`` (no traceback); every good one exits 0 and lands in WGS-84
where it belongs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import geocoordinates_ffi as gcf
import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import cli, io
from geo.store import open_store
from tests import paths

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

ROOT = paths.ROOT


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, make_buildings, make_grids, make_incidents) -> Path:
    """A store holding the fixture grids, buildings and incidents."""
    folder = tmp_path_factory.mktemp("cli_inputs")
    path = folder / "s.gpkg"
    for name, gdf in (("grids", make_grids()), ("buildings", make_buildings()), ("incidents", make_incidents())):
        pyogrio.write_dataframe(gdf, folder / f"{name}.geojson")
        assert cli.main(["import", "--quiet", "--store", str(path), f"--{name}", str(folder / f"{name}.geojson")]) == 0
    return path


def _points(n: int = 40) -> gpd.GeoDataFrame:
    """Incidents spread over G1 and G2 (all inside a grid)."""
    rng = np.random.default_rng(5)
    x = LON0 + rng.uniform(0.05, 1.95, n) * D
    y = LAT0 + rng.uniform(0.05, 0.95, n) * D
    return gpd.GeoDataFrame({"incident_id": [f"P{i:03d}" for i in range(n)], "type": "flooding"},
                            geometry=gpd.points_from_xy(x, y), crs=4326)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err.splitlines()


def _refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run a command that must fail; return its error line."""
    code, _, err = _run(capsys, *args)
    assert code == 2, err
    assert len(err) == 2 and err[0].startswith("error: ") and err[1].startswith("hint: "), err
    assert "Traceback" not in "\n".join(err)
    return err[0]


class TestRefused:
    def test_broken_geojson(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        bad = tmp_path / "g.geojson"
        bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"', encoding="utf-8")
        assert "cannot be read" in _refused(capsys, "validate", "--grids", str(bad))

    def test_garbage_geopackage_says_no_gdal_advice(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        bad = tmp_path / "g.gpkg"
        bad.write_bytes(b"not a geopackage")
        line = _refused(capsys, "validate", "--grids", str(bad))
        assert "not recognized" in line and "<DRIVER>" not in line

    def test_missing_crs(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = tmp_path / "p.csv"
        _points().assign(lon=lambda d: d.geometry.x, lat=lambda d: d.geometry.y).drop(columns="geometry").to_csv(p, index=False)
        assert "does not say which coordinate system" in _refused(capsys, "validate", "--incidents", str(p))

    def test_swapped_lat_lon(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = tmp_path / "p.csv"
        pts = _points()
        pd.DataFrame({"incident_id": pts["incident_id"], "type": "flooding", "lon": pts.geometry.y,
                      "lat": pts.geometry.x}).to_csv(p, index=False)
        assert "swapped" in _refused(capsys, "validate", "--incidents", str(p), "--crs", "wgs84")
        assert _run(capsys, "validate", "--incidents", str(p), "--crs", "wgs84", "--swap-xy")[0] == 0

    @pytest.mark.parametrize("epsg,advice", [(4526, "zone 38 (metres, zone number in front): load with --crs EPSG:4526"),
                                             (4497, "6-degree Gauss-Krüger zone 19 (metres, zone number in front): "
                                                    "load with --crs EPSG:4497"),
                                             (4547, "EPSG:4534..4554")])
    def test_projected_numbers_without_crs_name_the_gauss_kruger_zone(
            self, tmp_path: Path, capsys: pytest.CaptureFixture[str], epsg: int, advice: str) -> None:
        pts = _points().to_crs(epsg)
        p = tmp_path / "p.csv"
        pd.DataFrame({"incident_id": pts["incident_id"], "type": "flooding", "x": pts.geometry.x,
                      "y": pts.geometry.y}).to_csv(p, index=False)
        code, _, err = _run(capsys, "validate", "--incidents", str(p))
        assert code == 2 and "are not longitude/latitude" in err[0] and advice in err[1]
        got = io.read_file(p, crs=f"EPSG:{epsg}")
        assert (shapely.distance(got.geometry.values, _points().geometry.values) < 1e-8).all()

    def test_geopackage_layers(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_buildings, make_grids) -> None:
        p = tmp_path / "two.gpkg"
        pyogrio.write_dataframe(make_grids(), p, layer="网格")
        pyogrio.write_dataframe(make_buildings(), p, layer="楼栋")
        assert "several layers: 网格, 楼栋" in _refused(capsys, "validate", "--grids", str(p))
        assert "no layer 'nope'" in _refused(capsys, "validate", "--grids", str(p), "--layer", "nope")
        assert _run(capsys, "validate", "--grids", str(p), "--layer", "网格")[0] == 0

    def test_xlsx_sheets(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        p = tmp_path / "t.xlsx"
        pts = _points()
        with pd.ExcelWriter(p) as w:
            pd.DataFrame({"说明": ["填表说明"]}).to_excel(w, sheet_name="说明", index=False)
            pd.DataFrame({"incident_id": pts["incident_id"], "type": "积水点", "经度": pts.geometry.x,
                          "纬度": pts.geometry.y}).to_excel(w, sheet_name="数据", index=False)
        assert "several sheets: 说明, 数据" in _refused(capsys, "validate", "--incidents", str(p), "--crs", "wgs84")
        assert "no sheet 'x'" in _refused(capsys, "validate", "--incidents", str(p), "--crs", "wgs84", "--layer", "x")
        code, out, _ = _run(capsys, "validate", "--incidents", str(p), "--crs", "wgs84", "--layer", "数据")
        assert code == 0 and "40 rows, 0 error(s)" in out

    def test_duplicate_ids_exit_2_with_reason_on_stderr(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        g = make_grids()
        g.loc[1, "grid_id"] = "G1"
        p = tmp_path / "g.geojson"
        pyogrio.write_dataframe(g, p)
        code, out, err = _run(capsys, "validate", "--grids", str(p))
        assert code == 2 and "ERROR duplicate_id" in out
        assert len(err) == 2 and err[0].startswith("error: g.geojson: 1 grid_id value(s) are used more than once")
        assert "(G1)" in err[0] and err[1].startswith("hint: ")

    def test_missing_id_column_and_bad_mapping(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        p = tmp_path / "g.geojson"
        pyogrio.write_dataframe(make_grids().drop(columns="grid_id"), p)
        assert "no grid_id column" in _refused(capsys, "validate", "--grids", str(p))
        assert "no column '编号'" in _refused(capsys, "validate", "--grids", str(p), "--id-field", "编号")
        assert "not a column of grids" in _refused(capsys, "validate", "--grids", str(p), "--field", "nom=name")

    def test_type_options_only_for_incidents(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        p = tmp_path / "g.geojson"
        pyogrio.write_dataframe(make_grids(), p)
        assert "apply to incidents" in _refused(capsys, "validate", "--grids", str(p), "--type", "flooding")

    def test_far_away_import_refused_store_untouched(self, store: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        p = tmp_path / "far.geojson"
        pyogrio.write_dataframe(_points().set_geometry(_points().geometry.translate(xoff=1.0)), p)
        version = open_store(store).version
        assert "coordinate system is probably wrong" in _refused(capsys, "import", "--quiet", "--store", str(store),
                                                                 "--incidents", str(p))
        assert open_store(store).version == version

    def test_summary_of_missing_store_and_unwritable_output(self, store: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
        assert "does not exist" in _refused(capsys, "summary", "--store", str(tmp_path / "none.gpkg"),
                                            "--out", str(tmp_path / "s.csv"))
        assert not (tmp_path / "none.gpkg").exists()
        assert "Cannot write" in _refused(capsys, "summary", "--store", str(store),
                                          "--out", str(tmp_path / "no" / "dir" / "s.csv"))
        assert "does not exist" in _refused(capsys, "validate", "--store", str(tmp_path / "none.gpkg"),
                                            "--grids", str(tmp_path / "x.geojson"))


class TestAccepted:
    def test_chinese_csv_columns_labels_and_statuses(self, store: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
        pts = _points(4)
        p = tmp_path / "台账.csv"
        pd.DataFrame({"编号": pts["incident_id"], "类型": ["雨水篦子", "雨水篦子", "飞线", "积水点"],
                      "状态": ["堵塞", "正常", "处理中", "已上报"], "严重程度": ["高", "低", "中", "紧急"],
                      "经度": pts.geometry.x, "纬度": pts.geometry.y}).to_csv(p, index=False, encoding="gb18030")
        got, report = io.load_layer(p, "incidents", crs="wgs84", fields={"incident_id": "编号", "status": "状态",
                                                                          "severity": "严重程度"}, type_field="类型")
        assert report.ok
        assert got["type"].tolist() == ["drain_grate", "drain_grate", "flying_wire", "flooding"]
        assert got["status"].tolist() == ["blocked", "ok", "dispatched", "reported"]
        assert got["severity"].tolist() == ["high", "low", "medium", "critical"]
        code, out, _ = _run(capsys, "validate", "--store", str(store), "--incidents", str(p), "--crs", "wgs84",
                            "--id-field", "编号", "--type-field", "类型", "--field", "status=状态")
        assert code == 0 and "4 rows, 0 error(s), 0 warning(s)" in out

    def test_kml(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        p = tmp_path / "g.kml"
        pyogrio.write_dataframe(make_grids(), p, driver="KML")
        code, out, _ = _run(capsys, "validate", "--grids", str(p))
        assert code == 0 and "3 rows, 0 error(s)" in out

    def test_zipped_shapefile_with_cut_field_names(self, tmp_path: Path, make_buildings) -> None:
        folder = tmp_path / "shp"
        folder.mkdir()
        with pytest.warns(RuntimeWarning, match="laundered"):
            pyogrio.write_dataframe(make_buildings().drop(index=2), folder / "楼栋.shp", encoding="UTF-8")  # polygons only
        z = tmp_path / "buildings.zip"
        with zipfile.ZipFile(z, "w") as zf:
            for f in folder.iterdir():
                zf.write(f, f"export/{f.name}")
        got, report = io.load_layer(z, "buildings")
        assert report.ok and got["building_id"].tolist() == ["B1", "B2", "B4"]
        assert got["elderly_alone"].tolist() == [3, 7, 1]
        assert "building_i" not in got.columns and "elderly_al" not in got.columns

    @pytest.mark.parametrize("zipped", [False, True])
    def test_gbk_shapefile_without_codepage(self, tmp_path: Path, zipped: bool, make_grids) -> None:
        folder = tmp_path / "shp"
        folder.mkdir()
        g = make_grids().rename(columns={"grid_id": "编号"})
        g["名称"] = ["第一网格", "第二网格", "第三网格"]
        pyogrio.write_dataframe(g, folder / "grids.shp", encoding="GBK")
        (folder / "grids.cpg").unlink()
        dbf = bytearray((folder / "grids.dbf").read_bytes())
        dbf[29] = 0  # no code page byte either: GDAL would read it as ISO-8859-1
        (folder / "grids.dbf").write_bytes(bytes(dbf))
        path = folder / "grids.shp"
        if zipped:
            path = tmp_path / "grids.zip"
            with zipfile.ZipFile(path, "w") as zf:
                for f in folder.iterdir():
                    zf.write(f, f.name)
        got = io.read_file(path)
        assert "编号" in got.columns and got["名称"].tolist() == ["第一网格", "第二网格", "第三网格"]
        assert got["community"].tolist() == ["桂苑"] * 3

    def test_cgcs2000_gauss_kruger_shapefile(self, tmp_path: Path, capsys: pytest.CaptureFixture[str], make_grids) -> None:
        p = tmp_path / "g.shp"
        pyogrio.write_dataframe(make_grids().to_crs(4547), p, encoding="UTF-8")
        got = io.read_file(p)
        assert got.crs.to_epsg() == 4326
        assert got.geometry.iloc[0].normalize().equals_exact(make_grids().geometry.iloc[0].normalize(), 1e-7)
        gk = tmp_path / "gk.geojson"
        pyogrio.write_dataframe(make_grids().to_crs(4490), gk)
        assert _run(capsys, "validate", "--grids", str(gk))[0] == 0
        assert io.read_file(gk).geometry.iloc[0].equals_exact(make_grids().geometry.iloc[0], 1e-9)

    @pytest.mark.parametrize("system", ["gcj02", "bd09"])
    def test_china_shifted_input_lands_within_a_metre(self, tmp_path: Path, system: str) -> None:
        pts = _points(200)  # over 64 points: the interpolated lattice path
        out = []
        for p in pts.geometry:
            g = gcf.wgs84_to_gcj02(gcf.Wgs84(lat=p.y, lon=p.x))
            out.append(gcf.gcj02_to_bd09(g) if system == "bd09" else g)
        path = tmp_path / "p.csv"
        pd.DataFrame({"incident_id": pts["incident_id"], "type": "flooding",
                      "lng": [q.lon for q in out], "lat": [q.lat for q in out]}).to_csv(path, index=False)
        got = io.read_file(path, crs=system)
        err = shapely.distance(got.geometry.values, pts.geometry.values) * 111_000
        assert err.max() < 1.0

    @pytest.mark.parametrize("system,declared,advice", [
        ("gcj02", "wgs84", "--crs gcj02"), ("bd09", "wgs84", "--crs bd09"), ("wgs84", "gcj02", "--crs wgs84 instead"),
    ])
    def test_china_shift_mistakes_are_named(self, tmp_path: Path, system: str, declared: str, advice: str) -> None:
        # grids large enough that a 500 m shift moves points out of them
        big = gpd.GeoDataFrame({"grid_id": ["A", "B"]}, geometry=[
            shapely.box(114.30, 30.50, 114.31, 30.51), shapely.box(114.31, 30.50, 114.32, 30.51)], crs=4326)
        rng = np.random.default_rng(2)
        x, y = rng.uniform(114.302, 114.318, 300), rng.uniform(30.502, 30.508, 300)
        if system != "wgs84":
            pts = [gcf.wgs84_to_gcj02(gcf.Wgs84(lat=b, lon=a)) for a, b in zip(x, y, strict=True)]
            pts = [gcf.gcj02_to_bd09(q) for q in pts] if system == "bd09" else pts
            x, y = np.array([q.lon for q in pts]), np.array([q.lat for q in pts])
        path = tmp_path / "p.csv"
        pd.DataFrame({"incident_id": np.arange(300).astype(str), "type": "flooding", "lon": x, "lat": y}).to_csv(path, index=False)
        _, report = io.load_layer(path, "incidents", grids=big, crs=declared)
        (issue,) = [i for i in report.issues if i.code == "china_shift"]
        assert advice in issue.message
        _, right = io.load_layer(path, "incidents", grids=big, crs=system)
        assert [i for i in right.issues if i.code != "status_column_default"] == []


def test_killed_mid_import_leaves_previous_store(tmp_path: Path, make_grids, make_incidents) -> None:
    """A real ``python -m geo import`` killed inside its transaction, just before it commits: the store is as it was."""
    path = tmp_path / "s.gpkg"
    for name, gdf in (("grids", make_grids()), ("incidents", make_incidents())):
        pyogrio.write_dataframe(gdf, tmp_path / f"{name}.geojson")
        assert cli.main(["import", "--quiet", "--store", str(path), f"--{name}", str(tmp_path / f"{name}.geojson")]) == 0
    before = path.read_bytes()
    new = tmp_path / "new.geojson"
    pyogrio.write_dataframe(_points(500), new)
    code = f"""
import runpy, sys, time
sys.path.insert(0, {str(ROOT)!r})
from geo import gpkg
real = gpkg._Tx.finish  # the import's rows are written; the commit is next
def stalled(self):
    print('committing', flush=True)
    time.sleep(60)
    real(self)
gpkg._Tx.finish = stalled
sys.argv = ['geo', 'import', '--quiet', '--store', {str(path)!r}, '--incidents', {str(new)!r}]
runpy.run_module('geo', run_name='__main__')
"""
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "committing"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    store = open_store(path)
    assert sorted(store.read("incidents")["incident_id"]) == ["I1", "I2", "I3", "I4"]
    assert store.check() == []
    assert path.read_bytes() == before
    assert cli.main(["import", "--quiet", "--store", str(path), "--incidents", str(new)]) == 0  # the lock went with it
    assert len(store.read("incidents")) == 504
