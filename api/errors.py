"""Every error as JSON (`ErrorOut`) with a message a person can act on.

Owns the exception handlers; a catch-all logs and answers a JSON 500 only as a last resort (tests hold
that no input reaches it). Must not leak internals (SQL, tracebacks) into responses.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from models.schemas import PATTERN_MEANINGS, ErrorDetailOut, ErrorOut

log = logging.getLogger(__name__)

_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    422: "invalid_request",
    500: "internal_error",
    503: "unavailable",
}

# OpenAPI `responses=` for routers: the error body every route may answer with.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorOut, "description": "Not found"},
    422: {"model": ErrorOut, "description": "Invalid request: the message says which parameter and why"},
}
# ... and of a route that reads a JSON body: bytes that are not text at all (malformed JSON text is a 422).
BODY_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "The body could not be read as text (not UTF-8)"},
}


class ApiError(Exception):
    """An error answered as-is: status, a stable code, and a sentence saying what to change."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        valid_values: Sequence[str] | None = None,
        details: Sequence[ErrorDetailOut] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or _CODES.get(status, "error")
        self.valid_values = list(valid_values) if valid_values is not None else None
        self.details = list(details)
        self.headers = dict(headers or {})


def error_response(error: ApiError) -> Response:
    body = ErrorOut(error=error.code, message=error.message, details=error.details, valid_values=error.valid_values)
    return Response(
        body.model_dump_json(exclude_none=True),
        status_code=error.status,
        media_type="application/json",
        headers=error.headers,
    )


def _location(loc: Sequence[Any]) -> str:
    return ".".join(str(part) for part in loc)


def _describe(error: Mapping[str, Any]) -> ErrorDetailOut:
    loc = list(error.get("loc", ()))
    where = _location(loc)
    message = str(error.get("msg", "invalid value"))
    if error.get("type") == "extra_forbidden":
        message = "unknown parameter: see /docs for the ones this endpoint takes"
    elif error.get("type") == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") in PATTERN_MEANINGS:
        message = PATTERN_MEANINGS[error["ctx"]["pattern"]]
    elif "input" in error and error.get("type") != "missing":
        shown = repr(error["input"])
        message = f"{message} (got {shown[:80]})"
    return ErrorDetailOut(location=where, message=message)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = [_describe(e) for e in exc.errors()]
    summary = "; ".join(f"{d.location}: {d.message}" for d in details) or "invalid request"
    return error_response(ApiError(422, f"Invalid request. {summary}", details=details))


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        message = f"No such endpoint: {request.url.path}. The API lives under /api/v1 (see /docs)."
    elif exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path} (see /docs for its methods)."
        # Starlette's Allow names the methods of one route only; a path served by two routes has both.
        allowed = _documented_methods(request.app.openapi(), request.url.path)
        headers = {"Allow": ", ".join(allowed)} if allowed else exc.headers
        return error_response(ApiError(405, message, headers=headers))
    else:
        message = str(exc.detail)
    return error_response(ApiError(exc.status_code, message, headers=exc.headers))


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def _documented_methods(schema: Mapping[str, Any], path: str) -> list[str]:
    """The methods the OpenAPI `schema` gives `path` (HEAD wherever GET is: Starlette answers it), sorted."""
    methods: set[str] = set()
    for template, operations in schema.get("paths", {}).items():
        if re.fullmatch(re.sub(r"\\\{[^/]*?\\\}", "[^/]+", re.escape(template)), path):
            methods |= {method.upper() for method in operations if method in _HTTP_METHODS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _data_error(request: Request, exc: Exception) -> Response:
    # validation should refuse such input first; this keeps a value the database rejects a client error
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    return error_response(ApiError(422, "A parameter holds a value the database cannot store or compare; change it."))


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return error_response(ApiError(500, "The server failed on this request; it has been logged. Try again later."))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(psycopg.DataError, _data_error)  # the pages read on the async pool (api/queries/pages.py)
    app.add_exception_handler(Exception, _unexpected)
