"""Fixtures every test package shares: the demo community, built once per session.

Each package (``tests/core``, ``tests/routing``, ``tests/rain``, ``tests/app``)
has a ``conftest.py`` of its own with the fixtures of its domain; what more
than one package needs lives here (the geopandas and momepy conftests are
the models).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geo.pipeline import build_demo
from geo.store import Store, open_store


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
