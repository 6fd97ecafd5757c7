"""The upload tab: load a layer from a file, as ``python -m geo import`` does.

Grids, buildings, incidents or streets, from a file,
with every option of ``python -m geo import`` and the same report.

Two steps, as on the command line: **check** (``validate``: the full report,
nothing written), then **load** (``import``), enabled only once the check of
this very file with these very options found no error. Both run in a worker
process bounded in time (:mod:`views.parts.worker`), so a file that never
finishes cannot hold a core after its uploader has gone.

Messages come from the loaders in the user's language
(``GridWatchError.localized``, ``ValidationReport.to_frame(lang)``). They are
written for the command line and may name its options (``--id-field``);
:func:`views.parts.words.app_words` replaces each option by the label of the
widget that sets it here (“编号列”), so the app never tells a user to type a
flag.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import pandas as pd
import streamlit as st

from geo import schema
from geo.access import allowed
from geo.i18n import column_label, t
from geo.io import load_layer
from geo.safe import spreadsheet_frame

from . import View
from .context import AppContext
from .parts.guard import LOG, error_box, new_reference
from .parts.words import FLAG_LABELS, app_words
from .parts.worker import JobResult, run_job, time_limit

__all__ = ["CRS_CHOICES", "FLAG_LABELS", "VIEW", "app_words", "import_options", "render", "report_table",
           "value_maps_from"]

KINDS: Final = (schema.GRIDS, schema.BUILDINGS, schema.INCIDENTS, schema.STREETS, schema.FLOOD_ZONES)
SUFFIXES: Final = ["geojson", "json", "gpkg", "zip", "shp", "kml", "csv", "xlsx", "osm", "pbf"]
#: Columns of the validation report (``ValidationReport.to_frame``) shown, in order.
REPORT_COLUMNS: Final = ("level", "code", "message", "count", "ids", "lon", "lat", "area_m2")
#: Coordinate systems offered: ``""`` = as the file says; ``"epsg"`` = a code typed in.
CRS_CHOICES: Final = ("", "EPSG:4326", "gcj02", "bd09", "cgcs2000", "epsg")
_CRS_LABELS: Final = {"": "app.up_crs_file", "EPSG:4326": "app.up_crs_wgs84", "gcj02": "app.up_crs_gcj02",
                      "bd09": "app.up_crs_bd09", "cgcs2000": "app.up_crs_cgcs2000", "epsg": "app.up_crs_epsg"}
#: Coded columns a value map may translate, per layer.
MAPPABLE: Final[dict[str, tuple[str, ...]]] = {
    schema.GRIDS: (),
    schema.BUILDINGS: ("basement",),
    schema.INCIDENTS: ("status", "severity", "type"),
    schema.STREETS: (),
    schema.FLOOD_ZONES: (),
}

# ------------------------------------------------------------------ options


def value_maps_from(table: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    """The value maps of the editable table (rows: column, value in the file, code).

    Rows with an empty cell are skipped; values are stripped.

    Returns
    -------
    dict: ``{"status": {"Open": "reported"}}``.
    """
    out: dict[str, dict[str, str]] = {}
    if table is None or table.empty:
        return out
    for _, row in table.iterrows():
        col, src, code = (str(row.get(k) if pd.notna(row.get(k)) else "").strip() for k in ("column", "source", "code"))
        if col and src and code:
            out.setdefault(col, {})[src] = code
    return out


def import_options(kind: str, choices: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of :func:`geo.pipeline.import_layer` for what the form holds.

    Only what is set: a loader without an option still works.

    Parameters
    ----------
    kind
        The layer.
    choices
        ``layer``, ``crs``, ``x_field``, ``y_field``, ``swap_xy``,
        ``id_field``, ``id_from_row`` (bool), ``id_prefix``, ``type_value``,
        ``type_field``, ``merge_duplicates``, ``fields`` (schema column to
        file column), ``value_maps``, ``sliver_m2``.

    Returns
    -------
    dict
    """
    if kind == schema.STREETS:
        return {}
    opts = _column_options(kind, choices)
    if choices.get("swap_xy"):
        opts["swap_xy"] = True
    if choices.get("id_from_row"):
        opts["id_from_row"] = str(choices.get("id_prefix") or "").strip()
    if choices.get("merge_duplicates"):
        opts["merge_duplicates"] = True
    if choices.get("value_maps"):
        opts["value_maps"] = choices["value_maps"]
    if kind == schema.GRIDS and choices.get("sliver_m2"):
        opts["sliver_m2"] = float(choices["sliver_m2"])
    return opts


