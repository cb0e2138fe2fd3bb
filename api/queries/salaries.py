"""Salary statistics and their history computed live from the postings (DESIGN.md section 7): the reference
the summaries are checked against, and the path for what summaries do not hold (`since`, unsummarized categories).

One annual USD midpoint per open, unflagged, representative posting.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    bindparam,
    cast,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from models.filters import as_utc, json_array_has
from models.salary_stats import (
    HISTOGRAM_TOP_USD,
    HISTOGRAM_WIDTH_USD,
    MIN_GROUP_FOR_QUANTILES,
    QUANTILES,
    Bucket,
    Distribution,
    next_bucket,
    percentile_cont,
)
from models.schemas import (
    HistogramBucketOut,
    HistoryPointOut,
    SalaryStatsOut,
)
from models.tables import Posting
from models.taxonomy import Category


@dataclass(frozen=True, slots=True)
class SalaryScope:
    """Which postings a salary statistic covers, besides the fixed definition (open, representative)."""

    category: str | None = None
    remote: str | None = None
    country: str | None = None
    since: datetime | None = None
    include_flagged: bool = False


def salary_conditions(session: Session, scope: SalaryScope) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        Posting.duplicate_of.is_(None),
        Posting.closed_at.is_(None),
        Posting.annual_usd_mid.is_not(None),
    ]
    if scope.category is not None:
        conditions.append(Posting.category == scope.category)
    if scope.remote is not None:
        conditions.append(Posting.remote == scope.remote)
    if scope.country is not None:
        conditions.append(json_array_has(session, Posting.countries, scope.country.upper()))
    if scope.since is not None:
        conditions.append(func.coalesce(Posting.posted_at, Posting.first_seen) >= scope.since)
    return conditions


def _histogram(counts: dict[int, int], maximum: float) -> list[HistogramBucketOut]:
    """Buckets of HISTOGRAM_WIDTH_USD from the lowest to the highest one used; the last, from
    HISTOGRAM_TOP_USD, runs to the maximum."""
    top = int(HISTOGRAM_TOP_USD // HISTOGRAM_WIDTH_USD)
    folded: dict[int, int] = defaultdict(int)
    for index, count in counts.items():
        folded[max(0, min(index, top))] += count
    if not folded:
        return []
    buckets = []
    for index in range(min(folded), max(folded) + 1):
        lo = index * HISTOGRAM_WIDTH_USD
        hi = lo + HISTOGRAM_WIDTH_USD
        if index == top:
            hi = max(hi, math.floor(maximum / HISTOGRAM_WIDTH_USD) * HISTOGRAM_WIDTH_USD + HISTOGRAM_WIDTH_USD)
        buckets.append(HistogramBucketOut(lo=lo, hi=hi, count=folded.get(index, 0)))
    return buckets


def live_salary_stats(session: Session, scope: SalaryScope, categories: Sequence[Category]) -> list[SalaryStatsOut]:
    """Per category of `categories` (in that order), by the definition of DESIGN.md section 7."""
    base = salary_conditions(session, scope)
    included = base if scope.include_flagged else [*base, Posting.salary_flagged.is_(False)]
    value = Posting.annual_usd_mid
    bucket: ColumnElement[Any]
    groups: dict[str, Distribution] = defaultdict(Distribution)
    if not scope.include_flagged:
        excluded = select(Posting.category, func.count()).where(*base, Posting.salary_flagged.is_(True))
        for category, count in session.execute(excluded.group_by(Posting.category)):
            groups[category].excluded = count
    if session.get_bind().dialect.name == "postgresql":
        quantiles = [func.percentile_cont(q).within_group(value) for q in QUANTILES]
        query = select(Posting.category, func.count(), func.min(value), func.max(value), *quantiles)
        for category, count, low, high, *qs in session.execute(query.where(*included).group_by(Posting.category)):
            group = groups[category]
            group.count, group.minimum, group.maximum, group.quantiles = count, low, high, tuple(qs)
        bucket = func.floor(value / HISTOGRAM_WIDTH_USD)
    else:
        values: dict[str, list[float]] = defaultdict(list)
        query = select(Posting.category, value).where(*included).order_by(Posting.category, value)
        for category, amount in session.execute(query):
            if amount is not None:  # the query keeps salaried postings only; the column type cannot say so
                values[category].append(amount)
        for category, amounts in values.items():
            group = groups[category]
            group.count, group.minimum, group.maximum = len(amounts), amounts[0], amounts[-1]
            group.quantiles = tuple(percentile_cont(amounts, q) for q in QUANTILES)
        bucket = cast(value / HISTOGRAM_WIDTH_USD, Integer)
    histogram = select(Posting.category, bucket, func.count()).where(*included).group_by(Posting.category, bucket)
    for category, index, count in session.execute(histogram):
        if index is not None and math.isfinite(index):
            groups[category].bins[int(index)] = count
    return [stats_out(category.slug, groups.get(category.slug, Distribution())) for category in categories]


def finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def stats_out(slug: str, group: Distribution) -> SalaryStatsOut:
    """The API's statistic of one group: quantiles, extremes and histogram only for groups large enough."""
    enough = group.count >= MIN_GROUP_FOR_QUANTILES and group.quantiles is not None
    qs: Sequence[float | None] = group.quantiles if enough and group.quantiles else (None,) * len(QUANTILES)
    return SalaryStatsOut(
        category=slug,
        count=group.count,
        excluded_flagged=group.excluded,
        min=finite(group.minimum) if enough else None,
        p10=finite(qs[0]),
        p25=finite(qs[1]),
        p50=finite(qs[2]),
        p75=finite(qs[3]),
        p90=finite(qs[4]),
        max=finite(group.maximum) if enough else None,
        histogram=_histogram(group.bins, group.maximum or 0.0) if enough else [],
    )


