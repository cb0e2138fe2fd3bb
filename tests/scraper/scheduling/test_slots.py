"""Clock-aligned slots: pure arithmetic over a simulated month, and the slot rows `claim_slot` records."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from models.enums import RunStatus
from models.tables import ScrapeRun
from scraper.config import SourceConfig
from scraper.scheduling.slots import plan_slots, slot_at, slot_offset, slots_between
from scraper.storage import claims
from scraper.storage.runs import RunCounts, finish_run, start_run, sync_sources

START = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "every", "offset", "slot"),
    [
        ("2026-12-01T10:59:59", 3600, 0, "2026-12-01T10:00:00"),
        ("2026-12-01T11:00:00", 3600, 0, "2026-12-01T11:00:00"),
        ("2026-12-01T10:07:31", 900, 0, "2026-12-01T10:00:00"),
        ("2026-12-01T10:07:31", 900, 500, "2026-12-01T09:53:20"),
        ("2026-12-01T10:08:20", 900, 500, "2026-12-01T10:08:20"),
        ("2026-12-01T23:59:59", 86400, 0, "2026-12-01T00:00:00"),
        ("2026-12-01T00:59:59", 86400, 3600, "2026-11-30T01:00:00"),
    ],
    ids=lambda value: str(value),
)
def test_slot_at(moment: str, every: int, offset: int, slot: str) -> None:
    at = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    assert slot_at(at, every, offset) == datetime.fromisoformat(slot).replace(tzinfo=UTC)


def test_offsets_are_stable_and_spread_sources_over_the_interval() -> None:
    names = [f"board-{i}" for i in range(2000)]
    offsets = [slot_offset(name, 3600) for name in names]
    assert offsets == [slot_offset(name, 3600) for name in names]
    # 2,000 boards over an hour: no minute holds more than a few percent of them (not all at :00)
    per_minute = [0] * 60
    for offset in offsets:
        per_minute[offset // 60] += 1
    assert max(per_minute) < 2000 * 0.04
    assert min(per_minute) > 0


@pytest.mark.parametrize("every", [60, 900, 3600, 86400])
def test_a_simulated_month_runs_every_slot_exactly_once(every: int) -> None:
    """A scheduler ticking at irregular moments (1-59 s apart) over 30 days, with one 5-hour downtime:
    every slot of the month is recorded exactly once, as a run or (only during the downtime) as missed."""
    rng = random.Random(every)
    offset = slot_offset("acme", every)
    end = START + timedelta(days=30)
    down_from, down_to = START + timedelta(days=10, hours=3), START + timedelta(days=10, hours=8)
    recorded: dict[datetime, str] = {}
    last: datetime | None = None
    now = START
    catch_ups = 0
    last_tick = START
    while now < end:
        plan = plan_slots(last, now, every, offset)
        for slot in plan.missed:
            assert slot not in recorded
            recorded[slot] = "missed"
        if plan.due is not None:
            assert plan.due not in recorded, "a slot was planned twice"
            recorded[plan.due] = "run"
            if last is not None and now - plan.due > timedelta(seconds=60):
                catch_ups += 1
            last = plan.due
        last_tick = now
        now += timedelta(seconds=rng.randint(1, 59))
        if down_from <= now < down_to:
            now = down_to  # the process was down; the next tick is its restart
    first, final = slot_at(START, every, offset), slot_at(last_tick, every, offset)
    expected = [first, *slots_between(first, final, every, offset), final] if final > first else [first]
    assert sorted(recorded) == expected, "a slot was lost or invented"
    missed = [slot for slot, what in recorded.items() if what == "missed"]
    assert all(down_from - timedelta(seconds=every) <= slot < down_to for slot in missed)
    assert catch_ups <= 1  # after the downtime, at most one late (catch-up) run
    assert all((slot - START).total_seconds() % every == offset % every for slot in recorded)


def test_a_long_downtime_folds_old_missed_slots() -> None:
    plan = plan_slots(START, START + timedelta(days=30), 60, 0, max_missed=100)
    assert len(plan.missed) == 100
    assert plan.folded == 30 * 1440 - 1 - 100
    assert plan.missed[-1] == START + timedelta(days=30) - timedelta(minutes=1)


def config(name: str, every: int = 3600) -> SourceConfig:
    return SourceConfig(name=name, kind="greenhouse", url=f"https://{name}.example/", every_seconds=every)


def slot_rows(engine: Engine, source: str) -> list[tuple[datetime, str, str | None]]:
    with engine.connect() as connection:
        query = (
            select(ScrapeRun.scheduled_for, ScrapeRun.status, ScrapeRun.error)
            .where(ScrapeRun.source == source, ScrapeRun.scheduled_for.is_not(None))
            .order_by(ScrapeRun.scheduled_for)
        )
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def claim(
    engine: Engine, source: str, now: datetime, status: RunStatus = RunStatus.RUNNING, lease: float = 30
) -> claims.SlotClaim:
    return claims.claim_slot(
        engine,
        source,
        every_seconds=3600,
        offset_seconds=0,
        status=status,
        owner="test",
        lease_seconds=lease,
        now=now,
    )


def test_downtime_and_a_run_still_going_are_recorded_as_missed(
    committing_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    sync_sources(committing_engine, [config("acme")])
    first = claim(committing_engine, "acme", START + timedelta(minutes=5))
    assert first.run_id is not None and first.missed == 0
    finish_run(
        committing_engine, first.run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False
    )
    assert claim(committing_engine, "acme", START + timedelta(minutes=50)).reason == "taken"

    # down from 00:50 to 04:10: 01:00, 02:00, 03:00 were missed; 04:00 is the one catch-up
    caplog.set_level("WARNING")
    after = claim(committing_engine, "acme", START + timedelta(hours=4, minutes=10), lease=3600)
    assert after.run_id is not None and after.missed == 3
    assert "slot 3 slots 2026-12-01T01:00:00+00:00 .. 2026-12-01T03:00:00+00:00 missed" in caplog.text

    # the 04:00 run is still going at 05:01 (its lease holds): 05:00 is missed, not doubled
    still = claim(committing_engine, "acme", START + timedelta(hours=5, minutes=1))
    rows = slot_rows(committing_engine, "acme")
    assert [(slot.hour, status) for slot, status, _ in rows[:5]] == [
        (0, "succeeded"),
        (1, "missed"),
        (2, "missed"),
        (3, "missed"),
        (4, "running"),
    ]
    assert still.run_id is None and "still running" in (still.reason or "")
    assert rows[-1][1] == "missed" and "still running" in (rows[-1][2] or "")


def test_a_queued_slot_runs_once_and_a_late_one_is_missed(committing_engine: Engine) -> None:
    sync_sources(committing_engine, [config("acme")])
    now = datetime.now(UTC)
    queued = claim(committing_engine, "acme", now, RunStatus.QUEUED)
    assert queued.run_id is not None
    assert claims.start_deferred(committing_engine, queued.run_id, owner="w1", lease_seconds=30) is None
    # the queue delivering the job again (a retried job) starts nothing
    assert claims.start_deferred(committing_engine, queued.run_id, owner="w2", lease_seconds=30) == (
        f"run {queued.run_id} is running"
    )
    finish_run(
        committing_engine, queued.run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False
    )

    # a manual run going on when a queued run is taken up: the queued one is missed, not run beside it
    requested = claims.queue_run(committing_engine, "acme", trigger="api", lease_seconds=3600)
    assert requested is not None
    manual = start_run(committing_engine, "acme", trigger="manual", owner="cli", lease_seconds=300)
    assert manual is not None
    reason = claims.start_deferred(committing_engine, requested, owner="w1", lease_seconds=30)
    assert reason is not None and "still running" in reason

    # a queued slot whose interval passed before any worker took it is missed
    assert claims.expire_runs(committing_engine, now + timedelta(hours=3)) == (1, 0)  # the manual run's lease
    late = claim(committing_engine, "acme", now + timedelta(hours=3), RunStatus.QUEUED)
    assert late.run_id is not None
    assert claims.expire_runs(committing_engine, now + timedelta(hours=5)) == (0, 1)
    assert slot_rows(committing_engine, "acme")[-1][1:] == (
        "missed",
        "not run: it did not start within its interval (workers busy or down)",
    )


def test_claim_slots_records_many_sources_at_once_and_hands_the_runs_on_in_its_transaction(
    committing_engine: Engine,
) -> None:
    names = ["fresh", "back", "busy", "done"]
    sync_sources(committing_engine, [config(name) for name in names])
    now = START + timedelta(hours=5, minutes=10)
    # "back" last ran at 02:00 (03:00 and 04:00 missed), "busy" has a run going, "done" has its 05:00 slot
    for source, slot, status in (("back", 2, "succeeded"), ("busy", 4, "running"), ("done", 5, "succeeded")):
        with committing_engine.begin() as connection:
            connection.execute(
                ScrapeRun.__table__.insert().values(
                    source=source,
                    trigger="schedule",
                    scheduled_for=START + timedelta(hours=slot),
                    started_at=START + timedelta(hours=slot),
                    status=status,
                    lease_expires_at=now + timedelta(minutes=1) if status == "running" else None,
                    details={},
                    http={},
                )
            )
    wanted = [claims.SlotWant(name, 3600, 0) for name in [*names, "unknown"]]

    def refuse(connection: object, taken: list[claims.SlotClaim]) -> None:
        raise RuntimeError("the queue is down")

    with pytest.raises(RuntimeError):
        claims.claim_slots(
            committing_engine, wanted, status=RunStatus.QUEUED, owner=None, lease_seconds=30, now=now, on_claimed=refuse
        )
    assert slot_rows(committing_engine, "fresh") == [], "a refused hand-on records nothing"

    handed: list[tuple[str, int | None]] = []

    def accept(connection: object, taken: list[claims.SlotClaim]) -> None:
        handed.extend((claim.source, claim.run_id) for claim in taken)

    found = claims.claim_slots(
        committing_engine, wanted, status=RunStatus.QUEUED, owner=None, lease_seconds=30, now=now, on_claimed=accept
    )
    by_source = {claim.source: claim for claim in found}
    assert [claim.source for claim in found] == [*names, "unknown"]
    assert by_source["fresh"].run_id is not None and by_source["fresh"].missed == 0
    assert by_source["back"].run_id is not None and by_source["back"].missed == 2
    assert by_source["busy"].run_id is None and "still running" in (by_source["busy"].reason or "")
    assert (by_source["done"].run_id, by_source["done"].reason) == (None, "taken")
    assert by_source["unknown"].reason == "unknown source"
    assert handed == [("fresh", by_source["fresh"].run_id), ("back", by_source["back"].run_id)]
    assert [(slot.hour, status) for slot, status, _ in slot_rows(committing_engine, "back")] == [
        (2, "succeeded"),
        (3, "missed"),
        (4, "missed"),
        (5, "queued"),
    ]
    assert [(slot.hour, status) for slot, status, _ in slot_rows(committing_engine, "busy")] == [
        (4, "running"),
        (5, "missed"),
    ]
    # a second scheduler claiming the same slots a moment later records nothing twice
    again = claims.claim_slots(
        committing_engine, wanted[:4], status=RunStatus.QUEUED, owner=None, lease_seconds=30, now=now
    )
    assert all(claim.run_id is None for claim in again)
    assert len(slot_rows(committing_engine, "fresh")) == 1
