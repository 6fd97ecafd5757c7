"""The command line: the demo, import and summary commands, exit 2 on bad input, no Streamlit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from geo import cli
from geo.store import open_store
from tests import paths

ROOT = paths.ROOT


class TestCli:
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "geo", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)

    def test_demo_import_summary(self, tmp_path: Path) -> None:
        r = self.run("demo", "--out", str(tmp_path / "demo"))
        assert r.returncode == 0, r.stderr
        for name in ("grids", "buildings", "incidents", "streets"):
            assert (tmp_path / "demo" / f"{name}.geojson").exists()
        store = tmp_path / "demo" / "gridwatch.gpkg"
        assert open_store(store).meta()["fictional"] == "true"
        r = self.run("summary", "--store", str(store), "--out", str(tmp_path / "s.csv"))
        assert r.returncode == 0, r.stderr
        s = pd.read_csv(tmp_path / "s.csv", dtype={"grid_id": str}, keep_default_na=False)
        assert len(s) == 8 and s["grid_id"].iloc[-1] == ""
        assert s["incidents"].sum() == len(open_store(store).read("incidents"))

    def test_bad_input_exit_2_one_line_no_traceback(self, tmp_path: Path) -> None:
        csv = tmp_path / "p.csv"
        csv.write_text("incident_id,type,lon,lat\n1,flooding,114.36,30.52\n", encoding="utf-8")
        r = self.run("import", "--quiet", "--store", str(tmp_path / "s.gpkg"), "--incidents", str(csv))
        assert r.returncode == 2
        assert r.stderr.splitlines()[0].startswith("error: The file does not say which coordinate system")
        assert r.stderr.splitlines()[1].startswith("hint: Name it with --crs")
        assert "Traceback" not in r.stderr
        r = self.run("import", "--store", str(tmp_path / "s.gpkg"), "--incidents", str(csv), "--crs", "EPSG:4326")
        assert r.returncode == 0, r.stderr
        r = self.run("validate", "--incidents", str(tmp_path / "nope.csv"))
        assert r.returncode == 2 and "does not exist" in r.stderr

    def test_in_process_main(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        assert cli.main(["validate", "--grids", str(tmp_path / "missing.geojson")]) == 2
        assert "does not exist" in capsys.readouterr().err

    def test_module_never_imports_streamlit(self) -> None:
        r = subprocess.run([sys.executable, "-c", "import sys, geo.cli, geo.pipeline, geo.summary, geo.io; "
                            "import geo.demo; print('streamlit' in sys.modules)"],
                           cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert r.stdout.strip() == "False", r.stderr
