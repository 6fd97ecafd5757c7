"""Route files: GPX 1.1 (schema-valid), KML, GeoJSON, CSV, PDF, zip; and the ``route`` command."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from lxml import etree

from geo.errors import GridWatchError, OptionError
from geo.routing import export
from geo.routing.network import build_network
from geo.routing.plan import RoutePlan, plan_routes
from tests import paths

GPX_XSD = paths.DATA / "gpx11.xsd"
GPX = "{http://www.topografix.com/GPX/1/1}"
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture(scope="module")
def plan(grid_streets: Callable[..., gpd.GeoDataFrame], lonlat: Callable[[float, float], tuple[float, float]], make_points: Callable[..., gpd.GeoDataFrame]) -> RoutePlan:
    rng = np.random.default_rng(0)
    xy = [(float(rng.uniform(0, 300)), float(100 * rng.integers(0, 4))) for _ in range(14)]
    xy.append((310.0, 150.0))
    pts = make_points(xy, types=["drain_grate"] * 12 + ["flooding", "flying_wire", "drain_grate"], grids=["G1"] * 8 + ["G2"] * 7)
    pts.loc[0, "incident_id"] = "雨水-01"  # a Chinese id survives every format
    return plan_routes(pts, network=build_network(grid_streets()), start=lonlat(0, 0), patrollers=2, time_limit=0.5)


@pytest.fixture(scope="module")
def gpx_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(GPX_XSD)))


class TestGpx:
    @pytest.mark.parametrize("p", [1, 2])
    def test_valid_against_gpx_11_schema(self, plan: RoutePlan, gpx_schema: etree.XMLSchema, p: int) -> None:
        doc = etree.fromstring(export.to_gpx(plan, p))
        gpx_schema.assertValid(doc)

    def test_waypoints_in_order_and_track(self, plan: RoutePlan) -> None:
        doc = etree.fromstring(export.to_gpx(plan, 1))
        names = [w.findtext(f"{GPX}name") for w in doc.findall(f"{GPX}wpt")]
        stops = plan.route_stops(1)
        expected = [f"{r.seq} {r.id} {r.type}" for r in stops.itertuples()]
        assert names == ["0 start", *expected]
        track = doc.findall(f"{GPX}trk/{GPX}trkseg/{GPX}trkpt")
        assert len(track) == len(plan.routes.geometry.iloc[0].coords)
        assert float(track[0].get("lon")) == pytest.approx(plan.start[0], abs=1e-6)

    def test_bad_patroller(self, plan: RoutePlan) -> None:
        with pytest.raises(OptionError, match="from 1 to 2"):
            export.to_gpx(plan, 3)

    def test_schema_catches_a_broken_file(self, gpx_schema: etree.XMLSchema) -> None:
        broken = b'<gpx xmlns="http://www.topografix.com/GPX/1/1" version="1.1" creator="x"><wpt lat="95" lon="0"/></gpx>'
        assert not gpx_schema.validate(etree.fromstring(broken))


class TestKml:
    def test_placemarks_and_chinese(self, plan: RoutePlan) -> None:
        data = export.to_kml(plan)
        doc = etree.fromstring(data)
        folders = doc.findall(f"{KML}Document/{KML}Folder")
        assert len(folders) == 2
        marks = [m.findtext(f"{KML}name") for f in folders for m in f.findall(f"{KML}Placemark")]
        assert len([m for m in marks if not m.startswith("巡查路线")]) == len(plan.stops)
        assert "雨水篦子".encode() in data and "雨水-01".encode() in data
        assert any(m.startswith("1 ") for m in marks)
        lines = doc.findall(f".//{KML}LineString/{KML}coordinates")
        assert len(lines) == 2

    def test_one_patroller(self, plan: RoutePlan) -> None:
        doc = etree.fromstring(export.to_kml(plan, 2))
        assert len(doc.findall(f"{KML}Document/{KML}Folder")) == 1


class TestGeojsonCsv:
    def test_geojson(self, plan: RoutePlan) -> None:
        data = json.loads(export.to_geojson(plan))
        kinds = [f["properties"]["kind"] for f in data["features"]]
        assert kinds.count("route") == 2 and kinds.count("stop") == len(plan.stops)
        stop = next(f for f in data["features"] if f["properties"]["kind"] == "stop")
        assert set(export.CSV_COLUMNS) <= set(stop["properties"])
        assert data["gridwatch"]["total_m"] == pytest.approx(plan.total_m, abs=0.1)
        assert data["gridwatch"]["distances"] == "streets"

    def test_csv(self, plan: RoutePlan) -> None:
        raw = export.to_csv(plan, 1)
        assert raw.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0] == list(export.CSV_COLUMNS)
        stops = plan.route_stops(1)
        body = rows[1 : 1 + len(stops)]
        assert [r[1] for r in body] == stops["id"].tolist()
        assert rows[-2][1] == "return" and rows[-1][1] == "TOTAL"
        assert rows[-1][2] == "streets"  # how distances were measured
        assert float(rows[-1][-1]) == pytest.approx(plan.routes["length_m"].iloc[0], abs=0.1)

    def test_csv_says_straight_lines_and_returns_to_the_first_stop(self, make_points: Callable[..., gpd.GeoDataFrame]) -> None:
        pts = make_points([(0, 0), (300, 0), (300, 400)])
        plan = plan_routes(pts, network=None, start=None, closed=True)
        rows = list(csv.reader(io.StringIO(export.to_csv(plan).decode("utf-8-sig"))))
        back, total = rows[-2], rows[-1]
        assert back[1] == "return" and back[4:6] == rows[1][4:6]  # back where the route began
        assert total[1] == "TOTAL" and total[2] == "straight_line"
        assert float(total[-1]) == pytest.approx(1200.0, abs=0.5)

    def test_csv_all_patrollers(self, plan: RoutePlan) -> None:
        rows = list(csv.reader(io.StringIO(export.to_csv(plan).decode("utf-8-sig"))))
        assert rows[0][0] == "patroller"
        assert float(rows[-1][-1]) == pytest.approx(plan.total_m, abs=0.2)


class TestPdfZip:
    def test_pdf(self, plan: RoutePlan, tmp_path: Path) -> None:
        try:
            pdf = export.to_pdf(plan)
        except GridWatchError as exc:  # no CJK font installed
            if os.environ.get("CI") == "true":
                raise  # CI installs the fonts (scripts/install-system-deps.sh): never a skip there
            pytest.skip(str(exc))
        assert pdf.startswith(b"%PDF")
        if shutil.which("pdftotext") or os.environ.get("CI") == "true":
            path = tmp_path / "route.pdf"
            path.write_bytes(pdf)
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
            assert "巡查路线" in text and "雨水篦子" in text and "雨水-01" in text

    def test_zip(self, plan: RoutePlan) -> None:
        with zipfile.ZipFile(io.BytesIO(export.to_zip(plan, "gpx"))) as archive:
            assert archive.namelist() == ["route_1.gpx", "route_2.gpx"]
        with pytest.raises(OptionError, match="Choose one of"):
            export.to_zip(plan, "docx")


class TestCli:
    def test_points_form_writes_tour_csv(self, tmp_path: Path) -> None:
        from geo.cli import main

        rng = np.random.default_rng(1)
        src = tmp_path / "pts.csv"
        xy = rng.random((12, 2)) * 1000
        src.write_text("name,x,y\n" + "".join(f"n{i},{x:.1f},{y:.1f}\n" for i, (x, y) in enumerate(xy)), encoding="utf-8")
        out = tmp_path / "tour.csv"
        assert main(["route", "--points", str(src), "--crs", "EPSG:32650", "--closed", "--out", str(out), "--quiet"]) == 0
        rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
        assert [r["seq"] for r in rows] == [str(i) for i in range(1, 13)]
        assert sorted(r["name"] for r in rows) == sorted(f"n{i}" for i in range(12))

    def test_points_form_needs_crs(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        from geo.cli import main

        src = tmp_path / "pts.csv"
        src.write_text("x,y\n0,0\n1,1\n", encoding="utf-8")
        assert main(["route", "--points", str(src), "--out", str(tmp_path / "t.csv")]) == 2
        err = capsys.readouterr().err
        assert "--crs" in err and "hint:" in err

    def test_store_form(self, grid_streets: Callable[..., gpd.GeoDataFrame], make_points: Callable[..., gpd.GeoDataFrame], tmp_path: Path) -> None:
        from geo.cli import main
        from geo.store import open_store

        store = open_store(tmp_path / "s.gpkg")
        pts = make_points([(0, 50), (300, 250), (150, 100), (100, 300)], grids=["G1", "G1", "G2", "G1"])
        store.write(layers={"incidents": pts, "streets": grid_streets()}, note="test")
        out = tmp_path / "r.gpx"
        code = main(["route", "--store", str(tmp_path / "s.gpkg"), "--grid", "G1", "--types", "drain_grate",
                     "--start", "114.4,30.5", "--patrollers", "2", "--out", str(out), "--quiet"])  # fmt: skip
        assert code == 0
        assert (tmp_path / "r_1.gpx").exists() and (tmp_path / "r_2.gpx").exists()
        assert (
            main(["route", "--store", str(tmp_path / "s.gpkg"), "--types", "drain_grate", "--out", str(tmp_path / "r.docx")]) == 2
        )
