"""Constants and builders shared by the demo generators (internal; see :mod:`geo.demo`).

The demo's centres and targets, the word lists names are made of, and the
vectorised builders: a local metric CRS, schema-ordered frames, rotated
rectangles, names, phone numbers and times.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import schema

Layers = dict[str, gpd.GeoDataFrame]
#: Centre of the demo community (WGS-84) and of the demo city.
COMMUNITY_CENTER: Final = (114.362, 30.518)
CITY_CENTER: Final = (114.33, 30.56)
COMMUNITY_AREA_M2: Final = 1_100_000.0
COMMUNITY_NAME: Final = "桂苑社区"
GRATE_TARGET: Final = 521
BUILDING_TARGET: Final = 172
_SURNAMES: Final = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊")
_GIVEN: Final = (
    "建国", "秀英", "桂兰", "志强", "淑芬", "国华", "玉珍", "德明", "丽华", "建华",
    "凤英", "文斌", "海燕", "立新", "春梅", "卫东", "红霞", "永刚", "玉兰", "爱民",
    "晓燕", "金华", "振华", "美玲", "德胜", "翠萍", "国强", "素珍", "长青", "小红",
    "伟", "芳", "敏", "静", "磊", "洋", "勇", "军", "杰", "娟",
)


_NUMERALS: Final = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
_PLACE_A: Final = tuple("桂枫松竹荷梅兰菊柳杉樱桃李杏梧桐榕槐楠芷")
_PLACE_B: Final = ("园", "苑", "湖", "山", "桥", "林", "港", "湾", "坡", "岭", "塘", "村")
#: Highway class: carriageway half-width (m), the kerb offset of its grates.
_HALF_WIDTH: Final = {"primary": 7.0, "secondary": 5.0, "residential": 3.5, "service": 3.0, "footway": 1.5}
_GRATE_TEXT: Final = {
    "ok": ("雨水篦子，状况良好", "雨水篦子，已清掏", "雨水篦子，排水通畅"),
    "blocked": ("落叶淤堵，需清掏", "泥沙淤积，排水不畅", "被垃圾覆盖"),
    "damaged": ("篦子断裂", "篦子松动移位", "井框破损"),
    "missing": ("篦子缺失，井口敞开，有坠落风险",),
}


_FLOOD_TEXT: Final = ("暴雨后路面积水，车辆难以通行", "低洼处积水，行人绕行", "积水漫入单元门口", "地下车库入口积水")
_WIRE_TEXT: Final = ("楼道窗口私拉电线给电动车充电", "一楼窗户拉线至车棚充电", "电线横跨楼间通道", "沿街商铺私拉电线经营")


def _local_crs(lon: float, lat: float) -> pyproj.CRS:
    """A transverse Mercator CRS in metres centred on ``lon``, ``lat``."""
    return pyproj.CRS.from_proj4(
        f"+proj=tmerc +lat_0={lat} +lon_0={lon} +k=1 +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


def _column(kind: str, values: object, n: int) -> pd.Series:
    """One column of ``n`` rows of a schema kind; ``values`` None for all-missing."""
    if kind == "int":
        return pd.Series(pd.array(values if values is not None else [pd.NA] * n, dtype="Int64"))
    if kind == "bool":
        return pd.Series(pd.array(values if values is not None else [pd.NA] * n, dtype="boolean"))
    if kind == "float":
        return pd.Series(np.asarray(values if values is not None else np.full(n, np.nan), dtype="float64"))
    if values is None:
        return pd.Series([None] * n, dtype=object)
    return pd.Series(np.asarray(values, dtype=object), dtype=object)


def _frame(layer: str, data: Mapping[str, object], geoms: np.ndarray, crs: pyproj.CRS | str) -> gpd.GeoDataFrame:
    """A layer in schema column order, missing columns empty, projected to WGS-84.

    Parameters
    ----------
    layer
        Schema layer name.
    data
        Column values (arrays or lists), by schema column name.
    geoms
        Shapely geometries in ``crs``.
    crs
        The CRS the geometries are in (projected to WGS-84 unless already).
    """
    n = len(geoms)
    cols = {c: _column(kind, data.get(c), n) for c, kind in schema.COLUMNS[layer].items()}
    gdf = gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geoms, crs=crs))
    return gdf if gdf.crs.equals(schema.STORAGE_CRS) else gdf.to_crs(schema.STORAGE_CRS)


def _lonlat(xy: np.ndarray, crs: pyproj.CRS) -> np.ndarray:
    """Project coordinates (any shape ending in 2) from ``crs`` to WGS-84 longitude/latitude."""
    tr = pyproj.Transformer.from_crs(crs, schema.STORAGE_CRS, always_xy=True)
    lon, lat = tr.transform(xy[..., 0].ravel(), xy[..., 1].ravel())
    return cast(np.ndarray, np.stack([lon, lat], axis=-1).reshape(xy.shape))


def _rectangles(cx: np.ndarray, cy: np.ndarray, length: np.ndarray, depth: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotated rectangles (vectorised), long side along ``angle`` (radians)."""
    return cast(np.ndarray, shapely.polygons(_rectangle_coords(cx, cy, length, depth, angle)))


def _rectangle_coords(cx: np.ndarray, cy: np.ndarray, length: np.ndarray, depth: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Closed rings of rotated rectangles, shape (n, 5, 2)."""
    ux, uy = np.cos(angle), np.sin(angle)
    signs = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float)
    a = signs[None, :, 0] * (length / 2)[:, None]
    b = signs[None, :, 1] * (depth / 2)[:, None]
    x = cx[:, None] + a * ux[:, None] - b * uy[:, None]
    y = cy[:, None] + a * uy[:, None] + b * ux[:, None]
    return np.stack([x, y], axis=-1)


def _person_names(rng: np.random.Generator, n: int) -> list[str]:
    """Fictional Chinese person names."""
    s = rng.integers(0, len(_SURNAMES), n)
    g = rng.integers(0, len(_GIVEN), n)
    return [_SURNAMES[i] + _GIVEN[j] for i, j in zip(s.tolist(), g.tolist(), strict=True)]


def _phones(rng: np.random.Generator, n: int) -> list[str]:
    """Fictional 11-digit mobile numbers starting 13x."""
    third = rng.integers(0, 10, n)
    rest = rng.integers(0, 100_000_000, n)
    return [f"13{a}{b:08d}" for a, b in zip(third.tolist(), rest.tolist(), strict=True)]


def _timestamps(rng: np.random.Generator, n: int, start: str, end: str) -> np.ndarray:
    """ISO 8601 local times (+08:00) uniformly between two dates."""
    t0 = np.datetime64(start, "s")
    span = int((np.datetime64(end, "s") - t0).astype(np.int64))
    t = t0 + rng.integers(0, span, n).astype("timedelta64[s]")
    return np.char.add(np.datetime_as_string(t, unit="s"), "+08:00").astype(object)


def _grid_name(k: int) -> str:
    """``第一网格`` for 1 up to ``第九十九网格``."""
    if k <= 10:
        return f"第{_NUMERALS[k - 1]}网格"
    tens, ones = divmod(k, 10)
    head = ("" if tens == 1 else _NUMERALS[tens - 1]) + "十"
    return f"第{head}{_NUMERALS[ones - 1] if ones else ''}网格"


def _asset_severity(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    """Severity of a grate from its condition."""
    high = rng.random(len(status)) < 0.35
    return np.select(
        [status == "ok", status == "blocked", status == "damaged"],
        [np.full(len(status), "low"), np.where(high, "high", "medium"), np.where(high, "high", "medium")],
        np.where(high, "critical", "high"),
    )
