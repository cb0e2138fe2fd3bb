"""salary periods per week and per block of weeks (models.salary_periods), so that `since=` unites a few parts
rather than one per week; rebuilt at the next upkeep (summaries recomputed whole, served live until then)

Revision ID: 5ea190987475
Revises: 512dc6e95b5a
Create Date: 2026-12-04 19:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "5ea190987475"
down_revision: str | None = "512dc6e95b5a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEYS = ("category", "seniority", "country", "remote")


def _periods(span: tuple[str, ...], *columns: sa.Column[object]) -> None:
    op.create_table(
        "salary_periods",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("seniority", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("remote", sa.String(length=10), nullable=False),
        *columns,
        sa.Column("clean", sa.LargeBinary(), nullable=False),
        sa.Column("flagged", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint(*KEYS, *span, name=op.f("pk_salary_periods")),
    )


def _rebuild() -> None:
    op.execute("DELETE FROM summary_states")
    op.execute(
        "INSERT INTO summary_dirty (category) SELECT DISTINCT category FROM postings "
        "WHERE annual_usd_mid IS NOT NULL AND duplicate_of IS NULL"
    )


def upgrade() -> None:
    op.drop_table("salary_periods")
    _periods(
        ("weeks", "start"),
        sa.Column("weeks", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
    )
    _rebuild()


def downgrade() -> None:
    op.drop_table("salary_periods")
    _periods(("week",), sa.Column("week", sa.Date(), nullable=False))
    _rebuild()
