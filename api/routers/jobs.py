"""/api/v1/jobs: filtered, keyset-paginated job lists and one job with its sanitized description."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.responses import Response

from api import queries
from api.cache import DataVersion
from api.deps import FiltersDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES, ApiError
from api.queries.pages import page_json
from api.routers._lean import LeanRoute, lean, query_model
from api.routers._render import NOT_MODIFIED, cache_key, cached_fast, cached_model
from models.schemas import OutlierFilters, PostingDetailOut, PostingFilters, PostingPage
from models.text import sanitize_html

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=ERROR_RESPONSES, route_class=LeanRoute)

_PAGE = TypeAdapter(PostingPage)
_DETAIL = TypeAdapter(PostingDetailOut)
MAX_ID = 2**63 - 1


async def posting_page(request: Request, filters: PostingFilters) -> Response:
    """A cached page of postings, serialized straight from the rows; shared by the job lists and outliers."""
    key = cache_key(request)
    outliers = isinstance(filters, OutlierFilters)
    code = filters.code if isinstance(filters, OutlierFilters) else None

    async def fast(_version: DataVersion) -> bytes | None:
        rows = await request.app.state.pages.rows(filters, flagged_only=outliers, flag_code=code)
        return None if rows is None else page_json(rows, filters.limit)

    def render(db: Session, _version: DataVersion) -> bytes:
        return queries.posting_page_json(db, filters, flagged_only=outliers, flag_code=code)

    return await cached_fast(request, key, fast, render)


async def _list_jobs_lean(request: Request) -> Response | None:
    filters = query_model(PostingFilters, request)
    if filters is None:
        return None
    check_category(filters.category, request.app.state.taxonomy)
    return await posting_page(request, filters)


@router.get("/jobs", response_model=PostingPage, responses=NOT_MODIFIED)
@lean(_list_jobs_lean)
async def list_jobs(request: Request, filters: FiltersDep, taxonomy: TaxonomyDep) -> Response:
    """Jobs newest first, one row per job across sources; open ones unless include_closed=true."""
    check_category(filters.category, taxonomy)
    return await posting_page(request, filters)


@router.get("/jobs/{posting_id}", response_model=PostingDetailOut, responses=NOT_MODIFIED)
async def get_job(
    request: Request, posting_id: Annotated[int, Path(ge=1, le=MAX_ID, description="the posting's id")]
) -> Response:
    """One posting with its description, sanitized."""

    def compute(db: Session) -> PostingDetailOut:
        found = queries.get_posting(db, posting_id)
        if found is None:
            raise ApiError(404, f"No posting has id {posting_id}. Find ids in /api/v1/jobs.")
        detail, description = found
        return detail.model_copy(update={"description_html": sanitize_html(description)})

    return await cached_model(request, _DETAIL, compute)
