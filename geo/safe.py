r"""Values made safe for where they go: spreadsheets, PDFs, XML, terminals.

A name, an id or a description comes from a user's file and may be written
by anyone. Every writer passes such values through one of these helpers:

- :func:`spreadsheet_cell` / :func:`spreadsheet_frame`: CSV and XLSX cells
  that a spreadsheet would run as a formula (``=HYPERLINK(...)``,
  ``+cmd|...``, ``@SUM(...)``) get a leading apostrophe and stay text
  (OWASP "CSV injection"); numbers, including negative ones, stay numbers.
- :func:`markup`: text for a ReportLab ``Paragraph``, whose mini-language
  would otherwise turn ``<a href=...>`` into a link, ``<img src=...>`` into
  a file read from the server's disk, and fail on ``<b>unclosed``.
- :func:`xml_text`: text for KML, GPX and other XML: characters XML 1.0
  cannot hold are dropped, ``&<>"'`` escaped. :func:`xml_chars` only drops
  them, for writers that escape themselves (``xml.etree``).
- :func:`printable`: text for a terminal or a log line: control characters
  shown as ``\x1b`` escapes, so a layer name cannot move the cursor or fake
  a line of output.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Final

import pandas as pd

__all__ = ["markup", "printable", "spreadsheet_cell", "spreadsheet_frame", "xlsx_cell", "xlsx_frame", "xml_chars",
           "xml_text"]

#: First characters that make a spreadsheet read a cell as a formula (or
#: a DDE command): OWASP's list, with the full-width forms Chinese input
#: methods type.
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER: Final = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")
#: Characters XML 1.0 does not allow (C0 controls but tab, LF, CR; U+FFFE/F; lone surrogates).
_XML_BAD: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
#: Characters an XLSX cell cannot hold (openpyxl refuses them): C0 controls but tab, LF, CR.
_XLSX_BAD: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def spreadsheet_cell(value: object) -> object:
    """A cell value a spreadsheet shows as written and never runs.

    Parameters
    ----------
    value
        Any cell value.

    Returns
    -------
    The value unchanged, except text that a spreadsheet would take for a
    formula, which gets a leading ``'``. Text that is a plain number
    (``-12.5``) is left as it is.
    """
    if not isinstance(value, str) or not value:
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def spreadsheet_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with every text cell (and header) passed through :func:`spreadsheet_cell`.

    Parameters
    ----------
    df
        A table about to be written as CSV or XLSX.

    Returns
    -------
    DataFrame: numeric columns untouched, text made safe.
    """
    return _cells(df, spreadsheet_cell)


def xlsx_cell(value: object) -> object:
    r"""A value safe for an XLSX cell: never a formula, no character the format cannot hold.

    Parameters
    ----------
    value
        Any cell value.

    Returns
    -------
    The value through :func:`spreadsheet_cell`, text without control
    characters (a tab, line feed or carriage return is kept) removed first,
    so that ``"\x01=x"`` cannot become a live ``=x``.
    """
    return spreadsheet_cell(_XLSX_BAD.sub("", value) if isinstance(value, str) else value)


def xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose every text cell and heading is an :func:`xlsx_cell`."""
    return _cells(df, xlsx_cell)


def _cells(df: pd.DataFrame, cell: Callable[[object], object]) -> pd.DataFrame:
    out = df.copy()
    out.columns = [cell(c) if isinstance(c, str) else c for c in out.columns]
    for col in out.columns:
        s = out[col]
        if s.dtype == object:  # built as object: map() would infer a dtype (whole numbers to 24.0)
            out[col] = pd.Series([cell(v) for v in s], index=s.index, dtype=object)
        elif pd.api.types.is_string_dtype(s):
            out[col] = s.map(cell, na_action="ignore")
    return out


def markup(text: object) -> str:
    """``text`` escaped for a ReportLab ``Paragraph`` (shown as written).

    Parameters
    ----------
    text
        Any value; ``None`` reads as empty.

    Returns
    -------
    str: with ``&<>`` escaped and characters a PDF font cannot draw removed.
    """
    return html.escape(xml_chars(text), quote=False)


def xml_text(text: object) -> str:
    """``text`` made safe for an XML element or attribute value.

    Parameters
    ----------
    text
        Any value; ``None`` reads as empty.

    Returns
    -------
    str: characters XML 1.0 cannot hold dropped, ``&<>"'`` escaped.
    """
    return html.escape(xml_chars(text), quote=True)


def xml_chars(text: object) -> str:
    """``text`` without the characters XML 1.0 cannot hold (not escaped: for ``xml.etree``, which escapes).

    Parameters
    ----------
    text
        Any value; ``None`` reads as empty.

    Returns
    -------
    str
    """
    return "" if text is None else _XML_BAD.sub("", str(text))


def printable(text: object, limit: int = 200) -> str:
    """``text`` for a terminal or a log: control characters as escapes, cut to ``limit``.

    Parameters
    ----------
    text
        Any value, typically a file, layer or type name from a user.
    limit
        Longest text kept; longer text ends in ``…``.

    Returns
    -------
    str
    """
    s = _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))
    return s if len(s) <= limit else s[: limit - 1] + "…"
