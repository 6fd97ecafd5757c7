"""Map app benchmark (issue 15): draw times, bytes, filter change and zoom steps.

Runs the real app (``streamlit run app.py``, map tab only, no base map) in
headless Chromium on the demo community and on a city-scale store (2,000
grids, 100,000 buildings, 1,000,000 incident points) and, in the same run,
the floor: ``benchmarks/floor_map_app.py``, the obvious minimal
streamlit-folium page drawing the demo's 7 grids (Leaflet served locally).
Every figure is printed with its ratio to the floor measured next to it.

    .venv/bin/python benchmarks/map.py [--scales demo,city] [--city-store PATH]
        [--timeout 180] [--naive-scales demo]

``--city-store`` copies an existing city store into bench-data/map/city/
and serves the copy (the harness adds a sign-in account to the store it
serves); without it the city is built with ``geo.demo`` as
``python -m geo demo --scale city`` builds it.

Figures: *sign-in* = navigation until the sign-in form is ready; *draw* =
until the map has drawn its first view, from navigation (sign-in included)
and from pressing the sign-in button (the floor has no sign-in: its *draw*
is from navigation); cold = first visit after a server start, warm = a
second visit; *cold after a restart* = the first visit to a second server
started on the same store (it reads the layers' snapshot the first one wrote,
:mod:`geo.snapshot`; the first server's cold visit had none); *bytes* = HTTP bodies + WebSocket frames the browser received
until the first view was drawn; *filter* = choosing 积水点 in the sidebar's
type filter until the map shows exactly the store's flooding points; zoom
steps (city) = from the city view ``map.setView`` to one community, to one
grid, then ``map.panBy`` half a screen, each until that view has drawn.

Drawn: the floor's 7 grid paths are on its map; GridWatch's embedded layers
(small stores) all counted by ``GW.count``; its live layer (large stores)
``GW.liveState()`` ready with a new answer (the first view at the community
level; after a filter change, a total equal to the store's flooding count).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
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
from tests.app.browser import SIGNIN_PASSWORD, SIGNIN_USER, TEST_PASSWORD, TEST_USER, app_server, launch  # noqa: E402

DATA = ROOT / "bench-data" / "map"
DISTRICT = {"grids": 300, "buildings": 30_000, "incidents": 100_000}
INF = float("inf")
VIEWPORT = {"width": 1500, "height": 1000}


def make_store(scale: str, city_store: Path | None = None) -> Path:
    """The store of ``scale`` under bench-data/map/ (built once, then reused).

    ``demo``: the demo community; ``city``: a copy of ``city_store`` when
    given (copied afresh), else built as ``python -m geo demo --scale city``
    builds it; ``district``: 300 grids, 30,000 buildings, 100,000 incidents.
    """
    path = DATA / scale / "gridwatch.gpkg"
    path.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    if scale == "city" and city_store is not None:
        path.unlink(missing_ok=True)
        shutil.copyfile(city_store, path)
        print(f"  copied {city_store.name} to {path.relative_to(ROOT)} in {time.perf_counter() - t0:.1f} s", flush=True)
        return path
    if path.exists():
        return path
    if scale == "city":
        from geo.pipeline import build_demo

        return Path(build_demo(path.parent, scale="city", progress=lambda s: print(f"  {s}", flush=True)))
    layers = demo.make_community(7) if scale == "demo" else demo.make_city(7, **DISTRICT)
    layers = join_layers(layers)
    meta = demo.demo_meta("community" if scale == "demo" else "city")
    open_store(path).write(layers, tables={"meta": pd.DataFrame({"key": list(meta), "value": list(meta.values())})})
    print(f"  built the {scale} store in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def store_facts(path: Path) -> dict[str, Any]:
    """Counts the drawn conditions check against, and the community and grid the zoom steps go to."""
    s = open_store(path)
    grids = s.read("grids")
    types = s.read_attributes("incidents", ["type"])["type"]
    buildings = len(s.read_attributes("buildings", ["building_id"]))
    local = grids.to_crs(grids.estimate_utm_crs())
    centre = local.geometry.union_all().centroid
    # the community nearest the middle of the city, and its grid nearest that community's middle
    comm, comm_local = grids.dissolve("community").geometry, local.dissolve("community").geometry
    community = comm_local.distance(centre).idxmin()
    inside = local[local["community"] == community]
    grid = grids.loc[inside.geometry.distance(comm_local[community].centroid).idxmin()]

    def box(geom: Any) -> list[list[float]]:
        minx, miny, maxx, maxy = geom.bounds
        return [[miny, minx], [maxy, maxx]]

    return {"grids": len(grids), "buildings": buildings, "incidents": len(types),
            "flooding": int((types == "flooding").sum()), "communities": int(grids["community"].nunique()),
            "community_box": box(comm[community]), "grid_box": box(grid.geometry),
            "community": str(community), "grid": str(grid["name"])}


class Meter:
    """Counts what the browser receives (HTTP bodies of every frame, WebSocket frames)."""

    def __init__(self, page: Any) -> None:
        self.bytes = 0
        self.ws_bytes = 0
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("requestfinished", self._request)

    def _frame(self, payload: Any) -> None:
        self.bytes += len(payload)
        self.ws_bytes += len(payload)

    def _request(self, request: Any) -> None:
        with contextlib.suppress(Exception):
            self.bytes += request.sizes()["responseBodySize"]


LIVE = "(window.GW && GW.liveState ? GW.liveState() : null)"
#: GridWatch's first view: the live layer's community level, or every embedded layer counted.
OURS_DRAWN = ("() => { const s = " + LIVE + "; if (s) return s.ready && s.seq > 0 && s.level === 'community'; "
              "return !!(window.GW && GW.count('grid') === {g} && GW.count('building') === {b} "
              "&& GW.count('incident') === {i}); }")
#: GridWatch after choosing 积水点: exactly the store's flooding points.
OURS_FILTERED = ("() => { const s = " + LIVE + "; if (s) return s.ready && s.level === 'community' && s.total === {f}; "
                 "return !!(window.GW && GW.count('incident') === {f}); }")
FLOOR_DRAWN = ("() => !!(window.map && window.L && Object.values(map._layers).filter("
               "l => l instanceof L.Polygon && l._path && l._path.isConnected).length === {g})")
NAIVE_DRAWN = "() => window.map && Object.values(map._layers).filter(l => l instanceof L.Marker).length === {i}"
#: One zoom step in the map's iframe: note the live layer's answers so far, move, and (for
#: embedded layers, which redraw on ``moveend``) note when the frame after the move was painted.
STEP = """([kind, box]) => {
  const map = (window.GW && GW.liveMap && GW.liveMap()) || window.map;
  const s = __LIVE__; window.__gwSeq = s ? s.seq : -1; window.__gwMoved = false;
  map.once('moveend', () => requestAnimationFrame(() => setTimeout(() => { window.__gwMoved = true; }, 0)));
  if (kind === 'pan') map.panBy([map.getSize().x / 2, 0], {animate: false});
  else if (kind === 'view') map.setView(box[0], box[1], {animate: false});
  else { const b = L.latLngBounds(box); map.setView(b.getCenter(), map.getBoundsZoom(b), {animate: false}); }
  return s ? 'live' : 'embedded';
}""".replace("__LIVE__", LIVE)
STEP_DRAWN = ("() => { const s = " + LIVE + "; return s ? (s.ready && s.seq > window.__gwSeq) : window.__gwMoved; }")


def _frame_of(page: Any, timeout_s: float) -> Any:
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=timeout_s * 1000)
    frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle().content_frame()
    frame.wait_for_selector(".leaflet-container", timeout=timeout_s * 1000)
    return frame


def _choose_type(page: Any, label: str) -> None:
    page.locator("[data-testid='stMultiSelect']").filter(has_text="事件类型").locator("input").click()
    page.get_by_role("option", name=label).click()


def _wait_in_map(page: Any, cond: str, t0: float, timeout_s: float) -> float:
    """Seconds from ``t0`` until ``cond`` holds in the map's iframe, which may
    be replaced meanwhile (an app may remount its map on a change)."""
    while time.perf_counter() - t0 < timeout_s:
        with contextlib.suppress(Exception):
            frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle(timeout=1000).content_frame()
            if frame is not None and frame.evaluate(cond):
                return time.perf_counter() - t0
        page.wait_for_timeout(20)
    return INF


def _open(page: Any, url: str, *, signed: bool, timeout_s: float) -> tuple[float, float]:
    """Navigate (and sign in through the form): navigation time and submit time."""
    t_nav = time.perf_counter()
    page.goto(url, timeout=timeout_s * 1000)
    if not signed:
        return t_nav, t_nav
    page.locator(SIGNIN_PASSWORD).wait_for(timeout=timeout_s * 1000)
    page.locator(SIGNIN_USER).fill(TEST_USER)
    page.locator(SIGNIN_PASSWORD).fill(TEST_PASSWORD)
    button = page.locator("[data-testid='stForm'] [data-testid='stFormSubmitButton'] button").first
    t_submit = time.perf_counter()
    button.click(timeout=timeout_s * 1000)
    return t_nav, t_submit


def _zoom_steps(page: Any, facts: dict[str, Any], timeout_s: float) -> dict[str, Any]:
    """From the city view: to one community, to one grid, pan half a screen; then back to the city view."""
    out: dict[str, Any] = {}
    frame = _frame_of(page, timeout_s)
    home = frame.evaluate("() => { const m = (window.GW && GW.liveMap && GW.liveMap()) || window.map; "
                          "return [[m.getCenter().lat, m.getCenter().lng], m.getZoom()]; }")
    for name, kind, box in (("zoom_community_s", "box", facts["community_box"]),
                            ("zoom_grid_s", "box", facts["grid_box"]), ("pan_s", "pan", None),
                            ("home_s", "view", home)):
        t0 = time.perf_counter()
        out["mode"] = frame.evaluate(STEP, [kind, box])
        try:
            frame.wait_for_function(STEP_DRAWN, timeout=timeout_s * 1000, polling="raf")
            out[name] = time.perf_counter() - t0
        except Exception:  # noqa: BLE001 - a timeout is a result here
            out[name] = INF
            break
        out[name.replace("_s", "_zoom")] = frame.evaluate("() => map.getZoom()")
    return out


def measure(url: str, facts: dict[str, Any], *, app: str, timeout_s: float, steps: bool,  # noqa: PLR0913
            warm: int = 1) -> dict[str, Any]:
    """Sign-in, draw (cold, then the median of ``warm`` later visits), bytes,
    filter change and zoom-step figures for one app; the filter change and
    the zoom steps on the last visit."""
    out: dict[str, Any] = {}
    cond = {"gridwatch": OURS_DRAWN, "floor": FLOOR_DRAWN, "naive": NAIVE_DRAWN}[app]
    drawn = cond.replace("{g}", str(facts["grids"] if app != "floor" else 7)).replace(
        "{b}", str(facts["buildings"])).replace("{i}", str(facts["incidents"]))
    warm_seen: dict[str, list[float]] = {}
    with sync_playwright() as p:
        browser = launch(p)
        visits = ["cold"] + ["warm"] * warm
        for k, visit in enumerate(visits):
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(timeout_s * 1000)
            meter = Meter(page)
            seen: dict[str, float] = {}
            try:
                t_nav, t_submit = _open(page, url, signed=app == "gridwatch", timeout_s=timeout_s)
                if app == "gridwatch":
                    seen["signin"] = t_submit - t_nav
                left = max(1.0, timeout_s - (time.perf_counter() - t_submit))
                done = t_submit + _wait_in_map(page, drawn, t_submit, left)
            except Exception:  # noqa: BLE001 - a timeout is a result here
                t_nav = t_submit = 0.0
                done = INF
            seen["draw"] = done - t_nav
            seen["submit"] = done - t_submit
            seen["bytes"], seen["ws_bytes"] = meter.bytes, meter.ws_bytes
            for key, v in seen.items():
                if visit == "cold":
                    out[f"{key}_cold" + ("" if "bytes" in key else "_s")] = v
                else:
                    warm_seen.setdefault(key, []).append(v)
            if visit == "cold" and done < INF and app == "gridwatch":
                with contextlib.suppress(Exception):
                    out["live"] = page.locator("iframe[title*='streamlit_folium']").first.element_handle(
                    ).content_frame().evaluate(LIVE)
            if k == len(visits) - 1 and visit == "warm" and done < INF and app != "floor":
                if steps:
                    out.update(_zoom_steps(page, facts, timeout_s))
                before = meter.bytes
                t0 = time.perf_counter()
                _choose_type(page, "积水点")
                filtered = (OURS_FILTERED if app == "gridwatch" else NAIVE_DRAWN).replace(
                    "{f}", str(facts["flooding"])).replace("{i}", str(facts["flooding"]))
                out["filter_s"] = _wait_in_map(page, filtered, t0, timeout_s)
                out["filter_bytes"] = meter.bytes - before
            page.close()
        browser.close()
    for key, vs in warm_seen.items():
        out[f"{key}_warm" + ("" if "bytes" in key else "_s")] = statistics.median(vs)
    out["warm_visits"] = warm
    return out


def run(scale: str, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The floor and GridWatch (and the obvious app where asked) on one scale's store."""
    store = make_store(scale, args.city_store)
    facts = store_facts(store)
    print(f"{scale}: {facts['grids']} grids in {facts['communities']} communities, {facts['buildings']} buildings, "
          f"{facts['incidents']} incidents ({facts['flooding']} flooding); load {_load()}", flush=True)
    results: dict[str, dict[str, Any]] = {}
    floor_store = make_store("demo")
    with _lend_static():
        with app_server(floor_store, env={}, timeout=120, app=ROOT / "benchmarks" / "floor_map_app.py") as url:
            results["floor"] = measure(url, store_facts(floor_store), app="floor", timeout_s=120, steps=False,
                                       warm=args.warm)
        if scale in args.naive_scales.split(","):
            with app_server(store, env={}, timeout=300, app=ROOT / "benchmarks" / "naive_map_app.py") as url:
                results["naive"] = measure(url, facts, app="naive", timeout_s=args.timeout, steps=False,
                                         warm=args.warm)
    snapshots = DATA / "snapshots"  # none at the start: the first server reads the store itself
    shutil.rmtree(snapshots, ignore_errors=True)
    env = {"GRIDWATCH_BASEMAP": "none", "GRIDWATCH_VIEWS": "map", "GRIDWATCH_SNAPSHOT_DIR": str(snapshots)}
    with app_server(store, env=env, timeout=300) as url:
        results["gridwatch"] = measure(url, facts, app="gridwatch", timeout_s=args.timeout,
                                       steps=True, warm=args.warm)
        if max(facts["incidents"], facts["buildings"]) > 20_000:  # GRIDWATCH_MAP_LIVE_ABOVE: a large store
            _wait_for_snapshot(snapshots, args.timeout)
    with app_server(store, env=env, timeout=300) as url:  # a restart: the layers' snapshot the first one wrote
        again = measure(url, facts, app="gridwatch", timeout_s=args.timeout, steps=False, warm=0)
    results["gridwatch"]["restart_submit_s"] = again["submit_cold_s"]
    results["gridwatch"]["restart_draw_s"] = again["draw_cold_s"]
    results["gridwatch"]["load"] = _load()
    return results