def _column_options(kind: str, choices: dict[str, Any]) -> dict[str, Any]:
    """The options of :func:`import_options` that name the file's layer, coordinate system and columns."""
    opts: dict[str, Any] = {}
    names = ("layer", "crs", "x_field", "y_field") + (("type_value", "type_field") if kind == schema.INCIDENTS else ())
    for name in names:
        if choices.get(name):
            opts[name] = str(choices[name])
    fields = {k: v for k, v in (choices.get("fields") or {}).items() if v}
    if choices.get("id_field"):
        fields[schema.ID_COLUMN[kind]] = str(choices["id_field"])
    if fields:
        opts["fields"] = fields
    return opts


# ------------------------------------------------------------------ view


def render(ctx: AppContext) -> None:
    """Draw the upload tab (to those who may import layers)."""
    if not allowed(ctx.user, "import", anywhere=True):
        st.info(ctx.tr("privacy.no_import", role=ctx.tr(f"role.{ctx.user.audit_role}")))
        return
    _uploader_css(ctx)
    kind = _kind(ctx)
    file = st.file_uploader(ctx.tr("app.upload_file"), type=SUFFIXES, key="gw_up_file")
    if file is None:
        _show_last(ctx, None)
        return
    data = file.getvalue()
    digest = _upload_id(file, data)
    choices, replace, confirmed, link = _form(ctx, kind, file.name, data, digest)
    if isinstance(choices, str):  # the file could not be opened to list its columns
        _show_last(ctx, None)
        return
    options = import_options(kind, choices)
    sig = json.dumps([digest, file.name, kind, options, replace, link], sort_keys=True, default=str)
    check, load = st.columns(2)
    if check.button(ctx.tr("app.upload_check"), key="gw_up_check"):
        _run(ctx, kind, file.name, data, options, sig, dry_run=True, replace=replace, link=link)
    last: dict[str, Any] = st.session_state.get("gw_up_last") or {}
    can_load = last.get("sig") == sig and last.get("state") == "checked" and (confirmed or not replace)
    if load.button(ctx.tr("app.upload_go"), type="primary", disabled=not can_load, key="gw_up_go",
                   help=None if can_load else ctx.tr("app.up_load_help")) and can_load:
        _run(ctx, kind, file.name, data, options, sig, dry_run=False, replace=replace, link=link)
    _show_last(ctx, sig)


def _upload_id(file: Any, data: bytes) -> str:
    """Identifies this upload across reruns.

    Streamlit's file id, hashed once
    (not the content: a 200 MB file would be hashed on every click).
    """
    cache = st.session_state.setdefault("gw_up_ids", {})
    key = str(getattr(file, "file_id", "") or "")
    if not key or key not in cache:
        digest = hashlib.sha1(data).hexdigest()  # noqa: S324 - identifies the upload, not a secret
        if not key:
            return digest
        cache.clear()
        cache[key] = digest
    return str(cache[key])


def _kind(ctx: AppContext) -> str:
    """The layer radio, whose choice survives a language switch.

    The browser resets a radio whose labels change, so it is keyed per
    language.
    """
    kept = st.session_state.get("gw_up_kind_value", schema.GRIDS)
    kind = st.radio(ctx.tr("app.upload_kind"), KINDS, horizontal=True, key=f"gw_up_kind_{ctx.lang}",
                    index=KINDS.index(kept) if kept in KINDS else 0, format_func=lambda k: ctx.tr(f"kind.{k}"))
    st.session_state["gw_up_kind_value"] = kind
    return str(kind)


