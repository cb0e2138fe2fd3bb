"""Salary statistics since a time (`/salaries?since=`): the union of the stored salary periods that start at or
after it (models.tables.SalaryPeriod: each cell's sorted salaries per posted week and block of weeks; its weeks up
to the first block, then blocks) and the open postings posted between it and the first of those weeks, read live.
Exact: the distribution of the union is models.sorted_union.describe_union, models.salary_stats.describe of the
values merged (without merging them).

Also the live reads the definition shares: the open salaried postings posted in a range, grouped as the summaries
group them. Must not import `scraper`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import product
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from api.queries.salaries import SalaryScope, salary_conditions
from models.db import driver_connection
from models.salary_periods import BLOCK_WEEKS, first_block_from
from models.salary_stats import (
    ALL,
    NONE,
    CellKey,
    Distribution,
    GroupBy,
    OwnGroup,
    bucket_start,
    cube_values,
    utc_midnight,
)
from models.sorted_union import describe_union, unpack_values
from models.tables import POSTED, SALARY_ROW_COLUMNS, Posting, SalaryPeriod

# Per dimension (seniority, country, remote), the one key a cell must have; None: any but ALL (grouped by it).
Wanted = dict[str, str | None]
Cell = tuple[str, str, str]


def wanted_keys(scope: SalaryScope, group_by: GroupBy | None) -> Wanted:
    """The cells `scope`'s filters and `group_by` ask for."""
    filters = {
        "seniority": ALL,
        "country": scope.country.upper() if scope.country else ALL,
        "remote": scope.remote or ALL,
    }
    wanted: Wanted = dict(filters)
    if group_by is not None:
        wanted[group_by] = filters[group_by] if filters[group_by] != ALL else None
    return wanted


def cell_wanted(cell: Cell, wanted: Wanted) -> bool:
    for value, key in zip(cell, (wanted["seniority"], wanted["country"], wanted["remote"]), strict=True):
        if (value == ALL) if key is None else (value != key):
            return False
    return True


def first_full_week(since: datetime) -> datetime:
    """The first week (Monday, UTC) starting at or after `since`."""
    start = utc_midnight(bucket_start(since.astimezone(UTC), "week"))
    if start >= since:
        return start
    try:
        return start + timedelta(days=7)
    except OverflowError:  # since in the last days of year 9999: no stored week after it
        return datetime.max.replace(tzinfo=UTC)


# The open salaried postings posted in a range, grouped as the summaries group them: one range of the index
# ix_postings_open_salaries_posted per category (no table row), arrays in the binary protocol. The hash of the
# groups takes ~12 MB at a million postings: more than the default work_mem, which would sort them instead.
_POSTED_GROUPS = f"""
SELECT category, seniority, remote, countries::text, salary_flagged, array_agg(annual_usd_mid)
FROM postings
WHERE category = ANY(%(categories)s) AND {POSTED} >= %(since)s AND {POSTED} < %(until)s
  AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL AND closed_at IS NULL
GROUP BY category, seniority, remote, countries::text, salary_flagged
"""


def posted_groups(
    session: Session, slugs: Sequence[str], since: datetime | None, until: datetime | None = None
) -> dict[str, dict[OwnGroup, list[float]]]:
    """Per category, the open salaried postings posted from `since` (any time: None) to before `until`, by the
    groups they state (seniority, remote, countries, flagged)."""
    own: dict[str, dict[OwnGroup, list[float]]] = {slug: {} for slug in slugs}
    if session.get_bind().dialect.name == "postgresql":
        bounds = {"since": since or datetime(1, 1, 1, tzinfo=UTC), "until": until or datetime(9999, 1, 1, tzinfo=UTC)}
        with driver_connection(session.connection()).cursor(binary=True) as cursor:
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(_POSTED_GROUPS, {"categories": list(slugs), **bounds})
            for category, seniority, remote, countries, flagged, values in cursor.fetchall():
                listed = tuple(orjson.loads(countries)) if countries is not None else ()
                own[category][(seniority, remote, listed, flagged)] = values
        return own
    grouped: dict[str, dict[OwnGroup, list[float]]] = {slug: defaultdict(list) for slug in slugs}
    conditions = salary_conditions(session, SalaryScope(since=since))
    if until is not None:
        conditions.append(func.coalesce(Posting.posted_at, Posting.first_seen) < until)
    query = select(Posting.category, *SALARY_ROW_COLUMNS).where(*conditions, Posting.category.in_(list(slugs)))
    found_rows: Any = session.execute(query)  # typed per column by SQLAlchemy 2.1, as tuples by 2.0
    for category, seniority, remote, countries, flagged, value, *_ in found_rows:
        grouped[category][(seniority, remote, tuple(countries or ()), flagged)].append(value)
    return {slug: dict(groups) for slug, groups in grouped.items()}


