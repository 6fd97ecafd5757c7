"""What a user sees when a view fails: a plain message with a reference,
never a traceback; the traceback is in the server's log under that reference."""

from __future__ import annotations

import re
import tomllib

from streamlit.testing.v1 import AppTest

from tests import paths

ROOT = paths.ROOT


def _failing_view() -> None:
    import streamlit as st

    from views.parts.guard import guarded

    with guarded("zh", "demo"):
        st.write("drawn before the fault")
        {}["missing"]  # noqa: B018 - an internal error of the view


def _user_error_view() -> None:
    from geo.errors import OptionError
    from views.parts.guard import guarded

    with guarded("zh", "demo"):
        raise OptionError.of("types.builtin", code="flooding")


def _stopping_view() -> None:
    import streamlit as st

    from views.parts.guard import guarded

    with guarded("zh", "demo"):
        st.write("shown")
        st.stop()
    st.write("never reached")


def test_internal_error_shows_a_reference_and_logs_the_traceback(capfd):
    at = AppTest.from_function(_failing_view).run()
    assert not at.exception  # nothing reaches Streamlit's own error box
    (msg,) = [str(e.value) for e in at.error]
    ref = re.search(r"GW-\d{8}-[0-9a-f]{6}", msg)
    assert ref and msg.startswith("抱歉，这部分页面出错了") and "KeyError" not in msg
    assert "数据没有改动" in at.caption[0].value
    log = capfd.readouterr().err
    assert f"internal error in demo, reference {ref.group(0)}" in log and "KeyError: 'missing'" in log


def test_user_error_shows_its_message_and_hint_in_the_language():
    at = AppTest.from_function(_user_error_view).run()
    assert not at.exception
    assert [str(e.value) for e in at.error] == ["事件类型 flooding 是内置类型，不能重新定义。"]
    assert at.caption[0].value == "提示: 为你的类型另取一个代码。"


def test_streamlit_control_flow_passes_through():
    at = AppTest.from_function(_stopping_view).run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == ["shown"]


def test_streamlit_settings_hide_error_details_and_bound_uploads():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    # Streamlit 1.67: "none" hides type, message and traceback; `false` (deprecated) would show the traceback.
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["maxUploadSize"] == 200


def test_streamlit_settings_bind_this_machine_only():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"


def _make_run(*args: str, store: str | None = "/elsewhere/own.gpkg") -> str:
    import subprocess

    env = {"PATH": "/usr/bin:/bin", **({"GRIDWATCH_STORE": store} if store else {})}
    out = subprocess.run(["make", "-n", "-s", "run", *args], cwd=ROOT, capture_output=True, text=True, env=env,
                         check=True)
    return next(line for line in out.stdout.splitlines() if " -m geo serve" in line)


def test_make_run_serves_through_geo_serve_and_passes_a_store_only_when_one_is_given():
    assert "--store" not in _make_run() and "--demo" not in _make_run()  # the app then reads GRIDWATCH_STORE
    assert _make_run("STORE=mine.gpkg").endswith("--store mine.gpkg")
    assert "--demo" not in _make_run("STORE=mine.gpkg")


def test_make_run_on_the_bundled_demo_is_demo_mode():
    line = _make_run(store=None)
    assert line.endswith("--demo") and "--store" not in line
