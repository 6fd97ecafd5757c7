"""Bytes in plain tables, on both backends: stored as BLOB (GeoPackage) or bytea (PostGIS), read back as bytes."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from geo.storage_rows import kind_of, sql_values
from geo.store import copy_store, open_store

BLOBS = [b"\x00\x01\xff" * 100, b"", bytes(range(256))]


def test_kind_of_bytes() -> None:
    assert kind_of(pd.Series([b"a", None, b"b"], dtype=object)) == "bytes"
    assert kind_of(pd.Series(["a", "b"], dtype=object)) == "str"
    assert sql_values(pd.Series([b"a", None], dtype=object)) == [b"a", None]


def test_bytes_round_trip(new_store_address: Callable[[], str]) -> None:
    store = open_store(new_store_address())
    df = pd.DataFrame({"file_hash": ["a", "b", "c"], "data": pd.Series(BLOBS, dtype=object), "size": [300, 0, 256]})
    with store.transaction("t", by="t") as tx:
        tx.write_table("case_files", df)
    with store.transaction("t2", by="t") as tx:
        tx.append_table("case_files", pd.DataFrame({"file_hash": ["d"], "data": pd.Series([b"\x00zz"], dtype=object),
                                                    "size": [3]}))
    back = store.read_table("case_files")
    assert [bytes(v) for v in back["data"]] == [*BLOBS, b"\x00zz"]
    one = store.read_table("case_files", where={"file_hash": ["c"]})
    assert bytes(one["data"].iloc[0]) == BLOBS[2]


def test_many_bytes_rows_go_through_copy(new_store_address: Callable[[], str]) -> None:
    store = open_store(new_store_address())
    blobs = [bytes([i % 256]) * (i + 1) for i in range(250)]
    with store.transaction("t", by="t") as tx:
        tx.write_table("case_files", pd.DataFrame({"file_hash": [str(i) for i in range(250)],
                                                   "data": pd.Series(blobs, dtype=object)}))
    assert [bytes(v) for v in store.read_table("case_files")["data"]] == blobs


def test_copy_store_carries_files_and_events(new_store_address: Callable[[], str]) -> None:
    src = open_store(new_store_address())
    with src.transaction("t", by="t") as tx:
        tx.write_table("case_files", pd.DataFrame({"file_hash": ["a"], "data": pd.Series([b"\x89PNG"], dtype=object)}))
        tx.write_table("case_events", pd.DataFrame({"case_id": ["I1"], "seq": [1], "action": ["report"]}))
    dst = open_store(new_store_address())
    counts = copy_store(src, dst)
    assert counts["case_files"] == 1 and counts["case_events"] == 1
    assert bytes(dst.read_table("case_files")["data"].iloc[0]) == b"\x89PNG"
    assert dst.read_table("case_events")["case_id"].tolist() == ["I1"]


def test_copy_between_backends_keeps_the_bytes(backend: str, new_store_address: Callable[[], str], tmp_path) -> None:
    src = open_store(tmp_path / "src.gpkg")
    blob = bytes(range(256)) * 40
    with src.transaction("t", by="t") as tx:
        tx.write_table("case_files", pd.DataFrame({"file_hash": ["a"], "data": pd.Series([blob], dtype=object)}))
    dst = open_store(new_store_address())  # a second GeoPackage, or PostGIS
    copy_store(src, dst)
    back = open_store(tmp_path / "back.gpkg")
    copy_store(dst, back)
    assert bytes(back.read_table("case_files")["data"].iloc[0]) == blob
