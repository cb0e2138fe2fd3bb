"""The `jobfeed` command: argument parsing and dispatch only; the work lives in the modules it calls.

Settings are built here (the entry point) and passed down. Errors a user can act on print one line
on stderr and exit 2; a failed source exits 1.
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from models.db import create_db_engine
from models.records import NormalizedPosting
from models.settings import Settings
from scraper.commands import fetch as fetch_command
from scraper.commands import normalizer as normalizer_commands
from scraper.commands.export import add_arguments as add_export_arguments
from scraper.commands.export import cmd_export
from scraper.commands.sources import register as register_sources_commands
from scraper.config import SourceConfig
from scraper.errors import ScraperError, SourceConfigError
from scraper.startup import (
    StartupError,
    check_database_url,
    check_port_free,
    require_existing_sqlite,
    sqlite_file,
)
from scraper.storage.runs import RunCounts

log = logging.getLogger("jobfeed")


class UsageError(Exception):
    """An error the user can fix; printed as one line, exit status 2."""


def package_version() -> str:
    try:
        return version("jobfeed")
    except PackageNotFoundError:
        return "0+unknown"


def configure_logging(verbose: bool = False) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "apscheduler", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def describe_url(url: str) -> str:
    """Where a database URL points, without its password: 'host:port/db' or the SQLite file."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url
    if parsed.drivername.startswith("sqlite"):
        return f"SQLite file {parsed.database or ':memory:'}"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def open_database(settings: Settings, *, must_exist: bool = False) -> Engine:
    """An engine that has answered once; UsageError naming the host when it cannot be reached.

    With `must_exist`, a SQLite file that is not there is an error rather than a new empty database."""
    check_database_url(settings.database_url)
    if must_exist:
        require_existing_sqlite(settings.database_url)
    try:
        engine = create_db_engine(settings.database_url)
        with engine.connect():
            pass
    except ArgumentError:
        raise UsageError(f"JOBFEED_DATABASE_URL {settings.database_url!r} is not a database URL") from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise UsageError(f"cannot reach the database at {describe_url(settings.database_url)}: {reason}") from None
    return engine


def migrate_database(settings: Settings) -> Engine:
    from models import migrate

    engine = open_database(settings)
    where = describe_url(settings.database_url)
    before = migrate.current_revision(engine)
    try:
        migrate.upgrade(engine)
    except OperationalError as exc:  # a read-only file, a user without CREATE rights
        engine.dispose()
        raise UsageError(f"cannot migrate the database at {where}: {database_reason(exc)}") from None
    if engine.dialect.name == "postgresql":
        from scraper.scheduling.queue import apply_queue_schema

        apply_queue_schema(engine)
    after = migrate.current_revision(engine)
    if before == after:
        log.info("database %s is up to date (revision %s)", where, after)
    else:
        log.info("database %s migrated from %s to %s", where, before or "empty", after)
        rebuild_summaries(engine)
    return engine


def rebuild_summaries(engine: Engine) -> None:
    """The summaries a migration marked for recomputation, rebuilt now: until then the statistics of those
    categories are computed live (seconds each at a million postings), not read."""
    from scraper.storage.summaries import dirty_categories, refresh_summaries

    marked = dirty_categories(engine)
    if not marked:
        return
    log.info("rebuilding the salary summaries of %d categories ...", len(marked))
    started = time.monotonic()
    refreshed = refresh_summaries(engine)
    log.info("rebuilt the salary summaries of %d categories in %.1f s", len(refreshed), time.monotonic() - started)


# --- commands ---------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate_database(settings).dispose()
    return 0


def load_configs(settings: Settings) -> list[SourceConfig]:
    from scraper.config import load_sources, resolve_sources_path
    from scraper.sources import REGISTRY

    path = resolve_sources_path(settings.sources)
    try:
        return load_sources(path, REGISTRY)
    except SourceConfigError as exc:
        raise UsageError(str(exc)) from None


