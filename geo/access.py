"""Who may do what: the roles, their scope, and the one check every write makes.

A :class:`User` is who acts: an account of the store (:mod:`geo.accounts`)
signed in to the app or named with ``--as`` on the command line, or the
*local operator* (whoever can open the store's file or database: the
command line without ``--as``, scripts, the library called with a plain
name), who may do everything and is recorded as such in the audit log.

Roles (codes for the CLI, files and the API):

=============  ==========================================================
``admin``      everything, accounts and settings included
``staff``      community staff (社区工作人员): the grids of their communities
               (all grids when none is given): accept, dispatch, check and
               close cases; import layers; print checklists; storm mode
``grid_worker``  grid worker (网格员): their own grids: report, handle, fix
               on the spot, inspect; other grids read-only
``party``      a property company or utility: the cases dispatched to it:
               start, handle and feed back; nothing else
``viewer``     read-only, personal data masked
=============  ==========================================================

:func:`require` is the check: the library calls it in every write, the app
uses :func:`allowed` to offer only what the user may do, and the same
:data:`RULES` table answers both. A refusal is an :class:`AccessError`
that names the roles that may and how to get one.
"""

from __future__ import annotations

import getpass
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Protocol

from . import schema
from .errors import GridWatchError

__all__ = [
    "ACTIONS",
    "ROLES",
    "RULES",
    "AccessError",
    "User",
    "acting",
    "allowed",
    "default_actor",
    "grid_scope",
    "operator",
    "require",
    "roles_for",
    "scope_filter",
]

ROLES: Final = ("admin", "staff", "grid_worker", "party", "viewer")

#: Scope kinds: where a role's permission applies.
#: ``all``: anywhere; ``community``: the grids of the user's communities (all when none is given);
#: ``grids``: the user's own grids; ``party``: the cases dispatched to the user's party.
Scope = str

#: What each role may do, and where. An action missing for a role is refused.
RULES: Final[dict[str, dict[str, Scope]]] = {
    # case steps (geo.cases.workflow actions)
    "report": {"staff": "community", "grid_worker": "grids"},
    "accept": {"staff": "community"},
    "cancel": {"staff": "community"},
    "merge": {"staff": "community"},
    "on_spot": {"staff": "community", "grid_worker": "grids"},
    "dispatch": {"staff": "community"},
    "redispatch": {"staff": "community"},
    "park": {"staff": "community"},
    "resume": {"staff": "community"},
    "start": {"staff": "community", "grid_worker": "grids", "party": "party"},
    "handle": {"staff": "community", "grid_worker": "grids", "party": "party"},
    "check_pass": {"staff": "community"},
    "rework": {"staff": "community"},
    "reopen": {"staff": "community"},
    # incidents and assets
    "edit_incident": {"staff": "community", "grid_worker": "grids"},
    "inspect": {"staff": "community", "grid_worker": "grids"},
    # layers, tables and settings of the store
    "import": {"staff": "all"},
    "rejoin": {"staff": "all"},
    "incident_type": {"staff": "all"},
    "register": {"staff": "all"},
    "checklist": {"staff": "community", "grid_worker": "grids"},
    "parties": {"staff": "all"},
    "storm": {"staff": "all"},
    "ledger": {"staff": "community", "grid_worker": "grids", "party": "party", "viewer": "all"},
    # administration: administrators only
    "users": {},
    "audit": {},
    "settings": {},
}
ACTIONS: Final = tuple(RULES)


class AccessError(GridWatchError):
    """The acting user may not do this (a PermissionError in spirit: exit status 2 on the command line)."""


@dataclass(frozen=True)
class User:
    """Who acts.

    Attributes
    ----------
    name
        The account's user name (the operating-system user for the local operator).
    role
        One of :data:`ROLES`.
    display_name
        The name shown (the user name when empty).
    grids, communities
        The scope: grid ids, community names.
    party
        The party (``parties`` table id) a ``party`` account belongs to.
    is_operator
        The local operator (no account: may do everything).
    """

    name: str
    role: str
    display_name: str = ""
    grids: frozenset[str] = field(default_factory=frozenset)
    communities: frozenset[str] = field(default_factory=frozenset)
    party: str = ""
    is_operator: bool = False

    @property
    def label(self) -> str:
        """The name to show: display name, else user name."""
        return self.display_name or self.name

    @property
    def audit_role(self) -> str:
        """The role written in the audit log (``operator`` for the local operator)."""
        return "operator" if self.is_operator else self.role

    def with_scope(self, *, grids: Iterable[str] = (), communities: Iterable[str] = ()) -> User:
        """The same user with another scope (tests, previews)."""
        return replace(self, grids=frozenset(map(str, grids)), communities=frozenset(map(str, communities)))


