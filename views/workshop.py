"""Workshops (issue 18): a steering group builds the strategy together, live. Everyone adds ideas from
their own laptop or phone, the facilitator groups them into themes, everyone votes, the room agrees
the wording, and one step puts the result into the strategy. The facilitator's view, the participant's
view and the shared screen for the projector each keep themselves current."""

import streamlit as st

from strategy.core.text import md_escape
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.workshop_views import workshop_page

engine, partnership = page_context()

st.title(t("nav.workshop"))
st.caption(f"{md_escape(partnership.name)} · Guide Part A: the steering group's workshops")
st.markdown(
    "Run the guide's Part A as a workshop: everyone adds notes from their own laptop or phone, the facilitator "
    "groups them into themes, everyone has a few votes to spread, and the result goes into the vision, the "
    "priorities or the action plan, noted as agreed at the workshop. Put **Shared screen** on the projector."
)
workshop_page(engine, partnership)
