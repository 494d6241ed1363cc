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
from sqlmodel import Session, select

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


def _account(session: Session, author: Author) -> Account:
    account = session.get(Account, author.user_id)
    if account is None or account.disabled:
        raise NotAllowed("Your account has been disabled or removed, so nothing was saved. Ask an administrator.")
    return account


def role_of(session: Session, author: Author, partnership_id: int | None) -> str | None:
    """'admin', 'owner', 'editor', 'scrutineer', 'viewer' or None (not a member). The system actor is 'admin'."""
    if author.user_id is None:
        return "admin"
    account = session.get(Account, author.user_id)
    if account is None or account.disabled:
        return None
    if account.is_admin:
        return "admin"
    if partnership_id is None:
        return None
    return session.exec(
        select(Membership.role).where(Membership.partnership_id == partnership_id, Membership.account_id == author.user_id)
    ).first()


def require_role(session: Session, author: Author | None, partnership_id: int | None, needed: str) -> None:
    """Raise NotAllowed (a plain message) unless ``author`` has ``needed`` ('read', 'comment',
    'edit' or 'manage') in the partnership. Called inside the write's own transaction."""
    if author is None or author.user_id is None:
        return
    account = _account(session, author)
    if account.is_admin:
        return
    role = role_of(session, author, partnership_id)
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
