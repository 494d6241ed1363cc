"""The Finalise chapter's checks (Guide §1.6, §13.1): the language check beneath the list of exempt
titles, and the acronyms beneath the partnership's own glossary.

All finding is done in ``strategy.finalise.language``; this module only displays it. Text people typed reaches
the page through st.dataframe, st.text or md_escape, never as live markdown or HTML."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import add_row
from strategy.core.errors import WorkbookError
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
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
