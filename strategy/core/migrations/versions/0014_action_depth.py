"""action depth: resources per action (cost, funding source, staff time), milestones within an action
and output indicators per action (issue 19 "The plan, deeper"; issue 21, Guide §15.1)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _common() -> list:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
    ]


def upgrade() -> None:
    # Added columns are nullable or have a server default, so every existing action keeps its row as it was.
    op.add_column("plan_action", sa.Column("cost_pence", sa.Integer(), nullable=True))
    op.add_column("plan_action", sa.Column("funding_source", sa.Text(), server_default="", nullable=False))
    op.add_column("plan_action", sa.Column("staff_time", sa.Text(), server_default="", nullable=False))
    op.create_table(
        "plan_milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("due_date", sa.String(length=10), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("done_date", sa.String(length=10), nullable=True),
        *_common(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["plan_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_milestone_partnership_id", "plan_milestone", ["partnership_id"])
    op.create_index("ix_plan_milestone_action", "plan_milestone", ["action_id"])
    op.create_table(
        "plan_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("achieved", sa.Float(), nullable=True),
        sa.Column("as_at", sa.String(length=10), nullable=True),
        *_common(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["plan_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_output_partnership_id", "plan_output", ["partnership_id"])
    op.create_index("ix_plan_output_action", "plan_output", ["action_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_output_action", table_name="plan_output")
    op.drop_index("ix_plan_output_partnership_id", table_name="plan_output")
    op.drop_table("plan_output")
    op.drop_index("ix_plan_milestone_action", table_name="plan_milestone")
    op.drop_index("ix_plan_milestone_partnership_id", table_name="plan_milestone")
    op.drop_table("plan_milestone")
    with op.batch_alter_table("plan_action") as batch:
        batch.drop_column("staff_time")
        batch.drop_column("funding_source")
        batch.drop_column("cost_pence")
