"""geo.safe: values made safe for spreadsheets, PDFs, XML and terminals."""

from __future__ import annotations

import xml.dom.minidom

import pandas as pd
import pytest

from geo.safe import markup, printable, spreadsheet_cell, spreadsheet_frame, xml_text


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3",
                                   "\t=1+1", "\r=1", "＝1+1"])
def test_formulas_become_text(value: str) -> None:
    assert spreadsheet_cell(value) == "'" + value


@pytest.mark.parametrize("value", [-12.5, 3, "-12.5", "+7", "-0,5", "楼栋 3", "", None, "a=b"])
def test_numbers_and_plain_text_unchanged(value: object) -> None:
    assert spreadsheet_cell(value) == value


def test_frame_keeps_numbers_and_index() -> None:
    df = pd.DataFrame({"n": [-1, 2], "name": ["=1+1", "ok"], "=x": [None, "@y"]}, index=[5, 6])
    out = spreadsheet_frame(df)
    assert out["n"].tolist() == [-1, 2]
    assert out["name"].tolist() == ["'=1+1", "ok"]
    assert list(out.columns) == ["n", "name", "'=x"]
    assert out.index.tolist() == [5, 6]
    assert df["name"].tolist() == ["=1+1", "ok"]  # the input is not changed


def test_markup_shows_tags_as_text() -> None:
    assert markup('<a href="x">R&D</a>') == '&lt;a href="x"&gt;R&amp;D&lt;/a&gt;'
    assert markup(None) == ""


def test_xml_text_is_well_formed_for_any_value() -> None:
    nasty = "a\x00b\x0c]]>&<>\"'\ud800z"
    doc = xml.dom.minidom.parseString(f'<r a="{xml_text(nasty)}">{xml_text(nasty)}</r>')
    assert doc.documentElement.firstChild.data == "ab]]>&<>\"'z"


def test_printable_escapes_control_characters() -> None:
    assert printable("layer\x1b[2K\rall good") == "layer\\x1b[2K\\rall good"
    assert len(printable("x" * 500)) == 200
