"""Runs on a PostgreSQL task queue (procrastinate): the schedule process defers a job per claimed run, workers run them.

One task, `jobfeed.run(run_id, source)`, locked per host lane (procrastinate `lock`, `run_lock`): jobs sharing a
lock run one at a time in queue order, so a busy host's runs wait in the queue rather than in a worker, and two
jobs of one source (always the same lane) never run at once. The job only starts a `queued` run
(`claims.start_deferred`), so a job delivered twice runs once; exactly-once per slot is the `scrape_runs` row,
the queue only carries the work.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import zlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import procrastinate
from procrastinate.jobs import Job
from procrastinate.worker import Worker
from sqlalchemy import Connection, Engine, make_url, text

from scraper.config import SourceConfig
from scraper.fetching.throttle import HostThrottle
from scraper.scheduling.leases import LEASE_SECONDS, LeaseKeeper
from scraper.scheduling.scheduler import Enqueue, Runner, default_owner, execute_claimed, pipeline_runner
from scraper.storage import claims, runs

log = logging.getLogger(__name__)

QUEUE = "runs"
TASK = "jobfeed.run"
# A job whose worker sent no heartbeat for this long is retried (its run is then found abandoned or running).
STALLED_SECONDS = 30.0
# Runs of one host going at once, across every worker: the per-host in-flight default (`build_throttle`).
HOST_LANES = 2


def conninfo(database_url: str) -> str:
    """The libpq URL procrastinate's psycopg connector wants, from a SQLAlchemy URL."""
    url = make_url(database_url)
    if not url.drivername.startswith("postgresql"):
        raise ValueError(f"the task queue needs PostgreSQL, not {url.drivername}")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def build_app(database_url: str) -> procrastinate.App:
    return procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))


def apply_queue_schema(engine: Engine) -> bool:
    """Create procrastinate's tables and functions once (PostgreSQL only); True if it did."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as connection:
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
            return False
        connection.execute(text("SELECT pg_advisory_xact_lock(7424946)"))  # two upgrades at once apply it once
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is not None:
            return False
        connection.exec_driver_sql(procrastinate.schema.SchemaManager.get_schema().replace("%", "%%"))
    log.info("task queue schema (procrastinate) applied")
    return True


def run_lock(config: SourceConfig, lanes: int = HOST_LANES) -> str:
    """The procrastinate lock of a source's runs: one of its host's `lanes`, picked by a stable hash of its name.

    So a host has at most `lanes` runs going across all workers (1,000 boards on one API host queue up politely,
    holding no worker slot while they wait), and every run of one source takes the same lane: never two at once.

    >>> run_lock(SourceConfig("acme", "greenhouse", "https://boards-api.greenhouse.io/", every_seconds=3600))
    'host:boards-api.greenhouse.io:0'
    >>> run_lock(SourceConfig("datadog", "greenhouse", "https://boards-api.greenhouse.io/", every_seconds=3600))
    'host:boards-api.greenhouse.io:1'
    """
    host = (urlsplit(config.url).hostname or config.name).lower()
    return f"host:{host}:{zlib.crc32(config.name.encode()) % lanes}"


def queue_enqueue(app: procrastinate.App) -> Enqueue:
    """The schedule process's `enqueue`: defer one `jobfeed.run` job per claimed run, all in one statement, inside
    the claim's transaction when given one (the app opened synchronously)."""

    def enqueue(connection: Connection | None, claimed: Sequence[tuple[SourceConfig, int]]) -> None:
        jobs = [
            Job(
                queue=QUEUE,
                lock=run_lock(config),
                queueing_lock=None,
                task_name=TASK,
                task_kwargs={"run_id": run_id, "source": config.name},
            )
            for config, run_id in claimed
        ]
        if not jobs:
            return
        raw = None if connection is None else connection.connection.driver_connection
        app.job_manager.batch_defer_jobs(jobs, connection=raw)

    return enqueue


