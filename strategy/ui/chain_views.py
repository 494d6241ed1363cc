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
from strategy.chain.findings import findings
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
from strategy.chain.suggestions import KIND_WORDS, OPEN, accept_suggestion, became, dismiss_suggestion, suggestions
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.plan.operations import Plan, load_plan
from strategy.ui.language import t
from strategy.ui.plan_extras import _messages, _run, _say
from strategy.ui.widgets import role_banner

STATUS_WORDS = {"open": "To decide", "accepted": "Accepted", "dismissed": "Dismissed"}


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
        done="Accepted: it is in the plan now, linked to the evidence it came from.",
    )


def _dismiss(engine: Engine, pid: int, key: str, box: str) -> None:
    _run(dismiss_suggestion, engine, pid, key, reason=st.session_state.get(box + "|reason") or "", done="Dismissed; the reason is kept.")


def _suggestion_list(engine: Engine, partnership: Partnership, plan: Plan, editable: bool) -> None:
    pid = stored_id(partnership)
    found = suggestions(engine, pid)
    codes = became(engine, pid, plan=plan)
    st.header("Suggestions from the evidence", anchor=False)
    if not found:
        st.info(
            "The evidence shows no gaps the workbook can turn into suggestions yet. Fill in the Context, Current response and Workforce chapters."
        )
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Suggests a": [KIND_WORDS[s.kind] for s in found],
                "Suggestion": [s.text for s in found],
                "From the evidence": [s.finding.text for s in found],
                "Decision": [STATUS_WORDS[s.status] for s in found],
                "Became / why dismissed": [
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
    st.caption(f"{len(open_ones)} to decide. Open one to accept it (you can change the words first) or dismiss it with a reason.")
    for s in open_ones[:30]:
        # Keyed by the suggestion, not its place in the list: a decision moves the others up.
        box = f"sug|{pid}|{hashlib.sha1(s.key.encode()).hexdigest()[:12]}"
        with st.expander(f"{KIND_WORDS[s.kind].capitalize()}: {md_escape(s.text[:90])}"):
            st.markdown(f"**From the evidence** ({md_escape(s.finding.heading)}): {md_escape(s.finding.text)}")
            st.session_state[box + "|kind"] = s.kind
            st.text_area("The words to use", value=s.text, key=box + "|text")
            if s.needs:
                options = parents[s.kind]
                st.selectbox(
                    "The strategic aim it serves" if s.kind == "outcome" else "The intended outcome it measures",
                    list(options),
                    format_func=lambda i, o=options: o[i],
                    index=None,
                    key=box + "|parent",
                    placeholder="Choose",
                )
            cols = st.columns(2)
            cols[0].button("Accept", key=box + "|accept", on_click=_accept, args=(engine, pid, s.key, box), type="primary")
            with cols[1].popover("Dismiss"):
                st.text_input("Why it is dismissed (kept)", key=box + "|reason")
                st.button("Dismiss it", key=box + "|dismiss", on_click=_dismiss, args=(engine, pid, s.key, box))
    if len(open_ones) > 30:
        st.caption(f"Showing 30 of {len(open_ones)}; decide these first, or use `python -m strategy suggest`.")


def _coverage(engine: Engine, partnership: Partnership, plan: Plan) -> None:
    cov = coverage(engine, stored_id(partnership), plan=plan)
    st.header("How the plan answers the evidence", anchor=False)
    if not cov.items:
        st.info("No priorities or findings in the evidence yet.")
        return
    unanswered = cov.unanswered
    if unanswered:
        st.warning(
            f"{len(unanswered)} of {len(cov.items)} priorities and findings are not answered by any aim, outcome or measure yet.", icon="💡"
        )
    else:
        st.success("Every priority and finding is answered by the plan.", icon="✅")
    st.dataframe(
        pd.DataFrame(
            {
                "From": [i.heading for i in cov.items],
                "What it shows": [i.text for i in cov.items],
                "Answered in the plan by": ["; ".join(i.answered_by) or "Nothing yet" for i in cov.items],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if cov.gone:
        st.caption("Linked to evidence the workbook no longer shows: " + md_escape("; ".join(cov.gone)))


def _trace(engine: Engine, partnership: Partnership, plan: Plan) -> None:
    pid = stored_id(partnership)
    rows = [("action", stored_id(x), f"{plan.code('action', x.id)} {x.title}") for x in plan.all_actions()]
    rows += [("measure", stored_id(m), f"{plan.code('measure', m.id)} {m.indicator}") for m in plan.all_measures()]
    st.header("The chain through one action or measure", anchor=False)
    if not rows:
        st.info("The plan has no actions or measures yet.")
        return
    chosen = st.selectbox("Action or measure", range(len(rows)), format_func=lambda i: rows[i][2][:120], key=f"chain|{pid}|pick")
    kind, row_id, _label = rows[chosen]
    t = trace(engine, pid, kind, row_id, plan=plan)
    st.markdown("**Back to the evidence**")
    st.dataframe(
        pd.DataFrame({"Step": [s.kind for s in t.back], "Code": [s.code for s in t.back], "What": [s.text for s in t.back]}),
        hide_index=True,
        width="stretch",
    )
    st.markdown("**Forward: updates, readings and review decisions**")
    if t.forward:
        st.dataframe(
            pd.DataFrame({"Step": [s.kind for s in t.forward], "When": [s.code for s in t.forward], "What": [s.text for s in t.forward]}),
            hide_index=True,
            width="stretch",
        )
    else:
        st.caption("No progress updates, readings or review decisions yet.")


def _pick(label: str, options: dict, key: str, *, width: int = 100) -> None:
    """A choice among labelled options (shown shortened), none chosen at first."""
    st.selectbox(label, list(options), format_func=lambda i: str(options[i])[:width], index=None, key=key, placeholder="Choose")


def _links(engine: Engine, partnership: Partnership, plan: Plan, editable: bool) -> None:
    """Link an aim to a priority or a finding, and take a measure's baseline from a recorded figure."""
    pid = stored_id(partnership)
    st.header("Links", anchor=False)
    for b in baselines(engine, pid).values():
        code = plan.code("measure", b.measure_id)
        if code:
            st.markdown(f"**{md_escape(code)}** {md_escape(b.words())}")
    if not editable or plan.empty:
        return
    aims = {stored_id(a): f"{plan.code('aim', a.id)} {a.title}" for a in plan.aims}
    priorities = {r.id: str(r.values.get("priority") or "") for r in list_rows(engine, pid, PRIORITIES)}
    finds = {f.key: f.text for f in findings(engine, pid)}
    cols = st.columns(2)
    with cols[0].popover("Link an aim to a priority or finding"):
        _pick("Strategic aim", aims, f"link|{pid}|aim")
        _pick("Priority", priorities, f"link|{pid}|priority")
        _pick("or a finding in the evidence", finds, f"link|{pid}|finding")
        st.button("Link them", key=f"link|{pid}|go", on_click=_link, args=(engine, pid))
    measures = {stored_id(m): f"{plan.code('measure', m.id)} {m.indicator}" for m in plan.all_measures()}
    figures = {f.item_id: f.words() for f in recorded_figures(engine, pid) if not f.is_comparator}
    with cols[1].popover("Take a measure's baseline from a recorded figure"):
        _pick("Measure", measures, f"base|{pid}|measure")
        _pick("Recorded figure", figures, f"base|{pid}|figure", width=140)
        st.button("Use it as the baseline", key=f"base|{pid}|go", on_click=_baseline, args=(engine, pid))


def _link(engine: Engine, pid: int) -> None:
    aim, priority, finding = (st.session_state.get(f"link|{pid}|{k}") for k in ("aim", "priority", "finding"))
    if not aim or not (priority or finding):
        _say("error", "Choose an aim, and a priority or a finding to link it to.")
        return
    if priority:
        _run(link_priority, engine, pid, aim_id=aim, priority_id=priority, done="Linked the aim to the priority.")
    if finding:
        _run(link_evidence, engine, pid, evidence_key=finding, aim_id=aim, done="Linked the aim to the evidence.")


def _baseline(engine: Engine, pid: int) -> None:
    measure, figure = st.session_state.get(f"base|{pid}|measure"), st.session_state.get(f"base|{pid}|figure")
    if not measure or not figure:
        _say("error", "Choose a measure and a recorded figure.")
        return
    _run(baseline_from_figure, engine, pid, measure_id=measure, figure_id=figure, done="The measure's baseline now comes from that figure.")


def chain_page(engine: Engine, partnership: Partnership) -> None:
    st.title(t("nav.chain"))
    st.caption(f"{md_escape(partnership.name)} · Guide §4-7, §12, §15")
    st.markdown(
        "What the evidence shows becomes priorities and aims, aims become outcomes with measures, and outcomes "
        "become actions. Here the workbook turns what your evidence shows into suggestions for the plan, shows "
        "which parts of the plan answer each priority and finding, and follows any action or measure back to "
        "the evidence and forward to what has happened since."
    )
    editable = role_banner(engine, partnership)
    _messages()
    plan = load_plan(engine, stored_id(partnership))  # once a run: each part below reads it
    _suggestion_list(engine, partnership, plan, editable)
    _coverage(engine, partnership, plan)
    _links(engine, partnership, plan, editable)
    _trace(engine, partnership, plan)