def _uploader_css(ctx: AppContext) -> None:
    """The upload box in the user's language, through CSS.

    Streamlit's upload box speaks English and has no option for its text
    (1.67): its button and size line are replaced by ours through CSS.
    """
    def css(text: str) -> str:
        return '"' + "".join(c if c.isalnum() or c in " ·,.()（）" else f"\\{ord(c):x} " for c in text) + '"'

    button = css(ctx.tr("app.up_browse"))
    limit = css(ctx.tr("app.up_limit", mb=_max_upload_mb(), types=" · ".join(s.upper() for s in SUFFIXES[:8])))
    any_file = css(ctx.tr("app.up_limit_any", mb=_max_upload_mb()))  # the other tabs' upload boxes (photos, checklists)
    button_text = "[data-testid='stFileUploaderDropzone'] > span > button [data-testid='stMarkdownContainer'] p"
    st.html(
        "<style>"
        f"{button_text}{{font-size:0}}"
        f"{button_text}::after{{content:{button};font-size:0.875rem}}"
        "[data-testid='stFileUploaderDropzoneInstructions'] span{font-size:0}"
        f"[data-testid='stFileUploaderDropzoneInstructions'] span::after{{content:{any_file};font-size:0.8rem}}"
        f".st-key-gw_up_file [data-testid='stFileUploaderDropzoneInstructions'] span::after{{content:{limit}}}"
        "</style>"
    )


def _max_upload_mb() -> int:
    try:
        return int(st.get_option("server.maxUploadSize"))
    except (RuntimeError, TypeError, ValueError):
        return 200


def _probe(ctx: AppContext, name: str, data: bytes, digest: str, layer: str | None) -> dict[str, Any] | None:
    """Layers and columns of the upload (read once per file and layer, in the worker)."""
    cache = st.session_state.setdefault("gw_up_probe", {})
    key = (digest, layer)
    if key not in cache:
        with _uploaded(name, data) as path, st.spinner(ctx.tr("app.up_reading")):
            result = run_job("probe", {"path": str(path), "layer": layer}, seconds=min(30.0, max(time_limit(), 10.0)))
        if result.status != "ok":
            _show_result_problem(ctx, result, name)
            return None
        cache.clear()  # one file at a time
        cache[key] = result.value
    return dict(cache[key])


