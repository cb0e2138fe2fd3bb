"""The fetcher: one httpx client per run, with the network policy applied to every request.

Order per hop: address check, robots.txt, per-host throttle, the exchange under its deadline and
size cap, then retry or redirect. Owns I/O only; it never parses what it fetched beyond charset.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from scraper.config import POLICY_OPTIONS, SourceConfig
from scraper.errors import (
    DeadlineExceeded,
    FetchCancelled,
    FetchError,
    HostUnreachable,
    HTTPStatusError,
    RetriesExhausted,
    RetryAfterTooLong,
    RobotsDisallowed,
    TooManyRedirects,
    TruncatedBody,
)
from scraper.fetching.address import Resolver, check_url, resolve_host
from scraper.fetching.body import read_body
from scraper.fetching.cache import ValidatorStore, conditional_headers
from scraper.fetching.charset import sniff_encoding
from scraper.fetching.page import Page
from scraper.fetching.retry import RETRYABLE_STATUSES, backoff_delay, parse_http_date, parse_retry_after
from scraper.fetching.robots import RobotsCache, RobotsFile, SharedRobots, agent_token, interpret_robots
from scraper.fetching.throttle import HostThrottle
from scraper.fetching.transport import Exchange, GuardedTransport, exchange_scope

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "jobfeed/0.1 (+https://github.com/jobfeed/jobfeed)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Errors where the request may well succeed if sent again. A truncated body is a dropped
# connection like any other. DeadlineExceeded is not here: a server dripping bytes for a whole
# deadline would hold the run for (retries + 1) deadlines.
RETRYABLE_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    TruncatedBody,
)
# Headers that must not follow a redirect to another origin.
CREDENTIAL_HEADERS = ("authorization", "cookie", "proxy-authorization")


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """Network policy for one run. `deadline_seconds` bounds one exchange (connect, headers, body: every
    socket wait ends by it); the retry budget (`max_retries` beyond the first attempt) bounds the rest."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout_seconds: float = 10.0
    read_timeout_seconds: float = 20.0
    deadline_seconds: float = 60.0
    max_body_bytes: int = 5 * 1024 * 1024
    max_retries: int = 4
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    retry_after_cap_seconds: float = 300.0
    min_delay_seconds: float = 1.0
    max_redirects: int = 5
    obey_robots: bool = True
    allow_private_network: bool = False
    max_in_flight_per_host: int = 2  # used when the Fetcher builds its own HostThrottle
    max_crawl_delay_seconds: float = 60.0  # a robots.txt Crawl-delay above this is honoured only up to it

    @classmethod
    def for_source(cls, config: SourceConfig, base: FetchPolicy | None = None) -> FetchPolicy:
        """`base` (the defaults) with the source's own User-Agent, robots and private-network settings,
        and the network numbers its options set (`min_delay_seconds`, `max_retries`, ...: POLICY_OPTIONS)."""
        base = base or cls()
        numbers = {key: config.options[key] for key in POLICY_OPTIONS if key in config.options}
        return dataclasses.replace(
            base,
            user_agent=config.user_agent or base.user_agent,
            obey_robots=config.obey_robots,
            allow_private_network=config.allow_private_network,
            **numbers,
        )


