"""postings.salary_origin: where the salary was read (a structured value the source states, or text)

Revision ID: 7d3e1a9c4b52
Revises: 3f6c1a9e2b7d
Create Date: 2026-12-04 11:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "7d3e1a9c4b52"
down_revision: str | None = "3f6c1a9e2b7d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("postings", sa.Column("salary_origin", sa.String(length=10), nullable=True))


def downgrade() -> None:
    op.drop_column("postings", "salary_origin")
