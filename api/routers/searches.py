"""/api/v1/searches: saved searches (admin), each with its own feeds and an optional signed webhook."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import TypeAdapter
from starlette.responses import Response

from api.deps import AdminDep, SessionDep, SettingsDep, TaxonomyDep, check_category
from api.errors import BODY_ERROR_RESPONSES, ERROR_RESPONSES, ApiError
from api.queries import searches as queries
from models.schemas import (
    DeliveryOut,
    ErrorDetailOut,
    ErrorOut,
    SearchCreatedOut,
    SearchFeedsOut,
    SearchFilters,
    SearchIn,
    SearchOut,
)
from models.tables import SavedSearch
from models.webhooks import webhook_url_problem

router = APIRouter(
    prefix="/api/v1",
    tags=["searches"],
    responses={
        **ERROR_RESPONSES,
        401: {"model": ErrorOut, "description": "No bearer token"},
        403: {
            "model": ErrorOut,
            "description": "Wrong token, admin endpoints disabled, or a webhook_url at a private address",
        },
    },
)

SearchId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the saved search's id")]
_SEARCHES = TypeAdapter(list[SearchOut])
_DELIVERIES = TypeAdapter(list[DeliveryOut])


def search_filters(filters: SearchFilters, taxonomy: TaxonomyDep) -> dict[str, Any]:
    """The filters as stored: as given, defaults left out; ApiError 422 for an unknown category."""
    check_category(filters.category, taxonomy)
    stored: dict[str, Any] = filters.model_dump(mode="json", exclude_defaults=True)
    return stored


def _out(request: Request, search: SavedSearch) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    feeds = {ext: f"{base}/feeds/searches/{search.id}.{ext}" for ext in ("rss", "atom", "json")}
    return {
        "id": search.id,
        "name": search.name,
        "filters": search.filters,
        "feeds": SearchFeedsOut.model_validate(feeds),
        "webhook_url": search.webhook_url,
        "created_at": search.created_at,
    }


def _found(session: SessionDep, search_id: int) -> SavedSearch:
    search = queries.get_search(session, search_id)
    if search is None:
        raise ApiError(404, f"No saved search has id {search_id}. List them at /api/v1/searches.")
    return search


@router.post("/searches", response_model=SearchCreatedOut, status_code=201, responses=BODY_ERROR_RESPONSES)
def create_search(
    request: Request,
    body: SearchIn,
    _admin: AdminDep,
    session: SessionDep,
    settings: SettingsDep,
    taxonomy: TaxonomyDep,
) -> Response:
    """Save a search (admin); the webhook secret is in this response only."""
    filters = search_filters(body.filters, taxonomy)
    if body.webhook_url is not None:
        # The URL's shape is the schema's pattern, checked already; what is left is the server's policy on where
        # webhooks may go, so a private address is a 403 (JOBFEED_WEBHOOKS_ALLOW_PRIVATE), not a malformed request.
        problem = webhook_url_problem(body.webhook_url, allow_private=settings.webhooks_allow_private)
        if problem is not None:
            raise ApiError(403, problem + ".", details=[ErrorDetailOut(location="body.webhook_url", message=problem)])
    search = queries.create_search(session, body.name, filters, body.webhook_url, datetime.now(UTC))
    out = SearchCreatedOut(**_out(request, search), webhook_secret=search.webhook_secret)
    return Response(out.model_dump_json(by_alias=True), status_code=201, media_type="application/json")


@router.get("/searches", response_model=list[SearchOut])
def list_searches(request: Request, _admin: AdminDep, session: SessionDep) -> Response:
    """Every saved search (admin), without secrets."""
    items = [SearchOut(**_out(request, s)) for s in queries.list_searches(session)]
    return Response(_SEARCHES.dump_json(items, by_alias=True), media_type="application/json")


@router.get("/searches/{search_id}", response_model=SearchOut)
def get_search(request: Request, search_id: SearchId, _admin: AdminDep, session: SessionDep) -> Response:
    """One saved search (admin), without its secret."""
    out = SearchOut(**_out(request, _found(session, search_id)))
    return Response(out.model_dump_json(by_alias=True), media_type="application/json")


@router.delete("/searches/{search_id}", status_code=204, response_class=Response)
def delete_search(search_id: SearchId, _admin: AdminDep, session: SessionDep) -> Response:
    """Delete a saved search (admin): its feeds answer 404 and no delivery is sent any more."""
    if not queries.delete_search(session, search_id):
        raise ApiError(404, f"No saved search has id {search_id}. List them at /api/v1/searches.")
    return Response(status_code=204)


@router.get("/searches/{search_id}/deliveries", response_model=list[DeliveryOut])
def list_deliveries(search_id: SearchId, _admin: AdminDep, session: SessionDep) -> Response:
    """The webhook deliveries of a saved search (admin), newest first."""
    _found(session, search_id)
    return Response(_DELIVERIES.dump_json(queries.list_deliveries(session, search_id)), media_type="application/json")
