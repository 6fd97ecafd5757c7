"""geo.settings: every GRIDWATCH_ variable declared once, parsed, defaulted, refused clearly, listed."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import pytest

from geo import limits, settings
from geo.errors import OptionError
from geo.settings import Settings
from tests.paths import ROOT

#: Where a variable may be read or documented (the tests' own, e.g. GRIDWATCH_CHROMIUM, are not settings).
SOURCES = ("geo", "layers", "views", "scripts", "benchmarks", "docs")
SOURCE_FILES = ("app.py", "Makefile", "README.md")


#: Variable -> field of Settings.
FIELD_OF = {f.metadata["variable"]: f.name for f in dataclasses.fields(Settings) if "variable" in f.metadata}


def _variables_in_the_source() -> set[str]:
    files = [ROOT / f for f in SOURCE_FILES]
    for folder in SOURCES:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md", ".sh", ".toml", ".js")]
    found = set()
    for path in files:
        for token in re.findall(r"GRIDWATCH_[A-Z0-9_]+", path.read_text(encoding="utf-8", errors="replace")):
            if not token.endswith("_"):  # GRIDWATCH_MAX_... names a family, not a variable
                found.add(token)
    return found


def test_every_variable_in_the_source_is_a_documented_setting():
    known = set(settings.variables())
    missing = _variables_in_the_source() - known
    assert not missing, f"variables read or named but not declared in geo/settings.py: {sorted(missing)}"
    described = {row.variable for row in settings.describe({})}
    assert described == known
    assert all(row.doc and row.allowed for row in settings.describe({}))


def test_every_setting_has_a_variable_of_its_name():
    for f in dataclasses.fields(Settings):
        if f.name in ("problems", "ignored"):
            continue
        assert f.metadata["variable"] == "GRIDWATCH_" + f.name.upper()


def test_defaults():
    s = settings.current({})
    assert s == Settings()
    assert (s.lang, s.store, s.join_threads, s.upload_workers, s.upload_mb, s.upload_seconds) == ("en", None, 2, 1,
                                                                                               4096, 120.0)
    assert (s.static_url, s.basemap, s.tiles, s.tiles_crs, s.views, s.levels, s.cjk_font) == (
        "/app/static", "", "", "wgs84", (), None, None)
    assert limits.current({}) == limits.Limits()
    assert limits.Limits().max_file_mb == 200.0 and limits.Limits().max_repair_seconds == 60.0


@pytest.mark.parametrize(("variable", "raw", "field", "value"), [
    ("GRIDWATCH_LANG", " ZH ", "lang", "zh"),
    ("GRIDWATCH_STORE", "/srv/gw.gpkg", "store", "/srv/gw.gpkg"),
    ("GRIDWATCH_MAX_FILE_MB", "500", "max_file_mb", 500.0),
    ("GRIDWATCH_MAX_FEATURES", "5e6", "max_features", 5_000_000),
    ("GRIDWATCH_MAX_REPAIR_SECONDS", "2.5", "max_repair_seconds", 2.5),
    ("GRIDWATCH_JOIN_THREADS", "1", "join_threads", 1),
    ("GRIDWATCH_CJK_FONT", "/fonts/noto.ttc", "cjk_font", "/fonts/noto.ttc"),
    ("GRIDWATCH_LEVELS", "levels.toml", "levels", "levels.toml"),
    ("GRIDWATCH_VIEWS", "map, upload,", "views", ("map", "upload")),
    ("GRIDWATCH_STATIC_URL", "/gw/static/", "static_url", "/gw/static"),
    ("GRIDWATCH_BASEMAP", " amap ", "basemap", "amap"),
    ("GRIDWATCH_TILES", "http://tiles/{z}/{x}/{y}.png", "tiles", "http://tiles/{z}/{x}/{y}.png"),
    ("GRIDWATCH_TILES_ATTRIBUTION", "内网瓦片", "tiles_attribution", "内网瓦片"),
    ("GRIDWATCH_TILES_CRS", "GCJ-02", "tiles_crs", "gcj02"),
    ("GRIDWATCH_TIANDITU_KEY", "k", "tianditu_key", "k"),
    ("GRIDWATCH_UPLOAD_WORKERS", "3", "upload_workers", 3),
    ("GRIDWATCH_UPLOAD_WORKERS", "0", "upload_workers", 1),
    ("GRIDWATCH_UPLOAD_MB", "8192", "upload_mb", 8192),
    ("GRIDWATCH_UPLOAD_SECONDS", "30", "upload_seconds", 30.0),
])
def test_each_setting_is_parsed(variable, raw, field, value):
    assert getattr(settings.current({variable: raw}), field) == value
    assert settings.current({variable: raw}).by_variable(variable) == value


@pytest.mark.parametrize(("variable", "raw"), [
    ("GRIDWATCH_LANG", "fr"),
    ("GRIDWATCH_JOIN_THREADS", "many"),
    ("GRIDWATCH_JOIN_THREADS", "0"),
    ("GRIDWATCH_TILES_CRS", "bd09"),
    ("GRIDWATCH_UPLOAD_WORKERS", "two"),
    ("GRIDWATCH_UPLOAD_MB", "100"),
    ("GRIDWATCH_UPLOAD_SECONDS", "soon"),
    ("GRIDWATCH_UPLOAD_SECONDS", "-1"),
])
def test_a_tolerated_bad_value_falls_back_to_the_default_and_says_so(variable, raw):
    s = settings.current({variable: raw})
    field = FIELD_OF[variable]
    assert getattr(s, field) == getattr(Settings(), field)
    s.check()  # tolerated: nothing raised
    assert [name for name, _ in s.ignored] == [field]
    row = next(r for r in settings.describe({variable: raw}) if r.variable == variable)
    assert row.source.startswith("default (ignored:")
    assert variable in row.source and raw in row.source


@pytest.mark.parametrize("raw", ["abc", "0", "-5", "inf", "nan"])
def test_a_bad_limit_is_refused_naming_the_variable(raw):
    s = settings.current({"GRIDWATCH_MAX_CELLS": raw})
    with pytest.raises(OptionError) as err:
        limits.current({"GRIDWATCH_MAX_CELLS": raw})
    assert err.value.key == "limits.bad_value"
    assert "GRIDWATCH_MAX_CELLS" in err.value.message and "positive number" in err.value.message
    assert "2000000" in err.value.hint  # the default
    with pytest.raises(OptionError):
        s.check("max_cells")
    s.check("lang")  # another setting is not concerned
    row = next(r for r in settings.describe({"GRIDWATCH_MAX_CELLS": raw}) if r.variable == "GRIDWATCH_MAX_CELLS")
    assert row.source.startswith("error:")


def test_the_error_of_a_bad_setting_names_the_allowed_values_in_both_languages():
    row = next(r for r in settings.describe({"GRIDWATCH_TILES_CRS": "bd09"}) if r.variable == "GRIDWATCH_TILES_CRS")
    assert "wgs84, gcj02" in row.source
    [(name, err)] = settings.current({"GRIDWATCH_TILES_CRS": "bd09"}).ignored
    assert name == "tiles_crs" and err.key == "settings.bad_value"
    zh, _ = err.localized("zh")
    assert "GRIDWATCH_TILES_CRS" in zh and "wgs84, gcj02" in zh


def test_blank_values_are_unset():
    s = settings.current({"GRIDWATCH_MAX_FILE_MB": " ", "GRIDWATCH_LANG": "", "GRIDWATCH_UPLOAD_MB": "",
                          "GRIDWATCH_STORE": "", "GRIDWATCH_VIEWS": ""})
    assert s == Settings()
    assert not s.problems


def test_current_reads_os_environ_again_when_it_changes(monkeypatch):
    monkeypatch.delenv("GRIDWATCH_LANG", raising=False)
    assert settings.current().lang == "en"
    assert settings.current() is settings.current()  # read once for one environment
    monkeypatch.setenv("GRIDWATCH_LANG", "zh")
    assert settings.current().lang == "zh"
    settings.current.cache_clear()
    assert settings.current().lang == "zh"


def test_secrets_are_not_shown():
    row = next(r for r in settings.describe({"GRIDWATCH_TIANDITU_KEY": "s3cret"})
               if r.variable == "GRIDWATCH_TIANDITU_KEY")
    assert row.value == "(set)" and "s3cret" not in settings.table([row])


def test_limit_variables_are_the_settings():
    assert set(limits.ENV.values()) <= set(settings.variables())
    assert {f.name for f in dataclasses.fields(limits.Limits)} == {f for f, v in limits.ENV.items()}


def test_the_settings_command_prints_every_setting_and_its_source():
    env = {"PATH": "", "GRIDWATCH_LANG": "zh", "GRIDWATCH_UPLOAD_MB": "10"}
    out = subprocess.run([sys.executable, "-m", "geo", "settings"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert set(lines) == set(settings.variables())
    assert "environment" in lines["GRIDWATCH_LANG"] and " zh " in lines["GRIDWATCH_LANG"]
    assert "ignored" in lines["GRIDWATCH_UPLOAD_MB"]
    assert lines["GRIDWATCH_STORE"].rstrip().endswith("default")


def test_the_documentation_holds_the_current_table():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert settings.table(settings.describe({}), markdown=True) in doc, \
        "docs/settings.md is out of date: paste 'python -m geo settings --markdown' into it"
