"""The strategy period (Guide §15.4) on the pages: the link to the period this one continues and to the
one that continues it, and the guided step that starts the next period (owners only)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.chain.next_period import Carry, carry_forward, preview
from strategy.core.access import can
from strategy.core.authors import Author
from strategy.core.errors import WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.people.partnerships import get_partnership, period_label
from strategy.people.periods import period_link
from strategy.ui.language import t
from strategy.ui.state import choose_partnership, show_error


def _named(p: Partnership) -> str:
    label = period_label(p)
    return md_escape(p.name) + (f" ({md_escape(label)})" if label and label not in p.name else "")


def period_links(engine: Engine, partnership: Partnership) -> None:
    """'Continues ...' with what was carried, and 'Continued by ...', where the periods are linked."""
    before, after = period_link(engine, stored_id(partnership))
    if before is not None:
        previous = get_partnership(engine, before.previous_id)
        st.info(t("plan.period.continues", name=_named(previous)), icon="↩️")
        if before.carried:
            with st.expander(t("plan.period.carried_from_last")):
                st.markdown("\n".join(f"- {md_escape(line)}" for line in before.carried.splitlines()))
    if after is not None:
        following = get_partnership(engine, after.next_id)
        st.info(t("plan.period.continued_by", name=_named(following)), icon="↪️")


def next_period_step(engine: Engine, current: Partnership, author: Author | None) -> None:
    """The guided step: the new period's years, what to carry, a preview, then 'Start the next period'.
    Owners only: nobody else sees it."""
    pid = stored_id(current)
    if not can(engine, author, pid, "manage"):
        return
    _, after = period_link(engine, pid)
    if after is not None:
        st.header(t("plan.period.start_header"))
        st.caption(t("plan.period.already_continued", name=_named(get_partnership(engine, after.next_id))))
        return
    if current.archived or author is None:
        return  # an archived period is brought back (above) before it is carried forward
    st.header(t("plan.period.start_header"))
    st.caption(t("plan.period.start_intro"))
    c1, c2 = st.columns(2)
    next_start = c1.text_input(t("plan.period.first_year"), value=str(current.period_end or ""), key="np_start")
    next_end = c2.text_input(t("plan.period.last_year"), value=str(current.period_end + 3) if current.period_end else "", key="np_end")
    st.markdown(f"**{t('plan.period.what_to_carry')}**")
    carry = Carry(
        actions=st.checkbox(t("plan.period.carry.actions"), value=True, key="np_actions"),
        measures=st.checkbox(t("plan.period.carry.measures"), value=True, key="np_measures"),
        steering_group=st.checkbox(t("plan.period.carry.steering"), value=True, key="np_steering"),
        vision=st.checkbox(t("plan.period.carry.vision"), value=True, key="np_vision"),
    )
    shown = preview(engine, pid, carry=carry)
    left, right = st.columns(2)
    with left.expander(t("plan.period.carried", count=len(shown.carried)), expanded=True):
        st.markdown("\n".join(f"- {md_escape(line)}" for line in shown.carried) or t("plan.period.nothing"))
    with right.expander(t("plan.period.not_carried", count=len(shown.not_carried)), expanded=True):
        st.markdown("\n".join(f"- {md_escape(line)}" for line in shown.not_carried) or t("plan.period.nothing"))
    if st.button(t("plan.period.start_button"), type="primary", key="np_go"):
        try:
            result = carry_forward(engine, pid, start=next_start, end=next_end, author=author, carry=carry)
        except WorkbookError as exc:
            show_error(exc)
            return
        choose_partnership(result.partnership_id)
        st.session_state["np_done"] = result.summary()
        st.rerun()


def next_period_started() -> None:
    """The confirmation after the rerun that opens the new period."""
    done = st.session_state.pop("np_done", None)
    if done:
        st.success(t("plan.period.ready", summary=md_escape(done)))
