"""Faults around a run, injected for real: a database that raises mid-run, a host deferring with Retry-After,
Ctrl-C and SIGKILL of `jobfeed scrape`, SIGTERM of `jobfeed schedule` while a server drips its headers."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from models.db import create_db_engine
from models.enums import RunStatus
from models.tables import ScrapeRun
from scraper.config import SourceConfig
from scraper.pipeline import run_source
from scraper.storage import runs as run_store
from tests.faultserver import FaultServer, answer, header_drip

ROOT = Path(__file__).resolve().parents[2]
BOARD = (ROOT / "tests" / "fixtures" / "sources" / "greenhouse" / "board.json").read_bytes()
PATH = "/v1/boards/quantaforge/jobs"


def greenhouse(url: str, name: str = "quantaforge") -> SourceConfig:
    return SourceConfig(
        name=name,
        kind="greenhouse",
        url=url,
        every_seconds=3600,
        allow_private_network=True,
        options={"min_delay_seconds": 0, "backoff_base_seconds": 0.01},
    )


def runs_of(engine: Engine, source: str) -> list[ScrapeRun]:
    with Session(engine) as session:
        return list(session.scalars(select(ScrapeRun).where(ScrapeRun.source == source).order_by(ScrapeRun.id)))


@pytest.fixture
def failing_inserts(committing_engine: Engine) -> Iterator[Engine]:
    """A trigger that makes every INSERT into postings fail inside the database."""
    postgres = committing_engine.dialect.name == "postgresql"
    with committing_engine.begin() as connection:
        if postgres:
            connection.execute(
                text(
                    "CREATE FUNCTION injected_fault() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'injected fault'; END $$"
                )
            )
            connection.execute(
                text("CREATE TRIGGER injected BEFORE INSERT ON postings FOR EACH ROW EXECUTE FUNCTION injected_fault()")
            )
        else:
            connection.execute(
                text(
                    "CREATE TRIGGER injected BEFORE INSERT ON postings BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                )
            )
    try:
        yield committing_engine
    finally:
        with committing_engine.begin() as connection:
            connection.execute(text("DROP TRIGGER injected ON postings" if postgres else "DROP TRIGGER injected"))
            if postgres:
                connection.execute(text("DROP FUNCTION injected_fault()"))


def test_a_database_error_is_recorded_as_a_short_public_message(
    failing_inserts: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    with FaultServer({PATH: answer(BOARD, headers={"Content-Type": "application/json"})}) as server:
        config = greenhouse(server.url(PATH))
        run_store.sync_sources(failing_inserts, [config])
        with caplog.at_level(logging.ERROR):
            result = run_source(config, failing_inserts)

    (run,) = runs_of(failing_inserts, "quantaforge")
    assert (result.status, run.status) == (RunStatus.FAILED, "failed")
    assert run.error is not None and run.error.startswith("database error (")
    for internal in ("INSERT", "SQL", "injected fault", "quantaforge", "parameters"):
        assert internal not in run.error
    assert "injected fault" in caplog.text  # the detail is in the log


def test_retry_after_over_the_cap_defers_the_source_until_then(committing_engine: Engine) -> None:
    routes = {PATH: answer(b"slow down", status=429, headers={"Retry-After": "3600"})}
    with FaultServer(routes) as server:
        config = greenhouse(server.url(PATH))
        run_store.sync_sources(committing_engine, [config])
        before = datetime.now(UTC)
        result = run_source(config, committing_engine)
        again = run_source(config, committing_engine)
        asked = [hit.path for hit in server.hits if hit.path == PATH]

    (run,) = runs_of(committing_engine, "quantaforge")  # the second attempt did not start a run
    assert (result.status, run.status) == (RunStatus.DEFERRED, "deferred")
    assert run.deferred_until is not None
    assert timedelta(seconds=3590) < run.deferred_until - before < timedelta(seconds=3610)
    assert "Retry-After 3600s" in (run.error or "")
    assert again.status is RunStatus.DEFERRED and again.run_id is None
    assert asked == [PATH]  # not fetched again before the time the host asked for
    assert run_store.deferred_until(committing_engine, "quantaforge") == run.deferred_until
    slot = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    assert run_store.claim_run(committing_engine, "quantaforge", slot, owner="s", lease_seconds=60) is None
    later = run.deferred_until + timedelta(seconds=1)
    assert run_store.deferred_until(committing_engine, "quantaforge", now=later) is None


# --- processes -----------------------------------------------------------------------------------


def write_sources(tmp_path: Path, url: str, deadline_seconds: float = 60.0) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
name = "dripping"
kind = "greenhouse"
url = "{url}"
every = "1h"
allow_private_network = true
obey_robots = false
min_delay_seconds = 0
deadline_seconds = {deadline_seconds}
""",
        encoding="utf-8",
    )
    return path


