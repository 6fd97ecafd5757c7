"""A fictional demo community, and a city-sized set for benchmarks.

:func:`make_community` builds one community modelled on the reports in
``DOMAIN.md``: about 1.1 km² cut by its streets into 7 grids, about 170
buildings along an irregular street network, about 520 rain grates along the
kerbs, a dozen historical flooding points in the low spots of a synthetic
terrain and a few dozen flying wires beside dense buildings.
:func:`make_city` builds a city of such communities with vectorised
constructors (no Python loop per feature) for the benchmarks.

Everything is built in metres in a transverse Mercator CRS centred on the
site and projected to WGS-84 at the end. The site is a real-looking place
in Wuhan (Hongshan district); every name, person and phone number is made
up, and :func:`demo_meta` says so for the store's metadata. The same seed
gives byte-identical output. Derived columns (``grid_id`` and ``split`` on
buildings; ``grid_id``, ``building_id`` and ``building_dist_m`` on
incidents) are left empty: :mod:`geo.join` fills them.

:func:`make_register` adds a fictional register of vulnerable residents
consistent with the buildings (the store table
:data:`geo.rain.checklist.REGISTER`, also written as ``vulnerable_residents.csv``
by :func:`write_register_csv` in the format ``python -m geo
vulnerable-import`` reads), so the demo's checklists list residents unit by
unit.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from os import PathLike
from typing import Final, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import polygonize, substring, unary_union

from . import schema
from .errors import OptionError

__all__ = ["REGISTER_CSV", "demo_meta", "make_city", "make_community", "make_register", "write_register_csv"]

Layers = dict[str, gpd.GeoDataFrame]

#: Centre of the demo community (WGS-84) and of the demo city.
COMMUNITY_CENTER: Final = (114.362, 30.518)
CITY_CENTER: Final = (114.33, 30.56)
COMMUNITY_AREA_M2: Final = 1_100_000.0
COMMUNITY_NAME: Final = "桂苑社区"
GRATE_TARGET: Final = 521
BUILDING_TARGET: Final = 172
SCALES: Final = ("community", "city")
#: File name of the demo register of vulnerable residents in the demo folder.
REGISTER_CSV: Final = "vulnerable_residents.csv"
#: Register columns, as :func:`geo.rain.inspection.read_register` reads them.
_REGISTER_COLUMNS: Final = ("building_id", "unit", "name", "category")
#: Register categories: elderly living alone (one per ``elderly_alone``), and
#: the share of buildings given one resident of each other category.
_ELDERLY: Final = "独居老人"
_OTHER_VULNERABLE: Final = (("残疾人", 0.06), ("低保户", 0.04))

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


# --------------------------------------------------------------------------- shared helpers


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


def demo_meta(scale: str) -> dict[str, str]:
    """Metadata saying the demo data is fictional, for the store's ``meta`` table.

    Parameters
    ----------
    scale
        ``"community"`` or ``"city"``.

    Returns
    -------
    dict
        Keys ``fictional``, ``title``, ``note_zh``, ``note_en``, ``city``,
        ``scale``, ``center_lon``, ``center_lat``.
    """
    if scale not in SCALES:
        msg = f"Unknown demo scale {scale!r}."
        raise OptionError(msg, f"Use one of {', '.join(SCALES)}.")
    lon, lat = COMMUNITY_CENTER if scale == "community" else CITY_CENTER
    title = f"GridWatch 示例：{COMMUNITY_NAME}（虚构）" if scale == "community" else "GridWatch 示例：城市规模基准数据（虚构）"
    return {
        "fictional": "true",
        "title": title,
        "note_zh": "虚构示例社区：位置仿照武汉市洪山区，社区、道路、人名、电话和重点人群名单均为程序生成，并非真实数据。",
        "note_en": ("Fictional demo data: placed like a Wuhan (Hongshan) community; all names, people, phone numbers "
                    "and the register of vulnerable residents are generated."),
        "city": "武汉市洪山区（虚构）",
        "scale": scale,
        "center_lon": f"{lon}",
        "center_lat": f"{lat}",
    }


# --------------------------------------------------------------------------- vulnerable residents


def make_register(buildings: pd.DataFrame, seed: int = 7) -> pd.DataFrame:
    """A fictional register of vulnerable residents consistent with ``buildings``.

    Every building gets one 独居老人 row per ``elderly_alone`` (so the register
    adds up to the layer's counts), each in a unit drawn from ``1..units``
    (unit left empty where ``units`` is unknown); a few buildings also get a
    残疾人 or 低保户 resident. Vectorised (no Python loop per building), and
    drawn from its own generator so the layers of the same seed are
    unchanged.

    Parameters
    ----------
    buildings
        The buildings layer (``building_id``, ``units``, ``elderly_alone``).
    seed
        Seed of the random generator; the same seed gives the same register.

    Returns
    -------
    pandas.DataFrame
        Columns ``building_id``, ``unit``, ``name``, ``category`` as text,
        ordered by building (layer order), unit and category: the store
        table :data:`geo.rain.checklist.REGISTER`.
    """
    rng = np.random.default_rng([seed, 0x5E6])
    n = len(buildings)
    ids = buildings["building_id"].astype(str).to_numpy(dtype=object)
    units = pd.to_numeric(buildings["units"], errors="coerce").fillna(0).clip(lower=0).astype(int).to_numpy()
    elderly = pd.to_numeric(buildings["elderly_alone"], errors="coerce").fillna(0).clip(lower=0).astype(int).to_numpy()
    counts = [elderly] + [(rng.random(n) < share).astype(int) for _, share in _OTHER_VULNERABLE]
    cats = np.array([_ELDERLY] + [c for c, _ in _OTHER_VULNERABLE], dtype=object)
    which = np.concatenate([np.repeat(np.arange(n), c) for c in counts])
    kind = np.repeat(np.arange(len(cats)), [int(c.sum()) for c in counts])
    top = units[which]
    unit = np.where(top > 0, rng.integers(1, np.maximum(top, 1) + 1), 0)
    order = np.lexsort((kind, unit, which))
    which, kind, unit = which[order], kind[order], unit[order]
    unit_text = np.where(unit > 0, unit.astype(str).astype(object), "")
    return pd.DataFrame({
        "building_id": ids[which], "unit": unit_text.astype(object),
        "name": np.asarray(_person_names(rng, len(which)), dtype=object), "category": cats[kind],
    }, columns=list(_REGISTER_COLUMNS))


def write_register_csv(register: pd.DataFrame, path: str | PathLike[str]) -> None:
    """Write a register as the CSV ``python -m geo vulnerable-import`` reads.

    UTF-8 with a byte-order mark (so Excel and WPS open it in Chinese), a
    heading row ``building_id,unit,name,category``.

    Parameters
    ----------
    register
        As returned by :func:`make_register`.
    path
        The file to write (replaced if present).
    """
    from .safe import spreadsheet_frame

    table = spreadsheet_frame(register.reindex(columns=list(_REGISTER_COLUMNS)))  # ids may come from a user's file
    table.to_csv(path, index=False, encoding="utf-8-sig")


# --------------------------------------------------------------------------- community

#: Outline of the community (m, before jitter and scaling).
_OUTLINE: Final = ((-600, -470), (-90, -520), (560, -455), (610, -60), (545, 470), (30, 520), (-560, 480), (-620, 40))
#: Streets that cut the community into its 7 grids: name, class, vertices.
#: Each overshoots the road it tees into by a few metres so the network is noded.
_CUTS: Final = (
    ("桂苑大道", "primary", ((-720, 30), (-300, 10), (100, -30), (720, -10))),
    ("青松路", "secondary", ((-120, -620), (-90, -200), (-140, 200), (-100, 620))),
    ("枫林路", "secondary", ((-195, 290), (200, 240), (700, 300))),
    ("竹园路", "residential", ((-45, -250), (-400, -230), (-720, -280))),
    ("荷塘街", "residential", ((300, 18), (320, -300), (280, -620))),
)
_PERIMETER: Final = (("梅岭路", "secondary"), ("南湖东路", "primary"), ("杉林路", "secondary"), ("兰亭路", "residential"))
_LANE_NAMES: Final = ("桂苑一巷", "桂苑二巷", "桂苑三巷", "桂苑四巷", "桂苑五巷", "桂苑六巷", "桂苑七巷",
                      "樱花里", "梧桐里", "桃李里", "杏林里", "松风里", "竹韵里", "荷香里")


def make_community(seed: int = 7) -> Layers:
    """Generate the fictional demo community.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical data.

    Returns
    -------
    dict
        ``{'grids', 'buildings', 'incidents', 'streets'}``, GeoDataFrames in
        EPSG:4326 with the columns of :data:`geo.schema.COLUMNS`.
    """
    rng = np.random.default_rng(seed)
    crs = _local_crs(*COMMUNITY_CENTER)
    outline, cuts = _community_frame(rng)
    grids = _community_grids(outline, cuts)
    streets = _community_streets(rng, outline, cuts, grids)
    buildings, attrs = _community_buildings(rng, outline, streets, grids)
    incidents = _community_incidents(rng, outline, streets, grids, buildings, attrs)
    return {
        schema.GRIDS: _grid_layer(rng, grids, crs),
        schema.BUILDINGS: _frame(schema.BUILDINGS, attrs, np.array(buildings, dtype=object), crs),
        schema.INCIDENTS: _frame(schema.INCIDENTS, incidents, cast(np.ndarray, incidents["geometry"]), crs),
        schema.STREETS: _frame(
            schema.STREETS,
            {"street_id": [f"S{i + 1:03d}" for i in range(len(streets))],
             "name": [s[0] for s in streets], "highway": [s[1] for s in streets]},
            np.array([s[2] for s in streets], dtype=object), crs,
        ),
    }


def _community_frame(rng: np.random.Generator) -> tuple[Polygon, list[tuple[str, str, LineString]]]:
    """The jittered outline, scaled to 1.1 km², and the grid-cutting streets."""
    pts = np.array(_OUTLINE, dtype=float) + rng.uniform(-25, 25, (len(_OUTLINE), 2))
    scale = math.sqrt(COMMUNITY_AREA_M2 / Polygon(pts).area)
    outline = Polygon(np.round(pts * scale, 3))
    cuts = []
    for name, highway, coords in _CUTS:
        c = np.array(coords, dtype=float) * scale
        c[1:-1] += rng.uniform(-15, 15, (len(c) - 2, 2))
        cuts.append((name, highway, LineString(np.round(c, 3))))
    return outline, cuts


def _community_grids(outline: Polygon, cuts: list[tuple[str, str, LineString]]) -> list[Polygon]:
    """Split the outline along the cutting streets; faces ordered north-west first."""
    noded = unary_union([outline.exterior, *(line for _, _, line in cuts)])
    faces = [f for f in polygonize(noded) if f.area > 1000 and outline.contains(f.representative_point())]
    faces.sort(key=lambda f: (-round(f.centroid.y, -2), f.centroid.x))
    if len(faces) != 7:  # pragma: no cover - guards the fixed layout above
        msg = f"Demo layout produced {len(faces)} grids instead of 7."
        raise RuntimeError(msg)
    return faces


def _grid_layer(rng: np.random.Generator, faces: list[Polygon], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """The grids layer of the community."""
    n = len(faces)
    data = {
        "grid_id": [f"G{i + 1:02d}" for i in range(n)],
        "name": [_grid_name(i + 1) for i in range(n)],
        "community": [COMMUNITY_NAME] * n,
        "worker": _person_names(rng, n),
        "phone": _phones(rng, n),
    }
    return _frame(schema.GRIDS, data, np.array(faces, dtype=object), crs)


def _community_streets(
    rng: np.random.Generator, outline: Polygon, cuts: list[tuple[str, str, LineString]], grids: list[Polygon]
) -> list[tuple[str, str, LineString]]:
    """Perimeter roads, the cutting streets and bent lanes (some dead ends) in each grid."""
    ring = np.asarray(outline.exterior.coords)[:-1]
    k = len(ring)
    streets = []
    for i, (name, highway) in enumerate(_PERIMETER):
        idx = [(2 * i + j) % k for j in range(3)]
        streets.append((name, highway, LineString(ring[idx])))
    streets.extend(cuts)
    names = iter(_LANE_NAMES)
    for grid in grids:
        streets.extend(_grid_lanes(rng, grid, names))
    return streets


def _grid_lanes(rng: np.random.Generator, grid: Polygon, names: Iterator[str]) -> list[tuple[str, str, LineString]]:
    """One bent lane along a grid's long axis and a dead-end path across it."""
    rect = np.asarray(grid.minimum_rotated_rectangle.exterior.coords)
    e1, e2 = rect[1] - rect[0], rect[2] - rect[1]
    long_axis, short_axis = (e1, e2) if np.hypot(*e1) >= np.hypot(*e2) else (e2, e1)
    u = long_axis / np.hypot(*long_axis)
    v = short_axis / np.hypot(*short_axis)
    c = np.asarray(grid.centroid.coords[0]) + v * rng.uniform(-20, 20)
    bend = c + v * rng.uniform(-25, 25) + u * rng.uniform(-40, 40)
    main = _inside_part(LineString([c - u * 900, bend, c + u * 900]), grid)
    lanes = []
    if main is not None:
        if rng.random() < 0.5:  # dead end: stop short of the far street
            main = substring(main, 0, main.length - rng.uniform(40, 80))
        lanes.append((next(names), "residential", main))
    side = int(rng.choice([-1, 1]))
    start = np.asarray(main.interpolate(main.project(Point(c))).coords[0]) if main is not None else c
    path = _inside_part(LineString([start, start + v * side * 900]), grid)
    if path is not None and path.length > 60:
        highway = "footway" if rng.random() < 0.6 else "service"
        lanes.append((next(names), highway, substring(path, 0, path.length * 0.8)))
    return lanes


def _inside_part(line: LineString, grid: Polygon) -> LineString | None:
    """The longest part of ``line`` inside the grid (ending on its edge), or None."""
    part = line.intersection(grid)
    parts = list(getattr(part, "geoms", [part]))
    parts = [p for p in parts if isinstance(p, LineString) and not p.is_empty]
    return max(parts, key=lambda p: p.length) if parts else None


def _community_buildings(
    rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]], grids: list[Polygon]
) -> tuple[list[Polygon], dict[str, object]]:
    """About 170 buildings along the streets, none overlapping, with their attributes."""
    kerbs = unary_union([line.buffer(_HALF_WIDTH[h] + 2.0) for _, h, line in streets])
    inner = outline.buffer(-3.0)
    towers = np.array([0.1, 0.5, 0.15, 0.45, 0.05, 0.3, 0.15])[: len(grids)]
    candidates = _building_candidates(rng, streets, grids, towers)
    order = np.argsort([c[0] + rng.uniform(0, 1.5) for c in candidates], kind="stable")
    placed: list[Polygon] = []
    kinds: list[bool] = []
    for i in order.tolist():
        _, poly, tower = candidates[i]
        if not inner.contains(poly) or kerbs.intersects(poly):
            continue
        if placed and shapely.intersects(np.array(placed, dtype=object), poly.buffer(6.0)).any():
            continue
        placed.append(poly)
        kinds.append(tower)
        if len(placed) == BUILDING_TARGET:
            break
    placed, kinds = _order_buildings(placed, kinds, grids)
    return placed, _building_attributes(rng, placed, np.array(kinds), grids)


