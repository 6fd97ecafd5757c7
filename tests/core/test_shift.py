"""Layers shifted between GPS (WGS-84) and Chinese web maps (GCJ-02, BD-09).

Clean layers (the demo community, the real Optics Valley buildings of Wuhan
with grids drawn along its real streets) must give no warning; each way of
getting the system wrong must be named, with the layer to fix and the
``--crs`` to use, and never a flag the user did not pass.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geo import cli, pipeline, schema
from geo.crs import china_shift
from geo.shift import CODE, ShiftFinding, ShiftIssue, check_shift, detect_shift
from geo.store import Store, open_store
from geo.validate import ValidationReport
from tests import paths

CHINA = paths.SHARED / "china"
Layers = dict[str, gpd.GeoDataFrame]


@pytest.fixture(scope="module")
def demo(demo_store: Store) -> Layers:
    """The demo community as joined and stored (the session's store)."""
    return demo_store.read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS))


@pytest.fixture(scope="module")
def wuhan() -> Layers:
    """Real Wuhan footprints; grids are the blocks between its real streets.

    Incidents: the file's own label points, one point on each footprint's
    outline (flying wires on facades) and one on each street (grates).
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # tile-cut duplicate ids, reported by GDAL
        raw = gpd.read_file(CHINA / "wuhan_optics_valley_buildings.geojson")
        roads = gpd.read_file(CHINA / "wuhan_optics_valley_roads.geojson")
    blocks = shapely.get_parts(shapely.polygonize(shapely.get_parts(shapely.union_all(roads.geometry.values))))
    grids = gpd.GeoDataFrame({"grid_id": [f"W{k}" for k in range(len(blocks))]}, geometry=blocks, crs=4326)
    polys = raw[raw.geom_type == "Polygon"].reset_index(drop=True)
    rng = np.random.default_rng(3)
    facades = shapely.line_interpolate_point(shapely.boundary(polys.geometry.values), rng.uniform(0, 1, len(polys)),
                                             normalized=True)
    kerbs = shapely.line_interpolate_point(roads.geometry.values, rng.uniform(0, 1, len(roads)), normalized=True)
    points = np.concatenate([raw[raw.geom_type == "Point"].geometry.values, facades, kerbs])
    incidents = gpd.GeoDataFrame({"incident_id": np.arange(len(points)).astype(str)}, geometry=points, crs=4326)
    buildings = polys.assign(building_id=polys.index.astype(str))
    return {schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents}


@pytest.fixture(params=["demo", "wuhan"])
def layers(request: pytest.FixtureRequest) -> Layers:
    return request.getfixturevalue(request.param)


def _others(layers: Layers, kind: str, **replaced: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    out = {k: v for k, v in layers.items() if k != kind}
    out.update(replaced)
    return out


# -- detection on the layers ---------------------------------------------------------


@pytest.mark.parametrize("kind", [schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS])
def test_clean_layers_give_no_shift(layers: Layers, kind: str) -> None:
    assert detect_shift(layers[kind], kind, **_others(layers, kind)) is None
    assert detect_shift(layers[kind], kind, crs="EPSG:4326", **_others(layers, kind)) is None


def test_clean_gcj02_file_read_with_crs_gcj02_gives_no_shift(layers: Layers) -> None:
    # the file was GCJ-02 and was read right: stored as WGS-84, like the others
    inc = layers[schema.INCIDENTS]
    assert detect_shift(inc, schema.INCIDENTS, crs="gcj02", **_others(layers, schema.INCIDENTS)) is None


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_web_map_incidents_read_as_wgs84(layers: Layers, system: str) -> None:
    """(a), (b): GCJ-02 / BD-09 incidents loaded as WGS-84 onto WGS-84 grids and buildings."""
    shifted = china_shift(layers[schema.INCIDENTS], system)
    found = detect_shift(shifted, schema.INCIDENTS, **_others(layers, schema.INCIDENTS))
    assert found is not None
    assert (found.layer, found.stored, found.system, found.read_as, found.declared) == (
        schema.INCIDENTS, False, system, "wgs84", None)
    assert found.corrected > found.as_loaded + 0.3
    text = found.text("en")
    assert f"load the incidents with --crs {system}." in text
    assert "instead" not in text and "wgs84" not in text
    # buildings alone (no grids stored yet) show it too
    alone = detect_shift(shifted, schema.INCIDENTS, buildings=layers[schema.BUILDINGS])
    assert alone is not None and alone.measure == "near_building" and alone.system == system


def test_gps_incidents_read_with_crs_gcj02(layers: Layers) -> None:
    """(c): WGS-84 points loaded with --crs gcj02, i.e. shifted the wrong way."""
    wrong = china_shift(layers[schema.INCIDENTS], "gcj02", inverse=True)
    found = detect_shift(wrong, schema.INCIDENTS, crs="gcj02", **_others(layers, schema.INCIDENTS))
    assert found is not None
    assert (found.layer, found.stored, found.system, found.read_as, found.declared) == (
        schema.INCIDENTS, False, "wgs84", "gcj02", "gcj02")
    assert found.text("en").endswith("load the incidents with --crs wgs84 instead of --crs gcj02.")


def test_baidu_incidents_read_with_crs_gcj02(layers: Layers) -> None:
    # BD-09 points read as GCJ-02: the flag given is replaced, not dropped
    wrong = china_shift(china_shift(layers[schema.INCIDENTS], "bd09"), "gcj02", inverse=True)
    found = detect_shift(wrong, schema.INCIDENTS, crs="gcj-02", **_others(layers, schema.INCIDENTS))
    assert found is not None and (found.system, found.read_as) == ("bd09", "gcj02")
    assert found.text("en").endswith("load the incidents with --crs bd09 instead of --crs gcj-02.")


def test_web_map_grids_imported_onto_gps_buildings(layers: Layers) -> None:
    """(d), grids loaded last: the grids are the shifted layer, and are named."""
    shifted = china_shift(layers[schema.GRIDS], "gcj02")
    found = detect_shift(shifted, schema.GRIDS, buildings=layers[schema.BUILDINGS])
    assert found is not None
    assert (found.layer, found.stored, found.system) == (schema.GRIDS, False, "gcj02")
    assert found.subject == schema.BUILDINGS and found.against == schema.GRIDS
    assert "load the grids with --crs gcj02." in found.text("en")


def test_gps_buildings_imported_onto_web_map_grids(layers: Layers) -> None:
    """(d), buildings loaded last: the stored grids are blamed, no flag is put on the buildings."""
    grids = china_shift(layers[schema.GRIDS], "gcj02")
    found = detect_shift(layers[schema.BUILDINGS], schema.BUILDINGS, grids=grids)
    assert found is not None
    assert (found.layer, found.stored, found.system, found.read_as) == (schema.GRIDS, True, "gcj02", "wgs84")
    text = found.text("en")
    assert "the stored grids look shifted by GCJ-02" in text
    assert text.endswith("re-import the grids with --crs gcj02.")
    assert "buildings with --crs" not in text and "wgs84" not in text


def test_gps_incidents_onto_web_map_grids_and_gps_buildings(layers: Layers) -> None:
    # the incidents fit the buildings as loaded and the grids once these are
    # un-shifted: the grids are named, the buildings give no veto
    grids = china_shift(layers[schema.GRIDS], "gcj02")
    found = detect_shift(layers[schema.INCIDENTS], schema.INCIDENTS, grids=grids, buildings=layers[schema.BUILDINGS])
    assert found is not None
    assert (found.layer, found.stored, found.system, found.measure) == (schema.GRIDS, True, "gcj02", "in_grid")
    assert found.text("en").endswith("re-import the grids with --crs gcj02.")


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_web_map_buildings_onto_gps_grids(layers: Layers, system: str) -> None:
    """(e): buildings in GCJ-02 (or BD-09) against WGS-84 grids."""
    shifted = china_shift(layers[schema.BUILDINGS], system)
    found = detect_shift(shifted, schema.BUILDINGS, grids=layers[schema.GRIDS])
    assert found is not None
    assert (found.layer, found.stored, found.system) == (schema.BUILDINGS, False, system)
    assert found.text("en").endswith(f"load the buildings with --crs {system}.")


def test_city_scale_cuts_and_distances_show_the_shift_with_few_points_outside(wuhan: Layers) -> None:
    # Wuhan's blocks cover half the buildings: what shows the shift is the
    # buildings cut by grid boundaries, not the share inside grids
    shifted = china_shift(wuhan[schema.BUILDINGS], "gcj02")
    found = detect_shift(shifted, schema.BUILDINGS, grids=wuhan[schema.GRIDS])
    assert found is not None and found.measure == "cut_by_grid"
    assert found.corrected < 0.03 < 0.10 < found.as_loaded
    assert "% of the buildings are cut by a grid boundary once the buildings are read as GCJ-02" in found.text("en")


def test_finding_reads_in_chinese(demo: Layers) -> None:
    found = detect_shift(china_shift(demo[schema.INCIDENTS], "gcj02"), schema.INCIDENTS,
                         **_others(demo, schema.INCIDENTS))
    assert found is not None
    zh = found.text("zh")
    assert "--crs gcj02" in zh and "事件" in zh and "GCJ-02" in zh
    assert "incidents" not in zh


def test_check_shift_keeps_one_warning_and_drops_a_stale_one(demo: Layers) -> None:
    report = ValidationReport(schema.INCIDENTS)
    shifted = china_shift(demo[schema.INCIDENTS], "bd09")
    first = check_shift(report, shifted, schema.INCIDENTS, grids=demo[schema.GRIDS])
    again = check_shift(report, shifted, schema.INCIDENTS, **_others(demo, schema.INCIDENTS))
    assert isinstance(first, ShiftFinding) and isinstance(again, ShiftFinding)
    (issue,) = report.issues
    assert isinstance(issue, ShiftIssue) and issue.level == "warning" and issue.code == CODE
    assert issue.text("en") == again.text("en") and issue.text("zh") == again.text("zh")
    assert report.to_frame("zh")["message"].iloc[0] == again.text("zh")
    assert check_shift(report, demo[schema.INCIDENTS], schema.INCIDENTS, **_others(demo, schema.INCIDENTS)) is None
    assert report.issues == []


# -- through the pipeline and the command line -----------------------------------------


def _write(gdf: gpd.GeoDataFrame, path: Path) -> Path:
    out = gdf.copy()
    for col in out.columns:
        if str(out[col].dtype) == "boolean":
            out[col] = out[col].astype(object).where(out[col].notna(), None)
    pyogrio.write_dataframe(out, path, driver="GeoJSON")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def _shift_lines(text: str) -> list[str]:
    # "WARNING china_shift: ..." in English, "警告 china_shift: ..." in Chinese
    return [line for line in text.splitlines() if line.lstrip().split(" ", 2)[1:2] == [f"{CODE}:"]]


def test_cli_clean_demo_imports_without_shift_warning(tmp_path: Path, demo: Layers,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "s.gpkg")
    for kind in (schema.BUILDINGS, schema.GRIDS, schema.INCIDENTS):  # grids after buildings: checked both ways
        path = _write(demo[kind], tmp_path / f"{kind}.geojson")
        code, out = _run(capsys, "import", "--quiet", "--store", store, f"--{kind}", str(path))
        assert code == 0 and _shift_lines(out) == [], out
        code, out = _run(capsys, "validate", "--store", store, f"--{kind}", str(path))
        assert code == 0 and _shift_lines(out) == [], out


@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_cli_validate_and_import_name_web_map_incidents(tmp_path: Path, demo: Layers, system: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(tmp_path / "s.gpkg")
    store.write({k: demo[k] for k in (schema.GRIDS, schema.BUILDINGS)}, note="clean grids and buildings")
    path = _write(china_shift(demo[schema.INCIDENTS], system), tmp_path / "amap.geojson")
    code, out = _run(capsys, "validate", "--store", store.location, "--incidents", str(path))
    (line,) = _shift_lines(out)
    assert code == 0
    assert "% of the incidents lie inside a grid once the incidents are read as " in line
    assert line.endswith(f"load the incidents with --crs {system}.")
    code, out = _run(capsys, "import", "--quiet", "--store", store.location, "--incidents", str(path))
    assert code == 0 and _shift_lines(out) == [line]
    code, out = _run(capsys, "import", "--quiet", "--replace", "--store", store.location, "--incidents", str(path),
                     "--crs", system)
    assert code == 0 and _shift_lines(out) == []
    code, out = _run(capsys, "validate", "--lang", "zh", "--store", store.location, "--incidents", str(path))
    (zh,) = _shift_lines(out)
    assert f"--crs {system}" in zh and "网格" in zh


def test_validate_layer_names_the_shift_against_grids_alone(tmp_path: Path, demo: Layers) -> None:
    from geo import io

    path = _write(china_shift(demo[schema.INCIDENTS], "gcj02"), tmp_path / "amap.geojson")
    _, report = io.load_layer(path, schema.INCIDENTS, grids=demo[schema.GRIDS])
    (issue,) = [i for i in report.issues if i.code == CODE]
    assert isinstance(issue, ShiftIssue) and issue.finding is not None and issue.finding.measure == "in_grid"
    assert issue.message.endswith("load the incidents with --crs gcj02.")
    _, right = io.load_layer(path, schema.INCIDENTS, grids=demo[schema.GRIDS], crs="gcj02")
    assert [i for i in right.issues if i.code == CODE] == []


def test_cli_gps_incidents_loaded_with_crs_gcj02(tmp_path: Path, demo: Layers,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = open_store(tmp_path / "s.gpkg")
    store.write({k: demo[k] for k in (schema.GRIDS, schema.BUILDINGS)}, note="clean grids and buildings")
    path = _write(demo[schema.INCIDENTS], tmp_path / "gps.geojson")
    code, out = _run(capsys, "validate", "--store", store.location, "--incidents", str(path), "--crs", "gcj02")
    (line,) = _shift_lines(out)
    assert code == 0 and line.endswith("load the incidents with --crs wgs84 instead of --crs gcj02.")


def test_cli_web_map_grids_named_whichever_layer_comes_first(tmp_path: Path, demo: Layers,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    grids = _write(china_shift(demo[schema.GRIDS], "gcj02"), tmp_path / "districts.geojson")
    buildings = _write(demo[schema.BUILDINGS], tmp_path / "buildings.geojson")
    first = str(tmp_path / "buildings-first.gpkg")
    assert _run(capsys, "import", "--quiet", "--store", first, "--buildings", str(buildings))[0] == 0
    code, out = _run(capsys, "import", "--quiet", "--store", first, "--grids", str(grids))
    (line,) = _shift_lines(out)
    assert code == 0 and line.endswith("load the grids with --crs gcj02.")
    second = str(tmp_path / "grids-first.gpkg")
    assert _run(capsys, "import", "--quiet", "--store", second, "--grids", str(grids))[0] == 0
    code, out = _run(capsys, "validate", "--store", second, "--buildings", str(buildings))
    (line,) = _shift_lines(out)
    assert code == 0 and line.endswith("the stored grids look shifted by GCJ-02 (web-map coordinates read as WGS-84): "
                                       "re-import the grids with --crs gcj02.")
    assert "wgs84" not in line
    # the advice works: grids re-imported with --crs gcj02, the buildings fit
    assert _run(capsys, "import", "--quiet", "--replace", "--store", second, "--grids", str(grids),
                "--crs", "gcj02")[0] == 0
    code, out = _run(capsys, "import", "--quiet", "--store", second, "--buildings", str(buildings))
    assert code == 0 and _shift_lines(out) == []


def test_pipeline_reports_web_map_buildings_against_stored_grids_and_incidents(tmp_path: Path, demo: Layers) -> None:
    store = open_store(tmp_path / "s.gpkg")
    store.write({k: demo[k] for k in (schema.GRIDS, schema.INCIDENTS)}, note="clean grids and incidents")
    path = _write(china_shift(demo[schema.BUILDINGS], "gcj02"), tmp_path / "b.geojson")
    before = store.version
    report = pipeline.import_layer(store, schema.BUILDINGS, path, dry_run=True)
    (issue,) = [i for i in report.issues if i.code == CODE]
    assert isinstance(issue, ShiftIssue) and issue.finding is not None
    assert (issue.finding.layer, issue.finding.system, issue.finding.stored) == (schema.BUILDINGS, "gcj02", False)
    assert store.version == before  # a dry run writes nothing
