"""The plan's pages: Theory of Change (Guide §7.1), evaluation framework (§7.2), action plan (§12),
and "turn this activity into an action" under each core component's activities (§8-11).

Every change goes through strategy.plan.operations with the version the person loaded (bound when the button
was drawn), so a change someone else made in between is reported, never overwritten."""

from __future__ import annotations

import functools
from functools import partial

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.errors import Conflict, WorkbookError
from strategy.core.interface import message_in
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape, shorten
from strategy.guide.content import content
from strategy.plan import charts as plan_chart
from strategy.plan import io as plan_io
from strategy.plan import operations as P
from strategy.tabular.reading import file_name
from strategy.ui import file_import as fi
from strategy.ui import read_only, welsh_views
from strategy.ui.downloads import offer_download
from strategy.ui.import_panel import PlanChoices, choose, chosen_options
from strategy.ui.language import list_names, t, ui_language
from strategy.ui.lazy import lazy_expander
from strategy.ui.plan_extras import MSG, PENDING_AGENCIES, UNDO, _add_pending_agencies, _k, _messages, _run, _say, _value
from strategy.ui.state import author_or_refuse, current_author, message_text
from strategy.ui.widgets import identity_form
from strategy.word.language import chart_months, figure_in_language

#: The Theory of Change page, linked from the pages that need its aims and outcomes first.
TOC_PAGE = "views/theory_of_change.py"

# --- Removing, undo and restoring ---------------------------------------------------------------


def _in_language(message: str) -> str:
    """A package message in the person's language, as text (escaped where it is shown)."""
    return message_in(message, ui_language())


def _delete(engine: Engine, pid: int, kind: str, row_id: int, title: str) -> None:
    words = _run(P.delete, engine, pid, kind, row_id, language=ui_language())
    if words is not None:
        st.session_state[UNDO] = (kind, row_id)
        _say("info", t(f"plan.removed.{kind}", title=title) + (t("plan.with_words", words=words) if words else "."))


def _restore(engine: Engine, pid: int, kind: str, row_id: int) -> None:
    words = _run(P.restore, engine, pid, kind, row_id, language=ui_language())
    if words is not None:
        st.session_state.pop(UNDO, None)
        _say("success", t(f"plan.restored.{kind}") + (t("plan.with_words", words=words) if words else "."))


def _delete_button(engine: Engine, plan: P.Plan, pid: int, kind: str, row_id: int, title: str, code: str, editable: bool) -> None:
    impact = plan.removal_impact(kind, row_id, ui_language())
    label = t("plan.remove_with", code=code, impact=impact) if impact else t("plan.remove", code=code)
    st.button(
        label,
        key=_k("del", kind, row_id),
        disabled=not editable,
        on_click=_delete,
        args=(engine, pid, kind, row_id, title),
        help=t("plan.remove.help"),
    )


def undo_and_removed(engine: Engine, pid: int, editable: bool, kinds: tuple[str, ...]) -> None:
    undo = st.session_state.get(UNDO)
    if undo and editable and undo[0] in kinds:
        st.button(t("plan.undo"), key=_k("undo"), on_click=_restore, args=(engine, pid, *undo), icon="↩️")
    gone = [r for r in P.removed(engine, pid) if r.kind in kinds]
    if gone:
        with st.expander(t("plan.removed_list", count=len(gone))):
            for r in gone[:50]:
                a, b = st.columns([8, 2])
                a.text(f"{t(f'plan.kind.{r.kind}')}: {r.title}")
                b.button(
                    t("plan.restore"),
                    key=_k("restore", r.kind, r.id),
                    disabled=not editable,
                    on_click=_restore,
                    args=(engine, pid, r.kind, r.id),
                )


# --- Theory of Change ---------------------------------------------------------------------------


def _add_aim(engine: Engine, pid: int) -> None:
    made = _run(
        P.add_aim, engine, pid, title=_value(_k("new-aim")), description=_value(_k("new-aim-desc")), rationale=_value(_k("new-aim-why"))
    )
    if made:
        for key in ("new-aim", "new-aim-desc", "new-aim-why"):
            st.session_state[_k(key)] = ""
        _say("success", t("plan.aim.added", code=f"A{made.seq}", title=made.title))


def _save_aim(engine: Engine, pid: int, aim_id: int) -> None:
    widgets = {"title": _k("aim-title", aim_id), "description": _k("aim-desc", aim_id), "rationale": _k("aim-why", aim_id)}
    _save_group(
        f"aim-{aim_id}",
        widgets,
        P.update_aim,
        engine,
        pid,
        aim_id,
        title=_value(_k("aim-title", aim_id)),
        description=_value(_k("aim-desc", aim_id)),
        rationale=_value(_k("aim-why", aim_id)),
        done=t("plan.aim.saved"),
    )


def _add_outcome(engine: Engine, pid: int, aim_id: int) -> None:
    made = _run(
        P.add_outcome, engine, pid, aim_id=aim_id, title=_value(_k("new-outcome", aim_id)), rationale=_value(_k("new-outcome-why", aim_id))
    )
    if made:
        st.session_state[_k("new-outcome", aim_id)] = ""
        st.session_state[_k("new-outcome-why", aim_id)] = ""


def _save_outcome(engine: Engine, pid: int, outcome_id: int) -> None:
    widgets = {"title": _k("outcome-title", outcome_id), "rationale": _k("outcome-why", outcome_id)}
    _save_group(
        f"outcome-{outcome_id}",
        widgets,
        P.update_outcome,
        engine,
        pid,
        outcome_id,
        title=_value(_k("outcome-title", outcome_id)),
        rationale=_value(_k("outcome-why", outcome_id)),
        done=t("plan.outcome.saved"),
    )


def _move_outcome(engine: Engine, pid: int, outcome_id: int) -> None:
    target = st.session_state.get(_k("outcome-move", outcome_id))
    if target:
        _run(P.move_outcome, engine, pid, outcome_id, to_aim_id=target, done=t("plan.outcome.moved"))


def _move(engine: Engine, pid: int, kind: str, row_id: int, direction: int) -> None:
    _run(P.move, engine, pid, kind, row_id, direction)


def _arrows(engine: Engine, pid: int, kind: str, row_id: int, first: bool, last: bool, editable: bool) -> None:
    a, b = st.columns(2)
    a.button(
        "↑",
        key=_k("up", kind, row_id),
        disabled=first or not editable,
        help=t("plan.move_up"),
        on_click=_move,
        args=(engine, pid, kind, row_id, -1),
    )
    b.button(
        "↓",
        key=_k("down", kind, row_id),
        disabled=last or not editable,
        help=t("plan.move_down"),
        on_click=_move,
        args=(engine, pid, kind, row_id, 1),
    )


def _fill(group: str, values: dict[str, object], version: int) -> None:
    """Put stored values in a group of fields (one aim, outcome or measure) when first drawn, or after
    someone else's save when this person has not changed any of them. If they have, their text stays
    and the version they loaded is kept, so saving it meets the other change as a conflict."""
    vkey, bkey = _k(group, "loaded"), _k(group, "base")
    if vkey not in st.session_state or any(k not in st.session_state for k in values):
        st.session_state.update(values)
        st.session_state[vkey], st.session_state[bkey] = version, dict(values)
    elif st.session_state[vkey] != version:
        base = st.session_state[bkey]
        if all(st.session_state.get(k) == base.get(k) for k in values):
            st.session_state.update(values)
            st.session_state[vkey], st.session_state[bkey] = version, dict(values)


def _loaded(group: str) -> int:
    return st.session_state.get(_k(group, "loaded"), 0)


def _save_group(group: str, widgets: dict[str, str], fn, *args, done: str, **fields) -> None:
    """Save a group's fields with the version this person loaded. On a conflict the fields this person
    changed keep their text (it is in the history too), the fields they did not touch take the other
    person's, both are shown, and saving again uses the fields as they then stand."""
    try:
        _run(fn, *args, expected_version=_loaded(group), done=done, reraise_conflict=True, **fields)
    except Conflict as exc:
        theirs = exc.theirs or {}
        base = st.session_state.get(_k(group, "base"), {})
        for field, key in widgets.items():
            if field in theirs and st.session_state.get(key) == base.get(key):
                value = theirs[field]
                if field.endswith("_date") or field == "as_at":
                    value = P.uk_day(value)
                elif isinstance(value, float):
                    value = P.number_text(value)
                st.session_state[key] = value
        shown = "; ".join(f"{k}: {v}" for k, v in theirs.items())
        _say("error", t("plan.conflict", message=_in_language(exc.message), theirs=shown))
        st.session_state[_k(group, "loaded")] = exc.theirs_version
        st.session_state[_k(group, "base")] = {key: st.session_state.get(key) for key in widgets.values()}


