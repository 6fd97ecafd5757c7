r"""Reading filled-in checklists back, and loading the register of vulnerable residents.

:func:`import_checklist` reads a checklist XLSX or CSV written by
:mod:`geo.rain.documents` and filled in by an inspector, then

- sets each rain grate's status from its result (畅通/已清掏 -> ``ok``,
  堵塞未清 -> ``blocked``, 损坏 -> ``damaged``, 缺失 -> ``missing``), opens a
  case at a faulty grate and records the step ``handled`` of flying wires
  reported as removed (已拆除) (:mod:`geo.rain.inspection_cases`);
- records every result in the store's plain table ``inspections`` (who,
  when, which level, which checklist, the result, the note, the status
  before and after).

Nothing is dropped silently. Every row that cannot be applied is reported
with its sheet and row number: ids the store does not know, ids edited in
the file (the hidden ``key`` column keeps the id as issued), results that
are not on the list, the same item given two different results, rows left
empty. Importing the same file again changes nothing: a result already
recorded for the same checklist and item is skipped, and the store is not
written at all when nothing is new.

Cells are read as the export wrote them: the one leading ``'`` that
:func:`geo.safe.spreadsheet_cell` put before a formula-like value
(``'=X1``) is taken off again (``=X1``), and ids, keys and notes are not
trimmed (an id ``\t=1+1`` stays as it was stored).

:func:`import_register` loads the community's register of vulnerable
residents (building, unit, name, category) from a CSV or XLSX into the store
table :data:`geo.rain.checklist.REGISTER`; section 5 of the checklists then lists
them unit by unit. Rows naming unknown buildings, bad unit numbers and empty
rows are reported, never dropped silently.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

import pandas as pd

from .. import schema
from ..access import User, acting, grid_scope, require
from ..errors import InputFileError
from ..safe import printable, spreadsheet_cell
from ..store import Store
from . import _shared
from .checklist import LOCAL_TZ, REGISTER, SECTIONS
from .documents import CSV_COLUMNS, HEADER_LABELS, XLSX_HEADINGS
from .import_report import ImportReport, Problem
from .inspection_cases import case_steps

__all__ = ["INSPECTIONS", "ImportReport", "Problem", "import_checklist", "import_register", "read_filled",
           "read_register", "unquoted"]

#: Name of the store table holding inspection results.
INSPECTIONS: Final = schema.INSPECTIONS
INSPECTION_COLUMNS: Final = ("checklist_id", "grid_id", "level", "inspector", "inspected_at", "imported_at",
                             "section", "item_id", "result", "result_zh", "note", "status_before",
                             "status_after", "source")
#: Grate result -> new status.
GRATE_STATUS: Final = {"clear": "ok", "cleared": "ok", "blocked": "blocked", "damaged": "damaged",
                       "missing": "missing"}
#: Sections whose item ids are incident ids; the others are building ids.
_INCIDENT_SECTIONS: Final = {"grate": "drain_grate", "flooding": "flooding", "wire": "flying_wire"}


@dataclass
class _Sheet:
    meta: dict[str, str]
    rows: pd.DataFrame  # section, item_id, key, result, note, where
    name: str


# -- reading ---------------------------------------------------------------------


def read_filled(path: str | Path, *, data: bytes | None = None) -> list[_Sheet]:
    """Read a filled checklist (XLSX or CSV) into sheets of rows.

    Parameters
    ----------
    path
        ``.xlsx`` or ``.csv`` file (with ``data``, only its name).
    data
        The file's bytes (an upload), read instead of ``path``.

    Returns
    -------
    list
        One entry per grid: ``meta`` (checklist_id, grid_id, level,
        inspector, inspected_at...) and ``rows``.
    """
    path = Path(path)
    if data is None and not path.is_file():
        raise InputFileError.of("rain.filled_missing", file=f"'{printable(path)}'")
    source: Path | io.BytesIO = path if data is None else io.BytesIO(data)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _read_xlsx(source, path.name)
    if suffix == ".csv":
        return _read_csv(source, path.name)
    raise InputFileError.of("rain.filled_suffix", suffix=printable(path.suffix or "a file without suffix"))


def _read_xlsx(source: Path | io.BytesIO, name: str) -> list[_Sheet]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise InputFileError.of("rain.filled_xlsx", file=printable(name), reason=type(exc).__name__) from exc
    sheets = []
    for ws in wb.worksheets:
        values = [list(r) for r in ws.iter_rows(values_only=True)]
        sheet = _parse_sheet(values, ws.title)
        if sheet is not None:
            sheets.append(sheet)
    wb.close()
    if not sheets:
        raise InputFileError.of("rain.filled_no_sheet", file=printable(name))
    return sheets


#: Meta fields (header block, CSV columns) compared as trimmed text; the others are kept as written.
_TRIMMED_META: Final = ("level", "inspector", "inspected_at")
#: Row fields compared as trimmed text (codes and chosen results); ids, keys and notes are kept as written.
_TRIMMED: Final = ("section", "result")


def _parse_sheet(values: list[list[object]], title: str) -> _Sheet | None:
    labels = {v: k for k, v in HEADER_LABELS.items()}
    meta: dict[str, str] = {}
    head = None
    for r, row in enumerate(values):
        first = _shared.text(row[0]) if row else ""
        if first in labels and len(row) > 1:
            key = labels[first]
            meta[key] = _cell_text(row[1]).strip() if key in _TRIMMED_META else _cell_text(row[1])
        if first == "序号":
            head = r
            break
    if head is None:
        return None
    names = [_shared.text(c) for c in values[head]]
    wanted = {label: f for label, f in XLSX_HEADINGS}
    missing = [label for label in ("编号", "检查结果", "key", "section") if label not in names]
    if missing:
        raise InputFileError.of("rain.filled_heading", sheet=f"'{printable(title)}'", columns=", ".join(missing))
    records: list[dict[str, object]] = []
    for r, row in enumerate(values[head + 1:], start=head + 2):
        rec: dict[str, object] = {wanted[n]: _cell_text(row[c]) if c < len(row) else ""
                                  for c, n in enumerate(names) if n in wanted}
        for k in _TRIMMED:
            rec[k] = str(rec.get(k, "")).strip()
        rec["row"] = r
        records.append(rec)
    rows = pd.DataFrame(records, columns=["section", "item_id", "key", "result", "note", "where", "row"])
    return _Sheet(meta, rows.fillna(""), title)


def _cell_text(value: object) -> str:
    """A cell as the text exported: dates and whole numbers as written, the export's ``'`` taken off."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unquoted(str(value))


