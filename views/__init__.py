"""The app's pages ("views"): each is one module with a ``VIEW`` in it.

To add a view (a tab of the app), create ``views/<name>.py`` with::

    from views import AppContext, View

    def render(ctx: AppContext) -> None:
        ...  # Streamlit calls; ctx has the store, the data, filters, language

    VIEW = View(key="rain", label="rain.tab", order=30, render=render)

and add its tab label to ``geo/i18n.py`` (``"rain.tab": ("暴雨应急", "Rain emergency")``).
``app.py`` finds it by itself (:func:`discover`); nothing else to edit.
What the views share lives in :mod:`views.parts` (a package, so never taken
for a view), with ``context``, ``data`` and ``sidebar`` beside the views.
``GRIDWATCH_VIEWS=map,upload`` shows only the views named (a kiosk, or a
benchmark of the map alone).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geo import settings
from geo.access import User, allowed

if TYPE_CHECKING:
    from .context import AppContext

__all__ = ["AppContext", "View", "discover"]


@dataclass(frozen=True)
class View:
    """One tab of the app.

    Attributes
    ----------
    key
        Stable identifier.
    label
        Key of the tab's title in :data:`geo.i18n.STRINGS`.
    render
        Draws the tab's content from the app context.
    order
        Tabs are sorted by it (the map is 0).
    needs
        An action of :data:`geo.access.RULES`: the tab is offered only to
        users who may do it somewhere (``"users"``: administrators); empty
        for every signed-in user.
    """

    key: str
    label: str
    render: Callable[[AppContext], None] = field(compare=False)
    order: int = 50
    needs: str = ""

    def offered_to(self, user: User) -> bool:
        """Whether ``user`` gets this tab at all (the library refuses what they may not do anyway)."""
        return not self.needs or allowed(user, self.needs, anywhere=True)


def discover(user: User | None = None) -> list[View]:
    """Every ``VIEW`` defined by a module of this package, in tab order.

    Modules whose name starts with ``_``, ``context``, ``data``, ``sidebar``
    and subpackages (:mod:`views.parts`) are not views. Given ``user``,
    only the views offered to them (:meth:`View.offered_to`).
    """
    found: dict[str, View] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg or info.name.startswith("_") or info.name in ("context", "data", "sidebar"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        view = getattr(module, "VIEW", None)
        if isinstance(view, View):
            found[view.key] = view
    only = settings.current().views
    if only:
        found = {k: v for k, v in found.items() if k in only}
    if user is not None:
        found = {k: v for k, v in found.items() if v.offered_to(user)}
    return sorted(found.values(), key=lambda v: (v.order, v.key))


def __getattr__(name: str) -> Any:
    if name == "AppContext":
        from .context import AppContext

        return AppContext
    raise AttributeError(name)