def gaps(plan: P.Plan, kinds: tuple[str, ...]) -> None:
    findings = [f for f in P.plan_checks(plan) if f.kind in kinds]
    if not plan.aims:
        return
    if not findings:
        st.success(t("plan.gaps.none"), icon="✅")
    for f in findings:
        st.warning(message_text(f.message), icon="💡")


def theory_of_change_page(engine: Engine, partnership: Partnership) -> None:
    pid = stored_id(partnership)
    editable, plan = _page_head(
        engine,
        partnership,
        t("plan.toc.title"),
        "§7.1",
        t("plan.toc.intro"),
    )
    if plan.aims:
        st.header(t("plan.toc.chain"))
        st.plotly_chart(_chart_in_language(plan_chart.chain_figure(plan)), key=_k("chain"))
        with st.expander(t("plan.toc.chain_table")):
            chain = plan_chart.chain_table(plan)
            for column, words in (("Outcome", "(no outcome yet)"), ("Action", "(no action yet)"), ("Measures", "none")):
                chain[column] = chain[column].replace(words, t(f"plan.toc.chain.{column.lower()}_none"))
            st.dataframe(shown_columns(chain), hide_index=True)
        gaps(plan, ("no_outcome", "no_action", "no_measure"))
    else:
        st.info(t("plan.toc.no_aims"))
    undo_and_removed(engine, pid, editable, ("aim", "outcome"))
    st.header(t("plan.toc.aims_header"))
    if not editable:  # scrutineers and viewers read the aims as text, not greyed-out fields
        read_only.plan_aims(plan)
        welsh_views.titles_table(engine, partnership, ("aim", "outcome"), editable)
        return
    aim_choices = {stored_id(a): f"{plan.code('aim', stored_id(a))} {a.title}" for a in plan.aims}
    for i, aim in enumerate(plan.aims):
        code = plan.code("aim", stored_id(aim))
        outcomes = plan.outcomes.get(stored_id(aim), [])
        typed = [_k(f, aim.id) for f in ("aim-title", "aim-desc", "aim-why", "new-outcome", "new-outcome-why")]
        typed += [_k(f, o.id) for o in outcomes for f in ("outcome-title", "outcome-why")]
        box = lazy_expander(f"{code} {md_escape(aim.title)}", key=_k("aim-open", aim.id), expanded=len(plan.aims) <= 2, keep=typed)
        if not box.open:
            continue  # drawn when opened: a large plan's page shows its aims at once
        with box:
            _fill(
                f"aim-{aim.id}",
                {_k("aim-title", aim.id): aim.title, _k("aim-desc", aim.id): aim.description, _k("aim-why", aim.id): aim.rationale},
                aim.version,
            )
            st.text_input(col("Strategic aim"), key=_k("aim-title", aim.id), max_chars=P.AIM_LIMIT, disabled=not editable)
            st.text_area(t("plan.aim.description"), key=_k("aim-desc", aim.id), height=80, disabled=not editable)
            st.text_area(t("plan.aim.why"), key=_k("aim-why", aim.id), height=68, disabled=not editable)
            c1, c2, c3 = st.columns([2, 2, 4])
            c1.button(
                t("plan.aim.save"),
                key=_k("aim-save", aim.id),
                on_click=_save_aim,
                args=(engine, pid, aim.id),
                disabled=not editable,
                type="primary",
            )
            with c2:
                _arrows(engine, pid, "aim", stored_id(aim), i == 0, i == len(plan.aims) - 1, editable)
            with c3:
                _delete_button(engine, plan, pid, "aim", stored_id(aim), aim.title, code, editable)
            for j, o in enumerate(outcomes):
                with st.container(border=True):
                    ocode = plan.code("outcome", stored_id(o))
                    n_actions, n_measures = len(plan.actions.get(stored_id(o), [])), len(plan.measures.get(stored_id(o), []))
                    st.markdown(
                        f"**{ocode}** · {t('plan.count.action' if n_actions == 1 else 'plan.count.actions', count=n_actions)} · "
                        f"{t('plan.count.measure' if n_measures == 1 else 'plan.count.measures', count=n_measures)}"
                    )
                    _fill(f"outcome-{o.id}", {_k("outcome-title", o.id): o.title, _k("outcome-why", o.id): o.rationale}, o.version)
                    st.text_area(col("Intended outcome"), key=_k("outcome-title", o.id), height=68, disabled=not editable)
                    st.text_input(t("plan.outcome.why"), key=_k("outcome-why", o.id), disabled=not editable)
                    d1, d2, d3, d4 = st.columns([2, 2, 3, 3])
                    d1.button(
                        t("plan.save"),
                        key=_k("outcome-save", o.id),
                        on_click=_save_outcome,
                        args=(engine, pid, o.id),
                        disabled=not editable,
                    )
                    with d2:
                        _arrows(engine, pid, "outcome", stored_id(o), j == 0, j == len(outcomes) - 1, editable)
                    others = [a for a in aim_choices if a != aim.id]
                    d3.selectbox(
                        t("plan.outcome.move"),
                        others,
                        index=None,
                        format_func=lambda v: aim_choices[v],
                        key=_k("outcome-move", o.id),
                        on_change=_move_outcome,
                        args=(engine, pid, o.id),
                        disabled=not editable or not others,
                        placeholder=t("plan.outcome.choose_aim"),
                    )
                    with d4:
                        _delete_button(engine, plan, pid, "outcome", stored_id(o), o.title, ocode, editable)
                    actions = plan.actions.get(stored_id(o), [])
                    for n, x in enumerate(actions):
                        e1, e2 = st.columns([8, 2])
                        e1.text(f"{plan.code('action', stored_id(x))} {x.title}")
                        with e2:
                            _arrows(engine, pid, "action", stored_id(x), n == 0, n == len(actions) - 1, editable)
                    if actions:
                        st.caption(t("plan.toc.change_actions"))
            st.text_area(
                t("plan.outcome.new"),
                key=_k("new-outcome", aim.id),
                height=68,
                disabled=not editable,
                placeholder=t("plan.outcome.eg"),
            )
            st.text_input(t("plan.outcome.why"), key=_k("new-outcome-why", aim.id), disabled=not editable)
            st.button(
                t("plan.outcome.add"),
                key=_k("add-outcome", aim.id),
                on_click=_add_outcome,
                args=(engine, pid, aim.id),
                disabled=not editable,
            )
    with st.container(border=True):
        st.markdown(f"**{t('plan.aim.add_header')}**")
        st.text_input(col("Strategic aim"), key=_k("new-aim"), max_chars=P.AIM_LIMIT, disabled=not editable)
        st.text_area(t("plan.aim.description"), key=_k("new-aim-desc"), height=68, disabled=not editable)
        st.text_input(t("plan.aim.why"), key=_k("new-aim-why"), disabled=not editable)
        st.button(t("plan.aim.add"), key=_k("add-aim"), on_click=_add_aim, args=(engine, pid), disabled=not editable, type="primary")
    welsh_views.titles_table(engine, partnership, ("aim", "outcome"), editable)  # in Wales only


# --- Evaluation framework -----------------------------------------------------------------------

#: A measure's fields, each with the key of its words on screen (data/language/interface_plan.yaml).
MEASURE_LABELS = {
    "indicator": "plan.measure.indicator",
    "collection": "plan.measure.collection",
    "collator": "plan.measure.collator",
    "reporting": "plan.measure.reporting",
    "baseline_value": "plan.col.baseline",
    "baseline_date": "plan.measure.baseline_date",
    "target_value": "plan.col.target",
    "target_date": "plan.measure.target_date",
    "frequency": "plan.col.frequency",
}


