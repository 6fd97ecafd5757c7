"""Fixtures every test package shares: the demo community, built once per session.

Each package (``tests/core``, ``tests/routing``, ``tests/rain``, ``tests/app``)
has a ``conftest.py`` of its own with the fixtures of its domain; what more
than one package needs lives here (the geopandas and momepy conftests are
the models).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyproj
import pytest
import shapely

from geo.pipeline import build_demo
from geo.store import Store, copy_store, open_store
from tests.needs import skip_or_fail


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--store-backend postgis``: the browser tests' app serves its store from PostGIS."""
    parser.addoption("--store-backend", choices=("gpkg", "postgis"), default="gpkg",
                     help="backend the app under browser test serves its store from (postgis needs "
                          "GRIDWATCH_TEST_DATABASE_URL)")


def pytest_configure(config: pytest.Config) -> None:
    """Pass ``--store-backend`` to the app server of the browser tests; snapshots in a folder of the run's own."""
    from tests.app import browser

    browser.BACKEND["name"] = config.getoption("--store-backend")
    if "GRIDWATCH_SNAPSHOT_DIR" not in os.environ:  # never the user's ~/.cache (app servers inherit it)
        folder = tempfile.mkdtemp(prefix="gridwatch-snapshots-")
        os.environ["GRIDWATCH_SNAPSHOT_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo community (GeoJSON layers and ``gridwatch.gpkg``), built once; read it, never write it."""
    return Path(build_demo(tmp_path_factory.mktemp("demo"), scale="community", seed=7)).parent


@pytest.fixture(scope="session")
def demo_store_path(demo_dir: Path) -> str:
    """Path of the session's demo store (read-only: copy it with ``demo_store_copy`` to write)."""
    return str(demo_dir / "gridwatch.gpkg")


@pytest.fixture(scope="session")
def demo_store(demo_store_path: str) -> Store:
    """The session's demo store, opened (read-only by agreement)."""
    return open_store(demo_store_path)


@pytest.fixture
def demo_store_copy(demo_store_path: str, tmp_path: Path) -> str:
    """A private copy of the demo store that a test may write to."""
    dst = tmp_path / "gridwatch.gpkg"
    shutil.copyfile(demo_store_path, dst)
    return str(dst)


# --------------------------------------------------------------------------
# Both store backends: the same tests run on a GeoPackage file and on PostGIS
# --------------------------------------------------------------------------

BACKENDS = ("gpkg", "postgis")


def database_url() -> str | None:
    """The PostgreSQL + PostGIS database of the tests (GRIDWATCH_TEST_DATABASE_URL), if any."""
    from geo import settings

    return settings.current().test_database_url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """``gpkg`` or ``postgis``: tests that take it run once on each backend."""
    if request.param == "postgis" and not database_url():
        skip_or_fail("PostGIS store tests skipped: no test database. Start one with "
                     "'bash scripts/test-postgres.sh start' and export the GRIDWATCH_TEST_DATABASE_URL it prints.")
    return str(request.param)


@pytest.fixture
def new_store_address(backend: str, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Make addresses of new, empty stores on the test's backend (each PostGIS one its own schema, dropped after)."""
    made: list[str] = []

    def make() -> str:
        if backend == "gpkg":
            address = str(tmp_path / f"store{len(made)}.gpkg")
        else:
            address = f"{database_url()}{'&' if '?' in str(database_url()) else '?'}schema=t_{uuid.uuid4().hex[:12]}"
        made.append(address)
        return address

    yield make
    if backend == "postgis":
        from geo.postgis import drop_store

        for address in made:
            drop_store(address)


@pytest.fixture
def any_store(new_store_address: Callable[[], str]) -> Store:
    """A new, empty store on the test's backend."""
    return open_store(new_store_address())


@pytest.fixture
def demo_any_store(backend: str, demo_store_path: str, new_store_address: Callable[[], str],
                   tmp_path: Path) -> Store:
    """A private copy of the demo store on the test's backend, to write to."""
    if backend == "gpkg":
        dst = tmp_path / "demo-copy.gpkg"
        shutil.copyfile(demo_store_path, dst)
        return open_store(dst)
    store = open_store(new_store_address())
    copy_store(open_store(demo_store_path), store)
    return store


# --------------------------------------------------------------------------
# The rain community: a tiny, hand-checkable community (tests/rain, tests/app, tests/core/test_zones.py)
#
# Two grids of 200 m x 200 m side by side (G1 west, G2 east), six buildings
# in each, a street grid with names, rain grates every 25 m along the
# streets, two flooding points and three flying wires. Built in metres
# around a point in Wuhan and stored in WGS-84 like real data.
# --------------------------------------------------------------------------

LON0, LAT0 = 114.30, 30.55
_LOCAL = pyproj.CRS.from_proj4(f"+proj=tmerc +lat_0={LAT0} +lon_0={LON0} +k=1 +ellps=WGS84 +units=m")


def _to_wgs(geoms: list[shapely.Geometry]) -> gpd.GeoSeries:
    """Local metric geometries to WGS-84."""
    return gpd.GeoSeries(geoms, crs=_LOCAL).to_crs("EPSG:4326")


def _lonlat(x: float, y: float) -> tuple[float, float]:
    """Local metres to (lon, lat)."""
    p = _to_wgs([shapely.Point(x, y)]).iloc[0]
    return p.x, p.y


def _rain_layers() -> dict[str, gpd.GeoDataFrame]:
    """The fixture community: grids, buildings, incidents, streets."""
    grids = gpd.GeoDataFrame(
        {"grid_id": ["G1", "G2"], "name": ["第一网格", "第二网格"], "community": ["测试社区"] * 2,
         "worker": ["王丽", "李强"], "phone": ["13800000001", "13800000002"]},
        geometry=_to_wgs([shapely.box(0, 0, 200, 200), shapely.box(200, 0, 400, 200)]),
    )
    rows, geoms = [], []
    n = 0
    for gi, x0 in ((1, 0), (2, 200)):
        for row_y in (30, 130):
            for col_x in (20, 80, 140):
                n += 1
                geoms.append(shapely.box(x0 + col_x, row_y, x0 + col_x + 40, row_y + 14))
                rows.append({
                    "building_id": f"B{n:02d}", "name": f"{n}栋", "grid_id": f"G{gi}", "units": 2,
                    "households": 24, "residents": 60, "elderly_alone": n % 4, "basement": n % 3 == 0,
                    "floors": 6, "head": f"楼长{n}", "head_phone": f"1390000{n:04d}", "split": False,
                })
    buildings = gpd.GeoDataFrame(rows, geometry=_to_wgs(geoms))
    streets = gpd.GeoDataFrame(
        {"street_id": ["S1", "S2", "S3"], "name": ["南环路", "中心路", "北环路"], "highway": ["residential"] * 3},
        geometry=_to_wgs([shapely.LineString([(0, 10), (400, 10)]), shapely.LineString([(0, 100), (400, 100)]),
                         shapely.LineString([(0, 190), (400, 190)])]),
    )
    inc_rows, inc_geoms = [], []

    def add(iid: str, kind: str, status: str, x: float, y: float, **extra: object) -> None:
        inc_rows.append({"incident_id": iid, "type": kind, "status": status, "severity": "medium",
                         "reported_at": "2026-07-01T18:00:00", "description": "", **extra})
        inc_geoms.append(shapely.Point(x, y))

    k = 0
    for y in (10, 100, 190):
        for x in range(12, 400, 25):
            k += 1
            status = {3: "blocked", 7: "damaged", 20: "missing"}.get(k, "ok")
            add(f"R{k:03d}", "drain_grate", status, x, y)
    add("F1", "flooding", "closed", 95, 100, depth_cm=30.0)
    add("F2", "flooding", "reported", 310, 20, depth_cm=45.0)
    add("W1", "flying_wire", "reported", 100, 110)
    add("W2", "flying_wire", "reported", 300, 25)
    add("W3", "flying_wire", "closed", 350, 150)
    incidents = gpd.GeoDataFrame(inc_rows, geometry=_to_wgs(inc_geoms))
    incidents["depth_cm"] = pd.to_numeric(incidents.get("depth_cm"), errors="coerce")
    # the joins' derived columns, as geo.join would set them
    incidents["grid_id"] = ["G1" if p.x < 200 else "G2" for p in gpd.GeoSeries(inc_geoms)]
    incidents["building_id"] = None
    incidents["building_dist_m"] = float("nan")
    return {"grids": grids, "buildings": buildings, "incidents": incidents, "streets": streets}


def _write_rain_store(path: str) -> None:
    """Write the fixture community into a GeoPackage store at ``path``."""
    open_store(path).write(layers=_rain_layers(), note="rain fixture")


@pytest.fixture(scope="session")
def to_wgs() -> Callable[[list[shapely.Geometry]], gpd.GeoSeries]:
    """Local metric geometries of the rain community to WGS-84: ``to_wgs([geom, ...])``."""
    return _to_wgs


@pytest.fixture(scope="session")
def lonlat() -> Callable[[float, float], tuple[float, float]]:
    """Local metres of the rain community to (lon, lat): ``lonlat(x, y)``."""
    return _lonlat


@pytest.fixture(scope="session")
def make_layers() -> Callable[[], dict[str, gpd.GeoDataFrame]]:
    """The rain community's builder: ``make_layers()`` gives fresh grids, buildings, incidents, streets."""
    return _rain_layers


@pytest.fixture(scope="session")
def write_store() -> Callable[[str], None]:
    """Writes the rain community into a GeoPackage store: ``write_store(path)``."""
    return _write_rain_store


# -- flood zones over the rain community (tests/core/test_zones.py, tests/rain/test_flood_zones.py) --

#: The rain community's local metres: grid G1 is x 0-200, G2 x 200-400, both y 0-200.
#: Z1 is a 10-year floodplain of 5 km x 10 km whose east edge runs at x = 100 m.
_Z1_BOX = (-5000.0, -5000.0, 100.0, 5000.0)
#: Z2, a 100-year zone over the east half of G2 (x 300-400).
_Z2_BOX = (300.0, -100.0, 700.0, 300.0)


@pytest.fixture(scope="session")
def zones_frame(to_wgs: Callable) -> Callable:
    """Builder of the two flood zones Z1 and Z2 (columns overridden by keyword)."""

    def build(**overrides: list) -> gpd.GeoDataFrame:
        data = {"zone_id": ["Z1", "Z2"], "name": ["城西滩地", "东区低洼"], "return_period_years": [10, 100],
                "depth_m": [0.8, 1.5], "source": ["区水务局 2024", "区水务局 2024"]}
        data.update(overrides)
        geoms = to_wgs([shapely.box(*_Z1_BOX), shapely.box(*_Z2_BOX)])
        return gpd.GeoDataFrame(data, geometry=geoms.to_numpy()[: len(data["zone_id"])], crs="EPSG:4326")

    return build


@pytest.fixture(scope="session")
def write_zones(zones_frame: Callable) -> Callable:
    """Writes zones (default: :func:`zones_frame`) to a file: ``write_zones(path, gdf=None, driver=None)``."""

    def build(path: Path, gdf: gpd.GeoDataFrame | None = None, driver: str | None = None) -> Path:
        frame = gdf if gdf is not None else zones_frame()
        frame.to_file(path, **({"driver": driver} if driver else {}))
        return path

    return build
