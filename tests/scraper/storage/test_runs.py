"""Run claims, leases, outcomes, run requests and the sources mirror, against real PostgreSQL and SQLite."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update

from models.tables import ScrapeRun, Source, utcnow
from scraper.config import SourceConfig
from scraper.storage.runs import (
    RunCounts,
    abandon_expired,
    claim_run,
    fail_unfinished,
    finish_run,
    load_validators,
    recent_fetched_counts,
    renew_lease,
    save_validators,
    start_run,
    sync_sources,
    take_run_requests,
)

SLOT = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def run_row(engine: Engine, run_id: int) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(ScrapeRun).where(ScrapeRun.id == run_id)).one()


def in_threads(count: int, work: Callable[[], Any]) -> list[Any]:
    """Run `work` in `count` threads released together; their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    lock = threading.Lock()

    def target() -> None:
        barrier.wait()
        result = work()
        with lock:
            results.append(result)

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_sync_sources_upserts_and_disables(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(update(Source).where(Source.name == "board").values(http_validators={"u": {"etag": "x"}}))
        connection.execute(update(Source).where(Source.name == "other").values(run_requested_at=SLOT))
    sync_sources(
        store,
        [
            SourceConfig(
                name="board", kind="lever", url="https://new.example/", every_seconds=900, options={"board": "acme"}
            ),
            SourceConfig(
                name="other", kind="greenhouse", url="https://other.example/", every_seconds=7200, enabled=False
            ),
            SourceConfig(name="fresh", kind="ashby", url="https://fresh.example/", every_seconds=3600),
        ],
    )
    with store.connect() as connection:
        found = {row.name: row for row in connection.execute(select(Source))}
    assert {name: (row.kind, row.every_seconds, row.enabled) for name, row in found.items()} == {
        "board": ("lever", 900, True),
        "other": ("greenhouse", 7200, False),
        "third": ("greenhouse", 7200, False),  # no longer in the file
        "fresh": ("ashby", 3600, True),
    }
    assert (found["board"].options, found["board"].http_validators) == ({"board": "acme"}, {"u": {"etag": "x"}})
    assert found["other"].run_requested_at == SLOT


def test_claims_of_one_slot_are_exclusive(store: Engine) -> None:
    results = in_threads(6, lambda: claim_run(store, "board", SLOT, owner="t", lease_seconds=60))
    winners = [result for result in results if result is not None]
    assert len(winners) == 1
    row = run_row(store, winners[0])
    assert (row.status, row.scheduled_for, row.trigger, row.owner) == ("running", SLOT, "schedule", "t")


def test_a_slot_is_claimed_once_even_after_its_run_ends(store: Engine) -> None:
    run_id = claim_run(store, "board", SLOT, owner="a", lease_seconds=60)
    assert run_id is not None
    finish_run(store, run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False)
    assert claim_run(store, "board", SLOT, owner="b", lease_seconds=60) is None
    assert claim_run(store, "board", SLOT + timedelta(hours=2), owner="b", lease_seconds=60) is not None


def test_no_claim_or_start_while_a_run_holds_its_lease(store: Engine) -> None:
    manual = start_run(store, "board", trigger="api", owner="a", lease_seconds=60)
    assert manual is not None
    assert start_run(store, "board", trigger="manual", owner="b", lease_seconds=60) is None
    assert claim_run(store, "board", SLOT, owner="b", lease_seconds=60) is None
    assert start_run(store, "other", trigger="manual", owner="b", lease_seconds=60) is not None  # other sources go on
    finish_run(store, manual, status="failed", counts=RunCounts(), http={}, error="boom", suspect=False)
    assert claim_run(store, "board", SLOT, owner="b", lease_seconds=60) is not None


def test_an_expired_lease_does_not_block(store: Engine) -> None:
    stale = start_run(store, "board", trigger="manual", owner="dead", lease_seconds=-1)
    assert stale is not None
    assert start_run(store, "board", trigger="manual", owner="b", lease_seconds=60) is not None


def test_starts_are_exclusive(store: Engine) -> None:
    results = in_threads(6, lambda: start_run(store, "board", trigger="api", owner="t", lease_seconds=60))
    assert len([result for result in results if result is not None]) == 1


def test_unknown_source_is_an_error(store: Engine) -> None:
    with pytest.raises(LookupError, match="nope"):
        claim_run(store, "nope", SLOT, owner="t", lease_seconds=60)
    with pytest.raises(LookupError, match="nope"):
        start_run(store, "nope", trigger="manual", owner="t", lease_seconds=60)


def test_abandon_expired_and_renew(store: Engine) -> None:
    expired = claim_run(store, "board", SLOT, owner="dead", lease_seconds=1)
    alive = claim_run(store, "other", SLOT, owner="alive", lease_seconds=3600)
    assert expired is not None and alive is not None
    now = utcnow() + timedelta(seconds=30)
    assert abandon_expired(store, now) == 1
    row = run_row(store, expired)
    assert (row.status, row.finished_at) == ("abandoned", now)
    assert "lease expired" in row.error
    assert run_row(store, alive).status == "running"
    assert abandon_expired(store, now) == 0
    assert renew_lease(store, expired, 60) is False
    assert renew_lease(store, alive, 7200) is True
    assert run_row(store, alive).lease_expires_at > utcnow() + timedelta(seconds=3600)


def test_finish_run_records_counts(store: Engine) -> None:
    run_id = start_run(store, "board", trigger="manual", owner="t", lease_seconds=60)
    assert run_id is not None
    counts = RunCounts(pages=2, fetched=40, new=3, updated=2, unchanged=35, closed=1, reopened=0, flagged=4, rejected=1)
    counts.flagged_by_code = {"salary_implausible": 1, "salary_outlier": 3}
    counts.rejected_by_reason = {"no_title": 1}
    finish_run(store, run_id, status="partial", counts=counts, http={"requests": 3}, error="page 3: 503", suspect=False)
    row = run_row(store, run_id)
    assert (row.status, row.fetched, row.unchanged, row.error, row.http, row.lease_expires_at) == (
        "partial",
        40,
        35,
        "page 3: 503",
        {"requests": 3},
        None,
    )
    assert ScrapeRun.counts.fget(row)["flagged_by_code"] == {"salary_implausible": 1, "salary_outlier": 3}  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="running"):
        finish_run(store, run_id, status="running", counts=counts, http={}, error=None, suspect=False)


