"""Widgets for the snapshot and thematic audit pages: rating buttons, a file import panel,
recommendations with their status, charts with the same figures as a table, and the short
summary of the latest snapshot and audit shown in the Context chapter.

Text people typed or files contain reaches the page only through md_escape, st.text or
st.dataframe, never as live markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    AUDIT_COLUMNS,
    SNAPSHOT_COLUMNS,
    import_strategic_survey,
    preview_strategic_survey,
    strategic_survey_csv,
    strategic_template_csv,
)
from strategy.assessments.recommendations import (
    STATUSES,
    add_recommendation,
    list_recommendations,
    recommendation_to_action,
    remove_recommendation,
    update_recommendation,
)
from strategy.core.authors import Author
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.models import Partnership, Recommendation, Snapshot, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.guide.content import Prompt
from strategy.plan.operations import load_plan
from strategy.tabular.reading import ImportOptions, Preview
from strategy.ui import file_import as fi
from strategy.ui.import_panel import choose, chosen_options
from strategy.ui.language import list_names
from strategy.ui.state import current_author, show_error
from strategy.ui.survey_views import survey_link_panel
from strategy.workshops.operations import REFRESH_SECONDS

SAME_FIGURES = "The same figures as a table"
#: The colour Streamlit draws each scale point's dot and badge in, beside its word (never colour alone).
STREAMLIT_COLOUR: dict[int, Literal["red", "orange", "green", "blue"]] = {1: "red", 2: "orange", 3: "green", 4: "blue"}
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


def snapshot_picker(pid: int, snaps: list[Snapshot], key: str) -> int:
    """Choose a snapshot (the latest first time); the choice follows the person between the pages."""
    ids = [stored_id(s) for s in snaps]
    titles = {stored_id(s): s.title + (f" ({uk_day(s.held_on)})" if s.held_on else "") for s in snaps}
    chosen = st.session_state.get(k("snapshot", pid))
    picked = st.selectbox(
        "Snapshot", ids, index=ids.index(chosen) if chosen in ids else len(ids) - 1, format_func=titles.__getitem__, key=k(key, pid)
    )
    snapshot_id = ids[-1] if picked is None else picked  # None only for no options, and there is always a snapshot here
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
    if disabled:  # scrutineers, viewers and retired statements: the agreed rating above, no buttons
        return
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
            )
    with columns[-1]:
        st.button("Clear", key=k(key, "clear"), on_click=on_pick, args=(None,), disabled=current is None, use_container_width=True)


# --- Importing a survey file --------------------------------------------------------------------


def file_import(
    key: str,
    *,
    template: bytes,
    template_name: str,
    preview: Callable[[bytes, str, ImportOptions], Preview],
    run: Callable[[bytes, str, bool, ImportOptions], int],
    what: str,
    existing: int,
) -> None:
    """Template, uploader, the preview of what would be stored with every problem, and the import
    (``run(data, name, replace, options)`` returns the number stored): the panel every import shows,
    with the choices about the file (sheet, header row, answers on another scale)."""

    def keys(part: str) -> str:
        return k(key, part)

    chosen = fi.chosen_file(keys, template=fi.Template(template, template_name))
    if chosen is not None:
        preview_and_import(key, *chosen, preview=preview, run=run, what=what, existing=existing)


def preview_and_import(
    key: str,
    data: bytes,
    name: str,
    *,
    preview: Callable[[bytes, str, ImportOptions], Preview],
    run: Callable[[bytes, str, bool, ImportOptions], int],
    what: str,
    existing: int,
) -> None:
    """What the chosen file would store, every problem in it, and (when there are none) the import button."""

    def keys(part: str) -> str:
        return k(key, part)

    options, wrong = chosen_options(keys)
    if wrong:
        fi.show_error("A choice about the file needs fixing.", wrong)

    def shown(result: Preview) -> fi.Shown:
        return fi.Shown(
            result,
            ready=_ready_frame(result),
            button=f"Import {result.ready:,} row{'s' if result.ready != 1 else ''}",
            importable=result.ok,
        )

    def commit(replace: bool) -> str:
        return f"Imported {run(data, name, replace, options):,} {what}."

    asked = fi.Existing(f"The {existing:,} {what} already here", replace="Replace them", add="Add to them") if existing else None
    fi.import_panel(
        keys,
        data,
        name,
        preview=lambda d, n: preview(d, n, options),
        shown=shown,
        commit=commit,
        existing=asked,
        choices=options.to_json(),
        choose=lambda result: choose(keys, result, published=False, survey=True),
    )


#: The template's name for each column a survey file fills.
_TEMPLATE_NAMES = {c.id: c.names[0] for c in (*SNAPSHOT_COLUMNS, *AUDIT_COLUMNS)} | {q.code: q.code for q in sn.strategic_questions()}


def _ready_frame(preview: Preview) -> pd.DataFrame:
    """The ready rows under the template's column names (a stored id, such as the statement's, is not shown)."""
    names: dict[str, str] = {}
    for row in preview.rows[: fi.PREVIEW_ROWS]:
        for column in row:
            if not column.endswith("_id"):
                names.setdefault(column, _TEMPLATE_NAMES.get(column, column.replace("_", " ").capitalize()))
    return fi.ready_frame(preview, names, _shown_value)


def _shown_value(_column: str, value: object) -> object:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return value


# --- The strategic professionals' survey --------------------------------------------------------


def strategic_survey_section(engine: Engine, pid: int, snapshot_id: int, *, writer: bool, author: Author | None) -> None:
    """The strategic professionals' survey beside the frontline practitioners' survey by domain
    (a chart and the same figures as a table), its questions' averages, and its import."""
    responses = sn.strategic_responses(engine, snapshot_id)
    frame = sn.survey_comparison(engine, pid, snapshot_id)
    st.caption(
        f"{len(responses):,} strategic professionals' responses imported. Senior leaders and managers answer "
        f"{len(sn.strategic_questions())} questions, two for each domain, on the progress scale (1 to 4, or its words), "
        "one row per person: a Microsoft Forms export can be imported as it is downloaded. Its ID, start and completion "
        "times, email and name columns are never imported. Guide §15.2."
    )
    if responses or int(frame[sn.FRONTLINE_SURVEY_COUNT].sum()):
        chart_with_table(
            sn.survey_figure(frame, "The strategic and frontline surveys, by domain"),
            frame,
            k("surveys", pid, snapshot_id),
            "The average answer in the strategic professionals' survey and in the frontline practitioners' survey for "
            "each domain, on a scale of 1 to 4 (how many answers are in the table).",
        )
        for line in sn.survey_gap_findings(frame):
            st.warning(line, icon="↕️")  # the domains and figures are the workbook's own, as in gap_findings
    if responses:
        with st.expander("The strategic survey, question by question"):
            st.dataframe(sn.strategic_question_table(engine, snapshot_id).drop(columns=["domain"]), hide_index=True)
            said = [(r.comment, r.role, r.agency) for r in responses if r.comment]
            if said:
                st.dataframe(pd.DataFrame(said, columns=["Comment", "Role", "Agency"]), hide_index=True)
        st.download_button(
            "Download the strategic survey responses (CSV)",
            data=lambda: strategic_survey_csv(engine, pid, snapshot_id),
            file_name="strategic-survey-responses.csv",
            mime="text/csv",
            key=k("strategic-export", pid, snapshot_id),
            icon=":material/download:",
            on_click="ignore",
        )
    if writer and author is not None:
        file_import(
            k("strategic-survey", pid, snapshot_id),
            template=strategic_template_csv(),
            template_name="snapshot_strategic_survey_template.csv",
            preview=lambda data, name, options: preview_strategic_survey(engine, pid, snapshot_id, data, name, options),
            run=lambda data, name, replace, options: import_strategic_survey(
                engine, pid, snapshot_id, data, name, author=author, replace=replace, options=options
            ),
            what="strategic survey responses",
            existing=len(responses),
        )
    survey_link_panel(engine, pid, "strategic", snapshot_id, writer=writer, author=author)


