"""The thematic audits page (Guide §15.2): starting and choosing an audit, its theme, period and
parts, the findings and the briefing's messages, the audited cases, the staff survey, the
recommendations and the briefing in Word. ``views/audits.py`` only calls ``audits_page``.

People's text reaches the page only through md_escape, st.text, read_only_text or st.dataframe."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.comments import open_counts
from strategy.assessments import audit as au
from strategy.assessments import audit_depth as depth
from strategy.assessments.io import audit_template_csv, import_audit_survey, preview_audit_survey
from strategy.assessments.recommendations import RESPONSE_LIMIT, list_responses, save_response, update_recommendation
from strategy.core.authors import Author
from strategy.core.dates import uk_date
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.models import AuditCase, Partnership, Recommendation, RecommendationResponse, ThematicAudit, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.documents.audit_briefing import briefing_filename, build_audit_briefing
from strategy.plan.operations import agencies
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.building import document_job, pdf_offer
from strategy.ui.comments_panel import comments_panel
from strategy.ui.language import list_names, name_in, t
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import (
    chart_with_table,
    conflict_note,
    file_import,
    flash,
    k,
    recommendations_panel,
    removed_panel,
)
from strategy.ui.state import current_author, show_error
from strategy.ui.survey_views import survey_link_panel
from strategy.ui.widgets import identity_form

CASE_REFERENCE_NOTE = (
    "Give each case a reference the partnership chooses, such as 'Case 1'. It must not be a name, a date of "
    "birth, an NHS number or a case number from an agency's system, nor anything else that could identify a "
    "child or family. Tick the factors present; never describe them."
)
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
    st.title(t("nav.audits"))
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
    _criteria(page)
    _factors(page)
    _reading(page)
    _survey(page)
    st.header("Recommendations", anchor=False)
    st.caption(
        "Tracked as actions in the action plan and monitored by scrutiny. Each has an owning agency and a due date, "
        "and each agency reports back on it to the independent chair and scrutineer."
    )
    responses = list_responses(engine, page.pid)
    listed = agencies(engine, page.pid) if writer else []
    counts = open_counts(engine, page.pid)
    recommendations_panel(
        engine,
        partnership,
        editable=writer,
        audit_id=page.audit_id,
        extra=lambda rec: _accountability(page, rec, responses, listed, counts),
    )
    st.download_button(
        "Download the recommendations and responses (CSV)",
        data=lambda: depth.tracker_csv(engine, page.pid, page.audit_id),
        file_name="audit-recommendations-and-responses.csv",
        mime="text/csv",
        icon="📥",
        key=k("tracker", page.pid, page.audit_id),
    )
    _briefing(page)


def _grade_name(grade_id: str) -> str:
    """A grade's name in this person's language (the stored value stays the id)."""
    return list_names("audit_grades").get(grade_id) or au.grade_label(grade_id)


def _choose_audit(engine: Engine, partnership: Partnership, writer: bool, author: Author | None) -> ThematicAudit | None:
    """Start a new audit, bring back a removed one, and choose the one to work on (None when there is none)."""
    pid = stored_id(partnership)
    parts = list_names("audit_parts")
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
    parts = list_names("audit_parts")
    with st.expander("Theme, period and parts"):
        if not page.writer or page.author is None:  # scrutineers and viewers: the details as text
            read_only_text("Theme", audit.theme)
            read_only_text("Period", audit.period)
            read_only_text("Date of the audit", uk_day(audit.held_on))
            read_only_text("Parts of the audit", "; ".join(parts.get(p, p) for p in view.parts))
            return
        # Keyed by generation, not by version: a form keyed by the version was a new, empty form after
        # someone else's save, and this person's submit was dropped without a word. Now what they typed
        # stays, and saving it against the version they saw is a conflict, said as one.
        loaded = _loaded(k("details", audit.id), audit.version)
        form = k("details", pid, audit.id, _generation(k("details", audit.id)))
        with st.form(form):
            theme = st.text_input("Theme", value=audit.theme, max_chars=au.THEME_LIMIT, key=k(form, "theme"))
            period = st.text_input("Period", value=audit.period, max_chars=au.PERIOD_LIMIT, key=k(form, "period"))
            held_on = st.date_input(
                "Date of the audit",
                value=date.fromisoformat(audit.held_on) if audit.held_on else None,
                format="DD/MM/YYYY",
                help="The day the audit reported: a count from it becomes a measure's reading for this date's financial year.",
                key=k(form, "held"),
            )
            chosen_parts = st.multiselect(
                "Parts of the audit", list(parts), default=view.parts, format_func=parts.__getitem__, key=k(form, "parts")
            )
            if st.form_submit_button("Save"):
                _submit(
                    k("details", audit.id),
                    partial(
                        au.update_audit,
                        page.engine,
                        pid,
                        page.audit_id,
                        expected_version=loaded,
                        author=page.author,
                        theme=theme,
                        period=period,
                        parts=chosen_parts,
                        held_on=held_on,
                    ),
                )
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
        st.caption(CASE_REFERENCE_NOTE)
    cases = au.list_cases(engine, page.audit_id)
    factor_names = name_in("audit_factors", au.audit_factors(page.audit))  # the partnership's own as written
    if cases:
        grades = au.grade_table(cases)
        chart_with_table(au.grade_figure(grades), grades, k("grades", pid, page.audit_id), "Audited cases by grade.")
    for case in cases:
        with st.expander(f"{md_escape(case.reference)} · {au.grade_label(case.grade)}"):
            if not page.writer:  # scrutineers and viewers: the case as text
                read_only_text("Case reference", case.reference)
                read_only_text("Agencies involved", case.agencies)
                read_only_text("Grade", au.grade_label(case.grade))
                read_only_text("Factors present", "; ".join(factor_names.get(f, f) for f in au.case_factors(case)), empty="None ticked.")
                read_only_text("Strengths", case.strengths)
                read_only_text("Learning", case.learning)
                continue
            if author is not None:
                _case_form(page, case, factor_names)
            if author is not None and st.button("Remove this case", key=k("case-remove", case.id)):
                au.remove_case(engine, pid, stored_id(case), author=author)
                st.rerun()
    if not page.writer or author is None:
        return
    with st.form(k("new-case", pid, page.audit_id)):
        st.markdown("**Add a case**")
        reference = st.text_input("Case reference", max_chars=au.REFERENCE_LIMIT, placeholder=f"Case {len(cases) + 1}")
        agencies = st.text_input("Agencies involved", max_chars=au.AGENCIES_LIMIT)
        grade = st.selectbox("Grade", grade_ids, format_func=_grade_name)
        factors = st.multiselect("Factors present", list(factor_names), format_func=factor_names.__getitem__)
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
                    factors=factors,
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
    survey_link_panel(engine, pid, "audit", audit_id, writer=True, author=author)


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


# --- The case audit in depth (issue 21) ---------------------------------------------------------


def _loaded(key: str, current):
    """The version(s) this browser showed on its last run, which a save must expect (so a change saved
    by someone else in between is a conflict, never overwritten); then remember what is shown now."""
    stash = k("loaded", key)
    before = st.session_state.get(stash, current)
    st.session_state[stash] = current
    return before


def _generation(key: str) -> int:
    """A form's generation: its key stays the same (what was typed survives a refusal or a conflict)
    until a save succeeds, which starts a fresh form."""
    return st.session_state.get(k("generation", key), 0)


def _next_generation(key: str) -> None:
    st.session_state[k("generation", key)] = _generation(key) + 1


def _submit(form_key: str, save: Callable[[], object]) -> None:
    """A form's version-checked save: saved, a fresh form; refused or clashing with someone else's save,
    said, with what was typed left in the form to save again."""
    try:
        save()
    except Conflict as exc:
        st.error(conflict_note(exc), icon="⚠️")
        return
    except WorkbookError as exc:
        show_error(exc)
        return
    _next_generation(form_key)
    st.rerun()


def _case_form(page: AuditPage, case: AuditCase, factor_names: dict[str, str]) -> None:
    """Change one audited case, its factors included, version-checked."""
    assert page.author is not None  # only writers reach the form
    grade_ids = ["", *au.GRADE_ORDER]
    loaded = _loaded(k("case", case.id), case.version)
    form = k("case", case.id, _generation(k("case", case.id)))
    with st.form(form):  # each field keyed: what was typed survives someone else's save, which is then a conflict
        reference = st.text_input("Case reference", value=case.reference, max_chars=au.REFERENCE_LIMIT, key=k(form, "ref"))
        agencies_involved = st.text_input("Agencies involved", value=case.agencies, max_chars=au.AGENCIES_LIMIT, key=k(form, "ag"))
        grade = st.selectbox(
            "Grade",
            grade_ids,
            index=grade_ids.index(case.grade) if case.grade in grade_ids else 0,
            format_func=_grade_name,
            key=k(form, "grade"),
        )
        factors = st.multiselect(
            "Factors present",
            list(factor_names),
            default=[f for f in au.case_factors(case) if f in factor_names],
            format_func=factor_names.__getitem__,
            key=k(form, "factors"),
        )
        strengths = st.text_area("Strengths", value=case.strengths, key=k(form, "strengths"))
        learning = st.text_area("Learning", value=case.learning, key=k(form, "learning"))
        confirm = st.checkbox("This reference cannot identify anyone: use it as it is", key=k("case-ok", case.id))
        if st.form_submit_button("Save the case"):
            try:
                au.update_case(
                    page.engine,
                    page.pid,
                    stored_id(case),
                    expected_version=loaded,
                    author=page.author,
                    reference=reference,
                    agencies=agencies_involved,
                    grade=grade or "",
                    strengths=strengths,
                    learning=learning,
                    confirmed=confirm,
                    factors=factors,
                )
                _next_generation(k("case", case.id))
                st.rerun()
            except au.IdentifyingReference as exc:
                st.warning(exc.message, icon="⚠️")
            except Conflict as exc:
                st.error(conflict_note(exc), icon="⚠️")
            except WorkbookError as exc:
                show_error(exc)


def _criteria(page: AuditPage) -> None:
    """What good looks like: criteria tied to the plan's outcomes, with how many cases met each."""
    engine, pid, audit_id, author = page.engine, page.pid, page.audit_id, page.author
    st.header("What good looks like: criteria", anchor=False)
    st.caption(
        "Each criterion is something good practice shows, such as 'The child's views were recorded', tied where it "
        "fits to one of the plan's intended outcomes, with how many of the cases audited met it. Guide §15.2."
    )
    criteria = depth.list_criteria(engine, audit_id)
    table = depth.criteria_table(engine, pid, criteria)
    if criteria:
        st.dataframe(table, hide_index=True)
        if table["Cases audited"].notna().any():
            chart_with_table(
                depth.criteria_figure(table), table, k("criteria", pid, audit_id), "Cases audited that met each criterion (per cent)."
            )
    elif not page.writer:
        st.caption("No criteria recorded for this audit.")
    if not page.writer or author is None:
        return
    outcomes = depth.outcome_choices(engine, pid)
    outcome_ids: list[int | None] = [None, *outcomes]

    def outcome_label(i: int | None) -> str:
        return "(not tied to an outcome)" if i is None else outcomes[i]

    cases_recorded = len(au.list_cases(engine, audit_id))
    for n, c in enumerate(criteria, start=1):
        with st.expander(f"Criterion {n}: {md_escape(c.text[:80])}"):
            loaded = _loaded(k("criterion", c.id), c.version)
            form = k("criterion", c.id, _generation(k("criterion", c.id)))
            with st.form(form):
                text = st.text_area("What good looks like", value=c.text, max_chars=depth.CRITERION_LIMIT, key=k(form, "text"))
                outcome = st.selectbox(
                    "Intended outcome",
                    outcome_ids,
                    index=outcome_ids.index(c.outcome_id) if c.outcome_id in outcome_ids else 0,
                    format_func=outcome_label,
                    key=k(form, "outcome"),
                )
                cols = st.columns(2)
                met = cols[0].number_input("Cases that met it", min_value=0, step=1, value=c.met, key=k(form, "met"))
                audited = cols[1].number_input("Cases audited", min_value=0, step=1, value=c.audited, key=k(form, "audited"))
                if st.form_submit_button("Save the criterion"):
                    _submit(
                        k("criterion", c.id),
                        partial(
                            depth.update_criterion,
                            engine,
                            pid,
                            stored_id(c),
                            expected_version=loaded,
                            author=author,
                            text=text,
                            outcome_id=outcome,
                            met=met,
                            audited=audited,
                        ),
                    )
            if st.button("Remove this criterion", key=k("criterion-remove", c.id)):
                depth.remove_criterion(engine, pid, stored_id(c), author=author)
                st.rerun()
    with st.form(k("new-criterion", pid, audit_id), clear_on_submit=True):
        st.markdown("**Add a criterion**")
        text = st.text_area("What good looks like", max_chars=depth.CRITERION_LIMIT, placeholder="The child's views were recorded")
        outcome = st.selectbox("Intended outcome", outcome_ids, format_func=outcome_label)
        cols = st.columns(2)
        met = cols[0].number_input("Cases that met it", min_value=0, step=1, value=None)
        audited = cols[1].number_input("Cases audited", min_value=0, step=1, value=cases_recorded or None)
        if st.form_submit_button("Add the criterion"):
            try:
                depth.add_criterion(engine, pid, audit_id, text=text, outcome_id=outcome, met=met, audited=audited, author=author)
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
    removed_panel(
        "Removed criteria",
        depth.list_criteria(engine, audit_id, deleted=True),
        lambda c: c.text[:60],
        lambda c: depth.remove_criterion(engine, pid, stored_id(c), author=author, restore=True),
        "criterion-restore",
    )


