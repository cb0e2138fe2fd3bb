"""Faults injected by a real server on 127.0.0.1 (tests/faultserver.py): stacked compression bombs, encodings
not asked for, a header drip, a resolver that rebinds, refused connections and unresolvable hosts, a stop."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from scraper.errors import (
    DeadlineExceeded,
    FetchCancelled,
    HostUnreachable,
    ResponseTooLarge,
    RobotsDisallowed,
    UnsupportedEncoding,
)
from scraper.fetching import Fetcher, FetchPolicy
from scraper.fetching import address as address_module
from tests.faultserver import FaultServer, answer, header_drip, rebinding_getaddrinfo, stacked_gzip_bomb

CAP = 1 << 20  # 1 MiB
TEXT = b"<html><title>layered</title></html>" * 50


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return stacked_gzip_bomb(256 << 20, layers=2)  # 256 MiB of zeros, a few hundred bytes on the wire


@pytest.fixture
def server(bomb: bytes) -> Iterator[FaultServer]:
    routes = {
        "/gzip-gzip-bomb": answer(bomb, headers={"Content-Encoding": "gzip, gzip"}),
        "/gzip-gzip": answer(gzip.compress(gzip.compress(TEXT)), headers={"Content-Encoding": "gzip, gzip"}),
        "/deflate-gzip": answer(gzip.compress(zlib.compress(TEXT)), headers={"Content-Encoding": "deflate, gzip"}),
        "/br": answer(b"\x0b\x02\x80hello\x03", headers={"Content-Encoding": "br"}),
        "/gzip-br": answer(b"...", headers={"Content-Encoding": "gzip, br"}),
        "/four-layers": answer(b"...", headers={"Content-Encoding": "gzip, gzip, gzip, gzip"}),
        "/header-drip": header_drip(2.0),
        "/ok": answer(b"<html>ok</html>", headers={"Content-Type": "text/html"}),
    }
    with FaultServer(routes) as running:
        yield running


def local_fetcher(**settings: Any) -> Fetcher:
    extra = {key: settings.pop(key) for key in ("stop", "resolver") if key in settings}
    policy = FetchPolicy(**{"allow_private_network": True, "obey_robots": False, "min_delay_seconds": 0.0, **settings})
    return Fetcher(policy, sleep=lambda seconds: None, **extra)


def test_stacked_gzip_bomb_stops_at_the_cap_within_twice_the_cap_of_memory(server: FaultServer, bomb: bytes) -> None:
    assert len(bomb) < 4096  # the audit's bomb was 3,480 bytes
    tracemalloc.start()
    try:
        with local_fetcher(max_body_bytes=CAP) as fetcher, pytest.raises(ResponseTooLarge, match="while streaming"):
            fetcher.get(server.url("/gzip-gzip-bomb"))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    print(f"peak traced memory for a 256 MiB two-layer gzip bomb, cap {CAP} bytes: {peak / 2**20:.2f} MiB")
    assert peak <= 2 * CAP


@pytest.mark.parametrize("path", ["/gzip-gzip", "/deflate-gzip"])
def test_every_layer_is_decoded(server: FaultServer, path: str) -> None:
    with local_fetcher() as fetcher:
        assert fetcher.get(server.url(path)).content == TEXT


@pytest.mark.parametrize("path", ["/br", "/gzip-br", "/four-layers"])
def test_encodings_not_asked_for_or_not_boundable_are_refused(server: FaultServer, path: str) -> None:
    with local_fetcher() as fetcher, pytest.raises(UnsupportedEncoding):
        fetcher.get(server.url(path))

    assert [hit.path for hit in server.hits] == [path]  # not retried: the next answer would be the same


@pytest.mark.slow  # waits out a real 3 s deadline (test_fetch_local_server's 0.5 s one stays in the fast loop)
def test_a_header_drip_is_cut_off_at_the_deadline(server: FaultServer) -> None:
    # One byte every 2 s: every wait is well within the read timeout, only the deadline can end it.
    started = time.monotonic()
    with (
        local_fetcher(deadline_seconds=3.0, read_timeout_seconds=20.0) as fetcher,
        pytest.raises(DeadlineExceeded, match="3s deadline"),
    ):
        fetcher.get(server.url("/header-drip"))
    elapsed = time.monotonic() - started

    print(f"header drip (1 byte / 2 s) stopped after {elapsed:.2f} s with a 3 s deadline")
    # Without the deadline it would run for hours (10 KB of headers); the margin covers a loaded machine.
    assert 3.0 <= elapsed < 6.0
    assert [hit.path for hit in server.hits] == ["/header-drip"]  # a deadline is not retried


def test_a_stop_request_ends_an_exchange_under_way(server: FaultServer) -> None:
    stop = threading.Event()
    drip = server.routes["/header-drip"]

    def stop_once_asked(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        stop.set()  # the server has the request, its first byte is 2 s away: the exchange is under way
        drip(handler, stopping)

    server.routes["/stopped-drip"] = stop_once_asked
    started = time.monotonic()
    with local_fetcher(deadline_seconds=60.0, stop=stop) as fetcher, pytest.raises(FetchCancelled):
        fetcher.get(server.url("/stopped-drip"))

    assert time.monotonic() - started < 2.0


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_connection_refused_is_named_not_a_robots_block() -> None:
    policy = FetchPolicy(allow_private_network=True, obey_robots=True, min_delay_seconds=0.0, max_retries=1)
    with Fetcher(policy, sleep=lambda seconds: None) as fetcher, pytest.raises(HostUnreachable) as caught:
        fetcher.get(f"http://127.0.0.1:{closed_port()}/jobs")

    assert not isinstance(caught.value, RobotsDisallowed)
    assert "cannot connect to 127.0.0.1" in str(caught.value)
    assert "refused" in str(caught.value).lower()


def test_an_unresolvable_host_is_named_not_a_robots_block() -> None:
    def no_such_host(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    policy = FetchPolicy(obey_robots=True, min_delay_seconds=0.0)
    with Fetcher(policy, resolver=no_such_host) as fetcher, pytest.raises(HostUnreachable, match="cannot resolve"):
        fetcher.get("https://gone.example/jobs")


def test_the_connection_goes_to_the_checked_address_when_dns_rebinds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The name resolves to the 'public' 127.0.0.1 when checked, then to the 'internal' 127.0.0.2."""
    public = FaultServer({"/jobs": answer(b"public")})
    internal = FaultServer({"/jobs": answer(b"internal secrets")}, host="127.0.0.2", port=public.port)
    fake, lookups = rebinding_getaddrinfo("rebind.test", "127.0.0.1", "127.0.0.2")
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    # For this test 127.0.0.1 stands for a public address and 127.0.0.2 for an internal one.
    monkeypatch.setattr(address_module, "is_public_address", lambda address: address == "127.0.0.1")
    policy = FetchPolicy(obey_robots=False, min_delay_seconds=0.0)
    with public, internal, Fetcher(policy) as fetcher:
        page = fetcher.get(f"http://rebind.test:{public.port}/jobs")

    assert page.content == b"public"
    assert internal.hits == []
    assert [hit.host for hit in public.hits] == [f"rebind.test:{public.port}"]  # Host header unchanged
    assert lookups == ["rebind.test"]  # resolved once, by the check


def test_an_address_outside_the_exchange_is_unaffected(server: FaultServer) -> None:
    with local_fetcher() as fetcher:
        assert fetcher.get(server.url("/ok")).text == "<html>ok</html>"
