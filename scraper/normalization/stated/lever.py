"""Lever salaries: `salaryRange` `{currency, interval, min, max}` -> Salary.

A 0 is "not given": Lever's zero dummy range `{min: 0, max: 0}` means undisclosed (docs/FORMATS.md section 3),
so it is no salary and no flag. A negative amount means nothing of the kind and is kept for validation to flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.enums import Period, PeriodBasis
from models.records import Salary
from scraper.normalization.stated._shared import currency_code, one_line, raw_text, stated_bounds

# Lever `salaryRange.interval` (FORMATS.md section 3); "yearly" is seen in consumer code. Others -> None.
LEVER_INTERVALS: dict[str, Period] = {
    "per-year-salary": Period.YEAR,
    "per-month-salary": Period.MONTH,
    "per-week-salary": Period.WEEK,
    "per-day-wage": Period.DAY,
    "per-hour-wage": Period.HOUR,
    "yearly": Period.YEAR,
    "monthly": Period.MONTH,
    "weekly": Period.WEEK,
    "daily": Period.DAY,
    "hourly": Period.HOUR,
}


def salary_from_lever(salary_range: Any) -> Salary | None:
    """A Lever `salaryRange` `{currency, interval, min, max}` as a Salary; an unknown interval gives period None.

    {"currency": "CAD", "interval": "per-year-salary", "min": 150000, "max": 195000} -> 150000.0-195000.0 CAD per year
    {"currency": "USD", "interval": "per-hour-wage", "min": 6, "max": 9} -> 6.0-9.0 USD per hour
    {"currency": "USD", "interval": "per-fortnight-mystery", "min": 2000, "max": 2500} -> period None
    {"currency": "USD", "interval": "per-year-salary", "min": 0, "max": 0} -> None (Lever's "undisclosed")
    {"currency": "USD", "interval": "per-year-salary", "min": -1, "max": 0} -> min -1.0 (flagged by validation)
    """
    if not isinstance(salary_range, Mapping):
        return None
    low, high = stated_bounds(salary_range.get("min"), salary_range.get("max"), zero_means_not_given=True)
    if low is None and high is None:
        return None
    interval = one_line(salary_range.get("interval"))
    currency = currency_code(salary_range.get("currency"))
    return Salary(
        min=low,
        max=high,
        currency=currency,
        period=LEVER_INTERVALS.get(interval.lower()),
        period_basis=PeriodBasis.STATED,
        raw=raw_text(currency, low, high, unit=interval),
    )


def read(data: Any) -> Salary | None:
    """The reader for format "lever": a posting's `salaryRange` as found."""
    return salary_from_lever(data)
