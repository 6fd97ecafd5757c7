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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from .errors import OptionError

STORAGE_CRS: Final = "EPSG:4326"

GRIDS: Final = "grids"
BUILDINGS: Final = "buildings"
INCIDENTS: Final = "incidents"
STREETS: Final = "streets"
FLOOD_ZONES: Final = "flood_zones"
LAYERS: Final = (GRIDS, BUILDINGS, INCIDENTS, STREETS, FLOOD_ZONES)
#: Plain table of the vulnerable residents register (rain emergency; personal data).
REGISTER: Final = "vulnerable_residents"
#: Plain table of inspection records imported from filled-in checklists.
INSPECTIONS: Final = "inspections"

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
        # the case of an event (geo.cases): kept by the workflow, empty for assets
        "urgency": "str",
        "party": "str",
        "opened_at": "str",
        "stage_at": "str",
        "step_at": "str",
        "paused_s": "float",
        "paused_ws": "float",
        "step_paused_s": "float",
        "step_paused_ws": "float",
        "parked_from": "str",
        "accepted_at": "str",
        "dispatched_at": "str",
        "handled_at": "str",
        "handled_by": "str",
        "handled_late": "bool",
        "closed_at": "str",
        "reworks": "int",
        "on_spot": "bool",
        "merged_into": "str",
        "asset_id": "str",
        "reason": "str",
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
#: Lifecycle of an event (flooding, flying wire, user types): the stages of
#: its case (:mod:`geo.cases.workflow`, after GB/T 30428).
EVENT_STATUSES: Final = ("reported", "accepted", "dispatched", "in_progress", "handled", "closed",
                         "cancelled", "merged", "parked", "reopened")
#: Stages at which a case has ended.
ENDED_STAGES: Final = frozenset({"closed", "cancelled", "merged"})
#: Statuses that count as "open" (still needing work): an asset's faults and a case not ended.
OPEN_STATUSES: Final = frozenset({"blocked", "damaged", "missing"} | (set(EVENT_STATUSES) - ENDED_STAGES))
#: Event statuses of releases before cases, and the stage each now reads as.
LEGACY_STAGES: Final = {"assigned": "dispatched", "resolved": "handled", "verified": "closed"}
#: Columns of an incident kept by the case workflow (:mod:`geo.cases`); an
#: import never takes them from a file for a case already stored.
CASE_COLUMNS: Final = ("urgency", "party", "opened_at", "stage_at", "step_at", "paused_s", "paused_ws",
                       "step_paused_s", "step_paused_ws", "parked_from", "accepted_at", "dispatched_at",
                       "handled_at", "handled_by", "handled_late", "closed_at", "reworks", "on_spot",
                       "merged_into", "asset_id", "reason")
#: Urgency of a case (一般 / 紧急): picks its time limits.
URGENCIES: Final = ("normal", "urgent")


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
    color: str = "#009e73"
    icon: str = "●"

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
        # a problem found at a rain grate: its case, linked to the grate (asset_id)
        IncidentType("grate_fault", "篦子故障", "Grate fault", False, "#1f4e79", "⊠"),
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
    from dataclasses import replace

    registry = dict(BUILTIN_TYPES)
    for t in extra or []:
        if t.code in BUILTIN_TYPES:
            raise OptionError.of("types.builtin", code=t.code)
        if (t.color.lower(), t.icon) == LEGACY_STYLE:
            # Stored before types had their own style: each gets the next one.
            color, icon = next_style(registry)
            t = replace(t, color=color, icon=icon)
        registry[t.code] = t
    return registry


#: What every user type looked like before types had their own style (the
#: store's rows with it are given the palette's styles when read).
LEGACY_STYLE: Final = ("#6a3d9a", "!")

