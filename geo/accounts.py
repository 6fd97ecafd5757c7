"""Accounts: who may sign in, with which role and scope, and the sign-in itself.

Accounts live in the store's ``users`` table (both backends), one row per
account: ``user`` (the sign-in name), ``display_name``, ``role`` (one of
:data:`geo.access.ROLES`), ``grids`` and ``communities`` (the scope, comma
separated), ``party`` (a ``party`` account's party), ``active``, the
password's argon2id hash (argon2-cffi; never shown, never in the audit log),
and the failed sign-in counter that slows down guessing.

There is no default account and no default password: the first
administrator is made with ``python -m geo user add --store S NAME --role
admin`` by whoever can open the store (the local operator). Every change is
entered in the audit log (:mod:`geo.audit`), without the hash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Final

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from . import schema, settings
from .access import ROLES, User, acting, require
from .errors import OptionError, UnknownIdError
from .storage import CST, Store, Transaction

__all__ = [
    "USERS",
    "add_user",
    "authenticate",
    "disable_user",
    "get_user",
    "list_users",
    "refreshed",
    "reset_password",
    "set_user",
    "user_of",
]

USERS: Final = "users"
COLUMNS: Final = ("user", "display_name", "role", "grids", "communities", "party", "active", "password_hash",
                  "created_at", "updated_at", "failed", "retry_after", "last_sign_in")
#: What :func:`list_users` shows (no hash).
SHOWN: Final = ("user", "display_name", "role", "grids", "communities", "party", "active", "last_sign_in",
                "failed")
#: Seconds to wait after the free failures: 5 s, doubling, at most 15 minutes.
FIRST_WAIT_S: Final = 5.0
LONGEST_WAIT_S: Final = 900.0
_NAME = re.compile(r"^[\w.@-]{1,40}$")
_HASHER = PasswordHasher()  # argon2id, the library's maintained defaults
#: A hash to verify against when the account does not exist (the same time either way).
_DUMMY_HASH = _HASHER.hash("not a password of anyone")


def _now() -> datetime:
    return datetime.now(CST)


def _split(text: object) -> frozenset[str]:
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return frozenset()
    return frozenset(p.strip() for p in str(text).split(",") if p.strip())


def _join(values: Iterable[str]) -> str:
    return ",".join(sorted({str(v).strip() for v in values if str(v).strip()}))


def _table(tx: Transaction | Store) -> pd.DataFrame:
    df = tx.read_table(USERS)
    for col in COLUMNS:
        if col not in df:
            df[col] = None
    return df[list(COLUMNS)].astype(object)


def _find(df: pd.DataFrame, name: str) -> int | None:
    key = name.strip().casefold()
    hits = [i for i, u in zip(df.index, df["user"], strict=True) if str(u).casefold() == key]
    return hits[0] if hits else None


def _user(row: Any) -> User:
    return User(name=str(row["user"]), role=str(row["role"]), display_name=str(row["display_name"] or ""),
                grids=_split(row["grids"]), communities=_split(row["communities"]), party=str(row["party"] or ""))


def _active(value: object) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "1.0")


def _shown(row: Any) -> dict[str, Any]:
    return {c: row[c] for c in SHOWN if c not in ("failed", "last_sign_in")}


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise OptionError.of("user.bad_role", role=role, roles=", ".join(ROLES))


def check_password(password: str, name: str) -> None:
    """Refuse a password that is too short, one character repeated, or the user name."""
    least = settings.current().password_min_chars
    if len(password) < least:
        raise OptionError.of("user.password_short", chars=least)
    if len(set(password)) < 3 or password.casefold() == name.casefold():
        raise OptionError.of("user.password_weak")


def _check_scope(tx: Transaction, role: str, grids: frozenset[str], party: str) -> None:
    known = set(tx.read(schema.GRIDS)["grid_id"].astype(str)) if grids else set()
    unknown = sorted(grids - known)
    if unknown:
        raise UnknownIdError.of("user.unknown_grid", grids=", ".join(unknown[:10]))
    if role == "grid_worker" and not grids:
        raise OptionError.of("user.worker_needs_grid")
    if role == "party":
        if not party:
            raise OptionError.of("user.party_needs_party")
        parties = tx.read_table("parties")
        ids = set(parties["party_id"].astype(str)) if "party_id" in parties else set()
        if party not in ids:
            raise UnknownIdError.of("user.unknown_party", party=party, parties=", ".join(sorted(ids)) or "-")


def add_user(store: Store, name: str, *, role: str, password: str | None, display_name: str = "",  # noqa: PLR0913
             grids: Iterable[str] = (), communities: Iterable[str] = (), party: str = "",
             by: User | str = "") -> User:
    """Add an account.

    ``password`` None makes an account that cannot sign in with a password
    (OpenID Connect only, or the demo's accounts). Refused unless ``by`` may
    manage accounts (:func:`geo.access.require` ``users``).
    """
    actor = acting(by)
    require(actor, "users", what=name)
    name = name.strip()
    if not _NAME.match(name):
        raise OptionError.of("user.bad_name", name=name)
    _check_role(role)
    if password is not None:
        check_password(password, name)
    digest = _HASHER.hash(password) if password is not None else ""
    with store.transaction(f"user {name} added", by=actor) as tx:
        df = _table(tx)
        if _find(df, name) is not None:
            raise OptionError.of("user.exists", name=name)
        scope = frozenset(map(str, grids))
        _check_scope(tx, role, scope, party)
        now = tx.at
        row = {"user": name, "display_name": display_name.strip(), "role": role, "grids": _join(scope),
               "communities": _join(communities), "party": party, "active": 1, "password_hash": digest,
               "created_at": now, "updated_at": now, "failed": 0, "retry_after": "", "last_sign_in": ""}
        tx.write_table(USERS, pd.concat([df, pd.DataFrame([row])], ignore_index=True) if len(df) else pd.DataFrame([row]))
        tx.audit("user_add", kind=USERS, obj=name, after={k: row[k] for k in SHOWN if k in row})
    return _user(pd.Series(row))


def set_user(store: Store, name: str, *, role: str | None = None, display_name: str | None = None,  # noqa: PLR0913
             grids: Iterable[str] | None = None, communities: Iterable[str] | None = None,
             party: str | None = None, active: bool | None = None, by: User | str = "",
             action: str = "user_set") -> User:
    """Change an account's role, scope, party, display name or whether it is active."""
    actor = acting(by)
    require(actor, "users", what=name)
    if role is not None:
        _check_role(role)
    with store.transaction(f"user {name} changed", by=actor) as tx:
        df = _table(tx)
        i = _find(df, name)
        if i is None:
            raise UnknownIdError.of("user.unknown", name=name)
        before = _shown(df.loc[i])
        if role is not None:
            df.at[i, "role"] = role
        if display_name is not None:
            df.at[i, "display_name"] = display_name.strip()
        if grids is not None:
            df.at[i, "grids"] = _join(grids)
        if communities is not None:
            df.at[i, "communities"] = _join(communities)
        if party is not None:
            df.at[i, "party"] = party
        if active is not None:
            if not active and str(df.at[i, "user"]) == actor.name and not actor.is_operator:
                raise OptionError.of("user.disable_self")
            df.at[i, "active"] = int(active)
            if active:
                df.at[i, "failed"], df.at[i, "retry_after"] = 0, ""
        row = df.loc[i]
        _check_scope(tx, str(row["role"]), _split(row["grids"]), str(row["party"] or ""))
        df.at[i, "updated_at"] = tx.at
        tx.write_table(USERS, df)
        tx.audit(action, kind=USERS, obj=str(row["user"]), before=before, after=_shown(df.loc[i]))
    return _user(df.loc[i])


def disable_user(store: Store, name: str, *, by: User | str = "") -> User:
    """Make an account unable to sign in (kept, with its history; ``set --active`` enables it again)."""
    return set_user(store, name, active=False, by=by, action="user_disable")


def reset_password(store: Store, name: str, password: str, *, by: User | str = "") -> None:
    """Give an account a new password (its failed sign-ins forgotten)."""
    actor = acting(by)
    require(actor, "users", what=name)
    with store.transaction(f"user {name} password reset", by=actor) as tx:
        df = _table(tx)
        i = _find(df, name)
        if i is None:
            raise UnknownIdError.of("user.unknown", name=name)
        check_password(password, str(df.at[i, "user"]))
        df.at[i, "password_hash"] = _HASHER.hash(password)
        df.at[i, "failed"], df.at[i, "retry_after"], df.at[i, "updated_at"] = 0, "", tx.at
        tx.write_table(USERS, df)
        tx.audit("user_password", kind=USERS, obj=str(df.at[i, "user"]))


def list_users(store: Store) -> pd.DataFrame:
    """Every account (no password hashes), by user name."""
    df = _table(store)
    out = df[list(SHOWN)].copy()
    out["active"] = out["active"].map(_active)
    return out.sort_values("user", key=lambda s: s.astype(str).str.casefold()).reset_index(drop=True)


def get_user(store: Store, name: str) -> User | None:
    """The active account ``name`` (case-insensitive) as a :class:`User`, None when missing or disabled."""
    df = _table(store)
    i = _find(df, name)
    if i is None or not _active(df.at[i, "active"]):
        return None
    return _user(df.loc[i])


def refreshed(store: Store, user: User) -> User | None:
    """``user`` as its account is stored now (one read): its current role and scope, None once disabled.

    A user who is no account of the store (the local operator) is returned
    as is: GridWatch disables accounts, it never deletes them.
    """
    if user.is_operator:
        return user
    df = _table(store)
    i = _find(df, user.name)
    if i is None:
        return user
    return _user(df.loc[i]) if _active(df.at[i, "active"]) else None


def user_of(store: Store, name: str) -> User:
    """The active account ``name``; refused (``UnknownIdError``) when missing or disabled (``--as``)."""
    user = get_user(store, name)
    if user is None:
        raise UnknownIdError.of("user.unknown", name=name)
    return user


def wait_after(failed: int) -> float:
    """Seconds the next attempt must wait after ``failed`` failures in a row."""
    free = settings.current().signin_free_failures
    if failed < free:
        return 0.0
    return min(LONGEST_WAIT_S, FIRST_WAIT_S * 2 ** (failed - free))


def authenticate(store: Store, name: str, password: str, *, now: datetime | None = None) -> User:
    """Sign in: the account when the password is right; otherwise :class:`geo.access.AccessError`.

    Every attempt is entered in the audit log (``sign_in``,
    ``sign_in_failed`` with the reason, ``sign_in_refused`` while waiting).
    After :attr:`~geo.settings.Settings.signin_free_failures` failures in
    a row an account must wait before the next attempt (5 s, doubling up to
    15 minutes); while it waits, attempts are refused without checking the
    password. The message never says whether the account exists.
    """
    from .access import AccessError

    when = now or _now()
    name = name.strip()
    with store.transaction("sign in", by=User(name=name or "?", role="")) as tx:
        df = _table(tx)
        i = _find(df, name)
        if i is None:
            _verify(_DUMMY_HASH, password)
            tx.audit("sign_in_failed", kind=USERS, obj=name, after={"reason": "unknown account"})
            error = AccessError.of("signin.failed")
        else:
            row = df.loc[i]
            retry = str(row["retry_after"] or "")
            if retry and datetime.fromisoformat(retry) > when:
                seconds = int((datetime.fromisoformat(retry) - when).total_seconds()) + 1
                tx.audit("sign_in_refused", kind=USERS, obj=str(row["user"]), after={"wait_s": seconds})
                error = AccessError.of("signin.wait", seconds=seconds)
            elif not _active(row["active"]) or not row["password_hash"] or not _verify(str(row["password_hash"]), password):
                failed = int(float(row["failed"] or 0)) + 1
                wait = wait_after(failed)
                df.at[i, "failed"] = failed
                df.at[i, "retry_after"] = (when + timedelta(seconds=wait)).isoformat(timespec="seconds") if wait else ""
                tx.write_table(USERS, df)
                reason = "disabled" if not _active(row["active"]) else "wrong password"
                tx.audit("sign_in_failed", kind=USERS, obj=str(row["user"]), after={"reason": reason, "failed": failed})
                error = AccessError.of("signin.failed")
            else:
                if _HASHER.check_needs_rehash(str(row["password_hash"])):
                    df.at[i, "password_hash"] = _HASHER.hash(password)
                df.at[i, "failed"], df.at[i, "retry_after"] = 0, ""
                df.at[i, "last_sign_in"] = when.isoformat(timespec="seconds")
                tx.write_table(USERS, df)
                user = _user(df.loc[i])
                tx.user = user
                tx.by = user.name
                tx.audit("sign_in", kind=USERS, obj=user.name, after={"role": user.role})
                return user
    raise error


def _verify(digest: str, password: str) -> bool:
    try:
        return _HASHER.verify(digest, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def demo_sign_in(store: Store, name: str) -> User:
    """Sign in to the fictional demo store as one of its accounts, without a password (the demo mode of ``make run``).

    Refused (:class:`geo.access.AccessError`) on any store that is not the
    demo (its ``meta`` says ``fictional``) and for an account of a real store.
    """
    from .access import AccessError

    if not is_demo(store):
        raise AccessError.of("signin.demo_refused", location=store.location)
    user = user_of(store, name)
    with store.transaction("demo sign in", by=user) as tx:
        tx.audit("sign_in", kind=USERS, obj=user.name, after={"role": user.role, "demo": True})
    return user


def is_demo(store: Store) -> bool:
    """Whether ``store`` is the fictional demo community (its metadata says so)."""
    meta = store.meta()
    return meta.get("fictional", "").strip().lower() in ("1", "true", "yes")
