"""The salary statistic of DESIGN.md section 7 as pure functions: quantiles, histogram bins, time buckets,
and the cube of groups (category x seniority x country x remote) that summaries keep and the API serves.

Shared by the writer of the summaries (scraper.storage.summaries) and the API; no I/O here.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Literal, NamedTuple

# Fewer postings than this get a count but no quantiles: a statistic of two or three salaries says
# little and comes close to publishing individual offers.
MIN_GROUP_FOR_QUANTILES = 5
HISTOGRAM_WIDTH_USD = 20_000.0
HISTOGRAM_TOP_USD = 500_000.0  # everything above shares one last bucket
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)
QUARTILES = (0.25, 0.50, 0.75)

# Group keys: ALL is "every value" (a roll-up), NONE is "the posting does not say" (null in the API).
ALL = "*"
NONE = ""

Bucket = Literal["week", "month"]
GroupBy = Literal["seniority", "country", "remote"]


def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont on sorted values: linear interpolation between closest ranks.

    >>> percentile_cont([10.0, 20.0, 30.0, 40.0], 0.5)
    25.0
    >>> percentile_cont([10.0, 20.0, 30.0, 40.0], 0.1)
    13.0
    >>> percentile_cont([10.0, 20.0, float("inf")], 0.5)
    20.0
    """
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    if position == low:  # one row, as PostgreSQL takes it: no interpolation towards an infinite neighbour
        return sorted_values[low]
    return sorted_values[low] + (sorted_values[low + 1] - sorted_values[low]) * (position - low)


def histogram_index(value: float) -> int | None:
    """The HISTOGRAM_WIDTH_USD bin of an annual USD value (None for a value no bin holds).

    >>> histogram_index(59_999.0), histogram_index(60_000.0), histogram_index(float("inf"))
    (2, 3, None)
    """
    if not math.isfinite(value):
        return None
    return math.floor(value / HISTOGRAM_WIDTH_USD)


@dataclass(slots=True)
class Distribution:
    """What a statistic says about one group: count, extremes, QUANTILES and histogram bin counts."""

    count: int = 0
    excluded: int = 0
    minimum: float | None = None
    maximum: float | None = None
    quantiles: tuple[float, ...] | None = None
    bins: dict[int, int] = field(default_factory=dict)


def describe(sorted_values: Sequence[float], excluded: int = 0) -> Distribution:
    """The distribution of `sorted_values` (ascending), `excluded` flagged ones left out beside it.

    >>> d = describe([10_000.0, 15_000.0, 45_000.0, float("inf")])
    >>> d.count, d.bins
    (4, {0: 2, 2: 1})
    """
    if not sorted_values:
        return Distribution(excluded=excluded)
    return Distribution(
        count=len(sorted_values),
        excluded=excluded,
        minimum=sorted_values[0],
        maximum=sorted_values[-1],
        quantiles=tuple(percentile_cont(sorted_values, q) for q in QUANTILES),
        bins=histogram_bins([sorted_values]),
    )


def histogram_bins(parts: Sequence[Sequence[float]]) -> dict[int, int]:
    """How many values of the union of `parts` (each ascending) each histogram_index holds, infinite values
    in none: describe's bins, of one part or of several (salary periods) without merging them.

    >>> histogram_bins([[10_000.0, 45_000.0, float("inf")], [15_000.0]])
    {0: 2, 2: 1}
    """
    # sorted values fill each bin in one run: find the runs' ends by bisection in each part, not value by value
    bins: dict[int, int] = {}
    starts = [bisect_left(part, -math.inf, hi=len(part)) for part in parts]
    ends = [bisect_left(part, math.inf, lo=start) for part, start in zip(parts, starts, strict=True)]
    while True:
        firsts = [part[start] for part, start, end in zip(parts, starts, ends, strict=True) if start < end]
        if not firsts:
            return bins
        index = math.floor(min(firsts) / HISTOGRAM_WIDTH_USD)
        edge = (index + 1) * HISTOGRAM_WIDTH_USD
        following = [bisect_left(part, edge, start, end) for part, start, end in zip(parts, starts, ends, strict=True)]
        bins[index] = sum(following) - sum(starts)
        starts = following


