"""postings.source -> sources.name holds on both backends: SQLite's foreign key, PostgreSQL's per-statement triggers."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import Engine, exc, func, select, text

from models.records import NormalizedPosting
from models.tables import Posting, PostingChange
from scraper.storage.postings import upsert_postings
from tests.scraper.storage.conftest import T0


def count(engine: Engine, source: str) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).where(Posting.source == source)).scalar_one()


def test_postings_of_an_unknown_source_are_refused(
    store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    run_id = new_run(store)
    batch = [make_posting(f"job-{index}", source="nope") for index in range(3)]
    refused = (exc.IntegrityError, psycopg.errors.ForeignKeyViolation)
    with pytest.raises(refused, match=r"fk_postings_source_sources|FOREIGN KEY"):
        upsert_postings(store, "nope", batch, run_id=run_id, now=T0)
    assert count(store, "nope") == 0


def test_deleting_a_source_deletes_its_postings_and_their_history(
    store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a"), make_posting("b")], run_id=run_id, now=T0)
    upsert_postings(store, "other", [make_posting("a", source="other")], run_id=run_id, now=T0)
    upsert_postings(store, "board", [make_posting("a", title="Staff Data Engineer")], run_id=run_id, now=T0)
    with store.begin() as connection:
        connection.execute(text("DELETE FROM sources WHERE name = 'board'"))
    assert (count(store, "board"), count(store, "other")) == (0, 1)
    with store.connect() as connection:
        assert connection.execute(select(func.count()).select_from(PostingChange)).scalar_one() == 0


def test_renaming_a_referenced_source_is_refused(
    store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    upsert_postings(store, "board", [make_posting("a")], run_id=new_run(store), now=T0)
    with pytest.raises(exc.IntegrityError), store.begin() as connection:
        connection.execute(text("UPDATE sources SET name = 'renamed' WHERE name = 'board'"))
    with store.begin() as connection:  # a source no posting names may be renamed
        connection.execute(text("UPDATE sources SET name = 'renamed' WHERE name = 'third'"))
    assert count(store, "board") == 1


def test_moving_a_posting_to_an_unknown_source_is_refused(
    store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    upsert_postings(store, "board", [make_posting("a"), make_posting("b")], run_id=new_run(store), now=T0)
    with pytest.raises(exc.IntegrityError), store.begin() as connection:
        connection.execute(text("UPDATE postings SET source = 'nope' WHERE external_id = 'a'"))
    with store.begin() as connection:
        connection.execute(text("UPDATE postings SET source = 'other' WHERE external_id = 'b'"))
    assert (count(store, "board"), count(store, "other")) == (1, 1)


def test_a_posting_being_written_keeps_its_source_from_being_deleted(
    pg_store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    """As the foreign key would: the insert's check locks the source row until the insert commits."""
    run_id = new_run(pg_store)
    upsert_postings(pg_store, "board", [make_posting("a")], run_id=run_id, now=T0)
    writer = pg_store.connect()
    try:
        columns = "external_id, url, title, title_raw, category, countries, regions, cities, employment_types, tags"
        writer.execute(
            text(
                f"INSERT INTO postings (source, {columns}, flags, first_seen, last_seen, fingerprint, content_hash) "
                f"SELECT source, 'b', url, title, title_raw, category, countries, regions, cities, employment_types, "
                "tags, flags, first_seen, last_seen, fingerprint, content_hash FROM postings WHERE external_id = 'a'"
            )
        )
        with pytest.raises(exc.OperationalError, match="lock"), pg_store.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '200ms'"))
            connection.execute(text("DELETE FROM sources WHERE name = 'board'"))
        writer.commit()
    finally:
        writer.close()
    assert count(pg_store, "board") == 2


def test_truncating_a_referenced_source_is_refused(
    pg_store: Engine, make_posting: Callable[..., NormalizedPosting], new_run: Callable[..., int]
) -> None:
    upsert_postings(pg_store, "board", [make_posting("a")], run_id=new_run(pg_store), now=T0)
    with pytest.raises(exc.IntegrityError), pg_store.begin() as connection:
        connection.execute(text("TRUNCATE sources CASCADE"))
    assert count(pg_store, "board") == 1
