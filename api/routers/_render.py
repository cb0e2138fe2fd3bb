"""Shared route plumbing: the cache key of a request and cached JSON responses of pydantic values."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlencode

from fastapi import Request
from pydantic import TypeAdapter
from sqlalchemy.orm import Session
from starlette.responses import Response

from api import queries
from api.cache import DataVersion, ResponseCache, cached_response

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
