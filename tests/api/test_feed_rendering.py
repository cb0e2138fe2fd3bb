"""Feeds render from the posting records read from rows, as job pages do: the same bytes the schema-model
rendering wrote (golden files made with it), and a JSON Feed `_jobfeed` that is the schema's serialization."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.feeds import FeedEntry, FeedMeta, render_atom, render_json_feed, render_rss
from api.queries.postings import in_schema_order
from models.schemas import PostingOut
from tests.api.conftest import BASE_TIME, add_posting
from tests.api.test_fast_pages import seed_varied

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "feeds"
META = FeedMeta(
    title="jobfeed: Data Engineer jobs",
    feed_url="https://jobfeed.example/feeds/data-engineer.rss?country=DE",
    home_page_url="https://jobfeed.example/categories/data-engineer",
    description="The newest Data Engineer jobs gathered by jobfeed.",
    updated=datetime(2026, 12, 4, 9, 30, tzinfo=UTC),
)
SEEN = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def record(**fields: Any) -> dict[str, Any]:
    """A posting record as read from rows (`record_fields`), in the schema's key order."""
    location = {"raw": "Berlin, DE", "remote": "hybrid", "countries": ["DE"], "regions": [], "cities": ["Berlin"]}
    base: dict[str, Any] = {
        "id": 7,
        "source": "alpha",
        "sources": ["alpha"],
        "external_id": "7",
        "url": "https://alpha.example/jobs/7",
        "title": "Data Engineer",
        "title_raw": "Data Engineer",
        "featured": None,
        "company": "Acme",
        "category": "data-engineer",
        "location": location,
        "employment_types": ["full-time"],
        "seniority": "senior",
        "tags": ["Python", "SQL"],
        "salary": None,
        "flags": [],
        "posted_at": None,
        "first_seen": SEEN,
        "last_seen": SEEN,
        "closed_at": None,
        **fields,
    }
    return in_schema_order(base)


SALARY = {
    "raw": "EUR 70K - 90K",
    "min": 70000.0,
    "max": 90000.0,
    "currency": "EUR",
    "period": "year",
    "period_basis": "stated",
    "annual_usd_min": 75600.0,
    "annual_usd_max": 97200.5,
    "origin": "text",
}
ENTRIES: list[tuple[dict[str, Any], str | None]] = [
    (record(salary=SALARY, featured=True, posted_at=datetime(2026, 11, 30, 7, 5, 9, 123456, tzinfo=UTC)), "<p>Hi</p>"),
    (
        record(
            id=8,
            external_id="x8",
            title='Data <script>alert("t")</script>Engineer ]]> \u2028 Ünïcode & co',
            company=None,
            location={"raw": None, "remote": "remote", "countries": ["US", "CA"], "regions": ["EMEA"], "cities": []},
            employment_types=[],
            seniority=None,
            tags=["  ", "<b>dbt</b>"],
            salary={**SALARY, "raw": None, "origin": "structured", "annual_usd_max": None, "max": None},
            flags=[{"code": "salary_implausible", "message": "beyond any real salary"}],
            sources=["alpha", "beta"],
            url="javascript:alert(1)",
        ),
        '<p onclick="steal()">x</p><script>alert("d")</script><a href="javascript:alert(1)">apply</a>\x01',
    ),
    (
        record(
            id=9,
            location={"raw": None, "remote": None, "countries": [], "regions": [], "cities": []},
            salary={**SALARY, "raw": "USD 50/hour", "annual_usd_min": None, "annual_usd_max": None},
            first_seen=datetime(2026, 11, 2, 23, 59, 59, tzinfo=UTC),
        ),
        None,
    ),
]
RENDERERS = {"rss": render_rss, "atom": render_atom, "json": render_json_feed}


def entries() -> list[FeedEntry]:
    return [FeedEntry(r, description, f"https://jobfeed.example/api/v1/jobs/{r['id']}") for r, description in ENTRIES]


@pytest.mark.parametrize("fmt", RENDERERS)
def test_feeds_render_from_records_the_bytes_the_schema_rendering_wrote(fmt: str) -> None:
    assert RENDERERS[fmt](META, entries()) == (GOLDEN / f"golden.{fmt}").read_bytes()


def test_json_feed_record_is_the_schema_s_serialization() -> None:
    items = orjson.loads(render_json_feed(META, entries()))["items"]
    expected = [PostingOut.model_validate(r).model_dump(mode="json") for r, _ in ENTRIES]
    assert [item["_jobfeed"] for item in items] == expected


def test_served_json_feed_records_are_the_job_pages_records(db: Engine, client: TestClient) -> None:
    seed_varied(db)
    add_posting(db, first_seen=BASE_TIME.replace(microsecond=5))
    jobs = client.get("/api/v1/jobs?include_closed=true").json()["items"]
    feed = client.get("/feeds/all.json?include_closed=true").json()["items"]
    assert [item["_jobfeed"] for item in feed] == jobs
    assert [item["id"] for item in feed] == [f"urn:jobfeed:posting:{job['id']}" for job in jobs]
