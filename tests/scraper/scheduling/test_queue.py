"""The PostgreSQL task queue: 4 schedule + 4 worker processes run each (source, slot) once; a killed worker's run
is marked and the source goes on; a slow manual run is never doubled by a queued one."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from models.tables import Base
from scraper.scheduling.queue import apply_queue_schema
from scraper.scheduling.slots import slot_offset

ROOT = Path(__file__).resolve().parents[3]
PROCESS = Path(__file__).with_name("queue_process.py")

pytestmark = pytest.mark.slow


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.fixture
def queue_db(pg_engine: Engine) -> Iterator[Engine]:
    """The session's PostgreSQL database with the queue schema, emptied, and a `runner_calls` table."""

    def empty() -> None:
        with pg_engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS runner_calls"))
            connection.execute(text("DELETE FROM procrastinate_jobs"))
            connection.execute(text("DELETE FROM procrastinate_workers"))
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())

    apply_queue_schema(pg_engine)
    assert apply_queue_schema(pg_engine) is False  # applied once
    empty()
    with pg_engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE runner_calls (id serial PRIMARY KEY, run_id bigint, source text, owner text)")
        )
    yield pg_engine
    empty()


def spawn(engine: Engine, role: str, owner: str, mode: str, every: int, *names: str) -> subprocess.Popen[bytes]:
    url = engine.url.render_as_string(hide_password=False)
    return subprocess.Popen(
        [sys.executable, str(PROCESS), url, role, owner, mode, str(every), *names],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def stop(process: subprocess.Popen[bytes]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr.decode(errors="replace")


def runs(engine: Engine) -> list[tuple[int, str, object, str, str | None]]:
    query = text("SELECT id, source, scheduled_for, status, error FROM scrape_runs ORDER BY id")
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]


def runner_calls(engine: Engine) -> list[tuple[int, str, str]]:
    with engine.connect() as connection:
        return [tuple(r) for r in connection.execute(text("SELECT run_id, source, owner FROM runner_calls"))]  # type: ignore[misc]


def test_four_schedulers_and_four_workers_run_each_slot_once(queue_db: Engine) -> None:
    # 5-second slots: a queued run must start within its interval, which a loaded CI machine needs
    every, names = 5, ("alpha", "beta", "gamma")
    processes = [spawn(queue_db, "schedule", f"s{i}", "quick", every, *names) for i in range(4)]
    processes += [spawn(queue_db, "worker", f"w{i}", "quick", every, *names) for i in range(4)]
    try:

        def enough() -> bool:
            done = [run for run in runs(queue_db) if run[3] == "succeeded"]
            return all(sum(1 for run in done if run[1] == name) >= 3 for name in names)

        reached = wait_for(enough, timeout=90)
    finally:
        outcomes = [stop(process) for process in processes]
    assert [code for code, _ in outcomes] == [0] * 8, [err[-2000:] for _, err in outcomes]
    assert reached, runs(queue_db)
    calls = runner_calls(queue_db)
    assert len(calls) == len({run_id for run_id, _, _ in calls}), "a run was executed twice"
    recorded = runs(queue_db)
    slots = [(source, slot) for _, source, slot, _, _ in recorded]
    assert len(slots) == len(set(slots)), "a slot was recorded twice"
    executed = {run_id for run_id, _, _ in calls}
    for run_id, source, slot, status, _ in recorded:
        assert (run_id in executed) == (status in ("succeeded", "running", "partial")), (run_id, status)
        assert (slot.timestamp() - slot_offset(source, every)) % every == 0  # type: ignore[attr-defined]
    for name in names:
        # no slot between the first and the last is lost: each is a run or a missed row
        mine = sorted(slot for _, source, slot, _, _ in recorded if source == name)
        gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(mine)}  # type: ignore[operator]
        assert gaps <= {float(every)}, gaps
    assert {owner for _, _, owner in calls} <= {f"w{i}" for i in range(4)}


def test_a_killed_worker_run_is_marked_and_the_source_goes_on(queue_db: Engine) -> None:
    every = 2
    scheduler = spawn(queue_db, "schedule", "s0", "quick", every, "alpha")
    doomed = spawn(queue_db, "worker", "doomed", "hang", every, "alpha")
    successor: subprocess.Popen[bytes] | None = None
    try:
        assert wait_for(lambda: len(runner_calls(queue_db)) == 1, timeout=40)
        doomed.send_signal(signal.SIGKILL)
        doomed.communicate(timeout=10)  # reaps it and closes its pipe
        killed_at = time.monotonic()
        ((killed_run, _, _),) = runner_calls(queue_db)
        successor = spawn(queue_db, "worker", "successor", "quick", every, "alpha")

        def marked() -> bool:
            return any(run[0] == killed_run and run[3] == "abandoned" for run in runs(queue_db))

        assert wait_for(marked, timeout=60)
        assert time.monotonic() - killed_at < 60
        went_on = wait_for(lambda: any(owner == "successor" for _, _, owner in runner_calls(queue_db)), timeout=60)
    finally:
        outcomes = [stop(scheduler)] + ([stop(successor)] if successor else [])
    assert [code for code, _ in outcomes] == [0] * len(outcomes), outcomes
    assert went_on, outcomes[0][1][-2500:] + outcomes[-1][1][-2500:]
    killed = next(run for run in runs(queue_db) if run[0] == killed_run)
    assert "lease expired" in (killed[4] or "")


def test_a_slow_manual_run_is_never_doubled(queue_db: Engine) -> None:
    # A manual run held through many of its 2-second leases (renewed by its heartbeat) until 2-second slots of the
    # same source come due behind it: each is recorded missed, none runs beside it, and the source goes on.
    every = 2
    manual = spawn(queue_db, "manual", "cli", "180", every, "alpha")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        assert wait_for(lambda: any(run[3] == "running" for run in runs(queue_db)), timeout=60)
        processes = [spawn(queue_db, "schedule", "s0", "quick", every, "alpha")]
        processes.append(spawn(queue_db, "worker", "w0", "quick", every, "alpha"))
        manual_code = manual.wait(timeout=240)

        def went_on() -> bool:
            return any(owner == "w0" for _, _, owner in runner_calls(queue_db))

        reached = wait_for(went_on, timeout=60)
    finally:
        if manual.poll() is None:
            manual.kill()
        manual.communicate()
        outcomes = [stop(process) for process in processes]
    assert manual_code == 0
    assert [code for code, _ in outcomes] == [0] * len(outcomes), [err[-2000:] for _, err in outcomes]
    assert reached, runs(queue_db)
    with queue_db.connect() as connection:
        spans = connection.execute(
            text("SELECT trigger, status, started_at, finished_at, error FROM scrape_runs ORDER BY id")
        ).all()
    (manual_run,) = [span for span in spans if span.trigger == "manual"]
    assert manual_run.status == "succeeded", "the manual run lost its lease"
    ran = [span for span in spans if span.trigger == "schedule" and span.status in ("running", "succeeded")]
    assert ran, spans
    for span in ran:  # no scheduled run overlaps the manual one
        assert span.started_at >= manual_run.finished_at, (span, manual_run)
    # the slots that came due during it were recorded, as missed behind it
    assert any(span.status == "missed" and "still running" in (span.error or "") for span in spans), spans
