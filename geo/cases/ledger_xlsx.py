"""The ledger and the figures as files: an XLSX that prints, and a CSV Excel opens.

The workbook is what a community office prints and signs: a title, the
storm mode when on (暴雨模式), when it was made and with which filters, then
one row per case under Chinese headings (English with ``lang="en"``),
overdue rows highlighted, and signature lines at the foot, like the rain
checklists (:mod:`geo.rain.documents`). Printed from Excel or WPS it comes
out A4 landscape, one page wide, the heading row on every page.

Every value goes through :func:`geo.safe.xlsx_cell` (workbooks) or
:func:`geo.safe.spreadsheet_frame` (CSV): a description such as
``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

from ..i18n import t
from ..safe import spreadsheet_frame, xlsx_cell

__all__ = [
    "FIGURE_SHOWN",
    "LEDGER_SHOWN",
    "figures_csv",
    "figures_table",
    "figures_xlsx",
    "filters_text",
    "ledger_csv",
    "ledger_table",
    "ledger_xlsx",
    "storm_text",
]

#: Columns of :func:`geo.cases.ledger.ledger` a printed ledger shows, in order.
LEDGER_SHOWN: Final = ("grid_name", "incident_id", "type_label", "stage_label", "urgency_label", "reported_at",
                       "age_h", "party_name", "deadline", "used_pct", "overdue_h", "state_label", "overdue", "reworks", "reason",
                       "description")
#: Column widths of the printed ledger (characters), in the order of :data:`LEDGER_SHOWN`.
_LEDGER_WIDTHS: Final = (12, 15, 10, 8, 8, 16, 9, 14, 16, 9, 9, 8, 7, 6, 16, 34)
#: Columns of :func:`geo.cases.ledger.figures` a printed table shows (after the group's key), in order.
FIGURE_SHOWN: Final = ("name", "reported", "accepted", "handled", "handled_on_time", "overdue_now", "on_time_rate",
                       "reworked", "rework_rate", "on_spot", "parked", "closed", "close_median_h", "close_p90_h")
_RATES: Final = ("on_time_rate", "rework_rate")
_TIMES: Final = ("reported_at", "deadline")
_HEAD_FILL: Final = "305496"
_OVERDUE_FILL: Final = "FFC7CE"
_STORM_COLOR: Final = "C00000"


def storm_text(storm: tuple[str | None, str | None] | str | None, lang: str) -> str:
    """The storm-mode line of a ledger's header (empty when off).

    Parameters
    ----------
    storm
        ``(level, since)`` as :func:`geo.cases.storm.storm_of` gives it, or
        the level alone; empty or None when storm mode is off.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    str: ``暴雨模式：红色预警，自 … 起`` / ``Storm mode: red warning since …``.
    """
    level, since = (storm, "") if isinstance(storm, str) or storm is None else storm
    level = (level or "").strip()
    if not level:
        return ""
    key = f"ledger.storm.{level}"
    word = t(key, lang) if t(key, lang) != key else level
    since = _when(since)
    if not since:
        return t("ledger.storm_no_since", lang, level=word)
    return t("ledger.storm", lang, level=word, since=since)


def filters_text(filters: Mapping[str, Any] | str | None, lang: str) -> str:
    """The filters a ledger was made with, as one line (``筛选：网格 G001；仅超期``).

    Parameters
    ----------
    filters
        Filter name (``grid``, ``type``, ``stage``, ``party``, ``overdue``,
        ``period``) to its value or values; text is shown as it is.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    str
    """
    if isinstance(filters, str):
        return filters
    parts = []
    for name, value in (filters or {}).items():
        if value is None or value is False or value == "" or (isinstance(value, list | tuple) and not value):
            continue
        label = t(f"ledger.filter.{name}", lang)
        if value is True:
            parts.append(label)
        else:
            shown = value if isinstance(value, str) else ", ".join(str(v) for v in value)
            parts.append(f"{label} {shown}")
    if not parts:
        return t("ledger.filters_none", lang)
    return t("ledger.filters", lang, filters=("；" if lang != "en" else "; ").join(parts))


def _when(value: object) -> str:
    """ISO text as ``2026-12-03 08:00`` (what a printed table shows); empty when none."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return text[:16].replace("T", " ") if len(text) >= 16 and text[10:11] == "T" else text


