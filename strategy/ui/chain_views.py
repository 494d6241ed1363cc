"""The page "From evidence to plan" (issue 19): suggestions drawn from the evidence (accept, edit then
accept, or dismiss with a reason), what in the plan answers each priority and finding (and what nothing
answers), and the chain through one action or measure, back to the evidence and forward to its updates,
readings and review decisions.

All of the work is in ``strategy.chain``; this module only displays it and calls one function per
change. What people typed reaches the page through st.dataframe, st.text or md_escape."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import list_rows
from strategy.chain.findings import finding_text, findings, heading_words
from strategy.chain.links import (
    PRIORITIES,
    baseline_from_figure,
    baselines,
    coverage,
    link_evidence,
    link_priority,
    recorded_figures,
    trace,
)
from strategy.chain.suggestions import KIND_WORDS, OPEN, accept_suggestion, became, dismiss_suggestion, suggestion_text, suggestions
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.plan.operations import Plan, load_plan
from strategy.ui.language import t, ui_language
from strategy.ui.plan_extras import _messages, _run, _say
from strategy.ui.widgets import role_banner

#: A suggestion's decision, a suggestion's kind (KIND_WORDS in strategy.chain.suggestions) and a step of the
#: chain (Step.kind in strategy.chain.links): keys of the interface file.
STATUS_WORDS = {status: f"together.chain.status.{status}" for status in ("open", "accepted", "dismissed")}
STEPS = ("priority", "evidence", "aim", "outcome", "action", "measure", "baseline", "reading", "update", "review")


def _kind(kind: str) -> str:
    return t(f"together.chain.kind.{kind}") if kind in KIND_WORDS else kind


def _step(kind: str) -> str:
    return t(f"together.chain.step.{kind}") if kind in STEPS else kind


def _accept(engine: Engine, pid: int, key: str, box: str) -> None:
    parent = st.session_state.get(box + "|parent")
    kind = st.session_state.get(box + "|kind")
    _run(
        accept_suggestion,
        engine,
        pid,
        key,
        text=st.session_state.get(box + "|text"),
        aim_id=parent if kind == "outcome" else None,
        outcome_id=parent if kind == "measure" else None,
        done=t("together.chain.accepted"),
    )


def _dismiss(engine: Engine, pid: int, key: str, box: str) -> None:
    _run(dismiss_suggestion, engine, pid, key, reason=st.session_state.get(box + "|reason") or "", done=t("together.chain.dismissed"))


def _suggestion_list(engine: Engine, partnership: Partnership, plan: Plan, editable: bool) -> None:
    pid = stored_id(partnership)
    found = suggestions(engine, pid)
    codes = became(engine, pid, plan=plan)
    language, nation = ui_language(), partnership.nation
    st.header(t("together.chain.suggestions"), anchor=False)
    if not found:
        st.info(t("together.chain.no_suggestions"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("together.chain.col_suggests"): [_kind(s.kind) for s in found],
                t("together.chain.col_suggestion"): [suggestion_text(s, language, nation) for s in found],
                t("together.chain.col_from"): [finding_text(s.finding, language, nation) for s in found],
                t("together.chain.col_decision"): [t(STATUS_WORDS[s.status]) for s in found],
                t("together.chain.col_became"): [
                    codes.get(s.key, "") if s.status == "accepted" else (s.decision.reason if s.decision else "") for s in found
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if not editable:
        return
    parents = {
        "outcome": {stored_id(a): f"{plan.code('aim', a.id)} {a.title}" for a in plan.aims},
        "measure": {stored_id(o): f"{plan.code('outcome', o.id)} {o.title}" for o in plan.all_outcomes()},
    }
    open_ones = [s for s in found if s.status == OPEN]
    st.caption(t("together.chain.to_decide", count=len(open_ones)))
    for s in open_ones[:30]:
        # Keyed by the suggestion, not its place in the list: a decision moves the others up.
        box = f"sug|{pid}|{hashlib.sha1(s.key.encode()).hexdigest()[:12]}"
        with st.expander(f"{_kind(s.kind).capitalize()}: {md_escape(suggestion_text(s, language, nation)[:90])}"):
            heading, shows = heading_words(s.finding.heading, language), finding_text(s.finding, language, nation)
            st.markdown(t("together.chain.from_evidence", heading=md_escape(heading), text=md_escape(shows)))
            st.session_state[box + "|kind"] = s.kind
            st.text_area(t("together.chain.words"), value=s.text, key=box + "|text")
            if s.needs:
                options = parents[s.kind]
                st.selectbox(
                    t("together.chain.aim_served") if s.kind == "outcome" else t("together.chain.outcome_measured"),
                    list(options),
                    format_func=options.__getitem__,
                    index=None,
                    key=box + "|parent",
                    placeholder=t("together.chain.choose"),
                )
            cols = st.columns(2)
            cols[0].button(
                t("together.chain.accept"), key=box + "|accept", on_click=_accept, args=(engine, pid, s.key, box), type="primary"
            )
            with cols[1].popover(t("together.chain.dismiss")):
                st.text_input(t("together.chain.why"), key=box + "|reason")
                st.button(t("together.chain.dismiss_it"), key=box + "|dismiss", on_click=_dismiss, args=(engine, pid, s.key, box))
    if len(open_ones) > 30:
        st.caption(t("together.chain.showing", count=len(open_ones)))


def _coverage(engine: Engine, partnership: Partnership, plan: Plan) -> None:
    cov = coverage(engine, stored_id(partnership), plan=plan, language=ui_language(), nation=partnership.nation)
    st.header(t("together.chain.coverage"), anchor=False)
    if not cov.items:
        st.info(t("together.chain.no_items"))
        return
    unanswered = cov.unanswered
    if unanswered:
        st.warning(t("together.chain.unanswered", count=len(unanswered), total=len(cov.items)), icon="💡")
    else:
        st.success(t("together.chain.all_answered"), icon="✅")
    st.dataframe(
        pd.DataFrame(
            {
                t("together.chain.col_source"): [i.heading for i in cov.items],
                t("together.chain.col_shows"): [i.text for i in cov.items],
                t("together.chain.col_answered"): ["; ".join(i.answered_by) or t("together.chain.nothing_yet") for i in cov.items],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if cov.gone:
        st.caption(t("together.chain.gone", gone=md_escape("; ".join(cov.gone))))


def _trace(engine: Engine, partnership: Partnership, plan: Plan) -> None:
    pid = stored_id(partnership)
    rows = [("action", stored_id(x), f"{plan.code('action', x.id)} {x.title}") for x in plan.all_actions()]
    rows += [("measure", stored_id(m), f"{plan.code('measure', m.id)} {m.indicator}") for m in plan.all_measures()]
    st.header(t("together.chain.trace"), anchor=False)
    if not rows:
        st.info(t("together.chain.no_actions"))
        return
    chosen = st.selectbox(t("together.chain.pick"), range(len(rows)), format_func=lambda i: rows[i][2][:120], key=f"chain|{pid}|pick")
    kind, row_id, _label = rows[chosen]
    chain = trace(engine, pid, kind, row_id, plan=plan, language=ui_language(), nation=partnership.nation)
    step, what = t("together.chain.col_step"), t("together.chain.col_what")
    st.markdown(t("together.chain.back"))
    st.dataframe(
        pd.DataFrame(
            {
                step: [_step(s.kind) for s in chain.back],
                t("together.chain.col_code"): [s.code for s in chain.back],
                what: [s.text for s in chain.back],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.markdown(t("together.chain.forward"))
    if chain.forward:
        st.dataframe(
            pd.DataFrame(
                {
                    step: [_step(s.kind) for s in chain.forward],
                    t("together.chain.col_when"): [s.code for s in chain.forward],
                    what: [s.text for s in chain.forward],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption(t("together.chain.nothing_forward"))


def _pick(label: str, options: dict, key: str, *, width: int = 100) -> None:
    """A choice among labelled options (shown shortened), none chosen at first."""
    st.selectbox(
        label, list(options), format_func=lambda i: str(options[i])[:width], index=None, key=key, placeholder=t("together.chain.choose")
    )


def _links(engine: Engine, partnership: Partnership, plan: Plan, editable: bool) -> None:
    """Link an aim to a priority or a finding, and take a measure's baseline from a recorded figure."""
    pid = stored_id(partnership)
    st.header(t("together.chain.links"), anchor=False)
    for b in baselines(engine, pid).values():
        code = plan.code("measure", b.measure_id)
        if code:
            st.markdown(f"**{md_escape(code)}** {md_escape(b.words(ui_language()))}")
    if not editable or plan.empty:
        return
    aims = {stored_id(a): f"{plan.code('aim', a.id)} {a.title}" for a in plan.aims}
    priorities = {r.id: str(r.values.get("priority") or "") for r in list_rows(engine, pid, PRIORITIES)}
    finds = {f.key: finding_text(f, ui_language(), partnership.nation) for f in findings(engine, pid)}
    cols = st.columns(2)
    with cols[0].popover(t("together.chain.link_aim")):
        _pick(t("together.chain.aim"), aims, f"link|{pid}|aim")
        _pick(t("together.chain.priority"), priorities, f"link|{pid}|priority")
        _pick(t("together.chain.or_finding"), finds, f"link|{pid}|finding")
        st.button(t("together.chain.link_them"), key=f"link|{pid}|go", on_click=_link, args=(engine, pid))
    measures = {stored_id(m): f"{plan.code('measure', m.id)} {m.indicator}" for m in plan.all_measures()}
    figures = {f.item_id: f.words() for f in recorded_figures(engine, pid) if not f.is_comparator}
    with cols[1].popover(t("together.chain.take_baseline")):
        _pick(t("together.chain.measure"), measures, f"base|{pid}|measure")
        _pick(t("together.chain.figure"), figures, f"base|{pid}|figure", width=140)
        st.button(t("together.chain.use_baseline"), key=f"base|{pid}|go", on_click=_baseline, args=(engine, pid))


