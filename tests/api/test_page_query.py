"""A page of jobs is one statement: its ids come from the open-category index when the filters allow it,
and the sources of each job's duplicates are read in the same statement (PostgreSQL and SQLite)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from api.queries.postings import page_statement
from models.filters import posting_conditions
from models.schemas import FeedFilters, PostingFilters
from tests.api.conftest import BASE_TIME, add_posting, add_source


def test_a_job_lists_every_source_of_its_duplicates_once_in_order(db: Engine, client: TestClient) -> None:
    add_source(db, "aardvark")
    job = add_posting(db)
    for source in ("beta", "beta", "aardvark"):
        add_posting(db, source=source, duplicate_of=job)
    lone = add_posting(db, source="beta", first_seen=BASE_TIME - timedelta(hours=1))
    expected = [(job, ["aardvark", "alpha", "beta"]), (lone, ["beta"])]
    items = client.get("/api/v1/jobs").json()["items"]
    assert [(item["id"], item["sources"]) for item in items] == expected
    feed = client.get("/feeds/all.json").json()["items"]
    assert [(item["_jobfeed"]["id"], item["_jobfeed"]["sources"]) for item in feed] == expected


@pytest.mark.parametrize(
    "filters",
    [
        PostingFilters(category="data-engineer"),
        PostingFilters(category="data-engineer", country="DE"),
        FeedFilters(category="data-engineer", country="DE", seniority="senior", remote="hybrid"),
    ],
    ids=["category", "category+country", "feed filters"],
)
def test_a_category_page_chooses_its_ids_from_the_open_category_index(pg_engine: Engine, filters: Any) -> None:
    with Session(pg_engine) as session:
        # A test table is small enough to read whole, or to sort: the plan a large table gets is asked for.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        session.execute(text("SET LOCAL enable_bitmapscan = off"))
        session.execute(text("SET LOCAL enable_sort = off"))
        statement = page_statement(session, filters, posting_conditions(session, filters))
        sql = statement.compile(dialect=pg_engine.dialect, compile_kwargs={"literal_binds": True})
        plan = "\n".join(session.execute(text(f"EXPLAIN {sql}")).scalars())
    assert "ix_postings_open_category_page" in plan, plan
