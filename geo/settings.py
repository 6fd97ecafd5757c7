"""Every setting of GridWatch, in one place: name, type, default, variable, meaning.

GridWatch is configured by environment variables ``GRIDWATCH_...`` (a
server is reconfigured without a code change). Each one is a field of
:class:`Settings`, declared once below with its default, its variable, a
one-line doc and the validator that parses it; :func:`current` reads them
all and :func:`describe` lists them (``python -m geo settings`` prints that
table with the values in force and where they came from)::

    GRIDWATCH_LANG=zh GRIDWATCH_MAX_FILE_MB=500 python -m geo settings

A value the validator refuses raises an :class:`~geo.errors.OptionError`
naming the variable and the allowed values. Where GridWatch has always
tolerated a bad value (a language it does not know, an upload limit below
its floor) the default applies instead and :func:`describe` says the value
was ignored; the limits (``GRIDWATCH_MAX_...``) refuse, when they are read
(:meth:`Settings.check`, called by :func:`geo.limits.current`).

:func:`current` reads ``os.environ`` once per distinct set of ``GRIDWATCH_``
variables (so a test's ``monkeypatch.setenv`` is seen); pass a mapping to
read another environment, or call ``current.cache_clear()``.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, NamedTuple

from .errors import OptionError

__all__ = ["PREFIX", "Row", "Settings", "current", "describe", "table", "variables"]

#: Every variable starts with it.
PREFIX: Final = "GRIDWATCH_"

Parser = Callable[[str], Any]


# ---- validators: raw text of the variable -> value, ValueError when refused --

def _text(raw: str) -> str:
    return raw


def _stripped(raw: str) -> str:
    return raw.strip()


def _optional(raw: str) -> str | None:
    return raw or None


def _positive(cast: type) -> Parser:
    """A positive finite number (an int is read as a float and truncated, as ``5e6`` may be)."""

    def parse(raw: str) -> int | float:
        text = raw.strip()
        try:
            value = cast(float(text)) if cast is int else cast(text)
        except (ValueError, OverflowError):
            value = -1
        if not 0 < value < float("inf"):
            raise ValueError(text)
        return value

    return parse


def _lang(raw: str) -> str:
    lang = raw.strip().lower()
    if lang not in ("en", "zh"):
        raise ValueError(raw)
    return lang


def _names(raw: str) -> tuple[str, ...]:
    return tuple(k.strip() for k in raw.split(",") if k.strip())


def _url_prefix(raw: str) -> str:
    return raw.rstrip("/")


def _tiles_crs(raw: str) -> str:
    crs = raw.strip().lower()
    if crs not in ("wgs84", "gcj02", "gcj-02"):
        raise ValueError(raw)
    return "gcj02" if crs == "gcj-02" else crs


def _workers(raw: str) -> int:
    return max(1, int(raw))


def _upload_mb(raw: str) -> int:
    value = int(raw.strip())
    if value < 512:
        raise ValueError(raw)
    return value


def _upload_seconds(raw: str) -> float:
    value = float(raw.strip())
    if not 0 < value < 86_400:
        raise ValueError(raw)
    return value


def _between(cast: type[int] | type[float], low: float, high: float) -> Parser:
    """A parser of a number from ``low`` to ``high`` (both included)."""

    def parse(raw: str) -> int | float:
        value = cast(raw.strip())
        if not low <= value <= high:
            raise ValueError(raw)
        return value

    return parse


_threads = _between(int, 1, 64)
_live_above = _between(int, 0, 1_000_000_000)
_pool = _between(int, 1, 64)
_lock_seconds = _between(float, 0.1, 3600)
_duplicate_m = _between(float, 0, 5000)
_duplicate_h = _between(float, 0, 720)
_attachment_mb = _between(float, 0.1, 200)
_idle_minutes = _between(float, 0.05, 24 * 60)
_password_chars = _between(int, 8, 128)
_failures = _between(int, 1, 100)


def _auth(raw: str) -> str:
    mode = raw.strip().lower()
    if mode not in ("password", "oidc"):
        raise ValueError(raw)
    return mode


def _address(raw: str) -> str:
    text = raw.strip()
    if not text or any(c.isspace() for c in text):
        raise ValueError(raw)
    return text


def _setting(default: Any, variable: str, doc: str, parse: Parser, allowed: str, *,  # noqa: PLR0913
             lenient: bool = True, error: str = "settings.bad_value", empty_unset: bool = False,
             secret: bool = False) -> Any:
    """One field of :class:`Settings` with what :func:`current` needs to read it.

    ``lenient``: a refused value falls back to the default (else it is an
    error, raised by :meth:`Settings.check`). ``empty_unset``: an empty
    (blank) value counts as unset. ``secret``: :func:`describe` does not show the value.
    """
    meta = {"variable": variable, "doc": doc, "parse": parse, "allowed": allowed, "lenient": lenient,
            "error": error, "empty_unset": empty_unset, "secret": secret}
    return field(default=default, metadata=meta)


def _limit(default: float, name: str, doc: str) -> Any:
    cast = int if isinstance(default, int) else float
    return _setting(default, PREFIX + name.upper(), doc, _positive(cast), "a positive number", lenient=False,
                    error="limits.bad_value", empty_unset=True)


@dataclass(frozen=True)
class Settings:
    """The settings in force; each field's variable, doc and validator are in its metadata.

    Attributes
    ----------
    problems
        ``(field, error)`` of each strict setting whose value was refused
        (the field holds its default; :meth:`check` raises the error).
    ignored
        ``(field, error)`` of each tolerated setting whose value was refused
        (the default applies, as it always has).
    """

    # -- language and store
    lang: str = _setting("en", "GRIDWATCH_LANG", "Language of the command line's errors and reports.", _lang,
                         "en, zh", empty_unset=True)
    store: str | None = _setting(None, "GRIDWATCH_STORE", "Store the app opens when --store is not given "
                                 "(else the demo store).", _optional, "a path to a .gpkg or a postgresql:// address",
                                 secret=True)
    store_lock_timeout: float = _setting(30.0, "GRIDWATCH_STORE_LOCK_TIMEOUT", "Seconds a write waits for "
                                         "another writer (GridWatch or QGIS) before it gives up with a message.",
                                         _lock_seconds, "a number of seconds from 0.1 to 3600", empty_unset=True)
    store_pool_size: int = _setting(4, "GRIDWATCH_STORE_POOL_SIZE", "Database connections one process keeps "
                                    "open to a PostGIS store.", _pool, "an integer from 1 to 64", empty_unset=True)
    test_database_url: str | None = _setting(None, "GRIDWATCH_TEST_DATABASE_URL", "PostgreSQL + PostGIS database "
                                             "the test suite runs the store tests against (scripts/test-postgres.sh "
                                             "starts one); without it they skip, except in CI.", _optional,
                                             "a postgresql:// address", secret=True)
    snapshot_dir: str = _setting("", "GRIDWATCH_SNAPSHOT_DIR", "Folder of the map layers' snapshots "
                                 "(geo.snapshot: a large GeoPackage store's layers, read back after a server start "
                                 "in a fraction of the time; else $XDG_CACHE_HOME/gridwatch or "
                                 "~/.cache/gridwatch; 'off': none).", _stripped, "a folder, or off")
    # -- cases (geo.cases)
    duplicate_radius_m: float = _setting(50.0, "GRIDWATCH_DUPLICATE_RADIUS_M", "A new report within this distance "
                                         "(m) of an open case of the same type is offered as a likely duplicate "
                                         "(0: never).", _duplicate_m, "metres from 0 to 5000", empty_unset=True)
    duplicate_hours: float = _setting(6.0, "GRIDWATCH_DUPLICATE_HOURS", "... and within this many hours of "
                                      "it.", _duplicate_h, "hours from 0 to 720", empty_unset=True)
    max_attachment_mb: float = _setting(10.0, "GRIDWATCH_MAX_ATTACHMENT_MB", "Size of one photo or file "
                                        "attached to a case step, in MB (before it is re-encoded).", _attachment_mb,
                                        "MB from 0.1 to 200", empty_unset=True)
    # -- people (geo.access, geo.accounts, geo.audit)
    auth: str = _setting("password", "GRIDWATCH_AUTH", "How the app signs people in: its own password form, or "
                         "OpenID Connect through Streamlit's st.login (configured in .streamlit/secrets.toml; the "
                         "account is found by the e-mail the provider gives).", _auth, "password, oidc",
                         empty_unset=True)
    session_idle_minutes: float = _setting(30.0, "GRIDWATCH_SESSION_IDLE_MINUTES", "A signed-in session that does "
                                           "nothing for this many minutes is signed out.", _idle_minutes,
                                           "minutes from 0.05 (3 s, for tests) to 1440", empty_unset=True)
    password_min_chars: int = _setting(10, "GRIDWATCH_PASSWORD_MIN_CHARS", "Shortest password an account may "
                                       "have.", _password_chars, "an integer from 8 to 128", empty_unset=True)
    signin_free_failures: int = _setting(3, "GRIDWATCH_SIGNIN_FREE_FAILURES", "Failed sign-ins of one account "
                                         "before each further attempt must wait (5 s, doubling up to 15 min).",
                                         _failures, "an integer from 1 to 100", empty_unset=True)
    address: str = _setting("127.0.0.1", "GRIDWATCH_ADDRESS", "Address the app server binds (python -m geo "
                            "serve, make run): this machine only by default; 0.0.0.0 (every interface) is "
                            "refused in demo mode.", _address, "an IP address or host name", empty_unset=True)
    # -- limits on one input file (geo.limits)
    max_file_mb: float = _limit(200.0, "max_file_mb", "Size of one uploaded or imported file, in MB.")
    max_features: int = _limit(2_000_000, "max_features", "Features (rows) of one layer.")
    max_vertices: int = _limit(100_000, "max_vertices", "Vertices of one geometry.")
    max_total_vertices: int = _limit(20_000_000, "max_total_vertices", "Vertices of the whole layer.")
    max_cells: int = _limit(2_000_000, "max_cells", "Cells of one XLSX sheet (rows times columns).")
    max_zip_members: int = _limit(1_000, "max_zip_members", "Entries of a zip archive.")
    max_zip_mb: float = _limit(1_000.0, "max_zip_mb", "Uncompressed size of a zip (or XLSX) archive, in MB.")
    max_zip_ratio: float = _limit(200.0, "max_zip_ratio", "Uncompressed to compressed size of one zip entry.")
    max_text_chars: int = _limit(10_000, "max_text_chars", "Characters of one text value.")
    max_id_chars: int = _limit(200, "max_id_chars", "Characters of one id.")
    max_repair_seconds: float = _limit(60.0, "max_repair_seconds", "Time one layer's geometry repair may take (s).")
    # -- computation
    join_threads: int = _setting(2, "GRIDWATCH_JOIN_THREADS", "Threads the spatial join splits a large point set "
                                 "over.", _threads, "an integer from 1 to 64", empty_unset=True)
    # -- print and rain documents
    cjk_font: str | None = _setting(None, "GRIDWATCH_CJK_FONT", "Font file with Chinese glyphs for PDFs (else the "
                                    "first installed of the known ones).", _optional, "a path to a .ttf/.ttc file")
    levels: str | None = _setting(None, "GRIDWATCH_LEVELS", "Warning level table (.json/.toml) overriding the "
                                  "defaults.", _optional, "a path to a .json or .toml file")
    # -- cases
    case_limits: str | None = _setting(None, "GRIDWATCH_CASE_LIMITS", "Case time limits and work calendar (.toml) "
                                       "layered over the shipped ones.", _optional, "a path to a .toml file")
    # -- the app
    views: tuple[str, ...] = _setting((), "GRIDWATCH_VIEWS", "Views (tabs) the app shows, comma separated (else "
                                      "all).", _names, "view keys, e.g. map,upload")
    static_url: str = _setting("/app/static", "GRIDWATCH_STATIC_URL", "URL prefix the app's static files "
                               "(Leaflet and its plugins) are served at.", _url_prefix, "a URL path")
    map_live_above: int = _setting(20_000, "GRIDWATCH_MAP_LIVE_ABOVE", "A store with more incidents or buildings "
                                   "than this gets the live map: the browser fetches what each view shows (0: "
                                   "always).", _live_above, "an integer, 0 or more", empty_unset=True)
    basemap: str = _setting("", "GRIDWATCH_BASEMAP", "Default base map key (else osm).", _stripped,
                            "osm, amap, amap_sat, tencent, tianditu, none, custom")
    tiles: str = _setting("", "GRIDWATCH_TILES", "A custom {z}/{x}/{y} tile URL, offered as base map 'custom'.",
                          _stripped, "a tile URL template")
    tiles_attribution: str = _setting("", "GRIDWATCH_TILES_ATTRIBUTION", "Attribution shown for the custom tiles.",
                                      _text, "any text")
    tiles_crs: str = _setting("wgs84", "GRIDWATCH_TILES_CRS", "Coordinate system of the custom tiles.", _tiles_crs,
                              "wgs84, gcj02")
    tianditu_key: str = _setting("", "GRIDWATCH_TIANDITU_KEY", "Tianditu key (the Tianditu base map is offered "
                                 "only with it).", _text, "a Tianditu key", secret=True)
    upload_workers: int = _setting(1, "GRIDWATCH_UPLOAD_WORKERS", "Upload jobs running at once in one app "
                                   "server.", _workers, "a positive integer")
    upload_mb: int = _setting(4096, "GRIDWATCH_UPLOAD_MB", "Memory one upload job may use, in MB.", _upload_mb,
                              "an integer of at least 512", empty_unset=True)
    upload_seconds: float = _setting(120.0, "GRIDWATCH_UPLOAD_SECONDS", "Time one upload job may run, in "
                                     "seconds.", _upload_seconds, "a number of seconds above 0 and below 86400",
                                     empty_unset=True)

    problems: tuple[tuple[str, OptionError], ...] = field(default=(), compare=False, repr=False)
    ignored: tuple[tuple[str, OptionError], ...] = field(default=(), compare=False, repr=False)

    def check(self, *names: str) -> None:
        """Raise the error of the first refused setting among ``names`` (all when none given).

        Raises
        ------
        OptionError
            A variable holds a value its validator refuses.
        """
        for name, error in self.problems:
            if not names or name in names:
                raise error

    def by_variable(self, variable: str) -> Any:
        """The value of the setting read from environment variable ``variable``."""
        return getattr(self, _FIELD_OF[variable])


def _settings_fields() -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(Settings) if "variable" in f.metadata]


_FIELD_OF: Final[dict[str, str]] = {f.metadata["variable"]: f.name for f in _settings_fields()}


def variables() -> list[str]:
    """Every environment variable GridWatch reads, in declaration order."""
    return list(_FIELD_OF)


def _bad(f: dataclasses.Field[Any], raw: str) -> OptionError:
    meta = f.metadata
    if meta["error"] == "limits.bad_value":
        return OptionError.of("limits.bad_value", variable=meta["variable"], value=raw.strip(), default=str(f.default))
    return OptionError.of("settings.bad_value", variable=meta["variable"], value=raw, allowed=meta["allowed"],
                          default=str(f.default))


def _read(f: dataclasses.Field[Any], env: Mapping[str, str]) -> tuple[Any, str, OptionError | None]:
    """``(value, source, error)`` of one field: source is ``environment`` or ``default``."""
    raw = env.get(f.metadata["variable"])
    if raw is None or (f.metadata["empty_unset"] and not raw.strip()):
        return f.default, "default", None
    try:
        return f.metadata["parse"](raw), "environment", None
    except ValueError:
        return f.default, "default", _bad(f, raw)


def _from(env: Mapping[str, str]) -> Settings:
    values: dict[str, Any] = {}
    problems: list[tuple[str, OptionError]] = []
    ignored: list[tuple[str, OptionError]] = []
    for f in _settings_fields():
        value, _, error = _read(f, env)
        values[f.name] = value
        if error is not None:
            (ignored if f.metadata["lenient"] else problems).append((f.name, error))
    return Settings(**values, problems=tuple(problems), ignored=tuple(ignored))


@functools.lru_cache(maxsize=8)
def _cached(items: tuple[tuple[str, str], ...]) -> Settings:
    return _from(dict(items))


def _snapshot() -> tuple[tuple[str, str], ...]:
    return tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith(PREFIX)))


class _Current:
    """:func:`current` with a ``cache_clear`` (the cache holds one entry per environment seen)."""

    def __call__(self, environ: Mapping[str, str] | None = None) -> Settings:
        """The settings in force: the defaults, overridden by the ``GRIDWATCH_...`` variables.

        Parameters
        ----------
        environ
            The environment to read (``os.environ`` when not given, read
            once per distinct set of ``GRIDWATCH_`` variables).

        Returns
        -------
        Settings
            A refused value of a lenient setting is replaced by its default;
            one of a strict setting (the limits) is kept in
            :attr:`Settings.problems` for :meth:`Settings.check`.
        """
        if environ is None:
            return _cached(_snapshot())
        return _from(environ)

    @staticmethod
    def cache_clear() -> None:
        """Forget what was read from ``os.environ``."""
        _cached.cache_clear()


current: Final = _Current()


class Row(NamedTuple):
    """One line of :func:`describe`."""

    variable: str
    field: str
    type: str
    default: str
    value: str
    source: str
    allowed: str
    doc: str


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def describe(environ: Mapping[str, str] | None = None) -> list[Row]:
    """Every setting: its variable, type, default, value in force and where that came from.

    Parameters
    ----------
    environ
        The environment to read (``os.environ`` when not given).

    Returns
    -------
    list of Row
        In declaration order; ``source`` is ``environment``, ``default``, or
        ``default (ignored: <message>)`` / ``error: <message>`` for a
        refused value of a lenient / strict setting.
    """
    env = os.environ if environ is None else environ
    rows = []
    for f in _settings_fields():
        value, source, error = _read(f, env)
        if error is not None:
            source = f"default (ignored: {error.message})" if f.metadata["lenient"] else f"error: {error.message}"
        shown = "(set)" if f.metadata["secret"] and value else _shown(value)
        rows.append(Row(f.metadata["variable"], f.name, str(f.type).replace("'", ""), _shown(f.default), shown, source, f.metadata["allowed"], f.metadata["doc"]))
    return rows


def table(rows: list[Row], *, markdown: bool = False) -> str:
    """:func:`describe`'s rows as text: aligned columns, or a Markdown table for the docs."""
    if markdown:
        lines = ["| Variable | Type | Default | Allowed | Meaning |", "|---|---|---|---|---|"]
        lines += [f"| `{r.variable}` | {r.type.replace('|', 'or')} | {r.default or '(none)'} | {r.allowed} | {r.doc} |" for r in rows]
        return "\n".join(lines)
    width = max(len(r.variable) for r in rows)
    value_width = min(40, max(len(r.value) for r in rows) + 2)
    return "\n".join(f"{r.variable:<{width}}  {r.value:<{value_width}}{r.source}" for r in rows)
