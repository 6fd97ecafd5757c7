"""What each reader is sent of people: the views' cached layers and lookups, the map's HTML, the exports' headers.

On the demo community (172 building heads, 7 grid workers): a viewer, a
party and a grid worker of one grid read the layers (:func:`views.data.layers`),
the people lookups (:func:`views.data.names`) and the map's payload as the
map tab builds it; none of them may hold a full name or phone number that
:mod:`geo.privacy` masks for that reader. Every export that holds people
says whom it was made for.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from geo import privacy, schema
from geo.access import User, operator
from geo.rain.checklist import checklists_from_store
from geo.rain.documents import render_checklists, render_flood
from geo.rain.flood import flood_response, read_layers
from geo.store import Store, open_store
from layers.basemaps import BASEMAPS
from layers.controls import base_map
from layers.select import Filters
from tests import needs
from views import data as appdata

VIEWER = User(name="guest", role="viewer", display_name="访客")
PARTY = User(name="wuye", role="party", party="guiyuan_wuye")
WORKER = User(name="yang", role="grid_worker", grids=frozenset({"G01"}))
STAFF_ELSEWHERE = User(name="zhou", role="staff", communities=frozenset({"别的社区"}))


@pytest.fixture(scope="module")
def raw(demo_store_path: str) -> dict[str, pd.DataFrame]:
    return open_store(demo_store_path).read_many((schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS))


def _people(raw: dict[str, pd.DataFrame], user: User) -> tuple[set[str], set[str]]:
    """The full names and phones of the store that ``user`` may not see (by the rule of geo.privacy).

    A name two people share, one of them seen in full, is left out (it is rightly shown for the other).
    """
    hidden: tuple[set[str], set[str]] = (set(), set())
    seen: tuple[set[str], set[str]] = (set(), set())
    communities = dict(zip(raw[schema.GRIDS]["grid_id"], raw[schema.GRIDS]["community"], strict=True))
    people = [(g["grid_id"], g["community"], g["worker"], g["phone"]) for _, g in raw[schema.GRIDS].iterrows()]
    people += [(b["grid_id"] if isinstance(b["grid_id"], str) else None,
                communities.get(b["grid_id"]), b["head"], b["head_phone"]) for _, b in raw[schema.BUILDINGS].iterrows()]
    for grid, community, name, phone in people:
        into = seen if privacy.visibility(user, grid, community).names else hidden
        into[0].add(str(name))
        into[1].add(str(phone))
    return hidden[0] - seen[0], hidden[1] - seen[1]


def _version(path: str) -> str:
    return open_store(path).version


@pytest.mark.parametrize("user", [VIEWER, PARTY, WORKER, STAFF_ELSEWHERE], ids=lambda u: u.role + ":" + u.name)
def test_cached_layers_hold_nothing_the_reader_may_not_see(demo_store_path: str, raw: dict, user: User) -> None:
    names, phones = _people(raw, user)
    assert len(phones) >= 140  # every reader here is kept from most of the community
    data = appdata.layers(demo_store_path, _version(demo_store_path), appdata.audience(user))
    grids, blds = data[schema.GRIDS], data[schema.BUILDINGS]
    held = set(grids["worker"]) | set(grids["phone"]) | set(blds["head"]) | set(blds["head_phone"])
    assert not held & names and not held & phones
    dump = grids.drop(columns="geometry").to_csv() + blds.drop(columns="geometry").to_csv()
    assert not [p for p in phones if p in dump]
    shown = dict(zip(blds["building_id"], blds["head"], strict=True))
    for _, b in raw[schema.BUILDINGS].iterrows():
        full = privacy.visibility(user, b["grid_id"], "桂苑社区").names
        assert shown[b["building_id"]] == (b["head"] if full else privacy.mask_name(b["head"]))
    who = appdata.names(demo_store_path, _version(demo_store_path), appdata.audience(user))
    lookups = " ".join([*who["worker"].values(), *who["head"].values()])
    assert not [p for p in phones if p in lookups]
    assert not [n for n in names if f"{n} " in f"{lookups} " and privacy.mask_name(n) != n]


def test_a_grid_worker_sees_their_own_grid_in_full(demo_store_path: str, raw: dict) -> None:
    data = appdata.layers(demo_store_path, _version(demo_store_path), appdata.audience(WORKER))
    blds, full = data[schema.BUILDINGS], raw[schema.BUILDINGS]
    mine = full["grid_id"] == "G01"
    assert list(blds.loc[mine, "head_phone"]) == list(full.loc[mine, "head_phone"])
    assert blds.loc[~mine, "head_phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    grids = data[schema.GRIDS].set_index("grid_id")
    assert grids.at["G01", "phone"] == raw[schema.GRIDS].set_index("grid_id").at["G01", "phone"]
    assert grids.at["G02", "worker"].endswith("*")


def test_an_administrator_reads_the_store_as_it_is(demo_store_path: str, raw: dict) -> None:
    assert appdata.audience(operator()) == appdata.ALL == appdata.audience(User(name="a", role="admin"))
    data = appdata.layers(demo_store_path, _version(demo_store_path), appdata.ALL)
    assert list(data[schema.BUILDINGS]["head_phone"]) == list(raw[schema.BUILDINGS]["head_phone"])


def test_a_party_sees_only_the_cases_dispatched_to_it(demo_store_path: str, raw: dict) -> None:
    version = _version(demo_store_path)
    inc = appdata.layers(demo_store_path, version, appdata.audience(PARTY))[schema.INCIDENTS]
    theirs = raw[schema.INCIDENTS]["party"] == "guiyuan_wuye"
    assert len(inc) == int(theirs.sum()) > 0 and set(inc["party"]) == {"guiyuan_wuye"}
    shown = appdata.shown_incidents(demo_store_path, version, appdata.audience(PARTY), Filters())
    assert set(shown["incident_id"]) <= set(inc["incident_id"])
    ledger = appdata.ledger(demo_store_path, version, appdata.audience(PARTY), appdata.clock(),
                            ((), (), (), ("lvyuan_wuye",)), False, "zh")  # asking for another party's cases
    assert set(ledger["party"].dropna()) <= {"guiyuan_wuye"}
    nobody = User(name="x", role="party")
    assert appdata.layers(demo_store_path, version, appdata.audience(nobody))[schema.INCIDENTS].empty


def test_audiences_share_a_copy_only_when_they_see_the_same() -> None:
    assert appdata.audience(VIEWER) == appdata.audience(User(name="other", role="viewer"))
    assert appdata.audience(PARTY) != appdata.audience(VIEWER)
    assert appdata.audience(WORKER) != appdata.audience(WORKER.with_scope(grids=["G02"]))
    assert "yang" not in repr(appdata.audience(WORKER))  # the key says what is seen, not who
    assert appdata.audience(None)[0] == "none"


def _map_html(path: str, who: appdata.Audience) -> str:
    """The map as the map tab builds it (every layer shown), rendered to its HTML."""
    version, filters = _version(path), Filters()
    groups = [appdata.grid_overlay(path, version, who, filters, "open_incidents", "zh", None),
              appdata.building_overlay(path, version, who, filters, "open", "zh", None),
              appdata.incident_overlay(path, version, who, filters, "zh", None)]
    m = base_map(BASEMAPS["none"], bounds=None, lang="zh", height=600)
    for g in groups:
        g.add_to(m)
    return m.get_root().render()


def test_the_viewers_map_payload_holds_no_head_or_worker(demo_store_path: str, raw: dict) -> None:
    html = _map_html(demo_store_path, appdata.audience(VIEWER))
    blds, grids = raw[schema.BUILDINGS], raw[schema.GRIDS]
    phones = [*blds["head_phone"], *grids["phone"]]
    assert not [p for p in phones if p in html]
    assert not [n for n in [*blds["head"], *grids["worker"]] if n in html]
    assert privacy.mask_phone(blds["head_phone"].iloc[0]) in html and privacy.mask_name(blds["head"].iloc[0]) in html
    full = _map_html(demo_store_path, appdata.ALL)  # the same map for an administrator holds them all
    assert all(p in full for p in phones)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    return "".join(out.split())


@needs.tools("pdftotext")
def test_checklists_say_whom_they_were_made_for(demo_store_path: str, tmp_path: Path) -> None:
    lists = checklists_from_store(open_store(demo_store_path), "red", grid_ids=["G01"], user=VIEWER, streets=False)
    line = privacy.made_for(VIEWER, "zh")
    assert line == "制作对象：只读用户 访客（姓名和电话已遮蔽）"
    assert line in render_checklists(lists, "csv").decode("utf-8-sig")
    ws = openpyxl.load_workbook(io.BytesIO(render_checklists(lists, "xlsx"))).active
    assert line in str(ws["A2"].value)
    assert "".join(line.split()) in _pdf_text(render_checklists(lists, "pdf"), tmp_path)
    text = render_checklists(lists, "csv").decode("utf-8-sig")
    heads = open_store(demo_store_path).read(schema.BUILDINGS)
    assert not [p for p in heads["head_phone"] if p in text]


@needs.tools("pdftotext")
def test_flood_responses_say_whom_they_were_made_for(demo_store_path: str, tmp_path: Path) -> None:
    store = open_store(demo_store_path)
    floods = store.read(schema.INCIDENTS).query("type == 'flooding'")
    resp = flood_response(read_layers(store), incident_id=str(floods["incident_id"].iloc[0]), radius=300, user=PARTY)
    line = privacy.made_for(PARTY, "zh")
    assert resp.made_for == line and len(resp.buildings) > 0
    assert resp.buildings["head_phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    assert line in render_flood(resp, "csv").decode("utf-8-sig")
    ws = openpyxl.load_workbook(io.BytesIO(render_flood(resp, "xlsx")))["概况"]
    assert line in [c.value for c in ws["A"]]
    assert "".join(line.split()) in _pdf_text(render_flood(resp, "pdf"), tmp_path)


def test_the_ledger_workbook_says_whom_it_was_made_for(demo_store_path: str) -> None:
    line = privacy.made_for(PARTY, "en")
    xlsx, _csv = appdata.ledger_files(demo_store_path, _version(demo_store_path), appdata.audience(PARTY),
                                      appdata.clock(), ((), (), (), ()), False, "en", "Ledger", line)
    ws = openpyxl.load_workbook(io.BytesIO(xlsx)).active
    assert line in [c.value for c in ws["A"]]
    assert line.startswith("Made for: party wuye")


def test_both_backends_send_a_viewer_masked_layers(demo_any_store: Store) -> None:
    path = demo_any_store.location
    raw_phones = set(demo_any_store.read(schema.BUILDINGS)["head_phone"].astype(str))
    data = appdata.layers(path, demo_any_store.version, appdata.audience(VIEWER))
    held = set(data[schema.BUILDINGS]["head_phone"].astype(str))
    assert len(held) > 100 and not held & raw_phones
    assert {privacy.mask_phone(p) for p in raw_phones} == held
