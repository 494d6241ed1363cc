"""involvement: a record of engagements with children, young people and adult victims and survivors,
and what changed in the plan because of each ("you said, we did"; issue 21)

Revision ID: 0015
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.String(length=10), nullable=False),
        sa.Column("voices", sa.String(length=20), nullable=False),
        sa.Column("group", sa.String(length=300), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("method_detail", sa.String(length=300), nullable=False),
        sa.Column("safeguards", sa.Text(), server_default="", nullable=False),
        sa.Column("thanks", sa.Text(), server_default="", nullable=False),
        sa.Column("heard", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_engagement_partnership", "engagement", ["partnership_id", "held_on"])
    op.create_table(
        "engagement_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("engagement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["engagement_id"], ["engagement.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["plan_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_engagement_change_engagement", "engagement_change", ["engagement_id"])
    op.create_index("ix_engagement_change_partnership_id", "engagement_change", ["partnership_id"])


def downgrade() -> None:
    op.drop_index("ix_engagement_change_partnership_id", table_name="engagement_change")
    op.drop_index("ix_engagement_change_engagement", table_name="engagement_change")
    op.drop_table("engagement_change")
    op.drop_index("ix_engagement_partnership", table_name="engagement")
    op.drop_table("engagement")
