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
from strategy.ui.pages import CHAPTER_PAGES
from strategy.ui.state import author_or_refuse, bump, show_message


def _report(engine: Engine, partnership: Partnership) -> LanguageReport:
    return language_report(engine, stored_id(partnership), nation=partnership.nation)


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
    st.subheader("Language check", anchor=False)
    if st.session_state.get("language_msg"):
        show_message(st.session_state["language_msg"])
    if not report.terms:
        st.success(f"Read {report.texts_read} answers and table cells: none uses a term the guide steers away from.", icon="✅")
    else:
        st.warning(
            f"{len(report.terms)} place{'s' if len(report.terms) != 1 else ''} in {report.texts_read} answers "
            "and table cells use a term the guide steers away from.",
            icon="💡",
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Chapter": [f.text.chapter_title for f in report.terms],
                    "Where": [f.text.where for f in report.terms],
                    "Written": [f.found for f in report.terms],
                    "Use instead": [f.prefer for f in report.terms],
                    "In context": [f.snippet for f in report.terms],
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
                st.caption(md_escape(finding.why) + f" (Guide {md_escape(finding.guide)})")
                st.text(finding.snippet)
                cols = st.columns([3, 3])
                with cols[0]:
                    _link(finding.text.chapter_id, f"Change it in {finding.text.chapter_title}")
                if editable:
                    with cols[1].popover("It is part of a quoted title"):
                        key = f"exempt|{partnership.id}|{n}"
                        st.text_input(
                            "The title exactly as written",
                            value=finding.snippet.strip("…").strip(),
                            key=key,
                            help="The check leaves this exact phrase alone wherever it appears.",
                        )
                        st.button("Leave this phrase alone", key=key + "|go", on_click=_exempt, args=(engine, partnership, key))
        if len(report.terms) > 40:
            st.caption(f"Showing the first 40 of {len(report.terms)}; the table above lists them all.")
    if report.sentences:
        with st.expander(f"Long sentences ({len(report.sentences)}): over 40 words are hard to take in"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "Chapter": [f.text.chapter_title for f in report.sentences],
                        "Where": [f.text.where for f in report.sentences],
                        "Words": [f.words for f in report.sentences],
                        "Begins": [f.snippet for f in report.sentences],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def acronym_check(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    acronyms = _report(engine, partnership).acronyms
    st.subheader("Acronyms in your text", anchor=False)
    if acronyms.unexplained:
        st.warning(
            "The workbook cannot explain these; add each to your own acronyms above, or spell it out "
            "where it is first used: " + ", ".join(md_escape(a) for a in sorted(acronyms.unexplained)),
            icon="💡",
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Acronym": list(acronyms.unexplained),
                    "Used in": [
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
                    "Acronym": [a for a, _ in acronyms.glossary()],
                    "Meaning": [m for _, m in acronyms.glossary()],
                    "Meaning from": [acronyms.source[a] for a, _ in acronyms.glossary()],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption("The Word draft's glossary lists these, with any the draft's own headings and tables add.")
    if not acronyms.meanings and not acronyms.unexplained:
        st.info("Your text uses no acronyms yet.")


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


def endorsements_panel(engine: Engine, partnership: Partnership, prompt: Prompt, editable: bool) -> None:
    """Each partner's endorsement: who, their role, the date and the decision; statutory partners first."""
    from strategy.finalise.endorsement import DECISIONS, list_endorsements

    found = list_endorsements(engine, stored_id(partnership))
    st.subheader("Endorsement by each partner", anchor=False)
    st.caption(
        "The guide expects every statutory partner to endorse the strategy before it is approved (Guide §13.2). "
        "The readiness check treats an approved strategy without them as not ready, and the Word draft's "
        "document-control table lists every endorsement."
    )
    if st.session_state.get(ENDORSE_MSG):
        show_message(st.session_state[ENDORSE_MSG])
    awaited = found.statutory_awaited()
    if awaited:
        st.warning("Still to endorse: " + "; ".join(md_escape(a) for a in awaited), icon="💡")
    else:
        st.success("Every statutory partner has endorsed the strategy.", icon="✅")
    st.dataframe(
        pd.DataFrame(
            {
                "Agency": [x.agency for x in found.lines],
                "Statutory partner": ["Yes" if x.statutory else "" for x in found.lines],
                "Decision": [x.decision_words for x in found.lines],
                "Endorsed by": [x.name for x in found.lines],
                "Role": [x.role for x in found.lines],
                "Date": [uk_day(x.endorsed_on) for x in found.lines],
                "Comments": [x.comments for x in found.lines],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if not editable or not found.lines:
        return
    key = f"endorse|{partnership.id}"
    names = [x.agency for x in found.lines]
    chosen = st.selectbox("Agency", names, key=key + "|agency", help="One of the partnership's agencies (Shared vision chapter).")
    line = next(x for x in found.lines if x.agency == chosen)
    with st.form(key + "|form"):
        st.radio(
            "Decision",
            list(DECISIONS),
            format_func=DECISIONS.get,
            index=list(DECISIONS).index(line.decision),
            key=key + "|decision",
            horizontal=True,
        )
        st.text_input("Endorsed by", value=line.name, key=key + "|name", max_chars=120)
        st.text_input("Their role", value=line.role, key=key + "|role", max_chars=200)
        st.date_input(
            "Date", value=date.fromisoformat(line.endorsed_on) if line.endorsed_on else None, key=key + "|date", format="DD/MM/YYYY"
        )
        st.text_area("Comments", value=line.comments, key=key + "|comments")
        st.form_submit_button("Save this endorsement", on_click=_endorse, args=(engine, partnership, key, line.version))