# --- Recommendations ----------------------------------------------------------------------------


def recommendations_panel(
    engine: Engine,
    partnership: Partnership,
    *,
    editable: bool,
    snapshot_id: int | None = None,
    audit_id: int | None = None,
    extra: Callable[[Recommendation], None] | None = None,
) -> None:
    """The recommendations of one snapshot or audit: add, change status, remove (with undo), and make
    each one an action in the action plan in one step (when the action plan is part of the workbook).
    ``extra(rec)`` renders more inside each recommendation's box (the audit's owner and responses)."""
    pid = stored_id(partnership)
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
            if extra is not None:
                extra(rec)
            if not editable or author is None:
                continue
            cols = st.columns([2, 2, 1])

            def set_status(rec: Recommendation = rec) -> None:
                rec_id = stored_id(rec)
                try:
                    update_recommendation(
                        engine, pid, rec_id, expected_version=rec.version, author=author, status=st.session_state[k(key, "status", rec_id)]
                    )
                except Conflict as exc:
                    st.session_state[k(key, "flash")] = ("error", conflict_note(exc))
                except WorkbookError as exc:
                    st.session_state[k(key, "flash")] = ("error", exc.message)

            cols[0].selectbox(
                "Status",
                list(STATUSES),
                index=list(STATUSES).index(rec.status),
                format_func=STATUSES.__getitem__,
                key=k(key, "status", rec.id),
                on_change=set_status,
            )

            def remove(rec: Recommendation = rec) -> None:
                remove_recommendation(engine, pid, stored_id(rec), author=author)
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
                    format_func=lambda d: list_names("snapshot_domains").get(d) or sn.domain_label(d) if d else "(none)",
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
                        remove_recommendation(engine, pid, stored_id(rec), author=author, restore=True)
                        st.rerun()


