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
from strategy.ui.downloads import offer_download
from strategy.ui.language import list_names, name_in, t, ui_language
from strategy.ui.layout import page_context
from strategy.ui.read_only import read_only_text
from strategy.ui.snapshot_views import (
    chart_with_table,
    conflict_note,
    file_import,
    flash,
    frame_in_language,
    k,
    recommendations_panel,
    removed_panel,
)
from strategy.ui.state import current_author, error_text, show_error
from strategy.ui.survey_views import survey_link_panel
from strategy.ui.widgets import identity_form

#: The page's words are in data/language/interface_assess.yaml: the note on case references is
#: t("assess.case.reference_note"), the introduction t("assess.audit.intro").


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
    st.markdown(t("assess.audit.intro"))
    writer = identity_form()
    author = current_author()
    audit = _choose_audit(engine, partnership, writer, author)
    if audit is None:
        st.info(t("assess.audit.none"))
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
    st.header(t("assess.recommendations"), anchor=False)
    st.caption(t("assess.audit.recs_caption"))
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
    offer_download(
        st,
        t("assess.audit.tracker_download"),
        data=lambda: depth.tracker_csv(engine, page.pid, page.audit_id),
        file_name="audit-recommendations-and-responses.csv",
        icon="📥",
        key=k("tracker", page.pid, page.audit_id),
    )
    _briefing(page)


def _grade_name(grade_id: str) -> str:
    """A grade's name in this person's language (the stored value stays the id)."""
    return list_names("audit_grades").get(grade_id) or (au.grade_label(grade_id) if grade_id else t("assess.grade.none"))


def _choose_audit(engine: Engine, partnership: Partnership, writer: bool, author: Author | None) -> ThematicAudit | None:
    """Start a new audit, bring back a removed one, and choose the one to work on (None when there is none)."""
    pid = stored_id(partnership)
    parts = list_names("audit_parts")
    audits = au.list_audits(engine, pid)
    if writer:  # scrutineers and viewers read the audits; they have nothing to start
        with st.expander(t("assess.audit.new"), expanded=not audits):
            with st.form(k("new-audit", pid), clear_on_submit=True):
                theme = st.text_input(
                    t("assess.audit.theme"),
                    max_chars=au.THEME_LIMIT,
                    placeholder=t("assess.audit.theme_placeholder"),
                )
                period = st.text_input(
                    t("assess.audit.period"), max_chars=au.PERIOD_LIMIT, placeholder=t("assess.audit.period_placeholder")
                )
                chosen_parts = st.multiselect(t("assess.audit.parts"), list(parts), format_func=parts.__getitem__)
                if st.form_submit_button(t("assess.audit.start"), type="primary"):
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
            t("assess.audit.removed"),
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
        t("assess.audit.audit"),
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
    with st.expander(t("assess.audit.details")):
        if not page.writer or page.author is None:  # scrutineers and viewers: the details as text
            empty = t("assess.not_written")
            read_only_text(t("assess.audit.theme"), audit.theme, empty=empty)
            read_only_text(t("assess.audit.period"), audit.period, empty=empty)
            read_only_text(t("assess.audit.held_on"), uk_day(audit.held_on), empty=empty)
            read_only_text(t("assess.audit.parts"), "; ".join(parts.get(p, p) for p in view.parts), empty=empty)
            return
        # Keyed by generation, not by version: a form keyed by the version was a new, empty form after
        # someone else's save, and this person's submit was dropped without a word. Now what they typed
        # stays, and saving it against the version they saw is a conflict, said as one.
        loaded = _loaded(k("details", audit.id), audit.version)
        form = k("details", pid, audit.id, _generation(k("details", audit.id)))
        with st.form(form):
            theme = st.text_input(t("assess.audit.theme"), value=audit.theme, max_chars=au.THEME_LIMIT, key=k(form, "theme"))
            period = st.text_input(t("assess.audit.period"), value=audit.period, max_chars=au.PERIOD_LIMIT, key=k(form, "period"))
            held_on = st.date_input(
                t("assess.audit.held_on"),
                value=date.fromisoformat(audit.held_on) if audit.held_on else None,
                format="DD/MM/YYYY",
                help=t("assess.audit.held_on_help"),
                key=k(form, "held"),
            )
            chosen_parts = st.multiselect(
                t("assess.audit.parts"), list(parts), default=view.parts, format_func=parts.__getitem__, key=k(form, "parts")
            )
            if st.form_submit_button(t("assess.save")):
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
        if st.button(t("assess.audit.remove"), key=k("remove-audit", pid, audit.id)):
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
        st.session_state[k("audit-flash", page.pid)] = ("error", error_text(exc))


