"""System-wide snapshot results: domain scores and RAG, the frontline and strategic professionals' surveys, strategic and frontline
views compared, snapshots over time, recommendations and the Word report."""

import streamlit as st

from strategy.assessments import snapshot as sn
from strategy.assessments.io import (
    import_snapshot_survey,
    preview_snapshot_survey,
    snapshot_template_csv,
)
from strategy.core.errors import WorkbookError
from strategy.core.values import uk_day
from strategy.documents.snapshot_report import build_snapshot_report, snapshot_filename
from strategy.ui.building import document_job, pdf_offer
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import (
    RAG_MARK,
    chart_with_table,
    file_import,
    k,
    recommendations_panel,
    removed_panel,
    snapshot_picker,
    strategic_survey_section,
)
from strategy.ui.state import current_author, show_error
from strategy.ui.survey_views import survey_link_panel
from strategy.ui.widgets import identity_form

engine, partnership = page_context()
pid = partnership.id

st.title(t("nav.snapshot_results"))
writer = identity_form()
author = current_author()
snaps = sn.list_snapshots(engine, pid)
removed = sn.list_snapshots(engine, pid, deleted=True)
if writer:
    removed_panel(
        "Removed snapshots",
        removed,
        lambda r: r.title,
        lambda r: sn.remove_snapshot(engine, pid, r.id, author=author, restore=True),
        "restore-snapshot",
    )
if not snaps:
    st.info("No snapshot yet. Start one on the System-wide snapshot page.")
    st.page_link("views/snapshot.py", label="System-wide snapshot", icon="🧩")
    st.stop()

snapshot_id = snapshot_picker(pid, snaps, "results-pick")
snap = next(s for s in snaps if s.id == snapshot_id)

with st.expander("Title, date and notes" + (", or remove this snapshot" if writer else "")):
    if not writer:  # scrutineers and viewers: the details as text
        read_only_text("Title", snap.title)
        read_only_text("Date of the strategic session", uk_day(snap.held_on) if snap.held_on else "")
        read_only_text("Notes", snap.notes)
    else:
        with st.form(k("snapshot-details", pid, snap.id, snap.version)):
            title = st.text_input("Title", value=snap.title, max_chars=sn.TITLE_LIMIT)
            held_on = st.text_input("Date of the strategic session (DD/MM/YYYY)", value=uk_day(snap.held_on) if snap.held_on else "")
            notes = st.text_area(
                "Notes",
                value=snap.notes,
                max_chars=sn.NOTE_LIMIT,
                help="Who took part and how the session ran. No details that identify anyone.",
            )
            if st.form_submit_button("Save"):
                try:
                    sn.update_snapshot(
                        engine, pid, snap.id, expected_version=snap.version, author=author, title=title, held_on=held_on, notes=notes
                    )
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
    if writer and st.button("Remove this snapshot", key=k("remove-snapshot", pid, snap.id)):
        sn.remove_snapshot(engine, pid, snap.id, author=author)
        st.session_state.pop(k("snapshot", pid), None)
        st.rerun()

scores = sn.domain_scores(engine, pid, snapshot_id)
st.header("Domain scores and RAG", anchor=False)
st.caption(
    "RAG from the average agreed progress rating: under 2 red, 2 up to 3 amber, 3 or more green. The score is the "
    "evidence and progress ratings together as a percentage of the most they could be."
)
shown = scores.drop(columns=["domain", "rag"]).copy()
shown["RAG"] = [f"{RAG_MARK[r]} {label}" for r, label in zip(scores["rag"], scores["RAG"], strict=True)]
st.dataframe(shown, hide_index=True)

st.header("Strategic and frontline views", anchor=False)
chart_with_table(
    sn.comparison_figure(scores, "Strategic and frontline views of progress, by domain"),
    scores[["Domain", "Progress (average of 4)", "Frontline (average of 4)", "Frontline ratings", "Gap (strategic minus frontline)"]],
    k("compare", pid, snapshot_id),
    "Average agreed progress and average frontline rating for each domain, on a scale of 1 to 4.",
)
for line in sn.gap_findings(scores):
    st.warning(line, icon="↕️")

with st.expander("Every statement", expanded=False):
    table = sn.statement_table(engine, pid, snapshot_id)
    if not table.empty:
        st.dataframe(
            table[
                [
                    "Code",
                    "Domain",
                    "Statement",
                    "Evidence rating",
                    "Progress rating",
                    "Frontline average",
                    "Frontline ratings",
                    "Evidence",
                    "Strengths",
                    "Areas for development",
                ]
            ],
            hide_index=True,
        )

st.header("Frontline survey", anchor=False)
responses = sn.responses(engine, snapshot_id)
st.caption(
    f"{len(responses):,} frontline ratings imported. Practitioners rate the same statements on the progress "
    "scale (1 to 4, or its words), one row per statement they rate. Names and email addresses in the file are "
    "never imported. Columns: see the template and data/templates/README.md."
)
if writer:
    file_import(
        k("snapshot-survey", pid, snapshot_id),
        template=snapshot_template_csv(),
        template_name="snapshot_survey_template.csv",
        preview=lambda data, name, options: preview_snapshot_survey(engine, pid, snapshot_id, data, name, options),
        run=lambda data, name, replace, options: import_snapshot_survey(
            engine, pid, snapshot_id, data, name, author=author, replace=replace, options=options
        ),
        what="frontline ratings",
        existing=len(responses),
    )
survey_link_panel(engine, pid, "frontline", snapshot_id, writer=writer, author=author)

st.header("Strategic professionals' survey", anchor=False)
strategic_survey_section(engine, pid, snapshot_id, writer=writer, author=author)

if len(snaps) > 1:
    st.header("Snapshots over time", anchor=False)
    frame = sn.compare_snapshots(engine, pid)
    chart_with_table(sn.trend_figure(frame), frame, k("trend", pid), "Average agreed progress by domain in each snapshot.")

st.header("Recommendations", anchor=False)
st.caption("Each recommendation can become an action in the action plan, where it is monitored.")
recommendations_panel(engine, partnership, editable=writer, snapshot_id=snapshot_id)

st.header("The snapshot report", anchor=False)
report = document_job(
    engine,
    ("snapshot-report", pid, snapshot_id),
    "the report",
    lambda: build_snapshot_report(engine, pid, snapshot_id),
    button="Build the Word report",
)
if report is not None:
    report_name = snapshot_filename(partnership, snap.title)
    st.download_button(
        "Download the snapshot report",
        data=report,
        file_name=report_name,
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        icon="📄",
    )
    pdf_offer(engine, ("snapshot-report", pid, snapshot_id), report, report_name, "the report")
