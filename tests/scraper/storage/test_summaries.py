"""Salary summaries: after runs that add, change and close postings, every statistic, breakdown and history
read from the summaries equals a computation from scratch over the postings; the triggers mark only what
matters; the pipeline keeps them up to date."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from api import queries
from models.enums import RemoteMode, Seniority
from models.records import Flag, Location, NormalizedPosting
from models.salary_stats import bucket_start, bucket_starts, cells_of, describe
from models.tables import Posting, SalaryHistoryPoint, SalarySummary, SummaryDirty, SummaryState
from models.taxonomy import Category
from scraper.storage.postings import close_missing, upsert_postings
from scraper.storage.summaries import SummaryUpkeep, dirty_categories, refresh_summaries
from tests.scraper.storage.conftest import T0, make_posting, new_run

CATEGORIES = [Category("data-engineer", "Data Engineer"), Category("data-scientist", "Data Scientist")]
COUNTRY_SETS: tuple[tuple[str, ...], ...] = ((), ("US",), ("DE",), ("US", "GB"), ("GB", "DE", "US"))
REMOTES = (RemoteMode.REMOTE, RemoteMode.HYBRID, RemoteMode.ONSITE, None)
SENIORITIES = (Seniority.JUNIOR, Seniority.MID, Seniority.SENIOR, None)
IMPLAUSIBLE = Flag("salary_implausible", "annual maximum is beyond any real salary")


def varied(n: int, rng: random.Random, *, category: str | None = None) -> NormalizedPosting:
    low = rng.randrange(30, 300) * 1000.0
    base = make_posting(
        f"p{n}",
        category=category or rng.choice(CATEGORIES).slug,
        salary=(low, low + rng.randrange(0, 60) * 1000.0) if rng.random() < 0.9 else None,
        flags=(IMPLAUSIBLE,) if rng.random() < 0.1 else (),
    )
    location = Location(raw="somewhere", remote=rng.choice(REMOTES), countries=rng.choice(COUNTRY_SETS))
    return replace(base, location=location, seniority=rng.choice(SENIORITIES))


def scopes() -> list[queries.SalaryScope]:
    return [
        queries.SalaryScope(remote=remote, country=country, include_flagged=flagged)
        for remote, country, flagged in itertools.product(
            (None, "remote", "hybrid", "onsite"), (None, "US", "de", "FR"), (False, True)
        )
    ]


def from_scratch_breakdown(engine: Engine, scope: queries.SalaryScope, group_by: str) -> list[tuple[Any, ...]]:
    """Each group's statistic by brute force: filter the open postings in Python, one group at a time."""
    with engine.connect() as connection:
        found = connection.execute(
            select(Posting).where(
                Posting.closed_at.is_(None), Posting.duplicate_of.is_(None), Posting.annual_usd_mid.is_not(None)
            )
        ).all()
    out = []
    for category in CATEGORIES:
        rows = [r for r in found if r.category == category.slug]
        rows = [r for r in rows if scope.remote is None or r.remote == scope.remote]
        rows = [r for r in rows if scope.country is None or scope.country.upper() in r.countries]

        def keys(row: Any) -> list[str | None]:
            if group_by == "country":
                return list(row.countries) or [None]
            return [getattr(row, group_by)]

        groups = sorted({k for r in rows for k in keys(r)}, key=lambda k: (k is None, str(k)))
        if group_by == "country" and scope.country is not None:
            groups = [g for g in groups if g == scope.country.upper()]
        for group in groups:
            members = [r for r in rows if group in keys(r)]
            kept = [r.annual_usd_mid for r in members if scope.include_flagged or not r.salary_flagged]
            excluded = 0 if scope.include_flagged else sum(1 for r in members if r.salary_flagged)
            stats = queries.salaries.stats_out(category.slug, describe(sorted(kept), excluded))
            out.append((category.slug, group, stats.model_dump()))
    return out


