"""Database tables. Validation happens in the functions that write them, not here:
SQLModel table models do not validate on construction (ENGINEERING.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC (SQLModel stores it as UTC on both databases); shown in UK time."""
    return datetime.now(UTC)


def stored_id(row: SQLModel) -> int:
    """The id of a row that has been stored (flushed or loaded). Table models type ``id`` as
    ``int | None`` because a new row has none until it is stored; this says the row has been."""
    value = getattr(row, "id", None)
    if value is None:
        raise ValueError(f"{type(row).__name__} has not been stored yet, so it has no id")
    return value


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


class AnswerWelsh(SQLModel, table=True):
    """The Welsh version of one free-text answer of a partnership in Wales (issue 20), beside the English
    ``Answer`` of the same prompt. ``english_text`` is the English as it stood when the Welsh was last
    saved: when the English differs from it now, the Welsh is possibly out of date. Revisions use the
    prompt's own id with ``field`` "cy"."""

    __tablename__ = "answer_welsh"
    __table_args__ = (UniqueConstraint("partnership_id", "prompt_id", name="uq_answer_welsh_prompt"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    prompt_id: str = Field(max_length=120)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    english_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)
    updated_by_agency: str = Field(default="", max_length=200)
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
    __table_args__ = (
        Index("ix_revision_target", "partnership_id", "prompt_id", "item_id"),
        Index("ix_revision_latest", "partnership_id", "id"),  # the change stamp (strategy.core.changes)
    )

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
    #: Why the change was made, when a step says so ("agreed at the workshop on 14/03/2027 (23 participants)").
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


# --- The plan (Guide §7, §12): strategic aims -> intended outcomes -> actions, and measures ----------
# Dedicated tables rather than table prompts: the chain has parents, stable codes and checks across
# levels. Each row is version-checked, soft-deleted with undo, and every change writes a Revision
# (prompt_id "plan.aim" / "plan.outcome" / "plan.action" / "plan.measure" / "plan.agency", item_id = row id).
# Codes (A1, A1.O2, A1.O2.3) come from ``seq``, a number per parent that is never reused.


class PlanAim(SQLModel, table=True):
    __tablename__ = "plan_aim"
    __table_args__ = (Index("ix_plan_aim_partnership", "partnership_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    seq: int
    position: int = Field(default=0)
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: Why this aim serves the vision and priorities (the link's rationale).
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: The next outcome number under this aim (never reused, so codes stay stable).
    next_outcome_seq: int = Field(default=1)
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanOutcome(SQLModel, table=True):
    __tablename__ = "plan_outcome"
    __table_args__ = (Index("ix_plan_outcome_aim", "aim_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    aim_id: int = Field(foreign_key="plan_aim.id", ondelete="CASCADE")
    seq: int
    position: int = Field(default=0)
    title: str = Field(sa_column=Column(Text, nullable=False))
    #: Why this outcome leads to its aim.
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    next_action_seq: int = Field(default=1)
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanAction(SQLModel, table=True):
    __tablename__ = "plan_action"
    __table_args__ = (Index("ix_plan_action_outcome", "outcome_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    outcome_id: int = Field(foreign_key="plan_outcome.id", ondelete="CASCADE")
    seq: int
    position: int = Field(default=0)
    title: str = Field(sa_column=Column(Text, nullable=False))
    #: Why this action leads to its outcome.
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: JSON list of agency names (the lead or joint leads).
    leads_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    partners: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    start_date: str | None = Field(default=None, max_length=10)  # ISO
    end_date: str | None = Field(default=None, max_length=10)  # ISO
    #: How the timescale was written where it came from ("2020/21"), kept for the reader.
    when_text: str = Field(default="", max_length=200)
    stage: str = Field(default="", max_length=40)
    component: str = Field(default="", max_length=40)
    #: JSON list of recommendation ids (rec1..rec6).
    recommendations_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    status: str = Field(default="not_started", max_length=40)
    #: Where the action came from: "", "component:prevention", "import", "snapshot recommendation 3"...
    origin: str = Field(default="", max_length=200)
    #: Resources (Guide §12): the cost in pence (None: not given), who funds it, and the staff time as written.
    cost_pence: int | None = None
    funding_source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    staff_time: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanMilestone(SQLModel, table=True):
    """A step within an action, with its own due date and status (Guide §12, §15.1)."""

    __tablename__ = "plan_milestone"
    __table_args__ = (Index("ix_plan_milestone_action", "action_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    action_id: int = Field(foreign_key="plan_action.id", ondelete="CASCADE")
    title: str = Field(sa_column=Column(Text, nullable=False))
    due_date: str | None = Field(default=None, max_length=10)  # ISO
    status: str = Field(default="not_started", max_length=20)  # not_started | on_track | at_risk | done
    done_date: str | None = Field(default=None, max_length=10)  # ISO
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanOutput(SQLModel, table=True):
    """An output indicator of one action (Guide §15.1): what it delivers, counted against a target."""

    __tablename__ = "plan_output"
    __table_args__ = (Index("ix_plan_output_action", "action_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    action_id: int = Field(foreign_key="plan_action.id", ondelete="CASCADE")
    title: str = Field(sa_column=Column(Text, nullable=False))
    target: float | None = None
    achieved: float | None = None
    as_at: str | None = Field(default=None, max_length=10)  # ISO: the day "achieved" was counted
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanMeasure(SQLModel, table=True):
    """How one intended outcome will be measured (Guide §7.2)."""

    __tablename__ = "plan_measure"
    __table_args__ = (Index("ix_plan_measure_outcome", "outcome_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    outcome_id: int = Field(foreign_key="plan_outcome.id", ondelete="CASCADE")
    indicator: str = Field(sa_column=Column(Text, nullable=False))
    collection: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    collator: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reporting: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    baseline_value: str = Field(default="", max_length=200)
    baseline_date: str | None = Field(default=None, max_length=10)
    target_value: str = Field(default="", max_length=200)
    target_date: str | None = Field(default=None, max_length=10)
    frequency: str = Field(default="", max_length=40)
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class PlanAgency(SQLModel, table=True):
    """An agency added through the action plan (the rest come from the shared vision chapter)."""

    __tablename__ = "plan_agency"
    __table_args__ = (UniqueConstraint("partnership_id", "name_key", name="uq_plan_agency"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    name_key: str = Field(max_length=800)
    created_at: datetime = Field(default_factory=utcnow)


# --- Where you stand: the system-wide snapshot and thematic audits (issue 8) --------------------
# Every row carries ``version`` (saves are version-checked) and who changed it last; rows people
# remove are soft-deleted (``deleted_at``) or, for statements, retired (``retired_at``).


class SnapshotStatement(SQLModel, table=True):
    """A partnership's own copy of a snapshot statement (starter ones copied on first use)."""

    __tablename__ = "snapshot_statement"
    __table_args__ = (UniqueConstraint("partnership_id", "code", name="uq_snapshot_statement_code"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    code: str = Field(max_length=20)
    domain: str = Field(max_length=40)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    guide: str = Field(default="", max_length=40)
    position: int = Field(default=0)
    retired_at: datetime | None = None
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class Snapshot(SQLModel, table=True):
    """One system-wide snapshot: a strategic session and, usually, a frontline survey."""

    __tablename__ = "snapshot"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    title: str = Field(max_length=200)
    held_on: str = Field(default="", max_length=10)  # ISO date of the strategic session
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class SnapshotRating(SQLModel, table=True):
    """The strategic group's agreed view of one statement in one snapshot."""

    __tablename__ = "snapshot_rating"
    __table_args__ = (UniqueConstraint("snapshot_id", "statement_id", name="uq_snapshot_rating"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    snapshot_id: int = Field(foreign_key="snapshot.id", ondelete="CASCADE", index=True)
    statement_id: int = Field(foreign_key="snapshot_statement.id", ondelete="CASCADE")
    evidence_rating: int | None = None
    progress_rating: int | None = None
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    development: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class SnapshotPersonalRating(SQLModel, table=True):
    """One person's private rating of one statement in the strategic session, kept with the agreed one
    (``SnapshotRating``): each rates privately, the spread is shown, the group agrees (issue 18)."""

    __tablename__ = "snapshot_personal_rating"
    __table_args__ = (UniqueConstraint("snapshot_id", "statement_id", "participant", name="uq_snapshot_personal_rating"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    snapshot_id: int = Field(foreign_key="snapshot.id", ondelete="CASCADE", index=True)
    statement_id: int = Field(foreign_key="snapshot_statement.id", ondelete="CASCADE")
    #: As in a workshop: "account:<id>", or "name:<name>" for the command line and the demo.
    participant: str = Field(max_length=200)
    name: str = Field(default="", max_length=120)
    agency: str = Field(default="", max_length=200)
    evidence_rating: int | None = None
    progress_rating: int | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class SnapshotResponse(SQLModel, table=True):
    """One frontline practitioner's rating of one statement, imported from a survey file."""

    __tablename__ = "snapshot_response"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    snapshot_id: int = Field(foreign_key="snapshot.id", ondelete="CASCADE", index=True)
    statement_id: int = Field(foreign_key="snapshot_statement.id", ondelete="CASCADE")
    respondent: str = Field(default="", max_length=60)
    agency: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    rating: int | None = None
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    #: Set when a later import replaced this response (kept, not deleted).
    deleted_at: datetime | None = None


class SnapshotStrategicResponse(SQLModel, table=True):
    """One senior leader's or manager's answers to the snapshot's strategic professionals' survey,
    imported from a survey file: their agency and role (never their name), each question's rating on
    the progress scale (``answers``, JSON: question code -> 1 to 4 or null) and their comment."""

    __tablename__ = "snapshot_strategic_response"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    snapshot_id: int = Field(foreign_key="snapshot.id", ondelete="CASCADE", index=True)
    agency: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    answers: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    #: Set when a later import replaced this response (kept, not deleted).
    deleted_at: datetime | None = None


class ThematicAudit(SQLModel, table=True):
    """A thematic multi-agency audit: its theme, period, parts, findings and briefing text."""

    __tablename__ = "thematic_audit"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    theme: str = Field(max_length=200)
    period: str = Field(default="", max_length=60)
    parts_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    #: Briefing texts, each a longtext (lists one item per line): see strategy.assessments.audit.TEXT_FIELDS.
    fields_json: str = Field(default="{}", sa_column=Column(Text, nullable=False, server_default="{}"))
    #: The day the audit reported (ISO): the date a count from it is a measure's reading for.
    held_on: str | None = Field(default=None, max_length=10)
    #: The partnership's own factors for this audit, beside the listed ones: JSON [{"id": "own1", "label": ...}].
    factors_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class AuditCase(SQLModel, table=True):
    """One audited child's case, with no identifying details: a reference the partnership chose."""

    __tablename__ = "audit_case"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    audit_id: int = Field(foreign_key="thematic_audit.id", ondelete="CASCADE", index=True)
    reference: str = Field(max_length=40)
    agencies: str = Field(default="", max_length=500)
    grade: str = Field(default="", max_length=40)
    strengths: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    learning: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: The factors present in the case (ids from audit_factors or the audit's own), JSON list; never details.
    factors_json: str = Field(default="[]", sa_column=Column(Text, nullable=False, server_default="[]"))
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class AuditCriterion(SQLModel, table=True):
    """What good looks like in an audit (Guide §15.2), optionally tied to one of the plan's outcomes,
    with how many of the cases audited met it (``met`` of ``audited``)."""

    __tablename__ = "audit_criterion"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    audit_id: int = Field(foreign_key="thematic_audit.id", ondelete="CASCADE", index=True)
    position: int = Field(default=0)
    text: str = Field(sa_column=Column(Text, nullable=False))
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="SET NULL")
    met: int | None = None
    audited: int | None = None
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class AuditSurveyResponse(SQLModel, table=True):
    """One response to a thematic audit's frontline staff survey."""

    __tablename__ = "audit_survey_response"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    audit_id: int = Field(foreign_key="thematic_audit.id", ondelete="CASCADE", index=True)
    agency: str = Field(default="", max_length=200)
    role: str = Field(default="", max_length=200)
    confidence_identify: int | None = None
    confidence_respond: int | None = None
    aware_strategy: bool | None = None
    used_toolkit: bool | None = None
    barrier: str = Field(default="", max_length=40)
    comment: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    #: Set when a later import replaced this response (kept, not deleted).
    deleted_at: datetime | None = None


class Recommendation(SQLModel, table=True):
    """A recommendation from a snapshot or an audit, tracked until it becomes an action and is done.

    ``action_id`` is the action plan's action once converted (no foreign key: the plan is another
    part of the workbook)."""

    __tablename__ = "recommendation"

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    snapshot_id: int | None = Field(default=None, foreign_key="snapshot.id", ondelete="CASCADE")
    audit_id: int | None = Field(default=None, foreign_key="thematic_audit.id", ondelete="CASCADE")
    position: int = Field(default=0)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    domain: str = Field(default="", max_length=40)
    status: str = Field(default="open", max_length=20)  # open | accepted | done
    action_id: int | None = None
    origin: str = Field(default="", max_length=200)
    #: The agency that owns it (one of the partnership's agencies) and when it is due (ISO).
    owner: str = Field(default="", max_length=200)
    due_date: str | None = Field(default=None, max_length=10)
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class RecommendationResponse(SQLModel, table=True):
    """One agency's report back on a recommendation (to the independent chair and scrutineer): what it
    has done, when and who reported it. One per agency per recommendation, version-checked."""

    __tablename__ = "recommendation_response"
    __table_args__ = (UniqueConstraint("recommendation_id", "agency_key", name="uq_recommendation_response_agency"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", ondelete="CASCADE")
    agency: str = Field(max_length=200)
    #: The agency's name folded (case and spaces ignored).
    agency_key: str = Field(max_length=800)
    text: str = Field(sa_column=Column(Text, nullable=False))
    responded_on: str | None = Field(default=None, max_length=10)  # ISO
    responded_by: str = Field(default="", max_length=120)
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


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
    #: Raised by every password change or reset: a browser session signed in under an older value is
    #: signed out at its next click.
    session_epoch: int = Field(default=0)
    #: The language of the screens this person chose: "en" (the default) or "cy" (strategy/core/interface.py).
    interface_language: str = Field(default="en", max_length=8, sa_column_kwargs={"server_default": "en"})


class SignInThrottle(SQLModel, table=True):
    """Failed sign-ins counted per key: a username from one client, a username from anywhere, or one
    client whatever the username (the same for names with no account, so they cannot be told apart)."""

    __tablename__ = "sign_in_throttle"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=400, unique=True)
    #: The username the key is about ('' for a client-wide key): what an administrator's unlock clears.
    username: str = Field(default="", max_length=120, index=True)
    failures: int = Field(default=0)
    last_failed_at: datetime | None = None


class SurveyLink(SQLModel, table=True):
    """A survey answered in the browser without an account (strategy.assessments.survey_links): one per
    survey (``kind`` staff, frontline, strategic or audit; ``target_id`` the snapshot or audit, 0 for the
    staff survey). The link's random token is never stored, only its SHA-256. Open until ``closes_on``
    (a UK day, inclusive) unless ``closed_at`` is set; ``responses`` counts what arrived through it."""

    __tablename__ = "survey_link"
    __table_args__ = (UniqueConstraint("partnership_id", "kind", "target_id", name="uq_survey_link"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    kind: str = Field(max_length=20)
    target_id: int = Field(default=0)
    token_hash: str = Field(max_length=64, unique=True)
    closes_on: date
    closed_at: datetime | None = None
    responses: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    created_by_name: str = Field(default="", max_length=120)
    updated_at: datetime = Field(default_factory=utcnow)


class SurveySubmission(SQLModel, table=True):
    """When a response arrived through a survey link, and from where (a one-way hash of the address,
    or of the browser session where there is none): what the rate limits count, shared by every app
    process. Rows older than an hour are deleted as new ones arrive."""

    __tablename__ = "survey_submission"
    __table_args__ = (Index("ix_survey_submission_link_at", "link_id", "submitted_at"),)

    id: int | None = Field(default=None, primary_key=True)
    link_id: int = Field(foreign_key="survey_link.id", ondelete="CASCADE")
    client_hash: str = Field(max_length=64)
    submitted_at: datetime = Field(default_factory=utcnow)


class BrowserSession(SQLModel, table=True):
    """A browser that stays signed in across a reload: the browser keeps a random token in a cookie,
    the server keeps only its hash with the account and the session epoch it was made under. Useless
    without this row: revoked at sign-out, dead when the account is disabled, its password changes
    (the epoch) or the idle timeout passes since ``last_seen_at``."""

    __tablename__ = "browser_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=128, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True, ondelete="CASCADE")
    session_epoch: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    last_seen_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class SetupCode(SQLModel, table=True):
    """The one-time code that the first-run page asks for before creating the first administrator;
    printed to the server's console and log, stored only as a hash, deleted once used."""

    __tablename__ = "setup_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=128)
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


# --- Strategy periods (Guide §15.4): the link between a period and the one that continues it -------


class PeriodLink(SQLModel, table=True):
    """One strategy period continued by the next (issue 19): each partnership continues at most one and
    is continued by at most one. ``carried`` says, in words, what came across and what did not. It has no
    ``partnership_id`` column, so a backup of either period never carries the link."""

    __tablename__ = "period_link"

    id: int | None = Field(default=None, primary_key=True)
    previous_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", unique=True)
    next_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", unique=True)
    carried: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_name: str = Field(default="", max_length=120)


# --- Review (Guide §13.2): numbered draft versions frozen for reviewers ---------------------------


class DraftVersion(SQLModel, table=True):
    """A numbered draft (v0.1, v0.2...) frozen for review while editing goes on: the partnership's
    content at that moment, in the backup format (docs/backup-format.md) without its history."""

    __tablename__ = "draft_version"
    __table_args__ = (UniqueConstraint("partnership_id", "number", name="uq_draft_version_number"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    number: int
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    content_json: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    created_by_name: str = Field(default="", max_length=120)
    created_by_agency: str = Field(default="", max_length=200)
    created_by_user_id: int | None = None


# --- Delivery (Guide §14-15, issue 7): progress updates on actions and indicator readings -----------
# Append-only history: an update or a reading is never edited in place; a correction is a new update
# (a reading can be removed softly and restored). Revisions use prompt_id "delivery.update" /
# "delivery.reading", item_id = the row id.


class PlanUpdate(SQLModel, table=True):
    """One dated progress update on an action. The action's current status is its latest update."""

    __tablename__ = "plan_update"
    __table_args__ = (Index("ix_plan_update_action", "action_id", "reported_on"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    action_id: int = Field(foreign_key="plan_action.id", ondelete="CASCADE")
    #: progress_statuses id: not_started | on_track | at_risk | off_track | complete | deferred
    status: str = Field(max_length=40)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: The day the update describes (ISO); the "due for an update" list reads this.
    reported_on: str = Field(max_length=10)
    #: Required when status is complete (ISO).
    completed_on: str | None = Field(default=None, max_length=10)
    author_name: str = Field(default="", max_length=120)
    author_agency: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


class MeasureReading(SQLModel, table=True):
    """One value of a measure for one period (a year, a financial year or a quarter)."""

    __tablename__ = "measure_reading"
    __table_args__ = (Index("uq_measure_reading_period", "measure_id", "period_key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    measure_id: int = Field(foreign_key="plan_measure.id", ondelete="CASCADE")
    #: As shown: 2025, 2025/26 or Q2 2025/26.
    period: str = Field(max_length=20)
    #: Unique per measure among live readings; a removed reading's key gains "#<id>" so the period is free again.
    period_key: str = Field(max_length=40)
    #: The first day of the period (ISO), for ordering and charts.
    period_start: str = Field(max_length=10)
    #: A number as text, a published code (c, z, :) kept as written, or words for a measure in words.
    value: str = Field(max_length=200)
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    deleted_at: datetime | None = None
    author_name: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class ImportMapping(SQLModel, table=True):
    """The choices made for a file (sheet, header row, area, columns, filters), saved per partnership
    and offered again for a file from the same source: the same import and the same column names."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("partnership_id", "prompt_id", "source_key", name="uq_import_mapping_source"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    prompt_id: str = Field(max_length=120)
    #: A digest of the file's column names (case, spaces and punctuation ignored).
    source_key: str = Field(max_length=64)
    #: The file it was made for, as the person knows it.
    filename: str = Field(default="", max_length=200)
    options_json: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


# --- Workshop mode (issue 18): a steering group gathers ideas, groups them, votes, agrees -------------
# A workshop belongs to a partnership and a question of the guide. ``participant`` is who someone is
# in the workshop: "account:<id>" for a signed-in account, "name:<name>" for the command line and the
# demo; names stay hidden from everyone else when the workshop is anonymous. Votes are counted per
# theme; one vote per person per theme (a unique constraint), the allowance counted on the person's
# WorkshopParticipant row in one UPDATE (``votes_used < allowance``), so thirty people voting at once
# neither lose a vote nor count one twice.


class Workshop(SQLModel, table=True):
    __tablename__ = "workshop"
    __table_args__ = (UniqueConstraint("partnership_id", "number", name="uq_workshop_number"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    #: 1, 2, 3... per partnership: how people and the command line name it.
    number: int
    title: str = Field(max_length=200)
    #: vision | priorities | aims | outcomes | actions | forms | custom (strategy.workshops.operations.KINDS)
    kind: str = Field(max_length=20)
    #: The question put to the room (the guide's words, or the facilitator's own prompt).
    prompt: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: The aim whose outcomes, or the outcome whose actions, the workshop is about.
    aim_id: int | None = Field(default=None, foreign_key="plan_aim.id", ondelete="SET NULL")
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="SET NULL")
    anonymous: bool = Field(default=False)
    votes_per_person: int = Field(default=3)
    #: ideas | grouping | voting | result | applied
    stage: str = Field(default="ideas", max_length=20)
    revealed: bool = Field(default=False)
    #: The wording agreed for a vision workshop (other kinds agree a wording per theme).
    agreed_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    held_on: str = Field(default="", max_length=10)  # ISO
    applied_at: datetime | None = None
    #: What "into the strategy" wrote, in words.
    applied_summary: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class WorkshopParticipant(SQLModel, table=True):
    """Someone who has added a note or voted, with what they have used of their allowances."""

    __tablename__ = "workshop_participant"
    __table_args__ = (UniqueConstraint("workshop_id", "participant", name="uq_workshop_participant"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE")
    participant: str = Field(max_length=200)
    name: str = Field(default="", max_length=120)
    agency: str = Field(default="", max_length=200)
    notes_added: int = Field(default=0)
    votes_used: int = Field(default=0)
    joined_at: datetime = Field(default_factory=utcnow)


class WorkshopTheme(SQLModel, table=True):
    """A group of notes the facilitator made and named; its agreed wording goes into the strategy."""

    __tablename__ = "workshop_theme"
    __table_args__ = (Index("ix_workshop_theme_workshop", "workshop_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE")
    title: str = Field(max_length=300)
    agreed_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: Left out of what goes into the strategy when False (the room decided against it).
    included: bool = Field(default=True)
    position: int = Field(default=0)
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class WorkshopNote(SQLModel, table=True):
    """One sticky note: one person's idea, in a theme once grouped."""

    __tablename__ = "workshop_note"
    __table_args__ = (Index("ix_workshop_note_workshop", "workshop_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE")
    theme_id: int | None = Field(default=None, foreign_key="workshop_theme.id", ondelete="SET NULL")
    text: str = Field(sa_column=Column(Text, nullable=False))
    participant: str = Field(max_length=200)
    author_name: str = Field(default="", max_length=120)
    author_agency: str = Field(default="", max_length=200)
    deleted_at: datetime | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class WorkshopVote(SQLModel, table=True):
    """One dot on one theme by one person (at most one each per theme)."""

    __tablename__ = "workshop_vote"
    __table_args__ = (UniqueConstraint("theme_id", "participant", name="uq_workshop_vote"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    workshop_id: int = Field(foreign_key="workshop.id", ondelete="CASCADE", index=True)
    theme_id: int = Field(foreign_key="workshop_theme.id", ondelete="CASCADE")
    participant: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=utcnow)


# --- The chain from evidence to plan (issue 19) -------------------------------------------------
# Endorsements by each partner (Guide §13.2), the decisions taken on suggestions drawn from the
# evidence, and the links between the plan and the evidence. Revisions use prompt_id
# "finalise.endorsement" / "chain.suggestion" / "chain.link", item_id = the row id.


class Endorsement(SQLModel, table=True):
    """One agency's endorsement of the strategy: who, their role, when, and the decision."""

    __tablename__ = "endorsement"
    __table_args__ = (UniqueConstraint("partnership_id", "agency_key", name="uq_endorsement_agency"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    agency: str = Field(max_length=200)
    #: The agency's name folded (case and spaces ignored): one endorsement per agency.
    agency_key: str = Field(max_length=800)
    name: str = Field(default="", max_length=120)
    role: str = Field(default="", max_length=200)
    endorsed_on: str | None = Field(default=None, max_length=10)  # ISO
    #: endorsed | with_comments | not_yet
    decision: str = Field(default="not_yet", max_length=20)
    comments: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class SuggestionDecision(SQLModel, table=True):
    """What the partnership decided about one suggestion drawn from the evidence: accepted (and what
    it became) or dismissed (and why). One decision per suggestion, so nothing is created twice."""

    __tablename__ = "suggestion_decision"
    __table_args__ = (UniqueConstraint("partnership_id", "key", name="uq_suggestion_decision_key"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    key: str = Field(max_length=400)
    #: accepted | dismissed
    status: str = Field(max_length=20)
    #: aim | outcome | measure: what the suggestion proposed.
    kind: str = Field(max_length=20)
    #: The words accepted (after any edit), or the suggestion's words when dismissed.
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    #: The evidence it came from, in words, as it stood when the decision was taken.
    evidence: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    aim_id: int | None = Field(default=None, foreign_key="plan_aim.id", ondelete="SET NULL")
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="SET NULL")
    measure_id: int | None = Field(default=None, foreign_key="plan_measure.id", ondelete="SET NULL")
    created_at: datetime = Field(default_factory=utcnow)
    author_name: str = Field(default="", max_length=120)


class EvidenceLink(SQLModel, table=True):
    """A link from the plan to what it answers: an aim to a priority (``role`` "priority", ``item_id``
    the priority's row), an aim, outcome or measure to a finding in the evidence (``role`` "evidence",
    ``evidence_key``), or a measure's baseline to a recorded figure (``role`` "baseline", ``item_id``
    the figure's row, with the year, value as written and source as they were when linked)."""

    __tablename__ = "evidence_link"
    __table_args__ = (Index("ix_evidence_link_partnership", "partnership_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    role: str = Field(max_length=20)
    aim_id: int | None = Field(default=None, foreign_key="plan_aim.id", ondelete="CASCADE")
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="CASCADE")
    measure_id: int | None = Field(default=None, foreign_key="plan_measure.id", ondelete="CASCADE")
    item_id: int | None = Field(default=None, foreign_key="item.id", ondelete="CASCADE")
    evidence_key: str = Field(default="", max_length=400)
    #: What the evidence said when linked, so a link whose evidence has gone still reads.
    label: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    period: str = Field(default="", max_length=40)
    value: str = Field(default="", max_length=200)
    source: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    created_by_name: str = Field(default="", max_length=120)


# --- A record of involvement: "you said, we did" (issue 21; Guide §3.1, §10.2) ---------------------
# Each engagement with children, young people or adult victims and survivors, and what changed in
# the plan because of it. Never a child's identity: the group is described, never named. Revisions
# use prompt_id "involvement.engagement" / "involvement.change", item_id = the row id.


class Engagement(SQLModel, table=True):
    """One engagement: when, whose voices, with whom (a group described), how, the safeguards and
    support offered, the payment or thanks, and what was heard."""

    __tablename__ = "engagement"
    __table_args__ = (Index("ix_engagement_partnership", "partnership_id", "held_on"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE")
    held_on: str = Field(max_length=10)  # ISO
    #: children | survivors | families (data/reference/involvement_voices.yaml)
    voices: str = Field(max_length=20)
    #: A description of the group ("young people's advisory group, 14 to 17"), never a person.
    group: str = Field(max_length=300)
    #: workshop | survey | one_to_one | partner | other (data/reference/involvement_methods.yaml)
    method: str = Field(max_length=20)
    method_detail: str = Field(default="", max_length=300)
    safeguards: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    thanks: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    heard: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


class EngagementChange(SQLModel, table=True):
    """What changed because of an engagement: a link to one aim, outcome or action of the plan (chosen,
    not retyped) with a short note. The plan's rows are only ever soft-deleted, so a link to a removed
    aim stays and shows it as removed; restoring the aim restores the link."""

    __tablename__ = "engagement_change"
    __table_args__ = (Index("ix_engagement_change_engagement", "engagement_id"),)

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    engagement_id: int = Field(foreign_key="engagement.id", ondelete="CASCADE")
    #: aim | outcome | action
    kind: str = Field(max_length=10)
    aim_id: int | None = Field(default=None, foreign_key="plan_aim.id", ondelete="CASCADE")
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="CASCADE")
    action_id: int | None = Field(default=None, foreign_key="plan_action.id", ondelete="CASCADE")
    note: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)


# --- Welsh titles of the plan (issue 20) ----------------------------------------------------------


class TitleWelsh(SQLModel, table=True):
    """The Welsh title of one strategic priority (a row of ``vision.priorities``), aim, outcome or action,
    for a partnership in Wales. One of ``item_id``, ``aim_id``, ``outcome_id``, ``action_id`` is set (as
    ``kind`` says), each unique, so a title has one Welsh version; ``english_text`` is the English title
    when the Welsh was last saved. Revisions use prompt_id "welsh.title", item_id = this row's id."""

    __tablename__ = "title_welsh"
    __table_args__ = (
        Index("uq_title_welsh_item", "item_id", unique=True),
        Index("uq_title_welsh_aim", "aim_id", unique=True),
        Index("uq_title_welsh_outcome", "outcome_id", unique=True),
        Index("uq_title_welsh_action", "action_id", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    partnership_id: int = Field(foreign_key="partnership.id", ondelete="CASCADE", index=True)
    #: priority | aim | outcome | action
    kind: str = Field(max_length=20)
    item_id: int | None = Field(default=None, foreign_key="item.id", ondelete="CASCADE")
    aim_id: int | None = Field(default=None, foreign_key="plan_aim.id", ondelete="CASCADE")
    outcome_id: int | None = Field(default=None, foreign_key="plan_outcome.id", ondelete="CASCADE")
    action_id: int | None = Field(default=None, foreign_key="plan_action.id", ondelete="CASCADE")
    title: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    english_text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    version: int = Field(default=1)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by_name: str = Field(default="", max_length=120)
