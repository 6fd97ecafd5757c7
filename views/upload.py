"""The upload tab: load grids, buildings or incidents from a file, with the
same loaders and validation report as the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from geo import schema
from geo._errors import GridWatchError
from geo.pipeline import import_layer

from . import View
from .context import AppContext

__all__ = ["VIEW", "render"]

KINDS = (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS, schema.STREETS)
SUFFIXES = ["geojson", "json", "gpkg", "zip", "shp", "kml", "csv", "xlsx"]


def render(ctx: AppContext) -> None:
    """Draw the upload tab."""
    kind = st.radio(ctx.tr("app.upload_kind"), KINDS, horizontal=True, key="gw_up_kind",
                    format_func=lambda k: ctx.tr(f"kind.{k}"))
    file = st.file_uploader(ctx.tr("app.upload_file"), type=SUFFIXES, key="gw_up_file")
    crs = st.text_input(ctx.tr("app.upload_crs"), key="gw_up_crs").strip()
    itype = None
    if kind == schema.INCIDENTS:
        itype = st.selectbox(ctx.tr("app.upload_type"), [None, *ctx.types], key="gw_up_type",
                             format_func=lambda c: "—" if c is None else ctx.type_label(c))
    check, load = st.columns(2)
    do_check = check.button(ctx.tr("app.upload_check"), disabled=file is None, key="gw_up_check")
    do_load = load.button(ctx.tr("app.upload_go"), type="primary", disabled=file is None, key="gw_up_go")
    if file is None or not (do_check or do_load):
        _show_last(ctx)
        return
    options: dict[str, Any] = {}
    if crs:
        options["crs"] = crs
    if itype:
        options["type_value"] = itype
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(file.name).name
        path.write_bytes(file.getvalue())
        try:
            report = import_layer(ctx.store, kind, path, dry_run=not do_load, **options)
        except GridWatchError as exc:
            st.error(ctx.tr("app.upload_error", error=exc.message))
            if exc.hint:
                st.caption(ctx.tr("app.hint", hint=exc.hint))
            return
    key = "app.upload_ok" if do_load else "app.upload_checked"
    msg = ctx.tr(key, n=report.rows, kind=ctx.tr(f"kind.{kind}"))
    st.session_state["gw_up_last"] = (msg, report.to_frame())
    _show_last(ctx)


def _show_last(ctx: AppContext) -> None:
    last = st.session_state.get("gw_up_last")
    if not last:
        return
    msg, issues = last
    st.success(msg)
    if issues.empty:
        st.caption(ctx.tr("app.upload_no_issues"))
    else:
        st.markdown(f"**{ctx.tr('app.upload_issues', n=len(issues))}**")
        st.dataframe(issues, hide_index=True, width="stretch")


VIEW = View(key="upload", label="app.tab_upload", order=90, render=render)
