"""Posting lists and single postings: the posting columns, their mapping to the record, keyset pages.

The posting serialization (`_POSTING_COLUMNS`, `_record_fields`) lives here and only here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    bindparam,
    exists,
    func,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from api.cursor import decode_cursor, encode_cursor
from api.queries.filters import posting_conditions
from models.enums import EmploymentType, Seniority
from models.schemas import (
    FlagOut,
    LocationOut,
    PostingDetailOut,
    PostingFilters,
    PostingOut,
    PostingPage,
    SalaryOut,
)
from models.tables import Posting

_EMPLOYMENT_TYPES = {e.value for e in EmploymentType}
_SENIORITIES = {s.value for s in Seniority}

_POSTING_COLUMNS = (
    Posting.id,
    Posting.source,
    Posting.external_id,
    Posting.url,
    Posting.title,
    Posting.title_raw,
    Posting.featured,
    Posting.company,
    Posting.category,
    Posting.location_raw,
    Posting.remote,
    Posting.countries,
    Posting.regions,
    Posting.cities,
    Posting.employment_types,
    Posting.seniority,
    Posting.tags,
    Posting.salary_raw,
    Posting.salary_min,
    Posting.salary_max,
    Posting.salary_currency,
    Posting.salary_period,
    Posting.salary_period_basis,
    Posting.annual_usd_min,
    Posting.annual_usd_max,
    Posting.flags,
    Posting.posted_at,
    Posting.first_seen,
    Posting.last_seen,
    Posting.closed_at,
    Posting.duplicate_of,
)


def _record_fields(row: Row[Any], sources: list[str]) -> dict[str, Any]:
    has_salary = any(
        v is not None for v in (row.salary_raw, row.salary_min, row.salary_max, row.annual_usd_min, row.annual_usd_max)
    )
    return {
        "id": row.id,
        "source": row.source,
        "sources": sources,
        "external_id": row.external_id,
        "url": row.url,
        "title": row.title,
        "title_raw": row.title_raw,
        "featured": row.featured,
        "company": row.company,
        "category": row.category,
        "location": LocationOut(
            raw=row.location_raw,
            remote=row.remote if row.remote in ("remote", "hybrid", "onsite") else None,
            countries=list(row.countries or ()),
            regions=list(row.regions or ()),
            cities=list(row.cities or ()),
        ),
        # values outside the vocabulary would be a writer bug; drop them rather than fail the page
        "employment_types": [e for e in (row.employment_types or ()) if e in _EMPLOYMENT_TYPES],
        "seniority": row.seniority if row.seniority in _SENIORITIES else None,
        "tags": list(row.tags or ()),
        "salary": SalaryOut(
            raw=row.salary_raw,
            min=row.salary_min,
            max=row.salary_max,
            currency=row.salary_currency,
            period=row.salary_period,
            period_basis=row.salary_period_basis,
            annual_usd_min=row.annual_usd_min,
            annual_usd_max=row.annual_usd_max,
        )
        if has_salary
        else None,
        "flags": [FlagOut(code=str(f.get("code", "")), message=str(f.get("message", ""))) for f in row.flags or ()],
        "posted_at": row.posted_at,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "closed_at": row.closed_at,
    }


def _sources_of(session: Session, rows: Sequence[Row[Any]]) -> dict[int, list[str]]:
    """Every source listing each job: the representative's own and those of its duplicates."""
    representative = {row.id: row.duplicate_of or row.id for row in rows}
    found: dict[int, set[str]] = defaultdict(set)
    reps = set(representative.values())
    if reps:
        query = select(Posting.id, Posting.duplicate_of, Posting.source).where(
            or_(Posting.id.in_(reps), Posting.duplicate_of.in_(reps))
        )
        for posting_id, duplicate_of, source in session.execute(query):
            found[duplicate_of or posting_id].add(source)
    return {row.id: sorted(found[representative[row.id]] | {row.source}) for row in rows}


def _newest_first(query: Select[Any], cursor: str | None) -> Select[Any]:
    if cursor is not None:
        first_seen, posting_id = decode_cursor(cursor)
        after = tuple_(Posting.first_seen, Posting.id) < tuple_(
            bindparam(None, first_seen, type_=Posting.first_seen.type), bindparam(None, posting_id, type_=Integer())
        )
        query = query.where(after)
    return query.order_by(Posting.first_seen.desc(), Posting.id.desc())


def list_postings(
    session: Session,
    filters: PostingFilters,
    *,
    flagged_only: bool = False,
    flag_code: str | None = None,
    salary_flagged_only: bool = False,
) -> PostingPage:
    """A page of jobs newest first (keyset: stable while new postings arrive). InvalidCursor on a bad cursor."""
    conditions = posting_conditions(session, filters)
    if flagged_only:
        conditions.append(Posting.flagged.is_(True))
    if salary_flagged_only:
        conditions.append(Posting.salary_flagged.is_(True))
    if flag_code is not None:
        conditions.append(_flag_code(session, flag_code))
    query = _newest_first(select(*_POSTING_COLUMNS).where(*conditions), filters.cursor).limit(filters.limit + 1)
    rows = session.execute(query).all()
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    sources = _sources_of(session, rows)
    items = [PostingOut.model_validate(_record_fields(row, sources[row.id])) for row in rows]
    next_cursor = encode_cursor(rows[-1].first_seen, rows[-1].id) if more and rows else None
    return PostingPage(items=items, next_cursor=next_cursor)


def _flag_code(session: Session, code: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return Posting.flags.op("@>")(func.jsonb_build_array(func.jsonb_build_object("code", code)))
    elements = func.json_each(Posting.flags).table_valued("value").alias("f")
    return exists(select(1).select_from(elements).where(func.json_extract(elements.c.value, "$.code") == code))


def postings_with_descriptions(session: Session, filters: PostingFilters) -> list[tuple[PostingOut, str | None]]:
    """The newest postings of a feed with their (unsanitized) descriptions."""
    query = _newest_first(
        select(*_POSTING_COLUMNS, Posting.description_html).where(*posting_conditions(session, filters)), None
    ).limit(filters.limit)
    rows = session.execute(query).all()
    sources = _sources_of(session, rows)
    return [(PostingOut.model_validate(_record_fields(row, sources[row.id])), row.description_html) for row in rows]


def get_posting(session: Session, posting_id: int) -> tuple[PostingDetailOut, str | None] | None:
    """One posting (duplicates too) with its unsanitized description; None when there is no such id."""
    row = session.execute(
        select(*_POSTING_COLUMNS, Posting.description_html, Posting.apply_url).where(Posting.id == posting_id)
    ).first()
    if row is None:
        return None
    sources = _sources_of(session, [row])
    fields = _record_fields(row, sources[row.id])
    detail = PostingDetailOut.model_validate({**fields, "description_html": None, "apply_url": row.apply_url})
    return detail, row.description_html
