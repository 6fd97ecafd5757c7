"""The upload tab through Streamlit's AppTest: every import option, check
then load, a time limit, messages in the app's words."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from geo import schema
from geo.audit import read_audit
from geo.store import open_store
from tests import paths
from tests.app.apptest import ADMIN, app_test
from views.parts.guard import new_reference
from views.parts.worker import run_job, time_limit
from views.upload import FLAG_LABELS, app_words, import_options, value_maps_from

APP = paths.APP

#: A points list as a city exports it: Chinese headers, no id, no type, its own status words.
POLES_CSV = "名称,经度,纬度,状况\n一号杆,114.4021,30.5021,正常\n二号杆,114.4061,30.5022,堵塞\n三号杆,114.4101,30.5023,正常\n"


@pytest.fixture
def store(tmp_path, monkeypatch, make_map_store) -> Path:
    path = make_map_store(tmp_path / "gw.gpkg")
    monkeypatch.setenv("GRIDWATCH_STORE", str(path))
    monkeypatch.setenv("GRIDWATCH_BASEMAP", "none")
    monkeypatch.setenv("GRIDWATCH_VIEWS", "upload")
    return path


def run(at: AppTest | None = None) -> AppTest:
    at = (at or app_test(timeout=90)).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def upload(at: AppTest, kind: str, name: str, data: bytes) -> AppTest:
    at.radio(key="gw_up_kind_zh").set_value(kind)
    at = run(at)
    at.get("file_uploader")[0].set_value((name, data, "application/octet-stream"))
    return run(at)


def messages(at: AppTest) -> str:
    parts = [str(e.value) for e in at.error] + [str(s.value) for s in at.success] + [c.value for c in at.caption]
    parts += [str(w.value) for w in at.warning]
    return "\n".join(parts)


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return run(at)


def test_a_file_without_ids_or_types_loads_with_the_tab_options(store):
    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    assert at.selectbox(key="gw_up_x_zh").options == ["自动识别", "名称", "经度", "纬度", "状况"]  # the file's columns
    assert not at.button(key="gw_up_check").disabled and at.button(key="gw_up_go").disabled  # check first
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at.selectbox(key="gw_up_type_zh").set_value("drain_grate")
    at.selectbox(key="gw_up_id_incidents_zh").set_value("名称")
    at.selectbox(key="gw_up_f_incidents_description_zh").set_value("状况")
    at = run(at)
    before = open_store(store).version
    at = click(at, "校验文件")
    assert "校验完成: poles.csv 有 3 条事件，可以导入。" in messages(at)
    assert open_store(store).version == before  # the check writes nothing
    assert not at.button(key="gw_up_go").disabled
    at = click(at, "导入")
    assert "已导入 3 条事件。" in messages(at)
    # the import ran in a worker process, as the signed-in user: the audit log names them
    entries = read_audit(open_store(store), action="replace")
    assert list(entries["by"].tail(1)) == [ADMIN.name] and list(entries["role"].tail(1)) == ["admin"]
    got = open_store(store).read(schema.INCIDENTS).set_index("incident_id")
    assert got.loc["二号杆", "type"] == "drain_grate" and got.loc["二号杆", "description"] == "堵塞"
    assert got.loc["二号杆", "grid_id"] == "G2"


def test_changing_an_option_after_the_check_asks_for_a_new_check(store):
    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at.selectbox(key="gw_up_type_zh").set_value("drain_grate")
    at.selectbox(key="gw_up_id_incidents_zh").set_value("名称")
    at = click(run(at), "校验文件")
    assert not at.button(key="gw_up_go").disabled
    at.selectbox(key="gw_up_type_zh").set_value("flooding")
    at = run(at)
    assert at.button(key="gw_up_go").disabled
    assert "文件或选项已改动，请重新校验" in messages(at)


def test_errors_name_the_widgets_not_command_line_flags(store):
    at = upload(run(), "incidents", "nocoords.csv", "编号,东,北\nA,114.40,30.50\n".encode())
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at = click(run(at), "校验文件")
    shown = messages(at)
    assert "--" not in shown, shown
    assert "“经度（X）列”" in shown and "“纬度（Y）列”" in shown


def test_replace_needs_a_confirmation(store):
    grids = gpd.GeoDataFrame({"grid_id": ["N1"], "name": ["新网格"]}, geometry=[box(114.4, 30.5, 114.41, 30.51)],
                             crs=schema.STORAGE_CRS)
    at = upload(run(), "grids", "grids.geojson", grids.to_json().encode())
    at.checkbox(key="gw_up_replace").check()
    at = click(run(at), "校验文件")
    assert "替换会删除库中现有的全部网格" in messages(at)
    assert at.button(key="gw_up_go").disabled  # checked, but not confirmed
    at.checkbox(key="gw_up_replace_ok").check()
    at = click(run(at), "导入")
    assert list(open_store(store).read(schema.GRIDS)["grid_id"]) == ["N1"]


def test_layers_of_a_geopackage_are_offered(store, tmp_path, map_layers):
    src = tmp_path / "two.gpkg"
    layers = map_layers
    layers[schema.BUILDINGS].to_file(src, layer="楼栋", driver="GPKG")
    layers[schema.GRIDS].to_file(src, layer="网格", driver="GPKG")
    at = upload(run(), "buildings", "two.gpkg", src.read_bytes())
    box_ = at.selectbox(key=next(k for k in (s.key for s in at.selectbox) if k and k.startswith("gw_up_layer_")))
    assert box_.options == ["楼栋", "网格"]
    assert "name" in at.selectbox(key="gw_up_id_buildings_zh").options


def test_a_check_that_passes_the_time_limit_is_stopped_and_writes_nothing(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_UPLOAD_SECONDS", "0.5")  # less than a worker takes to start
    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    before = open_store(store).version
    t0 = time.monotonic()
    at = click(at, "校验文件")
    assert time.monotonic() - t0 < 20
    assert "poles.csv 在 0.5 秒内没有处理完，已停止，数据库没有改动" in messages(at)
    assert open_store(store).version == before
    assert not multiprocessing.active_children()  # the worker is gone


def test_worker_is_killed_at_the_limit_while_it_holds_a_core():
    t0 = time.monotonic()
    result = run_job("spin", {"seconds": 60}, seconds=1.5)
    assert result.status == "timeout" and time.monotonic() - t0 < 10
    assert not multiprocessing.active_children()


def test_worker_is_killed_when_the_page_stops_waiting():
    class Left(BaseException):
        """What Streamlit raises in a script whose page has gone."""

    calls = []

    def wait(seconds: float) -> None:
        calls.append(seconds)
        if seconds > 0.5:
            raise Left

    with pytest.raises(Left):
        run_job("sleep", {"seconds": 60}, seconds=30, on_wait=wait)
    assert calls and not multiprocessing.active_children()


def test_worker_reports_user_errors_with_their_key(tmp_path):
    result = run_job("import", {"store": str(tmp_path / "s.gpkg"), "kind": "grids", "path": str(tmp_path / "nope.csv"),
                                "dry_run": True})
    assert result.status == "error" and result.error is not None
    assert "nope.csv" in result.error.localized("zh")[0]


def test_time_limit_setting():
    assert time_limit({}) == 120
    assert time_limit({"GRIDWATCH_UPLOAD_SECONDS": "30"}) == 30
    assert time_limit({"GRIDWATCH_UPLOAD_SECONDS": "-1"}) == 120
    assert time_limit({"GRIDWATCH_UPLOAD_SECONDS": "soon"}) == 120


def test_import_options_pass_only_what_is_set():
    assert import_options("grids", {"crs": None, "fields": {"name": None}, "swap_xy": False}) == {}
    assert import_options("incidents", {
        "layer": "Sheet2", "crs": "gcj02", "x_field": "经度", "swap_xy": True, "id_field": "编号",
        "fields": {"status": "状况", "severity": None}, "type_value": "drain_grate", "merge_duplicates": True,
        "value_maps": {"status": {"正常": "ok"}}, "sliver_m2": 5.0,
    }) == {"layer": "Sheet2", "crs": "gcj02", "x_field": "经度", "swap_xy": True,
           "fields": {"status": "状况", "incident_id": "编号"}, "type_value": "drain_grate",
           "merge_duplicates": True, "value_maps": {"status": {"正常": "ok"}}}  # sliver tolerance: grids only
    assert import_options("buildings", {"id_from_row": True, "id_prefix": " B", "id_field": "x"})["id_from_row"] == "B"
    assert import_options("streets", {"crs": "gcj02"}) == {}


def test_value_maps_from_the_editable_table():
    table = pd.DataFrame({"column": ["status", "status", "severity", None], "source": ["正常", " 堵塞 ", "高", "x"],
                          "code": ["ok", "blocked", "high", "ok"]})
    assert value_maps_from(table) == {"status": {"正常": "ok", "堵塞": "blocked"}, "severity": {"高": "high"}}
    assert value_maps_from(None) == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_app_words_replace_every_flag(lang):
    text = " ".join(FLAG_LABELS) + " and 'python -m geo validate' then python -m geo import"
    out = app_words(text, lang)
    assert "--" not in out and "python -m" not in out
    assert app_words("Use --crs gcj02.", "zh") == "Use “坐标系” gcj02."
    # a placeholder of the option's value goes with it; a real value stays
    assert app_words("Name the column that holds it with --id-field COLUMN.", "zh") == \
        "Name the column that holds it with “编号列”."
    assert app_words("Map it with --field SCHEMA=COLUMN, e.g. --field name=楼栋名称.", "en") == \
        "Map it with “Field mapping”, e.g. “Field mapping” name=楼栋名称."
    assert app_words("Use --incident ID, or --at lon,lat (with --radius).", "zh") == \
        "Use “积水点”, or “位置（经度,纬度）” lon,lat (with “半径（米）”)."


def test_reference_has_the_date_and_six_hex_digits():
    import re
    from datetime import datetime, timezone

    ref = new_reference(datetime(2026, 12, 2, tzinfo=timezone.utc))
    assert re.fullmatch(r"GW-20261202-[0-9a-f]{6}", ref)


def test_sheets_of_a_workbook_are_offered_with_their_own_columns(store, tmp_path):
    src = tmp_path / "book.xlsx"
    with pd.ExcelWriter(src) as xw:
        pd.DataFrame({"说明": ["这是封面"]}).to_excel(xw, sheet_name="封面", index=False)
        pd.DataFrame({"编号": ["W1"], "类型": ["flooding"], "东经": [114.402], "北纬": [30.502]}).to_excel(
            xw, sheet_name="积水点", index=False)
    at = upload(run(), "incidents", "book.xlsx", src.read_bytes())
    key = next(s.key for s in at.selectbox if s.key and s.key.startswith("gw_up_layer_"))
    assert at.selectbox(key=key).options == ["封面", "积水点"]
    assert at.selectbox(key="gw_up_x_zh").options == ["自动识别", "说明"]
    at.selectbox(key=key).set_value("积水点")
    at = run(at)
    assert at.selectbox(key="gw_up_x_zh").options == ["自动识别", "编号", "类型", "东经", "北纬"]
    at.selectbox(key="gw_up_x_zh").set_value("东经")
    at.selectbox(key="gw_up_y_zh").set_value("北纬")
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at.selectbox(key="gw_up_id_incidents_zh").set_value("编号")
    at.selectbox(key="gw_up_type_field_zh").set_value("类型")
    at = click(run(at), "校验文件")
    assert "校验完成: book.xlsx 有 1 条事件，可以导入。" in messages(at), messages(at)


def test_numbering_rows_is_passed_to_the_loader_or_refused_plainly(store):
    from geo.io import load_layer

    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at.selectbox(key="gw_up_type_zh").set_value("drain_grate")
    at.checkbox(key="gw_up_id_from_row").check()
    at = run(at)
    at.text_input(key="gw_up_id_prefix").input("P")
    at = click(run(at), "校验文件")
    import inspect

    if "id_from_row" in inspect.signature(load_layer).parameters:
        assert "校验完成: poles.csv 有 3 条事件" in messages(at), messages(at)
    else:  # a loader without the option: said plainly, nothing run
        assert "这个版本的导入程序还不支持以下选项: id_from_row" in messages(at)
        assert at.button(key="gw_up_go").disabled


def _star_polygon(n: int = 2001) -> bytes:
    """A star of ``n`` points whose every edge crosses nearly every other:
    81 KB that the loader's geometry repair does not finish in a minute."""
    import json
    import math

    step = n // 2 - 1
    ring = [[114.40 + 0.01 * math.cos(2 * math.pi * k * step / n), 30.50 + 0.01 * math.sin(2 * math.pi * k * step / n)]
            for k in range(n)]
    ring.append(ring[0])
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"grid_id": "S1"}, "geometry": {"type": "Polygon", "coordinates": [ring]}}]}
    ).encode()


