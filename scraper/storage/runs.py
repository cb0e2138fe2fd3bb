"""Scrape-run and source rows: the sources file mirrored, run claims and leases, outcomes, run requests, validators.

The database row is the claim: any number of scheduler processes agree through it, never through memory.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.enums import RunStatus
from models.tables import ScrapeRun, Source, utcnow
from scraper.config import SourceConfig
from scraper.storage._transaction import is_postgres, lock_source

log = logging.getLogger(__name__)

# scrape_runs.error is public (/api/v1/sources, /sources): a short message, never a statement or its values.
MAX_ERROR_CHARS = 500


@dataclass(slots=True)
class RunCounts:
    """The counts a run records (DESIGN.md: fetched, new, updated, unchanged, closed, reopened, flagged, rejected)."""

    pages: int = 0
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    reopened: int = 0
    flagged: int = 0
    rejected: int = 0
    flagged_by_code: dict[str, int] = field(default_factory=dict)
    rejected_by_reason: dict[str, int] = field(default_factory=dict)


def sync_sources(engine: Engine, configs: Sequence[SourceConfig]) -> None:
    """Mirror the sources file into `sources`: insert or update each source, disable rows no longer in the file.

    Validators and pending run requests of a source survive; a disabled source keeps its postings and runs.
    """
    rows = [
        {
            "name": config.name,
            "kind": config.kind,
            "url": config.url,
            "every_seconds": config.every_seconds,
            "enabled": config.enabled,
            "options": dict(config.options),
            "http_validators": {},
            "created_at": utcnow(),
            "updated_at": utcnow(),
        }
        for config in configs
    ]
    with engine.begin() as connection:
        if rows:
            statement = postgresql.insert(Source) if is_postgres(connection) else sqlite.insert(Source)
            kept = ("kind", "url", "every_seconds", "enabled", "options", "updated_at")
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=["name"], set_={name: statement.excluded[name] for name in kept}
                ),
                rows,
            )
        connection.execute(
            update(Source)
            .where(Source.name.not_in([config.name for config in configs]), Source.enabled.is_(True))
            .values(enabled=False, updated_at=utcnow())
        )


def claim_run(
    engine: Engine,
    source: str,
    scheduled_for: datetime,
    *,
    owner: str,
    lease_seconds: float,
    trigger: str = "schedule",
) -> int | None:
    """Claim the slot (source, scheduled_for) as a running run; None when another instance already has it.

    The unique (source, scheduled_for) row is the claim (`ON CONFLICT DO NOTHING` on exactly that
    constraint, so any other integrity error still raises). A slot is also refused while another run of
    the source holds an unexpired lease (a manual run, or a scheduled one running past its interval).
    """
    now = utcnow()
    with engine.begin() as connection:
        if not lock_source(connection, source):
            raise LookupError(f"no source named {source!r} in the database (run sync_sources first)")
        if _running(connection, source, now) or _deferred_until(connection, source, now) is not None:
            return None
        statement = postgresql.insert(ScrapeRun) if is_postgres(connection) else sqlite.insert(ScrapeRun)
        values = _new_run(source, trigger=trigger, owner=owner, lease_seconds=lease_seconds, now=now)
        claimed = connection.execute(
            statement.values(scheduled_for=scheduled_for, **values)
            .on_conflict_do_nothing(index_elements=["source", "scheduled_for"])
            .returning(ScrapeRun.id)
        ).scalar()
    return claimed


def start_run(engine: Engine, source: str, *, trigger: str, owner: str | None, lease_seconds: float) -> int | None:
    """Start an unscheduled run (manual, API request); None while another run of the source holds its lease or
    the host deferred it (`deferred_until`). Runs whose leases expired (their process died) are settled first."""
    now = utcnow()
    settled = abandon_expired(engine, now)
    if settled:
        log.warning("%d run(s) marked abandoned before starting %s: their leases expired", settled, source)
    with engine.begin() as connection:
        if not lock_source(connection, source):
            raise LookupError(f"no source named {source!r} in the database (run sync_sources first)")
        if _running(connection, source, now) or _deferred_until(connection, source, now) is not None:
            return None
        values = _new_run(source, trigger=trigger, owner=owner, lease_seconds=lease_seconds, now=now)
        run_id: int = connection.execute(insert(ScrapeRun).values(**values).returning(ScrapeRun.id)).scalar_one()
    return run_id


def renew_lease(engine: Engine, run_id: int, lease_seconds: float) -> bool:
    """Extend a running run's lease; False when the run is no longer running (abandoned by another instance)."""
    with engine.begin() as connection:
        renewed = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.id == run_id, ScrapeRun.status == RunStatus.RUNNING)
            .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
        ).rowcount
    return bool(renewed)


