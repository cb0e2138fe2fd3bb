"""Job pages and feed items on PostgreSQL with no ORM session and no thread hop: PostgreSQL writes each posting
record's JSON text, the statement of each shape of filters is compiled once (from `page_statement`, the generic
path's) and run on an async psycopg pool, and a page is its records' text spliced, with no parse per record.

The bytes are those of the generic path (`posting_page_json`): the SQL serves each value as `record_values`
does (closed vocabularies, lists, composites) and writes it as orjson does (compact, timestamps, floats). A page
holding a value the SQL cannot serve that way (a list column that is no list: a writer bug; a whole float from
1e16) is rendered by the generic path instead. PostgreSQL only; SQLite keeps the generic path.
"""

from __future__ import annotations

import asyncio
import dataclasses
import re
import typing
from collections import OrderedDict
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from typing import Any

import orjson
from psycopg import AsyncRawCursor
from psycopg_pool import AsyncConnectionPool
from sqlalchemy import Engine, literal_column
from sqlalchemy.dialects.postgresql import psycopg as postgresql_psycopg
from sqlalchemy.orm import Session

from api.cache import DataVersion
from api.cursor import encode_cursor
from api.queries.postings import flag_code_condition, page_statement, page_values
from api.queries.version import VERSION_STATEMENTS, version_of
from models.filters import filter_shape, posting_conditions
from models.posting import RECORD_FIELDS, PostingColumn, RecordField, optional_part
from models.schemas import PostingFilters, PostingOut
from models.tables import Posting

Row = tuple[Any, ...]


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _timestamp(column: str) -> str:
    """A timestamptz as orjson writes an aware UTC datetime: microseconds only when there are some, then Z."""
    utc = f"timezone('UTC', {column})"
    fraction = f"CASE WHEN date_trunc('second', {column}) = {column} THEN '' ELSE to_char({utc}, '.US') END"
    return f"""CASE WHEN {column} IS NOT NULL THEN to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || {fraction} || 'Z' END"""


def _timestamp_json(column: str) -> str:
    return f"""coalesce('"' || {_timestamp(column)} || '"', 'null')"""


# A float8's text is the shortest that reads back, as orjson's, but for whole numbers from 1e16 (PostgreSQL writes
# 3.0768979552546112e+16 where orjson writes 3.076897955254611e+16): those are left to the generic path. Below that
# they differ in notation alone: orjson writes plain digits from 1e-5 up to 1e16 (PostgreSQL from 1e-4 up to 1e15),
# ".0" after a whole number, and no zero padding in a negative exponent (1e-6, where PostgreSQL writes 1e-06).
def float_text(column: str) -> tuple[str, str]:
    """(a float8's JSON text as orjson writes it, the infinities and NaN as null; true where it would differ)."""
    size = f"abs({column})"
    plain = f"({column}::text)::numeric::text"
    text = (
        f"CASE WHEN {column} IS NULL OR NOT {size} < 'Infinity' THEN 'null' "
        f"WHEN {column} = trunc({column}) AND {size} < 1e15 THEN {column}::text || '.0' "
        f"WHEN {size} >= 1e-4 AND {size} < 1e15 THEN {column}::text "
        f"WHEN {size} >= 1e-5 AND {size} < 1e16 THEN CASE WHEN {column} = trunc({column}) THEN {plain} || '.0' "
        f"ELSE {plain} END "
        f"ELSE replace({column}::text, 'e-0', 'e-') END"
    )
    return text, f"{size} >= 1e16 AND {size} < 'Infinity'"


# jsonb writes an array of strings as ["a", "b"]; outside a string '", "' is the separator and inside one a quote
# is always escaped, so dropping its space is orjson's ["a","b"] (strings escaped alike: PostgreSQL's escape_json).
# A member of another type (a writer bug: these columns are written from tuples of str) keeps jsonb's spacing: the
# same JSON value as the generic path's in other bytes. Checking every member for that cost 16% of a page's SQL.
def _strings(column: str) -> str:
    return f"""replace({column}::text, '", "', '","')"""


def _jsonb_list(column: str, item: Any) -> tuple[str, str]:
    """(the JSON text of a list column as `record_values` serves it: a null is [], members outside a closed
    vocabulary or objects' unknown keys are dropped; true where it cannot be served so)."""
    kind = f"jsonb_typeof({column})"
    empty = f"{column} IS NULL OR {kind} = 'null'"
    not_a_list = f"NOT ({empty} OR {kind} = 'array')"
    if isinstance(item, type) and issubclass(item, Enum):
        members = _quoted(orjson.dumps([member.value for member in item]).decode()) + "::jsonb"
        value = f"CASE WHEN {empty} THEN '[]' ELSE {_strings(column)} END"
        return value, f"NOT ({empty} OR ({kind} = 'array' AND {column} <@ {members}))"
    if dataclasses.is_dataclass(item):
        names = [f.name for f in dataclasses.fields(item)]
        members = _members([(name, f"coalesce((e -> {_quoted(name)})::text, 'null')") for name in names])
        objects = (
            f"(SELECT coalesce('[' || string_agg({members}, ',' ORDER BY n) || ']', '[]') FROM "
            f"jsonb_array_elements({column}) WITH ORDINALITY AS x(e, n) WHERE jsonb_typeof(e) = 'object')"
        )
        return f"CASE WHEN {empty} OR {column} = '[]'::jsonb THEN '[]' ELSE {objects} END", not_a_list
    return f"CASE WHEN {empty} THEN '[]' ELSE {_strings(column)} END", not_a_list


