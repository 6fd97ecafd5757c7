"""The case panel: one event incident as a case, with the steps its stage allows.

Shown beside the map when an event incident (not a standing asset) is
clicked: its type, stage, urgency, party, deadline, time used and state;
one form for the next step (the steps come from
:data:`geo.cases.workflow.TRANSITIONS`); the history as a timeline and the
attachments of each step. Every write names the ``row_version`` the panel
showed (``base_version``): when someone else changed the case first the
store refuses it (:class:`geo.errors.ConflictError`), the panel shows the
store's message (who changed it and when) and reads the case again, never
overwriting.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import pandas as pd
import streamlit as st

from geo import schema
from geo.access import allowed, roles_for
from geo.cases import actions, files, parties, timing, workflow
from geo.errors import ConflictError, GridWatchError
from geo.names import grid_label, grid_labels
from geo.storage import CST
from views.context import AppContext

from .guard import show_error
from .plain import actor, md, text

__all__ = ["STATE_COLORS", "case_panel", "offered", "state_badge"]

#: Streamlit's colour names for the states of a case's clock.
STATE_COLORS: Final = {"on_time": "green", "warning": "orange", "overdue": "red", "paused": "gray", "ended": "gray"}
#: Actions whose form needs a note, and the label of that note.
_NOTE_LABEL: Final = {"cancel": "app.case_reason", "park": "app.case_reason", "rework": "app.case_reason",
                      "handle": "app.case_feedback"}
#: Actions whose form takes photos (the on-the-spot fix needs one).
_PHOTOS: Final = frozenset({"handle", "on_spot", "check_pass", "rework"})
#: Attachment types shown as pictures.
_IMAGES: Final = ("image/jpeg", "image/png", "image/webp", "image/gif")


def state_badge(state: str, lang_tr: Any) -> str:
    """A case state as coloured Markdown (``:red[超期]``)."""
    if not state:
        return ""
    return f":{STATE_COLORS.get(state, 'gray')}[**{md(lang_tr(f'app.state_{state}'))}**]"


def _now() -> datetime:
    return datetime.now(CST)


def _clock(ctx: AppContext, row: pd.Series) -> dict[str, Any]:
    """The row's deadline, time used and state, as :func:`geo.cases.timing.evaluate` gives them."""
    frame = pd.DataFrame([row.drop(labels=["geometry"], errors="ignore")])
    storm = _storm(ctx)
    out = timing.evaluate(frame, timing.load_limits(), _now(), storm=bool(storm))
    return out.iloc[0].to_dict() if len(out) else {}


def _storm(ctx: AppContext) -> str | None:
    from views import data as appdata

    return appdata.storm(ctx.store.location, ctx.data_version)


