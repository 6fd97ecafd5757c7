"""Uploads are read, checked and imported in a worker process, bounded in time.

A user's file can take any time to read (an 8 MB self-intersecting polygon, a
small XLSX of millions of repeated rows). The request must not do that work
itself: :func:`run_job` starts a fresh process (``spawn``: nothing of the
server's threads is copied) at a lower priority, waits for it while the page
shows progress, and kills it

- when the time limit passes (``GRIDWATCH_UPLOAD_SECONDS``, 120 s unless set),
- when it needs more memory than ``GRIDWATCH_UPLOAD_MB`` (4096 unless set),
- when the page stops waiting (the user left, or started something else:
  Streamlit stops the script, and the ``finally`` below kills the child),
- and, should the server itself die, the kernel does (a CPU-time limit set in
  the child).

A store write is atomic (:mod:`geo.store`), so a job killed at any point
leaves the store as it was. Nothing here imports Streamlit: the child only
imports :mod:`geo`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from geo import settings
from geo.access import User
from geo.errors import GridWatchError

__all__ = ["DEFAULT_MB", "DEFAULT_SECONDS", "JobResult", "check_or_import", "memory_limit", "probe", "run_job",
           "time_limit"]

#: Time limit of one upload job (s) when ``GRIDWATCH_UPLOAD_SECONDS`` is not set.
DEFAULT_SECONDS: Final = settings.Settings.upload_seconds
#: Priority of the worker (``nice``): the map of everyone else comes first.
NICE: Final = 10


def _slots_from_env() -> int:
    return settings.current().upload_workers


#: Upload jobs running at once in this server (``GRIDWATCH_UPLOAD_WORKERS``,
#: 1 unless set): a second upload waits for the first instead of taking
#: another core from everyone's map.
_SLOTS: Final = threading.BoundedSemaphore(_slots_from_env())


#: Memory an upload job may use (MB) when ``GRIDWATCH_UPLOAD_MB`` is not set.
DEFAULT_MB: Final = settings.Settings.upload_mb


def memory_limit(env: Mapping[str, str] | None = None) -> int:
    """Megabytes of address space an upload job may use.

    Megabytes of address space an upload job may use:
    ``GRIDWATCH_UPLOAD_MB``, else 4096 (a zip bomb or a workbook of millions
    of rows stops there instead of taking the server's memory).
    """
    return settings.current(env).upload_mb


def time_limit(env: Mapping[str, str] | None = None) -> float:
    """Seconds an upload job may run: ``GRIDWATCH_UPLOAD_SECONDS``, else 120.

    A value that is not a positive number is ignored (the default applies).
    """
    return settings.current(env).upload_seconds


@dataclass
class JobResult:
    """How a job ended.

    Attributes
    ----------
    status
        ``"ok"`` (``value`` holds the result), ``"error"`` (a user's error:
        ``error``), ``"timeout"`` (killed at the limit), ``"memory"`` (it
        needed more than :func:`memory_limit`), ``"busy"`` (other
        uploads held every slot for the whole limit), ``"internal"`` (a
        fault: ``trace`` holds the child's traceback) or ``"crashed"`` (the
        process died without an answer, e.g. out of memory).
    seconds
        How long it ran.
    """

    status: str
    value: Any = None
    error: GridWatchError | None = None
    trace: str = ""
    seconds: float = 0.0
    exitcode: int | None = field(default=None)


def _error_payload(exc: GridWatchError) -> dict[str, Any]:
    # Exceptions with keyword arguments do not survive pickling: send their parts.
    return {"cls": type(exc).__name__, "message": exc.message, "hint": exc.hint, "key": exc.key,
            "params": {k: v if isinstance(v, (str, int, float, bool, type(None))) else str(v)
                       for k, v in exc.params.items()},
            "report": getattr(exc, "report", None)}


def _rebuild(payload: dict[str, Any]) -> GridWatchError:
    from geo import errors as _errors

    cls = getattr(_errors, str(payload.get("cls")), None)
    if not (isinstance(cls, type) and issubclass(cls, GridWatchError)):
        cls = GridWatchError
    exc = cls(payload["message"], payload["hint"], key=payload["key"], params=payload["params"])
    if payload.get("report") is not None:
        exc.report = payload["report"]  # type: ignore[attr-defined]
    return exc


def _child(conn: Any, job: str, kwargs: dict[str, Any], seconds: float, megabytes: int) -> None:
    """The worker process: lower priority, CPU-time and memory limits, one job."""
    with contextlib.suppress(OSError):
        os.nice(NICE)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        cpu = int(seconds) + 15
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))
    try:
        value = JOBS[job](**kwargs)
    except GridWatchError as exc:
        conn.send(("error", _error_payload(exc)))
    except MemoryError:
        conn.send(("memory", megabytes))
    except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(("internal", traceback.format_exc()))
    else:
        conn.send(("ok", value))
    finally:
        conn.close()


def run_job(job: str, kwargs: dict[str, Any], *, seconds: float | None = None,
            on_wait: Callable[[float], None] | None = None, poll: float = 0.25) -> JobResult:
    """Run one job of :data:`JOBS` in a worker process, killed at the limit.

    Parameters
    ----------
    job
        ``"probe"`` or ``"import"``.
    kwargs
        Its arguments (picklable).
    seconds
        Time limit; :func:`time_limit` when not given.
    on_wait
        Called with the elapsed seconds while waiting (draws progress; when
        the page is gone it raises, and the worker is killed); with minus
        the seconds waited while other uploads hold every slot.
    poll
        Seconds between two looks at the worker.

    Returns
    -------
    JobResult
    """
    limit = time_limit() if seconds is None else seconds
    t0 = time.monotonic()
    while not _SLOTS.acquire(timeout=poll):
        waited = time.monotonic() - t0
        if waited > limit:
            return JobResult("busy", seconds=waited)
        if on_wait is not None:
            on_wait(-waited)  # negative: still waiting for a slot
    try:
        return _run_in_child(job, kwargs, limit, on_wait, poll)
    finally:
        _SLOTS.release()


def _run_in_child(job: str, kwargs: dict[str, Any], limit: float, on_wait: Callable[[float], None] | None,
                  poll: float) -> JobResult:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, job, kwargs, limit, memory_limit()), daemon=True,
                       name=f"gridwatch-{job}")
    t0 = time.monotonic()
    proc.start()
    child.close()
    try:
        while True:
            elapsed = time.monotonic() - t0
            if parent.poll(poll):
                try:
                    status, payload = parent.recv()
                except EOFError:
                    proc.join(2)
                    return JobResult("crashed", seconds=elapsed, exitcode=proc.exitcode)
                elapsed = time.monotonic() - t0
                if status == "ok":
                    return JobResult("ok", value=payload, seconds=elapsed)
                if status == "error":
                    return JobResult("error", error=_rebuild(payload), seconds=elapsed)
                if status == "memory":
                    return JobResult("memory", value=payload, seconds=elapsed)
                return JobResult("internal", trace=str(payload), seconds=elapsed)
            if not proc.is_alive():
                return JobResult("crashed", seconds=elapsed, exitcode=proc.exitcode)
            if elapsed > limit:
                return JobResult("timeout", seconds=elapsed)
            if on_wait is not None:
                on_wait(elapsed)
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        parent.close()


# ------------------------------------------------------------------ jobs


def probe(path: str, layer: str | None = None) -> dict[str, Any]:
    """The layers (or sheets) of a file and the columns of one of them.

    Parameters
    ----------
    path
        The uploaded file.
    layer
        Layer or sheet to list the columns of (the first when not given).

    Returns
    -------
    dict: ``layers`` (names; empty for single-layer formats), ``layer``
    (the one listed), ``columns`` (its column names, as in the file) and
    ``table`` (True for CSV/XLSX: coordinates come from columns).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return {"layers": [], "layer": None, "columns": _csv_columns(p), "table": True}
    if suffix == ".xlsx":
        return _xlsx_probe(p, layer)
    import pyogrio

    try:
        layers = [str(n) for n in pyogrio.list_layers(_vsi(p))[:, 0]]
    except Exception:  # noqa: BLE001 - unreadable here: the check reports it with the loader's words
        return {"layers": [], "layer": None, "columns": [], "table": False}
    chosen = layer if layer in layers else (layers[0] if layers else None)
    try:
        info = pyogrio.read_info(_vsi(p), layer=chosen)
        columns = [str(c) for c in info["fields"]]
    except Exception:  # noqa: BLE001
        columns = []
    return {"layers": layers if len(layers) > 1 else [], "layer": chosen, "columns": columns, "table": False}


def _vsi(p: Path) -> str:
    return f"/vsizip/{p}" if p.suffix.lower() == ".zip" else str(p)


def _csv_columns(p: Path) -> list[str]:
    import csv

    for enc in ("utf-8-sig", "gb18030"):
        try:
            with p.open(encoding=enc, newline="") as fh:
                return [c.strip() for c in next(csv.reader(fh), [])]
        except (UnicodeDecodeError, csv.Error):
            continue
    return []


def _xlsx_probe(p: Path, layer: str | None) -> dict[str, Any]:
    try:
        from openpyxl import load_workbook

        book = load_workbook(p, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - the check reports it with the loader's words
        return {"layers": [], "layer": None, "columns": [], "table": True}
    try:
        sheets = [str(n) for n in book.sheetnames]
        chosen = layer if layer in sheets else (sheets[0] if sheets else None)
        columns: list[str] = []
        if chosen is not None:
            first = next(book[chosen].iter_rows(max_row=1, values_only=True), ())
            columns = [str(c).strip() for c in first if c is not None]
    finally:
        book.close()
    return {"layers": sheets if len(sheets) > 1 else [], "layer": chosen, "columns": columns, "table": True}


def check_or_import(store: str, kind: str, path: str, *, dry_run: bool, replace: bool = False,
                    link_distance: float | None = None, options: dict[str, Any] | None = None,
                    by: User | str = "") -> Any:
    """Check (``dry_run``) or import a file, as ``python -m geo validate/import``, as ``by`` (the signed-in user).

    Returns
    -------
    ValidationReport, or raises the loader's error (a refusal carries the
    full report: :class:`geo.pipeline.ImportRefused`).
    """
    from geo.pipeline import import_layer
    from geo.store import open_store

    return import_layer(open_store(store), kind, path, dry_run=dry_run, replace=replace,
                        link_distance=link_distance, by=by, **(options or {}))


def _sleep(seconds: float) -> None:
    """A job that only waits (for tests of the time limit)."""
    time.sleep(seconds)


def _hog(megabytes: int) -> int:
    """A job that asks for more memory than it may have (for tests of the limit)."""
    return len(bytearray(megabytes << 20))


def _spin(seconds: float) -> int:
    """A job that holds a core (for tests of the time limit)."""
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
    return n


JOBS: Final[dict[str, Callable[..., Any]]] = {
    "probe": probe, "import": check_or_import, "sleep": _sleep, "spin": _spin, "hog": _hog,
}
