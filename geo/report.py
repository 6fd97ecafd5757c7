"""Validation reports: the issues found in a layer and how they read.

:class:`ValidationReport` collects every :class:`Issue` (errors block an
import, warnings are imported and listed); :class:`ReportError` raises a
report that holds errors. :class:`Rows` and :class:`Term` are message values
that read in the user's language. The checks that fill a report are in
:mod:`geo.validate`, which also offers these names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import SchemaError

__all__ = ["ERROR", "WARNING", "Issue", "ReportError", "Rows", "Term", "ValidationReport", "id_texts", "keyed",
           "layer_term", "positions"]

ERROR: Final = "error"
WARNING: Final = "warning"


@dataclass
class Issue:
    """One problem found in a layer."""

    level: str
    code: str
    message: str
    ids: list[str] = field(default_factory=list)
    lon: float | None = None
    lat: float | None = None
    area_m2: float | None = None
    #: Values of the message's ``{name}`` fields; with them the message is
    #: ``check.<code>`` of the translation table, in any language.
    params: dict[str, object] | None = None
    #: Key of the message when it is not ``check.<code>`` (one code, two messages).
    key: str | None = None

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (English for issues recorded without a key)."""
        if self.params is None:
            return self.message
        from . import i18n

        return i18n.t(self.key or f"check.{self.code}", lang, **_localized(self.params, lang))


@dataclass(frozen=True)
class Rows:
    """Rows of a file as a user finds them, for a message in any language.

    Spreadsheet lines for CSV/XLSX (the header is line 1, the first data
    row line 2), feature numbers from 1 for vector files.

    Attributes
    ----------
    numbers
        The line or feature numbers (at most the first few are shown).
    total
        How many rows there are in all.
    lines
        True for spreadsheet lines, False for feature numbers.
    values
        The value found in each row (shown beside its number), or empty.
    """

    numbers: tuple[int, ...]
    total: int
    lines: bool = True
    values: tuple[str, ...] = ()

    #: Rows shown in a message.
    SHOWN = 5

    @classmethod
    def of(cls, positions: np.ndarray | list[int], base: int, values: list[object] | None = None) -> Rows:
        """Rows at 0-based ``positions`` of a file whose first row is ``base`` (2: table, 1: vector)."""
        pos = [int(p) for p in positions]
        shown = pos[: cls.SHOWN]
        vals = () if values is None else tuple(_short_value(v) for v in list(values)[: cls.SHOWN])
        return cls(tuple(p + base for p in shown), len(pos), base >= 2, vals)

    def text(self, lang: str = "en") -> str:
        """``line 3, line 7 and 4 more`` (or ``'x' (line 3)``, ``feature 1``), in ``lang``."""
        from . import i18n

        word = "check.where.line" if self.lines else "check.where.feature"
        parts = [i18n.t(word, lang, n=n) for n in self.numbers]
        if self.values:
            parts = [i18n.t("check.where.value", lang, value=v, where=w) for v, w in zip(self.values, parts, strict=False)]
        text = i18n.t("check.where.sep", lang).join(parts)
        if self.total > len(self.numbers):
            text += i18n.t("check.where.more", lang, n=self.total - len(self.numbers))
        return text

    def __format__(self, spec: str) -> str:
        return self.text("en")

    def __str__(self) -> str:
        return self.text("en")


@dataclass(frozen=True)
class Term:
    """A word of the translation table as a message value (a layer name...)."""

    key: str

    def text(self, lang: str = "en") -> str:
        """The word in ``lang``."""
        from . import i18n

        return i18n.t(self.key, lang)

    def __format__(self, spec: str) -> str:
        return self.text("en")


def layer_term(kind: str) -> Term:
    """The layer's name (``kind.<layer>``) as a message value."""
    return Term(f"kind.{kind}")


def _short_value(v: object, limit: int = 40) -> str:
    from .safe import printable

    text = printable(str(v), limit)
    return repr(text)


def _localized(params: dict[str, object], lang: str) -> dict[str, object]:
    return {k: (v.text(lang) if isinstance(v, Rows | Term) else v) for k, v in params.items()}


def keyed(level: str, code: str, *, ids: list[str] | None = None, lon: float | None = None, lat: float | None = None,
          area_m2: float | None = None, message_key: str | None = None, **params: object) -> Issue:
    """An issue whose message is ``check.<code>`` (or ``message_key``; see :meth:`ValidationReport.issue`)."""
    from . import i18n

    key = message_key or f"check.{code}"
    return Issue(level, code, i18n.t(key, "en", **_localized(params, "en")), list(ids or []), lon, lat,
                 area_m2, dict(params), message_key)


