"""The app's own map route: answers the live map's views (``GET /gw/map/view``).

When the app draws a large store's map it registers what that map shows
(:func:`register`: a :class:`layers.live.LiveSource` for one store version,
reader, filter, language and colouring) and puts the token it gets on the
page. The browser then asks ``/gw/map/view?t=TOKEN&z=ZOOM&b=W,S,E,N`` for
each view; the route answers from the registered source alone: it never
opens a store, never takes a store's address from the request, and holds
only what the signed-in reader may see (the source's layers are masked
for them before it is built). A token is unguessable (a keyed hash of what
it shows, with a key made at each server start), and forgotten after
:attr:`~geo.settings.Settings.session_idle_minutes` without use.

The route is mounted by the ASGI entry ``serve.py`` (``st.App``), which
``python -m geo serve`` and ``make run`` run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo import settings
from layers.live import LiveSource

__all__ = ["MAX_SOURCES", "PATH", "register", "routes", "source", "url", "view"]

#: Where the route answers, under the app's base path.
PATH: Final = "/gw/map/view"
#: Registered map sources kept at once (the least recently used go first).
MAX_SOURCES: Final = 48

_KEY = secrets.token_bytes(32)
_LOCK = threading.Lock()
_SOURCES: OrderedDict[str, tuple[float, LiveSource]] = OrderedDict()
_BUILDING: dict[str, threading.Lock] = {}


def url() -> str:
    """The route's URL path, beside the static files (:attr:`~geo.settings.Settings.static_url`)."""
    static = settings.current().static_url
    base = static[: -len("/app/static")] if static.endswith("/app/static") else ""
    return f"{base}{PATH}"


def _idle_s() -> float:
    return float(settings.current().session_idle_minutes) * 60


def _token(key: tuple[Any, ...]) -> str:
    return hmac.new(_KEY, repr(key).encode("utf-8"), hashlib.blake2b).hexdigest()[:40]


def register(key: tuple[Any, ...], build: Callable[[], LiveSource]) -> str:
    """The token of the map ``key`` describes, building its source with ``build`` the first time.

    ``key`` must hold everything the source depends on (store address and
    version, the reader's audience, filters, language, colouring, clock):
    the same key gives the same token, so a rerun keeps the page's layer.
    """
    token = _token(key)
    with _LOCK:
        hit = _SOURCES.get(token)
        if hit is not None:
            _SOURCES[token] = (time.monotonic(), hit[1])
            _SOURCES.move_to_end(token)
            return token
        building = _BUILDING.setdefault(token, threading.Lock())
    with building:  # two reruns asking for the same map build it once
        with _LOCK:
            hit = _SOURCES.get(token)
        if hit is None:
            made = build()
            with _LOCK:
                _SOURCES[token] = (time.monotonic(), made)
                _prune()
    with _LOCK:
        _BUILDING.pop(token, None)
    return token


def _prune() -> None:
    now, idle = time.monotonic(), _idle_s()
    for token in [k for k, (at, _) in _SOURCES.items() if now - at > idle]:
        del _SOURCES[token]
    while len(_SOURCES) > MAX_SOURCES:
        _SOURCES.popitem(last=False)


def source(token: str) -> LiveSource | None:
    """The source registered under ``token`` (None: unknown or idle too long); its use keeps it."""
    with _LOCK:
        hit = _SOURCES.get(token)
        if hit is None:
            return None
        if time.monotonic() - hit[0] > _idle_s():
            del _SOURCES[token]
            return None
        _SOURCES[token] = (time.monotonic(), hit[1])
        _SOURCES.move_to_end(token)
        return hit[1]


def _json(body: dict[str, Any], status: int = 200) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(text, status_code=status, media_type="application/json",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


def _bbox(text: str) -> tuple[float, float, float, float] | None:
    try:
        w, s, e, n = (float(v) for v in text.split(","))
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (w, s, e, n)) or not (-360 <= w < e <= 360 and -90 <= s < n <= 90):
        return None
    return max(w, -180.0), max(s, -85.0), min(e, 180.0), min(n, 85.0)


def view(request: Request) -> Response:
    """``GET /gw/map/view?t=TOKEN&z=ZOOM&b=W,S,E,N``: what the view shows (:meth:`LiveSource.answer`).

    400 for a malformed zoom or box, 404 for an unknown or expired token
    (the page is older than the server, or idle: reloading it makes a new one).
    """
    q = request.query_params
    src = source(q.get("t", ""))
    if src is None:
        return _json({"error": "unknown_token"}, 404)
    try:
        zoom = int(float(q.get("z", "")))
    except ValueError:
        return _json({"error": "bad_zoom"}, 400)
    box = _bbox(q.get("b", ""))
    if box is None or not 0 <= zoom <= 22:
        return _json({"error": "bad_view"}, 400)
    return _json(src.answer(box, zoom))


def routes() -> list[Route]:
    """The routes to mount beside Streamlit's (``st.App(..., routes=routes())``)."""
    return [Route(PATH, view, methods=["GET"])]
