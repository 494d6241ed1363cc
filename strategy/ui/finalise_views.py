"""The Finalise chapter's checks (Guide §1.6, §13.1): the language check beneath the list of exempt
titles, and the acronyms beneath the partnership's own glossary.

All finding is done in ``strategy.finalise.language``; this module only displays it. Text people typed reaches
the page through st.dataframe, st.text or md_escape, never as live markdown or HTML."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import add_row
from strategy.core.errors import WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.core.values import uk_day
from strategy.finalise.language import EXEMPT_PROMPT, LanguageReport, language_report
from strategy.guide.content import Prompt
from strategy.ui.language import t, ui_language
from strategy.ui.pages import CHAPTER_PAGES
from strategy.ui.state import author_or_refuse, bump, show_message


def _report(engine: Engine, partnership: Partnership) -> LanguageReport:
    return language_report(engine, stored_id(partnership), nation=partnership.nation, language=ui_language())


def _exempt(engine: Engine, partnership: Partnership, key: str) -> None:

    phrase = st.session_state.get(key, "")
    try:
        add_row(engine, stored_id(partnership), EXEMPT_PROMPT, {"phrase": phrase, "why": "A quoted title"}, author=author_or_refuse())
    except WorkbookError as exc:
        st.session_state["language_msg"] = exc.message
        return
    st.session_state["language_msg"] = None
    bump(stored_id(partnership), EXEMPT_PROMPT)


def _link(chapter_id: str, label: str) -> None:
    page = CHAPTER_PAGES.get(chapter_id)
    if page:
        st.page_link(page, label=label, icon="✏️")


def language_check(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    report = _report(engine, partnership)
    st.subheader(t("publish.finalise.language_check"), anchor=False)
    if st.session_state.get("language_msg"):
        show_message(st.session_state["language_msg"])
    if not report.terms:
        st.success(t("publish.finalise.no_terms", read=report.texts_read), icon="✅")
    else:
        st.warning(
            t(
                "publish.finalise.terms_one" if len(report.terms) == 1 else "publish.finalise.terms_many",
                count=len(report.terms),
                read=report.texts_read,
            ),
            icon="💡",
        )
        st.dataframe(
            pd.DataFrame(
                {
                    t("publish.finalise.col.chapter"): [f.text.chapter_title for f in report.terms],
                    t("publish.finalise.col.where"): [f.text.where for f in report.terms],
                    t("publish.finalise.col.written"): [f.found for f in report.terms],
                    t("publish.finalise.col.use_instead"): [f.prefer for f in report.terms],
                    t("publish.finalise.col.in_context"): [f.snippet for f in report.terms],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        for n, finding in enumerate(report.terms[:40]):
            with st.container(border=True):
                st.markdown(
                    f"**{md_escape(finding.found)}** → *{md_escape(finding.prefer)}* · "
                    f"{md_escape(finding.text.chapter_title)}, {md_escape(finding.text.where)}"
                )
                st.caption(md_escape(finding.why) + t("publish.finalise.guide", guide=md_escape(finding.guide)))
                st.text(finding.snippet)
                cols = st.columns([3, 3])
                with cols[0]:
                    _link(finding.text.chapter_id, t("publish.finalise.change_in", chapter=finding.text.chapter_title))
                if editable:
                    with cols[1].popover(t("publish.finalise.quoted_title")):
                        key = f"exempt|{partnership.id}|{n}"
                        st.text_input(
                            t("publish.finalise.title_as_written"),
                            value=finding.snippet.strip("…").strip(),
                            key=key,
                            help=t("publish.finalise.title_help"),
                        )
                        st.button(t("publish.finalise.leave_alone"), key=key + "|go", on_click=_exempt, args=(engine, partnership, key))
        if len(report.terms) > 40:
            st.caption(t("publish.finalise.first_40", count=len(report.terms)))
    if report.sentences:
        with st.expander(t("publish.finalise.long_sentences", count=len(report.sentences))):
            st.dataframe(
                pd.DataFrame(
                    {
                        t("publish.finalise.col.chapter"): [f.text.chapter_title for f in report.sentences],
                        t("publish.finalise.col.where"): [f.text.where for f in report.sentences],
                        t("publish.finalise.col.words"): [f.words for f in report.sentences],
                        t("publish.finalise.col.begins"): [f.snippet for f in report.sentences],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def acronym_check(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    acronyms = _report(engine, partnership).acronyms
    st.subheader(t("publish.finalise.acronyms"), anchor=False)
    if acronyms.unexplained:
        st.warning(
            t("publish.finalise.unexplained", acronyms=", ".join(md_escape(a) for a in sorted(acronyms.unexplained))),
            icon="💡",
        )
        st.dataframe(
            pd.DataFrame(
                {
                    t("publish.finalise.col.acronym"): list(acronyms.unexplained),
                    t("publish.finalise.col.used_in"): [
                        "; ".join(sorted({f"{t.chapter_title}, {t.where}" for t in where}))[:300] for where in acronyms.unexplained.values()
                    ],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    if acronyms.meanings:
        st.dataframe(
            pd.DataFrame(
                {
                    t("publish.finalise.col.acronym"): [a for a, _ in acronyms.glossary()],
                    t("publish.finalise.col.meaning"): [m for _, m in acronyms.glossary()],
                    t("publish.finalise.col.meaning_from"): [acronyms.source[a] for a, _ in acronyms.glossary()],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(t("publish.finalise.glossary"))
    if not acronyms.meanings and not acronyms.unexplained:
        st.info(t("publish.finalise.no_acronyms"))


# --- Endorsement by each partner (Guide §13.2) ------------------------------------------------------

ENDORSE_MSG = "endorse_msg"


def _endorse(engine: Engine, partnership: Partnership, key: str, version: int) -> None:
    from strategy.finalise.endorsement import record_endorsement

    state = st.session_state
    day = state.get(key + "|date")
    try:
        record_endorsement(
            engine,
            stored_id(partnership),
            agency=state.get(key + "|agency") or "",
            decision=state.get(key + "|decision") or "not_yet",
            name=state.get(key + "|name") or "",
            role=state.get(key + "|role") or "",
            endorsed_on=day.isoformat() if day else None,
            comments=state.get(key + "|comments") or "",
            expected_version=version,
            author=author_or_refuse(),
        )
    except WorkbookError as exc:
        state[ENDORSE_MSG] = exc.message
        return
    state[ENDORSE_MSG] = None


def _decision_words() -> dict[str, str]:
    """The endorsement decisions (strategy.finalise.endorsement.DECISIONS) in the person's language."""
    from strategy.finalise.endorsement import DECISIONS

    return {d: t(f"publish.endorse.decision.{d}") for d in DECISIONS} if ui_language() == "cy" else dict(DECISIONS)


