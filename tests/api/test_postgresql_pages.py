"""The PostgreSQL path of job pages and feeds (api/queries/pages.py) serves the generic path's bytes, on a real
PostgreSQL: the same data through both, compared byte for byte; and a statement compiled for a shape of filters
takes any request's values by name."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api.queries.pages import Pages, page_json
from api.queries.postings import page_statement, page_values, posting_page_json
from models.filters import posting_conditions
from models.schemas import FeedFilters, PostingFilters
from tests.api.conftest import BASE_TIME, add_posting, add_source, app_for

FLAG = {"code": "salary_implausible", "message": "annual maximum 1.1 billion USD is beyond any real salary"}


@pytest.fixture
def varied(committing_pg_engine: Engine) -> Engine:
    """Postings whose every value the PostgreSQL path must write as the generic one does (no writer bugs)."""
    db = committing_pg_engine
    add_source(db, "alpha")
    add_source(db, "beta", kind="greenhouse")
    add_source(db, "gamma")
    add_posting(db, annual_usd_mid=95_000.5, salary_min=80, salary_max=None, salary_period="hour")
    add_posting(db, salary_raw="$1e16", salary_min=1e16, salary_max=1.5e-05, salary_currency="USD", salary_period=None)
    add_posting(db, salary_raw="up to 2,5k", salary_min=None, salary_max=float("inf"), salary_period_basis="inferred")
    add_posting(
        db,
        title='Ünïcode "quoted" \\ <b>title</b> \u2028 \t tab',
        company=None,
        featured=True,
        posted_at=BASE_TIME.replace(microsecond=123456),
        first_seen=BASE_TIME + timedelta(microseconds=500000),
        flags=[FLAG, {"code": "company_missing", "message": "no company", "extra": 1}],
        salary_flagged=True,
        flagged=True,
        annual_usd_mid=1_111_111_000.0,
        salary_origin="text",
        location_raw="Berlin, Deutschland",
        remote="somewhere",  # outside the vocabulary: served as null by both
        seniority=None,
        countries=["DE"],
        regions=["EUROPE"],
        cities=["Berlin"],
        tags=[],
    )
    job = add_posting(db, closed_at=BASE_TIME, tags=["Python", "SQL"], featured=False, category="data-scientist")
    add_posting(db, duplicate_of=job, source="gamma")
    add_posting(db, duplicate_of=job, source="beta")
    lone = add_posting(db, source="beta", first_seen=BASE_TIME - timedelta(hours=1), employment_types=[])
    add_posting(db, duplicate_of=lone, source="beta")
    for hour in range(2, 7):
        add_posting(db, first_seen=BASE_TIME - timedelta(hours=hour), countries=["US", "CA"], seniority="lead")
    return db


QUERIES = [
    "",
    "?include_closed=true",
    "?limit=2",
    "?limit=3&cursor=1795521600000000.999999",
    "?include_flagged=false",
    "?category=data-engineer&country=us",
    "?q=engineer&include_closed=true",
    "?source=gamma&include_closed=true",
    "?tag=python&include_closed=true",
    "?seniority=lead&remote=remote&employment_type=full-time&min_salary_usd=1&posted_since=2026-01-01",
]


def _generic(db: Engine, path: str) -> bytes:
    """The body as the generic path serves it: an app whose lifespan never ran has no PostgreSQL path (nor closes
    its engine's connections: done here, or they are left to the garbage collector, which warns)."""
    client = app_for(db)
    try:
        response = client.get(path)
    finally:
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return response.content


@pytest.mark.parametrize("query", QUERIES)
def test_job_pages_are_the_generic_bytes(varied: Engine, query: str) -> None:
    with app_for(varied) as client:
        assert client.app.state.pages is not None  # type: ignore[attr-defined]
        served = client.get(f"/api/v1/jobs{query}")
    assert served.status_code == 200, served.text
    assert served.content == _generic(varied, f"/api/v1/jobs{query}")


@pytest.mark.parametrize("query", ["", "?limit=2", "?category=data-scientist&include_closed=true"])
def test_the_postgresql_path_renders_these_pages_itself(varied: Engine, query: str) -> None:
    filters = PostingFilters.model_validate(dict(p.split("=") for p in query.lstrip("?").split("&") if p))

    async def fast() -> bytes | None:
        pages = Pages(varied, connections=2)
        await pages.pool.open()
        try:
            rows = await pages.rows(filters)
        finally:
            await pages.pool.close()
        return None if rows is None else page_json(rows, filters.limit)

    body = asyncio.run(fast())
    assert body is not None, "a row was left to the generic path"
    with Session(varied) as session:
        assert body == posting_page_json(session, filters)


@pytest.mark.parametrize("path", ["/api/v1/outliers", "/api/v1/outliers?code=company_missing"])
def test_outliers_are_the_generic_bytes(varied: Engine, path: str) -> None:
    with app_for(varied) as client:
        served = client.get(path)
    assert served.status_code == 200, served.text
    assert served.content == _generic(varied, path)


@pytest.mark.parametrize("ext", ["rss", "atom", "json"])
@pytest.mark.parametrize("query", ["", "?country=US&seniority=lead", "?include_closed=true"])
def test_feeds_are_the_generic_bytes(varied: Engine, ext: str, query: str) -> None:
    path = f"/feeds/data-engineer.{ext}{query}"
    with app_for(varied) as client:
        served = client.get(path)
    assert served.status_code == 200, served.text
    assert served.content == _generic(varied, path)


def test_a_writer_bug_leaves_the_page_to_the_generic_path(varied: Engine) -> None:
    add_posting(varied, employment_types=["full-time", "gig"], first_seen=BASE_TIME + timedelta(hours=1))
    filters = PostingFilters()

    async def fast() -> Any:
        pages = Pages(varied, connections=2)
        await pages.pool.open()
        try:
            return await pages.rows(filters)
        finally:
            await pages.pool.close()

    assert asyncio.run(fast()) is None
    with app_for(varied) as client:
        served = client.get("/api/v1/jobs")
    assert served.content == _generic(varied, "/api/v1/jobs")
    assert served.json()["items"][0]["employment_types"] == ["full-time"]


@pytest.mark.parametrize(
    "filters",
    [
        PostingFilters(),
        PostingFilters(category="data-engineer", country="de", cursor="1795946400000000.42", limit=7),
        FeedFilters(q="data engineer", tag="PyThon", company="Acme", featured=True, remote="hybrid"),
        PostingFilters(
            seniority="senior",
            employment_type="contract",
            min_salary_usd=5,
            posted_since="2026-01-01T09:00:00+02:00",
            source="beta",
            include_closed=True,
            include_flagged=False,
        ),
    ],
    ids=["none", "category+country+cursor", "search+tag+company", "the rest"],
)
def test_page_values_are_the_statement_s_binds(pg_engine: Engine, filters: PostingFilters) -> None:
    with Session(pg_engine) as session:
        compiled = page_statement(session, filters, posting_conditions(session, filters)).compile(session.get_bind())
    assert compiled.construct_params() == page_values(filters)