def unquoted(text: str) -> str:
    r"""``text`` without the one leading ``'`` that :func:`geo.safe.spreadsheet_cell` added.

    Only an apostrophe the export would have added is taken off: ``'=X1``
    reads ``=X1``, while ``'abc`` (not formula-like after the quote) stays
    ``'abc``. Nothing else is changed: a ``\t=1+1`` stays as it is.

    Returns
    -------
    str
        The cell's text as the user wrote it.
    """
    if text.startswith("'") and spreadsheet_cell(text[1:]) != text[1:]:
        return text[1:]
    return text


def _read_csv(source: Path | io.BytesIO, name: str) -> list[_Sheet]:
    try:
        df = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputFileError.of("rain.filled_csv", file=printable(name), reason=printable(exc)) from exc
    missing = [c for c in ("checklist_id", "section", "item_id", "key", "result") if c not in df.columns]
    if missing:
        raise InputFileError.of("rain.filled_columns", file=printable(name), columns=", ".join(missing),
                                expected=", ".join(CSV_COLUMNS))
    for col in ("note", "where", "inspector", "inspected_at", "grid_id", "level"):
        if col not in df.columns:
            df[col] = ""
    df = df.map(unquoted)
    for col in _TRIMMED:
        df[col] = df[col].str.strip()
    df["row"] = range(2, len(df) + 2)
    sheets = []
    for cid, part in df.groupby("checklist_id", sort=False):
        first = part.iloc[0]
        meta = {k: _shared.text(first[k]) for k in _TRIMMED_META}
        meta["grid_id"] = str(first["grid_id"])
        meta["checklist_id"] = str(cid)
        sheets.append(_Sheet(meta, part[["section", "item_id", "key", "result", "note", "where", "row"]], name))
    return sheets


# -- checking and applying --------------------------------------------------------------


