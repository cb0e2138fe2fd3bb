"""The dashboard's HTML pages (/, /categories/{slug}, /outliers, /jobs/{id}, /sources) and its stylesheet.

HTTP only: parameters, friendly HTML 404s and caching by data version; the pages are built by
`api.dashboard.pages`. Pages are left out of the OpenAPI schema, which documents the JSON API.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from api import queries
from api.cache import DataVersion, ResponseCache, cached_response
from api.dashboard import pages
from api.dashboard.searches import searches_page
from api.deps import CacheDep, SessionDep, TaxonomyDep
from api.routers._render import cache_key
from api.routers.jobs import MAX_ID
from models.taxonomy import Category

router = APIRouter(include_in_schema=False)

HTML = "text/html; charset=utf-8"


class _Missing(Exception):
    """Raised inside a page render when what the URL names does not exist."""


def _not_found(message: str, taxonomy: tuple[Category, ...]) -> Response:
    return Response(pages.not_found_page(message, taxonomy), status_code=404, media_type=HTML)


def _page(
    request: Request,
    session: Session,
    cache: ResponseCache,
    build: Callable[[Session], str | None],
    *,
    stale_while_refreshing: bool = False,
) -> Response:
    def render(_version: DataVersion) -> bytes:
        html = build(session)
        if html is None:
            raise _Missing
        return html.encode()

    def render_apart(_version: DataVersion) -> bytes:
        with request.app.state.session_factory() as own:
            html = build(own)
        if html is None:
            raise _Missing
        return html.encode()

    return cached_response(
        request,
        cache,
        cache_key(request),
        lambda: queries.data_version(session),
        render,
        HTML,
        background=render_apart if stale_while_refreshing else None,
    )


@router.get("/")
def home(request: Request, session: SessionDep, cache: CacheDep, taxonomy: TaxonomyDep) -> Response:
    """Every category with open jobs and its salary range, the newest jobs, the sources' health."""
    # salary ranges of every category: seconds at a million postings, so the previous page stands in
    return _page(request, session, cache, lambda db: pages.home_page(db, taxonomy), stale_while_refreshing=True)


@router.get("/categories/{slug}")
def category(request: Request, slug: str, session: SessionDep, cache: CacheDep, taxonomy: TaxonomyDep) -> Response:
    """A category's jobs with filters, its salary histogram and history, and its feeds."""
    found = next((c for c in taxonomy if c.slug == slug), None)
    if found is None:
        return _not_found(f"There is no category {slug[:60]!r}. Pick one of the categories below.", taxonomy)
    params = dict(request.query_params)
    return _page(
        request,
        session,
        cache,
        lambda db: pages.category_page(db, taxonomy, found, params),
        stale_while_refreshing=True,
    )


@router.get("/outliers")
def outliers(request: Request, session: SessionDep, cache: CacheDep, taxonomy: TaxonomyDep) -> Response:
    """Postings whose salary was kept out of the statistics, with the reason in words (`?show=all`: every finding)."""
    cursor = request.query_params.get("cursor", "")[:200]
    every = request.query_params.get("show") == "all"
    return _page(request, session, cache, lambda db: pages.outliers_page(db, taxonomy, cursor, every_finding=every))


@router.get("/jobs/{posting_id}")
def job(request: Request, posting_id: str, session: SessionDep, cache: CacheDep, taxonomy: TaxonomyDep) -> Response:
    """One job: every field beside its raw value, the sources listing it, its change history."""
    missing = f"There is no job {posting_id[:40]!r}: it may have been removed, or the link is wrong."
    if not posting_id.isdecimal() or not 1 <= int(posting_id) <= MAX_ID:
        return _not_found(missing, taxonomy)
    number = int(posting_id)
    try:
        return _page(request, session, cache, lambda db: pages.job_page(db, taxonomy, number))
    except _Missing:
        return _not_found(missing, taxonomy)


@router.get("/sources")
def sources(request: Request, session: SessionDep, cache: CacheDep) -> Response:
    """Every source with its newest run and the marks of its recent runs."""
    return _page(request, session, cache, lambda db: pages.sources_page(db))


@router.get("/searches")
def searches(session: SessionDep) -> Response:
    """The saved searches with their feed links and last webhook delivery (not cached: saving one is no data change)."""
    return Response(searches_page(session), media_type=HTML)


@cache
def _stylesheet() -> tuple[bytes, str]:
    body = files("api").joinpath("static", "dashboard.css").read_bytes()
    return body, '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


@router.get("/static/dashboard.css")
def stylesheet(request: Request) -> Response:
    """The dashboard's one stylesheet."""
    body, etag = _stylesheet()
    headers = {"ETag": etag, "Cache-Control": "public, max-age=3600"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="text/css; charset=utf-8", headers=headers)
