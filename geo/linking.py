"""The incident-to-building radius of a store: checked, read from its metadata, kept.

An incident is linked to the nearest building within this many metres
(default :data:`geo.join.NEAREST_BUILDING_M`); a store keeps its own in
its metadata (``link_distance_m``), set by an import's ``--link-distance``.
"""

from __future__ import annotations

import math
from typing import Final

from .errors import OptionError, StoreError
from .join import NEAREST_BUILDING_M
from .storage import Store, Transaction

__all__ = ["LINK_DISTANCE_KEY", "MAX_LINK_DISTANCE_M", "check_link_distance", "link_distance_of"]

#: Key of the store's metadata holding the incident-to-building radius (m).
LINK_DISTANCE_KEY: Final = "link_distance_m"
#: Largest radius accepted (m); beyond it an incident is no longer "at" a building.
MAX_LINK_DISTANCE_M: Final = 500.0


def check_link_distance(value: float | str) -> float:
    """The incident-to-building radius in metres, refusing impossible values.

    Parameters
    ----------
    value
        Metres (a number or its text, as typed after ``--link-distance``).

    Returns
    -------
    float: the radius, more than 0 and at most :data:`MAX_LINK_DISTANCE_M`.
    """
    hint = (f"Give metres above 0 and at most {MAX_LINK_DISTANCE_M:g}, e.g. --link-distance 15 "
            f"(the default is {NEAREST_BUILDING_M:g}).")
    try:
        metres = float(value)
    except (TypeError, ValueError):
        msg = f"Link distance {value!r} is not a number of metres."
        raise OptionError(msg, hint) from None
    if not math.isfinite(metres) or metres <= 0:
        msg = f"Link distance {value} m must be a distance above 0 m."
        raise OptionError(msg, hint)
    if metres > MAX_LINK_DISTANCE_M:
        msg = (f"Link distance {value} m is more than {MAX_LINK_DISTANCE_M:g} m: incidents would be linked "
               "to buildings blocks away.")
        raise OptionError(msg, hint)
    return metres


def link_distance_of(store: Store | Transaction) -> float:
    """The store's incident-to-building radius (m): its setting, else 30 m.

    Parameters
    ----------
    store
        The store (or a transaction on it) whose metadata may hold the setting.

    Returns
    -------
    float
    """
    text = store.meta().get(LINK_DISTANCE_KEY, "").strip()
    if not text or text.lower() in ("nan", "none"):
        return NEAREST_BUILDING_M
    try:
        return check_link_distance(text)
    except OptionError:
        where = getattr(store, "location", "")
        msg = f"Store {where!r} holds an unusable link distance {text!r}."
        raise StoreError(msg, "Import a layer again with --link-distance METRES to set it.") from None


def _keep_link_distance(tx: Transaction, metres: float | None) -> None:
    """Keep ``metres`` as the store's link distance (nothing when None)."""
    if metres is not None:
        tx.set_meta({LINK_DISTANCE_KEY: format(metres, ".15g")})
