"""Staying signed in across a reload: the browser's token, the server's record of it, and everything
that ends it (sign-out, password change or reset, a disabled account, the idle timeout). On SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import timedelta

from people_support import member
from sqlmodel import Session, select

from strategy.core.authors import Author
from strategy.core.models import BrowserSession, utcnow
from strategy.core.settings import get_settings
from strategy.people.accounts import change_password, find_account, set_disabled, set_password
from strategy.people.browser_sessions import (
    open_browser_session,
    resume_browser_session,
    revoke_browser_session,
    touch_browser_session,
)

PASSWORD = "a long enough password"
CLI = Author(name="Workbook")


def _account(engine, username="sam.patel", **kw):
    member(engine, None, None, username, password=PASSWORD, **kw)
    return find_account(engine, username)


def test_a_token_signs_its_account_in_again_and_only_its_hash_is_stored(engine):
    account = _account(engine)
    token = open_browser_session(engine, account.id)
    assert len(token) >= 60  # 48 random bytes, URL-safe
    resumed = resume_browser_session(engine, token)
    assert resumed is not None and resumed.username == "sam.patel"
    with Session(engine) as session:
        stored = session.exec(select(BrowserSession)).all()
    assert [s.token_hash for s in stored] == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in repr([s.model_dump() for s in stored])


def test_unknown_malformed_and_empty_tokens_sign_nobody_in(engine):
    account = _account(engine)
    token = open_browser_session(engine, account.id)
    for wrong in (None, "", "x", token[:-1] + ("A" if token[-1] != "A" else "B"), "a" * 5000, token + "\x00"):
        assert resume_browser_session(engine, wrong) is None


def test_sign_out_revokes_the_token(engine):
    account = _account(engine)
    token = open_browser_session(engine, account.id)
    other = open_browser_session(engine, account.id)  # the same person in another browser
    revoke_browser_session(engine, token)
    assert resume_browser_session(engine, token) is None
    assert resume_browser_session(engine, other) is not None


def test_a_password_change_or_reset_and_disabling_the_account_end_every_kept_session(engine):
    account = _account(engine)
    admin = member(engine, None, None, "ada.admin", is_admin=True)
    first = open_browser_session(engine, account.id)
    change_password(engine, account.id, PASSWORD, "another long password", author=Author(name="Sam", user_id=account.id))
    assert resume_browser_session(engine, first) is None
    # The browser that changed it gets a new token (the page does this); it works until the next change.
    second = open_browser_session(engine, account.id)
    assert resume_browser_session(engine, second) is not None
    set_password(engine, "sam.patel", "a third long password", author=admin)
    assert resume_browser_session(engine, second) is None
    third = open_browser_session(engine, account.id)
    set_disabled(engine, "sam.patel", True, author=admin)
    assert resume_browser_session(engine, third) is None
    set_disabled(engine, "sam.patel", False, author=admin)
    assert resume_browser_session(engine, third) is None  # revoked, not only refused while disabled


def test_a_raised_session_epoch_alone_ends_the_token(engine):
    # However the epoch moves (a future way of signing others out), the old record is dead.
    account = _account(engine)
    token = open_browser_session(engine, account.id)
    with Session(engine) as session:
        stored = session.get(type(account), account.id)
        stored.session_epoch += 1
        session.add(stored)
        session.commit()
    assert resume_browser_session(engine, token) is None


def test_the_idle_timeout_ends_a_kept_session_and_a_click_renews_it(engine):
    settings = replace(get_settings(), idle_timeout_minutes=30)
    account = _account(engine)
    start = utcnow()
    token = open_browser_session(engine, account.id, now=start)
    assert resume_browser_session(engine, token, now=start + timedelta(minutes=29), settings=settings) is not None
    # That resume counted as a click: 29 minutes later still alive, 31 minutes after it not.
    assert resume_browser_session(engine, token, now=start + timedelta(minutes=58), settings=settings) is not None
    touch_browser_session(engine, token, now=start + timedelta(minutes=80))
    assert resume_browser_session(engine, token, now=start + timedelta(minutes=109), settings=settings) is not None
    assert resume_browser_session(engine, token, now=start + timedelta(minutes=141), settings=settings) is None


def test_records_long_dead_are_cleared_when_a_new_one_is_made(engine):
    account = _account(engine)
    old = utcnow() - timedelta(days=3)
    open_browser_session(engine, account.id, now=old)
    open_browser_session(engine, account.id)
    with Session(engine) as session:
        assert len(session.exec(select(BrowserSession)).all()) == 1
