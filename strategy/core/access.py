"""Who may do what, checked in ``strategy`` on every write (not only by hiding buttons).

Roles are per partnership: owner (manages members and settings), editor (writes), scrutineer
(reads everything and comments, changes nothing), viewer (reads). Site administrators can do
everything. An Author without a ``user_id`` is the local system or command line and is allowed.

Every content write records a Revision through ``strategy.answers.operations._revision``, which calls
``require_role(..., "edit")``; writes that record no revision call ``require_role`` themselves.
The membership is read from the database on every call, so someone removed from a partnership
or disabled loses access at their next click."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core.authors import Author
from strategy.core.db import read_session
from strategy.core.errors import NotAllowed
from strategy.core.models import Account, Membership, Partnership

ROLES = ("owner", "editor", "scrutineer", "viewer")
ROLE_LABELS = {"owner": "Owner", "editor": "Editor", "scrutineer": "Scrutineer", "viewer": "Viewer", "admin": "Administrator"}
ROLE_HELP = {
    "owner": "manages members and settings, and writes",
    "editor": "writes and resolves comments",
    "scrutineer": "reads everything and comments; changes nothing",
    "viewer": "reads",
}
#: What each right needs.
RIGHTS = {
    "read": {"owner", "editor", "scrutineer", "viewer", "admin"},
    "comment": {"owner", "editor", "scrutineer", "admin"},
    "edit": {"owner", "editor", "admin"},
    "manage": {"owner", "admin"},
}
_REFUSED = {
    "read": "You are not a member of this partnership, so you cannot see it. Ask one of its owners to add you.",
    "comment": "Your role in this partnership ({role}) can read but not comment. Ask an owner if you need to comment.",
    "edit": "Your role in this partnership ({role}) can read and comment but not change anything; nothing was saved.",
    "manage": "Only the partnership's owners can do this; your role is {role}. Nothing was changed.",
}


_ACCOUNT_GONE = "Your account has been disabled or removed, so nothing was saved. Ask an administrator."


def _account(session: Session, author: Author) -> Account:
    account = session.get(Account, author.user_id)
    if account is None or account.disabled:
        raise NotAllowed(_ACCOUNT_GONE)
    return account


#: Where ``prefetch_role`` leaves what it read, in the session, for the next ``require_role``.
_PREFETCHED = "workbook_role_prefetched"


def _standing(session: Session, user_id: int, partnership_id: int | None) -> tuple[bool, bool, str | None] | None:
    """(is an administrator, is disabled, role in the partnership or None) of an account, or None when
    there is no such account: the account and its membership in one round trip (a save at a busy
    workshop waits for each)."""
    prefetched = session.info.get(_PREFETCHED)
    if prefetched and (user_id, partnership_id) in prefetched:
        return prefetched.pop((user_id, partnership_id))
    row = session.exec(
        select(Account.is_admin, Account.disabled, Membership.role)
        .select_from(Account)
        .outerjoin(Membership, (col(Membership.account_id) == Account.id) & (col(Membership.partnership_id) == partnership_id))
        .where(Account.id == user_id)
    ).first()
    return None if row is None else (bool(row[0]), bool(row[1]), row[2] if partnership_id is not None else None)


def partnership_and_role(session: Session, author: Author | None, partnership_id: int) -> bool:
    """Whether the partnership exists; and read now, in the same round trip, what the next
    ``require_role`` for this person and partnership in this session checks (it still decides then,
    and reads afresh after that). A save reads both before it takes its row's lock, so others saving
    the same answer at a workshop wait for less, and each save waits for one round trip, not three."""
    if author is None or author.user_id is None:
        return session.exec(select(Partnership.id).where(Partnership.id == partnership_id)).first() is not None
    row = session.exec(
        select(Partnership.id, Account.is_admin, Account.disabled, Membership.role)
        .select_from(Partnership)
        .outerjoin(Account, col(Account.id) == author.user_id)
        .outerjoin(Membership, (col(Membership.account_id) == Account.id) & (col(Membership.partnership_id) == Partnership.id))
        .where(Partnership.id == partnership_id)
    ).first()
    if row is None:
        return False
    # ``is_admin`` is never NULL in a row of ``account``: NULL here means there is no such account.
    standing = None if row[1] is None else (bool(row[1]), bool(row[2]), row[3])
    session.info.setdefault(_PREFETCHED, {})[(author.user_id, partnership_id)] = standing
    return True


def role_of(session: Session, author: Author, partnership_id: int | None) -> str | None:
    """'admin', 'owner', 'editor', 'scrutineer', 'viewer' or None (not a member). The system actor is 'admin'."""
    if author.user_id is None:
        return "admin"
    standing = _standing(session, author.user_id, partnership_id)
    if standing is None or standing[1]:
        return None
    return "admin" if standing[0] else standing[2]


def require_role(session: Session, author: Author | None, partnership_id: int | None, needed: str) -> None:
    """Raise NotAllowed (a plain message) unless ``author`` has ``needed`` ('read', 'comment',
    'edit' or 'manage') in the partnership. Called inside the write's own transaction."""
    if author is None or author.user_id is None:
        return
    standing = _standing(session, author.user_id, partnership_id)
    if standing is None or standing[1]:
        raise NotAllowed(_ACCOUNT_GONE)
    if standing[0]:
        return
    role = standing[2]
    if role is None:
        raise (
            NotAllowed("You are no longer a member of this partnership, so nothing was saved. Ask one of its owners if you need access.")
            if needed != "read"
            else NotAllowed(_REFUSED["read"])
        )
    if role not in RIGHTS[needed]:
        raise NotAllowed(_REFUSED[needed].format(role=ROLE_LABELS[role].lower()))


def require_active(session: Session, author: Author | None) -> None:
    """A signed-in account that is still enabled (creating a partnership needs no more)."""
    if author is not None and author.user_id is not None:
        _account(session, author)


def require_admin(session: Session, author: Author | None) -> None:
    """Only site administrators (and the command line) manage accounts."""
    if author is None or author.user_id is None:
        return
    if not _account(session, author).is_admin:
        raise NotAllowed("Only an administrator can manage accounts. Nothing was changed.")


def role_in(engine: Engine, author: Author | None, partnership_id: int | None, *, session: Session | None = None) -> str | None:
    with read_session(engine, session=session) as session:
        return role_of(session, author or Author(name="Workbook"), partnership_id)


def can(engine: Engine, author: Author | None, partnership_id: int | None, needed: str) -> bool:
    return role_in(engine, author, partnership_id) in RIGHTS[needed]


def visible_partnership_ids(engine: Engine, author: Author | None, *, session: Session | None = None) -> set[int] | None:
    """The partnerships this person may open; None means all (administrators, the command line)."""
    if author is None or author.user_id is None:
        return None
    with read_session(engine, session=session) as session:
        account = session.get(Account, author.user_id)
        if account is None or account.disabled:
            return set()
        if account.is_admin:
            return None
        return set(session.exec(select(Membership.partnership_id).where(Membership.account_id == author.user_id)).all())


def readable_partnerships(engine: Engine, author: Author | None, partnerships: list[Partnership]) -> list[Partnership]:
    ids = visible_partnership_ids(engine, author)
    return partnerships if ids is None else [p for p in partnerships if p.id in ids]
