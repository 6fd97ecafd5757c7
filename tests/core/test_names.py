"""Names told apart where they repeat (geo/names.py) and the per-community figures (geo/communities.py)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo import demo, schema
from geo.communities import community_summary, worst
from geo.join import join_layers
from geo.names import grid_label, grid_labels, labels_of
from geo.summary import grid_summary


def test_a_name_repeated_across_communities_is_qualified_by_its_community():
    grids = pd.DataFrame({"grid_id": ["G1", "G2", "G3", "G4"],
                          "name": ["第五网格", "第五网格", "第六网格", "桂园一号"],
                          "community": ["桂园社区", "枫园社区", "桂园社区", "桂园社区"]})
    assert grid_labels(grids) == {"G1": "桂园社区 · 第五网格", "G2": "枫园社区 · 第五网格", "G3": "第六网格",
                                  "G4": "桂园一号"}


def test_a_name_repeated_in_one_community_or_without_one_adds_the_id():
    grids = pd.DataFrame({"grid_id": ["A", "B", "C", "D", "E", "F", "G"],
                          "name": ["Block 3000", "Block 3000", "Block 7", "Block 7", None, "Only", "  Block 7 "],
                          "community": ["东", "西", "东", "东", "东", None, float("nan")]})
    assert grid_labels(grids) == {"A": "东 · Block 3000", "B": "西 · Block 3000", "C": "东 · Block 7 (C)",
                                  "D": "东 · Block 7 (D)", "E": "E", "F": "Only", "G": "Block 7 (G)"}


def test_a_grid_without_a_name_is_its_id_and_without_a_community_column_the_id_tells_apart():
    grids = pd.DataFrame({"grid_id": ["G1", "G2", "G3", 17], "name": [None, "", "x", "x"]})
    assert grid_labels(grids) == {"G1": "G1", "G2": "G2", "G3": "x (G3)", "17": "x (17)"}


def test_a_nameless_grid_whose_id_is_another_grids_name_is_still_told_apart():
    grids = pd.DataFrame({"grid_id": ["G1", "G2"], "name": [None, "G1"], "community": ["东", "西"]})
    labels = grid_labels(grids)
    assert labels == {"G1": "东 · G1", "G2": "西 · G1"} and len(set(labels.values())) == 2


def test_the_summarys_outside_row_is_no_grid():
    summary = pd.DataFrame({"grid_id": ["G1", "G2", ""], "name": ["a", "a", "(outside all grids)"],
                            "community": ["东", "西", None]})
    assert grid_labels(summary) == {"G1": "东 · a", "G2": "西 · a"}


def test_a_place_outside_every_grid_and_an_unknown_grid():
    labels = {"G1": "东 · a"}
    assert grid_label(labels, "G1", "网格外") == "东 · a"
    assert grid_label(labels, None, "网格外") == "网格外" and grid_label(labels, float("nan"), "网格外") == "网格外"
    assert grid_label(labels, "G9", "网格外") == "G9"
    assert labels_of(labels, ["G1", None, "G9"], "out") == ["东 · a", "out", "G9"]


def test_every_grid_of_the_city_has_a_label_of_its_own():
    """The city demo: 2,000 grids of 9 names in 225 communities, 2,000 labels."""
    grids = demo.make_city(grids=2000, buildings=0, incidents=0)[schema.GRIDS]
    assert grids["name"].nunique() == 9 and grids["community"].nunique() == 225
    labels = grid_labels(grids)
    assert len(labels) == 2000 and len(set(labels.values())) == 2000
    first = grids.iloc[0]
    assert labels[first["grid_id"]] == f"{first['community']} · {first['name']}"


# ------------------------------------------------------------------ communities


def _two_communities() -> pd.DataFrame:
    """Six grids in two communities (one grid without a community), buildings and incidents in them, one outside."""
    cells = [box(114.40 + k * 0.002, 30.50, 114.40 + (k + 1) * 0.002, 30.502) for k in range(6)]
    grids = gpd.GeoDataFrame({"grid_id": [f"G{k}" for k in range(6)],
                              "name": ["第一网格", "第二网格", "第三网格", "第一网格", "第二网格", "孤格"],
                              "community": ["东社区"] * 3 + ["西社区"] * 2 + [None],
                              "worker": ["w"] * 6, "phone": [""] * 6}, geometry=cells, crs=schema.STORAGE_CRS)
    bcols = {c: [None] * 6 for c in schema.COLUMNS[schema.BUILDINGS]}
    bcols.update(building_id=[f"B{k}" for k in range(6)], name=[f"{k}号楼" for k in range(6)],
                 households=[10, 0, 30, 40, 5, 7], residents=[20, 0, 60, 80, 9, 14], units=[1] * 6,
                 elderly_alone=[1, 0, 2, 3, 0, 1], basement=[True, False, False, True, False, False])
    bcols.pop("geometry", None)
    buildings = gpd.GeoDataFrame(bcols, geometry=[c.centroid.buffer(0.0002) for c in cells], crs=schema.STORAGE_CRS)
    rows, pts = [], []
    for k in range(6):
        for j in range(k + 1):
            rows.append({"incident_id": f"I{k}-{j}", "type": "flooding" if j % 2 else "drain_grate",
                         "status": "closed" if j == 0 else "reported", "severity": "low",
                         "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
            pts.append(Point(114.40 + k * 0.002 + 0.0003 + j * 0.0002, 30.5005))
    rows.append({"incident_id": "OUT", "type": "flooding", "status": "reported", "severity": "low",
                 "reported_at": "2026-07-01T08:00:00+08:00", "description": ""})
    pts.append(Point(114.3, 30.4))
    incidents = gpd.GeoDataFrame(rows, geometry=pts, crs=schema.STORAGE_CRS)
    for c in ("depth_cm", "building_dist_m"):
        incidents[c] = float("nan")
    joined = join_layers({schema.GRIDS: grids, schema.BUILDINGS: buildings, schema.INCIDENTS: incidents})
    return grid_summary(joined[schema.GRIDS], joined[schema.BUILDINGS], joined[schema.INCIDENTS])


def test_community_counts_add_up_to_their_grid_rows_and_ratios_are_recomputed():
    summary = _two_communities()
    comm = community_summary(summary).set_index("community")
    assert list(comm.index) == ["东社区", "西社区", ""]  # in the order they first appear; the outside row is none
    assert comm["grids"].tolist() == [3, 2, 1]
    grids = summary[summary["grid_id"] != ""]
    key = grids["community"].fillna("")
    counted = [c for c in summary.columns if c in ("area_km2", "buildings", "basements", "households", "residents",
                                                   "elderly_alone", "incidents", "open_incidents")
               or c.startswith("n_")]
    for col in counted:
        np.testing.assert_allclose(comm[col].to_numpy(dtype=float),
                                   grids.groupby(key, sort=False)[col].sum().to_numpy(dtype=float), err_msg=col)
        assert pd.api.types.is_numeric_dtype(comm[col]), col
    assert comm.loc["东社区", "incidents"] == 1 + 2 + 3 and comm.loc["西社区", "open_incidents"] == 3 + 4
    # every incident inside a grid counted once; the outside one in none
    assert int(comm["incidents"].sum()) == int(summary["incidents"].sum()) - 1
    east = grids[key == "东社区"]
    assert comm.loc["东社区", "incidents_per_100_households"] == pytest.approx(100 * 6 / 40, abs=0.01)
    assert comm.loc["东社区", "incidents_per_km2"] == pytest.approx(6 / east["area_km2"].sum(), abs=0.01)
    # not the mean of the grids' ratios (grid G1 has no households: no ratio)
    assert comm.loc["东社区", "incidents_per_100_households"] != pytest.approx(
        east["incidents_per_100_households"].mean(), abs=0.01)
    for col in ("grids", "incidents", "open_incidents"):
        assert pd.api.types.is_integer_dtype(comm[col]), col


def test_a_community_without_households_has_no_ratio_and_an_empty_summary_no_rows():
    summary = pd.DataFrame({"grid_id": ["G1", ""], "name": ["a", "out"], "community": ["东", None],
                            "area_km2": [0.0, np.nan], "households": [0, 0], "incidents": [3, 1],
                            "open_incidents": [1, 1], "incidents_per_km2": [np.nan, np.nan],
                            "incidents_per_100_households": [np.nan, np.nan]})
    comm = community_summary(summary)
    assert len(comm) == 1 and np.isnan(comm["incidents_per_km2"].iloc[0])
    assert np.isnan(comm["incidents_per_100_households"].iloc[0])
    assert community_summary(summary.iloc[0:0]).empty


def test_the_worst_community_by_a_figure():
    comm = community_summary(_two_communities())
    assert worst(comm, "open_incidents") == "西社区"  # 3 + 4 open against 0 + 1 + 2
    assert worst(comm, "incidents_per_100_households") == comm.sort_values(
        "incidents_per_100_households", ascending=False)["community"].iloc[0]
    assert worst(comm.iloc[0:0], "incidents") is None
