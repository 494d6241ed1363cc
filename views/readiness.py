"""Readiness check (Guide §13.1): the five criteria for success, each met, partly met or not met,
with every finding linked to where to put it right."""

import pandas as pd
import streamlit as st

from strategy.core.text import md_escape
from strategy.finalise.readiness import MET, NOT_MET, readiness_report
from strategy.ui.language import t
from strategy.ui.layout import page_context
from strategy.ui.pages import CHAPTER_PAGES

engine, partnership = page_context()
LOOK = {MET: ("✅", "green"), "partly": ("🟠", "orange"), NOT_MET: ("❌", "red")}

st.title(t("nav.readiness"))
st.caption(f"{md_escape(partnership.name)} · Guide §13.1")
st.markdown(
    "Before the draft goes to the board, test it against the guide's five criteria for success. The workbook "
    "runs these checks on everything written so far; each finding links to the place to put it right."
)
report = readiness_report(engine, partnership.id)
st.dataframe(
    pd.DataFrame(
        {
            "Criterion": [c.label for c in report.criteria],
            "Result": [c.word for c in report.criteria],
            "Findings to act on": [len(c.to_fix()) for c in report.criteria],
            "Checks met": [sum(f.level == MET for f in c.findings) for c in report.criteria],
        }
    ),
    hide_index=True,
)

for criterion in report.criteria:
    icon, colour = LOOK[criterion.level]
    with st.container(border=True):
        st.header(f"{icon} {criterion.label}: :{colour}[{criterion.word}]", anchor=False)
        st.caption(md_escape(criterion.question))
        for finding in criterion.to_fix():
            mark = LOOK[finding.level][0]
            cols = st.columns([7, 3])
            cols[0].markdown(f"{mark} {md_escape(finding.message)}")
            page = CHAPTER_PAGES.get(finding.chapter_id or "")
            if page:
                cols[1].page_link(page, label="Put it right", icon="✏️")
        advice = criterion.advice()
        if advice:  # worth doing, but not counted for or against the criterion (the Welsh versions)
            with st.expander(f"Advice ({len(advice)}): does not count against this criterion"):
                for finding in advice:
                    cols = st.columns([7, 3])
                    cols[0].markdown(f"ℹ️ {md_escape(finding.message)}")
                    page = CHAPTER_PAGES.get(finding.chapter_id or "")
                    if page:
                        cols[1].page_link(page, label="Put it right", icon="✏️")
        met = [f for f in criterion.findings if f.level == MET]
        if met:
            with st.expander(f"Met ({len(met)})"):
                for finding in met:
                    st.markdown(f"✅ {md_escape(finding.message)}")
