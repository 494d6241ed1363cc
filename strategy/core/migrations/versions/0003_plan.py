"""the plan: strategic aims, intended outcomes, actions, measures and the agencies added to the plan

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _stamps() -> list[sa.Column]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
    ]


def _partnership() -> list:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "plan_aim",
        *_partnership(),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("rationale", sa.Text(), server_default="", nullable=False),
        sa.Column("next_outcome_seq", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_aim_partnership", "plan_aim", ["partnership_id", "position"])
    op.create_table(
        "plan_outcome",
        *_partnership(),
        sa.Column("aim_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), server_default="", nullable=False),
        sa.Column("next_action_seq", sa.Integer(), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_outcome_aim", "plan_outcome", ["aim_id", "position"])
    op.create_index("ix_plan_outcome_partnership_id", "plan_outcome", ["partnership_id"])
    op.create_table(
        "plan_action",
        *_partnership(),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), server_default="", nullable=False),
        sa.Column("leads_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("partners", sa.Text(), server_default="", nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("end_date", sa.String(length=10), nullable=True),
        sa.Column("when_text", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=40), nullable=False),
        sa.Column("component", sa.String(length=40), nullable=False),
        sa.Column("recommendations_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("status", sa.String(length=40), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_action_outcome", "plan_action", ["outcome_id", "position"])
    op.create_index("ix_plan_action_partnership_id", "plan_action", ["partnership_id"])
    op.create_table(
        "plan_measure",
        *_partnership(),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("collection", sa.Text(), server_default="", nullable=False),
        sa.Column("collator", sa.Text(), server_default="", nullable=False),
        sa.Column("reporting", sa.Text(), server_default="", nullable=False),
        sa.Column("baseline_value", sa.String(length=200), nullable=False),
        sa.Column("baseline_date", sa.String(length=10), nullable=True),
        sa.Column("target_value", sa.String(length=200), nullable=False),
        sa.Column("target_date", sa.String(length=10), nullable=True),
        sa.Column("frequency", sa.String(length=40), nullable=False),
        *_stamps(),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_plan_measure_outcome", "plan_measure", ["outcome_id"])
    op.create_index("ix_plan_measure_partnership_id", "plan_measure", ["partnership_id"])
    op.create_table(
        "plan_agency",
        *_partnership(),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=800), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "name_key", name="uq_plan_agency"),
    )


def downgrade() -> None:
    op.drop_table("plan_agency")
    for index, table in [
        ("ix_plan_measure_partnership_id", "plan_measure"),
        ("ix_plan_measure_outcome", "plan_measure"),
        ("ix_plan_action_partnership_id", "plan_action"),
        ("ix_plan_action_outcome", "plan_action"),
        ("ix_plan_outcome_partnership_id", "plan_outcome"),
        ("ix_plan_outcome_aim", "plan_outcome"),
        ("ix_plan_aim_partnership", "plan_aim"),
    ]:
        op.drop_index(index, table_name=table)
    for table in ("plan_measure", "plan_action", "plan_outcome", "plan_aim"):
        op.drop_table(table)
