"""Hostile text for the export tests: names, ids and people that are markup, formulas and control characters.

The rain fixture community (the ``make_layers`` fixture of ``tests/conftest.py``) with ReportLab
markup (``<a href=...>``, ``<img src=/etc/passwd>``, ``<b>unclosed``,
``<para>``), ``R&D``, ``]]>``, control characters and spreadsheet formulas
(``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``, ``-1+2``, a leading tab,
full-width ``＝``) in grid, building, worker, building-head, incident and
register fields: what a user's file may hold.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Final

import pandas as pd

from geo.rain.checklist import REGISTER
from geo.store import Store, open_store

LINK: Final = '<a href="http://x">点此</a>'
IMG: Final = '<img src="/etc/passwd"/>'
FORMULA: Final = '=HYPERLINK("http://evil.example","点我")'
DDE: Final = "+cmd|' /C calc'!A0"
#: Text that must come out of a PDF exactly as written.
MARKUP: Final = (LINK, IMG, "<b>unclosed", "<para>", "R&D", "]]>")
#: Building names B01..B12.
BUILDING_NAMES: Final = (IMG, "<b>unclosed", "<para>", "R&D 楼", "]]>\x01\x07\x1b", FORMULA, DDE, "@SUM(1+1)",
                         "-1+2", "\t=1+1", "＝1+1", LINK)
#: Incident ids replaced (grates R001..R007, a flying wire, a flooding point).
INCIDENT_IDS: Final = {"R001": "=R001", "R002": "@R002", "R003": "\t=R003", "R004": "-4+4", "R005": "＋R005",
                       "R006": "<b>R006", "R007": "-12", "W1": "+W1|cmd", "F2": "<a href=x>F2&amp;"}
#: Building ids replaced.
BUILDING_IDS: Final = {"B02": "=B02", "B05": "@B05", "B08": "\t=B08"}
GRID2: Final = "@G2<para>\x07"
INSPECTOR: Final = '=HYPERLINK("http://x")<b>'

#: First characters a spreadsheet reads as a formula (see geo.safe).
_LIVE: Final = re.compile(r"^[=+\-@\t\r\n＝＋－＠]")
_NUMBER: Final = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def hostile_layers(layers: dict) -> dict:
    """The rain fixture ``layers`` with hostile text in every user field."""
    grids, buildings, incidents = layers["grids"], layers["buildings"], layers["incidents"]
    grids["name"] = [f"{LINK}网格 R&D", "<b>unclosed第二网格<para>]]>"]
    grids["community"] = ["<para>测试社区 R&D\x01", IMG]
    grids["worker"] = [FORMULA, DDE]
    grids["grid_id"] = ["G1", GRID2]
    buildings["name"] = list(BUILDING_NAMES)
    buildings["head"] = ["=1+2", "@head", "\t=x", "<b>楼长", "R&D", "-3+3"] * 2
    buildings["building_id"] = buildings["building_id"].replace(BUILDING_IDS)
    buildings["grid_id"] = buildings["grid_id"].replace({"G2": GRID2})
    buildings["units"] = [2, 2, 0, None, 2, 2, 2, 2, 2, 2, 2, 2]
    incidents["incident_id"] = incidents["incident_id"].replace(INCIDENT_IDS)
    incidents["grid_id"] = incidents["grid_id"].replace({"G2": GRID2})
    incidents["description"] = [f"{LINK} {FORMULA}"] * len(incidents)
    return layers


def hostile_register() -> pd.DataFrame:
    """A vulnerable-residents register with hostile names."""
    return pd.DataFrame({"building_id": ["B01", "=B02", "@B05", "B06"], "unit": ["1", "2", "", "1"],
                         "name": [LINK, FORMULA, "R&D<b>", "\t=1+1"], "category": ["独居老人", "<para>", "=1", ""]})


def hostile_store(path: Path, layers: dict) -> Store:
    """A GeoPackage store at ``path`` holding :func:`hostile_layers` of ``layers`` and the register."""
    store = open_store(path)
    store.write(layers=hostile_layers(layers), tables={REGISTER: hostile_register()}, note="hostile fixture")
    return store


def live_formulas(cells: list[object]) -> list[str]:
    """The text cells a spreadsheet would run as a formula (plain numbers excepted)."""
    return [c for c in cells if isinstance(c, str) and _LIVE.match(c) and not _NUMBER.fullmatch(c.strip())]
