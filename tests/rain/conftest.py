"""Fixtures of the rain tests (the rain community itself is in ``tests/conftest.py``: the app tests use it too)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from geo.store import Store
from tests.rain.hostile import hostile_store

MakeHostileStore = Callable[[Path], Store]


@pytest.fixture(scope="session")
def make_hostile_store(make_layers: Any) -> MakeHostileStore:
    """Write the rain community with hostile names, ids and people (``tests/rain/hostile.py``) to a new store."""

    def make(path: Path) -> Store:
        return hostile_store(path, make_layers())

    return make
