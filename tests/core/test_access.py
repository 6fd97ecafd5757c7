"""geo.access: the permission table, every role x every action, through the library and through the command line.

The expected table is written out here, not computed from
:data:`geo.access.RULES`: a change to the rules shows as a failing row.
Each attempt acts on an object of the acting user's own grid and party
(``own``: grid G1 of community 桂苑, party wy1) or on another's (``other``:
grid G2 of community 竹苑, party wy2); see :mod:`tests.core.permissions`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from geo import access
from geo.access import RULES, AccessError, User, allowed, require, scope_filter
from geo.audit import read_audit
from geo.cli import main
from geo.store import Store, open_store
from tests.conftest import BACKENDS, database_url
from tests.core import permissions as world
from tests.needs import skip_or_fail

ROLES = ("operator", "admin", "staff", "grid_worker", "party", "viewer")

# The expected table: action -> what each role may do on its own object / on another's.
# Y: allowed on both; O: allowed on its own only (grid, community or party); N: refused on both.
EXPECTED_TABLE = """
action          operator admin staff grid_worker party viewer
report          Y        Y     O     O           N     N
accept          Y        Y     O     N           N     N
cancel          Y        Y     O     N           N     N
merge           Y        Y     O     N           N     N
on_spot         Y        Y     O     O           N     N
dispatch        Y        Y     O     N           N     N
redispatch      Y        Y     O     N           N     N
park            Y        Y     O     N           N     N
resume          Y        Y     O     N           N     N
start           Y        Y     O     O           O     N
handle          Y        Y     O     O           O     N
check_pass      Y        Y     O     N           N     N
rework          Y        Y     O     N           N     N
reopen          Y        Y     O     N           N     N
edit_incident   Y        Y     O     O           N     N
inspect         Y        Y     O     O           N     N
import          Y        Y     Y     N           N     N
rejoin          Y        Y     Y     N           N     N
incident_type   Y        Y     Y     N           N     N
register        Y        Y     Y     N           N     N
checklist       Y        Y     O     O           N     N
parties         Y        Y     Y     N           N     N
storm           Y        Y     Y     N           N     N
ledger          Y        Y     O     O           O     Y
users           Y        Y     N     N           N     N
audit           Y        Y     N     N           N     N
settings        Y        Y     N     N           N     N
"""


def _expected() -> dict[tuple[str, str, str], bool]:
    lines = [line.split() for line in EXPECTED_TABLE.strip().splitlines()]
    roles = lines[0][1:]
    out = {}
    for action, *marks in lines[1:]:
        for role, mark in zip(roles, marks, strict=True):
            out[(role, action, "own")] = mark in "YO"
            out[(role, action, "other")] = mark == "Y"
    return out


EXPECTED = _expected()
CASES = sorted(EXPECTED)


def test_the_table_names_every_action_and_role() -> None:
    assert {a for _, a, _ in EXPECTED} == set(RULES)
    assert {r for r, _, _ in EXPECTED} == {"operator", *access.ROLES}


@pytest.fixture(scope="module", params=BACKENDS)
def world_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One store per backend for the whole table (each attempt makes its own objects)."""
    if request.param == "postgis":
        url = database_url()
        if not url:
            skip_or_fail("PostGIS store tests skipped: no test database (GRIDWATCH_TEST_DATABASE_URL).")
        address = f"{url}{'&' if '?' in str(url) else '?'}schema=t_{uuid.uuid4().hex[:12]}"
    else:
        address = str(tmp_path_factory.mktemp("permissions") / "world.gpkg")
    store = open_store(address)
    world.build(store)
    yield store
    store.close()
    if request.param == "postgis":
        from geo.postgis import drop_store

        drop_store(address)


@pytest.mark.parametrize(("role", "action", "where"), CASES)
def test_library(world_store: Store, tmp_path: Path, role: str, action: str, where: str) -> None:
    attempt, _ = world.PREPARE[action](world_store, where, tmp_path)
    user = world.user(world_store, role)
    entries = len(read_audit(world_store))
    if EXPECTED[(role, action, where)]:
        attempt(user)
        log = read_audit(world_store)
        if len(log) > entries:  # a write: entered in the log as who did it, with the role they acted in
            assert set(log["by"].iloc[entries:]) == {access.acting(user).name}
            assert set(log["role"].iloc[entries:]) == {"operator" if role == "operator" else role}
        return
    with pytest.raises(AccessError) as refused:
        attempt(user)
    assert refused.value.key is not None and refused.value.key.startswith("access.")
    message, hint = refused.value.localized("en")
    assert world.account_name(role) in message and hint  # who it is, and what to do about it
    assert len(read_audit(world_store)) == entries, "a refused attempt wrote nothing"