def _findings(page: AuditPage) -> None:
    audit = page.audit
    texts = au.view(audit).texts
    st.header(t("assess.audit.findings"), anchor=False)
    if page.writer:
        st.caption(t("assess.audit.findings_caption"))
        safeguarding_reminder()
    for field in au.TEXT_FIELDS:
        label = t(f"assess.audit.text.{field}")
        key = k("text", page.pid, audit.id, field, audit.version)
        if not page.writer:  # scrutineers and viewers: the findings as text
            read_only_text(label, texts.get(field, ""), empty=t("assess.not_written"))
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
    st.header(t("assess.case.heading"), anchor=False)
    if page.writer:
        st.caption(t("assess.case.reference_note"))
    cases = au.list_cases(engine, page.audit_id)
    factor_names = name_in("audit_factors", au.audit_factors(page.audit))  # the partnership's own as written
    if cases:
        grades = au.grade_table(cases)
        chart_with_table(au.grade_figure(grades), grades, k("grades", pid, page.audit_id), t("assess.case.grades_alt"))
    for case in cases:
        with st.expander(f"{md_escape(case.reference)} · {_grade_name(case.grade)}"):
            if not page.writer:  # scrutineers and viewers: the case as text
                empty = t("assess.not_written")
                read_only_text(t("assess.case.reference"), case.reference, empty=empty)
                read_only_text(t("assess.case.agencies"), case.agencies, empty=empty)
                read_only_text(t("assess.case.grade"), _grade_name(case.grade), empty=empty)
                read_only_text(
                    t("assess.case.factors"),
                    "; ".join(factor_names.get(f, f) for f in au.case_factors(case)),
                    empty=t("assess.case.none_ticked"),
                )
                read_only_text(t("assess.case.strengths"), case.strengths, empty=empty)
                read_only_text(t("assess.case.learning"), case.learning, empty=empty)
                continue
            if author is not None:
                _case_form(page, case, factor_names)
            if author is not None and st.button(t("assess.case.remove"), key=k("case-remove", case.id)):
                au.remove_case(engine, pid, stored_id(case), author=author)
                st.rerun()
    if not page.writer or author is None:
        return
    with st.form(k("new-case", pid, page.audit_id)):
        st.markdown(f"**{t('assess.case.add_heading')}**")
        reference = st.text_input(
            t("assess.case.reference"), max_chars=au.REFERENCE_LIMIT, placeholder=t("assess.case.placeholder", n=len(cases) + 1)
        )
        agencies = st.text_input(t("assess.case.agencies"), max_chars=au.AGENCIES_LIMIT)
        grade = st.selectbox(t("assess.case.grade"), grade_ids, format_func=_grade_name)
        factors = st.multiselect(t("assess.case.factors"), list(factor_names), format_func=factor_names.__getitem__)
        strengths = st.text_area(t("assess.case.strengths"))
        learning = st.text_area(t("assess.case.learning"))
        confirm = st.checkbox(t("assess.case.confirm"))
        if st.form_submit_button(t("assess.case.add"), type="primary"):
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
                st.warning(error_text(exc) + t("assess.case.tick_to_confirm"), icon="⚠️")
            except WorkbookError as exc:
                show_error(exc)
    removed = au.list_cases(engine, page.audit_id, deleted=True)
    if removed:
        with st.expander(t("assess.case.removed", n=len(removed))):
            for case in removed:
                if st.button(t("assess.bring_back_named", name=case.reference), key=k("case-restore", case.id)):
                    au.remove_case(engine, pid, stored_id(case), author=author, restore=True)
                    st.rerun()