def _form(ctx: AppContext, kind: str, name: str, data: bytes,
          digest: str) -> tuple[dict[str, Any] | str, bool, bool, float | None]:
    """The options of this upload, as widgets offering the file's own layers and columns."""
    tr, lang = ctx.tr, ctx.lang
    info = _probe(ctx, name, data, digest, st.session_state.get(f"gw_up_layer_{digest}"))
    if info is None:
        return "unreadable", False, False, None
    columns: list[str] = list(info.get("columns") or [])
    choices: dict[str, Any] = {}
    if kind != schema.STREETS:
        with st.expander(tr("app.up_section_file"), expanded=True):
            left, right = st.columns(2)
            if info.get("layers"):
                layers = list(info["layers"])
                choices["layer"] = left.selectbox(tr("app.up_layer"), layers, key=f"gw_up_layer_{digest}",
                                                  index=layers.index(info["layer"]) if info.get("layer") in layers else 0)
            choices["crs"] = _crs(ctx, right)
            if info.get("table"):
                left, right = st.columns(2)
                choices["x_field"] = _column(ctx, left, "app.up_x_field", columns, "gw_up_x", auto=True)
                choices["y_field"] = _column(ctx, right, "app.up_y_field", columns, "gw_up_y", auto=True)
            choices["swap_xy"] = st.checkbox(tr("app.up_swap_xy"), key="gw_up_swap", help=tr("app.up_swap_help"))
        with st.expander(tr("app.up_section_ids"), expanded=True):
            left, right = st.columns(2)
            id_col = schema.ID_COLUMN[kind]
            choices["id_from_row"] = right.checkbox(tr("app.up_id_from_row"), key="gw_up_id_from_row",
                                                    help=tr("app.up_id_from_row_help"))
            if choices["id_from_row"]:
                choices["id_prefix"] = right.text_input(tr("app.up_id_prefix"), key="gw_up_id_prefix")
            else:
                choices["id_field"] = _column(ctx, left, "app.up_id_field", columns, f"gw_up_id_{kind}",
                                              auto=True, auto_label=tr("app.up_auto_named", column=id_col))
            if kind == schema.INCIDENTS:
                codes = [None, *ctx.types]
                choices["type_value"] = left.selectbox(
                    tr("app.upload_type"), codes, key=f"gw_up_type_{lang}", index=_kept_index("gw_up_type_value", codes),
                    format_func=lambda c: tr("app.up_type_from_file") if c is None else ctx.type_label(c))
                st.session_state["gw_up_type_value"] = choices["type_value"]
                if not choices["type_value"]:
                    choices["type_field"] = _column(ctx, right, "app.up_type_field", columns, "gw_up_type_field",
                                                    auto=True, auto_label=tr("app.up_auto_named", column="type"))
            choices["merge_duplicates"] = st.checkbox(tr("app.up_merge"), key="gw_up_merge", help=tr("app.up_merge_help"))
        with st.expander(tr("app.up_fields"), expanded=False):
            st.caption(tr("app.up_fields_help"))
            choices["fields"] = _field_table(ctx, kind, columns)
        if MAPPABLE[kind]:
            with st.expander(tr("app.up_value_maps"), expanded=False):
                st.caption(tr("app.up_value_maps_help"))
                choices["value_maps"] = _value_map_table(ctx, kind, digest)
    replace = False
    confirmed = False
    link: float | None = None
    with st.expander(tr("app.up_section_store"), expanded=False):
        left, right = st.columns(2)
        if kind != schema.STREETS:
            metres = left.number_input(tr("app.up_link"), min_value=0.0, max_value=500.0, value=0.0, step=5.0,
                                       key="gw_up_link", help=tr("app.up_link_help"))
            link = float(metres) if metres else None
        if kind == schema.GRIDS:
            choices["sliver_m2"] = right.number_input(tr("app.up_sliver"), min_value=0.0, value=0.0, step=1.0,
                                                      key="gw_up_sliver", help=tr("app.up_sliver_help")) or None
        replace = st.checkbox(tr("app.up_replace"), key="gw_up_replace", help=tr("app.up_replace_help"))
        if replace:
            st.warning(tr("app.up_replace_warn", kind=tr(f"kind.{kind}")))
            confirmed = st.checkbox(tr("app.up_replace_confirm", kind=tr(f"kind.{kind}")), key="gw_up_replace_ok")
    return choices, replace, confirmed, link


def _crs(ctx: AppContext, where: Any) -> str | None:
    lang = ctx.lang
    kept = st.session_state.get("gw_up_crs_value", "")
    pick = where.selectbox(ctx.tr("app.up_crs"), CRS_CHOICES, key=f"gw_up_crs_{lang}",
                           index=CRS_CHOICES.index(kept) if kept in CRS_CHOICES else 0,
                           format_func=lambda c: ctx.tr(_CRS_LABELS[c]),
                           help=ctx.tr("app.up_crs_help"))
    st.session_state["gw_up_crs_value"] = pick
    if pick == "epsg":
        code = where.text_input(ctx.tr("app.up_crs_code"), key="gw_up_crs_code", placeholder="EPSG:4549").strip()
        return code or None
    return pick or None


def _column(ctx: AppContext, where: Any, label: str, columns: list[str], key: str, *, auto: bool,
            auto_label: str | None = None, label_values: dict[str, str] | None = None) -> str | None:
    """A choice among the file's columns (first: detect / the schema's name)."""
    options: list[str | None] = [None, *columns] if auto else list(columns)
    text = auto_label or ctx.tr("app.up_auto")
    value = where.selectbox(ctx.tr(label, **(label_values or {})), options, key=f"{key}_{ctx.lang}",
                            index=_kept_index(f"{key}_value", options),
                            format_func=lambda c: text if c is None else str(c))
    st.session_state[f"{key}_value"] = value
    return None if value is None else str(value)


def _kept_index(key: str, options: list[Any]) -> int:
    kept = st.session_state.get(key)
    return options.index(kept) if kept in options else 0


