"""A fictional demo community, and a city-sized set for benchmarks.

:func:`make_community` builds one community modelled on the reports in
``DOMAIN.md``: about 1.1 km² cut by its streets into 7 grids, about 170
buildings along an irregular street network, about 520 rain grates along the
kerbs, a dozen historical flooding points in the low spots of a synthetic
terrain and a few dozen flying wires beside dense buildings.
:func:`make_city` builds a city of such communities with vectorised
constructors (no Python loop per feature) for the benchmarks.

Everything is built in metres in a transverse Mercator CRS centred on the
site and projected to WGS-84 at the end. The site is a real-looking place
in Wuhan (Hongshan district); every name, person and phone number is made
up, and :func:`demo_meta` says so for the store's metadata. The same seed
gives byte-identical output. Derived columns (``grid_id`` and ``split`` on
buildings; ``grid_id``, ``building_id`` and ``building_dist_m`` on
incidents) are left empty: :mod:`geo.join` fills them.

:func:`make_register` adds a fictional register of vulnerable residents
consistent with the buildings (the store table
:data:`geo.rain.checklist.REGISTER`, also written as ``vulnerable_residents.csv``
by :func:`write_register_csv` in the format ``python -m geo
vulnerable-import`` reads), so the demo's checklists list residents unit by
unit.

The generators live in :mod:`geo.demo_community` and :mod:`geo.demo_city`
(their shared constants and builders in :mod:`geo.demo_kit`); this module is
their face.
"""

from __future__ import annotations

from os import PathLike
from typing import Final

import numpy as np
import pandas as pd

from .demo_city import make_city
from .demo_community import make_community
from .demo_kit import BUILDING_TARGET as BUILDING_TARGET
from .demo_kit import CITY_CENTER, COMMUNITY_CENTER, COMMUNITY_NAME, _person_names
from .demo_kit import GRATE_TARGET as GRATE_TARGET
from .demo_kit import Layers as Layers
from .errors import OptionError

__all__ = ["REGISTER_CSV", "demo_meta", "make_city", "make_community", "make_register", "write_register_csv"]

SCALES: Final = ("community", "city")
#: File name of the demo register of vulnerable residents in the demo folder.
REGISTER_CSV: Final = "vulnerable_residents.csv"
#: Register columns, as :func:`geo.rain.inspection.read_register` reads them.
_REGISTER_COLUMNS: Final = ("building_id", "unit", "name", "category")
#: Register categories: elderly living alone (one per ``elderly_alone``), and
#: the share of buildings given one resident of each other category.
_ELDERLY: Final = "独居老人"
_OTHER_VULNERABLE: Final = (("残疾人", 0.06), ("低保户", 0.04))


def demo_meta(scale: str) -> dict[str, str]:
    """Metadata saying the demo data is fictional, for the store's ``meta`` table.

    Parameters
    ----------
    scale
        ``"community"`` or ``"city"``.

    Returns
    -------
    dict
        Keys ``fictional``, ``title``, ``note_zh``, ``note_en``, ``city``,
        ``scale``, ``center_lon``, ``center_lat``.
    """
    if scale not in SCALES:
        msg = f"Unknown demo scale {scale!r}."
        raise OptionError(msg, f"Use one of {', '.join(SCALES)}.")
    lon, lat = COMMUNITY_CENTER if scale == "community" else CITY_CENTER
    title = f"GridWatch 示例：{COMMUNITY_NAME}（虚构）" if scale == "community" else "GridWatch 示例：城市规模基准数据（虚构）"
    return {
        "fictional": "true",
        "title": title,
        "note_zh": "虚构示例社区：位置仿照武汉市洪山区，社区、道路、人名、电话和重点人群名单均为程序生成，并非真实数据。",
        "note_en": ("Fictional demo data: placed like a Wuhan (Hongshan) community; all names, people, phone numbers "
                    "and the register of vulnerable residents are generated."),
        "city": "武汉市洪山区（虚构）",
        "scale": scale,
        "center_lon": f"{lon}",
        "center_lat": f"{lat}",
    }


def make_register(buildings: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """A fictional register of vulnerable residents consistent with ``buildings``.

    Every building gets one 独居老人 row per ``elderly_alone`` (so the register
    adds up to the layer's counts), each in a unit drawn from ``1..units``
    (unit left empty where ``units`` is unknown); a few buildings also get a
    残疾人 or 低保户 resident. Vectorised (no Python loop per building), and
    drawn from its own generator so the layers of the same seed are
    unchanged.

    Parameters
    ----------
    buildings
        The buildings layer (``building_id``, ``units``, ``elderly_alone``).
    seed
        Seed of the random generator; the same seed gives the same register.

    Returns
    -------
    pandas.DataFrame
        Columns ``building_id``, ``unit``, ``name``, ``category`` as text,
        ordered by building (layer order), unit and category: the store
        table :data:`geo.rain.checklist.REGISTER`.
    """
    rng = np.random.default_rng([seed, 0x5E6])
    n = len(buildings)
    ids = buildings["building_id"].astype(str).to_numpy(dtype=object)
    units = pd.to_numeric(buildings["units"], errors="coerce").fillna(0).clip(lower=0).astype(int).to_numpy()
    elderly = pd.to_numeric(buildings["elderly_alone"], errors="coerce").fillna(0).clip(lower=0).astype(int).to_numpy()
    counts = [elderly] + [(rng.random(n) < share).astype(int) for _, share in _OTHER_VULNERABLE]
    cats = np.array([_ELDERLY] + [c for c, _ in _OTHER_VULNERABLE], dtype=object)
    which = np.concatenate([np.repeat(np.arange(n), c) for c in counts])
    kind = np.repeat(np.arange(len(cats)), [int(c.sum()) for c in counts])
    top = units[which]
    unit = np.where(top > 0, rng.integers(1, np.maximum(top, 1) + 1), 0)
    order = np.lexsort((kind, unit, which))
    which, kind, unit = which[order], kind[order], unit[order]
    unit_text = np.where(unit > 0, unit.astype(str).astype(object), "")
    return pd.DataFrame({
        "building_id": ids[which], "unit": unit_text.astype(object),
        "name": np.asarray(_person_names(rng, len(which)), dtype=object), "category": cats[kind],
    }, columns=list(_REGISTER_COLUMNS))


def write_register_csv(register: pd.DataFrame, path: str | PathLike[str]) -> None:
    """Write a register as the CSV ``python -m geo vulnerable-import`` reads.

    UTF-8 with a byte-order mark (so Excel and WPS open it in Chinese), a
    heading row ``building_id,unit,name,category``.

    Parameters
    ----------
    register
        As returned by :func:`make_register`.
    path
        The file to write (replaced if present).
    """
    from .safe import spreadsheet_frame

    table = spreadsheet_frame(register.reindex(columns=list(_REGISTER_COLUMNS)))  # ids may come from a user's file
    table.to_csv(path, index=False, encoding="utf-8-sig")