def _building_candidates(
    rng: np.random.Generator, streets: list[tuple[str, str, LineString]], grids: list[Polygon], towers: np.ndarray
) -> list[tuple[float, Polygon, bool]]:
    """Rectangles facing each street in rows of increasing distance: (row, polygon, tower)."""
    gridded = np.array(grids, dtype=object)
    out = []
    for _, highway, line in streets:
        station = rng.uniform(5, 20)
        while station < line.length - 5:
            p = line.interpolate(station)
            q = line.interpolate(min(station + 1.0, line.length))
            ang = math.atan2(q.y - p.y, q.x - p.x)
            g = np.flatnonzero(shapely.intersects(gridded, p.buffer(40)))
            tower = bool(rng.random() < towers[g[0]]) if len(g) else False
            length, depth = (rng.uniform(24, 34), rng.uniform(16, 22)) if tower else (rng.uniform(38, 62), rng.uniform(10, 13))
            for side in (-1, 1):
                for row in range(3):
                    off = _HALF_WIDTH[highway] + rng.uniform(8, 14) + depth / 2 + row * (depth + rng.uniform(14, 20))
                    cx = p.x + math.cos(ang + side * math.pi / 2) * off
                    cy = p.y + math.sin(ang + side * math.pi / 2) * off
                    poly = _rectangles(np.array([cx]), np.array([cy]), np.array([length]), np.array([depth]),
                                       np.array([ang + rng.normal(0, 0.02)]))[0]
                    out.append((float(row), poly, tower))
            station += length + rng.uniform(10, 18)
    return out