def _field_table(ctx: AppContext, kind: str, columns: list[str]) -> dict[str, str]:
    """Schema column -> file column, one choice per column the user may bring."""
    wanted = [c for c in schema.COLUMNS[kind] if c not in schema.DERIVED[kind] and c != schema.ID_COLUMN[kind]
              and not (kind == schema.INCIDENTS and c == "type")]
    out: dict[str, str] = {}
    cells = st.columns(2)
    for i, col in enumerate(wanted):
        got = _column(ctx, cells[i % 2], "app.up_field_one", columns, f"gw_up_f_{kind}_{col}", auto=True,
                      auto_label=ctx.tr("app.up_auto_named", column=col),
                      label_values={"column": column_label(col, ctx.lang), "code": col})
        if got:
            out[col] = got
    return out


def _value_map_table(ctx: AppContext, kind: str, digest: str) -> dict[str, dict[str, str]]:
    """An editable table of ``column, value in the file, code``."""
    cols = list(MAPPABLE[kind])
    codes = sorted({*schema.ASSET_STATUSES, *schema.EVENT_STATUSES, *schema.SEVERITIES, *ctx.types, "true", "false"})
    start = pd.DataFrame({"column": pd.Series([], dtype="string"), "source": pd.Series([], dtype="string"),
                          "code": pd.Series([], dtype="string")})
    table = st.data_editor(
        start, num_rows="dynamic", hide_index=True, width="stretch", key=f"gw_up_maps_{kind}_{digest[:12]}",
        column_config={
            "column": st.column_config.SelectboxColumn(ctx.tr("app.up_map_column"), options=cols, required=True),
            "source": st.column_config.TextColumn(ctx.tr("app.up_map_source"), required=True),
            "code": st.column_config.SelectboxColumn(ctx.tr("app.up_map_code"), options=codes, required=True),
        },
    )
    return value_maps_from(table)


# ------------------------------------------------------------------ running


