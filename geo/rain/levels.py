"""Rainstorm warning levels and what each one puts on the inspection checklist.

China's meteorological service issues rainstorm warnings (暴雨预警) in four
colours, blue, yellow, orange and red (蓝/黄/橙/红). Each level here says
what goes on a grid's rain inspection checklist: which rain grates, whether
known flooding spots, basements and garages, units (hallway lights, drain
pipes), vulnerable residents and flying wires are listed.

The defaults below follow the practice in the reports (at the highest level
every grate, basement, vulnerable resident and flying wire is checked). A
community changes them with a JSON or TOML file holding only what differs::

    [levels.yellow]
    grates = "all"
    vulnerable_min_elderly = 1

and loads it with :func:`load_levels`; :func:`levels_table` shows the
result to the user. The command line (``--levels``) and the app both fall
back to the file named by ``$GRIDWATCH_LEVELS``, so one file configures
both.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Final

import pandas as pd

from .. import settings
from ..errors import InputFileError, OptionError

__all__ = [
    "DEFAULT_LEVELS",
    "GRATE_SCOPES",
    "LEVEL_CODES",
    "WIRE_SCOPES",
    "LEVELS_ENV",
    "WarningLevel",
    "configured_levels",
    "get_level",
    "levels_table",
    "load_levels",
]

LEVEL_CODES: Final = ("blue", "yellow", "orange", "red")
#: Environment variable naming the community's level file (JSON or TOML).
LEVELS_ENV: Final = "GRIDWATCH_LEVELS"
#: Which grates a level lists: those with a history of trouble (status not
#: ok now, or found blocked at an earlier inspection), those plus every
#: grate near a known flooding spot, or all of them.
GRATE_SCOPES: Final = ("problem", "near_flooding", "all")
#: Which flying wires a level lists: none, those near flooding spots, all
#: still open.
WIRE_SCOPES: Final = ("none", "near_flooding", "all")


@dataclass(frozen=True)
class WarningLevel:
    """One rainstorm warning level and the checklist it calls for.

    Attributes
    ----------
    code
        ``blue``, ``yellow``, ``orange`` or ``red``.
    label_zh, label_en
        What users read (e.g. ``暴雨黄色预警``).
    color
        CSS colour for the level badge.
    criterion_zh
        The meteorological criterion, for the user's reference.
    grates
        One of :data:`GRATE_SCOPES`.
    near_flooding_m
        Radius (m) around a known flooding spot for the ``near_flooding``
        scopes.
    flooding_spots
        List known flooding spots to watch.
    basements
        List buildings with a basement or underground garage.
    units
        List every unit of every building (hallway lights, drain pipes).
    vulnerable_min_elderly
        List buildings with at least this many elderly people living alone;
        None lists none.
    flying_wires
        One of :data:`WIRE_SCOPES`.
    """

    code: str
    label_zh: str
    label_en: str
    color: str
    criterion_zh: str
    grates: str = "problem"
    near_flooding_m: float = 100.0
    flooding_spots: bool = True
    basements: bool = False
    units: bool = False
    vulnerable_min_elderly: int | None = None
    flying_wires: str = "none"


DEFAULT_LEVELS: Final[dict[str, WarningLevel]] = {
    "blue": WarningLevel(
        "blue", "暴雨蓝色预警", "Blue rainstorm warning", "#1f6fd1",
        "12小时内降雨量将达50毫米以上", grates="problem",
    ),
    "yellow": WarningLevel(
        "yellow", "暴雨黄色预警", "Yellow rainstorm warning", "#e0b000",
        "6小时内降雨量将达50毫米以上", grates="near_flooding", basements=True,
        vulnerable_min_elderly=3, flying_wires="near_flooding",
    ),
    "orange": WarningLevel(
        "orange", "暴雨橙色预警", "Orange rainstorm warning", "#f07800",
        "3小时内降雨量将达50毫米以上", grates="near_flooding", near_flooding_m=200.0,
        basements=True, vulnerable_min_elderly=1, flying_wires="all",
    ),
    "red": WarningLevel(
        "red", "暴雨红色预警", "Red rainstorm warning", "#d7191c",
        "3小时内降雨量将达100毫米以上", grates="all", basements=True, units=True,
        vulnerable_min_elderly=1, flying_wires="all",
    ),
}

_EDITABLE: Final = tuple(f.name for f in fields(WarningLevel) if f.name != "code")


def get_level(code: str, levels: dict[str, WarningLevel] | None = None) -> WarningLevel:
    """The level named ``code``.

    Parameters
    ----------
    code
        ``blue``, ``yellow``, ``orange`` or ``red``; the Chinese colour
        (蓝/黄/橙/红) is accepted too.
    levels
        A level table (default :data:`DEFAULT_LEVELS`).

    Returns
    -------
    WarningLevel
    """
    table = levels or DEFAULT_LEVELS
    key = _ZH_ALIASES.get(str(code).strip(), str(code).strip().lower())
    if key not in table:
        msg = f"Unknown warning level {code!r}."
        raise OptionError(msg, f"Use one of {', '.join(LEVEL_CODES)} (蓝/黄/橙/红).")
    return table[key]


_ZH_ALIASES: Final = {"蓝": "blue", "黄": "yellow", "橙": "orange", "红": "red",
                      "蓝色": "blue", "黄色": "yellow", "橙色": "orange", "红色": "red"}


def load_levels(path: str | Path | None = None) -> dict[str, WarningLevel]:
    """The level table: defaults, overridden by a JSON or TOML file.

    Parameters
    ----------
    path
        A ``.json`` or ``.toml`` file with a ``levels`` object keyed by level
        code, each holding only the fields that differ from the default
        (see :class:`WarningLevel`). None gives the defaults.

    Returns
    -------
    dict
        Level code to :class:`WarningLevel`, blue to red.
    """
    if path is None:
        return dict(DEFAULT_LEVELS)
    data = _read_config(Path(path))
    overrides = data.get("levels", data)
    if not isinstance(overrides, dict):
        msg = f"{path}: 'levels' must be a table keyed by level code."
        raise InputFileError(msg, "Write e.g. {\"levels\": {\"yellow\": {\"grates\": \"all\"}}}.")
    table = dict(DEFAULT_LEVELS)
    for code, values in overrides.items():
        base = get_level(code)
        table[base.code] = _apply(base, values, source=str(path))
    return table


def configured_levels(path: str | Path | None = None) -> dict[str, WarningLevel]:
    """The level table in force: ``path``, else ``$GRIDWATCH_LEVELS``, else the defaults.

    Parameters
    ----------
    path
        A level file given explicitly (wins over the environment).

    Returns
    -------
    dict
        As :func:`load_levels`.
    """
    return load_levels(path or settings.current().levels or None)


def _read_config(path: Path) -> dict[str, Any]:
    if not path.is_file():
        msg = f"Warning level file {str(path)!r} does not exist."
        raise InputFileError(msg, "Check the path, or leave the option out to use the defaults.")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
        elif suffix == ".toml":
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            msg = f"Warning level file {str(path)!r} is neither .json nor .toml."
            raise InputFileError(msg, "Save it as levels.json or levels.toml.")
    except (json.JSONDecodeError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        msg = f"Warning level file {str(path)!r} cannot be read: {exc}."
        raise InputFileError(msg, "Fix the syntax (a JSON or TOML validator shows where).") from exc
    if not isinstance(data, dict):
        msg = f"Warning level file {str(path)!r} does not hold a table."
        raise InputFileError(msg, "Write e.g. {\"levels\": {\"yellow\": {\"grates\": \"all\"}}}.")
    return data


def _apply(base: WarningLevel, values: Any, *, source: str) -> WarningLevel:
    if not isinstance(values, dict):
        msg = f"{source}: level {base.code!r} must be a table of fields."
        raise InputFileError(msg, f"Allowed fields: {', '.join(_EDITABLE)}.")
    problems = [f"unknown field {k!r}" for k in values if k not in _EDITABLE]
    checks = {
        "grates": (lambda v: v in GRATE_SCOPES, f"one of {', '.join(GRATE_SCOPES)}"),
        "flying_wires": (lambda v: v in WIRE_SCOPES, f"one of {', '.join(WIRE_SCOPES)}"),
        "near_flooding_m": (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and 0 < v <= 5000,
                            "a number of metres between 0 and 5000"),
        "vulnerable_min_elderly": (lambda v: v is None or (isinstance(v, int) and not isinstance(v, bool) and v >= 0),
                                   "a whole number >= 0"),
    }
    for key, (ok, allowed) in checks.items():
        if key in values and not ok(values[key]):
            problems.append(f"{key}={values[key]!r} must be {allowed}")
    for key in ("flooding_spots", "basements", "units"):
        if key in values and not isinstance(values[key], bool):
            problems.append(f"{key}={values[key]!r} must be true or false")
    if problems:
        msg = f"{source}: level {base.code!r}: " + "; ".join(problems) + "."
        raise OptionError(msg, f"Allowed fields: {', '.join(_EDITABLE)}.")
    return replace(base, **values)


def levels_table(levels: dict[str, WarningLevel] | None = None, *, lang: str = "zh") -> pd.DataFrame:
    """The level table as users read it (one row per level, blue to red).

    Parameters
    ----------
    levels
        A level table (default :data:`DEFAULT_LEVELS`).
    lang
        ``zh`` or ``en`` for the column headings and values.

    Returns
    -------
    pandas.DataFrame
    """
    rows = []
    for code in LEVEL_CODES:
        lv = (levels or DEFAULT_LEVELS)[code]
        rows.append(_describe(lv, lang))
    return pd.DataFrame(rows)


_SCOPE_TEXT: Final = {
    "zh": {"problem": "有堵塞/损坏记录的", "near_flooding": "有问题的 + 积水点{m:.0f}米内全部",
           "all": "全部", "none": "不列", True: "列出", False: "不列"},
    "en": {"problem": "with a record of trouble", "near_flooding": "troubled + all within {m:.0f} m of flooding spots",
           "all": "all", "none": "not listed", True: "listed", False: "not listed"},
}


def _describe(lv: WarningLevel, lang: str) -> dict[str, str]:
    t = _SCOPE_TEXT["en" if lang == "en" else "zh"]
    vul = lv.vulnerable_min_elderly
    if lang == "en":
        vul_text = "not listed" if vul is None else f"buildings with >= {vul} elderly living alone"
        return {
            "level": lv.label_en, "criterion": lv.criterion_zh,
            "rain grates": t[lv.grates].format(m=lv.near_flooding_m),
            "flooding spots": t[lv.flooding_spots], "basements/garages": t[lv.basements],
            "units (lights, drains)": t[lv.units], "vulnerable residents": vul_text,
            "flying wires": {"none": "not listed", "all": "all still open",
                             "near_flooding": f"within {lv.near_flooding_m:.0f} m of flooding spots"}[lv.flying_wires],
        }
    vul_text = "不列" if vul is None else f"独居老人≥{vul}人的楼栋"
    return {
        "预警级别": lv.label_zh, "标准": lv.criterion_zh,
        "雨水篦子": t[lv.grates].format(m=lv.near_flooding_m),
        "积水点": t[lv.flooding_spots], "地下室/车库": t[lv.basements],
        "单元(楼道灯、排水管)": t[lv.units], "重点人群": vul_text,
        "飞线": {"none": "不列", "all": "全部未处理的",
                 "near_flooding": f"积水点{lv.near_flooding_m:.0f}米内"}[lv.flying_wires],
    }


def level_as_dict(lv: WarningLevel) -> dict[str, Any]:
    """A level's fields as a plain dict (for JSON)."""
    return asdict(lv)
