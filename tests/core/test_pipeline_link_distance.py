"""The incident-to-building radius as a setting of the store.

``--link-distance`` on an import sets it, the store's metadata keeps it, and
every later join of that store (imports without the option, ``rejoin``,
``report_incident`` behind the app's report form) uses it. Impossible values
are refused like every other bad input: exit 2, ``error:`` and ``hint:``.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely

from geo import cli, pipeline
from geo.errors import OptionError, StoreError
from geo.incidents import report_incident
from geo.join import NEAREST_BUILDING_M
from geo.store import open_store

LON0, LAT0 = 114.36, 30.52  # the corner of the hand-made layers (conftest.py)
D = 0.001  # their step in degrees

#: Metres east of B1's east edge where the test incidents lie (0: inside B1).
OFFSETS = {"K0": 0.0, "K5": 5.0, "K15": 15.0, "K25": 25.0, "K45": 45.0}
_GEOD = pyproj.Geod(ellps="WGS84")


def _east_of_b1(metres: float) -> shapely.Point:
    """A point ``metres`` east of B1's east edge, level with its middle (inside B1 for 0)."""
    lat = LAT0 + 0.3 * D
    if metres == 0:
        return shapely.Point(LON0 + 0.3 * D, lat)
    lon, lat2, _ = _GEOD.fwd(LON0 + 0.4 * D, lat, 90.0, metres)
    return shapely.Point(lon, lat2)


