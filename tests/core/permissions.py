"""The world of the permission table tests: a store with two grids of two communities, two parties, one account per role.

- grid ``G1`` (community 桂苑) is the grid worker's own grid and in the
  staff member's community; ``G2`` (community 竹苑) is neither;
- party ``wy1`` is the party account's, ``wy2`` another's;
- a case ``own`` is in G1 and dispatched to wy1, a case ``other`` in G2 and
  dispatched to wy2.

:data:`PREPARE` makes, as the local operator, what one action acts on
(a case at the right stage, a file to import) and returns the attempt: a
function of the acting user (the library), and :data:`COMMAND` the same
attempt as a command line (``python -m geo ...``). Everything is made fresh
for each attempt, so the attempts of one store do not meet.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from PIL import Image

from geo import access, accounts, schema
from geo.cases import actions, parties, storm
from geo.incidents import report_incident, update_incident
from geo.pipeline import import_layer, rejoin
from geo.rain.inspection import import_checklist, import_register
from geo.storage import Store
from tests.core.conftest import LAT0, LON0, D, buildings, grids

#: A point inside each grid.
POINT = {"G1": (LON0 + 0.5 * D, LAT0 + 0.5 * D), "G2": (LON0 + 1.7 * D, LAT0 + 0.5 * D)}
#: The grid and party of an attempt on the acting user's own object, or another's.
WHERE = {"own": ("G1", "wy1"), "other": ("G2", "wy2")}
#: The accounts, by role (the local operator acts by a plain name).
ACCOUNTS = {
    "admin": {"role": "admin"},
    "staff": {"role": "staff", "communities": ["桂苑"]},
    "grid_worker": {"role": "grid_worker", "grids": ["G1"]},
    "party": {"role": "party", "party": "wy1"},
    "viewer": {"role": "viewer"},
}
SETUP = "setup"  # the local operator who makes the cases
_serial = itertools.count(1)


def account_name(role: str) -> str:
    """The user name of the role's account."""
    return f"u_{role}"


def build(store: Store) -> None:
    """Grids, buildings, the two parties and one account per role."""
    g = grids()
    g.loc[g["grid_id"] == "G2", "community"] = "竹苑"
    store.write({"grids": g, "buildings": buildings()}, note="seed", by=SETUP)
    for pid in ("wy1", "wy2"):
        parties.add_party(store, party_id=pid, name=f"物业{pid}", kind="property", by=SETUP)
    for role, spec in ACCOUNTS.items():
        accounts.add_user(store, account_name(role), password=None, by=SETUP, **spec)


def user(store: Store, role: str) -> access.User | str:
    """The acting user of a role: its account, or a plain name for the local operator."""
    return "本机" if role == "operator" else accounts.user_of(store, account_name(role))


def jpeg() -> tuple[str, bytes]:
    """A small photo."""
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (10, 120, 200)).save(out, "JPEG")
    return "现场.jpg", out.getvalue()


#: The steps (as the setup) that bring a new case to a stage.
_PATH: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "reported": [],
    "accepted": [("accepted", {})],
    "dispatched": [("accepted", {}), ("dispatched", {})],
    "parked": [("accepted", {}), ("parked", {"note": "等待材料"})],
    "handled": [("accepted", {}), ("dispatched", {}), ("handled", {"note": "已疏通"})],
    "closed": [("accepted", {}), ("dispatched", {}), ("handled", {"note": "已疏通"}), ("closed", {"by": "setup2"})],
}


def case_at(store: Store, where: str, stage: str) -> str:
    """A new flooding case of ``where``'s grid at ``stage``, dispatched (when it got so far) to ``where``'s party."""
    grid, party = WHERE[where]
    lon, lat = POINT[grid]
    cid = str(report_incident(store, type="flooding", lon=lon, lat=lat, by=SETUP)["incident_id"])
    for to, given in _PATH[stage]:
        kw = dict(given)
        by = kw.pop("by", SETUP)
        actions.set_stage(store, cid, to, by=by, party=party if to == "dispatched" else None, **kw)
    return cid


def _files(tmp: Path, where: str) -> dict[str, Path]:
    grid, _ = WHERE[where]
    n = next(_serial)
    checklist = tmp / f"checklist{n}.csv"
    pd.DataFrame([{"checklist_id": f"C{n}-{grid}", "grid_id": grid, "level": "blue", "inspector": "检查员",
                   "section": "basement", "item_id": "B1", "key": "B1", "result": "正常", "note": ""}]
                 ).to_csv(checklist, index=False, encoding="utf-8-sig")
    register = tmp / f"register{n}.csv"
    pd.DataFrame([{"building_id": "B1", "unit": "1", "name": f"居民{n}", "category": "独居老人"}]
                 ).to_csv(register, index=False, encoding="utf-8-sig")
    layer = tmp / f"buildings{n}.geojson"
    b = buildings()
    b.loc[0, "households"] = 24 + n
    gpd.GeoDataFrame(b).to_file(layer, driver="GeoJSON")
    return {"checklist": checklist, "register": register, "buildings": layer}


Attempt = Callable[[access.User | str], object]
#: Each action's setup: (store, where, tmp folder) -> the library attempt and its command line (None: no command).
Prepared = tuple[Attempt, list[str] | None]


