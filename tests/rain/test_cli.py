"""The rain-emergency commands: checklist, checklist-import, flood."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest

from geo.cli import main
from geo.store import open_store


@pytest.fixture()
def store(tmp_path: Path, write_store: Any) -> str:
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


def test_flood_polygon(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], lonlat: Any) -> None:
    corners = "; ".join(f"{x},{y}" for x, y in (lonlat(0, 0), lonlat(200, 0), lonlat(200, 200), lonlat(0, 200)))
    out = tmp_path / "f.pdf"
    assert main(["flood", "--store", store, "--polygon", corners, "--out", str(out)]) == 0
    assert "积水区域: 6 buildings" in capsys.readouterr().out and out.stat().st_size > 0
    assert main(["flood", "--store", store, "--polygon", "114.3,30.5", "--out", str(out)]) == 2
    assert "at least three" in capsys.readouterr().err


def test_vulnerable_import_then_checklist(store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reg = tmp_path / "reg.csv"
    reg.write_text("楼栋编号,单元,姓名,类别\nB01,2,张建国,独居老人\nB77,1,李四,独居老人\n", encoding="utf-8")
    assert main(["vulnerable-import", "--store", store, str(reg)]) == 0
    out = capsys.readouterr().out
    assert "登记 1 人" in out and "B77" in out and "store updated" in out
    assert main(["vulnerable-import", "--store", store, str(reg)]) == 0
    assert "store unchanged" in capsys.readouterr().out
    csv = tmp_path / "c.csv"
    for role, shown in (("grid_worker", "张建国"), ("staff", "张建国"), ("viewer", "张**"), ("party", "张**")):
        assert main(["checklist", "--store", store, "--level", "red", "--grid", "G1", "--for", role,
                     "--out", str(csv), "--quiet"]) == 0
        text = csv.read_text(encoding="utf-8-sig")
        assert f"独居老人1人：{shown}" in text and "B01/2" in text
        assert shown != "张**" or "张建国" not in text
        assert "制作对象：" in text
    assert main(["checklist", "--store", store, "--level", "red", "--for", "mayor", "--out", str(csv)]) == 2
    assert "mayor" in capsys.readouterr().err


def test_levels_file_from_the_environment(store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "levels.json"
    cfg.write_text('{"levels": {"blue": {"grates": "all"}}}', encoding="utf-8")
    monkeypatch.setenv("GRIDWATCH_LEVELS", str(cfg))
    out = tmp_path / "c.csv"
    assert main(["checklist", "--store", store, "--level", "blue", "--out", str(out), "--quiet"]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert text.count(",grate,") == 48  # every grate of both grids, not only the troubled ones


def test_as_and_for_make_copies_no_more_open_than_the_acting_user(store: str, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from geo import accounts

    accounts.add_user(open_store(store), "wang", role="grid_worker", password=None, grids=["G1"], by="")
    accounts.add_user(open_store(store), "guest", role="viewer", password=None, by="")
    out = tmp_path / "c.csv"
    assert main(["checklist", "--store", store, "--level", "red", "--as", "wang", "--out", str(out), "--quiet"]) == 0
    text = out.read_text(encoding="utf-8-sig")
    assert "制作对象：网格员 wang（本人负责范围外的姓名和电话已遮蔽）" in text
    assert "13900000001" in text and "13900000007" not in text and "139****0007" in text  # G1's heads, not G2's
    assert main(["checklist", "--store", store, "--level", "red", "--as", "guest", "--for", "grid_worker",
                 "--out", str(out)]) == 2
    assert "guest" in capsys.readouterr().err
    flood = tmp_path / "f.csv"
    assert main(["flood", "--store", store, "--incident", "F2", "--as", "wang", "--for", "viewer",
                 "--out", str(flood)]) == 0
    text = flood.read_text(encoding="utf-8-sig")
    assert "制作对象：只读用户 —（姓名和电话已遮蔽）" in text and "13800000002" not in text and "138****0002" in text
