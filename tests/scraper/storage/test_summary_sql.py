"""PostgreSQL's share of the upkeep (scraper.storage.summary_sql) gives the very numbers of the Python statistic:
percentile_cont interpolates alike to the last bit, and a recent upkeep (groups and percentile_cont from the
database) writes what a recomputation from every row writes, ties, single values and bin edges included."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.orm import Session

from api import queries
from models.enums import RemoteMode, Seniority
from models.records import Flag, Location, NormalizedPosting
from models.salary_stats import QUANTILES, percentile_cont
from models.tables import Posting, SalaryHistoryPoint, SalarySummary
from models.taxonomy import Category
from scraper.storage.postings import close_missing, upsert_postings
from scraper.storage.summaries import dirty_categories, refresh_summaries
from tests.scraper.storage.conftest import T0, make_posting, new_run

FLAGGED = Flag("salary_implausible", "annual maximum is beyond any real salary")
# ties, bin edges (60,000 starts a bin), one value above the histogram's top, two close neighbours
SALARIES = (60_000.0, 60_000.0, 59_999.99, 80_000.0, 80_000.0, 80_000.0, 123_456.78, 123_456.79, 2_500_000.0)
COUNTRIES: tuple[tuple[str, ...], ...] = ((), ("US",), ("GB", "US"), ("DE",))


@pytest.mark.postgres
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 10, 101])
def test_percentile_cont_is_postgresqls_to_the_last_bit(pg_engine: Engine, size: int) -> None:
    rng = random.Random(size)
    values = sorted(rng.choice((rng.uniform(1e4, 5e5), 80_000.0, 1 / 3)) for _ in range(size))
    values[-1] = float("inf") if size % 2 else values[-1]  # no interpolation towards an infinite neighbour
    fractions = [*QUANTILES, 0.0, 1.0, 0.3, 2 / 3]
    with pg_engine.connect() as connection:
        found = connection.scalar(
            text("SELECT percentile_cont(CAST(:f AS float8[])) WITHIN GROUP (ORDER BY v) FROM unnest(:v) AS v"),
            {"f": fractions, "v": values},
        )
    assert found == [percentile_cont(values, q) for q in fractions]


def posting(n: int, rng: random.Random, category: str) -> NormalizedPosting:
    value = rng.choice(SALARIES) if rng.random() < 0.5 else float(rng.randrange(30, 300) * 1000)
    base = make_posting(
        f"p{n}", category=category, salary=(value, value), flags=(FLAGGED,) if rng.random() < 0.15 else ()
    )
    location = Location(raw="x", remote=rng.choice((*RemoteMode, None)), countries=rng.choice(COUNTRIES))
    return replace(base, location=location, seniority=rng.choice((Seniority.JUNIOR, Seniority.SENIOR, None)))


def stored(engine: Engine) -> tuple[list[Any], list[Any]]:
    """Every summary cell and history point, as plain tuples in key order."""
    with Session(engine) as session:
        cells = [
            tuple(getattr(row, c.name) for c in SalarySummary.__table__.columns)
            for row in session.scalars(select(SalarySummary).order_by(*SalarySummary.__table__.primary_key))
        ]
        points = [
            tuple(getattr(row, c.name) for c in SalaryHistoryPoint.__table__.columns)
            for row in session.scalars(select(SalaryHistoryPoint).order_by(*SalaryHistoryPoint.__table__.primary_key))
        ]
    return cells, points


def test_a_recent_upkeep_writes_what_a_recomputation_from_every_row_writes(store: Engine) -> None:
    rng = random.Random(3)
    categories = ("data-engineer", "data-scientist", "data-analyst")
    # data-analyst: a single salary, then two: groups below the quantiles' minimum and single-value cells
    first = [posting(n, rng, categories[n % 2]) for n in range(120)] + [posting(999, rng, "data-analyst")]
    start = T0 - timedelta(days=30)
    upsert_postings(store, "board", first, run_id=new_run(store), now=start)
    refresh_summaries(store, now=start)

    # 16 days later (buckets before the latest posting, and the current ones): new postings, changed salaries,
    # a move to data-analyst, and postings closed
    later = start + timedelta(days=16)
    second = [*first[20:], *(posting(n, rng, categories[n % 3]) for n in range(200, 240))]
    second[0] = replace(second[0], category="data-analyst")
    for n in range(5, 40, 4):
        second[n] = replace(second[n], salary=posting(n, rng, "x").salary, flags=())
    upsert_postings(store, "board", second, run_id=new_run(store), now=later - timedelta(days=2))
    close_missing(
        store,
        "board",
        [p.external_id for p in second],
        run_id=new_run(store),
        now=later - timedelta(days=2),
        misses_to_close=1,
    )
    with store.begin() as connection:  # one more posting closes today, inside the current buckets
        connection.execute(update(Posting).where(Posting.external_id == "p50").values(closed_at=later))
    assert dirty_categories(store) == set(categories)
    refresh_summaries(store, now=later)
    recent = stored(store)

    refresh_summaries(store, categories, now=later)  # every category from its rows
    assert stored(store) == recent  # exactly: no rounding

    # and the statistic served is the live one (PostgreSQL: percentile_cont over the postings) to the last bit
    slugs = [Category(slug, slug) for slug in categories]
    with Session(store) as session:
        for flagged in (False, True):
            scope = queries.SalaryScope(include_flagged=flagged)
            summary = [s.model_dump() for s in queries.salary_stats(session, scope, slugs)]
            assert summary == [s.model_dump() for s in queries.live_salary_stats(session, scope, slugs)]
