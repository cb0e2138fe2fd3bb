"""Slot claims in `scrape_runs`: a slot row is written once (run, queued or missed), under the source's row lock.

Any number of scheduler and worker processes agree through these rows, never through memory. Slot
arithmetic is `scraper.scheduling.slots`; this module only records what it decides.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from models.enums import RunStatus
from models.tables import ScrapeRun, utcnow
from scraper.scheduling.slots import plan_slots
from scraper.storage._transaction import is_postgres, lock_source, lock_sources

log = logging.getLogger(__name__)

ACTIVE = (RunStatus.RUNNING, RunStatus.QUEUED)


@dataclass(frozen=True, slots=True)
class SlotClaim:
    """The outcome of claiming one source's slot: the run created for it (None if not created), missed rows
    written, and why the slot itself was not created as a run (`taken`: another process recorded it first)."""

    run_id: int | None
    missed: int = 0
    reason: str | None = None
    source: str = ""
    slot: datetime | None = None


@dataclass(frozen=True, slots=True)
class SlotWant:
    """A source whose current slot a scheduler wants recorded: its name and slot arithmetic."""

    source: str
    every_seconds: int
    offset_seconds: int


# Inside the claim's transaction, with its connection: the claimed runs handed on (the queue defers their jobs
# in the same transaction, so a slot is never recorded `queued` without its job).
OnClaimed = Callable[[Connection, list[SlotClaim]], None]
# One statement's worth of sources: the IN lists and the multi-row INSERT stay small.
CLAIM_BATCH = 500


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
    """`claim_slots` for one source; a source missing from the database raises LookupError."""
    (claim,) = claim_slots(
        engine,
        [SlotWant(source, every_seconds, offset_seconds)],
        status=status,
        owner=owner,
        lease_seconds=lease_seconds,
        now=now,
        trigger=trigger,
    )
    if claim.reason == "unknown source":
        raise LookupError(f"no source named {source!r} in the database (run sync_sources first)")
    return claim


def claim_slots(
    engine: Engine,
    wanted: Sequence[SlotWant],
    *,
    status: RunStatus,
    owner: str | None,
    lease_seconds: float,
    now: datetime | None = None,
    trigger: str = "schedule",
    on_claimed: OnClaimed | None = None,
) -> list[SlotClaim]:
    """Record each source's current slot once: as a `running` or `queued` run, or as `missed` when a run of the
    source is still active; every slot since the source's latest recorded one is recorded `missed` too.

    One transaction per `CLAIM_BATCH` sources, a few statements each whatever the number: the sources' rows
    locked in name order (serializing with manual starts and other schedulers without deadlock), their latest
    slots and active runs read in one query each, every row written by one INSERT .. ON CONFLICT DO NOTHING on
    (source, scheduled_for). A `queued` run must start within its interval (its lease ends at the slot's end),
    else it is missed. Returns one claim per wanted source, in order.
    """
    if status not in (RunStatus.RUNNING, RunStatus.QUEUED):
        raise ValueError(f"a claimed slot is running or queued, not {status!r}")
    now = now or utcnow()
    claimed: list[SlotClaim] = []
    for first in range(0, len(wanted), CLAIM_BATCH):
        batch = wanted[first : first + CLAIM_BATCH]
        with engine.begin() as connection:
            found = _claim_batch(connection, batch, status, owner, lease_seconds, now, trigger)
            if on_claimed is not None:
                taken = [claim for claim in found if claim.run_id is not None]
                if taken:
                    on_claimed(connection, taken)
        claimed.extend(found)
    return claimed


def _claim_batch(
    connection: Connection,
    batch: Sequence[SlotWant],
    status: RunStatus,
    owner: str | None,
    lease_seconds: float,
    now: datetime,
    trigger: str,
) -> list[SlotClaim]:
    names = sorted({want.source for want in batch})
    known = set(lock_sources(connection, names))
    latest = dict(
        connection.execute(
            select(ScrapeRun.source, func.max(ScrapeRun.scheduled_for))
            .where(ScrapeRun.source.in_(names))
            .group_by(ScrapeRun.source)
        ).all()
    )
    active: dict[str, tuple[int, str]] = {}
    for run_id, source, run_status in connection.execute(
        select(ScrapeRun.id, ScrapeRun.source, ScrapeRun.status).where(
            ScrapeRun.source.in_(names), ScrapeRun.status.in_(ACTIVE), ScrapeRun.lease_expires_at >= now
        )
    ):
        active.setdefault(source, (int(run_id), "still running" if run_status == "running" else "still queued"))
    outcomes: dict[str, SlotClaim] = {}
    missed_rows: list[dict[str, Any]] = []
    run_rows: list[dict[str, Any]] = []
    for want in batch:
        source = want.source
        if source not in known:
            outcomes[source] = SlotClaim(None, reason="unknown source", source=source)
            continue
        last = latest.get(source)
        plan = plan_slots(last, now, want.every_seconds, want.offset_seconds)
        if plan.due is None:
            outcomes[source] = SlotClaim(None, reason="taken", source=source)
            continue
        missed = [
            _missed_row(source, slot, now, "not run: no scheduler was running at this slot") for slot in plan.missed
        ]
        if plan.folded and missed:
            missed[0]["error"] += f" ({plan.folded} earlier slots since {last} were missed too)"
            log.warning("%s: %d slots missed before %s are folded into one row", source, plan.folded, plan.missed[0])
        if source in active:
            run_id, state = active[source]
            missed.append(_missed_row(source, plan.due, now, f"not run: run {run_id} of this source was {state}"))
            outcomes[source] = SlotClaim(
                None, missed=len(missed), reason=f"run {run_id} is {state}", source=source, slot=plan.due
            )
        else:
            lease_until = (
                plan.due + timedelta(seconds=want.every_seconds)
                if status is RunStatus.QUEUED
                else now + timedelta(seconds=lease_seconds)
            )
            values = _run_values(source, status=status, trigger=trigger, owner=owner, now=now, lease_until=lease_until)
            run_rows.append({**values, "scheduled_for": plan.due, "finished_at": None, "error": None})
            outcomes[source] = SlotClaim(None, missed=len(missed), source=source, slot=plan.due)
        _log_missed(missed)
        missed_rows.extend(missed)
    inserted = _insert_slot_rows(connection, missed_rows + run_rows)
    claims = []
    for want in batch:
        outcome = outcomes[want.source]
        if outcome.reason is None and outcome.slot is not None:
            new_id = inserted.get((want.source, outcome.slot))
            outcome = SlotClaim(new_id, outcome.missed, None if new_id else "taken", want.source, outcome.slot)
        claims.append(outcome)
    return claims


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


def _log_missed(rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    first, last = rows[0], rows[-1]
    span = first["scheduled_for"].isoformat()
    if len(rows) > 1:
        span = f"{len(rows)} slots {span} .. {last['scheduled_for'].isoformat()}"
    log.warning("%s: slot %s missed: %s", first["source"], span, last["error"])


def _insert_slot_rows(connection: Connection, rows: list[dict[str, Any]]) -> dict[tuple[str, datetime], int]:
    """Insert slot rows in one statement, skipping any (source, slot) already recorded; the new rows' ids."""
    if not rows:
        return {}
    statement = postgresql.insert(ScrapeRun) if is_postgres(connection) else sqlite.insert(ScrapeRun)
    # executemany with RETURNING: SQLAlchemy sends it as multi-row INSERTs ("insertmanyvalues"), one per batch
    inserted = connection.execute(
        statement.on_conflict_do_nothing(index_elements=["source", "scheduled_for"]).returning(
            ScrapeRun.id, ScrapeRun.source, ScrapeRun.scheduled_for
        ),
        rows,
    )
    return {(source, slot): int(run_id) for run_id, source, slot in inserted if slot is not None}


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
