"""Loading users' files: formats, coordinate systems, field mapping, errors."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

from geo import crs as gcrs
from geo import io
from geo.errors import CRSError, InputFileError, SchemaError
from tests import paths

SHARED = paths.SHARED


def _csv(tmp_path: Path, text: str, name: str = "pts.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


class TestFormats:
    @pytest.mark.parametrize("driver,suffix", [("GeoJSON", ".geojson"), ("GPKG", ".gpkg"), ("ESRI Shapefile", ".shp"), ("KML", ".kml")])
    def test_vector_round_trip(self, tmp_path: Path, driver: str, suffix: str, make_grids) -> None:
        src = make_grids()
        path = tmp_path / f"grids{suffix}"
        pyogrio.write_dataframe(src, path, driver=driver)
        got = io.read_file(path, crs="EPSG:4326" if driver == "KML" else None)
        assert len(got) == 3 and got.crs.to_epsg() == 4326
        assert got.geometry.iloc[0].normalize().buffer(0).equals(src.geometry.iloc[0].normalize())

    def test_zipped_shapefile(self, tmp_path: Path, make_grids) -> None:
        shp = tmp_path / "shp"
        shp.mkdir()
        pyogrio.write_dataframe(make_grids(), shp / "grids.shp")
        z = tmp_path / "grids.zip"
        with zipfile.ZipFile(z, "w") as zf:
            for f in shp.iterdir():
                zf.write(f, f.name)
        assert len(io.read_file(z)) == 3

    def test_gpkg_with_several_layers_needs_layer(self, tmp_path: Path, make_buildings, make_grids) -> None:
        path = tmp_path / "two.gpkg"
        pyogrio.write_dataframe(make_grids(), path, layer="a")
        pyogrio.write_dataframe(make_buildings(), path, layer="b")
        with pytest.raises(InputFileError, match="several layers: a, b"):
            io.read_file(path)
        assert len(io.read_file(path, layer="b")) == 4
        with pytest.raises(InputFileError, match="no layer 'c'"):
            io.read_file(path, layer="c")

    def test_csv_detects_chinese_columns(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "编号,类型,经度,纬度\nX1,雨水篦子,114.3605,30.5203\n")
        got = io.read_file(p, crs="wgs84")
        assert got.geometry.iloc[0].x == pytest.approx(114.3605)
        conf = io.conform(got, "incidents", fields={"incident_id": "编号"}, type_field="类型")
        assert conf["type"].tolist() == ["drain_grate"] and conf["status"].tolist() == ["ok"]

    def test_xlsx_with_named_columns(self, tmp_path: Path) -> None:
        p = tmp_path / "b.xlsx"
        pd.DataFrame({"id": ["B9"], "E": [114.36], "N": [30.52]}).to_excel(p, index=False)
        got = io.read_file(p, crs="EPSG:4326", x_field="E", y_field="N")
        assert got.geometry.iloc[0].y == pytest.approx(30.52)

    def test_gb18030_csv(self, tmp_path: Path) -> None:
        p = tmp_path / "gbk.csv"
        p.write_bytes("incident_id,type,lon,lat\n1,积水点,114.36,30.52\n".encode("gb18030"))
        got = io.conform(io.read_file(p, crs="EPSG:4326"), "incidents")
        assert got["type"].tolist() == ["flooding"] and got["incident_id"].tolist() == ["1"]

    def test_broken_and_unknown_files(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.geojson"
        bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
        with pytest.raises(InputFileError, match="cannot be read"):
            io.read_file(bad)
        with pytest.raises(InputFileError, match="not supported"):
            io.read_file(_csv(tmp_path, "x", "a.txt"))
        with pytest.raises(InputFileError, match="does not exist"):
            io.read_file(tmp_path / "missing.geojson")
        notzip = tmp_path / "x.zip"
        notzip.write_bytes(b"nope")
        with pytest.raises(InputFileError, match="not a valid zip"):
            io.read_file(notzip)

    def test_real_wuhan_buildings(self) -> None:
        got = io.read_file(SHARED / "china" / "wuhan_optics_valley_buildings.geojson")
        assert len(got) == 355
        with pytest.raises(SchemaError, match="no building_id"):
            io.conform(got, "buildings")
        conf = io.conform(got, "buildings", fields={"building_id": "id"})
        assert "kind_detail" in conf.columns  # extra columns kept


class TestCoordinates:
    def test_csv_without_crs_says_so(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "lon,lat\n114.36,30.52\n")
        with pytest.raises(CRSError, match="does not say which coordinate system"):
            io.read_file(p)

    def test_swapped_axes_detected_and_fixed(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "lon,lat\n30.52,114.36\n")
        with pytest.raises(CRSError, match="swapped"):
            io.read_file(p, crs="EPSG:4326")
        got = io.read_file(p, crs="EPSG:4326", swap_xy=True)
        assert got.geometry.iloc[0].x == pytest.approx(114.36)

    def test_projected_numbers_declared_as_degrees(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "x,y\n38500000,3377000\n")
        with pytest.raises(CRSError, match="not longitude/latitude"):
            io.read_file(p, crs="EPSG:4326")

    def test_cgcs2000_gauss_kruger(self, tmp_path: Path) -> None:
        # EPSG:4547 is CGCS2000 / 3-degree Gauss-Kruger CM 114E
        import pyproj

        x, y = pyproj.Transformer.from_crs(4326, 4547, always_xy=True).transform(114.36, 30.52)
        p = _csv(tmp_path, f"x,y\n{x},{y}\n")
        got = io.read_file(p, crs="EPSG:4547")
        assert got.geometry.iloc[0].x == pytest.approx(114.36, abs=1e-7)
        assert got.geometry.iloc[0].y == pytest.approx(30.52, abs=1e-7)

    def test_gcj02_input_lands_on_wgs84(self, tmp_path: Path) -> None:
        import geocoordinates_ffi as gcf

        g = gcf.wgs84_to_gcj02(gcf.Wgs84(lat=30.52, lon=114.36))
        p = _csv(tmp_path, f"lon,lat\n{g.lon},{g.lat}\n")
        got = io.read_file(p, crs="gcj02")
        assert got.geometry.iloc[0].x == pytest.approx(114.36, abs=1e-6)

    def test_unknown_crs(self, tmp_path: Path) -> None:
        with pytest.raises(CRSError, match="not known"):
            io.read_file(_csv(tmp_path, "lon,lat\n114.36,30.52\n"), crs="EPSG:999999")

    def test_missing_coordinates_listed(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, "lon,lat\n114.36,30.52\n,30.5\nabc,30.5\n")
        with pytest.raises(SchemaError, match="2 row\\(s\\) have no numeric coordinates \\(lines 3, 4\\)"):
            io.read_file(p, crs="EPSG:4326")

    def test_wkt_column(self, tmp_path: Path) -> None:
        p = _csv(tmp_path, 'grid_id,wkt\nG1,"POLYGON ((114.36 30.52, 114.37 30.52, 114.37 30.53, 114.36 30.52))"\n')
        assert io.read_file(p, crs="EPSG:4326").geometry.iloc[0].geom_type == "Polygon"


class TestConform:
    def test_types_and_bad_values(self, make_buildings) -> None:
        b = make_buildings()
        b["units"] = ["2", "x", "1", "2.5"]
        with pytest.raises(SchemaError, match="units must be a finite number, not 'x' \\(feature 2\\).*units must be a whole number, not '2.5' \\(feature 4\\)"):
            io.conform(b, "buildings")

    def test_booleans_in_chinese(self, make_buildings) -> None:
        b = make_buildings()
        b["basement"] = ["是", "否", "有", None]
        got = io.conform(b, "buildings")
        assert got["basement"].tolist()[:3] == [True, False, True] and got["basement"].isna().iloc[3]

    def test_unknown_type_and_status(self, make_incidents) -> None:
        inc = make_incidents()
        inc.loc[0, "type"] = "pothole"
        with pytest.raises(SchemaError, match="Unknown incident type.*pothole"):
            io.conform(inc, "incidents")
        inc = make_incidents()
        inc.loc[0, "status"] = "reported"  # a grate's status is its condition
        with pytest.raises(SchemaError, match="status their type does not allow"):
            io.conform(inc, "incidents")

    def test_type_for_whole_file_and_naive_times(self, make_incidents) -> None:
        inc = make_incidents().drop(columns=["type", "status"])
        inc["reported_at"] = ["2025-07-21 18:30", None, "2025-07-21T10:00:00Z", "2025/7/22"]
        got = io.conform(inc, "incidents", type_value="flooding")
        assert got["reported_at"].iloc[0] == "2025-07-21T18:30:00+08:00"
        assert got["reported_at"].iloc[1] is None
        assert got["status"].unique().tolist() == ["reported"]

    def test_mapping_to_missing_column(self, make_grids) -> None:
        with pytest.raises(SchemaError, match="no column '编号'"):
            io.conform(make_grids(), "grids", fields={"grid_id": "编号"})


def test_china_shift_matches_library_point_by_point() -> None:
    import geocoordinates_ffi as gcf
    import numpy as np

    rng = np.random.default_rng(3)
    lon = 114.2 + rng.uniform(0, 0.4, 500)
    lat = 30.4 + rng.uniform(0, 0.3, 500)
    gdf = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=4326)
    shifted = gcrs.china_shift(gdf, "gcj02")
    back = gcrs.china_shift(shifted, "gcj02", inverse=True)
    errs = []
    for p, x, y in zip(shifted.geometry, lon, lat, strict=True):
        q = gcf.wgs84_to_gcj02(gcf.Wgs84(lat=y, lon=x))
        errs.append(max(abs(p.x - q.lon), abs(p.y - q.lat)) * 111_000)
    assert max(errs) < 0.05  # metres
    rt = [shapely.distance(a, b) * 111_000 for a, b in zip(back.geometry, gdf.geometry, strict=True)]
    assert max(rt) < 1.0  # GCJ-02 round trip under 1 m
    bd = gcrs.china_shift(gcrs.china_shift(gdf, "bd09"), "bd09", inverse=True)
    assert max(shapely.distance(a, b) * 111_000 for a, b in zip(bd.geometry, gdf.geometry, strict=True)) < 1.0
