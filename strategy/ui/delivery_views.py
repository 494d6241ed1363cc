"""Delivery pages (Guide §15.1): progress updates on actions, indicator readings, and the scrutineer's
dashboard. Writes go through strategy.delivery.operations with the person's name; what they typed stays in the form
when it is refused, with the message saying what to fix. Every chart has its table beside it."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.changes import UntilChanged
from strategy.core.errors import WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape, shorten
from strategy.core.values import parse_date, uk_day
from strategy.delivery import charts as delivery_chart
from strategy.delivery import operations as D
from strategy.documents.progress_report import export_progress_report, report_filename
from strategy.features import SCRUTINY_SECTIONS
from strategy.guide.content import content
from strategy.plan import operations as P
from strategy.ui.a11y import safeguarding_reminder
from strategy.ui.building import document_job, pdf_offer
from strategy.ui.document_language import language_choice
from strategy.ui.downloads import offer_download
from strategy.ui.language import list_names, name_in, t, ui_language
from strategy.ui.lazy import lazy_expander
from strategy.ui.plan_extras import _say
from strategy.ui.plan_views import _page_head
from strategy.ui.state import current_author, show_error
from strategy.word.language import chart_words, figure_in_language


def _reading_label(names: dict[int, str], reading_id: int | None) -> str:
    return t("publish.delivery.choose") if reading_id is None else names[reading_id]


def _k(*parts) -> str:
    return "delivery|" + "|".join(str(p) for p in parts)


def _write(fn, *args, done: str, **kwargs) -> bool:
    """Call a delivery write as the person; a refusal is shown at once and the form keeps its text."""
    author = current_author()
    if author is None:
        st.error(t("publish.delivery.name_first"))
        return False
    try:
        fn(*args, author=author, **kwargs)
    except WorkbookError as exc:
        show_error(exc)
        return False
    _say("success", done)
    return True


CLEAR = "delivery|clear"
#: The pages these link to (paths, not words: kept apart from the calls that show words).
ACTION_PLAN_PAGE, EVALUATION_PAGE = "views/action_plan.py", "views/evaluation.py"


def _clear_saved_fields() -> None:
    """Empty the fields of a form saved in the last run (before its widgets are drawn), so a second click
    cannot save the same update twice."""
    for key in st.session_state.pop(CLEAR, []):
        st.session_state[key] = ""


#: The column names of the delivery tables shown on screen, and the key of each in the person's language.
#: The tables themselves (and the files and documents made from them) keep their English names.
COLUMN_KEYS = {
    name: "publish.col." + re.sub(r"[^a-z]+", "_", name.lower()).strip("_")
    for name in (
        "Code", "Action", "Actions", "Strategic aim", "Lead", "Core component", "Recommendations", "Status",
        "Completion", "Completed on", "Last update", "Days since update", "Overdue", "Due for an update",
        "Milestone", "Due", "Done on", "Output indicator", "Target", "Achieved", "As at", "Share of target",
        "Cost", "Funding source", "Staff time", "Date", "Progress note", "Evidence", "By", "Indicator",
        "Baseline", "Latest", "Previous", "Readings", "Direction of travel", "Judgement", "Why", "Period",
        "Value", "Counted as", "Source", "Note", "Total", "What was heard", "Sent to", "Response",
        "Shared with", "What was reviewed", "What changed", "From", "Recommendation", "Owner",
        "Responses from", "Audit", "If you do one thing", "Learning identified", "Strengths", "About",
        "Comment", "Replies",
    )
}  # fmt: skip
#: Columns whose cells are the workbook's own fixed words (statuses, judgements), shown in the person's
#: language; every other cell is what people wrote, shown as written.
FIXED_WORDS = ("Status", "Judgement", "Direction of travel", "Target", "Achieved")


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` as the screen shows it: column names, statuses and the breakdown's status columns in the
    person's language. English: the table as it is."""
    language = ui_language()
    if language == "en":
        return table
    table = table.copy()
    for column in FIXED_WORDS:
        if column in table.columns:
            table[column] = table[column].map(lambda v: chart_words(v, language) if isinstance(v, str) else v)
    return table.rename(columns=lambda c: t(COLUMN_KEYS[c]) if c in COLUMN_KEYS else chart_words(str(c), language))


