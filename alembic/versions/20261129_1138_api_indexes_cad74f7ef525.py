"""api indexes: newest-first with closed postings, duplicates of a job, full-text search, data version

Revision ID: cad74f7ef525
Revises: e4180d498df9
Create Date: 2026-11-29 11:38:27.604838
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cad74f7ef525"
down_revision: str | None = "e4180d498df9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must equal models.tables.POSTING_SEARCH_VECTOR (copied: a migration must not change when the model does).
SEARCH_VECTOR = "to_tsvector('simple'::regconfig, (title || ' '::text) || COALESCE(company, ''::text))"


def upgrade() -> None:
    op.create_index("ix_postings_duplicate_of", "postings", ["duplicate_of"], unique=False)
    op.create_index("ix_postings_first_seen_id", "postings", ["first_seen", "id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_postings_search", "postings", [sa.literal_column(SEARCH_VECTOR)], unique=False, postgresql_using="gin"
        )
    op.create_index("ix_scrape_runs_finished_at", "scrape_runs", ["finished_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_scrape_runs_finished_at", table_name="scrape_runs")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_postings_search", table_name="postings", postgresql_using="gin")
    op.drop_index("ix_postings_first_seen_id", table_name="postings")
    op.drop_index("ix_postings_duplicate_of", table_name="postings")
