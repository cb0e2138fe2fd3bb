"""postings.source -> sources.name checked once per statement on PostgreSQL, not once per row

The declared foreign key runs one SPI query per inserted posting (RI_FKey_check_ins): a fifth of the server's
time in a first scrape's COPY of new postings (measured: 100,000 postings in batches of 500 cost 4.9-5.3 s of
backend CPU with it, 3.7-4.2 s without it or with this check). The same rule is kept by triggers: an insert
statement checks the distinct sources of its rows (a transition table) and locks each one FOR KEY SHARE, as the
foreign key locks it, so that a source cannot be deleted under a posting being written; a change of
`postings.source` is checked per row, as before; deleting a source deletes its postings (ON DELETE CASCADE);
renaming or truncating a referenced source is refused. SQLite keeps the declared foreign key (cheap there).

Revision ID: fb1c2b55fb18
Revises: 4b7e2d9c1a85
Create Date: 2026-12-04 16:50:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "fb1c2b55fb18"
down_revision: str | None = "4b7e2d9c1a85"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "fk_postings_source_sources"
# The foreign key's own error: SQLSTATE 23503 (IntegrityError), its name and message.
_VIOLATION = (
    "RAISE EXCEPTION 'insert or update on table \"postings\" violates foreign key constraint \"{c}\"' "
    "USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{c}', TABLE = 'postings', "
    "DETAIL = format('Key (source)=(%s) is not present in table \"sources\".', {key});"
)
_STILL_REFERENCED = (
    "RAISE EXCEPTION 'update or delete on table \"sources\" violates foreign key constraint \"{c}\" "
    "on table \"postings\"' USING ERRCODE = 'foreign_key_violation', CONSTRAINT = '{c}', TABLE = 'sources', "
    "DETAIL = {detail};"
)


def _function(name: str, body: str, declare: str = "") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"{declare}BEGIN\n{body}\nRETURN NULL;\nEND $$"
    )


FUNCTIONS = {
    # the locking subquery stays a subplan (a sublink with FOR KEY SHARE is never made a join): each source
    # found is locked until the transaction ends
    "jobfeed_postings_source_insert": _function(
        "jobfeed_postings_source_insert",
        "SELECT n.source INTO missing FROM (SELECT DISTINCT source FROM new_rows) AS n "
        "WHERE NOT EXISTS (SELECT 1 FROM sources AS s WHERE s.name = n.source FOR KEY SHARE) LIMIT 1;\n"
        f"IF FOUND THEN {_VIOLATION.format(c=CONSTRAINT, key='missing')} END IF;",
        declare="DECLARE missing text;\n",
    ),
    "jobfeed_postings_source_update": _function(
        "jobfeed_postings_source_update",
        "PERFORM 1 FROM sources WHERE name = NEW.source FOR KEY SHARE;\n"
        f"IF NOT FOUND THEN {_VIOLATION.format(c=CONSTRAINT, key='NEW.source')} END IF;",
    ),
    "jobfeed_sources_delete": _function(
        "jobfeed_sources_delete", "DELETE FROM postings WHERE source IN (SELECT name FROM old_rows);"
    ),
    "jobfeed_sources_rename": _function(
        "jobfeed_sources_rename",
        "IF EXISTS (SELECT 1 FROM postings WHERE source = OLD.name) THEN "
        + _STILL_REFERENCED.format(
            c=CONSTRAINT, detail="format('Key (name)=(%s) is still referenced from table \"postings\".', OLD.name)"
        )
        + " END IF;",
    ),
    "jobfeed_sources_truncate": _function(
        "jobfeed_sources_truncate",
        "IF EXISTS (SELECT 1 FROM postings) THEN "
        + _STILL_REFERENCED.format(c=CONSTRAINT, detail="'Truncate table \"postings\" at the same time.'")
        + " END IF;",
    ),
}
TRIGGERS = {
    "trg_postings_source_insert": "AFTER INSERT ON postings REFERENCING NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_postings_source_insert()",
    "trg_postings_source_update": "AFTER UPDATE OF source ON postings "
    "FOR EACH ROW WHEN (OLD.source IS DISTINCT FROM NEW.source) EXECUTE FUNCTION jobfeed_postings_source_update()",
    "trg_sources_delete": "AFTER DELETE ON sources REFERENCING OLD TABLE AS old_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_sources_delete()",
    "trg_sources_rename": "AFTER UPDATE OF name ON sources "
    "FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION jobfeed_sources_rename()",
    "trg_sources_truncate": "AFTER TRUNCATE ON sources FOR EACH STATEMENT EXECUTE FUNCTION jobfeed_sources_truncate()",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for function in FUNCTIONS.values():
        op.execute(function)
    for name, definition in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {definition}")
    op.drop_constraint(CONSTRAINT, "postings", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, definition in TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON {definition.split(' ON ')[1].split()[0]}")
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.create_foreign_key(CONSTRAINT, "postings", "sources", ["source"], ["name"], ondelete="CASCADE")
