"""The PostgreSQL fast path of posting writes: COPY new postings and history rows, stage rewritten ones.

Called inside the caller's transaction (and postings lock) by `upsert_postings`; SQLite never comes here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import orjson
import psycopg
import psycopg.sql
from sqlalchemy import Connection, String, bindparam, text

from models.db import driver_connection
from models.posting import JSON_COLUMN_NAMES
from models.records import NormalizedPosting
from models.types import UTCDateTime
from scraper.storage.rows import CONTENT_COLUMNS, ROW_COLUMNS, TIME_COLUMNS, UnstorableValue, storable_row

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
# what orjson would encode and the stdlib refuses (or encodes otherwise) goes to the stdlib encoder
_AS_STDLIB = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
_PAYLOAD_POSITION = ROW_COLUMNS.index("payload")
_LIST_POSITIONS = tuple(ROW_COLUMNS.index(name) for name in sorted(JSON_COLUMN_NAMES - {"payload"}))
_TIME_POSITIONS = tuple(ROW_COLUMNS.index(name) for name in sorted(TIME_COLUMNS))


def copy_postings(
    connection: Connection,
    source: str,
    *,
    new: list[NormalizedPosting],
    rewritten: list[dict[str, Any]],
    now: datetime,
) -> None:
    """COPY new postings straight into `postings`; COPY rewritten ones into a temporary staging table,
    then one INSERT ... SELECT ... ON CONFLICT DO UPDATE.

    The same rows as multi-row VALUES cost far more in the client than in the server: SQLAlchemy processes
    each of the 36 values of every row and psycopg re-parses a statement text that is new every batch
    (about three quarters of the time of a first scrape). COPY streams the values with neither. A posting
    classified new is absent: every writer of `postings` holds the postings lock (`postings_transaction`),
    and were one not to, the unique (source, external_id) would fail the batch, never duplicate a posting.
    """
    times: dict[datetime, Any] = {}  # a batch's rows share their clock times: each converted once
    if new:
        # each new row is built as COPY takes it: the client builds the next while the server stores this one
        rows = ([source, *_row_values(connection, storable_row(posting, now), times)] for posting in new)
        copy_rows(connection, "postings", ("source", *ROW_COLUMNS), rows)
    if rewritten:
        connection.execute(_CREATE_BATCH_TABLE)
        staged = (_row_values(connection, row, times) for row in rewritten)
        copy_rows(connection, _BATCH_TABLE, ROW_COLUMNS, staged)
        connection.execute(_UPSERT_FROM_BATCH, {"source": source})


def _row_values(connection: Connection, row: dict[str, Any], times: dict[datetime, Any]) -> list[Any]:
    """A posting row as COPY takes it, each value as the column's SQLAlchemy type would have bound it."""
    values = [row[name] for name in ROW_COLUMNS]
    try:
        for position in _LIST_POSITIONS:
            values[position] = orjson.dumps(values[position]).decode()  # lists of strings built by posting_row
        values[_PAYLOAD_POSITION] = _payload_json(values[_PAYLOAD_POSITION])
        for position in _TIME_POSITIONS:
            value = values[position]
            if value is not None:
                if value not in times:  # refuses a naive one (an aware one hashes as its UTC instant)
                    times[value] = _UTC.process_bind_param(value, connection.dialect)
                values[position] = times[value]
    except (TypeError, ValueError) as error:  # as SQLAlchemy's bind processing would have refused them
        raise UnstorableValue(f"posting {row['external_id']!r}: {error}") from error
    return values


def _payload_json(payload: Any) -> str:
    """What the source found, as JSON: orjson where it can (most payloads), else the stdlib encoder that
    SQLAlchemy's JSONB type uses, with its errors (keys of other types than str, integers beyond 64 bits)."""
    try:
        return orjson.dumps(payload, option=_AS_STDLIB).decode()
    except TypeError:
        return json.dumps(payload)


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
    driver = driver_connection(connection)
    statement = psycopg.sql.SQL("COPY {} ({}) FROM STDIN").format(
        psycopg.sql.Identifier(table), psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, columns))
    )
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
