"""``python -m geo serve``: the app's server command with the serving settings, and demo mode kept to this machine."""

from __future__ import annotations

import shlex

import pytest

from geo import serving
from geo.access import AccessError
from geo.cli import main


def dry(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["serve", "--dry-run", "--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, shlex.split(out) if out.strip() else [], err


def option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


def test_serves_this_machine_only_without_error_details_and_with_the_upload_limit(capsys, monkeypatch):
    monkeypatch.delenv("GRIDWATCH_ADDRESS", raising=False)
    monkeypatch.setenv("GRIDWATCH_MAX_FILE_MB", "12.5")
    code, cmd, _ = dry(capsys, "--store", "mine.gpkg", "--port", "8600")
    assert code == 0
    assert cmd[1:5] == ["-m", "streamlit", "run", str(serving.ENTRY)]
    assert option(cmd, "--server.address") == "127.0.0.1" and option(cmd, "--server.port") == "8600"
    assert option(cmd, "--client.showErrorDetails") == "none" and option(cmd, "--server.maxUploadSize") == "13"
    assert cmd[-3:] == ["--", "--store", "mine.gpkg"]


def test_another_address_is_served_with_sign_in_but_never_in_demo_mode(capsys, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_ADDRESS", "0.0.0.0")
    code, cmd, _ = dry(capsys, "--store", "mine.gpkg")
    assert code == 0 and option(cmd, "--server.address") == "0.0.0.0" and "--demo" not in cmd
    code, cmd, err = dry(capsys, "--store", "mine.gpkg", "--demo")
    assert code == 2 and cmd == [] and "Demo mode cannot serve every network interface (address 0.0.0.0)" in err
    code, cmd, err = dry(capsys, "--store", "mine.gpkg", "--demo", "--address", "192.168.1.20")
    assert code == 2 and "192.168.1.20" in err


def test_demo_mode_serves_the_bundled_demo(capsys, monkeypatch):
    monkeypatch.delenv("GRIDWATCH_ADDRESS", raising=False)
    monkeypatch.setattr(serving, "DEMO_STORE", serving.ROOT / "tests" / "data" / "nothing-here.gpkg")
    code, _, err = dry(capsys, "--demo")
    assert code == 2 and "The demo store" in err and "make demo" in err
    code, cmd, _ = dry(capsys, "--demo", "--address", "localhost", "--store", "d.gpkg")
    assert code == 0 and cmd[-4:] == ["--", "--store", "d.gpkg", "--demo"]
    assert serving.command(demo=True)[-4:] == ["--", "--store", str(serving.DEMO_STORE), "--demo"]


@pytest.mark.parametrize(("address", "local"), [
    ("127.0.0.1", True), ("127.1.2.3", True), ("::1", True), ("[::1]", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("", False), (None, False), ("192.168.1.20", False), ("gw.example", False),
])
def test_which_addresses_are_this_machine_only(address, local):
    assert serving.is_loopback(address) is local
    if not local:
        with pytest.raises(AccessError):
            serving.check_address(address, demo=True)
    serving.check_address(address, demo=False)  # sign-in on: any address


def test_serving_an_old_demo_adds_its_accounts_but_never_to_a_real_store(tmp_path):
    import pandas as pd

    from geo import accounts
    from geo.serve_cli import demo_accounts
    from geo.store import open_store
    from tests.app.conftest import _make_store

    demo = open_store(_make_store(tmp_path / "old-demo.gpkg"))  # fictional, no accounts yet
    with demo.transaction("a party") as tx:
        tx.write_table("parties", pd.DataFrame([{"party_id": "lvyuan_wuye", "name": "绿园物业"}]))
    demo_accounts(demo.location)
    assert sorted(accounts.list_users(demo)["role"]) == sorted(["admin", "staff", "grid_worker", "party", "viewer"])
    demo_accounts(demo.location)  # once only
    assert len(accounts.list_users(demo)) == 5
    real = open_store(_make_store(tmp_path / "real.gpkg"))
    with real.transaction("real") as tx:
        meta = tx.read_table("meta")
        tx.write_table("meta", meta[meta["key"] != "fictional"])
    demo_accounts(real.location)
    assert accounts.list_users(real).empty
