"""host_budgets: one host's politeness budget shared by every process on the database

Revision ID: 3f6c1a9e2b7d
Revises: 7d3f0a91c2b4
Create Date: 2026-12-04 10:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
import models.tables

revision: str = "3f6c1a9e2b7d"
down_revision: str | None = "7d3f0a91c2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "host_budgets",
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("next_start_at", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.Column("held_by", sa.String(length=200), nullable=True),
        sa.Column("held_until", models.tables.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("host", "slot", name=op.f("pk_host_budgets")),
    )


def downgrade() -> None:
    op.drop_table("host_budgets")
