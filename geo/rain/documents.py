"""Rain-emergency documents: checklists and flood responses as PDF, XLSX and CSV.

- PDF: A4 portrait, Chinese in a real CJK font (:mod:`geo.printkit`), one grid
  after another, each headed by its header block and a small map of the grid
  with the numbered patrol stops; long tables break across pages and repeat
  their column headings; signature lines at the end of each grid.
- XLSX: one sheet per grid, the header block on top, a frozen heading row,
  a drop-down list of allowed results per section, hidden columns that let
  :mod:`geo.rain.inspection` detect edited ids.
- CSV: every grid in one UTF-8 (with BOM, for Excel) table.

Every CSV and XLSX cell goes through :func:`geo.safe.spreadsheet_cell`: a
name or id that a spreadsheet would run as a formula (``=HYPERLINK(...)``,
``+cmd|...``, ``@SUM(...)``, a leading tab) is written as text with a
leading ``'`` (which :mod:`geo.rain.inspection` takes off again on import);
numbers stay numbers. XLSX cells also drop the control characters the
format cannot hold. Every PDF value is escaped by the print kit
(:mod:`geo.printkit`) with :func:`geo.safe.markup`.

Each document has a renderer that returns its bytes (:func:`render_checklists`,
:func:`checklists_pdf`, :func:`checklists_xlsx`, :func:`checklists_csv`;
:func:`render_flood`, :func:`flood_pdf`, :func:`flood_xlsx`, :func:`flood_csv`)
and a ``write_*`` function that writes those bytes to a file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import pandas as pd

from ..safe import _XLSX_BAD, printable, spreadsheet_frame, xlsx_cell, xlsx_frame
from .checklist import SECTIONS, GridChecklist

__all__ = [
    "CSV_COLUMNS",
    "XLSX_HEADINGS",
    "checklists_csv",
    "checklists_pdf",
    "checklists_xlsx",
    "csv_bytes",
    "flood_csv",
    "flood_pdf",
    "flood_table",
    "flood_xlsx",
    "render_checklists",
    "render_flood",
    "write_checklist_csv",
    "write_checklist_pdf",
    "write_checklist_xlsx",
    "write_checklists",
    "write_flood_csv",
    "write_flood_pdf",
    "write_flood_xlsx",
    "xlsx_cell",
    "xlsx_frame",
]

#: Columns of a checklist CSV, in order.
CSV_COLUMNS: Final = ("checklist_id", "grid_id", "level", "generated_at", "inspector", "inspected_at",
                      "section", "no", "item_id", "key", "where", "details", "contact", "last_status",
                      "result", "note", "lon", "lat", "made_for")
#: Column headings of a checklist sheet (XLSX), in order, and the item field
#: each holds. The last four are hidden.
XLSX_HEADINGS: Final = (("序号", "no"), ("类别", "section_zh"), ("编号", "item_id"), ("位置", "where"),
                        ("详情", "details"), ("联系人", "contact"), ("上次状态", "last_status"),
                        ("检查结果", "result"), ("备注", "note"), ("section", "section"),
                        ("key", "key"), ("lon", "lon"), ("lat", "lat"))
#: Labels of the header block cells (XLSX column A; the value is in column B).
HEADER_LABELS: Final = {"checklist_id": "清单编号", "level": "预警级别代码", "grid_id": "网格编号",
                        "generated_at": "生成时间", "inspector": "检查人", "inspected_at": "检查时间"}
SECTION_SHORT: Final = {"grate": "雨水篦子", "flooding": "积水点", "basement": "地下室/车库",
                        "unit_light": "楼道灯", "unit_drain": "排水管", "vulnerable": "重点人群", "wire": "飞线"}
FORMATS: Final = ("pdf", "xlsx", "csv")

Progress = Callable[[int, int], None] | None


def write_checklists(checklists: Sequence[GridChecklist], path: str | Path, fmt: str | None = None,
                     *, progress: Progress = None) -> Path:
    """Write checklists as PDF, XLSX or CSV (see :func:`render_checklists`).

    Parameters
    ----------
    checklists
        From :func:`geo.rain.checklist.build_checklists`.
    path
        Output file.
    fmt
        ``pdf``, ``xlsx`` or ``csv``; default from the file's suffix.
    progress
        Callable ``progress(done, total)`` (PDF only: after each grid).

    Returns
    -------
    Path
        The file written.
    """
    path = Path(path)
    data = render_checklists(checklists, fmt or path.suffix.lstrip("."), progress=progress)
    path.write_bytes(data)
    return path


def render_checklists(checklists: Sequence[GridChecklist], fmt: str, *, progress: Progress = None) -> bytes:
    """Checklists as PDF, XLSX or CSV bytes.

    Parameters
    ----------
    checklists
        From :func:`geo.rain.checklist.build_checklists`.
    fmt
        ``pdf``, ``xlsx`` or ``csv``.
    progress
        Callable ``progress(done, total)`` (PDF only: after each grid).

    Returns
    -------
    bytes
        The document.

    Raises
    ------
    OptionError
        An unknown format, or no checklist.
    """
    from ..errors import OptionError

    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise OptionError.of("rain.checklist_format", fmt=f"'{printable(fmt or 'a file without suffix')}'",
                             formats=" | ".join(FORMATS))
    if not checklists:
        raise OptionError.of("rain.no_grids")
    if fmt == "pdf":
        return checklists_pdf(checklists, progress=progress)
    if fmt == "xlsx":
        return checklists_xlsx(checklists)
    return checklists_csv(checklists)


# -- CSV -----------------------------------------------------------------------


def checklist_frame(checklists: Sequence[GridChecklist]) -> pd.DataFrame:
    """All checklists as one table with :data:`CSV_COLUMNS`."""
    frames = []
    for cl in checklists:
        df = cl.items.copy()
        for key in ("checklist_id", "grid_id", "level", "generated_at", "inspector"):
            df[key] = cl.header[key]
        df["made_for"] = cl.header.get("made_for", "")
        df["inspected_at"] = ""
        df["key"] = df["item_id"]
        frames.append(df)
    if not frames:
        return pd.DataFrame(columns=list(CSV_COLUMNS))
    return pd.concat(frames, ignore_index=True)[list(CSV_COLUMNS)]


def checklists_csv(checklists: Sequence[GridChecklist]) -> bytes:
    """Every grid's checklist in one CSV (UTF-8 with BOM).

    Returns
    -------
    bytes
        The CSV.
    """
    buf = io.BytesIO()
    spreadsheet_frame(checklist_frame(checklists)).to_csv(buf, index=False, encoding="utf-8-sig",
                                                          quoting=csv.QUOTE_MINIMAL)
    return buf.getvalue()


def write_checklist_csv(checklists: Sequence[GridChecklist], path: Path) -> None:
    """Write every grid's checklist into one CSV (UTF-8 with BOM)."""
    Path(path).write_bytes(checklists_csv(checklists))


