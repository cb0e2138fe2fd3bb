"""The fetcher: one httpx client per run, with the network policy applied to every request.

Owns I/O only; it never parses what it fetched beyond decoding text.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from scraper.errors import HTTPStatusError

DEFAULT_USER_AGENT = "jobfeed/0.1 (+https://github.com/jobfeed/jobfeed)"


@dataclass(frozen=True, slots=True)
class FetchPolicy:
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


@dataclass(frozen=True, slots=True)
class Page:
    """One fetched response. `not_modified` is a 304 to a conditional GET: unchanged, not empty."""

    url: str
    status: int
    headers: dict[str, str]
    content: bytes
    fetched_at: datetime
    not_modified: bool = False
    encoding: str | None = None

    @property
    def text(self) -> str:
        return self.content.decode(self.encoding or "utf-8", errors="replace")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class FetchStats:
    requests: int = 0
    bytes: int = 0
    retries: int = 0
    not_modified: int = 0
    statuses: Counter[int] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "bytes": self.bytes,
            "retries": self.retries,
            "not_modified": self.not_modified,
            "statuses": {str(code): count for code, count in sorted(self.statuses.items())},
        }


class Fetcher:
    """Minimal placeholder: plain GET/POST with a size check. Replaced by the full policy implementation."""

    def __init__(self, policy: FetchPolicy | None = None, *, client: httpx.Client | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.stats = FetchStats()
        self._client = client or httpx.Client(
            headers={"User-Agent": self.policy.user_agent},
            timeout=httpx.Timeout(self.policy.read_timeout_seconds, connect=self.policy.connect_timeout_seconds),
            follow_redirects=True,
        )

    def get(self, url: str, *, params: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Page:
        return self.request("GET", url, params=params, headers=headers)

    def post(self, url: str, *, data: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> Page:
        return self.request("POST", url, data=data, headers=headers)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Page:
        response = self._client.request(method, url, params=params, data=data, headers=headers)
        self.stats.requests += 1
        self.stats.statuses[response.status_code] += 1
        self.stats.bytes += len(response.content)
        if response.status_code >= 400:
            raise HTTPStatusError(f"{method} {url} answered {response.status_code}", url=url, status_code=response.status_code)
        return Page(
            url=str(response.url),
            status=response.status_code,
            headers={k.lower(): v for k, v in response.headers.items()},
            content=response.content,
            fetched_at=datetime.now(UTC),
            encoding=response.encoding,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
