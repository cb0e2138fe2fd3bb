"""/api/v1/salaries: salary statistics per category now, and quartiles per week or month over time."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import AwareDatetime, TypeAdapter
from starlette.responses import Response

from api import queries
from api.deps import CacheDep, SessionDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES, ApiError
from api.routers._render import NOT_MODIFIED, cached_json
from models.enums import RemoteMode
from models.salary_stats import GroupBy
from models.schemas import HistoryPointOut, SalaryGroupStatsOut, SalaryStatsOut

router = APIRouter(prefix="/api/v1", tags=["salaries"], responses=ERROR_RESPONSES)

_STATS = TypeAdapter(list[SalaryStatsOut])
_BREAKDOWN = TypeAdapter(list[SalaryGroupStatsOut])
_HISTORY = TypeAdapter(list[HistoryPointOut])
MAX_BUCKETS = 520
DEFAULT_BUCKETS = {"week": 52, "month": 24}

IncludeFlagged = Annotated[bool, Query(description="count flagged salaries too (default: leave them out)")]


@router.get("/salaries", response_model=list[SalaryStatsOut | SalaryGroupStatsOut], responses=NOT_MODIFIED)
def salary_statistics(
    request: Request,
    session: SessionDep,
    cache: CacheDep,
    taxonomy: TaxonomyDep,
    category: Annotated[str | None, Query(max_length=60, description="one category slug")] = None,
    remote: RemoteMode | None = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2")] = None,
    since: Annotated[AwareDatetime | date | None, Query(description="posted on or after")] = None,
    include_flagged: IncludeFlagged = False,
    group_by: Annotated[
        GroupBy | None, Query(description="one statistic per seniority, country or remote mode within each category")
    ] = None,
) -> Response:
    """Annual USD salary statistics per category over open postings; quantiles only for 5 or more."""
    check_category(category, taxonomy)
    scope = queries.SalaryScope(
        category=category,
        remote=remote.value if remote else None,
        country=country,
        since=queries.as_utc(since) if since is not None else None,
        include_flagged=include_flagged,
    )
    categories = [c for c in taxonomy if category is None or c.slug == category]
    if group_by is not None:
        return cached_json(
            request,
            session,
            cache,
            _BREAKDOWN,
            lambda db: queries.salary_breakdown(db, scope, categories, group_by),
            stale_while_refreshing=True,
        )
    return cached_json(
        request,
        session,
        cache,
        _STATS,
        lambda db: queries.salary_stats(db, scope, categories),
        stale_while_refreshing=True,
    )


@router.get("/salaries/{slug}/history", response_model=list[HistoryPointOut], responses=NOT_MODIFIED)
def salary_history(
    request: Request,
    slug: Annotated[str, Path(max_length=60, description="a category slug")],
    session: SessionDep,
    cache: CacheDep,
    taxonomy: TaxonomyDep,
    bucket: Literal["week", "month"] = "week",
    since: Annotated[
        date | None, Query(description="first bucket holds this day; default 52 weeks or 24 months back")
    ] = None,
    include_flagged: IncludeFlagged = False,
) -> Response:
    """Salary quartiles per week or month over the postings open during each."""
    check_category(slug, taxonomy, status=404)
    today = datetime.now(UTC).date()
    span = timedelta(days=7 if bucket == "week" else 31) * DEFAULT_BUCKETS[bucket]
    first = since if since is not None else today - span
    per_bucket = 7 if bucket == "week" else 28
    if (today - first).days // per_bucket > MAX_BUCKETS:
        raise ApiError(422, f"since={first.isoformat()} asks for more than {MAX_BUCKETS} {bucket}s: pick a later day.")
    starts = queries.bucket_starts(first, today, bucket)
    return cached_json(
        request,
        session,
        cache,
        _HISTORY,
        lambda db: queries.salary_history(db, slug, starts, bucket, include_flagged=include_flagged),
        stale_while_refreshing=True,
    )
