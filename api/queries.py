"""Every database query of the API, read-only but for `request_run` (the one row the API writes).

Owns SQL and the mapping of rows to the API's schemas. Must not import `scraper`; the salary statistic
follows DESIGN.md section 7 (one annual USD midpoint per open, unflagged, representative posting).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, aliased

from api.cache import DataVersion
from api.cursor import decode_cursor, encode_cursor
from models.enums import EmploymentType, Seniority
from models.interval import format_interval
from models.schemas import (
    CategoryOut,
    CategorySalaryOut,
    FlagOut,
    HistogramBucketOut,
    HistoryPointOut,
    LastRunOut,
    LocationOut,
    PostingDetailOut,
    PostingFilters,
    PostingOut,
    PostingPage,
    SalaryOut,
    SalaryStatsOut,
    SourceOut,
)
from models.tables import POSTING_SEARCH_VECTOR, Posting, PostingChange, ScrapeRun, Source
from models.taxonomy import Category

# Fewer postings than this get a count but no quantiles: a statistic of two or three salaries says
# little and comes close to publishing individual offers.
MIN_GROUP_FOR_QUANTILES = 5
HISTOGRAM_WIDTH_USD = 20_000.0
HISTOGRAM_TOP_USD = 500_000.0  # everything above shares one last bucket
QUANTILES = (0.10, 0.25, 0.50, 0.75, 0.90)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EMPLOYMENT_TYPES = {e.value for e in EmploymentType}
_SENIORITIES = {s.value for s in Seniority}

_POSTING_COLUMNS = (
    Posting.id,
    Posting.source,
    Posting.external_id,
    Posting.url,
    Posting.title,
    Posting.title_raw,
    Posting.featured,
    Posting.company,
    Posting.category,
    Posting.location_raw,
    Posting.remote,
    Posting.countries,
    Posting.regions,
    Posting.cities,
    Posting.employment_types,
    Posting.seniority,
    Posting.tags,
    Posting.salary_raw,
    Posting.salary_min,
    Posting.salary_max,
    Posting.salary_currency,
    Posting.salary_period,
    Posting.salary_period_basis,
    Posting.annual_usd_min,
    Posting.annual_usd_max,
    Posting.flags,
    Posting.posted_at,
    Posting.first_seen,
    Posting.last_seen,
    Posting.closed_at,
    Posting.duplicate_of,
)


# ---------------------------------------------------------------------------------------------- version


def data_version(session: Session) -> DataVersion:
    """What the writer last touched: newest posting, change and run (each one index lookup)."""
    newest_posting = select(Posting.id, Posting.first_seen).order_by(Posting.id.desc()).limit(1)
    newest_change = select(PostingChange.id, PostingChange.changed_at).order_by(PostingChange.id.desc()).limit(1)
    newest_run = select(func.max(ScrapeRun.id), func.max(ScrapeRun.finished_at))
    posting_id, first_seen = session.execute(newest_posting).first() or (None, None)
    change_id, changed_at = session.execute(newest_change).first() or (None, None)
    run_id, finished_at = session.execute(newest_run).one()
    moments: list[datetime] = [m for m in (first_seen, changed_at, finished_at) if m is not None]
    modified = max(moments, default=_EPOCH)
    raw = f"{posting_id}|{change_id}|{run_id}|{finished_at}"
    return DataVersion(hashlib.blake2b(raw.encode(), digest_size=8).hexdigest(), modified)


# ---------------------------------------------------------------------------------------------- postings


def _json_array_has(
    session: Session, column: Any, value: str, *, case_insensitive: bool = False
) -> ColumnElement[bool]:
    """`value` is an element of the JSON array in `column` (PostgreSQL jsonb, SQLite json_each)."""
    if session.get_bind().dialect.name == "postgresql":
        if not case_insensitive:
            return column.op("@>")(func.jsonb_build_array(bindparam(None, value)))  # type: ignore[no-any-return]
        elements = func.jsonb_array_elements_text(column).table_valued("value").alias("e")
        return exists(select(1).select_from(elements).where(func.lower(elements.c.value) == value.lower()))
    elements = func.json_each(column).table_valued("value").alias("e")
    element = elements.c.value
    condition = func.lower(element) == value.lower() if case_insensitive else element == value
    return exists(select(1).select_from(elements).where(condition))


def _search(session: Session, q: str) -> ColumnElement[bool] | None:
    words = q.split()
    if not words:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # plainto_tsquery ANDs the words; the expression matches the GIN index ix_postings_search
        return literal_column(POSTING_SEARCH_VECTOR).op("@@")(func.plainto_tsquery(text("'simple'::regconfig"), q))
    # SQLite fallback: every word a substring of title or company, case-insensitive (ASCII)
    haystack = func.lower(Posting.title + " " + func.coalesce(Posting.company, ""))
    return and_(*(haystack.contains(word.lower(), autoescape=True) for word in words))


def as_utc(value: datetime | date) -> datetime:
    if isinstance(value, datetime):
        try:
            return value.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past the last representable UTC instant
            return datetime.max.replace(tzinfo=UTC) if value.year > 1 else datetime.min.replace(tzinfo=UTC)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def posting_conditions(session: Session, filters: PostingFilters) -> list[ColumnElement[bool]]:
    """The WHERE of a posting list: one row per job (representatives only) and every filter given."""
    conditions: list[ColumnElement[bool]] = [Posting.duplicate_of.is_(None)]
    if not filters.include_closed:
        conditions.append(Posting.closed_at.is_(None))
    if not filters.include_flagged:
        conditions.append(Posting.flagged.is_(False))
    if filters.category is not None:
        conditions.append(Posting.category == filters.category)
    if filters.q is not None:
        search = _search(session, filters.q)
        if search is not None:
            conditions.append(search)
    if filters.company is not None:
        conditions.append(Posting.company == filters.company)
    if filters.tag is not None:
        conditions.append(_json_array_has(session, Posting.tags, filters.tag, case_insensitive=True))
    if filters.featured is not None:
        conditions.append(Posting.featured.is_(filters.featured))
    if filters.remote is not None:
        conditions.append(Posting.remote == filters.remote.value)
    if filters.country is not None:
        conditions.append(_json_array_has(session, Posting.countries, filters.country.upper()))
    if filters.seniority is not None:
        conditions.append(Posting.seniority == filters.seniority.value)
    if filters.employment_type is not None:
        conditions.append(_json_array_has(session, Posting.employment_types, filters.employment_type.value))
    if filters.min_salary_usd is not None:
        top = func.coalesce(Posting.annual_usd_max, Posting.annual_usd_min)
        conditions.append(and_(Posting.salary_flagged.is_(False), top >= filters.min_salary_usd))
    if filters.posted_since is not None:
        since = as_utc(filters.posted_since)
        conditions.append(func.coalesce(Posting.posted_at, Posting.first_seen) >= since)
    if filters.source is not None:
        duplicate = aliased(Posting)
        conditions.append(
            or_(
                Posting.source == filters.source,
                exists(select(1).where(duplicate.duplicate_of == Posting.id, duplicate.source == filters.source)),
            )
        )
    return conditions


def _record_fields(row: Row[Any], sources: list[str]) -> dict[str, Any]:
    has_salary = any(
        v is not None for v in (row.salary_raw, row.salary_min, row.salary_max, row.annual_usd_min, row.annual_usd_max)
    )
    return {
        "id": row.id,
        "source": row.source,
        "sources": sources,
        "external_id": row.external_id,
        "url": row.url,
        "title": row.title,
        "title_raw": row.title_raw,
        "featured": row.featured,
        "company": row.company,
        "category": row.category,
        "location": LocationOut(
            raw=row.location_raw,
            remote=row.remote if row.remote in ("remote", "hybrid", "onsite") else None,
            countries=list(row.countries or ()),
            regions=list(row.regions or ()),
            cities=list(row.cities or ()),
        ),
        # values outside the vocabulary would be a writer bug; drop them rather than fail the page
        "employment_types": [e for e in (row.employment_types or ()) if e in _EMPLOYMENT_TYPES],
        "seniority": row.seniority if row.seniority in _SENIORITIES else None,
        "tags": list(row.tags or ()),
        "salary": SalaryOut(
            raw=row.salary_raw,
            min=row.salary_min,
            max=row.salary_max,
            currency=row.salary_currency,
            period=row.salary_period,
            period_basis=row.salary_period_basis,
            annual_usd_min=row.annual_usd_min,
            annual_usd_max=row.annual_usd_max,
        )
        if has_salary
        else None,
        "flags": [FlagOut(code=str(f.get("code", "")), message=str(f.get("message", ""))) for f in row.flags or ()],
        "posted_at": row.posted_at,
        "first_seen": row.first_seen,
        "last_seen": row.last_seen,
        "closed_at": row.closed_at,
    }


def _sources_of(session: Session, rows: Sequence[Row[Any]]) -> dict[int, list[str]]:
    """Every source listing each job: the representative's own and those of its duplicates."""
    representative = {row.id: row.duplicate_of or row.id for row in rows}
    found: dict[int, set[str]] = defaultdict(set)
    reps = set(representative.values())
    if reps:
        query = select(Posting.id, Posting.duplicate_of, Posting.source).where(
            or_(Posting.id.in_(reps), Posting.duplicate_of.in_(reps))
        )
        for posting_id, duplicate_of, source in session.execute(query):
            found[duplicate_of or posting_id].add(source)
    return {row.id: sorted(found[representative[row.id]] | {row.source}) for row in rows}


