"""salary summaries: per-group statistics and history kept by the pipeline, and the triggers that mark
the categories whose salary-relevant postings changed

Revision ID: 7c3e91d4a2b8
Revises: 7d3e1a9c4b52
Create Date: 2026-12-04 10:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "7c3e91d4a2b8"
down_revision: str | None = "7d3e1a9c4b52"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns a salary statistic or its history reads; a change to any other (last_seen, missed_runs,
# description) leaves the summaries as they are.
RELEVANT = (
    "category",
    "seniority",
    "remote",
    "countries",
    "annual_usd_mid",
    "salary_flagged",
    "closed_at",
    "duplicate_of",
    "first_seen",
)

_PG_INSERT = """
CREATE FUNCTION jobfeed_summary_dirty_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO summary_dirty (category)
    SELECT DISTINCT category FROM new_rows WHERE annual_usd_mid IS NOT NULL AND duplicate_of IS NULL;
    RETURN NULL;
END $$
"""
_PG_DELETE = """
CREATE FUNCTION jobfeed_summary_dirty_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO summary_dirty (category)
    SELECT DISTINCT category FROM old_rows WHERE annual_usd_mid IS NOT NULL;
    RETURN NULL;
END $$
"""
_PG_UPDATE = f"""
CREATE FUNCTION jobfeed_summary_dirty_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO summary_dirty (category)
    SELECT DISTINCT changed.category FROM (
        SELECT n.category AS new_category, o.category AS old_category
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.annual_usd_mid IS NOT NULL OR o.annual_usd_mid IS NOT NULL)
          AND ({", ".join("n." + c for c in RELEVANT)}) IS DISTINCT FROM ({", ".join("o." + c for c in RELEVANT)})
    ) touched CROSS JOIN LATERAL (VALUES (touched.new_category), (touched.old_category)) AS changed (category);
    RETURN NULL;
END $$
"""


def _sqlite_mark(row: str) -> str:
    return (
        f"INSERT INTO summary_dirty (category) SELECT {row}.category "
        f"WHERE NOT EXISTS (SELECT 1 FROM summary_dirty WHERE category = {row}.category);"
    )


def upgrade() -> None:
    op.create_table(
        "salary_summaries",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("seniority", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("remote", sa.String(length=10), nullable=False),
        sa.Column("include_flagged", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("excluded_flagged", sa.Integer(), nullable=False),
        sa.Column("minimum", sa.Float(), nullable=True),
        sa.Column("maximum", sa.Float(), nullable=True),
        sa.Column("p10", sa.Float(), nullable=True),
        sa.Column("p25", sa.Float(), nullable=True),
        sa.Column("p50", sa.Float(), nullable=True),
        sa.Column("p75", sa.Float(), nullable=True),
        sa.Column("p90", sa.Float(), nullable=True),
        sa.Column("histogram", sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql"), nullable=False),
        sa.PrimaryKeyConstraint(
            "category", "seniority", "country", "remote", "include_flagged", name=op.f("pk_salary_summaries")
        ),
    )
    op.create_table(
        "salary_history_points",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("bucket", sa.String(length=10), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("include_flagged", sa.Boolean(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("p25", sa.Float(), nullable=True),
        sa.Column("p50", sa.Float(), nullable=True),
        sa.Column("p75", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint(
            "category", "bucket", "start", "include_flagged", name=op.f("pk_salary_history_points")
        ),
    )
    op.create_table(
        "summary_states",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_summary_states")),
    )
    op.create_table(
        "summary_dirty",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_summary_dirty")),
    )
    op.create_index("ix_summary_dirty_category", "summary_dirty", ["category"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for function in (_PG_INSERT, _PG_DELETE, _PG_UPDATE):
            op.execute(function)
        op.execute(
            "CREATE TRIGGER trg_postings_summary_insert AFTER INSERT ON postings REFERENCING NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_summary_dirty_insert()"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_delete AFTER DELETE ON postings REFERENCING OLD TABLE AS old_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_summary_dirty_delete()"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_update AFTER UPDATE ON postings "
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            "FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_summary_dirty_update()"
        )
    else:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in RELEVANT)
        op.execute(
            "CREATE TRIGGER trg_postings_summary_insert AFTER INSERT ON postings "
            "WHEN NEW.annual_usd_mid IS NOT NULL AND NEW.duplicate_of IS NULL "
            f"BEGIN {_sqlite_mark('NEW')} END"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_delete AFTER DELETE ON postings "
            f"WHEN OLD.annual_usd_mid IS NOT NULL BEGIN {_sqlite_mark('OLD')} END"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_update AFTER UPDATE ON postings "
            f"WHEN (OLD.annual_usd_mid IS NOT NULL OR NEW.annual_usd_mid IS NOT NULL) AND ({changed}) "
            f"BEGIN {_sqlite_mark('NEW')} {_sqlite_mark('OLD')} END"
        )
    # Postings stored before this migration: their categories get summaries at the next upkeep.
    op.execute(
        "INSERT INTO summary_dirty (category) SELECT DISTINCT category FROM postings WHERE annual_usd_mid IS NOT NULL"
    )


def downgrade() -> None:
    for trigger in ("insert", "delete", "update"):
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS trg_postings_summary_{trigger} ON postings")
            op.execute(f"DROP FUNCTION IF EXISTS jobfeed_summary_dirty_{trigger}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS trg_postings_summary_{trigger}")
    op.drop_index("ix_summary_dirty_category", table_name="summary_dirty")
    op.drop_table("summary_dirty")
    op.drop_table("summary_states")
    op.drop_table("salary_history_points")
    op.drop_table("salary_summaries")