def import_checklist(store: Store, path: str | Path, *, inspector: str | None = None,  # noqa: PLR0913
                     now: datetime | None = None, data: bytes | None = None, by: User | str = "") -> ImportReport:
    """Apply a filled-in checklist to the store.

    Parameters
    ----------
    store
        A :class:`geo.store.Store`.
    path
        The filled ``.xlsx`` or ``.csv`` (with ``data``, only its name).
    inspector
        Who inspected, when the file does not say (the sheet's 检查人 cell
        wins).
    now
        Import time (default now, China time).
    data
        The file's bytes (an upload), read instead of the file ``path``.
    by
        Who imports: a :class:`geo.access.User` who may ``inspect`` in the
        grid of each sheet (anywhere, for a sheet without one), else
        :class:`geo.access.AccessError` and nothing is written; or a name of
        the local operator (the inspector's when empty).

    Returns
    -------
    ImportReport
        What was read, checked and written.
    """
    sheets = read_filled(path, data=data)
    stamp = (now or datetime.now(LOCAL_TZ)).astimezone(LOCAL_TZ).isoformat(timespec="seconds")
    report = ImportReport()
    with store.transaction(f"checklist import {Path(path).name}", by=by or inspector or "") as tx:
        for sheet in sheets:  # every sheet's grid, before anything is written
            grid, community = grid_scope(tx, sheet.meta.get("grid_id"))
            require(tx.user, "inspect", grid=grid, community=community, anywhere=grid is None,
                    what=f"{Path(path).name}:{sheet.name}")
        # read, check and apply under the store's lock: reports made meanwhile are kept
        incidents = tx.read(schema.INCIDENTS)
        known = _known_ids(incidents, tx.read(schema.BUILDINGS))
        results = []
        for sheet in sheets:
            results += _check_sheet(sheet, known, inspector, Path(path).name, report)
        results = _drop_conflicts(results, report)
        new_history, incidents, changed = _apply(results, tx.read_table(INSPECTIONS), incidents, stamp, report)
        if changed:
            if report.status_changes:
                tx.replace_layer(schema.INCIDENTS, incidents)  # writes the changed grates only
            tx.write_table(INSPECTIONS, case_steps(tx, new_history, stamp, report))
            report.written = True
    return report


def _known_ids(incidents: pd.DataFrame, buildings: pd.DataFrame) -> dict[str, set[str]]:
    ids = {s: set(incidents.loc[incidents["type"] == t, "incident_id"].astype(str))
           for s, t in _INCIDENT_SECTIONS.items()}
    bids = set(buildings["building_id"].astype(str))
    ids["basement"] = ids["vulnerable"] = bids
    return ids


def _check_sheet(sheet: _Sheet, known: dict[str, set[str]], inspector: str | None, source: str,
                 report: ImportReport) -> list[dict[str, str]]:
    meta = sheet.meta
    who = meta.get("inspector") or (inspector or "")
    where0 = f"{source}:{sheet.name}"
    if not (sheet.rows["result"] != "").any():
        report.problems.append(Problem("no_result", where0, meta.get("grid_id", ""), "整张清单没有填写任何结果，已跳过。",
                                       where0))
        return []
    if not who:
        report.problems.append(Problem("no_inspector", where0, "", "未填写检查人；已按“未填写”记录，请补填后重新导入或用 --inspector 指定。",
                                       where0))
        who = "未填写"
    base = {"checklist_id": meta.get("checklist_id", ""), "grid_id": meta.get("grid_id", ""),
            "level": meta.get("level", ""), "inspector": who, "inspected_at": meta.get("inspected_at", ""),
            "source": source}
    rows = sheet.rows
    filled = rows[(rows[["section", "item_id", "key", "result", "note"]] != "").any(axis=1)]
    last = int(filled["row"].max()) if len(filled) else 0
    out = []
    for rec in rows.to_dict("records"):
        where = f"{where0} 第{rec['row']}行"
        item = _check_row(rec, known, where, last, report, where0)
        if item is not None:
            out.append({**base, **item, "where": where})
    return out


def _check_row(rec: dict[str, object], known: dict[str, set[str]], where: str, last: int,
               report: ImportReport, sheet: str = "") -> dict[str, str] | None:
    section, item_id, key, result = (str(rec[k]) for k in ("section", "item_id", "key", "result"))
    note = str(rec["note"])

    def problem(kind: str, message: str) -> None:
        report.problems.append(Problem(kind, where, item_id or key, message, sheet, int(rec["row"])))  # type: ignore[call-overload]

    if not any(v.strip() for v in (section, item_id, key, result, note)):
        if int(rec["row"]) < last:  # type: ignore[call-overload]
            problem("empty_row", "空行（表格中间），已跳过。")
        return None
    if section not in SECTIONS or not key:
        problem("foreign_row", "这一行不是清单导出的（类别或隐藏编号缺失），未导入；新发现的问题请在地图上上报。")
        return None
    if item_id != key:
        problem("changed_id", f"编号被改动（原为 {key}），未导入；请恢复原编号，备注中说明情况。")
        return None
    if _base_id(section, key, known) is None:
        problem("unknown_id", "库中没有这个编号，未导入；请确认清单是否来自本社区的数据。")
        return None
    if not result:
        problem("no_result", "未填写检查结果，状态保持不变。")
        return None
    code = _result_code(section, result)
    if code is None:
        problem("invalid_result", f"结果“{result}”不在可选项中（{'、'.join(SECTIONS[section].choices)}），未导入。")
        return None
    return {"section": section, "item_id": key, "result": code, "result_zh": _result_zh(section, code), "note": note}