@contextmanager
def _uploaded(name: str, data: bytes) -> Iterator[Path]:
    """The upload as a file the loaders can read (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="gridwatch-upload-") as tmp:
        path = Path(tmp) / (Path(name).name or "upload")
        path.write_bytes(data)
        yield path


def _run(ctx: AppContext, kind: str, name: str, data: bytes, options: dict[str, Any], sig: str, *,  # noqa: PLR0913
         dry_run: bool, replace: bool, link: float | None) -> None:
    """Check or load in the worker, with progress; keep the outcome for the page."""
    accepted = set(inspect.signature(load_layer).parameters)
    missing = [k for k in options if k not in accepted]
    if missing:
        options_text = ", ".join(missing)
        st.session_state["gw_up_last"] = {"sig": sig, "state": "error",
                                          "msg": lambda lang: t("app.up_unsupported", lang, options=options_text)}
        return
    limit = time_limit()
    bar = st.progress(0.0, text=ctx.tr("app.up_working_check" if dry_run else "app.up_working_load", s=0, limit=int(limit)))

    def wait(seconds: float) -> None:
        if seconds < 0:  # another upload is running
            bar.progress(0.0, text=ctx.tr("app.up_queued", s=int(-seconds)))
            return
        bar.progress(min(seconds / limit, 1.0), text=ctx.tr("app.up_working_check" if dry_run else "app.up_working_load",
                                                            s=int(seconds), limit=int(limit)))

    with _uploaded(name, data) as path:
        result = run_job("import", {"store": ctx.store.address, "kind": kind, "path": str(path), "dry_run": dry_run,
                                    "replace": replace, "link_distance": link, "options": options, "by": ctx.user},
                         seconds=limit, on_wait=wait)
    bar.empty()
    # What the page shows is kept as functions of the language: a language
    # switch after the check shows the same outcome in the other language.
    if result.status == "ok":
        report, seconds = result.value, f"{result.seconds:.1f}"
        key = "app.upload_checked" if dry_run else "app.upload_ok"
        st.session_state["gw_up_last"] = {
            "sig": sig if dry_run else "", "state": "checked" if dry_run else "loaded", "report": report,
            "msg": lambda lang: t(key, lang, n=report.rows, kind=t(f"kind.{kind}", lang), name=name, s=seconds),
            "hint": (lambda lang: t("app.up_checked_next", lang)) if dry_run else None}
        if not dry_run:
            st.session_state.pop("gw_up_probe", None)
            st.rerun()  # every tab reads the new store version
        return
    error = result.error
    if result.status == "error" and error is not None:
        refused = getattr(error, "report", None)
        if refused is not None:
            st.session_state["gw_up_last"] = {
                "sig": sig, "state": "refused", "report": refused,
                "msg": lambda lang: t("app.upload_refused", lang, name=name, n=len(refused.errors))}
            return
        st.session_state["gw_up_last"] = {
            "sig": sig, "state": "error",
            "msg": lambda lang: t("app.upload_error", lang, error=app_words(error.localized(lang)[0], lang)),
            "hint": lambda lang: app_words(error.localized(lang)[1], lang)}
        return
    st.session_state["gw_up_last"] = {"sig": sig, "state": "error", "msg": _problem_text(result, name)}


def _problem_text(result: JobResult, name: str) -> Callable[[str], str]:
    """A timeout, a crash or an internal error in plain words, by language.

    A timeout, a crash or an internal error in plain words, by language
    (a crash or an internal error is logged once, with its reference).
    """
    if result.status == "timeout":
        limit = f"{time_limit():g}"
        return lambda lang: t("app.up_timeout", lang, name=name, limit=limit)
    if result.status == "busy":
        return lambda lang: t("app.up_busy", lang, name=name)
    if result.status == "memory":
        megabytes = result.value
        return lambda lang: t("app.up_memory", lang, name=name, mb=megabytes)
    error = result.error
    if result.status == "error" and error is not None:
        return lambda lang: app_words(" ".join(error.localized(lang)).strip(), lang)
    ref = new_reference()
    LOG.error("upload of %r failed (%s, exit code %s), reference %s\n%s", name, result.status, result.exitcode, ref,
              result.trace)
    return lambda lang: t("app.internal_error", lang, ref=ref)


def _show_result_problem(ctx: AppContext, result: JobResult, name: str) -> None:
    error_box(_problem_text(result, name)(ctx.lang))


def report_table(issues: pd.DataFrame, lang_tr: Callable[..., str], lang: str = "zh") -> pd.DataFrame:
    """The validation report with translated headers and levels.

    Parameters
    ----------
    issues
        ``ValidationReport.to_frame(lang)``.
    lang_tr
        The translator (``ctx.tr``).
    lang
        Its language (messages are put in the app's words, :func:`app_words`).

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
    if "message" in out.columns:
        out["message"] = out["message"].astype(str).map(lambda m: app_words(m, lang))
    for col, digits in (("lon", 6), ("lat", 6), ("area_m2", 1)):
        if col in out.columns:
            values = pd.to_numeric(out[col], errors="coerce")
            if values.isna().all():
                out = out.drop(columns=col)  # no issue has a position or an area
            else:
                out[col] = ["" if pd.isna(v) else f"{v:.{digits}f}" for v in values]
    return out.rename(columns={c: lang_tr(f"app.upload_col_{c}") for c in out.columns})


def _show_last(ctx: AppContext, sig: str | None) -> None:
    last = st.session_state.get("gw_up_last")
    if not last:
        return
    if last["state"] in ("checked", "refused") and last.get("sig") != sig:
        st.caption(ctx.tr("app.up_stale"))  # the file or an option changed since: check again
    state = last["state"]
    hint = last.get("hint")
    hint_text = ctx.tr("app.hint", hint=hint(ctx.lang)) if hint is not None and hint(ctx.lang) else ""
    if state in ("error", "refused"):
        error_box(last["msg"](ctx.lang), hint_text)
    else:
        st.success(last["msg"](ctx.lang))
        if hint_text:
            st.caption(hint_text)
    report = last.get("report")
    if report is None:
        return
    issues = report.to_frame(ctx.lang)
    if issues.empty:
        st.caption(ctx.tr("app.upload_no_issues"))
        return
    st.markdown(f"**{ctx.tr('app.upload_issues', n=len(issues))}**")
    table = report_table(issues, ctx.tr, ctx.lang)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(ctx.tr("app.upload_report_csv"), spreadsheet_frame(table).to_csv(index=False).encode("utf-8-sig"),
                       file_name="validation-report.csv", mime="text/csv", key="gw_up_report_csv")


VIEW = View(key="upload", label="app.tab_upload", order=90, render=render)
