"""/api/v1/salaries: salary statistics per category now, and quartiles per week or month over time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.responses import Response

from api import queries
from api.deps import CategorySlugPath, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES
from api.queries.exports import salaries_csv
from api.routers._render import NOT_MODIFIED, cache_key, cached_bytes, cached_model
from models.enums import RemoteMode
from models.salary_stats import GroupBy
from models.schemas import DayParam, HistoryPointOut, SalaryGroupStatsOut, SalaryStatsOut, SinceParam
from models.taxonomy import Category

router = APIRouter(prefix="/api/v1", tags=["salaries"], responses=ERROR_RESPONSES)

_STATS = TypeAdapter(list[SalaryStatsOut])
_BREAKDOWN = TypeAdapter(list[SalaryGroupStatsOut])
_HISTORY = TypeAdapter(list[HistoryPointOut])
MAX_BUCKETS = 520
DEFAULT_BUCKETS = {"week": 52, "month": 24}

IncludeFlagged = Annotated[bool, Query(description="count flagged salaries too (default: leave them out)")]


@dataclass(frozen=True, slots=True)
class SalaryQuery:
    scope: queries.SalaryScope
    categories: list[Category]
    group_by: GroupBy | None

    def compute(self, session: Session) -> list[SalaryStatsOut] | list[SalaryGroupStatsOut]:
        if self.group_by is not None:
            return queries.salary_breakdown(session, self.scope, self.categories, self.group_by)
        return queries.salary_stats(session, self.scope, self.categories)


async def salary_query(
    taxonomy: TaxonomyDep,
    category: Annotated[str | None, Query(max_length=60, description="one category slug")] = None,
    remote: RemoteMode | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")] = None,
    since: Annotated[SinceParam | None, Query(description="posted on or after: an RFC 3339 date or date-time")] = None,
    include_flagged: IncludeFlagged = False,
    group_by: Annotated[
        GroupBy | None, Query(description="one statistic per seniority, country or remote mode within each category")
    ] = None,
) -> SalaryQuery:
    """The parameters of /salaries and /salaries.csv."""
    check_category(category, taxonomy)
    scope = queries.SalaryScope(
        category=category,
        remote=remote.value if remote else None,
        country=country,
        since=queries.as_utc(since) if since is not None else None,
        include_flagged=include_flagged,
    )
    return SalaryQuery(scope, [c for c in taxonomy if category is None or c.slug == category], group_by)


SalaryQueryDep = Annotated[SalaryQuery, Depends(salary_query)]


@router.get("/salaries", response_model=list[SalaryStatsOut | SalaryGroupStatsOut], responses=NOT_MODIFIED)
async def salary_statistics(request: Request, query: SalaryQueryDep) -> Response:
    """Annual USD salary statistics per category over open postings; quantiles only for 5 or more."""
    group_by = query.group_by
    if group_by is not None:
        return await cached_model(
            request,
            _BREAKDOWN,
            lambda db: queries.salary_breakdown(db, query.scope, query.categories, group_by),
            stale_while_refreshing=True,
        )
    return await cached_model(
        request, _STATS, lambda db: queries.salary_stats(db, query.scope, query.categories), stale_while_refreshing=True
    )


@router.get("/salaries.csv", response_class=Response, responses={200: {"content": {"text/csv": {}}}, **NOT_MODIFIED})
async def salary_statistics_csv(request: Request, query: SalaryQueryDep) -> Response:
    """The same statistics as /salaries (and its filters and group_by) as CSV, one row per statistic."""
    response = await cached_bytes(
        request,
        cache_key(request),
        lambda db, _v: salaries_csv(query.compute(db)),
        "text/csv; charset=utf-8",
        stale_while_refreshing=True,
    )
    response.headers["Content-Disposition"] = 'attachment; filename="salaries.csv"'
    return response


@router.get("/salaries/{slug}/history", response_model=list[HistoryPointOut], responses=NOT_MODIFIED)
async def salary_history(
    request: Request,
    slug: CategorySlugPath,
    taxonomy: TaxonomyDep,
    bucket: Literal["week", "month"] = "week",
    since: Annotated[
        DayParam | None,
        Query(
            description=f"first bucket holds this day; default 52 weeks or 24 months back, at most {MAX_BUCKETS} "
            "buckets back (an earlier day starts there)"
        ),
    ] = None,
    include_flagged: IncludeFlagged = False,
) -> Response:
    """Salary quartiles per week or month over the postings open during each."""
    check_category(slug, taxonomy, status=404)
    today = datetime.now(UTC).date()
    span = timedelta(days=7 if bucket == "week" else 31) * DEFAULT_BUCKETS[bucket]
    # The cap bounds the work of one request; a day before it is a valid question answered from the cap on.
    earliest = today - timedelta(days=7 if bucket == "week" else 28) * MAX_BUCKETS
    first = max(since, earliest) if since is not None else today - span
    starts = queries.bucket_starts(first, today, bucket)
    return await cached_model(
        request,
        _HISTORY,
        lambda db: queries.salary_history(db, slug, starts, bucket, include_flagged=include_flagged),
        stale_while_refreshing=True,
    )