def _survey(page: AuditPage) -> None:
    engine, pid, audit_id = page.engine, page.pid, page.audit_id
    st.header(t("assess.survey.heading"), anchor=False)
    responses = au.survey_responses(engine, audit_id)
    summary = au.survey_summary(responses)
    if summary.responses:
        st.text(au.awareness_sentence(summary, ui_language()))
        chart_with_table(
            au.confidence_figure(summary),
            summary.confidence,
            k("confidence", pid, audit_id),
            t("assess.survey.confidence_alt"),
        )
        if not summary.barriers.empty:
            chart_with_table(
                au.barrier_figure(summary),
                summary.barriers,
                k("barriers", pid, audit_id),
                t("assess.survey.barriers_alt"),
            )
    if not page.writer or page.author is None:
        return
    author = page.author
    with st.expander(t("assess.survey.import"), expanded=not responses):
        st.caption(t("assess.survey.import_caption"))
        file_import(
            k("audit-survey", pid, audit_id),
            template=audit_template_csv(),
            template_name="audit_staff_survey_template.csv",
            preview=preview_audit_survey,
            run=lambda data, name, replace, options: import_audit_survey(
                engine, pid, audit_id, data, name, author=author, replace=replace, options=options
            ),
            what=t("assess.what.survey"),
            existing=len(responses),
        )
    survey_link_panel(engine, pid, "audit", audit_id, writer=True, author=author)


def _briefing(page: AuditPage) -> None:
    engine, pid, audit_id = page.engine, page.pid, page.audit_id
    st.header(t("assess.briefing.heading"), anchor=False)
    st.markdown(t("assess.briefing.intro", theme=md_escape(page.audit.theme)))
    briefing = document_job(
        engine,
        ("audit-briefing", pid, audit_id),
        t("assess.briefing.the_briefing"),
        lambda: build_audit_briefing(engine, pid, audit_id),
        button=t("assess.briefing.build"),
    )
    if briefing is not None:
        briefing_name = briefing_filename(page.audit.theme)
        offer_download(
            st,
            t("assess.briefing.download"),
            data=briefing,
            file_name=briefing_name,
            icon="📄",
        )
        pdf_offer(engine, ("audit-briefing", pid, audit_id), briefing, briefing_name, t("assess.briefing.the_briefing"))


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
        reference = st.text_input(t("assess.case.reference"), value=case.reference, max_chars=au.REFERENCE_LIMIT, key=k(form, "ref"))
        agencies_involved = st.text_input(t("assess.case.agencies"), value=case.agencies, max_chars=au.AGENCIES_LIMIT, key=k(form, "ag"))
        grade = st.selectbox(
            t("assess.case.grade"),
            grade_ids,
            index=grade_ids.index(case.grade) if case.grade in grade_ids else 0,
            format_func=_grade_name,
            key=k(form, "grade"),
        )
        factors = st.multiselect(
            t("assess.case.factors"),
            list(factor_names),
            default=[f for f in au.case_factors(case) if f in factor_names],
            format_func=factor_names.__getitem__,
            key=k(form, "factors"),
        )
        strengths = st.text_area(t("assess.case.strengths"), value=case.strengths, key=k(form, "strengths"))
        learning = st.text_area(t("assess.case.learning"), value=case.learning, key=k(form, "learning"))
        confirm = st.checkbox(t("assess.case.confirm"), key=k("case-ok", case.id))
        if st.form_submit_button(t("assess.case.save")):
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
                st.warning(error_text(exc), icon="⚠️")
            except Conflict as exc:
                st.error(conflict_note(exc), icon="⚠️")
            except WorkbookError as exc:
                show_error(exc)


