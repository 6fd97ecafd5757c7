"""Start the real app (``streamlit run app.py``) on a free port for browser
tests and benchmarks, and drive it with Playwright and Debian's Chromium.

The tests take these through the fixtures of ``tests/app/conftest.py``
(``app_server``, ``tiles``); the benchmarks import them. The app asks for
sign-in first: :func:`app_server` makes an administrator account
(:data:`TEST_USER`, :data:`TEST_PASSWORD`) in the store it serves, and
:func:`sign_in` opens the app and signs in through the real form.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests import paths

ROOT = paths.ROOT
CHROMIUM = os.environ.get("GRIDWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


#: The administrator :func:`app_server` makes in every store it serves, and its password.
TEST_USER = "gw_admin"
TEST_PASSWORD = "GridWatch-测试-口令-2026"
TEST_DISPLAY_NAME = "测试管理员"
#: The sign-in form's fields (views/signin.py's widget keys).
SIGNIN_USER = ".st-key-gw_signin_user input"
SIGNIN_PASSWORD = ".st-key-gw_signin_password input"


def chromium_path() -> str | None:
    """Chromium's path, or None when it is not installed."""
    path = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    return str(path) if path else None


def require_chromium() -> None:
    """Skip the calling test module where Chromium is missing; in CI
    (``CI=true``) that is a failure instead, never a skip."""
    import pytest

    if chromium_path() is not None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("Chromium is missing at /usr/bin/chromium (CI=true): install it with scripts/install-system-deps.sh",
                    pytrace=False)
    pytest.skip("Chromium is not installed (/usr/bin/chromium); run scripts/install-system-deps.sh",
                allow_module_level=True)


def offline_context(browser: Any, url: str, external: list[str], **options: Any) -> Any:
    """A browser context that reaches only the app at ``url`` (and ``data:``,
    ``blob:``, ``about:``): every other request is aborted and its URL
    appended to ``external``, so a test can assert nothing left the machine."""
    context = browser.new_context(**options)

    def route(r: Any) -> None:
        if r.request.url.startswith((url, "data:", "blob:", "about:")):
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    context.route("**/*", route)
    return context


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


#: The backend the app serves its store from in browser tests: ``gpkg``, or ``postgis`` with
#: ``pytest --store-backend postgis`` (tests/conftest.py sets it).
BACKEND = {"name": "gpkg"}
_SERVED: dict[str, str] = {}


def store_address(store: Path | str) -> str:
    """The address the running app serves ``store`` from: the file itself, or its PostGIS copy."""
    return _SERVED.get(str(store), str(store))


@contextlib.contextmanager
def _served(store: Path) -> Iterator[str]:
    """``store``, or on the PostGIS backend a copy of it in a schema of its own (dropped after)."""
    if BACKEND["name"] != "postgis":
        yield str(store)
        return
    import uuid

    from geo import settings
    from geo.postgis import drop_store
    from geo.store import copy_store, open_store

    url = settings.current().test_database_url
    if not url:
        raise RuntimeError("--store-backend postgis needs GRIDWATCH_TEST_DATABASE_URL "
                           "(bash scripts/test-postgres.sh start prints it)")
    address = f"{url}{'&' if '?' in url else '?'}schema=app_{uuid.uuid4().hex[:12]}"
    copy_store(open_store(store), open_store(address))
    _SERVED[str(store)] = address
    try:
        yield address
    finally:
        _SERVED.pop(str(store), None)
        drop_store(address)


@contextlib.contextmanager
def app_server(store: Path, *, env: dict[str, str] | None = None, timeout: float = 60,  # noqa: PLR0913
               app: Path | None = None, args: tuple[str, ...] = ()) -> Iterator[str]:
    """Run the app (``serve.py``: ``app.py`` and the map route, unless ``app`` is given) on ``store``; yields its URL.

    ``args`` go to the app after ``--store`` (``("--demo",)``: demo mode).

    The store served gets the administrator :data:`TEST_USER` (password
    :data:`TEST_PASSWORD`) unless it has that account already.
    """
    with _served(store) as address:
        add_account(address, TEST_USER, role="admin", display_name=TEST_DISPLAY_NAME)
        with _app_process(store, address, env=env, timeout=timeout, app=app, args=args) as url:
            yield url