class SalaryRow(NamedTuple):
    """One representative posting with a salary, as the summaries read it."""

    seniority: str | None
    remote: str | None
    countries: Sequence[str] | None
    salary_flagged: bool
    value: float
    first_seen: datetime
    closed_at: datetime | None


# The values postings state for the groups: seniority, remote mode, countries, and whether the salary is flagged.
OwnGroup = tuple[str | None, str | None, Sequence[str], bool]


class CellKey(NamedTuple):
    seniority: str
    country: str
    remote: str
    include_flagged: bool


def cells_of(seniority: str | None, remote: str | None, countries: Sequence[str] | None) -> set[tuple[str, str, str]]:
    """The groups (seniority, country, remote) a posting counts in: its own values or ALL, each.

    >>> sorted(cells_of("senior", None, ["us"]))[:3]
    [('*', '*', ''), ('*', '*', '*'), ('*', 'US', '')]
    """
    own_countries = dict.fromkeys(c.upper() for c in countries) if countries else (NONE,)
    return {(s, c, r) for s in (seniority or NONE, ALL) for c in (*own_countries, ALL) for r in (remote or NONE, ALL)}


def salary_cube(
    rows: Iterable[SalaryRow], only: Collection[tuple[str, str, str]] | None = None
) -> dict[CellKey, Distribution]:
    """Every group of one category's open postings (those of `only` alone, when given): each of seniority,
    country and remote either one value (NONE when unknown) or ALL, with and without flagged salaries.

    A posting naming several countries counts once in each, and once in the ALL country group.
    """
    # rows grouped by their own values first (one dict lookup per row), their countries expanded per group
    own: dict[OwnGroup, list[float]] = defaultdict(list)
    for row in rows:
        if row.closed_at is None:
            own[(row.seniority, row.remote, tuple(row.countries or ()), row.salary_flagged)].append(row.value)
    return salary_cube_of_groups(own, only)


def salary_cube_of_groups(
    own: Mapping[OwnGroup, list[float]], only: Collection[tuple[str, str, str]] | None = None
) -> dict[CellKey, Distribution]:
    """salary_cube of open postings already grouped by their own values (each group's values in any order)."""
    cube: dict[CellKey, Distribution] = {}
    for key, (clean, bad) in cube_values(own, only).items():
        cube[CellKey(*key, False)] = describe(clean, excluded=len(bad))
        cube[CellKey(*key, True)] = describe(sorted(clean + bad))
    return cube


