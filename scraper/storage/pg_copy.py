"""The PostgreSQL fast path of posting writes: COPY new postings and history rows, stage rewritten ones.

Called inside the caller's transaction (and postings lock) by `upsert_postings`; SQLite never comes here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

import orjson
import psycopg
import psycopg.sql
from sqlalchemy import Connection, String, bindparam, text

from models.posting import JSON_COLUMN_NAMES
from models.types import UTCDateTime
from scraper.storage.rows import CONTENT_COLUMNS, ROW_COLUMNS, TIME_COLUMNS, UnstorableValue

_BATCH_TABLE = "posting_batch"
# Per connection, emptied at each commit; built from `postings` so its column types are the same.
_CREATE_BATCH_TABLE = text(
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {_BATCH_TABLE} ON COMMIT DELETE ROWS AS "
    f"SELECT {', '.join(ROW_COLUMNS)} FROM postings WITH NO DATA"
)
_UPSERT_FROM_BATCH = text(
    f"INSERT INTO postings (source, {', '.join(ROW_COLUMNS)}) "
    f"SELECT :source, {', '.join(ROW_COLUMNS)} FROM {_BATCH_TABLE} "
    "ON CONFLICT (source, external_id) DO UPDATE SET "
    + ", ".join(f"{name} = EXCLUDED.{name}" for name in CONTENT_COLUMNS)
    + ", closed_at = NULL, missed_runs = 0"
).bindparams(bindparam("source", type_=String))
_UTC = UTCDateTime()
_PAYLOAD_POSITION = ROW_COLUMNS.index("payload")
_LIST_POSITIONS = tuple(ROW_COLUMNS.index(name) for name in sorted(JSON_COLUMN_NAMES - {"payload"}))
_TIME_POSITIONS = tuple(ROW_COLUMNS.index(name) for name in sorted(TIME_COLUMNS))


def copy_postings(
    connection: Connection, source: str, *, new: list[dict[str, Any]], rewritten: list[dict[str, Any]]
) -> None:
    """COPY new postings straight into `postings`; COPY rewritten ones into a temporary staging table,
    then one INSERT ... SELECT ... ON CONFLICT DO UPDATE.

    The same rows as multi-row VALUES cost far more in the client than in the server: SQLAlchemy processes
    each of the 36 values of every row and psycopg re-parses a statement text that is new every batch
    (about three quarters of the time of a first scrape). COPY streams the values with neither. A posting
    classified new is absent: every writer of `postings` holds the postings lock (`postings_transaction`),
    and were one not to, the unique (source, external_id) would fail the batch, never duplicate a posting.
    """
    if new:
        rows = ([source, *_row_values(connection, row)] for row in new)
        copy_rows(connection, "postings", ("source", *ROW_COLUMNS), rows)
    if rewritten:
        connection.execute(_CREATE_BATCH_TABLE)
        staged = (_row_values(connection, row) for row in rewritten)
        copy_rows(connection, _BATCH_TABLE, ROW_COLUMNS, staged)
        connection.execute(_UPSERT_FROM_BATCH, {"source": source})


def _row_values(connection: Connection, row: dict[str, Any]) -> list[Any]:
    """A posting row as COPY takes it, each value as the column's SQLAlchemy type would have bound it."""
    values = [row[name] for name in ROW_COLUMNS]
    try:
        for position in _LIST_POSITIONS:
            values[position] = orjson.dumps(values[position]).decode()  # lists of strings built by posting_row
        # whatever the source found: the stdlib encoder SQLAlchemy's JSONB type uses, with its errors
        values[_PAYLOAD_POSITION] = json.dumps(values[_PAYLOAD_POSITION])
        for position in _TIME_POSITIONS:
            values[position] = _UTC.process_bind_param(values[position], connection.dialect)  # refuses naive ones
    except (TypeError, ValueError) as error:  # as SQLAlchemy's bind processing would have refused them
        raise UnstorableValue(f"posting {row['external_id']!r}: {error}") from error
    return values


def change_values(connection: Connection, change: dict[str, Any]) -> list[Any]:
    """A `posting_changes` row as COPY takes it."""
    return [
        change["posting_id"],
        change["run_id"],
        change["field"],
        json.dumps(change["old"]),
        json.dumps(change["new"]),
        _UTC.process_bind_param(change["changed_at"], connection.dialect),
    ]


def copy_rows(connection: Connection, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows into a table inside the connection's transaction (psycopg 3)."""
    driver = cast("psycopg.Connection[Any]", connection.connection.driver_connection)
    statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg.sql.Identifier(table), psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