def case_panel(ctx: AppContext, row: pd.Series, head: Any) -> None:
    """Draw the case of incident ``row`` (an event type) with its facts, next steps, history and files."""
    ident = str(row["incident_id"])
    tr = ctx.tr
    stage = schema.LEGACY_STAGES.get(text(row["status"]), text(row["status"]))
    head.subheader(f"{ctx.type_label(str(row['type']))} {ident}")
    names = _party_names(ctx)
    clock = _clock(ctx, row)
    state = text(clock.get("state"))
    urgency = text(row.get("urgency")) or "normal"
    st.markdown(
        f"<div class='gw-case' data-case='{_attr(ident)}' data-stage='{_attr(stage)}' "
        f"data-state='{_attr(state)}' data-version='{_attr(text(row.get('row_version')))}'></div>",
        unsafe_allow_html=True,
    )
    a, b, c = st.columns(3)
    a.markdown(f"{md(tr('map.status'))}  \n**{md(tr(f'status.{stage}'))}**")
    b.markdown(f"{md(tr('app.case_urgency'))}  \n**{md(tr(f'urgency.{urgency}'))}**")
    c.markdown(f"{md(tr('app.case_state'))}  \n{state_badge(state, tr) or '—'}")
    party = text(row.get("party"))
    lines = [
        (tr("app.case_party"), names.get(party, party)),
        (tr("app.case_deadline"), _time_text(clock.get("deadline"))),
        (tr("app.case_used"), _used_text(ctx, clock)),
        (tr("map.reported_at"), _time_text(row.get("reported_at"))),
        *_place(ctx, row),
        (tr("map.description"), text(row.get("description"))),
        (tr("app.case_reason"), text(row.get("reason")) if stage in ("parked", "cancelled") else ""),
        (tr("app.case_merged_into"), text(row.get("merged_into"))),
        (tr("app.case_reworks"), str(int(row["reworks"])) if _num(row.get("reworks")) else ""),
    ]
    st.markdown("  \n".join(f"**{md(k)}**: {md(v)}" for k, v in lines if v))
    flash = st.session_state.pop("gw_case_flash", None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
        if len(flash) > 2 and flash[2]:
            st.caption(flash[2])
    _step_form(ctx, row, stage, names)
    _timeline(ctx, ident, names)


def _place(ctx: AppContext, row: pd.Series) -> list[tuple[str, str]]:
    """Where the case is and who looks after the place: the grid and its worker, the building and its head."""
    from views import data as appdata

    who = appdata.names(ctx.store.location, ctx.data_version, appdata.audience(ctx.user))
    grid, building = text(row.get("grid_id")), text(row.get("building_id"))
    return [
        (ctx.tr("map.grid"), who["grid"].get(grid, grid) if grid else ctx.tr("app.outside")),
        (ctx.tr("map.worker"), who["worker"].get(grid, "") if grid else ""),
        (ctx.tr("map.building"), who["building"].get(building, building) if building else ""),
        (ctx.tr("map.head"), who["head"].get(building, "") if building else ""),
    ]


def _attr(value: str) -> str:
    """A value inside a single-quoted HTML attribute."""
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("'", "&#39;").replace('"', "&quot;"))