def measure_rows(plan: P.Plan) -> pd.DataFrame:
    """The framework as a table on screen, its column names in the person's language."""
    freq = list_names("measure_frequencies")
    label = {k: t(v) for k, v in MEASURE_LABELS.items()}
    rows = []
    for o in plan.all_outcomes():
        for m in plan.measures.get(stored_id(o), []):
            rows.append(
                {
                    col("Code"): plan.code("measure", stored_id(m)),
                    col("Intended outcome"): f"{plan.code('outcome', stored_id(o))} {o.title}",
                    label["indicator"]: m.indicator,
                    label["collection"]: m.collection,
                    label["collator"]: m.collator,
                    label["reporting"]: m.reporting,
                    label["baseline_value"]: " ".join(
                        x for x in [m.baseline_value, f"({P.uk_day(m.baseline_date)})" if m.baseline_date else ""] if x
                    ),
                    label["target_value"]: " ".join(
                        x for x in [m.target_value, t("plan.measure.by", date=P.uk_day(m.target_date)) if m.target_date else ""] if x
                    ),
                    label["frequency"]: freq.get(m.frequency, m.frequency),
                }
            )
    return pd.DataFrame(rows)


def _measure_fields(prefix: str) -> dict:
    fields = {k: _value(_k(prefix, k)) for k in MEASURE_LABELS}
    fields["frequency"] = st.session_state.get(_k(prefix, "frequency")) or ""
    return fields


def _add_measure(engine: Engine, pid: int) -> None:
    outcome_id = st.session_state.get(_k("m-new", "outcome"))
    if not outcome_id:
        _say("error", t("plan.measure.choose_outcome"))
        return
    fields = _measure_fields("m-new")
    indicator = fields.pop("indicator")
    if _run(P.add_measure, engine, pid, outcome_id=outcome_id, indicator=indicator, done=t("plan.measure.added"), **fields):
        for k in MEASURE_LABELS:
            st.session_state[_k("m-new", k)] = None if k == "frequency" else ""


def _save_measure(engine: Engine, pid: int, measure_id: int) -> None:
    widgets = {k: _k(f"m-{measure_id}", k) for k in MEASURE_LABELS}
    _save_group(
        f"m-{measure_id}",
        widgets,
        P.update_measure,
        engine,
        pid,
        measure_id,
        done=t("plan.measure.saved"),
        **_measure_fields(f"m-{measure_id}"),
    )


def _measure_form(prefix: str, editable: bool, values: dict | None = None, version: int = 0) -> None:
    freq = list_names("measure_frequencies")
    if values is not None:
        _fill(prefix, {_k(prefix, k): values.get(k) or ("" if k != "frequency" else None) for k in MEASURE_LABELS}, version)
    st.text_area(
        t(MEASURE_LABELS["indicator"]),
        key=_k(prefix, "indicator"),
        height=68,
        disabled=not editable,
        placeholder=t("plan.measure.eg"),
    )
    a, b = st.columns(2)
    a.text_area(t(MEASURE_LABELS["collection"]), key=_k(prefix, "collection"), height=68, disabled=not editable)
    b.text_input(t(MEASURE_LABELS["collator"]), key=_k(prefix, "collator"), disabled=not editable)
    st.text_input(t(MEASURE_LABELS["reporting"]), key=_k(prefix, "reporting"), disabled=not editable)
    c = st.columns(5)
    c[0].text_input(col("Baseline"), key=_k(prefix, "baseline_value"), disabled=not editable)
    c[1].text_input(t("plan.measure.baseline_date_ddmm"), key=_k(prefix, "baseline_date"), disabled=not editable)
    c[2].text_input(col("Target"), key=_k(prefix, "target_value"), disabled=not editable)
    c[3].text_input(t("plan.measure.target_date_ddmm"), key=_k(prefix, "target_date"), disabled=not editable)
    c[4].selectbox(
        col("How often"),
        list(freq),
        format_func=lambda v: freq[v],
        index=None,
        key=_k(prefix, "frequency"),
        disabled=not editable,
        placeholder=t("plan.choose"),
    )


def _page_head(engine: Engine, partnership: Partnership, title: str, guide: str, intro: str) -> tuple[bool, P.Plan]:
    """Title, guide reference and intro; who is writing; messages from the last action; the plan."""
    st.title(title)
    st.caption(t("plan.page.guide", name=md_escape(partnership.name), section=guide))
    st.markdown(intro)
    editable = identity_form()
    _messages()
    return editable, P.load_plan(engine, stored_id(partnership))


def evaluation_page(engine: Engine, partnership: Partnership) -> None:
    pid = stored_id(partnership)
    editable, plan = _page_head(
        engine,
        partnership,
        t("plan.eval.title"),
        "§7.2",
        t("plan.eval.intro"),
    )
    if not plan.all_outcomes():
        st.info(t("plan.eval.no_outcomes"))
        st.page_link(TOC_PAGE, label=t("plan.go_toc"), icon="🧩")
        return
    missing = P.outcomes_without_measure(plan)
    if missing:
        st.warning(t("plan.eval.missing_one" if len(missing) == 1 else "plan.eval.missing", count=len(missing)), icon="💡")
        for o in missing:
            st.text(f"{plan.code('outcome', stored_id(o))} {o.title}")
    else:
        st.success(t("plan.eval.all_measured"), icon="✅")
    table = measure_rows(plan)
    if not table.empty:
        st.header(t("plan.eval.framework"))
        st.dataframe(table, hide_index=True)
    undo_and_removed(engine, pid, editable, ("measure",))
    if not editable:  # scrutineers and viewers read the framework above; no fields to type into
        return
    outcomes = {stored_id(o): f"{plan.code('outcome', stored_id(o))} {o.title}" for o in plan.all_outcomes()}
    with st.container(border=True):
        st.markdown(f"**{t('plan.measure.add_header')}**")
        st.selectbox(
            col("Intended outcome"),
            list(outcomes),
            format_func=lambda v: outcomes[v],
            key=_k("m-new", "outcome"),
            index=None,
            placeholder=t("plan.choose_outcome"),
            disabled=not editable,
        )
        _measure_form("m-new", editable)
        st.button(t("plan.measure.add"), key=_k("m-add"), on_click=_add_measure, args=(engine, pid), disabled=not editable, type="primary")
    measures = plan.all_measures()
    if measures:
        st.header(t("plan.measure.change"))
        labels = {stored_id(m): f"{plan.code('measure', stored_id(m))} {shorten(m.indicator, 90)}" for m in measures}
        chosen = st.selectbox(t("plan.measure.label"), list(labels), format_func=lambda v: labels[v], key=_k("m-pick"))
        m = next(x for x in measures if x.id == chosen)
        _measure_form(
            f"m-{m.id}",
            editable,
            values={k: getattr(m, k) for k in MEASURE_LABELS}
            | {"baseline_date": P.uk_day(m.baseline_date), "target_date": P.uk_day(m.target_date)},
            version=m.version,
        )
        a, b = st.columns(2)
        a.button(
            t("plan.measure.save"),
            key=_k("m-save", m.id),
            on_click=_save_measure,
            args=(engine, pid, m.id),
            disabled=not editable,
            type="primary",
        )
        with b:
            _delete_button(
                engine, plan, pid, "measure", stored_id(m), shorten(m.indicator, 60), plan.code("measure", stored_id(m)), editable
            )


# --- Action plan --------------------------------------------------------------------------------

#: The columns of the tables on screen, by the English the code names them with (the data editor's and
#: the tables' own names stay English; only what is shown changes). Files downloaded keep theirs.
COLUMN_KEYS = {
    "Code": "plan.col.code",
    "Row": "plan.col.row",
    "Strategic aim": "plan.col.aim",
    "Aim": "plan.col.aim_short",
    "Intended outcome": "plan.col.outcome",
    "Outcome": "plan.col.outcome_short",
    "Action": "plan.col.action",
    "Lead/responsible agency": "plan.col.leads",
    "Lead": "plan.col.lead",
    "Leads": "plan.col.leads_short",
    "Partners": "plan.col.partners",
    "Commencement": "plan.col.start",
    "Completion": "plan.col.end",
    "Stage or priority": "plan.col.stage",
    "Core component": "plan.col.component",
    "Recommendations": "plan.col.recs",
    "Status": "plan.col.status",
    "Why it leads to the outcome": "plan.col.rationale",
    "Cost": "plan.col.cost",
    "Funding source": "plan.col.funding",
    "Staff time": "plan.col.staff",
    "What is missing": "plan.col.missing",
    "Dates": "plan.col.dates",
    "Milestone": "plan.col.milestone",
    "Due": "plan.col.due",
    "Done on": "plan.col.done_on",
    "On the chart": "plan.col.on_chart",
    "Overdue": "plan.col.overdue",
    "Output indicator": "plan.col.output",
    "Target": "plan.col.target",
    "Achieved": "plan.col.achieved",
    "Adds": "plan.col.adds",
    "Due or target": "plan.col.due_or_target",
    "Status or achieved": "plan.col.status_or_achieved",
    "Measures": "plan.col.measures",
    "Why it leads there": "plan.col.why_there",
    "Baseline": "plan.col.baseline",
    "How often": "plan.col.frequency",
}
#: The editor's columns of fixed choices and their reference lists: stored as ids, shown as names.
CHOICE_COLUMNS = {"Stage or priority": "action_stages", "Core component": "core_components", "Status": "action_statuses"}


