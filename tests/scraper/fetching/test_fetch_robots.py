"""robots.txt against respx: disallow means zero requests, Crawl-delay feeds the throttle, opt-out, 4xx/5xx."""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import httpx
import pytest
import respx

from scraper.errors import RobotsDisallowed
from scraper.fetching import Fetcher
from scraper.fetching.robots import SharedRobots

SITE = "https://boards.example.com"
ROBOTS = f"{SITE}/robots.txt"
MakeFetcher = Callable[..., Fetcher]

RULES = """\
# comments and unknown lines are ignored
User-agent: *
Disallow: /private/
Crawl-delay: 5

User-agent: somebot
Disallow: /
"""


def test_disallowed_path_gets_zero_requests(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(ROBOTS).mock(return_value=httpx.Response(200, text=RULES))
    private = router.get(f"{SITE}/private/jobs").mock(return_value=httpx.Response(200))
    fetcher = make_fetcher(obey_robots=True)

    with pytest.raises(RobotsDisallowed) as caught:
        fetcher.get(f"{SITE}/private/jobs")

    assert private.call_count == 0
    assert caught.value.url == f"{SITE}/private/jobs"
    assert fetcher.stats.robots_disallowed == 1


def test_group_for_our_agent_token_applies(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    # The group names our product token; the URL in our User-Agent comment must not match "github".
    router.get(ROBOTS).mock(
        return_value=httpx.Response(
            200, text="User-agent: jobfeed\nDisallow: /api/\n\nUser-agent: github\nDisallow: /\n"
        )
    )
    api = router.get(f"{SITE}/api/jobs").mock(return_value=httpx.Response(200))
    board = router.get(f"{SITE}/board").mock(return_value=httpx.Response(200, text="ok"))
    fetcher = make_fetcher(obey_robots=True, user_agent="jobfeed/0.1 (+https://github.com/jobfeed/jobfeed)")

    assert fetcher.get(f"{SITE}/board").text == "ok"
    with pytest.raises(RobotsDisallowed):
        fetcher.get(f"{SITE}/api/jobs")
    assert (api.call_count, board.call_count) == (0, 1)


def test_robots_is_fetched_once_per_origin(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    robots = router.get(ROBOTS).mock(return_value=httpx.Response(200, text="User-agent: *\nAllow: /\n"))
    other_robots = router.get("https://api.example.org/robots.txt").mock(return_value=httpx.Response(404))
    router.get(url__regex=r"https://(boards\.example\.com|api\.example\.org)/jobs/\d").mock(
        return_value=httpx.Response(200)
    )
    fetcher = make_fetcher(obey_robots=True)

    for n in range(3):
        fetcher.get(f"{SITE}/jobs/{n}")
        fetcher.get(f"https://api.example.org/jobs/{n}")

    assert (robots.call_count, other_robots.call_count) == (1, 1)


def test_crawl_delay_spaces_requests(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    started: list[float] = []
    router.get(ROBOTS).mock(return_value=httpx.Response(200, text=RULES))
    router.get(url__startswith=f"{SITE}/jobs").mock(side_effect=record_start(started, clock))
    fetcher = make_fetcher(obey_robots=True, min_delay_seconds=1.0)

    for n in range(3):
        fetcher.get(f"{SITE}/jobs?page={n}")

    assert [later - earlier for earlier, later in pairwise(started)] == [5.0, 5.0]


def test_crawl_delay_is_capped(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    router.get(ROBOTS).mock(return_value=httpx.Response(200, text="User-agent: *\nCrawl-delay: 86400\n"))
    router.get(url__startswith=f"{SITE}/jobs").mock(return_value=httpx.Response(200))
    fetcher = make_fetcher(obey_robots=True, max_crawl_delay_seconds=30.0)

    fetcher.get(f"{SITE}/jobs?page=1")
    fetcher.get(f"{SITE}/jobs?page=2")

    assert clock.sleeps == [30.0]


def test_opt_out_skips_robots_entirely(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    robots = router.get(ROBOTS).mock(return_value=httpx.Response(200, text="User-agent: *\nDisallow: /\n"))
    page_route = router.get(f"{SITE}/private/jobs").mock(return_value=httpx.Response(200, text="ok"))

    page = make_fetcher(obey_robots=False).get(f"{SITE}/private/jobs")

    assert page.text == "ok"
    assert (robots.call_count, page_route.call_count) == (0, 1)


@pytest.mark.parametrize("status", [401, 403, 404, 410], ids=str)
def test_robots_4xx_allows_everything(router: respx.MockRouter, make_fetcher: MakeFetcher, status: int) -> None:
    router.get(ROBOTS).mock(return_value=httpx.Response(status))
    router.get(f"{SITE}/private/jobs").mock(return_value=httpx.Response(200, text="ok"))

    assert make_fetcher(obey_robots=True).get(f"{SITE}/private/jobs").text == "ok"


def test_robots_unreachable_disallows_everything(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    # RFC 9309: a server error on robots.txt means "assume complete disallow" (after our retries).
    robots = router.get(ROBOTS).mock(return_value=httpx.Response(503))
    page_route = router.get(f"{SITE}/jobs").mock(return_value=httpx.Response(200))
    fetcher = make_fetcher(obey_robots=True)

    with pytest.raises(RobotsDisallowed, match=r"unreachable|503"):
        fetcher.get(f"{SITE}/jobs")
    with pytest.raises(RobotsDisallowed):
        fetcher.get(f"{SITE}/jobs")

    assert (robots.call_count, page_route.call_count) == (5, 0)


def test_robots_redirect_is_followed(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(ROBOTS).mock(
        return_value=httpx.Response(301, headers={"Location": "https://www.example.com/robots.txt"})
    )
    router.get("https://www.example.com/robots.txt").mock(
        return_value=httpx.Response(200, text="User-agent: *\nDisallow: /x\n")
    )
    x = router.get(f"{SITE}/x").mock(return_value=httpx.Response(200))

    with pytest.raises(RobotsDisallowed):
        make_fetcher(obey_robots=True).get(f"{SITE}/x")
    assert x.call_count == 0


def record_start(started: list[float], clock: Any) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        started.append(clock())
        return httpx.Response(200)

    return answer


def test_runs_sharing_robots_ask_a_host_once_and_a_failing_answer_again(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    robots = router.get(ROBOTS).mock(return_value=httpx.Response(200, text=RULES))
    router.get(f"{SITE}/board").mock(return_value=httpx.Response(200, text="ok"))
    shared = SharedRobots(ttl_seconds=3600, clock=clock)
    for _ in range(3):  # three runs of boards on one host, each its own fetcher
        fetcher = make_fetcher(obey_robots=True, robots=shared)
        assert fetcher.get(f"{SITE}/board").text == "ok"
        with pytest.raises(RobotsDisallowed):
            fetcher.get(f"{SITE}/private/jobs")
    assert robots.call_count == 1
    clock.now += 3601  # an hour later the host is asked again
    make_fetcher(obey_robots=True, robots=shared).get(f"{SITE}/board")
    assert robots.call_count == 2

    # a robots.txt answering 503 disallows everything for that run, and is not kept for the next one
    other = "https://down.example.com"
    failing = router.get(f"{other}/robots.txt").mock(return_value=httpx.Response(503))
    router.get(f"{other}/board").mock(return_value=httpx.Response(200, text="ok"))
    for _ in range(2):
        with pytest.raises(RobotsDisallowed):
            make_fetcher(obey_robots=True, robots=shared, max_retries=0).get(f"{other}/board")
    assert failing.call_count == 2
