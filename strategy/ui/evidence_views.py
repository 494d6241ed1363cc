"""Charts and findings beneath the evidence prompts (Guide §5.1, §5.2, §6.1): the tip of the
iceberg, identification by year, the support matrix, training attendance and the staff survey.

All analysis is in ``strategy.evidence.analysis``; this module only displays it. Text people typed reaches
the page through st.dataframe, st.text or md_escape, never as live markdown or HTML."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers, list_rows
from strategy.core.changes import UntilChanged
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.evidence import analysis as ev
from strategy.guide.content import Prompt

T = TypeVar("T")

SAME_FIGURES = "The same figures as a table"

#: The analyses and charts of each partnership, kept until something in it changes: the chapter pages
#: run them on every click, and a large partnership's thousand survey responses take a while.
_KEPT = UntilChanged()


def _kept(engine: Engine, partnership: Partnership, what: object, make: Callable[[], T]) -> T:
    return _KEPT.get(engine, stored_id(partnership), what, make)


def _chart(fig, key: str, alt: str) -> None:
    # theme=None keeps the workbook's colour-blind-safe colours rather than the app theme's.
    st.plotly_chart(fig, key=key, theme=None, alt=alt, config={"displaylogo": False})


def _prevalence(engine: Engine, partnership: Partnership) -> ev.Prevalence:
    return _kept(
        engine,
        partnership,
        ("prevalence", partnership.nation),
        lambda: ev.prevalence_from(
            get_answers(engine, stored_id(partnership)), all_rows(engine, stored_id(partnership)), partnership.nation
        ),
    )


def identification_charts(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    p = _prevalence(engine, partnership)
    st.subheader("The tip of the iceberg", anchor=False)
    if p.complete:
        assert p.identified is not None and p.estimate is not None  # complete: both are known
        fig = _kept(
            engine, partnership, ("iceberg", partnership.areas), lambda: ev.iceberg_figure(p, partnership.areas or partnership.name)
        )
        _chart(
            fig,
            f"iceberg|{partnership.id}",
            f"{ev.whole(p.identified)} children identified against an estimated {ev.about(p.estimate)} sexually abused in a year.",
        )
        st.markdown(f"### {md_escape(p.sentence)}")
        st.markdown("\n".join(f"- {md_escape(line)}" for line in p.workings))
        st.caption(md_escape(p.method))
        with st.expander(SAME_FIGURES):
            st.dataframe(ev.iceberg_table(p), hide_index=True)
    else:
        st.info(md_escape(p.sentence), icon="🧊")
    st.caption("The rate and the child population the estimate uses can be changed below.")

    st.subheader("Identification by year", anchor=False)
    trend, table = _kept(engine, partnership, ("trend", prompt.id, partnership.nation), lambda: _trend(engine, partnership, prompt))
    if trend is None:
        st.caption("Add figures with a year to see how identification has changed over time.")
        return
    _chart(trend, f"trend|{partnership.id}", "Lines showing each identification measure by year.")
    st.caption(ev.CODES_FOOTNOTE)
    with st.expander(SAME_FIGURES):
        st.dataframe(table, hide_index=True)
    population = ev.child_population(list_rows(engine, stored_id(partnership), "context.figures"))
    rates = ev.rates_table(list_rows(engine, stored_id(partnership), prompt.id), population, partnership.nation)
    if not rates.empty:
        with st.expander("Per 10,000 children, beside England, Wales or the region where recorded"):
            st.dataframe(rates, hide_index=True)
            st.caption(
                f"Worked out from the child population ({md_escape(population.how) if population else ''}). "
                "A comparator is a row of the same measure and year whose detail names England, Wales or the region."
            )


def _trend(engine: Engine, partnership: Partnership, prompt: Prompt):
    figures = list_rows(engine, stored_id(partnership), prompt.id)
    return ev.trend_figure(figures, partnership.nation), ev.trend_table(figures, partnership.nation)


def prevalence_in_use(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """Beside the inputs: what the estimate uses now (the chart itself is shown above)."""
    p = _prevalence(engine, partnership)
    used = [f"a rate of {ev.whole(p.rate)}% a year" + (" (the workbook's default)" if p.rate_is_default else "")]
    if p.population is not None:
        used.append(f"a child population of {ev.whole(p.population)} ({p.population_how})")
    else:
        used.append("no child population yet")
    st.caption(md_escape("The estimate uses " + " and ".join(used) + "."))


def support_matrix_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    rows = list_rows(engine, stored_id(partnership), prompt.id)
    st.subheader("The support matrix at a glance", anchor=False)
    if not any(r.values for r in rows):
        st.caption("Record what exists for each group above to see the whole matrix and its gaps here.")
        return
    _chart(
        _kept(engine, partnership, ("support", prompt.id, partnership.nation), lambda: ev.support_heatmap(rows, partnership.nation)),
        f"support|{partnership.id}",
        "A grid of groups affected against kinds of support, each cell saying what exists.",
    )
    gaps = ev.support_gaps(rows, partnership.nation)
    if gaps.none:
        st.markdown("**Groups with no support of these kinds**")
        st.markdown("\n".join(f"- {md_escape(g)}" for g in gaps.none))
    if gaps.long_waits:
        st.markdown(f"**Waits longer than {ev.LONG_WAIT_WEEKS} weeks**")
        st.markdown("\n".join(f"- {md_escape(w)}" for w in gaps.long_waits))
    if gaps.not_recorded:
        st.caption(f"{gaps.not_recorded} of the {gaps.cells} combinations are not recorded yet.")
    with st.expander(SAME_FIGURES):
        st.dataframe(ev.support_matrix_table(rows, partnership.nation))


def attendance_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    att = _kept(
        engine, partnership, ("attendance", prompt.id), lambda: ev.attendance_gaps(list_rows(engine, stored_id(partnership), prompt.id))
    )
    if att.empty:
        st.caption("Add the staff who should attend and who attended, by agency, to see the attendance gaps.")
        return
    st.subheader("Attendance gaps by agency", anchor=False)
    fig = _kept(engine, partnership, ("attendance-figure", prompt.id), lambda: ev.attendance_figure(att))
    if fig is not None:
        _chart(fig, f"attendance|{partnership.id}", "Bars showing the share of staff trained, by agency and course.")
    if att.flagged:
        st.warning(
            md_escape(f"Fewer than {ev.ATTENDANCE_FLAG_PERCENT}% of the staff who should attend were trained: {'; '.join(att.flagged)}."),
            icon="📉",
        )
    if att.incomplete:
        st.caption(f"{att.incomplete} row(s) without an agency or without both numbers are left out.")
    with st.expander(SAME_FIGURES):
        st.dataframe(att.by_course, hide_index=True)
        st.caption("Each agency, every course added together:")
        st.dataframe(att.by_agency, hide_index=True)


def survey_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    survey = _kept(
        engine, partnership, ("survey", prompt.id), lambda: ev.survey_summary(list_rows(engine, stored_id(partnership), prompt.id))
    )
    if survey.responses == 0:
        st.caption("Import the staff survey to see average ratings by agency and by role.")
        return
    st.subheader("What the staff survey says", anchor=False)
    overall = [f"{label}: {survey.means[key]:.1f}" for key, label in ev.SURVEY_MEASURES.items() if survey.means.get(key) is not None]
    st.markdown(md_escape(f"{survey.responses} responses. Average ratings out of 5: {'; '.join(overall)}."))
    tabs = st.tabs(["By agency", "By role"], key=f"survey-by|{partnership.id}", on_change="rerun")
    for tab, table, by in zip(tabs, (survey.by_agency, survey.by_role), ("Agency", "Role"), strict=True):
        if not tab.open:
            continue  # only the tab on screen is drawn
        with tab:
            fig = _kept(engine, partnership, ("survey-figure", prompt.id, by), partial(ev.survey_figure, table, by))
            if fig is not None:
                _chart(fig, f"survey|{by}|{partnership.id}", f"Grouped bars of average ratings by {by.lower()}.")
            with st.expander(SAME_FIGURES):
                st.dataframe(table, hide_index=True)
    reflection = ev.reflection_text(_prevalence(engine, partnership), survey)
    if reflection:
        st.info(md_escape(reflection), icon="🪞")
