"""What every transaction does for the audit log (:mod:`geo.audit`): entries kept, then written at commit."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .access import User
from .audit import AUDIT
from .audit import COLUMNS as AUDIT_COLUMNS
from .audit import entry as audit_entry
from .errors import StoreError

__all__ = ["AuditMixin"]


class AuditMixin(ABC):
    """The audit part of :class:`geo.storage.Transaction` (its backends write the rows and protect the table)."""

    user: User
    at: str
    note: str
    wrote: bool
    _audit: list[dict[str, str]]
    _audit_flushing: bool

    @abstractmethod
    def _append_table(self, name: str, df: pd.DataFrame) -> None:
        """Add rows to a plain table (created when missing)."""

    @abstractmethod
    def _protect_audit(self) -> None:
        """Make the database refuse UPDATE and DELETE on the audit table (idempotent)."""

    def audit(self, action: str, *, kind: str = "", obj: str = "", before: Mapping[str, Any] | None = None,
              after: Mapping[str, Any] | None = None) -> None:
        """Enter an event in the audit log (written at commit, with the change)."""
        self._audit.append(audit_entry(at=self.at, user=self.user, action=action, kind=kind, obj=obj,
                                       before=before, after=after, note=self.note))
        self.wrote = True

    def _flush_audit(self) -> None:
        if not self._audit:
            return
        self._audit_flushing = True
        try:
            self._append_table(AUDIT, pd.DataFrame(self._audit, columns=list(AUDIT_COLUMNS)))
            self._protect_audit()
        finally:
            self._audit_flushing = False
        self._audit = []

    def restore_audit(self, df: pd.DataFrame) -> None:
        """Append entries exactly as given (:func:`geo.store.copy_store` of one store's log into another)."""
        if df.empty:
            return
        self._audit_flushing = True
        try:
            self._append_table(AUDIT, df[[c for c in AUDIT_COLUMNS if c in df.columns]])
            self._protect_audit()
        finally:
            self._audit_flushing = False
        self.wrote = True

    def _check_table_write(self, name: str) -> None:
        if name == AUDIT and not self._audit_flushing:
            raise StoreError.of("store.audit_readonly")