def ledger_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The ledger as users read it: :data:`LEDGER_SHOWN` under their headings, times shortened, yes/no words.

    Parameters
    ----------
    frame
        :func:`geo.cases.ledger.ledger`.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    DataFrame (values not yet escaped: the writers do it).
    """
    out = pd.DataFrame({c: frame[c] if c in frame.columns else pd.Series([None] * len(frame), dtype=object)
                        for c in LEDGER_SHOWN})
    if "grid_id" in frame.columns:  # a grid without a name shows its id
        out["grid_name"] = [n if isinstance(n, str) and n else (g or "") for n, g in
                            zip(out["grid_name"], frame["grid_id"], strict=True)]
    for col in _TIMES:
        out[col] = [_when(v) for v in out[col]]
    out["overdue"] = [t("ledger.yes", lang) if bool(v) else t("ledger.no", lang) for v in out["overdue"].fillna(False)]
    for col in ("reason", "description", "party_name"):
        out[col] = out[col].astype(object).where(out[col].notna(), "")
    out.columns = [t(f"ledger.col.{c}", lang) for c in LEDGER_SHOWN]
    return out


def figures_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The figures as users read them: the group's key, :data:`FIGURE_SHOWN`, rates in percent.

    Parameters
    ----------
    frame
        :func:`geo.cases.ledger.figures`.
    lang
        ``zh`` or ``en``.

    Returns
    -------
    DataFrame (values not yet escaped).
    """
    key = frame.columns[0]
    cols = [key, *FIGURE_SHOWN]
    out = frame[cols].copy()
    out[key] = out[key].astype(object).where(out[key].notna(), "")
    for col in _RATES:
        out[col] = (pd.to_numeric(out[col], errors="coerce") * 100.0).round(1)
    headings = [t(f"ledger.col.{c}", lang) for c in cols]
    out.columns = [h + (" (%)" if lang == "en" else "（%）") if c in _RATES else h
                   for h, c in zip(headings, cols, strict=True)]
    return out


def _csv(table: pd.DataFrame) -> bytes:
    buf = io.StringIO()
    spreadsheet_frame(table).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")


def ledger_csv(frame: pd.DataFrame, lang: str = "zh") -> bytes:
    """The ledger as CSV: UTF-8 with a BOM (Excel reads the Chinese), formula-like text neutralised.

    Parameters
    ----------
    frame
        :func:`geo.cases.ledger.ledger`.
    lang
        Language of the headings and words.

    Returns
    -------
    bytes
    """
    table = ledger_table(frame, lang)
    table.insert(4, t("ledger.col.stage", lang), frame["stage"].to_numpy() if "stage" in frame else "")
    return _csv(table)


def figures_csv(frame: pd.DataFrame, lang: str = "zh") -> bytes:
    """The figures as CSV (UTF-8 with a BOM, formula-like text neutralised); see :func:`figures_table`."""
    return _csv(figures_table(frame, lang))


def ledger_xlsx(frame: pd.DataFrame, *, lang: str = "zh", title: str = "",  # noqa: PLR0913
                storm: tuple[str | None, str | None] | str | None = None, generated_at: str = "",
                filters: Mapping[str, Any] | str | None = None, made_for: str = "") -> bytes:
    """The ledger as a workbook that prints (see the module text).

    Parameters
    ----------
    frame
        :func:`geo.cases.ledger.ledger`.
    lang
        ``zh`` (Chinese headings) or ``en``.
    title
        The title line (default: 案件台账 / Ledger of open cases).
    storm
        The store's storm mode (:func:`geo.cases.storm.storm_of`), shown under the title when on.
    generated_at
        When the ledger was made (ISO text).
    filters
        What it was filtered by (:func:`filters_text`).
    made_for
        Whom it was made for (:func:`geo.privacy.made_for`), a line of the header when given.

    Returns
    -------
    bytes: the XLSX.
    """
    table = ledger_table(frame, lang)
    overdue = [bool(v) for v in frame["overdue"].fillna(False)] if "overdue" in frame else [False] * len(frame)
    n_overdue = sum(overdue)
    head = [
        (title or t("ledger.title", lang), "title"),
        (storm_text(storm, lang), "storm"),
        ("    ".join(x for x in (t("ledger.generated_at", lang, at=_when(generated_at)) if generated_at else "",
                                 filters_text(filters, lang),
                                 t("ledger.count", lang, n=len(frame), overdue=n_overdue)) if x), "plain"),
        *([(made_for, "plain")] if made_for else []),
    ]
    return _workbook(t("ledger.sheet", lang), head, table, _LEDGER_WIDTHS, overdue, lang)