def _value(column: PostingColumn) -> tuple[str, str | None]:
    """(SQL of one column's JSON text, SQL that is true where it cannot be served so) for a column of postings."""
    name = f"postings.{column.name}"
    kind, _ = optional_part(column.annotation)
    if typing.get_origin(kind) is tuple:
        return _jsonb_list(name, typing.get_args(kind)[0])
    if isinstance(kind, type) and issubclass(kind, Enum):
        members = ", ".join(_quoted(member.value) for member in kind)
        return f"CASE WHEN {name} IN ({members}) THEN to_json({name})::text ELSE 'null' END", None
    if kind is float:
        return float_text(name)
    if kind is datetime:
        return _timestamp_json(name), None
    if kind in (str, bool):
        return f"coalesce(to_json({name})::text, 'null')", None
    if kind is int:
        return f"coalesce({name}::text, 'null')", None
    raise TypeError(f"no JSON of PostgreSQL for column {column.name} of type {column.annotation}")


def _members(parts: list[tuple[str, str]]) -> str:
    """A JSON object's text from (key, its value's JSON text, never null) in order, as orjson writes it."""
    pieces = [
        _quoted(("," if n else "{") + orjson.dumps(key).decode() + ":") + ", " + v for n, (key, v) in enumerate(parts)
    ]
    return f"concat({', '.join(pieces)}, '}}')"


def _field(field: RecordField) -> tuple[str, list[str]]:
    if field.spec.key:
        return f"to_json(postings.{field.name})::text", []
    if not field.composite:
        value, odd = _value(field.columns[0])
        return value, [odd] if odd else []
    parts: list[tuple[str, str]] = []
    unserved: list[str] = []
    for column in field.columns:
        value, odd = _value(column)
        parts.append((column.field, value))
        unserved += [odd] if odd else []
    built = _members(parts)
    if optional_part(field.annotation)[1]:
        present = ", ".join(
            f"NULLIF(postings.{c.name}, 'null'::jsonb)" if c.is_list else f"postings.{c.name}" for c in field.columns
        )
        built = f"CASE WHEN num_nonnulls({present}) > 0 THEN {built} ELSE 'null' END"
    return built, unserved


def _record_sql() -> tuple[str, str]:
    """(the record's JSON text in the schema's key order, as orjson writes it; true where the generic path must
    render the page)."""
    fields = {field.name: field for field in RECORD_FIELDS if field.spec.api == "record"}
    # every source that lists the job, distinct and sorted by code point, as `page_sources` gives them
    sources = (
        "SELECT array_to_json(array_agg(DISTINCT listed.source ORDER BY listed.source))::text FROM (SELECT "
        'postings.source::text COLLATE "C" UNION ALL SELECT duplicate.source::text COLLATE "C" FROM postings AS '
        "duplicate WHERE duplicate.duplicate_of = postings.id) AS listed(source)"
    )
    extra = {
        "id": "postings.id::text",
        "sources": f"({sources})",
        "first_seen": _timestamp_json("postings.first_seen"),
        "last_seen": _timestamp_json("postings.last_seen"),
        "closed_at": _timestamp_json("postings.closed_at"),
    }
    parts, unserved = [], []
    for key in PostingOut.model_fields:
        if key in extra:
            value = extra[key]
        else:
            value, odd = _field(fields[key])
            unserved += odd
        parts.append((key, value))
    return _members(parts), " OR ".join(f"({odd})" for odd in unserved) or "false"


RECORD_JSON, UNSERVED = _record_sql()
_DIALECT = postgresql_psycopg.dialect(paramstyle="numeric_dollar")  # type: ignore[no-untyped-call]
_MAX_SHAPES = 512
_ENGINE_URL_PREFIX = re.compile(r"^postgresql\+psycopg")