class QueueWorker:
    """A procrastinate worker executing `jobfeed.run` jobs, at most `concurrency` at once, each in a thread.

    The runs share one per-host throttle and one lease heartbeat; SIGTERM lets running runs finish their
    current batch. Jobs of a worker that died (no heartbeat for `stalled_seconds`) are retried by the others.
    """

    def __init__(
        self,
        engine: Engine,
        configs: Sequence[SourceConfig],
        database_url: str,
        *,
        concurrency: int = 8,
        runner: Runner | None = None,
        owner: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        throttle: HostThrottle | None = None,
        stalled_seconds: float = STALLED_SECONDS,
    ) -> None:
        self.engine = engine
        self.stalled_seconds = stalled_seconds
        self.by_name = {config.name: config for config in configs}
        self.concurrency = concurrency
        self.owner = owner or default_owner()
        self.runner = runner or pipeline_runner(engine, throttle)
        self.lease_seconds = lease_seconds
        self.stop_event = threading.Event()
        self.leases = LeaseKeeper(engine, lease_seconds)
        self.app = build_app(database_url)
        self.app.task(name=TASK, queue=QUEUE)(self.run_job)
        self._worker: Worker | None = None

    def run_job(self, run_id: int, source: str) -> None:
        config = self.by_name.get(source)
        if config is None:
            runs.fail_unfinished(self.engine, run_id, f"source {source!r} is not in this worker's sources file")
            log.error("run %s: source %r unknown to this worker", run_id, source)
            return
        why_not = claims.start_deferred(self.engine, run_id, owner=self.owner, lease_seconds=self.lease_seconds)
        if why_not is not None:
            log.info("%s: run %s not started: %s", source, run_id, why_not)
            return
        log.info("%s: run %s started", source, run_id)
        execute_claimed(self.engine, config, run_id, self.runner, self.stop_event, self.leases)

    def stop(self) -> None:
        self.stop_event.set()
        if self._worker is not None:
            self._worker.stop()  # type: ignore[no-untyped-call]

    async def run(self, install_signal_handlers: bool = True) -> None:
        loop = asyncio.get_running_loop()
        # procrastinate runs a sync task in the loop's default executor: size it to the concurrency.
        loop.set_default_executor(ThreadPoolExecutor(self.concurrency, thread_name_prefix="run"))
        if install_signal_handlers:
            for handled in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(handled, self._on_signal, handled)
        self.leases.start()
        async with self.app.open_async():
            self._worker = Worker(
                self.app,
                queues=[QUEUE],
                name=self.owner,
                concurrency=self.concurrency,
                install_signal_handlers=False,
                update_heartbeat_interval=self.stalled_seconds / 3,
                stalled_worker_timeout=self.stalled_seconds,
                delete_jobs="always",
                # A finished job does not wake the fetch loop; the next job of its source (same lock) waits
                # for a notification or this poll.
                fetch_job_polling_interval=1.0,
            )
            watchdog = asyncio.create_task(self._retry_stalled())
            log.info("worker %s started: up to %d runs at once", self.owner, self.concurrency)
            try:
                await self._worker.run()  # type: ignore[no-untyped-call]
            finally:
                watchdog.cancel()
        await asyncio.to_thread(self.leases.stop)
        log.info("worker %s stopped", self.owner)

    def _on_signal(self, signum: int) -> None:
        log.info("signal %s: finishing the current batches, then stopping", signal.Signals(signum).name)
        self.stop()

    async def _retry_stalled(self) -> None:
        manager = self.app.job_manager
        while True:
            await asyncio.sleep(self.stalled_seconds / 3)
            try:
                stalled = await manager.get_stalled_jobs(seconds_since_heartbeat=self.stalled_seconds, queue=QUEUE)
                for job in stalled:
                    log.warning("job %s (%s) of a dead worker: retrying it", job.id, job.task_kwargs)
                    await manager.retry_job(job)
                abandoned, missed = await asyncio.to_thread(claims.expire_runs, self.engine)
                if abandoned or missed:
                    log.warning("%d run(s) abandoned (lease expired), %d queued run(s) missed", abandoned, missed)
            except Exception:  # the watchdog must outlive a database hiccup
                log.exception("stalled-job check failed; retrying")