def test_fail_unfinished(store: Engine) -> None:
    run_id = start_run(store, "board", trigger="manual", owner="t", lease_seconds=60)
    assert run_id is not None
    assert fail_unfinished(store, run_id, "runner crashed") is True
    assert (run_row(store, run_id).status, run_row(store, run_id).error) == ("failed", "runner crashed")
    assert fail_unfinished(store, run_id, "again") is False


def test_take_run_requests_gives_each_request_to_one_caller(store: Engine) -> None:
    with store.begin() as connection:
        connection.execute(update(Source).values(run_requested_at=utcnow()))
    results = in_threads(4, lambda: take_run_requests(store))
    taken = [name for result in results for name in result]
    assert sorted(taken) == ["board", "other", "third"]
    assert take_run_requests(store) == []


def test_validators_round_trip(store: Engine) -> None:
    assert load_validators(store, "board") == {}
    validators = {"https://board.example/jobs": {"etag": '"abc"', "last_modified": None}}
    save_validators(store, "board", validators)
    assert load_validators(store, "board") == validators


def test_recent_fetched_counts(store: Engine) -> None:
    outcomes = [
        ("succeeded", 10, False),
        ("failed", 0, False),
        ("succeeded", 12, True),
        ("succeeded", 14, False),
        ("partial", 3, False),
    ]
    for index, (status, fetched, suspect) in enumerate(outcomes):
        run_id = claim_run(store, "board", SLOT + timedelta(hours=index), owner="t", lease_seconds=60)
        assert run_id is not None
        with store.begin() as connection:  # started_at from the slot keeps the order exact
            connection.execute(
                update(ScrapeRun).where(ScrapeRun.id == run_id).values(started_at=SLOT + timedelta(hours=index))
            )
        finish_run(
            store, run_id, status=status, counts=RunCounts(fetched=fetched), http={}, error=None, suspect=suspect
        )
    # Suspect runs count (a size that keeps coming back becomes the median); failed and partial ones do not.
    assert recent_fetched_counts(store, "board") == [14, 12, 10]
    assert recent_fetched_counts(store, "board", n=1) == [14]
    assert recent_fetched_counts(store, "other") == []
