"""The ``serve`` command: run the app with GridWatch's serving settings (what ``make run`` calls).

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo serve [--store S] [--demo] [--port P] [--address A] [--dry-run]

It becomes ``streamlit run app.py`` (:func:`geo.serving.command`, run in
place of this process, so a signal to it stops the server) bound to
``GRIDWATCH_ADDRESS`` (this machine only by default), with Streamlit's
error details off and the upload limit of ``GRIDWATCH_MAX_FILE_MB``.
``--demo`` serves the bundled demo store (or ``--store``) in demo mode, on
this machine only: refused (exit 2) on any other address. A demo store
built before the demo had accounts gets them first.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from . import serving
from .errors import OptionError

__all__ = ["add_commands", "cmd_serve", "demo_accounts"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``serve`` command to the CLI's subparsers."""
    p = sub.add_parser("serve", help="run the app (streamlit run app.py) with the serving settings",
                       description="Run the app: bound to GRIDWATCH_ADDRESS (127.0.0.1, this machine only, by "
                                   "default), Streamlit's error details off, uploads up to GRIDWATCH_MAX_FILE_MB. "
                                   "Every address other than this machine's needs sign-in: demo mode is refused "
                                   "there.")
    p.add_argument("--store", help="the store: a .gpkg file or a postgresql:// address (default: "
                                   "$GRIDWATCH_STORE, else the demo store)")
    p.add_argument("--demo", action="store_true", help="demo mode: sign in as a demo account without a password "
                                                       "(the fictional demo store only; this machine only)")
    p.add_argument("--port", type=int, default=8501, help="the port (default 8501)")
    p.add_argument("--address", help="the address to bind (default: $GRIDWATCH_ADDRESS, else 127.0.0.1)")
    p.add_argument("--dry-run", action="store_true", help="print the command instead of running it")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run (or print) the app's server command; its exit status."""
    if not 0 < args.port < 65536:
        raise OptionError.of("serve.bad_port", port=args.port)
    if args.demo and args.store is None and not serving.DEMO_STORE.exists():
        raise OptionError.of("serve.no_demo", path=str(serving.DEMO_STORE))
    cmd = serving.command(store=args.store, demo=args.demo, port=args.port, address=args.address)
    if args.demo and not args.dry_run:
        demo_accounts(args.store or str(serving.DEMO_STORE))
    if args.dry_run:
        print(shlex.join(cmd))
        return 0
    sys.stdout.flush()
    os.chdir(serving.ROOT)
    os.execv(cmd[0], cmd)  # the server replaces this process: a signal to it (Ctrl-C, kill PID) stops the server
    return 0  # pragma: no cover - execv does not return


def demo_accounts(location: str) -> None:
    """Give a demo store built before the demo had accounts its demo accounts (a fictional store only)."""
    from .accounts import is_demo, list_users
    from .demo_cases import add_demo_accounts
    from .store import open_store

    store = open_store(location)
    if is_demo(store) and list_users(store).empty:
        add_demo_accounts(store)
