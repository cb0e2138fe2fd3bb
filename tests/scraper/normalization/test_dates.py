"""Posting dates in every printed form -> aware UTC datetimes; anything else -> None."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.normalization.dates import parse_posted_at

NOW = datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
DAY = timedelta(days=1)

CASES: list[tuple[str | int, datetime | None]] = [
    # ISO 8601
    ("2016-01-14T10:55:28-05:00", datetime(2016, 1, 14, 15, 55, 28, tzinfo=UTC)),
    ("2026-05-29 09:45:21 UTC", datetime(2026, 5, 29, 9, 45, 21, tzinfo=UTC)),  # Recruitee
    ("2024-12-03T21:15:04+00:00", datetime(2024, 12, 3, 21, 15, 4, tzinfo=UTC)),
    ("2026-09-04T13:22:07.481Z", datetime(2026, 9, 4, 13, 22, 7, 481000, tzinfo=UTC)),
    ("2020-02-15T10:23:26", datetime(2020, 2, 15, 10, 23, 26, tzinfo=UTC)),  # Remotive: no zone means UTC
    ("2026-09-12 08:30:00", datetime(2026, 9, 12, 8, 30, tzinfo=UTC)),
    ("2026-09-10", datetime(2026, 9, 10, tzinfo=UTC)),
    ("2026-11-10T23:59:00+02:00", datetime(2026, 11, 10, 21, 59, tzinfo=UTC)),
    # epoch seconds and milliseconds, told apart by magnitude
    ("1788275020", datetime(2026, 9, 1, 15, 3, 40, tzinfo=UTC)),
    ("1788275020000", datetime(2026, 9, 1, 15, 3, 40, tzinfo=UTC)),
    (1788275020, datetime(2026, 9, 1, 15, 3, 40, tzinfo=UTC)),
    (1788275020000, datetime(2026, 9, 1, 15, 3, 40, tzinfo=UTC)),
    # RFC 822
    ("Mon, 04 Nov 2024 14:05:00 +0000", datetime(2024, 11, 4, 14, 5, tzinfo=UTC)),
    ("Mon, 21 Sep 2026 14:02:11 +0000", datetime(2026, 9, 21, 14, 2, 11, tzinfo=UTC)),
    ("Wed, 21 Oct 2026 14:02:11 GMT", datetime(2026, 10, 21, 14, 2, 11, tzinfo=UTC)),
    ("Mon, 21 Sep 2026 09:30:00 -0400", datetime(2026, 9, 21, 13, 30, tzinfo=UTC)),
    # dates with month names, and unambiguous numeric dates
    ("14 Sep 2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("Sep 14, 2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("September 14th, 2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("09/14/2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("14/09/2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("14.09.2026", datetime(2026, 9, 14, tzinfo=UTC)),
    ("03/04/2026", None),  # March 4 or 3 April: not guessed
    # relative (aijobs.net, Workday)
    ("today", NOW),
    ("Today", NOW),
    ("yesterday", NOW - DAY),
    ("Posted Yesterday", NOW - DAY),
    ("3h ago", NOW - timedelta(hours=3)),
    ("6d ago", NOW - 6 * DAY),
    ("2w ago", NOW - 14 * DAY),
    ("5mo ago", NOW - 150 * DAY),
    ("1y ago", NOW - 365 * DAY),
    ("Found 8h ago", NOW - timedelta(hours=8)),
    ("Published 15d ago", NOW - 15 * DAY),
    ("Posted 23 Days Ago", NOW - 23 * DAY),
    ("Posted 30+ Days Ago", NOW - 30 * DAY),
    ("30+ days ago", NOW - 30 * DAY),
    ("an hour ago", NOW - timedelta(hours=1)),
    ("45m ago", NOW - timedelta(minutes=45)),
    # not dates
    ("just now", None),
    ("soon", None),
    ("6 fortnights ago", None),
    ("", None),
    ("   ", None),
    ("2026-13-45", None),
    ("Mon, 99 Foo 2026 99:99:99 +0000", None),
    ("0", None),
    ("-1788275020", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[repr(text) for text, _ in CASES])
def test_parse_posted_at(text: str | int, expected: datetime | None) -> None:
    parsed = parse_posted_at(text, now=NOW)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC


def test_none_is_none() -> None:
    assert parse_posted_at(None, now=NOW) is None


def test_relative_dates_count_from_a_naive_or_offset_now() -> None:
    naive_now = datetime(2026, 11, 29, 12, 0)
    assert parse_posted_at("6d ago", now=naive_now) == NOW - 6 * DAY
    offset_now = datetime(2026, 11, 29, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    assert parse_posted_at("today", now=offset_now) == NOW


@given(st.text(max_size=200))
def test_never_raises_on_text(text: str) -> None:
    parsed = parse_posted_at(text, now=NOW)
    assert parsed is None or parsed.tzinfo is UTC


@given(st.integers() | st.floats(allow_nan=True, allow_infinity=True))
def test_never_raises_on_numbers(number: int | float) -> None:
    parsed = parse_posted_at(number, now=NOW)
    assert parsed is None or parsed.tzinfo is UTC


@pytest.mark.parametrize(
    "text", ["1" * 10_000 + "!", "9" * 1_000_000, "ago " * 100_000], ids=["digits", "one-mb", "agos"]
)
def test_adversarial_input_is_none_at_once(text: str) -> None:
    assert parse_posted_at(text, now=NOW) is None
