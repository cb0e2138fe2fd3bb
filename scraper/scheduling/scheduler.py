"""When runs happen: a tick turns each source's clock-aligned slot into one recorded run; runs execute in a
bounded thread pool here (`jobfeed run`) or are handed to a queue (`jobfeed schedule`, see `queue`).

Owns timing, claims, leases, run requests and shutdown; never fetches or stores postings (the injected
runner, by default `scraper.pipeline.run_source`, does).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from types import FrameType
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from models.enums import RunStatus
from models.tables import utcnow
from scraper.config import SourceConfig
from scraper.errors import public_message
from scraper.fetching.robots import SharedRobots
from scraper.fetching.throttle import HostThrottle, build_throttle
from scraper.scheduling.leases import LEASE_SECONDS, LeaseKeeper
from scraper.scheduling.slots import next_slot, slot_offset
from scraper.storage import claims, runs
from scraper.storage.outliers import OutlierJudge

log = logging.getLogger(__name__)

Runner = Callable[[SourceConfig, int, threading.Event], None]
# Hands claimed `queued` runs to the queue (queue mode), inside the claim's transaction when there is one
# (`connection`), so a slot is recorded with its job or not at all; the queue's worker starts each run.
Enqueue = Callable[[Connection | None, Sequence[tuple[SourceConfig, int]]], None]

DEFAULT_CONCURRENCY = 8


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def pipeline_runner(engine: Engine, throttle: HostThrottle | None = None) -> Runner:
    """The production runner: `scraper.pipeline.run_source`, every run of the process sharing one host throttle
    (on PostgreSQL also shared with every other process: `SharedHostThrottle`) and the hosts' robots.txt answers."""
    shared = throttle or build_throttle(engine)
    judge = OutlierJudge()
    robots = SharedRobots()

    def run(config: SourceConfig, run_id: int, stop: threading.Event) -> None:
        from scraper.pipeline import run_source

        run_source(config, engine, run_id=run_id, stop=stop, throttle=shared, outliers=judge, robots=robots)

    return run


def execute_claimed(
    engine: Engine, config: SourceConfig, run_id: int, runner: Runner, stop: threading.Event, leases: LeaseKeeper
) -> None:
    """Run a claimed run under the lease heartbeat; a crash or a forgotten outcome is recorded as `failed`."""
    leases.add(run_id)
    error = "the runner returned without recording the run's outcome"
    try:
        runner(config, run_id, stop)
    except Exception as exc:  # one source's crash must not reach the scheduler or other sources
        log.exception("%s: run %s crashed", config.name, run_id)
        error = f"runner crashed: {public_message(exc)}"
    finally:
        leases.remove(run_id)
    try:
        if runs.fail_unfinished(engine, run_id, error):
            log.error("%s: run %s marked failed: %s", config.name, run_id, error)
    except SQLAlchemyError:
        log.exception("%s: could not record the end of run %s", config.name, run_id)