def _factors(page: AuditPage) -> None:
    """The factors present across the audited cases, as a chart and a table; the partnership's own factors."""
    engine, pid, audit, author = page.engine, page.pid, page.audit, page.author
    st.header("Factors across the cases", anchor=False)
    st.caption(
        "How many of the audited cases had each factor present (ticked on each case above): domestic abuse, "
        "parental ill health, substance misuse, language barriers, special educational needs or disability, "
        "missed school, other harms, and any the partnership adds."
    )
    cases = au.list_cases(engine, page.audit_id)
    table = depth.factor_table(audit, cases)
    if table.empty:
        st.caption("No cases recorded yet, so nothing is counted.")
    else:
        chart_with_table(depth.factor_figure(table), table, k("factors", pid, page.audit_id), "Factors present across the audited cases.")
    if not page.writer or author is None:
        return
    own = {f: label for f, label in au.audit_factors(audit).items() if f not in {x["id"] for x in au.factors_list()}}
    with st.expander("The partnership's own factors"):
        for factor_id, label in own.items():
            cols = st.columns([4, 1])
            cols[0].text(label)
            if cols[1].button("Remove", key=k("factor-remove", pid, page.audit_id, factor_id)):
                try:
                    depth.remove_own_factor(engine, pid, page.audit_id, factor_id, expected_version=audit.version, author=author)
                    st.rerun()
                except Conflict as exc:
                    st.error(conflict_note(exc), icon="⚠️")
                except WorkbookError as exc:
                    show_error(exc)
        with st.form(k("new-factor", pid, page.audit_id), clear_on_submit=True):
            label = st.text_input("Add a factor", max_chars=depth.FACTOR_LIMIT, placeholder="Parent in prison")
            if st.form_submit_button("Add the factor"):
                try:
                    depth.add_own_factor(engine, pid, page.audit_id, label=label, expected_version=audit.version, author=author)
                    st.rerun()
                except Conflict as exc:
                    st.error(conflict_note(exc), icon="⚠️")
                except WorkbookError as exc:
                    show_error(exc)


