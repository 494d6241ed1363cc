"""The audit log: who did what and when. Sign-ins, imports, exports, role changes, backups and
restores are AuditEvents; changes to content are the Revisions every write already keeps, so the
log owners read joins the two (nothing is written twice)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core.access import require_role
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.models import AuditEvent, Revision, utcnow

#: Words for each action, as the log shows them.
ACTIONS = {
    "sign_in": "signed in",
    "sign_in_failed": "failed to sign in",
    "sign_out": "signed out",
    "account_created": "created an account",
    "account_disabled": "disabled an account",
    "account_enabled": "enabled an account",
    "password_changed": "changed a password",
    "sign_in_unlocked": "let a username sign in again at once",
    "partnership_created": "created the partnership",
    "partnership_changed": "changed the partnership's details",
    "partnership_archived": "archived the partnership",
    "partnership_unarchived": "brought the partnership back",
    "member_added": "added a member",
    "role_changed": "changed a role",
    "member_removed": "removed a member",
    "comment": "commented",
    "comment_resolved": "resolved a comment",
    "comment_reopened": "reopened a comment",
    "import": "imported",
    "export": "exported",
    "backup": "backed up the partnership",
    "restore": "restored the partnership",
    "restore_refused": "tried to restore a backup that was refused",
    "workshop_created": "set up a workshop",
    "workshop_stage": "moved a workshop on",
    "workshop_applied": "put a workshop's result into the strategy",
    "survey_link": "opened, closed or changed a survey link",
    # Revisions (content changes)
    "create": "wrote",
    "edit": "changed",
    "delete": "removed",
    "restore_row": "restored",
    "revert": "restored an earlier text",
    "conflict_copy": "saved at the same time as someone else",
    "reorder": "reordered",
}


def record(session: Session, author: Author | None, action: str, *, partnership_id: int | None = None, detail: str = "") -> None:
    """Add an event inside the caller's transaction."""
    who = author.label if author else "Workbook"
    session.add(
        AuditEvent(
            partnership_id=partnership_id, account_id=author.user_id if author else None, actor=who[:200], action=action[:40], detail=detail
        )
    )


def record_now(
    engine: Engine,
    author: Author | None,
    action: str,
    *,
    partnership_id: int | None = None,
    detail: str = "",
    session: Session | None = None,
) -> None:
    with write_session(engine, session=session) as session:
        record(session, author, action, partnership_id=partnership_id, detail=detail)


@dataclass(frozen=True)
class Event:
    at: datetime
    who: str
    action: str
    what: str
    detail: str


def audit_log(
    engine: Engine,
    partnership_id: int,
    *,
    author: Author,
    action: str | None = None,
    who: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 2000,
    session: Session | None = None,
) -> list[Event]:
    """Newest first: the partnership's events and content changes, filtered. Owners only."""
    with read_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "manage")
        events = session.exec(
            select(AuditEvent).where(AuditEvent.partnership_id == partnership_id).order_by(col(AuditEvent.id).desc()).limit(limit)
        ).all()
        revisions = session.exec(
            select(Revision).where(Revision.partnership_id == partnership_id).order_by(col(Revision.id).desc()).limit(limit)
        ).all()
    out = [Event(e.created_at, e.actor, e.action, ACTIONS.get(e.action, e.action), e.detail) for e in events]
    for r in revisions:
        name = r.author_name + (f" ({r.author_agency})" if r.author_agency else "")
        action_key = "restore_row" if r.action == "restore" else r.action
        target = r.prompt_id + (f" row {r.item_id}" if r.item_id else "") + (f" · {r.field}" if r.field else "")
        target += f" · {r.note}" if r.note else ""
        out.append(Event(r.created_at, name, action_key, ACTIONS.get(action_key, r.action), target))
    if action:
        out = [e for e in out if e.action == action]
    if who:
        needle = who.casefold().strip()
        out = [e for e in out if needle in e.who.casefold()]
    if since:
        out = [e for e in out if _aware(e.at) >= _aware(since)]
    if until:
        out = [e for e in out if _aware(e.at) <= _aware(until)]
    return sorted(out, key=lambda e: _aware(e.at), reverse=True)[:limit]


def sign_in_events(engine: Engine, *, limit: int = 200, session: Session | None = None) -> list[AuditEvent]:
    """Site-wide sign-in events, newest first (administrators)."""
    with read_session(engine, session=session) as session:
        return list(
            session.exec(
                select(AuditEvent).where(col(AuditEvent.partnership_id).is_(None)).order_by(col(AuditEvent.id).desc()).limit(limit)
            ).all()
        )


def _aware(at: datetime) -> datetime:
    from datetime import UTC

    return at if at.tzinfo else at.replace(tzinfo=UTC)


__all__ = ["ACTIONS", "Event", "audit_log", "record", "record_now", "sign_in_events", "utcnow"]