def _criteria(page: AuditPage) -> None:
    """What good looks like: criteria tied to the plan's outcomes, with how many cases met each."""
    engine, pid, audit_id, author = page.engine, page.pid, page.audit_id, page.author
    st.header(t("assess.criterion.heading"), anchor=False)
    st.caption(t("assess.criterion.caption"))
    criteria = depth.list_criteria(engine, audit_id)
    table = depth.criteria_table(engine, pid, criteria)
    if criteria:
        st.dataframe(frame_in_language(table), hide_index=True)
        if table["Cases audited"].notna().any():
            chart_with_table(depth.criteria_figure(table), table, k("criteria", pid, audit_id), t("assess.criterion.chart_alt"))
    elif not page.writer:
        st.caption(t("assess.criterion.none"))
    if not page.writer or author is None:
        return
    outcomes = depth.outcome_choices(engine, pid)
    outcome_ids: list[int | None] = [None, *outcomes]

    def outcome_label(i: int | None) -> str:
        return t("assess.criterion.no_outcome") if i is None else outcomes[i]

    cases_recorded = len(au.list_cases(engine, audit_id))
    for n, c in enumerate(criteria, start=1):
        with st.expander(t("assess.criterion.expander", n=n, text=md_escape(c.text[:80]))):
            loaded = _loaded(k("criterion", c.id), c.version)
            form = k("criterion", c.id, _generation(k("criterion", c.id)))
            with st.form(form):
                text = st.text_area(t("assess.criterion.text"), value=c.text, max_chars=depth.CRITERION_LIMIT, key=k(form, "text"))
                outcome = st.selectbox(
                    t("assess.criterion.outcome"),
                    outcome_ids,
                    index=outcome_ids.index(c.outcome_id) if c.outcome_id in outcome_ids else 0,
                    format_func=outcome_label,
                    key=k(form, "outcome"),
                )
                cols = st.columns(2)
                met = cols[0].number_input(t("assess.criterion.met"), min_value=0, step=1, value=c.met, key=k(form, "met"))
                audited = cols[1].number_input(t("assess.criterion.audited"), min_value=0, step=1, value=c.audited, key=k(form, "audited"))
                if st.form_submit_button(t("assess.criterion.save")):
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
            if st.button(t("assess.criterion.remove"), key=k("criterion-remove", c.id)):
                depth.remove_criterion(engine, pid, stored_id(c), author=author)
                st.rerun()
    with st.form(k("new-criterion", pid, audit_id), clear_on_submit=True):
        st.markdown(f"**{t('assess.criterion.add_heading')}**")
        text = st.text_area(t("assess.criterion.text"), max_chars=depth.CRITERION_LIMIT, placeholder=t("assess.criterion.placeholder"))
        outcome = st.selectbox(t("assess.criterion.outcome"), outcome_ids, format_func=outcome_label)
        cols = st.columns(2)
        met = cols[0].number_input(t("assess.criterion.met"), min_value=0, step=1, value=None)
        audited = cols[1].number_input(t("assess.criterion.audited"), min_value=0, step=1, value=cases_recorded or None)
        if st.form_submit_button(t("assess.criterion.add")):
            try:
                depth.add_criterion(engine, pid, audit_id, text=text, outcome_id=outcome, met=met, audited=audited, author=author)
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
    removed_panel(
        t("assess.criterion.removed"),
        depth.list_criteria(engine, audit_id, deleted=True),
        lambda c: c.text[:60],
        lambda c: depth.remove_criterion(engine, pid, stored_id(c), author=author, restore=True),
        "criterion-restore",
    )