def test_a_polygon_that_never_finishes_is_stopped_at_the_limit(store, monkeypatch):
    monkeypatch.setenv("GRIDWATCH_UPLOAD_SECONDS", "4")
    # the loader's own repair limit would refuse it first: the upload's limit is what is tested here
    monkeypatch.setenv("GRIDWATCH_MAX_REPAIR_SECONDS", "600")
    at = upload(run(), "grids", "star.geojson", _star_polygon())
    before = open_store(store).version
    t0 = time.monotonic()
    at = click(at, "校验文件")
    took = time.monotonic() - t0
    assert 4 <= took < 15, took  # stopped at the limit, not when the repair ends
    assert "star.geojson 在 4 秒内没有处理完，已停止，数据库没有改动" in messages(at)
    assert open_store(store).version == before
    assert not multiprocessing.active_children()
    assert at.button(key="gw_up_go").disabled


def test_a_second_job_waits_for_the_first_and_gives_up_at_its_limit():
    import threading

    first: dict[str, object] = {}
    runner = threading.Thread(target=lambda: first.update(r=run_job("sleep", {"seconds": 4}, seconds=20)))
    runner.start()
    time.sleep(0.5)
    waited: list[float] = []
    second = run_job("sleep", {"seconds": 0}, seconds=1.5, on_wait=waited.append)
    runner.join()
    assert second.status == "busy" and waited and all(w < 0 for w in waited)  # never started
    assert first["r"].status == "ok"  # type: ignore[union-attr]
    assert run_job("sleep", {"seconds": 0}, seconds=20).status == "ok"  # the slot is free again


