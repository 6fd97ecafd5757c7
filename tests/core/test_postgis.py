"""What only the PostGIS store has: addresses and schemas, hidden passwords, refused connections, identifiers, the pool.

The contract both backends keep is tested in tests/core/test_store.py.
These tests need GRIDWATCH_TEST_DATABASE_URL (``bash scripts/test-postgres.sh
start`` prints it); without it they skip, except in CI where they fail.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator

import geopandas as gpd
import pandas as pd
import psycopg
import pytest
import shapely

from geo import postgis
from geo.errors import StoreError
from geo.postgis import PostGISStore, drop_store
from geo.postgis_sql import parse_address, pool_for
from geo.storage import SCHEMA_VERSION
from geo.store import open_store
from tests.conftest import database_url
from tests.needs import skip_or_fail


@pytest.fixture
def pg_url() -> str:
    """The test database (no schema parameter)."""
    url = database_url()
    if not url:
        skip_or_fail("PostGIS tests skipped: no test database. Start one with 'bash scripts/test-postgres.sh start' "
                     "and export the GRIDWATCH_TEST_DATABASE_URL it prints.")
    assert url is not None
    return url


@pytest.fixture
def pg_address(pg_url: str) -> Iterator[Callable[[], str]]:
    """Make addresses of new stores, each in a schema of its own, dropped after the test."""
    made: list[str] = []

    def make() -> str:
        address = f"{pg_url}{'&' if '?' in pg_url else '?'}schema=t_{uuid.uuid4().hex[:12]}"
        made.append(address)
        return address

    yield make
    for address in made:
        drop_store(address)


def _points(ids: list[str | None], **columns: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"incident_id": ids, "type": "flooding", **columns},
                            geometry=[shapely.Point(114.36 + i * 1e-4, 30.52) for i in range(len(ids))], crs=4326)


class TestAddress:
    def test_schema_parameter_is_ours_and_the_rest_goes_to_libpq(self) -> None:
        a = parse_address("postgresql://gw:s3cr%40t@db.example:5433/city?sslmode=require&schema=wuchang&application_name=gw")
        assert a.schema == "wuchang"
        assert "schema=" not in a.conninfo and "sslmode=require" in a.conninfo and "application_name=gw" in a.conninfo
        assert a.conninfo.startswith("postgresql://gw:s3cr%40t@db.example:5433/city?")
        assert a.location == "postgresql://gw@db.example:5433/city?sslmode=require&schema=wuchang&application_name=gw"
        assert "s3cr" not in a.location

    def test_without_schema_the_store_is_public(self) -> None:
        a = parse_address("postgres://gw@localhost/gw")
        assert a.schema == "public" and a.conninfo == "postgresql://gw@localhost/gw"

    def test_password_as_a_parameter_is_hidden_too(self) -> None:
        a = parse_address("postgresql+psycopg://gw@localhost/gw?password=hunter2&schema=s")
        assert "hunter2" not in a.location and "hunter2" in a.conninfo and a.schema == "s"

    def test_stores_in_different_schemas_have_different_writer_locks(self) -> None:
        one = parse_address("postgresql://gw@localhost/gw?schema=a")
        two = parse_address("postgresql://gw@localhost/gw?schema=b")
        assert one.lock_key != two.lock_key
        assert one.lock_key == parse_address("postgresql://other@localhost/gw?schema=a").lock_key

    def test_a_bad_schema_name_is_refused(self) -> None:
        with pytest.raises(StoreError, match="schema name"):
            parse_address("postgresql://gw@localhost/gw?schema=" + "x" * 64)

    def test_open_store_picks_postgis_and_connects_only_when_used(self) -> None:
        store = open_store("postgresql://gw:pw@127.0.0.1:1/none?schema=s")
        assert isinstance(store, PostGISStore) and store.backend == "postgis"
        assert store.location == "postgresql://gw@127.0.0.1:1/none?schema=s"
        assert store.address == "postgresql://gw:pw@127.0.0.1:1/none?schema=s"


class TestConnecting:
    def test_unreachable_server(self) -> None:
        store = PostGISStore("postgresql://gw:topsecret@127.0.0.1:1/gw?schema=s")
        with pytest.raises(StoreError) as err:
            store.read("grids")
        assert err.value.key == "store.unreachable"
        assert "127.0.0.1:1/gw" in str(err.value) and "topsecret" not in str(err.value)
        zh, _hint = err.value.localized("zh")
        assert "无法连接数据库" in zh

    def test_unknown_role(self, pg_url: str) -> None:
        parts = pg_url.split("://", 1)[1].split("@", 1)[-1]
        with pytest.raises(StoreError, match="Cannot reach the store") as err:
            PostGISStore(f"postgresql://no_such_role_{uuid.uuid4().hex[:6]}:pw@{parts}?schema=s").layers()
        assert "pw@" not in str(err.value)

    def test_database_without_postgis_and_no_right_to_add_it(self, pg_url: str) -> None:
        name = f"gw_nopostgis_{uuid.uuid4().hex[:6]}"
        role = f"gw_plain_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(pg_url, autocommit=True) as admin:
            if not admin.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()[0]:
                pytest.skip("needs a superuser on the test database to make a role and a database")
            admin.execute(psycopg.sql.SQL("CREATE ROLE {} LOGIN").format(psycopg.sql.Identifier(role)))
            admin.execute(psycopg.sql.SQL("CREATE DATABASE {} OWNER {}").format(
                psycopg.sql.Identifier(name), psycopg.sql.Identifier(role)))
            try:
                host = pg_url.split("@", 1)[1].split("/", 1)[0]
                with pytest.raises(StoreError, match="no PostGIS extension") as err:
                    PostGISStore(f"postgresql://{role}@{host}/{name}?schema=s").read("grids")
                assert err.value.key == "store.unreachable" and "CREATE EXTENSION postgis" in str(err.value)
            finally:
                admin.execute(psycopg.sql.SQL("DROP DATABASE {} WITH (FORCE)").format(psycopg.sql.Identifier(name)))
                admin.execute(psycopg.sql.SQL("DROP ROLE {}").format(psycopg.sql.Identifier(role)))

    def test_stores_of_one_database_share_one_pool(self, pg_address: Callable[[], str]) -> None:
        one, two = PostGISStore(pg_address()), PostGISStore(pg_address())
        one.read("grids")
        two.read("grids")
        assert pool_for(parse_address(one.address).conninfo) is pool_for(parse_address(two.address).conninfo)
        stats = pool_for(parse_address(one.address).conninfo).get_stats()
        assert stats["pool_size"] <= 4  # store_pool_size's default


def test_a_forked_child_makes_its_own_pool_and_leaves_the_parents_alone(pg_address: Callable[[], str]) -> None:
    import multiprocessing

    address = pg_address()
    store = PostGISStore(address)
    store.write({"incidents": _points(["A1"])})
    with pool_for(parse_address(address).conninfo).connection() as con:
        parent = con.execute("SELECT pg_backend_pid()").fetchone()
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as workers:
        ids, child = workers.apply(_child_reads, (address,))
    assert ids == ["A1"] and child != parent  # its own connection, not the parent's socket
    store.write({"incidents": _points(["A1", "A2"])})  # the parent's pooled connections still work
    assert store.read("incidents")["incident_id"].tolist() == ["A1", "A2"]


def _child_reads(address: str) -> tuple[list[str], object]:
    ids = list(PostGISStore(address).read("incidents")["incident_id"])
    with pool_for(parse_address(address).conninfo).connection() as con:
        return ids, con.execute("SELECT pg_backend_pid()").fetchone()


class TestSchemas:
    def test_each_schema_is_its_own_store(self, pg_address: Callable[[], str]) -> None:
        a, b = PostGISStore(pg_address()), PostGISStore(pg_address())
        with a.transaction("a") as tx:
            tx.add("incidents", _points(["A1"]))
        assert a.read("incidents")["incident_id"].tolist() == ["A1"] and b.read("incidents").empty
        assert a.layers() == ["incidents"] and b.layers() == []
        with psycopg.connect(parse_address(a.address).conninfo) as con:
            tables = {r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (a.schema,))}
        assert {"grids", "buildings", "incidents", "streets", "flood_zones", "meta", "gw_sequences"} <= tables
        assert "gw_sequences" not in a.tables() and "spatial_ref_sys" not in a.tables()

    def test_check_finds_missing_indexes_and_a_missing_version_is_version_1(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        store = PostGISStore(address)
        store.write({"incidents": _points(["A1", "A2"])})
        assert store.check() == []
        ident = psycopg.sql.Identifier
        with psycopg.connect(parse_address(address).conninfo, autocommit=True) as con:
            con.execute(psycopg.sql.SQL("DROP INDEX {}").format(ident(store.schema, "incidents_geometry_gist")))
            con.execute(psycopg.sql.SQL("DROP INDEX {}").format(ident(store.schema, "grids_grid_id_key")))
            con.execute(psycopg.sql.SQL("UPDATE {} SET row_version = NULL WHERE incident_id = 'A2'").format(
                ident(store.schema, "incidents")))
        problems = store.check()
        assert "incidents: no valid GiST index on geometry" in problems
        assert "grids: no valid unique index on grid_id" in problems
        assert len(problems) == 2  # a row without a version (added by QGIS) is at version 1, not a problem
        assert store.read("incidents").set_index("incident_id").loc["A2", "row_version"] == 1
        with store.transaction("edit") as tx:
            assert tx.update("incidents", "A2", {"status": "resolved"}, base_version=1)["row_version"] == 2

    def test_drop_store_refuses_public(self, pg_url: str) -> None:
        with pytest.raises(StoreError, match="public schema"):
            drop_store(pg_url)

    def test_a_store_from_a_newer_release_is_refused(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        store = PostGISStore(address)
        assert store.schema_version() == SCHEMA_VERSION
        with psycopg.connect(parse_address(address).conninfo, autocommit=True) as con:
            con.execute(psycopg.sql.SQL("UPDATE {} SET value = '99' WHERE key = 'schema_version'").format(
                psycopg.sql.Identifier(store.schema, "meta")))
        postgis._READY.clear()  # as another process opens it
        with pytest.raises(StoreError, match="newer GridWatch"):
            PostGISStore(address).read("grids")

    def test_two_processes_making_one_store_at_once(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        errors: list[BaseException] = []
        postgis._READY.clear()
        start = threading.Barrier(4)

        def open_it() -> None:
            try:
                start.wait()
                PostGISStore(address).read("grids")
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        store = PostGISStore(address)
        assert store.check() == [] and store.meta()["revision"] == "0"


class TestIdentifiers:
    def test_quotes_and_chinese_column_names_round_trip(self, pg_address: Callable[[], str]) -> None:
        store = PostGISStore(pg_address())
        hostile = 'x"; DROP TABLE incidents; --'
        rows = _points(["A1", "A2"], **{"备注": ["一楼进水", None], hostile: ["a", "b"], "Mixed Case": [1, 2]})
        with store.transaction("add") as tx:
            tx.add("incidents", rows)
            tx.write_table('检查"记录', pd.DataFrame({"项目": ["井盖"], "it's": [True]}))
        got = store.read("incidents")
        assert got["备注"].tolist() == ["一楼进水", None] and got[hostile].tolist() == ["a", "b"]
        assert got["Mixed Case"].tolist() == [1, 2]
        table = store.read_table('检查"记录')
        assert table.to_dict("records") == [{"项目": "井盖", "it's": True}]
        assert '检查"记录' in store.tables() and store.check() == []
        with store.transaction("edit") as tx:
            tx.update("incidents", "A2", {"备注": "已处理", "新字段": 3.5})
        got = store.read("incidents").set_index("incident_id")
        assert got.loc["A2", "备注"] == "已处理" and got.loc["A2", "新字段"] == 3.5

    def test_column_names_past_63_bytes_are_refused(self, pg_address: Callable[[], str]) -> None:
        store = PostGISStore(pg_address())
        ok = "水" * 21  # 63 bytes in UTF-8
        with store.transaction("ok") as tx:
            tx.add("incidents", _points(["A1"], **{ok: ["kept"]}))
        assert store.read("incidents")[ok].tolist() == ["kept"]
        too_long = "水" * 22  # 66 bytes: PostgreSQL would cut it
        with pytest.raises(StoreError, match="at most 63 bytes") as err, store.transaction("long") as tx:
            tx.add("incidents", _points(["A2"], **{too_long: ["x"]}))
        assert err.value.params["column"] == too_long
        with pytest.raises(StoreError, match="at most 63 bytes"), store.transaction("long") as tx:
            tx.write_table("inspections", pd.DataFrame({"a" * 64: [1]}))
        assert store.read("incidents")["incident_id"].tolist() == ["A1"]


class TestColumnTypes:
    def test_user_columns_are_typed_and_widen_rather_than_lose_values(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        store = PostGISStore(address)
        store.write({"incidents": _points(["A1", "A2", "A3"], floors_above=pd.array([3, None, 5], dtype="Int64"), dry=[True, False, True])})
        got = store.read("incidents")
        assert got["floors_above"].tolist()[::2] == [3.0, 5.0] and pd.isna(got["floors_above"].iloc[1])
        assert got["dry"].dtype == bool
        store.write({"incidents": got})  # read back (ints with a gap come back as floats) and written again
        assert _column_types(address, "incidents")["floors_above"] == "bigint"
        with store.transaction("text") as tx:
            tx.update("incidents", "A1", {"floors_above": "三层半"})
            tx.update("incidents", "A2", {"dry": 0.5})
        assert _column_types(address, "incidents")["floors_above"] == "text"
        assert _column_types(address, "incidents")["dry"] == "double precision"
        got = store.read("incidents").set_index("incident_id")
        assert got.loc["A1", "floors_above"] == "三层半" and got.loc["A3", "floors_above"] == "5"
        assert got["dry"].tolist() == [1.0, 0.5, 1.0]
        assert store.check() == []


@pytest.mark.parametrize(("values", "kind"), [
    (pd.Series(["a", None, "", "水"], dtype=object), "str"),
    (pd.Series(["a", 3, 2.5, pd.Timestamp("2026-07-01 18:00")], dtype=object), "str"),
    (pd.Series([1.5, float("nan"), float("inf"), -0.0]), "float"),
    (pd.array([1, None, -(2 ** 40)], dtype="Int64"), "int"),
    (pd.Series([1.0, 2.0, float("nan")]), "int"),
    (pd.Series([True, False]), "bool"),
    (pd.array([True, None, False], dtype="boolean"), "bool"),
    (pd.Series([True, None, 0], dtype=object), "bool"),
    (pd.Series(["1", "x", None], dtype=object), "int"),
])
def test_values_for_the_driver_match_the_shared_conversion(values: object, kind: str) -> None:
    from geo.postgis_sql import driver_values
    from geo.storage_rows import sql_values

    series = pd.Series(values)
    expected = sql_values(series, kind)
    if kind == "bool":
        expected = [None if v is None else bool(v) for v in expected]
    got = driver_values(series, kind)
    assert got == expected and [type(v) for v in got] == [type(v) for v in expected]


def _fids(address: str, schema_name: str) -> dict[str, int]:
    with psycopg.connect(parse_address(address).conninfo) as con:
        rows = con.execute(psycopg.sql.SQL("SELECT incident_id, fid FROM {}").format(
            psycopg.sql.Identifier(schema_name, "incidents"))).fetchall()
    return {str(i): int(f) for i, f in rows}


def _column_types(address: str, name: str) -> dict[str, str]:
    a = parse_address(address)
    with psycopg.connect(a.conninfo) as con:
        rows = con.execute("SELECT column_name, data_type FROM information_schema.columns "
                           "WHERE table_schema = %s AND table_name = %s", (a.schema, name)).fetchall()
    return {str(n): str(t) for n, t in rows}


class TestWriters:
    def test_a_second_writer_waits_then_gives_up_busy(self, pg_address: Callable[[], str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GRIDWATCH_STORE_LOCK_TIMEOUT", "0.5")
        address = pg_address()
        first, second = PostGISStore(address), PostGISStore(address)
        with first.transaction("long import") as tx:
            tx.add("incidents", _points(["A1"]))
            assert second.read("incidents").empty  # readers do not wait, and see the last commit
            with pytest.raises(StoreError, match="stayed locked for 0.5 s") as err, second.transaction("report"):
                pass
            assert err.value.key == "store.busy"
        with second.transaction("report") as tx:
            tx.add("incidents", _points(["A2"]))
        assert sorted(first.read("incidents")["incident_id"]) == ["A1", "A2"]

    def test_every_pooled_connection_in_use_is_busy_not_unreachable(self, pg_address: Callable[[], str],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GRIDWATCH_STORE_POOL_SIZE", "1")
        monkeypatch.setenv("GRIDWATCH_STORE_LOCK_TIMEOUT", "0.5")
        address = pg_address() + f"&application_name=gw_{uuid.uuid4().hex[:6]}"  # a pool of its own
        store = PostGISStore(address)
        with store.transaction("holds the one connection") as tx:
            tx.add("incidents", _points(["A1"]))
            with pytest.raises(StoreError) as err:
                store.read("incidents")
        assert err.value.key == "store.busy"
        assert store.read("incidents")["incident_id"].tolist() == ["A1"]

    def test_a_store_removed_meanwhile_is_made_again(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        store = PostGISStore(address)
        store.write({"incidents": _points(["A1"])})
        with psycopg.connect(parse_address(address).conninfo, autocommit=True) as con:
            con.execute(psycopg.sql.SQL("DROP SCHEMA {} CASCADE").format(psycopg.sql.Identifier(store.schema)))
        assert store.read("incidents").empty
        with pytest.raises(StoreError, match="damaged"), store.transaction("add") as tx:
            tx.add("incidents", _points(["A2"]))
        store.write({"incidents": _points(["A3"])})
        assert store.read("incidents")["incident_id"].tolist() == ["A3"] and store.check() == []

    def test_concurrent_writers_mint_distinct_ids(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        PostGISStore(address).read("grids")
        minted: list[str] = []
        lock = threading.Lock()

        def report() -> None:
            store = PostGISStore(address)
            for _ in range(5):
                with store.transaction("report") as tx:
                    ids = tx.add("incidents", _points([None]))
                with lock:
                    minted.extend(ids)

        threads = [threading.Thread(target=report) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(minted) == 20 and len(set(minted)) == 20
        store = PostGISStore(address)
        assert len(store.read("incidents")) == 20 and store.meta()["revision"] == "20"

    def test_a_stored_id_in_a_big_insert_is_refused_and_the_transaction_goes_on(self, pg_address: Callable[[], str]) -> None:
        store = PostGISStore(pg_address())
        store.write({"incidents": _points(["M7"])})
        with store.transaction("import") as tx:
            with pytest.raises(StoreError, match="already has a row with id “M7”"):
                tx.add("incidents", _points([f"M{i}" for i in range(500)]))
            tx.add("incidents", _points(["N1"]))
        assert store.read("incidents")["incident_id"].tolist() == ["M7", "N1"]

    def test_replace_updates_changed_rows_in_place(self, pg_address: Callable[[], str]) -> None:
        address = pg_address()
        store = PostGISStore(address)
        store.write({"incidents": _points(["A1", "A2", "A3"], extra=["x", "y", "z"], status=["ok"] * 3)})
        fids = _fids(address, store.schema)
        again = _points(["A1", "A2", "A3"], status=["ok", "blocked", "ok"])  # no "extra": the column goes
        for many in (False, True):
            if many:  # the changed rows go through COPY into the temporary table
                again = _points([f"A{i}" for i in range(1, 400)], status=["damaged"] * 399)
            store.write({"incidents": again})
            got = store.read("incidents")
            assert got["incident_id"].tolist() == list(again["incident_id"]) and "extra" not in got.columns
            assert got["status"].tolist() == list(again["status"])
        assert {k: v for k, v in _fids(address, store.schema).items() if k in fids} == fids  # updated, not re-added
        assert store.check() == []

    def test_big_insert_goes_through_copy_and_reads_back_in_order(self, pg_address: Callable[[], str]) -> None:
        store = PostGISStore(pg_address())
        n = 5000
        rows = _points([f"M{i}" for i in range(n)], depth_cm=[float(i) if i % 3 else None for i in range(n)],
                       description=["tab\there\nnewline \\N \"q\"" if i == 7 else "" for i in range(n)])
        store.write({"incidents": rows})
        got = store.read("incidents")
        assert got["incident_id"].tolist() == [f"M{i}" for i in range(n)]
        assert got["description"].iloc[7] == "tab\there\nnewline \\N \"q\"" and got["description"].iloc[8] == ""
        assert pd.isna(got["depth_cm"].iloc[3]) and got["depth_cm"].iloc[4] == 4.0
        assert got.geometry.iloc[4999].equals(rows.geometry.iloc[4999])
        assert store.check() == []
