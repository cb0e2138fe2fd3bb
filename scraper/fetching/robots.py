"""robots.txt rules per origin (RFC 9309), parsed with protego and cached for the fetcher's lifetime, and across
the runs of a process for an hour (`SharedRobots`).

Knows what robots.txt answers mean; it does not fetch: the fetcher hands it a loader.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from protego import Protego

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RobotsFile:
    """What one origin's robots.txt said: either parsed rules or a blanket answer."""

    rules: Protego | None = None
    allow_all: bool = True
    reason: str = ""

    def allows(self, url: str, agent_token: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return bool(self.rules.can_fetch(url, agent_token))

    def crawl_delay(self, agent_token: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(agent_token)
        return float(delay) if delay is not None else None


def interpret_robots(status: int | None, body: bytes) -> RobotsFile:
    """What a robots.txt answer means (RFC 9309 section 2.3.1); status None means unreachable.

    2xx: the rules. 4xx (404, 410, even 401/403): no rules, everything allowed. 5xx or no answer
    at all: assume everything disallowed, since the site may be down because of crawlers.

    >>> interpret_robots(404, b"").allows("https://x.test/a", "jobfeed")
    True
    >>> interpret_robots(503, b"").allows("https://x.test/a", "jobfeed")
    False
    >>> interpret_robots(200, b"User-agent: *\\nDisallow: /a").allows("https://x.test/a", "jobfeed")
    False
    """
    if status is not None and 200 <= status < 300:
        text = body.decode("utf-8", errors="replace")
        return RobotsFile(rules=Protego.parse(text), reason=f"robots.txt ({status})")
    if status is not None and 400 <= status < 500:
        return RobotsFile(allow_all=True, reason=f"robots.txt answered {status}: no rules")
    answer = "was unreachable" if status is None else f"answered {status}"
    return RobotsFile(allow_all=False, reason=f"robots.txt {answer}: assuming everything disallowed (RFC 9309)")


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against.

    Protego matches by substring, so the whole User-Agent would let the URL in its comment match
    a group meant for someone else.

    >>> agent_token("jobfeed/0.1 (+https://github.com/jobfeed/jobfeed)")
    'jobfeed'
    """
    return user_agent.strip().split("/", 1)[0].split(None, 1)[0] if user_agent.strip() else "*"


def origin_of(url: httpx.URL) -> str:
    """scheme://host[:port], the unit robots.txt applies to."""
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    port = "" if url.port in (None, default_port) else f":{url.port}"
    return f"{url.scheme}://{url.host}{port}"


class RobotsCache:
    """robots.txt per origin, fetched once through `loader` and kept; safe to share between threads."""

    def __init__(self, loader: Callable[[str], RobotsFile]) -> None:
        self._loader = loader
        self._files: dict[str, RobotsFile] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, url: httpx.URL) -> RobotsFile:
        origin = origin_of(url)
        with self._lock:
            cached = self._files.get(origin)
            if cached is not None:
                return cached
            origin_lock = self._locks.setdefault(origin, threading.Lock())
        # One load per origin; other origins are not held up while this one is fetched.
        with origin_lock:
            with self._lock:
                cached = self._files.get(origin)
            if cached is not None:
                return cached
            robots = self._loader(f"{origin}/robots.txt")
            logger.debug("%s: %s", origin, robots.reason)
            with self._lock:
                self._files[origin] = robots
            return robots


# A robots.txt answer is kept this long across runs (RFC 9309 allows up to 24 hours): a host whose 1,000 boards run
# every hour is asked for it about once an hour per process, not once per run.
SHARED_ROBOTS_SECONDS = 3600.0


class SharedRobots:
    """robots.txt answers shared by every run of a process, per robots URL and User-Agent, for `ttl_seconds`.

    Only answers that are rules or "no rules" (2xx, 4xx) are kept; an unreachable or failing robots.txt
    (everything disallowed) is asked again by the next run. Thread-safe; one load per key at a time.
    """

    def __init__(self, ttl_seconds: float = SHARED_ROBOTS_SECONDS, *, clock: Callable[[], float] = time.monotonic):
        self.ttl_seconds = ttl_seconds
        self._clock = clock
        self._entries: dict[tuple[str, str], tuple[float, RobotsFile]] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, robots_url: str, user_agent: str, load: Callable[[], RobotsFile]) -> RobotsFile:
        key = (robots_url, user_agent)
        with self._lock:
            key_lock = self._locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                found = self._entries.get(key)
            if found is not None and found[0] > self._clock():
                return found[1]
            robots = load()
            if robots.rules is not None or robots.allow_all:
                with self._lock:
                    self._entries[key] = (self._clock() + self.ttl_seconds, robots)
            return robots
