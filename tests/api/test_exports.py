"""Exports: /api/v1/jobs.ndjson and .csv hold every posting the /jobs filters match (beyond any page size),
as the same records; they stream in constant memory; /api/v1/salaries.csv holds the /salaries figures."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from sqlalchemy.orm import sessionmaker

from api.queries.exports import POSTING_CSV_COLUMNS, csv_chunks, export_pages, ndjson_chunks
from models.schemas import PostingFilters
from models.tables import Posting
from tests.api.conftest import BASE_TIME, add_posting


def bulk(db: Engine, count: int, **fields: Any) -> None:
    rows = [
        {
            "source": "alpha",
            "external_id": f"bulk-{n}",
            "url": f"https://alpha.example/jobs/bulk-{n}",
            "title": f"Data Engineer {n}",
            "title_raw": f"Data Engineer {n}",
            "company": "Acme",
            "category": "data-engineer" if n % 3 else "data-scientist",
            "remote": "remote" if n % 2 else "onsite",
            "countries": ["US", "DE"],
            "tags": ["Python"],
            "flags": [],
            "first_seen": BASE_TIME - timedelta(minutes=n),
            "last_seen": BASE_TIME,
            "fingerprint": f"fp-bulk-{n}",
            "content_hash": f"hash-bulk-{n}",
            "description_html": "<p>" + "Build pipelines. " * 20 + "</p>",
            **fields,
        }
        for n in range(count)
    ]
    with db.begin() as connection:
        connection.execute(insert(Posting), rows)


def test_ndjson_holds_every_matching_posting_as_the_api_s_records(db: Engine, client: TestClient) -> None:
    bulk(db, 450)
    add_posting(db, category="data-engineer", closed_at=BASE_TIME)  # closed: left out by default
    response = client.get("/api/v1/jobs.ndjson?category=data-engineer&remote=remote&limit=7")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    expected = [n for n in range(450) if n % 3 and n % 2]
    assert [r["external_id"] for r in records] == [f"bulk-{n}" for n in expected]  # newest first, no page limit
    page = client.get("/api/v1/jobs?category=data-engineer&remote=remote&limit=7").json()["items"]
    assert records[:7] == page


def test_csv_flattens_the_record_one_column_per_field(db: Engine, client: TestClient) -> None:
    add_posting(
        db,
        title='Engineer, "data"',
        annual_usd_mid=120_000.0,
        tags=["Python", "SQL"],
        flags=[{"code": "salary_outlier", "message": "far from the others"}],
    )
    response = client.get("/api/v1/jobs.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    header, row = list(csv.reader(io.StringIO(response.text)))
    assert tuple(header) == POSTING_CSV_COLUMNS
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == 'Engineer, "data"'
    assert (cells["tags"], cells["flags"], cells["countries"]) == ("Python;SQL", "salary_outlier", "US")
    assert (cells["annual_usd_min"], cells["salary_currency"], cells["closed_at"]) == ("120000.0", "USD", "")
    assert cells["first_seen"] == "2026-11-20T12:00:00Z"


def test_bad_export_filters_are_refused_before_streaming(client: TestClient) -> None:
    assert client.get("/api/v1/jobs.csv?category=astronaut").status_code == 422
    assert client.get("/api/v1/jobs.ndjson?cursor=nope").status_code == 422


def _peak_while_streaming(db: Engine, chunks: Any) -> tuple[int, int]:
    tracemalloc.start()
    try:
        total = sum(len(chunk) for chunk in chunks)
        return tracemalloc.get_traced_memory()[1], total
    finally:
        tracemalloc.stop()


@pytest.mark.slow  # 3,000 postings streamed three times under tracemalloc: 1.5 s of CPU apiece
@pytest.mark.parametrize("chunks", [ndjson_chunks, csv_chunks], ids=["ndjson", "csv"])
def test_exports_stream_in_memory_bounded_by_a_page_not_the_result(db: Engine, chunks: Any) -> None:
    sessions = sessionmaker(db)
    bulk(db, 3000)
    scientists = PostingFilters(category="data-scientist")
    _peak_while_streaming(db, chunks(export_pages(sessions, scientists, page_size=100)))  # warm statement caches
    small_peak, small_bytes = _peak_while_streaming(db, chunks(export_pages(sessions, scientists, page_size=100)))
    large_peak, large_bytes = _peak_while_streaming(db, chunks(export_pages(sessions, PostingFilters(), page_size=100)))
    assert large_bytes > 2.5 * small_bytes  # three times the postings ...
    assert large_peak < 1.5 * small_peak  # ... in the memory of one page


def test_salaries_csv_has_the_salaries_figures(db: Engine, client: TestClient) -> None:
    for amount in (50_000.0, 60_000.0, 70_000.0, 80_000.0, 90_000.0):
        add_posting(db, annual_usd_mid=amount, seniority="senior")
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/salaries.csv?category=data-engineer").text)))
    assert len(rows) == 1
    assert (rows[0]["category"], rows[0]["count"], rows[0]["p50"], rows[0]["group"]) == (
        "data-engineer",
        "5",
        "70000.0",
        "",
    )
    grouped = list(csv.DictReader(io.StringIO(client.get("/api/v1/salaries.csv?group_by=seniority").text)))
    assert [(r["category"], r["group_by"], r["group"], r["count"]) for r in grouped] == [
        ("data-engineer", "seniority", "senior", "5")
    ]
