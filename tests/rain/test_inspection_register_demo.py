"""The demo's fictional register of vulnerable residents: consistent with the
buildings, deterministic, listed unit by unit on the red checklist (names by
role), and the CSV example round-trips through ``vulnerable-import``."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from geo import demo, schema
from geo.access import User, operator
from geo.cli import main
from geo.join import join_layers
from geo.rain.checklist import LOCAL_TZ, REGISTER, checklists_from_store
from geo.rain.inspection import REGISTER_COLUMNS, import_register, read_register
from geo.store import Store, open_store

NOW = datetime(2026, 7, 1, 18, 30, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="module")
def store(demo_store: Store) -> Store:
    """The session's demo community (read-only)."""
    return demo_store


@pytest.fixture(scope="module")
def register(store: Store) -> pd.DataFrame:
    return store.read_table(REGISTER)


@pytest.fixture(scope="module")
def buildings(store: Store) -> pd.DataFrame:
    return store.read(schema.BUILDINGS)


class TestConsistentWithBuildings:
    def test_layers_keep_their_counts(self, store: Store, buildings: pd.DataFrame) -> None:
        inc = store.read(schema.INCIDENTS)
        assert len(store.read(schema.GRIDS)) == 7 and len(buildings) == 172
        assert inc["type"].value_counts().to_dict() == {"drain_grate": 521, "flying_wire": 36, "flooding": 12, "grate_fault": 10}
        fresh = demo.make_community(7)[schema.BUILDINGS]
        assert list(buildings["elderly_alone"]) == list(fresh["elderly_alone"])

    def test_elderly_per_building_is_elderly_alone(self, register: pd.DataFrame, buildings: pd.DataFrame) -> None:
        elderly = register[register["category"] == "独居老人"].groupby("building_id").size()
        ids = buildings["building_id"].astype(str)
        got = ids.map(elderly).fillna(0).astype(int).tolist()
        assert got == buildings["elderly_alone"].astype(int).tolist()
        assert set(elderly.index) <= set(ids) and sum(got) > 100

    def test_every_unit_within_the_building(self, register: pd.DataFrame, buildings: pd.DataFrame) -> None:
        units = dict(zip(buildings["building_id"].astype(str), buildings["units"].astype(int), strict=True))
        assert set(register["building_id"]) <= set(units)
        for bid, unit in zip(register["building_id"], register["unit"], strict=True):
            assert str(unit).isdigit() and 1 <= int(unit) <= units[bid], (bid, unit)

    def test_a_few_other_vulnerable_residents(self, register: pd.DataFrame, buildings: pd.DataFrame) -> None:
        others = register[register["category"] != "独居老人"]
        assert set(others["category"]) == {"残疾人", "低保户"}
        assert 3 <= len(others) <= 0.2 * len(buildings)
        assert others.groupby(["building_id", "category"]).size().max() == 1

    def test_names_are_chinese_names(self, register: pd.DataFrame) -> None:
        assert list(register.columns) == list(REGISTER_COLUMNS)
        assert register["name"].map(lambda s: bool(re.fullmatch(r"[\u4e00-\u9fff]{2,3}", str(s)))).all()

    def test_metadata_says_fictional(self, store: Store) -> None:
        meta = store.meta()
        assert meta["fictional"] == "true" and "虚构" in meta["note_zh"] and "重点人群名单" in meta["note_zh"]
        assert "vulnerable residents" in meta["note_en"]