def col(name: str) -> str:
    """A table column's name on screen, in the person's language (a name not listed as it is)."""
    return t(COLUMN_KEYS[name]) if name in COLUMN_KEYS else name


def shown_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A table with its column names in the person's language, for the screen only."""
    return frame.rename(columns={c: col(c) for c in frame.columns if isinstance(c, str)})


@functools.lru_cache(maxsize=64)
def _names_shown(ref: str, language: str) -> dict[str, str]:
    """A list's English names (as the package writes them) -> their names in ``language``: worked out once,
    not for each of a large plan's thousands of cells."""
    shown = {o.id: o.label for o in content().list_options(ref, None, language)}
    return {english: shown.get(key, english) for key, english in P.option_labels(ref).items()}


@functools.lru_cache(maxsize=64)
def _ids_named(ref: str, language: str) -> dict[str, str]:
    """A name in English or in ``language`` -> its stored id."""
    names = {label: key for key, label in P.option_labels(ref).items()}
    names.update({o.label: o.id for o in content().list_options(ref, None, language)})
    return names


def _choice_shown(ref: str, english: object, language: str | None = None) -> object:
    """A fixed choice's name (as the package writes it, in English) in the person's language."""
    return _names_shown(ref, language or ui_language()).get(english, english) if isinstance(english, str) else english


def _choice_id(ref: str, shown: object) -> object:
    """The stored id of a choice shown in the editor, in either language (a value not a name as it is)."""
    return _ids_named(ref, ui_language()).get(shown, shown) if isinstance(shown, str) else shown


EDITABLE = [
    "Action",
    "Lead/responsible agency",
    "Partners",
    "Commencement",
    "Completion",
    "Stage or priority",
    "Core component",
    "Recommendations",
    "Status",
    "Why it leads to the outcome",
    "Cost",
    "Funding source",
    "Staff time",
]
FIELD_OF = {
    "Action": "title",
    "Lead/responsible agency": "leads",
    "Partners": "partners",
    "Commencement": "start_date",
    "Completion": "end_date",
    "Stage or priority": "stage",
    "Core component": "component",
    "Recommendations": "recommendations",
    "Status": "status",
    "Why it leads to the outcome": "rationale",
    "Cost": "cost",
    "Funding source": "funding_source",
    "Staff time": "staff_time",
}


def _field_value(column: str, value, known: list[str]):
    """What the table shows, as the plan functions take it."""
    value = "" if value is None else value
    if column == "Lead/responsible agency":
        return plan_io.split_leads(value, known)
    if column == "Recommendations":
        return plan_io.parse_recs(str(value)) if str(value).strip() else []
    if column in CHOICE_COLUMNS:
        return _choice_id(CHOICE_COLUMNS[column], value)
    return value


def _table_changed(engine: Engine, pid: int, editor_key: str, rows: list[dict], outcome_labels: dict[str, int]) -> None:
    author = current_author()
    if author is None:
        _say("error", t("plan.give_name"))
        return
    state = st.session_state.get(editor_key, {})
    problems: list[str] = []
    known = P.agencies(engine, pid)
    for index, changes in state.get("edited_rows", {}).items():
        row = rows[int(index)]
        try:
            fields = {FIELD_OF[c]: _field_value(c, v, known) for c, v in changes.items() if c in FIELD_OF}
            if fields:
                P.update_action(engine, pid, row["id"], expected_version=row["version"], author=author, **fields)
            target = outcome_labels.get(changes.get("Intended outcome") or "")
            if target and target != row["_outcome"]:
                P.move_action(engine, pid, row["id"], to_outcome_id=target, author=author)
        except P.UnknownAgency as exc:
            st.session_state[PENDING_AGENCIES] = exc.names
            problems.append(f"{row['Code']}: {_in_language(exc.message)}")
        except WorkbookError as exc:
            problems.append(f"{row['Code']}: {_in_language(exc.message)}")
    new_rows = [added for added in state.get("added_rows", []) if any(str(v or "").strip() for v in added.values())]
    if new_rows:
        _add_rows(engine, pid, new_rows, outcome_labels, known)
    removed = []
    for index in state.get("deleted_rows", []):
        row = rows[int(index)]
        try:
            P.delete(engine, pid, "action", row["id"], author=author)
            removed.append(row["id"])
        except WorkbookError as exc:
            problems.append(_in_language(exc.message))
    if removed:
        st.session_state[UNDO] = ("action", removed[-1])
    if problems:
        _say("error", " ".join(problems[:5]))
    st.session_state[_k("gen")] = st.session_state.get(_k("gen"), 0) + 1


def _unsaved_key(pid: int) -> str:
    return _k("unsaved-rows", pid)


def _add_rows(engine: Engine, pid: int, rows: list[dict], outcome_labels: dict[str, int], known: list[str]) -> int:
    """Rows typed or pasted into the plan's table, added as actions. A row that cannot be added yet (no
    outcome, no action, an agency not in the partnership, a date that is not one) is kept, with what it
    lacks, in the table of rows not added yet, never dropped. Returns how many were added."""
    author = current_author()
    kept: list[dict] = []
    ready: list[tuple[dict, dict]] = []
    for row in rows:
        row = {c: row.get(c) for c in ["Intended outcome", *EDITABLE]}
        missing = []
        if not outcome_labels.get(row.get("Intended outcome") or ""):
            missing.append(t("plan.missing.outcome"))
        if not str(row.get("Action") or "").strip():
            missing.append(t("plan.missing.action"))
        try:
            spec = {FIELD_OF[c]: _field_value(c, v, known) for c, v in row.items() if c in FIELD_OF and v not in (None, "")}
        except WorkbookError as exc:
            missing.append(_in_language(exc.message))
        if missing:
            kept.append({**row, "What is missing": "; ".join(missing)})
            continue
        spec["outcome_id"] = outcome_labels[row["Intended outcome"]]
        ready.append((row, spec))
    added = 0
    if author is None:
        kept += [{**row, "What is missing": t("plan.missing.sign_in")} for row, _ in ready]
        ready = []
    elif ready:
        try:  # all at once (hundreds pasted from Excel: one transaction)...
            added = len(P.create_actions(engine, pid, [spec for _, spec in ready], author=author))
            ready = []
        except WorkbookError:
            pass  # ...and where that is refused, one at a time, so a row's problem keeps that row only
    for row, spec in ready:
        try:
            P.create_actions(engine, pid, [spec], author=author_or_refuse())
            added += 1
        except P.UnknownAgency as exc:
            st.session_state[PENDING_AGENCIES] = sorted({*st.session_state.get(PENDING_AGENCIES, []), *exc.names})
            kept.append({**row, "What is missing": _in_language(exc.message)})
        except WorkbookError as exc:
            kept.append({**row, "What is missing": _in_language(exc.message.replace("None of the 1 new actions was added: ", ""))})
    st.session_state[_unsaved_key(pid)] = kept
    if kept:
        _say("warning", t("plan.rows_kept_one" if len(kept) == 1 else "plan.rows_kept", count=len(kept)))
    elif added:
        _say("success", t("plan.added_one" if added == 1 else "plan.added_many", count=added))
    return added


def _unsaved_changed(engine: Engine, pid: int, editor_key: str, outcome_labels: dict[str, int]) -> None:
    rows = [dict(r) for r in st.session_state.get(_unsaved_key(pid), [])]
    for index, changes in st.session_state.get(editor_key, {}).get("edited_rows", {}).items():
        rows[int(index)].update(changes)
    _add_rows(engine, pid, rows, outcome_labels, P.agencies(engine, pid))