def default_actor() -> str:
    """Who acts when no name is given: the operating-system user (the local operator)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return "operator"


def operator(name: str = "") -> User:
    """The local operator: may do everything; audited as ``operator``."""
    who = name or default_actor()
    return User(name=who, role="admin", display_name=who, is_operator=True)


def acting(by: User | str | None) -> User:
    """The user acting for a ``by`` argument: a :class:`User` as is, a plain name (or nothing) as the local operator."""
    if isinstance(by, User):
        return by
    return operator(str(by or ""))


def _scope_ok(user: User, scope: Scope, grid: str | None, community: str | None, party: str | None) -> bool:
    if scope == "all":
        return True
    if scope == "community":
        if not user.communities and not user.grids:
            return True
        return (grid is not None and grid in user.grids) or (community is not None and community in user.communities)
    if scope == "grids":
        return grid is not None and grid in user.grids
    if scope == "party":
        return bool(user.party) and party is not None and party == user.party
    return False


def allowed(user: User, action: str, *, grid: str | None = None, community: str | None = None,
            party: str | None = None, anywhere: bool = False) -> bool:
    """Whether ``user`` may do ``action`` on an object of ``grid`` (its ``community``), dispatched to ``party``.

    ``anywhere=True`` asks whether the user may do it somewhere (to show a
    tab or a form at all), not on one object.
    """
    if action not in RULES:
        raise KeyError(action)
    if user.is_operator or user.role == "admin":
        return True
    scope = RULES[action].get(user.role)
    if scope is None:
        return False
    if anywhere:
        return scope != "grids" or bool(user.grids)
    return _scope_ok(user, scope, grid, community, party)


def roles_for(action: str) -> list[str]:
    """The roles that may do ``action`` (administrators always)."""
    return ["admin", *RULES[action]]


def require(user: User, action: str, *, grid: str | None = None, community: str | None = None,
            party: str | None = None, what: str = "", anywhere: bool = False) -> None:
    """Refuse with :class:`AccessError` unless ``user`` may do ``action`` here (see :func:`allowed`).

    ``what`` names the object (a case id, a layer) in the message.
    """
    if allowed(user, action, grid=grid, community=community, party=party, anywhere=anywhere):
        return
    params: dict[str, Any] = {"user": user.name, "role": _Words("role", [user.role]), "what": what or "-",
                              "roles": _Words("role", roles_for(action), codes_too=True), "action": _Words("permission", [action])}
    scope = RULES[action].get(user.role)
    if scope is None:
        raise AccessError.of("access.refused", **params)
    raise AccessError.of(f"access.out_of_{scope}", grid=grid or "-", party=party or "-", **params)


class _Words:
    """Codes read in the message's language (``role.staff``: 社区工作人员 / community staff, with the code when asked)."""

    def __init__(self, prefix: str, codes: Iterable[str], *, codes_too: bool = False) -> None:
        self.prefix, self.codes, self.codes_too = prefix, list(codes), codes_too

    def text(self, lang: str) -> str:
        from .i18n import STRINGS, t

        words = [f"{t(f'{self.prefix}.{c}', lang)}" if f"{self.prefix}.{c}" in STRINGS else c for c in self.codes]
        if self.codes_too:  # the code is what --role and user set take
            words = [f"{w}({c})" if lang == "zh" else f"{w} ({c})" for w, c in zip(words, self.codes, strict=True)]
        return ("、" if lang == "zh" else ", ").join(words)

    def __str__(self) -> str:
        return self.text("en")

    def __format__(self, spec: str) -> str:
        return format(self.text("en"), spec)


def scope_filter(user: User, grids: Mapping[str, str]) -> frozenset[str] | None:
    """The grid ids (of ``grids``: id to community) the user acts in as staff or grid worker; None for everywhere."""
    if user.is_operator or user.role == "admin":
        return None
    if user.role == "staff":
        if not user.communities and not user.grids:
            return None
        return frozenset(g for g, c in grids.items() if g in user.grids or c in user.communities)
    if user.role == "grid_worker":
        return frozenset(g for g in grids if g in user.grids)
    return frozenset()


class _Rows(Protocol):
    def get(self, layer: str, row_id: str) -> dict[str, Any] | None: ...


def grid_scope(tx: _Rows, grid_id: object) -> tuple[str | None, str | None]:
    """``(grid, community)`` of a grid id for :func:`require`: the id as text and its community from the grids layer.

    Parameters
    ----------
    tx
        A :class:`geo.storage.Transaction` (anything with ``get(layer, row_id)``).
    grid_id
        The object's ``grid_id`` (None or empty: outside every grid).

    Returns
    -------
    tuple
        ``(None, None)`` for no grid; ``(grid, None)`` for a grid the layer
        does not have (or without a community); else ``(grid, community)``.
    """
    if grid_id is None or (isinstance(grid_id, float) and grid_id != grid_id) or not str(grid_id).strip():
        return None, None
    grid = str(grid_id)
    row = tx.get(schema.GRIDS, grid)
    community = row.get("community") if row else None
    if community is None or (isinstance(community, float) and community != community) or not str(community).strip():
        return grid, None
    return grid, str(community)
