"""``python -m geo ledger`` and ``python -m geo figures`` on both store backends (the cases of test_ledger)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from geo import cli
from geo.store import Store

from .test_ledger import HOSTILE, _build


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the command line in this process: status, stdout, stderr."""
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def cases_store(any_store: Store) -> Store:
    return _build(any_store)


def test_ledger_prints_the_open_cases(capsys: pytest.CaptureFixture[str], cases_store: Store) -> None:
    status, out, err = run(capsys, "ledger", "--store", cases_store.address, "--lang", "zh")
    assert status == 0, err
    lines = out.splitlines()
    assert "案卷编号" in lines[0] and len(lines) == 1 + 4
    assert [w for w in ("C3", "C5", "C6", "C8") if any(w in line for line in lines)] == ["C3", "C5", "C6", "C8"]
    status, out, _ = run(capsys, "ledger", "--store", cases_store.address, "--grid", "G1", "--all", "--lang", "en")
    assert status == 0 and sum(f"C{k}" in out for k in range(1, 9)) == 4 and "Case" in out


def test_ledger_writes_xlsx_and_csv(capsys: pytest.CaptureFixture[str], cases_store: Store, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    xlsx = tmp_path / "台账.xlsx"
    status, _, err = run(capsys, "ledger", "--store", cases_store.address, "--stage", "dispatched,reported",
                         "--out", str(xlsx), "--lang", "zh")
    assert status == 0, err
    assert str(xlsx) in err and "2 件" in err
    ws = load_workbook(xlsx).active
    assert ws["A1"].value == "案件台账" and "环节 dispatched, reported" in ws["A2"].value
    assert ws.page_setup.orientation == "landscape"
    csv_path = tmp_path / "ledger.csv"
    status, _, err = run(capsys, "ledger", "--store", cases_store.address, "--party", "供电所", "--out", str(csv_path))
    assert status == 0, err
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert sorted(pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")["Case"]) == ["C3", "C8"]
    status, _, err = run(capsys, "ledger", "--store", cases_store.address, "--type", "flooding", "--out",
                         str(tmp_path / "x.csv"), "--lang", "en")
    back = pd.read_csv(tmp_path / "x.csv", encoding="utf-8-sig").set_index("Case")
    assert back.loc["C6", "Description"] == "'" + HOSTILE


def test_ledger_refuses(capsys: pytest.CaptureFixture[str], cases_store: Store, tmp_path: Path) -> None:
    status, _, err = run(capsys, "ledger", "--store", cases_store.address, "--out", str(tmp_path / "l.pdf"))
    assert status == 2 and ".xlsx" in err
    status, _, err = run(capsys, "ledger", "--store", cases_store.address, "--stage", "done")
    assert status == 2 and "done" in err
    status, _, err = run(capsys, "ledger", "--store", str(tmp_path / "none.gpkg"))
    assert status == 2


def test_figures(capsys: pytest.CaptureFixture[str], cases_store: Store, tmp_path: Path) -> None:
    status, out, err = run(capsys, "figures", "--store", cases_store.address, "--lang", "zh")
    assert status == 0, err
    assert "按期处置率" in out.splitlines()[0] and "合计" in out.splitlines()[-1]
    out_csv = tmp_path / "f.csv"
    status, _, err = run(capsys, "figures", "--store", cases_store.address, "--by", "party", "--from", "2026-12-01",
                         "--to", "2026-12-01", "--out", str(out_csv), "--lang", "en")
    assert status == 0, err
    fig = pd.read_csv(out_csv, encoding="utf-8-sig").set_index("Name")
    assert int(fig.loc["Total", "Reported"]) == 8 and int(fig.loc["Total", "Handled"]) == 3
    xlsx = tmp_path / "f.xlsx"
    status, _, err = run(capsys, "figures", "--store", cases_store.address, "--out", str(xlsx))
    assert status == 0, err
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).active
    assert ws.page_setup.orientation == "landscape"
    status, _, err = run(capsys, "figures", "--store", cases_store.address, "--from", "someday")
    assert status == 2
