"""What a browser session holds: the engine, who is writing, and the partnership in hand."""

from __future__ import annotations

import re

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.access import can
from strategy.core.authors import Author
from strategy.core.db import prepare_database
from strategy.core.errors import NotAllowed, NotFound, StorageError, WorkbookError
from strategy.core.interface import DEFAULT_LANGUAGE, message_in, ui_text
from strategy.core.models import Partnership
from strategy.core.settings import get_settings
from strategy.core.text import md_escape
from strategy.people.partnerships import get_partnership

AUTHOR_KEY = "workbook_author"
#: The signed-in account's id, and when it last clicked (for the idle timeout).
ACCOUNT_KEY = "workbook_account_id"
LAST_SEEN_KEY = "workbook_last_seen"
#: The account's session epoch when this browser session signed in: a password change or reset
#: raises the stored one, and a session holding an older value is signed out.
EPOCH_KEY = "workbook_session_epoch"
PARTNERSHIP_PARAM = "p"
PARTNERSHIP_KEY = "workbook_partnership"
#: The screens' language for this browser session, "en" or "cy" (strategy/ui/language.py sets it).
LANGUAGE_KEY = "workbook_language"


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    # Cached per URL, so tests with their own database files never share an engine.
    return prepare_database(url)


def engine_or_stop() -> Engine:
    """The database engine, or a clear message and a stopped page if the database cannot be used."""
    url = get_settings().database_url
    try:
        return _engine_for(url)
    except StorageError as exc:
        show_error(exc)
        st.stop()


def current_author() -> Author | None:
    """The signed-in account as the Author of changes (set on every run by the sign-in gate)."""
    return st.session_state.get(AUTHOR_KEY)


def author_or_refuse() -> Author:
    """The signed-in person, for a change about to be saved. Signed out since the page was drawn:
    NotAllowed, for the caller to show like any other refusal."""
    author = current_author()
    if author is None:
        raise NotAllowed("You are signed out, so nothing was saved. Sign in again.")
    return author


def current_partnership(engine: Engine) -> Partnership | None:
    """The partnership chosen in this browser session (kept in the address, so a refresh keeps it)."""
    # Session state survives a page switch; the address survives a refresh. Keep both in step.
    raw = st.query_params.get(PARTNERSHIP_PARAM) or st.session_state.get(PARTNERSHIP_KEY)
    if not raw:
        return None
    try:
        partnership = get_partnership(engine, int(raw))
    except (ValueError, NotFound):
        choose_partnership(None)
        return None
    if not can(engine, current_author(), partnership.id, "read"):
        # Removed from the partnership (or never in it): gone at the next click.
        choose_partnership(None)
        st.session_state["access_notice"] = ui_text("frame.not_member", st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE))
        return None
    choose_partnership(partnership.id)
    return partnership


def choose_partnership(partnership_id: int | None) -> None:
    if partnership_id is None:
        st.query_params.pop(PARTNERSHIP_PARAM, None)
        st.session_state.pop(PARTNERSHIP_KEY, None)
    else:
        # Set on every run, not only when it differs: a page switch can drop it from the address.
        st.query_params[PARTNERSHIP_PARAM] = str(partnership_id)
        st.session_state[PARTNERSHIP_KEY] = str(partnership_id)


_MARKUP = re.compile(r"[\\`*_{}\[\]<>$~|#]")


def show_error(exc: WorkbookError) -> None:
    """A refusal's message, in the person's language. Messages can quote what a person typed or a file
    held: any markdown, HTML or LaTeX in one is shown as typed (md_escape); a message with none is shown
    as written."""
    show_message(exc.message)


def message_text(message: str) -> str:
    """A package message (WorkbookError.message) ready for the screen: in the person's language (the
    Welsh catalogue, strategy.core.interface.message_in) and safe to render (what it quotes is shown as
    typed)."""
    shown = message_in(message, st.session_state.get(LANGUAGE_KEY, DEFAULT_LANGUAGE))
    return md_escape(shown) if _MARKUP.search(shown) else shown


def error_text(exc: WorkbookError) -> str:
    """``message_text`` of a refusal: for st.warning(error_text(exc)) and the like."""
    return message_text(exc.message)


def show_message(message: str) -> None:
    """An error message kept from an earlier run (a refusal's words, saved for the page to show), shown
    as ``show_error`` shows one: in the person's language, what it quotes never rendered."""
    st.error(message_text(message), icon="⚠️")


def bump(partnership_id: int, prompt_id: str) -> None:
    """A fresh table editor from what is now stored: its pending edits have all been saved or reported."""
    key = f"tablegen|{partnership_id}|{prompt_id}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def client_address() -> str | None:
    """Where this browser connects from, for sign-in throttling and a survey link's rate limits: the header
    the reverse proxy sets (WORKBOOK_CLIENT_IP_HEADER) or the connection's own address (None on this
    machine itself)."""
    header = get_settings().client_ip_header
    try:
        if header:
            value = st.context.headers.get(header)
            if value:
                return value.split(",")[-1].strip()[:100]
        address = st.context.ip_address
        return address if isinstance(address, str) and address else None  # AppTest gives a stand-in object
    except Exception:  # noqa: BLE001 - no browser connection (tests)
        return None
