"""Benchmark: the store, row-level SQLite transactions (and PostGIS) against
the previous release's whole-file copy-and-replace, in the same run.

    .venv/bin/python benchmarks/store.py --city CACHE [--old OLD] [--postgres URL]
        [--writers 8 --reports 30] [--part writers,latency,load,write]

``CACHE`` is a folder where the demo community and the city-scale store
(2,000 grids, 100,000 buildings, 1,000,000 incidents: ``python -m geo demo
--scale city``) are built once, by this tree and by the previous release,
and reused by later runs. ``OLD`` is a checkout of the previous release
(commit cce6f9e, with a ``.venv``); without it the old peer is left out.
The PostGIS backend is measured when ``--postgres`` or
``GRIDWATCH_TEST_DATABASE_URL`` names a database: each run works in a new
``bench_<hex>`` schema and drops it after.

Every contender runs in child processes of its own tree (``cwd`` and
``sys.path`` set to it), so the old release's code is its own. Parts:

1. *writers*: 8 processes, each opening the demo store itself, wait at a
   barrier, then each reports incidents one at a time; reports per second
   over the whole burst, and how many of the reports the store holds after
   (the old release read, joined and rewrote the whole file outside its
   lock, so concurrent reports overwrote each other).
2. *latency*: the median time of one report after a warm-up, on the demo
   store and on the city store (the old release: a few reports only).
3. *load*: ``read_many(["grids", "buildings", "incidents"])`` of the city
   store, what the map reads.
4. *write*: the city's three layers written into a new, empty store
   (``Store.write``: a first import).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

_HERE = Path(__file__).resolve().parents[1]
if "--child" in sys.argv:  # a child runs the code of the tree it was started for
    _ROOT = Path(sys.argv[sys.argv.index("--root") + 1])
    os.chdir(_ROOT)
else:
    _ROOT = _HERE
sys.path.insert(0, str(_ROOT))

MAP_LAYERS = ["grids", "buildings", "incidents"]
TYPE = "flooding"


# -- children (run with the code of one tree) -----------------------------------------------------------


def _reporter():  # type: ignore[no-untyped-def]
    """This tree's one-incident report, and whether it is the previous release's."""
    try:
        from geo.incidents import report_incident

        return report_incident, False
    except ImportError:  # the previous release kept it in the pipeline
        from geo.pipeline import report_incident as old_report

        return old_report, True


def _points(store: Any, n: int, seed: int) -> list[tuple[float, float]]:
    """``n`` random positions inside the store's grids (the same for the same seed and store)."""
    import numpy as np
    import shapely

    grids = store.read("grids")
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(grids), n)
    out = []
    for i in picks:
        g = grids.geometry.iloc[int(i)]
        minx, miny, maxx, maxy = g.bounds
        for _ in range(50):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if g.contains(shapely.Point(x, y)):
                break
        else:
            x, y = g.representative_point().coords[0]
        out.append((float(x), float(y)))
    return out


def _warm(store: Any, point: tuple[float, float]) -> None:
    """Import and compile what a report uses (one join in memory, nothing written)."""
    import geopandas as gpd
    import shapely

    from geo.join import assign_incidents

    one = gpd.GeoDataFrame({"incident_id": ["warm"]}, geometry=[shapely.Point(*point)], crs="EPSG:4326")
    assign_incidents(one, store.read("grids"), store.read("buildings"))


def _report(fn: Any, old: bool, store: Any, lon: float, lat: float, tag: str, by: str) -> None:
    kwargs = {} if old else {"by": by}
    fn(store, type=TYPE, lon=lon, lat=lat, severity="medium", description=tag, **kwargs)


def child_writer(a: dict[str, Any]) -> dict[str, Any]:
    """One of the concurrent writers: open, get ready, wait for ``go`` on stdin, report, return times."""
    from geo.store import open_store

    fn, old = _reporter()
    store = open_store(a["address"])
    points = _points(store, a["reports"], a["seed"])
    _warm(store, points[0])
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.time()
    ok, errors, each = 0, [], []
    for k, (lon, lat) in enumerate(points):
        t = time.perf_counter()
        try:
            _report(fn, old, store, lon, lat, f"{a['tag']} w{a['seed']} #{k}", f"bench{a['seed']}")
            ok += 1
        except Exception as exc:  # counted and shown, never hidden
            errors.append(f"{type(exc).__name__}: {str(exc)[:120]}")
        each.append(time.perf_counter() - t)
    return {"start": start, "end": time.time(), "ok": ok, "errors": errors, "each": each}