def _newest_first(query: Select[Any], cursor: str | None) -> Select[Any]:
    if cursor is not None:
        first_seen, posting_id = decode_cursor(cursor)
        after = tuple_(Posting.first_seen, Posting.id) < tuple_(
            bindparam(None, first_seen, type_=Posting.first_seen.type), bindparam(None, posting_id, type_=Integer())
        )
        query = query.where(after)
    return query.order_by(Posting.first_seen.desc(), Posting.id.desc())


def list_postings(
    session: Session,
    filters: PostingFilters,
    *,
    flagged_only: bool = False,
    flag_code: str | None = None,
    salary_flagged_only: bool = False,
) -> PostingPage:
    """A page of jobs newest first (keyset: stable while new postings arrive). InvalidCursor on a bad cursor."""
    conditions = posting_conditions(session, filters)
    if flagged_only:
        conditions.append(Posting.flagged.is_(True))
    if salary_flagged_only:
        conditions.append(Posting.salary_flagged.is_(True))
    if flag_code is not None:
        conditions.append(_flag_code(session, flag_code))
    query = _newest_first(select(*_POSTING_COLUMNS).where(*conditions), filters.cursor).limit(filters.limit + 1)
    rows = session.execute(query).all()
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    sources = _sources_of(session, rows)
    items = [PostingOut.model_validate(_record_fields(row, sources[row.id])) for row in rows]
    next_cursor = encode_cursor(rows[-1].first_seen, rows[-1].id) if more and rows else None
    return PostingPage(items=items, next_cursor=next_cursor)


