"""summary marks name the cells and the time a change reaches (so an upkeep recomputes only those), a covering
index over each category's salaried postings, and open-job counts per category kept by the same triggers

Revision ID: 5a8c2e7d1f34
Revises: 7c3e51a9d2f4
Create Date: 2026-12-04 14:00:00.000000
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import models.types
from alembic import op

revision: str = "5a8c2e7d1f34"
down_revision: str | None = "7c3e51a9d2f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
# What puts a posting in a summary cell; a change to one of these (or to first_seen, closed_at) marks it.
CELL = ("category", "seniority", "remote", "countries")
VALUE = ("annual_usd_mid", "salary_flagged", "duplicate_of", "first_seen")
SALARIED = "annual_usd_mid IS NOT NULL AND duplicate_of IS NULL"
OPEN = "closed_at IS NULL AND duplicate_of IS NULL"


def _pg_marks(rows: str, since: str, where: str = "") -> str:
    """Marks of the salaried postings of a transition table `rows`: one per cell, the earliest `since`."""
    where = f"{rows}.annual_usd_mid IS NOT NULL AND {rows}.duplicate_of IS NULL{where}"
    columns = ", ".join(f"{rows}.{c}" for c in CELL)
    return (
        f"INSERT INTO summary_dirty (category, seniority, remote, countries, since) "
        f"SELECT {columns}, min({since}) FROM {{source}} WHERE {where} GROUP BY {columns};"
    )


def _pg_counts(select: str) -> str:
    return (
        "INSERT INTO category_counts AS c (category, open_jobs) "
        f"SELECT category, sum(delta) FROM ({select}) AS d (category, delta) "
        "GROUP BY category HAVING sum(delta) <> 0 ORDER BY category "
        "ON CONFLICT (category) DO UPDATE SET open_jobs = c.open_jobs + EXCLUDED.open_jobs;"
    )


def _pg_function(name: str, body: str) -> str:
    head = f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$"
    return f"{head}\nBEGIN\n{body}\nRETURN NULL;\nEND $$"


_PAIRS = "new_rows JOIN old_rows ON old_rows.id = new_rows.id"
_CHANGED = (
    f"({', '.join('new_rows.' + c for c in (*CELL, *VALUE, 'closed_at'))}) IS DISTINCT FROM "
    f"({', '.join('old_rows.' + c for c in (*CELL, *VALUE, 'closed_at'))})"
)
_ONLY_CLOSED = (
    f"({', '.join('new_rows.' + c for c in (*CELL, *VALUE))}) IS NOT DISTINCT FROM "
    f"({', '.join('old_rows.' + c for c in (*CELL, *VALUE))})"
)
# A change of closed_at alone changes the buckets after the earlier of the two times; any other change every
# bucket the posting was open in.
_UPDATE_SINCE = (
    f"CASE WHEN {_ONLY_CLOSED} THEN LEAST(old_rows.closed_at, new_rows.closed_at) "
    "ELSE LEAST(old_rows.first_seen, new_rows.first_seen) END"
)


def _open(rows: str) -> str:
    return f"{rows}.closed_at IS NULL AND {rows}.duplicate_of IS NULL"


_PG_INSERT = _pg_function(
    "jobfeed_summary_dirty_insert",
    _pg_marks("new_rows", "new_rows.first_seen").format(source="new_rows")
    + "\n"
    + _pg_counts(f"SELECT category, 1 FROM new_rows WHERE {OPEN}"),
)
_PG_DELETE = _pg_function(
    "jobfeed_summary_dirty_delete",
    _pg_marks("old_rows", "old_rows.first_seen").format(source="old_rows")
    + "\n"
    + _pg_counts(f"SELECT category, -1 FROM old_rows WHERE {OPEN}"),
)
_PG_UPDATE = _pg_function(
    "jobfeed_summary_dirty_update",
    _pg_marks("new_rows", _UPDATE_SINCE, f" AND {_CHANGED}").format(source=_PAIRS)
    + "\n"
    + _pg_marks("old_rows", _UPDATE_SINCE, f" AND {_CHANGED}").format(source=_PAIRS)
    + "\n"
    + _pg_counts(
        f"SELECT new_rows.category, 1 FROM {_PAIRS} WHERE {_open('new_rows')} "
        f"AND NOT ({_open('old_rows')} AND old_rows.category = new_rows.category) "
        f"UNION ALL SELECT old_rows.category, -1 FROM {_PAIRS} WHERE {_open('old_rows')} "
        f"AND NOT ({_open('new_rows')} AND old_rows.category = new_rows.category)"
    ),
)


def _sqlite_mark(row: str, since: str) -> str:
    same = " AND ".join(f"{c} IS {row}.{c}" for c in CELL)
    return (
        f"INSERT INTO summary_dirty (category, seniority, remote, countries, since) "
        f"SELECT {', '.join(f'{row}.{c}' for c in CELL)}, {since} "
        f"WHERE {row}.annual_usd_mid IS NOT NULL AND {row}.duplicate_of IS NULL "
        f"AND NOT EXISTS (SELECT 1 FROM summary_dirty WHERE {same} AND since <= {since});"
    )


def _sqlite_count(row: str, delta: str, unless: str = "") -> str:
    return (
        f"INSERT INTO category_counts (category, open_jobs) SELECT {row}.category, {delta} "
        f"WHERE {_open(row)}{unless} ON CONFLICT (category) DO UPDATE SET open_jobs = open_jobs + ({delta});"
    )


_SQLITE_ONLY_CLOSED = _ONLY_CLOSED.replace("new_rows", "NEW").replace("old_rows", "OLD")
_SQLITE_UPDATE_SINCE = (
    f"CASE WHEN {_SQLITE_ONLY_CLOSED} "
    "THEN min(coalesce(OLD.closed_at, NEW.closed_at), coalesce(NEW.closed_at, OLD.closed_at)) "
    "ELSE min(OLD.first_seen, NEW.first_seen) END"
)


def _sqlite_triggers() -> list[str]:
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in (*CELL, *VALUE, "closed_at"))
    moved = " AND NOT (" + _open("NEW") + " AND OLD.category IS NEW.category)"
    moved_back = " AND NOT (" + _open("OLD") + " AND OLD.category IS NEW.category)"
    return [
        "CREATE TRIGGER trg_postings_summary_insert AFTER INSERT ON postings BEGIN "
        f"{_sqlite_mark('NEW', 'NEW.first_seen')} {_sqlite_count('NEW', '1')} END",
        "CREATE TRIGGER trg_postings_summary_delete AFTER DELETE ON postings BEGIN "
        f"{_sqlite_mark('OLD', 'OLD.first_seen')} {_sqlite_count('OLD', '-1')} END",
        f"CREATE TRIGGER trg_postings_summary_update AFTER UPDATE ON postings WHEN {changed} BEGIN "
        f"{_sqlite_mark('NEW', _SQLITE_UPDATE_SINCE)} {_sqlite_mark('OLD', _SQLITE_UPDATE_SINCE)} "
        f"{_sqlite_count('NEW', '1', moved_back)} {_sqlite_count('OLD', '-1', moved)} END",
    ]


def upgrade() -> None:
    with op.batch_alter_table("summary_dirty") as batch:
        batch.add_column(sa.Column("seniority", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("remote", sa.String(length=10), nullable=True))
        batch.add_column(sa.Column("countries", JSON, nullable=True))
        batch.add_column(sa.Column("since", models.types.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "category_counts",
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("open_jobs", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_category_counts")),
    )
    op.create_index(
        "ix_postings_salary_cells",
        "postings",
        ["category", "seniority", "remote", "annual_usd_mid"],
        unique=False,
        postgresql_include=["countries", "salary_flagged", "first_seen", "closed_at"],
        postgresql_where=sa.text(SALARIED),
        sqlite_where=sa.text(SALARIED),
    )
    if op.get_bind().dialect.name == "postgresql":
        for function in (_PG_INSERT, _PG_DELETE, _PG_UPDATE):
            op.execute(function)
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_postings_summary_{trigger}")
        for statement in _sqlite_triggers():
            op.execute(statement)
    op.execute(
        "INSERT INTO category_counts (category, open_jobs) "
        f"SELECT category, count(*) FROM postings WHERE {OPEN} GROUP BY category"
    )


def _previous_revision() -> ModuleType:
    path = Path(__file__).with_name("20261204_1015_salary_summaries_7c3e91d4a2b8.py")
    spec = importlib.util.spec_from_file_location("salary_summaries_7c3e91d4a2b8", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def downgrade() -> None:
    # back to the previous revision's triggers: whole categories marked, no counts
    previous = _previous_revision()
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        for function in (previous._PG_INSERT, previous._PG_DELETE, previous._PG_UPDATE):
            op.execute(function.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    else:  # SQLite rebuilds summary_dirty below, which a trigger naming it would refuse
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_postings_summary_{trigger}")
    op.drop_index("ix_postings_salary_cells", table_name="postings")
    op.drop_table("category_counts")
    op.execute("DELETE FROM summary_dirty")
    with op.batch_alter_table("summary_dirty") as batch:
        batch.drop_column("since")
        batch.drop_column("countries")
        batch.drop_column("remote")
        batch.drop_column("seniority")
    if not postgres:
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in previous.RELEVANT)
        op.execute(
            "CREATE TRIGGER trg_postings_summary_insert AFTER INSERT ON postings "
            "WHEN NEW.annual_usd_mid IS NOT NULL AND NEW.duplicate_of IS NULL "
            f"BEGIN {previous._sqlite_mark('NEW')} END"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_delete AFTER DELETE ON postings "
            f"WHEN OLD.annual_usd_mid IS NOT NULL BEGIN {previous._sqlite_mark('OLD')} END"
        )
        op.execute(
            "CREATE TRIGGER trg_postings_summary_update AFTER UPDATE ON postings "
            f"WHEN (OLD.annual_usd_mid IS NOT NULL OR NEW.annual_usd_mid IS NOT NULL) AND ({changed}) "
            f"BEGIN {previous._sqlite_mark('NEW')} {previous._sqlite_mark('OLD')} END"
        )
    # every category's summaries recomputed at the next upkeep, as the previous revision marks them
    op.execute(f"INSERT INTO summary_dirty (category) SELECT DISTINCT category FROM postings WHERE {SALARIED}")