def _to_action_form(engine: Engine, pid: int, rec: Recommendation, key: str, author: Author) -> None:

    plan = load_plan(engine, pid)
    choices = {stored_id(o): f"{plan.code('outcome', stored_id(o))} {o.title}" for o in plan.all_outcomes()}
    if not choices:
        st.info(
            "The action plan has no intended outcomes yet. Add an aim and an outcome on the Theory of Change page "
            "first; every action hangs off an outcome."
        )
        st.page_link("views/theory_of_change.py", label="Go to the Theory of Change", icon="🧩")
        return
    outcome_id = st.selectbox(
        "Under which intended outcome?", list(choices), format_func=choices.__getitem__, key=k(key, "outcome", rec.id)
    )
    if st.button("Add to the action plan", key=k(key, "toaction", rec.id), type="primary") and outcome_id is not None:
        try:
            recommendation_to_action(engine, pid, stored_id(rec), outcome_id=outcome_id, author=author)
            st.session_state[k(key, "flash")] = ("ok", "The recommendation is now an action in the action plan.")
            st.rerun()
        except WorkbookError as exc:
            show_error(exc)


# --- In the Context chapter ---------------------------------------------------------------------


def self_assessment_summary(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """The latest snapshot's domain RAG and the latest audit, as evidence for the context (Guide §4, §15.2)."""
    snapshot_lines = sn.latest_summary(engine, stored_id(partnership))
    audit_lines = au.latest_summary(engine, stored_id(partnership))
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


# --- Consensus: each person rates privately, the spread is shown, the group agrees (issue 18) -------

PRIVATE_ERROR_KEY = "snapshot_private_error"


def private_rating_panel(engine: Engine, pid: int, snapshot_id: int, statement_id: int, can_rate: bool) -> None:
    """Each person's own rating from their laptop or phone, and the room's spread without names,
    refreshing itself as the workshop's board does; the agreed rating below is what the group then settles on."""
    with st.container(border=True):
        st.markdown("### Rate it yourself first")
        st.caption("Nobody sees who rated what: the room sees the spread, then agrees one rating below. Your own rating is kept with it.")
        _private_live(engine, pid, snapshot_id, statement_id, can_rate)


@st.fragment(run_every=REFRESH_SECONDS)
def _private_live(engine: Engine, pid: int, snapshot_id: int, statement_id: int, can_rate: bool) -> None:
    from strategy.assessments.consensus import spread
    from strategy.core.errors import NotAllowed

    author = current_author()
    if author is None:
        return
    try:
        room = spread(engine, pid, snapshot_id, statement_id, author=author)
    except NotAllowed:
        st.rerun(scope="app")  # removed from the partnership: the page closes it and says why
        return
    for kind, mine in (("evidence", room.my_evidence), ("progress", room.my_progress)):
        if can_rate:
            points = sn.scale(kind)
            columns = st.columns(len(points))
            for column, point in zip(columns, points, strict=True):
                column.button(
                    f"{'✓ ' if mine == point.value else ''}{point.value} · {point.label}",
                    key=k("private", kind, pid, snapshot_id, statement_id, point.value),
                    use_container_width=True,
                    help=f"Your own {kind} rating: {point.descriptor}",
                    on_click=_rate_privately,
                    args=(engine, pid, snapshot_id, statement_id, kind, None if mine == point.value else point.value),
                )
        st.markdown(f"**{kind.title()}**, the room ({room.people} rated): {md_escape(room.line(kind))}")
    error = st.session_state.pop(PRIVATE_ERROR_KEY, None)
    if error:
        show_error(WorkbookError(error))


def _rate_privately(engine: Engine, pid: int, snapshot_id: int, statement_id: int, kind: str, value: int | None) -> None:
    from strategy.assessments.consensus import rate_privately

    author = current_author()
    try:
        if author is None:
            raise WorkbookError("You are signed out, so nothing was saved. Sign in again.")
        if kind == "evidence":
            rate_privately(engine, pid, snapshot_id, statement_id, author=author, evidence_rating=value)
        else:
            rate_privately(engine, pid, snapshot_id, statement_id, author=author, progress_rating=value)
    except WorkbookError as exc:
        st.session_state[PRIVATE_ERROR_KEY] = exc.message
