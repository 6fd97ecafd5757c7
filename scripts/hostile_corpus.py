"""Run the hostile-input corpus and a damaged-file fuzz; print the figures of docs/security.md.

    .venv/bin/python scripts/hostile_corpus.py [--fuzz 1000]

For each corpus case (tests/test_io_hostile.py) the file is made in a
temporary folder and checked with ``python -m geo validate`` in this
process: exit status, the number of stderr lines and the time taken. Then
``--fuzz`` valid files (GeoJSON, GeoPackage, KML, CSV, XLSX, zipped
Shapefile) get random bytes changed or are cut off, and each is read:
loaded, refused with a GridWatchError, or crashed (any other exception).
"""

from __future__ import annotations

import argparse
import contextlib
import io as stdio
import os
import sys
import tempfile
import time
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import cli, io  # noqa: E402
from geo.errors import GridWatchError  # noqa: E402
from tests.core import test_io_hostile as corpus  # noqa: E402


def run_corpus() -> list[tuple[str, str, int, int, float]]:
    """(case, class, exit status, stderr lines, seconds) of every corpus case."""
    rows = []
    for case in corpus.CASES:
        saved = {k: os.environ.get(k) for k in case.env}
        os.environ.update(case.env)
        try:
            with tempfile.TemporaryDirectory() as tmp:
                path = case.build(Path(tmp))
                err = stdio.StringIO()
                t0 = time.perf_counter()
                with contextlib.redirect_stderr(err), contextlib.redirect_stdout(stdio.StringIO()):
                    code = cli.main(["validate", f"--{case.kind}", str(path), *case.args])
                rows.append((case.name, case.group, code, len(err.getvalue().splitlines()), time.perf_counter() - t0))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return rows


def _zipped_shapefile(tmp: Path) -> Path:
    folder = tmp / "shp"
    folder.mkdir()
    import pyogrio

    pyogrio.write_dataframe(corpus.corpus_grids(), folder / "g.shp")
    out = tmp / "v.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in folder.iterdir():
            zf.write(f, f.name)
    return out


def run_fuzz(n: int, seed: int = 10) -> Counter[tuple[str, str]]:
    """Counts of (format, outcome) over ``n`` damaged files."""
    rng = np.random.default_rng(seed)
    suffixes = [".geojson", ".gpkg", ".kml", ".csv", ".xlsx", ".zip"]
    out: Counter[tuple[str, str]] = Counter()
    crashes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = {s: (_zipped_shapefile(Path(tmp)) if s == ".zip" else corpus.valid_file(Path(tmp), s)).read_bytes() for s in suffixes}
        for i in range(n):
            s = suffixes[i % len(suffixes)]
            data = bytearray(base[s])
            for _ in range(int(rng.integers(0, 9))):
                data[int(rng.integers(0, len(data)))] = int(rng.integers(0, 256))
            if rng.random() < 0.4:
                data = data[: int(rng.integers(0, len(data) + 1))]
            path = Path(tmp) / f"f{i}{s}"
            path.write_bytes(bytes(data))
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    io.read_file(path, crs="wgs84" if s in (".csv", ".xlsx", ".kml") else None)
                out[(s, "read")] += 1
            except GridWatchError:
                out[(s, "refused")] += 1
            except Exception as exc:  # the figure this script exists for
                out[(s, "crashed")] += 1
                crashes.append(f"{path.name}: {type(exc).__name__}: {exc}")
            path.unlink()
    for line in crashes[:20]:
        print("CRASH", line)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fuzz", type=int, default=600, help="number of damaged files to read")
    parser.add_argument("--seed", type=int, default=10, help="seed of the damage")
    args = parser.parse_args()
    rows = run_corpus()
    by_class: Counter[str] = Counter(r[1] for r in rows)
    wrong = [r for r in rows if r[2] != 2 or r[3] != 2]
    print(f"corpus: {len(rows)} hostile files, {len(rows) - len(wrong)} refused with exit 2 and one error + one hint line")
    for group, count in sorted(by_class.items(), key=lambda kv: -kv[1]):
        print(f"  {group}: {count}")
    slow = sorted(rows, key=lambda r: -r[4])[:6]
    print("slowest refusals: " + ", ".join(f"{r[0]} {r[4]:.2f} s" for r in slow))
    for r in wrong:
        print("NOT REFUSED AS EXPECTED", r)
    fuzz = run_fuzz(args.fuzz, args.seed)
    total = Counter()
    for (_, outcome), count in fuzz.items():
        total[outcome] += count
    print(f"fuzz: {args.fuzz} damaged files: {total['read']} read, {total['refused']} refused, {total['crashed']} crashed")
    for s in sorted({k[0] for k in fuzz}):
        print(f"  {s}: " + ", ".join(f"{o} {fuzz[(s, o)]}" for o in ("read", "refused", "crashed")))
    return 1 if wrong or total["crashed"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
