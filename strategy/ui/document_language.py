"""The Word draft page's choice of language for a partnership in Wales (Welsh Language Standards):
English, Welsh or both, and the partnership's own corrections to the documents' Welsh wording. (Kept apart
from strategy.ui.welsh_views, which the chapter widgets import: this one imports the widgets.)"""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.answers.operations import list_rows
from strategy.core.models import Partnership, stored_id
from strategy.core.text import md_escape
from strategy.documents.welsh import corrections_from
from strategy.finalise.language import WELSH_WORDING_PROMPT
from strategy.guide.content import content
from strategy.ui.language import t
from strategy.ui.widgets import role_banner, table_field
from strategy.word.language import LANGUAGE_NAMES


def language_choice(partnership: Partnership, where: str = "draft", label: str | None = None) -> str:
    """ "en" for a partnership in England (no choice shown); in Wales the language the person picks for
    the documents built ``where`` (a page's own key), English by default. The corrections to the Welsh
    wording are on the Word draft page (``document_language``) and apply to every document."""
    if partnership.nation != "wales":
        return "en"
    return st.radio(
        label or t("publish.doclang.label"),
        list(LANGUAGE_NAMES),
        format_func=lambda code: t(f"publish.doclang.{code}"),
        horizontal=True,
        key=f"{where}_language|{stored_id(partnership)}",
        help=t("publish.doclang.help"),
    )


def document_language(engine: Engine, partnership: Partnership) -> str:
    """ "en" for a partnership in England (no choice shown); in Wales the language the person picks,
    English by default, with the partnership's corrections to the Welsh wording below it."""
    if partnership.nation != "wales":
        return "en"
    pid = stored_id(partnership)
    language = language_choice(partnership)
    rows = list_rows(engine, pid, WELSH_WORDING_PROMPT)
    with st.expander(t("publish.doclang.wording_one" if len(rows) == 1 else "publish.doclang.wording_many", count=len(rows))):
        st.markdown(t("publish.doclang.wording_intro"))
        table_field(engine, partnership, content().prompts[WELSH_WORDING_PROMPT], rows, role_banner(engine, partnership))
        unmatched = corrections_from(rows).unmatched
        if unmatched:
            st.warning(
                t("publish.doclang.unmatched", phrases="; ".join(f"'{md_escape(text)}'" for text in unmatched)),
                icon="⚠️",
            )
    return language