@dataclass
class FetchStats:
    """Counters of one fetcher. `requests` counts exchanges attempted (robots.txt included), `bytes`
    the bytes received over the wire, `waited_seconds` the throttle and backoff sleeps."""

    requests: int = 0
    bytes: int = 0
    retries: int = 0
    not_modified: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    redirects: int = 0
    robots_disallowed: int = 0
    waited_seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "bytes": self.bytes,
            "retries": self.retries,
            "not_modified": self.not_modified,
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
            "redirects": self.redirects,
            "robots_disallowed": self.robots_disallowed,
            "waited_seconds": round(self.waited_seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class _Retry:
    status: int
    retry_after_seconds: float | None


@dataclass(frozen=True, slots=True)
class _Redirect:
    status: int
    location: httpx.URL


class Fetcher:
    """All network I/O of a run: `get`/`post` return a `Page` or raise a FetchError subclass.

    Safe to use from several threads; a `HostThrottle` may be shared by the fetchers of several
    runs so that together they stay polite to a host, and a `SharedRobots` so that they ask a host for its
    robots.txt once an hour rather than once a run. `stop` (the run's stop event) ends an exchange
    under way within a fraction of a second (FetchCancelled) and cuts a backoff sleep short.
    `clock`, `sleep`, `rng`, `resolver` and `now` are seams for tests (a fake clock checks the backoff
    schedule without sleeping).
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        client: httpx.Client | None = None,
        validators: ValidatorStore | None = None,
        throttle: HostThrottle | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
        resolver: Resolver = resolve_host,
        now: Callable[[], datetime] | None = None,
        stop: threading.Event | None = None,
        robots: SharedRobots | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.stats = FetchStats()
        self.validators = validators if validators is not None else ValidatorStore()
        self._owns_client = client is None
        self._client = client or httpx.Client(transport=GuardedTransport(), follow_redirects=False)
        self._stop = stop
        self._throttle = throttle or HostThrottle(self.policy.max_in_flight_per_host, clock=clock, sleep=sleep)
        self._clock = clock
        # A backoff sleep ends early when the run is asked to stop (unless a test's fake sleep is in use).
        self._sleep = sleep
        if stop is not None and sleep is time.sleep:
            self._sleep = stop.wait  # type: ignore[assignment]  # returns whether it was set; unused
        self._rng = rng or random.Random()
        self._resolver = resolver
        self._now = now or (lambda: datetime.now(UTC))
        self._agent = agent_token(self.policy.user_agent)
        self._robots = RobotsCache(self._load_robots)
        self._shared_robots = robots
        self._stats_lock = threading.Lock()

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Page:
        """GET `url`. With `conditional`, send the stored validators; a 304 is a Page with `not_modified`."""
        return self.request("GET", url, params=params, headers=headers, conditional=conditional)

    def post(
        self,
        url: str,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        json: Any = None,
    ) -> Page:
        """POST a form (`data`) or a JSON body. Retried like GET: sources only POST read-only queries."""
        return self.request("POST", url, data=data, json=json, headers=headers)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        conditional: bool = False,
    ) -> Page:
        try:
            target = httpx.URL(url)
            if params:
                target = target.copy_merge_params(dict(params))
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError(f"{url!r} is not a valid URL: {exc}", url=url) from exc
        request_headers = self._base_headers()
        request_headers.update(dict(headers or {}))
        key = str(target)
        if conditional:
            request_headers.update(conditional_headers(self.validators.get(key)))
        body: dict[str, Any] = {}
        if data is not None:
            body["data"] = dict(data)
        if json is not None:
            body["json"] = json
        page = self._follow(method.upper(), target, body, request_headers, check_robots=self.policy.obey_robots)
        if conditional and not page.not_modified:
            self.validators.set(key, page.headers.get("etag"), page.headers.get("last-modified"))
        return page

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one request, hop by hop --------------------------------------------------------------

    def _follow(
        self, method: str, url: httpx.URL, body: dict[str, Any], headers: httpx.Headers, *, check_robots: bool
    ) -> Page:
        """Follow redirects ourselves, so every hop gets the address check, robots and throttle."""
        current, hops = url, 0
        while True:
            outcome = self._hop(method, current, body, headers, check_robots=check_robots)
            if isinstance(outcome, Page):
                return outcome
            hops += 1
            if hops > self.policy.max_redirects:
                raise TooManyRedirects(
                    f"{url}: more than {self.policy.max_redirects} redirects (last to {outcome.location})", url=str(url)
                )
            self._count(redirects=1)
            if (outcome.status == 303 and method != "HEAD") or (outcome.status in (301, 302) and method == "POST"):
                # What browsers do, and what servers answering a POST with 301/302 expect.
                method, body = "GET", {}
                headers = _without(headers, "content-type", "content-length")
            if (outcome.location.scheme, outcome.location.host, outcome.location.port) != (
                current.scheme,
                current.host,
                current.port,
            ):
                headers = _without(headers, *CREDENTIAL_HEADERS)
            current = outcome.location

    def _hop(
        self, method: str, url: httpx.URL, body: dict[str, Any], headers: httpx.Headers, *, check_robots: bool
    ) -> Page | _Redirect:
        """One URL: checks, then attempts until a page, a redirect, or an error that is final."""
        try:
            pinned = check_url(url, allow_private_network=self.policy.allow_private_network, resolver=self._resolver)
        except OSError as exc:
            raise HostUnreachable(f"{url}: cannot resolve {url.host}: {exc}", url=str(url)) from exc
        interval = self.policy.min_delay_seconds
        if check_robots:
            robots = self._robots.get(url)
            if not robots.allows(str(url), self._agent):
                self._count(robots_disallowed=1)
                raise RobotsDisallowed(f"{url}: disallowed for {self._agent!r} ({robots.reason})", url=str(url))
            crawl_delay = robots.crawl_delay(self._agent)
            if crawl_delay is not None:
                interval = max(interval, min(crawl_delay, self.policy.max_crawl_delay_seconds))
        attempt = 0
        while True:
            error: Exception | None = None
            retry_after: float | None = None
            try:
                with self._throttle.slot(url.host, interval) as waited:
                    self._count(waited_seconds=waited)
                    outcome = self._exchange(method, url, body, headers, pinned)
            except RETRYABLE_ERRORS as exc:
                error, failure = exc, f"{type(exc).__name__}: {exc}"
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}", url=str(url)) from exc
            else:
                if not isinstance(outcome, _Retry):
                    return outcome
                failure, retry_after = f"answered {outcome.status}", outcome.retry_after_seconds
            if retry_after is not None and retry_after > self.policy.retry_after_cap_seconds:
                raise RetryAfterTooLong(
                    f"{url}: {failure} with Retry-After {retry_after:.0f}s, over the "
                    f"{self.policy.retry_after_cap_seconds:.0f}s cap",
                    url=str(url),
                    not_before=self._now() + timedelta(seconds=retry_after),
                ) from error
            if attempt >= self.policy.max_retries:
                if isinstance(error, httpx.ConnectError):
                    # Refused, no route, name not found at connect time: the host is down, not busy.
                    raise HostUnreachable(
                        f"{url}: cannot connect to {url.host}:{url.port or _default_port(url)} "
                        f"after {attempt + 1} attempts: {error}",
                        url=str(url),
                    ) from error
                raise RetriesExhausted(
                    f"{url}: gave up after {attempt + 1} attempts, last {failure}", url=str(url)
                ) from error
            delay = retry_after
            if delay is None:
                delay = backoff_delay(
                    attempt,
                    base_seconds=self.policy.backoff_base_seconds,
                    cap_seconds=self.policy.backoff_cap_seconds,
                    rng=self._rng,
                )
            if retry_after is not None:
                self._throttle.hold(url.host, retry_after)  # every run sharing the throttle waits it out too
            logger.info("%s %s: %s; retry %d in %.1fs", method, url, failure, attempt + 1, delay)
            self._count(retries=1, waited_seconds=delay)
            if delay > 0:
                self._sleep(delay)
            if self._stop is not None and self._stop.is_set():
                raise FetchCancelled(f"{url}: stopped (shutdown) before retry {attempt + 1}", url=str(url)) from error
            attempt += 1

    def _exchange(
        self, method: str, url: httpx.URL, body: dict[str, Any], headers: httpx.Headers, pinned: str | None
    ) -> Page | _Redirect | _Retry:
        """One HTTP exchange under the deadline, to the checked address: the response classified, the body
        read only for a page. The transport ends every socket wait (connect, headers, body) by the deadline."""
        scope = Exchange.starting_now(url, self.policy.deadline_seconds, pinned=pinned, stop=self._stop)
        with exchange_scope(scope):
            return self._exchange_in_scope(method, url, body, headers)

    def _exchange_in_scope(
        self, method: str, url: httpx.URL, body: dict[str, Any], headers: httpx.Headers
    ) -> Page | _Redirect | _Retry:
        policy = self.policy
        deadline_at = self._clock() + policy.deadline_seconds
        timeout = httpx.Timeout(
            min(policy.read_timeout_seconds, policy.deadline_seconds),
            connect=min(policy.connect_timeout_seconds, policy.deadline_seconds),
        )
        request = self._client.build_request(method, url, headers=headers, timeout=timeout, **body)
        self._count(requests=1)
        response = self._client.send(request, stream=True, follow_redirects=False)
        try:
            status = response.status_code
            self._count(status=status)
            if self._clock() > deadline_at:
                raise DeadlineExceeded(f"{url}: response headers came after the deadline", url=str(url))
            location = response.headers.get("location")
            if status in REDIRECT_STATUSES and location:
                try:
                    return _Redirect(status, url.join(location))
                except httpx.InvalidURL as exc:
                    raise FetchError(f"{url}: redirect to an invalid URL {location!r}", url=str(url)) from exc
            if status in RETRYABLE_STATUSES:
                server_now = parse_http_date(response.headers.get("date")) or self._now()
                return _Retry(status, parse_retry_after(response.headers.get("retry-after"), now=server_now))
            page_headers = {name.lower(): value for name, value in response.headers.items()}
            if status == 304 and ("if-none-match" in headers or "if-modified-since" in headers):
                self._count(not_modified=1)
                return Page(str(url), status, page_headers, b"", self._now(), not_modified=True)
            if not 200 <= status < 300:
                raise HTTPStatusError(f"{method} {url} answered {status}", url=str(url), status_code=status)
            content, received = b"", 0
            if method != "HEAD":  # a HEAD answer declares the length of a body it does not send
                content, received = read_body(
                    response, max_bytes=policy.max_body_bytes, deadline_at=deadline_at, clock=self._clock
                )
            self._count(received=received)
            return Page(
                url=str(url),
                status=status,
                headers=page_headers,
                content=content,
                fetched_at=self._now(),
                encoding=sniff_encoding(content, page_headers.get("content-type")),
            )
        finally:
            response.close()

    def _base_headers(self) -> httpx.Headers:
        # Only the encodings read_body decodes with bounded output; see body.py.
        return httpx.Headers({"User-Agent": self.policy.user_agent, "Accept-Encoding": "gzip, deflate"})

    def _load_robots(self, robots_url: str) -> RobotsFile:
        if self._shared_robots is not None:
            return self._shared_robots.get(robots_url, self.policy.user_agent, lambda: self._fetch_robots(robots_url))
        return self._fetch_robots(robots_url)

    def _fetch_robots(self, robots_url: str) -> RobotsFile:
        try:
            page = self._follow("GET", httpx.URL(robots_url), {}, self._base_headers(), check_robots=False)
        except HTTPStatusError as exc:
            return interpret_robots(exc.status_code, b"")
        except (HostUnreachable, FetchCancelled, RetryAfterTooLong):
            raise  # the host is down, we are stopping, or it asked us to come back later: not a robots rule
        except FetchError as exc:
            logger.warning("%s: %s", robots_url, exc)
            return interpret_robots(None, b"")
        return interpret_robots(page.status, page.content)

    def _count(
        self,
        *,
        requests: int = 0,
        received: int = 0,
        retries: int = 0,
        not_modified: int = 0,
        redirects: int = 0,
        robots_disallowed: int = 0,
        waited_seconds: float = 0.0,
        status: int | None = None,
    ) -> None:
        with self._stats_lock:
            stats = self.stats
            stats.requests += requests
            stats.bytes += received
            stats.retries += retries
            stats.not_modified += not_modified
            stats.redirects += redirects
            stats.robots_disallowed += robots_disallowed
            stats.waited_seconds += waited_seconds
            if status is not None:
                stats.statuses[status] += 1


def _default_port(url: httpx.URL) -> int:
    return 443 if url.scheme == "https" else 80


def _without(headers: httpx.Headers, *names: str) -> httpx.Headers:
    dropped = {name.lower() for name in names}
    return httpx.Headers([(name, value) for name, value in headers.multi_items() if name.lower() not in dropped])
