"""salary periods: each summary cell's open salaries per posted week, for `/salaries?since=`, and the triggers
that mark the weeks whose postings changed

A statistic since a time is the union of the weeks after it (stored, sorted) and the part of a week before them
(read live): no scan of every posting since. Marks name (category, week); the summaries' upkeep recomputes those
weeks. Existing summaries are recomputed whole at the next upkeep (their states go: the API computes live until
then), which builds every category's periods.

Revision ID: 512dc6e95b5a
Revises: fb1c2b55fb18
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "512dc6e95b5a"
down_revision: str | None = "fb1c2b55fb18"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What puts an open salaried posting in a cell and a week, or changes its value there.
RELEVANT = (
    "category",
    "seniority",
    "remote",
    "countries",
    "annual_usd_mid",
    "salary_flagged",
    "duplicate_of",
    "closed_at",
    "posted_at",
    "first_seen",
)


def _counted(row: str) -> str:
    return f"{row}.annual_usd_mid IS NOT NULL AND {row}.duplicate_of IS NULL AND {row}.closed_at IS NULL"


def _pg_week(row: str) -> str:  # Monday (UTC) of models.tables.POSTED
    return f"(date_trunc('week', COALESCE({row}.posted_at, {row}.first_seen) AT TIME ZONE 'UTC'))::date"


def _sqlite_week(row: str) -> str:
    """SQLite keeps naive UTC text 'YYYY-MM-DD HH:MM:SS.ffffff'; its day alone is read (date() rounds the time to
    milliseconds: 23:59:59.9999 would be the next day); 'weekday 0' is the next Sunday (or the day itself)."""
    return f"date(substr(COALESCE({row}.posted_at, {row}.first_seen), 1, 10), 'weekday 0', '-6 days')"


def _pg_function(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n{body}\nRETURN NULL;\nEND $$"


def _pg_marks(rows: str) -> str:
    return (
        f"INSERT INTO salary_period_dirty (category, week) "
        f"SELECT DISTINCT {rows}.category, {_pg_week(rows)} FROM {rows} WHERE {_counted(rows)};"
    )


_CHANGED = (
    f"({', '.join('new_rows.' + c for c in RELEVANT)}) IS DISTINCT FROM "
    f"({', '.join('old_rows.' + c for c in RELEVANT)})"
)
_PG_FUNCTIONS = {
    "insert": _pg_function("jobfeed_salary_period_dirty_insert", _pg_marks("new_rows")),
    "delete": _pg_function("jobfeed_salary_period_dirty_delete", _pg_marks("old_rows")),
    "update": _pg_function(
        "jobfeed_salary_period_dirty_update",
        "INSERT INTO salary_period_dirty (category, week) SELECT DISTINCT m.category, m.week "
        "FROM new_rows JOIN old_rows ON old_rows.id = new_rows.id CROSS JOIN LATERAL (VALUES "
        f"(new_rows.category, {_pg_week('new_rows')}, {_counted('new_rows')}), "
        f"(old_rows.category, {_pg_week('old_rows')}, {_counted('old_rows')})) AS m (category, week, counted) "
        f"WHERE m.counted AND {_CHANGED};",
    ),
}
_PG_TRIGGERS = {
    "insert": "AFTER INSERT ON postings REFERENCING NEW TABLE AS new_rows",
    "delete": "AFTER DELETE ON postings REFERENCING OLD TABLE AS old_rows",
    "update": "AFTER UPDATE ON postings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _sqlite_mark(row: str) -> str:
    week = _sqlite_week(row)
    return (
        f"INSERT INTO salary_period_dirty (category, week) SELECT {row}.category, {week} WHERE {_counted(row)} "
        f"AND NOT EXISTS (SELECT 1 FROM salary_period_dirty WHERE category = {row}.category AND week = {week});"
    )


def _sqlite_triggers() -> dict[str, str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in RELEVANT)
    return {
        "insert": f"AFTER INSERT ON postings BEGIN {_sqlite_mark('NEW')} END",
        "delete": f"AFTER DELETE ON postings BEGIN {_sqlite_mark('OLD')} END",
        "update": f"AFTER UPDATE ON postings WHEN {changed} BEGIN {_sqlite_mark('NEW')} {_sqlite_mark('OLD')} END",
    }


def upgrade() -> None:
    op.create_table(
        "salary_periods",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("seniority", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=3), nullable=False),
        sa.Column("remote", sa.String(length=10), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("clean", sa.LargeBinary(), nullable=False),
        sa.Column("flagged", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("category", "seniority", "country", "remote", "week", name=op.f("pk_salary_periods")),
    )
    op.create_table(
        "salary_period_dirty",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_salary_period_dirty")),
    )
    op.create_index("ix_salary_period_dirty_category", "salary_period_dirty", ["category"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        for event, function in _PG_FUNCTIONS.items():
            op.execute(function)
            op.execute(
                f"CREATE TRIGGER trg_postings_salary_period_{event} {_PG_TRIGGERS[event]} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_salary_period_dirty_{event}()"
            )
    else:
        for event, trigger in _sqlite_triggers().items():
            op.execute(f"CREATE TRIGGER trg_postings_salary_period_{event} {trigger}")
    # Summaries computed before: recomputed whole (periods included) at the next upkeep, served live until then.
    op.execute("DELETE FROM summary_states")
    op.execute(
        "INSERT INTO summary_dirty (category) SELECT DISTINCT category FROM postings "
        "WHERE annual_usd_mid IS NOT NULL AND duplicate_of IS NULL"
    )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS trg_postings_salary_period_{event}" + (" ON postings" if postgres else ""))
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS jobfeed_salary_period_dirty_{event}()")
    op.drop_index("ix_salary_period_dirty_category", table_name="salary_period_dirty")
    op.drop_table("salary_period_dirty")
    op.drop_table("salary_periods")
