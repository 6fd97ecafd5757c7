"""Map controls: full screen, measure, locate me, scale bar; and the base map."""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium import plugins
from jinja2 import Template

from geo.i18n import t

from .assets import MapAssets, localize
from .basemaps import Basemap, tile_layers

__all__ = ["MeasureOnSvg", "MetricScale", "base_map"]


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
        control_scale=False,  # Leaflet's adds feet and miles: MetricScale below
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
    MetricScale().add_to(m)
    measure = plugins.MeasureControl(position="topleft", primary_length_unit="meters",
                                     secondary_length_unit="kilometers", primary_area_unit="sqmeters",
                                     secondary_area_unit="hectares",
                                     localization=t("map.measure_lang", lang))
    measure.add_to(m)
    MeasureOnSvg(measure).add_to(m)
    plugins.LocateControl(position="topleft", icon="gw-locate", strings={"title": t("map.locate", lang)},
                          flyTo=True, keepCurrentZoomLevel=False).add_to(m)
    localize(m)
    return m


class MetricScale(MacroElement):
    """A scale bar in metres only (Leaflet's default adds feet and miles)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({ position: "bottomleft", imperial: false, metric: true }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class MeasureOnSvg(MacroElement):
    """Draw the measure tool's lines and vertices with SVG.

    leaflet-measure styles its vertices through their SVG ``<path>``; on a
    map that prefers canvas (ours: thousands of buildings) they have none,
    and the first click throws, so nothing can be measured. The control's
    shapes get an SVG renderer of their own; the layers stay on canvas.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (control) {
          var svg = L.svg({ padding: 0.5 }), symbols = control._symbols, get = symbols.getSymbol;
          symbols.getSymbol = function (name) { return L.extend({}, get.call(symbols, name), { renderer: svg }); };
        })({{ this.control.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, control: plugins.MeasureControl) -> None:
        super().__init__()
        self._name = "MeasureOnSvg"
        self.control = control
