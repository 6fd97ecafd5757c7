"""Limits on what one input file may make GridWatch do.

A file from a third party may be built to exhaust the machine: a small zip
that expands to gigabytes, a spreadsheet of millions of repeated rows, a
polygon whose repair never ends. Every reader checks these limits before
parsing where it can, and while reading otherwise, and refuses with a
message that names the limit and the environment variable that raises it.

Each limit has a default (:class:`Limits`) and an environment variable
``GRIDWATCH_MAX_...`` that overrides it; :func:`current` reads them, once
per call (not at import time), so a server can be reconfigured without a
code change::

    GRIDWATCH_MAX_FILE_MB=500 python -m geo import ...
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from . import settings

__all__ = ["ENV", "Limits", "current"]


@dataclass(frozen=True)
class Limits:
    """The limits in force (see :data:`ENV` for their variables).

    The defaults are those of :class:`geo.settings.Settings`.

    Attributes
    ----------
    max_file_mb
        Size of one uploaded or imported file, in MB (checked before parsing).
    max_features
        Features (rows) of one layer.
    max_vertices
        Vertices of one geometry (a grid boundary rarely needs 10,000).
    max_total_vertices
        Vertices of the whole layer.
    max_cells
        Cells of one XLSX sheet (rows times columns, counted while reading).
    max_zip_members
        Entries of a zip archive (a zipped Shapefile has four to six).
    max_zip_mb
        Uncompressed size of a zip (or XLSX) archive, in MB, declared and actual.
    max_zip_ratio
        Uncompressed to compressed size of one zip entry; text compresses
        ten- to fifty-fold, a zip bomb a thousand-fold.
    max_text_chars
        Characters of one text value (a name, an address, a note).
    max_id_chars
        Characters of one id.
    max_repair_seconds
        Time one layer's geometry repair may take.
    """

    max_file_mb: float = settings.Settings.max_file_mb
    max_features: int = settings.Settings.max_features
    max_vertices: int = settings.Settings.max_vertices
    max_total_vertices: int = settings.Settings.max_total_vertices
    max_cells: int = settings.Settings.max_cells
    max_zip_members: int = settings.Settings.max_zip_members
    max_zip_mb: float = settings.Settings.max_zip_mb
    max_zip_ratio: float = settings.Settings.max_zip_ratio
    max_text_chars: int = settings.Settings.max_text_chars
    max_id_chars: int = settings.Settings.max_id_chars
    max_repair_seconds: float = settings.Settings.max_repair_seconds

    @property
    def max_file_bytes(self) -> int:
        """:attr:`max_file_mb` in bytes."""
        return int(self.max_file_mb * 1_000_000)

    @property
    def max_zip_bytes(self) -> int:
        """:attr:`max_zip_mb` in bytes."""
        return int(self.max_zip_mb * 1_000_000)


#: Environment variable of each limit.
ENV: Final[Mapping[str, str]] = {f.name: "GRIDWATCH_" + f.name.upper() for f in dataclasses.fields(Limits)}


def current(environ: Mapping[str, str] | None = None) -> Limits:
    """The limits in force: the defaults, overridden by ``GRIDWATCH_MAX_...`` variables.

    Parameters
    ----------
    environ
        The environment to read (``os.environ`` when not given); read
        through :func:`geo.settings.current`.

    Returns
    -------
    Limits

    Raises
    ------
    OptionError
        A variable is set to something that is not a positive number.
    """
    values = settings.current(environ)
    names = [f.name for f in dataclasses.fields(Limits)]
    values.check(*names)
    return Limits(**{name: getattr(values, name) for name in names})