def child_count(a: dict[str, Any]) -> dict[str, Any]:
    """Rows of the incidents layer, and how many carry the run's tag (the reports that survived)."""
    from geo.store import open_store

    inc = open_store(a["address"]).read("incidents")
    tagged = inc["description"].astype(str).str.startswith(a["tag"])
    return {"rows": len(inc), "tagged": int(tagged.sum()),
            "distinct_tags": int(inc.loc[tagged, "description"].nunique()),
            "distinct_ids": int(inc["incident_id"].nunique())}


def child_latency(a: dict[str, Any]) -> dict[str, Any]:
    """Times of ``warm`` + ``n`` reports, one after another, in one process."""
    from geo.store import open_store

    fn, old = _reporter()
    store = open_store(a["address"])
    points = _points(store, a["warm"] + a["n"], 11)
    times = []
    for k, (lon, lat) in enumerate(points):
        t = time.perf_counter()
        _report(fn, old, store, lon, lat, f"{a['tag']} #{k}", "bench")
        times.append(time.perf_counter() - t)
    return {"warm": times[:a["warm"]], "times": times[a["warm"]:]}


def child_load(a: dict[str, Any]) -> dict[str, Any]:
    """Times of ``repeat`` reads of the map's layers, and their row counts."""
    from geo.store import open_store

    store = open_store(a["address"])
    times, rows = [], {}
    for _ in range(a["repeat"]):
        t = time.perf_counter()
        layers = store.read_many(MAP_LAYERS)
        times.append(time.perf_counter() - t)
        rows = {k: len(v) for k, v in layers.items()}
    return {"times": times, "rows": rows}


def child_write(a: dict[str, Any]) -> dict[str, Any]:
    """Read the city's map layers, then time writing them into a new, empty store (a first import)."""
    from geo.store import open_store

    layers = open_store(a["src"]).read_many(MAP_LAYERS)
    t = time.perf_counter()
    open_store(a["dst"]).write(layers, note="bench import")
    spent = time.perf_counter() - t
    return {"seconds": spent, "rows": {k: len(v) for k, v in layers.items()},
            "bytes": os.path.getsize(a["dst"]) if os.path.exists(a["dst"]) else None}


CHILDREN = {"writer": child_writer, "count": child_count, "latency": child_latency,
            "load": child_load, "write": child_write}


def _child_main() -> None:
    task = sys.argv[sys.argv.index("--child") + 1]
    args = json.loads(sys.argv[sys.argv.index("--args") + 1])
    import warnings

    warnings.simplefilter("ignore")
    out = CHILDREN[task](args)
    print("RESULT " + json.dumps(out), flush=True)


# -- the parent -------------------------------------------------------------------------------------------


def _python(root: Path) -> str:
    venv = root / ".venv" / "bin" / "python"
    return str(venv) if venv.exists() else sys.executable


def _spawn(root: Path, task: str, args: dict[str, Any], **kw: Any) -> subprocess.Popen[str]:
    cmd = [_python(root), str(Path(__file__).resolve()), "--child", task, "--root", str(root), "--args", json.dumps(args)]
    return subprocess.Popen(cmd, cwd=root, text=True, stdout=subprocess.PIPE, **kw)


def _result(p: subprocess.Popen[str]) -> dict[str, Any]:
    out, _ = p.communicate()
    lines = [x for x in (out or "").splitlines() if x.startswith("RESULT ")]
    if p.returncode != 0 or not lines:
        msg = f"child failed (exit {p.returncode}): {(out or '')[-2000:]}"
        raise RuntimeError(msg)
    return json.loads(lines[-1][len("RESULT "):])


def run_child(root: Path, task: str, args: dict[str, Any]) -> dict[str, Any]:
    """Run one child task to its end and return what it printed."""
    return _result(_spawn(root, task, args))


