"""The folium element that hands a compact payload to ``gridwatch.js``."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from .encode import js_string, to_script_json

__all__ = ["GWLayer", "overlay"]


class GWLayer(MacroElement):
    """A layer drawn by ``GW.<factory>(payload)`` and added to its parent.

    Parameters
    ----------
    factory
        ``polygons``, ``points``, ``heat`` or ``live`` (functions of ``gridwatch.js``).
    payload
        JSON-ready data; see :mod:`layers.encode`.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = GW.reuse({{ this.key_json }}) || GW.keep({{ this.key_json }}, GW.{{ this.factory }}(JSON.parse({{ this.payload_literal }})));
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, factory: str, payload: dict[str, Any]) -> None:
        super().__init__()
        self._name = "GWLayer"
        if factory not in ("polygons", "points", "heat", "live"):
            msg = f"Unknown GridWatch layer factory {factory!r}."
            raise ValueError(msg)
        self.factory = factory
        self.payload = payload
        self.payload_json = to_script_json(payload)
        # The payload reaches the page as a string handed to JSON.parse: the
        # browser scans a string literal far faster than it parses an object
        # literal of the same size, and a reused layer's is never parsed.
        self.payload_literal = js_string(self.payload_json)
        digest = hashlib.blake2b(self.payload_json.encode("utf-8"), digest_size=12).hexdigest()
        self.key_json = to_script_json(f"{factory}:{payload.get('kind', '')}:{digest}")

    def __deepcopy__(self, memo: dict[int, Any]) -> GWLayer:
        # The payload is never changed after construction: a copy (the app
        # hands streamlit-folium a fresh copy of each cached layer on every
        # rerun) shares it instead of copying 100,000-element lists.
        new = copy.copy(self)
        memo[id(self)] = new
        new._children = copy.deepcopy(self._children, memo)
        new._parent = copy.deepcopy(self._parent, memo)
        return new


def overlay(name: str, layer: GWLayer, *, show: bool = True) -> folium.FeatureGroup:
    """Wrap a layer in a named feature group (one line in the layer control)."""
    fg = folium.FeatureGroup(name=name, show=show, overlay=True, control=True)
    fg.add_child(layer)
    return fg