def _reading(page: AuditPage) -> None:
    """A count from the case audit recorded as one of the plan's measures' reading, in one step."""
    engine, pid, audit_id, author = page.engine, page.pid, page.audit_id, page.author
    if not page.writer or author is None:
        return
    with st.expander("Record a count as a measure's reading"):
        st.caption(
            "A criterion's or a factor's count from this audit becomes the reading of one of the evaluation framework's "
            "measures for the audit's period. The reading says it came from this audit."
        )
        counts = {c.key: c for c in depth.audit_counts(engine, pid, audit_id) if c.of}
        measures = depth.measure_choices(engine, pid)
        if not counts:
            st.info("Nothing counted yet: record the cases' factors or a criterion's count first.")
            return
        if not measures:
            st.info("The evaluation framework has no measures yet. Add one on the Evaluation framework page first.")
            return
        with st.form(k("reading", pid, audit_id)):
            count = st.selectbox(
                "Count", list(counts), format_func=lambda key: f"{counts[key].label} ({counts[key].met} of {counts[key].of})"
            )
            measure_id = st.selectbox("Measure", list(measures), format_func=measures.__getitem__)
            period = st.text_input(
                "Period of the reading",
                value=depth.default_period(page.audit),
                help="A year (2026), a financial year (2025/26) or a quarter (Q4 2025/26).",
            )
            if st.form_submit_button("Record the reading"):
                try:
                    reading = depth.record_audit_reading(
                        engine, pid, audit_id, measure_id=measure_id, count=count, period=period, author=author
                    )
                    st.success(f"Recorded {md_escape(reading.value)} for {md_escape(reading.period)}.", icon="✅")
                except WorkbookError as exc:
                    show_error(exc)


