"""interface language: a person's choice of the screens' language, English or Welsh (issue 20)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every existing account keeps English, the default; nothing else of the account table changes.
    with op.batch_alter_table("account") as batch:
        batch.add_column(sa.Column("interface_language", sa.String(length=8), server_default="en", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("account") as batch:
        batch.drop_column("interface_language")