def _figure(fig):
    """A chart with the words it draws in the person's language (the documents' chart phrases)."""
    return figure_in_language(fig, ui_language())


def _show(table: pd.DataFrame, empty: str) -> None:
    if table.empty:
        st.caption(empty)
    else:
        table = D.visible(table) if any(str(c).startswith("_") for c in table.columns) else table
        st.dataframe(shown(table), hide_index=True, width="stretch")


# --- Progress updates ---------------------------------------------------------------------------


def progress_updates_page(engine: Engine, partnership: Partnership) -> None:
    editable, plan = _page_head(
        engine,
        partnership,
        t("nav.progress_updates"),
        "§15.1",
        t("publish.progress.intro"),
    )
    if plan.empty or not plan.all_actions():
        st.info(t("publish.progress.no_actions"))
        st.page_link(ACTION_PLAN_PAGE, label=t("publish.delivery.go_action_plan"), icon="🗓️")
        return
    _clear_saved_fields()
    d = D.load_delivery(engine, stored_id(partnership))
    actions = D.action_status_table(d)
    st.header(t("publish.progress.where"), divider="gray")
    st.caption(t("publish.progress.interval", days=d.interval))
    left, right = st.columns(2)
    with left:
        st.subheader(t("publish.col.overdue"))
        _show(
            actions.loc[actions["Overdue"].astype(bool)][["Code", "Action", "Lead", "Status", "Completion"]],
            t("publish.progress.none_overdue"),
        )
    with right:
        st.subheader(t("publish.col.due_for_an_update"))
        _show(
            actions.loc[actions["Due for an update"].astype(bool)][["Code", "Action", "Lead", "Last update"]],
            t("publish.progress.all_recent"),
        )

    codes = {stored_id(x): f"{plan.code('action', stored_id(x))} {shorten(x.title, 90)}" for x in plan.all_actions()}
    labels = name_in("progress_statuses", D.status_labels())
    current = dict(zip(actions["_id"], actions["Status"], strict=True))
    if editable:  # scrutineers and viewers read the history below; they get no form to type into
        _update_form(engine, partnership, codes, labels, current)

    st.header(t("publish.progress.history"), divider="gray")
    chosen = st.selectbox(
        t("publish.progress.show_of"),
        [None, *codes],
        format_func=lambda i: t("publish.progress.every_action") if i is None else codes[i],
        key=_k("history"),
    )
    _show(D.updates_table(d, action_id=chosen), t("publish.progress.no_updates"))


def _status_words(status: str) -> str:
    """A status word (as the tables hold it) in the person's language."""
    return chart_words(status, ui_language()) if status else status


def _update_form(engine: Engine, partnership: Partnership, codes: dict, labels: dict, current: dict) -> None:
    st.header(t("publish.progress.give"), divider="gray")
    safeguarding_reminder()
    with st.form(_k("update"), border=True):
        action_id = st.selectbox(
            t("publish.col.action"),
            list(codes),
            format_func=lambda i: t("publish.progress.action_now", action=codes[i], status=_status_words(current.get(i, ""))),
            key=_k("action"),
        )
        a, b, c = st.columns(3)
        status = a.selectbox(t("publish.col.status"), list(labels), format_func=lambda v: labels[v], key=_k("status"))
        reported = b.text_input(t("publish.progress.reported"), value=date.today().strftime("%d/%m/%Y"), key=_k("reported"))
        completed = c.text_input(t("publish.progress.completed"), key=_k("completed"), placeholder="31/03/2026")
        note = st.text_area(t("publish.col.progress_note"), key=_k("note"), max_chars=D.NOTE_LIMIT)
        evidence = st.text_input(t("publish.progress.evidence"), key=_k("evidence"))
        if st.form_submit_button(t("publish.progress.save"), type="primary"):
            if _write(
                D.add_update,
                engine,
                partnership.id,
                action_id,
                status=status,
                note=note,
                evidence=evidence,
                reported_on=reported,
                completed_on=completed or None,
                done=t("publish.progress.saved", code=codes[action_id].split(" ")[0]),
            ):
                st.session_state[CLEAR] = [_k("note"), _k("evidence"), _k("completed")]
                st.rerun()


