"""``python -m geo store copy`` and ``store check``: whole stores between addresses, integrity and schema version."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import shapely

from geo import cli, schema
from geo.store import Store, open_store
from tests import paths

V1_STORE = paths.DATA / "store_v1.gpkg"
#: Meta keys every store writes for itself (not copied).
OWN_META = ("written_at", "revision", "history", "schema_version")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: status, stdout, stderr."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def counts(out: str) -> dict[str, int]:
    """The rows per layer and table printed after the first line."""
    return {name: int(n) for name, n in (line.split() for line in out.splitlines()[1:])}


def assert_same_store(a: Store, b: Store) -> None:
    """Same layers (ids, values, geometries, row versions, who and when), same tables, same metadata."""
    for layer in schema.LAYERS:
        id_col = schema.ID_COLUMN[layer]
        left = a.read(layer).sort_values(id_col).reset_index(drop=True)
        right = b.read(layer).sort_values(id_col).reset_index(drop=True)
        assert list(left[id_col]) == list(right[id_col]), layer
        assert set(left.columns) == set(right.columns), layer
        for col in left.columns:
            if col == "geometry":
                assert shapely.equals_exact(left.geometry.values, right.geometry.values, tolerance=0).all(), layer
            else:
                pd.testing.assert_series_equal(left[col], right[col], check_dtype=False, obj=f"{layer}.{col}")
        assert left["row_version"].notna().all(), layer
    assert sorted(a.tables()) == sorted(b.tables())
    for name in a.tables():
        if name == "meta":
            continue
        left, right = (t.astype(object).where(t.notna(), None) for t in (a.read_table(name), b.read_table(name)))
        if name == "audit":  # the copy's log starts with the source's entries, then has those of the copy itself
            assert len(right) > len(left) and right["note"].iloc[len(left):].str.startswith("copy from ").all()
            right = right.iloc[: len(left)]
        cols = sorted(left.columns)  # missing values as None: one backend reads NaN, the other None
        assert cols == sorted(right.columns), name
        pd.testing.assert_frame_equal(left[cols].sort_values(cols).reset_index(drop=True),
                                      right[cols].sort_values(cols).reset_index(drop=True), check_dtype=False, obj=name)
    drop = lambda meta: {k: v for k, v in meta.items() if k not in OWN_META}  # noqa: E731
    assert drop(a.meta()) == drop(b.meta())


class TestCopy:
    def test_gpkg_to_gpkg_to_backend_and_back(self, capsys: pytest.CaptureFixture[str], demo_store_path: str,
                                              new_store_address: Callable[[], str], tmp_path: Path) -> None:
        demo = open_store(demo_store_path)
        first, middle, back = str(tmp_path / "first.gpkg"), new_store_address(), str(tmp_path / "back.gpkg")
        status, out, _ = run(capsys, "store", "copy", demo_store_path, first, "--by", "王丽", "--quiet")
        assert status == 0
        printed = counts(out)
        assert printed["incidents"] == len(demo.read("incidents")) and printed["grids"] == len(demo.read("grids"))
        assert printed["vulnerable_residents"] == len(demo.read_table("vulnerable_residents")) > 0
        assert out.splitlines()[0] == (f"Copied {sum(printed.values())} rows from {demo_store_path} to {first}; "
                                       "rows per layer and table:")
        assert_same_store(demo, open_store(first))
        with open_store(first).transaction("edit", by="李强") as tx:  # a row past version 1 must keep its version
            some = tx.read("incidents")["incident_id"].iloc[0]
            tx.update("incidents", some, {"description": "井盖松动"})
        for src, dst in ((first, middle), (middle, back)):
            status, out, err = run(capsys, "store", "copy", src, dst, "--by", "王丽")
            assert status == 0, err
        for store in (open_store(middle), open_store(back)):
            assert_same_store(open_store(first), store)
            assert store.read("incidents").set_index("incident_id").loc[some, "row_version"] == 2
            assert store.meta()["history"].count("王丽") == 1  # the copy is noted in the new store's history
            assert store.check() == []
            assert store.schema_version() == 2

    def test_refuses_a_store_that_is_not_empty(self, capsys: pytest.CaptureFixture[str], demo_store_path: str,
                                               demo_any_store: Store) -> None:
        before = len(demo_any_store.read("incidents"))
        revision = demo_any_store.meta()["revision"]
        status, _, err = run(capsys, "store", "copy", demo_store_path, demo_any_store.address)
        assert status == 2
        assert f"error: The target store {demo_any_store.location} is not empty; nothing was copied." in err.splitlines()
        assert err.splitlines()[-1].startswith("hint: ")
        assert len(demo_any_store.read("incidents")) == before and demo_any_store.meta()["revision"] == revision

    def test_refuses_a_source_that_is_no_store(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        status, _, err = run(capsys, "store", "copy", str(tmp_path / "typo.gpkg"), str(tmp_path / "new.gpkg"),
                             "--lang", "zh")
        assert status == 2
        assert err.startswith(f"error: {tmp_path / 'typo.gpkg'} 不存在")
        assert not (tmp_path / "typo.gpkg").exists() and not (tmp_path / "new.gpkg").exists()


class TestCheck:
    def test_a_store_of_the_previous_release_is_upgraded_and_ok(self, capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
        digest = hashlib.sha256(V1_STORE.read_bytes()).hexdigest()
        copy = tmp_path / "old.gpkg"
        shutil.copyfile(V1_STORE, copy)
        status, out, err = run(capsys, "store", "check", str(copy))
        assert status == 0, out + err
        lines = out.splitlines()
        assert lines[0] == f"ok: {copy} (geopackage), schema version 2; rows per layer and table:"
        printed = counts(out)
        assert printed["incidents"] == len(open_store(copy).read("incidents")) > 0
        assert printed["vulnerable_residents"] == 263 and printed["flood_zones"] == 0
        assert open_store(copy).schema_version() == 2
        assert hashlib.sha256(V1_STORE.read_bytes()).hexdigest() == digest  # the fixture itself untouched

    def test_ok_on_each_backend(self, capsys: pytest.CaptureFixture[str], demo_any_store: Store) -> None:
        status, out, _ = run(capsys, "store", "check", demo_any_store.address, "--lang", "zh")
        assert status == 0
        assert out.splitlines()[0] == f"正常：{demo_any_store.location}（{demo_any_store.backend}），结构版本 2；各图层和表的行数："
        assert counts(out)["buildings"] == len(demo_any_store.read("buildings"))
        assert demo_any_store.address not in out or demo_any_store.address == demo_any_store.location

    def test_problems_exit_1(self, capsys: pytest.CaptureFixture[str], demo_store_copy: str) -> None:
        with contextlib.closing(sqlite3.connect(demo_store_copy)) as con:
            (geom,) = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = 'grids'").fetchone()
            ids = [r[0] for r in con.execute(f'SELECT id FROM "rtree_grids_{geom}" LIMIT 2')]
            con.executemany(f'DELETE FROM "rtree_grids_{geom}" WHERE id = ?', [(i,) for i in ids])
            con.commit()
        status, out, _ = run(capsys, "store", "check", demo_store_copy)
        assert status == 1
        assert out.splitlines()[0] == f"1 problem(s) in {demo_store_copy} (geopackage, schema version 2):"
        assert "spatial index" in out.splitlines()[1]

    def test_damaged_file_is_a_problem(self, capsys: pytest.CaptureFixture[str], demo_store_copy: str) -> None:
        data = bytearray(Path(demo_store_copy).read_bytes())
        data[4096:] = b"\xff" * (len(data) - 4096)  # the header stays SQLite's, every page after it is garbage
        Path(demo_store_copy).write_bytes(bytes(data))
        status, out, err = run(capsys, "store", "check", demo_store_copy)
        assert status == 1, out + err
        assert "damaged" in out

    def test_a_store_made_but_never_written_is_no_store(self, capsys: pytest.CaptureFixture[str],
                                                        new_store_address: Callable[[], str]) -> None:
        store = open_store(new_store_address())
        with store.transaction("nothing"):
            pass  # opening and an empty transaction may make the store; nothing is in it
        status, out, err = run(capsys, "store", "check", store.address)
        assert status == 2 and out == ""
        assert err.startswith(f"error: {store.location} does not exist or is not a GridWatch store")

    def test_no_store_exit_2(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        status, out, err = run(capsys, "store", "check", str(tmp_path / "missing.gpkg"))
        assert status == 2 and out == ""
        assert err.startswith(f"error: {tmp_path / 'missing.gpkg'} does not exist or is not a GridWatch store")
        assert not (tmp_path / "missing.gpkg").exists()
