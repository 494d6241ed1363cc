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
from strategy.ui.downloads import offer_download
from strategy.ui.language import t, ui_language
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import (
    RAG_MARK,
    chart_with_table,
    file_import,
    frame_in_language,
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
        t("assess.results.removed"),
        removed,
        lambda r: r.title,
        lambda r: sn.remove_snapshot(engine, pid, r.id, author=author, restore=True),
        "restore-snapshot",
    )
if not snaps:
    st.info(t("assess.results.none"))
    st.page_link(page="views/snapshot.py", label=t("nav.snapshot"), icon="🧩")
    st.stop()

snapshot_id = snapshot_picker(pid, snaps, "results-pick")
snap = next(s for s in snaps if s.id == snapshot_id)

with st.expander(t("assess.results.details_remove") if writer else t("assess.results.details")):
    if not writer:  # scrutineers and viewers: the details as text
        read_only_text(t("assess.title"), snap.title, empty=t("assess.not_written"))
        read_only_text(t("assess.snap.held_on"), uk_day(snap.held_on) if snap.held_on else "", empty=t("assess.not_written"))
        read_only_text(t("assess.notes"), snap.notes, empty=t("assess.not_written"))
    else:
        with st.form(k("snapshot-details", pid, snap.id, snap.version)):
            title = st.text_input(t("assess.title"), value=snap.title, max_chars=sn.TITLE_LIMIT)
            held_on = st.text_input(t("assess.results.held_on_typed"), value=uk_day(snap.held_on) if snap.held_on else "")
            notes = st.text_area(
                t("assess.notes"),
                value=snap.notes,
                max_chars=sn.NOTE_LIMIT,
                help=t("assess.results.notes_help"),
            )
            if st.form_submit_button(t("assess.save")):
                try:
                    sn.update_snapshot(
                        engine, pid, snap.id, expected_version=snap.version, author=author, title=title, held_on=held_on, notes=notes
                    )
                    st.rerun()
                except WorkbookError as exc:
                    show_error(exc)
    if writer and st.button(t("assess.results.remove"), key=k("remove-snapshot", pid, snap.id)):
        sn.remove_snapshot(engine, pid, snap.id, author=author)
        st.session_state.pop(k("snapshot", pid), None)
        st.rerun()

scores = sn.domain_scores(engine, pid, snapshot_id)
st.header(t("assess.results.scores"), anchor=False)
st.caption(t("assess.results.scores_caption"))
shown = scores.drop(columns=["domain", "rag"]).copy()
shown["RAG"] = [f"{RAG_MARK[r]} {label}" for r, label in zip(scores["rag"], frame_in_language(scores)["RAG"], strict=True)]
st.dataframe(frame_in_language(shown), hide_index=True)

st.header(t("assess.results.views"), anchor=False)
chart_with_table(
    sn.comparison_figure(scores, t("assess.chart.compare_title")),
    scores[["Domain", "Progress (average of 4)", "Frontline (average of 4)", "Frontline ratings", "Gap (strategic minus frontline)"]],
    k("compare", pid, snapshot_id),
    t("assess.results.compare_alt"),
)
for line in sn.gap_findings(scores, ui_language()):
    st.warning(line, icon="↕️")

with st.expander(t("assess.results.every_statement"), expanded=False):
    table = sn.statement_table(engine, pid, snapshot_id)
    if not table.empty:
        st.dataframe(
            frame_in_language(
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
                ]
            ),
            hide_index=True,
        )

st.header(t("assess.chart.frontline_survey"), anchor=False)
responses = sn.responses(engine, snapshot_id)
st.caption(t("assess.results.frontline_caption", n=f"{len(responses):,}"))
if writer:
    file_import(
        k("snapshot-survey", pid, snapshot_id),
        template=snapshot_template_csv(),
        template_name="snapshot_survey_template.csv",
        preview=lambda data, name, options: preview_snapshot_survey(engine, pid, snapshot_id, data, name, options),
        run=lambda data, name, replace, options: import_snapshot_survey(
            engine, pid, snapshot_id, data, name, author=author, replace=replace, options=options
        ),
        what=t("assess.what.frontline"),
        existing=len(responses),
    )
survey_link_panel(engine, pid, "frontline", snapshot_id, writer=writer, author=author)

st.header(t("assess.chart.strategic_survey"), anchor=False)
strategic_survey_section(engine, pid, snapshot_id, writer=writer, author=author)

if len(snaps) > 1:
    st.header(t("assess.results.over_time"), anchor=False)
    frame = sn.compare_snapshots(engine, pid)
    chart_with_table(sn.trend_figure(frame), frame, k("trend", pid), t("assess.results.trend_alt"))

st.header(t("assess.recommendations"), anchor=False)
st.caption(t("assess.results.recs_caption"))
recommendations_panel(engine, partnership, editable=writer, snapshot_id=snapshot_id)

st.header(t("assess.results.report"), anchor=False)
report = document_job(
    engine,
    ("snapshot-report", pid, snapshot_id),
    t("assess.results.the_report"),
    lambda: build_snapshot_report(engine, pid, snapshot_id),
    button=t("assess.results.build"),
)
if report is not None:
    report_name = snapshot_filename(partnership, snap.title)
    offer_download(
        st,
        t("assess.results.download"),
        data=report,
        file_name=report_name,
        icon="📄",
    )
    pdf_offer(engine, ("snapshot-report", pid, snapshot_id), report, report_name, t("assess.results.the_report"))
