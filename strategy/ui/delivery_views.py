"""Delivery pages (Guide §15.1): progress updates on actions, indicator readings, and the scrutineer's
dashboard. Writes go through strategy.delivery.operations with the person's name; what they typed stays in the form
when it is refused, with the message saying what to fix. Every chart has its table beside it."""

from __future__ import annotations

import dataclasses
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
from strategy.ui.language import list_names, name_in, t
from strategy.ui.lazy import lazy_expander
from strategy.ui.plan_extras import _say
from strategy.ui.plan_views import _page_head
from strategy.ui.state import current_author


def _reading_label(names: dict[int, str], reading_id: int | None) -> str:
    return "Choose" if reading_id is None else names[reading_id]


def _k(*parts) -> str:
    return "delivery|" + "|".join(str(p) for p in parts)


def _write(fn, *args, done: str, **kwargs) -> bool:
    """Call a delivery write as the person; a refusal is shown at once and the form keeps its text."""
    author = current_author()
    if author is None:
        st.error("Give your name at the top of the page first.")
        return False
    try:
        fn(*args, author=author, **kwargs)
    except WorkbookError as exc:
        st.error(md_escape(exc.message))
        return False
    _say("success", done)
    return True


CLEAR = "delivery|clear"


def _clear_saved_fields() -> None:
    """Empty the fields of a form saved in the last run (before its widgets are drawn), so a second click
    cannot save the same update twice."""
    for key in st.session_state.pop(CLEAR, []):
        st.session_state[key] = ""


def _show(table: pd.DataFrame, empty: str) -> None:
    if table.empty:
        st.caption(empty)
    else:
        st.dataframe(D.visible(table) if any(str(c).startswith("_") for c in table.columns) else table, hide_index=True, width="stretch")


# --- Progress updates ---------------------------------------------------------------------------


def progress_updates_page(engine: Engine, partnership: Partnership) -> None:
    editable, plan = _page_head(
        engine,
        partnership,
        "Progress updates",
        "§15.1",
        "Each action's lead records where the action has got to: a status (with its word and colour), a note, "
        "the evidence, and the date. The latest update is the action's status in the plan. A correction is a "
        "new update; earlier ones stay in the history.",
    )
    if plan.empty or not plan.all_actions():
        st.info("The plan has no actions yet. Add them on the Action plan page first.")
        st.page_link("views/action_plan.py", label="Go to the action plan", icon="🗓️")
        return
    _clear_saved_fields()
    d = D.load_delivery(engine, stored_id(partnership))
    actions = D.action_status_table(d)
    st.header("Where the actions stand", divider="gray")
    st.caption(f"Updates are due every {d.interval} days (set on the Implementation page).")
    left, right = st.columns(2)
    with left:
        st.subheader("Overdue")
        _show(
            actions.loc[actions["Overdue"].astype(bool)][["Code", "Action", "Lead", "Status", "Completion"]],
            "No action is past its completion date.",
        )
    with right:
        st.subheader("Due for an update")
        _show(
            actions.loc[actions["Due for an update"].astype(bool)][["Code", "Action", "Lead", "Last update"]],
            "Every action has a recent update.",
        )

    codes = {stored_id(x): f"{plan.code('action', stored_id(x))} {shorten(x.title, 90)}" for x in plan.all_actions()}
    labels = name_in("progress_statuses", D.status_labels())
    current = dict(zip(actions["_id"], actions["Status"], strict=True))
    if editable:  # scrutineers and viewers read the history below; they get no form to type into
        _update_form(engine, partnership, codes, labels, current)

    st.header("History", divider="gray")
    chosen = st.selectbox(
        "Show the updates of", [None, *codes], format_func=lambda i: "Every action" if i is None else codes[i], key=_k("history")
    )
    _show(D.updates_table(d, action_id=chosen), "No updates yet.")


def _update_form(engine: Engine, partnership: Partnership, codes: dict, labels: dict, current: dict) -> None:
    st.header("Give an update", divider="gray")
    safeguarding_reminder()
    with st.form(_k("update"), border=True):
        action_id = st.selectbox("Action", list(codes), format_func=lambda i: f"{codes[i]} · now {current.get(i, '')}", key=_k("action"))
        a, b, c = st.columns(3)
        status = a.selectbox("Status", list(labels), format_func=lambda v: labels[v], key=_k("status"))
        reported = b.text_input("Date of the update (day first)", value=date.today().strftime("%d/%m/%Y"), key=_k("reported"))
        completed = c.text_input("Completion date (for Complete)", key=_k("completed"), placeholder="31/03/2026")
        note = st.text_area("Progress note", key=_k("note"), max_chars=D.NOTE_LIMIT)
        evidence = st.text_input("Evidence (a document, a meeting, a figure)", key=_k("evidence"))
        if st.form_submit_button("Save the update", type="primary"):
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
                done=f"Saved the update on {codes[action_id].split(' ')[0]}.",
            ):
                st.session_state[CLEAR] = [_k("note"), _k("evidence"), _k("completed")]
                st.rerun()


