"""audit depth: criteria tied to outcomes, factors per audited case, the audit's date, and each
recommendation's owner, due date and agencies' responses (issue 21)

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs (no table rebuild): every audit, case and recommendation kept as it is.
    op.add_column("thematic_audit", sa.Column("held_on", sa.String(length=10), nullable=True))
    op.add_column("thematic_audit", sa.Column("factors_json", sa.Text(), server_default="[]", nullable=False))
    op.add_column("audit_case", sa.Column("factors_json", sa.Text(), server_default="[]", nullable=False))
    op.add_column("recommendation", sa.Column("owner", sa.String(length=200), server_default="", nullable=False))
    op.add_column("recommendation", sa.Column("due_date", sa.String(length=10), nullable=True))
    op.create_table(
        "audit_criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("met", sa.Integer(), nullable=True),
        sa.Column("audited", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["audit_id"], ["thematic_audit.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_criterion_audit_id", "audit_criterion", ["audit_id"])
    op.create_table(
        "recommendation_response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("agency_key", sa.String(length=800), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("responded_on", sa.String(length=10), nullable=True),
        sa.Column("responded_by", sa.String(length=120), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recommendation_id"], ["recommendation.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("recommendation_id", "agency_key", name="uq_recommendation_response_agency"),
    )
    op.create_index("ix_recommendation_response_partnership_id", "recommendation_response", ["partnership_id"])


def downgrade() -> None:
    op.drop_index("ix_recommendation_response_partnership_id", table_name="recommendation_response")
    op.drop_table("recommendation_response")
    op.drop_index("ix_audit_criterion_audit_id", table_name="audit_criterion")
    op.drop_table("audit_criterion")
    with op.batch_alter_table("recommendation") as batch:
        batch.drop_column("due_date")
        batch.drop_column("owner")
    with op.batch_alter_table("audit_case") as batch:
        batch.drop_column("factors_json")
    with op.batch_alter_table("thematic_audit") as batch:
        batch.drop_column("factors_json")
        batch.drop_column("held_on")
