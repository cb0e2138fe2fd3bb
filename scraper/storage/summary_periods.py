"""Salary periods' upkeep: each summary cell's open salaries per posted week and block of weeks
(models.tables.SalaryPeriod, models.salary_periods), for `/salaries?since=`, recomputed for the weeks that triggers
on `postings` marked (salary_period_dirty) and their blocks.

Called by the summaries' upkeep (scraper.storage.summaries) in its transaction, under its per-category lock. A
week's cells are grouped as the summaries group them (models.salary_stats.cube_values), from the open salaried
postings posted that week: on PostgreSQL one range of the index ix_postings_open_salaries_posted, arrays in the
binary protocol; otherwise row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import Connection, delete, insert, select

from models.db import driver_connection
from models.salary_periods import BLOCK_WEEKS, block_start
from models.salary_stats import OwnGroup, bucket_start, cube_values, utc_midnight
from models.sorted_union import pack_values
from models.tables import POSTED, Posting, SalaryPeriod, SalaryPeriodDirty
from scraper.storage._transaction import is_postgres

# A week's open salaries by the groups postings state: {week: {(seniority, remote, countries, flagged): values}}
Weeks = dict[date, dict[OwnGroup, list[float]]]


def take_period_marks(connection: Connection, category: str) -> set[date]:
    """The weeks of `category` marked since the last upkeep (their marks deleted: later ones stay for the next)."""
    taken = connection.scalars(
        delete(SalaryPeriodDirty).where(SalaryPeriodDirty.category == category).returning(SalaryPeriodDirty.week)
    )
    return set(taken)


def refresh_periods(connection: Connection, category: str, weeks: Collection[date] | None) -> None:
    """Recompute the category's periods of `weeks` and of their blocks (every period: None) from its postings."""
    if weeks is not None and not weeks:
        return
    blocks = None if weeks is None else {block_start(week) for week in weeks}
    # a block's weeks are all read: from the first marked block's start to the last one's end
    span = None if blocks is None else (min(blocks), max(blocks) + timedelta(weeks=BLOCK_WEEKS - 1))
    found = _weeks_postgres(connection, category, span) if is_postgres(connection) else _weeks(connection, category)
    periods: dict[tuple[int, date], dict[OwnGroup, list[float]]] = {}
    by_block: dict[date, dict[OwnGroup, list[float]]] = defaultdict(lambda: defaultdict(list))
    for week, groups in found.items():
        if weeks is None or week in weeks:
            periods[(1, week)] = groups
        block = block_start(week)
        if blocks is None or block in blocks:
            for key, values in groups.items():
                by_block[block][key].extend(values)
    periods |= {(BLOCK_WEEKS, block): groups for block, groups in by_block.items()}
    if weeks is None or blocks is None:
        connection.execute(delete(SalaryPeriod).where(SalaryPeriod.category == category))
    else:
        for length, starts in ((1, sorted(weeks)), (BLOCK_WEEKS, sorted(blocks))):
            for n in range(0, len(starts), 500):
                connection.execute(
                    delete(SalaryPeriod).where(
                        SalaryPeriod.category == category,
                        SalaryPeriod.weeks == length,
                        SalaryPeriod.start.in_(starts[n : n + 500]),
                    )
                )
    rows = [
        {
            "category": category,
            "seniority": seniority,
            "country": country,
            "remote": remote,
            "weeks": length,
            "start": start,
            "clean": pack_values(clean),
            "flagged": pack_values(flagged),
        }
        for (length, start), groups in periods.items()
        for (seniority, country, remote), (clean, flagged) in cube_values(groups).items()
    ]
    for n in range(0, len(rows), 1000):
        connection.execute(insert(SalaryPeriod), rows[n : n + 1000])


_WEEK_GROUPS = f"""
SELECT (date_trunc('week', {POSTED} AT TIME ZONE 'UTC'))::date, seniority, remote, countries::text, salary_flagged,
       array_agg(annual_usd_mid)
FROM postings
WHERE category = %(category)s AND {POSTED} >= %(low)s AND {POSTED} < %(high)s
  AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL AND closed_at IS NULL
GROUP BY 1, 2, 3, 4, 5
"""


def _weeks_postgres(connection: Connection, category: str, span: tuple[date, date] | None) -> Weeks:
    """The open salaries posted in the weeks from the first of `span` to its last (every week: None), by week."""
    low, high = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    if span is not None:
        low, high = utc_midnight(span[0]), utc_midnight(span[1] + timedelta(days=7))
    found: Weeks = defaultdict(dict)
    with driver_connection(connection).cursor(binary=True) as cursor:
        cursor.execute(_WEEK_GROUPS, {"category": category, "low": low, "high": high})
        for week, seniority, remote, countries, flagged, values in cursor:
            listed = tuple(orjson.loads(countries)) if countries is not None else ()
            found[week][(seniority, remote, listed, flagged)] = values
    return found


def _weeks(connection: Connection, category: str) -> Weeks:
    """Every open salary of the category, by posted week (SQLite)."""
    query = select(
        Posting.seniority,
        Posting.remote,
        Posting.countries,
        Posting.salary_flagged,
        Posting.annual_usd_mid,
        Posting.posted_at,
        Posting.first_seen,
    ).where(
        Posting.category == category,
        Posting.annual_usd_mid.is_not(None),
        Posting.duplicate_of.is_(None),
        Posting.closed_at.is_(None),
    )
    found: dict[date, dict[OwnGroup, list[float]]] = defaultdict(lambda: defaultdict(list))
    rows: Any = connection.execute(query)  # typed per column by SQLAlchemy 2.1, as tuples by 2.0
    for seniority, remote, countries, flagged, value, posted_at, first_seen in rows:
        week = bucket_start(posted_at or first_seen, "week")
        found[week][(seniority, remote, tuple(countries or ()), flagged)].append(value)
    return found
