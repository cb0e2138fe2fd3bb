"""/api/v1/salaries with `since` (computed live, not from the summaries): statistics and breakdowns over the
open postings posted since then equal a computation from scratch, to the last bit, on both backends."""

from __future__ import annotations

import itertools
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api import queries
from models.salary_stats import describe
from models.tables import Posting
from models.taxonomy import Category
from tests.api.conftest import BASE_TIME, add_posting

CATEGORIES = [Category("data-engineer", "Data Engineer"), Category("data-scientist", "Data Scientist")]
SINCES = (
    datetime(2026, 10, 1, tzinfo=UTC),
    datetime(2026, 11, 10, tzinfo=UTC),
    datetime(2026, 11, 15, 13, 30, tzinfo=UTC),  # not a day's start
)


def seed(db: Engine) -> None:
    rng = random.Random(21)
    for n in range(120):
        posted = BASE_TIME - timedelta(days=rng.randrange(0, 90), hours=rng.randrange(24))
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


def test_statistics_and_breakdowns_since_a_time_equal_a_computation_from_scratch(db: Engine) -> None:
    seed(db)
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