def _link(engine: Engine, pid: int) -> None:
    aim, priority, finding = (st.session_state.get(f"link|{pid}|{k}") for k in ("aim", "priority", "finding"))
    if not aim or not (priority or finding):
        _say("error", t("together.chain.choose_link"))
        return
    if priority:
        _run(link_priority, engine, pid, aim_id=aim, priority_id=priority, done=t("together.chain.linked_priority"))
    if finding:
        _run(link_evidence, engine, pid, evidence_key=finding, aim_id=aim, done=t("together.chain.linked_evidence"))


def _baseline(engine: Engine, pid: int) -> None:
    measure, figure = st.session_state.get(f"base|{pid}|measure"), st.session_state.get(f"base|{pid}|figure")
    if not measure or not figure:
        _say("error", t("together.chain.choose_baseline"))
        return
    _run(baseline_from_figure, engine, pid, measure_id=measure, figure_id=figure, done=t("together.chain.baseline_done"))


def chain_page(engine: Engine, partnership: Partnership) -> None:
    st.title(t("nav.chain"))
    st.caption(t("together.chain.page_caption", name=md_escape(partnership.name)))
    st.markdown(t("together.chain.page_intro"))
    editable = role_banner(engine, partnership)
    _messages()
    plan = load_plan(engine, stored_id(partnership))  # once a run: each part below reads it
    _suggestion_list(engine, partnership, plan, editable)
    _coverage(engine, partnership, plan)
    _links(engine, partnership, plan, editable)
    _trace(engine, partnership, plan)