# --- Indicators ---------------------------------------------------------------------------------


def _reading_form(engine: Engine, partnership: Partnership, measure) -> None:
    with st.form(_k("reading", measure.id), border=False):
        a, b = st.columns(2)
        period = a.text_input(
            "Period",
            key=_k("period", measure.id),
            placeholder="Q2 2026/27, 2025/26 or 2025",
            help="A year, a financial year, or a financial quarter (Q1 is April to June).",
        )
        value = b.text_input(
            "Value",
            key=_k("value", measure.id),
            help="A number (42, 42%), or a published code: c (suppressed), z (not applicable), "
            ": (not available). Codes are never counted as zero.",
        )
        source = a.text_input("Source", key=_k("source", measure.id), value=measure.collection[:300])
        note = b.text_input("Note", key=_k("note", measure.id))
        if st.form_submit_button("Add the reading"):
            if _write(
                D.add_reading,
                engine,
                partnership.id,
                measure.id,
                period=period,
                value=value,
                source=source,
                note=note,
                done="Added the reading.",
            ):
                st.session_state[CLEAR] = [_k("period", measure.id), _k("value", measure.id), _k("note", measure.id)]
                st.rerun()


def indicators_page(engine: Engine, partnership: Partnership) -> None:
    editable, plan = _page_head(
        engine,
        partnership,
        "Indicators",
        "§15.1",
        "Readings over time for each measure in the evaluation framework, charted against the baseline and "
        "the target, with the direction of travel. One reading per period; to correct one, remove it and add "
        "it again.",
    )
    measures = plan.all_measures()
    if not measures:
        st.info("The evaluation framework has no measures yet. Add them on the Evaluation framework page first.")
        st.page_link("views/evaluation.py", label="Go to the evaluation framework", icon="📏")
        return
    _clear_saved_fields()
    d = D.load_delivery(engine, stored_id(partnership))
    summary = D.indicator_table(d)
    st.dataframe(summary.drop(columns=["_id"]), hide_index=True, width="stretch")
    st.caption(
        "Off track: the latest reading is worse than the baseline, or has covered less of the way to the "
        f"target than the time passed minus {round(D.OFF_TRACK_MARGIN * 100)} percentage points."
    )
    for m, row in zip(measures, summary.itertuples(), strict=True):
        typed = [_k(f, m.id) for f in ("period", "value", "source", "note")]
        box = lazy_expander(f"{row.Code} {md_escape(shorten(m.indicator, 90))} · {row.Judgement}", key=_k("open", m.id), keep=typed)
        if not box.open:
            continue  # its chart and form are drawn when opened: sixty measures cost one
        with box:
            table = D.readings_table(d, stored_id(m))
            if table.empty:
                st.caption("No readings yet.")
            else:
                st.plotly_chart(delivery_chart.indicator_figure(table), key=_k("chart", m.id))
                st.dataframe(table.drop(columns=["_id", "_start"]), hide_index=True, width="stretch")
                if editable:  # scrutineers and viewers see the readings, with nothing to remove or add
                    _remove_reading(engine, partnership, m, table)
            if editable:
                _reading_form(engine, partnership, m)
    removed = [r for r in D.list_readings(engine, stored_id(partnership), removed=True) if any(m.id == r.measure_id for m in measures)]
    if removed:
        with st.expander(f"Removed readings ({len(removed)})"):
            for r in removed[:100]:
                a, b = st.columns([8, 2])
                a.text(f"{plan.code('measure', r.measure_id)} {r.period}: {r.value}")
                if editable and b.button("Restore", key=_k("restore", r.id)):
                    if _write(D.restore_reading, engine, partnership.id, r.id, done="Restored the reading."):
                        st.rerun()


def _remove_reading(engine: Engine, partnership: Partnership, m, table: pd.DataFrame) -> None:
    removable = {int(r["_id"]): f"{r['Period']}: {r['Value']}" for _, r in table.iterrows()}
    choices: list[int | None] = [None, *removable]
    c1, c2 = st.columns([3, 1])
    gone = c1.selectbox("Remove a reading", choices, key=_k("remove", m.id), format_func=partial(_reading_label, removable))
    if c2.button("Remove", key=_k("remove-btn", m.id), disabled=gone is None):
        if _write(D.delete_reading, engine, stored_id(partnership), gone, done="Removed the reading; it can be restored below."):
            st.rerun()


# --- The scrutineer's dashboard ----------------------------------------------------------------

BY = {"Strategic aim": "Strategic aim", "Agency": "Lead", "Core component": "Core component", "Recommendation": "Recommendations"}


