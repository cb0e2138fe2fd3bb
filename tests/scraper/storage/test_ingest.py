"""upsert_postings's bulk paths: batches mixing every kind of row on both backends, what the PostgreSQL COPY
path must store exactly as the portable one does, and its per-batch lookups staying index-driven."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, func, select, text

from models.db import create_db_engine
from models.records import NormalizedPosting
from models.tables import Posting, PostingChange
from scraper.storage._sql import json_keys
from scraper.storage._transaction import postings_transaction
from scraper.storage.dedup import _PG_OPEN_LINKED
from scraper.storage.postings import close_missing, upsert_postings
from scraper.storage.upsert import _PG_STORED

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

MakePosting = Callable[..., NormalizedPosting]
Rows = Callable[[Engine], dict[str, Any]]


def history(engine: Engine) -> list[tuple[str, str, Any, Any]]:
    query = (
        select(Posting.external_id, PostingChange.field, PostingChange.old, PostingChange.new)
        .join(Posting, Posting.id == PostingChange.posting_id)
        .order_by(PostingChange.id)
    )
    with engine.connect() as connection:
        return [(row[0], row[1], row[2], row[3]) for row in connection.execute(query)]


def test_one_batch_of_new_changed_unchanged_and_reopened_rows(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    run_id = new_run(store)
    first = [
        make_posting("same"),
        make_posting("changed", title="Analyst"),
        make_posting("gone", title="ML Engineer", apply_url="https://acme.example/apply/7"),
    ]
    upsert_postings(store, "board", first, run_id=run_id, now=T0)
    upsert_postings(
        store,
        "other",
        [make_posting("twin", source="other", title="Other", apply_url="https://acme.example/apply/7")],
        run_id=run_id,
        now=T0,
    )
    assert close_missing(store, "board", ["same", "changed"], run_id=run_id, now=T0 + HOUR, misses_to_close=1) == 1
    ids = {key: row.id for key, row in rows(store).items()}

    t1 = T0 + 2 * HOUR
    batch = [
        make_posting("new", title="Data Scientist"),
        make_posting("same"),
        make_posting("changed", title="Senior Analyst"),
        first[2],  # back: reopened, and the duplicate of the older open posting again
        make_posting("new", title="Data Scientist II"),  # repeated in the batch: the last one wins
    ]
    result = upsert_postings(store, "board", batch, run_id=run_id, now=t1)

    assert (result.new, result.updated, result.unchanged, result.reopened) == (1, 1, 1, 1)
    stored = rows(store)
    assert {key: row.id for key, row in stored.items() if key != "board/new"} == ids
    assert (stored["board/new"].title, stored["board/new"].first_seen) == ("Data Scientist II", t1)
    assert (stored["board/same"].last_seen, stored["board/changed"].last_seen) == (T0, t1)
    assert (stored["board/changed"].title, stored["board/changed"].first_seen) == ("Senior Analyst", T0)
    assert (stored["board/gone"].closed_at, stored["board/gone"].missed_runs, stored["board/gone"].last_seen) == (
        None,
        0,
        t1,
    )
    assert (stored["board/gone"].duplicate_of, stored["other/twin"].duplicate_of) == (None, ids["board/gone"])
    assert history(store) == [
        ("gone", "closed", None, (T0 + HOUR).isoformat()),
        ("changed", "title", "Analyst", "Senior Analyst"),
        ("gone", "reopened", (T0 + HOUR).isoformat(), None),
    ]


@pytest.mark.parametrize(
    "payload",
    [None, {"k": [1, "v"], "n": 1.5}, ["a", 2], "plain"],
    ids=["None", "object", "list", "string"],
)
def test_payload_is_stored_as_json_never_sql_null(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows, payload: Any
) -> None:
    upsert_postings(store, "board", [make_posting("a", payload=payload)], run_id=new_run(store), now=T0)
    with store.connect() as connection:
        sql_nulls = connection.execute(select(func.count()).where(Posting.payload.is_(None))).scalar_one()
    assert (rows(store)["board/a"].payload, sql_nulls) == (payload, 0)


def test_naive_posted_at_is_rejected_alone(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    result = upsert_postings(
        store,
        "board",
        [make_posting("a"), make_posting("b", posted_at=datetime(2026, 11, 30))],
        run_id=new_run(store),
        now=T0,
    )
    assert (result.new, result.rejected, result.rejected_by_reason) == (1, ["b"], {"unstorable": 1})
    assert set(rows(store)) == {"board/a"}


def test_a_rejected_rewrite_leaves_the_next_batch_working(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    """On PostgreSQL the failure comes after the staging table was created in the rolled-back transaction."""
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a")], run_id=run_id, now=T0)
    refused = upsert_postings(
        store, "board", [make_posting("a", title="X", payload=object())], run_id=run_id, now=T0 + HOUR
    )
    assert (refused.updated, refused.rejected) == (0, ["a"])
    assert rows(store)["board/a"].title == "Data Engineer"
    for hours, title in ((2, "Y"), (3, "Z")):  # twice: the staging table is left empty by each commit
        result = upsert_postings(store, "board", [make_posting("a", title=title)], run_id=run_id, now=T0 + hours * HOUR)
        assert (result.new, result.updated) == (0, 1)
    assert rows(store)["board/a"].title == "Z"
    assert [field for _, field, _, _ in history(store)] == ["title", "title"]


# ------------------------------------------------------------------------------------------ PostgreSQL


def plan(connection: Connection, statement: Any, parameters: dict[str, Any]) -> str:
    compiled = statement.compile(dialect=connection.dialect)
    found = connection.exec_driver_sql("EXPLAIN " + str(compiled), compiled.construct_params(parameters))
    return "\n".join(row[0] for row in found)


def index_conditions(found_plan: str) -> list[str]:
    return [line.strip() for line in found_plan.splitlines() if "Index Cond" in line]


def test_batch_lookups_probe_the_key_index_on_an_unanalyzed_table(
    pg_store: Engine, make_posting: MakePosting, new_run: Callable[..., int]
) -> None:
    """Without statistics, `external_id = ANY(:keys)` is planned as a scan of every posting of the source."""
    postings = [
        make_posting(f"p{i}", title=f"Role {i}", apply_url=f"https://acme.example/apply/{i}") for i in range(2000)
    ]
    upsert_postings(pg_store, "board", postings, run_id=new_run(pg_store), now=T0)
    sample = postings[1000:1100]
    with pg_store.connect() as connection:
        stored = plan(connection, _PG_STORED, {"keys": json_keys(p.external_id for p in sample), "source": "board"})
        linked = plan(
            connection,
            _PG_OPEN_LINKED,
            {
                "fingerprint": json_keys(p.fingerprint for p in sample),
                "apply_url": json_keys(p.apply_url for p in sample if p.apply_url is not None),
                "duplicate_of": json_keys([1, 2, 3]),
            },
        )
    for found_plan, keys in ((stored, ("external_id",)), (linked, ("fingerprint", "apply_url", "duplicate_of"))):
        assert "Seq Scan on postings" not in found_plan
        conditions = index_conditions(found_plan)
        assert len(conditions) == len(keys)
        for condition, key in zip(conditions, keys, strict=True):
            assert key in condition and "closed_at" not in condition


def test_postings_transaction_turns_jit_off_for_itself_only(pg_store: Engine) -> None:
    # One pooled connection, so the check after the transaction runs on the connection it used.
    single = create_db_engine(pg_store.url.render_as_string(hide_password=False), pool_size=1, max_overflow=0)
    try:
        with single.connect() as connection:
            before = connection.execute(text("SELECT current_setting('jit')")).scalar_one()
        with postings_transaction(single) as connection:
            assert connection.execute(text("SELECT current_setting('jit')")).scalar_one() == "off"
            inside = connection.connection.driver_connection
        with single.connect() as connection:
            assert connection.connection.driver_connection is inside
            assert connection.execute(text("SELECT current_setting('jit')")).scalar_one() == before
    finally:
        single.dispose()


def test_new_postings_are_grouped_only_with_stored_postings_of_other_sources(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int]
) -> None:
    run_id = new_run(store)
    upsert_postings(
        store, "other", [make_posting("o", source="other", apply_url="https://acme.example/1")], run_id=run_id, now=T0
    )
    batch = [
        make_posting("linked", title="A", apply_url="https://acme.example/1"),
        make_posting("pair1", title="B", apply_url="https://acme.example/2"),  # shares a key only within the batch
        make_posting("pair2", title="C", apply_url="https://acme.example/2"),
        make_posting("alone", title="D"),
    ]
    upsert_postings(store, "board", batch, run_id=run_id, now=T0 + HOUR)
    with store.connect() as connection:
        found = connection.execute(select(Posting.id, Posting.external_id, Posting.duplicate_of)).all()
    names = {row.id: row.external_id for row in found}
    assert {row.external_id: names.get(row.duplicate_of) for row in found} == {
        "o": None,
        "linked": "o",
        "pair1": None,
        "pair2": None,
        "alone": None,
    }