def _order_buildings(placed: list[Polygon], kinds: list[bool], grids: list[Polygon]) -> tuple[list[Polygon], list[bool]]:
    """Buildings ordered by grid, then north to south, west to east."""
    key = []
    for poly in placed:
        c = poly.centroid
        g = int(np.argmax([grid.intersection(poly).area for grid in grids]))
        key.append((g, -round(c.y, -1), c.x))
    order = sorted(range(len(placed)), key=lambda i: key[i])
    return [placed[i] for i in order], [kinds[i] for i in order]


def _building_attributes(rng: np.random.Generator, placed: list[Polygon], tower: np.ndarray, grids: list[Polygon]) -> dict[str, object]:
    """Units, households, residents, elderly living alone, basements, floors and heads."""
    n = len(placed)
    length = np.array([max(np.hypot(*np.diff(np.asarray(p.exterior.coords)[:3], axis=0).T)) for p in placed])
    floors = np.where(tower, rng.integers(18, 34, n), rng.choice([5, 6, 6, 6, 6, 7], n))
    units = np.where(tower, rng.integers(1, 3, n), np.clip(np.round(length / 13), 2, 6)).astype(int)
    households = units * floors * 2 - rng.integers(0, 3, n) * (~tower)
    residents = np.round(households * rng.uniform(2.1, 2.9, n)).astype(int)
    elderly = np.minimum(rng.geometric(0.45, n) - 1 + (~tower) * rng.integers(0, 2, n), 4)
    elderly[rng.choice(np.flatnonzero(~tower), 3, replace=False)] = [5, 6, 7]
    basement = np.where(tower, rng.random(n) < 0.85, rng.random(n) < 0.12)
    grid_of = [int(np.argmax([g.intersection(p).area for g in grids])) for p in placed]
    numbers = [grid_of[: i + 1].count(g) for i, g in enumerate(grid_of)]
    return {
        "building_id": [f"B{i + 1:03d}" for i in range(n)],
        "name": [f"{k}栋" for k in numbers],
        "units": units, "households": households, "residents": residents,
        "elderly_alone": elderly, "basement": basement, "floors": floors,
        "head": _person_names(rng, n), "head_phone": _phones(rng, n),
    }