class TestDeterministic:
    def test_same_seed_same_register(self, register: pd.DataFrame) -> None:
        first = demo.make_register(join_layers(demo.make_community(7))[schema.BUILDINGS], 7)
        second = demo.make_register(join_layers(demo.make_community(7))[schema.BUILDINGS], 7)
        pd.testing.assert_frame_equal(first, second)
        assert first.astype(str).to_numpy().tolist() == register.astype(str).to_numpy().tolist()

    def test_other_seed_other_names(self, buildings: pd.DataFrame) -> None:
        a, b = demo.make_register(buildings, 7), demo.make_register(buildings, 8)
        assert list(a["name"]) != list(b["name"])

    def test_csv_bytes_repeat(self, register: pd.DataFrame, tmp_path: Path) -> None:
        demo.write_register_csv(register, tmp_path / "a.csv")
        demo.write_register_csv(register, tmp_path / "b.csv")
        assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()

    def test_unknown_units_stay_empty(self) -> None:
        b = pd.DataFrame({"building_id": ["X1", "X2"], "units": [pd.NA, 3], "elderly_alone": [2, 1]})
        reg = demo.make_register(b, 7)
        elderly = reg[reg["category"] == "独居老人"]
        assert list(elderly.loc[elderly["building_id"] == "X1", "unit"]) == ["", ""]
        assert elderly.loc[elderly["building_id"] == "X2", "unit"].isin(["1", "2", "3"]).all()


def _unit_rows(store: Store, user: User) -> pd.DataFrame:
    sheets = checklists_from_store(store, "red", user=user, now=NOW, streets=False)
    return pd.concat([cl.section("vulnerable") for cl in sheets], ignore_index=True)


def _counted(details: str) -> int:
    return sum(int(k) for k in re.findall(r"(\d+)人", details.split("：")[0]))


class TestRedChecklist:
    def test_worker_sees_every_resident_by_unit(self, store: Store, register: pd.DataFrame) -> None:
        rows = _unit_rows(store, operator())
        assert rows["item_id"].str.contains("/").all()  # every listed building is broken down by unit
        expected = register.groupby(["building_id", "unit"])["name"].apply(sorted).to_dict()
        got = {}
        for item, where, details in zip(rows["item_id"], rows["where"], rows["details"], strict=True):
            bid, unit = item.split("/")
            assert where.endswith(f" {unit}单元")
            names = details.split("：")[1].split("、")
            assert _counted(details) == len(names)
            got[(bid, unit)] = sorted(names)
        assert got == expected

    def test_public_sees_masked_names(self, store: Store, register: pd.DataFrame) -> None:
        rows = _unit_rows(store, User(name="v", role="viewer"))
        text = " ".join(rows["details"])
        assert not any(name in text for name in register["name"])
        masked = sorted(n for d in rows["details"] for n in d.split("：")[1].split("、"))
        assert masked == sorted(n[0] + "*" * (len(n) - 1) for n in register["name"])
        assert sum(_counted(d) for d in rows["details"]) == len(register)


class TestCsvRoundTrip:
    def test_example_file_matches_the_store(self, demo_dir: Path, register: pd.DataFrame) -> None:
        path = demo_dir / demo.REGISTER_CSV
        assert path.read_bytes().startswith(b"\xef\xbb\xbfbuilding_id,unit,name,category\n")
        rows = read_register(path)
        assert rows[list(REGISTER_COLUMNS)].to_numpy().tolist() == register.astype(str).to_numpy().tolist()

    def test_import_into_the_demo_changes_nothing(self, demo_dir: Path, demo_store_copy: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
        store = open_store(demo_store_copy)
        version = store.version
        for _ in range(2):
            assert main(["vulnerable-import", "--store", store.location, str(demo_dir / demo.REGISTER_CSV)]) == 0
            out = capsys.readouterr().out
            assert "未导入 0 行" in out and "nothing new: store unchanged" in out
        assert store.version == version

    def test_import_into_a_store_without_register(self, demo_dir: Path, store: Store, register: pd.DataFrame,
                                                  tmp_path: Path) -> None:
        bare = open_store(tmp_path / "bare.gpkg")
        bare.write(store.read_many(schema.LAYERS))
        assert bare.read_table(REGISTER).empty
        first = import_register(bare, demo_dir / demo.REGISTER_CSV)
        assert first.written and first.recorded == len(register) and not first.problems
        version = bare.version
        again = import_register(bare, demo_dir / demo.REGISTER_CSV)
        assert not again.written and again.unchanged == len(register) and bare.version == version
        pd.testing.assert_frame_equal(bare.read_table(REGISTER).astype(str), register.astype(str))
