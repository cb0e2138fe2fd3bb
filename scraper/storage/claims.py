"""Slot claims in `scrape_runs`: a slot row is written once (run, queued or missed), under the source's row lock.

Any number of scheduler and worker processes agree through these rows, never through memory. Slot
arithmetic is `scraper.scheduling.slots`; this module only records what it decides.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.enums import RunStatus
from models.tables import ScrapeRun, utcnow
from scraper.scheduling.slots import plan_slots
from scraper.storage._transaction import is_postgres, lock_source

log = logging.getLogger(__name__)

ACTIVE = (RunStatus.RUNNING, RunStatus.QUEUED)


@dataclass(frozen=True, slots=True)
class SlotClaim:
    """The outcome of `claim_slot`: the run created for the slot (None if not created), missed rows written,
    and why the slot itself was not created as a run (`taken`: another process recorded it first)."""

    run_id: int | None
    missed: int = 0
    reason: str | None = None


def claim_slot(
    engine: Engine,
    source: str,
    *,
    every_seconds: int,
    offset_seconds: int,
    status: RunStatus,
    owner: str | None,
    lease_seconds: float,
    now: datetime | None = None,
    trigger: str = "schedule",
) -> SlotClaim:
    """Record the source's current slot once: as a `running` or `queued` run, or as `missed` when a run of the
    source is still active; every slot since the source's latest recorded one is recorded `missed` too.

    A `queued` run must start within its interval (its lease ends at the slot's end), else it is missed.
    """
    if status not in (RunStatus.RUNNING, RunStatus.QUEUED):
        raise ValueError(f"a claimed slot is running or queued, not {status!r}")
    now = now or utcnow()
    with engine.begin() as connection:
        if not lock_source(connection, source):
            raise LookupError(f"no source named {source!r} in the database (run sync_sources first)")
        last = connection.execute(select(func.max(ScrapeRun.scheduled_for)).where(ScrapeRun.source == source)).scalar()
        plan = plan_slots(last, now, every_seconds, offset_seconds)
        if plan.due is None:
            return SlotClaim(None, reason="taken")
        missed = [
            _missed_row(source, slot, now, "not run: no scheduler was running at this slot") for slot in plan.missed
        ]
        if plan.folded and missed:
            first = plan.missed[0]
            missed[0]["error"] += f" ({plan.folded} earlier slots since {last} were missed too)"
            log.warning("%s: %d slots missed before %s are folded into one row", source, plan.folded, first)
        active = _active_run(connection, source, now)
        if active is not None:
            missed.append(
                _missed_row(source, plan.due, now, f"not run: run {active[0]} of this source was {active[1]}")
            )
        _insert_missed(connection, missed)
        if active is not None:
            return SlotClaim(None, missed=len(missed), reason=f"run {active[0]} is {active[1]}")
        if status is RunStatus.QUEUED:
            lease_until = plan.due + timedelta(seconds=every_seconds)
        else:
            lease_until = now + timedelta(seconds=lease_seconds)
        values = _run_values(source, status=status, trigger=trigger, owner=owner, now=now, lease_until=lease_until)
        run_id: int = connection.execute(
            insert(ScrapeRun).values(scheduled_for=plan.due, **values).returning(ScrapeRun.id)
        ).scalar_one()
    return SlotClaim(run_id, missed=len(missed))


def queue_run(engine: Engine, source: str, *, trigger: str, lease_seconds: float) -> int | None:
    """Queue an unscheduled run (an API request) as `queued`; None while a run of the source is active."""
    now = utcnow()
    with engine.begin() as connection:
        if not lock_source(connection, source):
            raise LookupError(f"no source named {source!r} in the database")
        if _active_run(connection, source, now) is not None:
            return None
        values = _run_values(
            source,
            status=RunStatus.QUEUED,
            trigger=trigger,
            owner=None,
            now=now,
            lease_until=now + timedelta(seconds=lease_seconds),
        )
        run_id: int = connection.execute(insert(ScrapeRun).values(**values).returning(ScrapeRun.id)).scalar_one()
    return run_id


def start_deferred(engine: Engine, run_id: int, *, owner: str, lease_seconds: float) -> str | None:
    """Turn a `queued` run into a `running` one owned by `owner`; None when started, else why not.

    A run already started, finished or marked elsewhere is left alone (a job delivered twice runs once);
    one whose slot ended before it could start, or whose source has another run going, is marked `missed`.
    """
    now = utcnow()
    with engine.begin() as connection:
        row = connection.execute(
            select(ScrapeRun.source, ScrapeRun.status, ScrapeRun.lease_expires_at).where(ScrapeRun.id == run_id)
        ).first()
        if row is None:
            return f"no scrape run {run_id}"
        source = row.source
        lock_source(connection, source)
        status, lease = connection.execute(
            select(ScrapeRun.status, ScrapeRun.lease_expires_at).where(ScrapeRun.id == run_id)
        ).one()
        if status != RunStatus.QUEUED:
            return f"run {run_id} is {status}"
        reason = None
        if lease is not None and lease < now:
            reason = "not run: it did not start within its interval (workers busy or down)"
        else:
            other = _active_run(connection, source, now, status=(RunStatus.RUNNING,))
            if other is not None:
                reason = f"not run: run {other[0]} of this source was still running"
        if reason is not None:
            _mark(connection, run_id, RunStatus.MISSED, reason, now)
            return reason
        connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.id == run_id)
            .values(
                status=RunStatus.RUNNING,
                started_at=now,
                owner=owner,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
            )
        )
    return None


def renew_leases(engine: Engine, run_ids: Collection[int], lease_seconds: float) -> set[int]:
    """Extend the leases of running runs in one statement; returns the ids no longer running."""
    if not run_ids:
        return set()
    with engine.begin() as connection:
        renewed = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.id.in_(list(run_ids)), ScrapeRun.status == RunStatus.RUNNING)
            .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
            .returning(ScrapeRun.id)
        ).scalars()
        return set(run_ids) - set(renewed)


def expire_runs(engine: Engine, now: datetime | None = None) -> tuple[int, int]:
    """Running runs whose lease expired become `abandoned`; queued ones past their slot become `missed`.

    Returns (abandoned, missed).
    """
    now = now or utcnow()
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
        missed = connection.execute(
            update(ScrapeRun)
            .where(ScrapeRun.status == RunStatus.QUEUED, ScrapeRun.lease_expires_at < now)
            .values(
                status=RunStatus.MISSED,
                finished_at=now,
                lease_expires_at=None,
                error="not run: it did not start within its interval (workers busy or down)",
            )
        ).rowcount
    return abandoned, missed


def latest_slots(engine: Engine) -> dict[str, datetime]:
    """Each source's latest recorded slot (one grouped read at a scheduler's start)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(ScrapeRun.source, func.max(ScrapeRun.scheduled_for))
            .where(ScrapeRun.scheduled_for.is_not(None))
            .group_by(ScrapeRun.source)
        )
        return {source: slot for source, slot in rows if slot is not None}


