"""/api/v1/categories: the taxonomy with open jobs and median salary, and each category's job list."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import TypeAdapter
from starlette.responses import Response

from api import queries
from api.deps import CategorySlugPath, FiltersDep, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES
from api.routers._render import NOT_MODIFIED, cached_model
from api.routers.jobs import posting_page
from models.schemas import CategoryOut, PostingPage

router = APIRouter(prefix="/api/v1", tags=["categories"], responses=ERROR_RESPONSES)

_CATEGORIES = TypeAdapter(list[CategoryOut])


@router.get("/categories", response_model=list[CategoryOut], responses=NOT_MODIFIED)
async def list_categories(request: Request, taxonomy: TaxonomyDep) -> Response:
    """Every category of the taxonomy, empty ones too, with open jobs and the median salary."""
    return await cached_model(
        request, _CATEGORIES, lambda db: queries.list_categories(db, taxonomy), stale_while_refreshing=True
    )


@router.get("/categories/{slug}/jobs", response_model=PostingPage, responses=NOT_MODIFIED)
async def list_category_jobs(
    request: Request, slug: CategorySlugPath, filters: FiltersDep, taxonomy: TaxonomyDep
) -> Response:
    """As /api/v1/jobs?category=slug (the slug wins over a `category` parameter); 404 naming the valid slugs."""
    check_category(slug, taxonomy, status=404)
    check_category(filters.category, taxonomy)
    return await posting_page(request, filters.model_copy(update={"category": slug}))
