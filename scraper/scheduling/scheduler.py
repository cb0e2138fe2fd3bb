"""When runs happen: APScheduler 3 fires each enabled source at its interval; the database claim decides who runs.

Owns timing, claims, leases, run requests and shutdown; never fetches or stores postings (the injected
runner, by default `scraper.pipeline.run_source`, does).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import SchedulerNotRunningError
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from scraper.config import SourceConfig
from scraper.errors import public_message
from scraper.storage import runs

log = logging.getLogger(__name__)

Runner = Callable[[SourceConfig, int, threading.Event], None]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Spread sources sharing an interval; small against the interval, so a fired job stays inside its slot.
JITTER_FRACTION = 0.1
MAX_JITTER_SECONDS = 60.0


def slot_for(moment: datetime, every_seconds: int) -> datetime:
    """The start of the epoch-aligned interval containing `moment`: the same on every instance.

    >>> slot_for(datetime(2026, 12, 1, 10, 59, 59, tzinfo=UTC), 3600)
    datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc)
    """
    seconds = int((moment - EPOCH).total_seconds()) // every_seconds * every_seconds
    return datetime.fromtimestamp(seconds, UTC)


def jitter_seconds(every_seconds: int) -> float:
    return min(every_seconds * JITTER_FRACTION, MAX_JITTER_SECONDS)


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def pipeline_runner(engine: Engine) -> Runner:
    """The production runner: `scraper.pipeline.run_source` (imported when a run starts, not before)."""

    def run(config: SourceConfig, run_id: int, stop: threading.Event) -> None:
        from scraper.pipeline import run_source

        run_source(config, engine, run_id=run_id, stop=stop)

    return run


@dataclass(slots=True)
class _Active:
    source: str
    started: float  # time.monotonic()


class Scheduler:
    """One source job per enabled source plus a maintenance job, in a background APScheduler.

    Each (source, slot) runs once across every instance sharing the database: a job computes the slot
    from the clock (`slot_for`) and runs only if `claim_run` inserts it. The first firing of each job is
    immediate and claims the current slot: after downtime that is the one catch-up run (coalesce=True,
    misfire grace of one interval: never a burst). Runs execute in APScheduler's thread pool; a lease
    heartbeat thread keeps their leases alive while they run, for at most `max_run_seconds` (a hung run
    is then left to expire and be abandoned).
    """

    def __init__(
        self,
        engine: Engine,
        configs: Sequence[SourceConfig],
        *,
        runner: Runner | None = None,
        owner: str | None = None,
        lease_seconds: float = 120.0,
        poll_seconds: float = 2.0,
        max_run_seconds: float = 6 * 3600.0,
        stop_event: threading.Event | None = None,
    ) -> None:
        if poll_seconds * 2 > lease_seconds:
            raise ValueError("lease_seconds must allow at least two renewals (lease_seconds >= 2 * poll_seconds)")
        self.engine = engine
        self.configs = list(configs)
        self.runner = runner or pipeline_runner(engine)
        self.owner = owner or default_owner()
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.max_run_seconds = max_run_seconds
        self.stop_event = stop_event or threading.Event()
        self._by_name = {config.name: config for config in self.configs if config.enabled}
        self._active: dict[int, _Active] = {}
        self._lock = threading.Lock()
        self._heartbeat_done = threading.Event()
        self._heartbeat: threading.Thread | None = None
        workers = 2 * len(self._by_name) + 2  # a scheduled and a requested run per source, at most
        self._apscheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(workers), "maintenance": ThreadPoolExecutor(1)},
            job_defaults={"max_instances": 1, "coalesce": True},
        )

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        runs.sync_sources(self.engine, self.configs)
        now = datetime.now(UTC)
        for config in self._by_name.values():
            every = config.every_seconds
            self._apscheduler.add_job(
                self._scheduled_run,
                IntervalTrigger(seconds=every, start_date=EPOCH, timezone=UTC, jitter=jitter_seconds(every)),
                args=[config],
                id=f"source:{config.name}",
                name=f"run {config.name}",
                misfire_grace_time=every,
                next_run_time=now,
            )
        self._apscheduler.add_job(
            self._maintain,
            IntervalTrigger(seconds=self.poll_seconds, timezone=UTC),
            id="maintenance",
            name="abandon expired runs, take run requests",
            executor="maintenance",
            misfire_grace_time=max(1, int(self.poll_seconds)),
            next_run_time=now,
        )
        self._heartbeat = threading.Thread(target=self._renew_leases, name="lease-heartbeat", daemon=True)
        self._heartbeat.start()
        self._apscheduler.start()
        log.info("scheduler %s started: %d sources", self.owner, len(self._by_name))

    def stop(self, wait: bool = True) -> None:
        """Take no new runs; with `wait`, let the running ones finish their current batch (they see the stop event)."""
        self.stop_event.set()
        with contextlib.suppress(SchedulerNotRunningError):
            self._apscheduler.shutdown(wait=wait)
        if wait:
            self._heartbeat_done.set()
            if self._heartbeat is not None:
                self._heartbeat.join()
        log.info("scheduler %s stopped", self.owner)

    @property
    def active_runs(self) -> dict[int, str]:
        with self._lock:
            return {run_id: active.source for run_id, active in self._active.items()}

    # ------------------------------------------------------------------------------------------------ jobs

    def _scheduled_run(self, config: SourceConfig) -> None:
        if self.stop_event.is_set():
            return
        slot = slot_for(datetime.now(UTC), config.every_seconds)
        try:
            run_id = runs.claim_run(self.engine, config.name, slot, owner=self.owner, lease_seconds=self.lease_seconds)
        except SQLAlchemyError:
            log.exception("%s: could not claim the slot %s", config.name, slot.isoformat())
            return
        if run_id is None:
            log.debug("%s: slot %s taken (another instance, or a run in progress)", config.name, slot.isoformat())
            return
        log.info("%s: run %s for slot %s", config.name, run_id, slot.isoformat())
        self._execute(config, run_id)

    def _requested_run(self, config: SourceConfig) -> None:
        if self.stop_event.is_set():
            return
        try:
            run_id = runs.start_run(
                self.engine, config.name, trigger="api", owner=self.owner, lease_seconds=self.lease_seconds
            )
        except (SQLAlchemyError, LookupError):
            log.exception("%s: could not start the requested run", config.name)
            return
        if run_id is None:
            # The run in progress answers the request: it will store what the source lists now.
            log.info("%s: run requested while one is in progress; not starting another", config.name)
            return
        log.info("%s: run %s (requested)", config.name, run_id)
        self._execute(config, run_id)

    def _execute(self, config: SourceConfig, run_id: int) -> None:
        with self._lock:
            self._active[run_id] = _Active(config.name, time.monotonic())
        error = "the runner returned without recording the run's outcome"
        try:
            self.runner(config, run_id, self.stop_event)
        except Exception as exc:  # one source's crash must not reach APScheduler or other sources
            log.exception("%s: run %s crashed", config.name, run_id)
            error = f"runner crashed: {public_message(exc)}"
        finally:
            with self._lock:
                del self._active[run_id]
        try:
            if runs.fail_unfinished(self.engine, run_id, error):
                log.error("%s: run %s marked failed: %s", config.name, run_id, error)
        except SQLAlchemyError:
            log.exception("%s: could not record the end of run %s", config.name, run_id)

    def _maintain(self) -> None:
        try:
            abandoned = runs.abandon_expired(self.engine, datetime.now(UTC))
            if abandoned:
                log.warning("%d run(s) abandoned: their leases expired", abandoned)
            if self.stop_event.is_set():
                return  # leave requests to an instance that is staying up
            requested = runs.take_run_requests(self.engine)
        except SQLAlchemyError:
            log.exception("scheduler maintenance failed; retrying in %.0f s", self.poll_seconds)
            return
        for name in requested:
            config = self._by_name.get(name)
            if config is None:
                log.warning("run requested for %r, which is not an enabled source here; ignored", name)
                continue
            self._apscheduler.add_job(self._requested_run, args=[config], name=f"requested run {name}")

    def _renew_leases(self) -> None:
        while not self._heartbeat_done.wait(self.poll_seconds):
            now = time.monotonic()
            with self._lock:
                active = dict(self._active)
            for run_id, run in active.items():
                if now - run.started > self.max_run_seconds:
                    log.error(
                        "%s: run %s passed %.0f s; no longer renewing its lease", run.source, run_id, now - run.started
                    )
                    continue
                try:
                    if not runs.renew_lease(self.engine, run_id, self.lease_seconds):
                        log.warning("%s: run %s is no longer running in the database", run.source, run_id)
                except SQLAlchemyError:
                    log.exception("%s: could not renew the lease of run %s", run.source, run_id)


def run_scheduler(
    engine: Engine,
    configs: Sequence[SourceConfig],
    *,
    stop_event: threading.Event | None = None,
    runner: Runner | None = None,
    owner: str | None = None,
    lease_seconds: float = 120.0,
    poll_seconds: float = 2.0,
) -> None:
    """Run the scheduler (the pipeline runner unless given) until `stop_event` is set or SIGTERM/SIGINT arrives.

    On a signal it takes no new runs, lets the running ones finish their current batch, and returns.
    Signal handlers are installed only from the main thread (elsewhere, set `stop_event`).
    """
    stop_event = stop_event or threading.Event()
    scheduler = Scheduler(
        engine,
        configs,
        runner=runner,
        owner=owner,
        lease_seconds=lease_seconds,
        poll_seconds=poll_seconds,
        stop_event=stop_event,
    )
    previous: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            log.info("signal %s: finishing the current batches, then stopping", signal.Signals(signum).name)
            stop_event.set()
            for restored, handler in previous.items():  # a second signal stops at once
                signal.signal(restored, handler)

        for handled in (signal.SIGTERM, signal.SIGINT):
            previous[int(handled)] = signal.signal(handled, on_signal)
    scheduler.start()
    try:
        while not stop_event.wait(1.0):
            pass
    finally:
        scheduler.stop(wait=True)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