def _active_run(
    connection: Connection, source: str, now: datetime, status: tuple[RunStatus, ...] = ACTIVE
) -> tuple[int, str] | None:
    query = select(ScrapeRun.id, ScrapeRun.status).where(
        ScrapeRun.source == source, ScrapeRun.status.in_(status), ScrapeRun.lease_expires_at >= now
    )
    found = connection.execute(query.limit(1)).first()
    return None if found is None else (int(found[0]), "still running" if found[1] == "running" else "still queued")


def _missed_row(source: str, slot: datetime, now: datetime, error: str) -> dict[str, Any]:
    values = _run_values(source, status=RunStatus.MISSED, trigger="schedule", owner=None, now=now, lease_until=None)
    return {**values, "scheduled_for": slot, "finished_at": now, "error": error}


def _insert_missed(connection: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    first, last = rows[0], rows[-1]
    span = first["scheduled_for"].isoformat()
    if len(rows) > 1:
        span = f"{len(rows)} slots {span} .. {last['scheduled_for'].isoformat()}"
    log.warning("%s: slot %s missed: %s", first["source"], span, last["error"])
    statement = postgresql.insert(ScrapeRun) if is_postgres(connection) else sqlite.insert(ScrapeRun)
    connection.execute(statement.on_conflict_do_nothing(index_elements=["source", "scheduled_for"]), rows)


def _mark(connection: Connection, run_id: int, status: RunStatus, error: str, now: datetime) -> None:
    connection.execute(
        update(ScrapeRun)
        .where(ScrapeRun.id == run_id)
        .values(status=status, finished_at=now, lease_expires_at=None, error=error)
    )


def _run_values(
    source: str, *, status: RunStatus, trigger: str, owner: str | None, now: datetime, lease_until: datetime | None
) -> dict[str, Any]:
    return {
        "source": source,
        "trigger": trigger,
        "owner": owner,
        "status": str(status),
        "started_at": now,
        "lease_expires_at": lease_until,
        "details": {},
        "http": {},
    }