def _accountability(
    page: AuditPage, rec: Recommendation, responses: dict[int, list[RecommendationResponse]], listed: list[str], counts: Counter
) -> None:
    """One recommendation's owner, due date and each agency's response: read by everyone, changed by
    editors (version-checked); scrutineers comment on it."""
    engine, pid, author = page.engine, page.pid, page.author
    rec_id = stored_id(rec)
    given = responses.get(rec_id, [])
    st.markdown(
        f"**Owner:** {md_escape(rec.owner) if rec.owner else 'not given yet'} · "
        f"**Due:** {uk_day(rec.due_date) if rec.due_date else 'not given yet'}"
    )
    for x in given:
        st.markdown(
            f"**{md_escape(x.agency)}** responded"
            + (f" on {uk_day(x.responded_on)}" if x.responded_on else "")
            + (f", {md_escape(x.responded_by)}" if x.responded_by else "")
            + f" (recorded {uk_date(x.updated_at)})"
        )
        st.text(x.text)
    if not given:
        st.caption("No agency has responded yet.")
    if page.writer and author is not None:
        with st.popover("Owner and due date"):
            loaded = _loaded(k("rec-owner", rec_id), rec.version)
            form = k("rec-owner", rec_id, _generation(k("rec-owner", rec_id)))
            with st.form(form):
                options = ["", *listed]
                owner = st.selectbox(
                    "Owning agency",
                    options,
                    index=options.index(rec.owner) if rec.owner in options else 0,
                    format_func=lambda a: a or "(not given)",
                    key=k(form, "owner"),
                )
                due = st.date_input(
                    "Due", value=date.fromisoformat(rec.due_date) if rec.due_date else None, format="DD/MM/YYYY", key=k(form, "due")
                )
                if st.form_submit_button("Save the owner and due date"):
                    _submit(
                        k("rec-owner", rec_id),
                        partial(
                            update_recommendation,
                            engine,
                            pid,
                            rec_id,
                            expected_version=loaded,
                            author=author,
                            owner=owner or "",
                            due_date=due,
                        ),
                    )
        with st.popover("Record an agency's response"):
            st.caption(
                "What the agency has done or will do, as it reported to the independent chair and scrutineer. Never name a child or family."
            )
            versions = _loaded(k("rec-response", rec_id), {x.agency: x.version for x in given})
            texts = {x.agency: x.text for x in given}
            with st.form(k("rec-response", rec_id, _generation(k("rec-response", rec_id)))):
                agency = st.selectbox("Agency", listed, index=None, placeholder="Choose the agency")
                text = st.text_area(
                    "Response",
                    max_chars=RESPONSE_LIMIT,
                    help="Choosing an agency that has responded replaces its response; theirs is kept in the history.",
                )
                day = st.date_input("Date of the response", value=None, format="DD/MM/YYYY")
                by = st.text_input("Given by (a role, such as 'Head of Safeguarding')", max_chars=120)
                if st.form_submit_button("Save the response"):
                    try:
                        if agency is None:
                            raise WorkbookError("Choose the agency that is responding. Nothing was saved.")
                        save_response(
                            engine,
                            pid,
                            rec_id,
                            agency=agency,
                            text=text,
                            responded_on=day,
                            responded_by=by,
                            expected_version=versions.get(agency, 0),
                            author=author,
                        )
                        _next_generation(k("rec-response", rec_id))
                        st.rerun()
                    except Conflict as exc:
                        st.error(conflict_note(exc), icon="⚠️")
                        if agency in texts:
                            st.caption("The response you loaded:")
                            st.text(texts[agency])
                    except WorkbookError as exc:
                        show_error(exc)
    key = f"recommendation:{rec_id}"
    comments_panel(engine, page.partnership, "", "item", key, counts.get(("item", key), 0))
