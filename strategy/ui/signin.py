"""Signing in, before any page runs: the first-run administrator, the sign-in form (and single
sign-on through st.login where it is configured), the idle timeout, and signing out."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.engine import Engine

from strategy.core.audit_log import record_now
from strategy.core.dates import uk_time
from strategy.core.errors import WorkbookError
from strategy.core.models import utcnow
from strategy.core.settings import DATA_DIR, get_settings
from strategy.people.accounts import (
    MIN_PASSWORD,
    author_for,
    count_accounts,
    create_first_admin,
    ensure_setup_code,
    get_account,
    session_expired,
    sign_in,
    sign_in_with_email,
)
from strategy.people.browser_sessions import (
    COOKIE,
    open_browser_session,
    resume_browser_session,
    revoke_browser_session,
    touch_browser_session,
)
from strategy.ui.browser import CLEAR_COOKIE_KEY, FORGET_DRAFTS_KEY, TOKEN_KEY
from strategy.ui.language import language_picker, t, ui_language, use_language
from strategy.ui.state import ACCOUNT_KEY, AUTHOR_KEY, EPOCH_KEY, LAST_SEEN_KEY, client_address, message_text, show_error

NOTICE_KEY = "workbook_signin_notice"
#: This browser session already tried its cookie (a dead token is not looked up on every run).
RESUME_TRIED_KEY = "workbook_resume_tried"
#: When this session last renewed its record's idle clock (written at most once a minute).
TOUCHED_KEY = "workbook_session_touched"
#: What a setup code looks like (the first-run form's placeholder: a shape, not words).
SETUP_CODE_SHAPE = "XXXXX-XXXXX-XXXXX-XXXXX"


def privacy_notice() -> str:
    """The privacy notice (data/privacy.md: the product's own words, not anything a person typed), in
    Welsh (data/privacy.cy.md, beside it) for a person who chose Cymraeg."""
    welsh = DATA_DIR / "privacy.cy.md"
    path = welsh if ui_language() == "cy" and welsh.exists() else DATA_DIR / "privacy.md"
    return path.read_text(encoding="utf-8")


def sso_configured() -> bool:
    """True when the deployment has an [auth] section in .streamlit/secrets.toml (st.login)."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def _sso_user() -> dict | None:
    try:
        user = st.user.to_dict()
    except Exception:  # noqa: BLE001 - st.user unavailable
        return None
    return user if user.get("is_logged_in") and user.get("email") else None


def sign_out(message: str | None = None, engine: Engine | None = None, *, by_choice: bool = False):
    """Forget the signed-in account in this browser session, and its cookie (revoked on the server when
    the engine is given); returns who it was (or None). Signing out by choice also forgets the drafts
    this browser keeps (strategy/ui/browser.py); being signed out by the server keeps them for later."""
    author = st.session_state.get(AUTHOR_KEY)
    token = st.session_state.pop(TOKEN_KEY, None)
    if token and engine is not None:
        revoke_browser_session(engine, token)
    for key in (ACCOUNT_KEY, AUTHOR_KEY, LAST_SEEN_KEY, EPOCH_KEY, TOUCHED_KEY):
        st.session_state.pop(key, None)
    st.session_state[CLEAR_COOKIE_KEY] = True
    if by_choice:
        st.session_state[FORGET_DRAFTS_KEY] = True
    st.session_state[RESUME_TRIED_KEY] = True  # the cookie read when this session began is no longer good
    if message:
        st.session_state[NOTICE_KEY] = message
    return author


def _start(account, engine: Engine | None = None, token: str | None = None) -> None:
    """Signed in: this browser session holds the account; a new sign-in (engine given) also gets a
    session record whose token the browser keeps, so a reload stays signed in."""
    st.session_state[ACCOUNT_KEY] = account.id
    st.session_state[EPOCH_KEY] = account.session_epoch
    st.session_state[LAST_SEEN_KEY] = utcnow()
    st.session_state[AUTHOR_KEY] = author_for(account)
    use_language(account.interface_language)  # the person's own choice of the screens' language
    if token is None and engine is not None:
        token = open_browser_session(engine, account.id)
    if token:
        st.session_state[TOKEN_KEY] = token
        st.session_state[TOUCHED_KEY] = utcnow()
    st.session_state.pop(CLEAR_COOKIE_KEY, None)


def keep_this_browser(engine: Engine, account_id: int) -> None:
    """After this person changed their own password (every kept session of the account was revoked):
    this browser carries on, with a new token."""
    if st.session_state.get(TOKEN_KEY):
        st.session_state[TOKEN_KEY] = open_browser_session(engine, account_id)


def _cookie_token() -> str | None:
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser connection (tests)
        return None


def _resume(engine: Engine) -> bool:
    """A new browser session (a reload, a new tab): signed in again by its cookie while the server's
    record of it is alive."""
    if st.session_state.get(RESUME_TRIED_KEY):
        return False
    st.session_state[RESUME_TRIED_KEY] = True
    token = _cookie_token()
    if not token:
        return False
    account = resume_browser_session(engine, token)
    if account is None:
        st.session_state[CLEAR_COOKIE_KEY] = True
        return False
    _start(account, token=token)
    return True


def require_account(engine: Engine) -> bool:
    """True when someone is signed in (checked again on every run: a disabled account or the idle
    timeout signs them out). When False, app.py shows ``sign_in_page`` instead of any page."""
    settings = get_settings()
    account_id = st.session_state.get(ACCOUNT_KEY)
    if account_id is not None:
        account = get_account(engine, account_id)
        now = utcnow()
        if account is None or account.disabled:
            sign_out(t("frame2.signin.disabled"), engine)
        elif st.session_state.get(EPOCH_KEY) != account.session_epoch:
            sign_out(t("frame2.signin.password_changed"), engine)
        elif session_expired(st.session_state.get(LAST_SEEN_KEY), now, settings):
            sign_out(t("frame2.signin.idle", minutes=settings.idle_timeout_minutes), engine)
        else:
            st.session_state[LAST_SEEN_KEY] = now
            st.session_state[AUTHOR_KEY] = author_for(account)  # the name recorded comes from the account
            use_language(account.interface_language)  # chosen here or in another browser: the account's
            touched = st.session_state.get(TOUCHED_KEY)
            if st.session_state.get(TOKEN_KEY) and (touched is None or (now - touched).total_seconds() >= 60):
                touch_browser_session(engine, st.session_state[TOKEN_KEY], now=now)
                st.session_state[TOUCHED_KEY] = now
            return True
    elif _resume(engine):
        return True
    sso = _sso_user()
    if sso is not None and st.session_state.get("sso_refused") != sso["email"]:
        try:
            _start(sign_in_with_email(engine, sso["email"], sso.get("name") or "", settings=settings), engine)
            return True
        except WorkbookError as exc:
            st.session_state["sso_refused"] = sso["email"]
            st.session_state[NOTICE_KEY] = exc.message
    return False


def sign_in_page(engine: Engine) -> None:
    """The sign-in form, or on the very first run the form that creates the administrator."""
    st.title(t("app.title"))
    language_picker(engine, key="signin_language")  # this browser session only, until signed in
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(message_text(notice), icon="🔒")  # ours, or a refusal of single sign-on
    if count_accounts(engine) == 0:
        _first_run(engine)
        return
    st.header(t("signin.heading"))
    with st.form("sign_in"):
        username = st.text_input(t("signin.username"), max_chars=120, autocomplete="username")
        password = st.text_input(t("signin.password"), type="password", max_chars=1000, autocomplete="current-password")
        if st.form_submit_button(t("signin.button"), type="primary"):
            try:
                _start(sign_in(engine, username, password, client=client_address(), settings=get_settings()), engine)
                st.session_state.pop(NOTICE_KEY, None)
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)
    if sso_configured():
        st.button(t("signin.sso"), on_click=st.login)
    st.caption(t("signin.no_account"))
    with st.expander(t("signin.privacy")):
        st.markdown(privacy_notice())