@dataclass
class ValidationReport:
    """Everything found while loading one layer."""

    layer: str
    source: str = ""
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block an import."""
        return [i for i in self.issues if i.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        """Issues imported with a note."""
        return [i for i in self.issues if i.level == WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing blocks the import."""
        return not self.errors

    def add(self, level: str, code: str, message: str, **kw: object) -> None:
        """Record an issue (prefer :meth:`issue`, whose text is translated)."""
        self.issues.append(Issue(level, code, message, **kw))  # type: ignore[arg-type]

    def issue(self, level: str, code: str, *, ids: list[str] | None = None, lon: float | None = None,
              lat: float | None = None, area_m2: float | None = None, message_key: str | None = None,
              **params: object) -> Issue:
        """Record an issue whose message is ``check.<code>`` of the translation table.

        Parameters
        ----------
        level
            :data:`ERROR` or :data:`WARNING`.
        code
            The issue's code, also its key (``check.<code>``).
        ids, lon, lat, area_m2
            Where it is (see :class:`Issue`).
        message_key
            The message's key when it is not ``check.<code>``.
        **params
            Values for the message's ``{name}`` fields.

        Returns
        -------
        Issue: the recorded issue.
        """
        item = keyed(level, code, ids=ids, lon=lon, lat=lat, area_m2=area_m2, message_key=message_key, **params)
        self.issues.append(item)
        return item

    def to_frame(self, lang: str = "en") -> pd.DataFrame:
        """The issues as a table (one row per issue), messages in ``lang``."""
        rows = [
            {"level": i.level, "code": i.code, "message": i.text(lang), "ids": ", ".join(i.ids[:50]),
             "count": len(i.ids), "lon": i.lon, "lat": i.lat, "area_m2": i.area_m2}
            for i in self.issues
        ]
        return pd.DataFrame(rows, columns=["level", "code", "message", "ids", "count", "lon", "lat", "area_m2"])

    def to_text(self, lang: str = "en") -> str:
        """A readable report for the command line, messages in ``lang``."""
        from . import i18n
        from .safe import printable

        head = i18n.t("check.report.head", lang, layer=i18n.t(f"kind.{self.layer}", lang)
                      if f"kind.{self.layer}" in i18n.STRINGS else self.layer,
                      source=self.source or i18n.t("check.report.input", lang), rows=self.rows,
                      errors=len(self.errors), warnings=len(self.warnings))
        lines = [printable(head, 400)]
        for i in self.issues:
            where = f" @ {i.lon:.6f},{i.lat:.6f}" if i.lon is not None and i.lat is not None else ""
            area = f" ({i.area_m2:.1f} m²)" if i.area_m2 is not None else ""
            ids = f" [{', '.join(i.ids[:10])}{' ...' if len(i.ids) > 10 else ''}]" if i.ids else ""
            level = i18n.t(f"check.level.{i.level}", lang)
            lines.append(printable(f"  {level} {i.code}: {i.text(lang)}{area}{where}{ids}", 4000))
        return "\n".join(lines)

    def summary(self, lang: str = "en", limit: int = 5) -> str:
        """The errors on one line (the first ``limit`` and how many more), in ``lang``."""
        from . import i18n

        shown = [i.text(lang).rstrip("。. ") + (f" ({', '.join(i.ids[:5])}{' ...' if len(i.ids) > 5 else ''})"
                                                 if i.ids else "") for i in self.errors[:limit]]
        text = "; ".join(shown)
        if len(self.errors) > limit:
            text += i18n.t("check.report.more_errors", lang, n=len(self.errors) - limit)
        return text


class ReportError(SchemaError):
    """A layer cannot be used as it is: every problem found is in ``report``.

    The message lists the first errors (in any language with
    :meth:`localized`); ``report.to_text(lang)`` lists them all.
    """

    def __init__(self, report: ValidationReport) -> None:
        self.report = report
        message, hint = self.localized("en")
        super().__init__(message, hint)

    def localized(self, lang: str) -> tuple[str, str]:
        """``(message, hint)`` in ``lang``, from the report."""
        from . import i18n

        r = self.report
        return (i18n.t("err.check.refused", lang, source=r.source or r.layer, n=len(r.errors),
                       errors=r.summary(lang)),
                i18n.t("err.check.refused.hint", lang))


def id_texts(gdf: gpd.GeoDataFrame, id_col: str, mask: np.ndarray | None = None, base: int | None = None) -> list[str]:
    """The ids of ``gdf`` (rows of ``mask``) as text for an issue; a missing id is its row (``line 5``).

    ``base`` is the number a user sees for row 0 (``attrs["row_base"]``, 1 when missing).
    """
    sel = np.ones(len(gdf), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    base = int(gdf.attrs.get("row_base", 1)) if base is None else base
    values = gdf[id_col].to_numpy()[sel]
    rows = positions(gdf, sel)
    return [Rows.of([int(p)], base).text("en") if pd.isna(v) else str(v)
            for v, p in zip(values, rows, strict=True)]


def positions(gdf: gpd.GeoDataFrame, mask: np.ndarray) -> np.ndarray:
    """0-based file rows of ``mask`` (the index when it is the reader's, else positions)."""
    idx = gdf.index
    if pd.api.types.is_integer_dtype(idx.dtype) and idx.is_unique and (len(idx) == 0 or idx.min() >= 0):
        return np.asarray(idx[mask], dtype=np.int64)
    return np.flatnonzero(mask)
