"""Posting dates as sources print them -> aware UTC datetimes.

Pure and total: returns None for anything it cannot read, never raises. It does not decide whether a
date is plausible (scraper/validation/posting.py flags future and stale dates).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Final

# Longer text is not a date; refusing it early keeps the time bounded on hostile input.
MAX_CHARS: Final = 100
# Epoch values from this magnitude up are milliseconds: 1e11 seconds is the year 5138, while 1e11 ms
# is March 1973, before any posting on the web.
_EPOCH_MS_FROM: Final = 100_000_000_000

# Months as 30 days and years as 365, as aijobs.net's own readers approximate them.
_UNIT_SECONDS: Final[dict[str, int]] = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86_400,
    "day": 86_400,
    "days": 86_400,
    "w": 7 * 86_400,
    "wk": 7 * 86_400,
    "wks": 7 * 86_400,
    "week": 7 * 86_400,
    "weeks": 7 * 86_400,
    "mo": 30 * 86_400,
    "mos": 30 * 86_400,
    "mon": 30 * 86_400,
    "month": 30 * 86_400,
    "months": 30 * 86_400,
    "y": 365 * 86_400,
    "yr": 365 * 86_400,
    "yrs": 365 * 86_400,
    "year": 365 * 86_400,
    "years": 365 * 86_400,
}
_PREFIX: Final = r"(?:(?:found|published|posted|listed|added|updated|reposted)\s*:?\s+)?"
_RELATIVE_RE: Final = re.compile(
    _PREFIX + r"(?P<n>\d{1,4}|an?|one)\s*\+?\s*(?P<unit>[a-z]{1,7})\.?\s+ago\.?", re.IGNORECASE
)
_DAY_WORD_RE: Final = re.compile(_PREFIX + r"(?:on\s+)?(?P<word>today|yesterday|just posted)\.?", re.IGNORECASE)
_EPOCH_RE: Final = re.compile(r"\d{9,14}(?:\.\d+)?")
_SLASH_DATE_RE: Final = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")
_MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_DAY_MONTH_YEAR_RE: Final = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})", re.IGNORECASE)
_MONTH_DAY_YEAR_RE: Final = re.compile(r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.IGNORECASE)


def parse_posted_at(text: str | int | float | None, *, now: datetime) -> datetime | None:
    """Read a posting date into an aware UTC datetime; None when the text is not a date it knows.

    Reads ISO 8601 with or without offset (no offset means UTC), a bare date (midnight UTC), epoch
    seconds or milliseconds (told apart by magnitude, as text or number), RFC 822, "14 Sep 2026",
    "Sep 14, 2026", an unambiguous dd/mm/yyyy or mm/dd/yyyy, and relative text counted back from
    `now`: "today", "yesterday", "3h ago", "6d ago", "2w ago", "5mo ago", "1y ago", "Found 8h ago",
    "Posted 23 Days Ago", "30+ days ago" (read as 30 days, the least it can mean).

    >>> now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    >>> parse_posted_at("2016-01-14T10:55:28-05:00", now=now)
    datetime.datetime(2016, 1, 14, 15, 55, 28, tzinfo=datetime.timezone.utc)
    >>> parse_posted_at("6d ago", now=now)
    datetime.datetime(2026, 11, 23, 12, 0, tzinfo=datetime.timezone.utc)
    >>> parse_posted_at("just now", now=now) is None
    True
    """
    now = _as_utc(now)
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, int | float):
        return _from_epoch(float(text))
    value = " ".join(str(text).split())
    if not value or len(value) > MAX_CHARS:
        return None
    for reader in (_read_epoch, _read_iso, _read_relative, _read_rfc822, _read_named_month, _read_slash_date):
        parsed = reader(value, now)
        if parsed is not None:
            return parsed
    return None


def _as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _from_epoch(number: float) -> datetime | None:
    if number != number or number < 0:  # NaN or before 1970: not a posting date
        return None
    seconds = number / 1000 if number >= _EPOCH_MS_FROM else number
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _read_epoch(value: str, now: datetime) -> datetime | None:
    if not _EPOCH_RE.fullmatch(value):
        return None
    return _from_epoch(float(value))


def _read_iso(value: str, now: datetime) -> datetime | None:
    if not value[:4].isdigit():
        return None
    value = value.removesuffix(" UTC")  # Recruitee: "2026-05-29 09:45:21 UTC"
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return _as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _read_relative(value: str, now: datetime) -> datetime | None:
    match = _DAY_WORD_RE.fullmatch(value)
    if match:
        word = match["word"].lower()
        return now - timedelta(days=1) if word == "yesterday" else now
    match = _RELATIVE_RE.fullmatch(value)
    if not match:
        return None
    unit = _UNIT_SECONDS.get(match["unit"].lower())
    if unit is None:
        return None
    amount = 1 if not match["n"].isdigit() else int(match["n"])
    try:
        return now - timedelta(seconds=amount * unit)
    except OverflowError:
        return None


def _read_rfc822(value: str, now: datetime) -> datetime | None:
    if "," not in value and ":" not in value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return _as_utc(parsed)


def _read_named_month(value: str, now: datetime) -> datetime | None:
    match = _DAY_MONTH_YEAR_RE.fullmatch(value)
    if match:
        day, month_name, year = match.groups()
    else:
        match = _MONTH_DAY_YEAR_RE.fullmatch(value)
        if not match:
            return None
        month_name, day, year = match.groups()
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    return _make_date(int(year), month, int(day))


def _read_slash_date(value: str, now: datetime) -> datetime | None:
    """dd/mm/yyyy or mm/dd/yyyy only where one number is over 12; "03/04/2026" names no one day."""
    match = _SLASH_DATE_RE.fullmatch(value)
    if not match:
        return None
    first, separator, second, year = match.groups()
    a, b = int(first), int(second)
    if separator == ".":  # 14.09.2026: the dotted form is day-first wherever it is used
        return _make_date(int(year), b, a)
    if a > 12 >= b:
        return _make_date(int(year), b, a)
    if b > 12 >= a:
        return _make_date(int(year), a, b)
    return None


def _make_date(year: int, month: int, day: int) -> datetime | None:
    try:
        return datetime(year, month, day, tzinfo=UTC)
    except ValueError:
        return None


def parse_valid_through(text: str | None, *, now: datetime) -> datetime | None:
    """When a posting stops being valid, as an aware UTC datetime; a bare date is valid through its whole day.

    >>> now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    >>> parse_valid_through("2026-08-01", now=now)
    datetime.datetime(2026, 8, 2, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_valid_through("Wed, 21 Oct 2026 14:02:11 +0000", now=now)
    datetime.datetime(2026, 10, 21, 14, 2, 11, tzinfo=datetime.timezone.utc)
    """
    moment = parse_posted_at(text, now=now)
    if moment is not None and text is not None and len(text.strip()) == 10 and moment.time() == datetime.min.time():
        return moment + timedelta(days=1)
    return moment
