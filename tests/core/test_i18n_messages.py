"""Every keyed message of the translation table reads in both languages."""

from __future__ import annotations

import string

import pytest

from geo import i18n
from geo.errors import SchemaError

KEYED = sorted(k for k in i18n.STRINGS if k.startswith(("err.", "check.")))


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_messages_are_keyed() -> None:
    assert len(KEYED) > 100


@pytest.mark.parametrize("key", KEYED)
def test_both_languages_take_the_same_values(key: str) -> None:
    zh, en = i18n.STRINGS[key]
    assert zh.strip() and en.strip(), key
    assert _fields(zh) == _fields(en), key


def test_error_of_key_reads_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(i18n.STRINGS, "err.test.demo", ("{file} 缺少列 {column}。", "{file} has no column {column}."))
    monkeypatch.setitem(i18n.STRINGS, "err.test.demo.hint", ("用 --field 指定。", "Name it with --field."))
    exc = SchemaError.of("test.demo", file="a.csv", column="type")
    assert exc.message == "a.csv has no column type."
    assert exc.hint == "Name it with --field."
    assert exc.localized("zh") == ("a.csv 缺少列 type。", "用 --field 指定。")
    assert SchemaError("plain", "fix").localized("zh") == ("plain", "fix")