def _base_id(section: str, key: str, known: dict[str, set[str]]) -> str | None:
    """The store id an item refers to, or None if the store has none.

    Unit and register rows carry ``building_id/unit`` (or the building id
    alone when the units are not known); a building id may itself hold a
    ``/``.
    """
    ids = known.get("basement" if section.startswith("unit_") else section, set())
    if key in ids:
        return key
    if section.startswith("unit_") or section == "vulnerable":
        head, sep, unit = key.rpartition("/")
        if sep and unit.isdigit() and head in ids:
            return head
    return None


def _result_code(section: str, result: str) -> str | None:
    text = result.strip().lstrip("□■☑✓√ ").strip()
    for zh, code in SECTIONS[section].results:
        if text in (zh, code) or text.lower() == code:
            return code
    return None


def _result_zh(section: str, code: str) -> str:
    return dict((c, zh) for zh, c in SECTIONS[section].results)[code]


def _drop_conflicts(results: list[dict[str, str]], report: ImportReport) -> list[dict[str, str]]:
    by_item: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in results:
        by_item.setdefault((r["section"], r["item_id"]), []).append(r)
    kept = []
    for (_section, item_id), rs in by_item.items():
        if len({r["result"] for r in rs}) > 1:
            places = "；".join(f"{r['where']}={r['result_zh']}" for r in rs)
            report.problems.append(Problem("conflict", rs[0]["where"], item_id,
                                           f"同一项目结果互相矛盾（{places}），均未导入；请核实后只保留一个结果。"))
            continue
        kept.append(rs[0])
    return kept


def _apply(results: list[dict[str, str]], history: pd.DataFrame, incidents: pd.DataFrame, stamp: str,
           report: ImportReport) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    history = history.reindex(columns=list(INSPECTION_COLUMNS)).astype(object) if not history.empty \
        else pd.DataFrame(columns=list(INSPECTION_COLUMNS))
    index = {(str(h["checklist_id"]), str(h["section"]), str(h["item_id"])): i for i, h in history.iterrows()}
    incidents = incidents.copy()
    pos = {iid: i for i, iid in zip(incidents.index, incidents["incident_id"].astype(str), strict=True)}
    new_rows, changed = [], False
    for r in results:
        k = (r["checklist_id"], r["section"], r["item_id"])
        old = index.get(k)
        if old is not None and str(history.at[old, "result"]) == r["result"] and _shared.text(history.at[old, "note"]) == r["note"]:
            report.unchanged += 1
            continue
        before, after = _new_status(r, incidents, pos)
        if before != after:
            incidents.at[pos[r["item_id"]], "status"] = after
            report.status_changes.append((r["item_id"], before, after))
        row = {c: r.get(c, "") for c in INSPECTION_COLUMNS}
        row.update(imported_at=stamp, status_before=before, status_after=after)
        if old is not None:
            history = history.drop(index=old)
            report.revised += 1
        else:
            report.recorded += 1
        new_rows.append(row)
        changed = True
    if new_rows:
        history = pd.concat([history, pd.DataFrame(new_rows, columns=list(INSPECTION_COLUMNS))], ignore_index=True)
    return history.astype(str).replace({"nan": "", "None": "", "<NA>": ""}), incidents, changed


def _new_status(r: dict[str, str], incidents: pd.DataFrame, pos: dict[str, object]) -> tuple[str, str]:
    if r["section"] not in ("grate", "wire") or r["item_id"] not in pos:
        return "", ""
    before = _shared.text(incidents.at[pos[r["item_id"]], "status"])
    return before, GRATE_STATUS.get(r["result"], before) if r["section"] == "grate" else before  # a wire: a case step


# -- the vulnerable-residents register ------------------------------------------------

#: Columns of the register table, and the Chinese headings accepted for them.
REGISTER_COLUMNS: Final = ("building_id", "unit", "name", "category")
_REGISTER_HEADINGS: Final = {"楼栋编号": "building_id", "楼栋": "building_id", "单元": "unit", "姓名": "name",
                             "类别": "category", "类型": "category"}


