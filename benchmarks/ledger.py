"""Benchmark: the ledger (台账) and the figures of 100,000 cases with their histories, on each backend.

    .venv/bin/python benchmarks/ledger.py [--cases 100000] [--postgres URL] [--repeat 5] [--keep DIR]

Builds, once per run, a store of each backend (a GeoPackage file, and a
``bench_<hex>`` schema of the PostGIS database named by ``--postgres`` or
``GRIDWATCH_TEST_DATABASE_URL``, dropped after) holding 200 grids, 20
parties, ``--cases`` cases of the event types and 5,000 rain grates, every
case with the history its stage implies in ``case_events``. The cases are
simulated in bulk with numpy (stages, times, parties, reworks, fixes on the
spot, parked and reopened cases), written with one ``tx.add`` and one
``append_table``: data set-up, not what is measured.

Measured, each in child processes of this tree:

- *cold*: the first ``ledger(store)``, then the first ``figures(store)``,
  in a fresh process that has only imported the code and opened the store
  (the operating system's file cache is warm); median of ``--repeat``
  processes;
- *warm*: the same calls again in one process, median of ``--repeat``;
- the peer, in the same processes: ``store.read("incidents")``, the whole
  layer with its geometry (what the map reads), cold and warm.

The goal is ledger + figures under 2 s on each backend.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_ROOT))

NOW = "2026-12-03T09:00:00+08:00"
N_GRIDS = 200
N_PARTIES = 20
N_GRATES = 5000
#: Final stage of a case -> its steps after the report (to-stages), and its share of the cases.
PATHS: dict[str, tuple[tuple[str, ...], float]] = {
    "closed": (("accepted", "dispatched", "in_progress", "handled", "closed"), 0.36),
    "closed_rework": (("accepted", "dispatched", "handled", "dispatched", "handled", "closed"), 0.12),
    "closed_short": (("accepted", "dispatched", "handled", "closed"), 0.14),
    "closed_spot": (("closed",), 0.04),
    "cancelled": (("accepted", "cancelled"), 0.03),
    "merged": (("merged",), 0.02),
    "reported": ((), 0.03),
    "accepted": (("accepted",), 0.03),
    "dispatched": (("accepted", "dispatched"), 0.08),
    "in_progress": (("accepted", "dispatched", "in_progress"), 0.06),
    "handled": (("accepted", "dispatched", "in_progress", "handled"), 0.05),
    "parked": (("accepted", "dispatched", "parked"), 0.03),
    "reopened": (("accepted", "dispatched", "handled", "closed", "reopened"), 0.01),
}
#: Mean hours before each step.
MEAN_H = {"accepted": 1.0, "dispatched": 2.0, "in_progress": 3.0, "handled": 6.0, "closed": 4.0, "cancelled": 2.0,
          "merged": 0.5, "parked": 8.0, "reopened": 48.0}


# -- building the store -------------------------------------------------------------------------------


def _iso(seconds: Any) -> Any:
    """Seconds since the epoch (UTC, NaN for none) as ISO text +08:00, None for none (vectorised)."""
    import numpy as np

    s = np.asarray(seconds, dtype=float)
    ok = ~np.isnan(s)
    local = (np.where(ok, s, 0).astype("int64") + 8 * 3600).astype("datetime64[s]")
    text = np.char.add(np.datetime_as_string(local, unit="s"), "+08:00").astype(object)
    text[~ok] = None
    return text


def build(address: str, n: int, seed: int = 7) -> dict[str, int]:  # noqa: PLR0915 - one set-up, column by column
    """Write the grids, parties, cases, grates and histories into the empty store at ``address``."""
    from datetime import datetime

    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely

    from geo.cases import workflow
    from geo.store import open_store

    rng = np.random.default_rng(seed)
    now = datetime.fromisoformat(NOW).timestamp()
    side = int(np.ceil(np.sqrt(N_GRIDS)))
    lon0, lat0, d = 114.30, 30.50, 0.004
    gx, gy = np.arange(N_GRIDS) % side, np.arange(N_GRIDS) // side
    grids = gpd.GeoDataFrame(
        {"grid_id": [f"G{k:03d}" for k in range(N_GRIDS)], "name": [f"第{k + 1}网格" for k in range(N_GRIDS)],
         "community": "基准社区", "worker": [f"网格员{k}" for k in range(N_GRIDS)], "phone": ""},
        geometry=shapely.box(lon0 + gx * d, lat0 + gy * d, lon0 + (gx + 1) * d, lat0 + (gy + 1) * d), crs=4326)
    parties = pd.DataFrame({"party_id": [f"P{k:02d}" for k in range(N_PARTIES)],
                            "name": [f"责任单位{k}" for k in range(N_PARTIES)], "kind": "property", "phone": "",
                            "grids": "*", "types": "*"})
    names = list(PATHS)
    kind = rng.choice(len(names), n, p=np.array([PATHS[k][1] for k in names]) / sum(p for _, p in PATHS.values()))
    grid = rng.integers(0, N_GRIDS, n)
    ids = np.array([f"C{k:07d}" for k in range(n)], dtype=object)
    types = rng.choice(np.array(["flooding", "flying_wire", "grate_fault"], dtype=object), n, p=[0.4, 0.35, 0.25])
    party = np.array([f"P{k:02d}" for k in range(N_PARTIES)], dtype=object)[rng.integers(0, N_PARTIES, n)]
    steps = 7
    to = np.full((n, steps), None, dtype=object)
    length = np.zeros(n, dtype=int)
    for k, name in enumerate(names):
        path = ("reported", *PATHS[name][0])
        rows = kind == k
        to[np.ix_(rows, range(len(path)))] = np.array(path, dtype=object)
        length[rows] = len(path)
    mean = np.vectorize(lambda s: MEAN_H.get(s, 0.0) if s else 0.0, otypes=[float])(to) * 3600.0
    gaps = rng.exponential(1.0, (n, steps)) * mean
    gaps[:, 0] = 0.0
    offsets = np.cumsum(gaps, axis=1)
    span = offsets[np.arange(n), length - 1]
    still_open = np.isin(kind, [k for k, name in enumerate(names)
                                if ("reported", *PATHS[name][0])[-1] not in workflow.ENDED])
    # ended cases over half a year; open ones mostly recent (a ledger is worked down), some weeks old
    reported = now - np.where(still_open, 3600.0 + rng.exponential(4 * 86400.0, n), rng.uniform(3600.0, 180 * 86400.0, n))
    scale = np.where(reported + span > now - 60, (now - 60 - reported) / np.maximum(span, 1.0), 1.0)
    at = reported[:, None] + offsets * scale[:, None]
    at[np.arange(steps)[None, :] >= length[:, None]] = np.nan

    def last(stage: str) -> Any:
        hit = np.where(to == stage, at, np.nan)
        with np.errstate(all="ignore"):
            return np.where(np.isnan(hit).all(axis=1), np.nan, np.nanmax(np.nan_to_num(hit, nan=-1.0), axis=1))

    final = to[np.arange(n), length - 1]
    stage_at = at[np.arange(n), length - 1]
    handled = last("handled")
    dispatched = last("dispatched")
    rework = kind == names.index("closed_rework")
    spot = kind == names.index("closed_spot")
    reopened = final == "reopened"
    ended = np.isin(final, list(workflow.ENDED))
    handle_h = (handled - dispatched) / 3600.0
    closed_at = np.where(ended, stage_at, np.nan)
    handled_at = np.where(spot, stage_at, np.where(reopened, np.nan, handled))
    step_at = np.where(final == "in_progress", dispatched, stage_at)
    cases = gpd.GeoDataFrame({
        "incident_id": ids, "type": types, "status": final, "severity": "medium",
        "reported_at": _iso(reported), "description": [f"情况描述 {k}" for k in range(n)],
        "grid_id": grids["grid_id"].to_numpy()[grid],
        "urgency": np.where(rng.random(n) < 0.2, "urgent", "normal").astype(object),
        "party": np.where(~np.isnan(dispatched), party, None),
        "opened_at": _iso(np.where(reopened, stage_at, reported)), "stage_at": _iso(stage_at),
        "step_at": _iso(step_at), "paused_s": 0.0, "paused_ws": 0.0, "step_paused_s": 0.0, "step_paused_ws": 0.0,
        "parked_from": np.where(final == "parked", "dispatched", None).astype(object),
        "accepted_at": _iso(last("accepted")), "dispatched_at": _iso(dispatched),
        "handled_at": _iso(handled_at), "handled_by": np.where(np.isnan(handled_at), None, "处置员").astype(object),
        "handled_late": pd.array(np.where(np.isnan(handled_at), None, handle_h > 8.0), dtype="boolean"),
        "closed_at": _iso(closed_at), "reworks": rework.astype(int), "on_spot": spot,
        "merged_into": np.where(final == "merged", ids[0], None).astype(object),
        "reason": np.where(np.isin(final, ["parked", "cancelled"]), "等待维修", None).astype(object),
    }, geometry=shapely.points(lon0 + (gx[grid] + rng.uniform(0.05, 0.95, n)) * d,
                               lat0 + (gy[grid] + rng.uniform(0.05, 0.95, n)) * d), crs=4326)
    gpick = rng.integers(0, N_GRIDS, N_GRATES)
    grates = gpd.GeoDataFrame({"incident_id": [f"A{k:06d}" for k in range(N_GRATES)], "type": "drain_grate",
                               "status": "ok", "severity": "low", "grid_id": grids["grid_id"].to_numpy()[gpick]},
                              geometry=shapely.points(lon0 + (gx[gpick] + 0.5) * d, lat0 + (gy[gpick] + 0.5) * d),
                              crs=4326)
    # the histories: one row per event, the action the workflow names for each step
    live = ~np.isnan(at)
    row, seq = np.nonzero(live)
    frm = np.concatenate([np.full((n, 1), None, dtype=object), to[:, :-1]], axis=1)
    pairs = list(zip(frm[row, seq], to[row, seq], strict=True))
    action = [("report" if f is None else workflow.TRANSITIONS[f][t_]) for f, t_ in pairs]
    events = pd.DataFrame({
        "case_id": ids[row], "seq": seq + 1, "at": _iso(at[row, seq]), "by": "基准", "action": action,
        "from_stage": frm[row, seq], "to_stage": to[row, seq],
        "party": np.where(seq >= 2, party[row], None), "note": "", "files": "", "into": None,
    })
    store = open_store(address)
    store.write({"grids": grids}, {"parties": parties}, note="bench grids")
    with store.transaction("bench cases") as tx:
        tx.add("incidents", pd.concat([cases, grates], ignore_index=True))
        tx.append_table("case_events", events)
    return {"cases": n, "grates": N_GRATES, "events": len(events), "grids": N_GRIDS}


# -- measuring (in child processes) -------------------------------------------------------------------------


def child(address: str, repeat: int) -> dict[str, Any]:
    """First calls (cold), then ``repeat`` more of each (warm), of ledger, figures and the peer read."""
    import warnings

    warnings.simplefilter("ignore")
    from geo.cases.ledger import figures, ledger
    from geo.store import open_store

    store = open_store(address)
    out: dict[str, Any] = {"cold": {}, "warm": {}}
    calls = {"ledger": lambda: ledger(store, now=NOW), "figures": lambda: figures(store, now=NOW),
             "read": lambda: store.read("incidents")}
    for name, fn in calls.items():
        t = time.perf_counter()
        result = fn()
        out["cold"][name] = time.perf_counter() - t
        out.setdefault("rows", {})[name] = len(result)
    for name, fn in calls.items():
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        out["warm"][name] = statistics.median(times)
    overdue = ledger(store, now=NOW)["overdue"]
    out["overdue"] = int(overdue.sum())
    return out


def _run_child(address: str, repeat: int) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--child", address, "--repeat", str(repeat)],
                          capture_output=True, text=True, cwd=_ROOT, check=False)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-3000:])
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def measure(label: str, address: str, repeat: int) -> dict[str, Any]:
    """Cold (median over ``repeat`` fresh processes) and warm (median in the last one) times."""
    runs = [_run_child(address, 1 if k < repeat - 1 else repeat) for k in range(repeat)]
    cold = {k: statistics.median(r["cold"][k] for r in runs) for k in runs[0]["cold"]}
    warm = runs[-1]["warm"]
    print(f"\n{label}: {runs[-1]['rows']['ledger']:,} open cases on the ledger, "
          f"{runs[-1]['overdue']:,} overdue; {runs[-1]['rows']['read']:,} incidents read by the peer")
    print(f"  {'':10} {'cold':>8} {'warm':>8}   {'cold / read':>11} {'warm / read':>11}")
    for name in ("ledger", "figures", "read"):
        print(f"  {name:10} {cold[name]:8.3f} {warm[name]:8.3f}   {cold[name] / cold['read']:11.2f} "
              f"{warm[name] / warm['read']:11.2f}")
    both_cold, both_warm = cold["ledger"] + cold["figures"], warm["ledger"] + warm["figures"]
    print(f"  ledger + figures: {both_cold:.3f} s cold, {both_warm:.3f} s warm (goal: under 2 s)")
    return {"cold": cold, "warm": warm}


def main() -> None:
    """Build a store of each backend, measure, drop the PostGIS schema."""
    if "--child" in sys.argv:
        address = sys.argv[sys.argv.index("--child") + 1]
        repeat = int(sys.argv[sys.argv.index("--repeat") + 1])
        print("RESULT " + json.dumps(child(address, repeat)), flush=True)
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", help="PostgreSQL + PostGIS database (default: GRIDWATCH_TEST_DATABASE_URL)")
    parser.add_argument("--keep", metavar="DIR", help="keep the GeoPackage in DIR (reused when there)")
    parser.add_argument("--backend", choices=("gpkg", "postgis", "both"), default="both")
    args = parser.parse_args()
    from geo import settings

    url = args.postgres or settings.current().test_database_url
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ledger-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.backend in ("gpkg", "both"):
        path = workdir / f"ledger-{args.cases}.gpkg"
        if not path.exists():
            t = time.perf_counter()
            counts = build(str(path), args.cases)
            print(f"GeoPackage built in {time.perf_counter() - t:.1f} s: {counts}")
        measure("GeoPackage", str(path), args.repeat)
    if args.backend in ("postgis", "both"):
        if not url:
            print("\nPostGIS left out: no --postgres and no GRIDWATCH_TEST_DATABASE_URL")
            return
        from geo.postgis import drop_store

        address = f"{url}{'&' if '?' in url else '?'}schema=bench_{uuid.uuid4().hex[:10]}"
        try:
            t = time.perf_counter()
            counts = build(address, args.cases)
            print(f"PostGIS built in {time.perf_counter() - t:.1f} s: {counts}")
            measure("PostGIS", address, args.repeat)
        finally:
            drop_store(address)
    if not args.keep:
        for f in workdir.iterdir():
            os.unlink(f)
        workdir.rmdir()


if __name__ == "__main__":
    main()
