"""Command-line commands of accounts and the audit log: ``user ...`` and ``audit``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo user add --store S NAME --role ROLE [--grid G ...] [--community C ...] [--party P]
                           [--display-name N] [--password-stdin | --no-password]
    python -m geo user list --store S [--format table|csv]
    python -m geo user set --store S NAME [--role R] [--grid G ...] [--community C ...] [--party P]
                           [--display-name N] [--active | --inactive]
    python -m geo user disable --store S NAME
    python -m geo user reset-password --store S NAME [--password-stdin]
    python -m geo audit --store S [--since DATE] [--until DATE] [--user U] [--action A] [--out FILE.csv]

Each calls the function of :mod:`geo.accounts` or :mod:`geo.audit` the app
calls; only administrators (and the local operator, without ``--as``)
manage accounts and read the audit log. A password is asked for twice on a
terminal, or read as one line from stdin with ``--password-stdin``; it is
never an option's value (it would stay in the shell's history).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

import pandas as pd

from . import accounts, i18n
from .access import ROLES, acting, require
from .audit import COLUMNS as AUDIT_COLUMNS
from .audit import audit_csv, read_audit
from .errors import OptionError, UnknownIdError
from .safe import printable, spreadsheet_frame
from .store_cli import actor, existing_store

__all__ = ["add_commands", "cmd_audit", "cmd_user_add", "cmd_user_disable", "cmd_user_list", "cmd_user_password",
           "cmd_user_set"]

#: The audit columns shown on a terminal (``--out`` writes them all).
_AUDIT_SHOWN = ("at", "by", "role", "action", "kind", "object", "after")


def _store_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", required=True, help="the store: a .gpkg file or a postgresql:// address")


def _scope_options(p: argparse.ArgumentParser, *, default: list[str] | None) -> None:
    p.add_argument("--grid", dest="grids", action="append", default=default, metavar="G",
                   help="a grid of the account's scope (repeatable, or separated by commas)")
    p.add_argument("--community", dest="communities", action="append", default=default, metavar="C",
                   help="a community of the account's scope (repeatable, or separated by commas)")
    p.add_argument("--party", default=None, metavar="P", help="the party (party list) of a party account")
    p.add_argument("--display-name", default=None, metavar="N", help="the name shown (default: the user name)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``user`` and ``audit`` commands to the CLI's subparsers."""
    p = sub.add_parser("user", help="the accounts that sign in, their roles and scopes",
                       description="Add, list, change, disable the store's accounts, or reset a password. "
                                   "Only administrators (and the local operator) manage accounts.")
    actions = p.add_subparsers(dest="user_action", required=True, metavar="ACTION")
    a = actions.add_parser("add", help="add an account (the first administrator: --role admin)",
                           description="Add an account. The password is asked for twice on a terminal, or read "
                                       "as one line from stdin with --password-stdin.")
    _store_option(a)
    a.add_argument("name", metavar="NAME", help="the sign-in name (letters, digits, . _ - @)")
    a.add_argument("--role", required=True, choices=ROLES)
    _scope_options(a, default=[])
    how = a.add_mutually_exclusive_group()
    how.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    how.add_argument("--no-password", action="store_true",
                     help="an account without a password (signs in through OpenID Connect only)")
    a.set_defaults(func=cmd_user_add)
    ls = actions.add_parser("list", help="the accounts (never their passwords)")
    _store_option(ls)
    ls.add_argument("--format", choices=("table", "csv"), default="table",
                    help="a table (default) or CSV on stdout (columns: " + ", ".join(accounts.SHOWN) + ")")
    ls.set_defaults(func=cmd_user_list)
    s = actions.add_parser("set", help="change an account's role, scope, party, display name, or enable it",
                           description="Change an account: what is given replaces what was (--grid and "
                                       "--community the whole list); what is not given is kept.")
    _store_option(s)
    s.add_argument("name", metavar="NAME")
    s.add_argument("--role", default=None, choices=ROLES)
    _scope_options(s, default=None)
    on = s.add_mutually_exclusive_group()
    on.add_argument("--active", dest="active", action="store_const", const=True, default=None,
                    help="enable the account (its failed sign-ins forgotten)")
    on.add_argument("--inactive", dest="active", action="store_const", const=False, help="disable it")
    s.set_defaults(func=cmd_user_set)
    d = actions.add_parser("disable", help="make an account unable to sign in (kept, with its history)")
    _store_option(d)
    d.add_argument("name", metavar="NAME")
    d.set_defaults(func=cmd_user_disable)
    r = actions.add_parser("reset-password", help="give an account a new password")
    _store_option(r)
    r.add_argument("name", metavar="NAME")
    r.add_argument("--password-stdin", action="store_true", help="read the password as one line from stdin")
    r.set_defaults(func=cmd_user_password)
    _add_audit(sub)