def _discard_unsaved(pid: int) -> None:
    st.session_state.pop(_unsaved_key(pid), None)
    _say("info", t("plan.discarded"))


def _unsaved_rows(engine: Engine, pid: int, outcome_labels: dict[str, int], column_config: dict) -> None:
    """Rows typed into the table that could not be added yet, kept until completed or discarded."""
    rows = st.session_state.get(_unsaved_key(pid)) or []
    if not rows:
        return
    st.markdown(t("plan.not_added_yet", count=len(rows)))
    key = _k("unsaved-editor", pid, st.session_state.get(_k("gen"), 0))
    st.data_editor(
        pd.DataFrame(rows, columns=["Intended outcome", *EDITABLE, "What is missing"]),
        key=key,
        hide_index=True,
        num_rows="fixed",
        disabled=["What is missing"],
        column_config={**column_config, "What is missing": st.column_config.TextColumn(col("What is missing"), width=260)},
        on_change=_unsaved_changed,
        args=(engine, pid, key, outcome_labels),
        width="stretch",
    )
    st.button(t("plan.discard_rows"), key=_k("discard-unsaved", pid), on_click=_discard_unsaved, args=(pid,), icon="🗑️")


def _column_config(outcome_labels: dict[str, int]) -> dict:
    # The choices shown are the names in the person's language; _field_value maps them back to the ids.
    stages, comps = list_names("action_stages"), list_names("core_components")
    statuses = list_names("action_statuses")
    # Widths in pixels, so every header reads in full ("Intended outcome", "Commencement"). The columns
    # keep their English names (what a change is saved by); the label is what the person reads.
    return {
        "Code": st.column_config.TextColumn(col("Code"), disabled=True, width=80),
        "Intended outcome": st.column_config.SelectboxColumn(
            col("Intended outcome"),
            options=list(outcome_labels),
            width=280,
            help=t("plan.col.outcome.help"),
        ),
        "Action": st.column_config.TextColumn(col("Action"), width=360, max_chars=P.TEXT_LIMIT),
        "Lead/responsible agency": st.column_config.TextColumn(col("Lead/responsible agency"), width=210, help=t("plan.col.leads.help")),
        "Partners": st.column_config.TextColumn(col("Partners"), width=160),
        "Commencement": st.column_config.TextColumn(col("Commencement"), width=130, help=t("plan.col.start.help")),
        "Completion": st.column_config.TextColumn(col("Completion"), width=120, help=t("plan.col.end.help")),
        "Stage or priority": st.column_config.SelectboxColumn(col("Stage or priority"), options=list(stages.values()), width=150),
        "Core component": st.column_config.SelectboxColumn(col("Core component"), options=list(comps.values()), width=190),
        "Recommendations": st.column_config.TextColumn(col("Recommendations"), width=160, help=t("plan.col.recs.help")),
        "Status": st.column_config.SelectboxColumn(col("Status"), options=list(statuses.values()), width=130),
        "Why it leads to the outcome": st.column_config.TextColumn(col("Why it leads to the outcome"), width=260),
        "Cost": st.column_config.TextColumn(col("Cost"), width=110, help=t("plan.cost.help")),
        "Funding source": st.column_config.TextColumn(col("Funding source"), width=200),
        "Staff time": st.column_config.TextColumn(col("Staff time"), width=200, help=t("plan.staff.help")),
    }


# --- Adding one action with a form ----------------------------------------------------------------


def _form_key(pid: int, name: str) -> str:
    return _k("new-action", pid, st.session_state.get(_k("new-action-gen", pid), 0), name)


def _form_say(pid: int, kind: str, text: str) -> None:
    st.session_state[_k("new-action-msg", pid)] = (kind, text)


def _add_action(engine: Engine, pid: int) -> None:
    """The form's "Add the action": outcome and action needed; anything refused leaves the form as typed."""

    def get(name: str):
        return st.session_state.get(_form_key(pid, name))

    start, end, title = get("start"), get("end"), str(get("title") or "")
    missing = [t("plan.missing.outcome")] if not get("outcome") else []
    if not title.strip():
        missing.append(t("plan.missing.action"))
    if missing:
        _form_say(pid, "error", t("plan.form.missing", missing=t("plan.and").join(missing)))
        return
    spec = {
        "outcome_id": get("outcome"),
        "title": title,
        "leads": list(get("leads") or []),
        "partners": get("partners") or "",
        "start_date": start.isoformat() if start else None,
        "end_date": end.isoformat() if end else None,
        "component": get("component") or "",
        "stage": get("stage") or "",
        "recommendations": list(get("recs") or []),
        "status": get("status") or "not_started",
        "rationale": get("rationale") or "",
        "cost": get("cost") or "",
        "funding_source": get("funding") or "",
        "staff_time": get("staff") or "",
    }
    st.session_state.pop(PENDING_AGENCIES, None)
    made = _run(P.create_actions, engine, pid, [spec])
    if made is None:  # the reason is said beside the form, which keeps what was typed
        kind, text = st.session_state.pop(MSG, ("error", t("plan.form.not_added")))
        _form_say(pid, kind, text.replace("None of the 1 new actions was added: row 1: ", t("plan.form.not_added_yet")))
        if st.session_state.get(PENDING_AGENCIES):
            _form_say(pid, "warning", t("plan.form.unknown_agency", names="; ".join(st.session_state[PENDING_AGENCIES])))
        return
    plan = P.load_plan(engine, pid)
    action = made[0]
    st.session_state[_k("new-action-gen", pid)] = st.session_state.get(_k("new-action-gen", pid), 0) + 1  # an empty form
    _form_say(pid, "success", t("plan.form.added", code=plan.code("action", stored_id(action)), title=shorten(action.title, 80)))


def _add_action_form(engine: Engine, pid: int, plan: P.Plan) -> None:
    outcomes = {stored_id(o): f"{plan.code('outcome', stored_id(o))} {shorten(o.title, 90)}" for o in plan.all_outcomes()}
    known = P.agencies(engine, pid)
    stages, comps = list_names("action_stages"), list_names("core_components")
    statuses = list_names("action_statuses")
    recs = {r["id"]: r["label"] for r in content().reference("recommendations").items}
    with st.form(_form_key(pid, "form"), clear_on_submit=False):
        st.selectbox(
            t("plan.form.outcome"),
            list(outcomes),
            index=None,
            format_func=lambda i: outcomes.get(i, str(i)),
            placeholder=t("plan.form.choose_outcome"),
            key=_form_key(pid, "outcome"),
        )
        st.text_area(col("Action"), max_chars=P.TEXT_LIMIT, height=80, key=_form_key(pid, "title"))
        a, b = st.columns(2)
        a.multiselect(
            col("Lead/responsible agency"),
            known,
            accept_new_options=True,
            placeholder=t("plan.form.choose_agency"),
            key=_form_key(pid, "leads"),
        )
        b.text_input(col("Partners"), max_chars=P.TEXT_LIMIT, key=_form_key(pid, "partners"))
        a.date_input(col("Commencement"), value=None, format="DD/MM/YYYY", key=_form_key(pid, "start"))
        b.date_input(col("Completion"), value=None, format="DD/MM/YYYY", key=_form_key(pid, "end"))
        a.selectbox(
            col("Core component"),
            list(comps),
            index=None,
            format_func=lambda i: comps[i],
            placeholder=t("common.choose_one"),
            key=_form_key(pid, "component"),
        )
        b.selectbox(
            col("Stage or priority"),
            list(stages),
            index=None,
            format_func=lambda i: stages[i],
            placeholder=t("common.choose_one"),
            key=_form_key(pid, "stage"),
        )
        a.multiselect(
            t("plan.form.recs"),
            list(recs),
            format_func=lambda i: f"{i} {recs[i]}",
            placeholder=t("plan.form.choose_any"),
            key=_form_key(pid, "recs"),
        )
        b.selectbox(col("Status"), list(statuses), format_func=lambda i: statuses[i], key=_form_key(pid, "status"))
        st.text_area(col("Why it leads to the outcome"), max_chars=P.LONG_LIMIT, height=80, key=_form_key(pid, "rationale"))
        c = st.columns(3)
        c[0].text_input(t("plan.form.cost"), key=_form_key(pid, "cost"), help=t("plan.cost.help"), placeholder=t("plan.form.cost_eg"))
        c[1].text_input(col("Funding source"), max_chars=P.TEXT_LIMIT, key=_form_key(pid, "funding"))
        c[2].text_input(col("Staff time"), max_chars=P.TEXT_LIMIT, key=_form_key(pid, "staff"), help=t("plan.staff.help"))
        st.form_submit_button(t("plan.form.add"), type="primary", on_click=_add_action, args=(engine, pid), icon="➕")
    said = st.session_state.pop(_k("new-action-msg", pid), None)
    if said:
        {"error": st.error, "success": st.success, "warning": st.warning}[said[0]](md_escape(said[1]))
    pending = st.session_state.get(PENDING_AGENCIES)
    if pending:
        st.button(
            t("plan.add_agencies", names="; ".join(pending)),
            key=_k("form-add-agencies"),
            on_click=_add_pending_agencies,
            args=(engine, pid),
            icon="➕",
        )


