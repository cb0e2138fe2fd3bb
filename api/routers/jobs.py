"""/api/v1/jobs: filtered, keyset-paginated job lists and one job with its sanitized description."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.responses import Response

from api import queries
from api.cache import ResponseCache
from api.cursor import InvalidCursor, decode_cursor
from api.deps import CacheDep, FiltersDep, SessionDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES, ApiError
from api.routers._render import NOT_MODIFIED, cached_json
from models.schemas import ErrorDetailOut, OutlierFilters, PostingDetailOut, PostingFilters, PostingPage
from models.text import sanitize_html

router = APIRouter(prefix="/api/v1", tags=["jobs"], responses=ERROR_RESPONSES)

_PAGE = TypeAdapter(PostingPage)
_DETAIL = TypeAdapter(PostingDetailOut)
MAX_ID = 2**63 - 1


def check_cursor(cursor: str | None) -> None:
    if cursor is None:
        return
    try:
        decode_cursor(cursor)
    except InvalidCursor as exc:
        raise ApiError(422, str(exc), details=[ErrorDetailOut(location="query.cursor", message=str(exc))]) from exc


def posting_page(request: Request, session: Session, cache: ResponseCache, filters: PostingFilters) -> Response:
    """A cached page of postings; shared by the job lists and outliers."""
    check_cursor(filters.cursor)
    if isinstance(filters, OutlierFilters):
        return cached_json(
            request,
            session,
            cache,
            _PAGE,
            lambda db: queries.list_postings(db, filters, flagged_only=True, flag_code=filters.code),
        )
    return cached_json(request, session, cache, _PAGE, lambda db: queries.list_postings(db, filters))


@router.get("/jobs", response_model=PostingPage, responses=NOT_MODIFIED)
def list_jobs(
    request: Request, filters: FiltersDep, session: SessionDep, cache: CacheDep, taxonomy: TaxonomyDep
) -> Response:
    """Jobs newest first, one row per job across sources; open ones unless include_closed=true."""
    check_category(filters.category, taxonomy)
    return posting_page(request, session, cache, filters)


@router.get("/jobs/{posting_id}", response_model=PostingDetailOut, responses=NOT_MODIFIED)
def get_job(
    request: Request,
    posting_id: Annotated[int, Path(ge=1, le=MAX_ID, description="the posting's id")],
    session: SessionDep,
    cache: CacheDep,
) -> Response:
    """One posting with its description, sanitized."""

    def compute(db: Session) -> PostingDetailOut:
        found = queries.get_posting(db, posting_id)
        if found is None:
            raise ApiError(404, f"No posting has id {posting_id}. Find ids in /api/v1/jobs.")
        detail, description = found
        return detail.model_copy(update={"description_html": sanitize_html(description)})

    return cached_json(request, session, cache, _DETAIL, compute)
