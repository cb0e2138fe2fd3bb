"""Request limits and response headers as ASGI middleware: a body cap (413), a per-client rate limit (429 with
Retry-After, `JOBFEED_RATE_LIMIT`), and the dashboard's security headers (CSP, X-Content-Type-Options).

Each answers in the API's JSON error shape without reaching a router.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import ApiError, error_response

MAX_BODY_BYTES = 1 << 20  # 1 MiB
# Paths a monitor polls; never rate limited.
UNLIMITED_PATHS = frozenset({"/healthz", "/metrics"})
# Paths whose own HTML needs inline scripts (Swagger UI, ReDoc): no dashboard CSP there.
DOCS_PATHS = ("/docs", "/redoc")
DASHBOARD_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_UNITS = {"s": 1.0, "m": 60.0, "h": 3600.0}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*([smh])\s*(?:;\s*burst\s*=\s*(\d+)\s*)?$")


@dataclass(frozen=True, slots=True)
class RateLimit:
    """`per_second` tokens refill each client's bucket, which holds at most `burst`."""

    per_second: float
    burst: int


def parse_rate_limit(text: str) -> RateLimit | None:
    """`JOBFEED_RATE_LIMIT`: `N/s`, `N/m` or `N/h`, optionally `;burst=M` (default burst: N); `off` disables.

    >>> parse_rate_limit("20/s")
    RateLimit(per_second=20.0, burst=20)
    >>> parse_rate_limit("600/m;burst=50")
    RateLimit(per_second=10.0, burst=50)
    >>> parse_rate_limit("off") is None
    True
    """
    if text.strip().lower() in ("off", "none", "0", "false"):
        return None
    match = _RATE.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError(f"JOBFEED_RATE_LIMIT {text!r} is not N/s, N/m or N/h (optionally ';burst=M'), or 'off'")
    count, unit, burst = int(match.group(1)), match.group(2), match.group(3)
    return RateLimit(per_second=count / _UNITS[unit], burst=int(burst) if burst else count)


class _Buckets:
    """Token buckets per client, the least recently seen dropped beyond `max_clients`."""

    def __init__(self, limit: RateLimit, clock: Callable[[], float], max_clients: int = 100_000) -> None:
        self._limit = limit
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when `client` may go ahead (a token is spent), else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(client, (float(self._limit.burst), now))
            tokens = min(float(self._limit.burst), tokens + (now - at) * self._limit.per_second)
            wait = 0.0
            if tokens >= 1.0:
                tokens -= 1.0
            else:
                wait = (1.0 - tokens) / self._limit.per_second
            self._buckets[client] = (tokens, now)
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            return wait


class LimitsMiddleware:
    """413 for a body over `max_body_bytes` (declared or streamed), 429 past the client's rate, and
    X-Content-Type-Options on every response plus a Content-Security-Policy on the dashboard's HTML."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        rate_limit: RateLimit | None,
        max_body_bytes: int = MAX_BODY_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self._buckets = _Buckets(rate_limit, clock) if rate_limit is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        if self._buckets is not None and path not in UNLIMITED_PATHS:
            client = scope.get("client")
            wait = self._buckets.take(client[0] if client else "unknown")
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await self._reply(
                    scope,
                    send,
                    ApiError(
                        429,
                        f"Too many requests from your address; retry after {seconds} s.",
                        code="rate_limited",
                        headers={"Retry-After": str(seconds)},
                    ),
                )
                return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._reply(scope, send, _too_large(self.max_body_bytes))
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # Raised inside the endpoint's body read; the app's handler answers it as JSON.
                    raise HTTPException(413, _too_large(self.max_body_bytes).message)
            return message

        html_page = not path.startswith(DOCS_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if html_page and content_type.startswith(b"text/html"):
                    headers.append((b"content-security-policy", DASHBOARD_CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, limited_receive, send_with_headers)

    async def _reply(self, scope: Scope, send: Send, error: ApiError) -> None:
        response = error_response(error)
        response.headers["X-Content-Type-Options"] = "nosniff"

        async def no_body() -> Message:
            return {"type": "http.request", "body": b"", "more_body": False}

        await response(scope, no_body, send)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The request body is over {limit // 1024} KiB; send less.", code="payload_too_large")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1").strip())
    return None


def document_limits(app: FastAPI, rate_limit: RateLimit | None) -> None:
    """State in the OpenAPI schema what the middleware answers before any route: 413 on every operation, and
    429 with Retry-After on every operation a client can be limited on (not /healthz, /metrics), when the
    rate limit is on. Wraps `app.openapi` like api.docs.describe_choices."""
    build = app.openapi
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    too_large = {"description": f"The request body is over {MAX_BODY_BYTES // 1024} KiB", "content": error}
    limited = {
        "description": "Too many requests from this address; retry after the seconds the header names",
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}},
        "content": error,
    }

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                if not isinstance(operation, dict):
                    continue
                responses = operation.setdefault("responses", {})
                responses.setdefault("413", too_large)
                if rate_limit is not None and path not in UNLIMITED_PATHS:
                    responses.setdefault("429", limited)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