def _step(stage_from: str, to: str, **kw: Any) -> Callable[[Store, str, Path], Prepared]:
    def prepare(store: Store, where: str, tmp: Path) -> Prepared:
        cid = case_at(store, where, stage_from)
        party = kw.get("party")
        if party is not None:  # "own": the case's own party; "other": dispatched again, to the other one
            party = WHERE[where if party == "own" else ("other" if where == "own" else "own")][1]
        options = {k: v for k, v in {**kw, "party": party}.items() if v is not None}
        argv = ["incident", "set", cid, "--stage", to]
        if "note" in options:
            argv += ["--note", options["note"]]
        if party:
            argv += ["--to", party]
        return (lambda u: actions.set_stage(store, cid, to, by=u, **options)), argv
    return prepare


def _report(on_spot: bool) -> Callable[[Store, str, Path], Prepared]:
    def prepare(store: Store, where: str, tmp: Path) -> Prepared:
        lon, lat = POINT[WHERE[where][0]]
        photo = tmp / f"photo{next(_serial)}.jpg"
        photo.write_bytes(jpeg()[1])
        argv = ["incident", "add", "--type", "flooding", "--lon", str(lon), "--lat", str(lat)]
        if on_spot:
            argv += ["--on-spot", "--photo", str(photo)]
        return (lambda u: report_incident(store, type="flooding", lon=lon, lat=lat, by=u, on_spot=on_spot,
                                          photos=[jpeg()] if on_spot else ())), argv
    return prepare


def _merge(store: Store, where: str, tmp: Path) -> Prepared:
    a, b = case_at(store, where, "reported"), case_at(store, where, "reported")
    return (lambda u: actions.merge(store, a, b, by=u)), ["incident", "merge", a, "--into", b]


def _edit(store: Store, where: str, tmp: Path) -> Prepared:
    cid = case_at(store, where, "reported")
    return (lambda u: update_incident(store, cid, description="补充说明", by=u)), \
        ["incident", "update", cid, "--description", "补充说明"]


def _inspect(store: Store, where: str, tmp: Path) -> Prepared:
    path = _files(tmp, where)["checklist"]
    return (lambda u: import_checklist(store, path, by=u)), ["checklist-import", str(path)]


def _import(store: Store, where: str, tmp: Path) -> Prepared:
    path = _files(tmp, where)["buildings"]
    return (lambda u: import_layer(store, schema.BUILDINGS, path, by=u)), ["import", "--buildings", str(path)]


def _rejoin(store: Store, where: str, tmp: Path) -> Prepared:
    return (lambda u: rejoin(store, by=u)), None


def _incident_type(store: Store, where: str, tmp: Path) -> Prepared:
    code = f"type_{next(_serial)}"
    t = schema.register_type(code, "新类型", "new type", existing=store.incident_types())
    return (lambda u: store.add_incident_type(t, by=u)), ["types", "add", code, "--zh", "新类型", "--en", "new type"]


def _register(store: Store, where: str, tmp: Path) -> Prepared:
    path = _files(tmp, where)["register"]
    return (lambda u: import_register(store, path, by=u)), ["vulnerable-import", str(path)]


def _parties(store: Store, where: str, tmp: Path) -> Prepared:
    pid = f"p{next(_serial)}"
    return (lambda u: parties.add_party(store, party_id=pid, name="新单位", by=u)), \
        ["party", "add", pid, "--name", "新单位"]


def _storm(store: Store, where: str, tmp: Path) -> Prepared:
    return (lambda u: storm.set_storm(store, None, by=u)), ["storm", "off"]


def _users(store: Store, where: str, tmp: Path) -> Prepared:
    name = f"new{next(_serial)}"
    return (lambda u: accounts.add_user(store, name, role="viewer", password=None, by=u)), \
        ["user", "add", name, "--role", "viewer", "--no-password"]


def _audit(store: Store, where: str, tmp: Path) -> Prepared:
    # reading the log writes nothing: the library's check is access.require, the command is `audit`
    return (lambda u: access.require(access.acting(u), "audit")), ["audit"]


def _read(action: str, command: list[str] | None = None) -> Callable[[Store, str, Path], Prepared]:
    """An action that writes nothing (print a checklist, read the ledger, settings): its check, on the object's grid."""
    def prepare(store: Store, where: str, tmp: Path) -> Prepared:
        grid, party = WHERE[where]
        community = "桂苑" if grid == "G1" else "竹苑"
        return (lambda u: access.require(access.acting(u), action, grid=grid, community=community, party=party)), \
            command
    return prepare


PREPARE: dict[str, Callable[[Store, str, Path], Prepared]] = {
    "report": _report(False),
    "accept": _step("reported", "accepted"),
    "cancel": _step("reported", "cancelled", note="误报"),
    "merge": _merge,
    "on_spot": _report(True),
    "dispatch": _step("accepted", "dispatched", party="own"),
    "redispatch": _step("dispatched", "dispatched", party="other"),
    "park": _step("accepted", "parked", note="等待材料"),
    "resume": _step("parked", "accepted"),
    "start": _step("dispatched", "in_progress"),
    "handle": _step("dispatched", "handled", note="已处置"),
    "check_pass": _step("handled", "closed"),
    "rework": _step("handled", "dispatched", note="仍有积水"),
    "reopen": _step("closed", "reopened"),
    "edit_incident": _edit,
    "inspect": _inspect,
    "import": _import,
    "rejoin": _rejoin,
    "incident_type": _incident_type,
    "register": _register,
    "checklist": _read("checklist"),
    "parties": _parties,
    "storm": _storm,
    "ledger": _read("ledger"),
    "users": _users,
    "audit": _audit,
    "settings": _read("settings"),
}