def assert_summaries_equal_scratch(engine: Engine, today: date) -> None:
    with Session(engine) as session:
        assert set(queries.summarized(session, [c.slug for c in CATEGORIES])) == {c.slug for c in CATEGORIES}
        for scope in scopes():
            summary = [s.model_dump() for s in queries.salary_stats(session, scope, CATEGORIES)]
            scratch = [s.model_dump() for s in queries.live_salary_stats(session, scope, CATEGORIES)]
            assert summary == scratch, scope  # to the last bit
            for group_by in ("seniority", "country", "remote"):
                got = {
                    (s.category, s.group): s.model_dump(exclude={"group", "group_by"})
                    for s in queries.salary_breakdown(session, scope, CATEGORIES, group_by)  # type: ignore[arg-type]
                }
                scratch_groups = {(c, g): stats for c, g, stats in from_scratch_breakdown(engine, scope, group_by)}
                assert got.keys() == scratch_groups.keys()
                assert list(got.items()) == [(k, got and scratch_groups[k]) for k in got], (
                    scope,
                    group_by,
                )
        for category, bucket, flagged in itertools.product(CATEGORIES, ("week", "month"), (False, True)):
            # from before the first posting to weeks after the summaries were computed
            starts = bucket_starts(today - timedelta(days=120), today + timedelta(days=70), bucket)  # type: ignore[arg-type]
            summary = queries.salary_history(session, category.slug, starts, bucket, include_flagged=flagged)  # type: ignore[arg-type]
            scratch = queries.live_salary_history(session, category.slug, starts, bucket, include_flagged=flagged)  # type: ignore[arg-type]
            assert [p.model_dump() for p in summary] == [p.model_dump() for p in scratch]


def test_summaries_equal_a_computation_from_scratch_after_runs_that_add_change_and_close(store: Engine) -> None:
    rng = random.Random(12)
    first = [varied(n, rng) for n in range(80)]
    upsert_postings(store, "board", first, run_id=new_run(store), now=T0 - timedelta(days=40))
    refresh_summaries(store, now=T0 - timedelta(days=40))
    assert not dirty_categories(store)
    assert_summaries_equal_scratch(store, (T0 - timedelta(days=40)).date())

    # second run, weeks later: new postings, changed salaries, seniorities, countries and a category move
    second = [*first[:60], *(varied(n, rng) for n in range(80, 100))]
    for n in range(0, 30, 3):
        second[n] = varied(n, rng)
    when = T0 - timedelta(days=12)
    upsert_postings(store, "board", second, run_id=new_run(store), now=when)
    assert dirty_categories(store) == {c.slug for c in CATEGORIES}
    refresh_summaries(store, now=when)
    assert_summaries_equal_scratch(store, when.date())

    # third run closes what the board no longer lists (one miss is enough here) and flags one more
    third = second[10:]
    third[0] = replace(third[0], flags=(IMPLAUSIBLE,))
    upsert_postings(store, "board", third, run_id=new_run(store), now=T0)
    assert close_missing(
        store, "board", [p.external_id for p in third], run_id=new_run(store), now=T0, misses_to_close=1
    )
    refresh_summaries(store, now=T0)
    assert_summaries_equal_scratch(store, T0.date())


def test_only_salary_relevant_changes_mark_a_category(store: Engine) -> None:
    upsert_postings(store, "board", [make_posting("a"), make_posting("b", salary=None)], run_id=new_run(store), now=T0)
    assert dirty_categories(store) == {"data-engineer"}
    refresh_summaries(store, now=T0)
    with store.begin() as connection:
        connection.execute(update(Posting).values(last_seen=T0 + timedelta(hours=1), missed_runs=1))
        connection.execute(update(Posting).where(Posting.external_id == "b").values(category="data-analyst"))
    assert dirty_categories(store) == set(), "a salary-less posting or a last_seen bump leaves the summaries"
    with store.begin() as connection:
        connection.execute(update(Posting).where(Posting.external_id == "a").values(category="data-analyst"))
    assert dirty_categories(store) == {"data-engineer", "data-analyst"}, "a move marks both categories"


def test_an_upkeep_skips_what_another_just_recomputed(store: Engine) -> None:
    upsert_postings(store, "board", [make_posting("a")], run_id=new_run(store), now=T0)
    assert refresh_summaries(store, now=T0) == ["data-engineer"]
    assert refresh_summaries(store, now=T0) == []
    assert refresh_summaries(store, ["data-engineer"], now=T0) == ["data-engineer"]


def test_upkeep_after_a_batch_waits_its_interval(store: Engine) -> None:
    clock = iter([0.0, 1.0, 5.0, 5.0]).__next__
    upkeep = SummaryUpkeep(store, every_seconds=3.0, clock=clock)
    upsert_postings(store, "board", [make_posting("a")], run_id=new_run(store), now=T0)
    upkeep.after_batch()  # 1 s after the start: too soon
    assert dirty_categories(store) == {"data-engineer"}
    upkeep.after_batch()  # 5 s: due
    assert dirty_categories(store) == set()
    with Session(store) as session:
        assert session.scalars(select(SummaryState.category)).all() == ["data-engineer"]
        assert session.scalars(select(SummaryDirty.id)).all() == []


def counts_by_key(engine: Engine, table: Any) -> dict[tuple[Any, ...], int]:
    """Every row's `count` by its primary key."""
    with engine.connect() as connection:
        found = connection.execute(select(*table.__table__.primary_key.columns, table.count))
        return {tuple(key): count for *key, count in found}


