"""Serialized responses cached by data version, with the ETag and Last-Modified they are served under.

Data changes only when the pipeline writes (DESIGN.md section 8), so a page is rendered once per data
version. Owns no queries: the caller passes the function that reads the version.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
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


@dataclass(frozen=True, slots=True)
class _Entry:
    token: str
    body: bytes
    stored_at: float


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
        self._version: DataVersion | None = None
        self._version_read_at = 0.0

    def version(self, read: Callable[[], DataVersion]) -> DataVersion:
        now = time.monotonic()
        current = self._version
        if current is None or now - self._version_read_at >= self.version_ttl_seconds:
            current = read()
            with self._lock:
                if self._version is not None and self._version.token != current.token:
                    self._entries.clear()
                self._version, self._version_read_at = current, now
        return current

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

    def put(self, key: str, token: str, body: bytes) -> None:
        with self._lock:
            self._entries[key] = _Entry(token, body, time.monotonic())
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


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
) -> Response:
    """The cached body of `key` for the current data version (rendered on a miss), or a 304."""
    version = cache.version(read_version)
    etag = _etag(version.token, key)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(version.modified, usegmt=True),
        "Cache-Control": "no-cache",
    }
    if _not_modified(request, etag, version.modified):
        return Response(status_code=304, headers=headers)
    body = cache.get(key, version.token)
    if body is None:
        body = render(version)
        cache.put(key, version.token, body)
    return Response(body, media_type=media_type, headers=headers)
