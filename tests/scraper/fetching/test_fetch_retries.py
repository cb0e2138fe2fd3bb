"""Retry policy against respx: which failures are retried, how often, and the exact backoff schedule."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from scraper.config import SourceConfig
from scraper.errors import HostUnreachable, HTTPStatusError, RetriesExhausted
from scraper.fetching import Fetcher, FetchPolicy

URL = "https://boards.example.com/jobs"
MakeFetcher = Callable[..., Fetcher]


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504], ids=lambda s: f"{s}-then-200")
def test_retryable_status_then_success(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any, status: int
) -> None:
    route = router.get(URL).mock(
        side_effect=[httpx.Response(status), httpx.Response(status), httpx.Response(200, json={"jobs": []})]
    )
    fetcher = make_fetcher()

    page = fetcher.get(URL)

    assert page.status == 200
    assert route.call_count == 3
    assert clock.sleeps == [1.0, 2.0]  # base 1s doubling, jitter pinned to the top of its range
    assert fetcher.stats.retries == 2
    assert fetcher.stats.statuses == {status: 2, 200: 1}


def test_500_then_503_then_200(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    route = router.get(URL).mock(side_effect=[httpx.Response(500), httpx.Response(503), httpx.Response(200, text="ok")])

    page = make_fetcher().get(URL)

    assert (page.text, route.call_count, clock.sleeps) == ("ok", 3, [1.0, 2.0])


def test_persistent_503_exhausts_retries_with_capped_schedule(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(503))
    fetcher = make_fetcher(max_retries=5, backoff_base_seconds=2.0, backoff_cap_seconds=10.0)

    with pytest.raises(RetriesExhausted) as caught:
        fetcher.get(URL)

    assert route.call_count == 6
    assert clock.sleeps == [2.0, 4.0, 8.0, 10.0, 10.0]
    assert caught.value.url == URL
    assert "503" in str(caught.value)


def test_full_jitter_stays_within_each_ceiling(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    router.get(URL).mock(return_value=httpx.Response(503))
    fetcher = make_fetcher(rng=random.Random(7))

    with pytest.raises(RetriesExhausted):
        fetcher.get(URL)

    assert len(clock.sleeps) == 4
    assert all(0.0 <= delay <= ceiling for delay, ceiling in zip(clock.sleeps, [1, 2, 4, 8], strict=True))
    assert len(set(clock.sleeps)) > 1  # really jittered, not the fixed schedule


@pytest.mark.parametrize(
    ("retry_after", "expected_sleep"),
    [("7", 7.0), ("0", 0.0), ("2.5", 2.5)],
    ids=["seconds-7", "seconds-0", "seconds-2.5"],
)
def test_429_retry_after_seconds(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any, retry_after: str, expected_sleep: float
) -> None:
    route = router.get(URL).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": retry_after}), httpx.Response(200, text="ok")]
    )

    make_fetcher().get(URL)

    assert route.call_count == 2
    assert clock.sleeps == ([expected_sleep] if expected_sleep else [])


def test_429_retry_after_http_date_is_measured_from_the_response_date(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    server_now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)  # unlike our own clock: server time is what counts
    headers = {
        "Date": format_datetime(server_now, usegmt=True),
        "Retry-After": format_datetime(server_now + timedelta(seconds=45), usegmt=True),
    }
    route = router.get(URL).mock(side_effect=[httpx.Response(429, headers=headers), httpx.Response(200, text="ok")])

    make_fetcher().get(URL)

    assert route.call_count == 2
    assert clock.sleeps == [45.0]


def test_retry_after_date_without_date_header_uses_our_wall_clock(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    # make_fetcher's wall clock reads 2026-11-29 10:00:00 UTC.
    router.get(URL).mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": "Sun, 29 Nov 2026 10:00:20 GMT"}),
            httpx.Response(200, text="ok"),
        ]
    )

    make_fetcher().get(URL)

    assert clock.sleeps == [20.0]


def test_unusable_retry_after_falls_back_to_backoff(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    router.get(URL).mock(side_effect=[httpx.Response(503, headers={"Retry-After": "later"}), httpx.Response(200)])

    make_fetcher().get(URL)

    assert clock.sleeps == [1.0]


@pytest.mark.parametrize("retry_after", ["3600", "Sun, 29 Nov 2026 11:00:00 GMT"], ids=["seconds-3600", "date-in-1h"])
def test_retry_after_beyond_cap_gives_up_without_sleeping(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any, retry_after: str
) -> None:
    route = router.get(URL).mock(
        return_value=httpx.Response(503, headers={"Retry-After": retry_after, "Date": "Sun, 29 Nov 2026 10:00:00 GMT"})
    )

    with pytest.raises(RetriesExhausted, match="over the 300s cap"):
        make_fetcher(retry_after_cap_seconds=300).get(URL)

    assert route.call_count == 1
    assert clock.sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 410, 451], ids=str)
def test_other_4xx_is_not_retried(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any, status: int) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(status, text="nope"))

    with pytest.raises(HTTPStatusError) as caught:
        make_fetcher().get(URL)

    assert route.call_count == 1
    assert clock.sleeps == []
    assert (caught.value.status_code, caught.value.url) == (status, URL)


def test_501_is_not_retried(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(501))

    with pytest.raises(HTTPStatusError):
        make_fetcher().get(URL)

    assert route.call_count == 1


@pytest.mark.parametrize(
    "error",
    [httpx.ConnectTimeout("connect timed out"), httpx.ConnectError("refused"), httpx.ReadTimeout("slow")],
    ids=lambda e: type(e).__name__,
)
def test_transport_error_on_every_attempt(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any, error: Exception
) -> None:
    route = router.get(URL).mock(side_effect=error)
    fetcher = make_fetcher()

    with pytest.raises((RetriesExhausted, HostUnreachable)) as caught:
        fetcher.get(URL)

    # A host that refuses every connection is named as unreachable, not as busy.
    assert isinstance(caught.value, HostUnreachable if isinstance(error, httpx.ConnectError) else RetriesExhausted)
    assert route.call_count == 5  # the first attempt and max_retries=4
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert isinstance(caught.value.__cause__, type(error))
    assert fetcher.stats.requests == 5
    assert fetcher.stats.statuses == {}


def test_connect_timeout_then_success(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    route = router.get(URL).mock(side_effect=[httpx.ConnectTimeout("t"), httpx.Response(200, text="ok")])

    assert make_fetcher().get(URL).text == "ok"
    assert (route.call_count, clock.sleeps) == (2, [1.0])


def test_post_is_retried_and_resends_its_json_body(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.post(URL).mock(side_effect=[httpx.Response(503), httpx.Response(200, json={"ok": True})])

    page = make_fetcher().post(URL, json={"query": "jobs"})

    assert page.status == 200
    assert [call.request.content for call in route.calls] == [b'{"query":"jobs"}'] * 2


def test_stats_as_dict(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(side_effect=[httpx.Response(503), httpx.Response(200, content=b"12345")])
    fetcher = make_fetcher()

    fetcher.get(URL)

    assert fetcher.stats.as_dict() == {
        "requests": 2,
        "bytes": 5,
        "retries": 1,
        "not_modified": 0,
        "statuses": {"200": 1, "503": 1},
        "redirects": 0,
        "robots_disallowed": 0,
        "waited_seconds": 1.0,
    }


def test_requests_carry_user_agent_and_params(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.get(URL, params={"page": "2"}).mock(return_value=httpx.Response(200))

    page = make_fetcher(user_agent="jobfeed-test/1.0").get(
        URL, params={"page": 2}, headers={"Accept": "application/json"}
    )

    sent = route.calls.last.request
    assert sent.headers["user-agent"] == "jobfeed-test/1.0"
    assert sent.headers["accept"] == "application/json"
    assert page.url == URL + "?page=2"


def test_policy_for_source_takes_the_source_settings() -> None:
    config = SourceConfig(
        name="mirror",
        kind="rss",
        url="http://127.0.0.1:8000/feed",
        every_seconds=3600,
        allow_private_network=True,
        obey_robots=False,
        user_agent="jobfeed-mirror/1",
    )

    policy = FetchPolicy.for_source(config, FetchPolicy(max_retries=1))

    assert (policy.allow_private_network, policy.obey_robots, policy.user_agent, policy.max_retries) == (
        True,
        False,
        "jobfeed-mirror/1",
        1,
    )