def _flag_code(session: Session, code: str) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        return Posting.flags.op("@>")(func.jsonb_build_array(func.jsonb_build_object("code", code)))
    elements = func.json_each(Posting.flags).table_valued("value").alias("f")
    return exists(select(1).select_from(elements).where(func.json_extract(elements.c.value, "$.code") == code))


def postings_with_descriptions(session: Session, filters: PostingFilters) -> list[tuple[PostingOut, str | None]]:
    """The newest postings of a feed with their (unsanitized) descriptions."""
    query = _newest_first(
        select(*_POSTING_COLUMNS, Posting.description_html).where(*posting_conditions(session, filters)), None
    ).limit(filters.limit)
    rows = session.execute(query).all()
    sources = _sources_of(session, rows)
    return [(PostingOut.model_validate(_record_fields(row, sources[row.id])), row.description_html) for row in rows]


def get_posting(session: Session, posting_id: int) -> tuple[PostingDetailOut, str | None] | None:
    """One posting (duplicates too) with its unsanitized description; None when there is no such id."""
    row = session.execute(
        select(*_POSTING_COLUMNS, Posting.description_html, Posting.apply_url).where(Posting.id == posting_id)
    ).first()
    if row is None:
        return None
    sources = _sources_of(session, [row])
    fields = _record_fields(row, sources[row.id])
    detail = PostingDetailOut.model_validate({**fields, "description_html": None, "apply_url": row.apply_url})
    return detail, row.description_html


