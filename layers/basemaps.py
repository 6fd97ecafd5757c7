"""Base maps: OpenStreetMap, Chinese providers (GCJ-02 or keyed), any tile URL by configuration, or none (offline).

AutoNavi (高德) and Tencent tiles are drawn in GCJ-02, so WGS-84 data must be
shifted with :func:`geo.crs.china_shift` before it is drawn on them (the
:attr:`Basemap.shift` of such a base map says so), and a clicked position
shifted back. Tianditu (天地图) is in CGCS2000, which matches WGS-84 to well
under a metre, and needs a key.

Configuration (environment, read through :mod:`geo.settings`): ``GRIDWATCH_BASEMAP`` (default base map key),
``GRIDWATCH_TILES`` (a custom ``{z}/{x}/{y}`` URL), ``GRIDWATCH_TILES_ATTRIBUTION``,
``GRIDWATCH_TILES_CRS`` (``wgs84`` or ``gcj02``), ``GRIDWATCH_TIANDITU_KEY``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import folium

from geo import settings
from geo.i18n import t
from geo.settings import Settings

__all__ = ["BASEMAPS", "Basemap", "available", "default_key", "tile_layers"]


@dataclass(frozen=True)
class Basemap:
    """One base map.

    Attributes
    ----------
    key
        Stable identifier (``osm``, ``amap``...).
    url
        Leaflet tile URL template; empty for "no base map".
    attribution
        Attribution text shown on the map.
    shift
        ``"gcj02"`` when the tiles are in GCJ-02, else None.
    subdomains
        Values of ``{s}``.
    overlays
        Extra tile URLs drawn on top (labels).
    key_env
        Environment variable holding the provider key, substituted for
        ``{key}`` in the URLs; the base map is offered only when it is set.
    """

    key: str
    url: str
    attribution: str = ""
    shift: str | None = None
    subdomains: str = "abc"
    max_zoom: int = 19
    overlays: tuple[str, ...] = field(default_factory=tuple)
    key_env: str | None = None


_TDT = "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={{key}}"

BASEMAPS: Final[dict[str, Basemap]] = {
    b.key: b
    for b in (
        Basemap("osm", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "&copy; OpenStreetMap contributors", subdomains=""),
        Basemap("amap", "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
                "&copy; 高德地图 AutoNavi", shift="gcj02", subdomains="1234", max_zoom=18),
        Basemap("amap_sat", "https://webst0{s}.is.autonavi.com/appmaptile?style=6&x={x}&y={y}&z={z}",
                "&copy; 高德地图 AutoNavi", shift="gcj02", subdomains="1234", max_zoom=18,
                overlays=("https://webst0{s}.is.autonavi.com/appmaptile?style=8&x={x}&y={y}&z={z}",)),
        Basemap("tencent", "https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&type=vector&styleid=0",
                "&copy; 腾讯地图 Tencent", shift="gcj02", subdomains="0123", max_zoom=18),
        Basemap("tianditu", _TDT.format(s="{s}", layer="vec"), "&copy; 天地图 Tianditu", subdomains="01234567",
                max_zoom=18, overlays=(_TDT.format(s="{s}", layer="cva"),), key_env="GRIDWATCH_TIANDITU_KEY"),
        Basemap("none", ""),
    )
}


def _custom(config: Settings) -> Basemap | None:
    if not config.tiles:
        return None
    return Basemap("custom", config.tiles, config.tiles_attribution,
                   shift="gcj02" if config.tiles_crs == "gcj02" else None, subdomains="abc")


def available(env: Mapping[str, str] | None = None) -> dict[str, Basemap]:
    """Base maps the user can choose now (keyed ones only with their key)."""
    config = settings.current(env)
    out = {k: b for k, b in BASEMAPS.items() if b.key_env is None or config.by_variable(b.key_env)}
    custom = _custom(config)
    if custom is not None:
        out = {"custom": custom, **out}
    return out


def default_key(env: Mapping[str, str] | None = None) -> str:
    """``GRIDWATCH_BASEMAP`` if it names an available base map, else ``osm``."""
    key = settings.current(env).basemap
    return key if key in available(env) else "osm"


def label(key: str, lang: str) -> str:
    """What users read for base map ``key``."""
    return t(f"map.basemap_{key}", lang)


def tile_layers(basemap: Basemap, env: Mapping[str, str] | None = None) -> list[folium.TileLayer]:
    """Folium tile layers for ``basemap`` (none for ``none``)."""
    if not basemap.url:
        return []
    key = settings.current(env).by_variable(basemap.key_env) if basemap.key_env else ""
    out = []
    for i, url in enumerate((basemap.url, *basemap.overlays)):
        kwargs: dict[str, Any] = {}
        if basemap.subdomains:
            kwargs["subdomains"] = basemap.subdomains
        out.append(folium.TileLayer(
            tiles=url.replace("{key}", key), attr=basemap.attribution or " ", name=basemap.key,
            max_zoom=basemap.max_zoom, max_native_zoom=basemap.max_zoom, overlay=i > 0, control=False, **kwargs,
        ))
    return out
