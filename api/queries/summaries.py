"""Salary statistics, breakdowns and history read from the summaries the pipeline keeps (a few rows per answer).

What summaries do not hold is computed live by the same definition: a `since` filter, and a category whose
summaries were never computed (data written around the pipeline). Must not import `scraper`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

import orjson
import psycopg
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.queries.salaries import (
    SalaryScope,
    finite,
    live_salary_history,
    live_salary_stats,
    salary_conditions,
    stats_out,
)
from models.enums import RemoteMode, Seniority
from models.salary_stats import (
    ALL,
    MIN_GROUP_FOR_QUANTILES,
    NONE,
    Bucket,
    CellKey,
    Distribution,
    GroupBy,
    OwnGroup,
    bucket_start,
    cells_of,
    salary_cube_of_groups,
)
from models.schemas import HistoryPointOut, SalaryGroupStatsOut, SalaryStatsOut
from models.tables import POSTED, SALARY_ROW_COLUMNS, Posting, SalaryHistoryPoint, SalarySummary, SummaryState
from models.taxonomy import Category

_DIMENSIONS: tuple[GroupBy, ...] = ("seniority", "country", "remote")
_ORDER = {
    "seniority": {s.value: n for n, s in enumerate(Seniority)},
    "remote": {r.value: n for n, r in enumerate(RemoteMode)},
}


def summarized(session: Session, slugs: Iterable[str]) -> dict[str, datetime]:
    """The categories among `slugs` whose summaries exist, with when they were computed."""
    query = select(SummaryState.category, SummaryState.refreshed_at).where(SummaryState.category.in_(list(slugs)))
    return {category: refreshed_at for category, refreshed_at in session.execute(query)}


def _wanted(scope: SalaryScope, group_by: GroupBy | None) -> dict[str, str | None]:
    """Per dimension, the one key a cell must have (None: any but ALL, the dimension grouped by)."""
    filters = {
        "seniority": ALL,
        "country": scope.country.upper() if scope.country else ALL,
        "remote": scope.remote or ALL,
    }
    wanted: dict[str, str | None] = dict(filters)
    if group_by is not None:
        wanted[group_by] = filters[group_by] if filters[group_by] != ALL else None
    return wanted


def _cell_conditions(scope: SalaryScope, group_by: GroupBy | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [SalarySummary.include_flagged.is_(scope.include_flagged)]
    for dimension, key in _wanted(scope, group_by).items():
        column = getattr(SalarySummary, dimension)
        conditions.append(column != ALL if key is None else column == key)
    return conditions


def _matches(cell: CellKey, scope: SalaryScope, group_by: GroupBy | None) -> bool:
    if cell.include_flagged is not scope.include_flagged:
        return False
    for dimension, key in _wanted(scope, group_by).items():
        value = getattr(cell, dimension)
        if (value == ALL) if key is None else (value != key):
            return False
    return True


def _distribution(row: SalarySummary) -> Distribution:
    quantiles = (row.p10, row.p25, row.p50, row.p75, row.p90)
    return Distribution(
        count=row.count,
        excluded=row.excluded_flagged,
        minimum=row.minimum,
        maximum=row.maximum,
        quantiles=None if any(q is None for q in quantiles) else quantiles,  # type: ignore[arg-type]
        bins={int(index): count for index, count in (row.histogram or {}).items()},
    )


def _live_cubes(
    session: Session, scope: SalaryScope, slugs: Sequence[str], group_by: GroupBy | None
) -> dict[str, dict[CellKey, Distribution]]:
    """The cells of each category that `scope` and `group_by` ask for, computed from its postings now (`since`
    applies; other filters pick cells)."""
    if session.get_bind().dialect.name == "postgresql":
        own = _open_groups_postgres(session, scope, slugs)
    else:
        own = {slug: defaultdict(list) for slug in slugs}
        unfiltered = SalaryScope(since=scope.since)
        query = select(Posting.category, *SALARY_ROW_COLUMNS).where(
            *salary_conditions(session, unfiltered), Posting.category.in_(list(slugs))
        )
        found_rows: Any = session.execute(query)  # typed per column by SQLAlchemy 2.1, as tuples by 2.0
        for category, seniority, remote, countries, flagged, value, *_ in found_rows:
            own[category][(seniority, remote, tuple(countries or ()), flagged)].append(value)
    wanted = _wanted(scope, group_by)
    cubes = {}
    for slug, groups in own.items():
        cells = {cell for s, r, countries, _ in groups for cell in cells_of(s, r, countries)}
        only = {cell for cell in cells if _cell_wanted(cell, wanted)}
        cubes[slug] = salary_cube_of_groups(groups, only)
    return cubes


def _cell_wanted(cell: tuple[str, str, str], wanted: dict[str, str | None]) -> bool:
    for value, key in zip(cell, (wanted["seniority"], wanted["country"], wanted["remote"]), strict=True):
        if (value == ALL) if key is None else (value != key):
            return False
    return True


# The open salaried postings posted since a time, grouped as the summaries group them: one range of the index
# ix_postings_open_salaries_posted per category (no table row), arrays in the binary protocol. The hash of the
# groups takes ~12 MB at a million postings: more than the default work_mem, which would sort them instead.
_OPEN_GROUPS_SINCE = f"""
SELECT category, seniority, remote, countries::text, salary_flagged, array_agg(annual_usd_mid)
FROM postings
WHERE category = ANY(%(categories)s) AND {POSTED} >= %(since)s
  AND annual_usd_mid IS NOT NULL AND duplicate_of IS NULL AND closed_at IS NULL
