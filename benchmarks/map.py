"""Map app benchmark: bytes sent, time to draw, time for a filter change.

Runs the real app (``streamlit run app.py``, map tab only) in headless
Chromium on the demo community and on a district (300 grids, 30,000
buildings, 100,000 incident points), and the obvious app
(``benchmarks/naive_map_app.py``: one folium Marker per point, everything
sent on each rerun) in the same run, and prints the figures and ratios.

    .venv/bin/python benchmarks/map.py [--naive-timeout 180] [--skip-naive-district]

Figures: *bytes* = HTTP bodies + WebSocket frames the browser received, from
navigation until the map has drawn; *draw* = navigation until every layer is
on the map (all markers clustered), cold (first visit after the server
starts: reads the store and builds the payloads) and warm (a second visit);
GridWatch's own app is signed in to through its form first, which the
*draw* figures include (the other apps have no sign-in);
*filter* = choosing one incident type in the sidebar until the map shows
exactly that type's points. Goals (issue 3): demo draw < 2 s; district draw
< 5 s, filter < 1.5 s, < 10 MB.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from geo import demo  # noqa: E402
from geo.join import join_layers  # noqa: E402
from geo.store import open_store  # noqa: E402
from tests.app.browser import app_server, launch, sign_in  # noqa: E402

DATA = ROOT / "bench-data" / "map"
DISTRICT = {"grids": 300, "buildings": 30_000, "incidents": 100_000}


def make_store(scale: str) -> Path:
    """The demo community or the district store (built once, then reused)."""
    path = DATA / scale / "gridwatch.gpkg"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    layers = demo.make_community(7) if scale == "demo" else demo.make_city(7, **DISTRICT)
    layers = join_layers(layers)
    meta = demo.demo_meta("community" if scale == "demo" else "city")
    open_store(path).write(layers, tables={"meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    print(f"  built the {scale} store in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


class Meter:
    """Counts what the browser receives, and when the map's iframe started."""

    def __init__(self, page: Any, t0: float) -> None:
        self.bytes = 0
        self.ws_bytes = 0
        self.t0 = t0
        self.map_start: float | None = None
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("requestfinished", self._request)
        page.on("request", self._start)

    def _frame(self, payload: Any) -> None:
        self.bytes += len(payload)
        self.ws_bytes += len(payload)

    def _request(self, request: Any) -> None:
        with contextlib.suppress(Exception):
            self.bytes += request.sizes()["responseBodySize"]

    def _start(self, request: Any) -> None:
        if self.map_start is None and "streamlit_folium" in request.url and "index.html" in request.url:
            self.map_start = time.perf_counter()


def _frame_of(page: Any) -> Any:
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=600_000)
    frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle().content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=600_000)
    return frame


OURS_DRAWN = "() => window.GW && GW.count('grid') === {g} && GW.count('building') === {b} && GW.count('incident') === {i}"
NAIVE_DRAWN = "() => window.map && Object.values(map._layers).filter(l => l instanceof L.Marker).length === {i}"


def _choose_type(page: Any, label: str) -> None:
    page.locator("[data-testid='stMultiSelect']").filter(has_text="事件类型").locator("input").click()
    page.get_by_role("option", name=label).click()


def _wait_in_map(page: Any, cond: str, t0: float, timeout_s: float) -> float:
    """Seconds from ``t0`` until ``cond`` holds in the map's iframe, which may
    be replaced meanwhile (the obvious app remounts its map on every change)."""
    while time.perf_counter() - t0 < timeout_s:
        with contextlib.suppress(Exception):
            frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle(timeout=1000).content_frame()
            if frame is not None and frame.evaluate(cond):
                return time.perf_counter() - t0
        page.wait_for_timeout(50)
    return float("inf")


def measure(url: str, counts: dict[str, int], flooding: int, *, naive: bool, timeout_s: float) -> dict[str, float]:
    """Draw (cold and warm), bytes and filter-change figures for one app."""
    out: dict[str, float] = {}
    drawn = (NAIVE_DRAWN if naive else OURS_DRAWN).format(g=counts["grids"], b=counts["buildings"], i=counts["incidents"])
    with sync_playwright() as p:
        browser = launch(p)
        for visit in ("cold", "warm"):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            page.set_default_timeout(timeout_s * 1000)
            t0 = time.perf_counter()
            meter = Meter(page, t0)
            try:
                if naive:
                    page.goto(url)
                else:
                    sign_in(page, url, wait=False)
                frame = _frame_of(page)
                frame.wait_for_function(drawn, timeout=timeout_s * 1000, polling=100)
            except Exception:  # noqa: BLE001 - a timeout is a result here
                out[f"draw_{visit}_s"] = float("inf")
                out["bytes"] = meter.bytes
                page.close()
                break
            done = time.perf_counter()
            out[f"draw_{visit}_s"] = done - t0
            out[f"map_{visit}_s"] = done - (meter.map_start or t0)
            out["bytes"] = meter.bytes
            out["ws_bytes"] = meter.ws_bytes
            if visit == "warm":
                before = meter.bytes
                t0 = time.perf_counter()
                _choose_type(page, "积水点")
                if naive:
                    cond = NAIVE_DRAWN.format(i=flooding)
                else:
                    cond = f"() => !!(window.GW && GW.count('incident') === {flooding})"
                out["filter_s"] = _wait_in_map(page, cond, t0, timeout_s)
                out["filter_bytes"] = meter.bytes - before
            page.close()
        browser.close()
    return out


