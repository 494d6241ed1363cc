"""The screens' language for the person at this browser: English (the default) or Cymraeg.

The choice is stored on the person's account (strategy.people.accounts.set_interface_language) and
read back at every click by the sign-in gate (strategy/ui/signin.py), so it is the same on every page
and after a new sign-in. Before signing in, the choice on the sign-in page holds for this browser
session only. ``t`` gives a screen's words in that language (strategy/core/interface.py)."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.errors import WorkbookError
from strategy.core.interface import DEFAULT_LANGUAGE, INTERFACE_LANGUAGES, ui_text
from strategy.guide.content import Chapter, Column, Prompt, Section, content
from strategy.people.accounts import set_interface_language
from strategy.ui.state import LANGUAGE_KEY, current_author, show_error


def ui_language() -> str:
    """The language code, "en" or "cy": what the signed-in person chose (English unless they chose Cymraeg)."""
    chosen = st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE)
    return chosen if chosen in INTERFACE_LANGUAGES else DEFAULT_LANGUAGE


def use_language(language: str | None) -> None:
    st.session_state[LANGUAGE_KEY] = language if language in INTERFACE_LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **values: object) -> str:
    """The screen's words for ``key`` in this person's language."""
    return ui_text(key, ui_language(), **values)


def _chosen(engine: Engine | None, key: str) -> None:
    language = st.session_state[key]
    use_language(language)
    author = current_author()
    if engine is None or author is None or author.user_id is None:
        return  # not signed in yet: this browser session only
    try:
        set_interface_language(engine, author.user_id, language, author=author)
        st.toast(t("language.saved"))  # kept on the account: the same at the next sign-in
    except WorkbookError as exc:
        show_error(exc)


def language_picker(engine: Engine | None, *, key: str = "language_choice") -> None:
    """English or Cymraeg, labelled in both languages so anyone can find it; signed in, the choice is
    kept on the person's account."""
    st.session_state[key] = ui_language()  # the picker always shows the language in use
    st.radio(
        ui_text("language.label", ui_language()),
        list(INTERFACE_LANGUAGES),
        format_func=lambda code: INTERFACE_LANGUAGES[code],
        horizontal=True,
        key=key,
        help=t("language.help"),
        on_change=_chosen,
        args=(engine, key),
    )
    if ui_language() == "cy":
        st.caption(t("language.partial"))


def title_of(item: Chapter | Section) -> str:
    """A chapter's or section's title in this person's language (English where it has no Welsh yet)."""
    return item.title_cy if ui_language() == "cy" and item.title_cy else item.title


def label_of(prompt: Prompt, nation: str) -> str:
    """A question's label in this person's language, the nation's words filled in."""
    return content().label_in(prompt, nation, ui_language())


def column_label_of(column: Column) -> str:
    """A table column's header in this person's language (English where it has no Welsh yet)."""
    return column.label_cy if ui_language() == "cy" and column.label_cy else column.label


def column_help_of(column: Column, nation: str) -> str:
    """A table column's help in this person's language, the nation's words filled in."""
    return content().fill(column.help_cy if ui_language() == "cy" and column.help_cy else column.help, nation)


def help_of(prompt: Prompt, nation: str) -> str:
    return content().help_in(prompt, nation, ui_language())


def summary_of(chapter: Chapter, nation: str) -> str:
    """A chapter's summary in this person's language, the nation's words filled in."""
    return content().fill(chapter.summary_cy if ui_language() == "cy" and chapter.summary_cy else chapter.summary, nation)


def intro_of(section: Section, nation: str) -> str:
    return content().fill(section.intro_cy if ui_language() == "cy" and section.intro_cy else section.intro, nation)


def list_names(ref_id: str, nation: str | None = None) -> dict[str, str]:
    """A reference list's names by id in this person's language (its ``label_cy`` for Cymraeg), for a
    selectbox's ``format_func``: what is stored stays the id, whatever the language."""
    return {o.id: o.label for o in content().list_options(ref_id, nation, ui_language())}


def name_in(ref_id: str, names: dict[str, str]) -> dict[str, str]:
    """``names`` (id to English, a list's items and perhaps the partnership's own) with the list's items
    in this person's language; the partnership's own names as they were written."""
    return {**names, **{k: v for k, v in list_names(ref_id).items() if k in names}}
