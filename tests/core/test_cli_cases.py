"""``python -m geo incident set|history|merge``, the case options of ``incident add|list``, ``party`` and ``storm``.

Each command runs in this process (:func:`geo.cli.main`) on a real store,
on both backends; each refusal exits with status 2 and a message.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from geo import cli
from geo.store import Store, open_store

LON, LAT = 114.3605, 30.5205  # inside grid G1 of tests/core/conftest.py


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def store(new_store_address, make_grids, make_incidents) -> Store:
    s = open_store(new_store_address())
    grates = make_incidents().iloc[:1].assign(incident_id="GR1", type="drain_grate", status="ok")
    s.write({"grids": make_grids(), "incidents": grates}, note="fixture", by="t")
    return s


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "现场.jpg"
    Image.new("RGB", (32, 24), (90, 90, 200)).save(path, format="JPEG")
    return path


def add(capsys: pytest.CaptureFixture[str], store: Store, *extra: str, lon: float = LON, lat: float = LAT) -> str:
    status, out, err = run(capsys, "incident", "add", "--store", store.address, "--type", "flooding",
                           "--lon", str(lon), "--lat", str(lat), "--by", "王丽", *extra)
    assert status == 0, err
    return out.strip()


def step(capsys: pytest.CaptureFixture[str], store: Store, case: str, stage: str, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "incident", "set", "--store", store.address, case, "--stage", stage, *extra)


def row(store: Store, case: str) -> pd.Series:
    return store.read("incidents").set_index("incident_id").loc[case]


class TestSet:
    def test_the_whole_loop_and_its_history(self, capsys, store: Store, photo: Path, tmp_path: Path) -> None:
        assert run(capsys, "party", "add", "--store", store.address, "wuye", "--name", "绿园物业",
                   "--kind", "property", "--grids", "G1")[0] == 0
        case = add(capsys, store)
        status, out, err = step(capsys, store, case, "accepted", "--by", "李强", "--lang", "zh")
        assert status == 0, err
        assert "受理(accepted)" in out and "按期" in out
        status, out, _ = step(capsys, store, case, "dispatched", "--by", "李强")
        assert status == 0 and "绿园物业" in out and "on time" in out  # the default party of G1
        status, out, err = step(capsys, store, case, "handled", "--note", "已抽水", "--photo", str(photo),
                                "--by", "物业张师傅")
        assert status == 0, err
        status, out, err = step(capsys, store, case, "closed", "--by", "王丽")
        assert status == 0 and "closed" in out and "ended" in out, err
        stored = row(store, case)
        assert stored["status"] == "closed" and stored["party"] == "wuye" and stored["handled_by"] == "物业张师傅"
        status, out, _ = run(capsys, "incident", "history", "--store", store.address, case, "--lang", "zh")
        lines = out.splitlines()
        assert status == 0 and len(lines) == 5
        assert "受理" in lines[1] and "处置反馈" in lines[3] and "已抽水" in lines[3] and "现场.jpg" in lines[3]
        assert "核查通过" in lines[4] and "王丽" in lines[4]
        out_csv = tmp_path / "h.csv"
        assert run(capsys, "incident", "history", "--store", store.address, case, "--out", str(out_csv),
                   "--lang", "zh")[0] == 0
        raw = out_csv.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert [r["环节"] for r in table] == ["上报", "受理", "派遣", "处置反馈", "核查通过，结案"]
        out_json = tmp_path / "h.json"
        assert run(capsys, "incident", "history", "--store", store.address, case, "--out", str(out_json))[0] == 0
        entries = json.loads(out_json.read_text(encoding="utf-8"))
        assert entries[2]["party"] == "绿园物业" and entries[3]["attachments"] == "现场.jpg"
        status, _, err = run(capsys, "incident", "history", "--store", store.address, case, "--out", "h.txt")
        assert status == 2 and ".csv" in err

    def test_a_refused_step_names_what_may_follow(self, capsys, store: Store) -> None:
        case = add(capsys, store)
        status, out, err = step(capsys, store, case, "handled", "--note", "x")
        assert status == 2 and not out
        assert "cannot go from reported to handled" in err and "accepted, cancelled, merged, closed" in err
        status, _, err = step(capsys, store, case, "handled", "--note", "x", "--lang", "zh")
        assert status == 2 and "受理(accepted)" in err
        assert row(store, case)["status"] == "reported"

    def test_refusals_of_missing_details(self, capsys, store: Store) -> None:
        case = add(capsys, store)
        assert step(capsys, store, case, "cancelled")[0] == 2  # needs a reason
        assert step(capsys, store, case, "accepted", "--by", "李强")[0] == 0
        assert step(capsys, store, case, "dispatched", "--by", "李强")[0] == 0  # the grid's worker
        assert row(store, case)["party"] == "grid:G1"
        status, _, err = step(capsys, store, case, "handled", "--by", "张师傅")
        assert status == 2 and "feedback" in err
        assert step(capsys, store, case, "handled", "--note", "ok", "--by", "张师傅")[0] == 0
        status, _, err = step(capsys, store, case, "closed", "--by", "张师傅")
        assert status == 2 and "someone else must check it" in err
        status, out, err = step(capsys, store, case, "dispatched", "--note", "还有积水", "--by", "王丽")
        assert status == 0 and row(store, case)["reworks"] == 1, err

    def test_stale_based_on_says_who_changed_it(self, capsys, store: Store) -> None:
        case = add(capsys, store)
        version = int(row(store, case)["row_version"])
        assert step(capsys, store, case, "accepted", "--by", "李强", "--based-on", str(version))[0] == 0
        status, _, err = step(capsys, store, case, "cancelled", "--note", "重复", "--by", "王丽",
                              "--based-on", str(version))
        assert status == 2 and "李强" in err
        assert row(store, case)["status"] == "accepted"

    def test_photos_refused(self, capsys, store: Store, tmp_path: Path) -> None:
        case = add(capsys, store)
        svg = tmp_path / "x.svg"
        svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
        status, _, err = step(capsys, store, case, "accepted", "--photo", str(svg))
        assert status == 2 and "JPEG" in err
        status, _, err = step(capsys, store, case, "accepted", "--photo", str(tmp_path / "none.jpg"))
        assert status == 2 and "none.jpg" in err
        assert row(store, case)["status"] == "reported"
        assert store.read_table("case_files").empty


class TestAddAndMerge:
    def test_duplicate_warning_and_merge(self, capsys, store: Store) -> None:
        first = add(capsys, store)
        status, out, err = run(capsys, "incident", "add", "--store", store.address, "--type", "flooding",
                               "--lon", str(LON + 0.0001), "--lat", str(LAT), "--by", "赵六")
        second = out.strip()
        assert status == 0 and first in err and "incident merge" in err and f"{second} --into {first}" in err
        status, out, err = run(capsys, "incident", "merge", "--store", store.address, second, "--into", first,
                               "--by", "李强")
        assert status == 0 and "merged" in out, err
        assert row(store, second)["merged_into"] == first
        status, _, err = run(capsys, "incident", "merge", "--store", store.address, first, "--into", first)
        assert status == 2

    def test_duplicate_of_merges_at_once(self, capsys, store: Store) -> None:
        first = add(capsys, store)
        second = add(capsys, store, "--duplicate-of", first)
        assert row(store, second)["status"] == "merged"

    def test_on_spot_needs_a_photo(self, capsys, store: Store, photo: Path) -> None:
        status, _, err = run(capsys, "incident", "add", "--store", store.address, "--type", "flooding",
                             "--lon", str(LON), "--lat", str(LAT), "--on-spot")
        assert status == 2 and "photo" in err
        case = add(capsys, store, "--on-spot", "--photo", str(photo), "--urgency", "urgent")
        stored = row(store, case)
        assert stored["status"] == "closed" and bool(stored["on_spot"]) and stored["urgency"] == "urgent"
        assert len(store.read_table("case_files")) == 1

    def test_a_problem_at_a_grate(self, capsys, store: Store) -> None:
        status, out, err = run(capsys, "incident", "add", "--store", store.address, "--type", "grate_fault",
                               "--asset", "GR1", "--description", "篦子堵塞")
        assert status == 0, err
        stored = row(store, out.strip())
        assert stored["asset_id"] == "GR1" and stored["status"] == "reported"
        status, _, err = run(capsys, "incident", "add", "--store", store.address, "--type", "drain_grate",
                             "--lon", str(LON), "--lat", str(LAT), "--urgency", "urgent")
        assert status == 2
        status, _, err = step(capsys, store, "GR1", "accepted")
        assert status == 2 and "standing asset" in err


class TestList:
    def test_stage_and_overdue(self, capsys, store: Store) -> None:
        old, new = add(capsys, store), add(capsys, store, lon=LON + 0.003)
        assert step(capsys, store, new, "accepted")[0] == 0
        with store.transaction("backdate", by="t") as tx:
            tx.update("incidents", old, {"opened_at": "2026-01-05T09:00:00+08:00", "step_at": "2026-01-05T09:00:00+08:00",
                                         "stage_at": "2026-01-05T09:00:00+08:00", "reported_at": "2026-01-05T09:00:00+08:00"})
        status, out, _ = run(capsys, "incident", "list", "--store", store.address, "--stage", "accepted")
        ids = [r["incident_id"] for r in csv.DictReader(io.StringIO(out))]
        assert status == 0 and ids == [new]
        status, out, _ = run(capsys, "incident", "list", "--store", store.address, "--overdue")
        rows = list(csv.DictReader(io.StringIO(out)))
        assert status == 0 and [r["incident_id"] for r in rows] == [old] and rows[0]["state"] == "overdue"
        assert rows[0]["step"] == "accept" and rows[0]["deadline"].startswith("2026-01-")
        status, _, err = run(capsys, "incident", "list", "--store", store.address, "--stage", "done")
        assert status == 2 and "reported" in err


class TestParty:
    def test_add_list_remove_import(self, capsys, store: Store, tmp_path: Path) -> None:
        status, out, _ = run(capsys, "party", "add", "--store", store.address, "power", "--name", "供电所",
                             "--kind", "utility", "--types", "flying_wire", "--lang", "zh")
        assert status == 0 and "公用事业单位" in out
        status, _, err = run(capsys, "party", "add", "--store", store.address, "power")
        assert status == 2 and "exists" in err
        status, _, err = run(capsys, "party", "add", "--store", store.address, "x", "--grids", "G1", "--grids", "G9")
        assert status == 2 and "G9" in err
        src = tmp_path / "p.csv"
        src.write_text("party_id,name,kind,phone,grids,types\nwuye,绿园物业,property,=1+1,G1 G2,*\n", encoding="utf-8-sig")
        status, out, _ = run(capsys, "party", "import", "--store", store.address, str(src))
        assert status == 0 and "1 added" in out
        status, out, _ = run(capsys, "party", "list", "--store", store.address)
        listed = list(csv.DictReader(io.StringIO(out)))
        assert [r["party_id"] for r in listed] == ["power", "wuye"] and listed[1]["phone"] == "'=1+1"
        bad = tmp_path / "bad.csv"
        bad.write_text("party_id,name\nx,y\n", encoding="utf-8")
        status, _, err = run(capsys, "party", "import", "--store", store.address, str(bad))
        assert status == 2 and "kind" in err
        assert run(capsys, "party", "remove", "--store", store.address, "power")[0] == 0
        status, _, err = run(capsys, "party", "remove", "--store", store.address, "power")
        assert status == 2 and "wuye" in err


class TestStorm:
    def test_on_status_off(self, capsys, store: Store) -> None:
        status, out, _ = run(capsys, "storm", "on", "--store", store.address, "--level", "orange", "--by", "值班员")
        assert status == 0 and "orange" in out
        since = store.meta()["storm_since"]
        assert store.meta()["storm"] == "orange" and since
        assert run(capsys, "storm", "on", "--store", store.address, "--level", "red")[0] == 0
        assert store.meta()["storm"] == "red" and store.meta()["storm_since"] == since
        status, out, _ = run(capsys, "storm", "status", "--store", store.address, "--lang", "zh")
        assert status == 0 and "红色预警" in out and since in out
        assert run(capsys, "storm", "off", "--store", store.address)[0] == 0
        assert run(capsys, "storm", "status", "--store", store.address)[1].strip() == "Storm mode is off."
        assert store.meta()["storm"] == "" and store.meta()["storm_since"] == ""
        with pytest.raises(SystemExit) as exit_:
            cli.main(["storm", "on", "--store", store.address, "--level", "blue"])
        assert exit_.value.code == 2


def test_storm_level_refused_by_the_library(store: Store) -> None:
    from geo.cases import storm
    from geo.errors import OptionError

    with pytest.raises(OptionError) as err:
        storm.set_storm(store, "yellow", by="t")
    assert err.value.key == "storm.level"
    assert storm.storm_of(store) == (None, None)
