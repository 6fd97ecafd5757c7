"""How the app is served: the address it binds, and the ``streamlit run`` command with the settings.

The app listens on this machine only unless told otherwise
(:attr:`~geo.settings.Settings.address`, ``GRIDWATCH_ADDRESS``); any other
address is allowed only with sign-in, never in demo mode (the demo's
accounts have no password). Streamlit's error details stay off and the
largest upload follows :attr:`~geo.settings.Settings.max_file_mb`.
``python -m geo serve`` (:mod:`geo.serve_cli`) runs :func:`command`; this
module imports no Streamlit.
"""

from __future__ import annotations

import argparse
import ipaddress
import math
import sys
from pathlib import Path
from typing import Final

from . import settings
from .access import AccessError

__all__ = ["APP", "DEMO_STORE", "ENTRY", "app_args", "app_store", "check_address", "command", "is_loopback"]

#: The app (``app.py`` beside the ``geo`` package) and the bundled demo store ``make demo`` builds.
ROOT: Final = Path(__file__).resolve().parents[1]
APP: Final = ROOT / "app.py"
#: What ``streamlit run`` is given: ``app.py`` with the map route beside it (``serve.py``, ``st.App``).
ENTRY: Final = ROOT / "serve.py"
DEMO_STORE: Final = ROOT / "data" / "demo" / "gridwatch.gpkg"


def app_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The app's own arguments (``--store``, ``--demo``) from ``argv`` (default: the server's ``sys.argv``)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--store")
    parser.add_argument("--demo", action="store_true")
    args, _ = parser.parse_known_args(sys.argv[1:] if argv is None else argv)
    return args


def app_store(argv: list[str] | None = None) -> str:
    """The store the app opens: ``--store``, else ``GRIDWATCH_STORE``, else the demo store."""
    return str(app_args(argv).store or settings.current().store or DEMO_STORE)


def is_loopback(address: str | None) -> bool:
    """Whether a server bound to ``address`` is reachable from this machine only.

    ``127.0.0.0/8``, ``::1`` and ``localhost`` are; an empty address is not
    (Streamlit then binds every interface), nor is ``0.0.0.0``, ``::`` or any
    other host.
    """
    text = (address or "").strip().strip("[]")
    if not text:
        return False
    if text.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        return False


def check_address(address: str | None, *, demo: bool) -> None:
    """Refuse demo mode on an address other machines can reach (:class:`~geo.access.AccessError` ``signin.demo_exposed``)."""
    if demo and not is_loopback(address):
        raise AccessError.of("signin.demo_exposed", address=address or "0.0.0.0")


def command(*, store: str | None = None, demo: bool = False, port: int = 8501, address: str | None = None,
            python: str = sys.executable) -> list[str]:
    """The ``streamlit run serve.py`` command (``app.py`` and the map route) that serves the app with GridWatch's serving settings.

    Parameters
    ----------
    store
        The store to open (``--store``); None: the app's own choice
        (``GRIDWATCH_STORE``, else the demo store). With ``demo`` and no
        store, the bundled demo store.
    demo
        Demo mode: sign in as a demo account without a password (the app
        refuses it on a store that is not the fictional demo).
    port
        The port to listen on.
    address
        The address to bind; None: :attr:`~geo.settings.Settings.address`.

    Returns
    -------
    list[str]: the command, for :func:`subprocess.run`.

    Raises
    ------
    geo.access.AccessError
        Demo mode on an address other machines can reach.
    """
    current = settings.current()
    bind = address or current.address
    check_address(bind, demo=demo)
    upload_mb = max(1, math.ceil(current.max_file_mb))
    cmd = [python, "-m", "streamlit", "run", str(ENTRY), "--server.port", str(int(port)), "--server.address", bind,
           "--server.maxUploadSize", str(upload_mb), "--client.showErrorDetails", "none",
           "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    args = []
    if store is None and demo:
        store = str(DEMO_STORE)
    if store is not None:
        args += ["--store", store]
    if demo:
        args.append("--demo")
    return cmd + (["--", *args] if args else [])