class Scheduler:
    """One tick thread claims due slots; runs go to a pool of `concurrency` threads, or to `enqueue`.

    Each (source, slot) is recorded once across every process sharing the database (`claims.claim_slots`, in
    batches, under the sources' row locks). A slot is claimed only when a thread is free for it, so a claimed run
    starts at once; a slot that never found one, or whose previous run was still going, is recorded
    `missed` when the next slot is claimed. After downtime the current slot is the one catch-up run.
    """

    def __init__(
        self,
        engine: Engine,
        configs: Sequence[SourceConfig],
        *,
        runner: Runner | None = None,
        enqueue: Enqueue | None = None,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        poll_seconds: float = 1.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        max_run_seconds: float = 6 * 3600.0,
        stop_event: threading.Event | None = None,
        throttle: HostThrottle | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.engine = engine
        self.configs = list(configs)
        self.runner = runner or pipeline_runner(engine, throttle)
        self.enqueue = enqueue
        self.owner = owner or default_owner()
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.concurrency = concurrency
        self.stop_event = stop_event or threading.Event()
        self.leases = LeaseKeeper(engine, lease_seconds, max_run_seconds=max_run_seconds)
        self._by_name = {config.name: config for config in self.configs if config.enabled}
        self._offsets = {name: slot_offset(name, config.every_seconds) for name, config in self._by_name.items()}
        # each source's first slot not yet recorded here (None: look in the database, claim the current one)
        self._next_due: dict[str, datetime | None] = {}
        self._active: dict[int, str] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="run")
        self._ticker: threading.Thread | None = None

    # ------------------------------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        runs.sync_sources(self.engine, self.configs)
        recorded = claims.latest_slots(self.engine)
        self._next_due = {
            name: recorded[name] + timedelta(seconds=config.every_seconds) if name in recorded else None
            for name, config in self._by_name.items()
        }
        self.leases.start()
        self._ticker = threading.Thread(target=self._loop, name="scheduler-tick", daemon=True)
        self._ticker.start()
        mode = "queueing runs" if self.enqueue else f"running up to {self.concurrency} at once"
        log.info("scheduler %s started: %d sources, %s", self.owner, len(self._by_name), mode)

    def stop(self, wait: bool = True) -> None:
        """Take no new runs; with `wait`, let the running ones finish their current batch (they see the stop event)."""
        self.stop_event.set()
        if self._ticker is not None:
            self._ticker.join()
        self._pool.shutdown(wait=wait)
        if wait:
            self.leases.stop()
        log.info("scheduler %s stopped", self.owner)

    @property
    def active_runs(self) -> dict[int, str]:
        with self._lock:
            return dict(self._active)

    # ------------------------------------------------------------------------------------------------ ticks

    def _loop(self) -> None:
        while not self.stop_event.is_set():
            self.tick()
            self.stop_event.wait(self.poll_seconds)

    def tick(self, now: datetime | None = None) -> int:
        """Claim every due slot there is room for, take run requests, expire dead runs; returns runs claimed.

        Due slots are claimed in batches (`claims.claim_slots`: a few statements per 500 sources), and in queue
        mode their jobs are deferred in bulk within the same transaction.
        """
        now = now or utcnow()
        self._maintain(now)
        due = sorted(  # the oldest slots first, when there is not room for all
            (self._next_due.get(name) or now, name) for name in self._by_name if self._is_due(name, now)
        )
        room = self._room()
        if room is not None:
            due = due[:room]
        if not due or self.stop_event.is_set():
            return 0
        wanted = [claims.SlotWant(name, self._by_name[name].every_seconds, self._offsets[name]) for _, name in due]
        try:
            found = claims.claim_slots(
                self.engine,
                wanted,
                status=RunStatus.QUEUED if self.enqueue else RunStatus.RUNNING,
                owner=None if self.enqueue else self.owner,
                lease_seconds=self.lease_seconds,
                now=now,
                on_claimed=self._queue_claimed if self.enqueue else None,
            )
        except Exception:  # the database or the queue refused: nothing was recorded, the next tick tries again
            log.exception("could not claim %d due slots; retrying in %.0f s", len(wanted), self.poll_seconds)
            return 0
        claimed = 0
        for claim in found:
            config = self._by_name[claim.source]
            if claim.reason == "unknown source":
                log.error(
                    "%s: not in the database's sources (synced at start?); its slots are not claimed", claim.source
                )
                continue
            if claim.slot is not None:
                self._next_due[claim.source] = claim.slot + timedelta(seconds=config.every_seconds)
            else:  # recorded by another process: wait for the next slot after now
                self._next_due[claim.source] = next_slot(now, config.every_seconds, self._offsets[claim.source])
            if claim.run_id is None:
                continue
            claimed += 1
            log.info(
                "%s: run %s for slot %s", claim.source, claim.run_id, claim.slot.isoformat() if claim.slot else "?"
            )
            if self.enqueue is None:
                self._dispatch(config, claim.run_id)
        return claimed

    def _is_due(self, name: str, now: datetime) -> bool:
        next_due = self._next_due.get(name)
        return next_due is None or next_due <= now

    def _queue_claimed(self, connection: Connection, taken: list[claims.SlotClaim]) -> None:
        assert self.enqueue is not None
        self.enqueue(connection, [(self._by_name[claim.source], claim.run_id) for claim in taken if claim.run_id])

    def _room(self) -> int | None:
        """Runs this process can start now (None: no bound, runs go to the queue)."""
        if self.enqueue is not None:
            return None
        with self._lock:
            return max(0, self.concurrency - len(self._active))

    def _dispatch(self, config: SourceConfig, run_id: int) -> None:
        if self.enqueue is not None:
            try:
                self.enqueue(None, [(config, run_id)])
            except Exception:  # the queue refused: the run stays queued and expires as missed
                log.exception("%s: could not queue run %s", config.name, run_id)
            return
        with self._lock:
            self._active[run_id] = config.name
        self._pool.submit(self._execute, config, run_id)

    def _execute(self, config: SourceConfig, run_id: int) -> None:
        try:
            execute_claimed(self.engine, config, run_id, self.runner, self.stop_event, self.leases)
        finally:
            with self._lock:
                self._active.pop(run_id, None)

    def _requested(self, config: SourceConfig) -> None:
        try:
            if self.enqueue is not None:
                queued = claims.queue_run(self.engine, config.name, trigger="api", lease_seconds=3600)
                if queued is not None:
                    self._dispatch(config, queued)
                return
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

    def _maintain(self, now: datetime) -> None:
        try:
            abandoned, missed = claims.expire_runs(self.engine, now)
            if abandoned:
                log.warning("%d run(s) abandoned: their leases expired", abandoned)
            if missed:
                log.warning("%d queued run(s) missed: not started within their interval", missed)
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
            if self.enqueue is not None:
                self._requested(config)
            else:
                self._pool.submit(self._requested, config)


def run_scheduler(
    engine: Engine,
    configs: Sequence[SourceConfig],
    *,
    stop_event: threading.Event | None = None,
    **options: Any,
) -> None:
    """Run the scheduler (options as `Scheduler`'s) until `stop_event` is set or SIGTERM/SIGINT arrives.

    On a signal it takes no new runs, lets the running ones finish their current batch, and returns.
    Signal handlers are installed only from the main thread (elsewhere, set `stop_event`).
    """
    stop_event = stop_event or threading.Event()
    scheduler = Scheduler(engine, configs, stop_event=stop_event, **options)
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
