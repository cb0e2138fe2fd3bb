"""Serialized responses cached by data version, with the ETag and Last-Modified they are served under.

Data changes only when the pipeline writes (DESIGN.md section 8), so a page is rendered once per data
version. Aggregates that take seconds at scale (salary statistics over a million postings) may be served
stale while one background render brings them up to date. Owns no queries: callers pass the functions.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response


@dataclass(frozen=True, slots=True)
class DataVersion:
    """What the writer last touched: `token` changes with any write, `modified` is when."""

    token: str
    modified: datetime


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Entry:
    token: str
    body: bytes
    stored_at: float
    modified: datetime | None = None


class ResponseCache:
    """A bounded LRU of response bodies, valid while the data version is unchanged.

    The version itself is re-read at most every `version_ttl_seconds` (0: on every request), so a
    write shows within that delay; entries also age out after `max_age_seconds` because some answers
    depend on the clock (history buckets up to now).
    """

    def __init__(
        self, *, version_ttl_seconds: float = 1.0, max_entries: int = 1024, max_age_seconds: float = 300.0
    ) -> None:
        self.version_ttl_seconds = version_ttl_seconds
        self.max_entries = max_entries
        self.max_age_seconds = max_age_seconds
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        # The previous version's entries, kept for the keys that may be served stale while refreshed.
        self._stale: dict[str, _Entry] = {}
        self._refreshing: dict[str, Future[None]] = {}
        # Renders under way, by (key, token): a miss that finds one waits for it instead of rendering again.
        self._inflight: dict[tuple[str, str], Future[bytes]] = {}
        self._inflight_async: dict[tuple[str, str], asyncio.Future[bytes]] = {}
        self._executor: ThreadPoolExecutor | None = None
        self._version: DataVersion | None = None
        self._version_read_at = 0.0

    def version(self, read: Callable[[], DataVersion]) -> DataVersion:
        current = self.known_version()
        return self.observe(read()) if current is None else current

    def observe(self, current: DataVersion) -> DataVersion:
        """Take `current` as the data version just read (by `version`, or by an async reader)."""
        with self._lock:
            if self._version is not None and self._version.token != current.token:
                self._stale = dict(self._entries)
                self._entries.clear()
            self._version, self._version_read_at = current, time.monotonic()
        return current

    def known_version(self) -> DataVersion | None:
        """The version read less than `version_ttl_seconds` ago, or None when it must be read again."""
        current = self._version
        if current is None or time.monotonic() - self._version_read_at >= self.version_ttl_seconds:
            return None
        return current

    def render_once(self, key: str, token: str, render: Callable[[], bytes]) -> bytes:
        """`render()` stored under `key`, rendered by one caller at a time: concurrent misses of the same key
        and version wait for that render and share its body (or its exception), never start their own."""
        with self._lock:
            pending = self._inflight.get((key, token))
            if pending is None:
                mine: Future[bytes] = Future()
                self._inflight[(key, token)] = mine
        if pending is not None:
            return pending.result()
        try:
            body = render()
        except BaseException as exc:
            mine.set_exception(exc)
            raise
        else:
            mine.set_result(body)
            return body
        finally:
            with self._lock:
                self._inflight.pop((key, token), None)

    async def render_once_async(self, key: str, token: str, render: Callable[[], Awaitable[bytes]]) -> bytes:
        """`render_once` on the event loop: concurrent misses of one key and version await one render."""
        pending = self._inflight_async.get((key, token))
        if pending is not None:
            return await asyncio.shield(pending)
        mine: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._inflight_async[(key, token)] = mine
        try:
            body = await render()
        except asyncio.CancelledError:
            mine.cancel()
            raise
        except BaseException as exc:
            mine.set_exception(exc)
            mine.exception()  # retrieved: no waiter may be there to see it
            raise
        else:
            mine.set_result(body)
            return body
        finally:
            self._inflight_async.pop((key, token), None)

    def get(self, key: str, token: str) -> bytes | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.token != token or time.monotonic() - entry.stored_at > self.max_age_seconds:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry.body

    def put(self, key: str, token: str, body: bytes, modified: datetime | None = None) -> None:
        with self._lock:
            if self._version is not None and token != self._version.token:
                return  # rendered for a version that has since been replaced
            self._entries[key] = _Entry(token, body, time.monotonic(), modified)
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def stale(self, key: str) -> _Entry | None:
        """The previous version's body of `key`, if it is recent enough to stand in while refreshed."""
        with self._lock:
            entry = self._stale.get(key)
        if entry is None or time.monotonic() - entry.stored_at > self.max_age_seconds:
            return None
        return entry

    def refresh(self, key: str, version: DataVersion, render: Callable[[DataVersion], bytes]) -> None:
        """Render `key` for `version` in the background, once at a time per key."""
        with self._lock:
            if key in self._refreshing:
                return
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cache-refresh")
            self._refreshing[key] = self._executor.submit(self._render, key, version, render)

    def _render(self, key: str, version: DataVersion, render: Callable[[DataVersion], bytes]) -> None:
        try:
            self.put(key, version.token, render(version), version.modified)
        except Exception:  # a failed refresh leaves the stale body; the next request retries
            log.exception("background refresh of %s failed", key)
        finally:
            with self._lock:
                self._refreshing.pop(key, None)

    def wait_for_refreshes(self, timeout_seconds: float = 30.0) -> None:
        """Block until the background renders under way have finished (tests, shutdown)."""
        with self._lock:
            pending = list(self._refreshing.values())
        for future in pending:
            future.exception(timeout=timeout_seconds)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)


def _etag(token: str, key: str) -> str:
    digest = hashlib.blake2b(f"{token}\x00{key}".encode(), digest_size=12).hexdigest()
    return f'"{digest}"'


def _not_modified(request: Request, etag: str, modified: datetime) -> bool:
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return etag in candidates or "*" in candidates
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            return False
        return modified.replace(microsecond=0) <= since
    return False


def cached_response(
    request: Request,
    cache: ResponseCache,
    key: str,
    read_version: Callable[[], DataVersion],
    render: Callable[[DataVersion], bytes],
    media_type: str,
    *,
    background: Callable[[DataVersion], bytes] | None = None,
) -> Response:
    """The cached body of `key` for the current data version (rendered on a miss), or a 304.

    With `background` (a render that opens its own session), a miss that has the previous version's
    body answers with that body, under its own ETag and Last-Modified, and renders the new one in the
    background: a slow aggregate never makes a client wait after each run lands.
    """
    version = cache.version(read_version)
    body = cache.get(key, version.token)
    if body is None and background is not None:
        previous = cache.stale(key)
        if previous is not None and previous.modified is not None:
            cache.refresh(key, version, background)
            return respond(request, previous.body, previous.token, key, previous.modified, media_type)
    if body is None:
        body = cache.render_once(key, version.token, lambda: render(version))
        cache.put(key, version.token, body, version.modified)
    return respond(request, body, version.token, key, version.modified, media_type)


def respond(request: Request, body: bytes, token: str, key: str, modified: datetime, media_type: str) -> Response:
    etag = _etag(token, key)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(modified, usegmt=True),
        "Cache-Control": "no-cache",
    }
    if _not_modified(request, etag, modified):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