def _cell(column: str, value: object, language: str) -> object:
    """A cell of the editor as shown: a fixed choice's name in the person's language."""
    return _choice_shown(CHOICE_COLUMNS[column], value, language) if column in CHOICE_COLUMNS else value


def _editor(engine: Engine, partnership: Partnership, plan: P.Plan, editable: bool) -> None:
    pid = stored_id(partnership)
    rows = P.action_rows(plan)
    outcome_labels = {f"{plan.code('outcome', stored_id(o))} {shorten(o.title, 40)}": stored_id(o) for o in plan.all_outcomes()}
    by_id = {v: k for k, v in outcome_labels.items()}
    language = ui_language()
    frame = pd.DataFrame(
        [
            {"Code": r["Code"], "Intended outcome": by_id.get(r["_outcome"], ""), **{c: _cell(c, r[c], language) for c in EDITABLE}}
            for r in rows
        ],
        columns=["Code", "Intended outcome", *EDITABLE],
    )
    gen = st.session_state.get(_k("gen"), 0)
    key = _k("editor", pid, gen)
    column_config = _column_config(outcome_labels)
    st.data_editor(
        frame,
        key=key,
        hide_index=True,
        num_rows="dynamic" if editable else "fixed",
        disabled=True if not editable else ["Code"],
        column_config=column_config,
        on_change=_table_changed,
        args=(engine, pid, key, rows, outcome_labels),
        width="stretch",
        height="content" if len(rows) <= 25 else 600,
    )
    if editable:
        st.caption(t("plan.editor.caption"))
        _unsaved_rows(engine, pid, outcome_labels, column_config)
    pending = st.session_state.get(PENDING_AGENCIES)
    if pending and editable:
        st.button(
            t("plan.add_agencies", names="; ".join(pending)),
            key=_k("add-agencies"),
            on_click=_add_pending_agencies,
            args=(engine, pid),
            icon="➕",
        )


# --- Milestones and output indicators of one action ------------------------------------------------

MILESTONE_WIDGETS = ("title", "due_date", "status", "done_date")
OUTPUT_WIDGETS = ("title", "target", "achieved", "as_at")


def _group_fields(prefix: str, names: tuple[str, ...]) -> dict:
    return {n: st.session_state.get(_k(prefix, n)) or ("" if n != "status" else "not_started") for n in names}


def _said_with_warning(done: str, warning: str) -> None:
    _say("warning" if warning else "success", f"{done} {warning}".strip())


def _add_milestone(engine: Engine, pid: int, action_id: int) -> None:
    prefix = f"ms-new-{action_id}"
    fields = _group_fields(prefix, MILESTONE_WIDGETS)
    made = _run(P.add_milestone, engine, pid, action_id=action_id, **fields)
    if made is not None:
        action = P.load_plan(engine, pid).action(action_id)
        _said_with_warning(t("plan.ms.added"), P.milestone_date_warning(action, made.due_date) if action else "")
        for n in MILESTONE_WIDGETS:
            st.session_state[_k(prefix, n)] = None if n == "status" else ""


def _save_milestone(engine: Engine, pid: int, action_id: int, milestone_id: int) -> None:
    prefix = f"ms-{milestone_id}"
    _save_group(
        prefix,
        {n: _k(prefix, n) for n in MILESTONE_WIDGETS},
        P.update_milestone,
        engine,
        pid,
        milestone_id,
        done=t("plan.ms.saved"),
        **_group_fields(prefix, MILESTONE_WIDGETS),
    )
    plan = P.load_plan(engine, pid)
    action = plan.action(action_id)
    saved = next((m for m in plan.milestones.get(action_id, []) if m.id == milestone_id), None)
    found = st.session_state.get(MSG)
    if action and saved and found and found[0] == "success":
        _said_with_warning(found[1], P.milestone_date_warning(action, saved.due_date))


def _add_output(engine: Engine, pid: int, action_id: int) -> None:
    prefix = f"out-new-{action_id}"
    if _run(P.add_output, engine, pid, action_id=action_id, done=t("plan.out.added"), **_group_fields(prefix, OUTPUT_WIDGETS)):
        for n in OUTPUT_WIDGETS:
            st.session_state[_k(prefix, n)] = ""


def _save_output(engine: Engine, pid: int, output_id: int) -> None:
    prefix = f"out-{output_id}"
    _save_group(
        prefix,
        {n: _k(prefix, n) for n in OUTPUT_WIDGETS},
        P.update_output,
        engine,
        pid,
        output_id,
        done=t("plan.out.saved"),
        **_group_fields(prefix, OUTPUT_WIDGETS),
    )


def _milestone_fields(prefix: str, editable: bool) -> None:
    statuses = list_names("milestone_statuses")
    st.text_input(col("Milestone"), key=_k(prefix, "title"), max_chars=P.TEXT_LIMIT, disabled=not editable)
    c = st.columns(3)
    c[0].text_input(t("plan.ms.due"), key=_k(prefix, "due_date"), disabled=not editable)
    c[1].selectbox(
        col("Status"),
        list(statuses),
        format_func=lambda v: statuses[v],
        index=None,
        placeholder=statuses.get("not_started", ""),
        key=_k(prefix, "status"),
        disabled=not editable,
    )
    c[2].text_input(t("plan.ms.done_on"), key=_k(prefix, "done_date"), disabled=not editable, help=t("plan.ms.done_on.help"))


def _output_fields(prefix: str, editable: bool) -> None:
    st.text_input(
        col("Output indicator"),
        key=_k(prefix, "title"),
        max_chars=P.AIM_LIMIT,
        disabled=not editable,
        placeholder=t("plan.out.eg"),
    )
    c = st.columns(3)
    c[0].text_input(col("Target"), key=_k(prefix, "target"), disabled=not editable, help=t("plan.out.target.help"))
    c[1].text_input(t("plan.out.achieved"), key=_k(prefix, "achieved"), disabled=not editable, help=t("plan.out.achieved.help"))
    c[2].text_input(t("plan.out.as_at"), key=_k(prefix, "as_at"), disabled=not editable, help=t("plan.out.as_at.help"))


def _depth_tables(x, milestones: list, outputs: list) -> None:
    statuses = list_names("milestone_statuses")
    st.subheader(t("plan.ms.header", count=len(milestones)))
    if milestones:
        st.dataframe(
            shown_columns(
                pd.DataFrame(
                    [
                        {
                            "Milestone": m.title,
                            "Due": P.uk_day(m.due_date),
                            "Status": statuses.get(m.status, m.status),
                            "Done on": P.uk_day(m.done_date),
                            "Overdue": P.milestone_overdue(m),
                            "Dates": _in_language(P.milestone_date_warning(x, m.due_date)),
                        }
                        for m in milestones
                    ]
                )
            ),
            hide_index=True,
        )
    else:
        st.caption(t("plan.ms.none"))
    st.subheader(t("plan.out.header", count=len(outputs)))
    if outputs:
        st.dataframe(
            shown_columns(
                pd.DataFrame(
                    [
                        {"Output indicator": o.title, "Target": P.number_text(o.target), "Achieved": P.output_progress(o, ui_language())}
                        for o in outputs
                    ]
                )
            ),
            hide_index=True,
        )
    else:
        st.caption(t("plan.out.none"))


