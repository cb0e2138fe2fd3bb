"""Job pages straight from rows to JSON: byte for byte what the declared schema would serialize; and one
render per key and data version however many requests miss the cache at once (no stampede)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from api import queries
from api.cache import ResponseCache
from models.schemas import PostingFilters, PostingPage
from tests.api.conftest import BASE_TIME, add_posting


def seed_varied(db: Engine) -> None:
    add_posting(db, annual_usd_mid=95_000.5, salary_min=80, salary_max=None, salary_period="hour")
    add_posting(db, remote="somewhere", seniority="wizard", employment_types=["full-time", "gig"], countries=[])
    add_posting(
        db,
        title="Ünïcode <b>title</b> \u2028",
        company=None,
        featured=True,
        posted_at=BASE_TIME.replace(microsecond=123456),
        flags=[{"code": "salary_implausible", "message": "beyond any real salary"}],
        salary_flagged=True,
        flagged=True,
        annual_usd_mid=float("inf"),
    )
    representative = add_posting(db, closed_at=BASE_TIME, tags=["Python", "SQL"])
    add_posting(db, duplicate_of=representative, source="beta")


@pytest.mark.parametrize("query", ["", "?include_closed=true", "?limit=2", "?include_flagged=false"])
def test_pages_are_byte_for_byte_the_schema_s_serialization(db: Engine, client: TestClient, query: str) -> None:
    seed_varied(db)
    served = client.get(f"/api/v1/jobs{query}")
    assert served.status_code == 200
    filters = PostingFilters.model_validate(dict(served.request.url.params))
    with Session(db) as session:
        expected = TypeAdapter(PostingPage).dump_json(queries.list_postings(session, filters))
    assert served.content == expected


def test_concurrent_misses_render_once_and_share_the_body() -> None:
    cache = ResponseCache()
    renders = 0
    calling = threading.Semaphore(0)  # released by each caller just before it calls render_once

    def slow() -> bytes:
        nonlocal renders
        renders += 1
        # Every caller is on its way in (however loaded the machine), and has a few bytecodes to go to the in-flight
        # check: the render lasts until then, not a fixed second.
        for _ in range(16):
            assert calling.acquire(timeout=10)
        time.sleep(0.2)
        return b'{"slow": true}'

    def at_once(token: str) -> list[bytes]:
        arrived = threading.Barrier(16)

        def request(_: int) -> bytes:
            arrived.wait()
            calling.release()
            return cache.render_once("/api/v1/salaries?", token, slow)

        with ThreadPoolExecutor(16) as pool:
            return list(pool.map(request, range(16)))

    assert at_once("v1") == [b'{"slow": true}'] * 16
    assert renders == 1
    at_once("v2")  # the next version renders again, once
    assert renders == 2


def test_a_failed_render_fails_its_waiters_and_the_next_miss_retries() -> None:
    cache = ResponseCache()
    calls = 0

    def failing() -> bytes:
        nonlocal calls
        calls += 1
        time.sleep(0.2)
        raise RuntimeError("database went away")

    with ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(cache.render_once, "k", "v", failing) for _ in range(8)]
    assert all(isinstance(f.exception(), RuntimeError) for f in futures)
    assert calls == 1
    assert cache.render_once("k", "v", lambda: b"ok") == b"ok"