def run_writers(root: Path, address: str, writers: int, reports: int, tag: str) -> dict[str, Any]:
    """``writers`` processes behind a barrier, ``reports`` each; the burst's figures and what the store kept."""
    procs = [_spawn(root, "writer", {"address": address, "reports": reports, "seed": w, "tag": tag},
                    stdin=subprocess.PIPE) for w in range(writers)]
    for p in procs:  # the barrier: every writer has opened the store and chosen its points
        assert p.stdout is not None
        line = p.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"writer not ready: {line!r}")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    res = [_result(p) for p in procs]
    span = max(r["end"] for r in res) - min(r["start"] for r in res)
    ok = sum(r["ok"] for r in res)
    each = [t for r in res for t in r["each"]]
    errors = [e for r in res for e in r["errors"]]
    kept = run_child(root, "count", {"address": address, "tag": tag})
    return {"ok": ok, "sent": writers * reports, "span_s": span, "per_s": ok / span if span else 0.0,
            "median_each_s": statistics.median(each), "max_each_s": max(each), "errors": errors,
            "kept": kept["distinct_tags"], "ids": kept["distinct_ids"], "rows": kept["rows"]}


def build(root: Path, scale: str, out: Path) -> Path:
    """The demo store of ``scale`` made by the tree at ``root`` in ``out`` (built once)."""
    store = out / "gridwatch.gpkg"
    if not store.exists():
        print(f"building the {scale} demo with {root.name} in {out} ...", flush=True)
        t = time.perf_counter()
        subprocess.run([_python(root), "-m", "geo", "demo", "--scale", scale, "--out", str(out), "--quiet"],
                       cwd=root, check=True)
        print(f"  built in {time.perf_counter() - t:.0f} s", flush=True)
    return store


