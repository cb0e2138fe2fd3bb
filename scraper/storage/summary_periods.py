"""Salary periods' upkeep: each summary cell's open salaries per posted week (models.tables.SalaryPeriod), for
`/salaries?since=`, recomputed for the weeks that triggers on `postings` marked (salary_period_dirty).

Called by the summaries' upkeep (scraper.storage.summaries) in its transaction, under its per-category lock. A
week's cells are grouped as the summaries group them (models.salary_stats.cube_values), from the open salaried
postings posted that week: on PostgreSQL one range of the index ix_postings_open_salaries_posted, arrays in the
binary protocol; otherwise row by row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import orjson
import psycopg
from sqlalchemy import Connection, delete, insert, select

from models.salary_stats import OwnGroup, bucket_start, cube_values, utc_midnight
from models.sorted_union import pack_values
from models.tables import POSTED, Posting, SalaryPeriod, SalaryPeriodDirty
from scraper.storage._transaction import is_postgres

# A week's open salaries by the groups postings state: {week: {(seniority, remote, countries, flagged): values}}
Weeks = dict[date, dict[OwnGroup, list[float]]]


def _driver(connection: Connection) -> psycopg.Connection[Any]:
    return cast("psycopg.Connection[Any]", connection.connection.driver_connection)


def take_period_marks(connection: Connection, category: str) -> set[date]:
    """The weeks of `category` marked since the last upkeep (their marks deleted: later ones stay for the next)."""
    taken = connection.scalars(
        delete(SalaryPeriodDirty).where(SalaryPeriodDirty.category == category).returning(SalaryPeriodDirty.week)
    )
    return set(taken)


def refresh_periods(connection: Connection, category: str, weeks: Collection[date] | None) -> None:
    """Recompute the category's periods of `weeks` (of every week: None) from its postings."""
    if weeks is not None and not weeks:
        return
    found = _weeks_postgres(connection, category, weeks) if is_postgres(connection) else _weeks(connection, category)
    if weeks is None:
        connection.execute(delete(SalaryPeriod).where(SalaryPeriod.category == category))
    else:
        wanted = sorted(weeks)
        found = {week: groups for week, groups in found.items() if week in weeks}
        for n in range(0, len(wanted), 500):
            chunk = wanted[n : n + 500]
            connection.execute(
                delete(SalaryPeriod).where(SalaryPeriod.category == category, SalaryPeriod.week.in_(chunk))
            )
    rows = [
        {
            "category": category,
            "seniority": seniority,
            "country": country,
            "remote": remote,
            "week": week,
            "clean": pack_values(clean),
            "flagged": pack_values(flagged),
        }
        for week, groups in found.items()
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


def _weeks_postgres(connection: Connection, category: str, weeks: Collection[date] | None) -> Weeks:
    """The open salaries posted from the first of `weeks` to the end of the last (every one: None), by week."""
    low, high = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC)
    if weeks:
        low, high = utc_midnight(min(weeks)), utc_midnight(max(weeks) + timedelta(days=7))
    found: Weeks = defaultdict(dict)
    with _driver(connection).cursor(binary=True) as cursor:
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
