"""The canonical schema of GridWatch's layers.

Three user layers (grids, buildings, incidents), one network layer
(streets) and one reference layer (flood zones: floodplain polygons from a
water authority, not joined to grids). Every layer is a GeoDataFrame in WGS-84 (EPSG:4326). Columns a
user brings beyond these are kept as they are.

Incident types are open: the built-in ones are below, and a user adds more
with :func:`register_type` (each with a Chinese and an English label); the
store keeps the user's types in its ``incident_types`` table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from ._errors import OptionError

STORAGE_CRS: Final = "EPSG:4326"

GRIDS: Final = "grids"
BUILDINGS: Final = "buildings"
INCIDENTS: Final = "incidents"
STREETS: Final = "streets"
FLOOD_ZONES: Final = "flood_zones"
LAYERS: Final = (GRIDS, BUILDINGS, INCIDENTS, STREETS, FLOOD_ZONES)

#: Columns of each layer and their kind: "str", "int", "float", "bool",
#: "datetime". The first column is the layer's id.
COLUMNS: Final[dict[str, dict[str, str]]] = {
    GRIDS: {
        "grid_id": "str",
        "name": "str",
        "community": "str",
        "worker": "str",
        "phone": "str",
    },
    BUILDINGS: {
        "building_id": "str",
        "name": "str",
        "grid_id": "str",
        "units": "int",
        "households": "int",
        "residents": "int",
        "elderly_alone": "int",
        "basement": "bool",
        "floors": "int",
        "head": "str",
        "head_phone": "str",
        "split": "bool",
    },
    INCIDENTS: {
        "incident_id": "str",
        "type": "str",
        "status": "str",
        "severity": "str",
        "reported_at": "str",
        "depth_cm": "float",
        "description": "str",
        "grid_id": "str",
        "building_id": "str",
        "building_dist_m": "float",
    },
    STREETS: {
        "street_id": "str",
        "name": "str",
        "highway": "str",
    },
    FLOOD_ZONES: {
        "zone_id": "str",
        "name": "str",
        "return_period_years": "int",
        "depth_m": "float",
        "source": "str",
    },
}

#: Columns the user must bring (or map with a field option); the rest are
#: derived (``grid_id``, ``building_id``...) or optional.
REQUIRED: Final[dict[str, tuple[str, ...]]] = {
    GRIDS: ("grid_id",),
    BUILDINGS: ("building_id",),
    INCIDENTS: ("incident_id", "type"),
    STREETS: (),
    FLOOD_ZONES: ("zone_id",),
}

#: Columns computed by the joins; a user's values are replaced.
DERIVED: Final[dict[str, tuple[str, ...]]] = {
    GRIDS: (),
    BUILDINGS: ("grid_id", "split"),
    INCIDENTS: ("grid_id", "building_id", "building_dist_m"),
    STREETS: (),
    FLOOD_ZONES: (),
}

ID_COLUMN: Final[dict[str, str]] = {
    GRIDS: "grid_id",
    BUILDINGS: "building_id",
    INCIDENTS: "incident_id",
    STREETS: "street_id",
    FLOOD_ZONES: "zone_id",
}

#: Geometry types allowed per layer (Point buildings where only locations
#: are known).
GEOMETRY_TYPES: Final[dict[str, tuple[str, ...]]] = {
    GRIDS: ("Polygon", "MultiPolygon"),
    BUILDINGS: ("Polygon", "MultiPolygon", "Point"),
    INCIDENTS: ("Point",),
    STREETS: ("LineString", "MultiLineString"),
    FLOOD_ZONES: ("Polygon", "MultiPolygon"),
}

SEVERITIES: Final = ("low", "medium", "high", "critical")

#: Condition of a standing asset (rain grates).
ASSET_STATUSES: Final = ("ok", "blocked", "damaged", "missing")
#: Lifecycle of an event (flooding, flying wire, user types).
EVENT_STATUSES: Final = ("reported", "assigned", "resolved", "verified")
#: Statuses that count as "open" (still needing work).
OPEN_STATUSES: Final = frozenset({"blocked", "damaged", "missing", "reported", "assigned"})


@dataclass(frozen=True)
class IncidentType:
    """One incident type.

    Attributes
    ----------
    code
        Stable identifier stored in the data (ASCII, e.g. ``drain_grate``).
    label_zh, label_en
        What users read.
    asset
        True for standing assets whose status is their condition
        (:data:`ASSET_STATUSES`), False for events (:data:`EVENT_STATUSES`).
    color
        Map colour (CSS hex).
    icon
        Short glyph or icon name for the map marker.
    """

    code: str
    label_zh: str
    label_en: str
    asset: bool = False
    color: str = "#6a3d9a"
    icon: str = "!"

    @property
    def statuses(self) -> tuple[str, ...]:
        """Statuses valid for this type."""
        return ASSET_STATUSES if self.asset else EVENT_STATUSES

    @property
    def default_status(self) -> str:
        """Status given to a new incident of this type."""
        return "ok" if self.asset else "reported"


BUILTIN_TYPES: Final[dict[str, IncidentType]] = {
    t.code: t
    for t in (
        IncidentType("drain_grate", "雨水篦子", "Rain grate", True, "#1f78b4", "▦"),
        IncidentType("flooding", "积水点", "Flooding point", False, "#e31a1c", "≋"),
        IncidentType("flying_wire", "飞线", "Flying wire", False, "#ff7f00", "⚡"),
    )
}


def type_registry(extra: list[IncidentType] | None = None) -> dict[str, IncidentType]:
    """Built-in incident types plus the user's.

    Parameters
    ----------
    extra
        User types (from the store's ``incident_types`` table). A user type
        may not redefine a built-in code.

    Returns
    -------
    dict
        Code to type, built-in types first.
    """
    registry = dict(BUILTIN_TYPES)
    for t in extra or []:
        if t.code in BUILTIN_TYPES:
            msg = f"Incident type {t.code!r} is built in and cannot be redefined."
            raise OptionError(msg, "Choose another code for your type.")
        registry[t.code] = t
    return registry


def register_type(
    code: str,
    label_zh: str,
    label_en: str,
    *,
    asset: bool = False,
    color: str = "#6a3d9a",
    icon: str = "!",
) -> IncidentType:
    """Check and build a user incident type.

    Parameters
    ----------
    code
        Lower-case ASCII letters, digits and underscores, 2 to 40 long.
    label_zh, label_en
        Labels users read; neither may be empty.
    asset, color, icon
        See :class:`IncidentType`.

    Returns
    -------
    IncidentType
    """
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code or ""):
        msg = f"Incident type code {code!r} is not valid."
        raise OptionError(msg, "Use 2-40 lower-case ASCII letters, digits or '_', e.g. 'sewage_backup'.")
    if not (label_zh or "").strip() or not (label_en or "").strip():
        msg = f"Incident type {code!r} needs both a Chinese and an English label."
        raise OptionError(msg, "Give label_zh and label_en, e.g. '污水外溢' and 'Sewage backup'.")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        msg = f"Colour {color!r} of incident type {code!r} is not a #rrggbb colour."
        raise OptionError(msg, "Write it as '#rrggbb', e.g. '#6a3d9a'.")
    return IncidentType(code, label_zh.strip(), label_en.strip(), asset, color, icon[:2] or "!")
