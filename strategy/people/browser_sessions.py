"""Staying signed in across a reload.

A browser that signs in gets a long random token, kept in a cookie; the server keeps only the
token's SHA-256 with the account and the account's session epoch at the time. A reload (a new
Streamlit session) presents the cookie and, while the record is alive, is signed in again without the
password. The token alone is worth nothing: the record is revoked at sign-out, at a password change or
reset and when the account is disabled, and it dies by itself when the idle timeout passes without a
click (``last_seen_at``) or the account's epoch moves on."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core.db import read_session, write_session
from strategy.core.models import Account, BrowserSession, utcnow
from strategy.core.settings import Settings, get_settings

#: The cookie's name. Its value is the token; nothing else about the person is in it.
COOKIE = "workbook_session"
#: A token shorter or longer than this (or not URL-safe text) is not even looked up.
_TOKEN_LENGTHS = range(40, 100)
#: How often a live session's ``last_seen_at`` is written: not on every click.
_TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _idle(settings: Settings) -> timedelta | None:
    return timedelta(minutes=settings.idle_timeout_minutes) if settings.idle_timeout_minutes else None


def open_browser_session(engine: Engine, account_id: int, *, now: datetime | None = None, session: Session | None = None) -> str:
    """A new token for a browser that has just signed in (records long dead are cleared meanwhile)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(48)
    settings = get_settings()
    with write_session(engine, session=session) as session:
        account = session.get(Account, account_id)
        epoch = account.session_epoch if account is not None else 0
        idle = _idle(settings)
        if idle is not None:
            # Sessions idle for a day past the timeout can never come back: keep the table small.
            session.execute(delete(BrowserSession).where(col(BrowserSession.last_seen_at) < now - idle - timedelta(days=1)))
        session.add(BrowserSession(token_hash=_hash(token), account_id=account_id, session_epoch=epoch, created_at=now, last_seen_at=now))
    return token


def resume_browser_session(
    engine: Engine, token: str | None, *, now: datetime | None = None, settings: Settings | None = None, session: Session | None = None
) -> Account | None:
    """The account a browser's token still signs in, or None (unknown, revoked, expired, disabled,
    or the password changed since). A live one is marked as seen now."""
    if not token or len(token) not in _TOKEN_LENGTHS:
        return None
    now, settings = now or utcnow(), settings or get_settings()
    with read_session(engine, session=session) as read:
        record = read.exec(select(BrowserSession).where(BrowserSession.token_hash == _hash(token))).first()
        if record is None or record.revoked_at is not None:
            return None
        account = read.get(Account, record.account_id)
        if account is None or account.disabled or account.session_epoch != record.session_epoch:
            return None
        idle = _idle(settings)
        if idle is not None and now - _aware(record.last_seen_at) > idle:
            return None
        seen = _aware(record.last_seen_at)
    if now - seen >= _TOUCH_EVERY:
        touch_browser_session(engine, token, now=now)
    return account


def touch_browser_session(engine: Engine, token: str | None, *, now: datetime | None = None) -> None:
    """A click in a signed-in browser: its record's idle clock starts again (written at most once a minute)."""
    if not token:
        return
    now = now or utcnow()
    with write_session(engine) as session:
        session.execute(
            update(BrowserSession)
            .where(col(BrowserSession.token_hash) == _hash(token), col(BrowserSession.revoked_at).is_(None))
            .where(col(BrowserSession.last_seen_at) < now - _TOUCH_EVERY)
            .values(last_seen_at=now)
        )


def revoke_browser_session(engine: Engine, token: str | None, *, now: datetime | None = None) -> None:
    """Sign-out: this browser's token signs nobody in again."""
    if not token:
        return
    with write_session(engine) as session:
        session.execute(update(BrowserSession).where(col(BrowserSession.token_hash) == _hash(token)).values(revoked_at=now or utcnow()))


def revoke_account_sessions(session: Session, account_id: int, *, now: datetime | None = None) -> int:
    """Within a change to the account (password changed or reset, account disabled): every browser kept
    signed in for it is signed out. Returns how many were live."""
    result = session.execute(
        update(BrowserSession)
        .where(col(BrowserSession.account_id) == account_id, col(BrowserSession.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )
    return int(getattr(result, "rowcount", 0) or 0)