# --- Indicators ---------------------------------------------------------------------------------


def _reading_form(engine: Engine, partnership: Partnership, measure) -> None:
    with st.form(_k("reading", measure.id), border=False):
        a, b = st.columns(2)
        period = a.text_input(
            t("publish.col.period"),
            key=_k("period", measure.id),
            placeholder=t("publish.indicators.period_placeholder"),
            help=t("publish.indicators.period_help"),
        )
        value = b.text_input(t("publish.col.value"), key=_k("value", measure.id), help=t("publish.indicators.value_help"))
        source = a.text_input(t("publish.col.source"), key=_k("source", measure.id), value=measure.collection[:300])
        note = b.text_input(t("publish.col.note"), key=_k("note", measure.id))
        if st.form_submit_button(t("publish.indicators.add")):
            if _write(
                D.add_reading,
                engine,
                partnership.id,
                measure.id,
                period=period,
                value=value,
                source=source,
                note=note,
                done=t("publish.indicators.added"),
            ):
                st.session_state[CLEAR] = [_k("period", measure.id), _k("value", measure.id), _k("note", measure.id)]
                st.rerun()


def indicators_page(engine: Engine, partnership: Partnership) -> None:
    editable, plan = _page_head(
        engine,
        partnership,
        t("nav.indicators"),
        "§15.1",
        t("publish.indicators.intro"),
    )
    measures = plan.all_measures()
    if not measures:
        st.info(t("publish.indicators.no_measures"))
        st.page_link(EVALUATION_PAGE, label=t("publish.indicators.go_evaluation"), icon="📏")
        return
    _clear_saved_fields()
    d = D.load_delivery(engine, stored_id(partnership))
    summary = D.indicator_table(d, ui_language())
    st.dataframe(shown(summary.drop(columns=["_id"])), hide_index=True, width="stretch")
    st.caption(t("publish.indicators.off_track", margin=round(D.OFF_TRACK_MARGIN * 100)))
    for m, row in zip(measures, summary.itertuples(), strict=True):
        typed = [_k(f, m.id) for f in ("period", "value", "source", "note")]
        box = lazy_expander(
            f"{row.Code} {md_escape(shorten(m.indicator, 90))} · {_status_words(row.Judgement)}", key=_k("open", m.id), keep=typed
        )
        if not box.open:
            continue  # its chart and form are drawn when opened: sixty measures cost one
        with box:
            table = D.readings_table(d, stored_id(m))
            if table.empty:
                st.caption(t("publish.indicators.no_readings"))
            else:
                st.plotly_chart(_figure(delivery_chart.indicator_figure(table)), key=_k("chart", m.id))
                st.dataframe(shown(table.drop(columns=["_id", "_start"])), hide_index=True, width="stretch")
                if editable:  # scrutineers and viewers see the readings, with nothing to remove or add
                    _remove_reading(engine, partnership, m, table)
            if editable:
                _reading_form(engine, partnership, m)
    removed = [r for r in D.list_readings(engine, stored_id(partnership), removed=True) if any(m.id == r.measure_id for m in measures)]
    if removed:
        with st.expander(t("publish.indicators.removed", count=len(removed))):
            for r in removed[:100]:
                a, b = st.columns([8, 2])
                a.text(f"{plan.code('measure', r.measure_id)} {r.period}: {r.value}")
                if editable and b.button(t("publish.indicators.restore"), key=_k("restore", r.id)):
                    if _write(D.restore_reading, engine, partnership.id, r.id, done=t("publish.indicators.restored")):
                        st.rerun()


