"""The page script that runs in the browser on every page (strategy/ui/assets/browser.js): long answers
save while typing, a tab with unsaved text asks before it closes, and the sign-in cookie that keeps a
person signed in across a reload is set or cleared. Mounted once per run from app.py; a Streamlit
component (components v2: in the page itself, no iframe)."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from strategy.core.settings import get_settings
from strategy.people.browser_sessions import COOKIE
from strategy.ui.state import ACCOUNT_KEY

#: The token of this browser's session record (strategy/people/browser_sessions.py), while signed in.
TOKEN_KEY = "workbook_browser_token"
#: Set at sign-out: the next run tells the browser to forget its cookie.
CLEAR_COOKIE_KEY = "workbook_clear_cookie"

_page_script = st.components.v2.component(
    "workbook_page_script", js=(Path(__file__).parent / "assets" / "browser.js").read_text(encoding="utf-8"), isolate_styles=False
)


def _css_key(key: str) -> str:
    # As Streamlit names a keyed element's container (st-key-...), so the script can find the field.
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def unsaved_answer_keys() -> list[str]:
    """Answers whose text in this browser differs from what is stored for it (a refused save, or a
    conflict waiting for a choice): the tab warns before closing while there are any."""
    state = st.session_state
    keys = []
    for key in list(state.keys()):
        if not isinstance(key, str) or not key.startswith("ans|"):
            continue
        value, base = state.get(key), state.get("base|" + key[4:])
        if (isinstance(value, str) and base is not None and value != base) or ("conflict|" + key[4:]) in state:
            keys.append(_css_key(key))
    return keys


def page_script() -> None:
    """Mount the page script for this run, with what it needs to know now."""
    cookie: dict[str, object] | None = None
    token = st.session_state.get(TOKEN_KEY)
    if token:
        # Renewed on every run, so the cookie lasts as long as the server's idle timeout from the last click.
        minutes = get_settings().idle_timeout_minutes or 12 * 60
        cookie = {"name": COOKIE, "token": token, "max_age": minutes * 60}
    elif st.session_state.pop(CLEAR_COOKIE_KEY, False):
        cookie = {"name": COOKIE, "token": ""}
    run = st.session_state.get("workbook_run", 0) + 1
    st.session_state["workbook_run"] = run
    # Drafts kept in the browser belong to the account that typed them: a shared computer shows no one
    # else's. The id is not a secret (the draft is in that browser already); it only tells people apart.
    account = st.session_state.get(ACCOUNT_KEY)
    data = {"run": run, "cookie": cookie, "unsaved": unsaved_answer_keys(), "account": str(account) if account else ""}
    _page_script(key="workbook_page_script", data=data, height=0)
