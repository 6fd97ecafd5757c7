"""Leaflet and its plugins, served by the app itself so the map works offline.

Folium and its plugins point at CDNs (jsdelivr, cdnjs...). Every element put
on a GridWatch map is rewritten by :func:`localize` to the copies that
``scripts/vendor_assets.sh`` installs under ``static/vendor/`` (from npm and
the folium wheel), which Streamlit serves at ``/app/static/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

__all__ = [
    "ASSETS",
    "STATIC_DIR",
    "MapAssets",
    "asset_url",
    "external_urls",
    "localize",
    "missing_assets",
]

#: Where the files are on disk and the URL prefix Streamlit serves them at.
STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"
URL_PREFIX: Final = os.environ.get("GRIDWATCH_STATIC_URL", "/app/static").rstrip("/")

#: Asset name -> path under static/. JS first, then CSS.
ASSETS: Final[dict[str, str]] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "jquery": "vendor/jquery/jquery.min.js",
    "markercluster": "vendor/markercluster/leaflet.markercluster.js",
    "fullscreen": "vendor/fullscreen/Control.FullScreen.js",
    "measure": "vendor/measure/leaflet-measure.js",
    "locate": "vendor/locate/L.Control.Locate.min.js",
    "heat": "vendor/heat/leaflet_heat.min.js",
    "gridwatch": "gridwatch/gridwatch.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markercluster_css": "vendor/markercluster/MarkerCluster.css",
    "markercluster_default_css": "vendor/markercluster/MarkerCluster.Default.css",
    "fullscreen_css": "vendor/fullscreen/Control.FullScreen.css",
    "measure_css": "vendor/measure/leaflet-measure.css",
    "locate_css": "vendor/locate/L.Control.Locate.min.css",
    "gridwatch_css": "gridwatch/gridwatch.css",
}

#: Folium's asset names (as in its ``default_js``/``default_css``) -> ours.
_FOLIUM_NAMES: Final[dict[str, str]] = {
    "leaflet": "leaflet",
    "leaflet_css": "leaflet_css",
    "markerclusterjs": "markercluster",
    "markerclustercss": "markercluster_css",
    "markerclusterdefaultcss": "markercluster_default_css",
    "Control.Fullscreen.js": "fullscreen",
    "Control.FullScreen.css": "fullscreen_css",
    "leaflet_measure_js": "measure",
    "leaflet_measure_css": "measure_css",
    "Control_locate_min_js": "locate",
    "Control_locate_min_css": "locate_css",
    "leaflet-heat.js": "heat",
}


def asset_url(name: str) -> str:
    """The URL the browser loads asset ``name`` from (same origin as the app)."""
    return f"{URL_PREFIX}/{ASSETS[name]}"


def missing_assets() -> list[str]:
    """Paths under ``static/`` that are not installed (empty when all are)."""
    return [p for p in ASSETS.values() if not (STATIC_DIR / p).is_file()]


class MapAssets(JSCSSMixin, MacroElement):
    """Every script and style the GridWatch layers need, all local.

    Put once on the base map, so layers added later without reloading the map
    (streamlit-folium's dynamic feature groups) find their plugins loaded.
    """

    _template = Template("")
    default_js = [(n, asset_url(n)) for n in ("leaflet", "markercluster", "heat", "gridwatch")]
    default_css = [(n, asset_url(n)) for n in ("leaflet_css", "markercluster_css",
                                               "markercluster_default_css", "gridwatch_css")]


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(getattr(element, "_children", {}).values()):
        yield from _walk(child)


def localize(element: Element) -> Element:
    """Point every asset of ``element`` and its children at the local copies.

    Folium's map also lists Bootstrap, Font Awesome and awesome-markers
    (for ``folium.Icon``), which GridWatch does not use: they are dropped.
    Leaflet and jQuery (folium's popups call it) are kept, local.

    Parameters
    ----------
    element
        A folium map (or any element with children).

    Returns
    -------
    The same element, changed in place.
    """
    for el in _walk(element):
        if isinstance(el, folium.Map):
            el.default_js = [("leaflet", asset_url("leaflet")), ("jquery", asset_url("jquery"))]
            el.default_css = [("leaflet_css", asset_url("leaflet_css"))]
            continue
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if not links:
                continue
            new = []
            for name, url in links:
                ours = _FOLIUM_NAMES.get(name)
                new.append((name, asset_url(ours) if ours else url))
            setattr(el, attr, new)
    return element


def external_urls(element: Element) -> list[str]:
    """Asset URLs of ``element`` and its children that are not local."""
    urls = []
    for el in _walk(element):
        for attr in ("default_js", "default_css"):
            urls += [u for _, u in getattr(el, attr, []) or [] if "://" in u or u.startswith("//")]
    return urls