def test_a_run_over_several_categories_recomputes_exactly_the_cells_and_buckets_it_changed(store: Engine) -> None:
    rng = random.Random(5)
    first = [varied(n, rng) for n in range(60)]
    upsert_postings(store, "board", first, run_id=new_run(store), now=T0 - timedelta(days=60))
    refresh_summaries(store, now=T0 - timedelta(days=60))
    refresh_summaries(store, [c.slug for c in CATEGORIES], now=T0 - timedelta(days=30))
    # every stored cell and history point gets a count no computation yields: what the next upkeep does not
    # rewrite keeps it
    with store.begin() as connection:
        connection.execute(update(SalarySummary).values(count=-1))
        connection.execute(update(SalaryHistoryPoint).values(count=-1))
    senior_us = replace(
        make_posting("n1", category="data-engineer"),
        seniority=Seniority.SENIOR,
        location=Location(raw="x", remote=RemoteMode.HYBRID, countries=("US",)),
    )
    junior_de = replace(
        make_posting("n2", category="data-scientist"),
        seniority=Seniority.JUNIOR,
        location=Location(raw="x", remote=None, countries=("DE", "FR")),
    )
    upsert_postings(store, "board", [*first, senior_us, junior_de], run_id=new_run(store), now=T0)
    assert refresh_summaries(store, now=T0) == ["data-engineer", "data-scientist"]

    changed = {("data-engineer", *cell) for cell in cells_of("senior", "hybrid", ["US"])}
    changed |= {("data-scientist", *cell) for cell in cells_of("junior", None, ["DE", "FR"])}
    assert len(changed) == 8 + 12
    cells = counts_by_key(store, SalarySummary)
    assert {key[:4] for key, count in cells.items() if count != -1} == changed, "the new postings' cells alone"
    # buckets from the previous upkeep's on are rewritten (it served the later ones as the postings open then)
    since = T0 - timedelta(days=30)
    points = counts_by_key(store, SalaryHistoryPoint)
    for (category, bucket, start, _), count in points.items():
        assert (count != -1) == (start >= bucket_start(since, bucket)), (category, bucket, start)  # type: ignore[arg-type]

    # and what it rewrote is what a recomputation of everything gives
    refresh_summaries(store, [c.slug for c in CATEGORIES], now=T0)
    everything = counts_by_key(store, SalarySummary)
    assert {key: count for key, count in cells.items() if count != -1} == {
        key: count for key, count in everything.items() if key[:4] in changed
    }
    assert_summaries_equal_scratch(store, T0.date())
    recomputed = counts_by_key(store, SalaryHistoryPoint)
    assert {k: c for k, c in points.items() if c != -1} == {
        k: c for k, c in recomputed.items() if k in points and points[k] != -1
    }


def test_open_job_counts_follow_every_write_exactly(store: Engine) -> None:
    def counts() -> tuple[dict[str, int], dict[str, int]]:
        with Session(store) as session:
            kept = {slug: n for slug, n in queries.open_jobs_by_category(session).items()}
            live = dict(
                session.execute(
                    select(Posting.category, func.count())
                    .where(Posting.closed_at.is_(None), Posting.duplicate_of.is_(None))
                    .group_by(Posting.category)
                ).all()
            )
        return kept, live

    rng = random.Random(9)
    postings = [varied(n, rng) for n in range(40)] + [make_posting("ds", category="data-scientist", salary=None)]
    upsert_postings(store, "board", postings, run_id=new_run(store), now=T0)
    kept, live = counts()
    assert kept == live and sum(kept.values()) == len(postings)
    # a category move, a close, a duplicate from another source, a reopen
    moved = replace(postings[0], category="data-analyst")
    upsert_postings(store, "board", [moved, *postings[2:]], run_id=new_run(store), now=T0 + timedelta(hours=3))
    close_missing(
        store,
        "board",
        [p.external_id for p in (moved, *postings[2:])],
        run_id=new_run(store),
        now=T0,
        misses_to_close=1,
    )
    duplicate = replace(postings[5], source="other")
    upsert_postings(store, "other", [duplicate], run_id=new_run(store), now=T0 + timedelta(hours=4))
    kept, live = counts()
    assert kept == live
    assert live.get("data-analyst", 0) >= 1
    upsert_postings(store, "board", postings, run_id=new_run(store), now=T0 + timedelta(hours=5))  # reopens
    with store.begin() as connection:
        connection.execute(delete(Posting).where(Posting.external_id == "ds"))
    kept, live = counts()
    assert kept == live and "data-scientist" in kept