#: The actions without a command of their own: rejoin (the app's), reading the ledger, printing checklists
#: (their masking is the personal-data rule's) and settings (the environment's).
NO_COMMAND = {"rejoin", "checklist", "ledger", "settings"}
CLI_CASES = [c for c in CASES if c[1] not in NO_COMMAND]


def test_the_actions_left_out_of_the_command_line_table_are_actions() -> None:
    assert set(RULES) > NO_COMMAND


@pytest.mark.parametrize(("role", "action", "where"), CLI_CASES)
def test_command_line(world_store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                      role: str, action: str, where: str) -> None:
    _, argv = world.PREPARE[action](world_store, where, tmp_path)
    assert argv is not None
    who = ["--by", "本机"] if role == "operator" and action not in ("users", "audit", "inspect", "import",
                                                                     "incident_type", "register") \
        else ([] if role == "operator" else ["--as", world.account_name(role)])
    capsys.readouterr()
    entries = len(read_audit(world_store))
    status = main([*argv, "--store", world_store.address, "--quiet", *who])
    out, err = capsys.readouterr()
    if EXPECTED[(role, action, where)]:
        assert status == 0, err
        return
    assert status == 2, err
    assert err.startswith("error: ") and world.account_name(role) in err and "\nhint: " in err
    assert len(read_audit(world_store)) == entries


def test_a_refusal_names_the_roles_and_how_to_get_one_in_both_languages() -> None:
    worker = User("zs", "grid_worker", grids=frozenset({"G1"}))
    with pytest.raises(AccessError) as refused:
        require(worker, "report", grid="G2", community="竹苑", what="R1")
    assert refused.value.localized("en") == (
        "zs (grid worker) may report only in their own grids; R1 is in grid G2.",
        "Ask that grid's worker or community staff, or an administrator to change your account's grids.")
    assert refused.value.localized("zh")[0] == "zs（网格员）只能在本人负责的网格内上报；R1 属于网格 G2。"
    with pytest.raises(AccessError) as refused:
        require(User("v", "viewer"), "dispatch", what="R1")
    message, hint = refused.value.localized("en")
    assert message == "v (viewer) may not dispatch: R1."
    assert hint.startswith("Roles that may: administrator (admin), community staff (staff).")
    assert "管理员(admin)、社区工作人员(staff)" in refused.value.localized("zh")[1]


def test_scopes() -> None:
    anywhere_staff = User("s", "staff")
    assert allowed(anywhere_staff, "accept", grid="G9", community="别处")  # staff of no community: every grid
    assert not allowed(User("p", "party"), "handle", party="wy1")  # a party account without its party
    assert not allowed(User("w", "grid_worker"), "report", anywhere=True)  # a worker of no grid reports nowhere
    assert allowed(User("w", "grid_worker", grids=frozenset({"G1"})), "report", anywhere=True)
    assert allowed(access.operator("x"), "settings") and access.operator("x").audit_role == "operator"
    assert access.acting("").is_operator and access.acting("李四").name == "李四"
    with pytest.raises(KeyError):
        allowed(anywhere_staff, "fly")
    grid_of = {"G1": "桂苑", "G2": "竹苑"}
    assert scope_filter(User("s", "staff", communities=frozenset({"竹苑"})), grid_of) == {"G2"}
    assert scope_filter(User("w", "grid_worker", grids=frozenset({"G1"})), grid_of) == {"G1"}
    assert scope_filter(User("v", "viewer"), grid_of) == frozenset()
    assert scope_filter(User("a", "admin"), grid_of) is None


def test_grid_scope_reads_the_community_of_the_grids_layer(world_store: Store) -> None:
    with world_store.transaction("read", by="t") as tx:
        assert access.grid_scope(tx, "G2") == ("G2", "竹苑")
        assert access.grid_scope(tx, "G9") == ("G9", None)
        assert access.grid_scope(tx, None) == (None, None)
        assert access.grid_scope(tx, float("nan")) == (None, None)


def test_python_m_geo_exits_2_when_refused(world_store: Store, tmp_path: Path) -> None:
    """The real command line, once: the refusal's status and message reach the shell."""
    import subprocess
    import sys

    _, argv = world.PREPARE["accept"](world_store, "own", tmp_path)
    assert argv is not None
    done = subprocess.run([sys.executable, "-m", "geo", *argv, "--store", world_store.address,
                           "--as", world.account_name("viewer"), "--lang", "zh"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert done.stderr.startswith("error: u_viewer（只读用户）无权受理：")
    done = subprocess.run([sys.executable, "-m", "geo", *argv, "--store", world_store.address, "--as", "nobody"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "No active account “nobody”" in done.stderr
