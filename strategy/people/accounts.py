"""Accounts, signing in and membership of partnerships.

Passwords are hashed with argon2id (argon2-cffi). After ``sign_in_attempts`` failed sign-ins an
account waits ``sign_in_delay_seconds`` (doubling with each further failure, at most 15 minutes)
before the next try is even checked. Every function that takes ``now`` lets tests move the clock
instead of sleeping."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.core.access import ROLE_LABELS, ROLES, require_admin, require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotAllowed, NotFound
from strategy.core.models import Account, Membership, Partnership, stored_id, utcnow
from strategy.core.settings import Settings, get_settings
from strategy.core.text import normalise_name

MIN_PASSWORD = 10
MAX_PASSWORD = 1000
MAX_DELAY_SECONDS = 15 * 60
_hasher = PasswordHasher()
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,119}$")


def normalise_username(username: str) -> str:
    value = normalise_name(username or "").lower().replace(" ", "")
    if not _USERNAME.match(value):
        raise InvalidInput(
            "A username is 2 to 120 letters, digits, dots, dashes, underscores or @, "
            "such as 'sam.patel'; it cannot be empty or contain spaces."
        )
    return value


def _check_password(password: str) -> str:
    password = password or ""
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(f"The password needs at least {MIN_PASSWORD} characters; a short sentence is easy to remember.")
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"The password is longer than {MAX_PASSWORD:,} characters; please use a shorter one.")
    if "\x00" in password:
        raise InvalidInput("The password contains an invisible control character; please type it again.")
    return password


def hash_password(password: str) -> str:
    return _hasher.hash(_check_password(password))


def _verify(password_hash: str, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def author_for(account: Account) -> Author:
    """The Author every page passes for this account: its name is recorded on every change."""
    return Author(name=account.display_name, agency=account.agency, user_id=account.id, username=account.username)


def count_accounts(engine: Engine, *, session: Session | None = None) -> int:
    with read_session(engine, session=session) as session:
        return session.exec(select(func.count()).select_from(Account)).one()


def list_accounts(engine: Engine, *, session: Session | None = None) -> list[Account]:
    with read_session(engine, session=session) as session:
        return list(session.exec(select(Account).order_by(Account.username)).all())


def get_account(engine: Engine, account_id: int, *, session: Session | None = None) -> Account | None:
    with read_session(engine, session=session) as session:
        return session.get(Account, account_id)


def find_account(engine: Engine, username: str, *, session: Session | None = None) -> Account:
    key = normalise_name(username or "").lower().replace(" ", "")
    with read_session(engine, session=session) as session:
        account = session.exec(select(Account).where(Account.username == key)).first()
    if account is None:
        raise NotFound(f"No account is called '{key}'. Run 'python -m strategy users list' to see them.")
    return account


def _new_account(username: str, display_name: str, agency: str, password: str | None, email: str | None, is_admin: bool) -> Account:
    author = Author.make(display_name, agency)  # the same checks as any name recorded on a change
    if email is not None:
        email = normalise_name(email).lower()
        if not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email) or len(email) > 320:
            raise InvalidInput(f"'{email}' is not an email address such as sam.patel@harbourshire.gov.uk.")
    return Account(
        username=normalise_username(username),
        display_name=author.name,
        agency=author.agency,
        email=email,
        password_hash=hash_password(password) if password is not None else "",
        is_admin=is_admin,
    )


def _insert(session, account: Account) -> Account:
    if session.exec(select(Account).where(Account.username == account.username)).first():
        raise InvalidInput(f"An account called '{account.username}' already exists. Choose another username.")
    if account.email and session.exec(select(Account).where(Account.email == account.email)).first():
        raise InvalidInput(f"An account with the email {account.email} already exists.")
    session.add(account)
    session.flush()
    return account


def create_account(
    engine: Engine,
    *,
    username: str,
    display_name: str,
    agency: str = "",
    password: str | None,
    email: str | None = None,
    is_admin: bool = False,
    author: Author,
    session: Session | None = None,
) -> Account:
    """A new account (administrators and the command line only)."""
    account = _new_account(username, display_name, agency, password, email, is_admin)
    try:
        with write_session(engine, session=session) as session:
            require_admin(session, author)
            _insert(session, account)
            record(session, author, "account_created", detail=f"{account.username}{' (administrator)' if is_admin else ''}")
            return account
    except IntegrityError:
        raise InvalidInput(f"An account called '{account.username}' already exists. Choose another username.") from None


def create_first_admin(
    engine: Engine, *, username: str, display_name: str, agency: str = "", password: str, session: Session | None = None
) -> Account:
    """The first run: the first account, an administrator. Refused once any account exists."""
    account = _new_account(username, display_name, agency, password, None, True)
    try:
        with write_session(engine, session=session) as session:
            if session.exec(select(func.count()).select_from(Account)).one():
                raise NotAllowed("The administrator has already been created. Sign in instead.")
            _insert(session, account)
            record(session, author_for(account), "account_created", detail=f"{account.username} (first administrator)")
            return account
    except IntegrityError:
        raise NotAllowed("The administrator has already been created. Sign in instead.") from None


@overload
def _aware(at: datetime) -> datetime: ...
@overload
def _aware(at: None) -> None: ...
def _aware(at: datetime | None) -> datetime | None:
    return at if at is None or at.tzinfo else at.replace(tzinfo=UTC)


def wait_seconds(account: Account, now: datetime, settings: Settings) -> int:
    """How long this account must wait before another sign-in attempt is checked (0: none)."""
    over = account.failed_sign_ins - settings.sign_in_attempts
    if over < 0 or account.last_failed_at is None:
        return 0
    delay = min(settings.sign_in_delay_seconds * (2 ** min(over, 20)), MAX_DELAY_SECONDS)
    remaining = (_aware(account.last_failed_at) + timedelta(seconds=delay) - now).total_seconds()
    return max(0, int(remaining + 0.999))


_BAD_SIGN_IN = "That username and password do not match an account. Check both and try again."


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    now: datetime | None = None,
    settings: Settings | None = None,
    session: Session | None = None,
) -> Account:
    """Check a username and password; the account, or NotAllowed with a plain message."""
    now, settings = now or utcnow(), settings or get_settings()
    key = normalise_name(username or "").lower().replace(" ", "")
    with write_session(engine, session=session) as session:
        account = session.exec(select(Account).where(Account.username == key).with_for_update()).first()
        if account is None:
            record(session, None, "sign_in_failed", detail=f"unknown username {key[:120]!r}")
            error = NotAllowed(_BAD_SIGN_IN)
        elif (wait := wait_seconds(account, now, settings)) > 0:
            record(session, author_for(account), "sign_in_failed", detail="while waiting after repeated failures")
            error = NotAllowed(f"Too many failed sign-ins for this account. Wait {wait} seconds, then try again.")
        elif not _verify(account.password_hash, password):
            account.failed_sign_ins += 1
            account.last_failed_at = now
            session.add(account)
            record(session, author_for(account), "sign_in_failed", detail="wrong password")
            error = NotAllowed(_BAD_SIGN_IN)
        elif account.disabled:
            record(session, author_for(account), "sign_in_failed", detail="account disabled")
            error = NotAllowed("This account has been disabled. Ask an administrator.")
        else:
            account.failed_sign_ins, account.last_failed_at, account.last_sign_in_at = 0, None, now
            session.add(account)
            record(session, author_for(account), "sign_in")
            return account
    raise error


def sign_in_with_email(
    engine: Engine, email: str, name: str = "", *, settings: Settings | None = None, session: Session | None = None
) -> Account:
    """Single sign-on (st.login): the account whose email the identity provider vouched for. An
    unknown email is refused, or given a viewer account with no partnerships if the setting allows."""
    settings = settings or get_settings()
    email = normalise_name(email or "").lower()
    if not email:
        raise NotAllowed("The identity provider did not give an email address, so the workbook cannot tell who you are.")
    with write_session(engine, session=session) as session:
        account = session.exec(select(Account).where(Account.email == email)).first()
        if account is None and settings.sso_auto_create:
            base = re.sub(r"[^a-z0-9._@-]", "", email)[:120] or "user"
            account = _new_account(base, name or email.split("@")[0], "", None, email, False)
            _insert(session, account)
            record(session, author_for(account), "account_created", detail=f"{email} (single sign-on)")
        if account is None:
            record(session, None, "sign_in_failed", detail=f"single sign-on for unknown {email}")
            error = NotAllowed(f"{email} has no account in this workbook. Ask an administrator to add it.")
        elif account.disabled:
            error = NotAllowed("This account has been disabled. Ask an administrator.")
        else:
            account.last_sign_in_at = utcnow()
            session.add(account)
            record(session, author_for(account), "sign_in", detail="single sign-on")
            return account
    raise error


def session_expired(last_activity: datetime | None, now: datetime, settings: Settings | None = None) -> bool:
    """True when the idle timeout has passed since the last click."""
    settings = settings or get_settings()
    if not settings.idle_timeout_minutes or last_activity is None:
        return False
    return now - last_activity > timedelta(minutes=settings.idle_timeout_minutes)


def change_password(engine: Engine, account_id: int, old: str, new: str, *, author: Author, session: Session | None = None) -> None:
    if author.user_id is not None and author.user_id != account_id:
        raise NotAllowed("You can only change your own password here.")
    _check_password(new)
    with write_session(engine, session=session) as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFound("That account no longer exists.")
        if author.user_id is not None and not _verify(account.password_hash, old):
            raise InvalidInput("Your current password is not right, so the password was not changed.")
        account.password_hash = hash_password(new)
        session.add(account)
        record(session, author, "password_changed", detail=account.username)


def set_password(engine: Engine, username: str, new: str, *, author: Author, session: Session | None = None) -> None:
    """An administrator (or the command line) sets someone's password."""
    account = find_account(engine, username)
    _check_password(new)
    with write_session(engine, session=session) as session:
        require_admin(session, author)
        stored = session.get(Account, account.id)
        if stored is None:
            raise NotFound("That account no longer exists.")
        stored.password_hash, stored.failed_sign_ins, stored.last_failed_at = hash_password(new), 0, None
        session.add(stored)
        record(session, author, "password_changed", detail=f"{account.username} (set by an administrator)")


