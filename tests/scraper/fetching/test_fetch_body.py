"""Body limits against respx: the size cap (declared and streamed), gzip bombs, truncated bodies."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from scraper.errors import FetchError, ResponseTooLarge, RetriesExhausted, TruncatedBody
from scraper.fetching import Fetcher

URL = "https://boards.example.com/jobs"
CAP = 256 * 1024
MakeFetcher = Callable[..., Fetcher]


class Endless:
    """An undeclared body that never ends; counts the chunks the fetcher pulled from it."""

    def __init__(self, chunk: Callable[[], bytes]) -> None:
        self.chunk = chunk
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        while True:
            self.pulled += 1
            yield self.chunk()


def wire(body: bytes, chunk_bytes: int = 16 * 1024) -> Iterator[bytes]:
    """A body as the network delivers it: chunks, and nothing decoded in advance.

    (httpx.Response(content=bytes) would decode a Content-Encoding eagerly in the test itself.)
    """
    for start in range(0, len(body), chunk_bytes):
        yield body[start : start + chunk_bytes]


def endless_gzip() -> Callable[[], bytes]:
    """Chunks of one never-ending gzip stream of zeros: each ~1 KiB on the wire inflates to 1 MiB."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return lambda: deflater.compress(b"\0" * (1 << 20)) + deflater.flush(zlib.Z_SYNC_FLUSH)


def test_declared_length_over_cap_is_refused_before_reading(
    router: respx.MockRouter, make_fetcher: MakeFetcher
) -> None:
    body = Endless(lambda: b"x" * 1024)
    route = router.get(URL).mock(
        return_value=httpx.Response(200, headers={"Content-Length": str(CAP + 1)}, content=body)
    )

    with pytest.raises(ResponseTooLarge, match="Content-Length"):
        make_fetcher(max_body_bytes=CAP).get(URL)

    assert route.call_count == 1  # not retried: the next answer would be as large
    assert body.pulled == 0


def test_undeclared_stream_stops_at_the_cap(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    body = Endless(lambda: b"x" * 16 * 1024)
    router.get(URL).mock(return_value=httpx.Response(200, content=body))

    with pytest.raises(ResponseTooLarge, match="while streaming"):
        make_fetcher(max_body_bytes=CAP).get(URL)

    assert body.pulled == CAP // (16 * 1024) + 1


def test_body_exactly_at_cap_is_accepted(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(return_value=httpx.Response(200, content=b"x" * CAP))

    assert len(make_fetcher(max_body_bytes=CAP).get(URL).content) == CAP


def test_gzip_bomb_with_small_declared_length_stops_at_the_cap(
    router: respx.MockRouter, make_fetcher: MakeFetcher
) -> None:
    bomb = gzip.compress(b"\0" * (64 * CAP), compresslevel=9)  # 16 MiB of zeros in ~16 KiB
    assert len(bomb) < CAP
    router.get(URL).mock(
        return_value=httpx.Response(
            200, headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))}, content=wire(bomb)
        )
    )

    with pytest.raises(ResponseTooLarge, match="while streaming"):
        make_fetcher(max_body_bytes=CAP).get(URL)


def test_endless_gzip_stream_stops_at_the_cap(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    body = Endless(endless_gzip())
    router.get(URL).mock(return_value=httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=body))

    with pytest.raises(ResponseTooLarge):
        make_fetcher(max_body_bytes=CAP).get(URL)

    assert body.pulled == 1  # the first chunk already inflates past the cap


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as RFC 9110 says
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("identity", lambda data: data),
    ],
    ids=["gzip", "deflate-zlib", "deflate-raw", "identity"],
)
def test_compressed_bodies_are_decoded(
    router: respx.MockRouter, make_fetcher: MakeFetcher, encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    text = '{"title": "Café Engineer"}' * 100
    router.get(URL).mock(
        return_value=httpx.Response(200, headers={"Content-Encoding": encoding}, content=wire(encode(text.encode())))
    )

    page = make_fetcher().get(URL)

    assert page.text == text


def test_multi_member_gzip_is_read_whole(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(
        return_value=httpx.Response(
            200, headers={"Content-Encoding": "gzip"}, content=wire(gzip.compress(b"ab") + gzip.compress(b"cd"))
        )
    )

    assert make_fetcher().get(URL).content == b"abcd"


def test_corrupt_gzip_is_a_fetch_error(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(URL).mock(
        return_value=httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=wire(b"not gzip at all"))
    )

    with pytest.raises(FetchError, match="not valid gzip"):
        make_fetcher().get(URL)


def test_truncated_body_is_retried_then_gives_up(
    router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any
) -> None:
    # A connection that ends early is transient like a reset: retried, then RetriesExhausted.
    route = router.get(URL).mock(
        return_value=httpx.Response(200, headers={"Content-Length": "1000"}, content=b"<html>cut")
    )

    with pytest.raises(RetriesExhausted) as caught:
        make_fetcher().get(URL)

    assert route.call_count == 5
    assert isinstance(caught.value.__cause__, TruncatedBody)
    assert "9 of 1000 bytes" in str(caught.value.__cause__)


def test_truncated_body_then_whole_body(router: respx.MockRouter, make_fetcher: MakeFetcher, clock: Any) -> None:
    router.get(URL).mock(
        side_effect=[
            httpx.Response(200, headers={"Content-Length": "12"}, content=b"<html>"),
            httpx.Response(200, headers={"Content-Length": "12"}, content=b"<html></html"),
        ]
    )

    assert make_fetcher().get(URL).content == b"<html></html"
    assert clock.sleeps == [1.0]
