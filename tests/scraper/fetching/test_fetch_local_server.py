"""Against a real HTTP server on 127.0.0.1: the overall deadline cuts off a server that drips bytes,
a real truncated body, and loopback refused unless the source allows the private network."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from scraper.errors import BlockedAddress, DeadlineExceeded, HostUnreachable, RetriesExhausted
from scraper.fetching import Fetcher, FetchPolicy
from tests.serving import serving_thread


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    stop = threading.Event()
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        if self.path == "/drip":
            self._drip()
        elif self.path == "/truncated":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"<html><title>cut")
            self.close_connection = True
        else:
            body = b"<html><title>ok</title></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def _drip(self) -> None:
        # Each byte comes well within the read timeout, so only the overall deadline can stop it.
        self.send_response(200)
        self.send_header("Content-Length", "100000")
        self.end_headers()
        self.wfile.flush()
        try:
            while not Handler.stop.is_set():
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.02)
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.stop.clear()
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = serving_thread(httpd)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        Handler.stop.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def local_fetcher(**settings: object) -> Fetcher:
    policy = FetchPolicy(
        **{"allow_private_network": True, "obey_robots": False, "min_delay_seconds": 0.0, **settings}  # type: ignore[arg-type]
    )
    return Fetcher(policy, sleep=lambda seconds: None)


def test_deadline_stops_a_dripping_server(server: str) -> None:
    with local_fetcher(deadline_seconds=0.5, read_timeout_seconds=5.0) as fetcher, pytest.raises(DeadlineExceeded):
        fetcher.get(f"{server}/drip")

    assert Handler.hits == ["/drip"]  # not retried


def test_real_truncated_body_is_retried_then_gives_up(server: str) -> None:
    with local_fetcher(max_retries=1) as fetcher, pytest.raises(RetriesExhausted):
        fetcher.get(f"{server}/truncated")

    assert Handler.hits == ["/truncated", "/truncated"]


def test_loopback_is_refused_by_default(server: str) -> None:
    with Fetcher(FetchPolicy(obey_robots=False)) as fetcher, pytest.raises(BlockedAddress):
        fetcher.get(f"{server}/page")

    assert Handler.hits == []


def test_loopback_is_fetched_when_allowed(server: str) -> None:
    with local_fetcher() as fetcher:
        page = fetcher.get(f"{server}/page")

    assert (page.status, page.text, page.content_type) == (200, "<html><title>ok</title></html>", "text/html")


def test_connection_refused_is_retried_then_named(server: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    sleeps: list[float] = []
    policy = FetchPolicy(allow_private_network=True, obey_robots=False, min_delay_seconds=0.0, max_retries=2)

    with Fetcher(policy, sleep=sleeps.append) as fetcher, pytest.raises(HostUnreachable, match="cannot connect"):
        fetcher.get(f"http://127.0.0.1:{closed_port}/")

    assert len(sleeps) == 2