def _num(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if out != out else out


def _time_text(value: object) -> str:
    """An ISO time as local ``YYYY-MM-DD HH:MM`` (empty when missing)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("Asia/Shanghai")
    return ts.strftime("%Y-%m-%d %H:%M")


def _used_text(ctx: AppContext, clock: dict[str, Any]) -> str:
    used, age, deadline = clock.get("used"), clock.get("age_h"), clock.get("deadline")
    parts = []
    if clock.get("state") == "overdue" and isinstance(deadline, str) and deadline:
        late_h = (_now() - datetime.fromisoformat(deadline)).total_seconds() / 3600
        parts.append(ctx.tr("app.case_late", hours=_hours(late_h)))
    elif used is not None and not pd.isna(used):
        parts.append(ctx.tr("app.case_used_pct", pct=round(100 * float(used))))
    if age is not None and not pd.isna(age):
        parts.append(ctx.tr("app.case_age", hours=_hours(float(age))))
    return " · ".join(parts)


def _hours(h: float) -> str:
    """Hours as read: ``0.5``, ``12``, ``1,234``."""
    return f"{h:.1f}" if h < 10 else f"{h:,.0f}"


def _party_names(ctx: AppContext) -> dict[str, str]:
    from views import data as appdata

    return appdata.party_names(ctx.store.location, ctx.data_version, ctx.lang)


# ------------------------------------------------------------------ the next step


def _choices(stage: str) -> list[tuple[str, str]]:
    """``(to stage, action)`` of every step allowed from ``stage``, in the table's order."""
    return list(workflow.TRANSITIONS.get(stage, {}).items())


def _step_label(ctx: AppContext, to: str, action: str) -> str:
    """A step as a button reads (``恢复办理 → 派遣`` for a resume, which may go to several stages)."""
    label = ctx.tr(f"app.do_{action}")
    return f"{label} → {ctx.tr(f'status.{to}')}" if action == "resume" else label


def _shown(ident: str, stage: str, version: int) -> tuple[str, int]:
    """The stage and version the panel showed when a step was asked for.

    A step is asked for on what the user saw: when the case changed in the
    store since (someone else's step), the rerun the click causes draws the
    form as it was (so the click is not lost) and the step is sent with the
    version seen, which the store refuses. Otherwise the current ones.
    """
    key = f"gw_case_shown_{ident}"
    last = st.session_state.get(key)
    if last and tuple(last) != (stage, version):
        prefix = f"gw_step_{ident}_{last[0]}_{last[1]}_"
        if any(str(k).startswith(prefix) and str(k).endswith("_go") and st.session_state.get(k) is True
               for k in list(st.session_state.keys())):
            return str(last[0]), int(last[1])
    st.session_state[key] = (stage, version)
    return stage, version


def offered(ctx: AppContext, row: pd.Series, choices: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The steps of ``choices`` the signed-in user may take on the case ``row`` (:func:`geo.access.allowed`)."""
    grid = text(row.get("grid_id")) or None
    community = None
    if grid is not None and "community" in ctx.grids.columns:
        hit = ctx.grids.loc[ctx.grids["grid_id"].astype(str) == grid, "community"]
        if len(hit):
            community = text(hit.iloc[0]) or None
    party = text(row.get("party")) or None
    return [(to, action) for to, action in choices
            if allowed(ctx.user, action, grid=grid, community=community, party=party)]


def _not_yours(ctx: AppContext, row: pd.Series, choices: list[tuple[str, str]]) -> None:
    """Why no step is offered, and who may take them."""
    roles = dict.fromkeys(ctx.tr(f"role.{r}") for _, action in choices for r in roles_for(action))
    grid = grid_label(grid_labels(ctx.grids), row.get("grid_id"), ctx.tr("app.outside"))
    st.caption(ctx.tr("privacy.case_read_only", role=ctx.tr(f"role.{ctx.user.audit_role}"), grid=grid,
                      roles=(", " if ctx.lang == "en" else "、").join(roles)))


def _step_form(ctx: AppContext, row: pd.Series, current: str, names: dict[str, str]) -> None:
    ident = str(row["incident_id"])
    stage, version = _shown(ident, current, int(_num(row.get("row_version")) or 1))
    every = _choices(stage)
    if not every:
        st.caption(ctx.tr("app.case_no_steps"))
        return
    choices = offered(ctx, row, every)
    if not choices:
        _not_yours(ctx, row, every)
        return
    slot = f"gw_step_{ident}_{stage}_{version}"
    pick = st.radio(ctx.tr("app.case_next"), list(range(len(choices))), horizontal=True, key=f"{slot}_pick",
                    format_func=lambda i: _step_label(ctx, *choices[i]))
    to, action = choices[int(pick or 0)]
    with st.form(f"{slot}_{action}_{to}", border=True, clear_on_submit=False):
        party = note = into = None
        uploads: list[Any] = []
        if action in ("dispatch", "redispatch", "resume", "rework"):
            party = _party_pick(ctx, row, names, f"{slot}_party", required=action in ("dispatch", "redispatch"))
        if action == "merge":
            into = st.text_input(ctx.tr("app.case_into"), key=f"{slot}_into")
        label = _NOTE_LABEL.get(action, "app.case_note")
        note = st.text_area(ctx.tr(label), key=f"{slot}_note", max_chars=1000, height=80)
        if action in _PHOTOS:
            uploads = st.file_uploader(ctx.tr("app.case_photos"), type=["jpg", "jpeg", "png", "webp", "pdf"],
                                       accept_multiple_files=True, key=f"{slot}_photos") or []
        go = st.form_submit_button(ctx.tr("app.case_do", step=_step_label(ctx, to, action)), type="primary",
                                   key=f"{slot}_{action}_{to}_go")
    if go:
        _do_step(ctx, row, to, action, {"note": note or "", "party": party, "into": into, "version": version,
                                        "photos": [(u.name, u.getvalue()) for u in uploads]})


def _party_pick(ctx: AppContext, row: pd.Series, names: dict[str, str], key: str, *, required: bool) -> str | None:
    grid = text(row.get("grid_id")) or None
    default = text(row.get("party")) or parties.default_party(ctx.store, grid, str(row["type"])) or ""
    options = list(dict.fromkeys([*([default] if default else []), *names]))
    if not required:
        options = ["", *[o for o in options if o]]
    if not options:
        return None
    index = options.index(default) if default in options else 0
    value = st.selectbox(ctx.tr("app.case_party"), options, index=index, key=key,
                         format_func=lambda p: names.get(p, p) if p else ctx.tr("app.case_keep_party"))
    return str(value) if value else None


def _do_step(ctx: AppContext, row: pd.Series, to: str, action: str, step: dict[str, Any]) -> None:
    """Store one step (``step``: note, party, into, photos and the version the panel showed)."""
    ident, version = str(row["incident_id"]), int(step["version"])
    by = actor()
    if not by:
        st.error(ctx.tr("app.case_need_name"))
        return
    try:
        if action == "merge":
            actions.merge(ctx.store, ident, str(step["into"] or "").strip(), by=by, base_version=version)
        else:
            actions.set_stage(ctx.store, ident, to, by=by, party=step["party"], note=step["note"],
                              photos=step["photos"], base_version=version)
    except ConflictError as exc:
        message, hint = exc.localized(ctx.lang)
        st.session_state["gw_case_flash"] = ("error", ctx.tr("app.case_conflict", error=message), hint)
        st.session_state.pop(f"gw_case_shown_{ident}", None)
        st.rerun()  # read the case again: the panel shows what the other person did
    except GridWatchError as exc:
        show_error(exc, ctx.lang)
        return
    st.session_state["gw_case_flash"] = ("ok", ctx.tr("app.case_done", id=ident, step=ctx.tr(f"action.{action}"),
                                                      stage=ctx.tr(f"status.{to}")), "")
    st.rerun()


# ------------------------------------------------------------------ history and files


def _timeline(ctx: AppContext, ident: str, names: dict[str, str]) -> None:
    st.markdown(f"**{md(ctx.tr('app.case_history'))}**")
    hist = actions.history(ctx.store, ident)
    if hist.empty:
        st.caption(ctx.tr("app.case_no_history"))
        return
    for n, ev in enumerate(hist.itertuples(index=False)):
        action = text(getattr(ev, "action", ""))
        to = text(getattr(ev, "to_stage", ""))
        party = text(getattr(ev, "party", ""))
        bits = [md(_time_text(getattr(ev, "at", ""))), f"**{md(ctx.tr(f'action.{action}'))}**"]
        if to and ctx.tr(f"status.{to}") != ctx.tr(f"action.{action}"):  # "派遣 → 派遣" says nothing
            bits.append(f"→ {md(ctx.tr(f'status.{to}'))}")
        who = text(getattr(ev, "by", ""))
        if who:
            bits.append(f"· {md(who)}")
        if party and action in ("dispatch", "redispatch", "rework", "resume"):
            bits.append(f"· {md(names.get(party, party))}")
        related = text(getattr(ev, "related", ""))
        if related:
            bits.append(f"· {md(related)}")
        st.markdown(" ".join(bits))
        note = text(getattr(ev, "note", ""))
        if note:
            st.caption(note)
        hashes = text(getattr(ev, "files", "")).split()
        if hashes:
            _attachments(ctx, hashes, f"{ident}_{n}")


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _attachments(ctx: AppContext, hashes: list[str], slot: str) -> None:
    images: list[tuple[bytes, str]] = []
    for k, h in enumerate(hashes):
        try:
            f = files.read_file(ctx.store, h)
        except GridWatchError as exc:
            show_error(exc, ctx.lang)
            continue
        name, mime, data = str(_field(f, "name") or h[:12]), str(_field(f, "mime") or ""), _field(f, "data") or b""
        if bool(_field(f, "inline")) and mime in _IMAGES:
            images.append((bytes(data), name))
        else:  # a PDF (or anything else) is only offered as a download, never shown in the page
            st.download_button(ctx.tr("app.case_download", name=name), bytes(data), file_name=name,
                               mime=mime or "application/octet-stream", key=f"gw_file_{slot}_{k}")
    if images:
        st.image([d for d, _ in images], caption=[n for _, n in images], width=120)
