"""The thematic audits page (Guide §15.2): starting and choosing an audit, its theme, period and
parts, the findings and the briefing's messages, the audited cases, the staff survey, the
recommendations and the briefing in Word. ``views/audits.py`` only calls ``audits_page``.

People's text reaches the page only through md_escape, st.text, read_only_text or st.dataframe."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.assessments import audit as au
from strategy.assessments.io import audit_template_csv, import_audit_survey, preview_audit_survey
from strategy.core.authors import Author
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.models import Partnership, ThematicAudit, stored_id
from strategy.core.text import md_escape
from strategy.documents.audit_briefing import briefing_filename, build_audit_briefing
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.building import document_job, pdf_offer
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import chart_with_table, conflict_note, file_import, flash, k, recommendations_panel, removed_panel
from strategy.ui.state import current_author, show_error
from strategy.ui.widgets import identity_form

INTRO = (
    "A thematic multi-agency audit looks at practice through several windows at once: data, learning from case "
    "reviews, a frontline staff survey and an audit of a sample of children's cases. Its strengths, learning and "
    "recommendations feed the strategy's context and its action plan, and scrutiny follows the recommendations. "
    "Guide §15.2."
)


@dataclass(frozen=True)
class AuditPage:
    """What every part of the page works with: the partnership, who is writing, the audit chosen."""

    engine: Engine
    partnership: Partnership
    writer: bool
    author: Author | None
    audit: ThematicAudit

    @property
    def pid(self) -> int:
        return stored_id(self.partnership)

    @property
    def audit_id(self) -> int:
        return stored_id(self.audit)


def audits_page() -> None:
    """The whole page, top to bottom."""
    engine, partnership = page_context()
    assert partnership is not None  # page_context stops the page when none is chosen
    st.title("Thematic audits")
    st.markdown(INTRO)
    writer = identity_form()
    author = current_author()
    audit = _choose_audit(engine, partnership, writer, author)
    if audit is None:
        st.info("No thematic audit yet: start one above.")
        st.stop()
        return
    page = AuditPage(engine, partnership, writer, author, audit)
    flash(k("audit-flash", page.pid))
    _details(page)
    _findings(page)
    _cases(page)
    _survey(page)
    st.header("Recommendations", anchor=False)
    st.caption("Tracked as actions in the action plan and monitored by scrutiny.")
    recommendations_panel(engine, partnership, editable=writer, audit_id=page.audit_id)
    _briefing(page)


def _choose_audit(engine: Engine, partnership: Partnership, writer: bool, author: Author | None) -> ThematicAudit | None:
    """Start a new audit, bring back a removed one, and choose the one to work on (None when there is none)."""
    pid = stored_id(partnership)
    parts = {p["id"]: p["label"] for p in au.parts_list()}
    audits = au.list_audits(engine, pid)
    if writer:  # scrutineers and viewers read the audits; they have nothing to start
        with st.expander("Start a new audit", expanded=not audits):
            with st.form(k("new-audit", pid), clear_on_submit=True):
                theme = st.text_input(
                    "Theme",
                    max_chars=au.THEME_LIMIT,
                    placeholder="The multi-agency response to child sexual abuse in the family environment",
                )
                period = st.text_input("Period", max_chars=au.PERIOD_LIMIT, placeholder="January to March 2026")
                chosen_parts = st.multiselect("Parts of the audit", list(parts), format_func=parts.__getitem__)
                if st.form_submit_button("Start the audit", type="primary"):
                    try:
                        assert author is not None  # a writer is signed in
                        audit = au.create_audit(engine, pid, theme=theme, period=period, parts=chosen_parts, author=author)
                        st.session_state[k("audit", pid)] = audit.id
                        st.rerun()
                    except WorkbookError as exc:
                        show_error(exc)
    removed_audits = au.list_audits(engine, pid, deleted=True)
    if writer and author is not None:
        removed_panel(
            "Removed audits",
            removed_audits,
            lambda r: r.theme,
            lambda r: au.remove_audit(engine, pid, r.id, author=author, restore=True),
            "restore-audit",
        )
    if not audits:
        return None
    ids = [stored_id(a) for a in audits]
    chosen = st.session_state.get(k("audit", pid))
    audit_id = st.selectbox(
        "Audit",
        ids,
        index=ids.index(chosen) if chosen in ids else len(ids) - 1,
        format_func=lambda i: next(a.theme for a in audits if a.id == i),
        key=k("audit-pick", pid),
    )
    st.session_state[k("audit", pid)] = audit_id
    return next(a for a in audits if a.id == audit_id)


def _details(page: AuditPage) -> None:
    audit, pid = page.audit, page.pid
    view = au.view(audit)
    parts = {p["id"]: p["label"] for p in au.parts_list()}
    with st.expander("Theme, period and parts"):
        if not page.writer or page.author is None:  # scrutineers and viewers: the details as text
            read_only_text("Theme", audit.theme)
            read_only_text("Period", audit.period)
            read_only_text("Parts of the audit", "; ".join(parts.get(p, p) for p in view.parts))
            return
        with st.form(k("details", pid, audit.id, audit.version)):
            theme = st.text_input("Theme", value=audit.theme, max_chars=au.THEME_LIMIT)
            period = st.text_input("Period", value=audit.period, max_chars=au.PERIOD_LIMIT)
            chosen_parts = st.multiselect("Parts of the audit", list(parts), default=view.parts, format_func=parts.__getitem__)
            if st.form_submit_button("Save"):
                try:
                    au.update_audit(
                        page.engine,
                        pid,
                        page.audit_id,
                        expected_version=audit.version,
                        author=page.author,
                        theme=theme,
                        period=period,
                        parts=chosen_parts,
                    )
                    st.rerun()
                except Conflict as exc:
                    st.error(conflict_note(exc), icon="⚠️")
                except WorkbookError as exc:
                    show_error(exc)
        if st.button("Remove this audit", key=k("remove-audit", pid, audit.id)):
            au.remove_audit(page.engine, pid, page.audit_id, author=page.author)
            st.session_state.pop(k("audit", pid), None)
            st.rerun()


def _save_text(page: AuditPage, field: str, key: str) -> None:
    author = current_author()
    try:
        if author is None:
            raise WorkbookError("You are signed out, so nothing was saved. Sign in again.")
        au.update_audit(
            page.engine, page.pid, page.audit_id, expected_version=page.audit.version, author=author, texts={field: st.session_state[key]}
        )
    except Conflict as exc:
        st.session_state[k("audit-flash", page.pid)] = ("error", conflict_note(exc))
    except WorkbookError as exc:
        st.session_state[k("audit-flash", page.pid)] = ("error", exc.message)


def _findings(page: AuditPage) -> None:
    audit = page.audit
    texts = au.view(audit).texts
    st.header("Findings and the briefing's messages", anchor=False)
    if page.writer:
        st.caption("Each box saves when you leave it. Lists: one item per line.")
        safeguarding_reminder()
    for field, label in au.TEXT_FIELDS.items():
        key = k("text", page.pid, audit.id, field, audit.version)
        if not page.writer:  # scrutineers and viewers: the findings as text
            read_only_text(label, texts.get(field, ""))
            continue
        st.text_area(
            label,
            value=texts.get(field, ""),
            key=key,
            height=68 if field == "one_thing" else 140,
            on_change=_save_text,
            args=(page, field, key),
        )


def _cases(page: AuditPage) -> None:
    engine, pid, author = page.engine, page.pid, page.author
    grade_ids = ["", *au.GRADE_ORDER]
    st.header("Audited cases", anchor=False)
    if page.writer:
        st.caption(
            "Give each case a reference the partnership chooses, such as 'Case 1'. Never a name, a date of birth, an "
            "NHS number or anything else that could identify a child or family."
        )
    cases = au.list_cases(engine, page.audit_id)
    if cases:
        grades = au.grade_table(cases)
        chart_with_table(au.grade_figure(grades), grades, k("grades", pid, page.audit_id), "Audited cases by grade.")
    for case in cases:
        with st.expander(f"{md_escape(case.reference)} · {au.grade_label(case.grade)}"):
            if not page.writer:  # scrutineers and viewers: the case as text
                read_only_text("Case reference", case.reference)
                read_only_text("Agencies involved", case.agencies)
                read_only_text("Grade", au.grade_label(case.grade))
                read_only_text("Strengths", case.strengths)
                read_only_text("Learning", case.learning)
                continue
            if author is not None and st.button("Remove this case", key=k("case-remove", case.id)):
                au.remove_case(engine, pid, stored_id(case), author=author)
                st.rerun()
    if not page.writer or author is None:
        return
    with st.form(k("new-case", pid, page.audit_id)):
        st.markdown("**Add a case**")
        reference = st.text_input("Case reference", max_chars=au.REFERENCE_LIMIT, placeholder=f"Case {len(cases) + 1}")
        agencies = st.text_input("Agencies involved", max_chars=au.AGENCIES_LIMIT)
        grade = st.selectbox("Grade", grade_ids, format_func=au.grade_label)
        strengths = st.text_area("Strengths")
        learning = st.text_area("Learning")
        confirm = st.checkbox("This reference cannot identify anyone: use it as it is")
        if st.form_submit_button("Add the case", type="primary"):
            try:
                au.add_case(
                    engine,
                    pid,
                    page.audit_id,
                    reference=reference,
                    agencies=agencies,
                    grade=grade or "",
                    strengths=strengths,
                    learning=learning,
                    author=author,
                    confirmed=confirm,
                )
                st.rerun()
            except au.IdentifyingReference as exc:
                st.warning(exc.message + " Tick the box to confirm, then add the case again.", icon="⚠️")
            except WorkbookError as exc:
                show_error(exc)
    removed = au.list_cases(engine, page.audit_id, deleted=True)
    if removed:
        with st.expander(f"Removed cases ({len(removed)})"):
            for case in removed:
                if st.button(f"Bring back {case.reference}", key=k("case-restore", case.id)):
                    au.remove_case(engine, pid, stored_id(case), author=author, restore=True)
                    st.rerun()


def _survey(page: AuditPage) -> None:
    engine, pid, audit_id = page.engine, page.pid, page.audit_id
    st.header("Staff survey", anchor=False)
    responses = au.survey_responses(engine, audit_id)
    summary = au.survey_summary(responses)
    if summary.responses:
        st.text(au.awareness_sentence(summary))
        chart_with_table(
            au.confidence_figure(summary),
            summary.confidence,
            k("confidence", pid, audit_id),
            "Average confidence in identifying and responding, by agency (1 to 5).",
        )
        if not summary.barriers.empty:
            chart_with_table(
                au.barrier_figure(summary),
                summary.barriers,
                k("barriers", pid, audit_id),
                "What stops practitioners using the strategy and toolkit.",
            )
    if not page.writer or page.author is None:
        return
    author = page.author
    with st.expander("Import the staff survey (CSV or Excel)", expanded=not responses):
        st.caption(
            "One response per row: agency, role, confidence identifying and responding (1 to 5 or words such "
            "as 'Fairly confident'), aware of the strategy (yes/no), used the toolkit (yes/no), what stops use, "
            "comment. Names and email addresses are never imported."
        )
        file_import(
            k("audit-survey", pid, audit_id),
            template=audit_template_csv(),
            template_name="audit_staff_survey_template.csv",
            preview=preview_audit_survey,
            run=lambda data, name, replace, options: import_audit_survey(
                engine, pid, audit_id, data, name, author=author, replace=replace, options=options
            ),
            what="survey responses",
            existing=len(responses),
        )


def _briefing(page: AuditPage) -> None:
    engine, pid, audit_id = page.engine, page.pid, page.audit_id
    st.header("The briefing", anchor=False)
    st.markdown(
        f"A briefing on **{md_escape(page.audit.theme)}** in the shape partnerships publish: the one thing to do, key "
        "messages for leaders and practitioners, strengths, learning, recommendations and resources."
    )
    briefing = document_job(
        engine,
        ("audit-briefing", pid, audit_id),
        "the briefing",
        lambda: build_audit_briefing(engine, pid, audit_id),
        button="Build the Word briefing",
    )
    if briefing is not None:
        briefing_name = briefing_filename(page.audit.theme)
        st.download_button(
            "Download the briefing",
            data=briefing,
            file_name=briefing_name,
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            icon="📄",
        )
        pdf_offer(engine, ("audit-briefing", pid, audit_id), briefing, briefing_name, "the briefing")
