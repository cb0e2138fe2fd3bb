"""The fetcher's httpx transport: every socket wait inside the exchange's deadline, and the connection made
to the address the fetcher checked (no second DNS lookup that could rebind); TLS SNI and Host stay the name.

The fetcher opens an `exchange_scope` around each exchange (its deadline, stop event and pinned address);
the transport reads it from a context variable. Outside a scope it behaves like httpx's own transport.
"""

from __future__ import annotations

import contextlib
import functools
import ssl
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpcore
import httpx

from scraper.errors import DeadlineExceeded, FetchCancelled

# A wait longer than this is split so that a stop request is seen within it.
STOP_POLL_SECONDS = 0.25


@dataclass(frozen=True, slots=True)
class Exchange:
    """One exchange's bounds: `deadline_at` on time.monotonic(); `pins` maps a host name to its checked address."""

    url: str
    deadline_seconds: float
    deadline_at: float
    pins: dict[str, str] = field(default_factory=dict)
    stop: threading.Event | None = None

    @classmethod
    def starting_now(
        cls, url: httpx.URL, deadline_seconds: float, *, pinned: str | None, stop: threading.Event | None = None
    ) -> Exchange:
        """The exchange with `url` from now on, its host pinned to `pinned` (what `check_url` returned) if any."""
        return cls(
            url=str(url),
            deadline_seconds=deadline_seconds,
            deadline_at=time.monotonic() + deadline_seconds,
            pins={url.host: pinned} if pinned else {},
            stop=stop,
        )


_current: ContextVar[Exchange | None] = ContextVar("jobfeed_exchange", default=None)


@contextlib.contextmanager
def exchange_scope(exchange: Exchange) -> Iterator[Exchange]:
    token = _current.set(exchange)
    try:
        yield exchange
    finally:
        _current.reset(token)


def _bounded(timeout: float | None, phase: str) -> tuple[float | None, Exchange | None]:
    """`timeout` capped by what is left of the exchange's deadline; raises when nothing is left or on stop."""
    exchange = _current.get()
    if exchange is None:
        return timeout, None
    if exchange.stop is not None and exchange.stop.is_set():
        raise FetchCancelled(f"{exchange.url}: stopped (shutdown) while {phase}", url=exchange.url)
    remaining = exchange.deadline_at - time.monotonic()
    if remaining <= 0:
        raise DeadlineExceeded(
            f"{exchange.url}: the {exchange.deadline_seconds:g}s deadline passed while {phase}", url=exchange.url
        )
    return (remaining if timeout is None else min(timeout, remaining)), exchange


class _GuardedStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the exchange's deadline (or its stop event)."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if _current.get() is None:
            return self._inner.read(max_bytes, timeout)
        waited = 0.0
        while True:
            # Raises DeadlineExceeded once the deadline has passed, FetchCancelled once stop is set.
            bounded, exchange = _bounded(None if timeout is None else timeout - waited, "waiting for the server")
            assert bounded is not None and exchange is not None
            piece = bounded if exchange.stop is None else min(bounded, STOP_POLL_SECONDS)
            started = time.monotonic()
            try:
                return self._inner.read(max_bytes, piece)
            except httpcore.ReadTimeout:
                waited += time.monotonic() - started
                if timeout is not None and waited >= timeout:
                    raise  # the read timeout itself: a stalled server, retried by the fetcher

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        bounded, _ = _bounded(timeout, "sending the request")
        self._inner.write(buffer, bounded)

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        bounded, _ = _bounded(timeout, "negotiating TLS")
        return _GuardedStream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _PinningBackend(httpcore.NetworkBackend):
    """Connects to the pinned address of the host (the one the address check approved), within the deadline."""

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        bounded, exchange = _bounded(timeout, "connecting")
        address = exchange.pins.get(host, host) if exchange is not None else host
        try:
            stream = self._inner.connect_tcp(
                address, port, timeout=bounded, local_address=local_address, socket_options=socket_options
            )
        except httpcore.ConnectTimeout:
            _bounded(None, "connecting")  # DeadlineExceeded when it was the deadline that ended the wait
            raise
        return _GuardedStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("the fetcher does not use Unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once: loading the CA bundle costs ~20 ms of CPU, and a context
    is safe to share between threads and connections."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose sockets come from `_PinningBackend`."""

    def __init__(self, *, limits: httpx.Limits | None = None) -> None:
        super().__init__(verify=_ssl_context())
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool.close()
        self._pool = httpcore.ConnectionPool(
            ssl_context=_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PinningBackend(),
        )
