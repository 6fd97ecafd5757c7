"""Responsible parties (责任单位/责任人) and who a case goes to by default.

A party is a grid worker, a property company, a utility or a street office
department. The store's plain table ``parties`` lists them, one row each:

========== ==============================================================
party_id   stable code (``wuye_lvyuan``, ``power_supply``)
name       what users read (``绿园物业``)
kind       ``grid_worker``, ``property``, ``utility``, ``street_office``, ``other``
phone      contact
grids      the grids it serves: ids separated by spaces or commas, ``*`` for all
types      the incident types it takes: codes, ``*`` for all
========== ==============================================================

The default party of a case (:func:`default_party`) is the most specific
row for its grid and type; without one, the grid's own worker, as the
party ``grid:<grid_id>``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Final

import pandas as pd

from .. import schema
from ..access import User, acting, require
from ..storage import Store, Transaction

__all__ = ["GRID_PARTY", "KINDS", "PARTIES", "PARTY_COLUMNS", "add_party", "default_party", "import_parties",
           "list_parties", "party_names", "remove_party", "split_list"]

#: The plain table of parties.
PARTIES: Final = "parties"
#: Its columns, in order.
PARTY_COLUMNS: Final = ("party_id", "name", "kind", "phone", "grids", "types")
#: Kinds of party.
KINDS: Final = ("grid_worker", "property", "utility", "street_office", "other")
#: The party id of a grid's own worker.
GRID_PARTY: Final = "grid:{grid_id}"


def split_list(value: object) -> set[str]:
    """The codes of a ``grids`` or ``types`` cell (``*`` stays ``{"*"}``; empty is nothing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return set()
    return {p for p in re.split(r"[\s,，;；]+", str(value).strip()) if p}


def default_party(tx: Transaction | Store, grid_id: str | None, type_code: str) -> str | None:
    """The party a case of ``type_code`` in grid ``grid_id`` goes to when none is named.

    Parameters
    ----------
    tx
        A transaction (or the store) to read the ``parties`` table from.
    grid_id
        The case's grid (None: outside every grid).
    type_code
        The case's incident type.

    Returns
    -------
    str or None
        The id of the most specific party (grid and type named > grid named
        > type named > ``*``/``*``; the first in the table on a tie); else
        ``grid:<grid_id>`` (the grid's worker); None outside every grid
        when no party takes the type everywhere.
    """
    table = tx.read_table(PARTIES)
    best: tuple[int, str] | None = None
    if not table.empty and "party_id" in table.columns:
        for row in table.itertuples(index=False):
            grids, types = split_list(getattr(row, "grids", "*")), split_list(getattr(row, "types", "*"))
            grids, types = grids or {"*"}, types or {"*"}
            grid_hit = grid_id is not None and str(grid_id) in grids
            type_hit = type_code in types
            if not (grid_hit or "*" in grids) or not (type_hit or "*" in types):
                continue
            rank = 2 * grid_hit + type_hit
            if best is None or rank > best[0]:
                best = (rank, str(row.party_id))
    if best is not None:
        return best[1]
    return None if grid_id is None or pd.isna(grid_id) else GRID_PARTY.format(grid_id=grid_id)


def party_names(tx: Transaction | Store, lang: str = "zh") -> dict[str, str]:
    """Party id -> the name users read (grid workers by the grids layer's ``worker``)."""
    from ..i18n import t

    out: dict[str, str] = {}
    columns = ["grid_id", "worker", "name"]
    grids = tx.read_attributes(schema.GRIDS, columns) if isinstance(tx, Store) else tx.read(schema.GRIDS)[columns]
    for gid, worker, name in zip(grids["grid_id"], grids["worker"], grids["name"], strict=True):
        who = worker if isinstance(worker, str) and worker else t("party.grid_worker", lang)
        out[GRID_PARTY.format(grid_id=gid)] = f"{who}（{name or gid}）" if lang == "zh" else f"{who} ({name or gid})"
    table = tx.read_table(PARTIES)
    if not table.empty and "party_id" in table.columns:
        for pid, name in zip(table["party_id"], table.get("name", table["party_id"]), strict=True):
            out[str(pid)] = str(name) if isinstance(name, str) and name else str(pid)
    return out


# -- keeping the table -----------------------------------------------------------------------------------


def list_parties(store: Store | Transaction) -> pd.DataFrame:
    """The ``parties`` table with its columns in order (empty, with the columns, when there is none)."""
    table = store.read_table(PARTIES)
    if table.empty or "party_id" not in table.columns:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in PARTY_COLUMNS})
    return table.reindex(columns=list(PARTY_COLUMNS)).astype(object).where(table.notna(), None).reset_index(drop=True)