# ---------------------------------------------------------------------------------------------- salaries


@dataclass(frozen=True, slots=True)
class SalaryScope:
    """Which postings a salary statistic covers, besides the fixed definition (open, representative)."""

    category: str | None = None
    remote: str | None = None
    country: str | None = None
    since: datetime | None = None
    include_flagged: bool = False


def _salary_conditions(session: Session, scope: SalaryScope) -> list[ColumnElement[bool]]:
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
        conditions.append(_json_array_has(session, Posting.countries, scope.country.upper()))
    if scope.since is not None:
        conditions.append(func.coalesce(Posting.posted_at, Posting.first_seen) >= scope.since)
    return conditions


def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float:
    """PostgreSQL's percentile_cont on sorted values: linear interpolation between closest ranks.

    >>> percentile_cont([10.0, 20.0, 30.0, 40.0], 0.5)
    25.0
    >>> percentile_cont([10.0, 20.0, 30.0, 40.0], 0.1)
    13.0
    """
    position = fraction * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


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


@dataclass(slots=True)
class _Group:
    count: int = 0
    excluded: int = 0
    minimum: float | None = None
    maximum: float | None = None
    quantiles: tuple[float, ...] | None = None
    buckets: dict[int, int] | None = None


def salary_stats(session: Session, scope: SalaryScope, categories: Sequence[Category]) -> list[SalaryStatsOut]:
    """Per category of `categories` (in that order), by the definition of DESIGN.md section 7."""
    base = _salary_conditions(session, scope)
    included = base if scope.include_flagged else [*base, Posting.salary_flagged.is_(False)]
    value = Posting.annual_usd_mid
    bucket: ColumnElement[Any]
    groups: dict[str, _Group] = defaultdict(_Group)
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
            values[category].append(amount)
        for category, amounts in values.items():
            group = groups[category]
            group.count, group.minimum, group.maximum = len(amounts), amounts[0], amounts[-1]
            group.quantiles = tuple(percentile_cont(amounts, q) for q in QUANTILES)
        bucket = cast(value / HISTOGRAM_WIDTH_USD, Integer)
    histogram = select(Posting.category, bucket, func.count()).where(*included).group_by(Posting.category, bucket)
    for category, index, count in session.execute(histogram):
        if index is not None and math.isfinite(index):
            buckets = groups[category].buckets
            if buckets is None:
                buckets = groups[category].buckets = {}
            buckets[int(index)] = count
    return [_stats_out(category.slug, groups.get(category.slug, _Group())) for category in categories]


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def _stats_out(slug: str, group: _Group) -> SalaryStatsOut:
    enough = group.count >= MIN_GROUP_FOR_QUANTILES and group.quantiles is not None
    qs: Sequence[float | None] = group.quantiles if enough and group.quantiles else (None,) * len(QUANTILES)
    return SalaryStatsOut(
        category=slug,
        count=group.count,
        excluded_flagged=group.excluded,
        min=_finite(group.minimum) if enough else None,
        p10=_finite(qs[0]),
        p25=_finite(qs[1]),
        p50=_finite(qs[2]),
        p75=_finite(qs[3]),
        p90=_finite(qs[4]),
        max=_finite(group.maximum) if enough else None,
        histogram=_histogram(group.buckets or {}, group.maximum or 0.0) if enough else [],
    )


Bucket = Literal["week", "month"]


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