def select_sources(configs: list[SourceConfig], names: Sequence[str]) -> list[SourceConfig]:
    """The named sources (in the order named), or every enabled one; UsageError for an unknown name."""
    if not names:
        return [config for config in configs if config.enabled]
    by_name = {config.name: config for config in configs}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise UsageError(f"unknown source {', '.join(map(repr, unknown))}; configured: {', '.join(by_name) or 'none'}")
    return [by_name[name] for name in names]


def database_reason(exc: OperationalError) -> str:
    """The driver's first line (never the statement SQLAlchemy appends)."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__


def require_current_schema(settings: Settings) -> Engine:
    from models import migrate

    engine = open_database(settings, must_exist=True)
    current, head = migrate.current_revision(engine), migrate.head_revision()
    if current != head:
        raise UsageError(
            f"the database at {describe_url(settings.database_url)} is at revision {current or 'empty'}, "
            f"not {head}: run 'jobfeed db upgrade' first"
        )
    return engine


def progress_line(name: str) -> Callable[[RunCounts], None] | None:
    """On a terminal, one line rewritten after each page; elsewhere (logs, pipes) nothing."""
    if not sys.stderr.isatty():
        return None

    def show(counts: RunCounts) -> None:
        print(f"\r  {name}: {counts.pages} page(s), {counts.fetched} posting(s)", end="", file=sys.stderr, flush=True)

    return show


def cmd_scrape(args: argparse.Namespace, settings: Settings) -> int:
    from models.schemas import PostingOut
    from scraper.pipeline import dry_run, run_source

    def print_record(posting: NormalizedPosting) -> None:
        print(PostingOut.from_normalized(posting).model_dump_json(), flush=True)

    configs = load_configs(settings)
    selected = select_sources(configs, args.names)
    results = []
    if args.dry_run:
        for index, config in enumerate(selected, start=1):
            print(f"[{index}/{len(selected)}] {config.name} ({config.kind}) {config.url} (dry run)", file=sys.stderr)
            results.append(dry_run(config, print_record, progress=progress_line(config.name)))
            print("\r  " + results[-1].summary(), file=sys.stderr)
    else:
        from scraper.storage.runs import cancel_owned, sync_sources

        engine = migrate_database(settings)
        sync_sources(engine, configs)
        owner = f"cli:{socket.gethostname()}:{os.getpid()}"
        try:
            for index, config in enumerate(selected, start=1):
                print(f"[{index}/{len(selected)}] {config.name} ({config.kind}) {config.url}", file=sys.stderr)
                progress = progress_line(config.name)
                results.append(run_source(config, engine, trigger="manual", owner=owner, progress=progress))
                print("\r  " + results[-1].summary(), file=sys.stderr)
        except KeyboardInterrupt:
            cancelled = cancel_owned(engine, owner, "cancelled: interrupted (Ctrl-C) before it finished")
            print(
                f"\ninterrupted: run(s) {', '.join(map(str, cancelled)) or 'none'} recorded as cancelled",
                file=sys.stderr,
            )
            raise
        finally:
            engine.dispose()
    failed = [r.source for r in results if r.status.value == "failed"]
    print(
        f"{len(results)} source(s) run, {len(failed)} failed{': ' + ', '.join(failed) if failed else ''}",
        file=sys.stderr,
    )
    return 1 if failed else 0


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from models.tables import ScrapeRun

    configs = load_configs(settings)
    last: dict[str, ScrapeRun] = {}
    check_database_url(settings.database_url)
    path = sqlite_file(settings.database_url)
    engine = open_database(settings) if path is None or path.exists() else None  # never create an empty file
    try:
        from models import migrate

        if engine is not None and migrate.current_revision(engine) is not None:
            newest = select(ScrapeRun.source, func.max(ScrapeRun.id).label("id")).group_by(ScrapeRun.source).subquery()
            with Session(engine) as session:
                runs = session.scalars(select(ScrapeRun).join(newest, ScrapeRun.id == newest.c.id))
                last = {run.source: run for run in runs}
    finally:
        if engine is not None:
            engine.dispose()
    print(f"{'NAME':24} {'KIND':14} {'EVERY':6} {'ENABLED':8} LAST RUN")
    for config in configs:
        run = last.get(config.name)
        when = (
            f"{run.status} at {run.started_at:%Y-%m-%d %H:%M} UTC, {run.fetched} postings"
            + (f" ({run.error})" if run.error else "")
            if run
            else "never"
        )
        print(f"{config.name:24} {config.kind:14} {config.every:6} {'yes' if config.enabled else 'no':8} {when}")
    return 0


def serve_api(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    # The API builds its own Settings from the environment (it never imports the scraper).
    os.environ["JOBFEED_DATABASE_URL"] = settings.database_url
    uvicorn.run("api.app:server_app", factory=True, host=host, port=port, workers=workers, log_level="info")


def cmd_api(args: argparse.Namespace, settings: Settings) -> int:
    check_port_free(args.host, args.port)
    require_current_schema(settings).dispose()
    serve_api(settings, args.host, args.port, args.workers)
    return 0


def cmd_mcp(args: argparse.Namespace, settings: Settings) -> int:
    """The MCP server lives in api/ (it reads like the API); imported by name so no import crosses."""
    import importlib

    require_current_schema(settings).dispose()
    importlib.import_module("api.mcp_server").main(settings)
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.storage.runs import sync_sources

    check_port_free(args.host, args.port)
    configs = load_configs(settings)
    engine = migrate_database(settings)
    sync_sources(engine, configs)
    serve_with_scheduler(settings, engine, configs, args.host, args.port)
    return 0


def serve_with_scheduler(
    settings: Settings,
    engine: Engine,
    configs: list[SourceConfig],
    host: str,
    port: int,
    *,
    prelude: Callable[[threading.Event], object] | None = None,
) -> None:
    """The API in this thread and the scheduler in another; when the API stops (a signal), the scheduler
    finishes its current batches and stops too. `prelude` runs in the scheduler's thread before it starts
    (`jobfeed demo` replays its boards' past there while the dashboard already answers)."""
    from scraper.scheduling import run_scheduler
    from scraper.webhooks import start_sender

    stop = threading.Event()

    def schedule() -> None:
        if prelude is not None:
            try:
                prelude(stop)
            except Exception:  # a bug in the prelude must not keep the scheduler from running
                log.exception("the scheduler's prelude failed; scheduling anyway")
        if not stop.is_set():
            run_scheduler(engine, configs, stop_event=stop)

    scheduler = threading.Thread(target=schedule, name="scheduler")
    scheduler.start()
    sender = start_sender(engine, settings, stop)
    try:
        serve_api(settings, host, port)
    finally:
        stop.set()
        scheduler.join()
        sender.join(timeout=15)
        engine.dispose()


def cmd_rates_update(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.fetching import Fetcher
    from scraper.normalization.currency import DEFAULT_RATES_PATH, update_rates

    try:
        with Fetcher() as fetcher:
            rates = update_rates(fetcher, DEFAULT_RATES_PATH)
    except ScraperError as exc:
        raise UsageError(f"could not update the rate table: {exc}") from None
    except OSError as exc:  # a read-only install, a full disk
        raise UsageError(f"could not write the rate table {DEFAULT_RATES_PATH}: {exc.strerror or exc}") from None
    print(f"rates of {rates.date} written to {DEFAULT_RATES_PATH}", file=sys.stderr)
    return 0


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobfeed",
        description=(
            "Scrape job boards, normalize and validate postings, "
            "and serve them by role with feeds and salary statistics."
        ),
    )
    parser.add_argument("--version", action="version", version=f"jobfeed {package_version()}")
    parser.add_argument(
        "--database-url", help="SQLAlchemy URL (default: $JOBFEED_DATABASE_URL or sqlite:///./jobfeed.db)"
    )
    parser.add_argument(
        "--sources", help="sources file (default: $JOBFEED_SOURCES, ./sources.toml, or the bundled list)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(
        name: str, handler: Callable[[argparse.Namespace, Settings], int], help_text: str
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    run = add("run", cmd_run, "migrate, then serve the API and run the scheduler in one process")
    run.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    api = add("api", cmd_api, "serve the HTTP API alone")
    api.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    api.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    from scraper.commands import queue as queue_commands

    queue_commands.add_arguments_schedule(
        add(
            "schedule",
            queue_commands.cmd_schedule,
            "turn due slots into queued runs (any number may share one PostgreSQL)",
        )
    )
    queue_commands.add_arguments_worker(
        add("worker", queue_commands.cmd_worker, "execute queued runs (PostgreSQL; any number of workers)")
    )
    scrape = add("scrape", cmd_scrape, "run sources once now and store their postings")
    scrape.add_argument("names", nargs="*", metavar="NAME", help="sources to run (default: every enabled source)")
    scrape.add_argument(
        "--dry-run", action="store_true", help="store nothing; print one posting JSON per line on stdout"
    )

    db = commands.add_parser("db", help="database maintenance", description="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser(
        "upgrade",
        help="apply migrations",
        description="apply migrations up to the newest, then rebuild the salary summaries a migration marked",
    )
    upgrade.set_defaults(handler=cmd_db_upgrade)

    sources = add("sources", cmd_sources, "list the configured sources with their last run, or edit the file")
    register_sources_commands(sources)
    salary = add("salary", normalizer_commands.cmd_salary, "print the normalizer's reading of a salary text as JSON")
    salary.add_argument("text", help='salary text, e.g. "USD 60K - 120K"')
    salary.add_argument("--currency", help="currency to assume when the text names none (ISO 4217)")
    classify = add("classify", normalizer_commands.cmd_classify, "print the role category of a job title as JSON")
    classify.add_argument("title", help='job title, e.g. "Lead Developer (AI)"')
    classify.add_argument("--explain", action="store_true", help="also show which rule decided")
    classify.add_argument("--rules", help="a title rules file to use instead of the bundled one")

    from scraper.commands import demo as demo_command

    demo_command.add_arguments(
        add(
            "demo",
            demo_command.cmd_demo,
            "run the whole service offline against changing sample job boards on 127.0.0.1",
        )
    )

    add("mcp", cmd_mcp, "serve the read-only queries as MCP tools over stdio, for agents")
    fetch = add(
        "fetch", fetch_command.cmd_fetch, "fetch one URL politely; print the body or record it as a test fixture"
    )
    fetch_command.add_arguments(fetch)
    export = add("export", cmd_export, "write every posting matching the filters to stdout as NDJSON or CSV")
    add_export_arguments(export)

    rates = commands.add_parser("rates", help="currency rate table", description="currency rate table")
    rates_commands = rates.add_subparsers(dest="rates_command", metavar="COMMAND", required=True)
    rates_commands.add_parser(
        "update",
        help="refresh the rate table from the ECB",
        description="refresh the rate table from the ECB daily XML",
    ).set_defaults(handler=cmd_rates_update)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    overrides: dict[str, Any] = {}
    args.database_url_given = bool(args.database_url or os.environ.get("JOBFEED_DATABASE_URL"))
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.sources:
        overrides["sources"] = args.sources
    try:
        settings = Settings(**overrides)
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except (UsageError, StartupError) as exc:
        print(f"jobfeed: {exc}", file=sys.stderr)
        return 2
    except OperationalError as exc:  # e.g. a read-only SQLite file met by the first write
        print(
            f"jobfeed: database error at {describe_url(settings.database_url)}: {database_reason(exc)}", file=sys.stderr
        )
        return 2
    except BrokenPipeError:
        # `jobfeed scrape --dry-run | head`: the reader left. Silence the final flush and stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