def _elevation(x: np.ndarray, y: np.ndarray, seed: int = 0) -> np.ndarray:
    """A smooth synthetic terrain (m above an arbitrary datum) with a few hollows."""
    r = np.random.default_rng(seed + 1000)
    z = 22 + 1.5 * np.sin(x / 230 + r.uniform(0, 6)) + 1.2 * np.cos(y / 180 + x / 400 + r.uniform(0, 6))
    for cx, cy in r.uniform(-500, 500, (6, 2)):
        z -= 2.0 * np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * 70.0**2))
    return z


def _community_incidents(
    rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
    grids: list[Polygon], buildings: list[Polygon], attrs: dict[str, object],
) -> dict[str, object]:
    """Rain grates, flooding points and flying wires, concatenated in that order."""
    parts = [_grates(rng, outline, streets, buildings), _floods(rng, outline, streets, grids),
             _wires(rng, buildings, np.asarray(attrs["households"]), outline)]
    return {k: np.concatenate([np.asarray(p[k], dtype=object) for p in parts]) for k in parts[0]}


def _grates(rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
            buildings: list[Polygon]) -> dict[str, object]:
    """Rain grates every ~30 m on both kerbs of every street but footways."""
    inner = outline.buffer(-1.0)
    wet = [(h, line) for _, h, line in streets if h != "footway"]
    total = sum(2 * line.length for _, line in wet)
    spacing = float(np.clip(total / (GRATE_TARGET * 1.08), 25, 35))
    blocks = shapely.union_all(np.array(buildings, dtype=object))
    pts: list[Point] = []
    for highway, line in wet:
        for side in (-1.0, 1.0):
            kerb = line.offset_curve(side * (_HALF_WIDTH[highway] - 0.5))
            if kerb.is_empty:
                continue
            s = np.arange(rng.uniform(3, spacing), kerb.length, spacing) + rng.uniform(-3, 3)
            cand = shapely.line_interpolate_point(kerb, np.clip(s, 0, kerb.length))
            ok = shapely.contains(inner, cand) & ~shapely.intersects(blocks, cand)
            pts.extend(cand[ok].tolist())
    if len(pts) > GRATE_TARGET:
        keep = np.sort(rng.choice(len(pts), GRATE_TARGET, replace=False))
        pts = [pts[i] for i in keep]
    n = len(pts)
    status = rng.choice(schema.ASSET_STATUSES, n, p=[0.78, 0.14, 0.05, 0.03])
    sev = _asset_severity(rng, status)
    text = [str(rng.choice(_GRATE_TEXT[s])) for s in status.tolist()]
    return _incident_block("drain_grate", "DG", 4, pts, status, sev,
                           _timestamps(rng, n, "2026-05-10", "2026-07-01"), np.full(n, np.nan), text)


