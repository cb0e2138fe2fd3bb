"""A run that changes postings first seen months ago (salary changes, a flag, a salary gone, closes, a close dated in
the past, a reopen, a category move), with first_seen and closed_at on bucket boundaries and a microsecond
before them: the history the upkeep writes from the change on equals, to the last bit, the history computed from
every row (models.salary_stats) and the API's live history, on both backends."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from api import queries
from models.enums import RemoteMode, Seniority
from models.records import Flag, Location, NormalizedPosting
from models.salary_stats import Bucket, SalaryRow, bucket_starts, salary_history_points
from models.tables import SALARY_ROW_COLUMNS, Posting, SalaryHistoryPoint, SummaryDirty
from scraper.storage.postings import upsert_postings
from scraper.storage.summaries import RECENT, refresh_summaries
from tests.scraper.storage.conftest import make_posting, new_run

FLAGGED = Flag("salary_implausible", "annual maximum is beyond any real salary")
CATEGORIES = ("data-engineer", "data-scientist", "data-analyst")
# ties and a value far above the rest
SALARIES = (60_000.0, 60_000.0, 80_000.0, 80_000.0, 80_000.0, 123_456.78, 2_500_000.0)
MICROSECOND = timedelta(microseconds=1)
JUNE = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday: a week's and a month's first moment
JULY = datetime(2026, 7, 1, tzinfo=UTC)  # a Wednesday: a month's alone
AUGUST_WEEK = datetime(2026, 8, 3, tzinfo=UTC)  # a Monday
# when each batch of postings was first seen: boundaries, a microsecond before them, and times between
MOMENTS = (
    datetime(2026, 5, 13, 15, tzinfo=UTC),
    JUNE - MICROSECOND,
    JUNE,
    datetime(2026, 6, 8, tzinfo=UTC),
    JULY - MICROSECOND,
    JULY,
    AUGUST_WEEK,
    datetime(2026, 9, 17, 8, tzinfo=UTC),
    datetime(2026, 10, 20, 12, tzinfo=UTC),
    datetime(2026, 11, 25, 9, tzinfo=UTC),
)
FIRST_UPKEEP = datetime(2026, 11, 26, 10, tzinfo=UTC)
RUN = datetime(2026, 12, 1, 10, tzinfo=UTC)


def posting(external_id: str, rng: random.Random, category: str) -> NormalizedPosting:
    value = rng.choice(SALARIES) if rng.random() < 0.5 else float(rng.randrange(30, 300) * 1000)
    base = make_posting(
        external_id, category=category, salary=(value, value), flags=(FLAGGED,) if rng.random() < 0.15 else ()
    )
    location = Location(raw="x", remote=rng.choice((*RemoteMode, None)), countries=rng.choice(((), ("US",))))
    return replace(base, location=location, seniority=rng.choice((Seniority.JUNIOR, Seniority.SENIOR, None)))


def stored_history(engine: Engine, category: str, bucket: Bucket, include_flagged: bool) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        found = connection.execute(
            select(
                SalaryHistoryPoint.start,
                SalaryHistoryPoint.count,
                SalaryHistoryPoint.p25,
                SalaryHistoryPoint.p50,
                SalaryHistoryPoint.p75,
            )
            .where(
                SalaryHistoryPoint.category == category,
                SalaryHistoryPoint.bucket == bucket,
                SalaryHistoryPoint.include_flagged.is_(include_flagged),
            )
            .order_by(SalaryHistoryPoint.start)
        )
        return [tuple(row) for row in found]


def assert_history_exact(engine: Engine, now: datetime) -> None:
    """Every stored point of every category equals the one computed from all its salaried rows, and the API
    serves from the summaries what it computes live (PostgreSQL: percentile_cont over the postings)."""
    for category in CATEGORIES:
        with engine.connect() as connection:
            typed: Any = connection.execute(
                select(*SALARY_ROW_COLUMNS)
                .where(
                    Posting.category == category,
                    Posting.annual_usd_mid.is_not(None),
                    Posting.duplicate_of.is_(None),
                )
                .order_by(Posting.first_seen)
            )
            rows = [SalaryRow(*row) for row in typed]
        if not rows:
            assert not stored_history(engine, category, "week", True)
            continue
        for bucket, include_flagged in itertools.product(("week", "month"), (False, True)):
            starts = bucket_starts(rows[0].first_seen.date(), now.date(), bucket)  # type: ignore[arg-type]
            kept = [row for row in rows if include_flagged or not row.salary_flagged]
            expected = [
                (point.start, point.postings, *(point.quartiles or (None, None, None)))
                for point in salary_history_points(kept, starts, bucket)  # type: ignore[arg-type]
            ]
            assert stored_history(engine, category, bucket, include_flagged) == expected, (category, bucket)  # type: ignore[arg-type]
            with Session(engine) as session:
                summary = queries.salary_history(session, category, starts, bucket, include_flagged=include_flagged)  # type: ignore[arg-type]
                live = queries.live_salary_history(session, category, starts, bucket, include_flagged=include_flagged)  # type: ignore[arg-type]
            assert [p.model_dump() for p in summary] == [p.model_dump() for p in live], (category, bucket)


def earliest_mark(engine: Engine) -> datetime:
    with engine.connect() as connection:
        earliest: datetime = connection.scalar(select(func.min(SummaryDirty.since)))
    return earliest


def test_a_change_to_postings_first_seen_months_ago_rewrites_the_history_since_exactly(store: Engine) -> None:
    rng = random.Random(11)
    listed: dict[str, NormalizedPosting] = {}
    for batch, moment in enumerate(MOMENTS):
        postings = [posting(f"p{batch}-{n}", rng, CATEGORIES[n % 2]) for n in range(8)]
        upsert_postings(store, "board", postings, run_id=new_run(store), now=moment)
        listed |= {p.external_id: p for p in postings}
    with store.begin() as connection:  # closed on a boundary and a microsecond before one
        for external_id, closed_at in (("p0-0", JULY), ("p0-1", JULY - MICROSECOND), ("p3-2", AUGUST_WEEK)):
            connection.execute(update(Posting).where(Posting.external_id == external_id).values(closed_at=closed_at))
    refresh_summaries(store, now=FIRST_UPKEEP)
    assert_history_exact(store, FIRST_UPKEEP)

    # The run: it lists again postings first seen months ago, changed, and reopens one closed a microsecond
    # before July; then two are closed, one of them as of a past week's first moment.
    changed = [
        replace(listed["p2-0"], salary=posting("x", rng, "x").salary),  # first seen on June's first moment
        replace(listed["p1-2"], salary=posting("y", rng, "y").salary),  # a microsecond before it
        replace(listed["p5-1"], category="data-analyst"),  # moved, first seen on July's first moment
        replace(listed["p4-3"], flags=(FLAGGED,)),  # now flagged
        replace(listed["p3-4"], salary=None),  # its salary gone
        listed["p0-1"],  # reopened
    ]
    upsert_postings(store, "board", changed, run_id=new_run(store), now=RUN)
    with store.begin() as connection:
        connection.execute(update(Posting).where(Posting.external_id == "p0-3").values(closed_at=RUN))
        connection.execute(update(Posting).where(Posting.external_id == "p1-4").values(closed_at=AUGUST_WEEK))
    assert earliest_mark(store) < RUN - RECENT  # the history is recomputed from months back
    refresh_summaries(store, now=RUN)
    assert_history_exact(store, RUN)

    # a close dated on a week's first moment alone: the buckets from that one on
    with store.begin() as connection:
        connection.execute(update(Posting).where(Posting.external_id == "p6-0").values(closed_at=AUGUST_WEEK))
    assert earliest_mark(store) == AUGUST_WEEK
    refresh_summaries(store, now=RUN + timedelta(hours=1))
    assert_history_exact(store, RUN + timedelta(hours=1))

    # and a recomputation of everything writes the same
    before = {c: stored_history(store, c, "week", True) for c in CATEGORIES}
    refresh_summaries(store, CATEGORIES, now=RUN + timedelta(hours=1))
    assert {c: stored_history(store, c, "week", True) for c in CATEGORIES} == before