def _text(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text[:-2] if re.fullmatch(r"\d+\.0", text) else text  # a phone number read as a number


def _joined(codes: set[str]) -> str:
    return "*" if "*" in codes else " ".join(sorted(codes))


def _checked(store: Store | Transaction, rows: pd.DataFrame, source: str) -> pd.DataFrame:
    """The rows of a party table, validated (keyed errors) and normalised (ids, kinds, lists as text)."""
    from ..errors import OptionError, SchemaError

    missing = [c for c in PARTY_COLUMNS if c not in rows.columns]
    if missing:
        raise SchemaError.of("parties.missing_columns", file=source, missing=", ".join(missing),
                             expected=", ".join(PARTY_COLUMNS))
    out = pd.DataFrame({c: [_text(v) for v in rows[c]] for c in PARTY_COLUMNS}, dtype=object)
    blank = [str(i + 2) for i, pid in enumerate(out["party_id"]) if not pid]
    if blank:
        raise SchemaError.of("parties.no_id", file=source, rows=", ".join(blank[:10]))
    reserved = [pid for pid in out["party_id"] if pid.startswith("grid:")]
    if reserved:
        raise OptionError.of("parties.reserved", ids=", ".join(reserved[:10]))
    dup = sorted({pid for pid in out["party_id"] if (out["party_id"] == pid).sum() > 1})
    if dup:
        raise SchemaError.of("parties.duplicate", file=source, ids=", ".join(dup[:10]))
    out["kind"] = [k or "other" for k in out["kind"]]
    bad_kind = [(pid, k) for pid, k in zip(out["party_id"], out["kind"], strict=True) if k not in KINDS]
    if bad_kind:
        raise OptionError.of("parties.kind", file=source, party=bad_kind[0][0], kind=bad_kind[0][1],
                             allowed=", ".join(KINDS))
    out["name"] = [n or pid for n, pid in zip(out["name"], out["party_id"], strict=True)]
    grid_ids = set(store.read(schema.GRIDS)["grid_id"].astype(str))
    types = set(_type_codes(store))
    unknown_grids: dict[str, list[str]] = {}
    unknown_types: dict[str, list[str]] = {}
    for i, pid in enumerate(out["party_id"]):
        grids, kinds = split_list(out.at[i, "grids"]) or {"*"}, split_list(out.at[i, "types"]) or {"*"}
        for g in sorted(grids - grid_ids - {"*"}):
            unknown_grids.setdefault(g, []).append(pid)
        for t in sorted(kinds - types - {"*"}):
            unknown_types.setdefault(t, []).append(pid)
        out.at[i, "grids"], out.at[i, "types"] = _joined(grids), _joined(kinds)
    if unknown_grids:
        named = "; ".join(f"{g} ({', '.join(p[:3])})" for g, p in list(unknown_grids.items())[:10])
        raise SchemaError.of("parties.unknown_grid", file=source, grids=named,
                             known=", ".join(sorted(grid_ids)[:20]) or "-")
    if unknown_types:
        named = "; ".join(f"{t} ({', '.join(p[:3])})" for t, p in list(unknown_types.items())[:10])
        raise SchemaError.of("parties.unknown_type", file=source, types=named, known=", ".join(sorted(types)))
    return out


def _type_codes(store: Store | Transaction) -> list[str]:
    from ..storage import INCIDENT_TYPES, types_of

    return list(types_of(store.read_table(INCIDENT_TYPES)))


def _write(tx: Transaction, table: pd.DataFrame) -> None:
    tx.write_table(PARTIES, table.reindex(columns=list(PARTY_COLUMNS)).astype(object).where(table.notna(), None))


def add_party(store: Store, *, party_id: str, name: str = "", kind: str = "other", phone: str = "",  # noqa: PLR0913
              grids: str = "*", types: str = "*", by: User | str) -> dict[str, str]:
    """Add one party.

    Parameters
    ----------
    store
        The store.
    party_id, name, kind, phone, grids, types
        The party's columns (see the module text); ``grids`` and ``types``
        as codes separated by spaces or commas, ``*`` for all.
    by
        Who adds it (refused with :class:`geo.access.AccessError` unless they may manage ``parties``).

    Returns
    -------
    dict: the row as stored.

    Raises
    ------
    OptionError, SchemaError
        An id already used, an unknown kind, grid or type.
    """
    from ..errors import OptionError

    require(acting(by), "parties", what=party_id)
    row = pd.DataFrame([{"party_id": party_id, "name": name, "kind": kind, "phone": phone, "grids": grids,
                         "types": types}])
    with store.transaction(f"party {party_id} added", by=by) as tx:
        checked = _checked(tx, row, "--")
        table = list_parties(tx)
        pid = checked.at[0, "party_id"]
        if pid in set(table["party_id"].astype(str)):
            raise OptionError.of("parties.exists", party=pid)
        _write(tx, pd.concat([table, checked], ignore_index=True))
    return {c: str(checked.at[0, c]) for c in PARTY_COLUMNS}


def remove_party(store: Store, party_id: str, *, by: User | str) -> None:
    """Remove the party ``party_id`` (cases already sent to it keep its id).

    Raises
    ------
    UnknownIdError
        No party has that id.
    geo.access.AccessError
        ``by`` may not manage ``parties``.
    """
    from ..errors import UnknownIdError

    require(acting(by), "parties", what=party_id)

    with store.transaction(f"party {party_id} removed", by=by) as tx:
        table = list_parties(tx)
        keep = table["party_id"].astype(str) != str(party_id)
        if keep.all():
            raise UnknownIdError.of("parties.unknown", party=party_id,
                                    known=", ".join(table["party_id"].astype(str).tolist()[:20]) or "-")
        _write(tx, table[keep].reset_index(drop=True))


def import_parties(store: Store, source: str | os.PathLike[str] | pd.DataFrame, *, by: User | str,
                   replace: bool = False) -> dict[str, int]:
    """Bring in parties from a CSV or XLSX file (or a frame) with the columns of :data:`PARTY_COLUMNS`.

    Parameters
    ----------
    store
        The store.
    source
        A ``.csv`` or ``.xlsx`` path, or a frame.
    by
        Who imports (refused with :class:`geo.access.AccessError` unless they may manage ``parties``).
    replace
        Replace the whole table (else rows with a known id replace it, new
        ids are added, the others are kept).

    Returns
    -------
    dict: ``added``, ``updated``, ``kept`` (rows left as they were), ``removed``.

    Raises
    ------
    InputFileError, SchemaError, OptionError
        An unreadable file; missing columns, a row without an id, an id
        given twice, an unknown kind, grid or incident type (each named).
    """
    require(acting(by), "parties", what="--" if isinstance(source, pd.DataFrame) else Path(source).name)
    if isinstance(source, pd.DataFrame):
        rows, name = source, "--"
    else:
        rows, name = _read_source(Path(source)), Path(source).name
    with store.transaction(f"parties imported from {name}", by=by) as tx:
        checked = _checked(tx, rows, name)
        table = list_parties(tx)
        old = set(table["party_id"].astype(str))
        new = set(checked["party_id"])
        if replace:
            out = checked
            counts = {"added": len(new - old), "updated": len(new & old), "kept": 0, "removed": len(old - new)}
        else:
            kept = table[~table["party_id"].astype(str).isin(new)]
            out = pd.concat([kept, checked], ignore_index=True)
            counts = {"added": len(new - old), "updated": len(new & old), "kept": len(kept), "removed": 0}
        _write(tx, out)
    return counts


def _read_source(path: Path) -> pd.DataFrame:
    from .. import limits
    from ..errors import InputFileError
    from ..readers import quoted, read_csv, read_xlsx

    if not path.is_file():
        raise InputFileError.of("io.not_found", file=quoted(str(path)))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path, None, limits.current())
    raise InputFileError.of("parties.file_kind", file=quoted(path.name))
