"""The scheduler: slots, catch-up, crash isolation, run requests, shutdown; several processes on one PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from models.tables import Base, ScrapeRun, Source, utcnow
from scraper.config import SourceConfig
from scraper.scheduling.scheduler import Scheduler
from scraper.scheduling.slots import slot_at, slot_offset
from scraper.storage.runs import RunCounts, finish_run

ROOT = Path(__file__).resolve().parents[3]
PROCESS = Path(__file__).with_name("scheduler_process.py")


def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll `condition` until it holds or `timeout` passes; the caller asserts the outcome."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def config(name: str, every_seconds: int = 3600) -> SourceConfig:
    return SourceConfig(name=name, kind="greenhouse", url=f"https://{name}.example/", every_seconds=every_seconds)


def all_runs(engine: Engine) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(select(ScrapeRun).order_by(ScrapeRun.id)))


class Recorder:
    """A runner that records calls, finishes `ok` runs, crashes on `crash`, and waits for stop on `slow`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.calls: list[tuple[str, int]] = []
        self.saw_stop = threading.Event()
        self.slow_started = threading.Event()

    def __call__(self, source: SourceConfig, run_id: int, stop: threading.Event) -> None:
        self.calls.append((source.name, run_id))
        if source.name == "crash":
            raise RuntimeError("parser exploded")
        if source.name == "slow":
            self.slow_started.set()
            stop.wait(30)
            self.saw_stop.set()
            finish_run(
                self.engine, run_id, status="partial", counts=RunCounts(), http={}, error="stopped", suspect=False
            )
            return
        if source.name == "forgetful":
            return
        finish_run(
            self.engine, run_id, status="succeeded", counts=RunCounts(fetched=1), http={}, error=None, suspect=False
        )


@pytest.fixture
def scheduler_factory(committing_engine: Engine) -> Iterator[Callable[..., tuple[Scheduler, Recorder]]]:
    started: list[Scheduler] = []

    def build(*names: str, lease_seconds: float = 5) -> tuple[Scheduler, Recorder]:
        recorder = Recorder(committing_engine)
        scheduler = Scheduler(
            committing_engine,
            [config(name) for name in names],
            runner=recorder,
            owner="test",
            lease_seconds=lease_seconds,
            poll_seconds=0.2,
        )
        started.append(scheduler)
        scheduler.start()
        return scheduler, recorder

    yield build
    for scheduler in started:
        scheduler.stop()


def test_catch_up_run_crash_isolation_and_run_requests(committing_engine: Engine, scheduler_factory: Any) -> None:
    scheduler_factory("ok", "crash", "forgetful")
    finished = lambda: [run for run in all_runs(committing_engine) if run.status != "running"]  # noqa: E731
    assert wait_for(lambda: len(finished()) == 3)
    outcome = {run.source: (run.status, run.trigger, run.error) for run in all_runs(committing_engine)}
    assert outcome == {
        "ok": ("succeeded", "schedule", None),
        "crash": ("failed", "schedule", "runner crashed: internal error (RuntimeError); the details are in the log"),
        "forgetful": ("failed", "schedule", "the runner returned without recording the run's outcome"),
    }
    # each first run claimed the current slot: the catch-up after (any) downtime
    for run in all_runs(committing_engine):
        assert run.scheduled_for == slot_at(run.started_at, 3600, slot_offset(run.source, 3600))

    with committing_engine.begin() as connection:
        connection.execute(update(Source).where(Source.name.in_(["ok", "crash"])).values(run_requested_at=utcnow()))
    assert wait_for(lambda: len(finished()) == 5)
    requested = [
        (run.source, run.status, run.scheduled_for) for run in all_runs(committing_engine) if run.trigger == "api"
    ]
    assert sorted(requested) == [("crash", "failed", None), ("ok", "succeeded", None)]
    with committing_engine.connect() as connection:
        assert (
            connection.execute(select(Source.run_requested_at).where(Source.run_requested_at.is_not(None))).all() == []
        )


def test_stop_lets_the_running_batch_finish(committing_engine: Engine, scheduler_factory: Any) -> None:
    scheduler, recorder = scheduler_factory("slow")
    assert recorder.slow_started.wait(15)
    scheduler.stop()
    assert recorder.saw_stop.is_set()
    (run,) = all_runs(committing_engine)
    assert (run.status, run.error) == ("partial", "stopped")
    assert scheduler.active_runs == {}


def test_lease_is_renewed_while_a_run_is_active(committing_engine: Engine, scheduler_factory: Any) -> None:
    # Renewed every 0.5 s; the run's lease would expire only if the heartbeat stalled for a second.
    _, recorder = scheduler_factory("slow", lease_seconds=1.5)
    assert recorder.slow_started.wait(15)
    (run,) = all_runs(committing_engine)
    first_lease = run.lease_expires_at
    assert wait_for(lambda: all_runs(committing_engine)[0].lease_expires_at > first_lease)