def cube_values(
    own: Mapping[OwnGroup, list[float]], only: Collection[tuple[str, str, str]] | None = None
) -> dict[tuple[str, str, str], tuple[list[float], list[float]]]:
    """The values of each group (seniority, country, remote) of salary_cube_of_groups: its unflagged and its
    flagged salaries, each list ascending."""
    # one list per finest group, then each roll-up as the concatenation of the groups it covers; the ALL
    # country groups come from their own lists, since a posting naming several countries counts once there
    by_country: dict[tuple[str, str, str, bool], list[float]] = defaultdict(list)
    by_posting: dict[tuple[str, str, str, bool], list[float]] = defaultdict(list)
    for (seniority_value, remote_value, countries, flagged), values in own.items():
        seniority, remote = seniority_value or NONE, remote_value or NONE
        by_posting[(seniority, ALL, remote, flagged)].extend(values)
        for country in dict.fromkeys(c.upper() for c in countries) if countries else (NONE,):
            by_country[(seniority, country, remote, flagged)].extend(values)
    groups: dict[tuple[str, str, str], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for finest in (by_country, by_posting):
        for (seniority, country, remote, flagged), values in finest.items():
            for s in (seniority, ALL):
                for r in (remote, ALL):
                    if only is not None and (s, country, r) not in only:
                        continue
                    clean, bad = groups[(s, country, r)]
                    (bad if flagged else clean).extend(values)
    for clean, bad in groups.values():
        clean.sort()
        bad.sort()
    return dict(groups)


def bucket_start(moment: datetime | date, bucket: Bucket) -> date:
    """The first day of the week (Monday) or month holding `moment`.

    >>> bucket_start(date(2026, 11, 29), "week"), bucket_start(date(2026, 11, 29), "month")
    (datetime.date(2026, 11, 23), datetime.date(2026, 11, 1))
    """
    day = moment.date() if isinstance(moment, datetime) else moment
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_bucket(start: date, bucket: Bucket) -> date:
    if bucket == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def bucket_starts(since: date, until: date, bucket: Bucket) -> list[date]:
    starts, current = [], bucket_start(since, bucket)
    while current <= until:
        starts.append(current)
        current = next_bucket(current, bucket)
    return starts


def utc_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


class HistoryPoint(NamedTuple):
    """One bucket: how many salaried postings were open during it, and their quartiles."""

    start: date
    postings: int
    quartiles: tuple[float, float, float] | None


def history_point(start: date, sorted_values: Sequence[float]) -> HistoryPoint:
    """The point of a bucket whose open salaries are `sorted_values` (ascending).

    >>> history_point(date(2026, 11, 30), [10.0, 20.0, 30.0, 40.0, 50.0])
    HistoryPoint(start=datetime.date(2026, 11, 30), postings=5, quartiles=(20.0, 30.0, 40.0))
    """
    if not sorted_values:
        return HistoryPoint(start, 0, None)
    low, mid, high = (percentile_cont(sorted_values, q) for q in QUARTILES)
    return HistoryPoint(start, len(sorted_values), (low, mid, high))


_first_seen = attrgetter("first_seen")


def salary_history_points(rows: Sequence[SalaryRow], starts: Sequence[date], bucket: Bucket) -> list[HistoryPoint]:
    """Quartiles per bucket over the rows open at some time during it (first seen before its end, not closed
    before its start), in one sweep over the buckets in order; every row is counted as given (filter first).
    `rows` come in `first_seen` order.
    """
    # one sorted list, each bucket's arrivals merged in by one sort (two runs: linear) and its leavers cut out by
    # slices, rather than inserted and removed one by one (a SortedList took 3x as long at 1M postings)
    still_open = [row for row in rows if row.closed_at is None]
    closed = [row for row in rows if row.closed_at is not None]
    leaving: list[tuple[datetime, int, float]] = []
    open_values: list[float] = []
    points, next_open, next_closed = [], 0, 0
    for start in starts:
        lo, hi = utc_midnight(start), utc_midnight(next_bucket(start, bucket))
        end = bisect_left(still_open, hi, lo=next_open, key=_first_seen)
        added = [row.value for row in still_open[next_open:end]]
        next_open, end = end, bisect_left(closed, hi, lo=next_closed, key=_first_seen)
        for n in range(next_closed, end):
            row = closed[n]
            if row.closed_at is not None and row.closed_at >= lo:
                added.append(row.value)
                heapq.heappush(leaving, (row.closed_at, n, row.value))
        next_closed = end
        if added:
            open_values += added
            open_values.sort()
        gone = []
        while leaving and leaving[0][0] < lo:
            gone.append(heapq.heappop(leaving)[2])
        if gone:
            open_values = without(open_values, sorted(gone))
        points.append(history_point(start, open_values))
    return points


def without(sorted_values: list[float], gone: list[float]) -> list[float]:
    """`sorted_values` less one occurrence of each of `gone` (sorted, each present), copied slice by slice.

    >>> without([1.0, 2.0, 2.0, 3.0, 5.0], [2.0, 2.0, 5.0])
    [1.0, 3.0]
    """
    kept: list[float] = []
    previous = 0
    for value in gone:
        index = bisect_left(sorted_values, value, lo=previous)
        kept += sorted_values[previous:index]
        previous = index + 1
    kept += sorted_values[previous:]
    return kept
