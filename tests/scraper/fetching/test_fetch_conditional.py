"""Conditional GET: validators remembered per URL, sent back, and a 304 that means "unchanged"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from scraper.errors import HTTPStatusError
from scraper.fetching import Fetcher, ValidatorStore

URL = "https://boards.example.com/feed.xml"
MakeFetcher = Callable[..., Fetcher]
ETAG = 'W/"5f3a-1701856800"'
LAST_MODIFIED = "Wed, 06 Dec 2023 10:00:00 GMT"


def test_first_fetch_stores_validators_and_second_gets_304(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.get(URL).mock(
        side_effect=[
            httpx.Response(200, headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED}, text="<rss/>"),
            httpx.Response(304, headers={"ETag": ETAG}),
        ]
    )
    store = ValidatorStore()
    fetcher = make_fetcher(validators=store)

    first = fetcher.get(URL, conditional=True)
    second = fetcher.get(URL, conditional=True)

    assert "if-none-match" not in route.calls[0].request.headers
    assert route.calls[1].request.headers["if-none-match"] == ETAG
    assert route.calls[1].request.headers["if-modified-since"] == LAST_MODIFIED
    assert (first.not_modified, first.text) == (False, "<rss/>")
    assert (second.not_modified, second.status, second.content) == (True, 304, b"")
    assert store.get(URL) == {"etag": ETAG, "last_modified": LAST_MODIFIED}
    assert fetcher.stats.not_modified == 1


def test_validators_survive_a_round_trip_through_the_database_shape(
    router: respx.MockRouter, make_fetcher: MakeFetcher
) -> None:
    saved: dict[str, Any] = ValidatorStore.from_dict({URL: {"etag": ETAG, "last_modified": None}}).as_dict()
    route = router.get(URL).mock(return_value=httpx.Response(304))

    page = make_fetcher(validators=ValidatorStore.from_dict(saved)).get(URL, conditional=True)

    assert page.not_modified
    assert route.calls.last.request.headers["if-none-match"] == ETAG
    assert "if-modified-since" not in route.calls.last.request.headers


def test_unconditional_get_sends_no_validators(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(200, headers={"ETag": '"v2"'}))
    store = ValidatorStore.from_dict({URL: {"etag": '"v1"', "last_modified": None}})

    make_fetcher(validators=store).get(URL)

    assert "if-none-match" not in route.calls.last.request.headers
    assert store.get(URL) == {"etag": '"v1"', "last_modified": None}  # only conditional fetches update it


def test_changed_response_replaces_or_clears_validators(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(side_effect=[httpx.Response(200, headers={"ETag": '"v2"'}), httpx.Response(200)])
    store = ValidatorStore.from_dict({URL: {"etag": '"v1"', "last_modified": LAST_MODIFIED}})
    fetcher = make_fetcher(validators=store)

    fetcher.get(URL, conditional=True)
    assert store.get(URL) == {"etag": '"v2"', "last_modified": None}
    fetcher.get(URL, conditional=True)
    assert store.get(URL) is None


def test_validators_are_keyed_by_the_full_url_with_params(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL, params={"page": "2"}).mock(return_value=httpx.Response(200, headers={"ETag": '"p2"'}))
    store = ValidatorStore()

    make_fetcher(validators=store).get(URL, params={"page": 2}, conditional=True)

    assert store.as_dict() == {f"{URL}?page=2": {"etag": '"p2"', "last_modified": None}}


def test_304_to_an_unconditional_request_is_an_error(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(return_value=httpx.Response(304))

    with pytest.raises(HTTPStatusError):
        make_fetcher().get(URL)


@pytest.mark.parametrize(
    "data",
    [
        {URL: "not a mapping"},
        {URL: {"etag": 5, "last_modified": None}},
        {URL: {}},
    ],
    ids=["string-entry", "non-string-etag", "empty-entry"],
)
def test_from_dict_skips_malformed_entries(data: dict[str, Any]) -> None:
    assert len(ValidatorStore.from_dict(data)) == 0
