"""Exceptions raised by GridWatch.

Every error a user can cause is a subclass of :class:`GridWatchError` (itself a
``ValueError``), and its message says what was wrong and how to fix it. The
command line prints the message on one line and exits with status 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self


class GridWatchError(ValueError):
    """Base class of every error caused by bad input.

    Raise it from the translation table, so that the app shows it in the
    user's language and the command line in English (or ``--lang zh``)::

        raise SchemaError.of("io.no_column", file=name, column=col, columns=cols)

    reads ``err.io.no_column`` (the message) and ``err.io.no_column.hint``
    (how to fix it, optional) from :data:`geo.i18n.STRINGS`.

    Parameters
    ----------
    message
        What was wrong (English).
    hint
        How to fix it (shown after the message).
    key
        Key of the message in the translation table (without ``err.``).
    params
        Values for the message's and the hint's ``{name}`` fields.
    """

    def __init__(self, message: str, hint: str = "", *, key: str | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        self.message = message
        self.hint = hint
        self.key = key
        self.params = dict(params or {})
        super().__init__(f"{message} Hint: {hint}" if hint else message)

    @classmethod
    def of(cls, key: str, /, **params: Any) -> Self:
        """The error whose message is ``err.<key>`` (and hint ``err.<key>.hint``)."""
        from . import i18n

        message, hint = i18n.error_text(key, "en", params)
        return cls(message, hint, key=key, params=params)

    def localized(self, lang: str) -> tuple[str, str]:
        """``(message, hint)`` in ``lang``; errors raised without a key stay in English."""
        if self.key is None:
            return self.message, self.hint
        from . import i18n

        return i18n.error_text(self.key, lang, self.params)


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


class ConflictError(StoreError):
    """A row changed since the version an edit was based on.

    Raised by an update or delete that names the ``row_version`` it was
    based on when someone else has changed the row since: the edit is not
    applied (never a silent overwrite).

    Attributes
    ----------
    layer, row_id
        The row.
    base_version
        The version the edit was based on.
    current
        The row's values now (``row_version``, ``updated_by`` and
        ``updated_at`` included); empty when the row was deleted.
    """

    def __init__(self, message: str, hint: str = "", *, key: str | None = None,
                 params: Mapping[str, Any] | None = None) -> None:
        super().__init__(message, hint, key=key, params=params)
        p = dict(params or {})
        self.layer: str = str(p.get("layer", ""))
        self.row_id: str = str(p.get("row_id", ""))
        self.base_version: int | None = p.get("base")
        self.current: dict[str, Any] = dict(p.get("current_row") or {})

    @classmethod
    def stale(cls, layer: str, row_id: str, base: int, current: Mapping[str, Any] | None) -> ConflictError:
        """The error for an edit of ``row_id`` based on version ``base`` (``current``: the row now, None if deleted)."""
        if not current:
            return cls.of("store.conflict_deleted", layer=layer, row_id=row_id, base=base, current_row={})
        shown = {k: v for k, v in current.items() if k not in ("geometry", "updated_by", "updated_at", "row_version")}
        values = ", ".join(f"{k}={v}" for k, v in shown.items() if v is not None and str(v) != "")
        return cls.of("store.conflict", layer=layer, row_id=row_id, base=base,
                      version=current.get("row_version"), by=current.get("updated_by") or "?",
                      at=current.get("updated_at") or "?", values=values[:400], current_row=dict(current))
