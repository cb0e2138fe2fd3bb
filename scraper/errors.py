"""The scraper's one exception tree (httpx style). Catch the narrowest class that you can handle.

ScraperError
├── FetchError                 a page could not be fetched (carries the URL)
│   ├── RobotsDisallowed       robots.txt forbids the URL for our User-Agent
│   ├── RetriesExhausted       retryable failures (5xx, 429, timeouts) outlasted the retry budget
│   ├── ResponseTooLarge       the body passed the size cap (declared or while streaming)
│   ├── DeadlineExceeded       one exchange (connect to last body byte) outlasted its deadline
│   ├── BlockedAddress         not http(s), or resolves to loopback/private/link-local/metadata space
│   ├── TooManyRedirects       a redirect chain longer than the policy allows (a loop, usually)
│   ├── TruncatedBody          the connection ended before the declared Content-Length (retried)
│   └── HTTPStatusError        a non-retryable status (404, 403, ...)
├── ParseError                 a page or a card is not what the source expects
└── SourceConfigError          the sources file is wrong (names the source and the key)
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base of every error the scraper raises on purpose."""


class FetchError(ScraperError):
    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class RobotsDisallowed(FetchError):
    pass


class RetriesExhausted(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class DeadlineExceeded(FetchError):
    pass


class BlockedAddress(FetchError):
    pass


class TooManyRedirects(FetchError):
    pass


class TruncatedBody(FetchError):
    pass


class HTTPStatusError(FetchError):
    def __init__(self, message: str, *, url: str | None = None, status_code: int) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code


class ParseError(ScraperError):
    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class SourceConfigError(ScraperError):
    pass
