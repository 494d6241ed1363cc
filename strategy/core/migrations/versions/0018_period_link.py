"""period link: which strategy period continues which, and what was carried (issue 19)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "period_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=False),
        sa.Column("next_id", sa.Integer(), nullable=False),
        sa.Column("carried", sa.Text(), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["previous_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["next_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("previous_id"),
        sa.UniqueConstraint("next_id"),
    )


def downgrade() -> None:
    op.drop_table("period_link")