def salary_history(
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
            values = sorted(v for first, closed, v in rows if first < hi and (closed is None or closed >= lo))
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
            HistoryPointOut(start=start, count=count, p25=_finite(qs[0]), p50=_finite(qs[1]), p75=_finite(qs[2]))
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


# ---------------------------------------------------------------------------------------------- categories


def open_jobs_by_category(session: Session) -> dict[str, int]:
    query = (
        select(Posting.category, func.count())
        .where(Posting.closed_at.is_(None), Posting.duplicate_of.is_(None))
        .group_by(Posting.category)
    )
    return {category: count for category, count in session.execute(query)}


def list_categories(session: Session, categories: Sequence[Category]) -> list[CategoryOut]:
    """Every category of the taxonomy, empty ones too, with open jobs and the median salary."""
    counts = open_jobs_by_category(session)
    stats = {s.category: s for s in salary_stats(session, SalaryScope(), categories)}
    return [
        CategoryOut(
            slug=c.slug,
            name=c.name,
            open_jobs=counts.get(c.slug, 0),
            salary=CategorySalaryOut(count=stats[c.slug].count, p50=stats[c.slug].p50),
        )
        for c in categories
    ]


# ---------------------------------------------------------------------------------------------- sources


def list_sources(session: Session) -> list[SourceOut]:
    """Every configured source with its newest run."""
    newest = select(func.max(ScrapeRun.id)).group_by(ScrapeRun.source)
    runs = {run.source: run for run in session.scalars(select(ScrapeRun).where(ScrapeRun.id.in_(newest)))}
    out = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        run = runs.get(source.name)
        out.append(
            SourceOut(
                name=source.name,
                kind=source.kind,
                url=source.url,
                every=format_interval(source.every_seconds),
                enabled=source.enabled,
                run_requested_at=source.run_requested_at,
                last_run=None
                if run is None
                else LastRunOut(
                    status=run.status,
                    started_at=run.started_at,
                    finished_at=run.finished_at,
                    counts=run.counts,
                    error=run.error,
                ),
            )
        )
    return out


def last_run_statuses(session: Session) -> list[tuple[str, str, datetime | None]]:
    """(source, status, finished_at) of each source's newest run, for metrics."""
    newest = select(func.max(ScrapeRun.id)).group_by(ScrapeRun.source)
    query = select(ScrapeRun.source, ScrapeRun.status, ScrapeRun.finished_at).where(ScrapeRun.id.in_(newest))
    return [(source, status, finished) for source, status, finished in session.execute(query)]


@dataclass(frozen=True, slots=True)
class RunRequest:
    outcome: Literal["queued", "already_queued", "unknown_source"]
    requested_at: datetime | None


def request_run(session: Session, name: str, now: datetime) -> RunRequest:
    """Queue a run of `name` (the scheduler claims `run_requested_at`); atomic against concurrent requests."""
    queued = session.execute(
        update(Source)
        .where(Source.name == name, Source.run_requested_at.is_(None))
        .values(run_requested_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(queued, "rowcount", 0) == 1:
        session.commit()
        return RunRequest("queued", now)
    session.rollback()
    existing = session.execute(select(Source.run_requested_at).where(Source.name == name)).first()
    if existing is None:
        return RunRequest("unknown_source", None)
    return RunRequest("already_queued", existing[0])


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))


def database_ok(session: Session) -> bool:
    session.execute(select(1))
    return True


# ---------------------------------------------------------------------------------------------- dashboard


@dataclass(frozen=True, slots=True)
class Listing:
    """One source's copy of a job: the representative or one of its cross-source duplicates."""

    posting_id: int
    source: str
    url: str
    first_seen: datetime
    last_seen: datetime
    closed_at: datetime | None
    representative: bool  # the copy the API serves for the job


@dataclass(frozen=True, slots=True)
class ChangeRow:
    changed_at: datetime
    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source with its newest run, `suspect` included (the API's LastRunOut does not carry it)."""

    name: str
    kind: str
    url: str
    every: str
    enabled: bool
    status: str | None
    suspect: bool
    started_at: datetime | None
    finished_at: datetime | None
    fetched: int
    new: int
    flagged: int
    error: str | None
    recent: tuple[str, ...]  # statuses of the newest runs, newest first; "suspect" for a suspect success


def posting_listings(session: Session, posting_id: int) -> list[Listing]:
    """Every copy of the job `posting_id` belongs to (its representative and their duplicates), oldest first."""
    representative = session.execute(select(Posting.duplicate_of).where(Posting.id == posting_id)).scalar()
    root = representative or posting_id
    query = (
        select(Posting.id, Posting.source, Posting.url, Posting.first_seen, Posting.last_seen, Posting.closed_at)
        .where(or_(Posting.id == root, Posting.duplicate_of == root))
        .order_by(Posting.first_seen, Posting.id)
    )
    return [
        Listing(
            posting_id=row.id,
            source=row.source,
            url=row.url,
            first_seen=row.first_seen,
            last_seen=row.last_seen,
            closed_at=row.closed_at,
            representative=row.id == root,
        )
        for row in session.execute(query)
    ]


def count_flagged(session: Session, *, salary_only: bool = False) -> int:
    """Open jobs carrying at least one validation flag (with `salary_only`, a `salary_` one)."""
    flagged = Posting.salary_flagged if salary_only else Posting.flagged
    query = select(func.count()).where(flagged.is_(True), Posting.closed_at.is_(None), Posting.duplicate_of.is_(None))
    return int(session.execute(query).scalar_one())


def posting_history(session: Session, posting_id: int, *, limit: int = 200) -> list[ChangeRow]:
    """The recorded changes of one posting, newest first."""
    query = (
        select(PostingChange.changed_at, PostingChange.field, PostingChange.old, PostingChange.new)
        .where(PostingChange.posting_id == posting_id)
        .order_by(PostingChange.changed_at.desc(), PostingChange.id.desc())
        .limit(limit)
    )
    return [ChangeRow(*row) for row in session.execute(query)]


def posting_payload(session: Session, posting_id: int) -> Any:
    """The original card or object the source gave for a posting (None when not kept)."""
    return session.execute(select(Posting.payload).where(Posting.id == posting_id)).scalar()


def source_health(session: Session, *, recent_runs: int = 10) -> list[SourceHealth]:
    """Every configured source with its newest run and the statuses of its `recent_runs` newest runs."""
    since_id = select(func.max(ScrapeRun.id)).group_by(ScrapeRun.source)
    newest = {run.source: run for run in session.scalars(select(ScrapeRun).where(ScrapeRun.id.in_(since_id)))}
    ranked = select(
        ScrapeRun.source,
        ScrapeRun.status,
        ScrapeRun.suspect,
        func.row_number().over(partition_by=ScrapeRun.source, order_by=ScrapeRun.id.desc()).label("n"),
    ).subquery()
    recent: dict[str, list[str]] = defaultdict(list)
    query = select(ranked.c.source, ranked.c.status, ranked.c.suspect).where(ranked.c.n <= recent_runs)
    for source, status, suspect in session.execute(query.order_by(ranked.c.source, ranked.c.n)):
        recent[source].append("suspect" if suspect and status == "succeeded" else status)
    out = []
    for source in session.scalars(select(Source).order_by(Source.name)):
        run = newest.get(source.name)
        out.append(
            SourceHealth(
                name=source.name,
                kind=source.kind,
                url=source.url,
                every=format_interval(source.every_seconds),
                enabled=source.enabled,
                status=None if run is None else run.status,
                suspect=bool(run is not None and run.suspect),
                started_at=None if run is None else run.started_at,
                finished_at=None if run is None else run.finished_at,
                fetched=0 if run is None else run.fetched,
                new=0 if run is None else run.new,
                flagged=0 if run is None else run.flagged,
                error=None if run is None else run.error,
                recent=tuple(recent.get(source.name, ())),
            )
        )
    return out
