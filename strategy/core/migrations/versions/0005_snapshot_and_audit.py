"""snapshot and audit: statements, snapshots, ratings, frontline responses, thematic audits, audited
cases, audit survey responses and recommendations (issue 8)

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "snapshot_statement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("guide", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "code", name="uq_snapshot_statement_code"),
    )
    with op.batch_alter_table("snapshot_statement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_statement_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "thematic_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("theme", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=60), nullable=False),
        sa.Column("parts_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("fields_json", sa.Text(), server_default="{}", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("thematic_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_thematic_audit_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "audit_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("agencies", sa.String(length=500), nullable=False),
        sa.Column("grade", sa.String(length=40), nullable=False),
        sa.Column("strengths", sa.Text(), server_default="", nullable=False),
        sa.Column("learning", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["thematic_audit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_case_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "audit_survey_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("confidence_identify", sa.Integer(), nullable=True),
        sa.Column("confidence_respond", sa.Integer(), nullable=True),
        sa.Column("aware_strategy", sa.Boolean(), nullable=True),
        sa.Column("used_toolkit", sa.Boolean(), nullable=True),
        sa.Column("barrier", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["audit_id"], ["thematic_audit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_survey_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_survey_response_audit_id"), ["audit_id"], unique=False)

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=True),
        sa.Column("audit_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("domain", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["audit_id"], ["thematic_audit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_partnership_id"), ["partnership_id"], unique=False)

    op.create_table(
        "snapshot_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("evidence_rating", sa.Integer(), nullable=True),
        sa.Column("progress_rating", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("strengths", sa.Text(), server_default="", nullable=False),
        sa.Column("development", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["snapshot_statement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("snapshot_id", "statement_id", name="uq_snapshot_rating"),
    )
    with op.batch_alter_table("snapshot_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_rating_snapshot_id"), ["snapshot_id"], unique=False)

    op.create_table(
        "snapshot_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(length=60), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["snapshot_id"], ["snapshot.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["statement_id"], ["snapshot_statement.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("snapshot_response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_snapshot_response_snapshot_id"), ["snapshot_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("snapshot_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_response_snapshot_id"))

    op.drop_table("snapshot_response")
    with op.batch_alter_table("snapshot_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_rating_snapshot_id"))

    op.drop_table("snapshot_rating")
    with op.batch_alter_table("recommendation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recommendation_partnership_id"))

    op.drop_table("recommendation")
    with op.batch_alter_table("audit_survey_response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_survey_response_audit_id"))

    op.drop_table("audit_survey_response")
    with op.batch_alter_table("audit_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_case_audit_id"))

    op.drop_table("audit_case")
    with op.batch_alter_table("thematic_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_thematic_audit_partnership_id"))

    op.drop_table("thematic_audit")
    with op.batch_alter_table("snapshot_statement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_statement_partnership_id"))

    op.drop_table("snapshot_statement")
    with op.batch_alter_table("snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_snapshot_partnership_id"))

    op.drop_table("snapshot")