def _wait_for_snapshot(folder: Path, timeout_s: float) -> None:
    """Until the server has written the layers' snapshot (a large store's; a small store gets none)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout_s:
        if any(folder.glob("*/*/snapshot.json")):
            print(f"  snapshot written by the first server (waited {time.perf_counter() - t0:.1f} s more)", flush=True)
            return
        time.sleep(0.5)
    print("  no snapshot written by the first server", flush=True)


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


def _load() -> str:
    return " ".join(f"{v:.1f}" for v in os.getloadavg())


def _fmt(v: float | None, unit: str = "s") -> str:
    if v is None:
        return "—"
    if v == INF:
        return "timed out"
    return f"{v / 1e6:.2f} MB" if unit == "B" else f"{v:.2f} s"


def _ratio(v: float | None, floor: float) -> str:
    if v is None:
        return "—"
    return "timed out" if v == INF else f"{v / floor:.2f}x"


def report(scale: str, res: dict[str, dict[str, Any]]) -> list[str]:
    """Lines of the figures and their ratios to the floor (Markdown table rows at the end)."""
    floor, ours = res["floor"], res["gridwatch"]
    f = floor["draw_warm_s"]
    print(f"  floor     draw cold {_fmt(floor['draw_cold_s'])}, warm {_fmt(f)}, "
          f"bytes {_fmt(floor['bytes_cold'], 'B')}")
    for app, r in res.items():
        if app == "floor":
            continue
        print(f"  {app:9s} sign-in {_fmt(r.get('signin_cold_s'))} / {_fmt(r.get('signin_warm_s'))}; "
              f"draw cold {_fmt(r['draw_cold_s'])} from navigation, {_fmt(r['submit_cold_s'])} from submit; "
              f"warm {_fmt(r['draw_warm_s'])} / {_fmt(r['submit_warm_s'])}; "
              f"cold after a restart {_fmt(r.get('restart_draw_s'))} / {_fmt(r.get('restart_submit_s'))}; "
              f"first view {_fmt(r['bytes_cold'], 'B')} (WebSocket {_fmt(r['ws_bytes_cold'], 'B')}); "
              f"filter {_fmt(r.get('filter_s'))} ({_fmt(r.get('filter_bytes'), 'B')})", flush=True)
        if "mode" in r:
            print(f"            zoom steps ({r['mode']}): community {_fmt(r.get('zoom_community_s'))} "
                  f"(z{r.get('zoom_community_zoom')}), grid {_fmt(r.get('zoom_grid_s'))} (z{r.get('zoom_grid_zoom')}), "
                  f"pan {_fmt(r.get('pan_s'))}, back to the city {_fmt(r.get('home_s'))}")
    if ours.get("live"):
        live = {k: v for k, v in ours["live"].items() if k != "marks"}
        print(f"  live layer at the first view: {live}, {len(ours['live'].get('marks') or [])} marks")
    print(f"  ratios to the floor's warm draw ({_fmt(f)}): warm {_ratio(ours['submit_warm_s'], f)} from submit "
          f"({_ratio(ours['draw_warm_s'], f)} from navigation), cold {_ratio(ours['submit_cold_s'], f)} "
          f"({_ratio(ours['draw_cold_s'], f)}), cold after a restart {_ratio(ours.get('restart_submit_s'), f)} "
          f"({_ratio(ours.get('restart_draw_s'), f)}), filter {_ratio(ours.get('filter_s'), f)}, "
          f"community {_ratio(ours.get('zoom_community_s'), f)}, grid {_ratio(ours.get('zoom_grid_s'), f)}, "
          f"pan {_ratio(ours.get('pan_s'), f)}; load {ours['load']}", flush=True)
    row = (f"| {scale} | {_fmt(f)} | {_fmt(ours.get('signin_warm_s'))} | {_fmt(ours['submit_warm_s'])} "
           f"({_ratio(ours['submit_warm_s'], f)}) | {_fmt(ours['draw_warm_s'])} ({_ratio(ours['draw_warm_s'], f)}) "
           f"| {_fmt(ours['submit_cold_s'])} ({_ratio(ours['submit_cold_s'], f)}) | {_fmt(ours['draw_cold_s'])} "
           f"({_ratio(ours['draw_cold_s'], f)}) | {_fmt(ours.get('restart_submit_s'))} "
           f"({_ratio(ours.get('restart_submit_s'), f)}) | {_fmt(ours['bytes_cold'], 'B')} | {_fmt(ours.get('filter_s'))} "
           f"({_ratio(ours.get('filter_s'), f)}) |")
    steps = "".join(f" {_fmt(ours.get(k))} ({_ratio(ours.get(k), f)}) |" for k in ("zoom_community_s", "zoom_grid_s",
                                                                                     "pan_s"))
    return [row + steps]


def main() -> None:
    """Parse the arguments, run each scale, print the figures and a Markdown table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--scales", default="demo,city", help="demo, city and/or district")
    parser.add_argument("--city-store", type=Path, help="copy this city store instead of building one")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per visit or step")
    parser.add_argument("--warm", type=int, default=3, help="warm visits per app (their median is reported)")
    parser.add_argument("--naive-scales", default="demo", help="scales to run the obvious app on too")
    args = parser.parse_args()
    rows: list[str] = []
    for scale in args.scales.split(","):
        rows += report(scale, run(scale, args))
    print("\n| scale | floor warm | sign-in | warm from submit | warm from navigation | cold from submit | "
          "cold from navigation | cold after a restart, from submit | first view bytes | filter | to a community | to a grid | pan |")
    print("| --- |" + " ---: |" * 12)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
