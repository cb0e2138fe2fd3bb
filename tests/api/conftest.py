"""API test fixtures: an app over the migrated test databases (both backends) and row seeding helpers.

Rows are written straight into the tables (the pipeline is not under test here) and committed, so the
app's own engine sees them; `committing_engine` empties the tables afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from api.app import create_app
from models.settings import Settings
from models.tables import Posting, PostingChange, ScrapeRun, Source

ADMIN_TOKEN = "s3cret-admin-token"
BASE_TIME = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
_external_ids = count(1)


def settings_for(url: str, **settings: Any) -> Settings:
    # No rate limit unless a test asks for one: tests send requests as fast as they can.
    options: dict[str, Any] = {"database_url": url, "admin_token": ADMIN_TOKEN, "rate_limit": "off", **settings}
    return Settings(**options)


def app_for(engine: Engine, **settings: Any) -> TestClient:
    url = engine.url.render_as_string(hide_password=False)
    return TestClient(create_app(settings_for(url, **settings), version_ttl_seconds=0))


@pytest.fixture(scope="session")
def openapi(sqlite_url: str) -> dict[str, Any]:
    """The schema at /openapi.json as the apps of `app_for`'s defaults serve it (it follows from the code, the
    taxonomy and the rate-limit setting, not from the data or the backend): fetched once, because building it takes
    an app ~0.15 s of CPU. A test of another setting's schema asks its own app."""
    with TestClient(create_app(settings_for(sqlite_url), version_ttl_seconds=0)) as client:
        schema: dict[str, Any] = client.get("/openapi.json").json()
    return schema


@pytest.fixture
def db(committing_engine: Engine) -> Engine:
    """The migrated engine with two sources, emptied after the test."""
    add_source(committing_engine, "alpha")
    add_source(committing_engine, "beta", kind="greenhouse", every_seconds=900)
    return committing_engine


@pytest.fixture
def client(db: Engine) -> Iterator[TestClient]:
    with app_for(db) as test_client:
        yield test_client


def add_source(engine: Engine, name: str, *, kind: str = "featured-html", every_seconds: int = 7200) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(Source).values(
                name=name, kind=kind, url=f"https://{name}.example/", every_seconds=every_seconds, enabled=True
            )
        )


def add_posting(engine: Engine, **fields: Any) -> int:
    """Insert one posting (sensible defaults, overridable) and return its id."""
    external_id = str(next(_external_ids))
    row: dict[str, Any] = {
        "source": "alpha",
        "external_id": external_id,
        "url": f"https://alpha.example/jobs/{external_id}",
        "title": "Data Engineer",
        "title_raw": "Data Engineer",
        "company": "Acme",
        "category": "data-engineer",
        "location_raw": "Remote, US",
        "remote": "remote",
        "countries": ["US"],
        "employment_types": ["full-time"],
        "seniority": "senior",
        "tags": ["Python"],
        "flags": [],
        "first_seen": BASE_TIME,
        "last_seen": BASE_TIME,
        "fingerprint": f"fp-{external_id}",
        "content_hash": f"hash-{external_id}",
        **fields,
    }
    mid = row.get("annual_usd_mid")
    if mid is not None:
        row.setdefault("annual_usd_min", mid)
        row.setdefault("annual_usd_max", mid)
        row.setdefault("salary_raw", f"USD {mid:.0f}")
        row.setdefault("salary_currency", "USD")
        row.setdefault("salary_period", "year")
        row.setdefault("salary_period_basis", "stated")
        row.setdefault("salary_min", row["annual_usd_min"])
        row.setdefault("salary_max", row["annual_usd_max"])
    with engine.begin() as connection:
        # Parameters, not .values(): one compiled statement for every call with the same columns.
        posting_id: int = connection.execute(insert(Posting).returning(Posting.id), row).scalar_one()
    return posting_id


def add_change(engine: Engine, posting_id: int, field: str = "title") -> None:
    with engine.begin() as connection:
        connection.execute(insert(PostingChange).values(posting_id=posting_id, field=field, old=None, new=None))


def add_run(engine: Engine, source: str, status: str, *, minutes_ago: int = 5, error: str | None = None) -> None:
    started = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    with engine.begin() as connection:
        connection.execute(
            insert(ScrapeRun).values(
                source=source,
                status=status,
                started_at=started,
                finished_at=started + timedelta(minutes=1),
                fetched=10,
                new=3,
                error=error,
                details={},
                http={},
            )
        )