def _factors(page: AuditPage) -> None:
    """The factors present across the audited cases, as a chart and a table; the partnership's own factors."""
    engine, pid, audit, author = page.engine, page.pid, page.audit, page.author
    st.header(t("assess.factor.heading"), anchor=False)
    st.caption(t("assess.factor.caption"))
    cases = au.list_cases(engine, page.audit_id)
    table = depth.factor_table(audit, cases)
    if table.empty:
        st.caption(t("assess.factor.none"))
    else:
        chart_with_table(depth.factor_figure(table), table, k("factors", pid, page.audit_id), t("assess.factor.chart_alt"))
    if not page.writer or author is None:
        return
    own = {f: label for f, label in au.audit_factors(audit).items() if f not in {x["id"] for x in au.factors_list()}}
    with st.expander(t("assess.factor.own")):
        for factor_id, label in own.items():
            cols = st.columns([4, 1])
            cols[0].text(label)
            if cols[1].button(t("assess.remove"), key=k("factor-remove", pid, page.audit_id, factor_id)):
                try:
                    depth.remove_own_factor(engine, pid, page.audit_id, factor_id, expected_version=audit.version, author=author)
                    st.rerun()
                except Conflict as exc:
                    st.error(conflict_note(exc), icon="⚠️")
                except WorkbookError as exc:
                    show_error(exc)
        with st.form(k("new-factor", pid, page.audit_id), clear_on_submit=True):
            label = st.text_input(t("assess.factor.add"), max_chars=depth.FACTOR_LIMIT, placeholder=t("assess.factor.placeholder"))
            if st.form_submit_button(t("assess.factor.add_button")):
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
    with st.expander(t("assess.reading.heading")):
        st.caption(t("assess.reading.caption"))
        counts = {c.key: c for c in depth.audit_counts(engine, pid, audit_id) if c.of}
        measures = depth.measure_choices(engine, pid)
        if not counts:
            st.info(t("assess.reading.nothing"))
            return
        if not measures:
            st.info(t("assess.reading.no_measures"))
            return
        with st.form(k("reading", pid, audit_id)):
            count = st.selectbox(
                t("assess.reading.count"),
                list(counts),
                format_func=lambda key: t("assess.reading.count_of", label=counts[key].label, met=counts[key].met, of=counts[key].of),
            )
            measure_id = st.selectbox(t("assess.reading.measure"), list(measures), format_func=measures.__getitem__)
            period = st.text_input(
                t("assess.reading.period"),
                value=depth.default_period(page.audit),
                help=t("assess.reading.period_help"),
            )
            if st.form_submit_button(t("assess.reading.record")):
                try:
                    reading = depth.record_audit_reading(
                        engine, pid, audit_id, measure_id=measure_id, count=count, period=period, author=author
                    )
                    st.success(t("assess.reading.recorded", value=md_escape(reading.value), period=md_escape(reading.period)), icon="✅")
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
    not_given = t("assess.rec.not_given_yet")
    st.markdown(
        t(
            "assess.rec.owner_due",
            owner=md_escape(rec.owner) if rec.owner else not_given,
            due=uk_day(rec.due_date) if rec.due_date else not_given,
        )
    )
    for x in given:
        st.markdown(
            t("assess.rec.responded", agency=md_escape(x.agency))
            + (t("assess.rec.responded_on", day=uk_day(x.responded_on)) if x.responded_on else "")
            + (f", {md_escape(x.responded_by)}" if x.responded_by else "")
            + t("assess.rec.recorded", when=uk_date(x.updated_at))
        )
        st.text(x.text)
    if not given:
        st.caption(t("assess.rec.no_response"))
    if page.writer and author is not None:
        with st.popover(t("assess.rec.owner_popover")):
            loaded = _loaded(k("rec-owner", rec_id), rec.version)
            form = k("rec-owner", rec_id, _generation(k("rec-owner", rec_id)))
            with st.form(form):
                options = ["", *listed]
                owner = st.selectbox(
                    t("assess.rec.owner"),
                    options,
                    index=options.index(rec.owner) if rec.owner in options else 0,
                    format_func=lambda a: a or t("assess.rec.not_given"),
                    key=k(form, "owner"),
                )
                due = st.date_input(
                    t("assess.rec.due"),
                    value=date.fromisoformat(rec.due_date) if rec.due_date else None,
                    format="DD/MM/YYYY",
                    key=k(form, "due"),
                )
                if st.form_submit_button(t("assess.rec.save_owner")):
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
        with st.popover(t("assess.rec.response_popover")):
            st.caption(t("assess.rec.response_caption"))
            versions = _loaded(k("rec-response", rec_id), {x.agency: x.version for x in given})
            texts = {x.agency: x.text for x in given}
            with st.form(k("rec-response", rec_id, _generation(k("rec-response", rec_id)))):
                agency = st.selectbox(t("assess.col.agency"), listed, index=None, placeholder=t("assess.rec.choose_agency"))
                text = st.text_area(
                    t("assess.rec.response"),
                    max_chars=RESPONSE_LIMIT,
                    help=t("assess.rec.response_help"),
                )
                day = st.date_input(t("assess.rec.response_date"), value=None, format="DD/MM/YYYY")
                by = st.text_input(t("assess.rec.given_by"), max_chars=120)
                if st.form_submit_button(t("assess.rec.save_response")):
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
                            st.caption(t("assess.rec.you_loaded"))
                            st.text(texts[agency])
                    except WorkbookError as exc:
                        show_error(exc)
    key = f"recommendation:{rec_id}"
    comments_panel(engine, page.partnership, "", "item", key, counts.get(("item", key), 0))
