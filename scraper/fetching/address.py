"""Which URLs the fetcher may contact: http(s) only, and never private address space by default.

Resolves host names through an injectable resolver; it makes no HTTP request itself.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable

import httpx

from scraper.errors import BlockedAddress

Resolver = Callable[[str, int], Iterable[str]]
ALLOWED_SCHEMES = frozenset({"http", "https"})


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (the system resolver); OSError when it cannot be resolved."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address; False for everything a fetch must not reach.

    >>> [is_public_address(a) for a in ("93.184.216.34", "127.0.0.1", "169.254.169.254", "10.1.2.3")]
    [True, False, False, False]
    >>> [is_public_address(a) for a in ("::ffff:127.0.0.1", "fd00:ec2::254", "224.0.0.1", "100.64.0.1")]
    [False, False, False, False]
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address):
        # An IPv4 address in IPv6 clothing reaches the IPv4 host; judge it as that.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            ip = embedded
    # is_global excludes loopback, RFC 1918, link-local (169.254.169.254, the cloud metadata
    # service), shared address space (100.64/10), documentation and reserved ranges.
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: httpx.URL, *, allow_private_network: bool, resolver: Resolver = resolve_host) -> str | None:
    """Raise BlockedAddress unless `url` is http(s) and every address of its host is public.

    Returns the checked address to connect to (the fetcher pins it, so that a second lookup cannot
    rebind the name to a private address), or None when nothing was resolved (an IP literal, or the
    private network allowed). Every address must pass, not just one. OSError from the resolver
    propagates (the caller reports the host as unreachable).
    """
    if url.scheme not in ALLOWED_SCHEMES:
        raise BlockedAddress(
            f"{url}: only http and https URLs are fetched, not {url.scheme or 'no scheme'!r}", url=str(url)
        )
    host = url.host
    if not host:
        raise BlockedAddress(f"{url}: no host", url=str(url))
    if allow_private_network:
        return None
    try:
        addresses = [str(ipaddress.ip_address(host))]
        literal = True
    except ValueError:
        addresses = list(resolver(host, url.port or (443 if url.scheme == "https" else 80)))
        literal = False
    if not addresses:
        raise OSError(f"{host} resolved to no address")
    for address in addresses:
        try:
            public = is_public_address(address)
        except ValueError:
            public = False
        if not public:
            raise BlockedAddress(
                f"{url}: {host} resolves to {address}, a loopback, private, link-local or reserved address "
                "(set allow_private_network = true for a local mirror)",
                url=str(url),
            )
    return None if literal else addresses[0]