def _remove_reading(engine: Engine, partnership: Partnership, m, table: pd.DataFrame) -> None:
    removable = {int(r["_id"]): f"{r['Period']}: {r['Value']}" for _, r in table.iterrows()}
    choices: list[int | None] = [None, *removable]
    c1, c2 = st.columns([3, 1])
    gone = c1.selectbox(t("publish.indicators.remove_one"), choices, key=_k("remove", m.id), format_func=partial(_reading_label, removable))
    if c2.button(t("publish.indicators.remove"), key=_k("remove-btn", m.id), disabled=gone is None):
        if _write(D.delete_reading, engine, stored_id(partnership), gone, done=t("publish.indicators.removed_one")):
            st.rerun()


# --- The scrutineer's dashboard ----------------------------------------------------------------

BY = {"Strategic aim": "Strategic aim", "Agency": "Lead", "Core component": "Core component", "Recommendation": "Recommendations"}
#: The breakdown's choices in the person's language (``BY``'s keys stay the English the radio returns).
BY_KEYS = {
    "Strategic aim": "publish.col.strategic_aim",
    "Agency": "publish.scrutiny.agency",
    "Core component": "publish.col.core_component",
    "Recommendation": "publish.col.recommendation",
}


def _filters(plan: P.Plan, actions: pd.DataFrame) -> D.Filters:
    aims = {stored_id(a): f"{plan.code('aim', stored_id(a))} {shorten(a.title, 60)}" for a in plan.aims}
    agencies = sorted({n for leads in actions["_leads"] for n in leads})
    components = list_names("core_components")
    recs = {r["id"]: f"{r['number']} {r['label']}" for r in content().reference("recommendations").items}
    c = st.columns(5)
    return D.Filters(
        aims=c[0].multiselect(t("publish.scrutiny.aim"), list(aims), format_func=lambda v: aims[v], key=_k("f-aim")),
        agencies=c[1].multiselect(t("publish.scrutiny.agency"), agencies, key=_k("f-agency")),
        components=c[2].multiselect(
            t("publish.col.core_component"), list(components), format_func=lambda v: components[v], key=_k("f-comp")
        ),
        recommendations=c[3].multiselect(t("publish.col.recommendation"), list(recs), format_func=lambda v: recs[v], key=_k("f-rec")),
        statuses=c[4].multiselect(t("publish.col.status"), list(D.status_labels().values()), format_func=_status_words, key=_k("f-status")),
    )


#: The dashboard's charts, kept until the partnership changes (made again for other figures too).
_KEPT = UntilChanged()


def _status_figure(engine: Engine, partnership: Partnership, counts: pd.DataFrame, by: str | None = None):
    return _KEPT.get(
        engine,
        stored_id(partnership),
        ("status", by, counts.to_csv()),
        lambda: delivery_chart.status_figure(counts, by) if by else delivery_chart.status_figure(counts),
    )


#: The scrutineer's dashboard's sections (strategy.features.SCRUTINY_SECTIONS), their words by section id.
SECTION_IDS = (
    "overdue", "due", "at_risk", "indicators_off_track", "recommendations_open", "audit_learning", "feedback", "reviews",
    "comments_open",
)  # fmt: skip


def _section_words(section_id: str, part: str, english: str) -> str:
    """A section's title, intro or empty note in the person's language (its English for a section added
    to SCRUTINY_SECTIONS without words here)."""
    if section_id not in SECTION_IDS:
        return english
    return t(f"publish.section.{section_id}.{part}", margin=round(D.OFF_TRACK_MARGIN * 100))


