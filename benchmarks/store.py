"""Benchmark: the two store backends on the city-scale set, in the same run.

    .venv/bin/python -m geo demo --scale city --out /tmp/city
    eval "$(bash scripts/test-postgres.sh start)"
    .venv/bin/python benchmarks/store.py /tmp/city/gridwatch.gpkg [--repeat 3]

Copies the GeoPackage store into a new schema of GRIDWATCH_TEST_DATABASE_URL
(dropped at the end), then times on both backends: reading each layer
(best of ``--repeat``), reporting one incident and updating it (the app's
one-row writes), the ``version`` token, and a whole-layer replace of the
incidents with 1 % of them changed. The GeoPackage is written to a copy.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    """Run the benchmark and print one table row per measurement."""
    from geo import settings
    from geo.incidents import report_incident, update_incident
    from geo.postgis import drop_store
    from geo.store import copy_store, open_store

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("store", help="the city-scale GeoPackage store")
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    url = settings.current().test_database_url
    if not url:
        sys.exit("set GRIDWATCH_TEST_DATABASE_URL (bash scripts/test-postgres.sh start prints it)")
    work = Path(tempfile.mkdtemp())
    copy = work / "city.gpkg"
    shutil.copyfile(args.store, copy)
    address = f"{url}{'&' if '?' in url else '?'}schema=bench_{uuid.uuid4().hex[:8]}"
    stores = {"gpkg": open_store(copy), "postgis": open_store(address)}
    try:
        t = time.perf_counter()
        counts = copy_store(stores["gpkg"], stores["postgis"])
        print(f"| copy_store gpkg -> postgis ({counts['incidents']:,} incidents) | | {time.perf_counter() - t:.1f} s |")
        rows: dict[str, dict[str, float]] = {}
        for name, store in stores.items():
            r = rows.setdefault(name, {})
            for layer in ("grids", "buildings", "incidents"):
                r[f"read {layer}"] = _best(lambda s=store, la=layer: s.read(la), args.repeat)
            r["version"] = _best(lambda s=store: s.version, args.repeat)
            p0 = store.read("grids").geometry.iloc[5].representative_point()
            made: list[dict[str, Any]] = []
            r["report_incident"] = _best(lambda s=store, m=made, pt=p0: m.append(
                report_incident(s, type="flooding", lon=pt.x, lat=pt.y, by="bench")), args.repeat)
            row = made[-1]
            r["update_incident"] = _best(lambda s=store, i=row["incident_id"]: update_incident(
                s, i, description=f"bench {time.time()}"), args.repeat)
            incidents = store.read("incidents")
            incidents.loc[incidents.index[::100], "status"] = "resolved"

            def replace(s: Any = store, gdf: Any = incidents) -> None:
                with s.transaction("bench") as tx:
                    tx.replace_layer("incidents", gdf)

            r["replace_layer incidents, 1 % changed"] = _best(replace, 1)
        print("| measurement | gpkg | postgis |")
        print("| --- | ---: | ---: |")
        for key in rows["gpkg"]:
            print(f"| {key} | {rows['gpkg'][key]:.3f} s | {rows['postgis'][key]:.3f} s |")
    finally:
        drop_store(address)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
