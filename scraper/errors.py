"""The scraper's one exception tree (httpx style). Catch the narrowest class that you can handle.

ScraperError
├── FetchError                 a page could not be fetched (carries the URL)
│   ├── RobotsDisallowed       robots.txt forbids the URL for our User-Agent
│   ├── RetriesExhausted       retryable failures (5xx, 429, timeouts) outlasted the retry budget
│   │   └── RetryAfterTooLong  the host asked (Retry-After) to wait longer than the cap: the run is deferred
│   ├── HostUnreachable        the host name does not resolve, or every connection attempt failed
│   ├── ResponseTooLarge       the body passed the size cap (declared or while streaming)
│   ├── DeadlineExceeded       one exchange (connect to last body byte) outlasted its deadline
│   ├── FetchCancelled         the run was asked to stop (shutdown) while an exchange was under way
│   ├── UnsupportedEncoding    a Content-Encoding we did not ask for or cannot decode with bounded output
│   ├── BlockedAddress         not http(s), or resolves to loopback/private/link-local/metadata space
│   ├── TooManyRedirects       a redirect chain longer than the policy allows (a loop, usually)
│   ├── TruncatedBody          the connection ended before the declared Content-Length (retried)
│   └── HTTPStatusError        a non-retryable status (404, 403, ...)
├── ParseError                 a page or a card is not what the source expects
└── SourceConfigError          the sources file is wrong (names the source and the key)
"""

from __future__ import annotations

from datetime import datetime


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


class RetryAfterTooLong(RetriesExhausted):
    def __init__(self, message: str, *, url: str | None = None, not_before: datetime) -> None:
        super().__init__(message, url=url)
        self.not_before = not_before


class HostUnreachable(FetchError):
    pass


class ResponseTooLarge(FetchError):
    pass


class DeadlineExceeded(FetchError):
    pass


class FetchCancelled(FetchError):
    pass


class UnsupportedEncoding(FetchError):
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


# Exceptions from these packages carry SQL and row values in their text.
DATABASE_MODULES = frozenset({"sqlalchemy", "psycopg", "sqlite3"})


def public_message(exc: BaseException) -> str:
    """What a run's record may say about `exc` in public: a scraper error's own message, else only its kind.

    A database error's text holds the statement and its parameters; that detail belongs in the log.

    >>> public_message(FetchError("https://x.test/jobs: answered 503"))
    'FetchError: https://x.test/jobs: answered 503'
    >>> class IntegrityError(Exception):
    ...     orig = ValueError("duplicate key")
    >>> public_message(IntegrityError("(psycopg.errors.UniqueViolation) [SQL: INSERT INTO postings ...]"))
    'database error (IntegrityError: ValueError); the details are in the log'
    """
    if isinstance(exc, ScraperError):
        return f"{type(exc).__name__}: {exc}"
    kind = type(exc).__name__
    if type(exc).__module__.split(".")[0] in DATABASE_MODULES or hasattr(exc, "orig"):
        orig = getattr(exc, "orig", None)
        detail = f"{kind}: {type(orig).__name__}" if orig is not None else kind
        return f"database error ({detail}); the details are in the log"
    return f"internal error ({kind}); the details are in the log"
