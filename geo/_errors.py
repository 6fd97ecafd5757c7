"""Exceptions raised by GridWatch.

Every error a user can cause is a subclass of :class:`GridWatchError` (itself a
``ValueError``), and its message says what was wrong and how to fix it. The
command line prints the message on one line and exits with status 2.
"""

from __future__ import annotations


class GridWatchError(ValueError):
    """Base class of every error caused by bad input.

    Parameters
    ----------
    message
        What was wrong.
    hint
        How to fix it (shown after the message).
    """

    def __init__(self, message: str, hint: str = "") -> None:
        self.message = message
        self.hint = hint
        super().__init__(f"{message} Hint: {hint}" if hint else message)


class InputFileError(GridWatchError):
    """A file cannot be read: missing, unsupported format or broken."""


class CRSError(GridWatchError):
    """A coordinate reference system is missing, unknown or implausible."""


class SchemaError(GridWatchError):
    """A layer lacks a required column or holds a value of the wrong kind."""


class GeometryError(GridWatchError):
    """Geometries are of the wrong type or cannot be repaired."""


class UnknownIdError(GridWatchError):
    """An id names no feature of the layer."""


class StoreError(GridWatchError):
    """The store cannot be opened, read or written."""


class OptionError(GridWatchError):
    """An option has a value outside its allowed set."""