def measure_floor(url: str) -> dict[str, float]:
    """Navigation until an empty map shows (``floor_map_app.py``), twice."""
    out: dict[str, float] = {}
    with sync_playwright() as p:
        browser = launch(p)
        for visit in ("cold", "warm"):
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            t0 = time.perf_counter()
            meter = Meter(page, t0)
            page.goto(url)
            frame = _frame_of(page)
            frame.wait_for_function("() => !!(window.map && window.map._loaded)", timeout=120_000, polling=20)
            done = time.perf_counter()
            out[f"draw_{visit}_s"] = done - t0
            out[f"map_{visit}_s"] = done - (meter.map_start or t0)
            out["bytes"], out["ws_bytes"] = meter.bytes, meter.ws_bytes
            page.close()
        browser.close()
    return out


def run(scale: str, *, naive_timeout: float, skip_naive: bool) -> dict[str, dict[str, float]]:
    store = make_store(scale)
    s = open_store(store)
    inc = s.read("incidents")
    counts = {"grids": len(s.read("grids")), "buildings": len(s.read("buildings")), "incidents": len(inc)}
    flooding = int((inc["type"] == "flooding").sum())
    print(f"{scale}: {counts} ({flooding} flooding points)", flush=True)
    results: dict[str, dict[str, float]] = {}
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "map"}
    with app_server(store, env=env, timeout=120) as url:
        results["gridwatch"] = measure(url, counts, flooding, naive=False, timeout_s=120)
    with _lend_static():
        if scale == "demo":
            with app_server(store, env={}, timeout=120, app=ROOT / "benchmarks" / "floor_map_app.py") as url:
                results["floor"] = measure_floor(url)
        if not skip_naive:
            with app_server(store, env={}, timeout=120, app=ROOT / "benchmarks" / "naive_map_app.py") as url:
                results["naive"] = measure(url, counts, flooding, naive=True, timeout_s=naive_timeout)
    return results


@contextlib.contextmanager
def _lend_static() -> Any:
    """Streamlit serves static/ from beside the script: lend ours to the apps
    in benchmarks/ (a temporary relative symlink, removed afterwards; it is
    gitignored and never committed)."""
    link = ROOT / "benchmarks" / "static"
    if link.is_symlink():
        link.unlink()
    link.symlink_to(Path("..") / "static", target_is_directory=True)
    try:
        yield
    finally:
        link.unlink()


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if v == float("inf"):
        return "timed out"
    return f"{v / 1e6:.2f} MB" if unit == "B" else f"{v:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--naive-timeout", type=float, default=180)
    parser.add_argument("--skip-naive-district", action="store_true")
    parser.add_argument("--scales", default="demo,district")
    args = parser.parse_args()
    rows = []
    for scale in args.scales.split(","):
        res = run(scale, naive_timeout=args.naive_timeout, skip_naive=scale == "district" and args.skip_naive_district)
        for app, r in res.items():
            rows.append((scale, app, r))
            print(f"  {app:9s} draw cold {_fmt(r.get('draw_cold_s'), 's')}, warm {_fmt(r.get('draw_warm_s'), 's')} "
                  f"(map iframe to drawn: {_fmt(r.get('map_warm_s'), 's')}), "
                  f"bytes {_fmt(r.get('bytes'), 'B')} (app data over WebSocket {_fmt(r.get('ws_bytes'), 'B')}), "
                  f"filter {_fmt(r.get('filter_s'), 's')} ({_fmt(r.get('filter_bytes'), 'B')})", flush=True)
        if "floor" in res:
            ours, floor = res["gridwatch"], res["floor"]
            print(f"  GridWatch warm draw minus the empty Streamlit map's: "
                  f"{ours['draw_warm_s'] - floor['draw_warm_s']:.2f} s "
                  f"({ours['draw_warm_s'] / floor['draw_warm_s']:.2f}x the floor)")
        if "naive" in res:
            ours, naive = res["gridwatch"], res["naive"]
            for k in ("draw_warm_s", "map_warm_s", "bytes", "ws_bytes", "filter_s", "filter_bytes"):
                if k in ours and k in naive and ours[k] > 0:
                    ratio = naive[k] / ours[k]
                    shown = f"> {args.naive_timeout / ours[k]:.0f}" if ratio == float("inf") else f"{ratio:.1f}"
                    print(f"  ratio naive/gridwatch {k}: {shown}x")
    print("\n| scale | app | draw cold | draw warm | of which map | bytes (all) | app data | filter change | filter bytes |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for scale, app, r in rows:
        print(f"| {scale} | {app} | {_fmt(r.get('draw_cold_s'), 's')} | {_fmt(r.get('draw_warm_s'), 's')} | "
              f"{_fmt(r.get('map_warm_s'), 's')} | {_fmt(r.get('bytes'), 'B')} | {_fmt(r.get('ws_bytes'), 'B')} | "
              f"{_fmt(r.get('filter_s'), 's')} | {_fmt(r.get('filter_bytes'), 'B')} |")


if __name__ == "__main__":
    main()