def _add_audit(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("audit", help="the audit log: who changed what, when (administrators)",
                       description="Read the store's audit log, oldest first, filtered; a table on stdout, or "
                                   "every column as CSV with --out (UTF-8 with BOM, for Excel).")
    _store_option(p)
    p.add_argument("--since", metavar="DATE", help="entries at or after this date or time (2026-07-01, "
                                                   "2026-07-01T08:00; China Standard Time)")
    p.add_argument("--until", metavar="DATE", help="entries up to the end of this date (or before this time)")
    p.add_argument("--user", metavar="U", help="entries by this user name only")
    p.add_argument("--action", metavar="A", help="entries of this action only (add, update, sign_in, ...)")
    p.add_argument("--out", metavar="FILE.csv", help="write the entries as CSV here")
    p.set_defaults(func=cmd_audit)


def _codes(given: list[str] | None) -> list[str] | None:
    if given is None:
        return None
    return [c.strip() for item in given for c in item.split(",") if c.strip()]


def _password(args: argparse.Namespace) -> str:
    """The new password: one line of stdin (``--password-stdin``), else typed twice on a terminal."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise OptionError.of("user.no_password")
        return line
    if not sys.stdin.isatty():
        raise OptionError.of("user.no_password")
    first = getpass.getpass(i18n.t("user.password_prompt", args.lang, name=printable(args.name, 40)))
    if not first:
        raise OptionError.of("user.no_password")
    if getpass.getpass(i18n.t("user.password_again", args.lang)) != first:
        raise OptionError.of("user.password_mismatch")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    """``user add``: :func:`geo.accounts.add_user` (the password checked before it is asked twice)."""
    store = existing_store(args.store)
    require(acting(actor(args)), "users", what=args.name)  # refused before a password is asked for
    password = None if args.no_password else _password(args)
    user = accounts.add_user(store, args.name, role=args.role, password=password,
                             display_name=args.display_name or "", grids=_codes(args.grids) or [],
                             communities=_codes(args.communities) or [], party=args.party or "", by=actor(args))
    print(i18n.t("user.added", args.lang, name=printable(user.name, 40), role=user.role))
    return 0


def _shown_users(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = table.copy().astype(object).where(table.notna(), "")
    out["active"] = [i18n.t("user.yes" if a else "user.no", lang) for a in table["active"]]
    return out.rename(columns={c: i18n.t(f"user.col.{c}", lang) for c in out.columns})


def cmd_user_list(args: argparse.Namespace) -> int:
    """``user list``: every account (never a password hash), a table or CSV."""
    store = existing_store(args.store)
    require(acting(actor(args)), "users", what=store.location)
    table = accounts.list_users(store)
    if args.format == "csv":
        sys.stdout.buffer.write(spreadsheet_frame(table).to_csv(index=False).encode("utf-8"))
        sys.stdout.flush()
        return 0
    if table.empty:
        print(i18n.t("user.none", args.lang))
        return 0
    _print_table(_shown_users(table, args.lang))
    return 0


def _print_table(table: pd.DataFrame, limit: int = 80) -> None:
    cells = table.map(lambda v: printable(v, limit))
    print(cells.to_string(index=False))


def cmd_user_set(args: argparse.Namespace) -> int:
    """``user set``: :func:`geo.accounts.set_user` with what was given."""
    changes: dict[str, Any] = {"role": args.role, "display_name": args.display_name,
                               "grids": _codes(args.grids), "communities": _codes(args.communities),
                               "party": args.party, "active": args.active}
    user = accounts.set_user(existing_store(args.store), args.name, by=actor(args), **changes)
    print(i18n.t("user.changed", args.lang, name=printable(user.name, 40)))
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    """``user disable``: :func:`geo.accounts.disable_user`."""
    user = accounts.disable_user(existing_store(args.store), args.name, by=actor(args))
    print(i18n.t("user.disabled", args.lang, name=printable(user.name, 40)))
    return 0


def cmd_user_password(args: argparse.Namespace) -> int:
    """``user reset-password``: :func:`geo.accounts.reset_password` with a password from stdin or typed twice."""
    store = existing_store(args.store)
    require(acting(actor(args)), "users", what=args.name)
    if not _exists(store, args.name):  # before the password is asked for
        raise UnknownIdError.of("user.unknown", name=args.name)
    accounts.reset_password(store, args.name, _password(args), by=actor(args))
    print(i18n.t("user.password_set", args.lang, name=printable(args.name, 40)))
    return 0


def _exists(store: Any, name: str) -> bool:
    """Whether an account ``name`` exists, active or not (a disabled one may have its password reset)."""
    names = accounts.list_users(store)["user"].astype(str).str.casefold()
    return bool((names == name.strip().casefold()).any())


def cmd_audit(args: argparse.Namespace) -> int:
    """``audit``: :func:`geo.audit.read_audit` filtered, as a table or (``--out``) CSV."""
    store = existing_store(args.store)
    require(acting(actor(args)), "audit", what=store.location)
    frame = read_audit(store, since=args.since, until=args.until, user=args.user, action=args.action)
    if args.out:
        try:
            with open(args.out, "wb") as fh:
                fh.write(audit_csv(frame, args.lang))
        except OSError as exc:
            raise OptionError.of("cli.cannot_write", path=args.out, why=exc.strerror or str(exc)) from exc
        print(i18n.t("audit.written", args.lang, rows=len(frame), path=printable(args.out, 400)))
        return 0
    if frame.empty:
        print(i18n.t("audit.none", args.lang))
        return 0
    shown = frame[list(_AUDIT_SHOWN)].rename(columns={c: i18n.t(f"audit.col.{c}", args.lang) for c in AUDIT_COLUMNS})
    _print_table(shown, limit=60)
    return 0
