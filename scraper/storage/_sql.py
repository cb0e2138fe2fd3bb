"""SQL helpers of posting storage: key lists in chunks, `IN` as PostgreSQL plans it best, the clock check.

No table knowledge here; the modules of scraper/storage/ build their statements with these.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

import orjson
from sqlalchemy import ColumnElement, Connection, any_, bindparam
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import InstrumentedAttribute

from scraper.storage._transaction import is_postgres

T = TypeVar("T")

# Keeps every IN (...) list well under SQLite's and psycopg's parameter limits.
CHUNK = 900


def chunks(items: Sequence[T] | Collection[T], size: int = CHUNK) -> Iterator[list[T]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def among(
    connection: Connection, column: InstrumentedAttribute[Any], values: list[Any], item_type: Any
) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `= ANY(array)`: one statement text for any length (parsed and planned once)."""
    if is_postgres(connection):
        return column == any_(bindparam(None, values, type_=postgresql.ARRAY(item_type)))
    return column.in_(values)


def json_keys(keys: Iterable[str | int]) -> str:
    """Lookup keys as one JSON array, for PostgreSQL's `json_array_elements_text`: psycopg adapts a list as an
    array element by element in Python (1 ms for a batch's 500 fingerprints, more than the lookup itself), orjson
    encodes it in microseconds. Keys are stored values (models/text.py): no lone surrogate, which JSON refuses."""
    return orjson.dumps(list(keys)).decode()


def require_aware(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError(f"naive datetime {now!r}: pass an aware UTC time")
