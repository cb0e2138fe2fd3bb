"""Job pages and feed items on PostgreSQL with no ORM session and no thread hop: PostgreSQL writes each posting
record's JSON, and the statement of each shape of filters is compiled once (from `page_statement`, the generic
path's) and run on an async psycopg pool.

The bytes are those of the generic path (`posting_page_json`): the SQL serves each value as `record_values`
does (closed vocabularies, lists, composites, timestamps as orjson writes them), and orjson writes the page.
A page holding a value the SQL cannot serve that way (a list column that is no list: a writer bug) is
rendered by the generic path instead. PostgreSQL only; SQLite keeps the generic path.
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


def _float(column: str) -> str:
    """A float8 as a JSON number that reads back as a float (PostgreSQL writes 60000.0 as 60000); the infinities
    and NaN as null, as orjson writes them."""
    whole = f"({column}::text || '.0')::json"
    return f"CASE WHEN abs({column}) < 1e15 AND {column} = trunc({column}) THEN {whole} WHEN abs({column}) < 'Infinity' THEN to_json({column}) END"  # noqa: E501


def _jsonb_list(column: str, item: Any) -> tuple[str, str | None]:
    """(the JSON, when it is not served as is) of a list column, as `record_values` serves it: a null is [],
    members outside a closed vocabulary or objects' unknown keys are dropped."""
    kind = f"jsonb_typeof({column})"
    empty = f"{column} IS NULL OR {kind} = 'null'"
    if isinstance(item, type) and issubclass(item, Enum):
        members = _quoted(orjson.dumps([member.value for member in item]).decode()) + "::jsonb"
        value = f"CASE WHEN {empty} THEN '[]'::jsonb ELSE {column} END"
        return value, f"NOT ({empty} OR ({kind} = 'array' AND {column} <@ {members}))"
    if dataclasses.is_dataclass(item):
        parts = ", ".join(f"{_quoted(f.name)}, e -> {_quoted(f.name)}" for f in dataclasses.fields(item))
        objects = (
            f"(SELECT coalesce(jsonb_agg(jsonb_build_object({parts}) ORDER BY n), '[]') FROM "
            f"jsonb_array_elements({column}) WITH ORDINALITY AS x(e, n) WHERE jsonb_typeof(e) = 'object')"
        )
        value = f"CASE WHEN {empty} OR {column} = '[]'::jsonb THEN '[]'::jsonb ELSE {objects} END"
        return value, f"NOT ({empty} OR {kind} = 'array')"
    return f"CASE WHEN {empty} THEN '[]'::jsonb ELSE {column} END", f"NOT ({empty} OR {kind} = 'array')"


def _value(column: PostingColumn) -> tuple[str, str | None]:
    """(SQL of one column's JSON value, SQL that is true where it cannot be served so) for a column of postings."""
    name = f"postings.{column.name}"
    kind, _ = optional_part(column.annotation)
    if typing.get_origin(kind) is tuple:
        return _jsonb_list(name, typing.get_args(kind)[0])
    if isinstance(kind, type) and issubclass(kind, Enum):
        members = ", ".join(_quoted(member.value) for member in kind)
        return f"CASE WHEN {name} IN ({members}) THEN {name} END", None
    if kind is float:
        return _float(name), None
    if kind is datetime:
        return _timestamp(name), None
    if kind in (str, bool, int):
        return name, None
    raise TypeError(f"no JSON of PostgreSQL for column {column.name} of type {column.annotation}")


def _field(field: RecordField) -> tuple[str, list[str]]:
    if field.spec.key:
        return f"postings.{field.name}", []
    if not field.composite:
        value, odd = _value(field.columns[0])
        return value, [odd] if odd else []
    parts: list[str] = []
    unserved: list[str] = []
    for column in field.columns:
        value, odd = _value(column)
        parts.append(f"{_quoted(column.field)}, {value}")
        unserved += [odd] if odd else []
    built = f"json_build_object({', '.join(parts)})"
    if optional_part(field.annotation)[1]:
        present = ", ".join(
            f"NULLIF(postings.{c.name}, 'null'::jsonb)" if c.is_list else f"postings.{c.name}" for c in field.columns
        )
        built = f"CASE WHEN num_nonnulls({present}) > 0 THEN {built} END"
    return built, unserved


def _record_sql() -> tuple[str, str]:
    """(the record's JSON object in the schema's key order, true where the generic path must render the page)."""
    fields = {field.name: field for field in RECORD_FIELDS if field.spec.api == "record"}
    duplicates = (
        "(SELECT array_agg(duplicate.source) FROM postings AS duplicate WHERE duplicate.duplicate_of = postings.id)"
    )
    extra = {
        "id": "postings.id",
        # sorted and made distinct in Python, like `page_sources` (most jobs have one source)
        "sources": f"array_to_json(ARRAY[postings.source] || {duplicates})",
        "first_seen": _timestamp("postings.first_seen"),
        "last_seen": _timestamp("postings.last_seen"),
        "closed_at": _timestamp("postings.closed_at"),
    }
    parts, unserved = [], []
    for key in PostingOut.model_fields:
        if key in extra:
            value = extra[key]
        else:
            value, odd = _field(fields[key])
            unserved += odd
        parts.append(f"{_quoted(key)}, {value}")
    return f"json_build_object({', '.join(parts)})::text", " OR ".join(unserved) or "false"


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
    for item in items:
        sources = item["sources"]
        if len(sources) > 1:
            item["sources"] = sorted(set(sources))
    return items


def page_json(rows: Sequence[Row], limit: int) -> bytes:
    """The page's JSON from its `limit + 1` rows, as `posting_page_json` writes it."""
    next_cursor = encode_cursor(rows[limit - 1][2], rows[limit - 1][3]) if len(rows) > limit else None
    return orjson.dumps({"items": records(rows[:limit]), "next_cursor": next_cursor})


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
