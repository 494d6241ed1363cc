"""welsh answers: the Welsh version of each free-text answer and of each plan title, for partnerships in
Wales (issue 20)

Revision ID: 0017
Revises: 0013
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "answer_welsh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(length=120), nullable=False),
        sa.Column("value", sa.Text(), server_default="", nullable=False),
        sa.Column("english_text", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.Column("updated_by_agency", sa.String(length=200), nullable=False),
        sa.Column("updated_by_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "prompt_id", name="uq_answer_welsh_prompt"),
    )
    op.create_index("ix_answer_welsh_partnership_id", "answer_welsh", ["partnership_id"])
    op.create_table(
        "title_welsh",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("aim_id", sa.Integer(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("english_text", sa.Text(), server_default="", nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["aim_id"], ["plan_aim.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["outcome_id"], ["plan_outcome.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["action_id"], ["plan_action.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_title_welsh_partnership_id", "title_welsh", ["partnership_id"])
    op.create_index("uq_title_welsh_item", "title_welsh", ["item_id"], unique=True)
    op.create_index("uq_title_welsh_aim", "title_welsh", ["aim_id"], unique=True)
    op.create_index("uq_title_welsh_outcome", "title_welsh", ["outcome_id"], unique=True)
    op.create_index("uq_title_welsh_action", "title_welsh", ["action_id"], unique=True)


def downgrade() -> None:
    for name in ("uq_title_welsh_action", "uq_title_welsh_outcome", "uq_title_welsh_aim", "uq_title_welsh_item", "ix_title_welsh_partnership_id"):
        op.drop_index(name, table_name="title_welsh")
    op.drop_table("title_welsh")
    op.drop_index("ix_answer_welsh_partnership_id", table_name="answer_welsh")
    op.drop_table("answer_welsh")
