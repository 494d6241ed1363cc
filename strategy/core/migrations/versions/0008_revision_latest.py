"""revision_latest: an index that finds a partnership's latest change at once (the change stamp that
keeps the readiness and language checks until something changes)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_revision_latest", "revision", ["partnership_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_revision_latest", table_name="revision")
