"""A lean way into the busiest reads (job lists, feeds): their query model validated in one step.

FastAPI reads a query model field by field on every request (aliases, sequence checks: as much CPU as the rest
of a page). A route of `LeanRoute` with a lean handler (`lean`) first tries that handler, which validates the
same model from the same parameters; when it cannot (any invalid or unknown parameter: it answers None), the
route's FastAPI handler answers, so every error a client sees is FastAPI's. The OpenAPI schema is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from fastapi import Request
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.responses import Response

from models.taxonomy import SLUG_MAX_CHARS, SLUG_PATTERN

M = TypeVar("M", bound=BaseModel)
E = TypeVar("E", bound=Callable[..., Any])
LeanHandler = Callable[[Request], Awaitable[Response | None]]

_HANDLERS: dict[Callable[..., Any], LeanHandler] = {}
_SLUG = re.compile(SLUG_PATTERN)


def lean(handler: LeanHandler) -> Callable[[E], E]:
    """Declare `handler` the lean way into the endpoint it decorates (put it below the route decorator)."""

    def attach(endpoint: E) -> E:
        _HANDLERS[endpoint] = handler
        return endpoint

    return attach


class LeanRoute(APIRoute):
    """An APIRoute that answers through its endpoint's lean handler when that handler can."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        generic = super().get_route_handler()
        handler = _HANDLERS.get(self.endpoint)
        if handler is None:
            return generic

        async def app(request: Request) -> Response:
            response = await handler(request)
            return response if response is not None else await generic(request)

        return app


def query_model(model: type[M], request: Request) -> M | None:
    """`model` from the query string as FastAPI's `Query()` validates it (the last of repeated values of a field,
    a list for a repeated unknown one), or None when it refuses them."""
    values: dict[str, Any] = {}
    extras: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        if key in model.model_fields:
            values[key] = value
        else:
            extras.setdefault(key, []).append(value)
    for key, found in extras.items():
        values[key] = found[0] if len(found) == 1 else found
    try:
        return model.model_validate(values)
    except ValidationError:
        return None


def slug_path(request: Request) -> str | None:
    """The `slug` path parameter when it has a slug's shape (as the route's Path() checks it), else None."""
    slug = request.path_params.get("slug")
    if not isinstance(slug, str) or len(slug) > SLUG_MAX_CHARS or not _SLUG.fullmatch(slug):
        return None
    return slug