#: Colours given to user types, in order: the next one not used by the
#: store's types goes to a new type. Chosen to stay apart from the built-in
#: blue, red and orange and from each other for the common colour-vision
#: deficiencies (Okabe-Ito and Paul Tol's "muted" sets), and dark enough
#: for a white glyph on an open incident's marker.
TYPE_COLORS: Final = (
    "#009e73",  # bluish green
    "#cc79a7",  # reddish purple
    "#332288",  # indigo
    "#999933",  # olive
    "#882255",  # wine
    "#56b4e9",  # sky blue
    "#117733",  # green
    "#aa4499",  # purple
    "#44aa99",  # teal
    "#8c510a",  # brown
    "#661100",  # dark red-brown
    "#000000",  # black
)
#: Marker glyphs given to user types, in order (the built-in ones use ▦ ≋ ⚡,
#: unknown codes ?), so that types differ by shape as well as colour.
TYPE_ICONS: Final = ("●", "▲", "■", "◆", "★", "✚", "▼", "✖", "◐", "☂", "♨", "☎")


def next_style(existing: Mapping[str, IncidentType] | None = None) -> tuple[str, str]:
    """The colour and glyph of the next user type.

    The first of :data:`TYPE_COLORS` and of :data:`TYPE_ICONS` that no type
    of ``existing`` uses (built-in ones included); once all are used, they
    repeat in order.

    Parameters
    ----------
    existing
        The store's types (``Store.incident_types()``).

    Returns
    -------
    (colour, glyph)
    """
    types = list((existing or BUILTIN_TYPES).values())
    colors = {t.color.lower() for t in types}
    icons = {t.icon for t in types}
    n_user = sum(1 for t in types if t.code not in BUILTIN_TYPES)
    color = next((c for c in TYPE_COLORS if c not in colors), TYPE_COLORS[n_user % len(TYPE_COLORS)])
    icon = next((i for i in TYPE_ICONS if i not in icons), TYPE_ICONS[n_user % len(TYPE_ICONS)])
    return color, icon


def register_type(
    code: str,
    label_zh: str | None,
    label_en: str | None,
    *,
    asset: bool | None = None,
    color: str | None = None,
    icon: str | None = None,
    existing: Mapping[str, IncidentType] | None = None,
) -> IncidentType:
    """Check and build a user incident type (a new one, or a change to one).

    Parameters
    ----------
    code
        Lower-case ASCII letters, digits and underscores, 2 to 40 long.
    label_zh, label_en
        Labels users read; neither may be empty for a new type (a type of
        ``existing`` keeps the labels not given).
    asset
        See :class:`IncidentType` (an existing type keeps its own when None).
    color, icon
        Map colour (``#rrggbb``) and marker glyph (one or two characters).
        When not given: an existing type keeps its own, a new one gets the
        next unused of :data:`TYPE_COLORS` / :data:`TYPE_ICONS`
        (:func:`next_style`).
    existing
        The store's types, to pick an unused style and to change a type.

    Returns
    -------
    IncidentType
    """
    import re

    if not re.fullmatch(r"[a-z][a-z0-9_]{1,39}", code or ""):
        raise OptionError.of("types.bad_code", code=repr(code))
    if code in BUILTIN_TYPES:
        raise OptionError.of("types.builtin", code=code)
    old = (existing or {}).get(code)
    zh = (label_zh or "").strip() or (old.label_zh if old else "")
    en = (label_en or "").strip() or (old.label_en if old else "")
    if not zh or not en:
        raise OptionError.of("types.no_label", code=code)
    if old is not None:
        color = color or old.color
        icon = icon or old.icon
    if color is None or icon is None:
        auto_color, auto_icon = next_style(existing)
        color, icon = color or auto_color, icon or auto_icon
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", color):
        raise OptionError.of("types.bad_color", code=code, color=repr(color))
    glyph = icon.strip()
    if not glyph or len(glyph) > 2 or not glyph.isprintable():
        raise OptionError.of("types.bad_icon", code=code, icon=repr(icon))
    keep_asset = old.asset if (old is not None and asset is None) else bool(asset)
    return IncidentType(code, zh, en, keep_asset, color.lower(), glyph)
