"""Fault injection: values a database refuses, in a 500-posting batch on real PostgreSQL and SQLite.

A lone surrogate ('\\ud83d', left by a JSON escape) once failed a whole PostgreSQL batch with "invalid input
syntax for type json". The text policy now cleans it; a posting that still cannot be stored is rejected
alone and counted, never its batch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from models.records import NormalizedPosting
from models.tables import Posting
from scraper.storage.postings import upsert_postings

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
BATCH = 500

MakePosting = Callable[..., NormalizedPosting]
Rows = Callable[[Engine], dict[str, Any]]


def batch(
    make_posting: MakePosting, faults: dict[int, Callable[[NormalizedPosting], NormalizedPosting]]
) -> list[NormalizedPosting]:
    postings = [make_posting(f"p{index}", title=f"Data Engineer {index}") for index in range(BATCH)]
    for index, fault in faults.items():
        postings[index] = fault(postings[index])
    return postings


def stored_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(Posting)).scalar_one())


def test_lone_surrogates_in_description_title_and_payload_keep_the_batch(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    postings = batch(
        make_posting,
        {
            100: lambda p: replace(p, description_html="<p>Build \ud83d pipelines</p>"),
            200: lambda p: replace(p, title="Data Engineer \ud83d", title_raw="Data Engineer \ud83d"),
            300: lambda p: replace(p, payload={"title": "Data \ud83d", "tags\udc00": ["\ude00"]}),
            400: lambda p: replace(p, payload={"salary": float("nan"), "rank": float("inf")}),  # JSON has neither
        },
    )
    result = upsert_postings(store, "board", postings, run_id=new_run(store), now=T0)
    assert (result.new, result.rejected, result.rejected_by_reason) == (BATCH, [], {})
    stored = rows(store)
    assert stored["board/p100"].description_html == "<p>Build  pipelines</p>"
    assert (stored["board/p200"].title, stored["board/p200"].title_raw) == ("Data Engineer ", "Data Engineer ")
    assert stored["board/p300"].payload == {"title": "Data ", "tags": [""]}
    assert stored["board/p400"].payload == {"salary": None, "rank": None}


def test_a_posting_no_backend_can_store_is_rejected_alone(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    """A payload JSON cannot encode and a naive time: refused on both backends, each posting alone."""
    postings = batch(
        make_posting,
        {
            7: lambda p: replace(p, payload={"found": object()}),
            250: lambda p: replace(p, posted_at=datetime(2026, 11, 30)),
            499: lambda p: replace(p, payload={1, 2}),
        },
    )
    result = upsert_postings(store, "board", postings, run_id=new_run(store), now=T0)
    assert (result.new, sorted(result.rejected), result.rejected_by_reason) == (
        BATCH - 3,
        ["p250", "p499", "p7"],
        {"unstorable": 3},
    )
    stored = rows(store)
    assert stored_count(store) == BATCH - 3 and {"board/p7", "board/p250", "board/p499"}.isdisjoint(stored)
    assert stored["board/p6"].title == "Data Engineer 6" and stored["board/p498"].title == "Data Engineer 498"


def test_values_longer_than_their_column_are_rejected_on_postgresql_and_stored_on_sqlite(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int]
) -> None:
    """An external id (a URL when the source gives no id) over 300 characters, a category over 60 (from a
    replaced taxonomy): PostgreSQL refuses them, SQLite, which does not enforce lengths, stores them."""
    long_id = "https://board.example/jobs/" + "x" * 300
    postings = batch(
        make_posting,
        {10: lambda p: replace(p, external_id=long_id), 20: lambda p: replace(p, category="c" * 61)},
    )
    result = upsert_postings(store, "board", postings, run_id=new_run(store), now=T0)
    if store.dialect.name == "postgresql":
        assert (result.new, sorted(result.rejected), result.rejected_by_reason) == (
            BATCH - 2,
            [long_id, "p20"],
            {"unstorable": 2},
        )
    else:
        assert (result.new, result.rejected) == (BATCH, [])
    assert stored_count(store) == result.new


def test_a_refused_rewrite_keeps_the_stored_version_and_the_batch_updates(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", batch(make_posting, {}), run_id=run_id, now=T0)
    rescrape = [replace(p, title=p.title + " II") for p in batch(make_posting, {})]
    rescrape[123] = replace(rescrape[123], payload={"found": object()})
    result = upsert_postings(store, "board", rescrape, run_id=run_id, now=T0 + timedelta(hours=2))
    assert (result.updated, result.rejected) == (BATCH - 1, ["p123"])
    stored = rows(store)
    assert stored["board/p123"].title == "Data Engineer 123"
    assert stored["board/p124"].title == "Data Engineer 124 II"