def endorsements_panel(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """Each partner's endorsement: who, their role, the date and the decision; statutory partners first."""
    from strategy.finalise.endorsement import DECISIONS, list_endorsements

    found = list_endorsements(engine, stored_id(partnership))
    st.subheader(t("publish.endorse.header"), anchor=False)
    st.caption(t("publish.endorse.caption"))
    if st.session_state.get(ENDORSE_MSG):
        show_message(st.session_state[ENDORSE_MSG])
    awaited = found.statutory_awaited()
    if awaited:
        st.warning(t("publish.endorse.awaited", agencies="; ".join(md_escape(a) for a in awaited)), icon="💡")
    else:
        st.success(t("publish.endorse.all"), icon="✅")
    decisions = _decision_words()
    st.dataframe(
        pd.DataFrame(
            {
                t("publish.endorse.agency"): [x.agency for x in found.lines],
                t("publish.endorse.statutory"): [t("publish.endorse.yes") if x.statutory else "" for x in found.lines],
                t("publish.endorse.decision"): [decisions.get(x.decision, x.decision_words) for x in found.lines],
                t("publish.endorse.by"): [x.name for x in found.lines],
                t("publish.endorse.role"): [x.role for x in found.lines],
                t("publish.endorse.date"): [uk_day(x.endorsed_on) for x in found.lines],
                t("publish.endorse.comments"): [x.comments for x in found.lines],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if not editable or not found.lines:
        return
    key = f"endorse|{partnership.id}"
    names = [x.agency for x in found.lines]
    chosen = st.selectbox(t("publish.endorse.agency"), names, key=key + "|agency", help=t("publish.endorse.agency_help"))
    line = next(x for x in found.lines if x.agency == chosen)
    with st.form(key + "|form"):
        st.radio(
            t("publish.endorse.decision"),
            list(DECISIONS),
            format_func=lambda d: decisions.get(d, DECISIONS.get(d, d)),
            index=list(DECISIONS).index(line.decision),
            key=key + "|decision",
            horizontal=True,
        )
        st.text_input(t("publish.endorse.by"), value=line.name, key=key + "|name", max_chars=120)
        st.text_input(t("publish.endorse.their_role"), value=line.role, key=key + "|role", max_chars=200)
        st.date_input(
            t("publish.endorse.date"),
            value=date.fromisoformat(line.endorsed_on) if line.endorsed_on else None,
            key=key + "|date",
            format="DD/MM/YYYY",
        )
        st.text_area(t("publish.endorse.comments"), value=line.comments, key=key + "|comments")
        st.form_submit_button(t("publish.endorse.save"), on_click=_endorse, args=(engine, partnership, key, line.version))
