"""Retry-After parsing and the backoff ceiling: tables of edge cases and properties (hypothesis)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.fetching.retry import backoff_delay, parse_http_date, parse_retry_after

NOW = datetime(2026, 11, 29, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        (" 120 ", 120.0),
        ("0", 0.0),
        ("1.5", 1.5),
        ("007", 7.0),
        ("Sun, 29 Nov 2026 10:02:00 GMT", 120.0),
        ("Sunday, 29-Nov-26 10:02:00 GMT", 120.0),  # RFC 850, obsolete but still legal to receive
        ("Sun Nov 29 10:02:00 2026", 120.0),  # asctime
        ("Sun, 29 Nov 2026 09:00:00 GMT", 0.0),
        ("Sun, 29 Nov 2026 11:00:00 +0100", 0.0),
        ("-5", None),
        ("1e3", None),
        ("soon", None),
        ("", None),
        ("Sun, 31 Feb 2026 10:00:00 GMT", None),
        (None, None),
    ],
    ids=lambda value: repr(value),
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == expected


@given(st.text(max_size=60))
def test_parse_retry_after_never_raises_and_is_never_negative(value: str) -> None:
    seconds = parse_retry_after(value, now=NOW)
    assert seconds is None or seconds >= 0.0


@given(st.integers(min_value=0, max_value=10**12))
def test_delta_seconds_round_trip(seconds: int) -> None:
    assert parse_retry_after(str(seconds), now=NOW) == float(seconds)


@given(st.integers(min_value=-(10**7), max_value=10**7))
def test_http_dates_measured_from_now(offset: int) -> None:
    when = format_datetime(NOW + timedelta(seconds=offset), usegmt=True)
    assert parse_retry_after(when, now=NOW) == max(0.0, float(offset))


@pytest.mark.parametrize("value", ["Sun, 29 Nov 2026 10:00:00 GMT", "Sun, 29 Nov 2026 10:00:00 -0000"], ids=str)
def test_http_dates_are_utc(value: str) -> None:
    assert parse_http_date(value) == NOW


@given(
    attempt=st.integers(min_value=0, max_value=10_000),
    base=st.floats(min_value=0.0, max_value=100.0),
    cap=st.floats(min_value=0.0, max_value=3600.0),
    seed=st.integers(),
)
def test_backoff_stays_within_its_ceiling(attempt: int, base: float, cap: float, seed: int) -> None:
    delay = backoff_delay(attempt, base_seconds=base, cap_seconds=cap, rng=random.Random(seed))
    assert 0.0 <= delay <= min(cap, base * 2.0 ** min(attempt, 64))
