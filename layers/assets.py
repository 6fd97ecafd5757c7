"""Leaflet and its plugins, served by the app itself so the map works offline.

Folium and its plugins point at CDNs (jsdelivr, cdnjs...). Every element put
on a GridWatch map is rewritten by :func:`localize` to the copies that
``scripts/vendor_assets.sh`` installs under ``static/vendor/`` (from npm and
the folium wheel), which Streamlit serves at ``/app/static/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from geo import settings

__all__ = [
    "ASSETS",
    "STATIC_DIR",
    "MapAssets",
    "asset_url",
    "bundle_url",
    "external_urls",
    "localize",
    "missing_assets",
    "script_url",
]

#: Where the files are on disk (Streamlit serves them at :func:`url_prefix`).
STATIC_DIR: Final = Path(__file__).resolve().parent.parent / "static"


def url_prefix() -> str:
    """The URL prefix the static files are served at (``GRIDWATCH_STATIC_URL``, read when used)."""
    return settings.current().static_url


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
    return f"{url_prefix()}/{ASSETS[name]}"


#: The scripts of :data:`ASSETS`, in the order the bundle holds them.
BUNDLE_JS: Final = ("leaflet", "jquery", "markercluster", "heat", "fullscreen", "measure", "locate", "gridwatch")
_BUNDLE_LOCK = threading.Lock()
_bundle: str | None = None


def bundle_url() -> str:
    """URL of one script holding every script of :data:`BUNDLE_JS`.

    streamlit-folium loads a map's scripts one after another, each waiting
    for the last: eight round trips before the map can start. The bundle is
    written once per process under ``static/vendor/bundle/``, named by its
    content's hash (a changed ``gridwatch.js`` gets a new name, so no browser
    keeps a stale copy). Where an asset is not installed the plain URLs are
    used instead (and :func:`missing_assets` says what to install).
    """
    global _bundle
    with _BUNDLE_LOCK:
        if _bundle is None:
            paths = [STATIC_DIR / ASSETS[n] for n in BUNDLE_JS]
            if not all(p.is_file() for p in paths):
                return asset_url("leaflet")
            parts = [p.read_bytes() for p in paths]
            # Each file ends its own statement: a file without a final
            # newline or semicolon must not run into the next one.
            body = b"".join(part + b"\n;\n" for part in parts)
            name = f"vendor/bundle/gw-{hashlib.blake2b(body, digest_size=8).hexdigest()}.js"
            target = STATIC_DIR / name
            if not target.is_file():
                tmp = target.with_suffix(f".{os.getpid()}.tmp")
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    tmp.write_bytes(body)
                    os.replace(tmp, target)
                except OSError:
                    # A read-only install: the scripts one by one still work.
                    with contextlib.suppress(OSError):
                        tmp.unlink(missing_ok=True)
                    return asset_url("leaflet")
            _bundle = name
        return f"{url_prefix()}/{_bundle}"


def script_url(name: str) -> str:
    """Where the browser gets script ``name``: the bundle when there is one."""
    url = bundle_url()
    return url if "/vendor/bundle/" in url else asset_url(name)


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

    def __init__(self) -> None:
        super().__init__()
        self.default_js = [(n, script_url(n)) for n in ("leaflet", "markercluster", "heat", "gridwatch")]
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
    Leaflet and jQuery (folium's popups call it) are kept, local. Scripts
    come from the one bundle of :func:`bundle_url` where it could be made.

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
            el.default_js = [("leaflet", script_url("leaflet")), ("jquery", script_url("jquery"))]
            el.default_css = [("leaflet_css", asset_url("leaflet_css"))]
            continue
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if not links:
                continue
            new = []
            for name, url in links:
                ours = _FOLIUM_NAMES.get(name)
                if ours is None:
                    new.append((name, url))
                else:
                    new.append((name, script_url(ours) if attr == "default_js" else asset_url(ours)))
            setattr(el, attr, new)
    return element


def external_urls(element: Element) -> list[str]:
    """Asset URLs of ``element`` and its children that are not local."""
    urls = []
    for el in _walk(element):
        for attr in ("default_js", "default_css"):
            urls += [u for _, u in getattr(el, attr, []) or [] if "://" in u or u.startswith("//")]
    return urls