def set_disabled(engine: Engine, username: str, disabled: bool, *, author: Author, session: Session | None = None) -> Account:
    account = find_account(engine, username)
    with write_session(engine, session=session) as session:
        require_admin(session, author)
        stored = session.get(Account, account.id)
        if stored is None:
            raise NotFound("That account no longer exists.")
        if disabled and stored.is_admin:
            admins = session.exec(
                select(func.count()).select_from(Account).where(col(Account.is_admin).is_(True), col(Account.disabled).is_(False))
            ).one()
            if admins <= 1:
                raise InvalidInput("This is the only administrator left; make another administrator first.")
        stored.disabled = disabled
        session.add(stored)
        record(session, author, "account_disabled" if disabled else "account_enabled", detail=stored.username)
        return stored


# --- Membership -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    account_id: int
    username: str
    name: str
    agency: str
    role: str
    disabled: bool


def _check_role(role: str) -> str:
    value = (role or "").strip().lower()
    if value not in ROLES:
        raise InvalidInput(f"{role!r} is not a role. Choose owner, editor, scrutineer or viewer.")
    return value


def list_members(engine: Engine, partnership_id: int, *, session: Session | None = None) -> list[Member]:
    with read_session(engine, session=session) as session:
        rows = session.exec(
            select(Membership, Account)
            .join(Account, col(Account.id) == Membership.account_id)
            .where(Membership.partnership_id == partnership_id)
            .order_by(Account.username)
        ).all()
    return [Member(stored_id(a), a.username, a.display_name, a.agency, m.role, a.disabled) for m, a in rows]


