"""Salary statistics, breakdowns and history read from the summaries the pipeline keeps (a few rows per answer).

A `since` filter reads the salary periods the same upkeep keeps (api.queries.salary_periods). What summaries do
not hold is computed live by the same definition: a category whose summaries were never computed (data written
around the pipeline). Must not import `scraper`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from api.queries.salaries import (
    SalaryScope,
    finite,
    live_salary_history,
    live_salary_stats,
    stats_out,
)
from api.queries.salary_periods import period_cubes, posted_groups, wanted_cells, wanted_keys
from models.enums import RemoteMode, Seniority
from models.salary_stats import (
    ALL,
    MIN_GROUP_FOR_QUANTILES,
    NONE,
    Bucket,
    CellKey,
    Distribution,
    GroupBy,
    bucket_start,
    salary_cube_of_groups,
)
from models.schemas import HistoryPointOut, SalaryGroupStatsOut, SalaryStatsOut
from models.tables import SalaryHistoryPoint, SalarySummary, SummaryState
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


def _cell_conditions(scope: SalaryScope, group_by: GroupBy | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [SalarySummary.include_flagged.is_(scope.include_flagged)]
    for dimension, key in wanted_keys(scope, group_by).items():
        column = getattr(SalarySummary, dimension)
        conditions.append(column != ALL if key is None else column == key)
    return conditions


def _matches(cell: CellKey, scope: SalaryScope, group_by: GroupBy | None) -> bool:
    if cell.include_flagged is not scope.include_flagged:
        return False
    for dimension, key in wanted_keys(scope, group_by).items():
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


def _since_cubes(
    session: Session, scope: SalaryScope, slugs: Sequence[str], group_by: GroupBy | None
) -> dict[str, dict[CellKey, Distribution]]:
    """The cells of each category that `scope` and `group_by` ask for, `since` applied: from the salary periods
    where the summaries are kept (with `since`), otherwise computed from its postings now."""
    wanted = wanted_keys(scope, group_by)
    states = summarized(session, slugs) if scope.since is not None else {}
    kept = [slug for slug in slugs if slug in states]
    cubes = period_cubes(session, scope, kept, wanted) if kept else {}
    live = [slug for slug in slugs if slug not in states]
    for slug, groups in (posted_groups(session, live, scope.since) if live else {}).items():
        cubes[slug] = salary_cube_of_groups(groups, wanted_cells(groups, wanted))
    return cubes


def salary_stats(session: Session, scope: SalaryScope, categories: Sequence[Category]) -> list[SalaryStatsOut]:
    """Per category of `categories` (in that order), by the definition of DESIGN.md section 7."""
    if scope.since is not None:
        cubes = _since_cubes(session, scope, [c.slug for c in categories], None)
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
    for slug, cube in (_since_cubes(session, scope, live, group_by) if live else {}).items():
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
