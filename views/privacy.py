"""The privacy notice, and the guidance never to enter details that identify a child or family."""

import streamlit as st

from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.signin import privacy_notice

page_context(need_partnership=False)
st.title(t("nav.privacy"))
st.markdown(privacy_notice())
