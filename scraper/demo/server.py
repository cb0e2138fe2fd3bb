"""The sample boards served over HTTP on 127.0.0.1 from a daemon thread; never touches the database or the pipeline."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from scraper.demo.catalogue import BoardState, board_state
from scraper.demo.routing import Response, respond
from scraper.demo.site import Site
from scraper.demo.sources_file import demo_sources_toml

logger = logging.getLogger(__name__)


class DemoBoard:
    """The sample boards served over HTTP from a daemon thread; the round advances every `round_seconds`.

    >>> with DemoBoard(round_seconds=math.inf) as board:  # doctest: +SKIP
    ...     board.url, board.round, board.advance()
    ('http://127.0.0.1:40123', 0, 1)
    """

    def __init__(
        self,
        round_seconds: float = 30.0,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if not round_seconds > 0:
            raise ValueError(f"round_seconds must be positive, got {round_seconds}")
        self.round_seconds = round_seconds
        self._host = host
        self._port = port
        self._clock = clock
        self._now = now or (lambda: datetime.now(UTC))
        self._started_clock = clock()
        self._advanced = 0
        self._pinned: int | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._site: Site | None = None

    @property
    def url(self) -> str:
        """The base URL, e.g. "http://127.0.0.1:40123" (no trailing slash)."""
        return self._started().base_url

    @property
    def round(self) -> int:
        """floor(elapsed / round_seconds), plus the rounds added by `advance`; the pinned round while replaying."""
        with self._lock:
            if self._pinned is not None:
                return self._pinned
            elapsed = max(0.0, self._clock() - self._started_clock)
            return int(elapsed // self.round_seconds) + self._advanced

    def advance(self, rounds: int = 1) -> int:
        """Move the boards `rounds` rounds on now (tests use this instead of waiting); returns the new round."""
        with self._lock:
            self._advanced += rounds
        return self.round

    def replay(self, round_: int | None) -> None:
        """Serve round `round_` (a past week when negative) until called again; None resumes the clock at round 0.

        `jobfeed demo` replays the generated boards' past weeks through the pipeline with this.
        """
        with self._lock:
            self._pinned = round_
            if round_ is None:
                self._started_clock, self._advanced = self._clock(), 0

    def moment(self) -> datetime:
        """The time the boards live in: the pinned past week while replaying, else now."""
        with self._lock:
            pinned = self._pinned
        return self._started().moment(pinned) if pinned is not None and pinned < 0 else self._now()

    def state(self) -> BoardState:
        return board_state(self.round)

    def sources_toml(self, *, every: str = "1m") -> str:
        return demo_sources_toml(self.url, every=every)

    def start(self) -> DemoBoard:
        if self._server is not None:
            return self
        server = ThreadingHTTPServer((self._host, self._port), _handler(self))
        server.daemon_threads = True
        host, port = server.server_address[0], server.server_address[1]
        host = host.decode() if isinstance(host, bytes) else host
        display = f"[{host}]" if ":" in str(host) else str(host)
        self._site = Site(base_url=f"http://{display}:{port}", started_at=self._now(), round_seconds=self.round_seconds)
        self._server = server
        with self._lock:
            self._started_clock = self._clock()  # rounds count from when the boards are served
        # A 0.05 s poll: stop() waits for serve_forever to notice, up to its poll interval (0.5 s by default).
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="jobfeed-demo-board", daemon=True
        )
        self._thread.start()
        logger.info("demo board serving on %s (a new round every %ss)", self._site.base_url, self.round_seconds)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> DemoBoard:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def respond(self, target: str) -> Response:
        return respond(self.state(), self._started(), target, self.moment())

    def _started(self) -> Site:
        if self._site is None:
            raise RuntimeError("the demo board is not started; call start() or use it as a context manager")
        return self._site


def _handler(board: DemoBoard) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "jobfeed-demo-board"
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes; on a kept-alive connection Nagle's algorithm holds the body until
        # the client acknowledges the headers, which it delays by up to 40 ms: every page took 40 ms over loopback.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._send(head=False)

        def do_HEAD(self) -> None:
            self._send(head=True)

        def _send(self, *, head: bool) -> None:
            response = board.respond(self.path)
            try:
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                self.send_header("Cache-Control", "no-cache")
                self.end_headers()
                if not head:
                    self.wfile.write(response.body)
            except ConnectionError:  # the scraper hung up mid-answer (a run stopped at shutdown): nothing to tell
                self.close_connection = True
                logger.debug("demo board: %s hung up before the answer to %s was sent", self.client_address, self.path)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("demo board: " + format, *args)

    return Handler
