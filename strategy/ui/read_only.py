"""What scrutineers and viewers see where writers see fields: the text itself, never a greyed-out field
they can click into but not save (the pattern of ``widgets._read_only_answer``, for every page)."""

from __future__ import annotations

import streamlit as st

from strategy.core.models import stored_id
from strategy.core.text import md_escape
from strategy.plan import operations as P
from strategy.ui.language import t


def read_only_text(label: str, value: object, *, empty: str | None = None) -> None:
    """A field's label in bold and what is stored, as plain text (never rendered as markup)."""
    st.markdown(f"**{md_escape(label)}**")
    text = "" if value is None else str(value)
    if text.strip():
        st.text(text)
    else:
        st.caption(t("frame2.read_only.not_written") if empty is None else empty)


def plan_aims(plan: P.Plan) -> None:
    """The Theory of Change's aims, outcomes and actions as text, for those who read the plan."""
    if not plan.aims:
        return
    for aim in plan.aims:
        code = plan.code("aim", stored_id(aim))
        with st.container(border=True):
            st.markdown(f"**{code} {md_escape(aim.title)}**")
            if aim.description:
                st.text(aim.description)
            if aim.rationale:
                read_only_text(t("frame2.read_only.aim_why"), aim.rationale)
            for outcome in plan.outcomes.get(stored_id(aim), []):
                st.markdown(f"**{plan.code('outcome', stored_id(outcome))}** {md_escape(outcome.title)}")
                if outcome.rationale:
                    st.text(t("frame2.read_only.outcome_why", why=outcome.rationale))
                for action in plan.actions.get(stored_id(outcome), []):
                    st.text(f"{plan.code('action', stored_id(action))} {action.title}")
