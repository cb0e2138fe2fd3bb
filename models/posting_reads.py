"""Reading posting records back: the columns a record needs, a row as the posting JSON, the sources of each job.

The one reader of the posting JSON (DESIGN.md section 5) for everything that serves it: the API's lists and
feeds, and the webhooks that announce new postings. Derived from the posting definition (models/posting.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import JSON, ScalarSelect, func, or_, select, type_coerce
from sqlalchemy.orm import Session, aliased

from models.posting import RECORD_COLUMN_NAMES, record_values
from models.schemas import PostingOut
from models.tables import Posting

# The columns of a posting record, derived from the posting definition.
POSTING_COLUMNS = (
    Posting.id,
    Posting.source,
    Posting.external_id,
    *(getattr(Posting, name) for name in RECORD_COLUMN_NAMES),
    Posting.first_seen,
    Posting.last_seen,
    Posting.closed_at,
    Posting.duplicate_of,
)


def record_fields(row: Any, sources: list[str]) -> dict[str, Any]:
    """The posting record of a row selected with POSTING_COLUMNS, given the sources listing the job."""
    return {
        **record_values(row._mapping),
        "id": row.id,
        "sources": sources,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "closed_at": row.closed_at,
    }


# Built once: an alias builds a proxy of every column, which a page should not pay for.
_DUPLICATE = aliased(Posting, name="duplicate")
_DUPLICATE_SOURCES = {
    "postgresql": func.array_agg(_DUPLICATE.source),
    "sqlite": type_coerce(func.json_group_array(_DUPLICATE.source), JSON),
}


def duplicate_sources(session: Session) -> ScalarSelect[Any]:
    """A column of a representative's row: the sources of its duplicates (a list; None or empty when none),
    so that a page of representatives reads its sources in the same statement (`page_sources`)."""
    listed = _DUPLICATE_SOURCES[session.get_bind().dialect.name]
    return select(listed).where(_DUPLICATE.duplicate_of == Posting.id).scalar_subquery()


def page_sources(row: Any) -> list[str]:
    """Every source listing a representative's job, from a row selected with `duplicate_sources`."""
    return sorted({row.source, *(row.duplicate_sources or ())})


def sources_of(session: Session, rows: Sequence[Any]) -> dict[int, list[str]]:
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


def posting_records(session: Session, ids: Collection[int]) -> list[PostingOut]:
    """The posting records of `ids`, newest first (as /api/v1/jobs lists them)."""
    if not ids:
        return []
    query = (
        select(*POSTING_COLUMNS).where(Posting.id.in_(list(ids))).order_by(Posting.first_seen.desc(), Posting.id.desc())
    )
    rows = session.execute(query).all()
    sources = sources_of(session, rows)
    return [PostingOut.model_validate(record_fields(row, sources[row.id])) for row in rows]
