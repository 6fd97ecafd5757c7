"""Benchmark of the patrol route planner (issue 4). Not part of the test suite.

Three parts, all measured in the same run:

1. TSPLIB: gap to the proven optimum and wall time per instance for our
   pipeline (:func:`geo.routing.tsp.solve_tsp`), fast-tsp on its own, OR-Tools
   with its default search parameters, OR-Tools guided local search and
   PyVRP, each given the same budget (3 s up to about 1,000 points, pr1002
   included, 15 s above).
2. Several patrollers: the demo community's rain grates split between 5
   patrollers from one start: our longest route (makespan) against the
   lower bound (one tour / 5) and against OR-Tools minimising the global
   span, with the same time budget.
3. Speed: the demo's rain grates routed along its streets, everything
   included (network, snapping, distance matrix, search, geometry).

Run: ``.venv/bin/python benchmarks/routes.py [--quick]``; prints Markdown
tables for ``docs/benchmarks.md``. About 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pyproj

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.routing.split import route_length  # noqa: E402
from geo.routing.tsp import solve_tsp  # noqa: E402

TSPLIB = ROOT.parent / "shared" / "data" / "tsplib"
#: Instances up to this size get 3 s ("up to 1,000 points": pr1002 is one), larger ones 15 s.
SMALL = 1100


# -- TSPLIB ------------------------------------------------------------------------


def load_tsplib(path: Path) -> np.ndarray:
    """Node coordinates of a TSPLIB EUC_2D ``.tsp`` file, ``(n, 2)``."""
    text = path.read_text()
    if "EUC_2D" not in text:
        msg = f"{path.name} is not an EUC_2D instance"
        raise ValueError(msg)
    body = text.split("NODE_COORD_SECTION", 1)[1]
    rows = [line.split() for line in body.splitlines() if line.strip() and line.strip() != "EOF"]
    return np.array([[float(r[1]), float(r[2])] for r in rows])


def tsplib_matrix(xy: np.ndarray) -> np.ndarray:
    """TSPLIB EUC_2D distances: Euclidean, rounded to the nearest integer."""
    diff = xy[:, None, :] - xy[None, :, :]
    return np.floor(np.hypot(diff[..., 0], diff[..., 1]) + 0.5)


def optima() -> dict[str, int]:
    """Proven optimal tour lengths from ``solutions.txt``."""
    out = {}
    for line in (TSPLIB / "solutions.txt").read_text().splitlines():
        if ":" in line:
            name, value = line.split(":", 1)
            out[name.strip()] = int(value.split()[0])
    return out


def tour_cost(dist: np.ndarray, tour: list[int]) -> float:
    idx = np.asarray([*tour, tour[0]])
    return float(dist[idx[:-1], idx[1:]].sum())


def run_pipeline(dist: np.ndarray, budget: float) -> list[int]:
    return solve_tsp(dist, closed=True, time_limit=budget)[0]


def run_fast_tsp(dist: np.ndarray, budget: float) -> list[int]:
    import fast_tsp

    return list(fast_tsp.find_tour(dist.astype(np.int64), duration_seconds=budget))


def _ortools_model(dist: np.ndarray, vehicles: int = 1, depot: int = 0) -> tuple[Any, Any, int]:
    from ortools.constraint_solver import pywrapcp

    manager = pywrapcp.RoutingIndexManager(len(dist), vehicles, depot)
    routing = pywrapcp.RoutingModel(manager)
    transit = routing.RegisterTransitMatrix(np.rint(dist).astype(np.int64).tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(transit)
    return manager, routing, transit


def _ortools_routes(manager: Any, routing: Any, solution: Any, vehicles: int) -> list[list[int]]:
    routes = []
    for v in range(vehicles):
        route, index = [], routing.Start(v)
        while not routing.IsEnd(index):
            route.append(manager.IndexToNode(index))
            index = solution.Value(routing.NextVar(index))
        routes.append(route)
    return routes


def run_ortools_default(dist: np.ndarray, budget: float) -> list[int]:
    from ortools.constraint_solver import pywrapcp

    manager, routing, _ = _ortools_model(dist)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.time_limit.FromMilliseconds(int(budget * 1000))
    return _ortools_routes(manager, routing, routing.SolveWithParameters(params), 1)[0]


def run_ortools_gls(dist: np.ndarray, budget: float) -> list[int]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    manager, routing, _ = _ortools_model(dist)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(budget * 1000))
    return _ortools_routes(manager, routing, routing.SolveWithParameters(params), 1)[0]


def run_pyvrp(dist: np.ndarray, budget: float) -> list[int]:
    import pyvrp
    from pyvrp.stop import MaxRuntime

    n = len(dist)
    matrix = np.rint(dist).astype(np.int64)
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(0, 0) for _ in range(n)],
        clients=[pyvrp.Client(location=i) for i in range(1, n)],
        depots=[pyvrp.Depot(location=0)],
        vehicle_types=[pyvrp.VehicleType(num_available=1)],
        distance_matrices=[matrix],
        duration_matrices=[np.zeros_like(matrix)],
    )
    result = pyvrp.solve(data, stop=MaxRuntime(budget), seed=0, collect_stats=False)
    # clients are numbered from 0 among the clients; our nodes from 1 (node 0 is the depot)
    return [0, *[int(a.idx) + 1 for a in result.best.routes()[0] if a.is_client()]]


SOLVERS: dict[str, Callable[[np.ndarray, float], list[int]]] = {
    "GridWatch pipeline": run_pipeline,
    "fast-tsp alone": run_fast_tsp,
    "OR-Tools defaults": run_ortools_default,
    "OR-Tools GLS": run_ortools_gls,
    "PyVRP": run_pyvrp,
}


def tsplib_table(quick: bool) -> list[str]:
    best = optima()
    files = sorted(TSPLIB.glob("*.tsp"), key=lambda p: len(load_tsplib(p)))
    if quick:
        files = files[:4]
    lines = [
        "| instance | n | optimum | budget s | " + " | ".join(f"{s} gap % / s" for s in SOLVERS) + " |",
        "|---|---:|---:|---:|" + "---:|" * len(SOLVERS),
    ]
    gaps: dict[str, dict[str, list[float]]] = {s: {"le1000": [], "gt1000": []} for s in SOLVERS}
    for path in files:
        xy = load_tsplib(path)
        dist = tsplib_matrix(xy)
        n, opt = len(xy), best[path.stem]
        budget = 3.0 if n <= SMALL else 15.0
        cells = []
        for name, solver in SOLVERS.items():
            t0 = time.perf_counter()
            tour = solver(dist, budget)
            seconds = time.perf_counter() - t0
            assert sorted(tour) == list(range(n)), (name, path.stem)
            gap = 100 * (tour_cost(dist, tour) - opt) / opt
            gaps[name]["le1000" if n <= SMALL else "gt1000"].append(gap)
            cells.append(f"{gap:.2f} / {seconds:.1f}")
        lines.append(f"| {path.stem} | {n} | {opt} | {budget:.0f} | " + " | ".join(cells) + " |")
        print(lines[-1], flush=True)
    for size, label in (("le1000", "mean, n ≤ ~1,000 (3 s)"), ("gt1000", "mean, n > ~1,000 (15 s)")):
        if gaps["GridWatch pipeline"][size]:
            lines.append(f"| **{label}** | | | | " + " | ".join(f"**{np.mean(gaps[s][size]):.3f}**" for s in SOLVERS) + " |")
    return lines


# -- the demo community ---------------------------------------------------------------


def demo_grates() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, tuple[float, float]]:
    """The demo's streets, its rain grates and a start (the building nearest their centre)."""
    from geo.crs import local_metric_crs
    from geo.demo import make_community

    layers = make_community(7)
    incidents = layers["incidents"]
    grates = incidents[incidents["type"] == "drain_grate"]
    crs = local_metric_crs(grates)
    centre = grates.to_crs(crs).geometry.union_all().centroid
    buildings = layers["buildings"].to_crs(crs)
    nearest = buildings.geometry.distance(centre).idxmin()
    point = gpd.GeoSeries([buildings.geometry.loc[nearest].representative_point()], crs=crs).to_crs(4326).iloc[0]
    return layers["streets"], grates, (float(point.x), float(point.y))


