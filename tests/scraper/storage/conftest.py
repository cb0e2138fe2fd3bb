"""Helpers for storage tests: NormalizedPosting values and the rows they become."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from models.enums import EmploymentType, Period, PeriodBasis, RemoteMode
from models.records import Flag, Location, NormalizedPosting, Salary
from models.tables import Posting
from scraper.config import SourceConfig
from scraper.storage.runs import RunCounts, finish_run, start_run, sync_sources

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
SOURCES = ("board", "other", "third")


def make_posting(
    external_id: str,
    *,
    source: str = "board",
    title: str = "Data Engineer",
    company: str | None = "Acme",
    category: str = "data-engineer",
    location: str = "Remote",
    salary: tuple[float | None, float | None] | None = (100_000, 120_000),
    apply_url: str | None = None,
    fingerprint: str | None = None,
    flags: tuple[Flag, ...] = (),
    posted_at: datetime | None = None,
    employment_types: tuple[EmploymentType, ...] = (EmploymentType.FULL_TIME,),
    payload: Any = None,
) -> NormalizedPosting:
    stated = None
    if salary is not None:
        low, high = salary
        stated = Salary(
            min=low,
            max=high,
            currency="USD",
            period=Period.YEAR,
            period_basis=PeriodBasis.STATED,
            raw=f"USD {low} - {high}",
            annual_usd_min=low,
            annual_usd_max=high,
        )
    key = f"{company}|{title}|{location}".lower()
    return NormalizedPosting(
        source=source,
        external_id=external_id,
        url=f"https://{source}.example/jobs/{external_id}",
        title=title,
        title_raw=title,
        company=company,
        category=category,
        location=Location(raw=location, remote=RemoteMode.REMOTE, countries=("US",)),
        employment_types=employment_types,
        seniority=None,
        tags=("Python",),
        salary=stated,
        featured=None,
        posted_at=posted_at,
        description_html="<p>Build pipelines.</p>",
        apply_url=apply_url,
        fingerprint=fingerprint or hashlib.sha256(key.encode()).hexdigest(),
        flags=flags,
        payload=payload,
    )


@pytest.fixture
def store(committing_engine: Engine) -> Engine:
    """A committing engine with the sources `board`, `other`, `third` (every 2 hours)."""
    return with_sources(committing_engine)


@pytest.fixture
def pg_store(committing_pg_engine: Engine) -> Engine:
    """`store` on PostgreSQL alone, for what only PostgreSQL does."""
    return with_sources(committing_pg_engine)


def with_sources(engine: Engine) -> Engine:
    sync_sources(
        engine,
        [
            SourceConfig(name=name, kind="greenhouse", url=f"https://{name}.example/", every_seconds=7200)
            for name in SOURCES
        ],
    )
    return engine


def new_run(engine: Engine, source: str = "board") -> int:
    """A finished run row for history rows to point at."""
    run_id = start_run(engine, source, trigger="manual", owner="test", lease_seconds=60)
    assert run_id is not None
    finish_run(engine, run_id, status="succeeded", counts=RunCounts(), http={}, error=None, suspect=False)
    return run_id


@contextmanager
def refusing_title(engine: Engine, title: str) -> Iterator[None]:
    """A trigger that makes the database refuse to insert a posting with this title (a fault of the database,
    not of the values' types), dropped on exit."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_title() RETURNS trigger LANGUAGE plpgsql AS "
                    f"$$ BEGIN IF NEW.title = '{title}' THEN RAISE EXCEPTION 'refused: {title}'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_title BEFORE INSERT ON postings FOR EACH ROW EXECUTE FUNCTION refuse_title()"
                )
            )
        else:
            connection.execute(
                text(
                    f"CREATE TRIGGER refuse_title BEFORE INSERT ON postings WHEN NEW.title = '{title}' "
                    f"BEGIN SELECT RAISE(ABORT, 'refused: {title}'); END"
                )
            )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(
                text("DROP TRIGGER refuse_title" + (" ON postings" if connection.dialect.name == "postgresql" else ""))
            )
            if connection.dialect.name == "postgresql":
                connection.execute(text("DROP FUNCTION refuse_title()"))


@pytest.fixture
def rows() -> Callable[[Engine], dict[str, Any]]:
    """The stored postings keyed by "source/external_id"."""

    def read(engine: Engine) -> dict[str, Any]:
        with engine.connect() as connection:
            found = connection.execute(select(Posting)).all()
        return {f"{row.source}/{row.external_id}": row for row in found}

    return read


@pytest.fixture(name="make_posting")
def make_posting_fixture() -> Callable[..., NormalizedPosting]:
    return make_posting


@pytest.fixture(name="new_run")
def new_run_fixture() -> Callable[..., int]:
    return new_run
