"""PostgreSQL's share of the summaries' upkeep: a category's open salaries grouped by the cells they count in
(one index scan, arrays in the binary protocol, no Python object per posting), and for a recent change the
history points of the buckets before the latest posting, computed by percentile_cont.

The statistic itself stays models.salary_stats (whose percentile_cont interpolates as PostgreSQL's does); this
module only reads. Measured at 1M postings (2026-12-04): a category's cube from these groups takes ~35 ms
against ~160 ms from its rows, and ~1 s as one GROUPING SETS query of percentile_cont (JIT aside, ~0.35 s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Connection

from models.db import driver_connection
from models.salary_stats import (
    QUARTILES,
    Bucket,
    HistoryPoint,
    OwnGroup,
    history_point,
    next_bucket,
    utc_midnight,
)


@dataclass(slots=True)
class OpenSalaries:
    """A category's open salaried postings by their own groups, and those closed since a time, one by one."""

    groups: dict[OwnGroup, list[float]] = field(default_factory=dict)
    latest_first_seen: datetime | None = None
    # (flagged, value, first_seen, closed_at) of each posting closed since the time asked
    closed: list[tuple[bool, float, datetime, datetime]] = field(default_factory=list)

    def sorted_values(self, include_flagged: bool) -> list[float]:
        """Every open value (the flagged ones too, or not), ascending."""
        values = [v for (*_, flagged), group in self.groups.items() if include_flagged or not flagged for v in group]
        values.sort()
        return values


# Open postings one row per own group; closed ones in one row per flag, each posting's times in the arrays.
_OPEN_GROUPS = """
SELECT open, salary_flagged, seniority, remote, countries, array_agg(annual_usd_mid), max(first_seen),
       array_agg(first_seen) FILTER (WHERE NOT open), array_agg(closed_at) FILTER (WHERE NOT open)
FROM (
    SELECT closed_at IS NULL AS open, salary_flagged, annual_usd_mid, first_seen, closed_at,
           CASE WHEN closed_at IS NULL THEN seniority COLLATE "C" END AS seniority,
           CASE WHEN closed_at IS NULL THEN remote COLLATE "C" END AS remote,
           CASE WHEN closed_at IS NULL THEN countries::text COLLATE "C" END AS countries
    FROM postings
    WHERE category = %(category)s AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL
      AND (closed_at IS NULL OR closed_at >= %(closed_since)s)
) AS salaried
GROUP BY open, salary_flagged, seniority, remote, countries
"""


def open_salaries(connection: Connection, category: str, closed_since: datetime) -> OpenSalaries:
    """The category's open salaried postings grouped as models.salary_stats.salary_cube groups them, and those
    closed at or after `closed_since`."""
    with driver_connection(connection).cursor(binary=True) as cursor:
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        # The planner takes every row for a group (the CASE keys hide the columns' statistics) and sorts them all;
        # hashing its ~120 groups takes half as long (26-65 ms against 54-130 ms a category, alternated, at 1M
        # postings; the upkeep's reads of 20 categories 1.5-2.2 s against 1.8-2.8 s, load ~7).
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(_OPEN_GROUPS, {"category": category, "closed_since": closed_since})
        found = cursor.fetchall()
        cursor.execute("SET LOCAL enable_sort TO DEFAULT")
    out = OpenSalaries()
    for is_open, flagged, seniority, remote, countries, values, latest, times, closed_at in found:
        if is_open:
            listed = tuple(orjson.loads(countries)) if countries is not None else ()
            out.groups[(seniority, remote, listed, flagged)] = values
            out.latest_first_seen = latest if out.latest_first_seen is None else max(out.latest_first_seen, latest)
        else:
            out.closed.extend(zip([flagged] * len(values), values, times, closed_at, strict=True))
    return out


def current_history_points(
    salaries: OpenSalaries, starts: Sequence[date], bucket: Bucket, open_values: dict[bool, list[float]]
) -> tuple[dict[bool, list[HistoryPoint]], list[date]]:
    """The points of the buckets every open posting counts in (they end after the latest first_seen), from
    `open_values` (sorted, per include_flagged) and the postings closed during or after them; and the starts
    of the buckets they cannot serve."""
    points: dict[bool, list[HistoryPoint]] = {False: [], True: []}
    past = []
    latest = salaries.latest_first_seen
    for start in starts:
        lo, hi = utc_midnight(start), utc_midnight(next_bucket(start, bucket))
        if latest is not None and latest >= hi:
            past.append(start)
            continue
        for include_flagged, values in open_values.items():
            closed = [
                value
                for flagged, value, first_seen, closed_at in salaries.closed
                if (include_flagged or not flagged) and first_seen < hi and closed_at >= lo
            ]
            if closed:
                values = sorted(values + closed)
            points[include_flagged].append(history_point(start, values))
    return points, past


# Each bucket over the postings open at some time during it: first seen before its end, not closed before its
# start (as models.salary_stats.salary_history_points).
_HISTORY = """
SELECT b.n, count(*) FILTER (WHERE NOT p.salary_flagged), count(*),
       percentile_cont(%(fractions)s::float8[]) WITHIN GROUP (ORDER BY p.annual_usd_mid)
           FILTER (WHERE NOT p.salary_flagged),
       percentile_cont(%(fractions)s::float8[]) WITHIN GROUP (ORDER BY p.annual_usd_mid)
FROM unnest(%(los)s::timestamptz[], %(his)s::timestamptz[]) WITH ORDINALITY AS b (lo, hi, n)
JOIN postings AS p ON p.first_seen < b.hi AND (p.closed_at IS NULL OR p.closed_at >= b.lo)
WHERE p.category = %(category)s AND p.annual_usd_mid IS NOT NULL AND p.duplicate_of IS NULL
  AND (p.closed_at IS NULL OR p.closed_at >= %(first)s)
GROUP BY b.n
"""


def salary_history_sql(
    connection: Connection, category: str, starts: Sequence[date], bucket: Bucket
) -> dict[bool, list[HistoryPoint]]:
    """models.salary_stats.salary_history_points of the category's salaried postings in each of `starts`,
    without (False) and with (True) the flagged salaries, computed by PostgreSQL."""
    bounds = [(utc_midnight(start), utc_midnight(next_bucket(start, bucket))) for start in starts]
    found: dict[int, list[Any]] = {}
    if bounds:
        parameters: dict[str, Any] = {"category": category, "fractions": list(QUARTILES)}
        parameters |= {"los": [lo for lo, _ in bounds], "his": [hi for _, hi in bounds], "first": bounds[0][0]}
        with driver_connection(connection).cursor() as cursor:
            cursor.execute(_HISTORY, parameters)
            found = {n - 1: rest for n, *rest in cursor.fetchall()}
    points: dict[bool, list[HistoryPoint]] = {False: [], True: []}
    for index, start in enumerate(starts):
        n_clean, n_all, q_clean, q_all = found.get(index, (0, 0, None, None))
        points[False].append(HistoryPoint(start, n_clean, _quartiles(q_clean)))
        points[True].append(HistoryPoint(start, n_all, _quartiles(q_all)))
    return points


def _quartiles(values: list[float] | None) -> tuple[float, float, float] | None:
    if not values:
        return None
    low, mid, high = values
    return (low, mid, high)