def _filters(plan: P.Plan, actions: pd.DataFrame) -> D.Filters:
    aims = {stored_id(a): f"{plan.code('aim', stored_id(a))} {shorten(a.title, 60)}" for a in plan.aims}
    agencies = sorted({n for leads in actions["_leads"] for n in leads})
    components = list_names("core_components")
    recs = {r["id"]: f"{r['number']} {r['label']}" for r in content().reference("recommendations").items}
    c = st.columns(5)
    return D.Filters(
        aims=c[0].multiselect("Aim", list(aims), format_func=lambda v: aims[v], key=_k("f-aim")),
        agencies=c[1].multiselect("Agency", agencies, key=_k("f-agency")),
        components=c[2].multiselect("Core component", list(components), format_func=lambda v: components[v], key=_k("f-comp")),
        recommendations=c[3].multiselect("Recommendation", list(recs), format_func=lambda v: recs[v], key=_k("f-rec")),
        statuses=c[4].multiselect("Status", list(D.status_labels().values()), key=_k("f-status")),
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


def scrutiny_page(engine: Engine, partnership: Partnership) -> None:
    st.title(t("nav.scrutiny"))
    st.caption(f"{md_escape(partnership.name)} · Guide §15")
    st.markdown(
        "Where delivery stands: actions by status, what is overdue or due for an update, indicators off "
        "track, feedback and reviews. Reading only: nothing here changes the strategy."
    )
    everything = D.load_delivery(engine, stored_id(partnership))
    all_actions = D.action_status_table(everything)
    if all_actions.empty and everything.plan.empty:
        st.info("The plan has no actions yet, so there is no delivery to follow. The action plan is written on the Action plan page.")
        st.page_link("views/action_plan.py", label="Go to the action plan", icon="🗓️")
    filters = _filters(everything.plan, all_actions)
    d = dataclasses.replace(everything, filters=filters)  # the same reading, filtered: read once
    actions = D.action_status_table(d)
    m = st.columns(4)
    m[0].metric("Actions", len(actions))
    m[1].metric("Overdue", int(actions["Overdue"].sum()))
    m[2].metric("Due for an update", int(actions["Due for an update"].sum()))
    m[3].metric("Indicators off track", int((D.indicator_table(d)["Judgement"] == "Off track").sum()))

    st.header("Actions by status", divider="gray")
    counts = D.status_counts(actions)
    chart, table = st.columns([3, 2])
    chart.plotly_chart(_status_figure(engine, partnership, counts), key=_k("status-chart"))
    table.dataframe(counts, hide_index=True, width="stretch")
    by_label = st.radio("Break down by", list(BY), horizontal=True, key=_k("by"))
    by = BY[by_label]
    breakdown = D.status_counts(actions, by)
    if breakdown.empty:
        st.caption("No actions match the filters.")
    else:
        st.plotly_chart(_status_figure(engine, partnership, breakdown, by), key=_k("by-chart"))
        st.dataframe(breakdown, hide_index=True, width="stretch")
    with st.expander(f"Every action ({len(actions)})"):
        _show(actions, "No actions match the filters.")

    for section in SCRUTINY_SECTIONS:
        st.header(section.title, divider="gray")
        if section.intro:
            st.caption(section.intro)
        _show(section.rows(d), section.empty)

    st.header("Milestones due and overdue", divider="gray")
    st.caption("Milestones within the actions that were due by today, and every one overdue (Guide §12, §15.1).")
    _show(D.milestone_table(d), "No milestone is due yet or overdue.")
    st.header("Output indicators", divider="gray")
    st.caption("What each action has delivered so far against its target (Guide §15.1).")
    _show(D.output_table(d), "No action has output indicators yet.")

    st.header("Indicators", divider="gray")
    _show(D.indicator_table(d).drop(columns=["_id"]), "The evaluation framework has no measures yet.")

    st.header("Progress report", divider="gray")
    st.markdown(
        "A Word report for the board or a scrutiny committee: the summary by status, the updates since "
        "the date below, the indicators with charts and tables, and the sections above."
    )
    since_text = st.text_input("Updates since (day first; empty for all)", key=_k("since"), placeholder="01/07/2026")
    try:
        since_iso = parse_date(since_text, what="The date") if since_text.strip() else None
        since = date.fromisoformat(since_iso) if since_iso else None
    except WorkbookError as exc:
        st.error(md_escape(exc.message))
        return
    pid = stored_id(partnership)
    language = language_choice(partnership, "report", "Language of the progress report")  # Wales only
    job = ("progress-report", pid, since) if language == "en" else ("progress-report", pid, since, language)
    what = "the progress report" + {"cy": " in Welsh", "bilingual": " in Welsh and English"}.get(language, "")
    built = document_job(
        engine,
        job,
        what,
        lambda: export_progress_report(engine, pid, since=since, language=language),
        button="Prepare the progress report",
        primary=False,
    )
    if built is not None:  # kept for the download, not made again per click
        name = report_filename(partnership.name, language=language)
        st.download_button(
            "Download the progress report (.docx)",
            built,
            file_name=name,
            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            key=_k("download"),
        )
        pdf_offer(engine, job, built, name, what)
    if since:
        st.caption(f"Updates from {uk_day(since.isoformat())} onwards.")