def wanted_cells(groups: dict[OwnGroup, list[float]], wanted: Wanted) -> set[Cell]:
    """The cells of `wanted` that these groups' postings may count in (cube_values keeps those they do)."""
    seen: dict[str, set[str]] = {"seniority": set(), "country": set(), "remote": set()}
    for seniority, remote, countries, _ in groups:
        seen["seniority"].add(seniority or NONE)
        seen["remote"].add(remote or NONE)
        seen["country"].update({country.upper() for country in countries} if countries else {NONE})
    keys = [{key} if key is not None else seen[dimension] for dimension, key in wanted.items()]
    return {(seniority, country, remote) for seniority, country, remote in product(*keys)}


def _period_conditions(wanted: Wanted) -> list[ColumnElement[bool]]:
    conditions = []
    for dimension, key in wanted.items():
        column = getattr(SalaryPeriod, dimension)
        conditions.append(column != ALL if key is None else column == key)
    return conditions


# Per category and cell, the stored spans' sorted lists (unflagged, flagged) and the number of flagged values.
Parts = dict[str, dict[Cell, tuple[list[Sequence[float]], list[Sequence[float]], int]]]

_PERIODS = f"""
SELECT category, seniority, country, remote, clean, {{flagged}}
FROM salary_periods
WHERE category = ANY(%(categories)s) AND {{cells}}
  AND (weeks = 1 AND start >= %(week)s AND start < %(block)s OR weeks = {BLOCK_WEEKS} AND start >= %(block)s)
"""


def _stored_parts(session: Session, slugs: Sequence[str], week: datetime, wanted: Wanted, flagged: bool) -> Parts:
    """The stored lists of the wanted cells from `week` on: its weeks up to the first block starting at or after
    it, the blocks from there (the flagged lists too if `flagged`, else their count)."""
    parts: Parts = {slug: {} for slug in slugs}
    try:
        block = first_block_from(week.date())
    except OverflowError:  # a week in the last block of year 9999
        block = date.max
    rows: Any
    if session.get_bind().dialect.name == "postgresql":
        cells, values = [], {"categories": list(slugs), "week": week.date(), "block": block}
        for dimension, key in wanted.items():
            cells.append(f"{dimension} <> '{ALL}'" if key is None else f"{dimension} = %({dimension})s")
            values[dimension] = key
        # without the flagged values, their count: length in bytes (8 each)
        sql = _PERIODS.format(flagged="flagged" if flagged else "length(flagged)", cells=" AND ".join(cells))
        with driver_connection(session.connection()).cursor(binary=True) as cursor:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
    else:
        query = select(
            SalaryPeriod.category,
            SalaryPeriod.seniority,
            SalaryPeriod.country,
            SalaryPeriod.remote,
            SalaryPeriod.clean,
            SalaryPeriod.flagged,
        ).where(
            SalaryPeriod.category.in_(list(slugs)),
            *_period_conditions(wanted),
            or_(
                and_(SalaryPeriod.weeks == 1, SalaryPeriod.start >= week.date(), SalaryPeriod.start < block),
                and_(SalaryPeriod.weeks == BLOCK_WEEKS, SalaryPeriod.start >= block),
            ),
        )
        rows = [(*row[:5], row[5] if flagged else len(row[5])) for row in session.execute(query)]
    for category, seniority, country, remote, clean, bad in rows:
        cell = (seniority, country, remote)
        found = parts[category].get(cell)
        if found is None:
            found = parts[category][cell] = ([], [], 0)
        if clean:
            found[0].append(unpack_values(clean))
        if flagged and bad:
            found[1].append(unpack_values(bad))
        parts[category][cell] = (found[0], found[1], found[2] + (len(bad) if flagged else bad) // 8)
    return parts


def period_cubes(
    session: Session, scope: SalaryScope, slugs: Sequence[str], wanted: Wanted
) -> dict[str, dict[CellKey, Distribution]]:
    """The wanted cells of each category (whose salary periods are kept) over the open postings posted since
    `scope.since`: the stored spans from the first week that starts at or after it, the days before read live."""
    assert scope.since is not None
    week = first_full_week(scope.since)
    parts = _stored_parts(session, slugs, week, wanted, scope.include_flagged)
    if week > scope.since:
        for slug, groups in posted_groups(session, slugs, scope.since, week).items():
            for cell, (clean, bad) in cube_values(groups, wanted_cells(groups, wanted)).items():
                stored = parts[slug].get(cell, ([], [], 0))
                parts[slug][cell] = ([*stored[0], clean], [*stored[1], bad], stored[2] + len(bad))
    cubes: dict[str, dict[CellKey, Distribution]] = {}
    for slug, cells in parts.items():
        cube = cubes[slug] = {}
        for cell, (clean_parts, bad_parts, excluded) in cells.items():
            if scope.include_flagged:
                cube[CellKey(*cell, True)] = describe_union([*clean_parts, *bad_parts])
            else:
                cube[CellKey(*cell, False)] = describe_union(clean_parts, excluded=excluded)
    return cubes