def depth_panel(engine: Engine, pid: int, plan: P.Plan, editable: bool) -> None:
    """One chosen action's resources, milestones and output indicators (Guide §12, §15.1): each
    milestone and output indicator saved with the version the person loaded, removable and restorable."""
    st.header(t("plan.depth.header"))
    actions = plan.all_actions()
    labels = {stored_id(x): f"{plan.code('action', stored_id(x))} {shorten(x.title, 90)}" for x in actions}
    chosen = st.selectbox(col("Action"), list(labels), format_func=lambda v: labels.get(v, str(v)), key=_k("depth-action", pid))
    x = plan.action(chosen) if chosen is not None else None
    if x is None:
        return
    aid = stored_id(x)
    resources = P.resources_text(x, ui_language())
    st.caption(t("plan.depth.resources", resources=md_escape(resources)) if resources else t("plan.depth.no_resources"))
    statuses = list_names("milestone_statuses")
    milestones, outputs = plan.milestones.get(aid, []), plan.outputs.get(aid, [])
    if not editable:  # scrutineers and viewers read them as tables, not greyed-out fields
        _depth_tables(x, milestones, outputs)
        return
    left, right = st.columns(2)
    with left:
        st.subheader(t("plan.ms.header", count=len(milestones)))
        for m in milestones:
            prefix = f"ms-{m.id}"
            with st.container(border=True):
                _fill(
                    prefix,
                    {
                        _k(prefix, "title"): m.title,
                        _k(prefix, "due_date"): P.uk_day(m.due_date),
                        _k(prefix, "status"): m.status,
                        _k(prefix, "done_date"): P.uk_day(m.done_date),
                    },
                    m.version,
                )
                late = t("plan.ms.overdue") if P.milestone_overdue(m) else ""
                st.caption(md_escape(f"{statuses.get(m.status, m.status)}{late}"))
                _milestone_fields(prefix, editable)
                warning = P.milestone_date_warning(x, m.due_date)
                if warning:
                    st.warning(message_text(warning), icon="💡")
                _save_or_remove(engine, pid, "milestone", m, "ms-save", _save_milestone, (engine, pid, aid, m.id), editable)
        if editable:
            with st.container(border=True):
                st.markdown(f"**{t('plan.ms.add_header')}**")
                _milestone_fields(f"ms-new-{aid}", editable)
                st.button(t("plan.ms.add"), key=_k("ms-add", aid), on_click=_add_milestone, args=(engine, pid, aid), icon="➕")
    with right:
        st.subheader(t("plan.out.header", count=len(outputs)))
        for o in outputs:
            prefix = f"out-{o.id}"
            with st.container(border=True):
                _fill(
                    prefix,
                    {
                        _k(prefix, "title"): o.title,
                        _k(prefix, "target"): P.number_text(o.target),
                        _k(prefix, "achieved"): P.number_text(o.achieved),
                        _k(prefix, "as_at"): P.uk_day(o.as_at),
                    },
                    o.version,
                )
                st.caption(md_escape(P.output_progress(o, ui_language())))
                _output_fields(prefix, editable)
                _save_or_remove(engine, pid, "output indicator", o, "out-save", _save_output, (engine, pid, o.id), editable)
        if editable:
            with st.container(border=True):
                st.markdown(f"**{t('plan.out.add_header')}**")
                _output_fields(f"out-new-{aid}", editable)
                st.button(t("plan.out.add"), key=_k("out-add", aid), on_click=_add_output, args=(engine, pid, aid), icon="➕")


def _save_or_remove(engine, pid: int, what: str, row, save_key: str, save, args: tuple, editable: bool) -> None:
    """A milestone's or output indicator's two buttons: save it, or remove it (restorable)."""
    kind = what.split()[0]  # "milestone" | "output", as the plan's removal knows them
    a, b = st.columns(2)
    a.button(t(f"plan.{kind}.save"), key=_k(save_key, row.id), on_click=save, args=args, disabled=not editable)
    b.button(
        t(f"plan.{kind}.remove"),
        key=_k("del", kind, row.id),
        on_click=_delete,
        args=(engine, pid, kind, stored_id(row), shorten(row.title, 60)),
        disabled=not editable,
        help=t("plan.restorable_under_removed"),
    )


def _view(table: pd.DataFrame, by: str, values: list[str]) -> None:
    shown = ["Code", "Action", "Lead/responsible agency", "Commencement", "Completion", "Status"]
    for value in values:
        part = table[table[by] == value] if by != "_leads" else table[table["_leads"].apply(lambda x, v=value: v in x)]
        st.markdown(f"**{md_escape(value) if value else t('plan.not_given')}** ({len(part)})")
        if not part.empty:
            st.dataframe(shown_columns(part[shown]), hide_index=True)


def _import_panel(engine: Engine, partnership: Partnership, editable: bool) -> None:
    pid = stored_id(partnership)
    st.markdown(t("plan.import.intro"))
    chosen = fi.chosen_file(_import_keys(pid), label=t("plan.import.file"), disabled=not editable)
    if chosen is not None:
        preview_and_import(engine, pid, *chosen)


def _import_keys(pid: int) -> fi.Keys:
    keys = {"file": _k("upload", pid), "gen": _k("uploads"), "go": _k("import-go", pid)}
    return lambda part: keys.get(part) or _k("import", part, pid)


def preview_and_import(engine: Engine, pid: int, data: bytes, name: str) -> None:
    """What importing the chosen plan file would create, every problem in it, and (when there are none)
    the import button; with the choices about the file (sheet, header row, the agency for a lead
    written as a job title or a person, how "Q3 2025" is read)."""
    keys = _import_keys(pid)
    options, wrong = chosen_options(keys)
    if wrong:
        fi.show_error(t("plan.import.choice_wrong"), wrong)

    def shown(preview: plan_io.PlanPreview) -> fi.Shown:
        base = preview.base
        return fi.Shown(
            base,
            ready=_actions_frame(preview) if preview.actions else _within_frame(preview),
            button=t("plan.import.button"),
            importable=preview.ok,
            noun=t("plan.import.noun_actions") if preview.actions else t("plan.import.noun_within"),
            summary=preview.summary(ui_language()),
            nothing=t("plan.import.all_there") if preview.already_all else t("plan.import.nothing"),
            metrics=[
                (t("plan.import.m_actions"), base.ready),
                (t("plan.import.m_within"), len(preview.milestones) + len(preview.outputs)),
                (t("plan.import.m_problems"), base.rows_with_problems),
                (t("plan.import.m_blank"), base.blank_rows),
            ],
        )

    def commit(_replace: bool) -> str:
        author = author_or_refuse()
        preview = plan_io.preview_import(engine, pid, data, name, options)
        count = plan_io.commit_import(engine, pid, preview, author=author)
        st.session_state[_k("gen")] = st.session_state.get(_k("gen"), 0) + 1  # the plan's tables, from what is now stored
        return t("plan.import.done", what=preview.imported_text(count, ui_language()), file=file_name(name))

    def choose_for(result: plan_io.PlanPreview | WorkbookError) -> None:
        if isinstance(result, WorkbookError):
            choose(keys, result, published=False)
            return
        asked = PlanChoices(
            person_leads=tuple(result.person_leads),
            agencies=tuple(P.agencies(engine, pid)),
            quarters=result.ambiguous_quarters or bool(options.quarters),
        )
        choose(keys, result.base, published=False, plan=asked)

    fi.import_panel(
        keys,
        data,
        name,
        preview=lambda d, n: plan_io.preview_import(engine, pid, d, n, options),
        shown=shown,
        commit=commit,
        choices=options.to_json(),
        choose=choose_for,
    )


def _actions_frame(preview: plan_io.PlanPreview) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Row": a["row"],
                "Aim": a["aim"],
                "Outcome": a["outcome"],
                "Action": a["title"],
                "Leads": "; ".join(a["leads"]),
                "Commencement": P.uk_day(a["start_date"]),
                "Completion": P.uk_day(a["end_date"]),
                "Cost": P.format_cost(a.get("cost_pence")),
            }
            for a in preview.actions[: fi.PREVIEW_ROWS]
        ],
        columns=["Row", "Aim", "Outcome", "Action", "Leads", "Commencement", "Completion", "Cost"],
    ).pipe(shown_columns)


