"""A local fault server for fault-injection tests (in the manner of Scrapy's mockserver): real sockets on
127.0.0.1 answering each path with a chosen misbehaviour (header drip, stacked encodings, Retry-After, ...).

    with FaultServer({"/drip": header_drip(2.0)}) as server:
        fetcher.get(server.url("/drip"))
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tests.serving import serving_thread

Route = Callable[[BaseHTTPRequestHandler, threading.Event], None]


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    host: str | None


class FaultServer:
    """A threading HTTP server on `host` (port 0: a free one) answering `routes` by path; others get 404."""

    def __init__(self, routes: Mapping[str, Route], host: str = "127.0.0.1", port: int = 0) -> None:
        self.routes = dict(routes)
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.hits.append(Hit(self.path, self.headers.get("Host")))
                route = server.routes.get(self.path.split("?", 1)[0])
                if route is None:
                    send(self, 404, b"not here")
                    return
                try:
                    route(self, server.stopping)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _QuietServer((host, port), Handler)
        self._httpd.daemon_threads = True
        self.host, self.port = host, int(self._httpd.server_address[1])
        self._thread = serving_thread(self._httpd)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object | TracebackType) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hangs up (the point of most faults) is not news


def send(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: Mapping[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def answer(body: bytes, status: int = 200, headers: Mapping[str, str] | None = None) -> Route:
    return lambda handler, _stopping: send(handler, status, body, headers)


def header_drip(seconds_per_byte: float) -> Route:
    """Status line and headers one byte at a time, `seconds_per_byte` apart: each wait is short, the whole is not."""

    def route(handler: BaseHTTPRequestHandler, stopping: threading.Event) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 10_000 + b"\r\n\r\n"
        for byte in head:
            if stopping.wait(seconds_per_byte):
                break
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
        handler.close_connection = True

    return route


def stacked_gzip_bomb(inflated_bytes: int, layers: int = 2) -> bytes:
    """`inflated_bytes` of zeros under `layers` of gzip: 256 MiB under two layers is well under 1 KiB."""
    # Built, not compressed: after a full flush the deflater starts afresh, so each MiB of zeros deflates to the same
    # block, written once and repeated; the gzip trailer's CRC-32 runs over one MiB of zeros, again and again.
    # 0.05 s of CPU for 256 MiB, where compressing them took 0.35 s (in each worker that runs a test of the bomb).
    step = 1 << 20
    whole, rest = divmod(inflated_bytes, step)
    zeros = bytes(step)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS, 9, zlib.Z_RLE)
    block = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    last = deflater.compress(zeros[:rest]) + deflater.flush()
    crc = 0
    for _ in range(whole):
        crc = zlib.crc32(zeros, crc)
    crc = zlib.crc32(zeros[:rest], crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name or time, best compression
    body = header + block * whole + last + struct.pack("<II", crc, inflated_bytes & 0xFFFFFFFF)
    for _ in range(layers - 1):
        body = gzip.compress(body, compresslevel=9)
    return body


def sleep_until(stopping: threading.Event, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stopping.is_set() and time.monotonic() < deadline:
        stopping.wait(0.05)


def rebinding_getaddrinfo(name: str, first: str, then: str) -> tuple[Callable[..., Any], list[str]]:
    """A stand-in for socket.getaddrinfo that answers `name` with `first` on its first lookup and `then` on
    every later one (DNS rebinding), and every other name as the system does; and the list of lookups of `name`.

        fake, lookups = rebinding_getaddrinfo("rebind.test", "127.0.0.1", "127.0.0.2")
        monkeypatch.setattr(socket, "getaddrinfo", fake)
    """
    lookups: list[str] = []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != name:
            return real_getaddrinfo(host, port, *args, **kwargs)
        lookups.append(host)
        address = first if len(lookups) == 1 else then
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo, lookups