class PageStatements:
    """The SQL of a page (or a feed) of each shape of filters, compiled once from `page_statement`."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._compiled: OrderedDict[tuple[Any, ...], tuple[str, tuple[str, ...]]] = OrderedDict()

    def sql(
        self, filters: PostingFilters, *, description: bool = False, flagged_only: bool = False, flag_code: bool = False
    ) -> tuple[str, tuple[str, ...]]:
        """(SQL with $n placeholders, the bind names in their order) of a page of `filters`' shape."""
        shape = (filter_shape(filters), filters.cursor is not None, description, flagged_only, flag_code)
        found = self._compiled.get(shape)
        if found is None:
            found = self._compiled[shape] = self._compile(filters, description, flagged_only, flag_code)
            while len(self._compiled) > _MAX_SHAPES:
                self._compiled.popitem(last=False)
        return found

    def _compile(
        self, filters: PostingFilters, description: bool, flagged_only: bool, flag_code: bool
    ) -> tuple[str, tuple[str, ...]]:
        columns: list[Any] = [
            literal_column(RECORD_JSON).label("record"),
            literal_column(UNSERVED).label("unserved"),
            Posting.first_seen,
            Posting.id,
        ]
        if description:
            columns.append(Posting.description_html)
        with Session(self._engine) as session:  # for its dialect: nothing is read
            conditions = posting_conditions(session, filters)
            if flagged_only:
                conditions.append(Posting.flagged.is_(True))
            if flag_code:
                conditions.append(flag_code_condition(session))
            compiled = page_statement(session, filters, conditions, columns=columns).compile(dialect=_DIALECT)
        names = tuple(compiled.positiontup or ())
        return compiled.string, names


async def page_rows(
    pool: AsyncConnectionPool[Any], statements: PageStatements, filters: PostingFilters, **shape: Any
) -> list[Row] | None:
    """The rows of a page: (record JSON, unserved, first_seen, id[, description]); None when a row holds a value
    only the generic path serves."""
    sql, names = statements.sql(filters, **{k: bool(v) for k, v in shape.items()})
    values = page_values(filters)
    if shape.get("flag_code"):
        values["flag_code"] = shape["flag_code"]
    # Prepared (no planning per page) but for a search: how many postings its words match decides its plan, so
    # it is planned with its own words every time (DESIGN.md section 8: a kept plan of a search was 50x slower).
    prepare = filters.q is None
    async with pool.connection() as connection:
        cursor = await connection.execute(sql, [values[name] for name in names], prepare=prepare)
        rows = await cursor.fetchall()
    if any(row[1] for row in rows):
        return None
    return list(rows)


def records(rows: Sequence[Row]) -> list[dict[str, Any]]:
    """The posting records of rows, as `record_fields` builds them but for timestamps (orjson's text of them)."""
    items: list[dict[str, Any]] = orjson.loads("[" + ",".join(row[0] for row in rows) + "]")
    return items


def page_json(rows: Sequence[Row], limit: int) -> bytes:
    """The page's JSON from its `limit + 1` rows, as `posting_page_json` writes it: the records' text as
    PostgreSQL wrote it, spliced (no parse and no write per record)."""
    next_cursor = encode_cursor(rows[limit - 1][2], rows[limit - 1][3]) if len(rows) > limit else None
    items = ",".join(row[0] for row in rows[:limit]).encode()
    return b'{"items":[' + items + b'],"next_cursor":' + orjson.dumps(next_cursor) + b"}"


class Pages:
    """The PostgreSQL path of an app's pages and feeds: its pool (opened by the app's lifespan) and statements."""

    def __init__(self, engine: Engine, *, connections: int) -> None:
        self.pool = _pool(engine.url.render_as_string(hide_password=False), max_size=connections)
        self.statements = PageStatements(engine)
        self._reading: asyncio.Future[DataVersion] | None = None
        self._version_sql = [
            str(statement.compile(dialect=_DIALECT, compile_kwargs={"literal_binds": True}))
            for statement in VERSION_STATEMENTS
        ]

    async def version(self) -> DataVersion:
        """The data version (`data_version`), read on the pool; requests that ask while it is read share that
        read (each time the cache's version ages out, every request in flight asks at once)."""
        if self._reading is None:
            reading = self._reading = asyncio.ensure_future(self._read_version())
            reading.add_done_callback(lambda _done: setattr(self, "_reading", None))
        return await asyncio.shield(self._reading)

    async def _read_version(self) -> DataVersion:
        async with self.pool.connection() as connection:
            rows = [await (await connection.execute(sql, prepare=True)).fetchone() for sql in self._version_sql]
        return version_of(rows)

    async def rows(self, filters: PostingFilters, **shape: Any) -> list[Row] | None:
        """`page_rows` on this app's pool."""
        return await page_rows(self.pool, self.statements, filters, **shape)


def _pool(url: str, *, max_size: int) -> AsyncConnectionPool[Any]:
    """An async pool of autocommit connections to the database of a SQLAlchemy `url`, not yet open."""
    conninfo = _ENGINE_URL_PREFIX.sub("postgresql", url, count=1)
    return AsyncConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        open=False,
        kwargs={"autocommit": True, "cursor_factory": AsyncRawCursor},
    )
