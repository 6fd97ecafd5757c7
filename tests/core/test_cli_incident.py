"""``python -m geo incident add|list|update``: one incident at a time, on both store backends."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from geo import cli
from geo.access import default_actor
from geo.incidents import LIST_COLUMNS
from geo.store import Store
from tests import paths


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: status, stdout, stderr."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def inside(store: Store, index: int = 0) -> tuple[str, float, float]:
    """A grid's id and a point inside it."""
    grid = store.read("grids").iloc[index]
    p = grid.geometry.representative_point()
    return str(grid["grid_id"]), p.x, p.y


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


class TestAdd:
    def test_prints_the_new_id_joined_like_the_report_form(self, capsys: pytest.CaptureFixture[str],
                                                           demo_any_store: Store) -> None:
        grid, lon, lat = inside(demo_any_store)
        status, out, err = run(capsys, "incident", "add", "--store", demo_any_store.address, "--type", "flooding",
                               "--lon", str(lon), "--lat", str(lat), "--severity", "high", "--depth-cm", "35",
                               "--description", "地下车库进水", "--by", "王丽")
        assert status == 0, err
        (new_id,) = out.splitlines()
        assert new_id.startswith("R") and new_id in err
        row = demo_any_store.read("incidents").set_index("incident_id").loc[new_id]
        assert row["grid_id"] == grid and row["type"] == "flooding" and row["severity"] == "high"
        assert row["status"] == "reported" and row["depth_cm"] == 35 and row["description"] == "地下车库进水"
        assert row["row_version"] == 1 and row["updated_by"] == "王丽"
        history = json.loads(demo_any_store.meta()["history"])
        assert history[-1]["by"] == "王丽" and new_id in history[-1]["what"]

    def test_given_id_status_and_default_author(self, capsys: pytest.CaptureFixture[str],
                                                demo_any_store: Store) -> None:
        _, lon, lat = inside(demo_any_store, 1)
        status, out, err = run(capsys, "incident", "add", "--store", demo_any_store.address, "--type", "drain_grate",
                               "--lon", str(lon), "--lat", str(lat), "--status", "blocked", "--id", "G-77", "--quiet")
        assert status == 0 and out == "G-77\n" and err == ""
        row = demo_any_store.read("incidents").set_index("incident_id").loc["G-77"]
        assert row["status"] == "blocked" and row["updated_by"] == default_actor()

    def test_refusals_exit_2_in_the_readers_language(self, capsys: pytest.CaptureFixture[str],
                                                     demo_any_store: Store) -> None:
        before = len(demo_any_store.read("incidents"))
        base = ("incident", "add", "--store", demo_any_store.address)
        status, out, err = run(capsys, *base, "--type", "nope", "--lon", "114.36", "--lat", "30.52", "--lang", "zh")
        assert status == 2 and out == "" and err.startswith("error: 未知的事件类型 nope。")
        status, _, err = run(capsys, *base, "--type", "flooding", "--lon", "514", "--lat", "30.52")
        assert status == 2 and err.startswith("error: Position 514.0,30.52 is not a longitude/latitude.")
        status, _, err = run(capsys, *base, "--type", "flooding", "--lon", "114.36", "--lat", "30.52",
                             "--status", "blocked")
        assert status == 2 and "“blocked” is not allowed for flooding" in err
        assert len(demo_any_store.read("incidents")) == before

    def test_no_store_is_made_for_a_mistyped_path(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        status, _, err = run(capsys, "incident", "add", "--store", str(tmp_path / "typo.gpkg"), "--type", "flooding",
                             "--lon", "114.36", "--lat", "30.52")
        assert status == 2 and "does not exist or is not a GridWatch store" in err
        assert not (tmp_path / "typo.gpkg").exists()

    def test_the_id_is_the_one_line_a_script_reads(self, demo_store_copy: str) -> None:
        for extra in ((), ("--quiet",)):
            r = subprocess.run([sys.executable, "-m", "geo", "incident", "add", "--store", demo_store_copy,
                                "--type", "flying_wire", "--lon", "114.3605", "--lat", "30.5205", *extra],
                               cwd=paths.ROOT, capture_output=True, text=True, timeout=300)
            assert r.returncode == 0, r.stderr
            assert len(r.stdout.splitlines()) == 1 and r.stdout.startswith("R")
            assert (r.stderr == "") == bool(extra)


class TestList:
    def test_columns_filters_and_safe_cells(self, capsys: pytest.CaptureFixture[str], demo_any_store: Store,
                                            tmp_path: Path) -> None:
        grid, lon, lat = inside(demo_any_store, 2)
        run(capsys, "incident", "add", "--store", demo_any_store.address, "--type", "flooding", "--lon", str(lon),
            "--lat", str(lat), "--description", "=HYPERLINK(\"http://x\",\"点我\")", "--id", "F-1")
        status, out, _ = run(capsys, "incident", "list", "--store", demo_any_store.address)
        assert status == 0
        header = out.splitlines()[0].split(",")
        assert header == list(LIST_COLUMNS)
        listed = rows(out)
        assert len(listed) == len(demo_any_store.read("incidents"))
        mine = next(r for r in listed if r["incident_id"] == "F-1")
        assert mine["description"].startswith("'=HYPERLINK") and mine["grid_id"] == grid and mine["row_version"] == "1"
        status, out, _ = run(capsys, "incident", "list", "--store", demo_any_store.address, "--grid", grid,
                             "--type", "flooding,drain_grate", "--status", "reported", "--status", "blocked")
        kept = rows(out)
        assert kept and {r["grid_id"] for r in kept} == {grid}
        assert {r["type"] for r in kept} <= {"flooding", "drain_grate"} and {r["status"] for r in kept} <= {"reported",
                                                                                                          "blocked"}
        assert "F-1" in {r["incident_id"] for r in kept}

    def test_out_file_has_a_bom_for_excel(self, capsys: pytest.CaptureFixture[str], demo_any_store: Store,
                                          tmp_path: Path) -> None:
        target = tmp_path / "事件.csv"
        status, out, _ = run(capsys, "incident", "list", "--store", demo_any_store.address, "--type", "drain_grate",
                             "--out", str(target), "--lang", "zh")
        assert status == 0
        data = target.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")
        listed = rows(data.decode("utf-8"))
        assert out == f"{target}：{len(listed)} 条事件\n"
        assert listed and {r["type"] for r in listed} == {"drain_grate"}

    def test_unwritable_out_exit_2(self, capsys: pytest.CaptureFixture[str], demo_store_copy: str,
                                   tmp_path: Path) -> None:
        status, _, err = run(capsys, "incident", "list", "--store", demo_store_copy, "--out",
                             str(tmp_path / "no" / "such" / "dir.csv"))
        assert status == 2 and err.startswith(f"error: Cannot write {tmp_path / 'no' / 'such' / 'dir.csv'}")


class TestUpdate:
    def test_new_version_then_a_stale_one_is_refused(self, capsys: pytest.CaptureFixture[str],
                                                     demo_any_store: Store) -> None:
        _, lon, lat = inside(demo_any_store)
        _, out, _ = run(capsys, "incident", "add", "--store", demo_any_store.address, "--type", "flooding",
                        "--lon", str(lon), "--lat", str(lat), "--by", "王丽")
        new_id = out.strip()
        status, out, err = run(capsys, "incident", "update", "--store", demo_any_store.address, new_id,
                               "--status", "accepted", "--version", "1", "--by", "李强")
        assert status == 0 and out == "2\n", err
        row = demo_any_store.read("incidents").set_index("incident_id").loc[new_id]
        assert row["status"] == "accepted" and row["row_version"] == 2 and row["updated_by"] == "李强"
        last = json.loads(demo_any_store.meta()["history"])[-1]
        assert last["by"] == "李强" and last["what"] == f"update incident {new_id}"
        status, out, err = run(capsys, "incident", "update", "--store", demo_any_store.address, new_id,
                               "--status", "cancelled", "--severity", "high", "--version", "1", "--by", "王丽")
        assert status == 2 and out == ""
        first = err.splitlines()[0]
        assert first.startswith(f"error: {new_id} in incidents was changed by 李强 at {row['updated_at']} (now version 2")
        assert "status=accepted" in first and "severity=medium" in first
        assert err.splitlines()[1].startswith("hint: Reload it")
        assert demo_any_store.read("incidents").set_index("incident_id").loc[new_id, "status"] == "accepted"
        status, out, _ = run(capsys, "incident", "update", "--store", demo_any_store.address, new_id,
                             "--severity", "high", "--description", "已派人", "--quiet")
        assert status == 0 and out == "3\n"
        row = demo_any_store.read("incidents").set_index("incident_id").loc[new_id]
        assert row["severity"] == "high" and row["description"] == "已派人" and row["updated_by"] == default_actor()

    def test_refusals(self, capsys: pytest.CaptureFixture[str], demo_store_copy: str) -> None:
        status, _, err = run(capsys, "incident", "update", "--store", demo_store_copy, "nope", "--status", "closed")
        assert status == 2 and err.startswith("error: incidents has no row with id “nope”.")
        status, _, err = run(capsys, "incident", "update", "--store", demo_store_copy, "nope")
        assert status == 2 and err.startswith("error: Nothing to change")
