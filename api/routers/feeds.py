"""/feeds/{slug}.rss|.atom|.json: the newest jobs of a category (`all` for every one), same filters as /jobs;
/feeds/jobs.* for any /jobs filters, and /feeds/searches/{id}.* for a saved search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api import queries
from api.cache import DataVersion
from api.deps import FeedDep, FeedSlugPath, TaxonomyDep, check_category
from api.errors import ERROR_RESPONSES, ApiError
from api.feeds import FeedEntry, FeedMeta, Record, render_atom, render_json_feed, render_rss
from api.queries import searches as search_queries
from api.queries.pages import records as page_records
from api.routers._lean import LeanHandler, LeanRoute, lean, query_model, slug_path
from api.routers._render import NOT_MODIFIED, cache_key, cached_fast
from models.schemas import FeedFilters, PostingFilters
from models.taxonomy import Category

router = APIRouter(prefix="/feeds", tags=["feeds"], responses=ERROR_RESPONSES, route_class=LeanRoute)

ALL = "all"
RSS, ATOM, JSON_FEED = "application/rss+xml", "application/atom+xml", "application/feed+json"
Renderer = Callable[[FeedMeta, Sequence[FeedEntry]], bytes]


def _responses(media_type: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"content": {media_type: {}}, "description": "The feed"}, **NOT_MODIFIED}


async def _feed(
    request: Request,
    slug: str,
    filters: PostingFilters,
    taxonomy: tuple[Category, ...],
    render: Renderer,
    media_type: str,
    *,
    title: str | None = None,
) -> Response:
    if slug != ALL:
        check_category(slug, taxonomy, status=404)
    check_category(filters.category, taxonomy)  # the path's slug wins over a known one
    names = {c.slug: c.name for c in taxonomy}
    scoped = filters.model_copy(update={"category": slug if slug != ALL else filters.category, "cursor": None})
    base = str(request.base_url)

    def feed(version: DataVersion, rows: Sequence[tuple[Record, str | None]]) -> bytes:
        label = names.get(scoped.category or "", "All") if scoped.category else "All"
        meta = FeedMeta(
            title=f"jobfeed: {title}" if title else f"jobfeed: {label} jobs",
            feed_url=str(request.url),
            home_page_url=f"{base}categories/{slug}" if slug != ALL else base,
            description=f"The newest {label.lower() if slug == ALL else label} jobs gathered by jobfeed.",
            updated=version.modified,
        )
        entries = [FeedEntry(p, description, f"{base}api/v1/jobs/{p['id']}") for p, description in rows]
        return render(meta, entries)

    async def fast(version: DataVersion) -> bytes | None:
        rows = await request.app.state.pages.rows(scoped, description=True)
        if rows is None:
            return None
        rows = rows[: scoped.limit]
        return feed(version, list(zip(page_records(rows), (row[4] for row in rows), strict=True)))

    def build(session: Session, version: DataVersion) -> bytes:
        return feed(version, queries.postings_with_descriptions(session, scoped))

    return await cached_fast(request, cache_key(request, with_host=True), fast, build, media_type)


FEEDS = {"rss": (render_rss, RSS), "atom": (render_atom, ATOM), "json": (render_json_feed, JSON_FEED)}
SearchIdPath = Annotated[int, Path(ge=1, le=2**63 - 1, description="a saved search's id")]
MATCHING = "jobs matching your filters"


async def _search_feed(request: Request, search_id: int, ext: str, taxonomy: tuple[Category, ...]) -> Response:
    def lookup() -> tuple[str, dict[str, Any]] | None:
        with request.app.state.session_factory() as session:
            search = search_queries.get_search(session, search_id)
            return (search.name, search.filters) if search is not None else None

    found = await run_in_threadpool(lookup)  # every time: a deleted search's feed is gone at once
    if found is None:
        raise ApiError(404, f"No saved search has id {search_id}. List them at /api/v1/searches.")
    name, filters = found
    render, media_type = FEEDS[ext]
    return await _feed(request, ALL, FeedFilters.model_validate(filters), taxonomy, render, media_type, title=name)


# Ad-hoc and saved-search feeds come before /{slug}.*: "jobs" and "searches" are not category slugs.
@router.get("/jobs.rss", response_class=Response, responses=_responses(RSS))
async def jobs_rss(request: Request, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """RSS 2.0 of the newest jobs matching any /api/v1/jobs filters."""
    return await _feed(request, ALL, filters, taxonomy, render_rss, RSS, title=MATCHING)


@router.get("/jobs.atom", response_class=Response, responses=_responses(ATOM))
async def jobs_atom(request: Request, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """Atom 1.0 of the newest jobs matching any /api/v1/jobs filters."""
    return await _feed(request, ALL, filters, taxonomy, render_atom, ATOM, title=MATCHING)


@router.get("/jobs.json", response_class=Response, responses=_responses(JSON_FEED))
async def jobs_json(request: Request, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """JSON Feed 1.1 of the newest jobs matching any /api/v1/jobs filters."""
    return await _feed(request, ALL, filters, taxonomy, render_json_feed, JSON_FEED, title=MATCHING)


@router.get("/searches/{search_id}.rss", response_class=Response, responses=_responses(RSS))
async def search_rss(request: Request, search_id: SearchIdPath, taxonomy: TaxonomyDep) -> Response:
    """RSS 2.0 of the newest jobs of a saved search."""
    return await _search_feed(request, search_id, "rss", taxonomy)


@router.get("/searches/{search_id}.atom", response_class=Response, responses=_responses(ATOM))
async def search_atom(request: Request, search_id: SearchIdPath, taxonomy: TaxonomyDep) -> Response:
    """Atom 1.0 of the newest jobs of a saved search."""
    return await _search_feed(request, search_id, "atom", taxonomy)


@router.get("/searches/{search_id}.json", response_class=Response, responses=_responses(JSON_FEED))
async def search_json(request: Request, search_id: SearchIdPath, taxonomy: TaxonomyDep) -> Response:
    """JSON Feed 1.1 of the newest jobs of a saved search."""
    return await _search_feed(request, search_id, "json", taxonomy)


def _lean_feed(render: Renderer, media_type: str) -> LeanHandler:
    async def handler(request: Request) -> Response | None:
        slug, filters = slug_path(request), query_model(FeedFilters, request)
        if slug is None or filters is None:
            return None
        return await _feed(request, slug, filters, request.app.state.taxonomy, render, media_type)

    return handler


@router.get("/{slug}.rss", response_class=Response, responses=_responses(RSS))
@lean(_lean_feed(render_rss, RSS))
async def rss_feed(request: Request, slug: FeedSlugPath, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """RSS 2.0 of the newest jobs of a category."""
    return await _feed(request, slug, filters, taxonomy, render_rss, RSS)


@router.get("/{slug}.atom", response_class=Response, responses=_responses(ATOM))
@lean(_lean_feed(render_atom, ATOM))
async def atom_feed(request: Request, slug: FeedSlugPath, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """Atom 1.0 of the newest jobs of a category."""
    return await _feed(request, slug, filters, taxonomy, render_atom, ATOM)


@router.get("/{slug}.json", response_class=Response, responses=_responses(JSON_FEED))
@lean(_lean_feed(render_json_feed, JSON_FEED))
async def json_feed(request: Request, slug: FeedSlugPath, filters: FeedDep, taxonomy: TaxonomyDep) -> Response:
    """JSON Feed 1.1 of the newest jobs of a category, the posting record under `_jobfeed`."""
    return await _feed(request, slug, filters, taxonomy, render_json_feed, JSON_FEED)
