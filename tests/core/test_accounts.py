"""geo.accounts on both backends: names, passwords (argon2id), scopes, sign-in slowed down after failures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from geo import accounts
from geo.access import AccessError, User
from geo.audit import read_audit
from geo.cases.parties import add_party
from geo.errors import OptionError, UnknownIdError
from geo.storage import Store
from tests.core.conftest import buildings, grids

CST = timezone(timedelta(hours=8))
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=CST)
GOOD = "雨天先查三号楼的地下车库"


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.write({"grids": grids(), "buildings": buildings()}, note="seed")
    add_party(any_store, party_id="wy1", name="物业一", kind="property", by="seed")
    return any_store


def _raw_users(store: Store):
    return store.read_table(accounts.USERS)


def test_names_are_unique_whatever_their_case(store: Store) -> None:
    accounts.add_user(store, "WangLi", role="admin", password=GOOD)
    with pytest.raises(OptionError) as refused:
        accounts.add_user(store, "wangli", role="viewer", password=None)
    assert refused.value.key == "user.exists"
    with pytest.raises(OptionError) as refused:
        accounts.add_user(store, "wang li", role="viewer", password=None)
    assert refused.value.key == "user.bad_name"
    assert accounts.user_of(store, "WANGLI").name == "WangLi"


@pytest.mark.parametrize(("name", "password", "key"), [
    ("zs", "short1", "user.password_short"),
    ("zs", "aaaaaaaaaaaa", "user.password_weak"),  # one character
    ("zs", "ababababab", "user.password_weak"),  # two
    ("zhangsan_1", "zhangsan_1", "user.password_weak"),  # the user name
    ("zhangsan_1", "ZHANGSAN_1", "user.password_weak"),  # in capitals
])
def test_short_or_weak_passwords_are_refused(store: Store, name: str, password: str, key: str) -> None:
    with pytest.raises(OptionError) as refused:
        accounts.add_user(store, name, role="viewer", password=password)
    assert refused.value.key == key
    assert _raw_users(store).empty, "nothing written"


def test_the_hash_is_argon2id_and_never_listed_nor_logged(store: Store) -> None:
    accounts.add_user(store, "wl", role="admin", password=GOOD, display_name="王丽")
    digest = str(_raw_users(store)["password_hash"].iloc[0])
    assert digest.startswith("$argon2id$") and GOOD not in digest
    listed = accounts.list_users(store)
    assert "password_hash" not in listed.columns
    assert not listed.astype(str).apply(lambda c: c.str.contains("argon2")).any().any()
    accounts.reset_password(store, "wl", GOOD + "啊")
    log = read_audit(store)
    text = log.to_csv()
    assert "argon2" not in text and GOOD not in text
    assert {"user_add", "user_password"} <= set(log["action"])


def test_wrong_passwords_count_and_wait_even_for_the_right_one(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_SIGNIN_FREE_FAILURES", "3")
    accounts.add_user(store, "wl", role="admin", password=GOOD)
    for _ in range(3):
        with pytest.raises(AccessError) as refused:
            accounts.authenticate(store, "wl", "不是这个密码啊啊", now=T0)
        assert refused.value.key == "signin.failed"
    row = _raw_users(store).iloc[0]
    assert int(float(row["failed"])) == 3 and str(row["retry_after"]) == (T0 + timedelta(seconds=5)).isoformat()
    with pytest.raises(AccessError) as refused:  # the right password, while the wait runs: refused unchecked
        accounts.authenticate(store, "wl", GOOD, now=T0 + timedelta(seconds=2))
    assert refused.value.key == "signin.wait" and refused.value.params["seconds"] == 4
    user = accounts.authenticate(store, "wl", GOOD, now=T0 + timedelta(seconds=6))
    assert user == User("wl", "admin")
    row = _raw_users(store).iloc[0]
    assert int(float(row["failed"])) == 0 and not row["retry_after"]
    actions = read_audit(store, obj="wl")["action"].tolist()
    assert actions.count("sign_in_failed") == 3 and "sign_in_refused" in actions and actions[-1] == "sign_in"


def test_waits_double(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDWATCH_SIGNIN_FREE_FAILURES", "2")
    assert [accounts.wait_after(n) for n in (0, 1, 2, 3, 4, 20)] == [0, 0, 5, 10, 20, 900]


def test_a_disabled_account_is_refused(store: Store) -> None:
    accounts.add_user(store, "wl", role="admin", password=GOOD)
    accounts.add_user(store, "zs", role="viewer", password=GOOD)
    accounts.disable_user(store, "zs", by=accounts.user_of(store, "wl"))
    with pytest.raises(AccessError) as refused:
        accounts.authenticate(store, "zs", GOOD, now=T0)
    assert refused.value.key == "signin.failed"  # the same words as a wrong password
    with pytest.raises(UnknownIdError):
        accounts.user_of(store, "zs")  # --as a disabled account
    assert read_audit(store, action="sign_in_failed")["after"].str.contains("disabled").any()
    accounts.set_user(store, "zs", active=True)
    assert accounts.authenticate(store, "zs", GOOD, now=T0).role == "viewer"


def test_an_unknown_account_reads_as_a_wrong_password(store: Store) -> None:
    with pytest.raises(AccessError) as refused:
        accounts.authenticate(store, "nobody", GOOD, now=T0)
    assert refused.value.key == "signin.failed"


def test_a_grid_worker_needs_a_known_grid_and_a_party_a_known_party(store: Store) -> None:
    with pytest.raises(OptionError) as refused:
        accounts.add_user(store, "w", role="grid_worker", password=None)
    assert refused.value.key == "user.worker_needs_grid"
    with pytest.raises(UnknownIdError) as unknown:
        accounts.add_user(store, "w", role="grid_worker", password=None, grids=["G1", "G9"])
    assert unknown.value.key == "user.unknown_grid" and "G9" in unknown.value.message
    with pytest.raises(OptionError) as refused:
        accounts.add_user(store, "p", role="party", password=None)
    assert refused.value.key == "user.party_needs_party"
    with pytest.raises(UnknownIdError) as unknown:
        accounts.add_user(store, "p", role="party", password=None, party="wy9")
    assert unknown.value.key == "user.unknown_party"
    assert accounts.add_user(store, "w", role="grid_worker", password=None, grids=["G1"]).grids == {"G1"}
    assert accounts.add_user(store, "p", role="party", password=None, party="wy1").party == "wy1"
    with pytest.raises(OptionError):
        accounts.add_user(store, "x", role="mayor", password=None)


def test_only_administrators_manage_accounts(store: Store) -> None:
    accounts.add_user(store, "wl", role="admin", password=None)
    accounts.add_user(store, "s", role="staff", password=None)
    staff = accounts.user_of(store, "s")
    with pytest.raises(AccessError):
        accounts.add_user(store, "x", role="viewer", password=None, by=staff)
    with pytest.raises(AccessError):
        accounts.set_user(store, "s", role="admin", by=staff)
    with pytest.raises(AccessError):
        accounts.reset_password(store, "wl", GOOD, by=staff)
    admin = accounts.user_of(store, "wl")
    with pytest.raises(OptionError) as refused:
        accounts.disable_user(store, "wl", by=admin)
    assert refused.value.key == "user.disable_self"
    changed = accounts.set_user(store, "s", communities=["桂苑"], by=admin)
    assert changed.communities == {"桂苑"}
    entry = read_audit(store, action="user_set").iloc[-1]
    assert entry["by"] == "wl" and entry["role"] == "admin" and "桂苑" in entry["after"]