def scrutiny_page(engine: Engine, partnership: Partnership) -> None:
    st.title(t("nav.scrutiny"))
    st.caption(f"{md_escape(partnership.name)} · {t('chapter.guide', ref='§15')}")
    st.markdown(t("publish.scrutiny.intro"))
    everything = D.load_delivery(engine, stored_id(partnership))
    all_actions = D.action_status_table(everything)
    if all_actions.empty and everything.plan.empty:
        st.info(t("publish.scrutiny.no_actions"))
        st.page_link(ACTION_PLAN_PAGE, label=t("publish.delivery.go_action_plan"), icon="🗓️")
    filters = _filters(everything.plan, all_actions)
    d = dataclasses.replace(everything, filters=filters)  # the same reading, filtered: read once
    actions = D.action_status_table(d)
    m = st.columns(4)
    m[0].metric(t("publish.col.actions"), len(actions))
    m[1].metric(t("publish.col.overdue"), int(actions["Overdue"].sum()))
    m[2].metric(t("publish.col.due_for_an_update"), int(actions["Due for an update"].sum()))
    m[3].metric(t("publish.scrutiny.off_track"), int((D.indicator_table(d)["Judgement"] == "Off track").sum()))

    st.header(t("publish.scrutiny.by_status"), divider="gray")
    counts = D.status_counts(actions)
    chart, table = st.columns([3, 2])
    chart.plotly_chart(_figure(_status_figure(engine, partnership, counts)), key=_k("status-chart"))
    table.dataframe(shown(counts), hide_index=True, width="stretch")
    by_label = st.radio(t("publish.scrutiny.break_down"), list(BY), format_func=lambda v: t(BY_KEYS[v]), horizontal=True, key=_k("by"))
    by = BY[by_label]
    breakdown = D.status_counts(actions, by)
    if breakdown.empty:
        st.caption(t("publish.scrutiny.no_match"))
    else:
        st.plotly_chart(_figure(_status_figure(engine, partnership, breakdown, by)), key=_k("by-chart"))
        st.dataframe(shown(breakdown), hide_index=True, width="stretch")
    with st.expander(t("publish.scrutiny.every_action", count=len(actions))):
        _show(actions, t("publish.scrutiny.no_match"))

    for section in SCRUTINY_SECTIONS:
        st.header(_section_words(section.key, "title", section.title), divider="gray")
        if section.intro:
            st.caption(_section_words(section.key, "intro", section.intro))
        _show(section.rows(d), _section_words(section.key, "empty", section.empty))

    st.header(t("publish.scrutiny.milestones"), divider="gray")
    st.caption(t("publish.scrutiny.milestones_caption"))
    _show(D.milestone_table(d), t("publish.scrutiny.no_milestones"))
    st.header(t("publish.scrutiny.outputs"), divider="gray")
    st.caption(t("publish.scrutiny.outputs_caption"))
    _show(D.output_table(d), t("publish.scrutiny.no_outputs"))

    st.header(t("nav.indicators"), divider="gray")
    _show(D.indicator_table(d, ui_language()).drop(columns=["_id"]), t("publish.scrutiny.no_measures"))

    st.header(t("publish.report.header"), divider="gray")
    st.markdown(t("publish.report.intro"))
    since_text = st.text_input(t("publish.report.since"), key=_k("since"), placeholder="01/07/2026")
    try:
        since_iso = parse_date(since_text, what="The date") if since_text.strip() else None
        since = date.fromisoformat(since_iso) if since_iso else None
    except WorkbookError as exc:
        show_error(exc)
        return
    pid = stored_id(partnership)
    language = language_choice(partnership, "report", t("publish.report.language"))  # Wales only
    job = ("progress-report", pid, since) if language == "en" else ("progress-report", pid, since, language)
    what = t(f"publish.report.what_{language}")
    built = document_job(
        engine,
        job,
        what,
        lambda: export_progress_report(engine, pid, since=since, language=language),
        button=t("publish.report.prepare"),
        primary=False,
    )
    if built is not None:  # kept for the download, not made again per click
        name = report_filename(partnership.name, language=language)
        offer_download(
            st,
            t("publish.report.download"),
            built,
            file_name=name,
            key=_k("download"),
        )
        pdf_offer(engine, job, built, name, what)
    if since:
        st.caption(t("publish.report.from", day=uk_day(since.isoformat())))
