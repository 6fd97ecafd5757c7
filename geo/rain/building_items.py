"""The rows of a rain checklist about buildings and people (sections 3 to 5).

Buildings with a basement or garage, every unit's hallway light and drain
pipe, and the vulnerable residents to visit (from the buildings' counts
and the register of :func:`geo.rain.inspection.read_register`), each with
the building head's contact as the recipient may see it (the layers and
the register come masked for the recipient, :mod:`geo.privacy`). The
checklist (:mod:`geo.rain.checklist`) places them on the patrol route.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from . import _shared

__all__ = ["ITEM_FIELDS", "WHOLE_BUILDING", "building_items", "head_contacts", "prepare_register", "unit_items",
           "vulnerable_items"]


def head_contacts(buildings: gpd.GeoDataFrame) -> list[str]:
    """Each building's head and phone, as the buildings hold them (masked for the reader already).

    Returns
    -------
    list of str
        One per building.
    """
    heads = buildings["head"] if "head" in buildings.columns else pd.Series("", index=buildings.index)
    phones = buildings["head_phone"] if "head_phone" in buildings.columns else pd.Series("", index=buildings.index)
    return [" ".join(x for x in (_shared.text(h), _shared.text(p)) if x)
            for h, p in zip(heads, phones, strict=True)]


#: Fields of an item row before it is placed on the route.
ITEM_FIELDS: Final = ["section", "item_id", "where", "details", "contact", "last_status", "geometry"]


def building_items(section: str, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per building: ``basement`` (households, floors) or ``vulnerable`` (elderly, units).

    Returns
    -------
    DataFrame
        With :data:`ITEM_FIELDS`.
    """
    if buildings.empty:
        return pd.DataFrame(columns=ITEM_FIELDS)
    if section == "basement":
        details = [f"{h}户 · {f}层" for h, f in zip(buildings["_households"], buildings["_floors"], strict=True)]
    else:
        details = [f"独居老人{e}人 · {u}个单元 · {h}户" if u else f"独居老人{e}人 · {h}户" for e, u, h in
                   zip(buildings["_elderly_alone"], buildings["_units"], buildings["_households"], strict=True)]
    ids = buildings["building_id"].astype(str).to_numpy()
    return pd.DataFrame({
        "section": section, "item_id": ids,
        "where": [n or b for n, b in zip(buildings["_name"], ids, strict=True)], "details": details,
        "contact": head_contacts(buildings),
        "last_status": "", "geometry": buildings["_point"].to_numpy(),
    })


def prepare_register(register: pd.DataFrame | None) -> pd.DataFrame | None:
    """The register with text columns and a whole-number unit (0 = unknown).

    Returns
    -------
    DataFrame or None
        None without a usable register.
    """
    if register is None or register.empty or "building_id" not in register.columns:
        return None
    out = pd.DataFrame({"building_id": register["building_id"].map(_shared.text)})
    out["unit"] = pd.to_numeric(register.get("unit", pd.Series(index=register.index, dtype=float)),
                                errors="coerce").fillna(0).astype(int)
    for col in ("name", "category"):
        out[col] = register[col].map(_shared.text) if col in register.columns else ""
    out["category"] = out["category"].replace("", "独居老人")
    return out[out["building_id"] != ""]


def vulnerable_items(buildings: gpd.GeoDataFrame, register: pd.DataFrame | None, min_n: int) -> pd.DataFrame:
    """Section 5: buildings with at least ``min_n`` vulnerable residents.

    A building's count is the larger of its ``elderly_alone`` and its
    register entries. Registered residents are listed by unit (names as
    the reader may see them); the rest of a listed building in one row.

    Returns
    -------
    DataFrame
        With :data:`ITEM_FIELDS`.
    """
    reg = register[register["building_id"].isin(buildings["building_id"].astype(str))] \
        if register is not None else None
    counts = reg.groupby("building_id").size() if reg is not None else pd.Series(dtype=int)
    bid = buildings["building_id"].astype(str)
    n = np.maximum(buildings["_elderly_alone"].to_numpy(), bid.map(counts).fillna(0).astype(int).to_numpy())
    listed = buildings[n >= min_n]
    if reg is None or reg.empty:
        return building_items("vulnerable", listed)
    reg = reg[reg["building_id"].isin(listed["building_id"].astype(str))]
    plain = listed[~listed["building_id"].astype(str).isin(reg["building_id"])]
    rows = []
    by_id = listed.set_index(listed["building_id"].astype(str))
    contacts = dict(zip(by_id.index, head_contacts(by_id), strict=True))
    for (b, unit), people in reg.groupby(["building_id", "unit"], sort=True):
        row = by_id.loc[b]
        kinds = "、".join(f"{k}{len(g)}人" for k, g in people.groupby("category", sort=False))
        names = "、".join(x for x in (_shared.text(v) for v in people["name"]) if x)
        rows.append({
            "section": "vulnerable", "item_id": f"{b}/{unit}" if unit else b,
            "where": f"{row['_name'] or b} {unit}单元" if unit else f"{row['_name'] or b}（单元不详）",
            "details": f"{kinds}：{names}" if names else kinds, "contact": contacts[b],
            "last_status": "", "geometry": row["_point"],
        })
    if not rows:
        return building_items("vulnerable", plain)
    units = pd.DataFrame(rows, columns=ITEM_FIELDS)
    return pd.concat([building_items("vulnerable", plain), units], ignore_index=True) if len(plain) else units


#: Text of the unit column for a building whose number of units is not known.
WHOLE_BUILDING: Final = "全楼（单元数未登记）"


def unit_items(buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """Section 4: a light and a drain row per unit of every building.

    A building whose ``units`` is missing or 0 gets one pair of rows for the
    whole building (id = building id, unit column :data:`WHOLE_BUILDING`),
    never an invented "1单元": the inspector checks every stairway and notes
    what was found. A building without a name shows its id.

    Returns
    -------
    DataFrame
        With :data:`ITEM_FIELDS`.
    """
    if buildings.empty:
        return pd.DataFrame(columns=ITEM_FIELDS)
    known = buildings["_units"].to_numpy()
    units = np.maximum(known, 1)
    rep = np.repeat(np.arange(len(buildings)), units * 2)
    unit_no = np.concatenate([np.repeat(np.arange(1, u + 1), 2) if k > 0 else np.zeros(2, dtype=np.int64)
                              for u, k in zip(units, known, strict=True)])
    light = np.tile([True, False], int(units.sum()))
    bid = buildings["building_id"].astype(str).to_numpy()[rep]
    name = [n or b for n, b in zip(buildings["_name"].to_numpy()[rep], bid, strict=True)]
    contact = np.asarray(head_contacts(buildings), dtype=object)[rep]
    return pd.DataFrame({
        "section": np.where(light, "unit_light", "unit_drain"),
        "item_id": [f"{b}/{u}" if u else b for b, u in zip(bid, unit_no, strict=True)],
        "where": [f"{n} {u}单元" if u else f"{n} {WHOLE_BUILDING}" for n, u in zip(name, unit_no, strict=True)],
        "details": np.where(light, "楼道灯", "排水管"), "contact": contact, "last_status": "",
        "geometry": buildings["_point"].to_numpy()[rep],
    })