def _asset_severity(rng: np.random.Generator, status: np.ndarray) -> np.ndarray:
    """Severity of a grate from its condition."""
    high = rng.random(len(status)) < 0.35
    return np.select(
        [status == "ok", status == "blocked", status == "damaged"],
        [np.full(len(status), "low"), np.where(high, "high", "medium"), np.where(high, "high", "medium")],
        np.where(high, "critical", "high"),
    )


def _floods(rng: np.random.Generator, outline: Polygon, streets: list[tuple[str, str, LineString]],
            grids: list[Polygon]) -> dict[str, object]:
    """A dozen historical flooding points at the lowest spots along the streets (at most 3 a grid)."""
    lines = [line for _, h, line in streets if h != "footway"]
    cand = np.concatenate([shapely.line_interpolate_point(ln, np.arange(0, ln.length, 5.0)) for ln in lines])
    cand = cand[shapely.contains(outline.buffer(-5), cand)]
    xy = shapely.get_coordinates(cand)
    z = _elevation(xy[:, 0], xy[:, 1])
    grid_of = np.argmax(np.stack([shapely.contains(g, cand) for g in grids]), axis=0)
    per_grid = np.zeros(len(grids), dtype=int)
    chosen: list[int] = []
    for i in np.argsort(z, kind="stable").tolist():
        if per_grid[grid_of[i]] < 3 and all(np.hypot(*(xy[i] - xy[j])) > 70 for j in chosen):
            chosen.append(i)
            per_grid[grid_of[i]] += 1
        if len(chosen) == 12:
            break
    pts = [Point(xy[i] + rng.uniform(-2, 2, 2)) for i in chosen]
    n = len(pts)
    depth = np.round(np.clip(rng.gamma(3.0, 10.0, n) + (z[chosen].max() - z[chosen]) * 15, 8, 90), 0)
    status = rng.choice(schema.EVENT_STATUSES, n, p=[0.1, 0.1, 0.45, 0.35])
    sev = np.select([depth < 20, depth < 40, depth < 60], ["low", "medium", "high"], "critical")
    years = rng.choice(["2025", "2026"], n)
    when = np.array([_timestamps(rng, 1, f"{y}-06-10", f"{y}-08-31")[0] for y in years.tolist()], dtype=object)
    text = [f"{rng.choice(_FLOOD_TEXT)}，积水约{int(d)}厘米" for d in depth.tolist()]
    return _incident_block("flooding", "FL", 3, pts, status, sev, when, depth, text)


def _wires(rng: np.random.Generator, buildings: list[Polygon], households: np.ndarray, outline: Polygon) -> dict[str, object]:
    """Flying wires within ~10 m of the facades of dense buildings."""
    blocks = np.array(buildings, dtype=object)
    weight = households.astype(float) ** 1.5
    pts: list[Point] = []
    while len(pts) < 36:
        b = int(rng.choice(len(buildings), p=weight / weight.sum()))
        ring = buildings[b].exterior
        p = ring.interpolate(rng.uniform(0, ring.length))
        c = buildings[b].centroid
        d = np.array([p.x - c.x, p.y - c.y])
        q = Point(np.asarray(p.coords[0]) + d / np.hypot(*d) * rng.uniform(1, 6))
        if outline.contains(q) and not shapely.intersects(blocks, q).any():
            pts.append(q)
    n = len(pts)
    status = rng.choice(schema.EVENT_STATUSES, n, p=[0.5, 0.3, 0.15, 0.05])
    sev = rng.choice(["medium", "high"], n, p=[0.6, 0.4])
    return _incident_block("flying_wire", "FW", 3, pts, status, sev,
                           _timestamps(rng, n, "2026-08-01", "2026-11-15"), np.full(n, np.nan),
                           [str(rng.choice(_WIRE_TEXT)) for _ in range(n)])


