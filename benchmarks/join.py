"""Benchmark: every foundation join on the city-scale set, against the
obvious geopandas code, in the same run.

    .venv/bin/python benchmarks/join.py [--grids 2000 --buildings 100000 --incidents 1000000]

Prints wall time and peak memory (RSS high-water mark, measured in a fresh
child process per contender so one does not inherit the other's peak) and
the speed ratio, and checks both give the same answers.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _data(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from geo.demo import make_city

    return make_city(7, grids=args.grids, buildings=args.buildings, incidents=args.incidents)


def _ours(args: argparse.Namespace, q: mp.Queue) -> None:  # type: ignore[type-arg]
    from geo.join import assign_buildings, assign_incidents
    from geo.summary import grid_summary

    layers = _data(args)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assign_incidents(layers["incidents"].iloc[:1000], layers["grids"], layers["buildings"])  # compile kernels
    t0 = time.perf_counter()
    b = assign_buildings(layers["buildings"], layers["grids"])
    t1 = time.perf_counter()
    i = assign_incidents(layers["incidents"], layers["grids"], b)
    t2 = time.perf_counter()
    s = grid_summary(layers["grids"], b, i)
    t3 = time.perf_counter()
    q.put({
        "buildings_s": t1 - t0, "incidents_s": t2 - t1, "summary_s": t3 - t2, "total_s": t3 - t0,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "data_mb": base / 1024,
        "grid_ids": i["grid_id"].fillna("").tolist()[::997], "building_ids": i["building_id"].fillna("").tolist()[::997],
        "dist": i["building_dist_m"].fillna(-1).round(1).tolist()[::997], "b_grid": b["grid_id"].fillna("").tolist()[::97],
        "outside": int(s["incidents"].iloc[-1]),
        "matched": int(i["building_id"].notna().sum()), "dist_sum_km": float(i["building_dist_m"].sum() / 1000),
        "grid_full": i.set_index("incident_id")["grid_id"].fillna(""),
    })


def _obvious(args: argparse.Namespace, q: mp.Queue) -> None:  # type: ignore[type-arg]
    import geopandas as gpd

    from geo.crs import local_metric_crs

    layers = _data(args)
    grids, buildings, incidents = layers["grids"], layers["buildings"], layers["incidents"]
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    crs = local_metric_crs(grids)
    gm, bm = grids.to_crs(crs), buildings.to_crs(crs)
    ov = gpd.overlay(bm[["building_id", "geometry"]], gm[["grid_id", "geometry"]], how="intersection", keep_geom_type=True)
    ov["a"] = ov.area
    b_grid = ov.sort_values(["building_id", "a"], ascending=[True, False]).drop_duplicates("building_id")
    t1 = time.perf_counter()
    j = gpd.sjoin(incidents[["incident_id", "geometry"]], grids[["grid_id", "geometry"]], predicate="intersects", how="left")
    j = j.sort_values(["incident_id", "grid_id"]).drop_duplicates("incident_id")
    im = incidents[["incident_id", "geometry"]].to_crs(crs)
    n = gpd.sjoin_nearest(im, bm[["building_id", "geometry"]], max_distance=30, how="left", distance_col="d")
    n = n.drop_duplicates("incident_id")
    t2 = time.perf_counter()
    q.put({"buildings_s": t1 - t0, "incidents_s": t2 - t1, "total_s": t2 - t0,
           "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "data_mb": base / 1024,
           "matched": int(n["building_id"].notna().sum()), "b_grid_n": len(b_grid), "j": len(j),
           "dist_sum_km": float(n["d"].sum() / 1000), "grid_full": j.set_index("incident_id")["grid_id"].fillna("")})


def _run(target, args):  # type: ignore[no-untyped-def]
    q: mp.Queue = mp.get_context("fork").Queue()  # type: ignore[type-arg]
    p = mp.get_context("fork").Process(target=target, args=(args, q))
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--grids", type=int, default=2000)
    parser.add_argument("--buildings", type=int, default=100_000)
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--skip-obvious", action="store_true")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    print(f"data: {args.grids} grids, {args.buildings} buildings, {args.incidents} incidents (geo.demo.make_city)")
    ours = _run(_ours, args)
    print(f"GridWatch joins: buildings→grids {ours['buildings_s']:.2f} s, incidents→grids+nearest building "
          f"{ours['incidents_s']:.2f} s, summary {ours['summary_s']:.2f} s; total {ours['total_s']:.2f} s; "
          f"peak RSS {ours['peak_mb']:.0f} MB (data alone {ours['data_mb']:.0f} MB)")
    result = {"ours": {k: v for k, v in ours.items() if isinstance(v, int | float)}}
    if not args.skip_obvious:
        obv = _run(_obvious, args)
        print(f"obvious geopandas (overlay + sjoin + sjoin_nearest(max_distance=30)): buildings {obv['buildings_s']:.2f} s, "
              f"incidents {obv['incidents_s']:.2f} s; total {obv['total_s']:.2f} s; peak RSS {obv['peak_mb']:.0f} MB")
        print(f"speed-up: {obv['total_s'] / ours['total_s']:.1f}x overall, "
              f"{obv['incidents_s'] / ours['incidents_s']:.1f}x on incidents")
        same_grid = int((ours["grid_full"] == obv["grid_full"].reindex(ours["grid_full"].index)).sum())
        print(f"same answers: grid of {same_grid:,} / {len(ours['grid_full']):,} incidents identical; "
              f"{ours['matched']:,} vs {obv['matched']:,} incidents linked to a building within 30 m; "
              f"summed distance {ours['dist_sum_km']:.3f} km vs {obv['dist_sum_km']:.3f} km")
        result["obvious"] = {k: v for k, v in obv.items() if isinstance(v, int | float)}
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
