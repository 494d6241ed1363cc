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