# -- XLSX ------------------------------------------------------------------------


def write_checklist_xlsx(checklists: Sequence[GridChecklist], path: Path) -> None:
    """Write one sheet per grid (see :func:`checklists_xlsx`)."""
    Path(path).write_bytes(checklists_xlsx(checklists))


def checklists_xlsx(checklists: Sequence[GridChecklist]) -> bytes:
    """One sheet per grid (see the module docstring).

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for cl in checklists:
        _checklist_sheet(wb, cl, _sheet_title(cl.header["grid_id"], used))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_title(grid_id: str, used: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\" else c for c in _XLSX_BAD.sub("", grid_id))[:28].strip("'") or "grid"
    title, k = base, 1
    while title.lower() in used:
        k += 1
        title = f"{base[:25]}~{k}"
    used.add(title.lower())
    return title


def _checklist_sheet(wb: Any, cl: GridChecklist, title: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = wb.create_sheet(title)
    h = cl.header
    ws["A1"] = xlsx_cell(f"{h['community']} {h['grid_name']} {h['level_zh']} 防汛巡查清单")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = xlsx_cell("    ".join(x for x in (f"网格员：{h['worker']}  电话：{h['phone']}  等级：{h['level_zh']}",
                                                 h.get("made_for", "")) if x))
    block = [(k, h.get(k, "")) for k in ("checklist_id", "level", "grid_id", "generated_at", "inspector")]
    block.append(("inspected_at", ""))
    for r, (key, value) in enumerate(block, start=3):
        ws.cell(r, 1, HEADER_LABELS[key]).font = Font(bold=True)
        ws.cell(r, 2, xlsx_cell(value))
    fill_me = PatternFill("solid", fgColor="FFF2CC")
    for r in (7, 8):  # inspector, inspected_at: to be filled in
        ws.cell(r, 2).fill = fill_me
    head_row = len(block) + 4
    for c, (label, _) in enumerate(XLSX_HEADINGS, start=1):
        cell = ws.cell(head_row, c, label)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="305496")
        cell.alignment = Alignment(horizontal="center")
    items = cl.items.assign(section_zh=cl.items["section"].map(SECTION_SHORT), key=cl.items["item_id"])
    fields = [f for _, f in XLSX_HEADINGS]
    for r, row in enumerate(items[fields].itertuples(index=False), start=head_row + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, xlsx_cell(value))
    _add_validations(ws, items, head_row + 1)
    ws.freeze_panes = ws.cell(head_row + 1, 1)
    widths = (6, 11, 12, 22, 28, 22, 10, 12, 24)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    for c in range(len(widths) + 1, len(XLSX_HEADINGS) + 1):
        ws.column_dimensions[get_column_letter(c)].hidden = True
    result_fill = PatternFill("solid", fgColor="FFF2CC")
    for r in range(head_row + 1, head_row + 1 + len(items)):
        ws.cell(r, 8).fill = result_fill
    ws.auto_filter.ref = f"A{head_row}:I{head_row + max(len(items), 1)}"
    # printed from Excel/WPS: A4 landscape, one page wide, the heading row on every page
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:I{head_row + max(len(items), 1)}"


def _add_validations(ws: Any, items: pd.DataFrame, first_row: int) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for code, section in SECTIONS.items():
        rows = [first_row + k for k, s in enumerate(items["section"]) if s == code]
        if not rows:
            continue
        dv = DataValidation(type="list", formula1='"' + ",".join(section.choices) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="检查结果",
                            error=f"请从下拉列表中选择：{'、'.join(section.choices)}")
        for lo, hi in _runs(rows):
            dv.add(f"H{lo}:H{hi}")
        ws.add_data_validation(dv)


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for r in rows:
        if runs and runs[-1][1] == r - 1:
            runs[-1] = (runs[-1][0], r)
        else:
            runs.append((r, r))
    return runs


# -- PDF -------------------------------------------------------------------------


def checklists_pdf(checklists: Sequence[GridChecklist], *, progress: Progress = None) -> bytes:
    """The checklists as one A4 PDF, each grid starting on a new page.

    Returns
    -------
    bytes
        The PDF.
    """
    from . import checklist_pdf

    return checklist_pdf.checklists_pdf(checklists, progress=progress)


def write_checklist_pdf(checklists: Sequence[GridChecklist], path: Path, *, progress: Progress = None) -> None:
    """Write the checklists as one A4 PDF, each grid starting on a new page."""
    Path(path).write_bytes(checklists_pdf(checklists, progress=progress))


# -- flood response ---------------------------------------------------------------

FLOOD_HEADINGS: Final = {
    "buildings": {"building_id": "楼栋编号", "name": "楼栋", "grid_id": "网格", "distance_m": "距离(米)",
                  "inside": "在范围内", "households": "户数", "residents": "人数", "elderly_alone": "独居老人", "basement": "地下室/车库",
                  "head": "楼栋长", "head_phone": "电话"},
    "grates": {"incident_id": "篦子编号", "status": "状态", "distance_m": "距离(米)", "inside": "在范围内"},
    "wires": {"incident_id": "飞线编号", "status": "状态", "distance_m": "距离(米)", "inside": "在范围内",
              "critical": "危险(积水触电)"},
    "contacts": {"role": "角色", "name": "姓名", "phone": "电话", "for_what": "负责"},
}
FLOOD_TITLES: Final = {"buildings": "受影响楼栋", "grates": "需清掏的雨水篦子（由近及远）",
                       "wires": "范围内飞线（未处理的为危险）", "contacts": "联系人"}


def flood_table(df: pd.DataFrame, section: str) -> pd.DataFrame:
    """A flood-response table with Chinese headings and values (是/否, 堵塞...)."""
    from .checklist import STATUS_ZH

    out = df.copy()
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda v: STATUS_ZH.get(str(v), str(v)))
    for col in ("basement", "inside", "critical"):
        if col in out.columns:
            out[col] = out[col].map({True: "是", False: "否"})
    return out.rename(columns=FLOOD_HEADINGS[section])


#: Suffixes of the flood response's formats.
FLOOD_FORMATS: Final = ("csv", "xlsx", "pdf")


def render_flood(response: Any, fmt: str) -> bytes:
    """A flood response as CSV, XLSX or PDF bytes (``fmt`` one of :data:`FLOOD_FORMATS`).

    Returns
    -------
    bytes
        The document.

    Raises
    ------
    OptionError
        An unknown format.
    """
    from ..errors import OptionError

    renderers = {"csv": flood_csv, "xlsx": flood_xlsx, "pdf": flood_pdf}
    render = renderers.get(fmt.lower().lstrip("."))
    if render is None:
        raise OptionError.of("flood.out_suffix", suffix=f".{fmt}" if fmt else "-")
    return render(response)


def flood_csv(response: Any) -> bytes:
    """One table with a ``section`` and an ``area`` column.

    The area is the response's title (the point, the drawn area or the
    flood zone); ``inside``, ``basement`` and ``critical`` read yes/no
    (UTF-8 with BOM).

    Returns
    -------
    bytes
        The CSV.
    """
    # object columns, so counts stay whole numbers where sections do not share a column
    made_for = getattr(response, "made_for", "")
    frames = [_yes_no(df.astype(object)).assign(section=name, area=response.title, made_for=made_for)[
                  ["section", *df.columns, "area", "made_for"]]
              for name, df in response.sections().items()]
    buf = io.BytesIO()
    spreadsheet_frame(pd.concat(frames, ignore_index=True)).to_csv(buf, index=False, encoding="utf-8-sig")
    return buf.getvalue()


def write_flood_csv(response: Any, path: Path) -> None:
    """Write :func:`flood_csv` to ``path``."""
    Path(path).write_bytes(flood_csv(response))


def _yes_no(df: pd.DataFrame) -> pd.DataFrame:
    for col in ("basement", "inside", "critical"):
        if col in df.columns:
            df[col] = df[col].map(lambda v: "" if v is None or v is pd.NA else "yes" if bool(v) else "no")
    return df


def write_flood_xlsx(response: Any, path: Path) -> None:
    """Write :func:`flood_xlsx` to ``path``."""
    Path(path).write_bytes(flood_xlsx(response))


def flood_xlsx(response: Any) -> bytes:
    """A summary sheet and one sheet per section, headings in Chinese.

    Returns
    -------
    bytes
        The workbook.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        made_for = getattr(response, "made_for", "")
        summary = pd.DataFrame({"项目": [response.title, *([made_for] if made_for else []), *_SUMMARY_ZH.values()],
                                "数量": ["", *([""] if made_for else []),
                                         *[response.summary.get(k, 0) for k in _SUMMARY_ZH]]})
        xlsx_frame(summary).to_excel(xw, sheet_name="概况", index=False)
        for name, df in response.sections().items():
            xlsx_frame(flood_table(df, name)).to_excel(xw, sheet_name=FLOOD_TITLES[name][:31], index=False)
            xw.sheets[FLOOD_TITLES[name][:31]].freeze_panes = "A2"
    return buf.getvalue()


