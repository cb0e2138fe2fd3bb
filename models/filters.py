"""The WHERE of a posting list: every /jobs filter as SQL on PostgreSQL and SQLite alike.

Shared by the API (job lists, feeds, exports) and the scraper (which new postings a saved search announces),
so a filter means one thing everywhere. Reads only; no I/O of its own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session, aliased

from models.schemas import (
    PostingFilters,
)
from models.tables import POSTING_SEARCH_VECTOR, Posting


def json_array_has(session: Session, column: Any, value: str, *, case_insensitive: bool = False) -> ColumnElement[bool]:
    """`value` is an element of the JSON array in `column` (PostgreSQL jsonb, SQLite json_each)."""
    if session.get_bind().dialect.name == "postgresql":
        if not case_insensitive:
            return column.op("@>")(func.jsonb_build_array(bindparam(None, value)))  # type: ignore[no-any-return]
        elements = func.jsonb_array_elements_text(column).table_valued("value").alias("e")
        return exists(select(1).select_from(elements).where(func.lower(elements.c.value) == value.lower()))
    elements = func.json_each(column).table_valued("value").alias("e")
    element = elements.c.value
    condition = func.lower(element) == value.lower() if case_insensitive else element == value
    return exists(select(1).select_from(elements).where(condition))


def _search(session: Session, q: str) -> ColumnElement[bool] | None:
    words = q.split()
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # plainto_tsquery ANDs the words; the expression matches the GIN index ix_postings_search
        return literal_column(POSTING_SEARCH_VECTOR).op("@@")(func.plainto_tsquery(text("'simple'::regconfig"), q))
    # SQLite fallback: every word a substring of title or company, case-insensitive (ASCII)
    haystack = func.lower(Posting.title + " " + func.coalesce(Posting.company, ""))
    return and_(*(haystack.contains(word.lower(), autoescape=True) for word in words))


def as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable UTC instant
            return datetime.max.replace(tzinfo=UTC) if value.year > 1 else datetime.min.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def posting_conditions(session: Session, filters: PostingFilters) -> list[ColumnElement[bool]]:
    """The WHERE of a posting list: one row per job (representatives only) and every filter given."""
    conditions: list[ColumnElement[bool]] = [Posting.duplicate_of.is_(None)]
    if not filters.include_closed:
        conditions.append(Posting.closed_at.is_(None))
    if not filters.include_flagged:
        # Salary findings only: a posting with a valid salary and no company is a normal job (issue 13.5).
        conditions.append(Posting.salary_flagged.is_(False))
    if filters.category is not None:
        conditions.append(Posting.category == filters.category)
    if filters.q is not None:
        search = _search(session, filters.q)
        if search is not None:
            conditions.append(search)
    if filters.company is not None:
        conditions.append(Posting.company == filters.company)
    if filters.tag is not None:
        conditions.append(json_array_has(session, Posting.tags, filters.tag, case_insensitive=True))
    if filters.featured is not None:
        conditions.append(Posting.featured.is_(filters.featured))
    if filters.remote is not None:
        conditions.append(Posting.remote == filters.remote.value)
    if filters.country is not None:
        conditions.append(json_array_has(session, Posting.countries, filters.country.upper()))
    if filters.seniority is not None:
        conditions.append(Posting.seniority == filters.seniority.value)
    if filters.employment_type is not None:
        conditions.append(json_array_has(session, Posting.employment_types, filters.employment_type.value))
    if filters.min_salary_usd is not None:
        top = func.coalesce(Posting.annual_usd_max, Posting.annual_usd_min)
        conditions.append(and_(Posting.salary_flagged.is_(False), top >= filters.min_salary_usd))
    if filters.posted_since is not None:
        since = as_utc(filters.posted_since)
        conditions.append(func.coalesce(Posting.posted_at, Posting.first_seen) >= since)
    if filters.source is not None:
        duplicate = aliased(Posting)
        conditions.append(
            or_(
                Posting.source == filters.source,
                exists(select(1).where(duplicate.duplicate_of == Posting.id, duplicate.source == filters.source)),
            )
        )
    return conditions