def memberships_of(engine: Engine, account_id: int, *, session: Session | None = None) -> dict[int, str]:
    with read_session(engine, session=session) as session:
        return dict(session.exec(select(Membership.partnership_id, Membership.role).where(Membership.account_id == account_id)).all())


def _owners_left(session, partnership_id: int, without: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Membership)
        .where(Membership.partnership_id == partnership_id, Membership.role == "owner", Membership.account_id != without)
    ).one()


def set_member_role(
    engine: Engine, partnership_id: int, username: str, role: str | None, *, author: Author, session: Session | None = None
) -> None:
    """Add a member, change their role, or (role None) remove them. Owners and administrators only.
    A partnership keeps at least one owner."""
    account = find_account(engine, username)
    role = None if role is None else _check_role(role)
    with write_session(engine, session=session) as session:
        if session.get(Partnership, partnership_id) is None:
            raise NotFound("That partnership no longer exists.")
        require_role(session, author, partnership_id, "manage")
        current = session.exec(
            select(Membership).where(Membership.partnership_id == partnership_id, Membership.account_id == account.id)
        ).first()
        if (
            current is not None
            and current.role == "owner"
            and role != "owner"
            and not _owners_left(session, partnership_id, stored_id(account))
        ):
            raise InvalidInput(f"{account.display_name} is the only owner. Make someone else an owner first.")
        if role is None:
            if current is None:
                raise NotFound(f"{account.display_name} is not a member of this partnership.")
            session.delete(current)
            record(session, author, "member_removed", partnership_id=partnership_id, detail=account.username)
        elif current is None:
            session.add(Membership(partnership_id=partnership_id, account_id=stored_id(account), role=role))
            record(
                session, author, "member_added", partnership_id=partnership_id, detail=f"{account.username} as {ROLE_LABELS[role].lower()}"
            )
        elif current.role != role:
            old = current.role
            current.role = role
            session.add(current)
            record(
                session,
                author,
                "role_changed",
                partnership_id=partnership_id,
                detail=f"{account.username}: {ROLE_LABELS[old].lower()} to {ROLE_LABELS[role].lower()}",
            )
