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
    assert cmd[1:5] == ["-m", "streamlit", "run", str(serving.APP)]
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