def _xy(gdf: gpd.GeoDataFrame, crs: pyproj.CRS) -> tuple[np.ndarray, np.ndarray]:
    g = gdf.to_crs(crs).geometry
    return g.x.to_numpy(), g.y.to_numpy()


def _metric(lonlat: tuple[float, float], crs: pyproj.CRS) -> np.ndarray:
    x, y = pyproj.Transformer.from_crs(4326, crs, always_xy=True).transform(*lonlat)
    return np.array([[x, y]])


def speed_table(repeats: int = 5) -> list[str]:
    """The demo's grates along its streets: time per step, everything included."""
    from geo.routing.network import build_network, street_matrix
    from geo.routing.plan import plan_routes

    streets, grates, start = demo_grates()
    rows = []
    for time_limit in (1.0, 1.5):
        for _ in range(repeats):
            t0 = time.perf_counter()
            network = build_network(streets)
            t1 = time.perf_counter()
            plan = plan_routes(grates, network=network, start=start, time_limit=time_limit)
            t2 = time.perf_counter()
            rows.append((time_limit, t1 - t0, t2 - t1, t2 - t0, plan.makespan_m))
    # the matrix alone, and a long reference search on the same distances (start included)
    network = build_network(streets)
    xy = np.vstack([_metric(start, network.crs), np.column_stack(_xy(grates, network.crs))])
    t0 = time.perf_counter()
    matrix = street_matrix(network, xy, anchor=0)
    t_matrix = time.perf_counter() - t0
    reference = route_length(matrix.dist, solve_tsp(matrix.dist, start=0, time_limit=20.0)[0], None, True)
    lines = [
        f"{len(grates)} rain grates, {network.n_nodes} street nodes, {network.n_edges // 2} segments, "
        f"{network.total_length_m / 1000:.1f} km of streets; distance matrix alone {t_matrix:.2f} s.",
        "",
        "| time limit s | network s | plan s (matrix + search + geometry) | total s (max of 5) | route m (median) |",
        "|---:|---:|---:|---:|---:|",
    ]
    for tl in (1.0, 1.5):
        sel = [r for r in rows if r[0] == tl]
        lines.append(f"| {tl:.1f} | {np.median([r[1] for r in sel]):.2f} | {np.median([r[2] for r in sel]):.2f} | "
                     f"{max(r[3] for r in sel):.2f} | {np.median([r[4] for r in sel]):,.0f} |")  # fmt: skip
    lines.append("")
    lines.append(f"Reference: a 20 s search on the same distances: {reference:,.0f} m (closed tour from the same start).")
    lines += ["", *_real_streets_line()]
    return lines


