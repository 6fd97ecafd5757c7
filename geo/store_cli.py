"""Command-line commands of the store itself: ``store copy`` and ``store check``.

Mounted by :mod:`geo.cli` through its ``_REGISTRARS`` with :func:`add_commands`::

    python -m geo store copy SRC DST [--by NAME]
    python -m geo store check STORE

A store is named by its address (:func:`geo.store.open_store`): a ``.gpkg``
path or a ``postgresql://user@host/db[?schema=NAME]`` address. Messages
name a store by :attr:`geo.storage.Store.location`, never by the address
given (which may hold a password). Errors are
:class:`geo.errors.GridWatchError` (one line and a hint, exit status 2);
``store check`` exits with status 1 when it finds problems.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping

from . import i18n, schema
from .access import User
from .errors import StoreError
from .safe import printable
from .store import META, Store, copy_store, open_store

__all__ = ["actor", "add_commands", "by_option", "cmd_store_check", "cmd_store_copy", "existing_store", "note",
           "was_written"]


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Add the ``store`` command (``copy``, ``check``) to the CLI's subparsers."""
    p = sub.add_parser("store", help="copy a store between addresses, check one",
                       description="Work on a whole store: copy it to another address (GeoPackage or PostGIS), "
                                   "or check its integrity and schema version.")
    actions = p.add_subparsers(dest="store_action", required=True, metavar="ACTION")
    c = actions.add_parser("copy", help="copy every layer and table into a new, empty store",
                           description="Copy a whole store into an empty one, between any two addresses "
                                       "(GeoPackage to PostGIS and back, GeoPackage to GeoPackage): ids, values, "
                                       "geometries, row versions and tables as they are.")
    c.add_argument("src", metavar="SRC", help="the store to copy: a .gpkg file or a postgresql:// address")
    c.add_argument("dst", metavar="DST", help="the new store: a .gpkg file not yet written, or an empty "
                                              "postgresql:// database or schema")
    by_option(c)
    c.set_defaults(func=cmd_store_copy)
    k = actions.add_parser("check", help="integrity, schema version and row counts",
                           description="Check a store's integrity (the database's own check, spatial indexes, "
                                       "ids and row versions) and schema version. A store written by an older "
                                       "release is upgraded in place when opened. Exit status 1 when problems "
                                       "are found.")
    k.add_argument("store", metavar="STORE", help="a .gpkg file or a postgresql:// address")
    k.set_defaults(func=cmd_store_check)


def by_option(p: argparse.ArgumentParser) -> None:
    """``--by NAME`` on a command that writes: who makes the change (as the local operator)."""
    p.add_argument("--by", default="", metavar="NAME",
                   help="who makes the change as the local operator, kept as updated_by and in the store's "
                        "history (default: the operating-system user; --as USER acts as an account instead)")
    p.set_defaults(by_is_name=True)


def actor(args: argparse.Namespace) -> User | str:
    """Who acts for a command: the account of ``--as`` (resolved by :func:`geo.cli.main`), else the ``--by`` name.

    A plain name (or nothing) is the local operator (:func:`geo.access.acting`).
    """
    user = getattr(args, "actor", None)
    if isinstance(user, User):
        return user
    return str(getattr(args, "by", "") or "") if getattr(args, "by_is_name", False) else ""


def note(args: argparse.Namespace, key: str, /, **values: object) -> None:
    """Print the message ``key`` in the reader's language on stderr, unless ``--quiet`` (text values made printable)."""
    if not getattr(args, "quiet", False):
        shown = {k: printable(v, 400) if isinstance(v, str) else v for k, v in values.items()}
        print(i18n.t(key, args.lang, **shown), file=sys.stderr, flush=True)


def existing_store(address: str) -> Store:
    """The store at ``address``, refusing one that was never written (a mistyped path or schema).

    Raises
    ------
    geo.errors.StoreError
        ``cli.no_store`` when nothing is stored there.
    """
    store = open_store(address)
    if not was_written(store):
        raise StoreError.of("cli.no_store", location=store.location)
    return store


def was_written(store: Store) -> bool:
    """Whether anything was ever written to ``store`` (a backend may make an empty store just by opening it)."""
    if store.schema_version() <= 0:
        return False
    if str(store.meta().get("revision", "")).strip() not in ("", "0"):
        return True
    return bool(store.layers()) or any(name != META for name in store.tables())


def cmd_store_copy(args: argparse.Namespace) -> int:
    """``store copy SRC DST``: :func:`geo.store.copy_store`, then the rows copied per layer and table."""
    src = existing_store(args.src)
    dst = open_store(args.dst)
    note(args, "cli.store.copying", src=src.location, dst=dst.location)
    counts = copy_store(src, dst, by=args.by)
    print(i18n.t("cli.store.copied", args.lang, n=sum(counts.values()), src=src.location, dst=dst.location))
    _print_counts(args.lang, counts)
    return 0


def _print_counts(lang: str, counts: Mapping[str, int]) -> None:
    for name, n in counts.items():
        print(i18n.t("cli.store.count", lang, name=name, n=n))


def cmd_store_check(args: argparse.Namespace) -> int:
    """``store check STORE``: ok with the schema version and row counts (status 0), or the problems (status 1)."""
    store = open_store(args.store)
    try:
        if not was_written(store):
            raise StoreError.of("cli.no_store", location=store.location)
        note(args, "cli.store.checking", location=store.location)
        problems = store.check()
    except StoreError as exc:  # a file SQLite cannot read is a problem found, not a wrong address
        if exc.key != "store.damaged":
            raise
        problems = [exc.localized(args.lang)[0]]
    version = store.schema_version() if not problems else _version_or_unknown(store)
    where = {"location": store.location, "backend": store.backend, "version": version}
    if problems:
        print(i18n.t("cli.store.problems", args.lang, n=len(problems), **where))
        for problem in problems:
            print(i18n.t("cli.store.problem", args.lang, problem=printable(problem, 2000)))
        return 1
    print(i18n.t("cli.store.ok", args.lang, **where))
    counts = {name: len(store.read(name)) for name in schema.LAYERS}
    counts.update({name: len(store.read_table(name)) for name in store.tables() if name != META})
    _print_counts(args.lang, counts)
    return 0


def _version_or_unknown(store: Store) -> int | str:
    """The schema version of a store found damaged, ``?`` when it cannot be read."""
    try:
        return store.schema_version()
    except StoreError:
        return "?"
