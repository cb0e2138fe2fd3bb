"""The dashboard's own reads: a job's copies and change history, flagged counts, source health."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from api.queries.sources import newest_runs
from models.interval import format_interval
from models.tables import Posting, PostingChange, ScrapeRun, Source


@dataclass(frozen=True, slots=True)
class Listing:
    """One source's copy of a job: the representative or one of its cross-source duplicates."""

    posting_id: int
    source: str
    url: str
    first_seen: datetime
    last_seen: datetime
    closed_at: datetime | None
    representative: bool  # the copy the API serves for the job


@dataclass(frozen=True, slots=True)
class ChangeRow:
    changed_at: datetime
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source with its newest run, `suspect` included (the API's LastRunOut does not carry it)."""

    name: str
    kind: str
    url: str
    every: str
    enabled: bool
    status: str | None
    suspect: bool
    started_at: datetime | None
    finished_at: datetime | None
    fetched: int
    new: int
    flagged: int
    error: str | None
    recent: tuple[str, ...]  # statuses of the newest runs, newest first; "suspect" for a suspect success


def posting_listings(session: Session, posting_id: int) -> list[Listing]:
    """Every copy of the job `posting_id` belongs to (its representative and their duplicates), oldest first."""
    representative = session.execute(select(Posting.duplicate_of).where(Posting.id == posting_id)).scalar()
    root = representative or posting_id
    query = (
        select(Posting.id, Posting.source, Posting.url, Posting.first_seen, Posting.last_seen, Posting.closed_at)
        .where(or_(Posting.id == root, Posting.duplicate_of == root))
        .order_by(Posting.first_seen, Posting.id)
    )
    return [
        Listing(
            posting_id=row.id,
            source=row.source,
            url=row.url,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            closed_at=row.closed_at,
            representative=row.id == root,
        )
        for row in session.execute(query)
    ]


def count_flagged(session: Session, *, salary_only: bool = False) -> int:
    """Open jobs carrying at least one validation flag (with `salary_only`, a `salary_` one)."""
    flagged = Posting.salary_flagged if salary_only else Posting.flagged
    query = select(func.count()).where(flagged.is_(True), Posting.closed_at.is_(None), Posting.duplicate_of.is_(None))
    return int(session.execute(query).scalar_one())


def posting_history(session: Session, posting_id: int, *, limit: int = 200) -> list[ChangeRow]:
    """The recorded changes of one posting, newest first."""
    query = (
        select(PostingChange.changed_at, PostingChange.field, PostingChange.old, PostingChange.new)
        .where(PostingChange.posting_id == posting_id)
        .order_by(PostingChange.changed_at.desc(), PostingChange.id.desc())
        .limit(limit)
    )
    return [ChangeRow(*row) for row in session.execute(query)]


def posting_payload(session: Session, posting_id: int) -> Any:
    """The original card or object the source gave for a posting (None when not kept)."""
    return session.execute(select(Posting.payload).where(Posting.id == posting_id)).scalar()


def source_health(session: Session, *, recent_runs: int = 10) -> list[SourceHealth]:
    """Every configured source with its newest run and the statuses of its `recent_runs` newest runs."""
    newest = newest_runs(session)
    ranked = select(
        ScrapeRun.source,
        ScrapeRun.status,
        ScrapeRun.suspect,
        func.row_number().over(partition_by=ScrapeRun.source, order_by=ScrapeRun.id.desc()).label("n"),
    ).subquery()
    recent: dict[str, list[str]] = defaultdict(list)
    query = select(ranked.c.source, ranked.c.status, ranked.c.suspect).where(ranked.c.n <= recent_runs)
    for source, status, suspect in session.execute(query.order_by(ranked.c.source, ranked.c.n)):
        recent[source].append("suspect" if suspect and status == "succeeded" else status)
    out = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        run = newest.get(source.name)
        out.append(
            SourceHealth(
                name=source.name,
                kind=source.kind,
                url=source.url,
                every=format_interval(source.every_seconds),
                enabled=source.enabled,
                status=None if run is None else run.status,
                suspect=bool(run is not None and run.suspect),
                started_at=None if run is None else run.started_at,
                finished_at=None if run is None else run.finished_at,
                fetched=0 if run is None else run.fetched,
                new=0 if run is None else run.new,
                flagged=0 if run is None else run.flagged,
                error=None if run is None else run.error,
                recent=tuple(recent.get(source.name, ())),
            )
        )
    return out
