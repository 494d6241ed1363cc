"""grid rows: item.row_key, unique per partnership and prompt

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("row_key", sa.String(length=200), nullable=True))
        batch_op.create_index("uq_item_grid_row", ["partnership_id", "prompt_id", "row_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("item", schema=None) as batch_op:
        batch_op.drop_index("uq_item_grid_row")
        batch_op.drop_column("row_key")
