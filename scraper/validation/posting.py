"""Validation of a normalized posting: its salary findings (validation/salary.py) and posting-level findings
(no company, a date in the future, expired, stale) as flags with plain sentences.

Pure, one step after normalization (validation reads normalized values; normalization never imports validation).
Flags annotate and never drop a posting. Statistical outliers need the whole category: storage/outliers.py.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Final

from models.flags import COMPANY_MISSING, EXPIRED, POSTED_IN_FUTURE, POSTED_LONG_AGO
from models.records import Flag, NormalizedPosting
from scraper.normalization.currency import Rates
from scraper.validation.salary import NOT_POSITIVE, salary_flags

# Boards stamp dates in their own time zone and some round up to the day: a day ahead is not news.
FUTURE_TOLERANCE: Final = timedelta(days=1)
# Half a year open is where a posting is more likely forgotten than still hiring.
LONG_AGO: Final = timedelta(days=180)


def validate_posting(posting: NormalizedPosting, *, rates: Rates, now: datetime) -> NormalizedPosting:
    """The posting with every finding validation makes on it alone (salary first, then the posting's own), as flags.

    Flags already on the posting are kept in front. The one change besides flags: a salary that is zero or
    negative is flagged `salary_not_positive` and removed, since it states no pay.
    """
    flags = list(posting.flags)
    salary = posting.salary
    if salary is not None:
        found = salary_flags(salary, rates)
        flags.extend(found)
        if any(flag.code == NOT_POSITIVE for flag in found):
            salary = None  # "$0" is flagged and kept out of the record: no statistic may count it as pay
    flags.extend(posting_flags(company=posting.company, posted_at=posting.posted_at, now=now))
    return dataclasses.replace(posting, salary=salary, flags=tuple(flags))


def posting_flags(
    *,
    company: str | None,
    posted_at: datetime | None,
    now: datetime,
    valid_through: datetime | date | None = None,
) -> list[Flag]:
    """Findings about a posting beyond its salary; [] when there are none.

    Codes: `company_missing`, `posted_in_future` (more than a day after `now`), `expired`
    (`valid_through` before `now`), `posted_long_ago` (more than 180 days before `now`). Naive
    datetimes are read as UTC; a bare `valid_through` date lasts to the end of that day.

    >>> now = datetime(2026, 11, 29, tzinfo=UTC)
    >>> [f.code for f in posting_flags(company=" ", posted_at=datetime(2027, 1, 5, tzinfo=UTC), now=now)]
    ['company_missing', 'posted_in_future']
    >>> posting_flags(company="Lemon.io", posted_at=now, now=now)
    []
    """
    now = _utc(now)
    flags: list[Flag] = []
    if company is None or not company.strip():
        flags.append(Flag(COMPANY_MISSING, "the posting names no company"))
    if posted_at is not None:
        posted = _utc(posted_at)
        if posted - now > FUTURE_TOLERANCE:
            days = (posted - now).days
            flags.append(
                Flag(
                    POSTED_IN_FUTURE,
                    f"the posting date {posted:%Y-%m-%d} is {_days(days)} after it was seen, which cannot be right",
                )
            )
        elif now - posted > LONG_AGO:
            days = (now - posted).days
            flags.append(
                Flag(
                    POSTED_LONG_AGO,
                    f"posted {_days(days)} ago (on {posted:%Y-%m-%d}); the job may no longer be open",
                )
            )
    if valid_through is not None:
        if isinstance(valid_through, datetime):
            closes = _utc(valid_through)
            last_day = closes.date()
        else:
            last_day = valid_through
            closes = datetime(last_day.year, last_day.month, last_day.day, tzinfo=UTC) + timedelta(days=1)
        if closes < now:
            flags.append(Flag(EXPIRED, f"the posting says it was open until {last_day:%Y-%m-%d}, which has passed"))
    return flags


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _days(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"
