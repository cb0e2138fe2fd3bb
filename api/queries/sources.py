"""Sources with their newest run, run requests (the one row the API writes) and the health check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    Select,
    func,
    select,
    update,
)
from sqlalchemy.orm import Session

from models.interval import format_interval
from models.schemas import (
    LastRunOut,
    SourceOut,
)
from models.tables import ScrapeRun, Source


def newest_run_ids() -> Select[Any]:
    """The id of each source's newest run (the one subquery behind every "last run" figure)."""
    return select(func.max(ScrapeRun.id)).group_by(ScrapeRun.source)


def newest_runs(session: Session) -> dict[str, ScrapeRun]:
    """Each source's newest run, by source name."""
    return {run.source: run for run in session.scalars(select(ScrapeRun).where(ScrapeRun.id.in_(newest_run_ids())))}


def list_sources(session: Session) -> list[SourceOut]:
    """Every configured source with its newest run."""
    runs = newest_runs(session)
    out = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        run = runs.get(source.name)
        out.append(
            SourceOut(
                name=source.name,
                kind=source.kind,
                url=source.url,
                every=format_interval(source.every_seconds),
                enabled=source.enabled,
                run_requested_at=source.run_requested_at,
                last_run=None
                if run is None
                else LastRunOut(
                    status=run.status,
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    counts=run.counts,
                    error=run.error,
                    suspect=run.suspect,
                    deferred_until=run.deferred_until,
                ),
            )
        )
    return out


def last_run_statuses(session: Session) -> list[tuple[str, str, datetime | None]]:
    """(source, status, finished_at) of each source's newest run, for metrics."""
    query = select(ScrapeRun.source, ScrapeRun.status, ScrapeRun.finished_at).where(ScrapeRun.id.in_(newest_run_ids()))
    return [(source, status, finished) for source, status, finished in session.execute(query)]


@dataclass(frozen=True, slots=True)
class RunRequest:
    outcome: Literal["queued", "already_queued", "unknown_source"]
    requested_at: datetime | None


def request_run(session: Session, name: str, now: datetime) -> RunRequest:
    """Queue a run of `name` (the scheduler claims `run_requested_at`); atomic against concurrent requests."""
    queued = session.execute(
        update(Source)
        .where(Source.name == name, Source.run_requested_at.is_(None))
        .values(run_requested_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(queued, "rowcount", 0) == 1:
        session.commit()
        return RunRequest("queued", now)
    session.rollback()
    existing = session.execute(select(Source.run_requested_at).where(Source.name == name)).first()
    if existing is None:
        return RunRequest("unknown_source", None)
    return RunRequest("already_queued", existing[0])


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def database_ok(session: Session) -> bool:
    session.execute(select(1))
    return True