def _buildings(all_buildings: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Only B1 (inside G1), so each incident's nearest building is B1 at a known distance."""
    return all_buildings.iloc[:1].copy()


def _incidents() -> gpd.GeoDataFrame:
    """Flooding points in G1 at 0, 5, 15, 25 and 45 m from B1."""
    return gpd.GeoDataFrame({"incident_id": list(OFFSETS), "type": "flooding"},
                            geometry=[_east_of_b1(m) for m in OFFSETS.values()], crs=4326)


def _write_files(folder: Path, grids: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> dict[str, Path]:
    paths = {}
    for name, gdf in (("grids", grids), ("buildings", _buildings(buildings)), ("incidents", _incidents())):
        paths[name] = folder / f"{name}.geojson"
        pyogrio.write_dataframe(gdf, paths[name])
    return paths


@pytest.fixture
def files(tmp_path: Path, make_grids, make_buildings) -> dict[str, Path]:
    return _write_files(tmp_path, make_grids(), make_buildings())


@pytest.fixture(scope="module")
def set_at_ten(tmp_path_factory: pytest.TempPathFactory, make_grids,
               make_buildings) -> tuple[Path, dict[str, Path]]:
    """A store imported with --link-distance 10 (refused commands must leave it as it is)."""
    folder = tmp_path_factory.mktemp("link_distance")
    paths = _write_files(folder, make_grids(), make_buildings())
    for i, name in enumerate(("grids", "buildings", "incidents")):
        extra = ["--link-distance", "10"] if i == 0 else []
        assert cli.main(["import", "--quiet", "--store", str(folder / "s.gpkg"), f"--{name}", str(paths[name]), *extra]) == 0
    return folder / "s.gpkg", paths


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = cli.main(list(args))
    return code, capsys.readouterr().err.splitlines()


def _import_all(capsys: pytest.CaptureFixture[str], store: Path, files: dict[str, Path], *extra: str) -> None:
    """Import grids, buildings, incidents; ``extra`` options go with the first import only."""
    for i, name in enumerate(("grids", "buildings", "incidents")):
        code, err = _run(capsys, "import", "--quiet", "--store", str(store), f"--{name}", str(files[name]),
                         *(extra if i == 0 else ()))
        assert code == 0, err


def _links(store: Path) -> pd.DataFrame:
    inc = open_store(store).read("incidents").set_index("incident_id")
    return inc.loc[inc["building_id"].notna(), ["building_id", "building_dist_m"]]


class TestCommandLine:
    def test_ten_metres_links_fewer_and_nearer_than_thirty(self, tmp_path: Path, files: dict[str, Path],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
        _import_all(capsys, tmp_path / "d30.gpkg", files)
        _import_all(capsys, tmp_path / "d10.gpkg", files, "--link-distance", "10")
        at30, at10 = _links(tmp_path / "d30.gpkg"), _links(tmp_path / "d10.gpkg")
        assert sorted(at30.index) == ["K0", "K15", "K25", "K5"]
        assert sorted(at10.index) == ["K0", "K5"]
        assert len(at10) < len(at30)
        assert (at10["building_dist_m"] <= 10).all() and (at30["building_dist_m"] <= 30).all()
        assert (at10["building_id"] == "B1").all()
        # the distances themselves are metres, the same at either radius
        for iid, metres in OFFSETS.items():
            if iid in at10.index:
                assert at10.loc[iid, "building_dist_m"] == pytest.approx(metres, abs=0.2)
                assert at10.loc[iid, "building_dist_m"] == at30.loc[iid, "building_dist_m"]
        assert open_store(tmp_path / "d10.gpkg").meta()[pipeline.LINK_DISTANCE_KEY] == "10"
        assert pipeline.LINK_DISTANCE_KEY not in open_store(tmp_path / "d30.gpkg").meta()

    def test_setting_survives_later_imports_without_the_option(self, tmp_path: Path, files: dict[str, Path],
                                                               capsys: pytest.CaptureFixture[str]) -> None:
        store = tmp_path / "s.gpkg"
        _import_all(capsys, store, files, "--link-distance=12.5")
        assert sorted(_links(store).index) == ["K0", "K5"]
        # a buildings import rejoins every incident: still within 12.5 m, not the default 30 m
        code, err = _run(capsys, "import", "--store", str(store), "--buildings", str(files["buildings"]))
        assert code == 0, err
        assert any("within 12.5 m" in line for line in err), err
        assert sorted(_links(store).index) == ["K0", "K5"]
        assert open_store(store).meta()[pipeline.LINK_DISTANCE_KEY] == "12.5"
        # a later import with the option changes the setting for good
        code, err = _run(capsys, "import", "--quiet", "--store", str(store), "--incidents", str(files["incidents"]),
                         "--link-distance", "30")
        assert code == 0, err
        assert sorted(_links(store).index) == ["K0", "K15", "K25", "K5"]
        code, err = _run(capsys, "import", "--quiet", "--store", str(store), "--grids", str(files["grids"]))
        assert code == 0, err
        assert sorted(_links(store).index) == ["K0", "K15", "K25", "K5"]

    def test_summary_is_the_same_at_any_radius(self, tmp_path: Path, files: dict[str, Path],
                                               capsys: pytest.CaptureFixture[str]) -> None:
        for metres in ("10", "30"):
            _import_all(capsys, tmp_path / f"d{metres}.gpkg", files, "--link-distance", metres)
            code, err = _run(capsys, "summary", "--store", str(tmp_path / f"d{metres}.gpkg"),
                             "--out", str(tmp_path / f"s{metres}.csv"))
            assert code == 0, err
        assert (tmp_path / "s10.csv").read_bytes() == (tmp_path / "s30.csv").read_bytes()

    def test_validate_checks_the_value_and_writes_nothing(self, tmp_path: Path, files: dict[str, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
        code, err = _run(capsys, "validate", "--incidents", str(files["incidents"]), "--link-distance", "10")
        assert code == 0, err
        assert not list(tmp_path.glob("*.gpkg"))


@pytest.mark.parametrize(("value", "says"), [
    ("0", "above 0"), ("-5", "above 0"), ("nan", "above 0"), ("inf", "above 0"),
    ("501", "more than 500"), ("1e6", "more than 500"), ("thirty", "not a number"), ("", "not a number"),
])
@pytest.mark.parametrize("command", ["import", "validate"])
def test_impossible_values_refused_store_untouched(value: str, says: str, command: str,
                                                   set_at_ten: tuple[Path, dict[str, Path]],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store, files = set_at_ten
    version = open_store(store).version
    code, err = _run(capsys, command, "--store", str(store), "--incidents", str(files["incidents"]),
                     f"--link-distance={value}")
    assert code == 2, err
    assert len(err) == 2 and err[0].startswith("error: ") and err[1].startswith("hint: "), err
    assert says in err[0] and "--link-distance" in err[1] and "500" in err[1]
    assert open_store(store).version == version
    assert open_store(store).meta()[pipeline.LINK_DISTANCE_KEY] == "10"


def test_refused_with_streets(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    streets = tmp_path / "streets.geojson"
    pyogrio.write_dataframe(gpd.GeoDataFrame(
        {"name": ["路"]}, geometry=[shapely.LineString([(LON0, LAT0), (LON0 + D, LAT0)])], crs=4326,
    ), streets)
    code, err = _run(capsys, "import", "--store", str(tmp_path / "s.gpkg"), "--streets", str(streets),
                     "--link-distance", "10")
    assert code == 2 and err[0].startswith("error: --link-distance") and err[1].startswith("hint: "), err
    assert not (tmp_path / "s.gpkg").exists()


class TestPipeline:
    def test_report_incident_uses_the_store_setting(self, tmp_path: Path, files: dict[str, Path]) -> None:
        near, middle = _east_of_b1(5.0), _east_of_b1(15.0)
        for metres, linked in ((None, True), (10.0, False)):
            store = open_store(tmp_path / f"s{metres}.gpkg")
            pipeline.import_layers(store, files, link_distance=metres)
            row = report_incident(store, type="flooding", lon=middle.x, lat=middle.y)
            assert (row["building_id"] == "B1") is linked, row
            assert bool(pd.isna(row["building_dist_m"])) is not linked
            row = report_incident(store, type="flooding", lon=near.x, lat=near.y)
            assert row["building_id"] == "B1" and row["building_dist_m"] == pytest.approx(5.0, abs=0.2)
            stored = store.read("incidents").set_index("incident_id")
            assert stored.loc[row["incident_id"], "building_id"] == "B1"

    def test_rejoin_uses_and_keeps_the_setting(self, tmp_path: Path, files: dict[str, Path]) -> None:
        store = open_store(tmp_path / "s.gpkg")
        pipeline.import_layers(store, files, link_distance=10)
        assert pipeline.link_distance_of(store) == 10.0
        pipeline.rejoin(store)
        assert sorted(_links(tmp_path / "s.gpkg").index) == ["K0", "K5"]
        pipeline.rejoin(store, max_distance=50)
        assert sorted(_links(tmp_path / "s.gpkg").index) == list(sorted(OFFSETS))
        assert pipeline.link_distance_of(store) == 50.0
        with pytest.raises(OptionError, match="more than 500"):
            pipeline.rejoin(store, max_distance=800)
        assert pipeline.link_distance_of(store) == 50.0

    def test_default_and_unusable_stored_value(self, tmp_path: Path, files: dict[str, Path]) -> None:
        store = open_store(tmp_path / "s.gpkg")
        assert pipeline.link_distance_of(store) == NEAREST_BUILDING_M
        pipeline.import_layers(store, files)
        assert pipeline.link_distance_of(store) == NEAREST_BUILDING_M
        store.write(tables={"meta": pd.DataFrame({"key": [pipeline.LINK_DISTANCE_KEY], "value": ["-3"]})})
        with pytest.raises(StoreError, match="unusable link distance") as caught:
            report_incident(store, type="flooding", lon=LON0 + 0.3 * D, lat=LAT0 + 0.3 * D)
        assert "--link-distance" in caught.value.hint
        # the fix the hint names works
        pipeline.import_layer(store, "buildings", files["buildings"], link_distance=20)
        assert pipeline.link_distance_of(store) == 20.0

    @pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), 500.5])
    def test_check_link_distance_refuses(self, value: float) -> None:
        with pytest.raises(OptionError):
            pipeline.check_link_distance(value)

    def test_check_link_distance_accepts(self) -> None:
        assert pipeline.check_link_distance("0.5") == 0.5
        assert pipeline.check_link_distance(500) == 500.0
