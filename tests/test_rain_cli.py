"""The rain-emergency commands: checklist, checklist-import, flood."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from geo.cli import main
from geo.store import open_store
from tests.rain_fixtures import write_store


@pytest.fixture()
def store(tmp_path: Path) -> str:
    path = tmp_path / "s.gpkg"
    write_store(str(path))
    return str(path)


def test_checklist_then_import(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.xlsx"
    assert main(["checklist", "--store", store, "--level", "黄", "--grid", "G1", "--out", str(out), "--quiet"]) == 0
    assert "1 grid(s)" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    ws = wb["G1"]
    ws.cell(11, 8).value = "损坏"
    wb.save(out)
    assert main(["checklist-import", "--store", store, str(out), "--inspector", "张三"]) == 0
    assert "store updated" in capsys.readouterr().out
    assert main(["checklist-import", "--store", store, str(out), "--inspector", "张三"]) == 0
    assert "store unchanged" in capsys.readouterr().out
    assert set(open_store(store).read_table("inspections")["inspector"]) == {"张三"}


@pytest.mark.parametrize("fmt", ["pdf", "csv"])
def test_checklist_formats(store: str, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"c.{fmt}"
    assert main(["checklist", "--store", store, "--level", "red", "--format", fmt, "--out", str(out), "--quiet"]) == 0
    assert out.stat().st_size > 0


def test_flood(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.csv"
    assert main(["flood", "--store", store, "--incident", "F2", "--out", str(out)]) == 0
    assert "3 buildings" in capsys.readouterr().out
    assert main(["flood", "--store", store, "--at", "114.302,30.5502", "--radius", "50", "--out", str(out)]) == 0


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["checklist", "--level", "purple", "--out", "x.pdf"], "Unknown warning level"),
        (["checklist", "--level", "red", "--grid", "G9", "--out", "x.pdf"], "No grid has id"),
        (["checklist", "--level", "red", "--out", "x.docx"], "Cannot write a checklist"),
        (["flood", "--incident", "NOPE", "--out", "x.csv"], "No incident has id"),
        (["flood", "--at", "north", "--out", "x.csv"], "is not lon,lat"),
        (["checklist-import", "missing.xlsx"], "does not exist"),
    ],
)
def test_bad_input_exits_2_with_hint(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      args: list[str], needle: str) -> None:
    args = [a if not a.startswith(("x.", "missing")) else str(tmp_path / a) for a in args]
    assert main([args[0], "--store", store, *args[1:]]) == 2
    err = capsys.readouterr().err
    assert needle in err and "hint:" in err


def test_missing_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checklist", "--store", str(tmp_path / "none.gpkg"), "--level", "red", "--out", "x.pdf"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_levels_shows_the_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels"]) == 0
    out = capsys.readouterr().out
    assert "暴雨红色预警" in out and "3小时内降雨量将达100毫米以上" in out
    cfg = tmp_path / "levels.toml"
    cfg.write_text('[levels.blue]\nbasements = "maybe"\n', encoding="utf-8")
    assert main(["levels", "--levels", str(cfg)]) == 2
    assert "true or false" in capsys.readouterr().err