def _incident_block(kind: str, prefix: str, width: int, pts: list[Point], status: np.ndarray, severity: np.ndarray,
                    when: np.ndarray, depth: np.ndarray, text: list[str]) -> dict[str, object]:
    """Columns of one incident type."""
    n = len(pts)
    return {
        "incident_id": [f"{prefix}{i + 1:0{width}d}" for i in range(n)],
        "type": [kind] * n, "status": status.tolist(), "severity": severity.tolist(),
        "reported_at": list(when), "depth_cm": depth.astype(float), "description": text,
        "geometry": np.array(pts, dtype=object),
    }


# --------------------------------------------------------------------------- city

_CELL_M: Final = 420.0


def make_city(seed: int = 7, *, grids: int = 2000, buildings: int = 100_000, incidents: int = 1_000_000) -> Layers:
    """Generate a city-sized fictional data set for benchmarks.

    Grids are the cells of a jittered lattice (irregular quadrilaterals that
    share their edges exactly), grouped 3 x 3 into communities; buildings
    are rotated rectangles in rows inside the grids (a few straddle a grid
    boundary); incidents are rain grates along streets and lanes, flying
    wires beside buildings and flooding points, so that most of them lie
    within 30 m of a building.

    Parameters
    ----------
    seed
        Seed of the random generator; the same seed gives identical data.
    grids, buildings, incidents
        How many of each (at least 1 grid).

    Returns
    -------
    dict
        ``{'grids', 'buildings', 'incidents', 'streets'}`` in EPSG:4326.
    """
    if grids < 1 or buildings < 0 or incidents < 0:
        msg = f"Cannot make a city of {grids} grids, {buildings} buildings and {incidents} incidents."
        raise OptionError(msg, "Give at least 1 grid and no negative counts.")
    rng = np.random.default_rng(seed)
    crs = _local_crs(*CITY_CENTER)
    nx = math.ceil(math.sqrt(grids))
    ny = math.ceil(grids / nx)
    nodes = _city_nodes(rng, nx, ny)
    quads = _city_quads(nodes, nx, grids)
    bld = _city_buildings(rng, quads, buildings)
    return {
        schema.GRIDS: _city_grid_layer(rng, quads, nx, crs),
        schema.BUILDINGS: _city_building_layer(rng, bld, crs),
        schema.INCIDENTS: _city_incidents(rng, quads, bld, incidents, crs),
        schema.STREETS: _city_streets(nodes, crs),
    }


def _city_nodes(rng: np.random.Generator, nx: int, ny: int) -> np.ndarray:
    """Jittered lattice nodes, shape (ny + 1, nx + 1, 2), centred on the origin."""
    jx, jy = np.meshgrid(np.arange(nx + 1, dtype=float), np.arange(ny + 1, dtype=float))
    xy = np.stack([jx - nx / 2, jy - ny / 2], axis=-1) * _CELL_M
    return np.round(xy + rng.uniform(-0.18, 0.18, xy.shape) * _CELL_M, 3)


def _city_quads(nodes: np.ndarray, nx: int, n: int) -> np.ndarray:
    """Corners (P00, P10, P11, P01) of the first ``n`` cells, row-major, shape (n, 4, 2)."""
    r, c = np.divmod(np.arange(n), nx)
    return np.stack([nodes[r, c], nodes[r, c + 1], nodes[r + 1, c + 1], nodes[r + 1, c]], axis=1)


