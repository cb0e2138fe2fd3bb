"""Posting lists and single postings: the posting columns, their mapping to the record, keyset pages.

The posting columns and their record are derived from the posting definition (models/posting.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    exists,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from api.cursor import decode_cursor, encode_cursor
from models.filters import filter_values, posting_conditions
from models.posting_reads import POSTING_COLUMNS, duplicate_sources, page_sources, record_fields, sources_of
from models.schemas import (
    PostingDetailOut,
    PostingFilters,
    PostingOut,
    PostingPage,
)
from models.tables import Posting


def _newest_first(query: Select[Any], cursor: str | None) -> Select[Any]:
    if cursor is not None:
        first_seen, posting_id = decode_cursor(cursor)
        after = tuple_(Posting.first_seen, Posting.id) < tuple_(
            bindparam("cursor_first_seen", first_seen, type_=Posting.first_seen.type),
            bindparam("cursor_id", posting_id, type_=Posting.id.type),
        )
        query = query.where(after)
    return query.order_by(Posting.first_seen.desc(), Posting.id.desc())


def page_values(filters: PostingFilters) -> dict[str, Any]:
    """The bind values of `page_statement` by name: the filters', the cursor's and the page's row count."""
    values = filter_values(filters)
    if filters.cursor is not None:
        values["cursor_first_seen"], values["cursor_id"] = decode_cursor(filters.cursor)
    values["page_rows"] = filters.limit + 1
    return values


def page_statement(
    session: Session,
    filters: PostingFilters,
    conditions: list[ColumnElement[bool]],
    *extra: Any,
    columns: Sequence[Any] | None = None,
) -> Select[Any]:
    """Up to `limit + 1` representatives newest first, with their record's columns, the sources of their
    duplicates and `extra` (or only `columns`): one statement. The page's ids are chosen first, from an index
    where one covers the filters (ix_postings_open_category_page), so only the page's own rows are read."""
    rows = bindparam("page_rows", filters.limit + 1, type_=Integer())
    page = _newest_first(select(Posting.id).where(*conditions), filters.cursor).limit(rows)
    if columns is None:
        columns = (*POSTING_COLUMNS, duplicate_sources(session).label("duplicate_sources"), *extra)
    return _newest_first(select(*columns).where(Posting.id.in_(page.correlate(None).scalar_subquery())), None)


def _page_rows(
    session: Session, filters: PostingFilters, conditions: list[ColumnElement[bool]], *extra: Any
) -> list[Any]:
    return list(session.execute(page_statement(session, filters, conditions, *extra)).all())


def page_records(
    session: Session,
    filters: PostingFilters,
    *,
    flagged_only: bool = False,
    flag_code: str | None = None,
    salary_flagged_only: bool = False,
) -> tuple[list[dict[str, Any]], str | None]:
    """A keyset page as posting records (`record_fields`) and the cursor of the next page, if any."""
    conditions = posting_conditions(session, filters)
    if flagged_only:
        conditions.append(Posting.flagged.is_(True))
    if salary_flagged_only:
        conditions.append(Posting.salary_flagged.is_(True))
    if flag_code is not None:
        conditions.append(flag_code_condition(session, flag_code))
    rows = _page_rows(session, filters, conditions)
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    next_cursor = encode_cursor(rows[-1].first_seen, rows[-1].id) if more and rows else None
    return [record_fields(row, page_sources(row)) for row in rows], next_cursor


def list_postings(
    session: Session,
    filters: PostingFilters,
    *,
    flagged_only: bool = False,
    flag_code: str | None = None,
    salary_flagged_only: bool = False,
) -> PostingPage:
    """A page of jobs newest first (keyset: stable while new postings arrive). InvalidCursor on a bad cursor."""
    items, next_cursor = page_records(
        session, filters, flagged_only=flagged_only, flag_code=flag_code, salary_flagged_only=salary_flagged_only
    )
    return PostingPage(items=[PostingOut.model_validate(item) for item in items], next_cursor=next_cursor)


def posting_page_json(
    session: Session, filters: PostingFilters, *, flagged_only: bool = False, flag_code: str | None = None
) -> bytes:
    """`list_postings` as the JSON bytes the API serves, straight from the rows (no model per posting)."""
    items, next_cursor = page_records(session, filters, flagged_only=flagged_only, flag_code=flag_code)
    ordered = [in_schema_order(item) for item in items]
    return orjson.dumps({"items": ordered, "next_cursor": next_cursor}, option=orjson.OPT_UTC_Z)


# The schema's key order, so that the bytes are those its serializer would write.
_RECORD_KEYS = tuple(PostingOut.model_fields)


def in_schema_order(record: dict[str, Any]) -> dict[str, Any]:
    return {key: record[key] for key in _RECORD_KEYS}


def flag_code_condition(session: Session, code: str | None = None) -> ColumnElement[bool]:
    """Postings with a finding of `code` (bound as `flag_code`)."""
    bound = bindparam("flag_code", code, type_=String())
    if session.get_bind().dialect.name == "postgresql":
        return Posting.flags.op("@>")(func.jsonb_build_array(func.jsonb_build_object(literal_column("'code'"), bound)))
    elements = func.json_each(Posting.flags).table_valued("value").alias("f")
    path: ColumnElement[str] = literal_column("'$.code'")
    return exists(select(1).select_from(elements).where(func.json_extract(elements.c.value, path) == bound))


def postings_with_descriptions(session: Session, filters: PostingFilters) -> list[tuple[dict[str, Any], str | None]]:
    """The newest postings of a feed as records in the schema's order, with their (unsanitized) descriptions."""
    rows = _page_rows(session, filters, posting_conditions(session, filters), Posting.description_html)
    return [
        (in_schema_order(record_fields(row, page_sources(row))), row.description_html) for row in rows[: filters.limit]
    ]


def get_posting(session: Session, posting_id: int) -> tuple[PostingDetailOut, str | None] | None:
    """One posting (duplicates too) with its unsanitized description; None when there is no such id."""
    row = session.execute(
        select(*POSTING_COLUMNS, Posting.description_html, Posting.apply_url).where(Posting.id == posting_id)
    ).first()
    if row is None:
        return None
    sources = sources_of(session, [row])
    fields = record_fields(row, sources[row.id])
    detail = PostingDetailOut.model_validate({**fields, "description_html": None, "apply_url": row.apply_url})
    return detail, row.description_html
