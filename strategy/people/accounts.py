"""Accounts, signing in and membership of partnerships.

Passwords are hashed with argon2id (argon2-cffi) and must be at least 12 characters and not on the
list of common and breached passwords (data/common-passwords.txt; NCSC guidance: length and a deny
list, no composition rules). Accounts made under the older rules keep their passwords.

Signing in takes the same time and gives the same message for an unknown username as for a wrong
password (an unknown name is checked against a dummy hash). Failed sign-ins are counted per username
from one client, per username from anywhere and per client (SignInThrottle), the same whether or not
the account exists:

- one username from one client: after ``sign_in_attempts`` failures each further try waits
  ``sign_in_delay_seconds``, doubling, at most 15 minutes (the attacker's own address);
- one username from anywhere: after four times as many, every try waits ``sign_in_delay_seconds``
  and never longer, so an attacker elsewhere slows the real person down but cannot lock them out;
- one client, whatever the username: after four times as many, doubling to 15 minutes (trying many
  names from one place).

An administrator clears a username's waits (``unlock_sign_in``: the Your account page or
``python -m strategy users unlock``). A password change or reset raises the account's
``session_epoch``, which signs out every other browser session of that account at its next click.

The first administrator is created on the first-run page only with the one-time setup code that the
server prints to its console and log (``ensure_setup_code``), or from the command line.
Every function that takes ``now`` lets tests move the clock instead of sleeping."""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from strategy.core.access import ROLE_LABELS, ROLES, require_admin, require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotAllowed, NotFound
from strategy.core.interface import check_interface_language
from strategy.core.logs import get_logger
from strategy.core.models import Account, Membership, Partnership, SetupCode, SignInThrottle, stored_id, utcnow
from strategy.core.settings import DATA_DIR, Settings, get_settings
from strategy.core.text import normalise_name
from strategy.people.browser_sessions import revoke_account_sessions

MIN_PASSWORD = 12
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


COMMON_PASSWORDS_FILE = DATA_DIR / "common-passwords.txt"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The deny list, lower-cased (data/common-passwords.txt; '#' lines are comments)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def _is_common(password: str, username: str = "") -> bool:
    """On the deny list as typed, without its spaces, once digits and symbols around a listed
    password are taken off ('Password2026!', '123monkey'), or repeated; or the username itself."""
    lowered = password.lower()
    bare = re.sub(r"\s+", "", lowered)
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", bare)
    repeated = re.fullmatch(r"(.+?)\1+", bare)  # 'iloveyouiloveyou', 'monkey monkey monkey'
    listed = common_passwords()
    if any(c in listed for c in (lowered, bare, core, repeated.group(1) if repeated else "") if c):
        return True
    return bool(username) and bool({bare, core} & {username, re.sub(r"[\W\d_]+", "", username)})


def _check_password(password: str, username: str = "") -> str:
    password = password or ""
    if len(password) > MAX_PASSWORD:
        raise InvalidInput(f"The password is longer than {MAX_PASSWORD:,} characters; please use a shorter one.")
    if _CONTROL.search(password):
        raise InvalidInput("The password contains an invisible control character; please type it again.")
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(
            f"The password needs at least {MIN_PASSWORD} characters; three or four unrelated words make one that is easy to remember."
        )
    if not password.strip() or len(set(password)) < 3 or _is_common(password, username):
        raise InvalidInput(
            "That password is on the list of common and breached passwords that attackers try first "
            "(or is the username, or one character repeated). Choose another: three or four unrelated words are strong "
            "and easy to remember."
        )
    return password


def hash_password(password: str, username: str = "") -> str:
    return _hasher.hash(_check_password(password, username))


@functools.cache
def _dummy_hash() -> str:
    # Checked when there is no real hash (unknown username, single sign-on only), so that a wrong
    # name takes as long as a wrong password.
    return _hasher.hash(secrets.token_urlsafe(24))