def figures_xlsx(frame: pd.DataFrame, *, lang: str = "zh", title: str = "", generated_at: str = "",
                 filters: Mapping[str, Any] | str | None = None, storm: tuple[str | None, str | None] | str | None = None) -> bytes:
    """The figures as a workbook that prints, the total row in bold (parameters as :func:`ledger_xlsx`)."""
    table = figures_table(frame, lang)
    head = [
        (title or t("ledger.figures_title", lang), "title"),
        (storm_text(storm, lang), "storm"),
        ("    ".join(x for x in (t("ledger.generated_at", lang, at=_when(generated_at)) if generated_at else "",
                                 filters_text(filters, lang)) if x), "plain"),
    ]
    widths = (14, 18, *([9] * (len(FIGURE_SHOWN) - 1)))
    totals = [bool(v) for v in frame["total"]] if "total" in frame else [False] * len(frame)
    return _workbook(t("ledger.figures_sheet", lang), head, table, widths, [False] * len(frame), lang, bold=totals)


def _workbook(sheet: str, head: Sequence[tuple[str, str]], table: pd.DataFrame, widths: Sequence[int],  # noqa: PLR0913
              marked: Sequence[bool], lang: str, *, bold: Sequence[bool] = ()) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    n_cols = len(table.columns)
    last = get_column_letter(n_cols)
    r = 0
    for text, kind in head:
        if not text:
            continue
        r += 1
        ws.cell(r, 1, xlsx_cell(text))
        ws.merge_cells(f"A{r}:{last}{r}")
        if kind == "title":
            ws.cell(r, 1).font = Font(bold=True, size=14)
        elif kind == "storm":
            ws.cell(r, 1).font = Font(bold=True, color=_STORM_COLOR)
    head_row = r + 2
    for c, label in enumerate(table.columns, start=1):
        cell = ws.cell(head_row, c, xlsx_cell(str(label)))
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEAD_FILL)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    fill = PatternFill("solid", fgColor=_OVERDUE_FILL)
    wrap = Alignment(vertical="top", wrap_text=True)
    for k, row in enumerate(table.itertuples(index=False)):
        rr = head_row + 1 + k
        for c, value in enumerate(row, start=1):
            cell = ws.cell(rr, c, xlsx_cell(_plain(value)))
            cell.alignment = wrap
            if k < len(marked) and marked[k]:
                cell.fill = fill
            if k < len(bold) and bold[k]:
                cell.font = Font(bold=True)
    end_row = head_row + max(len(table), 1)
    for c, w in enumerate(widths[:n_cols], start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    ws.auto_filter.ref = f"A{head_row}:{last}{end_row}"
    sign_row = _signatures(ws, end_row + 2, n_cols, lang, Border(bottom=Side(style="thin")))
    # printed from Excel/WPS: A4 landscape, one page wide, the heading row on every page
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{last}{sign_row}"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _signatures(ws: Any, row: int, n_cols: int, lang: str, line: Any) -> int:
    """Signature lines under the table (label, then a ruled blank cell); returns the last row used."""
    from openpyxl.styles import Font

    labels = [("ledger.sign.maker", "ledger.sign.worker", "ledger.sign.head"), ("ledger.sign.date",)]
    step = max(n_cols // 3, 2)
    for k, keys in enumerate(labels):
        r = row + 2 * k
        for j, key in enumerate(keys):
            col = 1 + j * step
            if col + 1 > n_cols:
                break
            ws.cell(r, col, t(key, lang)).font = Font(bold=True)
            for c in range(col + 1, min(col + step, n_cols + 1)):
                ws.cell(r, c).border = line
        ws.row_dimensions[r].height = 24
    return row + 2 * (len(labels) - 1)


def _plain(value: object) -> object:
    """A cell value openpyxl takes: NaN and NA as empty, numpy scalars as Python numbers."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    item = getattr(value, "item", None)
    return item() if callable(item) else value
