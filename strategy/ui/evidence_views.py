"""Charts and findings beneath the evidence prompts (Guide §5.1, §5.2, §6.1): the tip of the
iceberg, identification by year, the support matrix, training attendance and the staff survey.

All analysis is in ``strategy.evidence.analysis``; this module only displays it. Text people typed reaches
the page through st.dataframe, st.text or md_escape, never as live markdown or HTML."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import all_rows, get_answers, list_rows
from strategy.core.changes import UntilChanged
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.evidence import analysis as ev
from strategy.guide.content import Prompt
from strategy.ui.language import t, ui_language
from strategy.word.language import chart_words, figure_in_language, phrases

T = TypeVar("T")


def _same_figures() -> str:
    return t("publish.evidence.same_figures")


@functools.lru_cache(maxsize=1)
def _column_welsh() -> dict[str, str]:
    """The evidence tables' column names (as strategy.evidence.analysis writes them) and their Welsh, from
    the documents' own phrases (data/language/documents.yaml), so the screen and the document agree."""
    return {entry["en"]: entry["cy"] for key, entry in phrases().items() if key.startswith(("evidence.col.", "evidence.survey."))}


def _table(table: pd.DataFrame) -> pd.DataFrame:
    """An evidence table as the screen shows it: its column names (and index name) in the person's
    language; the figures and what people wrote as they are."""
    language = ui_language()
    if language == "en":
        return table
    welsh = _column_welsh()

    def name(column: object) -> object:
        return welsh.get(column, chart_words(column, language)) if isinstance(column, str) else column

    shown = table.rename(columns=name)
    if shown.index.name:
        shown.index = shown.index.rename(name(shown.index.name))
    return shown


#: The analyses and charts of each partnership, kept until something in it changes: the chapter pages
#: run them on every click, and a large partnership's thousand survey responses take a while.
_KEPT = UntilChanged()


def _kept(engine: Engine, partnership: Partnership, what: object, make: Callable[[], T]) -> T:
    return _KEPT.get(engine, stored_id(partnership), what, make)


def _chart(fig, key: str, alt: str) -> None:
    # theme=None keeps the workbook's colour-blind-safe colours rather than the app theme's. The words the
    # chart draws are in the person's language (the documents' chart phrases).
    st.plotly_chart(figure_in_language(fig, ui_language()), key=key, theme=None, alt=alt, config={"displaylogo": False})


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
    language = ui_language()
    st.subheader(t("publish.evidence.iceberg"), anchor=False)
    if p.complete:
        assert p.identified is not None and p.estimate is not None  # complete: both are known
        fig = _kept(
            engine, partnership, ("iceberg", partnership.areas), lambda: ev.iceberg_figure(p, partnership.areas or partnership.name)
        )
        _chart(
            fig,
            f"iceberg|{partnership.id}",
            t("publish.evidence.iceberg_alt", identified=ev.whole(p.identified), estimate=ev.about(p.estimate)),
        )
        st.markdown(f"### {md_escape(ev.prevalence_sentence(p, language, partnership.nation))}")
        st.markdown("\n".join(f"- {md_escape(line)}" for line in ev.prevalence_workings(p, language, partnership.nation)))
        st.caption(md_escape(ev.prevalence_method(p, language)))
        with st.expander(_same_figures()):
            st.dataframe(_table(ev.iceberg_table(p, language, partnership.nation)), hide_index=True)
    else:
        st.info(md_escape(ev.prevalence_sentence(p, language, partnership.nation)), icon="🧊")
    st.caption(t("publish.evidence.change_below"))

    st.subheader(t("publish.evidence.by_year"), anchor=False)
    trend, table = _kept(engine, partnership, ("trend", prompt.id, partnership.nation), lambda: _trend(engine, partnership, prompt))
    if trend is None:
        st.caption(t("publish.evidence.add_years"))
        return
    _chart(trend, f"trend|{partnership.id}", t("publish.evidence.trend_alt"))
    st.caption(t("publish.evidence.codes"))
    with st.expander(_same_figures()):
        st.dataframe(_table(table), hide_index=True)
    population = ev.child_population(list_rows(engine, stored_id(partnership), "context.figures"))
    rates = ev.rates_table(list_rows(engine, stored_id(partnership), prompt.id), population, partnership.nation)
    if not rates.empty:
        with st.expander(t("publish.evidence.rates")):
            st.dataframe(_table(rates), hide_index=True)
            st.caption(t("publish.evidence.rates_caption", how=md_escape(population.how) if population else ""))


def _trend(engine: Engine, partnership: Partnership, prompt: Prompt):
    figures = list_rows(engine, stored_id(partnership), prompt.id)
    return ev.trend_figure(figures, partnership.nation), ev.trend_table(figures, partnership.nation)