def _verify(password_hash: str, password: str) -> bool:
    if not password_hash:
        _verify(_dummy_hash(), password)
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
    key = normalise_username(username)
    return Account(
        username=key,
        display_name=author.name,
        agency=author.agency,
        email=email,
        password_hash=_hasher.hash(_check_password(password, key)) if password is not None else "",
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


_SETUP_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _code_hash(code: str) -> str:
    bare = re.sub(r"[\s-]+", "", (code or "").upper())
    return hashlib.sha256(bare.encode("utf-8")).hexdigest()


def new_setup_code(engine: Engine, *, session: Session | None = None) -> str:
    """A fresh one-time setup code for the first-run page (any older one stops working), printed to
    the server's log. Refused once an account exists. ``python -m strategy users setup-code``."""
    code = "-".join("".join(secrets.choice(_SETUP_ALPHABET) for _ in range(5)) for _ in range(4))
    with write_session(engine, session=session) as session:
        if session.exec(select(func.count()).select_from(Account)).one():
            raise NotAllowed("The administrator has already been created, so no setup code is needed. Sign in instead.")
        session.execute(delete(SetupCode))
        session.add(SetupCode(code_hash=_code_hash(code)))
    get_logger().warning(
        "First run: no account exists yet. The one-time setup code for the first-run page is %s "
        "(or run 'python -m strategy users add NAME --admin' on the server).",
        code,
    )
    return code


def ensure_setup_code(engine: Engine) -> datetime | None:
    """When no account exists: make sure a setup code has been printed to the log (making one if
    none is waiting) and return when it was made. None once an account exists."""
    with read_session(engine) as session:
        if session.exec(select(func.count()).select_from(Account)).one():
            return None
        made = session.exec(select(SetupCode.created_at).order_by(col(SetupCode.id).desc())).first()
    if made is not None:
        return made
    try:
        new_setup_code(engine)
    except NotAllowed:
        return None
    return ensure_setup_code(engine)


def create_first_admin(
    engine: Engine,
    *,
    username: str,
    display_name: str,
    agency: str = "",
    password: str,
    setup_code: str,
    session: Session | None = None,
) -> Account:
    """The first run: the first account, an administrator, for whoever has the setup code from the
    server's log. Refused once any account exists; the code works once."""
    account = _new_account(username, display_name, agency, password, None, True)
    try:
        with write_session(engine, session=session) as session:
            if session.exec(select(func.count()).select_from(Account)).one():
                raise NotAllowed("The administrator has already been created. Sign in instead.")
            stored = session.exec(select(SetupCode).with_for_update()).all()
            if not any(hmac.compare_digest(row.code_hash, _code_hash(setup_code)) for row in stored):
                raise NotAllowed(
                    "That setup code is not right. It is printed in the server's console or log when the workbook "
                    "starts with no accounts; ask whoever runs the server, or have them run "
                    "'python -m strategy users setup-code' for a new one. Nothing was created."
                )
            session.execute(delete(SetupCode))
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


def _delay(failures: int, allowed: int, base: int, *, doubling: bool) -> int:
    over = failures - allowed
    if over < 0:
        return 0
    return min(base * (2 ** min(over, 20)), MAX_DELAY_SECONDS) if doubling else base


def _throttle_keys(username: str, client: str | None, settings: Settings) -> list[tuple[str, str, int, bool]]:
    """(key, username, failures allowed, doubling) for each count a sign-in attempt touches."""
    where = (client or "local")[:200]
    n = settings.sign_in_attempts
    return [
        (f"name+client:{username}|{where}", username, n, True),
        (f"name:{username}", username, 4 * n, False),
        (f"client:{where}", "", 4 * n, True),
    ]


def _wait(session, keys, now: datetime, settings: Settings) -> int:
    rows = {r.key: r for r in session.exec(select(SignInThrottle).where(col(SignInThrottle.key).in_([k[0] for k in keys]))).all()}
    wait = 0
    for key, _username, allowed, doubling in keys:
        row = rows.get(key)
        if row is None or row.last_failed_at is None:
            continue
        delay = _delay(row.failures, allowed, settings.sign_in_delay_seconds, doubling=doubling)
        remaining = (_aware(row.last_failed_at) + timedelta(seconds=delay) - now).total_seconds()
        wait = max(wait, int(remaining + 0.999))
    return max(0, wait)


def wait_seconds(engine: Engine, username: str, client: str | None = None, *, now: datetime | None = None, settings=None) -> int:
    """How long a sign-in with this username from this client must wait before it is checked (0: none)."""
    now, settings = now or utcnow(), settings or get_settings()
    key = normalise_name(username or "").lower().replace(" ", "")[:120]
    with read_session(engine) as session:
        return _wait(session, _throttle_keys(key, client, settings), now, settings)


def _count_failure(session, keys, now: datetime) -> None:
    for key, username, _allowed, _doubling in keys:
        row = session.exec(select(SignInThrottle).where(SignInThrottle.key == key)).first()
        if row is None:
            session.add(SignInThrottle(key=key, username=username, failures=1, last_failed_at=now))
            session.flush()
        else:
            row.failures, row.last_failed_at = row.failures + 1, now
            session.add(row)


_BAD_SIGN_IN = "That username and password do not match an account. Check both and try again."


def sign_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    client: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
    session: Session | None = None,
) -> Account:
    """Check a username and password; the account, or NotAllowed with a plain message. ``client``
    names where the attempt comes from (the browser's address), for the throttling."""
    try:
        return _sign_in(engine, username, password, client=client, now=now, settings=settings, session=session)
    except IntegrityError:
        if session is not None:
            raise
        # Two failures counted at the same moment for a new key: count this one again, now the row exists.
        return _sign_in(engine, username, password, client=client, now=now, settings=settings)


