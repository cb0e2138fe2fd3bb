"""Where the fetcher may go: http(s) only, no private address space, every redirect hop re-checked, bounded."""

from __future__ import annotations

import ssl
from collections.abc import Callable

import httpx
import pytest
import respx

from scraper.errors import BlockedAddress, FetchError, TooManyRedirects
from scraper.fetching import Fetcher
from scraper.fetching.address import check_url, is_public_address
from scraper.fetching.transport import GuardedTransport, _ssl_context

SITE = "https://boards.example.com"
MakeFetcher = Callable[..., Fetcher]


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("127.8.8.8", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fd00:ec2::254", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:169.254.169.254", False),
        ("2002:7f00:1::", False),
        ("ff02::1", False),
    ],
    ids=lambda value: str(value),
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(address) is public


@pytest.mark.parametrize(
    "url",
    [
        "ftp://boards.example.com/jobs.csv",
        "file:///etc/passwd",
        "gopher://boards.example.com/",
        "http://127.0.0.1/",
        "http://[::1]:8080/",
        "http://169.254.169.254/latest/meta-data/",
        "http://intranet.example/",
        "http://metadata.example/computeMetadata/v1/",
        "http://mixed.example/",
    ],
    ids=lambda url: url,
)
def test_check_url_refuses(url: str) -> None:
    with pytest.raises(BlockedAddress):
        check_url(httpx.URL(url), allow_private_network=False, resolver=lambda host, port: _dns(host))


def test_check_url_allows_private_when_asked() -> None:
    check_url(httpx.URL("http://127.0.0.1:8000/"), allow_private_network=True, resolver=lambda host, port: _dns(host))


def test_check_url_still_refuses_other_schemes_when_private_is_allowed() -> None:
    with pytest.raises(BlockedAddress, match="only http and https"):
        check_url(httpx.URL("file:///etc/passwd"), allow_private_network=True)


def _dns(host: str) -> list[str]:
    return {"intranet.example": ["10.0.0.5"], "metadata.example": ["169.254.169.254"]}.get(
        host, ["93.184.216.34", "127.0.0.1"] if host == "mixed.example" else ["93.184.216.34"]
    )


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1/admin",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://[::1]/",
        "http://intranet.example/hr",
        "file:///etc/passwd",
    ],
    ids=lambda url: url,
)
def test_redirect_to_private_space_is_refused(router: respx.MockRouter, make_fetcher: MakeFetcher, target: str) -> None:
    router.get(f"{SITE}/jobs").mock(return_value=httpx.Response(302, headers={"Location": target}))
    inner = router.route(url__startswith=target.split("/")[0] + "//" + httpx.URL(target).host).mock(
        return_value=httpx.Response(200)
    )

    with pytest.raises(BlockedAddress) as caught:
        make_fetcher().get(f"{SITE}/jobs")

    assert inner.call_count == 0
    assert caught.value.url is not None and caught.value.url.startswith(target.split("/")[0])


def test_redirect_to_private_space_is_followed_when_allowed(
    router: respx.MockRouter, make_fetcher: MakeFetcher
) -> None:
    router.get(f"{SITE}/jobs").mock(
        return_value=httpx.Response(302, headers={"Location": "http://127.0.0.1:8000/jobs"})
    )
    router.get("http://127.0.0.1:8000/jobs").mock(return_value=httpx.Response(200, text="mirror"))

    page = make_fetcher(allow_private_network=True).get(f"{SITE}/jobs")

    assert (page.url, page.text) == ("http://127.0.0.1:8000/jobs", "mirror")


def test_redirect_loop_is_bounded(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    a = router.get(f"{SITE}/a").mock(return_value=httpx.Response(302, headers={"Location": "/b"}))
    b = router.get(f"{SITE}/b").mock(return_value=httpx.Response(301, headers={"Location": f"{SITE}/a"}))

    with pytest.raises(TooManyRedirects):
        make_fetcher(max_redirects=5).get(f"{SITE}/a")

    assert a.call_count + b.call_count == 6  # the request and five redirects


def test_relative_redirect_chain_is_followed(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(f"{SITE}/old").mock(return_value=httpx.Response(301, headers={"Location": "/new?x=1"}))
    router.get(f"{SITE}/new", params={"x": "1"}).mock(
        return_value=httpx.Response(308, headers={"Location": "../final"})
    )
    router.get(f"{SITE}/final").mock(return_value=httpx.Response(200, text="here"))
    fetcher = make_fetcher()

    page = fetcher.get(f"{SITE}/old")

    assert (page.url, page.text, fetcher.stats.redirects) == (f"{SITE}/final", "here", 2)


def test_303_after_post_becomes_get_without_body(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.post(f"{SITE}/search").mock(return_value=httpx.Response(303, headers={"Location": "/results"}))
    results = router.get(f"{SITE}/results").mock(return_value=httpx.Response(200, text="r"))

    make_fetcher().post(f"{SITE}/search", data={"q": "data engineer"})

    sent = results.calls.last.request
    assert sent.content == b""
    assert "content-type" not in sent.headers


def test_cross_origin_redirect_drops_credentials(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(f"{SITE}/api").mock(
        return_value=httpx.Response(302, headers={"Location": "https://cdn.example.net/api"})
    )
    cdn = router.get("https://cdn.example.net/api").mock(return_value=httpx.Response(200))

    make_fetcher().get(f"{SITE}/api", headers={"Authorization": "Bearer secret", "Accept": "application/json"})

    sent = cdn.calls.last.request
    assert "authorization" not in sent.headers
    assert sent.headers["accept"] == "application/json"


def test_redirect_without_location_is_an_error(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    router.get(f"{SITE}/jobs").mock(return_value=httpx.Response(302))

    with pytest.raises(FetchError):
        make_fetcher().get(f"{SITE}/jobs")


def test_blocked_start_url_makes_no_request(router: respx.MockRouter, make_fetcher: MakeFetcher) -> None:
    route = router.get("http://169.254.169.254/latest/meta-data/").mock(return_value=httpx.Response(200))

    with pytest.raises(BlockedAddress):
        make_fetcher(obey_robots=True).get("http://169.254.169.254/latest/meta-data/")

    assert route.call_count == 0
    assert router.calls.call_count == 0  # not even robots.txt


def test_unresolvable_host_is_a_fetch_error(make_fetcher: MakeFetcher) -> None:
    def no_dns(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    with pytest.raises(FetchError, match="cannot resolve"):
        make_fetcher(resolver=no_dns).get("https://nowhere.example/")


def test_every_transport_verifies_tls_with_one_shared_context() -> None:
    """The CA bundle is loaded once per process (it cost ~20 ms a fetcher, twice), and sharing it loosens nothing."""
    context = _ssl_context()
    assert (context.verify_mode, context.check_hostname) == (ssl.CERT_REQUIRED, True)
    assert context.get_ca_certs() or context.cert_store_stats()["x509_ca"] > 0
    transports = [GuardedTransport(), GuardedTransport()]
    assert all(transport._pool._ssl_context is context for transport in transports)
    for transport in transports:
        transport.close()
