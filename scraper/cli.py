"""The `jobfeed` command: argument parsing and dispatch only; the work lives in the modules it calls.

Settings are built here (the entry point) and passed down. Errors a user can act on print one line
on stderr and exit 2; a failed source exits 1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from models.db import create_db_engine
from models.settings import Settings

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
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "alembic"):
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


def open_database(settings: Settings) -> Engine:
    """An engine that has answered once; UsageError naming the host when it cannot be reached."""
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
    before = migrate.current_revision(engine)
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    where = describe_url(settings.database_url)
    if before == after:
        log.info("database %s is up to date (revision %s)", where, after)
    else:
        log.info("database %s migrated from %s to %s", where, before or "empty", after)
    return engine


# --- commands ---------------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    migrate_database(settings).dispose()
    return 0


def cmd_salary(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.normalization.salary import parse_salary
    from scraper.normalization.currency import annualize, load_rates
    from scraper.validation.salary import salary_flags

    salary = parse_salary(args.text, default_currency=args.currency)
    if salary is None:
        print("null")
        return 0
    rates = load_rates()
    low, high = annualize(salary, rates)
    result = {
        "raw": salary.raw,
        "min": salary.min,
        "max": salary.max,
        "currency": salary.currency,
        "period": salary.period,
        "period_basis": salary.period_basis,
        "annual_usd_min": low,
        "annual_usd_max": high,
        "flags": [{"code": f.code, "message": f.message} for f in salary_flags(salary, rates)],
    }
    print(json.dumps(result, ensure_ascii=False))
    return 0


def cmd_classify(args: argparse.Namespace, settings: Settings) -> int:
    from scraper.normalization.title import classify_title, clean_title, load_title_rules

    rules = load_title_rules(args.rules) if args.rules else None
    title = clean_title(args.title)
    result = classify_title(title, rules=rules)
    out: dict[str, Any] = {"title": title, "category": result.slug}
    if args.explain:
        out["rule"] = result.rule
    print(json.dumps(out, ensure_ascii=False))
    return 0


def not_yet(what: str) -> Callable[[argparse.Namespace, Settings], int]:
    def command(args: argparse.Namespace, settings: Settings) -> int:
        raise UsageError(f"{what} is not built yet")

    return command


# --- parser -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobfeed",
        description="Scrape job boards, normalize and validate postings, and serve them by role with feeds and salary statistics.",
    )
    parser.add_argument("--version", action="version", version=f"jobfeed {package_version()}")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: $JOBFEED_DATABASE_URL or sqlite:///./jobfeed.db)")
    parser.add_argument("--sources", help="sources file (default: $JOBFEED_SOURCES, ./sources.toml, or the bundled list)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, handler: Callable[[argparse.Namespace, Settings], int], help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    add("run", not_yet("jobfeed run (API and scheduler in one process)"), "migrate, then serve the API and run the scheduler in one process")
    api = add("api", not_yet("jobfeed api"), "serve the HTTP API alone")
    api.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    api.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    api.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    add("schedule", not_yet("jobfeed schedule"), "run the scheduler alone (any number may share one PostgreSQL)")
    scrape = add("scrape", not_yet("jobfeed scrape"), "run sources once now and store their postings")
    scrape.add_argument("names", nargs="*", metavar="NAME", help="sources to run (default: every enabled source)")
    scrape.add_argument("--dry-run", action="store_true", help="store nothing; print one posting JSON per line on stdout")

    db = commands.add_parser("db", help="database maintenance", description="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations", description="apply migrations up to the newest")
    upgrade.set_defaults(handler=cmd_db_upgrade)

    add("sources", not_yet("jobfeed sources"), "list the configured sources with their last run")
    salary = add("salary", cmd_salary, "print the normalizer's reading of a salary text as JSON")
    salary.add_argument("text", help='salary text, e.g. "USD 60K - 120K"')
    salary.add_argument("--currency", help="currency to assume when the text names none (ISO 4217)")
    classify = add("classify", cmd_classify, "print the role category of a job title as JSON")
    classify.add_argument("title", help='job title, e.g. "Lead Developer (AI)"')
    classify.add_argument("--explain", action="store_true", help="also show which rule decided")
    classify.add_argument("--rules", help="a title rules file to use instead of the bundled one")

    rates = commands.add_parser("rates", help="currency rate table", description="currency rate table")
    rates_commands = rates.add_subparsers(dest="rates_command", metavar="COMMAND", required=True)
    rates_commands.add_parser(
        "update", help="refresh the rate table from the ECB", description="refresh the rate table from the ECB daily XML"
    ).set_defaults(handler=not_yet("jobfeed rates update"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    overrides: dict[str, Any] = {}
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.sources:
        overrides["sources"] = args.sources
    try:
        settings = Settings(**overrides)
        handler: Callable[[argparse.Namespace, Settings], int] = args.handler
        return handler(args, settings)
    except UsageError as exc:
        print(f"jobfeed: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
