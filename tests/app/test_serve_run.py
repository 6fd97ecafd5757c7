"""``python -m geo serve`` for real: the app answers on this machine's address, and stopping the command stops it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request

from tests import paths
from tests.app.browser import _free_port


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def test_serve_runs_the_app_and_a_signal_to_it_stops_the_server(tmp_path, make_map_store):
    store = make_map_store(tmp_path / "gw.gpkg")
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "GRIDWATCH_BASEMAP": "none"}
    env.pop("GRIDWATCH_ADDRESS", None)
    with open(tmp_path / "serve.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "geo", "serve", "--store", str(store), "--port", str(port)],
                                cwd=paths.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not _healthy(url):
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
                time.sleep(0.3)
        finally:
            proc.terminate()
            proc.wait(20)
    deadline = time.monotonic() + 10
    while _healthy(url) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not _healthy(url)  # the server itself stopped, not only the command that started it
    assert "127.0.0.1" in (tmp_path / "serve.log").read_text()
