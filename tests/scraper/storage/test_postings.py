"""upsert_postings, close_missing and cross-source dedup against real PostgreSQL and SQLite."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.exc import DataError, DBAPIError

from models.enums import SalaryOrigin
from models.records import Flag, NormalizedPosting
from models.tables import Posting, PostingChange
from scraper.storage.postings import (
    BatchResult,
    annual_usd_mid,
    close_missing,
    content_hash,
    last_seen_slack,
    posting_row,
    upsert_postings,
)
from tests.scraper.storage.conftest import refusing_title

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

MakePosting = Callable[..., NormalizedPosting]
Rows = Callable[[Engine], dict[str, Any]]


def changes(engine: Engine) -> list[tuple[str, str, Any, Any, datetime, int | None]]:
    """(external_id, field, old, new, changed_at, run_id) of every history row, oldest first."""
    query = (
        select(Posting.external_id, PostingChange.field, PostingChange.old, PostingChange.new)
        .add_columns(PostingChange.changed_at, PostingChange.run_id)
        .join(Posting, Posting.id == PostingChange.posting_id)
        .order_by(PostingChange.id)
    )
    with engine.connect() as connection:
        return [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in connection.execute(query)]


def counts(result: BatchResult) -> tuple[int, int, int, int]:
    return result.new, result.updated, result.unchanged, result.reopened


def test_second_and_third_scrape(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    """One posting gone, one changed salary, one new; two misses close; the posting back reopens."""
    first = [make_posting("a"), make_posting("b", title="ML Engineer"), make_posting("c", title="Analyst")]
    run1, run2, run3, run4 = (new_run(store) for _ in range(4))
    assert counts(upsert_postings(store, "board", first, run_id=run1, now=T0)) == (3, 0, 0, 0)

    t1 = T0 + 2 * HOUR
    second = [make_posting("a", salary=(110_000, 130_000)), first[1], make_posting("d", title="Data Scientist")]
    result = upsert_postings(store, "board", second, run_id=run2, now=t1)
    assert counts(result) == (1, 1, 1, 0)
    assert result.categories == {"data-engineer"}
    assert close_missing(store, "board", ["a", "b", "d"], run_id=run2, now=t1) == 0

    stored = rows(store)
    # a rewritten (changed) and d inserted carry t1; b is unchanged and its last_seen lags (23 h slack)
    assert {key: row.last_seen for key, row in stored.items()} == {
        "board/a": t1,
        "board/b": T0,
        "board/c": T0,
        "board/d": t1,
    }
    assert stored["board/a"].annual_usd_mid == 120_000
    assert stored["board/a"].first_seen == T0
    assert stored["board/c"].missed_runs == 1
    assert stored["board/c"].closed_at is None
    old_salary = {"raw": "USD 100000 - 120000", "min": 100000, "max": 120000, "currency": "USD", "period": "year"}
    new_salary = {"raw": "USD 110000 - 130000", "min": 110000, "max": 130000, "currency": "USD", "period": "year"}
    assert changes(store) == [("a", "salary", old_salary, new_salary, t1, run2)]

    t2 = T0 + 4 * HOUR
    assert counts(upsert_postings(store, "board", second, run_id=run3, now=t2)) == (0, 0, 3, 0)
    assert close_missing(store, "board", ["a", "b", "d"], run_id=run3, now=t2) == 1
    stored = rows(store)
    assert stored["board/c"].closed_at == t2
    assert stored["board/c"].missed_runs == 2
    assert [row.closed_at for key, row in sorted(stored.items()) if key != "board/c"] == [None, None, None]
    assert changes(store)[-1] == ("c", "closed", None, t2.isoformat(), t2, run3)

    t3 = T0 + 6 * HOUR
    result = upsert_postings(store, "board", [*second, first[2]], run_id=run4, now=t3)
    assert counts(result) == (0, 0, 3, 1)
    assert close_missing(store, "board", ["a", "b", "c", "d"], run_id=run4, now=t3) == 0
    stored = rows(store)
    assert (stored["board/c"].closed_at, stored["board/c"].missed_runs, stored["board/c"].last_seen) == (None, 0, t3)
    assert changes(store)[-1] == ("c", "reopened", t2.isoformat(), None, t3, run4)
    assert len(changes(store)) == 3


def test_missed_runs_reset_when_seen_again(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a"), make_posting("b", title="X")], run_id=run_id, now=T0)
    close_missing(store, "board", ["a"], run_id=run_id, now=T0 + HOUR)
    assert rows(store)["board/b"].missed_runs == 1
    upsert_postings(store, "board", [make_posting("b", title="X")], run_id=run_id, now=T0 + 2 * HOUR)
    close_missing(store, "board", ["a", "b"], run_id=run_id, now=T0 + 2 * HOUR)
    assert (rows(store)["board/b"].missed_runs, rows(store)["board/b"].last_seen) == (0, T0 + 2 * HOUR)


@pytest.mark.parametrize(
    ("hours_later", "expected_last_seen_hours"),
    [(2, 0), (22, 0), (23, 23), (30, 30)],
    ids=["2h later: kept", "22h later: kept", "23h later: refreshed", "30h later: refreshed"],
)
def test_unchanged_last_seen_advances_past_the_slack(
    store: Engine,
    make_posting: MakePosting,
    new_run: Callable[..., int],
    rows: Rows,
    hours_later: int,
    expected_last_seen_hours: int,
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a")], run_id=run_id, now=T0)
    result = upsert_postings(store, "board", [make_posting("a")], run_id=run_id, now=T0 + hours_later * HOUR)
    assert counts(result) == (0, 0, 1, 0)
    assert rows(store)["board/a"].last_seen == T0 + expected_last_seen_hours * HOUR


@pytest.mark.parametrize(
    ("every_seconds", "slack_hours"),
    [(900, 2.875), (7200, 23), (86400, 12), (4 * 86400, 0)],
    ids=["every 15m", "every 2h", "every 1d", "every 4d"],
)
def test_last_seen_slack(every_seconds: int, slack_hours: float) -> None:
    assert last_seen_slack(every_seconds) == timedelta(hours=slack_hours)


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        ((60_000, 120_000), 90_000),
        ((None, 120_000), 120_000),
        ((80_000, None), 80_000),
        ((None, None), None),
        (None, None),
    ],
    ids=["60000-120000", "up to 120000", "from 80000", "no bounds", "no salary"],
)
def test_annual_usd_mid(
    make_posting: MakePosting, salary: tuple[float | None, float | None] | None, expected: float | None
) -> None:
    assert annual_usd_mid(make_posting("a", salary=salary).salary) == expected


def test_content_hash_ignores_timestamps_and_payload(make_posting: MakePosting) -> None:
    posting = make_posting("a", posted_at=T0, payload={"seen": 1})
    later = replace(posting, posted_at=T0 + 5 * HOUR, payload={"seen": 2})
    assert content_hash(posting_row(posting, T0)) == content_hash(posting_row(later, T0 + 2 * HOUR))
    next_day = replace(posting, posted_at=T0 + 24 * HOUR)
    assert content_hash(posting_row(posting, T0)) != content_hash(posting_row(next_day, T0))
    assert content_hash(posting_row(posting, T0)) != content_hash(posting_row(replace(posting, tags=("SQL",)), T0))


def test_batch_is_deduplicated_last_wins(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    batch = [make_posting("a", title="First"), make_posting("b"), make_posting("a", title="Second")]
    result = upsert_postings(store, "board", batch, run_id=new_run(store), now=T0)
    assert counts(result) == (2, 0, 0, 0)
    assert rows(store)["board/a"].title == "Second"


def test_tracked_fields_write_history(store: Engine, make_posting: MakePosting, new_run: Callable[..., int]) -> None:
    from models.enums import EmploymentType

    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a")], run_id=run_id, now=T0)
    changed = make_posting(
        "a",
        title="Senior Data Engineer",
        company="Acme Corp",
        location="Berlin",
        employment_types=(EmploymentType.CONTRACT,),
    )
    result = upsert_postings(store, "board", [changed], run_id=run_id, now=T0 + HOUR)
    assert counts(result) == (0, 1, 0, 0)
    found = {(field, str(old), str(new)) for _, field, old, new, _, _ in changes(store)}
    assert {field for field, _, _ in found} == {"title", "company", "location", "employment_types"}
    assert ("title", "Data Engineer", "Senior Data Engineer") in found
    assert ("employment_types", "['full-time']", "['contract']") in found


def test_untracked_change_rewrites_without_history(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a")], run_id=run_id, now=T0)
    result = upsert_postings(store, "board", [replace(make_posting("a"), tags=("SQL",))], run_id=run_id, now=T0 + HOUR)
    assert counts(result) == (0, 1, 0, 0)
    assert (rows(store)["board/a"].tags, rows(store)["board/a"].last_seen) == (["SQL"], T0 + HOUR)
    assert changes(store) == []


def test_flags_counted_and_stored(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    implausible = Flag("salary_implausible", "annual maximum 1.1 billion USD is beyond any real salary")
    stale = Flag("posted_long_ago", "posted over a year ago")
    batch = [make_posting("a", flags=(implausible, stale)), make_posting("b", flags=(stale,)), make_posting("c")]
    result = upsert_postings(store, "board", batch, run_id=new_run(store), now=T0)
    assert result.flagged_by_code == {"salary_implausible": 1, "posted_long_ago": 2}
    stored = rows(store)
    assert [(stored[f"board/{key}"].salary_flagged, stored[f"board/{key}"].flagged) for key in "abc"] == [
        (True, True),
        (False, True),
        (False, False),
    ]
    assert stored["board/a"].flags[0] == {"code": "salary_implausible", "message": implausible.message}


def test_control_characters_are_stripped(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    posting = make_posting("a", title="Data\x00 Engineer\x07", payload={"k\x00": ["v\x00"]})
    upsert_postings(store, "board", [posting], run_id=new_run(store), now=T0)
    stored = rows(store)["board/a"]
    assert (stored.title, stored.payload) == ("Data Engineer", {"k": ["v"]})


def test_lone_surrogates_are_stripped_on_both_backends(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    """A JSON "\\ud83d" escape leaves a lone surrogate: PostgreSQL's json type and UTF-8 refuse it, and it
    once failed a whole 500-posting batch. The text policy strips it from every stored string."""
    batch = [
        replace(make_posting("title"), title="Data Engineer \ud83d"),
        replace(make_posting("description"), description_html="<p>Build \ud83d pipelines</p>"),
        make_posting("payload", payload={"title": "Data \ud83d", "tags\udc00": ["\ud83d"]}),
        make_posting("clean"),
    ]
    result = upsert_postings(store, "board", batch, run_id=new_run(store), now=T0)
    stored = rows(store)
    assert result.new == 4
    assert stored["board/title"].title == "Data Engineer "
    assert stored["board/description"].description_html == "<p>Build  pipelines</p>"
    assert stored["board/payload"].payload == {"title": "Data ", "tags": [""]}


def _checksum(engine: Engine, exclude: set[str]) -> str:
    with engine.connect() as connection:
        postings = [
            tuple(row)
            for row in connection.execute(select(Posting).order_by(Posting.id))
            if f"{row.source}/{row.external_id}" not in exclude
        ]
        history = [tuple(row) for row in connection.execute(select(PostingChange).order_by(PostingChange.id))]
    return hashlib.sha256(repr((postings, history)).encode()).hexdigest()


def test_error_after_half_the_batches_keeps_earlier_ones_and_changes_nothing_else(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    """A fault of the database (not of a posting's values: here a trigger that refuses a title, as a failing
    constraint would) fails the whole batch, rolled back alone; nothing else changes."""
    run_id = new_run(store)
    before = [make_posting(f"old{i}", title=f"Role {i}") for i in range(6)]
    upsert_postings(store, "board", before, run_id=run_id, now=T0)
    upsert_postings(store, "other", [make_posting("x", source="other")], run_id=run_id, now=T0)
    batches = [
        [make_posting("old0", title="Role 0", salary=(1, 2)), make_posting("new1")],  # committed
        [make_posting("old1", title="Role 1", salary=(3, 4)), make_posting("new2")],  # committed
        [make_posting("old2", title="Role 2", salary=(5, 6)), make_posting("new3", title="boom")],  # fails
        [make_posting("old3", title="Role 3", salary=(7, 8)), make_posting("new4")],  # never reached
    ]
    committed = {"board/old0", "board/new1", "board/old1", "board/new2"}
    checksum = _checksum(store, exclude=committed)
    later = T0 + 2 * HOUR
    # PostgreSQL's COPY raises psycopg's own error; SQLAlchemy wraps what goes through it
    with refusing_title(store, "boom"), pytest.raises((DBAPIError, psycopg.Error), match="boom") as raised:
        for batch in batches:
            upsert_postings(store, "board", batch, run_id=run_id, now=later)
    assert not isinstance(raised.value, DataError | psycopg.DataError)
    stored = rows(store)
    assert {key for key in stored if stored[key].last_seen == later} == committed
    assert (stored["board/old0"].salary_min, stored["board/old1"].salary_min, stored["board/old2"].salary_min) == (
        1,
        3,
        100_000,
    )
    assert "board/new3" not in stored
    history = changes(store)
    assert [(external_id, field) for external_id, field, *_ in history] == [("old0", "salary"), ("old1", "salary")]
    with store.begin() as connection:  # the committed batches' own history is expected; remove it to compare the rest
        connection.execute(delete(PostingChange))
    assert _checksum(store, exclude=committed) == checksum


def _duplicate_of(engine: Engine) -> dict[str, str | None]:
    with engine.connect() as connection:
        found = connection.execute(select(Posting.id, Posting.source, Posting.external_id, Posting.duplicate_of)).all()
    names = {row.id: f"{row.source}/{row.external_id}" for row in found}
    return {names[row.id]: names.get(row.duplicate_of) if row.duplicate_of else None for row in found}


def test_cross_source_dedup_points_to_the_oldest_open_and_repoints_on_close(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int]
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("x"), make_posting("same-source")], run_id=run_id, now=T0)
    upsert_postings(
        store,
        "other",
        [make_posting("y", source="other", apply_url="https://acme.example/apply/1")],
        run_id=run_id,
        now=T0 + HOUR,
    )
    upsert_postings(
        store,
        "third",
        [make_posting("z", source="third", title="Data Eng.", apply_url="https://acme.example/apply/1")],
        run_id=run_id,
        now=T0 + 2 * HOUR,
    )
    # board/same-source shares x's fingerprint; linked through y it is the same job too
    assert _duplicate_of(store) == {
        "board/x": None,
        "board/same-source": "board/x",
        "other/y": "board/x",
        "third/z": "board/x",
    }

    assert close_missing(store, "board", [], run_id=run_id, now=T0 + 3 * HOUR, misses_to_close=1) == 2
    assert _duplicate_of(store) == {"board/x": None, "board/same-source": None, "other/y": None, "third/z": "other/y"}

    # the representative's apply URL changes: z is alone again
    upsert_postings(store, "other", [make_posting("y", source="other")], run_id=run_id, now=T0 + 4 * HOUR)
    assert _duplicate_of(store)["third/z"] is None

    # x reopens: it is the oldest open posting of its group again
    upsert_postings(store, "board", [make_posting("x")], run_id=run_id, now=T0 + 5 * HOUR)
    assert _duplicate_of(store) == {"board/x": None, "board/same-source": None, "other/y": "board/x", "third/z": None}


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"source": "board"}, {"source": "board", "title": "Data Engineer"}),
        ({"source": "board", "company": None}, {"source": "other", "company": None}),
    ],
    ids=["same source, same fingerprint", "no company on either"],
)
def test_not_duplicates(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], first: dict[str, Any], second: dict[str, Any]
) -> None:
    run_id = new_run(store)
    upsert_postings(store, first["source"], [make_posting("one", **first)], run_id=run_id, now=T0)
    upsert_postings(store, second["source"], [make_posting("two", **second)], run_id=run_id, now=T0 + HOUR)
    assert set(_duplicate_of(store).values()) == {None}


def test_close_missing_refuses_a_zero_threshold(store: Engine, new_run: Callable[..., int]) -> None:
    with pytest.raises(ValueError, match="misses_to_close"):
        close_missing(store, "board", [], run_id=new_run(store), now=T0, misses_to_close=0)


def test_naive_now_is_refused(store: Engine, make_posting: MakePosting, new_run: Callable[..., int]) -> None:
    with pytest.raises(ValueError, match="naive"):
        upsert_postings(store, "board", [make_posting("a")], run_id=new_run(store), now=datetime(2026, 12, 1))


def test_outlier_flag_survives_a_rewrite_that_keeps_the_salary(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    run_id = new_run(store)
    upsert_postings(store, "board", [make_posting("a"), make_posting("b", title="Other")], run_id=run_id, now=T0)
    outlier = {"code": "salary_outlier", "message": "far from the category median"}
    with store.begin() as connection:
        connection.execute(update(Posting).values(flags=[outlier], salary_flagged=True, flagged=True))
    upsert_postings(
        store,
        "board",
        [make_posting("a", title="Renamed"), make_posting("b", title="Other", salary=(1, 2))],
        run_id=run_id,
        now=T0 + HOUR,
    )
    stored = rows(store)
    assert (stored["board/a"].flags, stored["board/a"].salary_flagged) == ([outlier], True)
    assert (stored["board/b"].flags, stored["board/b"].salary_flagged, stored["board/b"].flagged) == ([], False, False)


def test_salary_origin_is_stored_and_a_change_of_it_rewrites_the_row(
    store: Engine, make_posting: MakePosting, new_run: Callable[..., int], rows: Rows
) -> None:
    posting = make_posting("a")
    assert posting.salary is not None
    read_in_text = replace(posting, salary=replace(posting.salary, origin=SalaryOrigin.TEXT))
    upsert_postings(store, "board", [read_in_text], run_id=new_run(store), now=T0)
    assert rows(store)["board/a"].salary_origin == "text"
    stated = replace(posting, salary=replace(posting.salary, origin=SalaryOrigin.STRUCTURED))
    upsert_postings(store, "board", [stated], run_id=new_run(store), now=T0 + HOUR)
    assert rows(store)["board/a"].salary_origin == "structured"
