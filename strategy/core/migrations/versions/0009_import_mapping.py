"""import_mapping: the choices made for an imported file, offered again for the same source

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.Column("prompt_id", sa.String(length=120), nullable=False),
        sa.Column("source_key", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("options_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_name", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("partnership_id", "prompt_id", "source_key", name="uq_import_mapping_source"),
    )
    op.create_index("ix_import_mapping_partnership_id", "import_mapping", ["partnership_id"])


def downgrade() -> None:
    op.drop_index("ix_import_mapping_partnership_id", table_name="import_mapping")
    op.drop_table("import_mapping")
