"""api index: a page of a category's open jobs, its common filters read from the index

The page's ids come from an index-only scan (country, seniority and remote are included, so a filter on
them reads no table row); only the page's own rows are then fetched. Partial: open representatives only.

Revision ID: 9a4e2c7b1d63
Revises: 5a8c2e7d1f34
Create Date: 2026-12-04 14:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "9a4e2c7b1d63"
down_revision: str | None = "5a8c2e7d1f34"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_REPRESENTATIVES = "closed_at IS NULL AND duplicate_of IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_postings_open_category_page",
        "postings",
        ["category", "first_seen", "id"],
        unique=False,
        postgresql_include=["countries", "seniority", "remote"],
        postgresql_where=sa.text(OPEN_REPRESENTATIVES),
        sqlite_where=sa.text(OPEN_REPRESENTATIVES),
    )


def downgrade() -> None:
    op.drop_index("ix_postings_open_category_page", table_name="postings")