def jobfeed(tmp_path: Path, *args: str) -> list[str]:
    database = f"sqlite:///{tmp_path / 'jobfeed.db'}"
    return [sys.executable, "-m", "scraper.cli", "--database-url", database, "--sources", "sources.toml", *args]


def environment() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("JOBFEED_")}, "PYTHONPATH": str(ROOT)}


def start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        jobfeed(tmp_path, *args), cwd=tmp_path, env=environment(), stderr=subprocess.PIPE, text=True
    )


def wait_for(condition: Any, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def database(tmp_path: Path) -> Engine:
    return create_db_engine(f"sqlite:///{tmp_path / 'jobfeed.db'}")


@pytest.mark.slow
def test_ctrl_c_records_the_scrape_as_cancelled(tmp_path: Path) -> None:
    with FaultServer({"/jobs": header_drip(2.0)}) as server:
        write_sources(tmp_path, server.url("/jobs"))
        process = start(tmp_path, "scrape", "dripping")
        try:
            assert wait_for(lambda: server.hits), "the scrape never reached the server"
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=30)
        finally:
            process.kill()
    engine = database(tmp_path)
    (run,) = runs_of(engine, "dripping")
    engine.dispose()
    assert process.returncode == 130, stderr
    assert (run.status, run.lease_expires_at) == ("cancelled", None)
    assert "Ctrl-C" in (run.error or "")
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_a_killed_scrape_is_settled_by_the_next_command_that_starts_a_run(tmp_path: Path) -> None:
    with FaultServer({"/jobs": header_drip(2.0), "/ok": answer(BOARD)}) as server:
        write_sources(tmp_path, server.url("/jobs"))
        process = start(tmp_path, "scrape", "dripping")
        try:
            assert wait_for(lambda: server.hits), "the scrape never reached the server"
        finally:
            process.send_signal(signal.SIGKILL)
            process.communicate(timeout=30)
        engine = database(tmp_path)
        (killed,) = runs_of(engine, "dripping")
        assert killed.status == "running"  # SIGKILL leaves no chance to record anything
        with engine.begin() as connection:  # ... and its lease runs out (5 minutes, skipped here)
            connection.execute(update(ScrapeRun).values(lease_expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        config = greenhouse(server.url("/ok"), name="dripping")
        result = run_source(config, engine)
        statuses = [(run.id, run.status) for run in runs_of(engine, "dripping")]
        engine.dispose()
    assert result.status is RunStatus.SUCCEEDED
    assert statuses == [(killed.id, "abandoned"), (result.run_id, "succeeded")]


@pytest.mark.slow
def test_schedule_stops_on_sigterm_within_the_deadline_while_headers_drip(tmp_path: Path) -> None:
    deadline = 30.0
    with FaultServer({"/jobs": header_drip(2.0)}) as server:
        write_sources(tmp_path, server.url("/jobs"), deadline_seconds=deadline)
        upgrade = subprocess.run(jobfeed(tmp_path, "db", "upgrade"), cwd=tmp_path, env=environment(), timeout=120)
        assert upgrade.returncode == 0
        process = start(tmp_path, "schedule")
        try:
            assert wait_for(lambda: server.hits, timeout=60), "the scheduler never reached the server"
            time.sleep(1.0)  # well into the drip
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=deadline + 10)
            stopped_after = time.monotonic() - signalled
        finally:
            process.kill()
    engine = database(tmp_path)
    (run,) = runs_of(engine, "dripping")
    engine.dispose()
    print(f"jobfeed schedule stopped {stopped_after:.2f} s after SIGTERM (deadline {deadline:g} s)")
    assert process.returncode == 0, stderr
    assert stopped_after < deadline
    assert run.status == "partial" and "shutdown" in (run.error or "")
    assert json.loads(json.dumps(run.http))["requests"] == 1


def test_a_suspect_size_that_repeats_becomes_the_new_normal(committing_engine: Engine) -> None:
    board = json.loads(BOARD)
    whole = json.dumps(board).encode()
    dropped = json.dumps({**board, "jobs": board["jobs"][:1], "meta": {"total": 1}}).encode()
    server = FaultServer({PATH: answer(whole, headers={"Content-Type": "application/json"})})
    with server:
        config = greenhouse(server.url(PATH))
        run_store.sync_sources(committing_engine, [config])
        results = []
        for index in range(7):
            if index == 3:  # the board drops to a third of its size and stays there
                server.routes[PATH] = answer(dropped, headers={"Content-Type": "application/json"})
            results.append(run_source(config, committing_engine, misses_to_close=1))

    assert [r.counts.fetched for r in results] == [3, 3, 3, 1, 1, 1, 1]
    # Three suspect runs close nothing; then the size is the median of the window: the new normal.
    assert [r.suspect for r in results] == [False, False, False, True, True, True, False]
    assert [r.counts.closed for r in results] == [0, 0, 0, 0, 0, 0, 2]