def _sign_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    client: str | None,
    now: datetime | None,
    settings: Settings | None,
    session: Session | None = None,
) -> Account:
    now, settings = now or utcnow(), settings or get_settings()
    key = normalise_name(username or "").lower().replace(" ", "")[:120]
    keys = _throttle_keys(key, client, settings)
    with write_session(engine, session=session) as session:
        account = session.exec(select(Account).where(Account.username == key).with_for_update()).first()
        who = author_for(account) if account is not None else None
        if (wait := _wait(session, keys, now, settings)) > 0:
            # The same for a name with no account: only the attempts counted tell.
            record(session, who, "sign_in_failed", detail=f"{key!r} while waiting after repeated failures")
            error = NotAllowed(f"Too many failed sign-ins with this username. Wait {wait} seconds, then try again.")
        elif not _verify(account.password_hash if account is not None else "", password):
            _count_failure(session, keys, now)
            record(session, who, "sign_in_failed", detail=f"unknown username {key!r}" if account is None else "wrong password")
            error = NotAllowed(_BAD_SIGN_IN)
        elif account is None:  # pragma: no cover - a dummy hash never matches
            error = NotAllowed(_BAD_SIGN_IN)
        elif account.disabled:
            record(session, who, "sign_in_failed", detail="account disabled")
            error = NotAllowed("This account has been disabled. Ask an administrator.")
        else:
            account.failed_sign_ins, account.last_failed_at, account.last_sign_in_at = 0, None, now
            session.add(account)
            session.execute(delete(SignInThrottle).where(col(SignInThrottle.key).in_([k[0] for k in keys[:2]])))
            record(session, who, "sign_in")
            return account
    raise error


def unlock_sign_in(engine: Engine, username: str, *, author: Author, session: Session | None = None) -> int:
    """An administrator lets a username try again at once, from everywhere: clears its counts of
    failed sign-ins. Returns how many counts were cleared."""
    key = normalise_name(username or "").lower().replace(" ", "")[:120]
    with write_session(engine, session=session) as session:
        require_admin(session, author)
        rows = session.exec(select(SignInThrottle).where(SignInThrottle.username == key)).all()
        for row in rows:
            session.delete(row)
        record(session, author, "sign_in_unlocked", detail=key)
        return len(rows)


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


def change_password(engine: Engine, account_id: int, old: str, new: str, *, author: Author, session: Session | None = None) -> int:
    """Change your own password. Every other browser session of the account is signed out at its next
    click; returns the account's new session epoch, for the session that made the change to keep."""
    if author.user_id is not None and author.user_id != account_id:
        raise NotAllowed("You can only change your own password here.")
    with write_session(engine, session=session) as session:
        account = session.get(Account, account_id)
        if account is None:
            raise NotFound("That account no longer exists.")
        _check_password(new, account.username)
        if author.user_id is not None and not _verify(account.password_hash, old):
            raise InvalidInput("Your current password is not right, so the password was not changed.")
        account.password_hash = _hasher.hash(new)
        account.session_epoch += 1
        session.add(account)
        revoke_account_sessions(session, account_id)
        record(session, author, "password_changed", detail=f"{account.username} (other sessions signed out)")
        return account.session_epoch


def set_password(engine: Engine, username: str, new: str, *, author: Author, session: Session | None = None) -> None:
    """An administrator (or the command line) sets someone's password."""
    account = find_account(engine, username)
    _check_password(new, account.username)
    with write_session(engine, session=session) as session:
        require_admin(session, author)
        stored = session.get(Account, account.id)
        if stored is None:
            raise NotFound("That account no longer exists.")
        stored.password_hash, stored.failed_sign_ins, stored.last_failed_at = _hasher.hash(new), 0, None
        stored.session_epoch += 1  # every session signed in with the old password ends
        session.add(stored)
        revoke_account_sessions(session, stored_id(stored))
        session.execute(delete(SignInThrottle).where(col(SignInThrottle.username) == stored.username))
        record(session, author, "password_changed", detail=f"{account.username} (set by an administrator; its sessions signed out)")


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
        if disabled:
            revoke_account_sessions(session, stored_id(stored))
        record(session, author, "account_disabled" if disabled else "account_enabled", detail=stored.username)
        return stored


def set_interface_language(engine: Engine, account_id: int, language: str, *, author: Author, session: Session | None = None) -> Account:
    """A person's choice of the screens' language ("en" or "cy"), kept on their account so that every
    page and every later sign-in shows it. Only the person themselves (or an administrator) changes it."""
    chosen = check_interface_language(language)
    with write_session(engine, session=session) as session:
        if author.user_id != account_id:
            require_admin(session, author)
        stored = session.get(Account, account_id)
        if stored is None:
            raise NotFound("That account no longer exists.")
        stored.interface_language = chosen
        session.add(stored)
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