def prevalence_in_use(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """Beside the inputs: what the estimate uses now (the chart itself is shown above)."""
    p = _prevalence(engine, partnership)
    rate = t("publish.evidence.rate_default" if p.rate_is_default else "publish.evidence.rate", rate=ev.whole(p.rate))
    if p.population is not None:
        population = t("publish.evidence.population", population=ev.whole(p.population), how=ev.population_how_words(p, ui_language()))
    else:
        population = t("publish.evidence.no_population")
    st.caption(md_escape(t("publish.evidence.uses", rate=rate, population=population)))


def support_matrix_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    rows = list_rows(engine, stored_id(partnership), prompt.id)
    st.subheader(t("publish.evidence.support"), anchor=False)
    if not any(r.values for r in rows):
        st.caption(t("publish.evidence.support_empty"))
        return
    _chart(
        _kept(engine, partnership, ("support", prompt.id, partnership.nation), lambda: ev.support_heatmap(rows, partnership.nation)),
        f"support|{partnership.id}",
        t("publish.evidence.support_alt"),
    )
    gaps = ev.support_gaps(rows, partnership.nation, ui_language())
    if gaps.none:
        st.markdown(f"**{t('publish.evidence.no_support')}**")
        st.markdown("\n".join(f"- {md_escape(g)}" for g in gaps.none))
    if gaps.long_waits:
        st.markdown(f"**{t('publish.evidence.long_waits', weeks=ev.LONG_WAIT_WEEKS)}**")
        st.markdown("\n".join(f"- {md_escape(w)}" for w in gaps.long_waits))
    if gaps.not_recorded:
        st.caption(t("publish.evidence.not_recorded", count=gaps.not_recorded, cells=gaps.cells))
    with st.expander(_same_figures()):
        language = ui_language()
        table = ev.support_matrix_table(rows, partnership.nation, language)
        if language != "en":  # the cells the lists do not word
            table = table.replace("Not recorded", phrases()["evidence.not_recorded"]["cy"])
        st.dataframe(_table(table))


def attendance_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    att = _kept(
        engine, partnership, ("attendance", prompt.id), lambda: ev.attendance_gaps(list_rows(engine, stored_id(partnership), prompt.id))
    )
    if att.empty:
        st.caption(t("publish.evidence.attendance_empty"))
        return
    st.subheader(t("publish.evidence.attendance"), anchor=False)
    fig = _kept(engine, partnership, ("attendance-figure", prompt.id), lambda: ev.attendance_figure(att))
    if fig is not None:
        _chart(fig, f"attendance|{partnership.id}", t("publish.evidence.attendance_alt"))
    if att.flagged:
        st.warning(
            md_escape(t("publish.evidence.flagged", percent=ev.ATTENDANCE_FLAG_PERCENT, agencies="; ".join(att.flagged))),
            icon="📉",
        )
    if att.incomplete:
        st.caption(t("publish.evidence.incomplete", count=att.incomplete))
    with st.expander(_same_figures()):
        st.dataframe(_table(att.by_course), hide_index=True)
        st.caption(t("publish.evidence.each_agency"))
        st.dataframe(_table(att.by_agency), hide_index=True)


def survey_view(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    survey = _kept(
        engine, partnership, ("survey", prompt.id), lambda: ev.survey_summary(list_rows(engine, stored_id(partnership), prompt.id))
    )
    if survey.responses == 0:
        st.caption(t("publish.evidence.survey_empty"))
        return
    st.subheader(t("publish.evidence.survey"), anchor=False)
    welsh = _column_welsh() if ui_language() == "cy" else {}
    overall = [
        f"{welsh.get(label, label)}: {survey.means[key]:.1f}"
        for key, label in ev.SURVEY_MEASURES.items()
        if survey.means.get(key) is not None
    ]
    st.markdown(md_escape(t("publish.evidence.survey_means", count=survey.responses, means="; ".join(overall))))
    tabs = st.tabs([t("publish.evidence.by_agency"), t("publish.evidence.by_role")], key=f"survey-by|{partnership.id}", on_change="rerun")
    for tab, table, by in zip(tabs, (survey.by_agency, survey.by_role), ("Agency", "Role"), strict=True):
        if not tab.open:
            continue  # only the tab on screen is drawn
        with tab:
            fig = _kept(engine, partnership, ("survey-figure", prompt.id, by), partial(ev.survey_figure, table, by))
            if fig is not None:
                _chart(fig, f"survey|{by}|{partnership.id}", t(f"publish.evidence.survey_alt_{by.lower()}"))
            with st.expander(_same_figures()):
                st.dataframe(_table(table), hide_index=True)
    reflection = ev.reflection_text(_prevalence(engine, partnership), survey, ui_language())
    if reflection:
        st.info(md_escape(reflection), icon="🪞")
