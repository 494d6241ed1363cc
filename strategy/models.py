"""Database tables. Validation happens in the functions that write them, not here:
SQLModel table models do not validate on construction (ENGINEERING.md)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC (SQLModel stores it as UTC on both databases); shown in UK time."""
    return datetime.now(UTC)


class Partnership(SQLModel, table=True):
    __tablename__ = "partnership"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    #: The name folded for uniqueness: case, surrounding and repeated spaces ignored.
    name_key: str = Field(max_length=480, unique=True)  # casefold can lengthen a name ("ß" -> "ss")
    nation: str = Field(max_length=16)  # "england" | "wales"
    areas: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    period_start: int | None = None
    period_end: int | None = None
    archived: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """The current text of one prompt for one partnership. ``version`` guards lost updates."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("partnership_id", "prompt_id", name="uq_answer_prompt"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    prompt_id: str = Field(max_length=120)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)
    updated_by_agency: str = Field(default="", max_length=200)
    #: Filled once accounts exist; names stay, so history needs no migration.
    updated_by_user_id: int | None = None


class Item(SQLModel, table=True):
    """One row of a table prompt (a steering group member, a priority...). Values are JSON."""

    __tablename__ = "item"
    __table_args__ = (
        Index("ix_item_list", "partnership_id", "prompt_id", "position"),
        # A grid's fixed row exists once; rows people add (row_key NULL) are not limited.
        Index("uq_item_grid_row", "partnership_id", "prompt_id", "row_key", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    prompt_id: str = Field(max_length=120)
    position: int = Field(default=0)
    #: For a grid: which fixed row this is (a reference item id, or "group|support").
    row_key: str | None = Field(default=None, max_length=200)
    values_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    version: int = Field(default=1)
    #: Deleted rows are kept (and can be restored) until the partnership is deleted.
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)
    updated_by_agency: str = Field(default="", max_length=200)
    updated_by_user_id: int | None = None


class Revision(SQLModel, table=True):
    """Every saved change: who, when, what it was and what it became. Never updated or deleted."""

    __tablename__ = "revision"
    __table_args__ = (Index("ix_revision_target", "partnership_id", "prompt_id", "item_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    prompt_id: str = Field(max_length=120)
    item_id: int | None = None
    field: str | None = Field(default=None, max_length=120)
    #: edit | create | delete | restore | revert | conflict_copy | reorder
    action: str = Field(max_length=20)
    old_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    new_value: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = Field(default_factory=utcnow)
    author_name: str = Field(default="", max_length=120)
    author_agency: str = Field(default="", max_length=200)
    author_user_id: int | None = None


# --- People, roles, comments and the audit log (issue 6) ----------------------------------------

class Account(SQLModel, table=True):
    """A person who signs in. Site administrators manage accounts and can do everything."""

    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    #: Lower-cased, spaces removed: what the person types to sign in.
    username: str = Field(max_length=120, unique=True)
    display_name: str = Field(max_length=120)
    agency: str = Field(default="", max_length=200)
    #: For single sign-on (OpenID Connect): the email the identity provider vouches for, lower-cased.
    email: str | None = Field(default=None, max_length=320, unique=True)
    #: argon2id hash; empty for an account that only signs in through single sign-on.
    password_hash: str = Field(default="", max_length=255)
    is_admin: bool = Field(default=False)
    disabled: bool = Field(default=False)
    failed_sign_ins: int = Field(default=0)
    last_failed_at: datetime | None = None
    last_sign_in_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    """An account's role in one partnership: owner, editor, scrutineer or viewer."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("partnership_id", "account_id", name="uq_membership"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    account_id: int = Field(foreign_key="account.id", ondelete="CASCADE", index=True)
    role: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow)


class Comment(SQLModel, table=True):
    """A comment on anything in a chapter. Replies point at their parent; nothing is deleted,
    resolving only marks it. ``target_kind``/``target_key``: prompt + prompt id, item + item id,
    section + template section number, criterion + criterion id."""

    __tablename__ = "comment"
    __table_args__ = (Index("ix_comment_target", "partnership_id", "target_kind", "target_key"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    chapter_id: str = Field(default="", max_length=120)
    target_kind: str = Field(max_length=20)
    target_key: str = Field(max_length=200)
    parent_id: int | None = Field(default=None, foreign_key="comment.id", ondelete="CASCADE")
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    author_name: str = Field(default="", max_length=120)
    author_agency: str = Field(default="", max_length=200)
    author_user_id: int | None = None
    resolved_at: datetime | None = None
    resolved_by_name: str | None = Field(default=None, max_length=120)
    resolved_by_user_id: int | None = None


class AuditEvent(SQLModel, table=True):
    """Who did what and when: sign-ins, changes, imports, exports, role changes, backups."""

    __tablename__ = "auditevent"
    __table_args__ = (Index("ix_audit_partnership", "partnership_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int | None = Field(default=None, foreign_key="partnership.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow)
    account_id: int | None = None
    actor: str = Field(default="", max_length=200)
    action: str = Field(max_length=40)
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
