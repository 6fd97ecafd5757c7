"""The layout the documentation promises, checked on the source itself.

Imports run one way: ``app.py`` and the command line, then ``views/`` and
``layers/``, then ``geo.rain``, then ``geo.routing``, then the core
(``geo/*.py``). Every module of ``geo/``, ``layers/``, ``views/`` and
``app.py`` is read with :mod:`ast`; every import counts, at any depth
(an import inside a function is still a dependency). Streamlit stays in
the app; no module grows past :data:`MAX_LINES` unless :data:`EXCEPTIONS`
says why.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.paths import ROOT

#: Longest module, in lines.
MAX_LINES = 600
#: Modules allowed past :data:`MAX_LINES`, with the reason.
EXCEPTIONS: dict[str, str] = {
    "geo/i18n.py": "the translation table: one entry per message, in both languages",
}
#: The command-line modules: only ``geo.cli`` (and ``python -m geo``) may import them.
CLI_ROOTS = ("geo.cli", "geo.__main__")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    """Module name -> file, for every module of geo/, layers/, views/ and app.py."""
    found = {"app": ROOT / "app.py"}
    for package in ("geo", "layers", "views"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found[_module_name(path)] = path
    return found


def _is_package(name: str) -> bool:
    return _modules()[name].name == "__init__.py"


def _imports(name: str) -> Iterator[tuple[str, int]]:
    """``(imported module, line)`` of every import in module ``name``, relative ones resolved."""
    path = _modules()[name]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if _is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, node.lineno
            for alias in node.names:  # ``from geo import settings`` imports the module geo.settings
                yield f"{target}.{alias.name}", node.lineno


def _internal(target: str) -> str | None:
    """The module of ours ``target`` names (a module or a name in one), else None."""
    modules = _modules()
    while target:
        if target in modules:
            return target
        target = target.rpartition(".")[0]
    return None


@cache
def _graph() -> dict[str, dict[str, int]]:
    """Module -> {module of ours it imports: first line}."""
    graph: dict[str, dict[str, int]] = {}
    for name in _modules():
        edges: dict[str, int] = {}
        for target, line in _imports(name):
            dep = _internal(target)
            if dep is not None and dep != name and not name.startswith(dep + "."):
                edges.setdefault(dep, line)  # a package's own __init__ is not a dependency of its modules
        graph[name] = edges
    return graph


def _where(name: str, line: int) -> str:
    return f"{_modules()[name].relative_to(ROOT)}:{line}"


def _layer(name: str) -> str:
    """``app``, ``cli`` (geo.cli, geo.__main__), ``views``, ``layers``, ``rain``, ``routing`` or ``core``."""
    if name == "app":
        return "app"
    if name in CLI_ROOTS:
        return "cli"
    top, _, rest = name.partition(".")
    if top in ("views", "layers"):
        return top
    if rest.startswith(("rain.", "routing.")) or rest in ("rain", "routing"):
        return rest.partition(".")[0]
    return "core"


#: Layer -> layers it must not import.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("routing", "rain", "layers", "views", "cli", "app"),
    "routing": ("rain", "layers", "views", "cli", "app"),
    "rain": ("layers", "views", "cli", "app"),
    "layers": ("views", "cli", "app"),
    "views": ("cli", "app"),
}


def _is_cli(name: str) -> bool:
    return name in CLI_ROOTS or name.endswith(".cli") or ".cli." in name


def test_every_module_is_seen():
    names = _modules()
    assert {"app", "geo", "geo.cli", "geo.settings", "geo.routing", "geo.rain", "layers", "views"} <= set(names)


def test_streamlit_only_in_the_app():
    bad = [f"{_where(name, line)} imports {target}"
           for name in _modules() if name.startswith(("geo", "layers"))
           for target, line in _imports(name) if target.partition(".")[0] == "streamlit"]
    assert not bad, "geo/ and layers/ must not import streamlit:\n" + "\n".join(bad)


def test_views_do_not_import_a_command_line():
    bad = [f"{_where(name, line)} imports {dep}"
           for name, edges in _graph().items() if _layer(name) == "views"
           for dep, line in edges.items() if _is_cli(dep)]
    assert not bad, "views/ must call geo/ functions, not the command line's:\n" + "\n".join(bad)


def test_imports_run_one_way():
    bad = []
    for name, edges in _graph().items():
        layer = _layer(name)
        for dep, line in edges.items():
            if _layer(dep) in FORBIDDEN.get(layer, ()) and not (layer == "cli" and _is_cli(dep)):
                bad.append(f"{_where(name, line)}: {layer} module {name} imports {_layer(dep)} module {dep}")
            elif _is_cli(dep) and not (_layer(name) == "cli" or _is_cli(name)):
                bad.append(f"{_where(name, line)}: {name} imports the command line {dep}")
    assert not bad, "upward imports (app/CLI -> views/layers -> rain -> routing -> core):\n" + "\n".join(sorted(bad))


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}) == [["a", "b", "c"]]


def test_no_import_cycle():
    graph = _graph()
    found = _cycles(graph)
    text = []
    for component in found:
        edges = [f"  {a} -> {b} ({_where(a, line)})" for a in component for b, line in graph[a].items()
                 if b in component]
        text.append(" <-> ".join(component) + "\n" + "\n".join(edges))
    assert not found, "import cycles (lazy imports included):\n" + "\n".join(text)


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_exceptions_name_modules_that_exist(name):
    assert (ROOT / name).is_file()


def test_no_module_over_the_line_limit():
    long = {}
    for path in _modules().values():
        rel = path.relative_to(ROOT).as_posix()
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES and rel not in EXCEPTIONS:
            long[rel] = n
    assert not long, f"modules over {MAX_LINES} lines (split them, or add them to EXCEPTIONS with the reason): " + \
        ", ".join(f"{k} ({v})" for k, v in sorted(long.items()))
