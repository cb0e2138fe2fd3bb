"""PostgreSQL's history of a change that reaches back: every week and month bucket from the change on, out of one
statement and one sweep per bucket kind.

The statement reads the category's salaried postings once (the covering index `ix_postings_salary_cells`) and
groups their values by the buckets each posting arrives in and leaves before, week and month, as
`width_bucket` finds them: a posting counts in bucket k when `arrives <= k < leaves`, which is
models.salary_stats.salary_history_points' rule (first seen before the bucket's end, not closed before its start).
The sweep then holds one sorted list per bucket kind and flag choice, merging each bucket's arrivals in and cutting
its leavers out, with no Python object per posting but its value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection

from models.db import driver_connection
from models.salary_stats import Bucket, HistoryPoint, history_point, next_bucket, utc_midnight, without
from models.sorted_union import SortedUnion

# Values grouped by (flagged, week arrival, week departure, month arrival, month departure): bucket indexes into
# the arrays of bucket ends (arrival: the first bucket ending after first_seen) and starts (departure: the first
# bucket starting after closed_at; null for an open posting).
_BUCKET_GROUPS = """
SELECT salary_flagged,
       width_bucket(first_seen, %(week_ends)s::timestamptz[]), width_bucket(closed_at, %(week_starts)s::timestamptz[]),
       width_bucket(first_seen, %(month_ends)s::timestamptz[]),
       width_bucket(closed_at, %(month_starts)s::timestamptz[]),
       array_agg(annual_usd_mid)
FROM postings
WHERE category = %(category)s AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL
  AND (closed_at IS NULL OR closed_at >= %(first)s)
GROUP BY 1, 2, 3, 4, 5
"""

# (flagged, arrives, leaves or None, values): the bucket indexes of one kind
Group = tuple[bool, int, int | None, list[float]]


def history_of_buckets(
    connection: Connection, category: str, starts: Mapping[Bucket, Sequence[date]]
) -> dict[Bucket, dict[bool, list[HistoryPoint]]]:
    """models.salary_stats.salary_history_points of the category's salaried postings in each bucket of `starts`
    (week and month starts, each in order), without (False) and with (True) the flagged salaries."""
    bounds = {bucket: _bounds(bucket, bucket_starts) for bucket, bucket_starts in starts.items()}
    found: list[Any] = []
    firsts = [lows[0] for lows, _ in bounds.values() if lows]
    if firsts:
        parameters: dict[str, Any] = {"category": category, "first": min(firsts)}
        for bucket in ("week", "month"):
            lows, highs = bounds.get(bucket, ([], []))
            parameters |= {f"{bucket}_starts": lows, f"{bucket}_ends": highs}
        with driver_connection(connection).cursor(binary=True) as cursor:
            # hashing the ~100-300 groups, not sorting every row for them (80k rows: 35 ms against 110 ms spilled)
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(_BUCKET_GROUPS, parameters)
            found = cursor.fetchall()
            cursor.execute("SET LOCAL enable_sort TO DEFAULT")
    for row in found:  # once for both sweeps, whose sorts then merge sorted runs
        row[5].sort()
    out: dict[Bucket, dict[bool, list[HistoryPoint]]] = {}
    for bucket, bucket_starts in starts.items():
        column = 1 if bucket == "week" else 3
        out[bucket] = sweep([(row[0], row[column], row[column + 1], row[5]) for row in found], bucket_starts)
    return out


def _bounds(bucket: Bucket, starts: Sequence[date]) -> tuple[list[datetime], list[datetime]]:
    return [utc_midnight(start) for start in starts], [utc_midnight(next_bucket(start, bucket)) for start in starts]


def sweep(groups: Sequence[Group], starts: Sequence[date]) -> dict[bool, list[HistoryPoint]]:
    """The point of each bucket of `starts` over the values of the groups it holds (arrives <= k < leaves), without
    (False) and with (True) the flagged ones: one sorted list of each kept, the second point read from both as
    models.sorted_union reads a union of sorted lists."""
    arriving: dict[tuple[bool, int], list[float]] = defaultdict(list)
    leaving: dict[tuple[bool, int], list[float]] = defaultdict(list)
    for flagged, arrives, leaves, values in groups:
        if arrives >= len(starts) or (leaves is not None and leaves <= arrives):
            continue  # arrives after the last bucket, or counts in none
        arriving[(flagged, arrives)] += values
        if leaves is not None and leaves < len(starts):
            leaving[(flagged, leaves)] += values
    held: dict[bool, list[float]] = {False: [], True: []}
    points: dict[bool, list[HistoryPoint]] = {False: [], True: []}
    for index, start in enumerate(starts):
        for flagged, values in held.items():
            added = arriving.get((flagged, index))
            if added:
                values += added
                values.sort()  # sorted runs merged
            gone = leaving.get((flagged, index))
            if gone:
                gone.sort()
                held[flagged] = without(values, gone)
        clean, flagged_values = held[False], held[True]
        points[False].append(history_point(start, clean))
        points[True].append(history_point(start, SortedUnion([clean, flagged_values]) if flagged_values else clean))
    return points


def earliest_first_seen(connection: Connection, category: str) -> datetime | None:
    """When the category's first salaried posting was first seen (closed ones too): where its history begins."""
    with driver_connection(connection).cursor() as cursor:
        cursor.execute(
            "SELECT min(first_seen) FROM postings "
            "WHERE category = %s AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL",
            (category,),
        )
        found = cursor.fetchone()
    return found[0].astimezone(UTC) if found and found[0] is not None else None
