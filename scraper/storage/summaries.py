"""Salary summaries' upkeep: recompute the statistics and history of the categories whose postings changed.

Triggers on `postings` mark a category dirty (summary_dirty); `refresh_summaries` recomputes each dirty
category exactly, one category per transaction under a lock of its own (no global lock, no full scan).
The statistic itself is models.salary_stats; this module only reads rows and writes summaries.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from models.salary_stats import (
    Bucket,
    SalaryRow,
    bucket_starts,
    salary_cube,
    salary_history_points,
)
from models.tables import Posting, SalaryHistoryPoint, SalarySummary, SummaryDirty, SummaryState
from scraper.storage._transaction import _begin_sqlite_write, is_postgres

log = logging.getLogger(__name__)

# First key of the per-category advisory locks (the second is the category's hash); apart from
# POSTINGS_LOCK_KEY so that an upkeep never waits for a writer's batch, nor a batch for an upkeep.
SUMMARY_LOCK_CLASS = 0x73756D  # "sum"
# History kept per category: as far back as the API lets anyone ask (routers/salaries MAX_BUCKETS).
HISTORY_WEEKS = 530
HISTORY_MONTHS = 130


def dirty_categories(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(select(SummaryDirty.category).distinct()))


def refresh_summaries(engine: Engine, categories: Collection[str] = (), *, now: datetime | None = None) -> list[str]:
    """Recompute the summaries of every dirty category and of `categories`; returns those recomputed.

    A category another upkeep has just recomputed (its dirty marks gone once the lock is ours) is skipped.
    """
    wanted = set(categories)
    done = []
    for category in sorted(dirty_categories(engine) | wanted):
        if _refresh_category(engine, category, force=category in wanted, now=now or datetime.now(UTC)):
            done.append(category)
    return done


def _refresh_category(engine: Engine, category: str, *, force: bool, now: datetime) -> bool:
    with engine.begin() as connection:
        if is_postgres(connection):
            connection.execute(select(func.pg_advisory_xact_lock(SUMMARY_LOCK_CLASS, func.hashtext(category))))
        else:
            _begin_sqlite_write(connection)
        # Marks committed from here on stay for the next upkeep: this transaction reads after deleting.
        marks = connection.execute(delete(SummaryDirty).where(SummaryDirty.category == category)).rowcount
        if not marks and not force:
            return False
        rows = _salary_rows(connection, category)
        _write_summaries(connection, category, rows)
        _write_history(connection, category, rows, now)
        connection.execute(delete(SummaryState).where(SummaryState.category == category))
        connection.execute(insert(SummaryState).values(category=category, refreshed_at=now))
    return True


def _salary_rows(connection: Connection, category: str) -> list[SalaryRow]:
    query = select(
        Posting.seniority,
        Posting.remote,
        Posting.countries,
        Posting.salary_flagged,
        Posting.annual_usd_mid,
        Posting.first_seen,
        Posting.closed_at,
    ).where(Posting.category == category, Posting.duplicate_of.is_(None), Posting.annual_usd_mid.is_not(None))
    rows: Any = connection.execute(query)  # typed per column by SQLAlchemy 2.1, as tuples by 2.0
    return [SalaryRow(*row) for row in rows]


def _write_summaries(connection: Connection, category: str, rows: Sequence[SalaryRow]) -> None:
    connection.execute(delete(SalarySummary).where(SalarySummary.category == category))
    values = []
    for key, stats in salary_cube(rows).items():
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


def _write_history(connection: Connection, category: str, rows: Sequence[SalaryRow], now: datetime) -> None:
    connection.execute(delete(SalaryHistoryPoint).where(SalaryHistoryPoint.category == category))
    if not rows:
        return
    today = now.date()
    earliest = min(row.first_seen for row in rows).date()
    values = []
    spans: tuple[tuple[Bucket, timedelta], ...] = (
        ("week", timedelta(weeks=HISTORY_WEEKS)),
        ("month", timedelta(days=31 * HISTORY_MONTHS)),
    )
    for bucket, back in spans:
        starts = bucket_starts(max(earliest, today - back), today, bucket)
        for include_flagged in (False, True):
            kept = rows if include_flagged else [row for row in rows if not row.salary_flagged]
            for point in salary_history_points(kept, starts, bucket):
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


def _chunks(values: list[dict[str, object]], size: int) -> list[list[dict[str, object]]]:
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