def add_account(address: Path | str, name: str, *, role: str, password: str = TEST_PASSWORD,
                **scope: Any) -> None:
    """Make the account ``name`` in the store at ``address`` (as the local operator) unless it exists."""
    from geo import accounts
    from geo.store import open_store

    store = open_store(address)
    if accounts.get_user(store, name) is None:
        accounts.add_user(store, name, role=role, password=password, **scope)


def sign_in(page: Any, url: str, user: str = TEST_USER, password: str = TEST_PASSWORD, *,
            timeout: float = 90_000, wait: bool = True) -> None:
    """Open the app at ``url`` in ``page`` and sign in as ``user`` through the sign-in form.

    With ``wait`` (the default) returns once the form is gone (the app is
    drawing its tabs); else right after the button is clicked.
    """
    page.goto(url, timeout=timeout)
    sign_in_here(page, user, password, timeout=timeout, wait=wait)


def sign_in_here(page: Any, user: str = TEST_USER, password: str = TEST_PASSWORD, *,
                 timeout: float = 90_000, wait: bool = True) -> None:
    """Sign in on the sign-in page ``page`` shows already (after a sign-out, say)."""
    page.locator(SIGNIN_PASSWORD).wait_for(timeout=timeout)
    page.locator(SIGNIN_USER).fill(user)
    page.locator(SIGNIN_PASSWORD).fill(password)
    page.locator("[data-testid='stForm'] [data-testid='stFormSubmitButton'] button").filter(
        has_text=re.compile("登录|Sign in")).first.click(timeout=timeout)
    if wait:
        page.locator(SIGNIN_PASSWORD).wait_for(state="detached", timeout=timeout)


def sign_out(page: Any, *, timeout: float = 90_000) -> None:
    """Click the sidebar's sign-out button and wait for the sign-in form."""
    page.locator(".st-key-gw_sign_out button").click(timeout=timeout)
    page.locator(SIGNIN_PASSWORD).wait_for(timeout=timeout)


@contextlib.contextmanager
def _app_process(store: Path, address: str, *, env: dict[str, str] | None, timeout: float,  # noqa: PLR0913
                 app: Path | None, args: tuple[str, ...] = ()) -> Iterator[str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(app or ROOT / "serve.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
           "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
           "--", "--store", address, *args]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    log = open(store.parent / f"streamlit-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The app did not start; see {log.name}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def launch(playwright: Any) -> Any:
    """Debian's Chromium through Playwright (no downloaded browser)."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)


def map_frame(page: Any, *, timeout: float = 30_000) -> Any:
    """The map's iframe (streamlit-folium), once Leaflet has drawn it."""
    page.wait_for_selector("iframe[title*='streamlit_folium']", timeout=timeout)
    frame = page.frame_locator("iframe[title*='streamlit_folium']").first
    frame.locator(".leaflet-container").wait_for(timeout=timeout)
    return frame


def wait_idle(page: Any, timeout: float = 60_000) -> None:
    """Wait until the app has finished its rerun (Streamlit shows its status widget while one runs)."""
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stStatusWidget']\")", timeout=timeout)


def frame_of(page: Any) -> Any:
    """The map tab's iframe as a Playwright Frame (the first map on the page;
    other tabs may hold maps of their own)."""
    frame = page.locator("iframe[title*='streamlit_folium']").first.element_handle().content_frame()
    if frame is None:
        raise LookupError("no map frame")
    return frame


def png_tile(rgb: tuple[int, int, int] = (214, 232, 222), size: int = 256) -> bytes:
    """A plain square PNG (a map tile of one colour)."""
    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    head = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@contextlib.contextmanager
def tile_server() -> Iterator[tuple[str, list[str]]]:
    """A tile server on localhost (an office intranet's, say).

    Yields its ``{z}/{x}/{y}`` URL template and the list of paths requested.
    """
    tile = png_tile()
    requested: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tiles/{{z}}/{{x}}/{{y}}.png", requested
    finally:
        server.shutdown()
        server.server_close()