def _within_frame(preview: plan_io.PlanPreview) -> pd.DataFrame:
    """The milestones and output indicators a file adds, when it adds no action (a CSV of them alone)."""
    rows = [
        {
            "Row": m["row"],
            "Action": m["action_code"] or m["action"][2],
            "Adds": t("plan.import.adds_milestone", title=m["title"]),
            "Due or target": P.uk_day(m.get("due_date")),
            "Status or achieved": list_names("milestone_statuses").get(m.get("status") or "", ""),
        }
        for m in preview.milestones
    ] + [
        {
            "Row": o["row"],
            "Action": o["action_code"] or o["action"][2],
            "Adds": t("plan.import.adds_output", title=o["title"]),
            "Due or target": P.number_text(o.get("target")),
            "Status or achieved": P.number_text(o.get("achieved")),
        }
        for o in preview.outputs
    ]
    return shown_columns(pd.DataFrame(rows[: fi.PREVIEW_ROWS], columns=["Row", "Action", "Adds", "Due or target", "Status or achieved"]))


def _by_aim(plan: P.Plan, table: pd.DataFrame) -> None:
    _view(table, "Strategic aim", list(dict.fromkeys(table["Strategic aim"])))


def _by_agency(plan: P.Plan, table: pd.DataFrame) -> None:
    _view(table, "_leads", sorted({n for names in table["_leads"] for n in names}) or [])
    no_lead = table[table["_leads"].apply(len) == 0]
    if not no_lead.empty:
        st.markdown(f"**{t('plan.no_lead_yet')}** ({len(no_lead)})")
        st.dataframe(shown_columns(no_lead[["Code", "Action"]]), hide_index=True)


def _by_component(plan: P.Plan, table: pd.DataFrame) -> None:
    _view(table, "Core component", list(list_names("core_components").values()) + [""])


def _by_recommendation(plan: P.Plan, table: pd.DataFrame) -> None:
    for rec, acts in P.recommendation_coverage(plan):
        st.markdown(f"**{rec['number']}. {md_escape(rec['label'])}** ({len(acts)})")
        if acts:
            st.dataframe(
                shown_columns(
                    pd.DataFrame(
                        [{"Code": plan.code("action", stored_id(x)), "Action": x.title, "Lead": "; ".join(P.leads(x))} for x in acts]
                    )
                ),
                hide_index=True,
            )
        else:
            st.warning(t("plan.rec_unanswered"), icon="💡")


#: The timeline's legend names that the documents' chart phrases do not have, with their keys here.
CHART_NAMES = {
    "Milestone done": "plan.chart.milestone_done",
    "Milestone due": "plan.chart.milestone_due",
    "Milestone overdue": "plan.chart.milestone_overdue",
}


def _chart_in_language(fig):
    """A plan chart with the words it draws (axes, legend, labels) in the person's language: the
    documents' chart phrases, and the timeline's milestone legend from this page's own words."""
    shown = figure_in_language(fig, ui_language())
    if isinstance(shown, dict):  # English is the figure as it is
        for trace in shown.get("data", []):
            if trace.get("name") in CHART_NAMES:
                trace["name"] = t(CHART_NAMES[trace["name"]])
    return shown


def _dates_shown(dates: str) -> str:
    """An action's "start to end" (as the plan writes it, in English) in the person's language."""
    start, _, end = dates.partition(" to ")
    start = t("plan.timeline.no_start") if start == "no commencement" else start
    end = t("plan.timeline.no_end") if end == "no completion" else end
    return t("plan.timeline.dates", start=start, end=end)


def _timeline(plan: P.Plan, table: pd.DataFrame) -> None:
    fig = plan_chart.gantt_figure(plan, month_names=chart_months(ui_language()))
    if fig is None:
        st.info(t("plan.timeline.no_dates"))
    else:
        st.plotly_chart(_chart_in_language(fig), key=_k("gantt"))
    with st.expander(t("plan.timeline.as_table")):
        bars = plan_chart.gantt_table(plan).drop(columns=["Start", "Finish"])
        bars["Status"] = bars["Status"].map(_names_shown("action_statuses", ui_language())).fillna(bars["Status"])
        bars["Dates"] = bars["Dates"].map(_dates_shown)
        st.dataframe(shown_columns(bars), hide_index=True)
        milestones = plan_chart.milestone_table(plan)
        if not milestones.empty:
            st.markdown(t("plan.timeline.milestones"))
            milestones["Status"] = milestones["Status"].map(_names_shown("milestone_statuses", ui_language())).fillna(milestones["Status"])
            milestones["Due"] = milestones["Due"].replace("no due date (not on the chart)", t("plan.timeline.no_due"))
            milestones["On the chart"] = milestones["On the chart"].map(lambda v: t(f"plan.timeline.state.{v.lower()}") if v else v)
            st.dataframe(shown_columns(milestones.drop(columns=["_due"])), hide_index=True)


def action_plan_page(engine: Engine, partnership: Partnership) -> None:
    pid = stored_id(partnership)
    editable, plan = _page_head(
        engine,
        partnership,
        t("plan.page.title"),
        "§12",
        t("plan.page.intro"),
    )
    if not plan.all_outcomes():
        st.info(t("plan.page.no_outcomes"))
        st.page_link(TOC_PAGE, label=t("plan.go_toc"), icon="🧩")
    else:
        left, right = st.columns([5, 1])
        with left:
            if editable:
                # Open on an empty plan, and after an add (its message and a fresh form are inside).
                just_added = _k("new-action-msg", pid) in st.session_state
                with st.expander("➕ " + t("plan.add_action"), expanded=not plan.all_actions() or just_added):
                    _add_action_form(engine, pid, plan)
            _editor(engine, partnership, plan, editable)
        with right:
            st.markdown(f"**{t('plan.checks')}**")
            findings = [
                f for f in P.plan_checks(plan) if f.kind in ("no_lead", "no_dates", "dates_reversed", "no_action", "milestone_dates")
            ]
            if not findings:
                st.success(t("plan.checks.none"), icon="✅")
            for f in findings[:40]:
                st.warning(message_text(f.message), icon="💡")
            if len(findings) > 40:
                st.caption(t("plan.checks.more", count=len(findings) - 40))
        undo_and_removed(engine, pid, editable, ("action", "milestone", "output"))
        welsh_views.titles_table(engine, partnership, ("action",), editable)  # in Wales only
        if plan.all_actions():
            depth_panel(engine, pid, plan, editable)
        known = P.agencies(engine, pid)
        st.caption(t("plan.agencies", names=md_escape("; ".join(known)) if known else t("plan.agencies.none")))
        table = pd.DataFrame(P.action_rows(plan))
        if not table.empty:
            for column, ref in CHOICE_COLUMNS.items():  # the choices' names in the person's language
                table[column] = table[column].map(_names_shown(ref, ui_language())).fillna(table[column])
            # Only the tab on screen is drawn (the timeline chart alone took seconds on a large plan).
            names = ["by_aim", "by_agency", "by_component", "by_recommendation", "timeline"]
            tabs = st.tabs([t(f"plan.tab.{n}") for n in names], key=_k("views"), on_change="rerun")
            views = (_by_aim, _by_agency, _by_component, _by_recommendation, _timeline)
            for tab, view in zip(tabs, views, strict=True):
                if tab.open:
                    with tab:
                        view(plan, table)
    st.header(t("plan.export.header"))
    a, b = st.columns(2)
    if not plan.empty:
        # Made when clicked, not on every run of the page.
        offer_download(
            a,
            t("plan.export.excel"),
            data=partial(plan_io.export_xlsx, engine, pid),
            file_name="action-plan.xlsx",
            icon="📊",
        )
        offer_download(b, t("plan.export.csv"), data=partial(plan_io.export_csv, engine, pid), file_name="action-plan.csv", icon="📄")
        if plan.milestones or plan.outputs:
            c, d = st.columns(2)
            offer_download(
                c,
                t("plan.export.milestones"),
                data=partial(plan_io.export_csv, engine, pid, "milestones"),
                file_name="milestones.csv",
                icon="📄",
            )
            offer_download(
                d,
                t("plan.export.outputs"),
                data=partial(plan_io.export_csv, engine, pid, "outputs"),
                file_name="output-indicators.csv",
                icon="📄",
            )
    _import_panel(engine, partnership, editable)
