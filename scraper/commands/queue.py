"""`jobfeed schedule` and `jobfeed worker`: clock-aligned slots turned into queued runs, and the workers running them.

On PostgreSQL the schedule process only claims slots and defers jobs (procrastinate); on SQLite there is no queue,
so `jobfeed schedule` runs the claimed runs itself, like `jobfeed run` without the API.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import threading

from sqlalchemy import Engine, text

from models.settings import Settings
from scraper.cli import UsageError

log = logging.getLogger(__name__)


def add_arguments_schedule(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="runs at once when there is no queue to hand them to (SQLite; default 8)",
    )


def add_arguments_worker(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--concurrency", type=int, default=8, help="runs executed at once (default 8)")


def cmd_schedule(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.cli import load_configs, require_current_schema
    from scraper.scheduling.scheduler import run_scheduler
    from scraper.webhooks import start_sender

    if args.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {args.concurrency}")
    configs = load_configs(settings)
    engine = require_current_schema(settings)
    start_sender(engine, settings, threading.Event())  # saved searches' webhooks; a daemon, it ends with us
    try:
        if engine.dialect.name != "postgresql":
            log.info("no task queue on %s: this process runs the claimed runs itself", engine.dialect.name)
            run_scheduler(engine, configs, concurrency=args.concurrency)
            return 0
        from scraper.scheduling.queue import build_app, queue_enqueue

        _require_queue_schema(engine)
        app = build_app(settings.database_url)
        with app.open():
            run_scheduler(engine, configs, enqueue=queue_enqueue(app))
    finally:
        engine.dispose()
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.cli import load_configs, require_current_schema

    if args.concurrency < 1:
        raise UsageError(f"--concurrency must be at least 1, got {args.concurrency}")
    configs = load_configs(settings)
    engine = require_current_schema(settings)
    try:
        if engine.dialect.name != "postgresql":
            raise UsageError(
                "jobfeed worker needs PostgreSQL (JOBFEED_DATABASE_URL=postgresql+psycopg://...); "
                "on SQLite, 'jobfeed run' or 'jobfeed schedule' run the sources in one process"
            )
        from scraper.scheduling.queue import QueueWorker

        _require_queue_schema(engine)
        worker = QueueWorker(engine, configs, settings.database_url, concurrency=args.concurrency)
        asyncio.run(worker.run())
    finally:
        engine.dispose()
    return 0


def _require_queue_schema(engine: Engine) -> None:
    with engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            raise UsageError("the task queue's tables are missing: run 'jobfeed db upgrade' first")