GROUP BY category, seniority, remote, countries::text, salary_flagged
"""


def _open_groups_postgres(
    session: Session, scope: SalaryScope, slugs: Sequence[str]
) -> dict[str, dict[OwnGroup, list[float]]]:
    own: dict[str, dict[OwnGroup, list[float]]] = {slug: {} for slug in slugs}
    driver = cast("psycopg.Connection[Any]", session.connection().connection.driver_connection)
    since = scope.since or datetime(1, 1, 1, tzinfo=UTC)
    with driver.cursor(binary=True) as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_OPEN_GROUPS_SINCE, {"categories": list(slugs), "since": since})
        for category, seniority, remote, countries, flagged, values in cursor:
            listed = tuple(orjson.loads(countries)) if countries is not None else ()
            own[category][(seniority, remote, listed, flagged)] = values
    return own


def salary_stats(session: Session, scope: SalaryScope, categories: Sequence[Category]) -> list[SalaryStatsOut]:
    """Per category of `categories` (in that order), by the definition of DESIGN.md section 7."""
    if scope.since is not None:
        cubes = _live_cubes(session, scope, [c.slug for c in categories], None)
        key = CellKey(ALL, scope.country.upper() if scope.country else ALL, scope.remote or ALL, scope.include_flagged)
        return [stats_out(c.slug, cubes[c.slug].get(key) or Distribution()) for c in categories]
    states = summarized(session, [c.slug for c in categories])
    live = [c for c in categories if c.slug not in states]
    found = {s.category: s for s in live_salary_stats(session, scope, live)} if live else {}
    if states:
        query = select(SalarySummary).where(SalarySummary.category.in_(list(states)), *_cell_conditions(scope, None))
        for row in session.scalars(query):
            found[row.category] = stats_out(row.category, _distribution(row))
    return [found.get(c.slug) or stats_out(c.slug, Distribution()) for c in categories]


def salary_breakdown(
    session: Session, scope: SalaryScope, categories: Sequence[Category], group_by: GroupBy
) -> list[SalaryGroupStatsOut]:
    """Per category (in order), one statistic per value of `group_by` found among its postings, `null` last."""
    slugs = [c.slug for c in categories]
    states = {} if scope.since is not None else summarized(session, slugs)
    groups: dict[str, dict[str, Distribution]] = {slug: {} for slug in slugs}
    live = [slug for slug in slugs if slug not in states]
    for slug, cube in (_live_cubes(session, scope, live, group_by) if live else {}).items():
        for cell, stats in cube.items():
            if _matches(cell, scope, group_by):
                groups[slug][getattr(cell, group_by)] = stats
    if states:
        query = select(SalarySummary).where(
            SalarySummary.category.in_(list(states)), *_cell_conditions(scope, group_by)
        )
        for row in session.scalars(query):
            groups[row.category][getattr(row, group_by)] = _distribution(row)
    order = _ORDER.get(group_by, {})
    out = []
    for slug in slugs:
        for key in sorted(groups[slug], key=lambda k: (k == NONE, order.get(k, 0), k)):
            fields = stats_out(slug, groups[slug][key]).model_dump()
            out.append(SalaryGroupStatsOut(**fields, group_by=group_by, group=key or None))
    return out


def salary_history(
    session: Session, category: str, starts: Sequence[date], bucket: Bucket, *, include_flagged: bool = False
) -> list[HistoryPointOut]:
    """Quartiles per bucket over the postings open at some time during it (first seen before its end,
    not closed before its start)."""
    refreshed_at = summarized(session, [category]).get(category)
    if refreshed_at is None or not starts:
        return live_salary_history(session, category, starts, bucket, include_flagged=include_flagged)
    query = select(SalaryHistoryPoint.start, SalaryHistoryPoint.count, *_QUARTILE_COLUMNS).where(
        SalaryHistoryPoint.category == category,
        SalaryHistoryPoint.bucket == bucket,
        SalaryHistoryPoint.include_flagged.is_(include_flagged),
        SalaryHistoryPoint.start >= starts[0],
        SalaryHistoryPoint.start <= starts[-1],
    )
    stored = {start: (count, (p25, p50, p75)) for start, count, p25, p50, p75 in session.execute(query)}
    # Buckets after the summaries were computed hold exactly the postings open then: no run has landed since.
    now_open = session.execute(
        select(SalarySummary.count, SalarySummary.p25, SalarySummary.p50, SalarySummary.p75).where(
            SalarySummary.category == category,
            SalarySummary.seniority == ALL,
            SalarySummary.country == ALL,
            SalarySummary.remote == ALL,
            SalarySummary.include_flagged.is_(include_flagged),
        )
    ).first()
    last_stored = bucket_start(refreshed_at, bucket)
    points = []
    for start in starts:
        qs: tuple[float | None, ...]
        count, qs = stored.get(start, (0, (None, None, None)))
        if start > last_stored and now_open is not None:
            count, qs = now_open[0], tuple(now_open[1:])
        if count < MIN_GROUP_FOR_QUANTILES:
            qs = (None, None, None)
        points.append(
            HistoryPointOut(start=start, count=count, p25=finite(qs[0]), p50=finite(qs[1]), p75=finite(qs[2]))
        )
    return points


_QUARTILE_COLUMNS = (SalaryHistoryPoint.p25, SalaryHistoryPoint.p50, SalaryHistoryPoint.p75)