def live_salary_history(
    session: Session, category: str, starts: Sequence[date], bucket: Bucket, *, include_flagged: bool = False
) -> list[HistoryPointOut]:
    """Quartiles per bucket over the postings open at some time during it (first seen before its end,
    not closed before its start)."""
    if not starts:
        return []
    bounds = [(as_utc(s), as_utc(next_bucket(s, bucket))) for s in starts]
    conditions: list[ColumnElement[bool]] = [
        Posting.category == category,
        Posting.duplicate_of.is_(None),
        Posting.annual_usd_mid.is_not(None),
        Posting.first_seen < bounds[-1][1],
        or_(Posting.closed_at.is_(None), Posting.closed_at >= bounds[0][0]),
    ]
    if not include_flagged:
        conditions.append(Posting.salary_flagged.is_(False))
    stats: dict[date, tuple[int, tuple[float | None, ...]]] = {}
    if session.get_bind().dialect.name == "postgresql":
        stats = _history_postgres(session, conditions, starts, bounds)
    else:
        rows = session.execute(
            select(Posting.first_seen, Posting.closed_at, Posting.annual_usd_mid).where(*conditions)
        ).all()
        for start, (lo, hi) in zip(starts, bounds, strict=True):
            values = sorted(
                v for first, closed, v in rows if v is not None and first < hi and (closed is None or closed >= lo)
            )
            quartiles: tuple[float | None, ...] = (None, None, None)
            if values:
                quartiles = tuple(percentile_cont(values, q) for q in (0.25, 0.5, 0.75))
            stats[start] = (len(values), quartiles)
    points = []
    for start in starts:
        count, qs = stats.get(start, (0, (None, None, None)))
        if count < MIN_GROUP_FOR_QUANTILES:
            qs = (None, None, None)
        points.append(
            HistoryPointOut(start=start, count=count, p25=finite(qs[0]), p50=finite(qs[1]), p75=finite(qs[2]))
        )
    return points


def _history_postgres(
    session: Session,
    conditions: list[ColumnElement[bool]],
    starts: Sequence[date],
    bounds: Sequence[tuple[datetime, datetime]],
) -> dict[date, tuple[int, tuple[float | None, ...]]]:
    edges = (
        select(
            func.unnest(bindparam("los", [lo for lo, _ in bounds], type_=_timestamptz_array())).label("lo"),
            func.unnest(bindparam("his", [hi for _, hi in bounds], type_=_timestamptz_array())).label("hi"),
        )
    ).subquery("b")
    value = Posting.annual_usd_mid
    query = (
        select(
            edges.c.lo,
            func.count(value),
            *(func.percentile_cont(q).within_group(value) for q in (0.25, 0.5, 0.75)),
        )
        .select_from(edges)
        .join(
            Posting,
            and_(
                Posting.first_seen < edges.c.hi,
                or_(Posting.closed_at.is_(None), Posting.closed_at >= edges.c.lo),
            ),
        )
        .where(*conditions)
        .group_by(edges.c.lo)
    )
    by_lo = {lo: start for start, (lo, _) in zip(starts, bounds, strict=True)}
    result: dict[date, tuple[int, tuple[float | None, ...]]] = {}
    for lo, count, *qs in session.execute(query):
        start = by_lo.get(lo.astimezone(UTC))
        if start is not None:
            result[start] = (count, tuple(qs))
    return result


def _timestamptz_array() -> Any:
    from sqlalchemy.dialects.postgresql import ARRAY, TIMESTAMP

    return ARRAY(TIMESTAMP(timezone=True))