def _first_run(engine: Engine) -> None:
    st.header(t("frame2.signin.welcome"))
    made = ensure_setup_code(engine)
    st.markdown(t("frame2.signin.no_accounts"))
    when = t("frame2.signin.setup_code_at", when=uk_time(made)) if made else ""
    st.info(t("frame2.signin.setup_code_info", when=when), icon="🔐")
    with st.form("first_admin"):
        code = st.text_input(t("frame2.signin.setup_code"), max_chars=60, placeholder=SETUP_CODE_SHAPE)
        username = st.text_input(t("frame2.signin.username"), max_chars=120, placeholder=t("frame2.signin.username_example"))
        name = st.text_input(t("frame2.signin.your_name"), max_chars=120)
        agency = st.text_input(t("frame2.signin.your_agency"), max_chars=200)
        password = st.text_input(t("frame2.signin.password", n=MIN_PASSWORD), type="password", max_chars=1000)
        again = st.text_input(t("frame2.signin.again"), type="password", max_chars=1000)
        if st.form_submit_button(t("frame2.signin.create_admin"), type="primary"):
            if password != again:
                st.error(t("frame2.signin.differ"), icon="⚠️")
                return
            try:
                _start(
                    create_first_admin(engine, username=username, display_name=name, agency=agency, password=password, setup_code=code),
                    engine,
                )
                st.rerun()
            except WorkbookError as exc:
                show_error(exc)


def sign_out_button(engine: Engine, key: str = "sign_out") -> None:
    def _out():
        author = sign_out(t("frame2.signin.signed_out"), engine, by_choice=True)
        if author is not None:
            record_now(engine, author, "sign_out")
        if _sso_user() is not None:
            st.logout()

    st.button(t("sidebar.sign_out"), key=key, on_click=_out)
