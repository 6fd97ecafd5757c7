"""Flood response: buildings, grates, wires and contacts near a flooding point."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import shapely

from geo._errors import OptionError, UnknownIdError
from geo.flood import export_response, flood_response
from tests.rain_fixtures import lonlat, make_layers, to_wgs, write_store


@pytest.fixture(scope="module")
def layers() -> dict:
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

    def test_wire_inside_is_critical_and_resolved_is_not(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2")
        assert list(r.wires["incident_id"]) == ["W2"] and bool(r.wires.iloc[0]["critical"])
        far = flood_response(layers, at=lonlat(350, 150), radius=20)
        assert list(far.wires["incident_id"]) == ["W3"] and not bool(far.wires.iloc[0]["critical"])

    def test_grates_nearest_first_with_minimum(self, layers: dict) -> None:
        r = flood_response(layers, at=lonlat(310, 60), radius=5, nearest=3)
        assert len(r.grates) == 3 and not r.grates["inside"].any()
        assert r.grates["distance_m"].is_monotonic_increasing

    def test_contacts_grid_worker_first(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2")
        assert r.contacts.iloc[0]["role"] == "网格员" and r.contacts.iloc[0]["name"] == "李强"
        assert set(r.contacts.loc[r.contacts["role"] == "楼栋长", "name"]) == {"楼长7", "楼长8", "楼长9"}

    def test_public_role_masks_names_and_phones(self, layers: dict) -> None:
        r = flood_response(layers, incident_id="F2", role="public")
        assert r.buildings["head_phone"].str.contains(r"^\d{3}\*{4}\d{4}$").all()
        assert r.buildings["head"].str.endswith("*").all()
        assert "13800000002" not in r.contacts.to_string()

    def test_polygon(self, layers: dict) -> None:
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
            ({"incident_id": "F1", "role": "boss"}, OptionError, "role"),
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


def test_reads_from_a_store(tmp_path: Path) -> None:
    from geo.flood import read_layers
    from geo.store import open_store

    write_store(str(tmp_path / "s.gpkg"))
    r = flood_response(read_layers(open_store(tmp_path / "s.gpkg")), incident_id="F2")
    assert r.summary["buildings"] == 3
