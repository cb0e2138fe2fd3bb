"""Recruitee's offer `salary` object -> Salary: `{"min": "60000", "max": "90000", "currency": "EUR", "period": "year"}`.

Amounts come as strings (sometimes numbers); the period is a word the API states. Pure and total.
An offer with no pay states `null` amounts (tests/fixtures/sources/recruitee/README.md), so a 0 is a zero:
kept for validation to flag (`salary_not_positive`), never read as "not given".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from models.enums import Period
from models.records import Salary
from scraper.normalization.stated.amounts import salary_from_amounts

# Recruitee's period words, and the spellings public consumers report ("yearly", "per_month"). Others -> None.
PERIODS: dict[str, Period] = {
    "year": Period.YEAR,
    "yearly": Period.YEAR,
    "annual": Period.YEAR,
    "annually": Period.YEAR,
    "month": Period.MONTH,
    "monthly": Period.MONTH,
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "day": Period.DAY,
    "daily": Period.DAY,
    "hour": Period.HOUR,
    "hourly": Period.HOUR,
}


def salary_from_recruitee(salary: Any) -> Salary | None:
    """The salary an offer states; period None when the API states none or a word it does not know.

    >>> s = salary_from_recruitee({"min": "60000", "max": "90000", "currency": "eur", "period": "year"})
    >>> (s.min, s.max, s.currency, s.period.value, s.raw)
    (60000.0, 90000.0, 'EUR', 'year', 'EUR 60000-90000 / year')
    >>> salary_from_recruitee({"min": "25", "max": None, "currency": "USD", "period": "per_hour"}).period.value
    'hour'
    >>> salary_from_recruitee({"min": None, "max": None, "currency": "EUR", "period": "year"}) is None
    True
    >>> salary_from_recruitee({"min": "0", "max": "0", "currency": "EUR", "period": "year"}).min
    0.0
    """
    if not isinstance(salary, Mapping):
        return None
    currency = salary.get("currency")
    period = salary.get("period")
    label = " ".join(period.split()) if isinstance(period, str) and period.strip() else None
    key = re.sub(r"^per[_\s-]*", "", label.lower()) if label else ""
    return salary_from_amounts(
        salary.get("min"),
        salary.get("max"),
        currency=currency if isinstance(currency, str) else None,
        period=PERIODS.get(key),
        unit=label,
        zero_is_given=True,
    )


def read(data: Any) -> Salary | None:
    """The reader for format "recruitee": an offer's `salary` object as found."""
    return salary_from_recruitee(data)
