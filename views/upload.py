"""The upload tab: load grids, buildings or incidents from a file, with the
same loaders and validation report as the command line."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from geo import schema
from geo._errors import GridWatchError
from geo.pipeline import ImportRefused, import_layer

from . import View
from .context import AppContext

__all__ = ["VIEW", "render"]

KINDS = (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS, schema.STREETS, schema.FLOOD_ZONES)
SUFFIXES = ["geojson", "json", "gpkg", "zip", "shp", "kml", "csv", "xlsx"]
#: Columns of the validation report (``ValidationReport.to_frame``) shown, in order.
REPORT_COLUMNS = ("level", "code", "message", "count", "ids", "lon", "lat", "area_m2")


def render(ctx: AppContext) -> None:
    """Draw the upload tab."""
    kind = _kind(ctx)
    file = st.file_uploader(ctx.tr("app.upload_file"), type=SUFFIXES, key="gw_up_file")
    crs = st.text_input(ctx.tr("app.upload_crs"), key="gw_up_crs").strip()
    itype = None
    if kind == schema.INCIDENTS:
        itype = st.selectbox(ctx.tr("app.upload_type"), [None, *ctx.types], key=f"gw_up_type_{ctx.lang}",
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
        except ImportRefused as exc:
            # Every problem, not only the first: the same report as ``python -m geo validate``.
            st.session_state["gw_up_last"] = ("error", ctx.tr("app.upload_refused", name=file.name,
                                                              n=len(exc.report.errors)), exc.report.to_frame())
        except GridWatchError as exc:
            st.session_state.pop("gw_up_last", None)
            st.error(ctx.tr("app.upload_error", error=exc.message))
            if exc.hint:
                st.caption(ctx.tr("app.hint", hint=exc.hint))
            return
        else:
            key = "app.upload_ok" if do_load else "app.upload_checked"
            msg = ctx.tr(key, n=report.rows, kind=ctx.tr(f"kind.{kind}"))
            st.session_state["gw_up_last"] = ("ok", msg, report.to_frame())
    _show_last(ctx)


def _kind(ctx: AppContext) -> str:
    """The layer radio; its choice survives a language switch (the browser
    resets a radio whose labels change, so it is keyed per language)."""
    kept = st.session_state.get("gw_up_kind_value", schema.GRIDS)
    kind = st.radio(ctx.tr("app.upload_kind"), KINDS, horizontal=True, key=f"gw_up_kind_{ctx.lang}",
                    index=KINDS.index(kept) if kept in KINDS else 0, format_func=lambda k: ctx.tr(f"kind.{k}"))
    st.session_state["gw_up_kind_value"] = kind
    return str(kind)


def report_table(issues: pd.DataFrame, lang_tr: Any) -> pd.DataFrame:
    """The validation report with translated headers and levels.

    Parameters
    ----------
    issues
        ``ValidationReport.to_frame()``.
    lang_tr
        The translator (``ctx.tr``).

    Returns
    -------
    pandas.DataFrame
        One row per issue, errors first.
    """
    cols = [c for c in REPORT_COLUMNS if c in issues.columns]
    out = issues[cols].copy()
    out["level"] = pd.Categorical(out["level"], categories=["error", "warning"], ordered=True)
    out = out.sort_values("level", kind="stable")
    out["level"] = out["level"].astype(str).map(lambda v: lang_tr(f"app.upload_level_{v}")
                                                if v in ("error", "warning") else v)
    for col, digits in (("lon", 6), ("lat", 6), ("area_m2", 1)):
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="coerce")
            if values.isna().all():
                out = out.drop(columns=col)  # no issue has a position or an area
            else:
                out[col] = ["" if pd.isna(v) else f"{v:.{digits}f}" for v in values]
    return out.rename(columns={c: lang_tr(f"app.upload_col_{c}") for c in out.columns})


def _show_last(ctx: AppContext) -> None:
    last = st.session_state.get("gw_up_last")
    if not last:
        return
    state, msg, issues = last
    (st.error if state == "error" else st.success)(msg)
    if issues.empty:
        st.caption(ctx.tr("app.upload_no_issues"))
        return
    st.markdown(f"**{ctx.tr('app.upload_issues', n=len(issues))}**")
    st.dataframe(report_table(issues, ctx.tr), hide_index=True, width="stretch")
    st.download_button(ctx.tr("app.upload_report_csv"), issues.to_csv(index=False).encode("utf-8-sig"),
                       file_name="validation-report.csv", mime="text/csv", key="gw_up_report_csv")


VIEW = View(key="upload", label="app.tab_upload", order=90, render=render)
