"""Widgets for the snapshot and thematic audit pages: rating buttons, a file import panel,
recommendations with their status, charts with the same figures as a table, and the short
summary of the latest snapshot and audit shown in the Context chapter.

Text people typed or files contain reaches the page only through md_escape, st.text or
st.dataframe, never as live markdown or HTML."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.recommendations import (
    STATUSES,
    add_recommendation,
    list_recommendations,
    recommendation_to_action,
    remove_recommendation,
    update_recommendation,
)
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.models import Partnership
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.guide.content import Prompt
from strategy.plan.operations import load_plan
from strategy.tabular.reading import MAX_MEGABYTES, MAX_ROWS, Preview
from strategy.ui.state import current_author, show_error

SAME_FIGURES = "The same figures as a table"
#: The colour Streamlit draws each scale point's dot and badge in, beside its word (never colour alone).
STREAMLIT_COLOUR = {1: "red", 2: "orange", 3: "green", 4: "blue"}
RAG_MARK = {"red": "🟥", "amber": "🟧", "green": "🟩", "": "⬜"}


def k(*parts) -> str:
    return "|".join(str(p) for p in parts)


def chart_with_table(fig, frame: pd.DataFrame, key: str, alt: str) -> None:
    st.plotly_chart(fig, key=key, theme=None, config={"displaylogo": False})
    st.caption(alt)
    with st.expander(SAME_FIGURES):
        st.dataframe(frame, hide_index=True)


def flash(key: str) -> None:
    """Show (once) a message an on_click callback left for this rerun."""
    message = st.session_state.pop(key, None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text, icon="✅" if kind == "ok" else "⚠️")


def conflict_note(exc: Conflict) -> str:
    theirs = "; ".join(f"{name}: {value}" for name, value in (exc.theirs or {}).items())
    return f"{exc.message} What is saved now: {theirs}"


def snapshot_picker(pid: int, snaps: list, key: str) -> int:
    """Choose a snapshot (the latest first time); the choice follows the person between the pages."""
    ids = [s.id for s in snaps]
    titles = {s.id: s.title + (f" ({uk_day(s.held_on)})" if s.held_on else "") for s in snaps}
    chosen = st.session_state.get(k("snapshot", pid))
    snapshot_id = st.selectbox(
        "Snapshot", ids, index=ids.index(chosen) if chosen in ids else len(ids) - 1, format_func=titles.get, key=k(key, pid)
    )
    st.session_state[k("snapshot", pid)] = snapshot_id
    return snapshot_id


# --- Rating -------------------------------------------------------------------------------------


def rating_buttons(kind: str, current: int | None, key: str, on_pick: Callable[[int | None], None], disabled: bool = False) -> None:
    """One large button per point of the scale (its word and a dot in its colour); the agreed rating
    is shown as a badge in its colour and ticked on its button."""
    points = sn.scale(kind)
    chosen = next((p for p in points if p.value == current), None)
    if chosen:
        st.badge(f"Agreed: {chosen.label}", color=STREAMLIT_COLOUR[chosen.value], icon=":material/check:")
    else:
        st.badge("Not rated yet", color="gray")
    columns = st.columns(len(points) + 1)
    for column, point in zip(columns, points, strict=False):
        tick = "✓ " if current == point.value else ""
        with column:
            st.button(
                f"{tick}:{STREAMLIT_COLOUR[point.value]}[●] {point.value} · {point.label}",
                key=k(key, point.value),
                use_container_width=True,
                help=point.descriptor,
                on_click=on_pick,
                args=(point.value,),
                disabled=disabled,
            )
    with columns[-1]:
        st.button(
            "Clear", key=k(key, "clear"), on_click=on_pick, args=(None,), disabled=disabled or current is None, use_container_width=True
        )


# --- Importing a survey file --------------------------------------------------------------------


def file_import(
    key: str,
    *,
    template: bytes,
    template_name: str,
    preview: Callable[[bytes, str], Preview],
    run: Callable[[bytes, str, bool], int],
    what: str,
    existing: int,
) -> None:
    """Template, uploader, the preview of what would be stored with every problem, and the import."""
    st.download_button(
        "Download the template (CSV)",
        data=template,
        file_name=template_name,
        mime="text/csv",
        key=k(key, "template"),
        icon=":material/download:",
        on_click="ignore",
    )
    flash(k(key, "flash"))
    generation = st.session_state.get(k(key, "gen"), 0)
    upload = st.file_uploader(
        f"Choose a CSV or Excel file (up to {MAX_MEGABYTES} MB and {MAX_ROWS:,} rows)",
        type=["csv", "xlsx"],
        key=k(key, "file", generation),
        max_upload_size=MAX_MEGABYTES,
    )
    if upload is None:
        return
    data, name = upload.getvalue(), upload.name
    token = hashlib.sha256(data).hexdigest() + "|" + name
    cached = st.session_state.get(k(key, "preview"))
    if not cached or cached[0] != token:
        with st.status("Reading the file…") as status:
            try:
                result = preview(data, name)
                status.update(label="Read the file.", state="complete")
            except WorkbookError as exc:
                result = exc
                status.update(label="The file could not be read.", state="error")
        cached = (token, result)
        st.session_state[k(key, "preview")] = cached
    result = cached[1]
    if isinstance(result, WorkbookError):
        st.error("This file could not be read, so nothing was imported.", icon="⚠️")
        st.text(result.message)
        return
    st.text(f"Read as: {result.read_as}")
    a, b, c = st.columns(3)
    a.metric("Rows ready", f"{result.ready:,}")
    b.metric("Rows with problems", f"{result.rows_with_problems:,}")
    c.metric("Blank rows skipped", f"{result.blank_rows:,}")
    if result.ignored:
        st.caption("Columns ignored (their values are not imported)")
        st.dataframe(pd.DataFrame(result.ignored, columns=["Column in the file", "Why"]), hide_index=True)
    if result.problem_count:
        st.error(
            f"{result.problem_count:,} problem{'s' if result.problem_count != 1 else ''} to fix in the file: "
            "nothing can be imported until there are none.",
            icon="⚠️",
        )
        st.dataframe(
            pd.DataFrame([(p.row, p.column, p.message) for p in result.problems[:500]], columns=["Row", "Column", "Problem"]),
            hide_index=True,
        )
        return
    if not result.rows:
        st.warning("The file has no rows to import.")
        return
    replace = True
    if existing:
        replace = st.radio(
            f"The {existing:,} {what} already here",
            [True, False],
            format_func=lambda r: "Replace them" if r else "Add to them",
            key=k(key, "mode"),
        )

    def go() -> None:
        try:
            count = run(data, name, replace)
        except WorkbookError as exc:
            st.session_state[k(key, "flash")] = ("error", exc.message)
            return
        st.session_state[k(key, "flash")] = ("ok", f"Imported {count:,} {what}.")
        st.session_state[k(key, "gen")] = generation + 1
        st.session_state.pop(k(key, "preview"), None)

    st.button(f"Import {result.ready:,} rows", type="primary", key=k(key, "go"), on_click=go)


# --- Recommendations ----------------------------------------------------------------------------


def recommendations_panel(
    engine: Engine, partnership: Partnership, *, editable: bool, snapshot_id: int | None = None, audit_id: int | None = None
) -> None:
    """The recommendations of one snapshot or audit: add, change status, remove (with undo), and make
    each one an action in the action plan in one step (when the action plan is part of the workbook)."""
    pid = partnership.id
    owner = {"snapshot_id": snapshot_id} if snapshot_id is not None else {"audit_id": audit_id}
    key = k("recs", pid, snapshot_id, audit_id)
    flash(k(key, "flash"))
    author = current_author()
    recs = list_recommendations(engine, pid, **owner)
    if not recs:
        st.caption("No recommendations yet.")
    for n, rec in enumerate(recs, start=1):
        with st.container(border=True):
            st.markdown(f"**{n}.** {md_escape(rec.text)}")
            st.caption(
                f"{md_escape(rec.origin)} · status: {STATUSES.get(rec.status, rec.status).lower()}"
                + (" · in the action plan" if rec.action_id else "")
            )
            if not editable or author is None:
                continue
            cols = st.columns([2, 2, 1])

            def set_status(rec=rec):
                try:
                    update_recommendation(
                        engine, pid, rec.id, expected_version=rec.version, author=author, status=st.session_state[k(key, "status", rec.id)]
                    )
                except Conflict as exc:
                    st.session_state[k(key, "flash")] = ("error", conflict_note(exc))
                except WorkbookError as exc:
                    st.session_state[k(key, "flash")] = ("error", exc.message)

            cols[0].selectbox(
                "Status",
                list(STATUSES),
                index=list(STATUSES).index(rec.status),
                format_func=STATUSES.get,
                key=k(key, "status", rec.id),
                on_change=set_status,
            )

            def remove(rec=rec):
                remove_recommendation(engine, pid, rec.id, author=author)
                st.session_state[k(key, "flash")] = ("ok", "Recommendation removed. It can be brought back below.")

            cols[2].button("Remove", key=k(key, "remove", rec.id), on_click=remove)
            if rec.action_id is None:
                with cols[1].popover("Make it an action"):
                    _to_action_form(engine, pid, rec, key, author)
    if editable and author is not None:
        with st.form(k(key, "add"), clear_on_submit=True):
            text = st.text_area("Add a recommendation", max_chars=2000, key=k(key, "new"))
            domain = None
            if snapshot_id is not None:
                domain = st.selectbox(
                    "Domain",
                    [""] + [d.id for d in sn.domains()],
                    format_func=lambda d: sn.domain_label(d) if d else "(none)",
                    key=k(key, "dom"),
                )
            if st.form_submit_button("Add the recommendation"):
                try:
                    add_recommendation(engine, pid, text=text, author=author, domain=domain or "", **owner)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
        removed = list_recommendations(engine, pid, deleted=True, **owner)
        if removed:
            with st.expander(f"Removed recommendations ({len(removed)})"):
                for rec in removed:
                    st.text(rec.text)
                    if st.button("Bring back", key=k(key, "restore", rec.id)):
                        remove_recommendation(engine, pid, rec.id, author=author, restore=True)
                        st.rerun()


def _to_action_form(engine: Engine, pid: int, rec, key: str, author) -> None:

    plan = load_plan(engine, pid)
    choices = {o.id: f"{plan.code('outcome', o.id)} {o.title}" for o in plan.all_outcomes()}
    if not choices:
        st.info(
            "The action plan has no intended outcomes yet. Add an aim and an outcome on the Theory of Change page "
            "first; every action hangs off an outcome."
        )
        st.page_link("views/theory_of_change.py", label="Go to the Theory of Change", icon="🧩")
        return
    outcome_id = st.selectbox("Under which intended outcome?", list(choices), format_func=choices.get, key=k(key, "outcome", rec.id))
    if st.button("Add to the action plan", key=k(key, "toaction", rec.id), type="primary"):
        try:
            recommendation_to_action(engine, pid, rec.id, outcome_id=int(outcome_id), author=author)
            st.session_state[k(key, "flash")] = ("ok", "The recommendation is now an action in the action plan.")
            st.rerun()
        except WorkbookError as exc:
            show_error(exc)


# --- In the Context chapter ---------------------------------------------------------------------


def self_assessment_summary(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """The latest snapshot's domain RAG and the latest audit, as evidence for the context (Guide §4, §15.2)."""
    snapshot_lines = sn.latest_summary(engine, partnership.id)
    audit_lines = au.latest_summary(engine, partnership.id)
    with st.container(border=True):
        st.markdown("**What our self-assessment found**")
        if not snapshot_lines and not audit_lines:
            st.caption(
                "No system-wide snapshot or thematic audit yet. Their findings appear here, and in section 4 of "
                "the Word draft, once recorded on the snapshot and audit pages."
            )
        for line in snapshot_lines + audit_lines:
            st.text(line)
        st.page_link("views/snapshot_results.py", label="Snapshot results", icon="📊")


def removed_panel(title: str, removed: list, name, restore, key: str) -> None:
    """An expander of removed records, each with a button that brings it back (``restore(record)``);
    a refusal (a role, a record gone meanwhile) is shown, never raised."""
    if not removed:
        return
    with st.expander(f"{title} ({len(removed)})"):
        for record in removed:
            if st.button(f"Bring back {name(record)}", key=k(key, record.id)):
                try:
                    restore(record)
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
