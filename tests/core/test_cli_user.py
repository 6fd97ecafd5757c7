"""``python -m geo user ...`` and ``python -m geo audit``, and ``--as`` on the command line, on both backends."""

from __future__ import annotations

import csv
import getpass
import io
import sys
from pathlib import Path

import pytest

from geo import accounts, cli
from geo.audit import read_audit
from geo.cases.parties import add_party
from geo.storage import Store
from tests.core.conftest import buildings, grids

PASSWORD = "雨天先查三号楼的地下车库"


@pytest.fixture
def store(any_store: Store) -> Store:
    any_store.write({"grids": grids(), "buildings": buildings()}, note="seed", by="seed")
    add_party(any_store, party_id="wy1", name="物业一", kind="property", by="seed")
    return any_store


class Terminal(io.StringIO):
    """A standard input that says it is a terminal (the password is then asked with getpass)."""

    def isatty(self) -> bool:
        return True


def run(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str,
        stdin: str | io.StringIO = "") -> tuple[int, str, str]:
    """Run the command line in this process, ``stdin`` its standard input: status, stdout, stderr."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin) if isinstance(stdin, str) else stdin)
    capsys.readouterr()
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


class TestAdd:
    def test_the_first_administrator_from_stdin(self, store: Store, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
        status, out, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "wl", "--role", "admin",
                               "--display-name", "王丽", "--password-stdin", stdin=PASSWORD + "\n")
        assert status == 0, err
        assert out.strip() == "Account wl (admin) added."
        assert accounts.authenticate(store, "wl", PASSWORD).label == "王丽"
        entry = read_audit(store, action="user_add").iloc[-1]
        assert entry["role"] == "operator" and entry["object"] == "wl"  # no --as: the local operator

    def test_scope_options(self, store: Store, capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "zs", "--role",
                             "grid_worker", "--grid", "G1,G2", "--grid", "G3", "--no-password")
        assert status == 0, err
        assert accounts.user_of(store, "zs").grids == {"G1", "G2", "G3"}
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "wy", "--role", "party",
                             "--party", "wy1", "--no-password")
        assert status == 0 and accounts.user_of(store, "wy").party == "wy1"
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "w2", "--role",
                             "grid_worker", "--no-password", "--lang", "zh")
        assert status == 2 and err.startswith("error: 网格员账号需要至少一个网格。")
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "s", "--role", "staff",
                             "--community", "桂苑", "--no-password")
        assert status == 0 and accounts.user_of(store, "s").communities == {"桂苑"}

    def test_an_account_without_a_password_cannot_sign_in_with_one(self, store: Store,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        run(capsys, monkeypatch, "user", "add", "--store", store.address, "oidc", "--role", "viewer", "--no-password")
        from geo.access import AccessError

        with pytest.raises(AccessError):
            accounts.authenticate(store, "oidc", "")

    def test_passwords_typed_twice_or_refused(self, store: Store, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "a", "--role", "viewer")
        assert status == 2 and "No password was given" in err  # not a terminal, no --password-stdin
        typed = iter([PASSWORD, PASSWORD + "!"])
        monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(typed))
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "a", "--role", "viewer",
                             stdin=Terminal())
        assert status == 2 and "The two passwords differ." in err
        assert accounts.get_user(store, "a") is None
        typed = iter([PASSWORD, PASSWORD])
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "a", "--role", "viewer",
                             stdin=Terminal())
        assert status == 0, err
        assert accounts.authenticate(store, "a", PASSWORD).role == "viewer"

    def test_short_password_and_duplicate_name(self, store: Store, capsys: pytest.CaptureFixture[str],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "a", "--role", "viewer",
                             "--password-stdin", stdin="short\n")
        assert status == 2 and "too short" in err
        run(capsys, monkeypatch, "user", "add", "--store", store.address, "a", "--role", "viewer", "--no-password")
        status, _, err = run(capsys, monkeypatch, "user", "add", "--store", store.address, "A", "--role", "viewer",
                             "--no-password")
        assert status == 2 and "already exists" in err


def _accounts(store: Store, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    run(capsys, monkeypatch, "user", "add", "--store", store.address, "wl", "--role", "admin", "--password-stdin",
        stdin=PASSWORD + "\n")
    run(capsys, monkeypatch, "user", "add", "--store", store.address, "s", "--role", "staff", "--no-password")
    run(capsys, monkeypatch, "user", "add", "--store", store.address, "zs", "--role", "grid_worker", "--grid", "G1",
        "--no-password")


def test_list_never_shows_a_hash(store: Store, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts(store, capsys, monkeypatch)
    status, out, _ = run(capsys, monkeypatch, "user", "list", "--store", store.address, "--lang", "zh")
    assert status == 0 and out.split()[:3] == ["用户名", "显示名", "角色"] and "argon2" not in out
    status, out, _ = run(capsys, monkeypatch, "user", "list", "--store", store.address, "--format", "csv")
    listed = list(csv.DictReader(io.StringIO(out)))
    assert [r["user"] for r in listed] == ["s", "wl", "zs"] and [r["grids"] for r in listed] == ["", "", "G1"]
    assert list(listed[0]) == list(accounts.SHOWN) and "argon2" not in out
    status, _, err = run(capsys, monkeypatch, "user", "list", "--store", store.address, "--as", "s")
    assert status == 2 and "may not manage accounts" in err


def test_set_disable_and_reset(store: Store, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts(store, capsys, monkeypatch)
    status, out, err = run(capsys, monkeypatch, "user", "set", "--store", store.address, "zs", "--grid", "G2",
                           "--display-name", "张三", "--as", "wl")
    assert status == 0, err
    assert out.strip() == "Account zs changed."
    zs = accounts.user_of(store, "zs")
    assert zs.grids == {"G2"} and zs.label == "张三" and zs.role == "grid_worker"
    status, out, _ = run(capsys, monkeypatch, "user", "disable", "--store", store.address, "zs")
    assert status == 0 and accounts.get_user(store, "zs") is None
    status, _, err = run(capsys, monkeypatch, "incident", "add", "--store", store.address, "--type", "flooding",
                         "--lon", "114.3615", "--lat", "30.5205", "--as", "zs")
    assert status == 2 and "No active account “zs”" in err
    status, _, err = run(capsys, monkeypatch, "user", "reset-password", "--store", store.address, "zs",
                         "--password-stdin", stdin=PASSWORD + "二\n")
    assert status == 0, err
    status, _, _ = run(capsys, monkeypatch, "user", "set", "--store", store.address, "zs", "--active")
    assert status == 0 and accounts.authenticate(store, "zs", PASSWORD + "二").name == "zs"
    status, _, err = run(capsys, monkeypatch, "user", "reset-password", "--store", store.address, "nobody",
                         "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 2 and "No active account “nobody”" in err
    status, _, err = run(capsys, monkeypatch, "user", "disable", "--store", store.address, "wl", "--as", "s")
    assert status == 2 and "may not manage accounts" in err and accounts.get_user(store, "wl") is not None
    actions = read_audit(store, obj="zs")["action"].tolist()
    assert actions[:1] == ["user_add"] and {"user_set", "user_disable", "user_password"} <= set(actions)


def test_as_and_by_do_not_go_together(store: Store, capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts(store, capsys, monkeypatch)
    status, _, err = run(capsys, monkeypatch, "storm", "on", "--store", store.address, "--level", "red",
                         "--as", "s", "--by", "王丽")
    assert status == 2 and "Give --as or --by, not both." in err
    status, _, err = run(capsys, monkeypatch, "storm", "on", "--store", store.address, "--level", "red", "--as", "s")
    assert status == 0, err
    entry = read_audit(store, action="meta").iloc[-1]
    assert entry["by"] == "s" and entry["role"] == "staff"
    status, _, _ = run(capsys, monkeypatch, "storm", "off", "--store", store.address, "--by", "王丽")
    entry = read_audit(store, action="meta").iloc[-1]
    assert status == 0 and entry["by"] == "王丽" and entry["role"] == "operator"


def test_audit_table_filters_and_csv(store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _accounts(store, capsys, monkeypatch)
    status, out, err = run(capsys, monkeypatch, "audit", "--store", store.address, "--user", "seed")
    assert status == 0, err
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["At", "By", "Role"] and all(" seed " in f" {line} " for line in lines[1:])
    status, out, _ = run(capsys, monkeypatch, "audit", "--store", store.address, "--since", "2000-01-01",
                         "--until", "2000-01-02")
    assert status == 0 and out.strip() == "No audit entries match."
    target = tmp_path / "audit.csv"
    status, out, _ = run(capsys, monkeypatch, "audit", "--store", store.address, "--action", "user_add",
                         "--out", str(target), "--lang", "zh", "--as", "wl")
    assert status == 0 and out.strip() == f"已写出 3 条审计记录到 {target}。"
    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["对象"] for r in rows] == ["wl", "s", "zs"] and "argon2" not in data.decode("utf-8-sig")
    status, _, err = run(capsys, monkeypatch, "audit", "--store", store.address, "--as", "zs")
    assert status == 2 and "may not read the audit log" in err
    status, _, err = run(capsys, monkeypatch, "audit", "--store", store.address, "--since", "last week")
    assert status == 2 and "is not a date" in err
