"""/api/v1/outliers: flagged postings with their flags, for people watching data quality."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from api.deps import OutlierFiltersDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES, ApiError
from api.routers._render import NOT_MODIFIED
from api.routers.jobs import posting_page
from models.flags import FLAG_CODES
from models.schemas import PostingPage

router = APIRouter(prefix="/api/v1", tags=["outliers"], responses=ERROR_RESPONSES)


@router.get("/outliers", response_model=PostingPage, responses=NOT_MODIFIED)
async def list_outliers(request: Request, filters: OutlierFiltersDep, taxonomy: TaxonomyDep) -> Response:
    """Flagged postings newest first, with their flags; `code` keeps one kind of finding (422 for an unknown one)."""
    check_category(filters.category, taxonomy)
    if filters.code is not None and filters.code not in FLAG_CODES:
        valid = list(FLAG_CODES)
        raise ApiError(
            422, f"Unknown flag code {filters.code[:60]!r}. Use one of: {', '.join(valid)}.", valid_values=valid
        )
    return await posting_page(request, filters)