def test_upload_choices_survive_a_language_switch(store):
    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    at.selectbox(key="gw_up_crs_zh").set_value("gcj02")
    at.selectbox(key="gw_up_type_zh").set_value("drain_grate")
    at.selectbox(key="gw_up_id_incidents_zh").set_value("名称")
    at = run(at)
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert at.selectbox(key="gw_up_crs_en").value == "gcj02"
    assert at.selectbox(key="gw_up_type_en").value == "drain_grate"
    assert at.selectbox(key="gw_up_id_incidents_en").value == "名称"
    assert at.button(key="gw_up_check").label == "Check the file"


def test_a_check_reads_in_the_other_language_after_a_switch(store):
    at = upload(run(), "incidents", "poles.csv", POLES_CSV.encode())
    at.selectbox(key="gw_up_crs_zh").set_value("EPSG:4326")
    at.selectbox(key="gw_up_type_zh").set_value("drain_grate")
    at.selectbox(key="gw_up_id_incidents_zh").set_value("名称")
    at = click(run(at), "校验文件")
    assert "校验完成: poles.csv 有 3 条事件，可以导入。" in messages(at)
    at.sidebar.radio(key="gw_lang").set_value("en")
    at = run(at)
    assert "Checked: poles.csv holds 3 incidents and can be loaded." in messages(at)
    assert not at.button(key="gw_up_go").disabled  # the check still holds: same file, same options


