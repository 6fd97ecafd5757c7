"""The demo store's accounts: one per role, scoped like the community's people, and none with a password."""

from __future__ import annotations

import pytest

from geo import accounts, schema
from geo.access import ROLES, AccessError
from geo.demo_cases import DEMO_ACCOUNTS
from geo.store import open_store


def test_one_account_per_role_scoped_and_named_in_chinese(demo_store):
    users = accounts.list_users(demo_store)
    assert sorted(users["role"]) == sorted(ROLES) and users["active"].all()
    assert set(users["user"]) == {name for name, _, _ in DEMO_ACCOUNTS}
    grids = demo_store.read(schema.GRIDS).sort_values("grid_id")
    worker = accounts.get_user(demo_store, "demo_worker")
    assert worker is not None and worker.grids == {grids["grid_id"].iloc[0]}
    assert worker.display_name == grids["worker"].iloc[0]
    staff = accounts.get_user(demo_store, "demo_staff")
    assert staff is not None and staff.communities == set(grids["community"])
    party = accounts.get_user(demo_store, "demo_party")
    assert party is not None and party.party in set(demo_store.read_table("parties")["party_id"])
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(n)) for n in users["display_name"])


def test_no_demo_account_signs_in_with_a_password(demo_store_copy):
    store = open_store(demo_store_copy)
    for name, _, _ in DEMO_ACCOUNTS:
        for password in ("", name, "demo"):
            with pytest.raises(AccessError):
                accounts.authenticate(store, name, password)


def test_demo_sign_in_is_refused_once_the_store_is_not_fictional(demo_store_copy):
    store = open_store(demo_store_copy)
    assert accounts.demo_sign_in(store, "demo_viewer").role == "viewer"
    with store.transaction("real now") as tx:
        meta = tx.read_table("meta")
        tx.write_table("meta", meta[meta["key"] != "fictional"])
    with pytest.raises(AccessError):
        accounts.demo_sign_in(store, "demo_viewer")
