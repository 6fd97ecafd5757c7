"""Responsible parties (geo.cases.parties): who a case goes to by default, and keeping the table."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from geo.cases import parties
from geo.errors import GridWatchError, OptionError, SchemaError, UnknownIdError
from geo.storage import Store


@pytest.fixture
def store(any_store: Store, make_grids) -> Store:
    any_store.write({"grids": make_grids()}, note="grids", by="t")
    return any_store


def _frame(*rows: tuple[str, str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(parties.PARTY_COLUMNS))


class TestDefaultParty:
    def test_most_specific_match_wins(self, store: Store) -> None:
        parties.import_parties(store, _frame(
            ("all", "街道办", "street_office", "", "*", "*"),
            ("power", "供电所", "utility", "95598", "*", "flying_wire"),
            ("wuye", "绿园物业", "property", "", "G1", "*"),
            ("wuye_drain", "绿园物业排水", "property", "", "G1", "grate_fault flooding"),
        ), by="t")
        assert parties.default_party(store, "G1", "grate_fault") == "wuye_drain"  # grid and type
        assert parties.default_party(store, "G1", "flying_wire") == "wuye"  # grid beats type
        assert parties.default_party(store, "G2", "flying_wire") == "power"  # type beats *
        assert parties.default_party(store, "G2", "flooding") == "all"
        assert parties.default_party(store, None, "flooding") == "all"

    def test_grid_fallback_and_outside(self, store: Store) -> None:
        assert parties.default_party(store, "G2", "flooding") == "grid:G2"
        assert parties.default_party(store, None, "flooding") is None
        parties.add_party(store, party_id="power", name="供电所", kind="utility", types="flying_wire", by="t")
        assert parties.default_party(store, "G3", "flooding") == "grid:G3"
        assert parties.default_party(store, None, "flying_wire") == "power"
        assert parties.party_names(store)["power"] == "供电所"


class TestTable:
    def test_add_list_remove(self, store: Store) -> None:
        row = parties.add_party(store, party_id="wuye", name="绿园物业", kind="property", phone="13800000000",
                                grids="G2, G1", by="王丽")
        assert row["grids"] == "G1 G2" and row["types"] == "*"
        table = parties.list_parties(store)
        assert table["party_id"].tolist() == ["wuye"] and list(table.columns) == list(parties.PARTY_COLUMNS)
        with pytest.raises(OptionError) as err:
            parties.add_party(store, party_id="wuye", by="t")
        assert err.value.key == "parties.exists"
        parties.remove_party(store, "wuye", by="t")
        assert parties.list_parties(store).empty
        with pytest.raises(UnknownIdError):
            parties.remove_party(store, "wuye", by="t")

    @pytest.mark.parametrize(("row", "key", "named"), [
        (("a", "A", "alien", "", "*", "*"), "parties.kind", "alien"),
        (("a", "A", "property", "", "G1 G9 G8", "*"), "parties.unknown_grid", "G9"),
        (("a", "A", "property", "", "*", "meteor"), "parties.unknown_type", "meteor"),
        (("grid:G1", "A", "property", "", "*", "*"), "parties.reserved", "grid:G1"),
        (("", "A", "property", "", "*", "*"), "parties.no_id", "2"),
    ])
    def test_refused_rows(self, store: Store, row: tuple[str, ...], key: str, named: str) -> None:
        with pytest.raises(GridWatchError) as err:
            parties.import_parties(store, _frame(row), by="t")  # type: ignore[arg-type]
        assert err.value.key == key and named in str(err.value)
        assert parties.list_parties(store).empty

    def test_duplicate_ids_and_missing_columns(self, store: Store) -> None:
        with pytest.raises(SchemaError) as err:
            parties.import_parties(store, _frame(("a", "A", "other", "", "*", "*"), ("a", "B", "other", "", "*", "*")),
                                   by="t")
        assert err.value.key == "parties.duplicate" and "a" in str(err.value)
        with pytest.raises(SchemaError) as err:
            parties.import_parties(store, pd.DataFrame({"party_id": ["a"], "name": ["A"]}), by="t")
        assert err.value.key == "parties.missing_columns" and "kind" in str(err.value)

    def test_import_csv_and_xlsx(self, store: Store, tmp_path: Path) -> None:
        frame = _frame(("wuye", "绿园物业", "property", "13800000000", "G1", "*"),
                       ("power", "供电所", "utility", "95598", "*", "flying_wire"))
        csv = tmp_path / "parties.csv"
        frame.to_csv(csv, index=False, encoding="utf-8-sig")
        assert parties.import_parties(store, csv, by="t") == {"added": 2, "updated": 0, "kept": 0, "removed": 0}
        xlsx = tmp_path / "parties.xlsx"
        _frame(("power", "国网供电所", "utility", "95598", "*", "flying_wire")).to_excel(xlsx, index=False)
        assert parties.import_parties(store, xlsx, by="t") == {"added": 0, "updated": 1, "kept": 1, "removed": 0}
        table = parties.list_parties(store).set_index("party_id")
        assert table.loc["power", "name"] == "国网供电所" and table.loc["wuye", "phone"] == "13800000000"
        assert parties.import_parties(store, xlsx, by="t", replace=True)["removed"] == 1
        assert parties.list_parties(store)["party_id"].tolist() == ["power"]
        with pytest.raises(GridWatchError) as err:
            parties.import_parties(store, tmp_path / "x.txt", by="t")
        assert err.value.key == "io.not_found"
