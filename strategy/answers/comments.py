"""Comments on anything in a chapter: scrutineers and members comment, editors reply and resolve,
nothing is ever deleted (resolving only marks a comment, and it can be reopened).

A comment's target is general, a kind and a key: ``prompt`` + prompt id, ``item`` + item id,
``section`` + Word template section number, ``criterion`` + readiness criterion id."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from strategy.core.access import require_role
from strategy.core.audit_log import record
from strategy.core.authors import Author
from strategy.core.db import read_session, write_session
from strategy.core.errors import InvalidInput, NotFound
from strategy.core.models import Comment, Partnership, stored_id, utcnow
from strategy.core.text import check_length, clean_text

TARGET_KINDS = ("prompt", "item", "section", "criterion")
MAX_COMMENT = 5000


@dataclass(frozen=True)
class Thread:
    comment: Comment
    replies: list[Comment]

    @property
    def open(self) -> bool:
        return self.comment.resolved_at is None


def _check_target(kind: str, key) -> tuple[str, str]:
    if kind not in TARGET_KINDS:
        raise InvalidInput(f"A comment can be on a {', '.join(TARGET_KINDS)}; not on {kind!r}.")
    key = str(key or "").strip()
    if not key or len(key) > 200:
        raise InvalidInput("Say what the comment is about (a question, a row, a section or a criterion).")
    return kind, key


def add_comment(
    engine: Engine,
    partnership_id: int,
    *,
    target_kind: str,
    target_key,
    text: str,
    author: Author,
    chapter_id: str = "",
    parent_id: int | None = None,
    session: Session | None = None,
) -> Comment:
    """A new comment, or a reply (``parent_id``). Needs the comment right (not viewers)."""
    kind, key = _check_target(target_kind, target_key)
    body = clean_text(text or "").strip()
    if not re.sub(r"[\s\u200b-\u200d\u2060\ufeff]", "", body):  # nothing visible
        raise InvalidInput("The comment is empty. Write what you want to say, then add it.")
    check_length(body, MAX_COMMENT, "The comment")
    with write_session(engine, session=session) as session:
        if session.get(Partnership, partnership_id) is None:
            raise NotFound("That partnership no longer exists.")
        require_role(session, author, partnership_id, "comment")
        if parent_id is not None:
            parent = session.get(Comment, parent_id)
            if parent is None or parent.partnership_id != partnership_id:
                raise NotFound("The comment you are replying to could not be found.")
            parent_id = parent.parent_id or parent.id  # replies are one level deep
            kind, key, chapter_id = parent.target_kind, parent.target_key, parent.chapter_id
        comment = Comment(
            partnership_id=partnership_id,
            chapter_id=chapter_id[:120],
            target_kind=kind,
            target_key=key,
            parent_id=parent_id,
            text=body,
            author_name=author.name,
            author_agency=author.agency,
            author_user_id=author.user_id,
        )
        session.add(comment)
        record(session, author, "comment", partnership_id=partnership_id, detail=f"{kind} {key}: {body[:200]}")
        session.flush()
        return comment


def set_resolved(
    engine: Engine, partnership_id: int, comment_id: int, resolved: bool = True, *, author: Author, session: Session | None = None
) -> Comment:
    """Resolve a comment (or reopen it). Editors and owners; the comment stays readable."""
    with write_session(engine, session=session) as session:
        require_role(session, author, partnership_id, "edit")
        comment = session.get(Comment, comment_id)
        if comment is None or comment.partnership_id != partnership_id:
            raise NotFound("That comment could not be found.")
        if (comment.resolved_at is not None) != resolved:
            comment.resolved_at = utcnow() if resolved else None
            comment.resolved_by_name = author.name if resolved else None
            comment.resolved_by_user_id = author.user_id if resolved else None
            session.add(comment)
            record(
                session,
                author,
                "comment_resolved" if resolved else "comment_reopened",
                partnership_id=partnership_id,
                detail=f"{comment.target_kind} {comment.target_key}",
            )
        return comment


def threads(
    engine: Engine, partnership_id: int, target_kind: str | None = None, target_key=None, *, session: Session | None = None
) -> list[Thread]:
    """Comments with their replies, oldest first (open and resolved)."""
    with read_session(engine, session=session) as session:
        q = select(Comment).where(Comment.partnership_id == partnership_id)
        if target_kind:
            q = q.where(Comment.target_kind == target_kind)
        if target_key is not None:
            q = q.where(Comment.target_key == str(target_key))
        rows = session.exec(q.order_by(col(Comment.id))).all()
    replies: dict[int, list[Comment]] = {}
    for c in rows:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [Thread(c, replies.get(stored_id(c), [])) for c in rows if c.parent_id is None]


def open_counts(engine: Engine, partnership_id: int, *, session: Session | None = None) -> Counter:
    """Open comments by (kind, key); ``sum(...values())`` is the partnership's open total."""
    with read_session(engine, session=session) as session:
        rows = session.exec(
            select(Comment.target_kind, Comment.target_key).where(
                Comment.partnership_id == partnership_id,
                col(Comment.parent_id).is_(None),
                col(Comment.resolved_at).is_(None),
            )
        ).all()
    return Counter((k, key) for k, key in rows)


def last_changed(engine: Engine, partnership_id: int, *, session: Session | None = None) -> datetime | None:
    with read_session(engine, session=session) as session:
        return session.exec(
            select(Comment.created_at).where(Comment.partnership_id == partnership_id).order_by(col(Comment.id).desc())
        ).first()
