"""workshops: a steering group's live workshop (notes, themes, votes), each person's private rating in
the snapshot's strategic session, and a note on each revision
saying why a change was made ("agreed at the workshop on 14/03/2027 (23 participants)")

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _common(_table: str) -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    ]


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild): every revision kept as it is.
    op.add_column("revision", sa.Column("note", sa.Text(), nullable=True))
    op.create_table(
        "workshop",
        *_common("workshop"),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("prompt", sa.Text(), server_default="", nullable=False),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("votes_per_person", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("agreed_text", sa.Text(), server_default="", nullable=False),
        sa.Column("held_on", sa.String(length=10), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("applied_summary", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="SET NULL"),
        sa.UniqueConstraint("partnership_id", "number", name="uq_workshop_number"),
    )
    op.create_index("ix_workshop_partnership_id", "workshop", ["partnership_id"])
    op.create_table(
        "workshop_participant",
        *_common("workshop_participant"),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("notes_added", sa.Integer(), nullable=False),
        sa.Column("votes_used", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("workshop_id", "participant", name="uq_workshop_participant"),
    )
    op.create_index("ix_workshop_participant_partnership_id", "workshop_participant", ["partnership_id"])
    op.create_table(
        "workshop_theme",
        *_common("workshop_theme"),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("agreed_text", sa.Text(), server_default="", nullable=False),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
    )
    op.create_index("ix_workshop_theme_partnership_id", "workshop_theme", ["partnership_id"])
    op.create_index("ix_workshop_theme_workshop", "workshop_theme", ["workshop_id", "position"])
    op.create_table(
        "workshop_note",
        *_common("workshop_note"),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.Column("author_agency", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["workshop_theme.id"], ondelete="SET NULL"),
    )
    op.create_index("ix_workshop_note_partnership_id", "workshop_note", ["partnership_id"])
    op.create_index("ix_workshop_note_workshop", "workshop_note", ["workshop_id", "id"])
    op.create_table(
        "workshop_vote",
        *_common("workshop_vote"),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workshop_id"], ["workshop.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["theme_id"], ["workshop_theme.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("theme_id", "participant", name="uq_workshop_vote"),
    )
    op.create_index("ix_workshop_vote_partnership_id", "workshop_vote", ["partnership_id"])
    op.create_index("ix_workshop_vote_workshop_id", "workshop_vote", ["workshop_id"])
    op.create_table(
        "snapshot_personal_rating",
        *_common("snapshot_personal_rating"),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("evidence_rating", sa.Integer(), nullable=True),
        sa.Column("progress_rating", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["snapshot_statement.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("snapshot_id", "statement_id", "participant", name="uq_snapshot_personal_rating"),
    )
    op.create_index("ix_snapshot_personal_rating_partnership_id", "snapshot_personal_rating", ["partnership_id"])
    op.create_index("ix_snapshot_personal_rating_snapshot_id", "snapshot_personal_rating", ["snapshot_id"])


def downgrade() -> None:
    for table in ("snapshot_personal_rating", "workshop_vote", "workshop_note", "workshop_theme", "workshop_participant", "workshop"):
        op.drop_table(table)
    with op.batch_alter_table("revision") as batch:
        batch.drop_column("note")