def _bilinear(q: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Points at (u, v) in [0, 1]² of quads ``q`` (shape (n, 4, 2))."""
    u, v = u[:, None], v[:, None]
    out: np.ndarray = (1 - u) * (1 - v) * q[:, 0] + u * (1 - v) * q[:, 1] + u * v * q[:, 2] + (1 - u) * v * q[:, 3]
    return out


def _city_grid_layer(rng: np.random.Generator, quads: np.ndarray, nx: int, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Grids: each 3 x 3 block of cells is one community."""
    n = len(quads)
    r, c = np.divmod(np.arange(n), nx)
    block = (r // 3) * math.ceil(nx / 3) + c // 3
    within = (r % 3) * 3 + c % 3 + 1
    pairs = len(_PLACE_A) * len(_PLACE_B)
    names = [_PLACE_A[b % len(_PLACE_A)] + _PLACE_B[(b // len(_PLACE_A)) % len(_PLACE_B)]
             + (str(b // pairs + 1) if b >= pairs else "") + "社区" for b in range(int(block.max()) + 1)]
    data = {
        "grid_id": [f"G{i + 1:05d}" for i in range(n)],
        "name": [_grid_name(int(k)) for k in within],
        "community": [names[b] for b in block.tolist()],
        "worker": _person_names(rng, n),
        "phone": _phones(rng, n),
    }
    ring = np.concatenate([quads, quads[:, :1]], axis=1)
    return _frame(schema.GRIDS, data, shapely.polygons(_lonlat(ring, crs)), schema.STORAGE_CRS)


def _city_buildings(rng: np.random.Generator, quads: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Building centres, sizes and axes on a slot lattice inside each grid."""
    g = len(quads)
    counts = np.full(g, n // g) + (np.arange(g) < n % g)
    side = max(2, math.ceil(math.sqrt(max(counts.max(), 1) / 0.78)))
    cell = np.repeat(np.arange(g), counts)
    rank = np.arange(n) - np.repeat(np.cumsum(counts) - counts, counts)
    slots = np.argsort(rng.random((g, side * side)), axis=1)[cell, rank]
    su, sv = slots % side, slots // side
    lo, hi = 0.12, 0.88
    u = lo + (su + 0.5) / side * (hi - lo)
    v = lo + (sv + 0.5) / side * (hi - lo)
    q = quads[cell]
    straddle = (su == 0) & (rng.random(n) < 0.04)
    u = np.where(straddle, 0.0, u)
    centre = _bilinear(q, u, v)
    along = (q[:, 1] - q[:, 0]) * (1 - v)[:, None] + (q[:, 2] - q[:, 3]) * v[:, None]
    across = (q[:, 3] - q[:, 0]) * (1 - u)[:, None] + (q[:, 2] - q[:, 1]) * u[:, None]
    pitch_u = np.hypot(*along.T) * (hi - lo) / side
    pitch_v = np.hypot(*across.T) * (hi - lo) / side
    tower = rng.random(n) < 0.3
    length = np.minimum(np.where(tower, rng.uniform(20, 28, n), rng.uniform(30, 40, n)), 0.8 * pitch_u)
    depth = np.minimum(np.where(tower, rng.uniform(14, 18, n), rng.uniform(10, 13, n)), 0.45 * pitch_v)
    angle = np.arctan2(along[:, 1], along[:, 0]) + rng.normal(0, 0.03, n)
    return {"x": centre[:, 0], "y": centre[:, 1], "length": length, "depth": depth, "angle": angle,
            "gap": pitch_v - depth, "tower": tower, "rank": rank}


def _city_building_layer(rng: np.random.Generator, b: dict[str, np.ndarray], crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """The buildings layer from the building arrays."""
    n = len(b["x"])
    tower = b["tower"]
    floors = np.where(tower, rng.integers(18, 34, n), rng.choice([5, 6, 6, 6, 7], n))
    units = np.where(tower, rng.integers(1, 3, n), np.clip(np.round(b["length"] / 13), 2, 6)).astype(int)
    households = units * floors * 2
    elderly = np.minimum(rng.geometric(0.45, n) - 1, 7)
    data = {
        "building_id": [f"B{i + 1:06d}" for i in range(n)],
        "name": [f"{k + 1}栋" for k in b["rank"].tolist()],
        "units": units, "households": households,
        "residents": np.round(households * rng.uniform(2.1, 2.9, n)).astype(int),
        "elderly_alone": elderly,
        "basement": np.where(tower, rng.random(n) < 0.85, rng.random(n) < 0.12),
        "floors": floors, "head": _person_names(rng, n), "head_phone": _phones(rng, n),
    }
    rings = _rectangle_coords(b["x"], b["y"], b["length"], b["depth"], b["angle"])
    return _frame(schema.BUILDINGS, data, shapely.polygons(_lonlat(rings, crs)), schema.STORAGE_CRS)


def _city_incidents(rng: np.random.Generator, quads: np.ndarray, b: dict[str, np.ndarray], n: int,
                    crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Grates (85%: two thirds in lanes in front of buildings), flying wires (12%), flooding (3%)."""
    n_fl = round(0.03 * n)
    n_fw = round(0.12 * n) if len(b["x"]) else 0
    n_dg = n - n_fl - n_fw
    n_lane = round(0.66 * n_dg) if len(b["x"]) else 0
    xy = np.concatenate([
        _street_grates(rng, quads, n_dg - n_lane),
        _beside_buildings(rng, b, n_lane, lane=True),
        _beside_buildings(rng, b, n_fw, lane=False),
        _bilinear(quads[rng.integers(0, len(quads), n_fl)], rng.random(n_fl), rng.random(n_fl)),
    ])
    kind = np.repeat(np.array(["drain_grate", "flying_wire", "flooding"], dtype=object), [n_dg, n_fw, n_fl])
    status = np.concatenate([rng.choice(schema.ASSET_STATUSES, n_dg, p=[0.78, 0.14, 0.05, 0.03]),
                             rng.choice(schema.EVENT_STATUSES, n_fw, p=[0.5, 0.3, 0.15, 0.05]),
                             rng.choice(schema.EVENT_STATUSES, n_fl, p=[0.1, 0.1, 0.45, 0.35])]).astype(object)
    depth = np.concatenate([np.full(n_dg + n_fw, np.nan), np.round(rng.gamma(3.0, 10.0, n_fl) + 5)])
    severity = np.concatenate([_asset_severity(rng, status[:n_dg].astype(str)),
                               rng.choice(["medium", "high"], n_fw, p=[0.6, 0.4]),
                               np.select([depth[n_dg + n_fw:] < 20, depth[n_dg + n_fw:] < 40], ["low", "medium"], "high")])
    when = np.concatenate([_timestamps(rng, n_dg, "2026-05-10", "2026-07-01"),
                           _timestamps(rng, n_fw, "2026-08-01", "2026-11-15"),
                           _timestamps(rng, n_fl, "2025-06-10", "2026-08-31")])
    texts = {k: np.array(v, dtype=object) for k, v in _GRATE_TEXT.items()}
    desc = np.empty(n, dtype=object)
    for s, arr in texts.items():
        m = status[:n_dg] == s
        desc[:n_dg][m] = arr[rng.integers(0, len(arr), int(m.sum()))]
    desc[n_dg:n_dg + n_fw] = np.array(_WIRE_TEXT, dtype=object)[rng.integers(0, len(_WIRE_TEXT), n_fw)]
    desc[n_dg + n_fw:] = np.array(_FLOOD_TEXT, dtype=object)[rng.integers(0, len(_FLOOD_TEXT), n_fl)]
    prefix = np.repeat(np.array(["DG", "FW", "FL"], dtype=object), [n_dg, n_fw, n_fl])
    serial = np.concatenate([np.arange(1, k + 1) for k in (n_dg, n_fw, n_fl)])
    data = {
        "incident_id": [f"{p}{s:07d}" for p, s in zip(prefix.tolist(), serial.tolist(), strict=True)],
        "type": kind, "status": status, "severity": severity.astype(object), "reported_at": when,
        "depth_cm": depth, "description": desc,
    }
    return _frame(schema.INCIDENTS, data, shapely.points(_lonlat(xy, crs)), schema.STORAGE_CRS)


def _street_grates(rng: np.random.Generator, quads: np.ndarray, n: int) -> np.ndarray:
    """Points ~4-6 m inside a random edge of a random grid (the kerb of the street on it)."""
    cell = rng.integers(0, len(quads), n)
    edge = rng.integers(0, 4, n)
    a = quads[cell, edge]
    bb = quads[cell, (edge + 1) % 4]
    d = bb - a
    normal = np.stack([-d[:, 1], d[:, 0]], axis=1) / np.hypot(*d.T)[:, None]  # left = inside (CCW)
    out: np.ndarray = a + d * rng.uniform(0.02, 0.98, n)[:, None] + normal * rng.uniform(4, 6, n)[:, None]
    return out


def _beside_buildings(rng: np.random.Generator, b: dict[str, np.ndarray], n: int, *, lane: bool) -> np.ndarray:
    """Points in front of (``lane``: in the lane between rows) or against random buildings."""
    if n == 0:
        return np.empty((0, 2))
    i = rng.integers(0, len(b["x"]), n)
    ux, uy = np.cos(b["angle"][i]), np.sin(b["angle"][i])
    side = rng.choice([-1.0, 1.0], n)
    a = rng.uniform(-0.5, 0.5, n) * b["length"][i]
    if lane:
        off = b["depth"][i] / 2 + rng.uniform(0.2, 0.45, n) * np.maximum(b["gap"][i], 4.0)
    else:
        off = b["depth"][i] / 2 + rng.uniform(1.0, 6.0, n)
    off = off * side
    return np.stack([b["x"][i] + a * ux - off * uy, b["y"][i] + a * uy + off * ux], axis=1)


def _city_streets(nodes: np.ndarray, crs: pyproj.CRS) -> gpd.GeoDataFrame:
    """Lattice streets along the grid edges: rows and columns of lattice nodes."""
    lonlat = _lonlat(nodes, crs)
    rows = shapely.linestrings(lonlat)
    cols = shapely.linestrings(np.transpose(lonlat, (1, 0, 2)))
    lines = np.concatenate([rows, cols])
    nr = len(rows)
    names = [f"{_PLACE_A[i % len(_PLACE_A)]}{_PLACE_B[i // len(_PLACE_A) % len(_PLACE_B)]}路" for i in range(nr)]
    names += [f"{_PLACE_A[i % len(_PLACE_A)]}{_PLACE_B[i // len(_PLACE_A) % len(_PLACE_B)]}街" for i in range(len(cols))]
    highway = ["primary" if i % 4 == 0 else "secondary" for i in range(nr)]
    highway += ["primary" if i % 4 == 0 else "secondary" for i in range(len(cols))]
    data = {"street_id": [f"S{i + 1:05d}" for i in range(len(lines))], "name": names, "highway": highway}
    return _frame(schema.STREETS, data, lines, schema.STORAGE_CRS)