# ------------------------------------------------------------------------------------- several processes


@pytest.fixture
def shared_postgres(pg_engine: Engine) -> Iterator[Engine]:
    """The session's PostgreSQL database, emptied, with a `runner_calls` table the child runners write to."""

    def empty() -> None:
        with pg_engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS runner_calls"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())

    empty()
    with pg_engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE runner_calls (id serial PRIMARY KEY, run_id bigint, source text, owner text)")
        )
    yield pg_engine
    empty()


def spawn(engine: Engine, owner: str, mode: str, lease: int, every: int, *names: str) -> subprocess.Popen[bytes]:
    url = engine.url.render_as_string(hide_password=False)
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(PROCESS), url, owner, mode, str(lease), str(every), *names],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def calls(engine: Engine) -> list[tuple[int, str, str, datetime | None, str]]:
    """(run_id, source, owner, scheduled_for, status) per runner call."""
    query = text(
        "SELECT c.run_id, c.source, c.owner, r.scheduled_for, r.status FROM runner_calls c "
        "JOIN scrape_runs r ON r.id = c.run_id ORDER BY c.id"
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr.decode(errors="replace")


@pytest.mark.slow
def test_two_scheduler_processes_run_each_slot_once(shared_postgres: Engine) -> None:
    every = 2
    processes = [spawn(shared_postgres, owner, "quick", 10, every, "alpha", "beta") for owner in ("one", "two")]
    try:

        def slots_done() -> bool:
            done = [(source, slot) for _, source, _, slot, status in calls(shared_postgres) if status == "succeeded"]
            return all(len({slot for s, slot in done if s == source}) >= 4 for source in ("alpha", "beta"))

        reached = wait_for(slots_done, timeout=25)
    finally:
        outcomes = [stop(process) for process in processes]
    assert [code for code, _ in outcomes] == [0, 0], outcomes
    assert reached
    recorded = calls(shared_postgres)
    per_run = [run_id for run_id, *_ in recorded]
    assert len(per_run) == len(set(per_run)), "a claimed run was executed twice"
    per_slot = [(source, slot) for _, source, _, slot, _ in recorded]
    assert len(per_slot) == len(set(per_slot)), "a slot ran twice"
    # A slot whose source still had a run going, or that came while no scheduler ran (the processes stop one
    # after the other), is recorded `missed`, never run; every other row was claimed to run, and ran.
    claimed = {run.id for run in all_runs(shared_postgres) if run.status != "missed"}
    assert claimed == set(per_run), "a slot was claimed but never run"
    for source in ("alpha", "beta"):
        slots = sorted(slot for _, s, _, slot, _ in recorded if s == source)
        assert all((slot.timestamp() - slot_offset(source, every)) % every == 0 for slot in slots)
        assert len(slots) >= 4


@pytest.mark.slow
def test_a_killed_scheduler_run_is_abandoned_and_the_next_slot_runs(shared_postgres: Engine) -> None:
    # Every wait polls its condition with a generous bound: on a loaded machine starting a process alone can take
    # many seconds, and nothing here depends on how long anything took.
    every, lease = 2, 2
    doomed = spawn(shared_postgres, "doomed", "hang", lease, every, "alpha")
    try:
        assert wait_for(lambda: len(calls(shared_postgres)) == 1, timeout=120)
    finally:
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=60)  # also closes its stderr pipe (an unclosed one is a warning, an error here)
    ((killed_run, _, _, killed_slot, _),) = calls(shared_postgres)

    successor = spawn(shared_postgres, "successor", "quick", 10, every, "alpha")
    try:

        def recovered() -> bool:
            statuses = {run.id: run.status for run in all_runs(shared_postgres)}
            later = [c for c in calls(shared_postgres) if c[3] > killed_slot and statuses[c[0]] == "succeeded"]
            return statuses[killed_run] == "abandoned" and bool(later)

        assert wait_for(recovered, timeout=180)
    finally:
        code, stderr = stop(successor)
    assert code == 0, stderr
    runs_now = all_runs(shared_postgres)
    killed = next(run for run in runs_now if run.id == killed_run)
    assert killed.owner == "doomed"
    assert "lease expired" in killed.error
    # marked once its lease had expired, and before the successor's first run (its tick expires runs first)
    first_successor_run = min(run.started_at for run in runs_now if run.owner == "successor")
    assert killed.lease_expires_at <= killed.finished_at <= first_successor_run
