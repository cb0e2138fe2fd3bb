"""Salary summaries' upkeep: recompute the statistics and history cells that changed postings count in.

Triggers on `postings` mark what changed (summary_dirty: the category, the posting's cell keys, and the earliest
moment the change reaches); `refresh_summaries` recomputes exactly the marked cells of each category and its
history buckets from that moment on, one category per transaction under a lock of its own (no global lock; two
categories at once on PostgreSQL). Every change marks the category's roll-up cell, whose exact quantiles need all
its values, so each upkeep reads the category's salaried postings from the covering index
`ix_postings_salary_cells`, never the table: on PostgreSQL grouped by cell, as arrays (scraper.storage.summary_sql),
and for a change that reaches back further than RECENT the history's values grouped by the buckets each posting
arrives in and leaves before (scraper.storage.summary_history); on SQLite row by row. The statistic itself is
models.salary_stats; this module only reads and writes. The same transaction recomputes the category's salary
periods of the weeks marked in salary_period_dirty (scraper.storage.summary_periods; every week when the whole
category is recomputed).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, tuple_

from models.salary_stats import (
    Bucket,
    CellKey,
    Distribution,
    HistoryPoint,
    SalaryRow,
    bucket_start,
    bucket_starts,
    cells_of,
    salary_cube,
    salary_cube_of_groups,
    salary_history_points,
    utc_midnight,
)
from models.tables import (
    SALARY_ROW_COLUMNS,
    Posting,
    SalaryHistoryPoint,
    SalaryPeriodDirty,
    SalarySummary,
    SummaryDirty,
    SummaryState,
)
from scraper.storage._transaction import _begin_sqlite_write, is_postgres
from scraper.storage.summary_history import earliest_first_seen, history_of_buckets
from scraper.storage.summary_periods import refresh_periods, take_period_marks
from scraper.storage.summary_sql import current_history_points, open_salaries, salary_history_sql

log = logging.getLogger(__name__)
T = TypeVar("T")

# First key of the per-category advisory locks (the second is the category's hash); apart from
# POSTINGS_LOCK_KEY so that an upkeep never waits for a writer's batch, nor a batch for an upkeep.
SUMMARY_LOCK_CLASS = 0x73756D  # "sum"
# History kept per category: as far back as the API lets anyone ask (routers/salaries MAX_BUCKETS).
HISTORY_WEEKS = 530
HISTORY_MONTHS = 130
BUCKETS: tuple[Bucket, ...] = ("week", "month")
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
# The history of a change this recent is recomputed (on PostgreSQL) from the open salaries' values and, for the
# buckets before the latest posting, by percentile_cont (~20 ms a bucket); an older one by one statement over every
# bucket since and a sweep of their values (summary_history).
RECENT = timedelta(days=35)
# Categories recomputed at once on PostgreSQL: the database reads one while Python computes another (each in its
# own transaction and lock). At 1M postings, 20 categories: 2.0 s against 2.5 s one by one (medians of 3, 2 cores
# shared, load ~3; 2026-12-04).
PARALLEL = 2


def dirty_categories(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        marked = select(SummaryDirty.category).union(select(SalaryPeriodDirty.category))
        return set(connection.scalars(marked))


def refresh_summaries(engine: Engine, categories: Collection[str] = (), *, now: datetime | None = None) -> list[str]:
    """Recompute the summaries of every dirty category and of `categories`; returns those recomputed.

    A category another upkeep has just recomputed (its dirty marks gone once the lock is ours) is skipped.
    """
    wanted = set(categories)
    moment = now or datetime.now(UTC)
    todo = sorted(dirty_categories(engine) | wanted)

    def refresh(category: str) -> bool:
        return _refresh_category(engine, category, force=category in wanted, now=moment)

    if engine.dialect.name == "postgresql" and len(todo) > 1 and PARALLEL > 1:
        with ThreadPoolExecutor(PARALLEL, thread_name_prefix="summaries") as pool:
            refreshed = list(pool.map(refresh, todo))
    else:
        refreshed = [refresh(category) for category in todo]
    return [category for category, done in zip(todo, refreshed, strict=True) if done]


@dataclass(slots=True)
class _Dirty:
    """What one category's marks ask to recompute: every cell and bucket, or these cells and the buckets
    from `since` on."""

    whole: bool = False
    cells: set[tuple[str, str, str]] = field(default_factory=set)
    since: datetime | None = None

    def add(
        self, seniority: str | None, remote: str | None, countries: list[str] | None, since: datetime | None
    ) -> None:
        if since is None:  # a mark naming no cell nor time: the whole category
            self.whole = True
            return
        self.cells |= cells_of(seniority, remote, countries)
        self.since = since if self.since is None else min(self.since, since)


def _refresh_category(engine: Engine, category: str, *, force: bool, now: datetime) -> bool:
    with engine.begin() as connection:
        if is_postgres(connection):
            connection.execute(select(func.pg_advisory_xact_lock(SUMMARY_LOCK_CLASS, func.hashtext(category))))
        else:
            _begin_sqlite_write(connection)
        # Marks committed from here on stay for the next upkeep: this transaction reads after deleting.
        marks = connection.execute(
            delete(SummaryDirty)
            .where(SummaryDirty.category == category)
            .returning(SummaryDirty.seniority, SummaryDirty.remote, SummaryDirty.countries, SummaryDirty.since)
        ).all()
        weeks = take_period_marks(connection, category)
        if not marks and not force:  # only weeks of postings whose summaries are as they were (a posted_at change)
            refresh_periods(connection, category, weeks)
            return bool(weeks)
        refreshed_at = connection.scalar(select(SummaryState.refreshed_at).where(SummaryState.category == category))
        dirty = _Dirty(whole=force or refreshed_at is None)
        for mark in marks:
            dirty.add(*mark)
        # buckets after the last upkeep were served as the postings open then: they are written now too
        since = None if dirty.whole or dirty.since is None else min(dirty.since, refreshed_at or now)
        cells = None if dirty.whole else dirty.cells
        if is_postgres(connection):
            _refresh_postgres(connection, category, cells, now, since)
        else:
            rows = _salary_rows(connection, category, since)
            _write_summaries(connection, category, salary_cube(rows, cells), cells)
            first_seen = rows[0].first_seen if rows else None  # rows come in first_seen order
            _write_history(connection, category, _history_of_rows(rows), now, since, first_seen)
        refresh_periods(connection, category, None if dirty.whole else weeks)
        connection.execute(delete(SummaryState).where(SummaryState.category == category))
        connection.execute(insert(SummaryState).values(category=category, refreshed_at=now))
    return True


def _first_bucket(since: datetime) -> datetime:
    return utc_midnight(min(bucket_start(since, "week"), bucket_start(since, "month")))


def _salary_rows(connection: Connection, category: str, since: datetime | None) -> list[SalaryRow]:
    """The category's salaried postings (SQLite): open ones, and those closed during the buckets from `since` on
    (all of them without `since`); in `first_seen` order, as the history sweeps them."""
    closed_since = _first_bucket(since) if since is not None else datetime(1, 1, 1, tzinfo=UTC)
    query = (
        select(*SALARY_ROW_COLUMNS)
        .where(
            Posting.category == category,
            Posting.annual_usd_mid.is_not(None),
            Posting.duplicate_of.is_(None),
            or_(Posting.closed_at.is_(None), Posting.closed_at >= closed_since),
        )
        .order_by(Posting.first_seen)
    )
    typed: Any = connection.execute(query)  # typed per column by SQLAlchemy 2.1, as tuples by 2.0
    return [SalaryRow(*row) for row in typed]


def _refresh_postgres(
    connection: Connection,
    category: str,
    cells: set[tuple[str, str, str]] | None,
    now: datetime,
    since: datetime | None,
) -> None:
    """The cube from the open salaries grouped by the database; for a recent change the buckets every open posting
    counts in from those values and earlier ones by percentile_cont, otherwise every bucket from the change on by
    summary_history."""
    recent = since is not None and since >= now - RECENT
    # the postings closed during the recomputed buckets, for the recent ones alone (summary_history reads its own)
    closed_since = _first_bucket(since) if since is not None and recent else NEVER
    salaries = open_salaries(connection, category, closed_since)
    _write_summaries(connection, category, salary_cube_of_groups(salaries.groups, cells), cells)
    if not recent:
        first = since or earliest_first_seen(connection, category)
        starts = {bucket: _history_starts(bucket, first, now) for bucket in BUCKETS} if first else {}
        points = history_of_buckets(connection, category, starts)
        _write_history(connection, category, lambda bucket, _: points[bucket], now, since, first)
        return
    open_values = {include_flagged: salaries.sorted_values(include_flagged) for include_flagged in (False, True)}

    def points_of(bucket: Bucket, starts: list[date]) -> dict[bool, list[HistoryPoint]]:
        points, past = current_history_points(salaries, starts, bucket, open_values)
        if past:
            earlier = salary_history_sql(connection, category, past, bucket)
            points = {flagged: earlier[flagged] + found for flagged, found in points.items()}
        return points

    _write_history(connection, category, points_of, now, since, None)


def _write_summaries(
    connection: Connection,
    category: str,
    cube: dict[CellKey, Distribution],
    cells: set[tuple[str, str, str]] | None,
) -> None:
    if cells is None:
        connection.execute(delete(SalarySummary).where(SalarySummary.category == category))
    keys = tuple_(SalarySummary.seniority, SalarySummary.country, SalarySummary.remote)
    for cell_chunk in _chunks(sorted(cells or ()), 200):
        connection.execute(delete(SalarySummary).where(SalarySummary.category == category, keys.in_(cell_chunk)))
    values = []
    for key, stats in cube.items():
        qs = stats.quantiles or (None, None, None, None, None)
        values.append(
            {
                "category": category,
                "seniority": key.seniority,
                "country": key.country,
                "remote": key.remote,
                "include_flagged": key.include_flagged,
                "count": stats.count,
                "excluded_flagged": stats.excluded,
                "minimum": stats.minimum,
                "maximum": stats.maximum,
                "p10": qs[0],
                "p25": qs[1],
                "p50": qs[2],
                "p75": qs[3],
                "p90": qs[4],
                "histogram": {str(index): count for index, count in sorted(stats.bins.items())},
            }
        )
    for chunk in _chunks(values, 500):
        connection.execute(insert(SalarySummary), chunk)


# The points of these buckets (starts in order), without (False) and with (True) the flagged salaries.
PointsOf = Callable[[Bucket, list[date]], dict[bool, list[HistoryPoint]]]


def _history_of_rows(rows: Sequence[SalaryRow]) -> PointsOf:
    kept = {True: rows, False: [row for row in rows if not row.salary_flagged]}
    return lambda bucket, starts: {flagged: salary_history_points(kept[flagged], starts, bucket) for flagged in kept}


def _write_history(
    connection: Connection,
    category: str,
    points_of: PointsOf,
    now: datetime,
    since: datetime | None,
    first_seen: datetime | None,
) -> None:
    """The week and month points from the bucket holding `since` to today (every point from the first posting's
    `first_seen` on without `since`)."""
    if since is None:
        connection.execute(delete(SalaryHistoryPoint).where(SalaryHistoryPoint.category == category))
    first = since or first_seen
    if first is None:
        return
    values = []
    for bucket in BUCKETS:
        starts = _history_starts(bucket, first, now)
        if since is not None and starts:
            connection.execute(
                delete(SalaryHistoryPoint).where(
                    SalaryHistoryPoint.category == category,
                    SalaryHistoryPoint.bucket == bucket,
                    SalaryHistoryPoint.start >= starts[0],
                )
            )
        for include_flagged, points in points_of(bucket, starts).items():
            for point in points:
                qs = point.quartiles or (None, None, None)
                values.append(
                    {
                        "category": category,
                        "bucket": bucket,
                        "start": point.start,
                        "include_flagged": include_flagged,
                        "count": point.postings,
                        "p25": qs[0],
                        "p50": qs[1],
                        "p75": qs[2],
                    }
                )
    for chunk in _chunks(values, 500):
        connection.execute(insert(SalaryHistoryPoint), chunk)


def _history_starts(bucket: Bucket, first: datetime, now: datetime) -> list[date]:
    """The starts of the buckets written from the one holding `first` to today's, as far back as HISTORY_* keep."""
    back = timedelta(weeks=HISTORY_WEEKS) if bucket == "week" else timedelta(days=31 * HISTORY_MONTHS)
    return bucket_starts(max(first.date(), now.date() - back), now.date(), bucket)


def _chunks(values: list[T], size: int) -> list[list[T]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


class SummaryUpkeep:
    """The summaries' upkeep during one run: after a batch at most every `every_seconds`, and at its end,
    so that the API shows what a run changed within seconds, not only once the run is over."""

    def __init__(
        self, engine: Engine, *, every_seconds: float = 3.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.engine = engine
        self.every_seconds = every_seconds
        self._clock = clock
        self._last = clock()

    def after_batch(self) -> None:
        if self._clock() - self._last >= self.every_seconds:
            self.refresh()

    def refresh(self) -> list[str]:
        started = time.perf_counter()
        done = refresh_summaries(self.engine)
        self._last = self._clock()
        if done:
            log.info("salary summaries of %d categories refreshed in %.2fs", len(done), time.perf_counter() - started)
        return done
