"""Flood response: buildings, grates, wires and contacts near a flooding point."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import shapely

from geo.access import User
from geo.errors import OptionError, UnknownIdError
from geo.rain.flood import export_response, flood_response, parse_polygon


@pytest.fixture(scope="module")
def layers(make_layers: Any) -> dict:
    return make_layers()


class TestFloodResponse:
    def test_incident_with_default_radius(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2")  # x=310, y=20 in G2
        # buildings within 100 m of (310, 20): B09 (340-380, 30-44) and B08 (280-320, 30-44), B07 (220-260)
        assert set(r.buildings["building_id"]) == {"B07", "B08", "B09"}
        assert r.buildings["distance_m"].is_monotonic_increasing
        assert r.buildings.iloc[0]["building_id"] == "B08"
        assert r.summary["households"] == 72 and r.summary["residents"] == 180
        assert r.summary["basements"] == 1  # B09

    def test_wire_inside_is_critical_and_resolved_is_not(self, layers: dict, lonlat: Any) -> None:
        r = flood_response(layers, incident_id="F2")
        assert list(r.wires["incident_id"]) == ["W2"] and bool(r.wires.iloc[0]["critical"])
        far = flood_response(layers, at=lonlat(350, 150), radius=20)
        assert list(far.wires["incident_id"]) == ["W3"] and not bool(far.wires.iloc[0]["critical"])

    def test_grates_nearest_first_with_minimum(self, layers: dict, lonlat: Any) -> None:
        r = flood_response(layers, at=lonlat(310, 60), radius=5, nearest=3)
        assert len(r.grates) == 3 and not r.grates["inside"].any()
        assert r.grates["distance_m"].is_monotonic_increasing

    def test_contacts_grid_worker_first(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2")
        assert r.contacts.iloc[0]["role"] == "网格员" and r.contacts.iloc[0]["name"] == "李强"
        assert set(r.contacts.loc[r.contacts["role"] == "楼栋长", "name"]) == {"楼长7", "楼长8", "楼长9"}

    def test_viewer_sees_names_and_phones_masked(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2", user=User(name="v", role="viewer"))
        assert r.made_for.startswith("制作对象：只读用户 v")
        assert r.buildings["head_phone"].str.contains(r"^\d{3}\*{4}\d{4}$").all()
        assert r.buildings["head"].str.endswith("*").all()
        assert "13800000002" not in r.contacts.to_string()

    def test_polygon(self, layers: dict, to_wgs: Any) -> None:
        poly = to_wgs([shapely.box(0, 0, 200, 200)]).iloc[0]
        r = flood_response(layers, polygon=poly)
        assert r.summary["buildings"] == 6 and set(r.buildings["grid_id"]) == {"G1"}

    @pytest.mark.parametrize(
        ("kwargs", "error", "needle"),
        [
            ({}, OptionError, "exactly one"),
            ({"incident_id": "F1", "at": (114.3, 30.5)}, OptionError, "exactly one"),
            ({"incident_id": "NOPE"}, UnknownIdError, "NOPE"),
            ({"at": (300.0, 30.0)}, OptionError, "lon,lat"),
            ({"incident_id": "F1", "radius": 0}, OptionError, "Radius"),
        ],
    )
    def test_bad_input(self, layers: dict, kwargs: dict, error: type, needle: str) -> None:
        with pytest.raises(error, match=needle):
            flood_response(layers, **kwargs)


class TestExport:
    @pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".pdf"])
    def test_formats(self, layers: dict, tmp_path: Path, suffix: str) -> None:
        r = flood_response(layers, incident_id="F2")
        out = export_response(r, tmp_path / f"flood{suffix}")
        assert out.stat().st_size > 0
        if suffix == ".csv":
            df = pd.read_csv(out, encoding="utf-8-sig")
            assert set(df["section"]) == {"buildings", "grates", "wires", "contacts"}
        elif suffix == ".xlsx":
            assert "受影响楼栋" in openpyxl.load_workbook(out).sheetnames
        elif shutil.which("pdftotext"):
            text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                                  check=True).stdout
            assert "受影响楼栋" in text and "B08" in text

    def test_bad_suffix(self, layers: dict, tmp_path: Path) -> None:
        with pytest.raises(OptionError, match=".docx"):
            export_response(flood_response(layers, incident_id="F2"), tmp_path / "x.docx")


def test_reads_from_a_store(tmp_path: Path, write_store: Any) -> None:
    from geo.rain.flood import read_layers
    from geo.store import open_store

    write_store(str(tmp_path / "s.gpkg"))
    r = flood_response(read_layers(open_store(tmp_path / "s.gpkg")), incident_id="F2")
    assert r.summary["buildings"] == 3


class TestParsePolygon:
    def test_vertices_text(self, lonlat: Any) -> None:
        corners = [lonlat(0, 0), lonlat(200, 0), lonlat(200, 200), lonlat(0, 200)]
        area = parse_polygon("; ".join(f"{x},{y}" for x, y in corners))
        assert area.geom_type == "Polygon" and area.contains(shapely.Point(lonlat(100, 100)))

    def test_geojson_text_and_file(self, tmp_path: Path, make_layers: Any, to_wgs: Any) -> None:
        poly = to_wgs([shapely.box(0, 0, 200, 200)])
        text = poly.to_json()
        assert parse_polygon(text).equals_exact(poly.iloc[0], 1e-9)
        path = tmp_path / "area.geojson"
        path.write_text(text, encoding="utf-8")
        r = flood_response(make_layers(), polygon=parse_polygon(path))
        assert r.summary["buildings"] == 6

    def test_file_in_another_crs_is_reprojected(self, tmp_path: Path, lonlat: Any, to_wgs: Any) -> None:
        path = tmp_path / "area.gpkg"
        to_wgs([shapely.box(0, 0, 200, 200)]).to_crs("EPSG:32650").to_frame("geometry").to_file(path)
        area = parse_polygon(path)
        assert area.contains(shapely.Point(lonlat(100, 100)))

    @pytest.mark.parametrize(
        ("text", "needle"),
        [
            ("", "empty"),
            ("114.30,30.55; 114.31,30.55", "at least three"),
            ("114.30,30.55; 114.31; 114.31,30.56", "Vertex 2"),
            ("114.30,30.55; a,b; 114.31,30.56", "Cannot read"),
            ("400,30; 401,30; 401,31", "not longitude/latitude"),
            ('{"type": "Point", "coordinates": [114.3, 30.5]}', "no polygon"),
            ("{not json", "not valid GeoJSON"),
            ("missing.geojson", "does not exist"),
        ],
    )
    def test_bad_areas_are_explained(self, text: str, needle: str) -> None:
        with pytest.raises(OptionError, match=needle):
            parse_polygon(text)


def test_flood_csv_keeps_whole_numbers(layers: dict, tmp_path: Path) -> None:
    out = export_response(flood_response(layers, incident_id="F2"), tmp_path / "f.csv")
    rows = [line for line in out.read_text(encoding="utf-8-sig").splitlines() if line.startswith("buildings,B08,")]
    assert rows and ",24,60," in rows[0], rows  # households, residents as written, not 24.0