_SUMMARY_ZH: Final = {"buildings": "受影响楼栋", "households": "户数", "residents": "人数",
                      "elderly_alone": "独居老人", "basements": "有地下室/车库的楼栋", "grates": "列出的篦子",
                      "grates_blocked": "其中堵塞/损坏/缺失", "wires": "飞线", "wires_critical": "其中危险(未处理)"}


#: Heading of the map at the head of the flood-response PDF.
FLOOD_MAP_TITLE: Final = "受影响范围示意图"
#: Column of the PDF's grate table giving each grate's number on the map.
MAP_NO: Final = "图上编号"


def write_flood_pdf(response: Any, path: Path) -> None:
    """Write :func:`flood_pdf` to ``path``."""
    Path(path).write_bytes(flood_pdf(response))


def flood_pdf(response: Any) -> bytes:
    """A4 PDF: title, a map of the affected area, summary, then each section as a table.

    The map (when the response has one, see :class:`geo.rain.flood.FloodMap`)
    numbers the grates as the grate table's :data:`MAP_NO` column does.

    Returns
    -------
    bytes
        The PDF.
    """
    from . import flood_report

    summary = [(label, str(response.summary.get(k, 0))) for k, label in _SUMMARY_ZH.items()]
    tables = []
    for name, df in response.sections().items():
        table = flood_table(df.drop(columns=["lon", "lat"], errors="ignore"), name)
        if name == "grates":
            table.insert(0, MAP_NO, [str(k) for k in range(1, len(table) + 1)])
        tables.append((FLOOD_TITLES[name], table))
    figure = None
    if getattr(response, "map", None) is not None:
        figure = (FLOOD_MAP_TITLE, lambda font: flood_report.flood_map(response, font))
    return flood_report.report_pdf(f"积水应急处置：{response.title}", summary, tables, figure=figure,
                                   made_for=getattr(response, "made_for", ""))


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV bytes with BOM (for downloads), formulas neutralised (:func:`geo.safe.spreadsheet_frame`)."""
    buf = io.StringIO()
    spreadsheet_frame(df).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8-sig")