def finish_run(
    engine: Engine,
    run_id: int,
    *,
    status: str,
    counts: RunCounts,
    http: Mapping[str, Any],
    error: str | None,
    suspect: bool,
    deferred_until: datetime | None = None,
) -> None:
    """Record a run's outcome. It wins over `abandoned`: a run that outlived its lease still did its work.

    `error` must be a public message (it is shown unauthenticated); it is cut to MAX_ERROR_CHARS.
    `deferred_until` goes with status `deferred`: no run of the source starts before it.
    """
    if status == RunStatus.RUNNING or status not in set(RunStatus):
        finished = ", ".join(s for s in RunStatus if s != RunStatus.RUNNING)
        raise ValueError(f"a finished run's status is one of {finished}; got {status!r}")
    with engine.begin() as connection:
        previous = connection.execute(select(ScrapeRun.status).where(ScrapeRun.id == run_id)).scalar()
        if previous is None:
            raise LookupError(f"no scrape run {run_id}")
        if previous != RunStatus.RUNNING:
            log.warning("run %s finished as %s after it was marked %s", run_id, status, previous)
        connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.id == run_id)
            .values(
                status=str(status),
                finished_at=utcnow(),
                lease_expires_at=None,
                suspect=suspect,
                pages=counts.pages,
                fetched=counts.fetched,
                new=counts.new,
                updated=counts.updated,
                unchanged=counts.unchanged,
                closed=counts.closed,
                reopened=counts.reopened,
                flagged=counts.flagged,
                rejected=counts.rejected,
                details={
                    "flagged_by_code": dict(counts.flagged_by_code),
                    "rejected_by_reason": dict(counts.rejected_by_reason),
                },
                http=dict(http),
                error=_clip(error),
                deferred_until=deferred_until,
            )
        )


def fail_unfinished(engine: Engine, run_id: int, error: str) -> bool:
    """Mark a run `failed` if its runner left it `running` (it crashed or forgot); True if it did."""
    with engine.begin() as connection:
        failed = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.id == run_id, ScrapeRun.status == RunStatus.RUNNING)
            .values(status=RunStatus.FAILED, finished_at=utcnow(), lease_expires_at=None, error=_clip(error))
        ).rowcount
    return bool(failed)


def cancel_owned(engine: Engine, owner: str, reason: str) -> list[int]:
    """Mark `cancelled` the runs `owner` still has running (the user stopped the process); their ids."""
    with engine.begin() as connection:
        cancelled = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.owner == owner, ScrapeRun.status == RunStatus.RUNNING)
            .values(status=RunStatus.CANCELLED, finished_at=utcnow(), lease_expires_at=None, error=_clip(reason))
            .returning(ScrapeRun.id)
        ).scalars()
        return sorted(cancelled)


def deferred_until(engine: Engine, source: str, now: datetime | None = None) -> datetime | None:
    """When the host lets `source` run again: the latest `deferred_until` still ahead of `now`, else None.

    claim_run and start_run already refuse a deferred source; a scheduler may call this to say why or to
    plan the next slot after it.
    """
    with engine.connect() as connection:
        return _deferred_until(connection, source, now or utcnow())


def abandon_expired(engine: Engine, now: datetime) -> int:
    """Mark `abandoned` every running run whose lease expired (its process died or hung); returns how many."""
    with engine.begin() as connection:
        abandoned = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.status == RunStatus.RUNNING, ScrapeRun.lease_expires_at < now)
            .values(
                status=RunStatus.ABANDONED,
                finished_at=now,
                error="abandoned: its lease expired (the process running it stopped renewing it)",
            )
        ).rowcount
    return abandoned


def take_run_requests(engine: Engine) -> list[str]:
    """Read and clear pending run requests in one statement; with several schedulers each request goes to one."""
    with engine.begin() as connection:
        names = connection.execute(
            update(Source)
            .where(Source.run_requested_at.is_not(None))
            .values(run_requested_at=None)
            .returning(Source.name)
        ).scalars()
        return sorted(names)


def load_validators(engine: Engine, source: str) -> dict[str, Any]:
    """The HTTP validators (url -> etag/last_modified) remembered for the source; {} when none."""
    with engine.connect() as connection:
        found = connection.execute(select(Source.http_validators).where(Source.name == source)).scalar()
    return dict(found or {})


def save_validators(engine: Engine, source: str, validators: dict[str, Any]) -> None:
    with engine.begin() as connection:
        connection.execute(update(Source).where(Source.name == source).values(http_validators=dict(validators)))


def recent_fetched_counts(engine: Engine, source: str, n: int = 5) -> list[int]:
    """`fetched` of the source's last `n` succeeded runs, newest first (the "usual" size).

    Suspect runs count too: a size that repeats for more than half of the window becomes the median,
    the new normal, instead of leaving the source suspect forever.
    """
    query = (
        select(ScrapeRun.fetched)
        .where(ScrapeRun.source == source, ScrapeRun.status == RunStatus.SUCCEEDED)
        .order_by(ScrapeRun.started_at.desc(), ScrapeRun.id.desc())
        .limit(n)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _running(connection: Connection, source: str, now: datetime) -> bool:
    query = select(ScrapeRun.id).where(
        ScrapeRun.source == source, ScrapeRun.status == RunStatus.RUNNING, ScrapeRun.lease_expires_at >= now
    )
    return connection.execute(query.limit(1)).first() is not None


def _deferred_until(connection: Connection, source: str, now: datetime) -> datetime | None:
    query = select(func.max(ScrapeRun.deferred_until)).where(
        ScrapeRun.source == source, ScrapeRun.status == RunStatus.DEFERRED, ScrapeRun.deferred_until > now
    )
    found: datetime | None = connection.execute(query).scalar()
    return found


def _clip(error: str | None) -> str | None:
    if error is None or len(error) <= MAX_ERROR_CHARS:
        return error
    return error[: MAX_ERROR_CHARS - 1] + "…"


def _new_run(source: str, *, trigger: str, owner: str | None, lease_seconds: float, now: datetime) -> dict[str, Any]:
    return {
        "source": source,
        "trigger": trigger,
        "owner": owner,
        "status": RunStatus.RUNNING,
        "started_at": now,
        "lease_expires_at": now + timedelta(seconds=lease_seconds),
        "details": {},
        "http": {},
    }