def read_register(path: str | Path) -> pd.DataFrame:
    """Read a register of vulnerable residents (CSV or the first XLSX sheet).

    Parameters
    ----------
    path
        ``.csv`` (UTF-8) or ``.xlsx`` with a heading row: ``building_id``
        (or 楼栋编号), and optionally ``unit`` (单元), ``name`` (姓名),
        ``category`` (类别, default 独居老人).

    Returns
    -------
    pandas.DataFrame
        :data:`REGISTER_COLUMNS` as text plus ``row`` (the file's row number).
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError.of("rain.register_missing", file=f"'{printable(path)}'")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError.of("rain.register_suffix", suffix=printable(path.suffix or "a file without suffix"))
    try:
        if suffix == ".csv":
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        else:
            df = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    except Exception as exc:  # pandas/openpyxl raise many kinds for a broken file
        raise InputFileError.of("rain.register_unreadable", file=printable(path.name),
                                reason=type(exc).__name__) from exc
    df = df.rename(columns=lambda c: _REGISTER_HEADINGS.get(str(c).strip(), str(c).strip()))
    if "building_id" not in df.columns:
        raise InputFileError.of("rain.register_no_building", file=printable(path.name),
                                columns=printable(", ".join(map(str, df.columns)), limit=400))
    out = pd.DataFrame({c: df[c].map(lambda v: unquoted(_shared.text(v))) if c in df.columns else ""
                        for c in REGISTER_COLUMNS})
    out["row"] = range(2, len(df) + 2)
    return out


def import_register(store: Store, path: str | Path, *, by: User | str = "") -> ImportReport:
    """Load the register of vulnerable residents into the store.

    The file is the whole register: it replaces the one stored before.
    Importing the same file again writes nothing.

    Parameters
    ----------
    store
        A :class:`geo.store.Store`.
    path
        See :func:`read_register`.
    by
        Who imports: a :class:`geo.access.User` who may import the
        ``register`` (else :class:`geo.access.AccessError`), or a name of the local operator.

    Returns
    -------
    ImportReport
        ``recorded`` = rows kept; ``problems`` = rows not kept (unknown
        building, unit not a whole number, empty row).
    """
    require(acting(by), "register", what=Path(path).name)
    rows = read_register(path)
    buildings = store.read(schema.BUILDINGS)
    units = pd.to_numeric(buildings.get("units", pd.Series(index=buildings.index, dtype=float)), errors="coerce")
    known = dict(zip(buildings["building_id"].astype(str), units.fillna(0).astype(int), strict=True))
    report = ImportReport()
    where0 = Path(path).name
    keep = []
    for rec in rows.to_dict("records"):
        where, bid = f"{where0} 第{rec['row']}行", str(rec["building_id"])

        def problem(kind: str, message: str, rec: dict[str, object] = rec, where: str = where,
                    bid: str = bid) -> None:
            report.problems.append(Problem(kind, where, bid, message, where0, int(rec["row"])))  # type: ignore[call-overload]

        if not any(str(rec[c]) for c in REGISTER_COLUMNS):
            problem("empty_row", "空行，已跳过。")
        elif bid not in known:
            problem("unknown_id", "库中没有这个楼栋编号，未导入；请核对楼栋编号。")
        elif rec["unit"] and not (str(rec["unit"]).isdigit() and int(str(rec["unit"])) >= 1):
            problem("invalid_unit", f"单元“{rec['unit']}”不是正整数，未导入；单元不详请留空。")
        elif rec["unit"] and 0 < known[bid] < int(str(rec["unit"])):
            problem("invalid_unit", f"单元 {rec['unit']} 超出该楼栋的单元数（{known[bid]}），未导入；请核对单元。")
        else:
            keep.append({c: str(rec[c]) for c in REGISTER_COLUMNS})
    table = pd.DataFrame(keep, columns=list(REGISTER_COLUMNS))
    report.recorded = len(table)
    if table.empty and report.problems:  # a file of nothing but bad rows never wipes the stored register
        report.recorded = 0
        return report
    with store.transaction(f"vulnerable register {where0}", by=by) as tx:
        old = tx.read_table(REGISTER)
        old = old.reindex(columns=list(REGISTER_COLUMNS)).fillna("").astype(str) if not old.empty else old
        if not old.empty and len(old) == len(table) and (old.to_numpy() == table.to_numpy()).all():
            report.unchanged, report.recorded = len(table), 0
            return report
        report.revised = len(old)
        tx.write_table(REGISTER, table)
        report.written = True
    return report
