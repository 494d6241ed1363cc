"""The page script that runs in the browser on every page (strategy/ui/assets/browser.js): long answers
save while typing, a tab with unsaved text asks before it closes, text whose save never arrived is sent
again from the browser's own copy, and the sign-in cookie that keeps a person signed in across a reload
is set or cleared. Mounted once per run from app.py; a Streamlit
component (components v2: in the page itself, no iframe)."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.settings import get_settings
from strategy.people.browser_sessions import COOKIE
from strategy.ui.language import t, ui_language
from strategy.ui.state import ACCOUNT_KEY
from strategy.ui.widgets import recover_draft

#: The token of this browser's session record (strategy/people/browser_sessions.py), while signed in.
TOKEN_KEY = "workbook_browser_token"
#: Set at sign-out: the next run tells the browser to forget its cookie.
CLEAR_COOKIE_KEY = "workbook_clear_cookie"
#: Set at a sign-out by choice: the next run tells the browser to forget the drafts it keeps.
FORGET_DRAFTS_KEY = "workbook_forget_drafts"
#: What became of the drafts the browser sent again (field key -> outcome), told to it on the next run.
RECOVERED_KEY = "workbook_recovered_drafts"
_SCRIPT_KEY = "workbook_page_script"
#: At most this many drafts and characters are taken from one message (the browser sends a handful).
_MOST_DRAFTS, _MOST_CHARS = 50, 200_000

_page_script = st.components.v2.component(
    "workbook_page_script", js=(Path(__file__).parent / "assets" / "browser.js").read_text(encoding="utf-8"), isolate_styles=False
)


def _css_key(key: str) -> str:
    # As Streamlit names a keyed element's container (st-key-...), so the script can find the field.
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def unsaved_answer_keys() -> dict[str, str]:
    """Answers whose text in this browser differs from what is stored for it, each with why: "conflict"
    (both texts wait for a choice; the server keeps this person's in the history already) or "refused"
    (a save refused, the message beside the field). The tab warns before closing while there are any."""
    state = st.session_state
    keys: dict[str, str] = {}
    for key in list(state.keys()):
        if not isinstance(key, str) or not key.startswith("ans|"):
            continue
        value, base = state.get(key), state.get("base|" + key[4:])
        if ("conflict|" + key[4:]) in state:
            keys[_css_key(key)] = "conflict"
        elif isinstance(value, str) and base is not None and value != base:
            keys[_css_key(key)] = "refused"
    return keys


def _drafts_arrived(engine: Engine) -> None:
    """on_drafts_change: the browser sent again texts whose save may never have arrived. Each goes
    through the page's own version-checked save (strategy/ui/widgets.recover_draft)."""
    mounted = st.session_state.get(_SCRIPT_KEY)
    drafts = mounted.get("drafts") if mounted is not None and hasattr(mounted, "get") else None
    account = st.session_state.get(ACCOUNT_KEY)
    if not isinstance(drafts, list) or account is None:
        return
    outcomes: dict[str, str] = st.session_state.setdefault(RECOVERED_KEY, {})
    for draft in drafts[:_MOST_DRAFTS]:
        if not isinstance(draft, dict):
            continue
        key, text, base = draft.get("key"), draft.get("text"), draft.get("base")
        if not (isinstance(key, str) and isinstance(text, str) and isinstance(base, str)):
            continue
        if len(text) > _MOST_CHARS or len(base) > _MOST_CHARS:
            outcomes[key] = "refused"
            continue
        outcomes[key] = recover_draft(engine, key, text, base)


def page_script(engine: Engine) -> None:
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
    # Drafts kept in the browser belong to the account that typed them: a shared computer sends no one
    # else's. The id is not a secret (the draft is in that browser already); it only tells people apart.
    account = st.session_state.get(ACCOUNT_KEY)
    data = {
        "run": run,
        "cookie": cookie,
        "unsaved": unsaved_answer_keys(),
        "account": str(account) if account else "",
        "recovered": st.session_state.pop(RECOVERED_KEY, {}),
        "forget_drafts": st.session_state.pop(FORGET_DRAFTS_KEY, False),
        "lang": "cy" if ui_language() == "cy" else "en",
        "words": {  # beside each long answer, in the person's language
            "saving": t("browser.saving"),
            "typing": t("browser.typing"),
            "refused": t("browser.refused"),
            "conflict": t("browser.conflict"),
            "saved_at": t("browser.saved_at", time="{time}"),
        },
    }
    _page_script(key=_SCRIPT_KEY, data=data, height=0, on_drafts_change=lambda: _drafts_arrived(engine))
