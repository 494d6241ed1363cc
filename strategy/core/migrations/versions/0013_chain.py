"""chain: endorsements by each partner, decisions on suggestions drawn from the evidence, and links
from the plan to the priorities, the evidence and recorded figures (issue 19)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "endorsement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=200), nullable=False),
        sa.Column("agency_key", sa.String(length=800), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("endorsed_on", sa.String(length=10), nullable=True),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("comments", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "agency_key", name="uq_endorsement_agency"),
    )
    op.create_index("ix_endorsement_partnership_id", "endorsement", ["partnership_id"])
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), server_default="", nullable=False),
        sa.Column("evidence", sa.Text(), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["measure_id"], ["plan_measure.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "key", name="uq_suggestion_decision_key"),
    )
    op.create_index("ix_suggestion_decision_partnership_id", "suggestion_decision", ["partnership_id"])
    op.create_table(
        "evidence_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("evidence_key", sa.String(length=400), nullable=False),
        sa.Column("label", sa.Text(), server_default="", nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), server_default="", nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["measure_id"], ["plan_measure.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_evidence_link_partnership", "evidence_link", ["partnership_id", "role"])


def downgrade() -> None:
    op.drop_index("ix_evidence_link_partnership", table_name="evidence_link")
    op.drop_table("evidence_link")
    op.drop_index("ix_suggestion_decision_partnership_id", table_name="suggestion_decision")
    op.drop_table("suggestion_decision")
    op.drop_index("ix_endorsement_partnership_id", table_name="endorsement")
    op.drop_table("endorsement")
