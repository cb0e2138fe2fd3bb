"""api index: open salaried postings by category and posting date, for salary statistics with `since`

Everything such a statistic reads is included (an index-only scan, no table row): the live path of
`/api/v1/salaries?since=` reads one range per category instead of scanning the table. PostgreSQL only (an
expression key with included columns; SQLite's data is small).

Revision ID: 4b7e2d9c1a85
Revises: 9a4e2c7b1d63
Create Date: 2026-12-04 16:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "4b7e2d9c1a85"
down_revision: str | None = "9a4e2c7b1d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Must equal models.tables.POSTED (copied: a migration must not change when the model does).
POSTED = "COALESCE(posted_at, first_seen)"
OPEN_SALARIED = "annual_usd_mid IS NOT NULL AND duplicate_of IS NULL AND closed_at IS NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_postings_open_salaries_posted",
            "postings",
            [sa.literal_column("category"), sa.literal_column(POSTED)],
            unique=False,
            postgresql_include=[
                "seniority",
                "remote",
                "countries",
                "salary_flagged",
                "annual_usd_mid",
                "posted_at",
                "first_seen",
            ],
            postgresql_where=sa.text(OPEN_SALARIED),
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_postings_open_salaries_posted", table_name="postings")
