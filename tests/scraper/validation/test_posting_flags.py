"""Posting-level flags: stable codes, a sentence each, never a drop."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scraper.validation.posting import posting_flags

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("company", "posted_at", "valid_through", "codes"),
    [
        ("Lemon.io", NOW - timedelta(days=3), None, []),
        (None, NOW, None, ["company_missing"]),
        ("   ", NOW, None, ["company_missing"]),
        ("Acme", NOW + timedelta(hours=20), None, []),  # within a day: time zones, not news
        ("Acme", NOW + timedelta(days=3), None, ["posted_in_future"]),
        ("Acme", NOW - timedelta(days=180), None, []),
        ("Acme", NOW - timedelta(days=181), None, ["posted_long_ago"]),
        ("Acme", None, None, []),
        ("Acme", NOW, datetime(2026, 8, 1, tzinfo=UTC), ["expired"]),
        ("Acme", NOW, date(2026, 8, 1), ["expired"]),
        ("Acme", NOW, date(2026, 11, 29), []),  # a bare date lasts to the end of its day
        ("Acme", NOW, datetime(2026, 12, 10, tzinfo=UTC), []),
        ("Acme", datetime(2026, 11, 20), None, []),  # naive is UTC
        (None, NOW + timedelta(days=40), date(2026, 1, 1), ["company_missing", "posted_in_future", "expired"]),
    ],
    ids=[
        "clean",
        "no-company",
        "blank-company",
        "a-few-hours-ahead",
        "future",
        "exactly-180-days",
        "181-days",
        "no-date",
        "expired-datetime",
        "expired-date",
        "valid-through-today",
        "valid-later",
        "naive-datetime",
        "everything",
    ],
)
def test_posting_flags(
    company: str | None, posted_at: datetime | None, valid_through: datetime | date | None, codes: list[str]
) -> None:
    flags = posting_flags(company=company, posted_at=posted_at, now=NOW, valid_through=valid_through)
    assert [flag.code for flag in flags] == codes


def test_messages_are_sentences_a_person_reads() -> None:
    flags = posting_flags(
        company=None,
        posted_at=datetime(2026, 12, 9, tzinfo=UTC),
        now=NOW,
        valid_through=date(2026, 8, 1),
    )
    assert [flag.message for flag in flags] == [
        "the posting names no company",
        "the posting date 2026-12-09 is 9 days after it was seen, which cannot be right",
        "the posting says it was open until 2026-08-01, which has passed",
    ]
    (stale,) = posting_flags(company="Acme", posted_at=datetime(2025, 11, 29, 12, tzinfo=UTC), now=NOW)
    assert stale.message == "posted 365 days ago (on 2025-11-29); the job may no longer be open"
