"""dedup lookup index: postings by apply URL (partial: most postings have none)

Revision ID: 5b1e9c2d7a40
Revises: cad74f7ef525
Create Date: 2026-11-29 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "5b1e9c2d7a40"
down_revision: str | None = "cad74f7ef525"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_postings_apply_url",
        "postings",
        ["apply_url"],
        unique=False,
        postgresql_where=sa.text("apply_url IS NOT NULL"),
        sqlite_where=sa.text("apply_url IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_postings_apply_url", table_name="postings")
