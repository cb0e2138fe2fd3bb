"""When to retry and how long to wait: the backoff schedule and `Retry-After` parsing.

Pure functions only; the fetcher does the sleeping and the counting.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 408 and 429 are the server asking us to come back; the 5xx here are the ones proxies and
# overloaded backends answer transiently. 501 and 505 are permanent and stay out.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})

_DELTA_SECONDS = re.compile(r"\d+(?:\.\d+)?")


def backoff_delay(attempt: int, *, base_seconds: float, cap_seconds: float, rng: random.Random) -> float:
    """Seconds to wait before retry number `attempt` (0 for the first retry): full jitter.

    Uniform over [0, min(cap, base * 2**attempt)], so many clients retrying at once spread out
    (the "full jitter" of the AWS architecture blog's backoff study).

    >>> class Top(random.Random):
    ...     def uniform(self, a: float, b: float) -> float:
    ...         return b
    >>> [backoff_delay(n, base_seconds=1, cap_seconds=5, rng=Top()) for n in range(4)]
    [1.0, 2.0, 4.0, 5.0]
    """
    # 2**attempt overflows float for absurd attempt counts; the cap is reached long before.
    ceiling = min(float(cap_seconds), base_seconds * 2.0 ** min(attempt, 64))
    return rng.uniform(0.0, ceiling)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds a `Retry-After` header asks us to wait, or None when it says nothing usable.

    Accepts delta-seconds and an HTTP date (measured from `now`, ideally the response's own
    `Date` so the server's clock is compared with itself). A date in the past means 0.

    >>> now = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)
    >>> parse_retry_after("120", now=now)
    120.0
    >>> parse_retry_after("Sun, 29 Nov 2026 10:01:30 GMT", now=now)
    90.0
    >>> parse_retry_after("Sun, 29 Nov 2026 09:00:00 GMT", now=now)
    0.0
    >>> parse_retry_after("soon", now=now) is None
    True
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if _DELTA_SECONDS.fullmatch(text):
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def parse_http_date(value: str | None) -> datetime | None:
    """An HTTP `Date` header as an aware datetime, or None.

    >>> parse_http_date("Sun, 29 Nov 2026 10:00:00 GMT")
    datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.timezone.utc)
    >>> parse_http_date("yesterday") is None
    True
    """
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    # RFC 9110 HTTP dates are always GMT; parsedate_to_datetime leaves "-0000" naive.
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
