"""/api/v1/salaries with `since`: statistics and breakdowns over the open postings posted since then equal a
computation from scratch, to the last bit, on both backends: computed live (a category without summaries) and
from the salary periods the upkeep keeps (weeks after `since`, the days before them live), also after changes."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from api import queries
from models.salary_stats import describe
from models.tables import Posting
from models.taxonomy import Category
from scraper.storage.summaries import refresh_summaries
from tests.api.conftest import BASE_TIME, add_posting

CATEGORIES = [Category("data-engineer", "Data Engineer"), Category("data-scientist", "Data Scientist")]
MONDAY = datetime(2026, 11, 16, tzinfo=UTC)  # a week's first instant
SINCES = (
    datetime(2026, 10, 1, tzinfo=UTC),
    datetime(2026, 11, 10, tzinfo=UTC),
    datetime(2026, 11, 15, 13, 30, tzinfo=UTC),  # not a day's start
    MONDAY,
    datetime(2026, 10, 26, tzinfo=UTC),  # a block's first instant (models.salary_periods)
)


def seed(db: Engine) -> None:
    rng = random.Random(21)
    for n in range(120):
        posted = BASE_TIME - timedelta(days=rng.randrange(0, 90), hours=rng.randrange(24))
        posted = rng.choice((posted, posted, MONDAY, MONDAY - timedelta(microseconds=1)))
        fields: dict[str, Any] = {
            "category": CATEGORIES[n % 2].slug,
            "annual_usd_mid": rng.choice((60_000.0, 80_000.0, 123_456.78, float(rng.randrange(30, 300) * 1000))),
            "seniority": rng.choice(("junior", "senior", None)),
            "remote": rng.choice(("remote", "hybrid", None)),
            "countries": rng.choice(([], ["US"], ["GB", "US"], ["DE"])),
            "posted_at": posted if rng.random() < 0.6 else None,
            "first_seen": posted + timedelta(days=rng.randrange(0, 5)),
            "closed_at": BASE_TIME if rng.random() < 0.1 else None,
        }
        if rng.random() < 0.15:
            fields |= {"salary_flagged": True, "flags": [{"code": "salary_implausible", "message": "beyond"}]}
        add_posting(db, **fields)


def from_scratch(db: Engine, scope: queries.SalaryScope, group_by: str) -> dict[tuple[str, Any], dict[str, Any]]:
    """Each group's statistic by brute force over the postings, one group at a time."""
    with db.connect() as connection:
        rows = connection.execute(select(Posting).where(Posting.closed_at.is_(None))).all()
    assert scope.since is not None
    rows = [r for r in rows if (r.posted_at or r.first_seen) >= scope.since and (scope.remote in (None, r.remote))]
    rows = [r for r in rows if scope.country is None or scope.country in r.countries]
    out = {}
    for category in CATEGORIES:

        def keys(row: Any) -> list[Any]:
            return (list(row.countries) or [None]) if group_by == "country" else [getattr(row, group_by)]

        members = [r for r in rows if r.category == category.slug]
        for group in {k for r in members for k in keys(r)}:
            if group_by == "country" and scope.country is not None and group != scope.country:
                continue
            grouped = [r for r in members if group in keys(r)]
            kept = sorted(r.annual_usd_mid for r in grouped if scope.include_flagged or not r.salary_flagged)
            excluded = 0 if scope.include_flagged else sum(1 for r in grouped if r.salary_flagged)
            out[(category.slug, group)] = queries.salaries.stats_out(
                category.slug, describe(kept, excluded)
            ).model_dump()
    return out


def assert_as_from_scratch(db: Engine) -> None:
    with Session(db) as session:
        for since, remote, country, flagged in itertools.product(SINCES, (None, "remote"), (None, "US"), (False, True)):
            scope = queries.SalaryScope(since=since, remote=remote, country=country, include_flagged=flagged)
            stats = [s.model_dump() for s in queries.salary_stats(session, scope, CATEGORIES)]
            assert stats == [s.model_dump() for s in queries.live_salary_stats(session, scope, CATEGORIES)], scope
            assert remote or country or since != SINCES[0] or all(s["count"] >= 5 for s in stats)  # quantiles too
            for group_by in ("seniority", "country", "remote"):
                found = {
                    (s.category, s.group): s.model_dump(exclude={"group", "group_by"})
                    for s in queries.salary_breakdown(session, scope, CATEGORIES, group_by)  # type: ignore[arg-type]
                }
                assert found == from_scratch(db, scope, group_by), (scope, group_by)


@pytest.mark.parametrize("kept", [False, True], ids=["live", "periods"])
def test_statistics_and_breakdowns_since_a_time_equal_a_computation_from_scratch(db: Engine, kept: bool) -> None:
    seed(db)
    if kept:
        assert set(refresh_summaries(db)) == {c.slug for c in CATEGORIES}
    assert_as_from_scratch(db)


def test_salary_periods_show_changes_once_the_upkeep_has_run(db: Engine) -> None:
    seed(db)
    refresh_summaries(db)
    since = queries.SalaryScope(since=SINCES[0])
    with Session(db) as session:
        before = [s.model_dump() for s in queries.salary_stats(session, since, CATEGORIES)]
    # closes, a move to the other category, salary changes, a posted_at moved across a week's start
    with db.begin() as connection:
        ids = list(connection.scalars(select(Posting.id).order_by(Posting.id)))
        connection.execute(update(Posting).where(Posting.id.in_(ids[:6])).values(closed_at=BASE_TIME))
        connection.execute(update(Posting).where(Posting.id == ids[7]).values(category="data-scientist"))
        connection.execute(update(Posting).where(Posting.id == ids[8]).values(category="data-engineer"))
        connection.execute(update(Posting).where(Posting.id.in_(ids[10:20:3])).values(annual_usd_mid=80_000.0))
        connection.execute(update(Posting).where(Posting.id == ids[21]).values(posted_at=MONDAY))
        connection.execute(
            update(Posting).where(Posting.id == ids[22]).values(posted_at=MONDAY - timedelta(microseconds=1))
        )
    add_posting(db, category="data-engineer", annual_usd_mid=123_456.78, posted_at=MONDAY, first_seen=BASE_TIME)
    with Session(db) as session:  # served from the periods: as they were until the upkeep runs
        assert [s.model_dump() for s in queries.salary_stats(session, since, CATEGORIES)] == before
    refresh_summaries(db)
    assert_as_from_scratch(db)
