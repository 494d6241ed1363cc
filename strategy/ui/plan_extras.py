"""Shared helpers of the plan's pages, and "turn this activity into an action" beneath each core
component's planned activities (Guide §8-12). Kept apart from plan_views so the chapter renderer can
load it without a circular import."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import list_rows
from strategy.core.errors import Conflict, WorkbookError
from strategy.core.interface import message_in
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape, shorten
from strategy.guide.content import content
from strategy.plan import io as plan_io
from strategy.plan import operations as P
from strategy.ui.language import t, ui_language
from strategy.ui.state import current_author

MSG = "plan_msg"
UNDO = "plan_undo"
PENDING_AGENCIES = "plan_pending_agencies"


def _k(*parts) -> str:
    return "plan|" + "|".join(str(p) for p in parts)


def _say(kind: str, text: str) -> None:
    st.session_state[MSG] = (kind, text)


def _messages() -> None:
    found = st.session_state.pop(MSG, None)
    if found:
        kind, text = found
        {"error": st.error, "success": st.success, "info": st.info, "warning": st.warning}[kind](md_escape(text))


def _said(exc: WorkbookError) -> str:
    """A refusal's words for a message kept to the next run, in the person's language (escaped when shown)."""
    return message_in(exc.message, ui_language())


def _run(fn, *args, done: str = "", reraise_conflict: bool = False, **kwargs):
    """Call a strategy write with the person's name; problems become a message on the page (a Conflict
    is raised again with ``reraise_conflict``, for the caller to show both versions)."""
    author = current_author()
    if author is None:
        _say("error", t("plan.give_name"))
        return None
    try:
        result = fn(*args, author=author, **kwargs)
    except P.UnknownAgency as exc:
        st.session_state[PENDING_AGENCIES] = exc.names
        _say("warning", _said(exc))
        return None
    except WorkbookError as exc:
        if reraise_conflict and isinstance(exc, Conflict):
            raise
        _say("error", _said(exc))
        return None
    if done:
        _say("success", done)
    return result


def _value(key: str) -> str:
    return st.session_state.get(key, "") or ""


def _add_pending_agencies(engine: Engine, pid: int) -> None:
    names = st.session_state.pop(PENDING_AGENCIES, [])
    for name in names:
        _run(P.add_agency, engine, pid, name)
    if names:
        _say("success", t("plan.agencies_added", names="; ".join(names)))


# --- Turning a component's planned activity into an action --------------------------------------


def _activity_to_action(engine: Engine, pid: int, prompt_id: str, component: str) -> None:
    item_id = st.session_state.get(_k("act-item", prompt_id))
    outcome_id = st.session_state.get(_k("act-outcome", prompt_id))
    if not item_id or not outcome_id:
        _say("error", t("plan.activity.choose"))
        return
    row = next((r for r in list_rows(engine, pid, prompt_id) if r.id == item_id), None)
    if row is None:
        _say("error", t("plan.activity.removed"))
        return
    lead = (row.values.get("lead") or "").strip()
    made = _run(
        P.create_action,
        engine,
        pid,
        outcome_id=outcome_id,
        title=row.values.get("activity") or "",
        leads=plan_io.split_leads(lead, P.agencies(engine, pid)),
        component=component,
        origin=f"component:{component}:item:{item_id}",
    )
    if made:
        _say("success", t("plan.activity.done"))


def _component_extra(component: str):
    def render(engine: Engine, partnership: Partnership, prompt, editable: bool) -> None:
        pid = stored_id(partnership)
        plan = P.load_plan(engine, pid)
        rows = [r for r in list_rows(engine, pid, prompt.id) if r.row_key is None]
        made: dict[int, list[str]] = {}
        for x in plan.all_actions():
            if x.origin.startswith(f"component:{component}:item:"):
                made.setdefault(int(x.origin.rsplit(":", 1)[1]), []).append(plan.code("action", stored_id(x)))
        if not editable and not made:
            return
        with st.container(border=True):
            st.markdown(f"**{t('plan.activity.header') if editable else t('plan.activity.in_plan')}**")
            _messages()
            if made:
                st.caption(
                    t(
                        "plan.activity.already",
                        items=md_escape("; ".join(f"{r.values.get('activity')} ({', '.join(made[r.id])})" for r in rows if r.id in made)),
                    )
                )
            if not editable:  # scrutineers and viewers: what is already in the plan, nothing to choose
                return
            waiting = {r.id: str(r.values.get("activity") or "") for r in rows if r.id not in made}
            outcomes = {stored_id(o): f"{plan.code('outcome', stored_id(o))} {shorten(o.title, 80)}" for o in plan.all_outcomes()}
            if not outcomes:
                st.caption(t("plan.activity.no_outcomes"))
                return
            if not waiting:
                st.caption(t("plan.activity.all_done") if rows else t("plan.activity.none"))
                return
            st.selectbox(t("plan.activity.label"), list(waiting), format_func=lambda v: waiting[v], key=_k("act-item", prompt.id))
            st.selectbox(
                t("plan.activity.outcome"),
                list(outcomes),
                format_func=lambda v: outcomes[v],
                index=None,
                key=_k("act-outcome", prompt.id),
                placeholder=t("plan.choose_outcome"),
            )
            st.button(
                t("plan.activity.go"),
                key=_k("act-go", prompt.id),
                type="primary",
                on_click=_activity_to_action,
                args=(engine, pid, prompt.id, component),
            )
            pending = st.session_state.get(PENDING_AGENCIES)
            if pending and editable:
                st.button(
                    t("plan.add_agencies", names="; ".join(pending)),
                    key=_k("add-agencies", prompt.id),
                    on_click=_add_pending_agencies,
                    args=(engine, pid),
                    icon="➕",
                )

    return render


def component_extras() -> dict[str, Callable]:
    """Beneath each core component's activities: "turn this activity into an action"."""
    return {c["activities"]: _component_extra(c["id"]) for c in content().reference("core_components").items}
