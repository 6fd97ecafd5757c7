"""geo.audit on both backends: every kind of change entered with who, before and after; the log append-only in the database."""

from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd
import pytest

from geo import accounts, schema
from geo.access import AccessError
from geo.audit import AUDIT, audit_csv, read_audit
from geo.cases import actions, parties, storm
from geo.errors import OptionError, StoreError
from geo.incidents import report_incident, update_incident
from geo.storage import Store
from geo.store import copy_store, open_store
from tests.core.conftest import buildings, grids

LON, LAT = 114.3605, 30.5205  # inside G1
PASSWORD = "雨天先查三号楼的地下车库"


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.write({"grids": grids(), "buildings": buildings()}, note="seed", by="种子")
    return any_store


def _last(store: Store, **where: str) -> dict[str, Any]:
    log = read_audit(store, **where)
    assert not log.empty, f"no audit entry {where}"
    return log.iloc[-1].to_dict()


def test_each_kind_of_change_is_entered_with_who_before_and_after(store: Store) -> None:
    seed = _last(store, action="replace", obj="grids")
    assert seed["by"] == "种子" and seed["role"] == "operator" and '"new": 3' in seed["after"]
    accounts.add_user(store, "wl", role="admin", password=PASSWORD)
    admin = accounts.user_of(store, "wl")
    case = report_incident(store, type="flooding", lon=LON, lat=LAT, by=admin)
    cid = str(case["incident_id"])
    added = _last(store, action="add", obj=cid)
    assert added["by"] == "wl" and added["role"] == "admin" and added["kind"] == schema.INCIDENTS
    assert '"grid_id": "G1"' in added["after"]
    actions.set_stage(store, cid, "accepted", by=admin)
    step = _last(store, action="update", obj=cid)
    assert '"status": "reported"' in step["before"] and '"status": "accepted"' in step["after"]
    update_incident(store, cid, description="积水二十厘米", by="李四")
    edit = _last(store, action="update", obj=cid)
    assert edit["by"] == "李四" and edit["role"] == "operator" and "积水二十厘米" in edit["after"]
    parties.add_party(store, party_id="wy1", name="物业一", by=admin)
    assert _last(store, action="table", obj="parties")["kind"] == "parties"
    storm.set_storm(store, "red", by=admin)
    meta = _last(store, action="meta")
    assert "storm" in meta["object"] and '"red"' in meta["after"]
    with store.transaction("delete", by=admin) as tx:
        tx.delete(schema.BUILDINGS, ["B4"])
    gone = _last(store, action="delete")
    assert gone["object"] == "B4" and gone["kind"] == schema.BUILDINGS and gone["by"] == "wl"
    with store.transaction("explicit", by=admin) as tx:
        tx.audit("settings", kind="settings", obj="GRIDWATCH_LANG", before={"value": "en"}, after={"value": "zh"})
    own = _last(store, action="settings")
    assert own["before"] == '{"value": "en"}' and own["note"] == "explicit"
    with pytest.raises(AccessError):
        accounts.authenticate(store, "wl", "wrong password here")
    assert _last(store, action="sign_in_failed")["object"] == "wl"


def test_filters_and_csv(store: Store) -> None:
    report_incident(store, type="flooding", lon=LON, lat=LAT, by="王五")
    assert set(read_audit(store, user="王五")["by"]) == {"王五"}
    assert read_audit(store, since="2000-01-01", until="2000-01-02").empty
    assert len(read_audit(store, limit=1)) == 1
    with pytest.raises(OptionError) as refused:
        read_audit(store, since="yesterday")
    assert refused.value.key == "audit.bad_date"
    data = audit_csv(read_audit(store), "zh")
    assert data.startswith("\ufeff".encode()) and "操作人" in data.decode("utf-8-sig").splitlines()[0]


def test_the_log_cannot_be_written_through_gridwatch(store: Store) -> None:
    with pytest.raises(StoreError) as refused, store.transaction("rewrite", by="x") as tx:
        tx.write_table(AUDIT, pd.DataFrame({"at": ["x"]}))
    assert refused.value.key == "store.audit_readonly"
    with pytest.raises(StoreError), store.transaction("append", by="x") as tx:
        tx.append_table(AUDIT, pd.DataFrame({"at": ["x"]}))


def _database_refuses(store: Store, statement: str) -> None:
    """Run ``statement`` (``{t}``: the audit table) on the store's database directly; it must be refused."""
    if store.backend == "postgis":
        import psycopg

        from geo.postgis_sql import parse_address

        addr = parse_address(store.address)
        with psycopg.connect(addr.conninfo, autocommit=True) as con, pytest.raises(psycopg.Error) as refused:
            con.execute(statement.format(t=f'"{addr.schema}"."{AUDIT}"'))
        assert "append-only" in str(refused.value)
        return
    con = sqlite3.connect(store.address)
    try:
        with pytest.raises(sqlite3.DatabaseError) as refused:
            con.execute(statement.format(t=AUDIT))
            con.commit()
        assert "append-only" in str(refused.value)
    finally:
        con.close()


@pytest.mark.parametrize("statement", ["UPDATE {t} SET by = 'someone else'", "DELETE FROM {t}"])
def test_the_database_itself_refuses_update_and_delete(store: Store, statement: str) -> None:
    before = read_audit(store)
    _database_refuses(store, statement)
    pd.testing.assert_frame_equal(read_audit(store), before)


@pytest.mark.parametrize("backend", ["postgis"], indirect=True)  # SQLite has no TRUNCATE
def test_the_database_refuses_truncate_on_postgis(store: Store) -> None:
    _database_refuses(store, "TRUNCATE {t}")


def test_copy_store_carries_the_log(store: Store, new_store_address) -> None:
    accounts.add_user(store, "wl", role="admin", password=PASSWORD)
    report_incident(store, type="flooding", lon=LON, lat=LAT, by=accounts.user_of(store, "wl"))
    src = read_audit(store)
    dst = open_store(new_store_address())
    copy_store(store, dst, by="搬家")
    copied = read_audit(dst)
    kept = copied.iloc[: len(src)].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, src)
    assert (copied.iloc[len(src):]["by"] == "搬家").all()
    _database_refuses(dst, "DELETE FROM {t}")  # the copy is protected too
    assert "argon2" not in copied.to_csv()
