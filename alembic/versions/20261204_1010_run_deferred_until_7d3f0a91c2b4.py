"""scrape_runs.deferred_until: a run the host deferred (Retry-After over the cap) and the time it asked for

Revision ID: 7d3f0a91c2b4
Revises: 5b1e9c2d7a40
Create Date: 2026-12-04 10:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "7d3f0a91c2b4"
down_revision: str | None = "5b1e9c2d7a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("scrape_runs", sa.Column("deferred_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("scrape_runs", "deferred_until")
