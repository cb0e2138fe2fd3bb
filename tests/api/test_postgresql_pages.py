"""The PostgreSQL path of job pages and feeds (api/queries/pages.py) serves the generic path's bytes, on a real
PostgreSQL: the same data through both, compared byte for byte; and a statement compiled for a shape of filters
takes any request's values by name."""

from __future__ import annotations

import asyncio
import math
import random
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.queries.pages import Pages, float_text, page_json
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
    add_posting(
        db, salary_raw="$9e15", salary_min=9.5e15, salary_max=1.5e-05, salary_currency="USD", salary_period=None
    )
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
    add_posting(  # lists of strings that hold jsonb's separator, quotes and backslashes; floats PostgreSQL writes
        # in another notation than orjson (1e-06, 5e+15)
        db,
        first_seen=BASE_TIME - timedelta(hours=8),
        cities=['Paris, "Nord"', 'x", "y', "C:\\", "\u00e9\n"],
        tags=["a\\", "b", "c, d"],
        salary_min=1e-06,
        salary_max=5e15 + 0.5,
        annual_usd_min=0.0,
        annual_usd_max=-0.0,
    )
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


def _fast_rows(db: Engine, filters: PostingFilters) -> Any:
    async def fast() -> Any:
        pages = Pages(db, connections=2)
        await pages.pool.open()
        try:
            return await pages.rows(filters)
        finally:
            await pages.pool.close()

    return asyncio.run(fast())


def test_a_writer_bug_leaves_the_page_to_the_generic_path(varied: Engine) -> None:
    add_posting(varied, employment_types=["full-time", "gig"], first_seen=BASE_TIME + timedelta(hours=1))
    assert _fast_rows(varied, PostingFilters()) is None
    with app_for(varied) as client:
        served = client.get("/api/v1/jobs")
    assert served.content == _generic(varied, "/api/v1/jobs")
    assert served.json()["items"][0]["employment_types"] == ["full-time"]


@pytest.mark.parametrize(
    ("column", "value"),
    [("tags", ["python", 3, None]), ("cities", [["nested"], {"a": "b"}]), ("flags", [{"code": 3, "message": None}])],
    ids=["a number among strings", "a list and an object among strings", "a flag's code not a string"],
)
def test_a_member_of_another_type_is_the_same_json_value(varied: Engine, column: str, value: Any) -> None:
    """A writer bug the SQL does not look for (it would cost every page): jsonb's spacing, the same value."""
    add_posting(varied, **{column: value}, first_seen=BASE_TIME + timedelta(hours=1))
    assert _fast_rows(varied, PostingFilters()) is not None
    with app_for(varied) as client:
        served = client.get("/api/v1/jobs")
    assert served.json() == orjson.loads(_generic(varied, "/api/v1/jobs"))


def test_a_whole_float_from_1e16_leaves_the_page_to_the_generic_path(varied: Engine) -> None:
    add_posting(varied, salary_max=3.076897955254611e16, first_seen=BASE_TIME + timedelta(hours=1))
    assert _fast_rows(varied, PostingFilters()) is None
    with app_for(varied) as client:
        served = client.get("/api/v1/jobs")
    assert served.content == _generic(varied, "/api/v1/jobs")
    assert served.json()["items"][0]["salary"]["max"] == 3.076897955254611e16


def test_floats_are_written_as_orjson_writes_them(pg_engine: Engine) -> None:
    """Every notation boundary (1e-5, 1e-4, 1e15, 1e16), whole and not, signed, subnormal, huge, NaN and the
    infinities (null), and a thousand floats spread over every exponent."""
    randomly = random.Random(16)
    values = [
        math.nan,
        math.inf,
        -math.inf,
        0.0,
        -0.0,
        1.0,
        -1.5,
        5e-324,
        1.7976931348623157e308,
        2.5e-300,
        1e-06,
        1.234e-07,
        9.5e-06,
    ]
    for edge in (1e-5, 1e-4, 1e15, 1e16):
        values += [edge, -edge, math.nextafter(edge, 0), math.nextafter(edge, math.inf), edge * 1.5]
    values += [randomly.uniform(1, 10) * 10.0 ** randomly.randint(-320, 15) for _ in range(1000)]
    values += [float(randomly.randint(1, 10**6)) * 10.0 ** randomly.randint(-8, 9) for _ in range(200)]
    text_sql, odd_sql = float_text("x")
    statement = (
        f"SELECT {text_sql}, {odd_sql} FROM unnest(CAST(:values AS float8[])) WITH ORDINALITY AS t(x, n) ORDER BY n"
    )
    with pg_engine.connect() as connection:
        written = connection.execute(text(statement), {"values": values}).all()
    left = [value for value, (_, odd) in zip(values, written, strict=True) if odd]
    assert all(abs(value) >= 1e16 and value == math.trunc(value) for value in left)
    served = [(value, json) for value, (json, odd) in zip(values, written, strict=True) if not odd]
    assert [json for _, json in served] == [orjson.dumps(value).decode() for value, _ in served]
    assert len(left) >= 3 and len(served) > 1200


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
