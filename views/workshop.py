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
st.caption(t("together.workshop.page_caption", name=md_escape(partnership.name)))
st.markdown(t("together.workshop.page_intro"))
workshop_page(engine, partnership)