class Postgres:
    """Schemas of one PostgreSQL database for this run, dropped at the end."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.made: list[str] = []

    def new(self) -> str:
        """The address of a new, empty schema."""
        address = f"{self.url}{'&' if '?' in self.url else '?'}schema=bench_{uuid.uuid4().hex[:12]}"
        self.made.append(address)
        return address

    def copy_in(self, path: Path) -> tuple[str, float]:
        """A new schema holding a copy of the GeoPackage store at ``path``, and the seconds the copy took."""
        from geo.store import copy_store, open_store

        address = self.new()
        t = time.perf_counter()
        copy_store(open_store(path), open_store(address))
        return address, time.perf_counter() - t

    def drop_all(self) -> None:
        """Drop every schema this run made."""
        from geo.postgis import drop_store

        for address in self.made:
            drop_store(address)


def _copy(src: Path, tmp: Path, name: str) -> str:
    dst = tmp / name / "gridwatch.gpkg"
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return str(dst)


def _ms(s: float) -> str:
    return f"{s * 1000:,.0f} ms" if s < 10 else f"{s:,.1f} s"


def main() -> None:  # noqa: C901, PLR0912, PLR0915 - one run, part by part, printing as it goes
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--city", required=True, type=Path, help="cache folder for the demo and city stores")
    parser.add_argument("--old", type=Path, help="checkout of the previous release (cce6f9e) with its .venv")
    parser.add_argument("--postgres", help="PostgreSQL + PostGIS database (default: GRIDWATCH_TEST_DATABASE_URL)")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--reports", type=int, default=30, help="reports per writer")
    parser.add_argument("--latency-n", type=int, default=20)
    parser.add_argument("--old-city-n", type=int, default=3, help="reports measured on the old city store")
    parser.add_argument("--part", default="writers,latency,load,write")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args()
    parts = set(args.part.split(","))
    from geo import settings

    url = args.postgres or settings.current().test_database_url
    pg = None
    if url:
        try:
            import geo.postgis  # noqa: F401
            pg = Postgres(url)
        except ModuleNotFoundError:
            print("PostGIS: not measured (this tree has no geo.postgis yet)")
    old = args.old.resolve() if args.old else None
    cache = args.city.resolve()
    trees = {"new": _HERE} | ({"old": old} if old else {})
    demo = {k: build(root, "community", cache / f"demo-{k}") for k, root in trees.items()}
    city = {k: build(root, "city", cache / f"city-{k}") for k, root in trees.items()} if parts - {"writers"} else {}
    from geo.store import open_store

    for path in [demo["new"], *([city["new"]] if city else [])]:  # upgraded, if need be, before anything is timed
        t = time.perf_counter()
        open_store(path).tables()
        if time.perf_counter() - t > 0.5:
            print(f"  {path} brought up to date in {time.perf_counter() - t:.1f} s")
    tmp = Path(tempfile.mkdtemp(prefix="gw-bench-"))
    figures: dict[str, Any] = {}
    rows: list[tuple[str, str, str]] = []
    load = os.getloadavg
    print(f"{os.cpu_count()} cores, load average {load()[0]:.1f} at the start; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    try:
        if "writers" in parts:
            print(f"\n1. {args.writers} concurrent writers x {args.reports} reports on the demo store")
            w: dict[str, Any] = {}
            contenders = [("GeoPackage (new)", _HERE, lambda: _copy(demo["new"], tmp, f"w-{uuid.uuid4().hex}"))]
            if pg:
                contenders.append(("PostGIS (new)", _HERE, lambda: pg.copy_in(demo["new"])[0]))
            if old:
                contenders.append(("whole-file rewrite (old)", old, lambda: _copy(demo["old"], tmp, f"w-{uuid.uuid4().hex}")))
            for name, root, make in contenders:
                tag = f"bench-{uuid.uuid4().hex[:8]}"
                r = run_writers(root, make(), args.writers, args.reports, tag)
                w[name] = r
                print(f"  {name}: {r['ok']}/{r['sent']} reports in {r['span_s']:.2f} s = {r['per_s']:.1f} reports/s "
                      f"({r['kept'] / r['span_s']:.1f} kept/s); "
                      f"one report median {_ms(r['median_each_s'])}, max {_ms(r['max_each_s'])}; "
                      f"the store kept {r['kept']} of {r['ok']} ({r['ids']:,} distinct ids in {r['rows']:,} rows); "
                      f"load {load()[0]:.1f}", flush=True)
                for e in sorted(set(r["errors"]))[:3]:
                    print(f"    error x{r['errors'].count(e)}: {e}")
                rows.append((f"{args.writers} writers, reports/s: {name}", f"{r['per_s']:.1f}",
                             f"kept {r['kept']}/{r['sent']}"))
            figures["writers"] = w
            if old and "GeoPackage (new)" in w:
                n, o = w["GeoPackage (new)"], w["whole-file rewrite (old)"]
                print(f"  new/old: {n['per_s'] / o['per_s']:.1f}x the reports per second, "
                      f"{(n['kept'] / n['span_s']) / max(o['kept'] / o['span_s'], 1e-9):.1f}x the reports kept per second; "
                      f"reports kept {n['kept']} against {o['kept']} of {o['sent']}")
                rows.append(("writers, new/old reports/s", f"{n['per_s'] / o['per_s']:.1f}x", ""))

        if "latency" in parts:
            print(f"\n2. one report: median of {args.latency_n} after a warm-up of 3")
            lat: dict[str, Any] = {}

            def measure(name: str, root: Path, address: str, n: int, warm: int) -> float:
                r = run_child(root, "latency", {"address": address, "n": n, "warm": warm, "tag": "bench-latency"})
                med = statistics.median(r["times"])
                lat[name] = {"median_s": med, "times": r["times"], "warm": r["warm"]}
                print(f"  {name}: median {_ms(med)} (min {_ms(min(r['times']))}, max {_ms(max(r['times']))}; "
                      f"warm-up {', '.join(_ms(x) for x in r['warm'])}); load {load()[0]:.1f}", flush=True)
                return med

            d = measure("GeoPackage (new), demo", _HERE, _copy(demo["new"], tmp, "l-demo"), args.latency_n, 3)
            c = measure("GeoPackage (new), city", _HERE, _copy(city["new"], tmp, "l-city"), args.latency_n, 3)
            print(f"  city/demo: {c / d:.2f}x (goal: within 2x)")
            rows += [("one report, GeoPackage (new): demo", _ms(d), ""),
                     ("one report, GeoPackage (new): city", _ms(c), f"city/demo {c / d:.2f}x")]
            if pg:
                pd_ = measure("PostGIS (new), demo", _HERE, pg.copy_in(demo["new"])[0], args.latency_n, 3)
                address, spent = pg.copy_in(city["new"])
                print(f"  copy of the city store into PostGIS (geo.store.copy_store): {spent:.1f} s")
                figures["postgis_city_copy_s"] = spent
                pc = measure("PostGIS (new), city", _HERE, address, args.latency_n, 3)
                print(f"  PostGIS city/demo: {pc / pd_:.2f}x")
                rows += [("one report, PostGIS: demo", _ms(pd_), ""),
                         ("one report, PostGIS: city", _ms(pc), f"city/demo {pc / pd_:.2f}x"),
                         ("copy of the city store into PostGIS", f"{spent:.1f} s", "")]
                city["postgis"] = address  # type: ignore[assignment]
            if old:
                od = measure("whole-file rewrite (old), demo", old, _copy(demo["old"], tmp, "l-old-demo"), args.latency_n, 3)
                oc = measure("whole-file rewrite (old), city", old, _copy(city["old"], tmp, "l-old-city"), args.old_city_n, 1)
                print(f"  old city/demo: {oc / od:.1f}x; new/old time of one report: demo {d / od:.2f}, city {c / oc:.4f} "
                      f"(the new one is {oc / c:.0f}x faster on the city)")
                rows += [("one report, old: demo", _ms(od), f"new/old {d / od:.2f}"),
                         ("one report, old: city", _ms(oc), f"old/new {oc / c:.0f}x")]
            figures["latency"] = lat

        if "load" in parts:
            print("\n3. the map's layers of the city store (read_many grids, buildings, incidents), 3 reads each")
            ld: dict[str, Any] = {}
            sources = [("GeoPackage (new)", _HERE, str(city["new"]))]
            if pg and "postgis" in city:
                sources.append(("PostGIS (new)", _HERE, str(city["postgis"])))
            elif pg:
                address, spent = pg.copy_in(city["new"])
                print(f"  copy of the city store into PostGIS (geo.store.copy_store): {spent:.1f} s")
                sources.append(("PostGIS (new)", _HERE, address))
            if old:
                sources.append(("old release", old, str(city["old"])))
            for name, root, address in sources:
                r = run_child(root, "load", {"address": address, "repeat": 3})
                ld[name] = r
                print(f"  {name}: {', '.join(f'{t:.2f} s' for t in r['times'])} "
                      f"({', '.join(f'{k} {v:,}' for k, v in r['rows'].items())}); load {load()[0]:.1f}", flush=True)
                rows.append((f"city map layers read: {name}", f"{min(r['times']):.2f} s", "best of 3"))
            if old:
                n_, o_ = min(ld["GeoPackage (new)"]["times"]), min(ld["old release"]["times"])
                print(f"  new/old: {n_ / o_:.2f}")
                rows.append(("city map layers read, new/old", f"{n_ / o_:.2f}", ""))
            figures["load"] = ld

        if "write" in parts:
            print("\n4. the city's map layers written into a new, empty store (Store.write, a first import)")
            wr: dict[str, Any] = {}
            targets = [("GeoPackage (new)", _HERE, str(city["new"]), str(tmp / "write-new.gpkg"))]
            if pg:
                targets.append(("PostGIS (new)", _HERE, str(city["new"]), pg.new()))
            if old:
                targets.append(("old release", old, str(city["old"]), str(tmp / "write-old.gpkg")))
            for name, root, src, dst in targets:
                r = run_child(root, "write", {"src": src, "dst": dst})
                wr[name] = r
                size = f", {r['bytes'] / 1e6:.0f} MB" if r["bytes"] else ""
                print(f"  {name}: {r['seconds']:.1f} s{size}; load {load()[0]:.1f}", flush=True)
                rows.append((f"city layers written: {name}", f"{r['seconds']:.1f} s", ""))
            if old:
                n_, o_ = wr["GeoPackage (new)"]["seconds"], wr["old release"]["seconds"]
                print(f"  new/old: {n_ / o_:.2f}")
                rows.append(("city layers written, new/old", f"{n_ / o_:.2f}", ""))
            figures["write"] = wr
    finally:
        if pg:
            pg.drop_all()
        shutil.rmtree(tmp, ignore_errors=True)

    print("\n| measure | figure | note |\n| --- | ---: | --- |")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]} |")
    print(f"\n(load average at the end {', '.join(f'{x:.1f}' for x in load())})")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    if "--child" in sys.argv:
        _child_main()
    else:
        main()
