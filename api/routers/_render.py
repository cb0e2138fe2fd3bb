"""Shared route plumbing: the cache key of a request and cached responses, from sync or async endpoints.

An async endpoint answers a cache hit on the event loop with no thread hop and no session; a miss is one
hop that opens a session, reads the data version and renders once per key (concurrent misses share it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from api import queries
from api.cache import DataVersion, ResponseCache, cached_response, respond

T = TypeVar("T")

NOT_MODIFIED: dict[int | str, dict[str, str]] = {
    304: {"description": "Not modified since the ETag / Last-Modified the client holds"}
}


def cache_key(request: Request, *, with_host: bool = False) -> str:
    query = urlencode(sorted(request.query_params.multi_items()))
    prefix = str(request.base_url) if with_host else ""
    return f"{prefix}{request.url.path}?{query}"


def cached_json(
    request: Request,
    session: Session,
    cache: ResponseCache,
    adapter: TypeAdapter[T],
    compute: Callable[[Session], T],
    *,
    stale_while_refreshing: bool = False,
) -> Response:
    """The JSON of `compute(session)` through its declared schema, cached by data version, with 304s.

    `stale_while_refreshing`: for aggregates that take seconds at scale, serve the previous version's
    body while a background render (in a session of its own) computes the new one.
    """

    def render(_version: DataVersion) -> bytes:
        return adapter.dump_json(compute(session))

    def render_apart(_version: DataVersion) -> bytes:
        with request.app.state.session_factory() as own:
            return adapter.dump_json(compute(own))

    return cached_response(
        request,
        cache,
        cache_key(request),
        lambda: queries.data_version(session),
        render,
        "application/json",
        background=render_apart if stale_while_refreshing else None,
    )


Render = Callable[[Session, DataVersion], bytes]


async def cached_bytes(
    request: Request,
    key: str,
    render: Render,
    media_type: str = "application/json",
    *,
    stale_while_refreshing: bool = False,
) -> Response:
    """The body `render(session, version)` for the current data version, cached under `key`, with 304s."""
    cache: ResponseCache = request.app.state.cache
    version = cache.known_version()
    if version is not None:
        body = cache.get(key, version.token)
        if body is not None:
            return respond(request, body, version.token, key, version.modified, media_type)
    return await run_in_threadpool(_through_session, request, cache, key, render, media_type, stale_while_refreshing)


def _through_session(
    request: Request, cache: ResponseCache, key: str, render: Render, media_type: str, stale_while_refreshing: bool
) -> Response:
    def render_apart(version: DataVersion) -> bytes:
        return _render_apart(request, render, version)

    with request.app.state.read_sessions() as session:
        return cached_response(
            request,
            cache,
            key,
            lambda: queries.data_version(session),
            lambda version: render(session, version),
            media_type,
            background=render_apart if stale_while_refreshing else None,
        )


FastRender = Callable[[DataVersion], Awaitable[bytes | None]]


async def cached_fast(
    request: Request, key: str, fast: FastRender, render: Render, media_type: str = "application/json"
) -> Response:
    """`cached_bytes`, rendered by `fast(version)` on the event loop where the app has the PostgreSQL path
    (api/queries/pages.py): no session, no thread hop. `fast` answers None for a page that only `render`
    serves byte for byte, which then renders it in a thread."""
    pages = request.app.state.pages
    if pages is None:
        return await cached_bytes(request, key, render, media_type)
    cache: ResponseCache = request.app.state.cache
    version = cache.known_version() or cache.observe(await pages.version())
    body = cache.get(key, version.token)
    if body is None:

        async def once() -> bytes:
            found = await fast(version)
            return found if found is not None else await run_in_threadpool(_render_apart, request, render, version)

        body = await cache.render_once_async(key, version.token, once)
        cache.put(key, version.token, body, version.modified)
    return respond(request, body, version.token, key, version.modified, media_type)


def _render_apart(request: Request, render: Render, version: DataVersion) -> bytes:
    """`render` in a read session of its own (a render apart from the request's session, or from none)."""
    with request.app.state.read_sessions() as session:
        return render(session, version)


async def cached_model(
    request: Request, adapter: TypeAdapter[T], compute: Callable[[Session], T], *, stale_while_refreshing: bool = False
) -> Response:
    """`cached_bytes` of a value serialized through its declared schema."""
    return await cached_bytes(
        request,
        cache_key(request),
        lambda session, _version: adapter.dump_json(compute(session)),
        stale_while_refreshing=stale_while_refreshing,
    )
