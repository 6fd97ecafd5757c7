"""Parsing what users type for coordinates: ``lon,lat``."""

from __future__ import annotations

import pytest

from geo.crs import parse_lonlat
from geo.errors import CRSError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("114.362,30.518", (114.362, 30.518)),
        (" 114.362 , 30.518 ", (114.362, 30.518)),
        ("-73.98,40.75", (-73.98, 40.75)),
        ("180,-90", (180.0, -90.0)),
    ],
)
def test_good(text: str, expected: tuple[float, float]) -> None:
    assert parse_lonlat(text) == expected


@pytest.mark.parametrize("text", ["north", "114.3", "a,b", "114.3,30.5,1", "", "114.3;30.5", "114.3，30.5"])
def test_not_two_numbers(text: str) -> None:
    # the full-width comma '，' is not accepted (it never was)
    with pytest.raises(CRSError, match="is not lon,lat") as info:
        parse_lonlat(text)
    assert info.value.key == "crs.bad_lonlat"
    message, hint = info.value.localized("zh")
    assert "经度,纬度" in message and hint


@pytest.mark.parametrize("text", ["200,30", "114,95", "30.5,-181", "nan,30", "inf,30"])
def test_out_of_range(text: str) -> None:
    with pytest.raises(CRSError, match="not a longitude/latitude pair") as info:
        parse_lonlat(text)
    assert info.value.key == "crs.lonlat_range"