def test_worker_stops_at_the_memory_limit(monkeypatch):
    from views.parts.worker import memory_limit

    monkeypatch.setenv("GRIDWATCH_UPLOAD_MB", "1024")
    result = run_job("hog", {"megabytes": 2048}, seconds=30)
    assert result.status == "memory" and result.value == 1024
    assert run_job("hog", {"megabytes": 64}, seconds=30).status == "ok"  # below the limit
    assert memory_limit({}) == 4096 and memory_limit({"GRIDWATCH_UPLOAD_MB": "100"}) == 4096


SHARED = paths.SHARED


@pytest.mark.skipif(not (SHARED / "china").is_dir() and os.environ.get("CI") != "true",
                    reason="the shared test data (../shared/data/china) is not beside the checkout")
def test_real_building_footprints_need_their_id_column_then_load(store, map_layers):
    """OpenStreetMap-derived footprints of Wuhan's Optics Valley (a tiled export):
    no building_id column, then ids shared by the pieces of one building; each
    message names the widget that fixes it."""
    src = SHARED / "china" / "wuhan_optics_valley_buildings.geojson"
    at = upload(run(), "buildings", src.name, src.read_bytes())
    at = click(at, "校验文件")
    shown = messages(at)
    assert "building_id" in shown and "“编号列”" in shown and "--" not in shown, shown
    assert "id" in at.selectbox(key="gw_up_id_buildings_zh").options
    at.selectbox(key="gw_up_id_buildings_zh").set_value("id")
    at = click(run(at), "校验文件")
    # A tiled export: one building in several pieces sharing an id. The report says which
    # widget merges them, not which flag.
    report = next(d.value for d in at.dataframe if "代码" in d.value.columns)
    (problem,) = report.loc[report["代码"] == "duplicate_id", "问题"]
    assert "“同一编号的多行是同一对象的几部分（合并）”" in problem and "--" not in problem
    assert at.button(key="gw_up_go").disabled
    at.checkbox(key="gw_up_merge").check()
    at = click(run(at), "校验文件")
    assert "校验完成: wuhan_optics_valley_buildings.geojson 有" in messages(at), messages(at)
    merged = next(d.value for d in at.dataframe if "代码" in d.value.columns)
    (parts,) = merged.loc[merged["代码"] == "building_parts_merged", "数量"]
    assert int(parts) == 3
    at = click(at, "导入")
    assert "已导入 " in messages(at) and "条楼栋。" in messages(at)
    stored = open_store(store).read(schema.BUILDINGS)
    import json

    ids = {f["properties"]["id"] for f in json.loads(src.read_text(encoding="utf-8"))["features"]}
    # one building per id (pieces merged, label points dropped), less the 3 building parts
    # merged into the buildings they lie in (the report lists them), beside the fixture's nine
    assert len(stored) == len(ids) - 3 + len(map_layers[schema.BUILDINGS])
    assert stored["building_id"].is_unique
