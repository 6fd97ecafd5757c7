"""Every text the Chinese app shows goes through the translation table: no
English template, no raw key, no "None" for a missing value, no ``lon``/``lat``
heading (AppTest over the map, rain and upload tabs)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo import i18n, schema
from geo.i18n import LANGUAGES, STRINGS, column_label, t, translator
from geo.store import open_store
from tests import paths
from tests.app.apptest import app_test

APP = paths.APP
#: Three English words in a row: an untranslated sentence.
ENGLISH = re.compile(r"\b[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}\b")
RAW_KEY = re.compile(r"^(app|map|rain|routes|route|err|check|col|status|severity|kind)\.[a-z0-9_.]+$")
MISSING = {"None", "nan", "NaN", "NaT", "<NA>", "null"}
#: Texts allowed in ASCII: names of things (base maps, formats) and the language switch.
ALLOWED = {"OpenStreetMap", "English", "语言 / Language"}


@pytest.fixture
def store(tmp_path, monkeypatch, map_layers) -> Path:
    layers = map_layers
    inc = layers[schema.INCIDENTS]
    inc.loc[inc["incident_id"] == "I001", "reported_at"] = None  # a report without a time
    inc.loc[inc["incident_id"] == "I002", "description"] = None
    path = tmp_path / "gw.gpkg"
    open_store(path).write(layers=layers, note="i18n test")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    return path


def _texts(node: Any, out: list[tuple[str, str]], where: str = "") -> None:
    name = type(node).__name__
    for attr in ("value", "label", "placeholder", "help"):
        v = getattr(node, attr, None)
        if isinstance(v, str) and name not in ("Html",) and not (name == "Markdown" and v.startswith("<div")):
            out.append((f"{name}.{attr}", v))
    if name in ("Selectbox", "Radio", "Multiselect"):
        out.extend((f"{name}.option", str(o)) for o in node.options)
    if name == "Dataframe":
        df = node.value
        blank = node.proto.HasField("placeholder") and node.proto.placeholder == ""  # missing shown as empty
        out.extend(("heading", str(c)) for c in df.columns)
        for c in df.columns:
            out.extend((f"cell[{c}]", "None" if v is None else str(v)) for v in df[c].tolist()
                       if isinstance(v, str) or (not blank and (v is None or pd.isna(v))))
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            _texts(child, out, where)


def _problems(at: AppTest, where: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    _texts(at._tree, out, where)
    bad = []
    for kind, text in out:
        if kind.startswith("Markdown") and "数据库:" in text or text in ALLOWED or kind.endswith(".value") and \
                kind.split(".")[0] in ("Selectbox", "Radio", "Multiselect", "Checkbox", "TextInput", "NumberInput"):
            continue  # widget values are codes (shown through format_func); the store path is a path
        if text.startswith("数据库: "):
            continue
        plain = re.sub(r"<[^>]+>|[A-Za-z0-9_.-]+\.(gpkg|csv|geojson|xlsx|pdf)", "", text)
        if (text.strip() in MISSING or RAW_KEY.match(text) or text in ("lon", "lat")
                or "outside all grids" in text or ENGLISH.search(plain)):
            bad.append((kind, text[:160]))
    return bad


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_map_and_rain_tabs_speak_chinese_only(store):
    at = _run(app_test(timeout=120))
    at.session_state["gw_map"] = {"last_object_clicked_count": 1, "last_clicked": {"lat": 30.502, "lng": 114.402},
                                  "last_active_drawing": {"properties": {"kind": "grid", "id": "G1"}}}
    at = _run(at)
    at.selectbox(key="rain_flood_id").set_value("I004")
    at = _run(at)
    assert any("积水点 I004" in m.value for m in at.markdown)  # the flood response is drawn
    assert not _problems(at), _problems(at)
    headings = [str(c) for d in at.dataframe for c in d.value.columns]
    assert "经度" in headings and "纬度" in headings


def test_an_incident_without_a_time_shows_an_empty_cell(store):
    at = _run(app_test(timeout=120))
    at.session_state["gw_map"] = {"last_object_clicked_count": 1, "last_clicked": {"lat": 30.502, "lng": 114.402},
                                  "last_active_drawing": {"properties": {"kind": "grid", "id": "G1"}}}
    at = _run(at)
    table = next(d.value for d in at.dataframe if "上报时间" in d.value.columns)
    row = table[table.iloc[:, 0] == "I001"].iloc[0]
    assert row["上报时间"] == ""


def test_upload_tab_and_its_report_speak_chinese(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_VIEWS", "upload")
    bad = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.402, 30.503]},
         "properties": {"incident_id": "X2", "type": "flooding", "status": "reported"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [114.403, 30.503]},
         "properties": {"incident_id": "X2", "type": "flooding", "status": "reported"}},
    ]}
    at = _run(app_test(timeout=120))
    at.radio(key="gw_up_kind_zh").set_value("incidents")
    at = _run(at)
    at.get("file_uploader")[0].set_value(("bad.geojson", json.dumps(bad).encode(), "application/geo+json"))
    at = _run(at)
    at.checkbox(key="gw_up_replace").check()
    at = _run(at)
    next(b for b in at.button if b.label == "校验文件").click()
    at = _run(at)
    report = next(d.value for d in at.dataframe if "代码" in d.value.columns)
    assert set(report["级别"]) <= {"错误", "警告"}
    assert not _problems(at, "report"), _problems(at, "report")
    css = next(h.value for h in at.get("html") if "stFileUploaderDropzone" in h.value)
    assert 'content:"选择文件"' in css and "单个文件不超过 200 MB" in css  # instead of "Upload", "200MB per file"


def test_every_app_key_reads_in_both_languages():
    import string

    for key, (zh, en) in i18n.STRINGS.items():
        if key.startswith(("app.", "err.app.", "err.types.")):
            fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
            assert zh.strip() and en.strip() and fields(zh) == fields(en), key


def test_flood_response_reads_in_english_too(store):
    at = _run(app_test(timeout=120))
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = _run(at)
    at.selectbox(key="rain_flood_id").set_value("I004")
    at = _run(at)
    line = next(m.value for m in at.markdown if "I004" in m.value)
    assert line.startswith("**Flooding point I004, radius 100 m** · 1 buildings")
    headings = {str(c) for d in at.dataframe for c in d.value.columns}
    assert {"Distance (m)", "Longitude", "Latitude"} <= headings
    assert not {"lon", "lat", "距离(米)"} & headings
    assert any(tab.label.startswith("Rain grates to clear (nearest first) (") for tab in at.tabs)


class TestI18n:
    def test_every_string_in_both_languages_with_the_same_fields(self):
        field = re.compile(r"\{(\w+)[^}]*\}")
        for key, pair in STRINGS.items():
            assert len(pair) == len(LANGUAGES) and all(s.strip() for s in pair), key
            assert set(field.findall(pair[0])) == set(field.findall(pair[1])), key

    def test_lookup(self):
        assert t("app.tab_map") == "地图" and t("app.tab_map", "en") == "Map"
        assert t("no.such.key", "en") == "no.such.key"
        assert translator("en")("app.shown", incidents=1, total=2, grids=3, buildings=4).startswith("Showing 1")
        assert column_label("n_flooding", "en", {"flooding": "Flooding point"}) == "Flooding point"
        assert column_label("n_status_blocked", "zh") == "堵塞"
