"""Map controls: full screen, measure, locate me, scale bar; and the base map."""

from __future__ import annotations

from typing import Any

import folium
from folium import plugins

from geo.i18n import t

from .assets import MapAssets, localize
from .basemaps import Basemap, tile_layers

__all__ = ["base_map"]


def base_map(
    basemap: Basemap,
    *,
    bounds: list[list[float]] | None,
    lang: str = "zh",
    height: int = 640,
) -> folium.Map:
    """The map every layer goes on: tiles, controls and local assets.

    It holds no data, so it stays the same while filters change and the
    browser never reloads it (layers are added as streamlit-folium feature
    groups).

    Parameters
    ----------
    basemap
        Tiles to draw (see :mod:`layers.basemaps`).
    bounds
        ``[[south, west], [north, east]]`` to fit at first; None for China.
    lang
        Language of the controls.
    height
        Height in pixels.

    Returns
    -------
    folium.Map
    """
    start: dict[str, Any] = {"location": [30.5, 114.3], "zoom_start": 4} if bounds is None else {}
    m = folium.Map(
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height,
        max_zoom=20,
        zoom_snap=0.5,
        **start,
    )
    m.options["maxZoom"] = 20  # Leaflet.markercluster needs it, also with no tiles
    for layer in tile_layers(basemap):
        layer.add_to(m)
    if bounds is not None:
        m.fit_bounds(bounds, padding=(10, 10))
    MapAssets().add_to(m)
    plugins.Fullscreen(position="topleft", title=t("map.fullscreen", lang),
                       title_cancel=t("map.fullscreen_exit", lang)).add_to(m)
    plugins.MeasureControl(position="topleft", primary_length_unit="meters", secondary_length_unit=None,
                           primary_area_unit="sqmeters", secondary_area_unit=None,
                           localization=t("map.measure_lang", lang)).add_to(m)
    plugins.LocateControl(position="topleft", icon="gw-locate", strings={"title": t("map.locate", lang)},
                          flyTo=True, keepCurrentZoomLevel=False).add_to(m)
    localize(m)
    return m
