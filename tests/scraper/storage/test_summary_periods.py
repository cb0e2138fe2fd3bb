"""Salary periods (scraper.storage.summary_periods): after every upkeep, each cell's sorted salaries per posted
week and block of weeks equal a recomputation from every posting, one by one, on both backends: ties, single
values, bin edges, new postings, closes, a category move, salary changes, a posted_at change alone (no summary
moves), and posted times at a week's (and a block's) first instant and just before it."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from models.enums import RemoteMode, Seniority
from models.records import Flag, Location, NormalizedPosting
from models.salary_periods import BLOCK_WEEKS, block_start
from models.salary_stats import bucket_start, cells_of
from models.sorted_union import unpack_values
from models.tables import Posting, SalaryPeriod, SalaryPeriodDirty, SummaryDirty
from scraper.storage.postings import close_missing, upsert_postings
from scraper.storage.summaries import dirty_categories, refresh_summaries
from tests.scraper.storage.conftest import T0, make_posting, new_run

FLAGGED = Flag("salary_implausible", "annual maximum is beyond any real salary")
# ties, bin edges (60,000 starts a bin), one value above the histogram's top, two close neighbours
SALARIES = (60_000.0, 60_000.0, 59_999.99, 80_000.0, 80_000.0, 123_456.78, 123_456.79, 2_500_000.0)
COUNTRIES: tuple[tuple[str, ...], ...] = ((), ("US",), ("GB", "US"), ("DE",))
MONDAY = datetime(2026, 11, 23, tzinfo=UTC)  # a week's (and a block's) first instant
POSTED = (
    None,
    MONDAY,
    MONDAY - timedelta(microseconds=1),
    MONDAY - timedelta(days=9, hours=5),
    MONDAY + timedelta(days=3),
)
CATEGORIES = ("data-engineer", "data-scientist", "data-analyst")

Periods = dict[tuple[str, str, str, str, int, date], tuple[list[float], list[float]]]


def posting(n: int, rng: random.Random, category: str) -> NormalizedPosting:
    value = rng.choice(SALARIES) if rng.random() < 0.5 else float(rng.randrange(30, 300) * 1000)
    base = make_posting(
        f"p{n}",
        category=category,
        salary=(value, value),
        flags=(FLAGGED,) if rng.random() < 0.15 else (),
        posted_at=rng.choice(POSTED),
    )
    location = Location(raw="x", remote=rng.choice((*RemoteMode, None)), countries=rng.choice(COUNTRIES))
    return replace(base, location=location, seniority=rng.choice((Seniority.JUNIOR, Seniority.SENIOR, None)))


def recomputed(engine: Engine) -> Periods:
    """Each (category, cell, span)'s unflagged and flagged salaries, from every posting one by one."""
    with engine.connect() as connection:
        rows: list[Any] = list(connection.execute(select(Posting)))
    found: Periods = defaultdict(lambda: ([], []))
    for row in rows:
        if row.annual_usd_mid is None or row.duplicate_of is not None or row.closed_at is not None:
            continue
        week = bucket_start(row.posted_at or row.first_seen, "week")
        for cell in cells_of(row.seniority, row.remote, row.countries):
            for span in ((1, week), (BLOCK_WEEKS, block_start(week))):
                found[(row.category, *cell, *span)][1 if row.salary_flagged else 0].append(row.annual_usd_mid)
    return {key: (sorted(clean), sorted(bad)) for key, (clean, bad) in found.items()}


def stored(engine: Engine) -> Periods:
    with engine.connect() as connection:
        rows: list[Any] = list(connection.execute(select(SalaryPeriod)))
    return {
        (r.category, r.seniority, r.country, r.remote, r.weeks, r.start): (
            unpack_values(r.clean).tolist(),
            unpack_values(r.flagged).tolist(),
        )
        for r in rows
    }


def test_an_upkeep_keeps_each_weeks_cells_as_a_recomputation_from_every_row(store: Engine) -> None:
    rng = random.Random(8)
    # data-analyst: a single salary: cells of one value
    first = [posting(n, rng, CATEGORIES[n % 2]) for n in range(120)] + [posting(999, rng, "data-analyst")]
    start = T0 - timedelta(days=30)
    upsert_postings(store, "board", first, run_id=new_run(store), now=start)
    refresh_summaries(store, now=start)
    assert stored(store) == recomputed(store)
    assert any(span == (1, MONDAY.date()) for *_, span in [(key[:4], key[4:]) for key in stored(store)])
    assert any(
        span == (1, (MONDAY - timedelta(days=7)).date()) for *_, span in [(key[:4], key[4:]) for key in stored(store)]
    )
    assert block_start(MONDAY.date()) != block_start((MONDAY - timedelta(days=7)).date())  # and two blocks

    # new postings, changed salaries, a move to data-analyst, a posted_at moved across a week's start, closes
    later = start + timedelta(days=16)
    second = [*first[20:], *(posting(n, rng, CATEGORIES[n % 3]) for n in range(200, 240))]
    second[0] = replace(second[0], category="data-analyst")
    second[1] = replace(second[1], posted_at=MONDAY if second[1].posted_at != MONDAY else MONDAY - timedelta(days=1))
    for n in range(5, 40, 4):
        second[n] = replace(second[n], salary=posting(n, rng, "x").salary, flags=())
    upsert_postings(store, "board", second, run_id=new_run(store), now=later - timedelta(days=2))
    close_missing(store, "board", [p.external_id for p in second], run_id=new_run(store), now=later, misses_to_close=1)
    assert dirty_categories(store) == set(CATEGORIES)
    refresh_summaries(store, now=later)
    assert stored(store) == recomputed(store)

    # a posted_at change alone: no summary changes, its two weeks do
    with store.begin() as connection:
        connection.execute(
            update(Posting).where(Posting.external_id == "p60").values(posted_at=MONDAY - timedelta(days=40))
        )
        assert not list(connection.scalars(select(SummaryDirty.id)))
        assert list(connection.scalars(select(SalaryPeriodDirty.category))) == ["data-engineer"] * 2
    assert refresh_summaries(store, now=later) == ["data-engineer"]
    assert stored(store) == recomputed(store)

    incremental = stored(store)
    refresh_summaries(store, CATEGORIES, now=later)  # every category from its rows
    assert stored(store) == incremental
