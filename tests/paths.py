"""Paths the tests read: the project, its test data, and the shared real data beside the checkout."""

from pathlib import Path
from typing import Final

#: The project root (where app.py and the Makefile are).
ROOT: Final = Path(__file__).resolve().parents[1]
#: The app the AppTest and browser tests run.
APP: Final = str(ROOT / "app.py")
#: Small files the tests ship with (the GPX 1.1 schema).
DATA: Final = ROOT / "tests" / "data"
#: Real public data beside the checkout (TSPLIB, OpenStreetMap, Wuhan).
SHARED: Final = ROOT.parent / "shared" / "data"
#: Screenshots and downloads of the browser tests, kept for a person to look at.
ARTIFACTS: Final = ROOT / "test-artifacts"
#: The app's own JavaScript.
GW_JS: Final = ROOT / "static" / "gridwatch" / "gridwatch.js"
