"""Readiness check (Guide §13.1): the five criteria for success, each met, partly met or not met,
with every finding linked to where to put it right."""

import pandas as pd
import streamlit as st

from strategy.core.text import md_escape
from strategy.finalise.readiness import MET, NOT_MET, CriterionResult, readiness_report
from strategy.ui.language import t, ui_language
from strategy.ui.layout import page_context
from strategy.ui.pages import CHAPTER_PAGES

engine, partnership = page_context()
LOOK = {MET: ("✅", "green"), "partly": ("🟠", "orange"), NOT_MET: ("❌", "red")}
ADVICE_MARK = "ℹ️"  # an icon, not words
PUT_IT_RIGHT = t("publish.readiness.put_right")
#: The guide's five criteria (data/reference/criteria.yaml), whose names and questions have their Welsh here.
CRITERIA = ("clarity", "coverage", "deliverability", "consistency", "readiness")


def _criterion(criterion: CriterionResult, part: str = "label") -> str:
    """A criterion's name (or its question) in the person's language."""
    return t(f"publish.readiness.{criterion.id}.{part}") if criterion.id in CRITERIA else getattr(criterion, part)


def _word(level: str, english: str) -> str:
    """Met, partly met or not met in the person's language."""
    return t(f"publish.readiness.level.{level}") if level in LOOK else english


st.title(t("nav.readiness"))
st.caption(f"{md_escape(partnership.name)} · {t('chapter.guide', ref='§13.1')}")
st.markdown(t("publish.readiness.intro"))
report = readiness_report(engine, partnership.id, language=ui_language())
st.dataframe(
    pd.DataFrame(
        {
            t("publish.readiness.criterion"): [_criterion(c) for c in report.criteria],
            t("publish.readiness.result"): [_word(c.level, c.word) for c in report.criteria],
            t("publish.readiness.to_act_on"): [len(c.to_fix()) for c in report.criteria],
            t("publish.readiness.checks_met"): [sum(f.level == MET for f in c.findings) for c in report.criteria],
        }
    ),
    hide_index=True,
)

for criterion in report.criteria:
    icon, colour = LOOK[criterion.level]
    with st.container(border=True):
        st.header(f"{icon} {_criterion(criterion)}: :{colour}[{_word(criterion.level, criterion.word)}]", anchor=False)
        st.caption(md_escape(_criterion(criterion, "question")))
        for finding in criterion.to_fix():
            mark = LOOK[finding.level][0]
            cols = st.columns([7, 3])
            cols[0].markdown(f"{mark} {md_escape(finding.message)}")
            page = CHAPTER_PAGES.get(finding.chapter_id or "")
            if page:
                cols[1].page_link(page, label=PUT_IT_RIGHT, icon="✏️")
        advice = criterion.advice()
        if advice:  # worth doing, but not counted for or against the criterion (the Welsh versions)
            with st.expander(t("publish.readiness.advice", count=len(advice))):
                for finding in advice:
                    cols = st.columns([7, 3])
                    cols[0].markdown(f"{ADVICE_MARK} {md_escape(finding.message)}")
                    page = CHAPTER_PAGES.get(finding.chapter_id or "")
                    if page:
                        cols[1].page_link(page, label=PUT_IT_RIGHT, icon="✏️")
        met = [f for f in criterion.findings if f.level == MET]
        if met:
            with st.expander(t("publish.readiness.met", count=len(met))):
                for finding in met:
                    st.markdown(f"✅ {md_escape(finding.message)}")