def _real_streets_line() -> list[str]:
    """Matrix time on a real, denser network: 520 points on the Wuhan Optics Valley roads."""
    from geo.routing.network import build_network, street_matrix
    from geo.streets import load_streets

    path = ROOT.parent / "shared" / "data" / "china" / "wuhan_optics_valley_roads.geojson"
    if not path.exists():
        return []
    t0 = time.perf_counter()
    network = build_network(load_streets(path))
    t_build = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    edge = rng.integers(0, network.n_edges // 2, 520)
    share = rng.random((520, 1))
    xy = network.node_xy[network.u[edge]] * share + network.node_xy[network.v[edge]] * (1 - share)
    t0 = time.perf_counter()
    street_matrix(network, xy)
    t_matrix = time.perf_counter() - t0
    return [
        f"A real network for comparison: the Wuhan Optics Valley roads ({network.n_nodes} nodes, "
        f"{network.n_edges // 2} segments, {network.total_length_m / 1000:.0f} km) build in {t_build:.2f} s (reading included); "
        f"the matrix of 520 points on them takes {t_matrix:.2f} s."
    ]


def patrollers_table(k: int = 5, budgets: tuple[float, ...] = (2.0, 10.0)) -> list[str]:
    """Makespan of k patrollers from one start: ours, lower bound, OR-Tools global span."""
    from geo.routing.network import build_network, street_matrix
    from geo.routing.plan import plan_routes

    streets, grates, start = demo_grates()
    network = build_network(streets)
    xy = np.vstack([_metric(start, network.crs), np.column_stack(_xy(grates, network.crs))])
    matrix = street_matrix(network, xy, anchor=0)
    dist = matrix.dist
    tour = solve_tsp(dist, closed=True, start=0, time_limit=20.0)[0]
    bound = route_length(dist, tour, None, True) / k
    farthest = float((dist[0, 1:] + dist[1:, 0]).max())
    lines = [
        f"{len(grates)} rain grates, {k} patrollers starting and ending at one building; "
        f"one tour through all (20 s search) {bound * k:,.0f} m, so the lower bound (one tour / {k}) is {bound:,.0f} m "
        f"(the farthest grate and back is {farthest:,.0f} m).",
        "",
        "| budget s | GridWatch longest m | × bound | s | OR-Tools global span longest m | × bound | s | GridWatch / OR-Tools |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    first = 0.0
    for budget in budgets:
        t0 = time.perf_counter()
        plan = plan_routes(grates, network=network, start=start, patrollers=k, closed=True, time_limit=budget)
        ours, t_ours = plan.makespan_m, time.perf_counter() - t0
        first = first or ours
        t0 = time.perf_counter()
        theirs = _ortools_span(dist, k, budget)
        t_theirs = time.perf_counter() - t0
        lines.append(f"| {budget:.0f} | {ours:,.0f} | {ours / bound:.3f} | {t_ours:.1f} | {theirs:,.0f} | "
                     f"{theirs / bound:.3f} | {t_theirs:.1f} | {ours / theirs:.3f} |")  # fmt: skip
        print(lines[-1], flush=True)
    t0 = time.perf_counter()
    capped = _pyvrp_capped(dist, k, low=bound, high=1.5 * ours)
    lines += [
        "",
        f"PyVRP has no min-max objective; minimising the total length under a cap on each route, bisecting the cap "
        f"(6 tries of 4 s, {time.perf_counter() - t0:.0f} s in all), its best feasible longest route is {capped:,.0f} m "
        f"({capped / bound:.3f} x bound; GridWatch at 2 s / PyVRP: {first / capped:.3f}).",
    ]
    return lines


def _pyvrp_capped(dist: np.ndarray, k: int, *, low: float, high: float, tries: int = 6, per_try: float = 4.0) -> float:
    """Smallest per-route cap under which PyVRP finds a feasible k-route plan (its longest route)."""
    import warnings

    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix = np.rint(dist).astype(np.int64)
    best = float("inf")
    for _ in range(tries):
        cap = (low + high) / 2
        data = pyvrp.ProblemData(
            locations=[pyvrp.Location(0, 0) for _ in range(len(matrix))],
            clients=[pyvrp.Client(location=i) for i in range(1, len(matrix))],
            depots=[pyvrp.Depot(location=0)],
            vehicle_types=[pyvrp.VehicleType(num_available=k, max_distance=int(cap))],
            distance_matrices=[matrix],
            duration_matrices=[np.zeros_like(matrix)],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = pyvrp.solve(data, stop=MaxRuntime(per_try), seed=0, collect_stats=False)
        if result.best.is_feasible():
            best = min(best, float(max(r.distance() for r in result.best.routes())))
            high = cap
        else:
            low = cap
    return best


def _ortools_span(dist: np.ndarray, k: int, budget: float) -> float:
    """OR-Tools: k vehicles from node 0, minimise the global span (GLS), longest route in metres."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    manager, routing, transit = _ortools_model(dist, vehicles=k, depot=0)
    routing.AddDimension(transit, 0, int(dist.sum()) + 1, True, "distance")
    routing.GetDimensionOrDie("distance").SetGlobalSpanCostCoefficient(100)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(budget * 1000))
    solution = routing.SolveWithParameters(params)
    routes = _ortools_routes(manager, routing, solution, k)
    return max(route_length(dist, [i for i in r if i != 0], 0, True) for r in routes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="four small TSPLIB instances only")
    parser.add_argument("--part", choices=("all", "speed", "patrollers", "tsplib"), default="all", help="run one part only")
    args = parser.parse_args()
    t0 = time.perf_counter()
    parts = {
        "speed": ("Speed: the demo's rain grates along its streets", speed_table),
        "patrollers": ("Several patrollers: makespan", patrollers_table),
        "tsplib": ("One route: TSPLIB, gap to the optimum and time", lambda: tsplib_table(args.quick)),
    }
    out: list[str] = []
    for key, (title, run) in parts.items():
        if args.part in ("all", key):
            out += ["", f"### {title}", "", *run()]
    print("\n".join(out))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\n(total run {time.perf_counter() - t0:.0f} s; {os.cpu_count()} cores, load average at the end {load})")


if __name__ == "__main__":
    main()
