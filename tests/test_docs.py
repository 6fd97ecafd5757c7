"""The documentation stays true: every command and option documented, every link alive, a short README."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from geo.cli import build_parser
from tests import paths

ROOT = paths.ROOT
DOCS = ROOT / "docs"
CLI_DOC = DOCS / "cli.md"
README = ROOT / "README.md"
README_MAX_WORDS = 900

#: A ``## `python -m geo NAME` `` heading opens the section of one command.
SECTION = re.compile(r"^## `python -m geo ([a-z][a-z-]*)`\s*$", re.MULTILINE)
COMMON = "## Options of every command"
#: Markdown links and images: ``[text](target)``, ``![alt](target)``.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def _actions(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The actions of a command that has them (``store copy``, ``incident add``), by name."""
    nested = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(nested[0].choices) if nested else {}


def _long_options(parser: argparse.ArgumentParser) -> set[str]:
    """The command's long options, its actions' included."""
    own = {s for a in parser._actions for s in a.option_strings if s.startswith("--") and s != "--help"}
    return own.union(*(_long_options(p) for p in _actions(parser).values()))


def _sections(text: str) -> dict[str, str]:
    """Each command's section: from its heading to the next ``## `` heading."""
    out = {}
    for m in SECTION.finditer(text):
        end = text.find("\n## ", m.end())
        out[m.group(1)] = text[m.end():end if end != -1 else len(text)]
    return out


def _common_section(text: str) -> str:
    start = text.index(COMMON)
    nxt = text.find("\n## ", start + len(COMMON))
    return text[start:nxt if nxt != -1 else len(text)]


def _option_in(option: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_and_option_is_in_cli_md(command: str) -> None:
    text = CLI_DOC.read_text(encoding="utf-8")
    sections = _sections(text)
    assert command in sections, f"docs/cli.md has no section '## `python -m geo {command}`'"
    common = _common_section(text)
    missing = sorted(o for o in _long_options(_commands()[command])
                     if not _option_in(o, sections[command]) and not _option_in(o, common))
    assert not missing, f"docs/cli.md, section {command}: options not documented: {', '.join(missing)}"
    undocumented = [name for name in _actions(_commands()[command])
                    if f"### `python -m geo {command} {name}`" not in sections[command]]
    assert not undocumented, f"docs/cli.md, section {command}: no '### `python -m geo {command} ACTION`' for " \
                             f"{', '.join(undocumented)}"


def _markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def _anchors(doc: Path) -> set[str]:
    """The anchors of a page's headings, as GitHub makes them (``## `python -m geo demo` `` → ``python--m-geo-demo``)."""
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    heads = re.findall(r"^#{1,6}\s+(.+?)\s*$", text, flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in heads}


@pytest.mark.parametrize("doc", _markdown_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files(doc: Path) -> None:
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.DOTALL)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):
            continue  # http:, https:, mailto:
        path, _, anchor = target.partition("#")
        linked = (doc.parent / path) if path else doc
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in _anchors(linked)):
            broken.append(target)
    assert not broken, f"{doc.relative_to(ROOT)}: links to missing files or headings: {', '.join(broken)}"


def test_readme_is_one_page() -> None:
    words = len(README.read_text(encoding="utf-8").split())
    assert words <= README_MAX_WORDS, f"README.md has {words} words; the manual lives in docs/ (at most {README_MAX_WORDS})"
